//! The HTTP API on the example ledger, driven in-process with `oneshot`: every kind of bad
//! request gets its documented status, problem type and code, and appends nothing; the reads
//! return what the store holds, and the proofs verify.

#[path = "support/http.rs"]
mod http;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gongzhang_core::Hash;
use gongzhang_core::checkpoint;
use gongzhang_core::cosignature::{CosignerSigner, cosign};
use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::keys::AuthorSigner;
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::submission::SignedEvent;
use gongzhang_core::tlog_proof::{self, TlogProof};
use gongzhang_demo::{example, vectors};
use gongzhang_server::{AppState, BATCH_BODY_BYTES_MAX, EVENT_BODY_BYTES_MAX, router};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::{Store, Submission};
use http::Answer;
use serde_json::{Value, json};
use std::sync::Arc;

const LEDGER: &str = "gongzhang.example%2Fhexie-jiayuan";

fn base() -> String {
    format!("/api/v1/ledgers/{LEDGER}")
}

struct App {
    router: Router,
    store: Store<SqliteBackend>,
    witness: CosignerSigner,
}

/// The example ledger in an in-memory store, served with one witness.
async fn app() -> App {
    let entries = example::entries();
    let last = entries[entries.len() - 1].recorded_at();
    let times = std::sync::Mutex::new(
        entries[1..]
            .iter()
            .map(Entry::recorded_at)
            .collect::<std::collections::VecDeque<_>>(),
    );
    let clock = Arc::new(move || {
        times
            .lock()
            .expect("clock")
            .pop_front()
            .unwrap_or_else(|| RecordedAt::from_unix_ms(last.unix_ms() + 1000).expect("time"))
    });
    let store =
        Store::new(SqliteBackend::open_in_memory().await.expect("sqlite")).with_clock(clock);
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
        .expect("example entries");
    let witness =
        CosignerSigner::from_seed("street-office.example/witness", [7; 32]).expect("witness key");
    let router = router(AppState {
        store: store.clone(),
        witnesses: vec![witness.verifier()],
        board: Default::default(),
    });
    App {
        router,
        store,
        witness,
    }
}

async fn send(app: &App, request: Request<Body>) -> Answer {
    http::send(&app.router, request).await
}

