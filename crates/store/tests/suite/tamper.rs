//! Rows changed behind the store's back are found when the ledger is loaded.

use super::Harness;
use super::fixtures::{ORIGIN, UNITS, example_store, payment, reopened_store};
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::sha256;
use gongzhang_store::backend::StoredEntry;
use gongzhang_store::{AppendError, StoreError};

/// An entry whose amount is edited in the database — with its indexed columns left alone, or
/// all recomputed to match — is reported as corrupt at that entry when a restarted store loads the
/// ledger, for reads and appends alike; with the original bytes put back, it loads again.
pub async fn edited_entry_is_reported_on_load<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let receipts = store
        .append_batch(
            ORIGIN,
            None,
            vec![
                payment("t-1", UNITS[0], 4_262),
                payment("t-2", UNITS[1], 5_125),
                payment("t-3", UNITS[0], 1),
            ],
        )
        .await
        .expect("append");
    let target = receipts[1].seq;
    let original = store
        .entries(ORIGIN, target, target + 1)
        .await
        .expect("read")
        .remove(0);
    drop(store);
    let text = String::from_utf8(original.clone()).expect("utf-8");
    assert!(text.contains("\"amount_fen\":5125"));
    let edited = text
        .replacen("\"amount_fen\":5125", "\"amount_fen\":51250", 1)
        .into_bytes();

    let original_row = row_of(target, &original);
    let edited_row = row_of(target, &edited);

    // The bytes changed, the indexed columns kept: the stored hash no longer matches.
    h.tamper_entry(
        ORIGIN,
        StoredEntry {
            bytes: edited.clone(),
            ..original_row.clone()
        },
    )
    .await;
    let store = reopened_store(h.open().await);
    let error = store.fund_balances(ORIGIN).await.expect_err("tampered");
    assert!(
        matches!(&error, StoreError::Corrupt { seq, reason } if *seq == target && reason.contains("hash")),
        "{error:?}"
    );
    let error = store
        .append(ORIGIN, payment("t-4", UNITS[0], 1))
        .await
        .expect_err("appends refuse a corrupt ledger");
    assert!(
        matches!(&error, AppendError::Store(e) if matches!(**e, StoreError::Corrupt { seq, .. } if seq == target)),
        "{error:?}"
    );
    drop(store);

    // Every column made consistent with the edited bytes: the treasurer's signature no longer
    // verifies (and the next entry's `prev_hash` no longer matches; the earlier error is named).
    h.tamper_entry(ORIGIN, edited_row).await;
    let store = reopened_store(h.open().await);
    let error = store.fund_balances(ORIGIN).await.expect_err("tampered");
    assert!(
        matches!(&error, StoreError::Corrupt { seq, reason } if *seq == target && reason.contains("signature")),
        "{error:?}"
    );
    drop(store);

    h.tamper_entry(ORIGIN, original_row).await;
    let store = reopened_store(h.open().await);
    store.fund_balances(ORIGIN).await.expect("loads again");
    store
        .append(ORIGIN, payment("t-4", UNITS[0], 1))
        .await
        .expect("appends again");
}

/// The row the store would write for these entry bytes.
fn row_of(seq: u64, bytes: &[u8]) -> StoredEntry {
    let entry = Entry::parse(bytes).expect("a well-formed entry");
    StoredEntry {
        seq,
        hash: entry.hash(),
        event_id: entry.event().id().to_string(),
        event_hash: sha256(entry.event().canonical_bytes()),
        bytes: bytes.to_vec(),
    }
}
