//! The PostgreSQL backend: many communities' ledgers in one database.
//!
//! Every table but the shared, content-addressed `attachments` is keyed by ledger id, its
//! primary key led by it (see `migrations/postgres/0001_ledgers.sql`), so a city's database can
//! be partitioned or distributed by ledger. Entries are stored as `bytea`, byte for byte as they
//! were signed. Appends to one ledger are serialised by locking its `ledger_heads` row
//! (`SELECT … FOR UPDATE`) for the length of the append transaction, then comparing its size
//! with the expected one ([`StoreError::Conflict`]); appends to different ledgers do not wait for
//! each other. A batch is written in one statement (column arrays through `UNNEST`), so an append
//! is four round trips (begin, lock, write, commit) whatever its size. Triggers refuse `UPDATE`,
//! `DELETE` and `TRUNCATE` on the log's tables.
//!
//! Durability is the server's: with PostgreSQL's defaults (`fsync = on`,
//! `synchronous_commit = on`) a commit has reached the disk when [`Backend::commit_batch`]
//! returns. [`PostgresBackend::connect`] warns (through `tracing`) when the server is set up to
//! lose commits.

use std::time::Duration;

use gongzhang_core::Hash;
use gongzhang_core::keys::PublicKey;
use sqlx::Row;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::backend::{
    Attachment, Backend, CollectedUploads, CommitBatch, ImportStep, LedgerId, NodeId,
    ProjectionRows, StoreError, StoredCheckpoint, StoredEntry, check_upload_quota, from_db,
    hash_from_db, to_db,
};

mod batch;

crate::witness::impl_witness_state!(PostgresBackend);

use crate::sql::{
    self, EntryRow, HouseholdColumns, attachment_from_row, entry_from_row, household_from_row,
};
use batch::{
    COMMIT_SQL, EntryColumns, IMPORT_CHECKPOINT_SQL, IMPORT_ENTRIES_SQL, ProjectionColumns,
    REPLACE_PROJECTIONS_SQL, insert_refs,
};

/// The PostgreSQL schema, embedded at compile time from `migrations/postgres` and applied by
/// [`PostgresBackend::connect`].
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Connections the pool opens at most, unless the caller builds the pool itself.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 16;

/// How long a caller waits for a free connection before the operation fails.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many times [`Backend::create_ledger`] retries when another session creates the same
/// ledger at the same moment (each retry sees the other's committed row, so one is enough).
const CREATE_LEDGER_ATTEMPTS: usize = 3;

/// The PostgreSQL implementation of [`Backend`].
#[derive(Debug, Clone)]
pub struct PostgresBackend {
    pool: PgPool,
}

