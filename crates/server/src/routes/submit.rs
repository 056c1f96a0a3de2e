//! Submissions: one signed event, or a batch of them, appended to the log with a receipt each.

use super::Shared;
use super::input::{body, json_body};
use super::output::{hash_hex, ok};
use crate::problem::Problem;
use crate::{BATCH_BODY_BYTES_MAX, EVENT_BODY_BYTES_MAX};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::submission::SignedEvent;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::{Receipt, SUBMISSIONS_PER_BATCH_MAX, Submission};
use gongzhang_text::api::Refusal;
use serde_json::{Value, json};

fn tree_head_json(head: &TreeHead) -> Value {
    json!({
        "size": head.size,
        "root": hash_hex(&head.root),
        "fingerprint": head.fingerprint(),
    })
}

fn receipt_json(event_id: &str, r: &Receipt) -> Value {
    json!({
        "event_id": event_id,
        "seq": r.seq,
        "entry_hash": hash_hex(&r.entry_hash),
        "checkpoint": tree_head_json(&r.checkpoint),
    })
}

fn submission(signed: SignedEvent) -> Submission {
    Submission {
        event: signed.event,
        signatures: signed.signatures,
    }
}

pub(super) async fn submit<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let raw = body(raw, EVENT_BODY_BYTES_MAX)?;
    let signed = SignedEvent::parse(&raw)?;
    let id = signed.event.id().to_string();
    let receipt = s.store.append(&origin, submission(signed)).await?;
    ok(receipt_json(&id, &receipt))
}

pub(super) async fn submit_batch<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let raw = body(raw, BATCH_BODY_BYTES_MAX)?;
    let value = json_body(&raw)?;
    let Value::Object(mut object) = value else {
        return Err(Problem::malformed("invalid_field", Refusal::BatchNotObject));
    };
    if let Some(k) = object
        .keys()
        .find(|k| !["events", "expected_size"].contains(&k.as_str()))
    {
        return Err(Problem::malformed(
            "unknown_field",
            Refusal::BatchUnknownField { field: k },
        ));
    }
    let expected_size = match object.remove("expected_size") {
        None => None,
        Some(Value::Number(n)) if n.is_u64() => n.as_u64(),
        Some(_) => {
            return Err(Problem::malformed(
                "invalid_field",
                Refusal::ExpectedSizeNotNumber,
            ));
        }
    };
    let Some(Value::Array(events)) = object.remove("events") else {
        return Err(Problem::malformed(
            "invalid_field",
            Refusal::BatchWithoutEvents,
        ));
    };
    if events.len() > SUBMISSIONS_PER_BATCH_MAX {
        return Err(gongzhang_store::store::AppendError::BatchTooLarge {
            found: events.len(),
            max: SUBMISSIONS_PER_BATCH_MAX,
        }
        .into());
    }
    let mut submissions = Vec::with_capacity(events.len());
    let mut ids = Vec::with_capacity(events.len());
    for (index, value) in events.into_iter().enumerate() {
        let signed =
            SignedEvent::from_value(value).map_err(|e| Problem::from(e).with("index", index))?;
        ids.push(signed.event.id().to_string());
        submissions.push(submission(signed));
    }
    let receipts = s
        .store
        .append_batch(&origin, expected_size, submissions)
        .await?;
    let receipts: Vec<Value> = ids
        .iter()
        .zip(&receipts)
        .map(|(id, r)| receipt_json(id, r))
        .collect();
    ok(json!({ "receipts": receipts }))
}
