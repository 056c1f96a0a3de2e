//! End to end: the `gongzhang` binary as a community runs it, on SQLite and on PostgreSQL
//! (a throwaway cluster started from the server binaries), checked by `gongzhang-verify`.

mod board;
mod community;
mod demo;
#[path = "../../crates/store/tests/support/pg.rs"]
mod pg;
mod restore;
mod support;
mod webdriver;
mod witness;

#[test]
fn a_community_month_on_sqlite_exports_a_bundle_that_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    community::first_month(dir.path(), "gongzhang.sqlite");
}

#[test]
fn a_community_month_on_postgres_exports_a_bundle_that_verifies() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // The cluster lives as long as this test process; its watchdog removes it afterwards.
    let url = runtime.block_on(pg::fresh_database());
    let dir = tempfile::tempdir().expect("temp dir");
    community::first_month(dir.path(), &url);
}

#[test]
fn a_lost_sqlite_server_is_restored_from_a_residents_download() {
    let dir = tempfile::tempdir().expect("temp dir");
    restore::on_sqlite(dir.path());
}

#[test]
fn a_lost_postgres_server_is_restored_from_a_bundle_then_a_download() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // The cluster lives as long as this test process; its watchdog removes it afterwards.
    let url = runtime.block_on(pg::fresh_database());
    let admin = runtime.block_on(pg::shared()).url("postgres");
    let dir = tempfile::tempdir().expect("temp dir");
    restore::on_postgres(dir.path(), &url, &admin);
}

#[test]
fn two_witnesses_cosign_and_the_verifier_counts_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    witness::two_witnesses_cosign(dir.path());
}

#[test]
fn a_forged_entry_gets_no_cosignature_from_the_verifying_witness() {
    let dir = tempfile::tempdir().expect("temp dir");
    witness::a_forged_entry_gets_no_cosignature_from_the_verifying_witness(dir.path());
}
