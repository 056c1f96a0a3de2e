//! The logic every backend shares: validation with `gongzhang_core`, group commit, checkpoints,
//! proofs from stored Merkle nodes, projections and their rebuild.
//!
//! # Appending
//!
//! [`Store::append_batch`] takes events signed by their authors. The store checks the author
//! signatures (in the caller's task, so concurrent callers verify in parallel), then hands the
//! batch to the ledger's **group-commit task**, which gathers the batches that arrive together
//! (up to [`GROUP_COMMIT_ENTRIES_MAX`] entries, waiting at most [`GROUP_COMMIT_WAIT_MS`] for
//! callers already on their way) and, for each batch in arrival order, seals every event into an
//! entry (sequence number, previous hash, `recorded_at` from the store's clock) and runs
//! [`LogHead::check_next`] and [`Ledger::apply`] on it — the same rules a verifier applies. The
//! accepted entries of the whole group, the Merkle nodes they complete, the projection rows they
//! change and a checkpoint signed with the ledger's log key go to the backend in **one durable
//! transaction**; only when it has committed are the receipts sent.
//!
//! A caller's batch is **all or nothing**: if one of its events is refused (bad signature, a
//! ledger rule, a conflicting event id, a stale expected size), none of its events is appended
//! and the caller gets the error, naming the event; the other callers of the same group are not
//! affected. An event whose id is already in the log with the same content is not appended again:
//! its receipt is the original one (same seq, entry hash and checkpoint). If the commit itself
//! fails, every caller with a new entry in the group gets the error, and the ledger's in-memory
//! state is dropped and reloaded (and re-verified) from the database on next use. That includes
//! [`AppendError::Conflict`] when another process appended to the same ledger meanwhile (two
//! servers on one database): the retry is checked against the reloaded log.
//!
//! # State and verification
//!
//! Each ledger's state (log head, [`Ledger`], Merkle frontier, last written projection rows) is
//! loaded on first use by replaying the stored entries through [`LogVerifier`] and
//! [`Ledger::apply`]: every stored entry is re-parsed and checked against its stored hash,
//! sequence number, event id and event hash, the chain and the author signatures are verified,
//! and the Merkle root must equal the latest stored checkpoint, whose signature must verify with
//! the genesis's log key. A row changed behind the store's back is reported as
//! [`StoreError::Corrupt`], naming the entry.
//!
//! # Proofs
//!
//! Inclusion and consistency proofs are computed from stored Merkle nodes only: each subtree a
//! proof names ([`merkle::inclusion_proof_ranges`], [`merkle::consistency_proof_ranges`]) is cut
//! into perfect aligned subtrees, all fetched in one [`Backend::nodes`] call (O(log n) rows) and
//! folded with [`node_hash`].

use crate::backend::{
    Attachment, Backend, CHECKPOINT_PROBES_MAX, CollectedUploads, CommitBatch, HouseholdRow,
    LedgerId, NodeId, ProjectionRows, StoreError, StoredCheckpoint, StoredEntry,
};
use gongzhang_core::attachment::{MediaType, UploadClaim, UploadSignature, UploadSignatureError};
use gongzhang_core::checkpoint::{self, Checkpoint, CheckpointParseError};
use gongzhang_core::cosignature::{self, CosignatureError, CosignerKey};
use gongzhang_core::entry::{AuthorSignature, Entry, EntryError, Event, RecordedAt};
use gongzhang_core::hash::{Hash, node_hash, sha256};
use gongzhang_core::keys::{AuthorKey, AuthorKeyError, PublicKey, event_message};
use gongzhang_core::ledger::events::{Statement, attachment_refs};
use gongzhang_core::ledger::households::Household;
use gongzhang_core::ledger::types::{Fen, FundId, PeriodRange, Unit};
use gongzhang_core::ledger::{Ledger, RuleError, Violation};
use gongzhang_core::log::{LogError, LogHead, LogVerifier, SignatureCheck, verify_signatures};
use gongzhang_core::merkle::{self, ProofRequestError, TreeHead};
use gongzhang_core::note::{
    self, NoteError, SignatureLine, SignatureLineError, SignerKey, VerifierKey,
};
use gongzhang_core::tlog_proof::{TlogProof, TlogProofParseError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot};

