//! The store's tests: one binary, the suite in `suite/` run against every backend.
//!
//! - `sqlite`: each test on a fresh database file in a temporary directory.
//! - `postgres`: each test on a fresh database in a throwaway cluster (`support/pg.rs`), started
//!   once per run from the machine's PostgreSQL binaries.
//!
//! `crash_writer_child` is the child process of the crash test: it does nothing unless the
//! parent set [`suite::crash::BACKEND_ENV`].

mod postgres;
mod sqlite;
mod suite;
mod support;

/// The crash test's child writer (see `suite::crash`): idle in a normal test run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_writer_child() {
    match std::env::var(suite::crash::BACKEND_ENV).as_deref() {
        Err(_) => {}
        Ok("sqlite") => suite::crash::writer(&sqlite::SqliteHarness::from_env()).await,
        Ok("postgres") => suite::crash::writer(&postgres::PgHarness::from_env()).await,
        Ok(other) => panic!("no crash writer for the backend `{other}`"),
    }
}
