//! What a storage backend must do. Everything here is keyed by ledger id; nothing here knows the
//! ledger's rules (the [`crate::Store`] checks them before it calls [`Backend::commit_batch`]).

use gongzhang_core::Hash;

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

/// A complete (perfect) Merkle subtree: level 0 are the leaves, a node at `level` covers leaves
/// `index << level .. (index + 1) << level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    /// Height above the leaves.
    pub level: u8,
    /// Index among the nodes of that level.
    pub index: u64,
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
    /// The Merkle nodes the batch completes.
    pub nodes: Vec<(NodeId, Hash)>,
    /// Projection rows to upsert.
    pub projections: ProjectionRows,
    /// The checkpoint over the log after the batch.
    pub checkpoint: StoredCheckpoint,
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
    #[error("the ledger has {found} entries, not the expected {expected}: another writer appended first")]
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
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A storage backend. Implementations: `sqlite::SqliteBackend`, `postgres::PostgresBackend`.
#[allow(async_fn_in_trait)]
pub trait Backend: Send + Sync + 'static {
    /// The ledger with this origin, created if missing.
    async fn create_ledger(&self, origin: &str) -> Result<LedgerId, StoreError>;
    /// The ledger with this origin, if any.
    async fn find_ledger(&self, origin: &str) -> Result<Option<LedgerId>, StoreError>;
    /// Every ledger: (id, origin).
    async fn ledgers(&self) -> Result<Vec<(LedgerId, String)>, StoreError>;
    /// Number of committed entries.
    async fn size(&self, ledger: LedgerId) -> Result<u64, StoreError>;
    /// Entries `from..to` (clamped to the size), in order.
    async fn entries(&self, ledger: LedgerId, from: u64, to: u64) -> Result<Vec<StoredEntry>, StoreError>;
    /// The entry recording event `event_id`, if any.
    async fn entry_by_event(&self, ledger: LedgerId, event_id: &str) -> Result<Option<StoredEntry>, StoreError>;
    /// Appends a batch in one durable transaction, serialised per ledger: fails with
    /// [`StoreError::Conflict`] if the stored size is not `expected_size`; unique constraints
    /// (seq, event id) are the backstop.
    async fn commit_batch(&self, ledger: LedgerId, expected_size: u64, batch: &CommitBatch) -> Result<(), StoreError>;
    /// The hashes of these Merkle nodes (each must exist), in the order asked.
    async fn nodes(&self, ledger: LedgerId, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError>;
    /// The checkpoint at `size`, or the latest if `None`.
    async fn checkpoint(&self, ledger: LedgerId, size: Option<u64>) -> Result<Option<StoredCheckpoint>, StoreError>;
    /// Adds a (verified) cosignature line to the checkpoint at `size`; adding it twice is a no-op.
    async fn add_cosignature(&self, ledger: LedgerId, size: u64, line: &str) -> Result<(), StoreError>;
    /// Stores an attachment (content-addressed: storing it twice is a no-op).
    async fn put_attachment(&self, attachment: &Attachment) -> Result<(), StoreError>;
    /// An attachment by SHA-256.
    async fn attachment(&self, sha256: &Hash) -> Result<Option<Attachment>, StoreError>;
    /// The projection rows as stored (all funds, all households, all postings).
    async fn projections(&self, ledger: LedgerId) -> Result<ProjectionRows, StoreError>;
    /// Drops a ledger's projection rows and writes `rows` instead, in one transaction.
    async fn replace_projections(&self, ledger: LedgerId, rows: &ProjectionRows) -> Result<(), StoreError>;
}
