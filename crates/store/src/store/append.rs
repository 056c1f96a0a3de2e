//! The way in: a ledger's genesis ([`Store::create_ledger`]) and callers' batches of signed
//! events ([`Store::append_batch`]), their author signatures checked in the caller's task before
//! the batch is queued for the ledger's group-commit task.

use super::Store;
use super::commit::{GROUP_COMMIT_QUEUE_MAX, Request, group_commit_task};
use super::rows::{attachment_refs_of, fund_rows, household_rows, posting_rows};
use crate::backend::{
    Backend, CommitBatch, ProjectionRows, StoreError, StoredCheckpoint, StoredEntry,
};
use gongzhang_core::checkpoint::{self, Checkpoint, CheckpointParseError};
use gongzhang_core::entry::{AuthorSignature, Entry, EntryError, Event};
use gongzhang_core::hash::Hash;
use gongzhang_core::keys::{AuthorKey, AuthorKeyError, PublicKey, event_message};
use gongzhang_core::ledger::{Ledger, RuleError};
use gongzhang_core::log::{LogError, LogHead, LogVerifier, SignatureCheck, verify_signatures};
use gongzhang_core::merkle::{MerkleAccumulator, TreeHead};
use gongzhang_core::note::SignerKey;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{mpsc, oneshot};

/// The most events one [`Store::append_batch`] call may carry.
pub const SUBMISSIONS_PER_BATCH_MAX: usize = 1024;

/// Batches with more signatures than this are verified on the blocking thread pool, so that a
/// large batch does not stall the async workers.
pub const SIGNATURES_INLINE_MAX: usize = 16;

/// An event and its authors' signatures, as submitted for appending.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The event.
    pub event: Event,
    /// Its authors' signatures over it (for this ledger's origin).
    pub signatures: Vec<AuthorSignature>,
}

/// What the store answers for an appended event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The entry's position in the log.
    pub seq: u64,
    /// The entry hash (its Merkle leaf).
    pub entry_hash: Hash,
    /// The signed checkpoint written with the entry: its tree size and root.
    pub checkpoint: TreeHead,
}

/// Why an append was refused. Errors about one event name its position in the caller's batch
/// (`index`) and its id; rule errors name the sequence number it would have had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppendError {
    /// No ledger with this origin.
    #[error("no ledger `{0}`")]
    UnknownLedger(String),
    /// The store has no log key for this ledger ([`Store::add_log_key`]).
    #[error("no log signing key is registered for `{0}`")]
    NoLogKey(String),
    /// The log key does not belong to this ledger.
    #[error("the log key {found} is not the ledger `{origin}`'s log key {expected}")]
    LogKeyMismatch {
        /// The ledger.
        origin: String,
        /// The key the genesis names (or the origin, for the key's name).
        expected: String,
        /// The key given.
        found: String,
    },
    /// A ledger with this origin exists with another genesis entry.
    #[error("a ledger `{0}` already exists with a different genesis entry")]
    LedgerExists(String),
    /// The batch has no events.
    #[error("the batch has no events")]
    EmptyBatch,
    /// The batch has too many events.
    #[error("the batch has {found} events, more than the limit of {max}")]
    BatchTooLarge {
        /// Events in the batch.
        found: usize,
        /// [`SUBMISSIONS_PER_BATCH_MAX`].
        max: usize,
    },
    /// Another writer appended first: the log is not at the size the caller expected.
    #[error(
        "the ledger has {found} entries, not the expected {expected}: another writer appended first"
    )]
    Conflict {
        /// Size the caller expected.
        expected: u64,
        /// Size found.
        found: u64,
    },
    /// The event id is in the log already, with different content.
    #[error(
        "event id `{event_id}` was already used at entry {first_seq} for a different event; choose a new id"
    )]
    IdempotencyConflict {
        /// The id.
        event_id: String,
        /// Where it was first used.
        first_seq: u64,
    },
    /// A signature names a key that is not a valid Ed25519 key, or a weak one.
    #[error("event {index} (`{event_id}`): the signing key {key} is {reason}")]
    InvalidKey {
        /// Position in the batch.
        index: usize,
        /// The event id.
        event_id: String,
        /// The key.
        key: PublicKey,
        /// Why it is refused.
        reason: AuthorKeyError,
    },
    /// A signature names its key in a non-canonical encoding (RFC 8032 §5.1.3).
    #[error(
        "event {index} (`{event_id}`): the signing key {key} is not canonically encoded (RFC 8032 §5.1.3)"
    )]
    NonCanonicalKey {
        /// Position in the batch.
        index: usize,
        /// The event id.
        event_id: String,
        /// The key as written.
        key: PublicKey,
    },
    /// An author signature does not verify for this ledger.
    #[error(
        "event {index} (`{event_id}`): the signature by key {key} does not verify for this ledger"
    )]
    BadSignature {
        /// Position in the batch.
        index: usize,
        /// The event id.
        event_id: String,
        /// The key whose signature failed.
        key: PublicKey,
    },
    /// The event cannot be sealed into a well-formed entry (too large, too many signatures, a
    /// key twice).
    #[error("event {index} (`{event_id}`): {error}")]
    Entry {
        /// Position in the batch.
        index: usize,
        /// The event id.
        event_id: String,
        /// What is wrong.
        error: EntryError,
    },
    /// The log's rules refuse the entry (a second genesis, or a genesis that is not one).
    #[error("{0}")]
    Log(LogError),
    /// The ledger's rules refuse the entry.
    #[error("{0}")]
    Rule(RuleError),
    /// The checkpoint could not be made.
    #[error("the checkpoint: {0}")]
    Checkpoint(CheckpointParseError),
    /// The database failed, or its data is inconsistent. Shared by every caller of the group.
    #[error("{0}")]
    Store(Arc<StoreError>),
    /// The ledger's group-commit task has stopped (the runtime is shutting down).
    #[error("the ledger's writer has stopped")]
    WriterStopped,
}

