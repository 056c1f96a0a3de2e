//! Uploads let no one in (issue 14): an upload is signed by a key holding a role in the ledger,
//! for that one file, in that ledger, within the time window; only PDF, JPEG, PNG and WebP are
//! kept, recognised from their bytes; downloads never run as pages of the board's site; every
//! response carries the security headers; writes are rate-limited per client address. Each
//! refusal is checked for its status, problem type and code, and for storing nothing.

#[path = "support/http.rs"]
mod http;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gongzhang_core::Hash;
use gongzhang_core::attachment::{
    MediaType, UPLOAD_SIGNATURE_WINDOW_S, UploadClaim, UploadSignature,
};
use gongzhang_core::entry::RecordedAt;
use gongzhang_core::hash::sha256;
use gongzhang_core::keys::AuthorSigner;
use gongzhang_demo::{example, vectors};
use gongzhang_server::security::{DOWNLOAD_CSP, PAGE_CSP, WriteLimit};
use gongzhang_server::{AppState, router, router_with_limit};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::{Store, Submission};
use http::Answer;
use std::sync::Arc;

const LEDGER: &str = "gongzhang.example%2Fhexie-jiayuan";
/// The store's time in these tests: 2026-06-01T00:00:00Z.
const NOW_MS: i64 = 1_780_272_000_000;

fn now_s() -> u64 {
    u64::try_from(NOW_MS / 1000).expect("time")
}

fn upload_path() -> String {
    format!("/api/v1/ledgers/{LEDGER}/attachments")
}

