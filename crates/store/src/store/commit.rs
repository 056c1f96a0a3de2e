//! A ledger's group-commit task: it gathers the batches that arrive together, seals and checks
//! them in arrival order against the ledger's state, and commits the accepted entries, the Merkle
//! nodes they complete, the projection rows they change and a signed checkpoint in one
//! transaction before it answers the callers.

use super::append::{AppendError, Receipt, SUBMISSIONS_PER_BATCH_MAX, Submission};
use super::load::{LedgerState, corrupt, load};
use super::rows::{attachment_refs_of, posting_rows};
use super::{LedgerShared, Shared};
use crate::backend::{
    Backend, CHECKPOINT_PROBES_MAX, CommitBatch, HouseholdRow, NodeId, StoredCheckpoint,
    StoredEntry,
};
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::Hash;
use gongzhang_core::ledger::{RuleError, Violation};
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note::SignerKey;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Group commit stops gathering further callers' batches once the group holds this many
/// entries (a single batch larger than this is committed on its own).
pub const GROUP_COMMIT_ENTRIES_MAX: usize = 256;
/// How long, in milliseconds, group commit waits for callers already on their way before it
/// commits what it has. A lone writer never waits: the store only waits when more callers are in
/// flight (or were in the previous group) than it has gathered.
pub const GROUP_COMMIT_WAIT_MS: u64 = 2;
/// The most entries one committed transaction holds.
pub const COMMIT_ENTRIES_MAX: usize = if SUBMISSIONS_PER_BATCH_MAX > GROUP_COMMIT_ENTRIES_MAX {
    SUBMISSIONS_PER_BATCH_MAX
} else {
    GROUP_COMMIT_ENTRIES_MAX
};
// The provided `Backend::checkpoint_covering` finds a batch's checkpoint by probing this far.
const _: () = assert!(COMMIT_ENTRIES_MAX as u64 <= CHECKPOINT_PROBES_MAX);
/// Batches waiting for a ledger's group-commit task; further callers wait for room.
pub const GROUP_COMMIT_QUEUE_MAX: usize = 1024;

/// One caller's batch, queued for the group-commit task.
pub(super) struct Request {
    pub(super) expected_size: Option<u64>,
    pub(super) submissions: Vec<Submission>,
    pub(super) reply: oneshot::Sender<Result<Vec<Receipt>, AppendError>>,
}

/// Where a receipt comes from once the group is committed.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// An entry of this group.
    InGroup(u64),
    /// An entry committed before (an idempotent resubmission).
    Stored(u64),
}

/// The group-commit task of one ledger: gathers the batches that arrive together, validates them
/// in arrival order and commits the accepted entries in one transaction.
pub(super) async fn group_commit_task<B: Backend>(
    shared: Arc<Shared<B>>,
    ledger: Arc<LedgerShared>,
    mut receiver: mpsc::Receiver<Request>,
) {
    let wait = Duration::from_millis(GROUP_COMMIT_WAIT_MS);
    let mut carried: Option<Request> = None;
    let mut previous_callers = 1usize;
    loop {
        let first = match carried.take() {
            Some(request) => request,
            None => match receiver.recv().await {
                Some(request) => request,
                None => return,
            },
        };
        let mut entries = first.submissions.len();
        let mut group = vec![first];
        let deadline = tokio::time::Instant::now() + wait;
        while entries < GROUP_COMMIT_ENTRIES_MAX {
            let next = match receiver.try_recv() {
                Ok(request) => Some(request),
                Err(mpsc::error::TryRecvError::Disconnected) => None,
                Err(mpsc::error::TryRecvError::Empty) => {
                    let expected = ledger
                        .in_flight
                        .load(Ordering::Acquire)
                        .max(previous_callers);
                    if group.len() >= expected {
                        None
                    } else {
                        tokio::time::timeout_at(deadline, receiver.recv())
                            .await
                            .ok()
                            .flatten()
                    }
                }
            };
            let Some(request) = next else { break };
            if entries + request.submissions.len() > GROUP_COMMIT_ENTRIES_MAX {
                carried = Some(request);
                break;
            }
            entries += request.submissions.len();
            group.push(request);
        }
        previous_callers = group.len();
        commit_group(&shared, &ledger, group).await;
    }
}

