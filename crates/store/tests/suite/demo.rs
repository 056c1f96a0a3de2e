//! The demo community (about 11,000 entries) through the store.

use super::Harness;
use super::fixtures::{self, demo, resubmission, scripted_clock};
use gongzhang_core::checkpoint;
use gongzhang_core::entry::Entry;
use gongzhang_core::log::verify_jsonl;
use gongzhang_core::merkle;
use gongzhang_store::Store;
use gongzhang_store::store::SUBMISSIONS_PER_BATCH_MAX;
use std::time::Instant;

/// The demo's events, re-submitted in full batches with a clock that gives each entry the
/// demo's time, make exactly the demo's log (byte for byte); the projections the appends
/// maintained equal a pure replay's, the in-memory ledger equals the demo's, the rebuild
/// agrees, and a reopened store loads and verifies the whole ledger.
pub async fn demo_community_loads_and_projections_equal_the_replay<H: Harness>(h: &H) {
    let demo = demo();
    let entries = &demo.entries;
    let times = entries[1..].iter().map(Entry::recorded_at).collect();
    let last = entries[entries.len() - 1].recorded_at();
    let store = Store::new(h.open().await).with_clock(scripted_clock(times, last));
    let started = Instant::now();
    store
        .create_ledger(entries[0].clone(), demo.log_signer.clone())
        .await
        .expect("create the demo ledger");
    let mut expected = 1u64;
    for chunk in entries[1..].chunks(SUBMISSIONS_PER_BATCH_MAX) {
        let receipts = store
            .append_batch(
                &demo.origin,
                Some(expected),
                chunk.iter().map(resubmission).collect(),
            )
            .await
            .unwrap_or_else(|e| panic!("append the demo at {expected}: {e}"));
        for (receipt, entry) in receipts.iter().zip(chunk) {
            assert_eq!(receipt.seq, entry.seq());
            assert_eq!(receipt.entry_hash, entry.hash());
        }
        expected += chunk.len() as u64;
    }
    eprintln!(
        "demo: {} entries appended in {:.2?}",
        entries.len(),
        started.elapsed()
    );

    let log = fixtures::jsonl(&store, &demo.origin).await;
    assert!(
        log == demo.jsonl(),
        "the stored log is the demo's, byte for byte"
    );
    let verified = verify_jsonl(&log).expect("the stored log verifies");
    let latest = store
        .checkpoint(&demo.origin, None)
        .await
        .expect("checkpoint")
        .expect("a checkpoint");
    let opened = checkpoint::open(&latest, &demo.origin, &demo.log_signer.verifier(), None)
        .expect("signed by the log key");
    verified
        .check_tree_head(&opened.tree_head())
        .expect("the checkpoint covers the log");
    let leaves: Vec<_> = entries.iter().map(Entry::hash).collect();
    assert_eq!(opened.tree_head().root, merkle::root(&leaves));

    let replayed = fixtures::replayed_rows(entries);
    let stored = store.projections(&demo.origin).await.expect("projections");
    assert_eq!(stored.funds, replayed.funds, "fund balances");
    assert_eq!(stored.households, replayed.households, "households");
    assert_eq!(stored.postings.len(), replayed.postings.len(), "postings");
    assert!(
        stored == replayed,
        "the projections equal the pure replay's"
    );

    let in_memory = store
        .read_ledger(&demo.origin, Clone::clone)
        .await
        .expect("ledger");
    assert!(in_memory == demo.ledger, "the store's ledger is the demo's");
    let report = store
        .rebuild_projections(&demo.origin)
        .await
        .expect("rebuild");
    assert!(report.matched, "the rebuild agrees with the appends");
    assert_eq!(report.entries, entries.len() as u64);
    drop(store);

    // A restarted server loads (and verifies) the ledger from the database alone.
    let started = Instant::now();
    let reopened = Store::new(h.open().await);
    let balances = reopened
        .fund_balances(&demo.origin)
        .await
        .expect("load the demo ledger");
    assert_eq!(balances, demo.ledger.fund_balances());
    eprintln!("demo: reloaded and verified in {:.2?}", started.elapsed());
}
