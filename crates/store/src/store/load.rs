//! Loading a ledger's state from the database: every stored entry replayed through the
//! verifier's checks and the ledger's rules, its Merkle root compared with the latest stored
//! checkpoint, whose signature must verify with the genesis's log key.

use super::proofs::perfect_subtrees;
use super::rows::{add_attachment_refs, fund_rows, household_rows, posting_rows};
use crate::backend::{Backend, HouseholdRow, LedgerId, ProjectionRows, StoreError, StoredEntry};
use gongzhang_core::checkpoint;
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::{Hash, sha256};
use gongzhang_core::ledger::Ledger;
use gongzhang_core::log::{LogHead, LogVerifier};
use gongzhang_core::merkle::MerkleAccumulator;
use gongzhang_core::note::VerifierKey;
use std::collections::BTreeMap;
use std::fmt;

/// Entries read per backend call when a ledger is loaded or rebuilt.
pub const LOAD_ENTRIES_PER_READ: u64 = 4096;

/// A ledger's state in memory: what the next append is checked against.
#[derive(Debug, Clone)]
pub(super) struct LedgerState {
    pub(super) head: LogHead,
    pub(super) ledger: Ledger,
    pub(super) tree: MerkleAccumulator,
    /// Fund rows as last written.
    pub(super) funds: BTreeMap<String, i64>,
    /// Household rows as last written.
    pub(super) households: BTreeMap<String, HouseholdRow>,
}

/// Every fund and household row after some entries, and the projection rows to write for them.
pub(super) struct Projected {
    /// The rows that differ from those last written, with the entries' postings.
    pub(super) changed: ProjectionRows,
    /// Every fund row now (the state remembers them once the rows are committed).
    pub(super) funds: BTreeMap<String, i64>,
    /// Every household row now.
    pub(super) households: BTreeMap<String, HouseholdRow>,
}

impl LedgerState {
    /// The projection rows to write after the entries just applied to this state, whose
    /// postings are `postings`: the fund and household rows that differ from those last written.
    pub(super) fn projected(&self, postings: Vec<(u64, u32, String, i64)>) -> Projected {
        let funds = fund_rows(&self.ledger);
        let households = household_rows(&self.ledger);
        let changed = ProjectionRows {
            funds: funds
                .iter()
                .filter(|(fund, balance)| self.funds.get(*fund) != Some(balance))
                .map(|(fund, balance)| (fund.clone(), *balance))
                .collect(),
            households: households
                .iter()
                .filter(|(unit, row)| self.households.get(*unit) != Some(row))
                .map(|(_, row)| row.clone())
                .collect(),
            postings,
        };
        Projected {
            changed,
            funds,
            households,
        }
    }
}

pub(super) fn corrupt(seq: u64, reason: impl fmt::Display) -> StoreError {
    StoreError::Corrupt {
        seq,
        reason: reason.to_string(),
    }
}

/// Replays and verifies a ledger's stored entries. With `postings`, collects every derived
/// posting (for a rebuild).
pub(super) async fn load<B: Backend>(
    backend: &B,
    ledger_id: LedgerId,
    origin: &str,
    mut postings: Option<&mut Vec<(u64, u32, String, i64)>>,
) -> Result<LedgerState, StoreError> {
    let size = backend.size(ledger_id).await?;
    let mut verifier = LogVerifier::new().expect_origin(origin);
    let mut head = LogHead::empty();
    let mut ledger = Ledger::new();
    let mut tree = MerkleAccumulator::new();
    let mut refs = BTreeMap::new();
    let mut from = 0u64;
    while from < size {
        let to = size.min(from + LOAD_ENTRIES_PER_READ);
        let rows = backend.entries(ledger_id, from, to).await?;
        if rows.len() as u64 != to - from {
            return Err(corrupt(
                from + rows.len() as u64,
                "the entry is missing: the log has a gap",
            ));
        }
        for (row, seq) in rows.iter().zip(from..) {
            let entry = check_row(&mut verifier, row, seq)?;
            head.advance(&entry);
            match ledger.apply(&entry) {
                Ok(applied) => {
                    if let Some(out) = postings.as_deref_mut() {
                        out.extend(posting_rows(seq, &applied.postings));
                    }
                }
                Err(rule) => {
                    // An earlier entry's bad signature explains more than a later rule.
                    verifier
                        .flush()
                        .map_err(|e| corrupt(e.seq().unwrap_or(seq), e))?;
                    return Err(corrupt(
                        seq,
                        format!("the stored entry breaks a rule: {rule}"),
                    ));
                }
            }
            tree.push(entry.hash());
            add_attachment_refs(&entry, &mut refs);
        }
        from = to;
    }
    if size > 0 {
        verifier
            .finish()
            .map_err(|e| corrupt(e.seq().unwrap_or(size - 1), e))?;
        check_latest_checkpoint(backend, ledger_id, origin, &ledger, &tree).await?;
        // Entries appended before attachment references were kept (or restored without them)
        // get them now, so that no attachment an entry names is ever collected. Idempotent.
        let refs: Vec<(Hash, u64)> = refs.into_iter().collect();
        backend.add_attachment_refs(ledger_id, &refs).await?;
    }
    Ok(LedgerState {
        funds: fund_rows(&ledger),
        households: household_rows(&ledger),
        head,
        ledger,
        tree,
    })
}

