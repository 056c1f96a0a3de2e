//! The SQLite backend: one file per deployment, WAL journal, `synchronous=FULL` (a commit is on
//! disk when it returns), foreign keys on, every write inside `BEGIN IMMEDIATE` so writers queue
//! on the database lock instead of failing on upgrade. The schema is `migrations/sqlite/`,
//! applied when the database is opened.

use crate::backend::{
    Attachment, Backend, CollectedUploads, CommitBatch, ImportStep, LedgerId, NodeId,
    ProjectionRows, StoreError, StoredCheckpoint, StoredEntry, check_upload_quota, from_db,
    hash_from_db, to_db,
};
use crate::sql::{
    self, EntryRow, HouseholdColumns, attachment_from_row, entry_from_row, household_from_row,
};
use gongzhang_core::Hash;
use gongzhang_core::keys::PublicKey;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use std::path::Path;
use std::time::Duration;

mod batch;

crate::witness::impl_witness_state!(SqliteBackend);

use batch::{insert_checkpoint, insert_entries, insert_projections, insert_refs};

/// How long a connection waits for another process's write lock before failing (SQLite's busy
/// timeout). Group commit keeps one writer per ledger in a process; this covers other processes.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections in the pool: one writer at a time (SQLite's rule) and readers beside it (WAL).
pub const SQLITE_POOL_CONNECTIONS_MAX: u32 = 8;
/// Rows per multi-row `INSERT`: SQLite allows 32,766 bound values per statement; six columns
/// times this stays far below, and longer statements gain nothing.
pub const SQLITE_INSERT_ROWS_MAX: usize = 500;
/// Node ids looked up per statement by [`Backend::nodes`] (two bound values each).
pub const SQLITE_NODE_LOOKUPS_MAX: usize = 500;

/// The migrations, embedded at build time from `migrations/sqlite/`.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// A SQLite database holding any number of ledgers.
#[derive(Debug, Clone)]
pub struct SqliteBackend {
    pool: SqlitePool,
}

impl SqliteBackend {
    /// Opens (creating if missing) the database file at `path` and applies the migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteBackend, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(SQLITE_POOL_CONNECTIONS_MAX)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteBackend { pool })
    }

    /// A private in-memory database (for unit tests: nothing is durable). One connection, kept
    /// open for the life of the backend, since each in-memory connection is its own database.
    pub async fn open_in_memory() -> Result<SqliteBackend, StoreError> {
        let options = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteBackend { pool })
    }

    /// The connection pool, for maintenance and tests (e.g. showing that the triggers refuse
    /// edits). The store never needs it.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Moves every committed transaction from the WAL into the database file first, then closes
    /// every connection: once it returns, the file alone holds the whole database (to be renamed
    /// or copied). The checkpoint is not left to the last connection's close because sqlx's
    /// `Pool::close` can return while a connection is still open (sqlx issue #3217); a file
    /// renamed then loses the transactions still in its WAL, which keeps the old name.
    pub async fn close(&self) {
        let checkpoint: Result<(i64, i64, i64), sqlx::Error> =
            sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await;
        match checkpoint {
            Ok((0, _, _)) => {}
            Ok((busy, log, done)) => tracing::warn!(
                busy,
                log,
                done,
                "the WAL could not be checkpointed completely before closing"
            ),
            Err(error) => tracing::warn!(%error, "checkpointing the WAL before closing"),
        }
        self.pool.close().await;
    }
}

async fn read_checkpoint(
    pool: &SqlitePool,
    ledger: LedgerId,
    row: Option<SqliteRow>,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    let Some(row) = row else {
        return Ok(None);
    };
    let size_raw: i64 = row.try_get("size")?;
    let size = from_db(size_raw, 0, "checkpoint size")?;
    let root: Vec<u8> = row.try_get("root")?;
    let cosignatures: Vec<String> = sqlx::query_scalar(
        "SELECT line FROM cosignatures WHERE ledger_id = ? AND size = ? ORDER BY id",
    )
    .bind(ledger)
    .bind(size_raw)
    .fetch_all(pool)
    .await?;
    Ok(Some(StoredCheckpoint {
        size,
        root: hash_from_db(&root, size.saturating_sub(1), "checkpoint root")?,
        note: row.try_get("note")?,
        cosignatures,
    }))
}