/// The most events one [`Store::append_batch`] call may carry.
pub const SUBMISSIONS_PER_BATCH_MAX: usize = 1024;
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
/// Entries read per backend call when a ledger is loaded or rebuilt.
pub const LOAD_ENTRIES_PER_READ: u64 = 4096;
/// The most entries [`Store::entries`] returns at once; read longer ranges in pages.
pub const ENTRIES_PER_READ_MAX: u64 = 10_000;
/// The largest attachment (a scanned invoice or the minutes of a meeting), in bytes: 20 MiB.
pub const ATTACHMENT_BYTES_MAX: usize = 20 * 1024 * 1024;
/// The bytes one ledger's uploads may hold (files named by its entries and files waiting to be
/// named): 4 GiB, ten years of a large community's scanned invoices at a few hundred a year.
/// Files restored from a published bundle are not uploads and do not count.
pub const UPLOAD_QUOTA_BYTES_PER_LEDGER: u64 = 4 * 1024 * 1024 * 1024;
/// How long an uploaded file may wait for an entry that names it, in milliseconds: a day. Then
/// [`Store::collect_uploads`] removes it (an attachment an entry names is never removed).
pub const UPLOAD_UNNAMED_TTL_MS: i64 = 24 * 60 * 60 * 1000;
const _: () = assert!(ATTACHMENT_BYTES_MAX as u64 <= UPLOAD_QUOTA_BYTES_PER_LEDGER);
/// The longest media type (RFC 6838: 127 characters for each of type and subtype).
pub const MEDIA_TYPE_BYTES_MAX: usize = 255;
/// Batches with more signatures than this are verified on the blocking thread pool, so that a
/// large batch does not stall the async workers.
pub const SIGNATURES_INLINE_MAX: usize = 16;

/// The store's clock: the `recorded_at` of each new entry (never earlier than the entry before
/// it: the store uses the later of the two). Called once for each event the store seals.
pub type Clock = Arc<dyn Fn() -> RecordedAt + Send + Sync>;

/// The system clock in UTC, to the millisecond.
pub fn system_clock() -> RecordedAt {
    let unix_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    match RecordedAt::from_unix_ms(unix_ms).or_else(|| RecordedAt::from_unix_ms(EARLIEST_MS)) {
        Some(t) => t,
        // INVARIANT: EARLIEST_MS is 2000-01-01T00:00:00Z, the first representable log time.
        None => unreachable!("2000-01-01 is a valid log time"),
    }
}

/// 2000-01-01T00:00:00Z in Unix milliseconds: the earliest time a log may record.
const EARLIEST_MS: i64 = 946_684_800_000;

/// Why an upload is refused. Nothing is stored when it is.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file is larger than [`ATTACHMENT_BYTES_MAX`].
    #[error("the file is {found_bytes} bytes, more than the limit of {max_bytes}")]
    TooLarge {
        /// Its size.
        found_bytes: usize,
        /// The limit.
        max_bytes: usize,
    },
    /// The file's bytes are not a PDF, JPEG, PNG or WebP.
    #[error(
        "the file is not a PDF, JPEG, PNG or WebP (recognised from its bytes; declared as {declared:?})"
    )]
    UnsupportedType {
        /// The type the request declared, if any.
        declared: Option<String>,
    },
    /// The declared type is not the type of the bytes.
    #[error("the file was declared as {declared} but its bytes are {found}")]
    TypeMismatch {
        /// The type the request declared.
        declared: String,
        /// The type of the bytes.
        found: MediaType,
    },
    /// The upload signature does not hold: bad key, outside the time window, or not over this
    /// file in this ledger.
    #[error(transparent)]
    Signature(#[from] UploadSignatureError),
    /// The signing key holds no role in the ledger.
    #[error(
        "key {key} holds no role in ledger {origin}: only its committee, treasurer and auditor may upload"
    )]
    NoRole {
        /// The key.
        key: PublicKey,
        /// The ledger.
        origin: String,
    },
    /// Storage failed, the ledger is unknown, or the ledger's quota is reached
    /// ([`StoreError::AttachmentQuotaExceeded`]).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadReceipt {
    /// The file's SHA-256, which events name.
    pub sha256: Hash,
    /// Its type, recognised from its bytes.
    pub media_type: MediaType,
    /// Its length.
    pub length_bytes: u64,
    /// Until when (Unix milliseconds) it waits for an entry to name it before it is removed.
    pub unnamed_until_ms: i64,
}

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

/// Why a cosignature was not added.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    /// No checkpoint was signed at this size.
    #[error("no checkpoint was signed at size {0}")]
    NoCheckpoint(u64),
    /// The line is not a signature line.
    #[error("the cosignature line: {0}")]
    Line(SignatureLineError),
    /// The line is not from one of the given witnesses.
    #[error("the cosignature by {name}+{key_id:08x} is not from a known witness")]
    UnknownWitness {
        /// Key name on the line.
        name: String,
        /// Key id on the line.
        key_id: u32,
    },
    /// The cosignature does not verify (or is malformed).
    #[error("{0}")]
    Invalid(CosignatureError),
    /// The note cannot take another signature line.
    #[error("{0}")]
    Note(NoteError),
    /// The database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// What [`Store::rebuild_projections`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    /// Entries replayed.
    pub entries: u64,
    /// Fund, household and posting rows written.
    pub rows: usize,
    /// Whether the rebuilt rows equal those the appends had maintained.
    pub matched: bool,
}

/// The right edge of a log's Merkle tree: the roots of the perfect subtrees covering its leaves,
/// largest first (O(log n) hashes). Pushing a leaf reports the nodes it completes — what a batch
/// stores so that proofs can be served from nodes ([`CommitBatch::nodes`]).
#[derive(Debug, Clone, Default)]
pub struct MerkleFrontier {
    size: u64,
    peaks: Vec<Hash>,
}

