//! Entries of the log: by event id or sequence number, and the log itself as JSONL.

use super::Shared;
use super::input::{number, query, seq_param};
use crate::LOG_PAGE_ENTRIES;
use crate::problem::Problem;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use gongzhang_text::api::Refusal;

fn entry_response(bytes: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response()
}

pub(super) async fn event_entry<B: Backend>(
    State(s): Shared<B>,
    Path((origin, event_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    match s.store.entry_by_event(&origin, &event_id).await? {
        Some((_, bytes)) => Ok(entry_response(bytes)),
        None => Err(unknown_event(&event_id)),
    }
}

fn unknown_event(event_id: &str) -> Problem {
    Problem::not_found("unknown_event", Refusal::UnknownEvent { event_id })
}

pub(super) async fn entry<B: Backend>(
    State(s): Shared<B>,
    Path((origin, seq)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let seq = seq_param(&seq)?;
    Ok(entry_response(entry_bytes(&s.store, &origin, seq).await?))
}

/// The canonical bytes of entry `seq`, or 404 `unknown_entry`.
pub(super) async fn entry_bytes<B: Backend>(
    store: &Store<B>,
    origin: &str,
    seq: u64,
) -> Result<Vec<u8>, Problem> {
    store
        .entries(origin, seq, seq.saturating_add(1))
        .await?
        .pop()
        .ok_or_else(|| Problem::not_found("unknown_entry", Refusal::UnknownEntry { seq }))
}

pub(super) async fn event_seq<B: Backend>(
    store: &Store<B>,
    origin: &str,
    id: &str,
) -> Result<u64, Problem> {
    store
        .entry_by_event(origin, id)
        .await?
        .map(|(seq, _)| seq)
        .ok_or_else(|| unknown_event(id))
}

/// The log `from..to` as JSONL, streamed page by page so that a million-entry log is never held
/// in memory at once.
pub(super) async fn log<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let q = query(raw)?;
    let size = s.store.size(&origin).await?;
    let from = number(&q, "from")?.unwrap_or(0);
    let to = number(&q, "to")?.unwrap_or(size).min(size);
    if from > to {
        return Err(Problem::malformed(
            "invalid_range",
            Refusal::RangeReversed { from, to },
        ));
    }
    let store = s.store.clone();
    let stream = futures_util::stream::unfold(from, move |next| {
        let store = store.clone();
        let origin = origin.clone();
        async move {
            if next >= to {
                return None;
            }
            let end = to.min(next.saturating_add(LOG_PAGE_ENTRIES));
            match store.jsonl(&origin, next, end).await {
                Ok(page) => Some((Ok::<_, std::io::Error>(Bytes::from(page)), end)),
                Err(e) => {
                    // The status line is gone; ending the body early makes the client see a
                    // short log, which fails its verification rather than passing silently.
                    tracing::error!(error = %e, "log stream failed");
                    Some((Err(std::io::Error::other(e.to_string())), to))
                }
            }
        }
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jsonl; charset=utf-8"),
    );
    headers.insert("x-log-size", HeaderValue::from(size));
    Ok(response)
}
