//! The store's test suite, written once for every backend.
//!
//! A backend takes part by implementing [`Harness`] (one value per test: one fresh database,
//! opened as often as the test needs) and invoking [`backend_suite!`] inside its own module:
//!
//! ```text
//! mod sqlite {
//!     use super::*;
//!     crate::backend_suite!(SqliteHarness::new().await);
//! }
//! ```
//!
//! which makes one `#[tokio::test]` per suite function. The crash test runs this test binary
//! again as a child process (the test `crash_writer_child` in `tests/store.rs`, which picks the
//! backend from [`crash::BACKEND_ENV`] and opens the database [`Harness::child_env`] describes).

#![allow(dead_code)]

pub mod append;
pub mod crash;
pub mod demo;
pub mod fixtures;
pub mod import;
pub mod mirror;
pub mod proofs;
pub mod tamper;

use gongzhang_store::Backend;
use gongzhang_store::backend::StoredEntry;
use std::future::Future;

/// One test's database, for one backend.
pub trait Harness: Send + Sync + Sized + 'static {
    /// The backend under test.
    type Backend: Backend;

    /// Opens this test's database (again), with new connections: what a restarted server sees.
    fn open(&self) -> impl Future<Output = Self::Backend> + Send;

    /// Overwrites the stored row of entry `row.seq` of ledger `origin` (bytes, hash, event id
    /// and event hash) behind the store's back, getting past the append-only guards (triggers)
    /// the way an intruder with the database's files or credentials could.
    fn tamper_entry(&self, origin: &str, row: StoredEntry) -> impl Future<Output = ()> + Send;

    /// Environment variables that let a child process open this same database: the child runs
    /// `crash_writer_child`, which reads [`crash::BACKEND_ENV`] and these.
    fn child_env(&self) -> Vec<(String, String)>;
}

/// One `#[tokio::test]` per suite function, each with a fresh harness made by `$harness` (an
/// expression, evaluated inside the async test, so it may `.await`).
#[macro_export]
macro_rules! backend_suite {
    ($harness:expr) => {
        $crate::backend_suite!(@tests $harness;
            demo::demo_community_loads_and_projections_equal_the_replay,
            append::idempotent_resubmission_returns_the_original_receipt,
            append::same_event_twice_in_one_batch_is_appended_once,
            append::conflicting_event_id_is_refused,
            append::stale_expected_size_is_a_conflict,
            append::rule_violation_refuses_the_whole_batch_and_writes_nothing,
            append::bad_signature_is_refused_before_sealing,
            append::batch_limits_are_enforced,
            append::concurrent_writers_get_dense_seqs_and_a_verifiable_log,
            append::times_never_go_backwards,
            append::genesis_is_checked_and_idempotent,
            append::log_key_must_match_the_genesis,
            append::attachments_are_content_addressed_and_bounded,
            append::uploads_are_counted_and_collected_unless_an_entry_names_them,
            append::the_upload_quota_refuses_what_would_pass_it,
            append::two_stores_on_one_database_conflict_then_reload,
            proofs::proofs_from_stored_nodes_equal_proofs_from_leaves,
            proofs::tlog_proofs_verify_against_signed_checkpoints,
            proofs::cosignatures_are_verified_then_published,
            proofs::receipts_use_the_latest_cosigned_checkpoint_that_covers_the_entry,
            mirror::a_mirror_follows_the_log_and_refuses_what_does_not_check,
            tamper::edited_entry_is_reported_on_load,
            import::a_published_log_is_imported_whole,
            import::a_tampered_log_is_refused_and_nothing_is_written,
            import::an_existing_ledger_is_refused,
            import::an_interrupted_import_leaves_nothing_and_can_be_run_again,
            crash::acknowledged_entries_survive_sigkill,
        );
    };
    (@tests $harness:expr; $($module:ident :: $test:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let harness = $harness;
                $crate::suite::$module::$test(&harness).await;
            }
        )+
    };
}
