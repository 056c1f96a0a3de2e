//! The verifying witness: before it cosigns a Gongzhang ledger's larger tree it fetches the new
//! entries from the ledger's API, checks them with the rule book from the state it kept, keeps
//! them (the street office's copy of the books), and refuses — recording the entry and the check
//! — a log whose published entries are not what its checkpoint commits to.

mod support;

use gongzhang_core::cosignature::CosignerSigner;
use gongzhang_core::witness::TrustedLogs;
use gongzhang_demo::{example, vectors};
use gongzhang_server::{AppState, BoardOptions, ledger_segment};
use gongzhang_store::Store;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::witness::WitnessState;
use gongzhang_witness::client::{Outcome, WitnessEndpoint, agent, ask};
use gongzhang_witness::verify::{LedgerMirror, LedgerSource};
use gongzhang_witness::{Witness, http};
use std::path::Path;
use std::sync::Arc;
use support::{example_store, listen, pay};

fn signer() -> CosignerSigner {
    CosignerSigner::from_seed("jiedao.example/witness", [4; 32]).expect("seed")
}

/// A verifying witness for the example ledger published at `url`, its state in `file`.
async fn verifying_witness(
    dir: &Path,
    file: &str,
    url: String,
) -> (WitnessEndpoint, SqliteBackend) {
    let state = SqliteBackend::open(dir.join(file)).await.expect("open");
    let log_key = vectors::log_signer().verifier();
    let mut logs = TrustedLogs::new();
    logs.add(example::ORIGIN, log_key.clone());
    let mirror = LedgerMirror::new(
        Store::new(state.clone()),
        vec![LedgerSource { log_key, url }],
    );
    let witness = Witness::new(signer(), logs, state.clone()).with_verifier(Arc::new(mirror));
    let addr = listen(http::router(Arc::new(witness))).await;
    (
        WitnessEndpoint {
            key: signer().verifier(),
            url: format!("http://{addr}"),
        },
        state,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_witness_checks_and_keeps_the_entries_before_it_cosigns() {
    let dir = tempfile::tempdir().expect("dir");
    let source = example_store(dir.path()).await;
    let server = listen(gongzhang_server::router(AppState {
        store: source.clone(),
        witnesses: vec![signer().verifier()],
        board: BoardOptions::default(),
    }))
    .await;
    let (witness, state) =
        verifying_witness(dir.path(), "witness.sqlite", format!("http://{server}")).await;
    let agent = agent();
    let size = source.size(example::ORIGIN).await.expect("size");
    assert_eq!(
        ask(&source, example::ORIGIN, &witness, &agent, 0, size).await,
        Outcome::Cosigned(size)
    );
    // The witness's mirror holds the books.
    let mirror = Store::new(state.clone());
    assert_eq!(mirror.size(example::ORIGIN).await.expect("mirror"), size);
    for i in 0..3 {
        pay(&source, "verify", i).await;
    }
    assert_eq!(
        ask(&source, example::ORIGIN, &witness, &agent, size, size + 3).await,
        Outcome::Cosigned(size + 3)
    );
    let mirror = Store::new(state.clone());
    assert_eq!(
        mirror.size(example::ORIGIN).await.expect("mirror"),
        size + 3
    );
    assert_eq!(
        mirror.fund_balances(example::ORIGIN).await.expect("mirror"),
        source.fund_balances(example::ORIGIN).await.expect("source")
    );
    assert!(
        state
            .witness_refusals(None, 10)
            .await
            .expect("read")
            .is_empty()
    );

    // The street office's console shows the community's figures from the copy, equal to the
    // source's.
    let expected = source
        .read_ledger(
            example::ORIGIN,
            gongzhang_witness::verify::LedgerSummary::of,
        )
        .await
        .expect("source");
    let url = format!("{}/", witness.url);
    let html = tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .expect("console")
            .into_body()
            .read_to_string()
            .expect("html")
    })
    .await
    .expect("fetch");
    let row = html
        .split("<tr ")
        .find(|r| r.contains("data-books-size"))
        .expect("a books row");
    assert!(
        row.contains(&format!(
            r#"data-books-size="{}" data-funds-fen="{}" data-in-arrears="{}" data-arrears-fen="{}" data-pending="{}""#,
            size + 3,
            expected.funds_fen,
            expected.in_arrears,
            expected.arrears_fen,
            expected.pending_approvals
        )),
        "{row}"
    );
    assert!(row.contains(&expected.community), "{row}");
    let url = format!("{}/overview.csv", witness.url);
    let csv = tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .expect("csv")
            .into_body()
            .read_to_string()
            .expect("text")
    })
    .await
    .expect("fetch");
    let line = csv
        .lines()
        .find(|l| l.starts_with(example::ORIGIN))
        .expect("the ledger's line");
    let suffix = format!(
        ",{},{},{},{},{},{}",
        expected.community,
        gongzhang_core::ledger::types::yuan_plain(expected.funds_fen),
        expected.in_arrears,
        gongzhang_core::ledger::types::yuan_plain(expected.arrears_fen),
        expected
            .last_closed
            .map_or("尚未结账".to_owned(), |p| p.to_string()),
        expected.pending_approvals
    );
    assert!(line.ends_with(&suffix), "{line} / {suffix}");
    assert!(
        expected.households > 0 && expected.funds_fen > 0,
        "{expected:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_that_are_not_what_the_checkpoint_commits_to_get_no_cosignature() {
    let dir = tempfile::tempdir().expect("dir");
    let source = example_store(dir.path()).await;
    pay(&source, "verify", 7).await;
    let size = source.size(example::ORIGIN).await.expect("size");
    // A server that publishes the genuine checkpoint but a log whose last entry was rewritten
    // in its database (the payment's amount changed).
    let genuine = source.jsonl(example::ORIGIN, 0, size).await.expect("jsonl");
    let text = String::from_utf8(genuine).expect("utf8");
    let forged = text.replacen("\"amount_fen\":107", "\"amount_fen\":10007", 1);
    assert_ne!(forged, text);
    let path = format!("/api/v1/ledgers/{}/log", ledger_segment(example::ORIGIN));
    let fake = listen(axum::Router::new().route(
        &path,
        axum::routing::get(move || {
            let forged = forged.clone();
            async move { forged }
        }),
    ))
    .await;
    let (witness, state) =
        verifying_witness(dir.path(), "witness.sqlite", format!("http://{fake}")).await;
    let outcome = ask(&source, example::ORIGIN, &witness, &agent(), 0, size).await;
    let Outcome::Refused(status, reason) = outcome else {
        panic!("expected a refusal, got {outcome:?}");
    };
    assert_eq!(status, 422, "{reason}");
    assert!(
        reason.starts_with(&format!("entry {} of the log fails", size - 1)),
        "{reason}"
    );
    assert!(reason.ends_with("nothing was cosigned"), "{reason}");
    // Nothing cosigned, nothing mirrored, the refusal kept with the entry and the check.
    assert_eq!(
        state.witness_head(example::ORIGIN).await.expect("read"),
        None
    );
    assert!(
        Store::new(state.clone())
            .size(example::ORIGIN)
            .await
            .is_err()
    );
    let refusals = state.witness_refusals(None, 10).await.expect("read");
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].status, 422);
    assert!(
        refusals[0].reason.contains(&format!("entry {}", size - 1)),
        "{:?}",
        refusals[0]
    );

    // A witness whose log's server is down delays, and records nothing.
    let (down, down_state) =
        verifying_witness(dir.path(), "down.sqlite", "http://127.0.0.1:9".to_owned()).await;
    let outcome = ask(&source, example::ORIGIN, &down, &agent(), 0, size).await;
    assert!(matches!(outcome, Outcome::Refused(503, _)), "{outcome:?}");
    assert!(
        down_state
            .witness_refusals(None, 10)
            .await
            .expect("read")
            .is_empty()
    );
}