/// The example ledger in an in-memory store whose clock gives the example's own times while it
/// is loaded, then stands at [`NOW_MS`].
async fn store() -> Store<SqliteBackend> {
    let entries = example::entries();
    let times = std::sync::Mutex::new(
        entries[1..]
            .iter()
            .map(|e| e.recorded_at())
            .collect::<std::collections::VecDeque<_>>(),
    );
    let clock = Arc::new(move || {
        times
            .lock()
            .expect("clock")
            .pop_front()
            .unwrap_or_else(|| RecordedAt::from_unix_ms(NOW_MS).expect("a valid time"))
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
    store
}

fn app_of(store: &Store<SqliteBackend>) -> Router {
    router(AppState {
        store: store.clone(),
        witnesses: Vec::new(),
        board: Default::default(),
    })
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n% a scanned fapiao\n".to_vec()
}

fn signature_for(
    origin: &str,
    bytes: &[u8],
    media_type: MediaType,
    signed_at_s: u64,
    signer: &AuthorSigner,
) -> UploadSignature {
    UploadSignature::sign(
        &UploadClaim {
            origin,
            sha256: sha256(bytes),
            media_type,
            length_bytes: bytes.len() as u64,
            signed_at_s,
        },
        signer,
    )
}

async fn upload(
    app: &Router,
    bytes: Vec<u8>,
    content_type: Option<&str>,
    signature: Option<&UploadSignature>,
) -> Answer {
    let mut request = Request::post(upload_path());
    if let Some(t) = content_type {
        request = request.header(header::CONTENT_TYPE, t);
    }
    if let Some(s) = signature {
        request = request.header(header::AUTHORIZATION, s.to_header());
    }
    http::send(app, request.body(Body::from(bytes)).expect("request")).await
}

async fn download(app: &Router, sha: &Hash) -> Answer {
    http::send(
        app,
        Request::get(format!("/api/v1/attachments/{}", sha.to_hex()))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// Checks a refusal's status, type and code, and that the file was not stored.
async fn refused(
    app: &Router,
    answer: &Answer,
    status: StatusCode,
    kind: &str,
    code: &str,
    bytes: &[u8],
) {
    assert_eq!(answer.status, status, "{}", answer.text());
    let doc = answer.json();
    assert_eq!(doc["type"], kind, "{doc}");
    assert_eq!(doc["code"], code, "{doc}");
    assert_eq!(answer.content_type, "application/problem+json");
    assert_eq!(
        download(app, &sha256(bytes)).await.status,
        StatusCode::NOT_FOUND,
        "{code}: the refused file was stored"
    );
}

#[tokio::test]
async fn an_html_upload_without_a_signature_is_refused() {
    let store = store().await;
    let app = app_of(&store);
    let page = b"<!DOCTYPE html><script>fetch('/api/v1/ledgers')</script>".to_vec();
    let answer = upload(&app, page.clone(), Some("text/html"), None).await;
    refused(
        &app,
        &answer,
        StatusCode::UNAUTHORIZED,
        "urn:gongzhang:problem:unauthenticated",
        "upload_signature_missing",
        &page,
    )
    .await;
    assert_eq!(answer.header("www-authenticate"), "Gongzhang-Upload");
    // Not a signature at all.
    let mut request = Request::post(upload_path()).header(header::AUTHORIZATION, "Bearer abc");
    request = request.header(header::CONTENT_TYPE, "application/pdf");
    let answer = http::send(&app, request.body(Body::from(pdf())).expect("request")).await;
    refused(
        &app,
        &answer,
        StatusCode::BAD_REQUEST,
        "urn:gongzhang:problem:malformed-request",
        "invalid_upload_signature",
        &pdf(),
    )
    .await;
    assert_eq!(store.upload_bytes(example::ORIGIN).await.expect("usage"), 0);
}

#[tokio::test]
async fn a_signed_pdf_upload_is_stored_and_downloads_safely() {
    let store = store().await;
    let app = app_of(&store);
    let bytes = pdf();
    let s = signature_for(
        example::ORIGIN,
        &bytes,
        MediaType::Pdf,
        now_s(),
        &example::signer("treasurer"),
    );
    let answer = upload(&app, bytes.clone(), Some("application/pdf"), Some(&s)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let receipt = answer.json();
    assert_eq!(receipt["sha256"], sha256(&bytes).to_hex());
    assert_eq!(receipt["bytes"], bytes.len());
    assert_eq!(receipt["media_type"], "application/pdf");
    assert_eq!(receipt["unnamed_until"], now_s() + 24 * 3600);
    assert_eq!(
        store.upload_bytes(example::ORIGIN).await.expect("usage"),
        bytes.len() as u64
    );

    let got = download(&app, &sha256(&bytes)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, bytes);
    assert_eq!(got.content_type, "application/pdf");
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    assert_eq!(got.header("content-security-policy"), DOWNLOAD_CSP);
    assert_eq!(
        got.header("content-security-policy"),
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    );
    let name = &sha256(&bytes).to_hex()[..16];
    assert_eq!(
        got.header("content-disposition"),
        format!("attachment; filename=\"gongzhang-{name}.pdf\"")
    );

    // Any committee member may upload too, and without a Content-Type (the bytes decide).
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let s = signature_for(
        example::ORIGIN,
        &png,
        MediaType::Png,
        now_s() - 60,
        &example::signer("committee-2"),
    );
    let answer = upload(&app, png.clone(), None, Some(&s)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let got = download(&app, &sha256(&png)).await;
    assert_eq!(got.content_type, "image/png");
    assert!(
        got.header("content-disposition")
            .starts_with("inline; filename=\"gongzhang-")
    );
}

#[tokio::test]
async fn every_bad_upload_is_refused_for_its_own_reason_and_stores_nothing() {
    let store = store().await;
    let app = app_of(&store);
    let treasurer = example::signer("treasurer");
    let bytes = pdf();

    // Signed for another community's ledger: the signature binds the origin.
    let other = signature_for(
        "gongzhang.example/elsewhere",
        &bytes,
        MediaType::Pdf,
        now_s(),
        &treasurer,
    );
    let answer = upload(&app, bytes.clone(), Some("application/pdf"), Some(&other)).await;
    refused(
        &app,
        &answer,
        StatusCode::FORBIDDEN,
        "urn:gongzhang:problem:bad-signature",
        "bad_upload_signature",
        &bytes,
    )
    .await;

    // Signed for another file.
    let for_other_file = signature_for(
        example::ORIGIN,
        b"%PDF-1.7 other",
        MediaType::Pdf,
        now_s(),
        &treasurer,
    );
    let answer = upload(
        &app,
        bytes.clone(),
        Some("application/pdf"),
        Some(&for_other_file),
    )
    .await;
    refused(
        &app,
        &answer,
        StatusCode::FORBIDDEN,
        "urn:gongzhang:problem:bad-signature",
        "bad_upload_signature",
        &bytes,
    )
    .await;

    // A replay from outside the window (signed an hour and a second before), and one from the
    // future beyond it.
    for signed_at_s in [now_s() - 3601, now_s() + UPLOAD_SIGNATURE_WINDOW_S + 1] {
        let stale = signature_for(
            example::ORIGIN,
            &bytes,
            MediaType::Pdf,
            signed_at_s,
            &treasurer,
        );
        let answer = upload(&app, bytes.clone(), Some("application/pdf"), Some(&stale)).await;
        refused(
            &app,
            &answer,
            StatusCode::FORBIDDEN,
            "urn:gongzhang:problem:bad-signature",
            "upload_signature_expired",
            &bytes,
        )
        .await;
        assert_eq!(answer.json()["signed_at"], signed_at_s);
        assert_eq!(answer.json()["now"], now_s());
    }

    // A key with no role in this ledger.
    let stranger = AuthorSigner::from_seed([42; 32]);
    let s = signature_for(example::ORIGIN, &bytes, MediaType::Pdf, now_s(), &stranger);
    let answer = upload(&app, bytes.clone(), Some("application/pdf"), Some(&s)).await;
    refused(
        &app,
        &answer,
        StatusCode::FORBIDDEN,
        "urn:gongzhang:problem:unauthorised-key",
        "no_role",
        &bytes,
    )
    .await;

    // A page, signed (as a PDF claim: no claim can name HTML) but recognised from its bytes.
    let page = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let s = signature_for(example::ORIGIN, &page, MediaType::Pdf, now_s(), &treasurer);
    let answer = upload(&app, page.clone(), Some("application/pdf"), Some(&s)).await;
    refused(
        &app,
        &answer,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "urn:gongzhang:problem:unsupported-media-type",
        "unsupported_attachment_type",
        &page,
    )
    .await;
    assert_eq!(
        answer.json()["accepted"],
        serde_json::json!(["application/pdf", "image/jpeg", "image/png", "image/webp"])
    );
    // The same with its honest header: refused for its bytes, not its header.
    let answer = upload(&app, page.clone(), Some("text/html"), Some(&s)).await;
    refused(
        &app,
        &answer,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "urn:gongzhang:problem:unsupported-media-type",
        "unsupported_attachment_type",
        &page,
    )
    .await;
    // A real JPEG declared as a PDF: the declaration must be the truth.
    let jpeg = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0".to_vec();
    let s = signature_for(example::ORIGIN, &jpeg, MediaType::Jpeg, now_s(), &treasurer);
    let answer = upload(&app, jpeg.clone(), Some("application/pdf"), Some(&s)).await;
    refused(
        &app,
        &answer,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "urn:gongzhang:problem:unsupported-media-type",
        "attachment_type_mismatch",
        &jpeg,
    )
    .await;
    assert_eq!(answer.json()["found"], "image/jpeg");

    // An unknown ledger.
    let s = signature_for(
        "gongzhang.example/none",
        &bytes,
        MediaType::Pdf,
        now_s(),
        &treasurer,
    );
    let answer = http::send(
        &app,
        Request::post("/api/v1/ledgers/gongzhang.example%2Fnone/attachments")
            .header(header::AUTHORIZATION, s.to_header())
            .body(Body::from(bytes.clone()))
            .expect("request"),
    )
    .await;
    refused(
        &app,
        &answer,
        StatusCode::NOT_FOUND,
        "urn:gongzhang:problem:not-found",
        "unknown_ledger",
        &bytes,
    )
    .await;

    // The old unauthenticated route is gone.
    let answer = http::send(
        &app,
        Request::post("/api/v1/attachments")
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from(bytes.clone()))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text());
    assert_eq!(answer.json()["code"], "no_route");

    assert_eq!(store.upload_bytes(example::ORIGIN).await.expect("usage"), 0);
}

#[tokio::test]
async fn writes_are_rate_limited_per_client_and_reads_are_not() {
    let store = store().await;
    let app = router_with_limit(
        AppState {
            store: store.clone(),
            witnesses: Vec::new(),
            board: Default::default(),
        },
        WriteLimit {
            burst: 2,
            interval_ms: 60_000,
        },
    );
    let treasurer = example::signer("treasurer");
    for n in 0..2u8 {
        let bytes = [pdf(), vec![n]].concat();
        let s = signature_for(example::ORIGIN, &bytes, MediaType::Pdf, now_s(), &treasurer);
        let answer = upload(&app, bytes, None, Some(&s)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    }
    let bytes = [pdf(), vec![9]].concat();
    let s = signature_for(example::ORIGIN, &bytes, MediaType::Pdf, now_s(), &treasurer);
    let answer = upload(&app, bytes.clone(), None, Some(&s)).await;
    refused(
        &app,
        &answer,
        StatusCode::TOO_MANY_REQUESTS,
        "urn:gongzhang:problem:rate-limited",
        "too_many_writes",
        &bytes,
    )
    .await;
    let retry: u64 = answer.header("retry-after").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(answer.json()["retry_after"], retry);
    // Events are writes too.
    let answer = http::send(
        &app,
        Request::post(format!("/api/v1/ledgers/{LEDGER}/events"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    // Reads go on, many times the burst.
    for _ in 0..20 {
        let answer = http::send(
            &app,
            Request::get(format!("/api/v1/ledgers/{LEDGER}/checkpoint"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn every_page_and_api_response_carries_the_security_headers() {
    let store = store().await;
    let app = app_of(&store);
    let paths = [
        "/",
        "/statements",
        "/verify",
        "/no-such-page",
        "/api/v1/health",
        &format!("/api/v1/ledgers/{LEDGER}"),
        &format!("/api/v1/ledgers/{LEDGER}/log"),
        "/api/v1/no-such-route",
        "/board.css",
    ];
    for path in paths {
        let answer = http::send(
            &app,
            Request::get(path).body(Body::empty()).expect("request"),
        )
        .await;
        let csp = answer.header("content-security-policy");
        assert_eq!(csp, PAGE_CSP, "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("script-src"),
            "{path}: {csp}"
        );
        assert_eq!(answer.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(answer.header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(answer.header("x-frame-options"), "DENY", "{path}");
    }
    // Pages carry no inline script or style: their one stylesheet is a file of the board's site.
    let home = http::send(
        &app,
        Request::get("/").body(Body::empty()).expect("request"),
    )
    .await;
    let html = home.text();
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/board.css\">"));
    assert!(!html.contains("<script") && !html.contains("<style") && !html.contains(" style="));
    let css = http::send(
        &app,
        Request::get("/board.css")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(css.content_type, "text/css; charset=utf-8");
    assert!(css.text().contains("@media print"));
}

#[tokio::test]
async fn a_stranger_cannot_make_the_server_read_a_file() {
    // Bodies past the size limit: refused for who sent them (401/403), not for their size (413),
    // which shows that the key is judged before the body is read.
    let store = store().await;
    let app = app_of(&store);
    let big = vec![b'%'; gongzhang_server::ATTACHMENT_BODY_BYTES_MAX + 1];
    let answer = upload(&app, big.clone(), Some("application/pdf"), None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.text());
    let stranger = AuthorSigner::from_seed([42; 32]);
    let s = signature_for(example::ORIGIN, &big, MediaType::Pdf, now_s(), &stranger);
    let answer = upload(&app, big.clone(), Some("application/pdf"), Some(&s)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
    assert_eq!(answer.json()["code"], "no_role");
    let stale = signature_for(
        example::ORIGIN,
        &big,
        MediaType::Pdf,
        now_s() - 3600,
        &example::signer("treasurer"),
    );
    let answer = upload(&app, big.clone(), Some("application/pdf"), Some(&stale)).await;
    assert_eq!(answer.json()["code"], "upload_signature_expired");
    // The treasurer's, in time: now the body is read, and it is too large.
    let s = signature_for(
        example::ORIGIN,
        &big,
        MediaType::Pdf,
        now_s(),
        &example::signer("treasurer"),
    );
    let answer = upload(&app, big, Some("application/pdf"), Some(&s)).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text()
    );
    assert_eq!(answer.json()["code"], "body_too_large");
}
