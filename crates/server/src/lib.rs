//! The ledger's HTTP API under `/api/v1`: signed events in, public reads and proofs out.
//!
//! The server holds no member's private key. A submission is authorised by its authors'
//! signatures, which the store checks with the ledger's rules before anything is written; the
//! server signs only checkpoints, with each ledger's log key. Every read is public: the log, its
//! checkpoints and proofs, balances and statements are what residents are meant to check.
//!
//! [`router`] builds the whole application over a [`Store`]; `gongzhang serve` binds it, and the
//! tests drive it with `oneshot`. Errors are RFC 9457 problem documents ([`problem`]). Limits on
//! body size, request time and concurrency are the named constants below. The OpenAPI document is
//! `schemas/openapi.json`, served at `/api/v1/openapi.json`; a test checks that it documents
//! exactly the routes in [`ROUTES`].
//!
//! Beside the API, [`board`] serves the public notice board (公示栏): the same state as HTML
//! pages for residents, at `/` (one ledger) or `/c/{ledger}/` (several). Outside `/api/` an
//! unknown path or method gets an HTML page, not a problem document.

pub mod board;
pub mod problem;
mod routes;
pub mod security;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gongzhang_core::cosignature::CosignerKey;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::{ATTACHMENT_BYTES_MAX, SUBMISSIONS_PER_BATCH_MAX, Store};
use problem::{Problem, kinds};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;

pub use routes::ROUTES;

/// The largest body of one signed event, in bytes. An entry is at most
/// [`gongzhang_core::entry::ENTRY_BYTES_MAX`] (64 KiB) as canonical JSON; a client's pretty
/// printing may double that.
pub const EVENT_BODY_BYTES_MAX: usize = 2 * gongzhang_core::entry::ENTRY_BYTES_MAX;
/// The largest body of a batch of signed events, in bytes: 8 MiB. A full batch of
/// [`SUBMISSIONS_PER_BATCH_MAX`] typical events (about 1 KiB each) fits; a batch of very large
/// events must be split.
pub const BATCH_BODY_BYTES_MAX: usize = 8 * 1024 * 1024;
/// The largest attachment upload, in bytes: the store's limit.
pub const ATTACHMENT_BODY_BYTES_MAX: usize = ATTACHMENT_BYTES_MAX;
/// The largest body of any other request (a cosignature), in bytes.
pub const SMALL_BODY_BYTES_MAX: usize = 16 * 1024;
/// How long one request may take, in milliseconds, before it is answered 503 `timeout`. Appends
/// already handed to the writer still commit (the caller retries with the same event id and
/// gets the original receipt).
pub const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Requests handled at once; further requests wait (within the timeout).
pub const CONCURRENT_REQUESTS_MAX: usize = 512;
/// Entries per page of the log stream.
pub const LOG_PAGE_ENTRIES: u64 = 1024;

const _: () = assert!(EVENT_BODY_BYTES_MAX <= BATCH_BODY_BYTES_MAX);
// A full batch of typical (1 KiB) events fits, as the batch limit's documentation says.
const _: () = assert!(SUBMISSIONS_PER_BATCH_MAX * 1024 <= BATCH_BODY_BYTES_MAX);
const _: () = assert!(LOG_PAGE_ENTRIES <= gongzhang_store::store::ENTRIES_PER_READ_MAX);

/// The characters of an origin kept as they are in a URL path segment; everything else, `/`
/// included, is percent-encoded.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The URL path segment naming a ledger: its origin, percent-encoded
/// (`gongzhang.example/xingfuli` → `gongzhang.example%2Fxingfuli`), as every
/// `/api/v1/ledgers/{ledger}/…` route takes it.
pub fn ledger_segment(origin: &str) -> String {
    percent_encoding::utf8_percent_encode(origin, PATH_SEGMENT).to_string()
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState<B: Backend> {
    /// The event store.
    pub store: Store<B>,
    /// Witnesses whose cosignatures the server accepts (street office, committee, residents).
    pub witnesses: Vec<CosignerKey>,
    /// What the committee chose to show on the notice board.
    pub board: BoardOptions,
}

/// The committee's choices for the notice board (公示栏).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardOptions {
    /// Whether the arrears page lists the units in arrears by number, or only counts them
    /// (the default).
    pub show_arrears_units: bool,
}

/// The application: every route of [`ROUTES`], with problem documents in the client's language,
/// the security headers on every response, writes limited per client at the default
/// [`security::WriteLimit`], limits on time and concurrency, and request tracing.
pub fn router<B: Backend>(state: AppState<B>) -> Router {
    router_with_limit(state, security::WriteLimit::default())
}

/// [`router`] with another limit on writes per client address (`gongzhang serve
/// --write-burst/--write-interval-ms`).
pub fn router_with_limit<B: Backend>(state: AppState<B>, writes: security::WriteLimit) -> Router {
    let state = Arc::new(state);
    routes::api::<B>()
        .merge(board::routes::<B>())
        .with_state(state)
        .fallback(fallback)
        .method_not_allowed_fallback(fallback_method)
        .layer(
            ServiceBuilder::new()
                .layer(tower_http::trace::TraceLayer::new_for_http())
                .layer(axum::middleware::from_fn(security::headers))
                .layer(axum::middleware::from_fn(problem::render_problems))
                .layer(security::write_limit_layer(writes))
                .layer(HandleErrorLayer::new(overloaded))
                .timeout(Duration::from_millis(REQUEST_TIMEOUT_MS))
                .concurrency_limit(CONCURRENT_REQUESTS_MAX),
        )
}

/// No route: a problem document under `/api/`, the notice board's HTML page elsewhere.
async fn fallback(uri: Uri) -> Response {
    if is_api(&uri) {
        not_found().await.into_response()
    } else {
        board::not_found(&uri)
    }
}

/// A method the route does not take: a problem document under `/api/`, HTML elsewhere.
async fn fallback_method(uri: Uri) -> Response {
    if is_api(&uri) {
        method_not_allowed().await.into_response()
    } else {
        board::method_not_allowed(&uri)
    }
}

fn is_api(uri: &Uri) -> bool {
    uri.path() == "/api" || uri.path().starts_with("/api/")
}

async fn not_found() -> Problem {
    Problem::not_found("no_route", gongzhang_text::api::Refusal::NoRoute)
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        kinds::MALFORMED,
        "method_not_allowed",
        "Method not allowed",
        "这个地址不接受这种请求方法；见 /api/v1/openapi.json",
        "this route does not take this method; see /api/v1/openapi.json",
    )
}

async fn overloaded(error: tower::BoxError) -> axum::response::Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            kinds::TIMEOUT,
            "timeout",
            "Request timed out",
            format!("请求超过 {} 秒未完成；如是记账，请用同一事件编号重试，不会重复记账", REQUEST_TIMEOUT_MS / 1000),
            format!(
                "the request took longer than {} s; if it was a submission, retry with the same event id: it will not be recorded twice",
                REQUEST_TIMEOUT_MS / 1000
            ),
        )
        .into_response()
    } else {
        Problem::internal(&error).into_response()
    }
}