/// Checks one stored row: its bytes are a valid next entry, and the indexed values agree.
fn check_row(verifier: &mut LogVerifier, row: &StoredEntry, seq: u64) -> Result<Entry, StoreError> {
    if row.seq != seq {
        return Err(corrupt(
            seq,
            format!("the row at position {seq} says seq {}", row.seq),
        ));
    }
    let entry = verifier
        .push(&row.bytes)
        .map_err(|e| corrupt(e.seq().unwrap_or(seq), e))?;
    if entry.hash() != row.hash {
        return Err(corrupt(
            seq,
            format!(
                "the stored hash {} is not the hash of the stored bytes, {}",
                row.hash,
                entry.hash()
            ),
        ));
    }
    if entry.event().id() != row.event_id {
        return Err(corrupt(
            seq,
            format!(
                "the stored event id `{}` is not the entry's `{}`",
                row.event_id,
                entry.event().id()
            ),
        ));
    }
    if sha256(entry.event().canonical_bytes()) != row.event_hash {
        return Err(corrupt(
            seq,
            "the stored event hash is not the hash of the entry's event",
        ));
    }
    Ok(entry)
}

/// The checkpoint over the loaded entries must match them and be signed by the genesis's log key,
/// no checkpoint may cover more entries than are stored, and the frontier's nodes must be stored
/// as computed.
async fn check_latest_checkpoint<B: Backend>(
    backend: &B,
    ledger_id: LedgerId,
    origin: &str,
    ledger: &Ledger,
    tree: &MerkleAccumulator,
) -> Result<(), StoreError> {
    let last = tree.size().saturating_sub(1);
    let head = tree.tree_head();
    // Compare with the checkpoint over exactly the entries read: another store sharing the
    // database may have committed (and checkpointed) more since they were read.
    let Some(latest) = backend.checkpoint(ledger_id, Some(head.size)).await? else {
        return Err(corrupt(last, "no checkpoint covers the stored entries"));
    };
    if latest.size != head.size || latest.root != head.root {
        return Err(corrupt(
            last,
            format!(
                "the checkpoint of size {} says root {}, the entries give root {}",
                latest.size, latest.root, head.root
            ),
        ));
    }
    // A checkpoint over more entries than are stored now means entries were removed.
    if let Some(newest) = backend.checkpoint(ledger_id, None).await? {
        let stored = backend.size(ledger_id).await?;
        if newest.size > stored {
            return Err(corrupt(
                stored.saturating_sub(1),
                format!(
                    "a checkpoint covers {} entries but only {stored} are stored: entries were removed",
                    newest.size
                ),
            ));
        }
    }
    let key = VerifierKey::parse(ledger.log_key())
        .map_err(|e| corrupt(0, format!("the genesis log key: {e}")))?;
    let opened = checkpoint::open(&latest.note, origin, &key, None)
        .map_err(|e| corrupt(last, format!("the latest checkpoint: {e}")))?;
    if opened.tree_head() != head {
        return Err(corrupt(
            last,
            "the latest checkpoint's note does not match its size and root",
        ));
    }
    let mut ids = Vec::new();
    perfect_subtrees(0..tree.size(), &mut ids);
    let stored = backend.nodes(ledger_id, &ids).await?;
    if stored != tree.peaks() {
        return Err(corrupt(
            last,
            "the stored Merkle nodes do not match the entries",
        ));
    }
    Ok(())
}