impl MerkleFrontier {
    /// The frontier of the empty tree.
    pub fn new() -> MerkleFrontier {
        MerkleFrontier::default()
    }

    /// Appends a leaf; the nodes it completes (the leaf itself first, then each level it
    /// closes) are pushed to `completed`, if given.
    pub fn push(&mut self, leaf: Hash, mut completed: Option<&mut Vec<(NodeId, Hash)>>) {
        let index = self.size;
        let mut node = leaf;
        let mut level = 0u8;
        if let Some(out) = completed.as_deref_mut() {
            out.push((NodeId { level, index }, leaf));
        }
        let mut carry = index;
        while carry & 1 == 1 {
            // INVARIANT: there is one peak per set bit of `size`, so a carry always has a peak.
            let Some(left) = self.peaks.pop() else { break };
            node = node_hash(&left, &node);
            level += 1;
            carry >>= 1;
            if let Some(out) = completed.as_deref_mut() {
                out.push((
                    NodeId {
                        level,
                        index: index >> level,
                    },
                    node,
                ));
            }
        }
        self.peaks.push(node);
        self.size += 1;
    }

    /// Leaves so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root over the leaves so far.
    pub fn root(&self) -> Hash {
        fold_right(&self.peaks)
    }

    /// Size and root.
    pub fn tree_head(&self) -> TreeHead {
        TreeHead {
            size: self.size,
            root: self.root(),
        }
    }
}

/// The RFC 6962 root over consecutive perfect subtrees, largest first: `H(p0, H(p1, … pk))`.
fn fold_right(peaks: &[Hash]) -> Hash {
    let Some((last, rest)) = peaks.split_last() else {
        return Hash::EMPTY_TREE_ROOT;
    };
    rest.iter()
        .rev()
        .fold(*last, |acc, peak| node_hash(peak, &acc))
}

/// Cuts `range`, a subtree of the RFC 6962 tree (its start a multiple of a power of two at least
/// its length, as every proof range is), into perfect aligned subtrees, largest first: their
/// hashes folded from the right are the subtree's hash.
fn perfect_subtrees(range: Range<u64>, out: &mut Vec<NodeId>) {
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
        out.push(fold_right(these));
        rest = after;
    }
    Ok(out)
}

/// A ledger's state in memory: what the next append is checked against.
#[derive(Debug, Clone)]
struct LedgerState {
    head: LogHead,
    ledger: Ledger,
    tree: MerkleFrontier,
    /// Fund rows as last written.
    funds: BTreeMap<String, i64>,
    /// Household rows as last written.
    households: BTreeMap<String, HouseholdRow>,
}

pub(crate) fn fund_rows(ledger: &Ledger) -> BTreeMap<String, i64> {
    ledger
        .fund_balances()
        .into_iter()
        .map(|(fund, balance)| (fund.as_str().to_string(), balance.get()))
        .collect()
}

