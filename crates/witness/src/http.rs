//! The witness over HTTP: its console's pages ([`crate::console`]) and `POST /add-checkpoint` (the
//! submission prefix is the root), answered
//! as `c2sp.org/tlog-witness` says — `200` with the cosignature lines, `409` with the latest size
//! as `text/x.tlog.size`, and `400`/`403`/`404`/`422` with a line of plain text saying why.
//!
//! There is no authentication beyond the checkpoint's signature (the protocol has none): anyone
//! may relay a log's checkpoint, and the witness cosigns only what a trusted log key signed and
//! what extends the tree it cosigned before. A body over the protocol's largest request is
//! refused `413` before it is read; requests are limited in time and in number at once.

use crate::verify::Unverified;
use crate::{AddError, Witness};
use axum::Router;
use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use gongzhang_core::witness::{
    ADD_CHECKPOINT_PATH, MAX_REQUEST_BYTES, SIZE_CONTENT_TYPE, size_body,
};
use gongzhang_store::witness::WitnessState;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;

/// How long one request may take before it is answered `503`, in milliseconds.
pub const REQUEST_TIMEOUT_MS: u64 = 10_000;
/// Requests handled at once; further requests wait (within the timeout).
pub const CONCURRENT_REQUESTS_MAX: usize = 256;

const PLAIN: &str = "text/plain; charset=utf-8";

/// The witness's HTTP application.
pub fn router<S: WitnessState>(witness: Arc<Witness<S>>) -> Router {
    Router::new()
        .route(ADD_CHECKPOINT_PATH, post(add_checkpoint::<S>))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .merge(crate::console::routes::<S>())
        .with_state(witness)
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(
                    gongzhang_server::security::headers,
                ))
                .layer(HandleErrorLayer::new(overloaded))
                .timeout(Duration::from_millis(REQUEST_TIMEOUT_MS))
                .concurrency_limit(CONCURRENT_REQUESTS_MAX),
        )
}

async fn add_checkpoint<S: WitnessState>(
    State(witness): State<Arc<Witness<S>>>,
    body: Bytes,
) -> Response {
    match witness.add_checkpoint(&body).await {
        Ok(lines) => text(StatusCode::OK, PLAIN, lines),
        Err(AddError::Refused(refusal)) => {
            let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
            match refusal.latest_size() {
                Some(size) => text(status, SIZE_CONTENT_TYPE, size_body(size)),
                None => text(status, PLAIN, format!("{refusal}\n")),
            }
        }
        Err(AddError::Unverified(unverified)) => {
            let status = match unverified {
                Unverified::Unreachable(_) => StatusCode::SERVICE_UNAVAILABLE,
                Unverified::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            };
            text(
                status,
                PLAIN,
                format!("{unverified}; nothing was cosigned\n"),
            )
        }
        Err(error) => {
            tracing::error!(%error, "add-checkpoint failed");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                PLAIN,
                "the witness could not record the checkpoint; nothing was cosigned\n".to_owned(),
            )
        }
    }
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

async fn overloaded(error: tower::BoxError) -> Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        text(
            StatusCode::SERVICE_UNAVAILABLE,
            PLAIN,
            "the witness took too long; nothing was cosigned, try again\n".to_owned(),
        )
    } else {
        text(
            StatusCode::INTERNAL_SERVER_ERROR,
            PLAIN,
            format!("{error}\n"),
        )
    }
}
