//! The handlers. One function per route; each parses its input into core types, calls the store
//! and answers JSON (or the published text formats), or a [`Problem`].

use crate::problem::{Problem, kinds};
use crate::{
    ATTACHMENT_BODY_BYTES_MAX, AppState, BATCH_BODY_BYTES_MAX, EVENT_BODY_BYTES_MAX,
    LOG_PAGE_ENTRIES, SMALL_BODY_BYTES_MAX,
};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest as _, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gongzhang_core::Hash;
use gongzhang_core::attachment::{
    MediaType, UPLOAD_AUTHORIZATION_SCHEME, UploadHeaderError, UploadSignature,
};
use gongzhang_core::canonical;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::{PeriodRange, Unit};
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::submission::SignedEvent;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::{Receipt, SUBMISSIONS_PER_BATCH_MAX, Store, Submission};
use gongzhang_text::api::Refusal;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

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
pub const OPENAPI_JSON: &str = include_str!("../../../schemas/openapi.json");

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

// ---- inputs ----

/// A request body, with the limit's rejection as a problem document.
fn body(body: Result<Bytes, BytesRejection>, max_bytes: usize) -> Result<Bytes, Problem> {
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

/// The query parameters, each at most once.
fn query(raw: Option<String>) -> Result<HashMap<String, String>, Problem> {
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
fn number(q: &HashMap<String, String>, name: &str) -> Result<Option<u64>, Problem> {
    q.get(name)
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                Problem::malformed("invalid_query", Refusal::QueryNotNumber { name, value: v })
                    .with("parameter", name)
            })
        })
        .transpose()
}

fn seq_param(text: &str) -> Result<u64, Problem> {
    text.parse::<u64>()
        .map_err(|_| Problem::malformed("invalid_seq", Refusal::SeqNotNumber { text }))
}

// ---- outputs ----

fn hash_hex(h: &Hash) -> String {
    h.to_hex()
}

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

