//! The witness protocol (c2sp.org/tlog-witness) driven with raw HTTP requests against a witness
//! listening on 127.0.0.1: every status code the protocol gives, the cosignature a `200`
//! carries, durability across a restart, and the compare-and-swap under concurrent requests — on
//! SQLite and on PostgreSQL (a throwaway cluster).

#[path = "../../store/tests/support/pg.rs"]
mod pg;

use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::cosignature::{CosignerKey, CosignerSigner, verify_cosignatures};
use gongzhang_core::hash::{Hash, leaf_hash};
use gongzhang_core::merkle::{self, TreeHead};
use gongzhang_core::note::{self, SignerKey};
use gongzhang_core::witness::{AddCheckpoint, MAX_REQUEST_BYTES, TrustedLogs};
use gongzhang_store::postgres::PostgresBackend;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::witness::WitnessState;
use gongzhang_witness::{Witness, http};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const ORIGIN: &str = "gongzhang.example/hexie";
const NOW: u64 = 1_796_000_000;

fn log_key() -> SignerKey {
    SignerKey::from_seed(ORIGIN, [7; 32]).expect("seed")
}

fn witness_key() -> CosignerSigner {
    CosignerSigner::from_seed("jiedao.example/witness", [3; 32]).expect("seed")
}

fn logs() -> TrustedLogs {
    let mut logs = TrustedLogs::new();
    logs.add(ORIGIN, log_key().verifier());
    logs
}

fn leaves(n: u64) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

fn signed(leaves: &[Hash]) -> String {
    let cp = Checkpoint::new(ORIGIN, leaves.len() as u64, merkle::root(leaves)).expect("cp");
    checkpoint::sign(&cp, &log_key())
}

/// The body of a request for the first `size` leaves of `all`, with a proof from `old`.
fn body(all: &[Hash], old: u64, size: usize) -> String {
    let proof = if old == 0 {
        Vec::new()
    } else {
        merkle::consistency_proof(&all[..size], old).expect("proof")
    };
    AddCheckpoint::new(old, proof, signed(&all[..size])).to_body()
}

/// A witness on 127.0.0.1 over `state`: its address and the task serving it.
async fn serve<S: WitnessState>(state: S) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let witness = Witness::new(witness_key(), logs(), state).with_clock(Arc::new(|| NOW));
    let app = http::router(Arc::new(witness));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    (addr, task)
}

/// An answer: status, content type, body.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

/// Sends `method path` with `body` over a fresh connection, as bytes on the wire.
async fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    // A refused large body may be answered before it is all sent: ignore a broken pipe.
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8(raw).expect("utf8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
    let status = head[9..12].parse().expect("status");
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    Answer {
        status,
        content_type,
        body: body.to_owned(),
    }
}

async fn add(addr: SocketAddr, body: &str) -> Answer {
    request(addr, "POST", "/add-checkpoint", body.as_bytes()).await
}

/// Checks that `answer` is a 200 whose lines are the witness's cosignature of `leaves`' checkpoint.
fn assert_cosigned(answer: &Answer, leaves: &[Hash]) {
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    assert_eq!(answer.body.matches('\n').count(), 1, "one cosignature line");
    assert!(answer.body.starts_with("— jiedao.example/witness "));
    // As the protocol suggests, the log appends the lines to its note and opens it.
    let note = note::append_signatures(
        &signed(leaves),
        &[note::SignatureLine::parse(answer.body.trim_end_matches('\n')).expect("line")],
    )
    .expect("note");
    let verified = verify_cosignatures(&note, &[witness_key().verifier()]).expect("verifies");
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].timestamp(), NOW);
}

fn assert_conflict(answer: &Answer, latest: u64) {
    assert_eq!(answer.status, 409, "{}", answer.body);
    assert_eq!(answer.content_type, "text/x.tlog.size");
    assert_eq!(answer.body, format!("{latest}\n"));
}

