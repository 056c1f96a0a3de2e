//! The suite on SQLite, and what only SQLite has: the file's pragmas and its triggers.

use crate::suite::Harness;
use crate::suite::crash::BACKEND_ENV;
use crate::suite::fixtures::{ORIGIN, UNITS, example_store, payment};
use gongzhang_store::backend::StoredEntry;
use gongzhang_store::sqlite::SqliteBackend;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::path::PathBuf;

/// Where a child writer finds the database file.
const PATH_ENV: &str = "GONGZHANG_STORE_SQLITE_PATH";

/// A database file in its own temporary directory (removed with the harness).
pub struct SqliteHarness {
    _dir: Option<tempfile::TempDir>,
    path: PathBuf,
}

impl SqliteHarness {
    /// A fresh, empty database.
    pub fn new() -> SqliteHarness {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("ledgers.sqlite");
        SqliteHarness {
            _dir: Some(dir),
            path,
        }
    }

    /// The database the parent of a crash test named.
    pub fn from_env() -> SqliteHarness {
        let path = std::env::var_os(PATH_ENV).expect("the database path");
        SqliteHarness {
            _dir: None,
            path: PathBuf::from(path),
        }
    }

    async fn raw(&self) -> SqliteConnection {
        SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&self.path))
            .await
            .expect("a raw connection")
    }
}

impl Harness for SqliteHarness {
    type Backend = SqliteBackend;

    async fn open(&self) -> SqliteBackend {
        SqliteBackend::open(&self.path)
            .await
            .expect("open the database")
    }

    async fn tamper_entry(&self, origin: &str, row: StoredEntry) {
        let mut conn = self.raw().await;
        let trigger: String =
            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'entries_no_update'")
                .fetch_one(&mut conn)
                .await
                .expect("the trigger");
        sqlx::query("DROP TRIGGER entries_no_update")
            .execute(&mut conn)
            .await
            .expect("drop the trigger");
        let changed = sqlx::query(
            "UPDATE entries SET bytes = ?, hash = ?, event_id = ?, event_hash = ? \
             WHERE ledger_id = (SELECT id FROM ledgers WHERE origin = ?) AND seq = ?",
        )
        .bind(row.bytes)
        .bind(&row.hash.0[..])
        .bind(row.event_id)
        .bind(&row.event_hash.0[..])
        .bind(origin)
        .bind(i64::try_from(row.seq).expect("small"))
        .execute(&mut conn)
        .await
        .expect("edit the entry");
        assert_eq!(changed.rows_affected(), 1);
        sqlx::query(&trigger)
            .execute(&mut conn)
            .await
            .expect("recreate the trigger");
        conn.close().await.expect("close");
    }

    fn child_env(&self) -> Vec<(String, String)> {
        vec![
            (BACKEND_ENV.to_string(), "sqlite".to_string()),
            (PATH_ENV.to_string(), self.path.display().to_string()),
        ]
    }
}

crate::backend_suite!(SqliteHarness::new());

/// The database runs in WAL mode with full synchronous commits and foreign keys on.
#[tokio::test]
async fn pragmas_make_commits_durable() {
    let h = SqliteHarness::new();
    let backend = h.open().await;
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(backend.pool())
        .await
        .expect("pragma");
    assert_eq!(journal, "wal");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(backend.pool())
        .await
        .expect("pragma");
    assert_eq!(synchronous, 2, "FULL");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(backend.pool())
        .await
        .expect("pragma");
    assert_eq!(foreign_keys, 1);
}

/// The append-only tables refuse UPDATE and DELETE, even through the store's own connections.
#[tokio::test]
async fn triggers_refuse_edits_and_deletes() {
    let h = SqliteHarness::new();
    let store = example_store(h.open().await).await;
    store
        .append(ORIGIN, payment("p", UNITS[0], 1))
        .await
        .expect("append");
    let pool = store.backend().pool();
    for statement in [
        "UPDATE entries SET bytes = x'00' WHERE seq = 3",
        "DELETE FROM entries WHERE seq = 16",
        "UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 0",
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

/// The in-memory database serves unit tests.
#[tokio::test]
async fn in_memory_database_works() {
    let store = example_store(SqliteBackend::open_in_memory().await.expect("open")).await;
    let receipt = store
        .append(ORIGIN, payment("p", UNITS[0], 1))
        .await
        .expect("append");
    assert_eq!(receipt.seq, 16);
}

/// After `close`, the database file alone — without its WAL — holds everything committed, even
/// while another connection (here a raw one; in `gongzhang demo`, one that sqlx's `Pool::close`
/// had not finished closing) keeps the WAL from being checkpointed at the last close. Guards
/// the demo's build-then-rename, which once lost the documents stored last.
#[tokio::test]
async fn a_closed_database_file_is_whole_without_its_wal() {
    let h = SqliteHarness::new();
    let store = example_store(h.open().await).await;
    let mut straggler = h.raw().await;
    let ledgers: i64 = sqlx::query_scalar("SELECT count(*) FROM ledgers")
        .fetch_one(&mut straggler)
        .await
        .expect("a read opens the WAL");
    assert_eq!(ledgers, 1);
    store
        .append(ORIGIN, payment("last", UNITS[0], 1))
        .await
        .expect("append");
    let document = store
        .put_attachment("text/plain; charset=utf-8", "会议纪要".as_bytes().to_vec())
        .await
        .expect("attachment");
    store.backend().close().await;
    let copy = h.path.with_file_name("copy.sqlite");
    std::fs::copy(&h.path, &copy).expect("copy the database file alone");
    straggler.close().await.expect("close");
    let reopened = crate::suite::fixtures::reopened_store(
        SqliteBackend::open(&copy).await.expect("open the copy"),
    );
    assert_eq!(reopened.size(ORIGIN).await.expect("size"), 17);
    assert!(
        reopened
            .attachment(&document)
            .await
            .expect("read")
            .is_some(),
        "the attachment stored last is in the file"
    );
    reopened
        .fund_balances(ORIGIN)
        .await
        .expect("loads and verifies");
}
