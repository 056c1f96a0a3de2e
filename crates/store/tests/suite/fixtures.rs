//! Ledgers, events and clocks the suite builds on.

use gongzhang_core::Hash;
use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::ledger::Ledger;
use gongzhang_demo::community::{self as demo, Demo};
use gongzhang_demo::{example, vectors};
use gongzhang_store::backend::{HouseholdRow, ProjectionRows};
use gongzhang_store::store::{Clock, ENTRIES_PER_READ_MAX};
use gongzhang_store::{Backend, Receipt, Store, Submission};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

/// The example ledger's origin.
pub const ORIGIN: &str = example::ORIGIN;
/// The units the example ledger registers.
pub const UNITS: [&str; 2] = ["1-1-101", "3-2-401"];
/// When the suite's payments are recorded: after the example ledger's last entry.
pub const PAYMENT_TIME: &str = "2026-02-10T08:00:00.000Z";

/// A clock that gives the scripted times in order, then `after` for ever.
pub fn scripted_clock(times: Vec<RecordedAt>, after: RecordedAt) -> Clock {
    let times = Mutex::new(VecDeque::from(times));
    Arc::new(move || {
        times
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or(after)
    })
}

/// A time from its log form.
pub fn at(text: &str) -> RecordedAt {
    RecordedAt::parse(text).unwrap_or_else(|| panic!("bad time {text}"))
}

/// The submission that re-seals `entry`: its event and signatures.
pub fn resubmission(entry: &Entry) -> Submission {
    Submission {
        event: entry.event().clone(),
        signatures: entry.signatures().to_vec(),
    }
}

/// A payment by an example unit, signed by the example treasurer.
pub fn payment(id: &str, unit: &str, amount_fen: i64) -> Submission {
    signed(
        id,
        "payment_received",
        json!({"unit": unit, "amount_fen": amount_fen, "channel": "cash"}),
    )
}

/// An example-ledger event signed by the treasurer.
pub fn signed(id: &str, kind: &str, body: Value) -> Submission {
    let Value::Object(body) = body else {
        panic!("event body must be an object")
    };
    let event = Event::new(id, kind, body).expect("valid event");
    let signature = event.sign(ORIGIN, &example::signer("treasurer"));
    Submission {
        event,
        signatures: vec![signature],
    }
}

/// A store over `backend` holding the whole example ledger (16 entries, appended as the genesis
/// and one batch), with a clock that then stays at [`PAYMENT_TIME`].
pub async fn example_store<B: Backend>(backend: B) -> Store<B> {
    let entries = example::entries();
    let times = entries[1..].iter().map(Entry::recorded_at).collect();
    let store = Store::new(backend).with_clock(scripted_clock(times, at(PAYMENT_TIME)));
    store
        .create_ledger(entries[0].clone(), vectors::log_signer())
        .await
        .expect("create the example ledger");
    let rest = entries[1..].iter().map(resubmission).collect();
    store
        .append_batch(ORIGIN, Some(1), rest)
        .await
        .expect("append the example ledger");
    store
}

/// A store over `backend` that knows the example ledger's log key (for a database that holds
/// it already).
pub fn reopened_store<B: Backend>(backend: B) -> Store<B> {
    let store = Store::new(backend).with_clock(scripted_clock(Vec::new(), at(PAYMENT_TIME)));
    store
        .add_log_key(ORIGIN, vectors::log_signer())
        .expect("the example log key");
    store
}

/// The whole log as published, read in pages.
pub async fn jsonl<B: Backend>(store: &Store<B>, origin: &str) -> Vec<u8> {
    let size = store.size(origin).await.expect("size");
    let mut out = Vec::new();
    let mut from = 0;
    while from < size {
        let to = size.min(from + ENTRIES_PER_READ_MAX);
        out.extend(store.jsonl(origin, from, to).await.expect("entries"));
        from = to;
    }
    out
}

/// The entry hashes of the whole log.
pub async fn leaves<B: Backend>(store: &Store<B>, origin: &str) -> Vec<Hash> {
    let log = jsonl(store, origin).await;
    gongzhang_core::log::split_lines(&log)
        .map(|line| Entry::parse(line).expect("stored entry").hash())
        .collect()
}

/// Checks that `receipt` names the stored entry and a stored, correctly signed checkpoint.
pub async fn check_receipt<B: Backend>(store: &Store<B>, origin: &str, receipt: &Receipt) {
    let note = store
        .checkpoint(origin, Some(receipt.checkpoint.size))
        .await
        .expect("read checkpoint")
        .expect("the receipt's checkpoint is stored");
    let opened =
        gongzhang_core::checkpoint::open(&note, origin, &vectors::log_signer().verifier(), None)
            .expect("the checkpoint is signed by the log key");
    assert_eq!(opened.tree_head(), receipt.checkpoint);
    let line = store
        .entries(origin, receipt.seq, receipt.seq + 1)
        .await
        .expect("entry");
    assert_eq!(
        Entry::parse(&line[0]).expect("entry").hash(),
        receipt.entry_hash
    );
}

/// The demo community, generated once per test binary.
pub fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| demo::community(1))
}

/// The projection rows a pure replay of `entries` gives: every fund, every household, every
/// posting, sorted as [`Backend::projections`] returns them.
pub fn replayed_rows(entries: &[Entry]) -> ProjectionRows {
    let mut ledger = Ledger::new();
    let mut postings = Vec::new();
    for entry in entries {
        let applied = ledger.apply(entry).expect("a valid ledger");
        for (index, p) in applied.postings.iter().enumerate() {
            postings.push((
                entry.seq(),
                u32::try_from(index).expect("few postings"),
                p.account.journal_name(),
                p.amount.get(),
            ));
        }
    }
    let funds = ledger
        .fund_balances()
        .into_iter()
        .map(|(fund, balance)| (fund.as_str().to_string(), balance.get()))
        .collect();
    let households = ledger
        .households()
        .iter()
        .map(|(unit, h)| HouseholdRow {
            unit: unit.as_str().to_string(),
            area_centi_m2: h.area_centi_m2,
            charged_fen: i64::try_from(h.charged_total()).expect("in range"),
            paid_fen: i64::try_from(h.paid_total()).expect("in range"),
            owed_fen: i64::try_from(h.position().max(0)).expect("in range"),
        })
        .collect();
    ProjectionRows {
        funds,
        households,
        postings,
    }
}
