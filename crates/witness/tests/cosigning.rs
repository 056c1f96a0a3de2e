//! The log asks for cosignatures: a ledger's store and two witnesses on 127.0.0.1; the
//! cosigning tasks of `gongzhang serve` bring each witness's cosignature onto the ledger's
//! checkpoints as entries are appended, resynchronise after a `409`, and a witness that is down
//! delays cosignatures, never appends.

use gongzhang_core::cosignature::{CosignerSigner, verify_cosignatures};
use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::witness::TrustedLogs;
use gongzhang_demo::{example, vectors};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::{Clock, Store, Submission};
use gongzhang_witness::client::{Outcome, WitnessEndpoint, agent, ask, cosign_forever};
use gongzhang_witness::{Witness, http};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn scripted_clock(times: Vec<RecordedAt>, after: RecordedAt) -> Clock {
    let times = Mutex::new(VecDeque::from(times));
    Arc::new(move || {
        times
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or(after)
    })
}

/// The example ledger in a fresh SQLite file.
async fn example_store(dir: &std::path::Path) -> Store<SqliteBackend> {
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

async fn pay(store: &Store<SqliteBackend>, i: u64) {
    let Value::Object(body) = json!({"unit": "1-1-101", "amount_fen": 100 + i, "channel": "cash"})
    else {
        unreachable!()
    };
    let event = Event::new(&format!("cosign-{i}"), "payment_received", body).expect("event");
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

fn witness_signer(n: u8) -> CosignerSigner {
    CosignerSigner::from_seed(&format!("witness{n}.example/w"), [n; 32]).expect("seed")
}

/// A witness for the example ledger on 127.0.0.1, its state in `dir`.
async fn witness(dir: &std::path::Path, n: u8) -> (WitnessEndpoint, tokio::task::JoinHandle<()>) {
    let mut logs = TrustedLogs::new();
    logs.add(example::ORIGIN, vectors::log_signer().verifier());
    let state = SqliteBackend::open(dir.join(format!("witness{n}.sqlite")))
        .await
        .expect("open");
    let witness = Witness::new(witness_signer(n), logs, state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let app = http::router(Arc::new(witness));
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    let endpoint = WitnessEndpoint {
        key: witness_signer(n).verifier(),
        url: format!("http://{addr}"),
    };
    (endpoint, task)
}

/// Waits (up to 30 s) until the latest checkpoint carries a cosignature by each of `witnesses`.
async fn cosigned_by(store: &Store<SqliteBackend>, witnesses: &[WitnessEndpoint]) -> u64 {
    let keys: Vec<_> = witnesses.iter().map(|w| w.key.clone()).collect();
    let started = Instant::now();
    loop {
        let size = store.size(example::ORIGIN).await.expect("size");
        let note = store
            .checkpoint(example::ORIGIN, Some(size))
            .await
            .expect("read")
            .expect("checkpoint");
        if let Ok(verified) = verify_cosignatures(&note, &keys) {
            if verified.len() == keys.len() {
                return size;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no cosignatures by {witnesses:?} after 30 s on {note}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_witnesses_cosign_as_entries_are_appended() {
    let dir = tempfile::tempdir().expect("dir");
    let store = example_store(dir.path()).await;
    let (street, _s) = witness(dir.path(), 1).await;
    let (committee, _c) = witness(dir.path(), 2).await;
    let both = [street.clone(), committee.clone()];
    for w in &both {
        tokio::spawn(cosign_forever(
            store.clone(),
            example::ORIGIN.to_owned(),
            w.clone(),
        ));
    }
    let first = cosigned_by(&store, &both).await;
    assert_eq!(first, example::entries().len() as u64);
    for i in 0..5 {
        pay(&store, i).await;
    }
    let later = cosigned_by(&store, &both).await;
    assert_eq!(later, first + 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_that_forgot_what_the_witness_saw_resyncs_on_409() {
    let dir = tempfile::tempdir().expect("dir");
    let store = example_store(dir.path()).await;
    let (street, _s) = witness(dir.path(), 1).await;
    let agent = agent();
    let size = store.size(example::ORIGIN).await.expect("size");
    assert_eq!(
        ask(&store, example::ORIGIN, &street, &agent, 0, size).await,
        Outcome::Cosigned(size)
    );
    pay(&store, 1).await;
    // A restarted server starts again from 0: the witness answers with what it has…
    assert_eq!(
        ask(&store, example::ORIGIN, &street, &agent, 0, size + 1).await,
        Outcome::Conflict(size)
    );
    // …and the proof from there is accepted.
    assert_eq!(
        ask(&store, example::ORIGIN, &street, &agent, size, size + 1).await,
        Outcome::Cosigned(size + 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_that_is_down_delays_cosignatures_never_appends() {
    let dir = tempfile::tempdir().expect("dir");
    let store = example_store(dir.path()).await;
    // A port nothing listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let down = WitnessEndpoint {
        key: witness_signer(3).verifier(),
        url,
    };
    let agent = agent();
    let size = store.size(example::ORIGIN).await.expect("size");
    assert!(matches!(
        ask(&store, example::ORIGIN, &down, &agent, 0, size).await,
        Outcome::Failed(_)
    ));
    tokio::spawn(cosign_forever(
        store.clone(),
        example::ORIGIN.to_owned(),
        down,
    ));
    let started = Instant::now();
    for i in 0..3 {
        pay(&store, i).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "appends did not wait"
    );
    assert_eq!(store.size(example::ORIGIN).await.expect("size"), size + 3);
}