async fn size_in<'e, E>(executor: E, ledger: LedgerId) -> Result<u64, StoreError>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let last: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM entries WHERE ledger_id = ? ORDER BY seq DESC LIMIT 1")
            .bind(ledger)
            .fetch_optional(executor)
            .await?;
    match last {
        None => Ok(0),
        Some(seq) => Ok(from_db(seq, 0, "seq")? + 1),
    }
}

impl Backend for SqliteBackend {
    async fn create_ledger(&self, origin: &str) -> Result<LedgerId, StoreError> {
        sqlx::query("INSERT INTO ledgers (origin) VALUES (?) ON CONFLICT (origin) DO NOTHING")
            .bind(origin)
            .execute(&self.pool)
            .await?;
        self.find_ledger(origin)
            .await?
            .ok_or_else(|| StoreError::UnknownLedger(origin.to_string()))
    }

    async fn find_ledger(&self, origin: &str) -> Result<Option<LedgerId>, StoreError> {
        Ok(sqlx::query_scalar(sql::FIND_LEDGER)
            .bind(origin)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn ledgers(&self) -> Result<Vec<(LedgerId, String)>, StoreError> {
        Ok(sqlx::query_as(sql::LEDGERS).fetch_all(&self.pool).await?)
    }

    async fn size(&self, ledger: LedgerId) -> Result<u64, StoreError> {
        size_in(&self.pool, ledger).await
    }

    async fn entries(
        &self,
        ledger: LedgerId,
        from: u64,
        to: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let from = i64::try_from(from).unwrap_or(i64::MAX);
        let to = i64::try_from(to).unwrap_or(i64::MAX);
        // Read row by row with `try_get`, not `query_as` into an `EntryRow` tuple: the tuple made
        // loading a ledger 7–9 % slower (BENCHMARKS.md, the restructuring of issue 15).
        let rows = sqlx::query(sql::ENTRIES)
            .bind(ledger)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                entry_from_row((
                    row.try_get(0)?,
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                    row.try_get(4)?,
                ))
            })
            .collect()
    }

    async fn entry_by_event(
        &self,
        ledger: LedgerId,
        event_id: &str,
    ) -> Result<Option<StoredEntry>, StoreError> {
        let row: Option<EntryRow> = sqlx::query_as(sql::ENTRY_BY_EVENT)
            .bind(ledger)
            .bind(event_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(entry_from_row).transpose()
    }

    async fn commit_batch(
        &self,
        ledger: LedgerId,
        expected_size: u64,
        batch: &CommitBatch,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let found = size_in(&mut *tx, ledger).await?;
        if found != expected_size {
            tx.rollback().await?;
            return Err(StoreError::Conflict {
                expected: expected_size,
                found,
            });
        }
        insert_entries(&mut tx, ledger, &batch.entries, &batch.nodes).await?;
        insert_projections(&mut tx, ledger, &batch.projections).await?;
        insert_refs(&mut tx, ledger, &batch.attachment_refs).await?;
        insert_checkpoint(&mut tx, ledger, &batch.checkpoint).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn nodes(&self, ledger: LedgerId, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut conn = self.pool.acquire().await?;
        for chunk in ids.chunks(SQLITE_NODE_LOOKUPS_MAX) {
            let mut values = Vec::with_capacity(chunk.len());
            for (position, id) in chunk.iter().enumerate() {
                values.push((position as i64, id.level, to_db(id.index, "node index")?));
            }
            let mut query = QueryBuilder::<Sqlite>::new("WITH wanted (position, level, idx) AS (");
            query.push_values(values, |mut b, (position, level, index)| {
                b.push_bind(position).push_bind(level).push_bind(index);
            });
            query
                .push(
                    ") SELECT wanted.position, tree_nodes.hash FROM wanted \
                     JOIN tree_nodes ON tree_nodes.ledger_id = ",
                )
                .push_bind(ledger)
                .push(
                    " AND tree_nodes.level = wanted.level AND tree_nodes.idx = wanted.idx \
                     ORDER BY wanted.position",
                );
            let rows = query.build().fetch_all(&mut *conn).await?;
            let mut found: Vec<Option<Hash>> = vec![None; chunk.len()];
            for row in rows {
                let position: i64 = row.try_get(0)?;
                let hash: Vec<u8> = row.try_get(1)?;
                let slot = usize::try_from(position)
                    .ok()
                    .and_then(|p| found.get_mut(p))
                    .ok_or_else(|| StoreError::Corrupt {
                        seq: 0,
                        reason: format!("node lookup returned an unknown position {position}"),
                    })?;
                *slot = Some(hash_from_db(&hash, 0, "tree node")?);
            }
            for (id, hash) in chunk.iter().zip(found) {
                out.push(hash.ok_or(StoreError::MissingNode {
                    level: id.level,
                    index: id.index,
                })?);
            }
        }
        Ok(out)
    }

    async fn checkpoint(
        &self,
        ledger: LedgerId,
        size: Option<u64>,
    ) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = match size {
            Some(size) => {
                sqlx::query(
                    "SELECT size, root, note FROM checkpoints WHERE ledger_id = ? AND size = ?",
                )
                .bind(ledger)
                .bind(to_db(size, "checkpoint size")?)
                .fetch_optional(&self.pool)
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT size, root, note FROM checkpoints WHERE ledger_id = ? \
                     ORDER BY size DESC LIMIT 1",
                )
                .bind(ledger)
                .fetch_optional(&self.pool)
                .await?
            }
        };
        read_checkpoint(&self.pool, ledger, row).await
    }