impl From<StoreError> for AppendError {
    fn from(error: StoreError) -> AppendError {
        match error {
            StoreError::UnknownLedger(origin) => AppendError::UnknownLedger(origin),
            StoreError::Conflict { expected, found } => AppendError::Conflict { expected, found },
            other => AppendError::Store(Arc::new(other)),
        }
    }
}

/// Decrements a ledger's in-flight count when the caller is answered (or gives up).
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<B: Backend> Store<B> {
    /// Opens a ledger with its genesis entry (entry 0, sealed and signed by the committee) and
    /// registers its log key. Calling it again with the same genesis returns the same receipt.
    pub async fn create_ledger(
        &self,
        genesis: Entry,
        log_signer: SignerKey,
    ) -> Result<Receipt, AppendError> {
        let origin = LogHead::empty()
            .check_next(&genesis)
            .map_err(AppendError::Log)?
            .to_string();
        let mut verifier = LogVerifier::new();
        verifier.push(genesis.bytes()).map_err(AppendError::Log)?;
        verifier.finish().map_err(AppendError::Log)?;
        let mut ledger = Ledger::new();
        let applied = ledger.apply(&genesis).map_err(AppendError::Rule)?;
        let log_key = log_signer.verifier().to_string();
        if log_signer.name() != origin || ledger.log_key() != log_key {
            return Err(AppendError::LogKeyMismatch {
                origin: origin.clone(),
                expected: ledger.log_key().to_string(),
                found: log_key,
            });
        }
        let backend = &self.shared.backend;
        let id = backend.create_ledger(&origin).await?;
        let mut tree = MerkleAccumulator::new();
        let mut nodes = Vec::new();
        tree.push_completing(genesis.hash(), &mut nodes);
        let head = tree.tree_head();
        let cp = Checkpoint::new(&origin, head.size, head.root).map_err(AppendError::Checkpoint)?;
        let batch = CommitBatch {
            entries: vec![StoredEntry::from(&genesis)],
            nodes,
            projections: ProjectionRows {
                funds: fund_rows(&ledger).into_iter().collect(),
                households: household_rows(&ledger).into_values().collect(),
                postings: posting_rows(0, &applied.postings),
            },
            checkpoint: StoredCheckpoint {
                size: head.size,
                root: head.root,
                note: checkpoint::sign(&cp, &log_signer),
                cosignatures: Vec::new(),
            },
            attachment_refs: attachment_refs_of(std::slice::from_ref(&genesis)),
        };
        match backend.commit_batch(id, 0, &batch).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                let first = backend.entries(id, 0, 1).await?;
                if first.first().map(|e| e.hash) != Some(genesis.hash()) {
                    return Err(AppendError::LedgerExists(origin));
                }
            }
            Err(other) => return Err(other.into()),
        }
        self.add_log_key(&origin, log_signer)?;
        // A state loaded before the genesis existed (an empty log) is stale now.
        self.forget_state(&origin).await;
        let checkpoint = backend
            .checkpoint_covering(id, 0)
            .await?
            .map_or(head, |c| TreeHead {
                size: c.size,
                root: c.root,
            });
        Ok(Receipt {
            seq: 0,
            entry_hash: genesis.hash(),
            checkpoint,
        })
    }

    /// Appends a batch of signed events to the ledger `origin`, all or nothing (see the
    /// [module documentation](super)). With `expected_size`, the batch is refused with
    /// [`AppendError::Conflict`] unless the log has exactly that many entries when it is
    /// sealed. Returns one receipt per event, in order; an event already in the log with the
    /// same content gets its original receipt.
    pub async fn append_batch(
        &self,
        origin: &str,
        expected_size: Option<u64>,
        submissions: Vec<Submission>,
    ) -> Result<Vec<Receipt>, AppendError> {
        if submissions.is_empty() {
            return Err(AppendError::EmptyBatch);
        }
        if submissions.len() > SUBMISSIONS_PER_BATCH_MAX {
            return Err(AppendError::BatchTooLarge {
                found: submissions.len(),
                max: SUBMISSIONS_PER_BATCH_MAX,
            });
        }
        let handle = self.handle(origin).await?;
        let submissions = verify_authors(origin, submissions).await?;
        let sender = handle.sender.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(GROUP_COMMIT_QUEUE_MAX);
            tokio::spawn(group_commit_task(
                Arc::clone(&self.shared),
                Arc::clone(&handle.shared),
                receiver,
            ));
            sender
        });
        handle.shared.in_flight.fetch_add(1, Ordering::AcqRel);
        let _in_flight = InFlight(&handle.shared.in_flight);
        let (reply, answer) = oneshot::channel();
        sender
            .send(Request {
                expected_size,
                submissions,
                reply,
            })
            .await
            .map_err(|_| AppendError::WriterStopped)?;
        answer.await.map_err(|_| AppendError::WriterStopped)?
    }

    /// Appends one signed event (a batch of one).
    pub async fn append(
        &self,
        origin: &str,
        submission: Submission,
    ) -> Result<Receipt, AppendError> {
        let mut receipts = self.append_batch(origin, None, vec![submission]).await?;
        receipts.pop().ok_or(AppendError::EmptyBatch)
    }
}

