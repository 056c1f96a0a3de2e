//! Proofs and checkpoints: inclusion proofs (JSON and tlog-proof), the signed checkpoint, witness
//! cosignatures of it and consistency proofs.

use super::Shared;
use super::entries::{entry_bytes, event_seq};
use super::input::{body, json_body, number, query, seq_param};
use super::output::{hash_hex, ok, text};
use crate::SMALL_BODY_BYTES_MAX;
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use gongzhang_text::api::Refusal;
use serde_json::{Value, json};

/// An inclusion proof as JSON: the entry, its hash, the tree size and the audit path.
async fn proof_json<B: Backend>(
    store: &Store<B>,
    origin: &str,
    seq: u64,
    size: Option<u64>,
) -> Result<Response, Problem> {
    // An entry the log does not have is not found, whatever tree size is asked for.
    let entry = entry_bytes(store, origin, seq).await?;
    let tree_size = match size {
        Some(size) => size,
        None => store.size(origin).await?,
    };
    let hashes = store.inclusion_proof(origin, seq, tree_size).await?;
    ok(json!({
        "seq": seq,
        "tree_size": tree_size,
        "entry_hash": gongzhang_core::hash::leaf_hash(&entry).to_hex(),
        "hashes": hashes.iter().map(hash_hex).collect::<Vec<_>>(),
    }))
}

async fn tlog_proof<B: Backend>(
    store: &Store<B>,
    origin: &str,
    seq: u64,
    size: Option<u64>,
) -> Result<Response, Problem> {
    let proof = store.tlog_proof(origin, seq, size).await?;
    Ok(text("text/plain; charset=utf-8", proof))
}

pub(super) async fn event_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, event_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    let seq = event_seq(&s.store, &origin, &event_id).await?;
    proof_json(&s.store, &origin, seq, size).await
}

pub(super) async fn event_tlog_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, event_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    let seq = event_seq(&s.store, &origin, &event_id).await?;
    tlog_proof(&s.store, &origin, seq, size).await
}

pub(super) async fn entry_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, seq)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    proof_json(&s.store, &origin, seq_param(&seq)?, size).await
}

pub(super) async fn entry_tlog_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, seq)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    tlog_proof(&s.store, &origin, seq_param(&seq)?, size).await
}

pub(super) async fn checkpoint<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    match s.store.checkpoint(&origin, size).await? {
        Some(note) => Ok(text("text/plain; charset=utf-8", note)),
        None => Err(Problem::not_found(
            "no_checkpoint",
            Refusal::NoCheckpoint { size },
        )),
    }
}

pub(super) async fn cosign<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let raw = body(raw, SMALL_BODY_BYTES_MAX)?;
    let value = json_body(&raw)?;
    let known = |k: &String| k == "size" || k == "cosignature";
    let only_known = value.as_object().is_some_and(|o| o.keys().all(known));
    let (true, Some(size), Some(line)) = (
        only_known,
        value.get("size").and_then(Value::as_u64),
        value.get("cosignature").and_then(Value::as_str),
    ) else {
        return Err(Problem::malformed(
            "invalid_field",
            Refusal::CosignatureBodyShape,
        ));
    };
    s.store
        .add_cosignature(&origin, size, line, &s.witnesses)
        .await?;
    let note = s.store.checkpoint(&origin, Some(size)).await?;
    Ok(text("text/plain; charset=utf-8", note.unwrap_or_default()))
}

pub(super) async fn consistency<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let q = query(raw)?;
    let from = number(&q, "from")?;
    let to = number(&q, "to")?;
    let (Some(from), to) = (from, to) else {
        return Err(Problem::malformed(
            "invalid_query",
            Refusal::ConsistencyNeedsFrom,
        ));
    };
    let to = match to {
        Some(to) => to,
        None => s.store.size(&origin).await?,
    };
    let hashes = s.store.consistency_proof(&origin, from, to).await?;
    ok(json!({
        "from": from,
        "to": to,
        "hashes": hashes.iter().map(hash_hex).collect::<Vec<_>>(),
    }))
}
