//! How the PostgreSQL backend writes a batch in one statement: data-modifying CTEs over rows
//! passed as column arrays (`UNNEST`), and the column arrays built from the rows.

use std::sync::LazyLock;

use gongzhang_core::Hash;

use crate::backend::{LedgerId, NodeId, ProjectionRows, StoreError, StoredEntry, to_db};

/// Data-modifying CTEs that write projection rows given as column arrays: funds and households
/// upserted, postings inserted. `$1` is the ledger id, `$2`–`$12` the columns, bound by
/// [`ProjectionColumns::bind`].
const PROJECTION_CTES: &str = "\
    funds AS ( \
        INSERT INTO fund_balances (ledger_id, fund, balance_fen) \
        SELECT $1, * FROM UNNEST($2::text[], $3::bigint[]) \
        ON CONFLICT (ledger_id, fund) DO UPDATE SET balance_fen = EXCLUDED.balance_fen \
    ), households AS ( \
        INSERT INTO households \
            (ledger_id, unit, area_centi_m2, charged_fen, paid_fen, owed_fen) \
        SELECT $1, * \
        FROM UNNEST($4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[]) \
        ON CONFLICT (ledger_id, unit) DO UPDATE SET \
            area_centi_m2 = EXCLUDED.area_centi_m2, charged_fen = EXCLUDED.charged_fen, \
            paid_fen = EXCLUDED.paid_fen, owed_fen = EXCLUDED.owed_fen \
    ), postings AS ( \
        INSERT INTO postings (ledger_id, seq, idx, account, amount_fen) \
        SELECT $1, * FROM UNNEST($9::bigint[], $10::integer[], $11::text[], $12::bigint[]) \
    )";

/// Data-modifying CTEs that write entries (`$13`–`$17`) and Merkle nodes (`$18`–`$20`) given as
/// column arrays, after [`PROJECTION_CTES`].
const ENTRY_CTES: &str = "\
    new_entries AS ( \
        INSERT INTO entries (ledger_id, seq, hash, event_id, event_hash, bytes) \
        SELECT $1, * \
        FROM UNNEST($13::bigint[], $14::bytea[], $15::text[], $16::bytea[], $17::bytea[]) \
    ), new_nodes AS ( \
        INSERT INTO tree_nodes (ledger_id, level, idx, hash) \
        SELECT $1, * FROM UNNEST($18::smallint[], $19::bigint[], $20::bytea[]) \
    )";

/// One statement that appends a batch after the head was locked and checked: the projection
/// CTEs (`$1`–`$12`), then the entries and nodes ([`ENTRY_CTES`], `$13`–`$20`), the
/// checkpoint (`$21`–`$23`) with its cosignature lines (`$24`), and the new size (`$25`). One
/// round trip whatever the batch's size; the sub-statements touch different tables.
const COMMIT_STATEMENT: &str = "WITH \
    {PROJECTION_CTES}, {ENTRY_CTES}, \
    new_checkpoint AS ( \
        INSERT INTO checkpoints (ledger_id, size, root, note) VALUES ($1, $21, $22, $23) \
    ), new_cosignatures AS ( \
        INSERT INTO cosignatures (ledger_id, size, line) \
        SELECT $1, $21, line FROM UNNEST($24::text[]) WITH ORDINALITY AS c (line, ord) \
        ORDER BY ord \
        ON CONFLICT (ledger_id, size, line) DO NOTHING \
    ) \
    UPDATE ledger_heads SET size = $25 WHERE ledger_id = $1";

/// [`COMMIT_STATEMENT`] with the CTEs in place.
pub(super) static COMMIT_SQL: LazyLock<String> = LazyLock::new(|| {
    COMMIT_STATEMENT
        .replace("{PROJECTION_CTES}", PROJECTION_CTES)
        .replace("{ENTRY_CTES}", ENTRY_CTES)
});

/// One step of an import: postings (through [`PROJECTION_CTES`], `$1`–`$12`, with no fund or
/// household rows), entries and nodes ([`ENTRY_CTES`], `$13`–`$20`), and the new size (`$21`).
pub(super) static IMPORT_ENTRIES_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH {PROJECTION_CTES}, {ENTRY_CTES} \
         UPDATE ledger_heads SET size = $21 WHERE ledger_id = $1"
    )
});

/// The end of an import: the checkpoint (`$2`–`$4`) and its cosignature lines (`$5`), in their
/// order.
pub(super) const IMPORT_CHECKPOINT_SQL: &str = "WITH new_checkpoint AS ( \
        INSERT INTO checkpoints (ledger_id, size, root, note) VALUES ($1, $2, $3, $4) \
    ) \
    INSERT INTO cosignatures (ledger_id, size, line) \
    SELECT $1, $2, line FROM UNNEST($5::text[]) WITH ORDINALITY AS c (line, ord) \
    ORDER BY ord \
    ON CONFLICT (ledger_id, size, line) DO NOTHING";

/// The statement that writes a rebuild's projection rows (after they were deleted).
pub(super) static REPLACE_PROJECTIONS_SQL: LazyLock<String> =
    LazyLock::new(|| format!("WITH {PROJECTION_CTES} SELECT 1"));