/// Verifies every author signature of a batch (for the ledger `origin`), in one Ed25519 batch.
async fn verify_authors(
    origin: &str,
    submissions: Vec<Submission>,
) -> Result<Vec<Submission>, AppendError> {
    let mut checks = Vec::new();
    for (index, s) in submissions.iter().enumerate() {
        let message = event_message(origin, s.event.canonical_bytes());
        for signature in &s.signatures {
            let key = AuthorKey::from_public(*signature.key()).map_err(|reason| match reason {
                AuthorKeyError::NonCanonical => AppendError::NonCanonicalKey {
                    index,
                    event_id: s.event.id().to_string(),
                    key: *signature.key(),
                },
                reason => AppendError::InvalidKey {
                    index,
                    event_id: s.event.id().to_string(),
                    key: *signature.key(),
                    reason,
                },
            })?;
            checks.push(SignatureCheck {
                seq: index as u64,
                key,
                signature: *signature.signature(),
                message: message.clone(),
            });
        }
    }
    let result = if checks.len() > SIGNATURES_INLINE_MAX {
        tokio::task::spawn_blocking(move || verify_signatures(&checks))
            .await
            .map_err(|_| AppendError::WriterStopped)?
    } else {
        verify_signatures(&checks)
    };
    match result {
        Ok(()) => Ok(submissions),
        Err(LogError::BadSignature { seq, key }) => {
            let index = usize::try_from(seq).unwrap_or(usize::MAX);
            Err(AppendError::BadSignature {
                index,
                event_id: submissions
                    .get(index)
                    .map(|s| s.event.id().to_string())
                    .unwrap_or_default(),
                key,
            })
        }
        Err(other) => Err(AppendError::Log(other)),
    }
}
