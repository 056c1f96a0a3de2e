//! What the handlers read from a request: its body within a limit, query parameters, a sequence
//! number in the path.

use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use gongzhang_text::api::Refusal;
use std::collections::HashMap;

/// A request body, with the limit's rejection as a problem document.
pub(super) fn body(
    body: Result<Bytes, BytesRejection>,
    max_bytes: usize,
) -> Result<Bytes, Problem> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large(max_bytes)
        } else {
            Problem::malformed(
                "unreadable_body",
                Refusal::UnreadableBody {
                    reason: &rejection.body_text(),
                },
            )
        }
    })
}

/// A body that must be strict JSON (RFC 8785's parser: no duplicate keys, no floats).
pub(super) fn json_body(raw: &[u8]) -> Result<serde_json::Value, Problem> {
    gongzhang_core::canonical::parse_strict(raw).map_err(|e| {
        Problem::malformed(
            "invalid_json",
            Refusal::BodyNotJson {
                reason: &e.to_string(),
            },
        )
    })
}

/// The query parameters, each at most once.
pub(super) fn query(raw: Option<String>) -> Result<HashMap<String, String>, Problem> {
    let mut out = HashMap::new();
    let Some(raw) = raw else { return Ok(out) };
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
        };
        let (Ok(k), Ok(v)) = (decode(k), decode(v)) else {
            return Err(Problem::malformed("invalid_query", Refusal::QueryNotUtf8));
        };
        if out.insert(k.clone(), v).is_some() {
            return Err(Problem::malformed(
                "invalid_query",
                Refusal::QueryTwice { name: &k },
            ));
        }
    }
    Ok(out)
}

/// An optional non-negative integer query parameter.
pub(super) fn number(q: &HashMap<String, String>, name: &str) -> Result<Option<u64>, Problem> {
    q.get(name)
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                Problem::malformed("invalid_query", Refusal::QueryNotNumber { name, value: v })
                    .with("parameter", name)
            })
        })
        .transpose()
}

pub(super) fn seq_param(text: &str) -> Result<u64, Problem> {
    text.parse::<u64>()
        .map_err(|_| Problem::malformed("invalid_seq", Refusal::SeqNotNumber { text }))
}