/// Validates and commits one group, then answers its callers.
async fn commit_group<B: Backend>(shared: &Shared<B>, ledger: &LedgerShared, group: Vec<Request>) {
    let answer_all = |group: Vec<Request>, error: AppendError| {
        for request in group {
            let _ = request.reply.send(Err(error.clone()));
        }
    };
    let Some(key) = shared.key(&ledger.origin) else {
        answer_all(group, AppendError::NoLogKey(ledger.origin.clone()));
        return;
    };
    let mut guard = ledger.state.write().await;
    let mut state = match guard.take() {
        Some(state) => state,
        None => match load(&shared.backend, ledger.id, &ledger.origin, None).await {
            Ok(state) => state,
            Err(error) => {
                answer_all(group, error.into());
                return;
            }
        },
    };
    let log_key = key.verifier().to_string();
    if state.head.size() > 0 && state.ledger.log_key() != log_key {
        let error = AppendError::LogKeyMismatch {
            origin: ledger.origin.clone(),
            expected: state.ledger.log_key().to_string(),
            found: log_key,
        };
        *guard = Some(state);
        answer_all(group, error);
        return;
    }

    let start = state.head.size();
    let mut work = Work::default();
    let mut outcomes = Vec::with_capacity(group.len());
    let mut replies = Vec::with_capacity(group.len());
    for request in group {
        replies.push(request.reply);
        outcomes.push(validate_request(
            shared,
            &mut state,
            &mut work,
            start,
            request.expected_size,
            request.submissions,
        ));
    }

    let committed = write_group(shared, ledger, &key, &mut state, &mut work, start).await;
    match &committed {
        Ok(_) => *guard = Some(state),
        // The in-memory state holds entries that are not in the database: drop it, so that the
        // next use reloads (and re-verifies) what the database holds.
        Err(_) => *guard = None,
    }
    drop(guard);

    for (outcome, reply) in outcomes.into_iter().zip(replies) {
        let answer = match outcome {
            Err(error) => Err(error),
            Ok(pending) => resolve(shared, ledger, &work, start, &committed, pending).await,
        };
        let _ = reply.send(answer);
    }
}

/// Writes the entries the group accepted, if any, in one transaction: the tree head they make
/// (`None` if the group appended nothing). On success the state remembers the projection rows
/// written.
async fn write_group<B: Backend>(
    shared: &Shared<B>,
    ledger: &LedgerShared,
    key: &SignerKey,
    state: &mut LedgerState,
    work: &mut Work,
    start: u64,
) -> Result<Option<TreeHead>, AppendError> {
    if work.entries.is_empty() {
        return Ok(None);
    }
    let head = state.tree.tree_head();
    let group = group_batch(&ledger.origin, key, state, work, head)?;
    match shared
        .backend
        .commit_batch(ledger.id, start, &group.batch)
        .await
    {
        Ok(()) => {
            state.funds = group.funds;
            state.households = group.households;
            Ok(Some(head))
        }
        Err(error) => {
            tracing::warn!(origin = %ledger.origin, %error, "group commit failed; the ledger will be reloaded");
            Err(AppendError::from(error))
        }
    }
}

/// A group's batch, with every fund and household row after it: what the state remembers as
/// written once the batch has committed.
struct GroupBatch {
    batch: CommitBatch,
    funds: BTreeMap<String, i64>,
    households: BTreeMap<String, HouseholdRow>,
}

/// The group's batch: its entries with the nodes they complete and their postings (taken from
/// `work`), the fund and household rows that differ from those last written, and a checkpoint
/// over `head` signed with the log key.
fn group_batch(
    origin: &str,
    key: &SignerKey,
    state: &LedgerState,
    work: &mut Work,
    head: TreeHead,
) -> Result<GroupBatch, AppendError> {
    let cp = Checkpoint::new(origin, head.size, head.root).map_err(AppendError::Checkpoint)?;
    let projected = state.projected(std::mem::take(&mut work.postings));
    let batch = CommitBatch {
        entries: work.entries.iter().map(StoredEntry::from).collect(),
        nodes: std::mem::take(&mut work.nodes),
        projections: projected.changed,
        checkpoint: StoredCheckpoint {
            size: head.size,
            root: head.root,
            note: checkpoint::sign(&cp, key),
            cosignatures: Vec::new(),
        },
        attachment_refs: attachment_refs_of(&work.entries),
    };
    Ok(GroupBatch {
        batch,
        funds: projected.funds,
        households: projected.households,
    })
}

/// What the group accepted so far.
#[derive(Default)]
struct Work {
    entries: Vec<Entry>,
    nodes: Vec<(NodeId, Hash)>,
    postings: Vec<(u64, u32, String, i64)>,
}

/// Turns a caller's pending receipts into receipts once the group's fate is known.
async fn resolve<B: Backend>(
    shared: &Shared<B>,
    ledger: &LedgerShared,
    work: &Work,
    start: u64,
    committed: &Result<Option<TreeHead>, AppendError>,
    pending: Vec<Pending>,
) -> Result<Vec<Receipt>, AppendError> {
    let mut receipts = Vec::with_capacity(pending.len());
    for p in pending {
        match p {
            Pending::InGroup(seq) => {
                let head = match committed {
                    Ok(Some(head)) => *head,
                    // INVARIANT: an entry of this group means the group committed something.
                    Ok(None) => return Err(AppendError::WriterStopped),
                    Err(error) => return Err(error.clone()),
                };
                let entry = usize::try_from(seq - start)
                    .ok()
                    .and_then(|i| work.entries.get(i))
                    .ok_or(AppendError::WriterStopped)?;
                receipts.push(Receipt {
                    seq,
                    entry_hash: entry.hash(),
                    checkpoint: head,
                });
            }
            Pending::Stored(seq) => receipts.push(stored_receipt(shared, ledger, seq).await?),
        }
    }
    Ok(receipts)
}