fn json_response(status: StatusCode, value: &Value) -> Response {
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

fn ok(value: Value) -> Result<Response, Problem> {
    Ok(json_response(StatusCode::OK, &value))
}

fn text(content_type: &'static str, body: String) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

fn fen_json(v: i128) -> Result<Value, Problem> {
    i64::try_from(v)
        .map(Value::from)
        .map_err(|_| Problem::internal(&format!("amount {v} fen does not fit in i64")))
}

/// Runs `f` on the ledger's state, answering 404 for an unknown ledger.
async fn with_ledger<B: Backend, R>(
    store: &Store<B>,
    origin: &str,
    f: impl FnOnce(&Ledger) -> R,
) -> Result<R, Problem> {
    Ok(store.read_ledger(origin, f).await?)
}

// ---- handlers ----

async fn health() -> Response {
    json_response(StatusCode::OK, &json!({"status": "ok"}))
}

async fn openapi() -> Response {
    text("application/json", OPENAPI_JSON.to_string())
}

/// The ledgers this server holds, by origin only: listing a city's thousands of communities must
/// not load each one's state (`GET /api/v1/ledgers/{ledger}` describes one).
async fn ledgers<B: Backend>(State(s): Shared<B>) -> Result<Response, Problem> {
    let out: Vec<Value> = s
        .store
        .origins()
        .await?
        .into_iter()
        .map(|origin| {
            let href = format!("/api/v1/ledgers/{}", crate::ledger_segment(&origin));
            json!({"origin": origin, "href": href})
        })
        .collect();
    ok(json!({ "ledgers": out }))
}

async fn ledger_info<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
) -> Result<Response, Problem> {
    let info = with_ledger(&s.store, &origin, |l| {
        json!({
            "origin": l.origin(),
            "community": l.community(),
            "size": l.size(),
            "log_key": l.log_key(),
            "committee": l.committee().iter().map(|k| k.to_hex()).collect::<Vec<_>>(),
            "treasurer": l.treasurer().map(|k| k.to_hex()),
            "auditor": l.auditor().map(|k| k.to_hex()),
            "revoked": l.revoked().iter().map(|(k, seq)| json!({"key": k.to_hex(), "seq": seq})).collect::<Vec<_>>(),
            "first_period": l.first_period().map(|p| p.to_string()),
            "last_closed": l.last_closed().map(|p| p.to_string()),
        })
    })
    .await?;
    let genesis = s.store.entries(&origin, 0, 1).await?;
    let mut info = info;
    if let Some(first) = genesis.first() {
        info["genesis_hash"] = json!(gongzhang_core::hash::leaf_hash(first).to_hex());
    }
    ok(info)
}

fn submission(signed: SignedEvent) -> Submission {
    Submission {
        event: signed.event,
        signatures: signed.signatures,
    }
}

async fn submit<B: Backend>(
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

async fn submit_batch<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let raw = body(raw, BATCH_BODY_BYTES_MAX)?;
    let value = canonical::parse_strict(&raw).map_err(|e| {
        Problem::malformed(
            "invalid_json",
            Refusal::BodyNotJson {
                reason: &e.to_string(),
            },
        )
    })?;
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

async fn event_entry<B: Backend>(
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

async fn entry<B: Backend>(
    State(s): Shared<B>,
    Path((origin, seq)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let seq = seq_param(&seq)?;
    Ok(entry_response(entry_bytes(&s.store, &origin, seq).await?))
}

/// The canonical bytes of entry `seq`, or 404 `unknown_entry`.
async fn entry_bytes<B: Backend>(
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

async fn event_seq<B: Backend>(store: &Store<B>, origin: &str, id: &str) -> Result<u64, Problem> {
    store
        .entry_by_event(origin, id)
        .await?
        .map(|(seq, _)| seq)
        .ok_or_else(|| unknown_event(id))
}

async fn event_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, event_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    let seq = event_seq(&s.store, &origin, &event_id).await?;
    proof_json(&s.store, &origin, seq, size).await
}

async fn event_tlog_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, event_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    let seq = event_seq(&s.store, &origin, &event_id).await?;
    tlog_proof(&s.store, &origin, seq, size).await
}

async fn entry_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, seq)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    proof_json(&s.store, &origin, seq_param(&seq)?, size).await
}

async fn entry_tlog_proof<B: Backend>(
    State(s): Shared<B>,
    Path((origin, seq)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let size = number(&query(raw)?, "size")?;
    tlog_proof(&s.store, &origin, seq_param(&seq)?, size).await
}

/// The log `from..to` as JSONL, streamed page by page so that a million-entry log is never held
/// in memory at once.
async fn log<B: Backend>(
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

async fn checkpoint<B: Backend>(
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

async fn cosign<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let raw = body(raw, SMALL_BODY_BYTES_MAX)?;
    let value = canonical::parse_strict(&raw).map_err(|e| {
        Problem::malformed(
            "invalid_json",
            Refusal::BodyNotJson {
                reason: &e.to_string(),
            },
        )
    })?;
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

async fn consistency<B: Backend>(
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

async fn balances<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
) -> Result<Response, Problem> {
    let (size, funds) = with_ledger(&s.store, &origin, |l| {
        let funds: Vec<Value> = l
            .fund_balances()
            .into_iter()
            .map(|(fund, fen)| json!({"fund": fund, "balance_fen": fen}))
            .collect();
        (l.size(), funds)
    })
    .await?;
    ok(json!({"size": size, "funds": funds}))
}

async fn household<B: Backend>(
    State(s): Shared<B>,
    Path((origin, unit)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let unit = Unit::try_from(unit.clone())
        .map_err(|_| Problem::malformed("invalid_unit", Refusal::NotAUnit { text: &unit }))?;
    let found = with_ledger(&s.store, &origin, |l| {
        l.households().get(&unit).map(|h| {
            let charges: Vec<Value> = h
                .charges()
                .map(|(seq, period, item, amount, reversed)| {
                    json!({"seq": seq, "period": period, "item": item, "amount_fen": amount, "reversed": reversed})
                })
                .collect();
            let payments: Vec<Value> = h
                .payments()
                .map(|(seq, amount, reversed)| {
                    json!({"seq": seq, "amount_fen": amount, "reversed": reversed})
                })
                .collect();
            let outstanding: Vec<Value> = h
                .outstanding()
                .into_iter()
                .map(|o| json!({"period": o.period, "item": o.item, "amount_fen": o.amount}))
                .collect();
            (
                l.size(),
                h.area_centi_m2,
                h.charged_total(),
                h.paid_total(),
                h.position(),
                charges,
                payments,
                outstanding,
            )
        })
    })
    .await?;
    let Some((size, area, charged, paid, position, charges, payments, outstanding)) = found else {
        return Err(Problem::not_found(
            "unknown_unit",
            Refusal::UnitNotRegistered {
                unit: unit.as_str(),
            },
        ));
    };
    ok(json!({
        "size": size,
        "unit": unit,
        "area_centi_m2": area,
        "charged_fen": fen_json(charged)?,
        "paid_fen": fen_json(paid)?,
        "owed_fen": fen_json(position.max(0))?,
        "prepaid_fen": fen_json((-position).max(0))?,
        "outstanding": outstanding,
        "charges": charges,
        "payments": payments,
    }))
}

async fn statement<B: Backend>(
    State(s): Shared<B>,
    Path((origin, period)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let range = PeriodRange::parse(&period)
        .map_err(|_| Problem::malformed("invalid_period", Refusal::NotAPeriod { text: &period }))?;
    let (size, statement) =
        with_ledger(&s.store, &origin, |l| (l.size(), l.statement(range))).await?;
    let statement = serde_json::to_value(&statement).map_err(|e| Problem::internal(&e))?;
    ok(json!({"size": size, "statement": statement}))
}

async fn pending_approvals<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
) -> Result<Response, Problem> {
    let (size, pending) = with_ledger(&s.store, &origin, |l| {
        let pending: Vec<Value> = l
            .pending_approvals()
            .into_iter()
            .map(|p| {
                json!({
                    "proposal": p.id,
                    "seq": p.seq,
                    "amount_fen": p.amount,
                    "approvals": p.approvals,
                    "approvals_still_needed": p.approvals_still_needed,
                })
            })
            .collect();
        (l.size(), pending)
    })
    .await?;
    ok(json!({"size": size, "pending": pending}))
}

/// The upload signature of a request, or the problem that refuses it: 401 with a challenge when
/// there is none, 400 when the header is not one.
fn upload_signature(headers: &HeaderMap) -> Result<UploadSignature, Response> {
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        let mut refused = Problem::explained(
            StatusCode::UNAUTHORIZED,
            kinds::UNAUTHENTICATED,
            "upload_signature_missing",
            "Upload signature missing",
            &Refusal::UploadSignatureMissing,
        )
        .into_response();
        refused.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(UPLOAD_AUTHORIZATION_SCHEME),
        );
        return Err(refused);
    };
    authorization
        .to_str()
        .ok()
        .ok_or(UploadHeaderError::Scheme)
        .and_then(UploadSignature::parse_header)
        .map_err(|e| {
            Problem::malformed(
                "invalid_upload_signature",
                Refusal::UploadSignatureMalformed {
                    reason: &e.to_string(),
                },
            )
            .into_response()
        })
}

/// An upload. The signature's key must be valid, recent and hold a role in the ledger before the
/// body is read, so that nobody else can make the server take in a file; then the file is read
/// (within the limit) and checked whole.
async fn upload_attachment<B: Backend>(
    State(s): Shared<B>,
    Path(origin): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, Problem> {
    let signature = match upload_signature(request.headers()) {
        Ok(signature) => signature,
        Err(refused) => return Ok(refused),
    };
    s.store.admit_upload(&origin, &signature).await?;
    let headers = request.headers().clone();
    let raw = Bytes::from_request(request, &()).await;
    let raw = body(raw, ATTACHMENT_BODY_BYTES_MAX)?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let receipt = s
        .store
        .upload_attachment(&origin, raw.to_vec(), declared.as_deref(), &signature)
        .await?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({
            "sha256": receipt.sha256.to_hex(),
            "bytes": receipt.length_bytes,
            "media_type": receipt.media_type.as_str(),
            "unnamed_until": receipt.unnamed_until_ms / 1000,
        }),
    ))
}

async fn attachment<B: Backend>(
    State(s): Shared<B>,
    Path(sha256): Path<String>,
) -> Result<Response, Problem> {
    let hash = Hash::from_hex(&sha256)
        .map_err(|_| Problem::malformed("invalid_sha256", Refusal::NotASha256 { text: &sha256 }))?;
    let Some(found) = s.store.attachment(&hash).await? else {
        return Err(Problem::not_found(
            "unknown_attachment",
            Refusal::UnknownAttachment { sha256: &sha256 },
        ));
    };
    Ok((download_headers(&hash, &found.media_type), found.bytes).into_response())
}

/// The headers of a download: the stored type only if it is one the ledger takes, or plain text
/// (older and restored files, the demo's documents); anything else goes out as bytes. Never
/// sniffed by the browser, never run as a page of the notice board's site (a sandbox with nothing
/// allowed), and a file name made from the hash: images and text open in the browser, everything
/// else is saved.
fn download_headers(hash: &Hash, stored_type: &str) -> [(header::HeaderName, HeaderValue); 4] {
    let essence = stored_type.split(';').next().unwrap_or_default().trim();
    let media_type = MediaType::from_name(essence);
    let plain_text = media_type.is_none() && essence.eq_ignore_ascii_case("text/plain");
    let (content_type, extension, disposition) = match media_type {
        Some(t @ (MediaType::Jpeg | MediaType::Png | MediaType::Webp)) => {
            (t.as_str(), t.extension(), "inline")
        }
        Some(t @ MediaType::Pdf) => (t.as_str(), t.extension(), "attachment"),
        None if plain_text => ("text/plain; charset=utf-8", ".txt", "inline"),
        None => ("application/octet-stream", ".bin", "attachment"),
    };
    let name = format!("gongzhang-{}{extension}", &hash.to_hex()[..16]);
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::security::DOWNLOAD_CSP),
        ),
        (
            header::CONTENT_DISPOSITION,
            // INVARIANT: the name is ASCII letters, digits, '-' and '.', always a valid value.
            HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
        ),
    ]
}
