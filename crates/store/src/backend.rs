//! What a storage backend must do. Everything here is keyed by ledger id; nothing here knows the
//! ledger's rules (the [`crate::Store`] checks them before it calls [`Backend::commit_batch`]).

use gongzhang_core::Hash;
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::sha256;
use gongzhang_core::keys::PublicKey;

// The Merkle nodes a batch writes and proofs read: perfect subtrees, named as core names them.
pub use gongzhang_core::merkle::NodeId;

/// How many sizes the provided [`Backend::checkpoint_covering`] probes: at least the most
/// entries one committed batch may hold (`store::COMMIT_ENTRIES_MAX`).
pub const CHECKPOINT_PROBES_MAX: u64 = 1024;

/// A ledger's id in the database (a surrogate key; the origin is unique too).
pub type LedgerId = i64;

/// One entry as stored: its exact canonical bytes and the values indexed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// Position in the log.
    pub seq: u64,
    /// Entry hash (the Merkle leaf).
    pub hash: Hash,
    /// The event's author-chosen id (unique per ledger).
    pub event_id: String,
    /// SHA-256 of the canonical event bytes: tells an idempotent resubmission from a conflict.
    pub event_hash: Hash,
    /// The canonical entry bytes, without the line feed.
    pub bytes: Vec<u8>,
}

impl From<&Entry> for StoredEntry {
    /// The entry's row: its bytes as sealed, and the values indexed from them.
    fn from(entry: &Entry) -> StoredEntry {
        StoredEntry {
            seq: entry.seq(),
            hash: entry.hash(),
            event_id: entry.event().id().to_string(),
            event_hash: sha256(entry.event().canonical_bytes()),
            bytes: entry.bytes().to_vec(),
        }
    }
}

/// A signed checkpoint as stored, with the cosignature lines witnesses added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The signed note as the log signed it.
    pub note: String,
    /// Cosignature lines (`— name base64\n`), in the order they were added.
    pub cosignatures: Vec<String>,
}

/// The projection rows an append changes (or a rebuild writes): fund balances, household
/// balances and the derived postings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectionRows {
    /// (fund, balance in fen), for the funds that changed (all of them on rebuild).
    pub funds: Vec<(String, i64)>,
    /// Per household that changed: (unit, area in 0.01 ㎡, charged fen, paid fen, owed fen).
    pub households: Vec<HouseholdRow>,
    /// Postings derived by the batch: (seq, index within the entry, account name, amount fen).
    pub postings: Vec<(u64, u32, String, i64)>,
}

/// One household's projection row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRow {
    /// Unit number.
    pub unit: String,
    /// Area in hundredths of a square metre.
    pub area_centi_m2: i64,
    /// Total charged, not reversed.
    pub charged_fen: i64,
    /// Total paid, not reversed.
    pub paid_fen: i64,
    /// Owed now (0 if prepaid).
    pub owed_fen: i64,
}

/// What one committed batch writes, all in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitBatch {
    /// The entries, with dense sequence numbers starting at the expected size.
    pub entries: Vec<StoredEntry>,
    /// The Merkle nodes the batch completes, the leaves (level 0, the entry hashes) included,
    /// so that every perfect subtree inside the log's size has a stored node.
    pub nodes: Vec<(NodeId, Hash)>,
    /// Projection rows to upsert.
    pub projections: ProjectionRows,
    /// The checkpoint over the log after the batch.
    pub checkpoint: StoredCheckpoint,
    /// The attachments the batch's entries name, each with the first entry naming it: written
    /// with the entries, so that an attachment an entry names is never collected.
    pub attachment_refs: Vec<(Hash, u64)>,
}

/// What [`Backend::collect_uploads`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CollectedUploads {
    /// Upload claims removed (a ledger's claim on a file no entry of it named in time).
    pub uploads: u64,
    /// Attachments removed with them (claimed by no other ledger, named by no entry).
    pub attachments: u64,
    /// The bytes of those attachments.
    pub bytes: u64,
}