/// The original receipt of a committed entry.
async fn stored_receipt<B: Backend>(
    shared: &Shared<B>,
    ledger: &LedgerShared,
    seq: u64,
) -> Result<Receipt, AppendError> {
    let backend = &shared.backend;
    let row = backend.entries(ledger.id, seq, seq + 1).await?;
    let row = row
        .first()
        .ok_or_else(|| corrupt(seq, "the entry is missing"))?;
    let checkpoint = backend
        .checkpoint_covering(ledger.id, seq)
        .await?
        .ok_or_else(|| corrupt(seq, "no checkpoint covers the entry"))?;
    Ok(Receipt {
        seq,
        entry_hash: row.hash,
        checkpoint: TreeHead {
            size: checkpoint.size,
            root: checkpoint.root,
        },
    })
}

/// Validates one caller's batch against the state, all or nothing: on success the state and the
/// group's work include its entries; on failure neither changes.
fn validate_request<B: Backend>(
    shared: &Shared<B>,
    state: &mut LedgerState,
    work: &mut Work,
    start: u64,
    expected_size: Option<u64>,
    submissions: Vec<Submission>,
) -> Result<Vec<Pending>, AppendError> {
    if let Some(expected) = expected_size {
        if expected != state.head.size() {
            return Err(AppendError::Conflict {
                expected,
                found: state.head.size(),
            });
        }
    }
    let marks = (work.entries.len(), work.nodes.len(), work.postings.len());
    let rollback = |work: &mut Work| {
        work.entries.truncate(marks.0);
        work.nodes.truncate(marks.1);
        work.postings.truncate(marks.2);
    };
    if submissions.len() == 1 {
        // One event: `apply` refuses without changing anything, so work in place.
        let result = submissions
            .into_iter()
            .next()
            .map(|s| validate_one(shared, state, work, start, 0, s));
        return match result {
            Some(Ok(pending)) => Ok(vec![pending]),
            Some(Err(error)) => {
                rollback(work);
                Err(error)
            }
            None => Err(AppendError::EmptyBatch),
        };
    }
    // Several events: work on a copy, kept only if every event is accepted.
    let mut copy = state.clone();
    let mut pending = Vec::with_capacity(submissions.len());
    for (index, submission) in submissions.into_iter().enumerate() {
        match validate_one(shared, &mut copy, work, start, index, submission) {
            Ok(p) => pending.push(p),
            Err(error) => {
                rollback(work);
                return Err(error);
            }
        }
    }
    *state = copy;
    Ok(pending)
}

/// Seals one event as the next entry and applies the log's and the ledger's rules to it.
fn validate_one<B: Backend>(
    shared: &Shared<B>,
    state: &mut LedgerState,
    work: &mut Work,
    start: u64,
    index: usize,
    submission: Submission,
) -> Result<Pending, AppendError> {
    let seq = state.head.size();
    let now = shared.now();
    let recorded_at = match state.head.last_time() {
        Some(last) if now < last => last,
        _ => now,
    };
    let event_id = submission.event.id().to_string();
    let entry = Entry::seal(
        seq,
        state.head.last_hash(),
        recorded_at,
        submission.event,
        submission.signatures,
    )
    .map_err(|error| AppendError::Entry {
        index,
        event_id: event_id.clone(),
        error,
    })?;
    state.head.check_next(&entry).map_err(AppendError::Log)?;
    let applied = match state.ledger.apply(&entry) {
        Ok(applied) => applied,
        Err(RuleError {
            violation: Violation::DuplicateEvent { first_seq, .. },
            ..
        }) => {
            return Ok(if first_seq >= start {
                Pending::InGroup(first_seq)
            } else {
                Pending::Stored(first_seq)
            });
        }
        Err(RuleError {
            violation: Violation::ConflictingEventId { first_seq, .. },
            ..
        }) => {
            return Err(AppendError::IdempotencyConflict {
                event_id,
                first_seq,
            });
        }
        Err(rule) => return Err(AppendError::Rule(rule)),
    };
    state.head.advance(&entry);
    state.tree.push_completing(entry.hash(), &mut work.nodes);
    work.postings.extend(posting_rows(seq, &applied.postings));
    work.entries.push(entry);
    Ok(Pending::InGroup(seq))
}
