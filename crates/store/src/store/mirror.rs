//! A mirror of someone else's log: what a verifying witness keeps of every community it
//! watches. [`Store::import_published`] makes it from the log as published; this extends it with
//! the entries the log publishes next, checked exactly as an append is — each entry's place, chain
//! and time ([`LogHead::check_next`]), its authors' signatures (one batch), the ledger's rules
//! ([`Ledger::apply`], from the state the store keeps, never a replay from zero) — and the new
//! entries' Merkle root against the log's signed checkpoint. The entries keep their published
//! bytes, and the checkpoint stored is the log's own note (with the cosignatures given keys
//! verify). All or nothing: a refused extension writes nothing, and the state in memory is
//! dropped so the next use reloads what the database holds.

use super::Store;
use super::load::{LedgerState, load};
use super::rows::{add_attachment_refs, posting_rows};
use crate::backend::{Backend, CommitBatch, StoredEntry};
use crate::import::{ImportError, split_checkpoint};
use gongzhang_core::cosignature::CosignerKey;
use gongzhang_core::entry::Entry;
use gongzhang_core::log::{KeyCache, LogError, SignatureCheck, verify_signatures};
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note::VerifierKey;
use std::collections::BTreeMap;

impl<B: Backend> Store<B> {
    /// Extends the mirrored ledger of `log_key`'s origin with `lines` (the published log's lines
    /// from the mirror's size on, each ending in a line feed) up to `checkpoint` (the log's signed
    /// checkpoint over all of it, whose size must be the mirror's size plus the lines). Returns
    /// the new tree head. Refused, with the entry named where there is one, if a line is not the
    /// next entry, a signature or a rule fails, or the root is not the checkpoint's.
    pub async fn extend_mirror(
        &self,
        log_key: &VerifierKey,
        lines: &[u8],
        checkpoint: &str,
        witnesses: &[CosignerKey],
    ) -> Result<TreeHead, ImportError> {
        let origin = log_key.name().to_owned();
        let split = split_checkpoint(checkpoint, log_key, witnesses)?;
        let handle = self.handle(&origin).await?;
        let mut guard = handle.shared.state.write().await;
        let mut state = match guard.take() {
            Some(state) => state,
            None => load(&self.shared.backend, handle.shared.id, &origin, None).await?,
        };
        let start = state.head.size();
        match extend(&mut state, lines, &split.stored) {
            Ok(batch) => {
                let committed = self
                    .shared
                    .backend
                    .commit_batch(handle.shared.id, start, &batch.batch)
                    .await;
                if let Err(error) = committed {
                    // `guard` stays empty: the next use reloads what the database holds.
                    return Err(error.into());
                }
                state.funds = batch.funds;
                state.households = batch.households;
                let head = state.tree.tree_head();
                *guard = Some(state);
                Ok(head)
            }
            // `guard` stays empty: the state was changed by the entries before the refused one.
            Err(error) => Err(error),
        }
    }
}

/// A checked extension, ready to commit.
struct Extension {
    batch: CommitBatch,
    funds: BTreeMap<String, i64>,
    households: BTreeMap<String, crate::backend::HouseholdRow>,
}

fn extend(
    state: &mut LedgerState,
    lines: &[u8],
    checkpoint: &crate::backend::StoredCheckpoint,
) -> Result<Extension, ImportError> {
    let mut entries: Vec<StoredEntry> = Vec::new();
    let mut nodes = Vec::new();
    let mut postings = Vec::new();
    let mut refs = BTreeMap::new();
    let mut checks: Vec<SignatureCheck> = Vec::new();
    let mut keys = KeyCache::default();
    let mut rest = lines;
    while !rest.is_empty() {
        let seq = state.head.size();
        let (line, after) = match rest.iter().position(|&b| b == b'\n') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => {
                return Err(ImportError::Log(LogError::UnterminatedLastLine { seq }));
            }
        };
        rest = after;
        let entry = Entry::parse(line).map_err(|error| {
            ImportError::Log(LogError::Malformed {
                seq,
                line: seq + 1,
                error,
            })
        })?;
        let signed_for = state
            .head
            .check_next(&entry)
            .map_err(ImportError::Log)?
            .to_owned();
        checks.extend(
            SignatureCheck::for_entry(&signed_for, &entry, &mut keys).map_err(ImportError::Log)?,
        );
        let applied = state.ledger.apply(&entry).map_err(ImportError::Rule)?;
        state.head.advance(&entry);
        state.tree.push_completing(entry.hash(), &mut nodes);
        postings.extend(posting_rows(entry.seq(), &applied.postings));
        add_attachment_refs(&entry, &mut refs);
        entries.push(StoredEntry::from(&entry));
    }
    verify_signatures(&checks).map_err(ImportError::Log)?;
    let head = state.tree.tree_head();
    if head.size != checkpoint.size {
        return Err(ImportError::Log(LogError::SizeMismatch {
            checkpoint_size: checkpoint.size,
            log_size: head.size,
        }));
    }
    if head.root != checkpoint.root {
        return Err(ImportError::Log(LogError::RootMismatch {
            size: head.size,
            expected: checkpoint.root,
            computed: head.root,
        }));
    }
    let projected = state.projected(postings);
    Ok(Extension {
        batch: CommitBatch {
            entries,
            nodes,
            projections: projected.changed,
            checkpoint: checkpoint.clone(),
            attachment_refs: refs.into_iter().collect(),
        },
        funds: projected.funds,
        households: projected.households,
    })
}