impl PostgresBackend {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`, or a
    /// Unix socket directory as `?host=/path`) with a pool of [`DEFAULT_MAX_CONNECTIONS`], and
    /// applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(DEFAULT_MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        Self::with_pool(pool).await
    }

    /// Uses a pool the caller built (its size, timeouts, TLS) and applies the migrations.
    pub async fn with_pool(pool: PgPool) -> Result<Self, StoreError> {
        MIGRATOR.run(&pool).await?;
        warn_if_not_durable(&pool).await?;
        Ok(Self { pool })
    }

    /// The connection pool, for administration and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Logs a warning when the server acknowledges commits before they are on disk.
async fn warn_if_not_durable(pool: &PgPool) -> Result<(), StoreError> {
    let row = sqlx::query(
        "SELECT current_setting('fsync') AS fsync, \
                current_setting('synchronous_commit') AS synchronous_commit",
    )
    .fetch_one(pool)
    .await?;
    let fsync: String = row.try_get("fsync")?;
    let synchronous_commit: String = row.try_get("synchronous_commit")?;
    if fsync != "on" || synchronous_commit == "off" {
        tracing::warn!(
            %fsync,
            %synchronous_commit,
            "PostgreSQL may lose committed ledger entries on a crash: set fsync = on and synchronous_commit = on"
        );
    }
    Ok(())
}

/// The name of a ledger id in [`StoreError::UnknownLedger`].
fn unknown(ledger: LedgerId) -> StoreError {
    StoreError::UnknownLedger(format!("#{ledger}"))
}

/// The columns a [`StoredCheckpoint`] is read from, for a checkpoint row `c`: its cosignature
/// lines come in the same query, in the order they were added.
const CHECKPOINT_SELECT: &str = "SELECT c.size, c.root, c.note, \
     ARRAY(SELECT s.line FROM cosignatures s \
           WHERE s.ledger_id = c.ledger_id AND s.size = c.size ORDER BY s.id) AS cosignatures";

/// Reads a checkpoint row selected with [`CHECKPOINT_SELECT`].
fn checkpoint_from_row(row: &sqlx::postgres::PgRow) -> Result<StoredCheckpoint, StoreError> {
    let size_db: i64 = row.try_get("size")?;
    let size = from_db(size_db, 0, "a checkpoint's size")?;
    let root: Vec<u8> = row.try_get("root")?;
    Ok(StoredCheckpoint {
        size,
        root: hash_from_db(&root, size.saturating_sub(1), "checkpoint root")?,
        note: row.try_get("note")?,
        cosignatures: row.try_get("cosignatures")?,
    })
}

/// The first leaf a Merkle node covers (the entry named when the node is unreadable).
fn first_leaf(id: &NodeId) -> u64 {
    id.index
        .checked_shl(u32::from(id.level))
        .unwrap_or(u64::MAX)
}

/// Locks the ledger's head row until the end of the transaction and returns its size; every
/// appender (and a projection rebuild) takes this lock first, so they run one at a time per
/// ledger.
async fn lock_head(tx: &mut sqlx::PgConnection, ledger: LedgerId) -> Result<u64, StoreError> {
    let size: Option<i64> =
        sqlx::query_scalar("SELECT size FROM ledger_heads WHERE ledger_id = $1 FOR UPDATE")
            .bind(ledger)
            .fetch_optional(&mut *tx)
            .await?;
    match size {
        Some(size) => from_db(size, 0, "the ledger's size"),
        None => Err(unknown(ledger)),
    }
}

impl Backend for PostgresBackend {
    async fn create_ledger(&self, origin: &str) -> Result<LedgerId, StoreError> {
        for _ in 0..CREATE_LEDGER_ATTEMPTS {
            // One statement inserts the ledger and its head together (or neither); if another
            // session inserted the origin first, the insert does nothing and the select finds it.
            // When that session commits after this statement's snapshot was taken, neither part
            // returns a row: the next attempt, with a new snapshot, sees it.
            let id: Option<i64> = sqlx::query_scalar(
                "WITH created AS ( \
                     INSERT INTO ledgers (origin) VALUES ($1) \
                     ON CONFLICT (origin) DO NOTHING RETURNING id \
                 ), head AS ( \
                     INSERT INTO ledger_heads (ledger_id, size) SELECT id, 0 FROM created \
                 ) \
                 SELECT id FROM created UNION ALL SELECT id FROM ledgers WHERE origin = $1",
            )
            .bind(origin)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(id) = id {
                return Ok(id);
            }
        }
        Err(StoreError::UnknownLedger(origin.to_owned()))
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
        let size: Option<i64> =
            sqlx::query_scalar("SELECT size FROM ledger_heads WHERE ledger_id = $1")
                .bind(ledger)
                .fetch_optional(&self.pool)
                .await?;
        match size {
            Some(size) => from_db(size, 0, "the ledger's size"),
            None => Err(unknown(ledger)),
        }
    }

    async fn entries(
        &self,
        ledger: LedgerId,
        from: u64,
        to: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        if from >= to {
            return Ok(Vec::new());
        }
        // Positions past i64::MAX hold nothing: clamping them is exact.
        let from = i64::try_from(from).unwrap_or(i64::MAX);
        let to = i64::try_from(to).unwrap_or(i64::MAX);
        let rows: Vec<EntryRow> = sqlx::query_as(sql::ENTRIES)
            .bind(ledger)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(entry_from_row).collect()
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
        let count = batch.entries.len();
        let entries = EntryColumns::new(&batch.entries, &batch.nodes)?;
        let checkpoint = &batch.checkpoint;
        let checkpoint_size = to_db(checkpoint.size, "checkpoint size")?;
        let new_size = to_db(expected_size.saturating_add(count as u64), "ledger size")?;
        let projections = ProjectionColumns::new(&batch.projections)?;

        let mut tx = self.pool.begin().await?;
        let found = lock_head(&mut tx, ledger).await?;
        if found != expected_size {
            return Err(StoreError::Conflict {
                expected: expected_size,
                found,
            });
        }
        let query = projections.bind(sqlx::query(&COMMIT_SQL).bind(ledger));
        entries
            .bind(query)
            .bind(checkpoint_size)
            .bind(checkpoint.root.as_bytes().as_slice())
            .bind(&checkpoint.note)
            .bind(&checkpoint.cosignatures)
            .bind(new_size)
            .execute(&mut *tx)
            .await?;
        insert_refs(&mut tx, ledger, &batch.attachment_refs).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn nodes(&self, ledger: LedgerId, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let levels: Vec<i16> = ids.iter().map(|id| i16::from(id.level)).collect();
        let indexes = ids
            .iter()
            .map(|id| to_db(id.index, "node index"))
            .collect::<Result<Vec<_>, _>>()?;
        // One round trip: the asked ids as a table, in the order asked, joined to the nodes.
        let rows: Vec<(i64, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT q.ord, n.hash \
             FROM UNNEST($2::smallint[], $3::bigint[]) WITH ORDINALITY AS q (level, idx, ord) \
             LEFT JOIN tree_nodes n \
                 ON n.ledger_id = $1 AND n.level = q.level AND n.idx = q.idx \
             ORDER BY q.ord",
        )
        .bind(ledger)
        .bind(&levels)
        .bind(&indexes)
        .fetch_all(&self.pool)
        .await?;
        ids.iter()
            .zip(rows)
            .map(|(id, (_, hash))| match hash {
                Some(hash) => hash_from_db(&hash, first_leaf(id), "Merkle node"),
                None => Err(StoreError::MissingNode {
                    level: id.level,
                    index: id.index,
                }),
            })
            .collect()
    }

    async fn checkpoint(
        &self,
        ledger: LedgerId,
        size: Option<u64>,
    ) -> Result<Option<StoredCheckpoint>, StoreError> {
        // Two statements rather than `$2 IS NULL OR size = $2`, so that each keeps an index plan
        // when PostgreSQL switches the prepared statement to a generic plan.
        let row =
            match size {
                Some(size) => sqlx::query(&format!(
                    "{CHECKPOINT_SELECT} FROM checkpoints c WHERE c.ledger_id = $1 AND c.size = $2"
                ))
                .bind(ledger)
                .bind(to_db(size, "checkpoint size")?)
                .fetch_optional(&self.pool)
                .await?,
                None => {
                    sqlx::query(&format!(
                        "{CHECKPOINT_SELECT} FROM (SELECT * FROM checkpoints WHERE ledger_id = $1 \
                     ORDER BY size DESC LIMIT 1) c"
                    ))
                    .bind(ledger)
                    .fetch_optional(&self.pool)
                    .await?
                }
            };
        row.as_ref().map(checkpoint_from_row).transpose()
    }

    async fn checkpoint_covering(
        &self,
        ledger: LedgerId,
        seq: u64,
    ) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query(&format!(
            "{CHECKPOINT_SELECT} FROM (SELECT * FROM checkpoints \
                   WHERE ledger_id = $1 AND size > $2 \
                   ORDER BY size LIMIT 1) c"
        ))
        .bind(ledger)
        .bind(to_db(seq, "seq")?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(checkpoint_from_row).transpose()
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
            .bind(attachment.sha256.as_bytes().as_slice())
            .bind(&attachment.media_type)
            .bind(&attachment.bytes)
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
        let mut tx = self.pool.begin().await?;
        // One upload at a time per ledger, so that two cannot both pass the quota check.
        sqlx::query("SELECT id FROM ledgers WHERE id = $1 FOR UPDATE")
            .bind(ledger)
            .execute(&mut *tx)
            .await?;
        let claimed: Option<i64> = sqlx::query_scalar(sql::UPLOAD_CLAIM)
            .bind(ledger)
            .bind(attachment.sha256.as_bytes().as_slice())
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
            .bind(attachment.sha256.as_bytes().as_slice())
            .bind(&attachment.media_type)
            .bind(&attachment.bytes)
            .execute(&mut *tx)
            .await?;
        sqlx::query(sql::UPSERT_UPLOAD)
            .bind(ledger)
            .bind(attachment.sha256.as_bytes().as_slice())
            .bind(to_db(adding_bytes, "attachment length")?)
            .bind(uploaded_at_ms)
            .bind(key.0.as_slice())
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
        let mut tx = self.pool.begin().await?;
        insert_refs(&mut tx, ledger, refs).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn collect_uploads(&self, before_ms: i64) -> Result<CollectedUploads, StoreError> {
        let mut tx = self.pool.begin().await?;
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
        let gone: Vec<i64> = sqlx::query_scalar(
            "DELETE FROM attachments a WHERE a.sha256 = ANY($1) \
             AND NOT EXISTS (SELECT 1 FROM attachment_uploads u WHERE u.sha256 = a.sha256) \
             AND NOT EXISTS (SELECT 1 FROM attachment_refs r WHERE r.sha256 = a.sha256) \
             RETURNING octet_length(a.bytes)::bigint",
        )
        .bind(&shas)
        .fetch_all(&mut *tx)
        .await?;
        collected.attachments = gone.len() as u64;
        collected.bytes = gone.iter().map(|n| u64::try_from(*n).unwrap_or(0)).sum();
        tx.commit().await?;
        Ok(collected)
    }

    async fn attachment(&self, sha256: &Hash) -> Result<Option<Attachment>, StoreError> {
        let row: Option<(String, Vec<u8>)> = sqlx::query_as(sql::ATTACHMENT)
            .bind(sha256.as_bytes().as_slice())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| attachment_from_row(sha256, row)))
    }

    async fn projections(&self, ledger: LedgerId) -> Result<ProjectionRows, StoreError> {
        // One snapshot for the three reads, so they agree with each other.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let funds: Vec<(String, i64)> = sqlx::query_as(sql::FUND_ROWS)
            .bind(ledger)
            .fetch_all(&mut *tx)
            .await?;
        let households: Vec<HouseholdColumns> = sqlx::query_as(sql::HOUSEHOLD_ROWS)
            .bind(ledger)
            .fetch_all(&mut *tx)
            .await?;
        let posting_rows: Vec<(i64, i32, String, i64)> = sqlx::query_as(sql::POSTING_ROWS)
            .bind(ledger)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut postings = Vec::with_capacity(posting_rows.len());
        for (seq, index, account, amount) in posting_rows {
            let seq = from_db(seq, 0, "a posting's seq")?;
            let index = u32::try_from(index).map_err(|_| StoreError::Corrupt {
                seq,
                reason: format!("a posting's index is negative ({index})"),
            })?;
            postings.push((seq, index, account, amount));
        }
        Ok(ProjectionRows {
            funds,
            households: households.into_iter().map(household_from_row).collect(),
            postings,
        })
    }

    async fn import_ledger(
        &self,
        origin: &str,
        mut steps: tokio::sync::mpsc::Receiver<ImportStep>,
    ) -> Result<LedgerId, StoreError> {
        let mut tx = self.pool.begin().await?;
        // A concurrent import or create of the same origin waits here on the unique index until
        // this transaction ends, then finds the ledger.
        let created: Option<LedgerId> = sqlx::query_scalar(
            "WITH created AS ( \
                 INSERT INTO ledgers (origin) VALUES ($1) \
                 ON CONFLICT (origin) DO NOTHING RETURNING id \
             ), head AS ( \
                 INSERT INTO ledger_heads (ledger_id, size) SELECT id, 0 FROM created \
             ) \
             SELECT id FROM created",
        )
        .bind(origin)
        .fetch_optional(&mut *tx)
        .await?;
        let ledger = match created {
            Some(id) => id,
            None => {
                let id: LedgerId = sqlx::query_scalar(sql::FIND_LEDGER)
                    .bind(origin)
                    .fetch_one(&mut *tx)
                    .await?;
                let size = lock_head(&mut tx, id).await?;
                if size > 0 {
                    return Err(StoreError::LedgerExists {
                        origin: origin.to_string(),
                        size,
                    });
                }
                id
            }
        };
        let mut size = 0u64;
        // Dropping `tx` on an early return rolls it back.
        while let Some(step) = steps.recv().await {
            match step {
                ImportStep::Entries(batch) => {
                    batch.check_continues(size)?;
                    size += batch.entries.len() as u64;
                    let postings = ProjectionRows {
                        postings: batch.postings,
                        ..ProjectionRows::default()
                    };
                    let query = ProjectionColumns::new(&postings)?
                        .bind(sqlx::query(&IMPORT_ENTRIES_SQL).bind(ledger));
                    EntryColumns::new(&batch.entries, &batch.nodes)?
                        .bind(query)
                        .bind(to_db(size, "ledger size")?)
                        .execute(&mut *tx)
                        .await?;
                    insert_refs(&mut tx, ledger, &batch.attachment_refs).await?;
                }
                ImportStep::Finish {
                    projections,
                    checkpoint,
                } => {
                    ProjectionColumns::new(&projections)?
                        .bind(sqlx::query(&REPLACE_PROJECTIONS_SQL).bind(ledger))
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(IMPORT_CHECKPOINT_SQL)
                        .bind(ledger)
                        .bind(to_db(checkpoint.size, "checkpoint size")?)
                        .bind(checkpoint.root.as_bytes().as_slice())
                        .bind(&checkpoint.note)
                        .bind(&checkpoint.cosignatures)
                        .execute(&mut *tx)
                        .await?;
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
        let mut tx = self.pool.begin().await?;
        // No append may interleave with the rebuild.
        lock_head(&mut tx, ledger).await?;
        sqlx::query(
            "WITH f AS (DELETE FROM fund_balances WHERE ledger_id = $1), \
                  h AS (DELETE FROM households WHERE ledger_id = $1) \
             DELETE FROM postings WHERE ledger_id = $1",
        )
        .bind(ledger)
        .execute(&mut *tx)
        .await?;
        // A second statement: it must see the deletions (sibling sub-statements would not).
        ProjectionColumns::new(rows)?
            .bind(sqlx::query(&REPLACE_PROJECTIONS_SQL).bind(ledger))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
