//! The handlers. One function per route; each parses its input into core types, calls the store
//! and answers JSON (or the published text formats), or a [`Problem`](crate::problem::Problem).
//!
//! They are grouped by what they serve: `entries.rs` (events, entries and the log), `proofs.rs`
//! (inclusion and consistency proofs, checkpoints and cosignatures), `submit.rs` (new events),
//! `ledger.rs` (ledger reads: balances, households, statements, pending approvals) and
//! `attachments.rs` (uploads and downloads); `input.rs` and `output.rs` hold what they share.

mod attachments;
mod entries;
mod input;
mod ledger;
mod output;
mod proofs;
mod submit;

use crate::{
    ATTACHMENT_BODY_BYTES_MAX, AppState, BATCH_BODY_BYTES_MAX, EVENT_BODY_BYTES_MAX,
    SMALL_BODY_BYTES_MAX,
};
use attachments::{attachment, upload_attachment};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use entries::{entry, event_entry, log};
use gongzhang_store::backend::Backend;
use ledger::{balances, household, ledger_info, ledgers, pending_approvals, statement};
use output::{json_response, text};
use proofs::{
    checkpoint, consistency, cosign, entry_proof, entry_tlog_proof, event_proof, event_tlog_proof,
};
use serde_json::json;
use std::sync::Arc;
use submit::{submit, submit_batch};

type Shared<B> = State<Arc<AppState<B>>>;

/// Every route: (method, path). The OpenAPI document must describe exactly these.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/ledgers"),
    ("get", "/api/v1/ledgers/{ledger}"),
    ("post", "/api/v1/ledgers/{ledger}/events"),
    ("post", "/api/v1/ledgers/{ledger}/events/batch"),
    ("get", "/api/v1/ledgers/{ledger}/events/{event_id}"),
    ("get", "/api/v1/ledgers/{ledger}/events/{event_id}/proof"),
    (
        "get",
        "/api/v1/ledgers/{ledger}/events/{event_id}/tlog-proof",
    ),
    ("get", "/api/v1/ledgers/{ledger}/entries/{seq}"),
    ("get", "/api/v1/ledgers/{ledger}/entries/{seq}/proof"),
    ("get", "/api/v1/ledgers/{ledger}/entries/{seq}/tlog-proof"),
    ("get", "/api/v1/ledgers/{ledger}/log"),
    ("get", "/api/v1/ledgers/{ledger}/checkpoint"),
    ("post", "/api/v1/ledgers/{ledger}/checkpoint/cosignatures"),
    ("get", "/api/v1/ledgers/{ledger}/consistency"),
    ("get", "/api/v1/ledgers/{ledger}/balances"),
    ("get", "/api/v1/ledgers/{ledger}/households/{unit}"),
    ("get", "/api/v1/ledgers/{ledger}/statements/{period}"),
    ("get", "/api/v1/ledgers/{ledger}/pending-approvals"),
    ("post", "/api/v1/ledgers/{ledger}/attachments"),
    ("get", "/api/v1/attachments/{sha256}"),
];

/// The OpenAPI document, as checked in.
pub const OPENAPI_JSON: &str = include_str!("../../../../schemas/openapi.json");

/// The routes, without state.
pub fn api<B: Backend>() -> Router<Arc<AppState<B>>> {
    let l = "/api/v1/ledgers/{ledger}";
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/ledgers", get(ledgers::<B>))
        .route(l, get(ledger_info::<B>))
        .route(
            &format!("{l}/events"),
            post(submit::<B>).layer(DefaultBodyLimit::max(EVENT_BODY_BYTES_MAX)),
        )
        .route(
            &format!("{l}/events/batch"),
            post(submit_batch::<B>).layer(DefaultBodyLimit::max(BATCH_BODY_BYTES_MAX)),
        )
        .route(&format!("{l}/events/{{event_id}}"), get(event_entry::<B>))
        .route(
            &format!("{l}/events/{{event_id}}/proof"),
            get(event_proof::<B>),
        )
        .route(
            &format!("{l}/events/{{event_id}}/tlog-proof"),
            get(event_tlog_proof::<B>),
        )
        .route(&format!("{l}/entries/{{seq}}"), get(entry::<B>))
        .route(&format!("{l}/entries/{{seq}}/proof"), get(entry_proof::<B>))
        .route(
            &format!("{l}/entries/{{seq}}/tlog-proof"),
            get(entry_tlog_proof::<B>),
        )
        .route(&format!("{l}/log"), get(log::<B>))
        .route(&format!("{l}/checkpoint"), get(checkpoint::<B>))
        .route(
            &format!("{l}/checkpoint/cosignatures"),
            post(cosign::<B>).layer(DefaultBodyLimit::max(SMALL_BODY_BYTES_MAX)),
        )
        .route(&format!("{l}/consistency"), get(consistency::<B>))
        .route(&format!("{l}/balances"), get(balances::<B>))
        .route(&format!("{l}/households/{{unit}}"), get(household::<B>))
        .route(&format!("{l}/statements/{{period}}"), get(statement::<B>))
        .route(
            &format!("{l}/pending-approvals"),
            get(pending_approvals::<B>),
        )
        .route(
            &format!("{l}/attachments"),
            post(upload_attachment::<B>).layer(DefaultBodyLimit::max(ATTACHMENT_BODY_BYTES_MAX)),
        )
        .route("/api/v1/attachments/{sha256}", get(attachment::<B>))
}

async fn health() -> Response {
    json_response(StatusCode::OK, &json!({"status": "ok"}))
}

async fn openapi() -> Response {
    text("application/json", OPENAPI_JSON.to_string())
}
