//! The statements both backends run, written once, and the readers of their rows.
//!
//! They use PostgreSQL's numbered placeholders (`$1`, `$2`, …), which SQLite takes as numbered
//! parameters too (sqlx binds `$N` to the N-th value bound), and only syntax both dialects
//! share. Where the dialects differ — arrays and `UNNEST` for a batch in one statement, a
//! checkpoint's cosignatures read as an `ARRAY`, the locking of a ledger's head — each backend
//! keeps its own statement.

use crate::backend::{Attachment, HouseholdRow, StoreError, StoredEntry, from_db, hash_from_db};
use gongzhang_core::Hash;

/// The ledger with origin `$1`: its id.
pub(crate) const FIND_LEDGER: &str = "SELECT id FROM ledgers WHERE origin = $1";

/// Every ledger: (id, origin), in the order they were created.
pub(crate) const LEDGERS: &str = "SELECT id, origin FROM ledgers ORDER BY id";

/// Entries `$2 <= seq < $3` of ledger `$1`, in order, as [`EntryRow`]s.
pub(crate) const ENTRIES: &str = "SELECT seq, hash, event_id, event_hash, bytes FROM entries \
     WHERE ledger_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq";

/// The entry of ledger `$1` recording event `$2`, as an [`EntryRow`].
pub(crate) const ENTRY_BY_EVENT: &str = "SELECT seq, hash, event_id, event_hash, bytes \
     FROM entries WHERE ledger_id = $1 AND event_id = $2";

/// An `entries` row as [`ENTRIES`] and [`ENTRY_BY_EVENT`] select it: seq, hash, event id, event
/// hash, bytes.
pub(crate) type EntryRow = (i64, Vec<u8>, String, Vec<u8>, Vec<u8>);

/// Reads an [`EntryRow`]: a negative seq or a hash that is not 32 bytes is corruption.
pub(crate) fn entry_from_row(row: EntryRow) -> Result<StoredEntry, StoreError> {
    let (seq, hash, event_id, event_hash, bytes) = row;
    let seq = from_db(seq, 0, "seq")?;
    Ok(StoredEntry {
        seq,
        hash: hash_from_db(&hash, seq, "entry hash")?,
        event_id,
        event_hash: hash_from_db(&event_hash, seq, "event hash")?,
        bytes,
    })
}

/// Adds cosignature line `$3` to the checkpoint of ledger `$1` at size `$2`; a line already
/// there is left as it is.
pub(crate) const INSERT_COSIGNATURE: &str = "INSERT INTO cosignatures (ledger_id, size, line) \
     VALUES ($1, $2, $3) ON CONFLICT (ledger_id, size, line) DO NOTHING";

/// The latest `$2` cosignature lines of ledger `$1`, largest checkpoint size first: (size, line).
pub(crate) const RECENT_COSIGNATURES: &str = "SELECT size, line FROM cosignatures \
     WHERE ledger_id = $1 ORDER BY size DESC, line LIMIT $2";

/// Reads [`RECENT_COSIGNATURES`] rows: a negative size is corruption.
pub(crate) fn cosignatures_from_rows(
    rows: Vec<(i64, String)>,
) -> Result<Vec<(u64, String)>, StoreError> {
    rows.into_iter()
        .map(|(size, line)| Ok((from_db(size, 0, "cosigned size")?, line)))
        .collect()
}

/// Stores an attachment: SHA-256 `$1`, media type `$2`, bytes `$3`; one already stored is left
/// as it is (content-addressed).
pub(crate) const INSERT_ATTACHMENT: &str = "INSERT INTO attachments (sha256, media_type, bytes) \
     VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING";

/// An attachment's media type and bytes, by SHA-256 `$1`.
pub(crate) const ATTACHMENT: &str = "SELECT media_type, bytes FROM attachments WHERE sha256 = $1";

/// The attachment with SHA-256 `sha256` from its row as [`ATTACHMENT`] selects it.
pub(crate) fn attachment_from_row(sha256: &Hash, row: (String, Vec<u8>)) -> Attachment {
    let (media_type, bytes) = row;
    Attachment {
        sha256: *sha256,
        media_type,
        bytes,
    }
}

/// The length of ledger `$1`'s claim on the upload with SHA-256 `$2`, if it has one.
pub(crate) const UPLOAD_CLAIM: &str =
    "SELECT bytes_len FROM attachment_uploads WHERE ledger_id = $1 AND sha256 = $2";

/// The bytes ledger `$1`'s upload claims hold (the quota's measure), as a 64-bit integer.
pub(crate) const UPLOAD_BYTES: &str = "SELECT CAST(COALESCE(SUM(bytes_len), 0) AS BIGINT) \
     FROM attachment_uploads WHERE ledger_id = $1";

/// Ledger `$1`'s claim on an upload: SHA-256 `$2`, length `$3`, uploaded at `$4` (Unix
/// milliseconds) by key `$5`. Claiming it again renews the claim's time only.
pub(crate) const UPSERT_UPLOAD: &str = "INSERT INTO attachment_uploads \
     (ledger_id, sha256, bytes_len, uploaded_at_ms, key) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (ledger_id, sha256) DO UPDATE SET uploaded_at_ms = excluded.uploaded_at_ms";

/// Removes every upload claim made before `$1` (Unix milliseconds) that no entry of its ledger
/// names, returning the SHA-256 of each.
pub(crate) const COLLECT_UPLOAD_CLAIMS: &str = "DELETE FROM attachment_uploads AS u \
     WHERE uploaded_at_ms < $1 AND NOT EXISTS \
     (SELECT 1 FROM attachment_refs r WHERE r.ledger_id = u.ledger_id AND r.sha256 = u.sha256) \
     RETURNING sha256";

/// Ledger `$1`'s fund rows, (fund, balance in fen), by fund.
pub(crate) const FUND_ROWS: &str =
    "SELECT fund, balance_fen FROM fund_balances WHERE ledger_id = $1 ORDER BY fund";

/// Ledger `$1`'s household rows, as [`HouseholdColumns`], by unit.
pub(crate) const HOUSEHOLD_ROWS: &str = "SELECT unit, area_centi_m2, charged_fen, paid_fen, \
     owed_fen FROM households WHERE ledger_id = $1 ORDER BY unit";

/// Ledger `$1`'s postings, (seq, index within the entry, account, amount in fen), in order.
pub(crate) const POSTING_ROWS: &str = "SELECT seq, idx, account, amount_fen FROM postings \
     WHERE ledger_id = $1 ORDER BY seq, idx";

/// A `households` row as [`HOUSEHOLD_ROWS`] selects it: unit, area in 0.01 ㎡, charged, paid and
/// owed fen.
pub(crate) type HouseholdColumns = (String, i64, i64, i64, i64);

/// Reads a [`HouseholdColumns`] row.
pub(crate) fn household_from_row(row: HouseholdColumns) -> HouseholdRow {
    let (unit, area_centi_m2, charged_fen, paid_fen, owed_fen) = row;
    HouseholdRow {
        unit,
        area_centi_m2,
        charged_fen,
        paid_fen,
        owed_fen,
    }
}