/// Money totals are sums of `Fen` (each within ±(2^53 − 1)); a ledger would need billions of
/// entries to leave `i64`, so saturating is only a guard.
fn clamp_fen(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

fn household_row(unit: &Unit, household: &Household) -> HouseholdRow {
    HouseholdRow {
        unit: unit.as_str().to_string(),
        area_centi_m2: household.area_centi_m2,
        charged_fen: clamp_fen(household.charged_total()),
        paid_fen: clamp_fen(household.paid_total()),
        owed_fen: clamp_fen(household.position().max(0)),
    }
}

pub(crate) fn household_rows(ledger: &Ledger) -> BTreeMap<String, HouseholdRow> {
    ledger
        .households()
        .iter()
        .map(|(unit, h)| (unit.as_str().to_string(), household_row(unit, h)))
        .collect()
}

pub(crate) fn posting_rows(
    seq: u64,
    postings: &[gongzhang_core::ledger::accounts::Posting],
) -> Vec<(u64, u32, String, i64)> {
    postings
        .iter()
        .enumerate()
        .map(|(index, p)| {
            (
                seq,
                // INVARIANT: an entry derives a handful of postings (at most 64 KiB of entry).
                u32::try_from(index).unwrap_or(u32::MAX),
                p.account.journal_name(),
                p.amount.get(),
            )
        })
        .collect()
}

fn corrupt(seq: u64, reason: impl fmt::Display) -> StoreError {
    StoreError::Corrupt {
        seq,
        reason: reason.to_string(),
    }
}

/// Replays and verifies a ledger's stored entries. With `postings`, collects every derived
/// posting (for a rebuild).
async fn load<B: Backend>(
    backend: &B,
    ledger_id: LedgerId,
    origin: &str,
    mut postings: Option<&mut Vec<(u64, u32, String, i64)>>,
) -> Result<LedgerState, StoreError> {
    let size = backend.size(ledger_id).await?;
    let mut verifier = LogVerifier::new().expect_origin(origin);
    let mut head = LogHead::empty();
    let mut ledger = Ledger::new();
    let mut tree = MerkleFrontier::new();
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
                        .map_err(|e| corrupt(log_error_seq(&e, seq), e))?;
                    return Err(corrupt(
                        seq,
                        format!("the stored entry breaks a rule: {rule}"),
                    ));
                }
            }
            tree.push(entry.hash(), None);
            add_attachment_refs(&entry, &mut refs);
        }
        from = to;
    }
    if size > 0 {
        verifier
            .finish()
            .map_err(|e| corrupt(log_error_seq(&e, size - 1), e))?;
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

/// Adds the attachments `entry`'s event names to `refs`, keeping the first entry naming each.
pub(crate) fn add_attachment_refs(entry: &Entry, refs: &mut BTreeMap<Hash, u64>) {
    let mut named = BTreeSet::new();
    attachment_refs(entry.event().body(), &mut named);
    for sha in named {
        refs.entry(sha).or_insert(entry.seq());
    }
}

/// The attachments `entries` name, each with the first entry naming it.
fn attachment_refs_of(entries: &[Entry]) -> Vec<(Hash, u64)> {
    let mut refs = BTreeMap::new();
    for entry in entries {
        add_attachment_refs(entry, &mut refs);
    }
    refs.into_iter().collect()
}

/// The entry a [`LogError`] names, or `fallback`.
fn log_error_seq(error: &LogError, fallback: u64) -> u64 {
    match error {
        LogError::Malformed { seq, .. }
        | LogError::PrevHashMismatch { seq, .. }
        | LogError::TimeWentBackwards { seq, .. }
        | LogError::SecondGenesis { seq }
        | LogError::BadSignature { seq, .. }
        | LogError::InvalidKey { seq, .. }
        | LogError::NonCanonicalKey { seq, .. }
        | LogError::UnterminatedLastLine { seq } => *seq,
        LogError::SeqMismatch { expected, .. } => *expected,
        _ => fallback,
    }
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
        .map_err(|e| corrupt(log_error_seq(&e, seq), e))?;
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
    tree: &MerkleFrontier,
) -> Result<(), StoreError> {
    let last = tree.size.saturating_sub(1);
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
    perfect_subtrees(0..tree.size, &mut ids);
    let stored = backend.nodes(ledger_id, &ids).await?;
    if stored != tree.peaks {
        return Err(corrupt(
            last,
            "the stored Merkle nodes do not match the entries",
        ));
    }
    Ok(())
}

/// One caller's batch, queued for the group-commit task.
struct Request {
    expected_size: Option<u64>,
    submissions: Vec<Submission>,
    reply: oneshot::Sender<Result<Vec<Receipt>, AppendError>>,
}

/// Where a receipt comes from once the group is committed.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// An entry of this group.
    InGroup(u64),
    /// An entry committed before (an idempotent resubmission).
    Stored(u64),
}

/// A ledger as the store knows it.
struct LedgerShared {
    id: LedgerId,
    origin: String,
    state: tokio::sync::RwLock<Option<LedgerState>>,
    /// Callers between sending a batch and receiving its answer.
    in_flight: AtomicUsize,
}

struct LedgerHandle {
    shared: Arc<LedgerShared>,
    sender: OnceLock<mpsc::Sender<Request>>,
}

/// Decrements a ledger's in-flight count when the caller is answered (or gives up).
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

struct Shared<B> {
    backend: B,
    clock: RwLock<Clock>,
    keys: Mutex<HashMap<String, SignerKey>>,
}

impl<B> Shared<B> {
    fn now(&self) -> RecordedAt {
        let clock = self
            .clock
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        clock()
    }

    fn key(&self, origin: &str) -> Option<SignerKey> {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(origin)
            .cloned()
    }
}

/// The event store over a backend: see the [module documentation](self).
pub struct Store<B: Backend> {
    shared: Arc<Shared<B>>,
    ledgers: Arc<tokio::sync::Mutex<HashMap<String, Arc<LedgerHandle>>>>,
}

impl<B: Backend> Clone for Store<B> {
    fn clone(&self) -> Self {
        Store {
            shared: Arc::clone(&self.shared),
            ledgers: Arc::clone(&self.ledgers),
        }
    }
}

impl<B: Backend> fmt::Debug for Store<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl<B: Backend> Store<B> {
    /// A store over `backend`, with the system clock and no log keys.
    pub fn new(backend: B) -> Store<B> {
        Store {
            shared: Arc::new(Shared {
                backend,
                clock: RwLock::new(Arc::new(system_clock)),
                keys: Mutex::new(HashMap::new()),
            }),
            ledgers: Arc::new(tokio::sync::Mutex::new(HashMap::new())),
        }
    }

    /// Uses `clock` for the `recorded_at` of new entries (tests, replays).
    pub fn with_clock(self, clock: Clock) -> Store<B> {
        *self
            .shared
            .clock
            .write()
            .unwrap_or_else(PoisonError::into_inner) = clock;
        self
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.shared.backend
    }