    async fn checkpoint_covering(
        &self,
        ledger: LedgerId,
        seq: u64,
    ) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query(
            "SELECT size, root, note FROM checkpoints WHERE ledger_id = ? AND size > ? \
             ORDER BY size LIMIT 1",
        )
        .bind(ledger)
        .bind(to_db(seq, "seq")?)
        .fetch_optional(&self.pool)
        .await?;
        read_checkpoint(&self.pool, ledger, row).await
    }

    async fn add_cosignature(
        &self,
        ledger: LedgerId,
        size: u64,
        line: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_COSIGNATURE)
            .bind(ledger)
            .bind(to_db(size, "checkpoint size")?)
            .bind(line)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn recent_cosignatures(
        &self,
        ledger: LedgerId,
        limit: u32,
    ) -> Result<Vec<(u64, String)>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(sql::RECENT_COSIGNATURES)
            .bind(ledger)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        sql::cosignatures_from_rows(rows)
    }

    async fn put_attachment(&self, attachment: &Attachment) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_ATTACHMENT)
            .bind(&attachment.sha256.0[..])
            .bind(attachment.media_type.as_str())
            .bind(attachment.bytes.as_slice())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn put_upload(
        &self,
        ledger: LedgerId,
        attachment: &Attachment,
        key: &PublicKey,
        uploaded_at_ms: i64,
        quota_bytes: u64,
    ) -> Result<(), StoreError> {
        let adding_bytes = attachment.bytes.len() as u64;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let claimed: Option<i64> = sqlx::query_scalar(sql::UPLOAD_CLAIM)
            .bind(ledger)
            .bind(&attachment.sha256.0[..])
            .fetch_optional(&mut *tx)
            .await?;
        let used: i64 = sqlx::query_scalar(sql::UPLOAD_BYTES)
            .bind(ledger)
            .fetch_one(&mut *tx)
            .await?;
        if let Err(refused) = check_upload_quota(claimed.is_some(), used, adding_bytes, quota_bytes)
        {
            tx.rollback().await?;
            return Err(refused);
        }
        sqlx::query(sql::INSERT_ATTACHMENT)
            .bind(&attachment.sha256.0[..])
            .bind(attachment.media_type.as_str())
            .bind(attachment.bytes.as_slice())
            .execute(&mut *tx)
            .await?;
        sqlx::query(sql::UPSERT_UPLOAD)
            .bind(ledger)
            .bind(&attachment.sha256.0[..])
            .bind(to_db(adding_bytes, "attachment length")?)
            .bind(uploaded_at_ms)
            .bind(&key.0[..])
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn upload_bytes(&self, ledger: LedgerId) -> Result<u64, StoreError> {
        let used: i64 = sqlx::query_scalar(sql::UPLOAD_BYTES)
            .bind(ledger)
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(used).unwrap_or(0))
    }

    async fn add_attachment_refs(
        &self,
        ledger: LedgerId,
        refs: &[(Hash, u64)],
    ) -> Result<(), StoreError> {
        if refs.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        insert_refs(&mut tx, ledger, refs).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn collect_uploads(&self, before_ms: i64) -> Result<CollectedUploads, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let removed: Vec<Vec<u8>> = sqlx::query_scalar(sql::COLLECT_UPLOAD_CLAIMS)
            .bind(before_ms)
            .fetch_all(&mut *tx)
            .await?;
        let mut collected = CollectedUploads {
            uploads: removed.len() as u64,
            ..CollectedUploads::default()
        };
        let mut shas = removed;
        shas.sort();
        shas.dedup();
        for sha in shas {
            let gone: Option<i64> = sqlx::query_scalar(
                "DELETE FROM attachments WHERE sha256 = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM attachment_uploads WHERE sha256 = ?1) \
                 AND NOT EXISTS (SELECT 1 FROM attachment_refs WHERE sha256 = ?1) \
                 RETURNING length(bytes)",
            )
            .bind(sha.as_slice())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(len) = gone {
                collected.attachments += 1;
                collected.bytes += u64::try_from(len).unwrap_or(0);
            }
        }
        tx.commit().await?;
        Ok(collected)
    }

    async fn attachment(&self, sha256: &Hash) -> Result<Option<Attachment>, StoreError> {
        let row: Option<(String, Vec<u8>)> = sqlx::query_as(sql::ATTACHMENT)
            .bind(&sha256.0[..])
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| attachment_from_row(sha256, row)))
    }

    async fn projections(&self, ledger: LedgerId) -> Result<ProjectionRows, StoreError> {
        let funds: Vec<(String, i64)> = sqlx::query_as(sql::FUND_ROWS)
            .bind(ledger)
            .fetch_all(&self.pool)
            .await?;
        let households: Vec<HouseholdColumns> = sqlx::query_as(sql::HOUSEHOLD_ROWS)
            .bind(ledger)
            .fetch_all(&self.pool)
            .await?;
        let postings: Vec<(i64, u32, String, i64)> = sqlx::query_as(sql::POSTING_ROWS)
            .bind(ledger)
            .fetch_all(&self.pool)
            .await?;
        Ok(ProjectionRows {
            funds,
            households: households.into_iter().map(household_from_row).collect(),
            postings: postings
                .into_iter()
                .map(|(seq, index, account, amount)| {
                    Ok((from_db(seq, 0, "posting seq")?, index, account, amount))
                })
                .collect::<Result<_, StoreError>>()?,
        })
    }

    async fn import_ledger(
        &self,
        origin: &str,
        mut steps: tokio::sync::mpsc::Receiver<ImportStep>,
    ) -> Result<LedgerId, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let found: Option<LedgerId> = sqlx::query_scalar(sql::FIND_LEDGER)
            .bind(origin)
            .fetch_optional(&mut *tx)
            .await?;
        let ledger = match found {
            Some(id) => {
                let size = size_in(&mut *tx, id).await?;
                if size > 0 {
                    tx.rollback().await?;
                    return Err(StoreError::LedgerExists {
                        origin: origin.to_string(),
                        size,
                    });
                }
                id
            }
            None => {
                sqlx::query_scalar("INSERT INTO ledgers (origin) VALUES (?) RETURNING id")
                    .bind(origin)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        let mut size = 0u64;
        // Dropping `tx` on an early return rolls it back.
        while let Some(step) = steps.recv().await {
            match step {
                ImportStep::Entries(batch) => {
                    batch.check_continues(size)?;
                    insert_entries(&mut tx, ledger, &batch.entries, &batch.nodes).await?;
                    let postings = ProjectionRows {
                        postings: batch.postings,
                        ..ProjectionRows::default()
                    };
                    insert_projections(&mut tx, ledger, &postings).await?;
                    insert_refs(&mut tx, ledger, &batch.attachment_refs).await?;
                    size += batch.entries.len() as u64;
                }
                ImportStep::Finish {
                    projections,
                    checkpoint,
                } => {
                    insert_projections(&mut tx, ledger, &projections).await?;
                    insert_checkpoint(&mut tx, ledger, &checkpoint).await?;
                    tx.commit().await?;
                    return Ok(ledger);
                }
            }
        }
        tx.rollback().await?;
        Err(StoreError::ImportAborted)
    }

    async fn replace_projections(
        &self,
        ledger: LedgerId,
        rows: &ProjectionRows,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for table in ["fund_balances", "households", "postings"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE ledger_id = ?"))
                .bind(ledger)
                .execute(&mut *tx)
                .await?;
        }
        insert_projections(&mut tx, ledger, rows).await?;
        tx.commit().await?;
        Ok(())
    }
}