/// Every status code of the protocol, in the order a log meets them.
async fn every_status<S: WitnessState + Clone>(state: S) {
    let (addr, _task) = serve(state.clone()).await;
    let all = leaves(40);

    // 200: the first checkpoint, from size 0 with an empty proof.
    assert_cosigned(&add(addr, &body(&all, 0, 10)).await, &all[..10]);
    // 200: an extension with its consistency proof.
    assert_cosigned(&add(addr, &body(&all, 10, 25)).await, &all[..25]);
    // 200: the same checkpoint again (a log that lost the answer).
    assert_cosigned(&add(addr, &body(&all, 25, 25)).await, &all[..25]);

    // 409 + size: the log thinks the witness is at 10 (or has seen nothing).
    assert_conflict(&add(addr, &body(&all, 10, 30)).await, 25);
    assert_conflict(&add(addr, &body(&all, 0, 30)).await, 25);

    // 400: old size above the checkpoint's.
    let answer = add(addr, &body(&all, 0, 20).replacen("old 0", "old 21", 1)).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(
        answer.body,
        "the old size 21 is larger than the checkpoint's size 20\n"
    );
    // 400: not a request.
    let answer = add(addr, "old 25\nnot base64!\n\n").await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.body.starts_with("consistency proof line 2:"),
        "{}",
        answer.body
    );
    let answer = add(addr, "hello").await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        "the request has no empty line before the checkpoint\n"
    );

    // 403: the origin is known but the key is not the log's.
    let impostor = SignerKey::from_seed(ORIGIN, [9; 32]).expect("seed");
    let cp = Checkpoint::new(ORIGIN, 30, merkle::root(&all[..30])).expect("cp");
    let forged = AddCheckpoint::new(25, vec![], checkpoint::sign(&cp, &impostor)).to_body();
    let answer = add(addr, &forged).await;
    assert_eq!(answer.status, 403, "{}", answer.body);

    // 404: an origin the witness does not know.
    let stranger = SignerKey::from_seed("other.example/log", [8; 32]).expect("seed");
    let cp = Checkpoint::new("other.example/log", 3, merkle::root(&all[..3])).expect("cp");
    let unknown = AddCheckpoint::new(0, vec![], checkpoint::sign(&cp, &stranger)).to_body();
    let answer = add(addr, &unknown).await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    assert_eq!(
        answer.body,
        "this witness does not know the log \"other.example/log\"\n"
    );

    // 422: a consistency proof that does not verify.
    let honest = AddCheckpoint::parse(body(&all, 25, 30).as_bytes()).expect("request");
    let mut proof = honest.proof().to_vec();
    proof[0] = leaf_hash(b"forged");
    let forged_proof = AddCheckpoint::new(25, proof, honest.note().to_owned());
    let answer = add(addr, &forged_proof.to_body()).await;
    assert_eq!(answer.status, 422, "{}", answer.body);

    // 409 (not cosigned): the witnessed size 25 with another root — a split view.
    let mut forked = all.clone();
    forked[4] = leaf_hash(b"rewritten");
    assert_conflict(&add(addr, &body(&forked, 25, 25)).await, 25);
    // 422: the rewritten log extended — no proof from the witnessed tree can exist.
    let answer = add(addr, &body(&forked, 25, 40)).await;
    assert_eq!(answer.status, 422, "{}", answer.body);

    // Both contradictions were kept as evidence, with the checkpoint they contradict.
    let refusals = state
        .witness_refusals(Some(ORIGIN), 10)
        .await
        .expect("refusals");
    let codes: Vec<&str> = refusals.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["bad_proof", "root_mismatch", "bad_proof"]);
    assert_eq!(
        refusals[1].witnessed.as_deref(),
        Some(signed(&all[..25]).as_str())
    );
    assert_eq!(refusals[1].request, body(&forked, 25, 25));
    assert_eq!(refusals[1].status, 409);

    // 413: a body larger than any request can be.
    let huge = vec![b'a'; MAX_REQUEST_BYTES + 1];
    let answer = request_large(addr, &huge).await;
    assert_eq!(answer, 413);
    // Other methods and paths.
    assert_eq!(
        request(addr, "GET", "/add-checkpoint", b"").await.status,
        405
    );
    assert_eq!(
        request(addr, "POST", "/add-checkpoint/x", b"").await.status,
        404
    );

    // Through all of it, the witness stayed at 25 and still extends it.
    let head = state
        .witness_head(ORIGIN)
        .await
        .expect("read")
        .expect("head");
    assert_eq!(
        head.head,
        TreeHead {
            size: 25,
            root: merkle::root(&all[..25])
        }
    );
    assert_eq!(head.cosigned_at, NOW);
    assert_cosigned(&add(addr, &body(&all, 25, 40)).await, &all);
}

