//! The suite on PostgreSQL, and what only PostgreSQL has: many stores (server processes) on one
//! database, its durability settings, its triggers refusing edits through SQL, and the backend
//! contract checked row by row (`backend.rs`).
//!
//! Every test gets a fresh database in one throwaway cluster per test binary run
//! (`support/pg.rs`); nothing touches a PostgreSQL server the machine may already run.

mod backend;

use crate::suite::Harness;
use crate::suite::crash::BACKEND_ENV;
use crate::suite::fixtures::{self, ORIGIN, UNITS, example_store, payment, reopened_store};
use crate::support::pg;
use gongzhang_core::log::verify_jsonl;
use gongzhang_store::backend::StoredEntry;
use gongzhang_store::postgres::PostgresBackend;
use gongzhang_store::{AppendError, Store};
use sqlx::{Connection, PgConnection};
use std::collections::BTreeSet;

/// Where a child writer finds the database.
const URL_ENV: &str = "GONGZHANG_STORE_PG_URL";
/// The trigger that refuses UPDATE and DELETE on entries (`migrations/postgres`).
const ENTRIES_TRIGGER: &str = "entries_append_only";
/// Stores sharing one database in the multi-server test, as separate server processes would.
const SERVERS: usize = 3;
/// Writers per store in that test.
const WRITERS_PER_SERVER: usize = 4;
/// Appends per writer in that test.
const APPENDS_PER_WRITER: usize = 25;
/// Conflicts a writer retries before the multi-server test gives up.
const RETRIES_MAX: usize = 1_000;

/// A fresh database in the shared throwaway cluster.
pub struct PgHarness {
    url: String,
}

impl PgHarness {
    /// A new, empty database.
    pub async fn new() -> PgHarness {
        PgHarness {
            url: pg::fresh_database().await,
        }
    }

    /// The database the parent of a crash test named.
    pub fn from_env() -> PgHarness {
        PgHarness {
            url: std::env::var(URL_ENV).expect("the database URL"),
        }
    }

    async fn raw(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("a raw connection")
    }
}

impl Harness for PgHarness {
    type Backend = PostgresBackend;

    async fn open(&self) -> PostgresBackend {
        PostgresBackend::connect(&self.url)
            .await
            .expect("connect to the database")
    }

    /// First shows that the trigger refuses the edit, then disables it for one transaction (as
    /// the table's owner or a superuser could), edits the row and enables it again.
    async fn tamper_entry(&self, origin: &str, row: StoredEntry) {
        const EDIT: &str = "UPDATE entries SET bytes = $1, hash = $2, event_id = $3, \
             event_hash = $4 \
             WHERE ledger_id = (SELECT id FROM ledgers WHERE origin = $5) AND seq = $6";
        let seq = i64::try_from(row.seq).expect("small");
        let mut conn = self.raw().await;
        let refused = sqlx::query(EDIT)
            .bind(&row.bytes)
            .bind(&row.hash.0[..])
            .bind(&row.event_id)
            .bind(&row.event_hash.0[..])
            .bind(origin)
            .bind(seq)
            .execute(&mut conn)
            .await
            .expect_err("the trigger refuses the edit");
        assert!(refused.to_string().contains("append-only"), "{refused}");

        let mut tx = conn.begin().await.expect("begin");
        sqlx::query(&format!(
            "ALTER TABLE entries DISABLE TRIGGER {ENTRIES_TRIGGER}"
        ))
        .execute(&mut *tx)
        .await
        .expect("disable the trigger");
        let changed = sqlx::query(EDIT)
            .bind(row.bytes)
            .bind(&row.hash.0[..])
            .bind(row.event_id)
            .bind(&row.event_hash.0[..])
            .bind(origin)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .expect("edit the entry");
        assert_eq!(changed.rows_affected(), 1);
        sqlx::query(&format!(
            "ALTER TABLE entries ENABLE TRIGGER {ENTRIES_TRIGGER}"
        ))
        .execute(&mut *tx)
        .await
        .expect("enable the trigger");
        tx.commit().await.expect("commit");
        conn.close().await.expect("close");
    }

    fn child_env(&self) -> Vec<(String, String)> {
        vec![
            (BACKEND_ENV.to_string(), "postgres".to_string()),
            (URL_ENV.to_string(), self.url.clone()),
        ]
    }
}

crate::backend_suite!(PgHarness::new().await);

