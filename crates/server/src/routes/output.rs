//! How the handlers answer: JSON with a status, or text of a published format.

use crate::problem::Problem;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongzhang_core::Hash;
use serde_json::Value;

pub(super) fn hash_hex(h: &Hash) -> String {
    h.to_hex()
}

pub(super) fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        value.to_string(),
    )
        .into_response()
}

pub(super) fn ok(value: Value) -> Result<Response, Problem> {
    Ok(json_response(StatusCode::OK, &value))
}

pub(super) fn text(content_type: &'static str, body: String) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}
