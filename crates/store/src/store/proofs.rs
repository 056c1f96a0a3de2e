//! Inclusion and consistency proofs and roots, computed from stored Merkle nodes only: each
//! subtree a proof names is cut into perfect aligned subtrees, all fetched in one
//! [`Backend::nodes`] call and folded.

use super::Store;
use super::checkpoints::{best_cosigned, note_with_cosignatures};
use crate::backend::{Backend, LedgerId, NodeId, StoreError};
use gongzhang_core::hash::Hash;
use gongzhang_core::merkle::{self, ProofRequestError};
use gongzhang_core::tlog_proof::{TlogProof, TlogProofParseError};
use std::ops::Range;

/// Why a proof could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The index or sizes do not describe a proof.
    #[error("{0}")]
    Request(ProofRequestError),
    /// The tree size asked for is larger than the log.
    #[error("the log has {size} entries; no proof exists for a tree of size {tree_size}")]
    BeyondLog {
        /// Size asked for.
        tree_size: u64,
        /// Entries in the log.
        size: u64,
    },
    /// No checkpoint was signed at this size (checkpoints are signed once per committed batch).
    #[error("no checkpoint was signed at size {0}")]
    NoCheckpoint(u64),
    /// The log is empty.
    #[error("the log has no checkpoint yet")]
    NoCheckpointYet,
    /// No entry records this event.
    #[error("no entry records event `{0}`")]
    UnknownEvent(String),
    /// The proof could not be written as a tlog-proof.
    #[error("{0}")]
    TlogProof(TlogProofParseError),
    /// The database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Cuts `range`, a subtree of the RFC 6962 tree (its start a multiple of a power of two at least
/// its length, as every proof range is), into perfect aligned subtrees, largest first: their
/// hashes folded from the right are the subtree's hash.
pub(super) fn perfect_subtrees(range: Range<u64>, out: &mut Vec<NodeId>) {
    let mut start = range.start;
    while start < range.end {
        let aligned = if start == 0 {
            63
        } else {
            start.trailing_zeros()
        };
        let fits = 63 - (range.end - start).leading_zeros();
        let level = aligned.min(fits);
        out.push(NodeId {
            // INVARIANT: level <= 63.
            level: u8::try_from(level).unwrap_or(63),
            index: start >> level,
        });
        start += 1u64 << level;
    }
}

/// The hashes of `ranges`, from stored nodes, in one backend call.
async fn range_hashes<B: Backend>(
    backend: &B,
    ledger: LedgerId,
    ranges: &[Range<u64>],
) -> Result<Vec<Hash>, StoreError> {
    let mut ids = Vec::new();
    let mut counts = Vec::with_capacity(ranges.len());
    for range in ranges {
        let before = ids.len();
        perfect_subtrees(range.clone(), &mut ids);
        counts.push(ids.len() - before);
    }
    let hashes = backend.nodes(ledger, &ids).await?;
    if hashes.len() != ids.len() {
        return Err(StoreError::Corrupt {
            seq: 0,
            reason: format!("asked for {} Merkle nodes, got {}", ids.len(), hashes.len()),
        });
    }
    let mut out = Vec::with_capacity(ranges.len());
    let mut rest = hashes.as_slice();
    for count in counts {
        let (these, after) = rest.split_at(count);
        out.push(merkle::fold_peaks(these));
        rest = after;
    }
    Ok(out)
}

impl<B: Backend> Store<B> {
    async fn check_tree_size(&self, id: LedgerId, tree_size: u64) -> Result<(), ProofError> {
        let size = self.shared.backend.size(id).await?;
        if tree_size > size {
            return Err(ProofError::BeyondLog { tree_size, size });
        }
        Ok(())
    }

    /// The inclusion proof of entry `seq` in the tree of the first `tree_size` entries, from
    /// stored nodes (O(log n) rows).
    pub async fn inclusion_proof(
        &self,
        origin: &str,
        seq: u64,
        tree_size: u64,
    ) -> Result<Vec<Hash>, ProofError> {
        let id = self.ledger_id(origin).await?;
        let ranges = merkle::inclusion_proof_ranges(seq, tree_size).map_err(ProofError::Request)?;
        self.check_tree_size(id, tree_size).await?;
        Ok(range_hashes(&self.shared.backend, id, &ranges).await?)
    }