/// Entries an import writes in one step: already sealed (dense sequence numbers continuing the
/// previous step), with the Merkle nodes they complete and the postings they derive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportBatch {
    /// The entries, exactly as published.
    pub entries: Vec<StoredEntry>,
    /// The Merkle nodes the entries complete, leaves included (as in [`CommitBatch::nodes`]).
    pub nodes: Vec<(NodeId, Hash)>,
    /// The postings the entries derive: (seq, index within the entry, account name, amount fen).
    pub postings: Vec<(u64, u32, String, i64)>,
    /// The attachments the entries name, each with the first of them naming it (as in
    /// [`CommitBatch::attachment_refs`]).
    pub attachment_refs: Vec<(Hash, u64)>,
}

impl ImportBatch {
    /// Refuses a step whose first entry does not continue the `size` entries written before it
    /// ([`StoreError::ImportOutOfOrder`]).
    pub(crate) fn check_continues(&self, size: u64) -> Result<(), StoreError> {
        match self.entries.first() {
            Some(first) if first.seq != size => Err(StoreError::ImportOutOfOrder {
                expected: size,
                found: first.seq,
            }),
            _ => Ok(()),
        }
    }
}

/// One step of [`Backend::import_ledger`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStep {
    /// More entries.
    Entries(ImportBatch),
    /// The end: every fund and household row of the whole log, and the published checkpoint over
    /// it (its cosignature lines kept); the import commits when it has written them.
    Finish {
        /// Fund and household rows (postings came with the entries).
        projections: ProjectionRows,
        /// The checkpoint over every imported entry.
        checkpoint: StoredCheckpoint,
    },
}