    /// Registers the log signing key of the ledger `origin` (kept in memory only). The key's
    /// name must be the origin; that it is the key the genesis names is checked on first append.
    pub fn add_log_key(&self, origin: &str, key: SignerKey) -> Result<(), AppendError> {
        if key.name() != origin {
            return Err(AppendError::LogKeyMismatch {
                origin: origin.to_string(),
                expected: origin.to_string(),
                found: key.name().to_string(),
            });
        }
        self.shared
            .keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(origin.to_string(), key);
        Ok(())
    }

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
        let mut tree = MerkleFrontier::new();
        let mut nodes = Vec::new();
        tree.push(genesis.hash(), Some(&mut nodes));
        let head = tree.tree_head();
        let cp = Checkpoint::new(&origin, head.size, head.root).map_err(AppendError::Checkpoint)?;
        let batch = CommitBatch {
            entries: vec![stored_entry(&genesis)],
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
        if let Some(handle) = self.ledgers.lock().await.get(&origin) {
            *handle.shared.state.write().await = None;
        }
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

    /// After an import has committed the ledger `origin`: forgets any
    /// state loaded before the ledger existed, so that the next use loads what was imported.
    pub(crate) async fn forget_state(&self, origin: &str) {
        if let Some(handle) = self.ledgers.lock().await.get(origin) {
            *handle.shared.state.write().await = None;
        }
    }

    async fn handle(&self, origin: &str) -> Result<Arc<LedgerHandle>, StoreError> {
        let mut ledgers = self.ledgers.lock().await;
        if let Some(handle) = ledgers.get(origin) {
            return Ok(Arc::clone(handle));
        }
        let id = self
            .shared
            .backend
            .find_ledger(origin)
            .await?
            .ok_or_else(|| StoreError::UnknownLedger(origin.to_string()))?;
        let handle = Arc::new(LedgerHandle {
            shared: Arc::new(LedgerShared {
                id,
                origin: origin.to_string(),
                state: tokio::sync::RwLock::new(None),
                in_flight: AtomicUsize::new(0),
            }),
            sender: OnceLock::new(),
        });
        ledgers.insert(origin.to_string(), Arc::clone(&handle));
        Ok(handle)
    }

    async fn ledger_id(&self, origin: &str) -> Result<LedgerId, StoreError> {
        Ok(self.handle(origin).await?.shared.id)
    }

    /// Appends a batch of signed events to the ledger `origin`, all or nothing (see the
    /// [module documentation](self)). With `expected_size`, the batch is refused with
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

    /// Every ledger's origin.
    pub async fn origins(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .shared
            .backend
            .ledgers()
            .await?
            .into_iter()
            .map(|(_, origin)| origin)
            .collect())
    }

    /// Number of committed entries.
    pub async fn size(&self, origin: &str) -> Result<u64, StoreError> {
        let id = self.ledger_id(origin).await?;
        self.shared.backend.size(id).await
    }

    /// The canonical bytes (without line feed) of entries `from..to`, at most
    /// [`ENTRIES_PER_READ_MAX`] of them and not beyond the log: read longer ranges in pages.
    pub async fn entries(
        &self,
        origin: &str,
        from: u64,
        to: u64,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        let id = self.ledger_id(origin).await?;
        let to = to.min(from.saturating_add(ENTRIES_PER_READ_MAX));
        let rows = self.shared.backend.entries(id, from, to).await?;
        Ok(rows.into_iter().map(|row| row.bytes).collect())
    }