async fn get(app: &App, path: &str) -> Answer {
    send(
        app,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

async fn post(app: &App, path: &str, body: impl Into<Body>) -> Answer {
    send(
        app,
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .expect("request"),
    )
    .await
}

fn payment(id: &str, unit: &str, amount_fen: i64) -> Event {
    let Value::Object(body) = json!({"unit": unit, "amount_fen": amount_fen, "channel": "cash"})
    else {
        unreachable!()
    };
    Event::new(id, "payment_received", body).expect("event")
}

fn signed(event: Event, signer: &AuthorSigner) -> Vec<u8> {
    SignedEvent::sign(event, example::ORIGIN, &[signer]).to_bytes()
}

fn treasurer() -> AuthorSigner {
    example::signer("treasurer")
}

/// Asserts a problem document: status, media type, `type`, `code`; returns the document.
fn problem(answer: &Answer, status: StatusCode, kind: &str, code: &str) -> Value {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(answer.content_type, "application/problem+json");
    let doc = answer.json();
    assert_eq!(doc["type"], kind, "{doc}");
    assert_eq!(doc["code"], code, "{doc}");
    assert_eq!(doc["status"], status.as_u16());
    assert!(
        doc["title"].is_string() && doc["detail"].is_string(),
        "{doc}"
    );
    doc
}

#[tokio::test]
async fn a_signed_payment_is_recorded_once_and_its_receipt_is_repeated() {
    let app = app().await;
    let size = app.store.size(example::ORIGIN).await.expect("size");
    let body = signed(payment("api-pay-1", "3-2-401", 36_000), &treasurer());
    let first = post(&app, &format!("{}/events", base()), body.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let receipt = first.json();
    assert_eq!(receipt["event_id"], "api-pay-1");
    assert_eq!(receipt["seq"], size);
    assert_eq!(receipt["checkpoint"]["size"], size + 1);
    let stored = app
        .store
        .entry_by_event(example::ORIGIN, "api-pay-1")
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        receipt["entry_hash"],
        gongzhang_core::hash::leaf_hash(&stored.1).to_hex()
    );
    // The same submission again: the same receipt, nothing appended.
    let again = post(&app, &format!("{}/events", base()), body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), receipt);
    assert_eq!(
        app.store.size(example::ORIGIN).await.expect("size"),
        size + 1
    );
    // The same id with other content: 409.
    let other = signed(payment("api-pay-1", "3-2-401", 100), &treasurer());
    let conflict = post(&app, &format!("{}/events", base()), other).await;
    let doc = problem(
        &conflict,
        StatusCode::CONFLICT,
        "urn:gongzhang:problem:idempotency-conflict",
        "idempotency_conflict",
    );
    assert_eq!(doc["event_id"], "api-pay-1");
    assert_eq!(doc["seq"], size);
    assert_eq!(
        app.store.size(example::ORIGIN).await.expect("size"),
        size + 1
    );
}

#[tokio::test]
async fn every_bad_submission_gets_its_status_and_appends_nothing() {
    let app = app().await;
    let size = app.store.size(example::ORIGIN).await.expect("size");
    let events = format!("{}/events", base());
    let auditor = example::signer("auditor");
    let big = "x".repeat(EVENT_BODY_BYTES_MAX + 1);
    let mut forged = SignedEvent::sign(
        payment("api-forged", "3-2-401", 100),
        example::ORIGIN,
        &[&treasurer()],
    );
    forged.event = payment("api-forged", "3-2-401", 999_999);
    // The treasurer's signature, claimed by a key spelled non-canonically (RFC 8032 §5.1.3).
    let mut non_canonical = SignedEvent::sign(
        payment("api-nc", "3-2-401", 100),
        example::ORIGIN,
        &[&treasurer()],
    );
    non_canonical.signatures = vec![gongzhang_core::entry::AuthorSignature::new(
        gongzhang_core::keys::PublicKey::from_hex(gongzhang_demo::vectors::NON_CANONICAL_KEY_HEX)
            .expect("hex"),
        *non_canonical.signatures[0].signature(),
    )];
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str, &str)> = vec![
        (
            "not JSON",
            b"{\"event\":".to_vec(),
            StatusCode::BAD_REQUEST,
            "urn:gongzhang:problem:malformed-request",
            "json",
        ),
        (
            "a float amount",
            br#"{"event":{"body":{"amount_fen":1.5},"id":"e","type":"payment_received"},"signatures":[]}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "urn:gongzhang:problem:malformed-request",
            "json",
        ),
        (
            "no signatures",
            br#"{"event":{"body":{},"id":"e","type":"payment_received"},"signatures":[]}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "urn:gongzhang:problem:malformed-request",
            "signature_count",
        ),
        (
            "signed for another ledger",
            SignedEvent::sign(payment("api-other", "3-2-401", 100), "gongzhang.example/elsewhere", &[&treasurer()]).to_bytes(),
            StatusCode::FORBIDDEN,
            "urn:gongzhang:problem:bad-signature",
            "bad_signature",
        ),
        (
            "signed by a non-canonically encoded key",
            non_canonical.to_bytes(),
            StatusCode::FORBIDDEN,
            "urn:gongzhang:problem:bad-signature",
            "non_canonical_key",
        ),
        (
            "changed after signing",
            forged.to_bytes(),
            StatusCode::FORBIDDEN,
            "urn:gongzhang:problem:bad-signature",
            "bad_signature",
        ),
        (
            "signed by the auditor, not the treasurer",
            signed(payment("api-auditor", "3-2-401", 100), &auditor),
            StatusCode::FORBIDDEN,
            "urn:gongzhang:problem:unauthorised-key",
            "not_treasurer",
        ),
        (
            "an unknown unit",
            signed(payment("api-unknown", "9-9-909", 100), &treasurer()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:gongzhang:problem:rule-violation",
            "unknown_unit",
        ),
        (
            "too large",
            big.into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:gongzhang:problem:too-large",
            "body_too_large",
        ),
    ];
    for (what, body, status, kind, code) in cases {
        let answer = post(&app, &events, body).await;
        let doc = problem(&answer, status, kind, code);
        if code == "unknown_unit" {
            assert_eq!(doc["seq"], size, "{what}: {doc}");
            assert_eq!(doc["event_id"], "api-unknown", "{what}");
            assert_eq!(doc["event_type"], "payment_received", "{what}");
        }
        assert_eq!(
            app.store.size(example::ORIGIN).await.expect("size"),
            size,
            "{what} appended something"
        );
    }
}

#[tokio::test]
async fn batches_are_all_or_nothing_and_check_the_expected_size() {
    let app = app().await;
    let size = app.store.size(example::ORIGIN).await.expect("size");
    let batch = format!("{}/events/batch", base());
    let t = treasurer();
    let good = |id: &str| {
        SignedEvent::sign(payment(id, "1-1-101", 500), example::ORIGIN, &[&t]).to_value()
    };
    let bad =
        SignedEvent::sign(payment("api-b-bad", "9-9-909", 500), example::ORIGIN, &[&t]).to_value();
    // One bad event refuses the whole batch, naming it.
    let answer = post(
        &app,
        &batch,
        json!({"events": [good("api-b-1"), bad, good("api-b-3")]}).to_string(),
    )
    .await;
    let doc = problem(
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "urn:gongzhang:problem:rule-violation",
        "unknown_unit",
    );
    assert_eq!(doc["event_id"], "api-b-bad");
    assert_eq!(app.store.size(example::ORIGIN).await.expect("size"), size);
    // A stale expected size: 409, nothing appended.
    let answer = post(
        &app,
        &batch,
        json!({"events": [good("api-b-1")], "expected_size": size - 1}).to_string(),
    )
    .await;
    let doc = problem(
        &answer,
        StatusCode::CONFLICT,
        "urn:gongzhang:problem:size-conflict",
        "size_conflict",
    );
    assert_eq!(
        (doc["expected"].clone(), doc["found"].clone()),
        (json!(size - 1), json!(size))
    );
    // Malformed element: its index is named.
    let answer = post(
        &app,
        &batch,
        json!({"events": [good("api-b-1"), {"event": 1}]}).to_string(),
    )
    .await;
    let doc = problem(
        &answer,
        StatusCode::BAD_REQUEST,
        "urn:gongzhang:problem:malformed-request",
        "missing_field",
    );
    assert_eq!(doc["index"], 1);
    // Too many events.
    let many: Vec<Value> = (0..=gongzhang_store::store::SUBMISSIONS_PER_BATCH_MAX)
        .map(|i| json!({"event": {"body": {}, "id": format!("n{i}"), "type": "reversal"}, "signatures": []}))
        .collect();
    let answer = post(&app, &batch, json!({"events": many}).to_string()).await;
    problem(
        &answer,
        StatusCode::PAYLOAD_TOO_LARGE,
        "urn:gongzhang:problem:too-large",
        "batch_too_large",
    );
    let huge = vec![b' '; BATCH_BODY_BYTES_MAX + 1];
    let answer = post(&app, &batch, huge).await;
    problem(
        &answer,
        StatusCode::PAYLOAD_TOO_LARGE,
        "urn:gongzhang:problem:too-large",
        "body_too_large",
    );
    assert_eq!(app.store.size(example::ORIGIN).await.expect("size"), size);
    // The good batch at the right size: three receipts in order.
    let answer = post(
        &app,
        &batch,
        json!({"events": [good("api-b-1"), good("api-b-2")], "expected_size": size}).to_string(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let receipts = answer.json()["receipts"].clone();
    assert_eq!(receipts[0]["seq"], size);
    assert_eq!(receipts[1]["seq"], size + 1);
    assert_eq!(receipts[1]["event_id"], "api-b-2");
}

#[tokio::test]
async fn problems_speak_chinese_by_default_and_english_on_request() {
    let app = app().await;
    let body = signed(payment("api-lang", "9-9-909", 100), &treasurer());
    let zh = post(&app, &format!("{}/events", base()), body.clone()).await;
    let zh_detail = zh.json()["detail"].as_str().expect("detail").to_string();
    assert!(zh_detail.contains("9-9-909"), "{zh_detail}");
    assert!(
        zh_detail
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{zh_detail}"
    );
    let en = send(
        &app,
        Request::post(format!("{}/events", base()))
            .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
            .body(Body::from(body))
            .expect("request"),
    )
    .await;
    let en_doc = en.json();
    assert_eq!(en_doc["code"], "unknown_unit");
    let en_detail = en_doc["detail"].as_str().expect("detail");
    assert!(
        en_detail.is_ascii() && en_detail.contains("9-9-909"),
        "{en_detail}"
    );
    assert_eq!(
        en.body.len(),
        en_doc.to_string().len(),
        "the body is re-rendered whole"
    );
}

#[tokio::test]
async fn unknown_ledgers_routes_units_and_events_are_404_problems() {
    let app = app().await;
    for (path, code) in [
        (
            "/api/v1/ledgers/nowhere/balances".to_string(),
            "unknown_ledger",
        ),
        ("/api/v1/nothing".to_string(), "no_route"),
        (format!("{}/households/9-9-909", base()), "unknown_unit"),
        (format!("{}/events/no-such-event", base()), "unknown_event"),
        (format!("{}/entries/999999", base()), "unknown_entry"),
        (format!("{}/entries/999999/proof", base()), "unknown_entry"),
        (
            format!("/api/v1/attachments/{}", "0".repeat(64)),
            "unknown_attachment",
        ),
    ] {
        let answer = get(&app, &path).await;
        problem(
            &answer,
            StatusCode::NOT_FOUND,
            "urn:gongzhang:problem:not-found",
            code,
        );
    }
    for (path, code) in [
        (format!("{}/households/not-a-unit", base()), "invalid_unit"),
        (format!("{}/statements/2026-13", base()), "invalid_period"),
        (format!("{}/entries/x", base()), "invalid_seq"),
        (format!("{}/log?from=abc", base()), "invalid_query"),
        (format!("{}/consistency", base()), "invalid_query"),
        ("/api/v1/attachments/xyz".to_string(), "invalid_sha256"),
    ] {
        let answer = get(&app, &path).await;
        problem(
            &answer,
            StatusCode::BAD_REQUEST,
            "urn:gongzhang:problem:malformed-request",
            code,
        );
    }
}

#[tokio::test]
async fn the_log_checkpoint_and_proofs_verify_against_the_log_key() {
    let app = app().await;
    let size = app.store.size(example::ORIGIN).await.expect("size");
    let log = get(&app, &format!("{}/log", base())).await;
    assert_eq!(log.status, StatusCode::OK);
    assert_eq!(log.content_type, "application/jsonl; charset=utf-8");
    assert_eq!(log.body, example::jsonl(&example::entries()));
    let page = get(&app, &format!("{}/log?from=2&to=4", base())).await;
    assert_eq!(
        page.body,
        app.store.jsonl(example::ORIGIN, 2, 4).await.expect("jsonl")
    );

    let note = get(&app, &format!("{}/checkpoint", base())).await;
    assert_eq!(note.content_type, "text/plain; charset=utf-8");
    let log_key = vectors::log_signer().verifier();
    let opened = checkpoint::open(&note.text(), example::ORIGIN, &log_key, None).expect("opens");
    let head: TreeHead = opened.tree_head();
    assert_eq!(head.size, size);

    let entries = example::entries();
    let seq = 5;
    let proof = get(&app, &format!("{}/entries/{seq}/proof", base()))
        .await
        .json();
    let hashes: Vec<Hash> = proof["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|h| Hash::from_hex(h.as_str().expect("hex")).expect("hash"))
        .collect();
    assert_eq!(proof["tree_size"], size);
    assert_eq!(proof["entry_hash"], entries[seq].hash().to_hex());
    head.verify_inclusion(seq as u64, &entries[seq].hash(), &hashes)
        .expect("inclusion proof verifies");
    // By event id, as a tlog-proof a receipt carries.
    let id = entries[seq].event().id();
    let text = get(&app, &format!("{}/events/{id}/tlog-proof", base()))
        .await
        .text();
    let parsed = TlogProof::parse(&text).expect("tlog-proof");
    tlog_proof::verify(
        &parsed,
        &entries[seq].hash(),
        example::ORIGIN,
        &log_key,
        None,
    )
    .expect("tlog-proof verifies");
    let by_id = get(&app, &format!("{}/events/{id}/proof", base()))
        .await
        .json();
    assert_eq!(by_id, proof);
    let entry = get(&app, &format!("{}/events/{id}", base())).await;
    assert_eq!(entry.body, entries[seq].bytes());

    // Consistency from an older checkpoint to now.
    let older = app
        .store
        .checkpoint(example::ORIGIN, Some(size))
        .await
        .expect("cp");
    assert!(older.is_some());
    let t = treasurer();
    let more = SignedEvent::sign(payment("api-more", "1-1-101", 100), example::ORIGIN, &[&t]);
    assert_eq!(
        post(&app, &format!("{}/events", base()), more.to_bytes())
            .await
            .status,
        StatusCode::OK
    );
    let c = get(&app, &format!("{}/consistency?from={size}", base()))
        .await
        .json();
    let new_head = checkpoint::open(
        &get(&app, &format!("{}/checkpoint", base())).await.text(),
        example::ORIGIN,
        &log_key,
        None,
    )
    .expect("opens")
    .tree_head();
    let hashes: Vec<Hash> = c["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|h| Hash::from_hex(h.as_str().expect("hex")).expect("hash"))
        .collect();
    assert_eq!(c["to"], size + 1);
    new_head
        .verify_consistency(&head, &hashes)
        .expect("consistency proof verifies");
}

#[tokio::test]
async fn a_witness_cosignature_is_verified_before_it_is_stored() {
    let app = app().await;
    let size = app.store.size(example::ORIGIN).await.expect("size");
    let note = app
        .store
        .checkpoint(example::ORIGIN, Some(size))
        .await
        .expect("read")
        .expect("checkpoint");
    let body = note.split("\n\n").next().expect("body").to_string() + "\n";
    let cp = checkpoint::Checkpoint::parse(&body).expect("checkpoint text");
    let line = cosign(&cp, &app.witness, 1_764_000_000).expect("cosign");
    let path = format!("{}/checkpoint/cosignatures", base());
    // A stranger's cosignature is refused.
    let stranger = CosignerSigner::from_seed("someone.example/w", [9; 32]).expect("key");
    let refused = post(
        &app,
        &path,
        json!({"size": size, "cosignature": cosign(&cp, &stranger, 1).expect("cosign").to_line()})
            .to_string(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    // The witness's is stored and published with the checkpoint.
    let answer = post(
        &app,
        &path,
        json!({"size": size, "cosignature": line.to_line()}).to_string(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let published = get(&app, &format!("{}/checkpoint?size={size}", base()))
        .await
        .text();
    assert!(published.contains(&line.to_line()), "{published}");
}

#[tokio::test]
async fn balances_households_statements_and_attachments_come_from_the_ledger() {
    let app = app().await;
    let size = app.store.size(example::ORIGIN).await.expect("size");
    let balances = get(&app, &format!("{}/balances", base())).await.json();
    assert_eq!(balances["size"], size);
    let expected = app
        .store
        .fund_balances(example::ORIGIN)
        .await
        .expect("balances");
    let funds = balances["funds"].as_array().expect("funds");
    assert_eq!(funds.len(), expected.len());
    for f in funds {
        let fund = f["fund"].as_str().expect("fund");
        let fen = expected
            .iter()
            .find(|(k, _)| k.as_str() == fund)
            .map(|(_, v)| v.get())
            .expect("fund known");
        assert_eq!(f["balance_fen"], fen, "{fund}");
    }

    let unit = get(&app, &format!("{}/households/3-2-401", base()))
        .await
        .json();
    let h = app
        .store
        .household(
            example::ORIGIN,
            &"3-2-401".to_string().try_into().expect("unit"),
        )
        .await
        .expect("read")
        .expect("registered");
    assert_eq!(unit["area_centi_m2"], 10_250);
    assert_eq!(
        unit["charged_fen"],
        i64::try_from(h.charged_total()).expect("i64")
    );
    assert_eq!(
        unit["paid_fen"],
        i64::try_from(h.paid_total()).expect("i64")
    );
    assert_eq!(unit["payments"][0]["amount_fen"], 61_500);
    assert_eq!(unit["charges"][0]["period"], "2026-01");

    let st = get(&app, &format!("{}/statements/2026-01", base()))
        .await
        .json();
    let range = gongzhang_core::ledger::types::PeriodRange::parse("2026-01").expect("range");
    let expected = app
        .store
        .statement(example::ORIGIN, range)
        .await
        .expect("statement");
    assert_eq!(
        st["statement"],
        serde_json::to_value(&expected).expect("json")
    );

    // An upload signed by the treasurer at the store's time (the refusals are in uploads.rs).
    let pdf = b"%PDF-1.4 invoice scan".to_vec();
    let signed_at_s = u64::try_from(
        example::entries()[example::entries().len() - 1]
            .recorded_at()
            .unix_ms()
            / 1000,
    )
    .expect("time");
    let signature = gongzhang_core::attachment::UploadSignature::sign(
        &gongzhang_core::attachment::UploadClaim {
            origin: example::ORIGIN,
            sha256: gongzhang_core::hash::sha256(&pdf),
            media_type: gongzhang_core::attachment::MediaType::Pdf,
            length_bytes: pdf.len() as u64,
            signed_at_s,
        },
        &treasurer(),
    );
    let put = send(
        &app,
        Request::post(format!("{}/attachments", base()))
            .header(header::AUTHORIZATION, signature.to_header())
            .body(Body::from(pdf.clone()))
            .expect("request"),
    )
    .await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.text());
    let sha = gongzhang_core::hash::sha256(&pdf).to_hex();
    assert_eq!(put.json()["sha256"], sha);
    assert_eq!(put.json()["media_type"], "application/pdf");
    let got = get(&app, &format!("/api/v1/attachments/{sha}")).await;
    assert_eq!(
        (got.status, got.content_type.as_str()),
        (StatusCode::OK, "application/pdf")
    );
    assert_eq!(got.body, pdf);

    let list = get(&app, "/api/v1/ledgers").await.json();
    assert_eq!(
        list,
        json!({"ledgers": [{"origin": example::ORIGIN, "href": base()}]})
    );
    let info = get(&app, &base()).await.json();
    assert_eq!(info["community"], "和谐家园小区");
    assert_eq!(info["size"], size);
    assert_eq!(info["genesis_hash"], example::entries()[0].hash().to_hex());
    assert_eq!(
        info["log_key"],
        vectors::log_signer().verifier().to_string()
    );
    assert_eq!(
        get(&app, "/api/v1/health").await.json(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn a_body_without_its_fields_is_malformed_and_a_wrong_method_is_a_problem_too() {
    let app = app().await;
    let size = app.store.size(example::ORIGIN).await.expect("size");
    let Value::Object(body) = json!({"unit": "3-2-401", "amount_fen": 100, "channel": "wechat"})
    else {
        unreachable!()
    };
    let event = Event::new("api-channel", "payment_received", body).expect("event");
    let answer = post(
        &app,
        &format!("{}/events", base()),
        signed(event, &treasurer()),
    )
    .await;
    let doc = problem(
        &answer,
        StatusCode::BAD_REQUEST,
        "urn:gongzhang:problem:malformed-request",
        "invalid_body",
    );
    assert_eq!(doc["event_id"], "api-channel");
    let Value::Object(body) = json!({}) else {
        unreachable!()
    };
    let event = Event::new("api-kind", "payment_recieved", body).expect("event");
    let answer = post(
        &app,
        &format!("{}/events", base()),
        signed(event, &treasurer()),
    )
    .await;
    problem(
        &answer,
        StatusCode::BAD_REQUEST,
        "urn:gongzhang:problem:malformed-request",
        "unknown_event_type",
    );
    assert_eq!(app.store.size(example::ORIGIN).await.expect("size"), size);
    let answer = send(
        &app,
        Request::delete(format!("{}/events", base()))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    problem(
        &answer,
        StatusCode::METHOD_NOT_ALLOWED,
        "urn:gongzhang:problem:malformed-request",
        "method_not_allowed",
    );
}
