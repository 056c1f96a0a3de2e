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
//!
//! [`LogHead::check_next`]: gongzhang_core::log::LogHead::check_next
//! [`LogVerifier`]: gongzhang_core::log::LogVerifier
//! [`merkle::inclusion_proof_ranges`]: gongzhang_core::merkle::inclusion_proof_ranges
//! [`merkle::consistency_proof_ranges`]: gongzhang_core::merkle::consistency_proof_ranges
//! [`node_hash`]: gongzhang_core::hash::node_hash

mod append;
mod attachments;
mod checkpoints;
mod commit;
mod load;
mod mirror;
mod projections;
mod proofs;
pub(crate) mod rows;

pub use append::{
    AppendError, Receipt, SIGNATURES_INLINE_MAX, SUBMISSIONS_PER_BATCH_MAX, Submission,
};
pub use attachments::{
    ATTACHMENT_BYTES_MAX, MEDIA_TYPE_BYTES_MAX, UPLOAD_QUOTA_BYTES_PER_LEDGER,
    UPLOAD_UNNAMED_TTL_MS, UploadError, UploadReceipt,
};
pub use checkpoints::CosignError;
pub use commit::{
    COMMIT_ENTRIES_MAX, GROUP_COMMIT_ENTRIES_MAX, GROUP_COMMIT_QUEUE_MAX, GROUP_COMMIT_WAIT_MS,
};
pub use load::LOAD_ENTRIES_PER_READ;
pub use projections::RebuildReport;
pub use proofs::ProofError;

use crate::backend::{Backend, LedgerId, StoreError};
use commit::Request;
use gongzhang_core::entry::RecordedAt;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::Statement;
use gongzhang_core::ledger::households::Household;
use gongzhang_core::ledger::types::{Fen, FundId, PeriodRange, Unit};
use gongzhang_core::note::SignerKey;
use load::{LedgerState, load};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

/// The most entries [`Store::entries`] returns at once; read longer ranges in pages.
pub const ENTRIES_PER_READ_MAX: u64 = 10_000;

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

    /// Forgets any state of the ledger `origin` loaded before its genesis or an import was
    /// committed, so that the next use loads what the database holds.
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
}