/// Projection rows as the column arrays [`PROJECTION_CTES`] takes.
#[derive(Debug, Default)]
pub(super) struct ProjectionColumns<'a> {
    funds: Vec<&'a str>,
    balances: Vec<i64>,
    units: Vec<&'a str>,
    areas: Vec<i64>,
    charged: Vec<i64>,
    paid: Vec<i64>,
    owed: Vec<i64>,
    posting_seqs: Vec<i64>,
    posting_indexes: Vec<i32>,
    accounts: Vec<&'a str>,
    amounts: Vec<i64>,
}

impl<'a> ProjectionColumns<'a> {
    /// The columns of `rows`, in their order.
    pub(super) fn new(rows: &'a ProjectionRows) -> Result<Self, StoreError> {
        let mut columns = ProjectionColumns::default();
        for (fund, balance) in &rows.funds {
            columns.funds.push(fund);
            columns.balances.push(*balance);
        }
        for household in &rows.households {
            columns.units.push(&household.unit);
            columns.areas.push(household.area_centi_m2);
            columns.charged.push(household.charged_fen);
            columns.paid.push(household.paid_fen);
            columns.owed.push(household.owed_fen);
        }
        for (seq, index, account, amount) in &rows.postings {
            columns.posting_seqs.push(to_db(*seq, "posting seq")?);
            columns
                .posting_indexes
                .push(
                    i32::try_from(*index).map_err(|_| StoreError::ValueOutOfRange {
                        what: "posting index",
                        value: u64::from(*index),
                    })?,
                );
            columns.accounts.push(account);
            columns.amounts.push(*amount);
        }
        Ok(columns)
    }

    /// Binds `$2`–`$12` (after the ledger id, `$1`).
    pub(super) fn bind(self, query: PgQuery<'a>) -> PgQuery<'a> {
        query
            .bind(self.funds)
            .bind(self.balances)
            .bind(self.units)
            .bind(self.areas)
            .bind(self.charged)
            .bind(self.paid)
            .bind(self.owed)
            .bind(self.posting_seqs)
            .bind(self.posting_indexes)
            .bind(self.accounts)
            .bind(self.amounts)
    }
}

/// Entries and Merkle nodes as the column arrays [`ENTRY_CTES`] takes.
#[derive(Debug, Default)]
pub(super) struct EntryColumns<'a> {
    seqs: Vec<i64>,
    hashes: Vec<&'a [u8]>,
    event_ids: Vec<&'a str>,
    event_hashes: Vec<&'a [u8]>,
    bytes: Vec<&'a [u8]>,
    levels: Vec<i16>,
    indexes: Vec<i64>,
    node_hashes: Vec<&'a [u8]>,
}

impl<'a> EntryColumns<'a> {
    /// The columns of `entries` and `nodes`, in their order.
    pub(super) fn new(
        entries: &'a [StoredEntry],
        nodes: &'a [(NodeId, Hash)],
    ) -> Result<Self, StoreError> {
        let mut columns = EntryColumns::default();
        for entry in entries {
            columns.seqs.push(to_db(entry.seq, "entry seq")?);
            columns.hashes.push(entry.hash.as_bytes().as_slice());
            columns.event_ids.push(entry.event_id.as_str());
            columns
                .event_hashes
                .push(entry.event_hash.as_bytes().as_slice());
            columns.bytes.push(entry.bytes.as_slice());
        }
        for (id, hash) in nodes {
            columns.levels.push(i16::from(id.level));
            columns.indexes.push(to_db(id.index, "node index")?);
            columns.node_hashes.push(hash.as_bytes().as_slice());
        }
        Ok(columns)
    }

    /// Binds `$13`–`$20` (after the projection columns).
    pub(super) fn bind(self, query: PgQuery<'a>) -> PgQuery<'a> {
        query
            .bind(self.seqs)
            .bind(self.hashes)
            .bind(self.event_ids)
            .bind(self.event_hashes)
            .bind(self.bytes)
            .bind(self.levels)
            .bind(self.indexes)
            .bind(self.node_hashes)
    }
}

/// A statement with its arguments.
type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Records the attachments entries name (ignoring ones recorded already), in the caller's
/// transaction, as one statement.
pub(super) async fn insert_refs(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    ledger: LedgerId,
    refs: &[(Hash, u64)],
) -> Result<(), StoreError> {
    if refs.is_empty() {
        return Ok(());
    }
    let shas: Vec<&[u8]> = refs
        .iter()
        .map(|(sha, _)| sha.as_bytes().as_slice())
        .collect();
    let seqs = refs
        .iter()
        .map(|(_, seq)| to_db(*seq, "entry seq"))
        .collect::<Result<Vec<_>, _>>()?;
    sqlx::query(
        "INSERT INTO attachment_refs (ledger_id, sha256, seq) \
         SELECT $1, sha256, seq FROM UNNEST($2::bytea[], $3::bigint[]) AS r (sha256, seq) \
         ON CONFLICT (ledger_id, sha256) DO NOTHING",
    )
    .bind(ledger)
    .bind(shas)
    .bind(seqs)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
