//! The log asks for cosignatures: a ledger's store and two witnesses on 127.0.0.1; the
//! cosigning tasks of `gongzhang serve` bring each witness's cosignature onto the ledger's
//! checkpoints as entries are appended, resynchronise after a `409`, and a witness that is down
//! delays cosignatures, never appends.

mod support;

use gongzhang_core::cosignature::{CosignerSigner, verify_cosignatures};
use gongzhang_core::witness::TrustedLogs;
use gongzhang_demo::{example, vectors};
use gongzhang_store::Store;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_witness::client::{Outcome, WitnessEndpoint, agent, ask, cosign_forever};
use gongzhang_witness::{Witness, http};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{example_store, listen, pay};

fn witness_signer(n: u8) -> CosignerSigner {
    CosignerSigner::from_seed(&format!("witness{n}.example/w"), [n; 32]).expect("seed")
}

/// A witness for the example ledger on 127.0.0.1, its state in `dir`.
async fn witness(dir: &std::path::Path, n: u8) -> WitnessEndpoint {
    let mut logs = TrustedLogs::new();
    logs.add(example::ORIGIN, vectors::log_signer().verifier());
    let state = SqliteBackend::open(dir.join(format!("witness{n}.sqlite")))
        .await
        .expect("open");
    let witness = Witness::new(witness_signer(n), logs, state);
    let addr = listen(http::router(Arc::new(witness))).await;
    WitnessEndpoint {
        key: witness_signer(n).verifier(),
        url: format!("http://{addr}"),
    }
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
    let street = witness(dir.path(), 1).await;
    let committee = witness(dir.path(), 2).await;
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
        pay(&store, "cosign", i).await;
    }
    let later = cosigned_by(&store, &both).await;
    assert_eq!(later, first + 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_that_forgot_what_the_witness_saw_resyncs_on_409() {
    let dir = tempfile::tempdir().expect("dir");
    let store = example_store(dir.path()).await;
    let street = witness(dir.path(), 1).await;
    let agent = agent();
    let size = store.size(example::ORIGIN).await.expect("size");
    assert_eq!(
        ask(&store, example::ORIGIN, &street, &agent, 0, size).await,
        Outcome::Cosigned(size)
    );
    pay(&store, "cosign", 1).await;
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
        pay(&store, "cosign", i).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "appends did not wait"
    );
    assert_eq!(store.size(example::ORIGIN).await.expect("size"), size + 3);
}
