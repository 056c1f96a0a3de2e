//! What the witness's tests against a real ledger share: the spec's example ledger in a SQLite
//! store, payments appended to it, and applications served on 127.0.0.1.

#![allow(dead_code)] // Each test binary that includes this uses part of it.

use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_demo::{example, vectors};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::{Clock, Store, Submission};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A clock that gives `times` in order, then `after`.
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

/// The example ledger in a fresh SQLite file in `dir`; later entries are recorded on
/// 2026-02-10.
pub async fn example_store(dir: &Path) -> Store<SqliteBackend> {
    let entries = example::entries();
    let after = RecordedAt::parse("2026-02-10T08:00:00.000Z").expect("time");
    let times = entries[1..].iter().map(Entry::recorded_at).collect();
    let backend = SqliteBackend::open(dir.join("ledger.sqlite"))
        .await
        .expect("open");
    let store = Store::new(backend).with_clock(scripted_clock(times, after));
    store
        .create_ledger(entries[0].clone(), vectors::log_signer())
        .await
        .expect("genesis");
    store
        .append_batch(
            example::ORIGIN,
            None,
            entries[1..]
                .iter()
                .map(|e| Submission {
                    event: e.event().clone(),
                    signatures: e.signatures().to_vec(),
                })
                .collect(),
        )
        .await
        .expect("example");
    store
}

/// Appends a cash payment of `100 + i` fen by unit 1-1-101, event id `{prefix}-{i}`, signed by
/// the example's treasurer.
pub async fn pay(store: &Store<SqliteBackend>, prefix: &str, i: u64) {
    let Value::Object(body) = json!({"unit": "1-1-101", "amount_fen": 100 + i, "channel": "cash"})
    else {
        unreachable!()
    };
    let event = Event::new(&format!("{prefix}-{i}"), "payment_received", body).expect("event");
    let signature = event.sign(example::ORIGIN, &example::signer("treasurer"));
    store
        .append(
            example::ORIGIN,
            Submission {
                event,
                signatures: vec![signature],
            },
        )
        .await
        .expect("append");
}

/// Serves `app` on a free port of 127.0.0.1 for as long as the test runs: its address.
pub async fn listen(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    addr
}