/// A stored attachment (scanned invoice, minutes, findings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// SHA-256 of the bytes (its address).
    pub sha256: Hash,
    /// Media type, e.g. `image/jpeg`, `application/pdf`.
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended first: the log is not at the expected size.
    #[error(
        "the ledger has {found} entries, not the expected {expected}: another writer appended first"
    )]
    Conflict {
        /// Size the caller expected.
        expected: u64,
        /// Size found.
        found: u64,
    },
    /// No ledger with this origin or id.
    #[error("no ledger `{0}`")]
    UnknownLedger(String),
    /// A stored row does not match what it should (tampering or corruption), found on read.
    #[error("stored data is inconsistent at entry {seq}: {reason}")]
    Corrupt {
        /// The entry.
        seq: u64,
        /// What does not match.
        reason: String,
    },
    /// An attachment is larger than allowed.
    #[error("attachment is {found_bytes} bytes, more than the limit of {max_bytes}")]
    AttachmentTooLarge {
        /// Its size.
        found_bytes: usize,
        /// The limit.
        max_bytes: usize,
    },
    /// A Merkle node that must exist (a perfect subtree inside the log) is not stored.
    #[error("the Merkle node at level {level}, index {index} is missing")]
    MissingNode {
        /// Its level.
        level: u8,
        /// Its index at that level.
        index: u64,
    },
    /// A number does not fit the database's integer type (SQLite and PostgreSQL store `i64`).
    #[error("{what} {value} is too large to store")]
    ValueOutOfRange {
        /// What the number is.
        what: &'static str,
        /// The number.
        value: u64,
    },
    /// The database already holds entries of a ledger with this origin: an import never writes
    /// into an existing ledger.
    #[error("the database already holds the ledger `{origin}` ({size} entries)")]
    LedgerExists {
        /// The ledger.
        origin: String,
        /// Entries it holds.
        size: u64,
    },
    /// An import's steps ended without [`ImportStep::Finish`]: nothing was written.
    #[error("the import stopped before its end; nothing was written")]
    ImportAborted,
    /// An import step's first entry does not continue the entries written before it.
    #[error("an import step starts at entry {found}, not at {expected}")]
    ImportOutOfOrder {
        /// The next sequence number.
        expected: u64,
        /// The step's first sequence number.
        found: u64,
    },
    /// An upload would take the ledger's uploads past its quota.
    #[error(
        "the ledger's uploads hold {used_bytes} bytes; {adding_bytes} more would pass its quota of {quota_bytes}"
    )]
    AttachmentQuotaExceeded {
        /// Bytes the ledger's uploads hold now.
        used_bytes: u64,
        /// The new file's bytes.
        adding_bytes: u64,
        /// The quota.
        quota_bytes: u64,
    },
    /// An attachment's media type is not a `type/subtype` name.
    #[error("`{0}` is not a media type like image/jpeg or application/pdf")]
    InvalidMediaType(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A storage backend. Implementations: `sqlite::SqliteBackend`, `postgres::PostgresBackend`.
///
/// Every method returns a `Send` future, so that the store can run its per-ledger group-commit
/// task on any tokio worker and a server can call it from its handlers. Implementations write
/// plain `async fn`s; the compiler checks that their futures are `Send`.
pub trait Backend: Send + Sync + 'static {
    /// The ledger with this origin, created if missing.
    fn create_ledger(
        &self,
        origin: &str,
    ) -> impl Future<Output = Result<LedgerId, StoreError>> + Send;
    /// The ledger with this origin, if any.
    fn find_ledger(
        &self,
        origin: &str,
    ) -> impl Future<Output = Result<Option<LedgerId>, StoreError>> + Send;
    /// Every ledger: (id, origin).
    fn ledgers(&self) -> impl Future<Output = Result<Vec<(LedgerId, String)>, StoreError>> + Send;
    /// Number of committed entries.
    fn size(&self, ledger: LedgerId) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Entries `from..to` (clamped to the size), in order.
    fn entries(
        &self,
        ledger: LedgerId,
        from: u64,
        to: u64,
    ) -> impl Future<Output = Result<Vec<StoredEntry>, StoreError>> + Send;
    /// The entry recording event `event_id`, if any.
    fn entry_by_event(
        &self,
        ledger: LedgerId,
        event_id: &str,
    ) -> impl Future<Output = Result<Option<StoredEntry>, StoreError>> + Send;
    /// Appends a batch in one durable transaction, serialised per ledger: fails with
    /// [`StoreError::Conflict`] if the stored size is not `expected_size`; unique constraints
    /// (seq, event id) are the backstop.
    fn commit_batch(
        &self,
        ledger: LedgerId,
        expected_size: u64,
        batch: &CommitBatch,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The hashes of these Merkle nodes (each must exist), in the order asked.
    fn nodes(
        &self,
        ledger: LedgerId,
        ids: &[NodeId],
    ) -> impl Future<Output = Result<Vec<Hash>, StoreError>> + Send;
    /// The checkpoint at `size`, or the latest if `None`.
    fn checkpoint(
        &self,
        ledger: LedgerId,
        size: Option<u64>,
    ) -> impl Future<Output = Result<Option<StoredCheckpoint>, StoreError>> + Send;
    /// The earliest checkpoint that covers entry `seq` (the smallest stored size above `seq`):
    /// the checkpoint of the batch that appended it, which an idempotent resubmission's receipt
    /// names again.
    ///
    /// The provided body probes the sizes `seq + 1 ..` one by one, up to
    /// [`CHECKPOINT_PROBES_MAX`] of them (a committed batch is never longer, so it finds the
    /// batch's checkpoint), and falls back to the latest checkpoint; backends override it with
    /// one indexed query.
    fn checkpoint_covering(
        &self,
        ledger: LedgerId,
        seq: u64,
    ) -> impl Future<Output = Result<Option<StoredCheckpoint>, StoreError>> + Send {
        async move {
            let Some(latest) = self.checkpoint(ledger, None).await? else {
                return Ok(None);
            };
            if latest.size <= seq {
                return Ok(None);
            }
            let last_probe = latest.size.min(seq.saturating_add(CHECKPOINT_PROBES_MAX));
            for size in seq + 1..=last_probe {
                if let Some(found) = self.checkpoint(ledger, Some(size)).await? {
                    return Ok(Some(found));
                }
            }
            Ok(Some(latest))
        }
    }
    /// Adds a (verified) cosignature line to the checkpoint at `size`; adding it twice is a no-op.
    fn add_cosignature(
        &self,
        ledger: LedgerId,
        size: u64,
        line: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The latest `limit` cosignature lines of the ledger, largest checkpoint size first:
    /// (size, line).
    fn recent_cosignatures(
        &self,
        ledger: LedgerId,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(u64, String)>, StoreError>> + Send;
    /// Stores an attachment (content-addressed: storing it twice is a no-op) with no ledger's
    /// claim on it: for files restored from a published bundle, which entries name and which are
    /// therefore never collected.
    fn put_attachment(
        &self,
        attachment: &Attachment,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Stores an uploaded attachment and `ledger`'s claim on it (uploaded by `key` at
    /// `uploaded_at_ms`), in one transaction that refuses the upload with
    /// [`StoreError::AttachmentQuotaExceeded`] if the ledger's claims would then hold more than
    /// `quota_bytes`. Uploading a file the ledger already claims costs nothing more and renews
    /// the claim's time.
    fn put_upload(
        &self,
        ledger: LedgerId,
        attachment: &Attachment,
        key: &PublicKey,
        uploaded_at_ms: i64,
        quota_bytes: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The bytes `ledger`'s upload claims hold.
    fn upload_bytes(
        &self,
        ledger: LedgerId,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Records that `ledger`'s entries name these attachments (each with the first entry naming
    /// it); recording one again is a no-op.
    fn add_attachment_refs(
        &self,
        ledger: LedgerId,
        refs: &[(Hash, u64)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Removes every upload claim made before `before_ms` that no entry of its ledger names, and
    /// every attachment those claims held that no other claim holds and no entry names, in one
    /// transaction.
    fn collect_uploads(
        &self,
        before_ms: i64,
    ) -> impl Future<Output = Result<CollectedUploads, StoreError>> + Send;
    /// An attachment by SHA-256.
    fn attachment(
        &self,
        sha256: &Hash,
    ) -> impl Future<Output = Result<Option<Attachment>, StoreError>> + Send;
    /// The projection rows as stored (all funds, all households, all postings), sorted by fund,
    /// by unit and by (seq, index).
    fn projections(
        &self,
        ledger: LedgerId,
    ) -> impl Future<Output = Result<ProjectionRows, StoreError>> + Send;
    /// Writes a whole ledger from already-sealed entries, in **one transaction**: creates the
    /// ledger `origin` (refused with [`StoreError::LedgerExists`] if the database holds entries
    /// of it; an empty ledger row left by a failed `create_ledger` is reused), writes each
    /// [`ImportStep::Entries`] as it arrives, in order, and commits once [`ImportStep::Finish`]
    /// has been written. If `steps` closes before `Finish` (the caller refused the log) or
    /// anything fails, the transaction is rolled back and the database is as before
    /// ([`StoreError::ImportAborted`]). Other appenders to the same ledger wait for it (SQLite:
    /// the database's write lock; PostgreSQL: the ledger's row).
    fn import_ledger(
        &self,
        origin: &str,
        steps: tokio::sync::mpsc::Receiver<ImportStep>,
    ) -> impl Future<Output = Result<LedgerId, StoreError>> + Send;
    /// Drops a ledger's projection rows and writes `rows` instead, in one transaction.
    fn replace_projections(
        &self,
        ledger: LedgerId,
        rows: &ProjectionRows,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A count or position as the databases store it (a signed 64-bit integer). Values past
/// `i64::MAX` cannot occur in a ledger; they are refused rather than wrapped.
pub(crate) fn to_db(value: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::ValueOutOfRange { what, value })
}

/// A stored integer read back as a count or position: negative means the row was corrupted.
pub(crate) fn from_db(value: i64, seq: u64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        seq,
        reason: format!("stored {what} is negative ({value})"),
    })
}

/// A stored 32-byte hash.
pub(crate) fn hash_from_db(bytes: &[u8], seq: u64, what: &str) -> Result<Hash, StoreError> {
    Hash::from_slice(bytes).map_err(|_| StoreError::Corrupt {
        seq,
        reason: format!("stored {what} is {} bytes, not 32", bytes.len()),
    })
}

/// The quota rule of [`Backend::put_upload`], for the backends: a file the ledger already claims
/// costs nothing more; another must fit in what the claims (`used_bytes`) leave of the quota.
pub(crate) fn check_upload_quota(
    already_claimed: bool,
    used_bytes: i64,
    adding_bytes: u64,
    quota_bytes: u64,
) -> Result<(), StoreError> {
    let used_bytes = u64::try_from(used_bytes).unwrap_or(0);
    if already_claimed || used_bytes.saturating_add(adding_bytes) <= quota_bytes {
        return Ok(());
    }
    Err(StoreError::AttachmentQuotaExceeded {
        used_bytes,
        adding_bytes,
        quota_bytes,
    })
}