async fn request_large(addr: SocketAddr, body: &[u8]) -> u16 {
    request(addr, "POST", "/add-checkpoint", body).await.status
}

#[tokio::test]
async fn every_status_code_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    let state = SqliteBackend::open(dir.path().join("witness.sqlite"))
        .await
        .expect("open");
    every_status(state).await;
}

#[tokio::test]
async fn every_status_code_on_postgres() {
    let url = pg::fresh_database().await;
    let state = PostgresBackend::connect(&url).await.expect("connect");
    every_status(state).await;
}

#[tokio::test]
async fn a_restarted_witness_never_cosigns_a_smaller_tree() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("witness.sqlite");
    let all = leaves(30);
    {
        let (addr, task) = serve(SqliteBackend::open(&path).await.expect("open")).await;
        assert_cosigned(&add(addr, &body(&all, 0, 20)).await, &all[..20]);
        task.abort();
    }
    let (addr, _task) = serve(SqliteBackend::open(&path).await.expect("reopen")).await;
    // A log replaying an old checkpoint from size 0 is told the size the witness kept.
    assert_conflict(&add(addr, &body(&all, 0, 10)).await, 20);
    // The same request again (a restored server asking every few seconds) is one alert.
    assert_conflict(&add(addr, &body(&all, 0, 10)).await, 20);
    assert_conflict(&add(addr, &body(&all, 0, 20)).await, 20);
    assert_cosigned(&add(addr, &body(&all, 20, 30)).await, &all);
    // The log signing a tree smaller than one cosigned (a database restored from an older copy)
    // is kept for the console; the same size asked again from 0 is not.
    let state = SqliteBackend::open(&path).await.expect("open");
    let refusals = state.witness_refusals(None, 10).await.expect("read");
    let codes: Vec<(&str, u16)> = refusals
        .iter()
        .map(|r| (r.code.as_str(), r.status))
        .collect();
    assert_eq!(codes, [("smaller_than_cosigned", 409)]);
    assert_eq!(refusals[0].request, body(&all, 0, 10));
}

/// Requests checked against one tree, all at once: only one moves it; every other one is told
/// the size it moved to, and nothing is ever rolled back.
async fn concurrent<S: WitnessState + Clone>(state: S) {
    let (addr, _task) = serve(state.clone()).await;
    let all = leaves(1000);
    assert_cosigned(&add(addr, &body(&all, 0, 50)).await, &all[..50]);
    let mut at = 50u64;
    for round in 0..5 {
        let sizes: Vec<usize> = (1..=16).map(|i| at as usize + i * (round + 1)).collect();
        let answers = futures_join(sizes.iter().map(|&size| {
            let body = body(&all, at, size);
            async move { (size, add(addr, &body).await) }
        }))
        .await;
        let winners: Vec<usize> = answers
            .iter()
            .filter(|(_, a)| a.status == 200)
            .map(|(s, _)| *s)
            .collect();
        assert_eq!(
            winners.len(),
            1,
            "exactly one of {sizes:?} moves the tree: {winners:?}"
        );
        let winner = winners[0];
        for (size, answer) in &answers {
            if *size != winner {
                assert_conflict(answer, winner as u64);
            }
        }
        let head = state
            .witness_head(ORIGIN)
            .await
            .expect("read")
            .expect("head");
        assert_eq!(head.head.size, winner as u64);
        at = winner as u64;
    }
}

async fn futures_join<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let tasks: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_never_roll_back_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    concurrent(
        SqliteBackend::open(dir.path().join("witness.sqlite"))
            .await
            .expect("open"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_never_roll_back_on_postgres() {
    let url = pg::fresh_database().await;
    concurrent(PostgresBackend::connect(&url).await.expect("connect")).await;
}

#[test]
fn the_witness_key_line_is_type_0x04() {
    let line = witness_key().verifier().to_string();
    let key = CosignerKey::parse(&line).expect("parses back");
    assert_eq!(key.name(), "jiedao.example/witness");
    assert!(
        gongzhang_core::note::VerifierKey::parse(&line).is_err(),
        "not a 0x01 log key"
    );
}