    /// The entry recording `event_id`, its hash and its inclusion proof in the tree of
    /// `tree_size` entries (the whole log if `None`): (seq, entry hash, proof).
    pub async fn inclusion_proof_by_event(
        &self,
        origin: &str,
        event_id: &str,
        tree_size: Option<u64>,
    ) -> Result<(u64, Hash, Vec<Hash>), ProofError> {
        let id = self.ledger_id(origin).await?;
        let row = self
            .shared
            .backend
            .entry_by_event(id, event_id)
            .await?
            .ok_or_else(|| ProofError::UnknownEvent(event_id.to_string()))?;
        let tree_size = match tree_size {
            Some(size) => size,
            None => self.shared.backend.size(id).await?,
        };
        let proof = self.inclusion_proof(origin, row.seq, tree_size).await?;
        Ok((row.seq, row.hash, proof))
    }

    /// A receipt for entry `seq` as a C2SP tlog-proof: its inclusion proof in the checkpoint
    /// signed at `tree_size`, with that checkpoint and its cosignatures. Without a size, the
    /// checkpoint is the latest one witnesses cosigned that covers the entry (the most witnesses,
    /// then the largest: so that a payer's receipt carries the street office's cosignature), or
    /// the latest checkpoint when none covers it yet.
    pub async fn tlog_proof(
        &self,
        origin: &str,
        seq: u64,
        tree_size: Option<u64>,
    ) -> Result<String, ProofError> {
        let id = self.ledger_id(origin).await?;
        let tree_size = match tree_size {
            Some(size) => Some(size),
            None => best_cosigned(&self.cosigned_recently(id).await?, seq).map(|(size, _)| size),
        };
        let stored =
            self.shared
                .backend
                .checkpoint(id, tree_size)
                .await?
                .ok_or(match tree_size {
                    Some(size) => ProofError::NoCheckpoint(size),
                    None => ProofError::NoCheckpointYet,
                })?;
        let hashes = self.inclusion_proof(origin, seq, stored.size).await?;
        let proof = TlogProof::new(None, seq, hashes, note_with_cosignatures(&stored))
            .map_err(ProofError::TlogProof)?;
        Ok(proof.to_text())
    }

    /// The consistency proof from the tree of `size1` entries to the tree of `size2`, from
    /// stored nodes.
    pub async fn consistency_proof(
        &self,
        origin: &str,
        size1: u64,
        size2: u64,
    ) -> Result<Vec<Hash>, ProofError> {
        let id = self.ledger_id(origin).await?;
        let ranges = merkle::consistency_proof_ranges(size1, size2).map_err(ProofError::Request)?;
        self.check_tree_size(id, size2).await?;
        Ok(range_hashes(&self.shared.backend, id, &ranges).await?)
    }

    /// The Merkle root over the first `size` entries, from stored nodes.
    pub async fn root(&self, origin: &str, size: u64) -> Result<Hash, ProofError> {
        let id = self.ledger_id(origin).await?;
        self.check_tree_size(id, size).await?;
        let roots =
            range_hashes(&self.shared.backend, id, std::slice::from_ref(&(0..size))).await?;
        Ok(roots.first().copied().unwrap_or(Hash::EMPTY_TREE_ROOT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhang_core::hash::leaf_hash;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn proof_ranges_cut_into_perfect_subtrees_fold_to_their_roots() {
        let leaves = leaves(100);
        for size in 1..=100u64 {
            for index in 0..size {
                for range in merkle::inclusion_proof_ranges(index, size).expect("in range") {
                    let mut ids = Vec::new();
                    perfect_subtrees(range.clone(), &mut ids);
                    let hashes: Vec<Hash> = ids
                        .iter()
                        .map(|id| {
                            let start = (id.index << id.level) as usize;
                            merkle::root(&leaves[start..start + (1 << id.level)])
                        })
                        .collect();
                    let slice = &leaves[range.start as usize..range.end as usize];
                    assert_eq!(
                        merkle::fold_peaks(&hashes),
                        merkle::root(slice),
                        "{range:?}"
                    );
                }
            }
        }
    }
}