/// The server runs with PostgreSQL's durable defaults: a commit is on disk when it returns.
#[tokio::test]
async fn pg_commits_are_durable() {
    let h = PgHarness::new().await;
    let backend = h.open().await;
    for (setting, expected) in [
        ("fsync", "on"),
        ("synchronous_commit", "on"),
        ("full_page_writes", "on"),
    ] {
        let value: String = sqlx::query_scalar("SELECT current_setting($1)")
            .bind(setting)
            .fetch_one(backend.pool())
            .await
            .expect("setting");
        assert_eq!(value, expected, "{setting}");
    }
}

/// The append-only tables refuse UPDATE and DELETE through the store's own connections too.
#[tokio::test]
async fn pg_triggers_refuse_edits_through_the_store_pool() {
    let h = PgHarness::new().await;
    let store = example_store(h.open().await).await;
    store
        .append(ORIGIN, payment("p", UNITS[0], 1))
        .await
        .expect("append");
    let pool = store.backend().pool();
    for statement in [
        "UPDATE entries SET bytes = '\\x00' WHERE seq = 3",
        "DELETE FROM entries WHERE seq = 16",
        "UPDATE tree_nodes SET hash = hash WHERE level = 0 AND idx = 0",
        "DELETE FROM tree_nodes",
        "UPDATE checkpoints SET note = ''",
        "DELETE FROM checkpoints",
    ] {
        let error = sqlx::query(statement)
            .execute(pool)
            .await
            .expect_err(statement);
        assert!(
            error.to_string().contains("append-only"),
            "{statement}: {error}"
        );
    }
    assert_eq!(store.size(ORIGIN).await.expect("size"), 17);
}

/// Several stores on one database — server processes sharing it — append to one ledger at once:
/// the ledger's head lock serialises their commits, a store that lost a race gets `Conflict`
/// (and reloads), its caller retries, and the log stays dense and verifiable.
///
/// Regression: a store reloading while another commits reads entries up to size n and must check
/// them against the checkpoint at n, not the other's newer one (that gave a false `Corrupt`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_stores_sharing_a_database_serialise_per_ledger() {
    let h = PgHarness::new().await;
    drop(example_store(h.open().await).await);
    let mut tasks = Vec::new();
    for server in 0..SERVERS {
        let store = reopened_store(h.open().await);
        for writer in 0..WRITERS_PER_SERVER {
            let store: Store<PostgresBackend> = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut conflicts = 0;
                let mut receipts = Vec::new();
                for i in 0..APPENDS_PER_WRITER {
                    let id = format!("s{server}-w{writer}-{i:03}");
                    loop {
                        match store.append(ORIGIN, payment(&id, UNITS[i % 2], 1)).await {
                            Ok(receipt) => {
                                receipts.push((id, receipt));
                                break;
                            }
                            Err(AppendError::Conflict { .. }) if conflicts < RETRIES_MAX => {
                                conflicts += 1;
                            }
                            Err(error) => panic!("{id}: {error}"),
                        }
                    }
                }
                (receipts, conflicts)
            }));
        }
    }
    let mut receipts = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (r, c) = task.await.expect("writer");
        receipts.extend(r);
        conflicts += c;
    }
    let appended = SERVERS * WRITERS_PER_SERVER * APPENDS_PER_WRITER;
    assert_eq!(receipts.len(), appended);
    let seqs: BTreeSet<u64> = receipts.iter().map(|(_, r)| r.seq).collect();
    assert_eq!(seqs.len(), appended, "one seq per append");

    let store = reopened_store(h.open().await);
    let size = store.size(ORIGIN).await.expect("size");
    assert_eq!(size, 16 + appended as u64, "no gaps, nothing twice");
    let log = fixtures::jsonl(&store, ORIGIN).await;
    verify_jsonl(&log).expect("the log verifies");
    for (id, receipt) in &receipts {
        let (seq, _) = store
            .entry_by_event(ORIGIN, id)
            .await
            .expect("read")
            .expect("appended");
        assert_eq!(seq, receipt.seq);
        fixtures::check_receipt(&store, ORIGIN, receipt).await;
    }
    let report = store.rebuild_projections(ORIGIN).await.expect("rebuild");
    assert!(report.matched, "the projections equal a replay");
    eprintln!(
        "{SERVERS} stores on one database: {appended} appends, {conflicts} conflicts retried"
    );
}