    /// The log `from..to` as published: one entry per line, each ending with a line feed (at
    /// most [`ENTRIES_PER_READ_MAX`] entries).
    pub async fn jsonl(&self, origin: &str, from: u64, to: u64) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::new();
        for line in self.entries(origin, from, to).await? {
            out.extend_from_slice(&line);
            out.push(b'\n');
        }
        Ok(out)
    }

    /// The entry recording event `event_id`: its seq and canonical bytes.
    pub async fn entry_by_event(
        &self,
        origin: &str,
        event_id: &str,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let id = self.ledger_id(origin).await?;
        let row = self.shared.backend.entry_by_event(id, event_id).await?;
        Ok(row.map(|row| (row.seq, row.bytes)))
    }

    /// The signed checkpoint at `size` (the latest if `None`) with the witnesses' cosignature
    /// lines appended: the `checkpoint` file as published.
    pub async fn checkpoint(
        &self,
        origin: &str,
        size: Option<u64>,
    ) -> Result<Option<String>, StoreError> {
        let id = self.ledger_id(origin).await?;
        let stored = self.shared.backend.checkpoint(id, size).await?;
        Ok(stored.map(|c| note_with_cosignatures(&c)))
    }

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
    /// signed at `tree_size` (the latest if `None`), with that checkpoint and its cosignatures.
    pub async fn tlog_proof(
        &self,
        origin: &str,
        seq: u64,
        tree_size: Option<u64>,
    ) -> Result<String, ProofError> {
        let id = self.ledger_id(origin).await?;
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

    /// Adds a witness's cosignature line (`— name base64`, with or without its line feed) to
    /// the checkpoint at `size`, after verifying it with `witnesses`. Adding it twice is a no-op.
    pub async fn add_cosignature(
        &self,
        origin: &str,
        size: u64,
        line: &str,
        witnesses: &[CosignerKey],
    ) -> Result<(), CosignError> {
        let id = self.ledger_id(origin).await?;
        let stored = self
            .shared
            .backend
            .checkpoint(id, Some(size))
            .await?
            .ok_or(CosignError::NoCheckpoint(size))?;
        let line = SignatureLine::parse(line.strip_suffix('\n').unwrap_or(line))
            .map_err(CosignError::Line)?;
        // The published note must still take the line (at most 100 signature lines).
        note::append_signatures(
            &note_with_cosignatures(&stored),
            std::slice::from_ref(&line),
        )
        .map_err(CosignError::Note)?;
        // Verify the new line alone over the log's note (earlier lines were verified when added).
        let alone = note::append_signatures(&stored.note, std::slice::from_ref(&line))
            .map_err(CosignError::Note)?;
        let verified =
            cosignature::verify_cosignatures(&alone, witnesses).map_err(CosignError::Invalid)?;
        if !verified
            .iter()
            .any(|v| v.name() == line.name() && v.key_id() == line.key_id())
        {
            return Err(CosignError::UnknownWitness {
                name: line.name().to_string(),
                key_id: line.key_id(),
            });
        }
        self.shared
            .backend
            .add_cosignature(id, size, &line.to_line())
            .await?;
        Ok(())
    }

    /// Stores an upload to the ledger `origin`, authorised by `signature` (a key holding a role in
    /// that ledger, over this file, within the time window of the store's clock): a PDF, JPEG,
    /// PNG or WebP file, recognised from its bytes (and equal to `declared` if the request named
    /// a type), within the ledger's [`UPLOAD_QUOTA_BYTES_PER_LEDGER`]. The file waits
    /// [`UPLOAD_UNNAMED_TTL_MS`] for an entry to name it.
    pub async fn upload_attachment(
        &self,
        origin: &str,
        bytes: Vec<u8>,
        declared: Option<&str>,
        signature: &UploadSignature,
    ) -> Result<UploadReceipt, UploadError> {
        self.admit_upload(origin, signature).await?;
        if bytes.len() > ATTACHMENT_BYTES_MAX {
            return Err(UploadError::TooLarge {
                found_bytes: bytes.len(),
                max_bytes: ATTACHMENT_BYTES_MAX,
            });
        }
        let Some(media_type) = MediaType::sniff(&bytes) else {
            return Err(UploadError::UnsupportedType {
                declared: declared.map(|d| d.chars().take(MEDIA_TYPE_BYTES_MAX).collect()),
            });
        };
        if let Some(declared) = declared {
            if MediaType::from_name(declared) != Some(media_type) {
                return Err(UploadError::TypeMismatch {
                    declared: declared.chars().take(MEDIA_TYPE_BYTES_MAX).collect(),
                    found: media_type,
                });
            }
        }
        let now_ms = self.shared.now().unix_ms();
        let claim = UploadClaim {
            origin,
            sha256: sha256(&bytes),
            media_type,
            length_bytes: bytes.len() as u64,
            signed_at_s: signature.signed_at_s,
        };
        let handle = self.handle(origin).await?;
        let key = signature.verify(&claim, u64::try_from(now_ms / 1000).unwrap_or(0))?;
        let attachment = Attachment {
            sha256: claim.sha256,
            media_type: media_type.as_str().to_string(),
            bytes,
        };
        self.shared
            .backend
            .put_upload(
                handle.shared.id,
                &attachment,
                &key.public(),
                now_ms,
                UPLOAD_QUOTA_BYTES_PER_LEDGER,
            )
            .await?;
        Ok(UploadReceipt {
            sha256: claim.sha256,
            media_type,
            length_bytes: claim.length_bytes,
            unnamed_until_ms: now_ms.saturating_add(UPLOAD_UNNAMED_TTL_MS),
        })
    }

    /// What is checked of an upload before its file is read: the ledger exists, the signature's
    /// key is valid and signed within the window of the store's clock, and it holds a role in the
    /// ledger now. [`Store::upload_attachment`] checks it again with the file.
    pub async fn admit_upload(
        &self,
        origin: &str,
        signature: &UploadSignature,
    ) -> Result<(), UploadError> {
        let now_s = u64::try_from(self.shared.now().unix_ms() / 1000).unwrap_or(0);
        let key = signature.admit(now_s)?;
        if !self
            .read_ledger(origin, |l| l.holds_role(&key.public()))
            .await?
        {
            return Err(UploadError::NoRole {
                key: key.public(),
                origin: origin.to_string(),
            });
        }
        Ok(())
    }

    /// The bytes the ledger's uploads hold, against [`UPLOAD_QUOTA_BYTES_PER_LEDGER`].
    pub async fn upload_bytes(&self, origin: &str) -> Result<u64, StoreError> {
        let handle = self.handle(origin).await?;
        self.shared.backend.upload_bytes(handle.shared.id).await
    }

    /// Removes the uploads that no entry named within [`UPLOAD_UNNAMED_TTL_MS`] of the store's
    /// clock, and their files if no other ledger claims them and no entry names them. An
    /// attachment an entry names is never removed. `gongzhang serve` runs this every hour.
    pub async fn collect_uploads(&self) -> Result<CollectedUploads, StoreError> {
        let before_ms = self
            .shared
            .now()
            .unix_ms()
            .saturating_sub(UPLOAD_UNNAMED_TTL_MS);
        self.shared.backend.collect_uploads(before_ms).await
    }

    /// Stores an attachment as it is, with no ledger's claim on it (so it is never collected),
    /// and returns its SHA-256: for a file restored from a published bundle, which an entry
    /// names, by someone with the database in hand. Uploads from people go through
    /// [`Store::upload_attachment`].
    pub async fn put_attachment(
        &self,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Hash, StoreError> {
        if bytes.len() > ATTACHMENT_BYTES_MAX {
            return Err(StoreError::AttachmentTooLarge {
                found_bytes: bytes.len(),
                max_bytes: ATTACHMENT_BYTES_MAX,
            });
        }
        if !valid_media_type(media_type) {
            return Err(StoreError::InvalidMediaType(media_type.to_string()));
        }
        let attachment = Attachment {
            sha256: sha256(&bytes),
            media_type: media_type.to_string(),
            bytes,
        };
        self.shared.backend.put_attachment(&attachment).await?;
        Ok(attachment.sha256)
    }

    /// An attachment by SHA-256.
    pub async fn attachment(&self, sha256: &Hash) -> Result<Option<Attachment>, StoreError> {
        self.shared.backend.attachment(sha256).await
    }

    /// Runs `f` on the ledger's committed state (loading and verifying it on first use).
    pub async fn read_ledger<R>(
        &self,
        origin: &str,
        f: impl FnOnce(&Ledger) -> R,
    ) -> Result<R, StoreError> {
        let handle = self.handle(origin).await?;
        {
            let guard = handle.shared.state.read().await;
            if let Some(state) = guard.as_ref() {
                return Ok(f(&state.ledger));
            }
        }
        let mut guard = handle.shared.state.write().await;
        let state = match guard.take() {
            Some(state) => state,
            None => load(&self.shared.backend, handle.shared.id, origin, None).await?,
        };
        Ok(f(&guard.insert(state).ledger))
    }

    /// The funds and the money each holds.
    pub async fn fund_balances(&self, origin: &str) -> Result<BTreeMap<FundId, Fen>, StoreError> {
        self.read_ledger(origin, Ledger::fund_balances).await
    }

    /// A household's charges and payments, if the unit is registered.
    pub async fn household(
        &self,
        origin: &str,
        unit: &Unit,
    ) -> Result<Option<Household>, StoreError> {
        self.read_ledger(origin, |l| l.households().get(unit).cloned())
            .await
    }

    /// The statement of `range`, as a period close must record it.
    pub async fn statement(
        &self,
        origin: &str,
        range: PeriodRange,
    ) -> Result<Statement, StoreError> {
        self.read_ledger(origin, |l| l.statement(range)).await
    }

    /// The projection rows as the backend stores them.
    pub async fn projections(&self, origin: &str) -> Result<ProjectionRows, StoreError> {
        let id = self.ledger_id(origin).await?;
        self.shared.backend.projections(id).await
    }

    /// Replays every entry into a fresh ledger (verifying it), replaces the projection rows
    /// with the replay's, and reports whether they equal the rows the appends had maintained.
    /// Appends to the ledger wait meanwhile.
    pub async fn rebuild_projections(&self, origin: &str) -> Result<RebuildReport, StoreError> {
        let handle = self.handle(origin).await?;
        let id = handle.shared.id;
        let backend = &self.shared.backend;
        let mut guard = handle.shared.state.write().await;
        let stored = backend.projections(id).await?;
        let mut postings = Vec::new();
        let state = load(backend, id, origin, Some(&mut postings)).await?;
        let rebuilt = ProjectionRows {
            funds: state.funds.clone().into_iter().collect(),
            households: state.households.values().cloned().collect(),
            postings,
        };
        let matched = sorted(stored) == rebuilt;
        backend.replace_projections(id, &rebuilt).await?;
        let report = RebuildReport {
            entries: state.head.size(),
            rows: rebuilt.funds.len() + rebuilt.households.len() + rebuilt.postings.len(),
            matched,
        };
        *guard = Some(state);
        Ok(report)
    }
}

/// Projection rows in the order a rebuild produces them.
fn sorted(mut rows: ProjectionRows) -> ProjectionRows {
    rows.funds.sort();
    rows.households.sort_by(|a, b| a.unit.cmp(&b.unit));
    rows.postings.sort_by_key(|p| (p.0, p.1));
    rows
}

fn note_with_cosignatures(checkpoint: &StoredCheckpoint) -> String {
    let mut note = checkpoint.note.clone();
    for line in &checkpoint.cosignatures {
        note.push_str(line);
        if !line.ends_with('\n') {
            note.push('\n');
        }
    }
    note
}

/// `type/subtype`, each an RFC 6838 restricted name.
fn valid_media_type(media_type: &str) -> bool {
    let restricted_name = |name: &str| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && name.len() <= 127
            && chars.all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    // Parameters (`; charset=utf-8`) are allowed, so that a text document is served in the
    // encoding it was written in; each is a token `=` token.
    let mut parts = media_type.split(';');
    let essence = parts.next().unwrap_or("");
    media_type.len() <= MEDIA_TYPE_BYTES_MAX
        && essence
            .split_once('/')
            .is_some_and(|(kind, subtype)| restricted_name(kind) && restricted_name(subtype))
        && parts.all(|p| {
            p.trim_start()
                .split_once('=')
                .is_some_and(|(name, value)| restricted_name(name) && restricted_name(value))
        })
}

pub(crate) fn stored_entry(entry: &Entry) -> StoredEntry {
    StoredEntry {
        seq: entry.seq(),
        hash: entry.hash(),
        event_id: entry.event().id().to_string(),
        event_hash: sha256(entry.event().canonical_bytes()),
        bytes: entry.bytes().to_vec(),
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

/// The group-commit task of one ledger: gathers the batches that arrive together, validates them
/// in arrival order and commits the accepted entries in one transaction.
async fn group_commit_task<B: Backend>(
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

    let committed = if work.entries.is_empty() {
        Ok(None)
    } else {
        let head = state.tree.tree_head();
        let batch = (|| {
            let cp = Checkpoint::new(&ledger.origin, head.size, head.root)
                .map_err(AppendError::Checkpoint)?;
            let funds = fund_rows(&state.ledger);
            let households = household_rows(&state.ledger);
            let projections = ProjectionRows {
                funds: funds
                    .iter()
                    .filter(|(fund, balance)| state.funds.get(*fund) != Some(balance))
                    .map(|(fund, balance)| (fund.clone(), *balance))
                    .collect(),
                households: households
                    .iter()
                    .filter(|(unit, row)| state.households.get(*unit) != Some(row))
                    .map(|(_, row)| row.clone())
                    .collect(),
                postings: std::mem::take(&mut work.postings),
            };
            let batch = CommitBatch {
                entries: work.entries.iter().map(stored_entry).collect(),
                nodes: std::mem::take(&mut work.nodes),
                projections,
                checkpoint: StoredCheckpoint {
                    size: head.size,
                    root: head.root,
                    note: checkpoint::sign(&cp, &key),
                    cosignatures: Vec::new(),
                },
                attachment_refs: attachment_refs_of(&work.entries),
            };
            Ok::<_, AppendError>((batch, funds, households))
        })();
        match batch {
            Err(error) => Err(error),
            Ok((batch, funds, households)) => {
                match shared.backend.commit_batch(ledger.id, start, &batch).await {
                    Ok(()) => {
                        state.funds = funds;
                        state.households = households;
                        Ok(Some(head))
                    }
                    Err(error) => {
                        tracing::warn!(origin = %ledger.origin, %error, "group commit failed; the ledger will be reloaded");
                        Err(AppendError::from(error))
                    }
                }
            }
        }
    };
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
    state.tree.push(entry.hash(), Some(&mut work.nodes));
    work.postings.extend(posting_rows(seq, &applied.postings));
    work.entries.push(entry);
    Ok(Pending::InGroup(seq))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhang_core::hash::leaf_hash;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn frontier_roots_and_nodes_match_the_tree() {
        let leaves = leaves(70);
        let mut frontier = MerkleFrontier::new();
        let mut nodes = Vec::new();
        for (i, leaf) in leaves.iter().enumerate() {
            frontier.push(*leaf, Some(&mut nodes));
            assert_eq!(frontier.root(), merkle::root(&leaves[..=i]));
        }
        // Every perfect subtree inside the tree, exactly once, with its root.
        let mut expected = Vec::new();
        for level in 0..7u8 {
            let width = 1usize << level;
            for (index, chunk) in leaves.chunks_exact(width).enumerate() {
                expected.push((
                    NodeId {
                        level,
                        index: index as u64,
                    },
                    merkle::root(chunk),
                ));
            }
        }
        nodes.sort_by_key(|(id, _)| *id);
        expected.sort_by_key(|(id, _)| *id);
        assert_eq!(nodes, expected);
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
                    assert_eq!(fold_right(&hashes), merkle::root(slice), "{range:?}");
                }
            }
        }
    }

    #[test]
    fn media_types() {
        for good in [
            "application/pdf",
            "image/jpeg",
            "image/svg+xml",
            "application/vnd.ms-excel",
            "text/plain; charset=utf-8",
            "text/plain;charset=UTF-8",
        ] {
            assert!(valid_media_type(good), "{good}");
        }
        for bad in [
            "",
            "pdf",
            "/",
            "a/",
            "/b",
            "a/b/c",
            "text/plain; charset",
            "text/plain; charset=",
            "text/plain; =utf-8",
            "text/plain; charset=utf 8",
            "a b/c",
        ] {
            assert!(!valid_media_type(bad), "{bad}");
        }
    }
}
