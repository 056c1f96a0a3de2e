//! The witness's own pages (见证人监督台): every log it watches with what it last cosigned and
//! when, and alerts — a signed request that contradicts what it cosigned (another root at a size
//! it cosigned, a consistency proof that does not verify), downloadable as evidence, and a log
//! that has asked nothing for more than a day. Chinese first (`?lang=en`), no script, the notice
//! board's stylesheet, the overview as a CSV that Excel opens.
//!
//! Routes: `GET /`, `GET /overview.csv`, `GET /evidence/{id}`, `GET /board.css`.

use crate::Witness;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongzhang_core::entry::RecordedAt;
use gongzhang_core::ledger::types::yuan_plain;
use gongzhang_server::board::WebLang as _;
use gongzhang_store::witness::{WitnessRefusal, WitnessState};
use gongzhang_text::Lang;
use gongzhang_text::format::{beijing, yuan};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A log that has asked for no cosignature for this long is flagged, in seconds: a day.
pub const QUIET_ALERT_S: u64 = 24 * 60 * 60;
/// Refusals read for the console.
pub const REFUSALS_SHOWN: u32 = 200;

const BOARD_CSS: &str = include_str!("../../server/static/board.css");

/// The console's routes.
pub fn routes<S: WitnessState>() -> Router<Arc<Witness<S>>> {
    Router::new()
        .route("/", get(overview::<S>))
        .route("/overview.csv", get(overview_csv::<S>))
        .route("/evidence/{id}", get(evidence::<S>))
        .route("/board.css", get(stylesheet))
}

#[derive(Debug, serde::Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn lang(query: &LangQuery) -> Lang {
    match query.lang.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// One alert on a log.
#[derive(Debug, Clone)]
struct Alert {
    text: String,
    evidence: Option<u64>,
}

/// One log's row.
#[derive(Debug, Clone)]
struct Row {
    origin: String,
    cosigned: bool,
    size: u64,
    at: String,
    alerts: Vec<Alert>,
    books: Option<Books>,
}

/// A mirrored ledger's figures as the console shows them.
#[derive(Debug, Clone)]
struct Books {
    community: String,
    size: u64,
    funds_fen: i128,
    funds: String,
    households: usize,
    in_arrears: usize,
    arrears_fen: i128,
    arrears: String,
    last_closed: String,
    pending_approvals: usize,
}

/// Months without a close, counted from the last entry's month, after which a close is overdue.
pub const CLOSE_OVERDUE_MONTHS: i32 = 3;

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    l: Lang,
    witness: String,
    logs: Vec<Row>,
    alerts: usize,
    any_books: bool,
}

fn time_of(seconds: u64) -> String {
    RecordedAt::from_unix_ms(i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX))
        .map(beijing)
        .unwrap_or_default()
}

fn refusal_alert(r: &WitnessRefusal, l: Lang) -> Alert {
    let what = match r.code.as_str() {
        "root_mismatch" => l.pick(
            "分叉：同一条数却是另一个根（账本给不同的人看不同的账）",
            "split view: another root at a size it cosigned",
        ),
        "bad_proof" => l.pick(
            "一致性证明不成立：新检查点不包含联署过的内容（账本被改写）",
            "the consistency proof does not verify: the log was rewritten",
        ),
        crate::SMALLER_THAN_COSIGNED => l.pick(
            "账本签出的检查点比见证人联署过的还小：丢了已公布的条目（数据库可能从旧备份恢复，或被回滚）",
            "the log signed a smaller tree than one this witness cosigned: published entries are gone (restored from an older copy, or rolled back)",
        ),
        _ if r.status == 422 => l.pick(
            "账本的条目未通过核对（签名、链或账本规则），未联署",
            "the log's entries fail the ledger's checks (signatures, chain or rules); not cosigned",
        ),
        _ => l.pick("被拒绝的签名请求", "a refused signed request"),
    };
    let code = match r.code.as_str() {
        "root_mismatch" | "bad_proof" | crate::SMALLER_THAN_COSIGNED => String::new(),
        code => format!("（{code}）"),
    };
    Alert {
        text: format!(
            "{}{}{what}{code}",
            time_of(r.refused_at),
            l.pick("：", ": ")
        ),
        evidence: Some(r.id),
    }
}

async fn rows<S: WitnessState>(witness: &Witness<S>, l: Lang) -> Result<Vec<Row>, Response> {
    let state = witness.state();
    let heads = state.witness_heads().await.map_err(internal)?;
    let refusals = state
        .witness_refusals(None, REFUSALS_SHOWN)
        .await
        .map_err(internal)?;
    let now = witness.now();
    let mut by_origin: BTreeMap<String, Row> = witness
        .logs()
        .origins()
        .map(|o| {
            (
                o.to_owned(),
                Row {
                    origin: o.to_owned(),
                    cosigned: false,
                    size: 0,
                    at: String::new(),
                    alerts: Vec::new(),
                    books: None,
                },
            )
        })
        .collect();
    for head in heads {
        let row = by_origin.entry(head.origin.clone()).or_insert_with(|| Row {
            origin: head.origin.clone(),
            cosigned: false,
            size: 0,
            at: String::new(),
            alerts: Vec::new(),
            books: None,
        });
        row.cosigned = true;
        row.size = head.head.size;
        row.at = time_of(head.cosigned_at);
        if now.saturating_sub(head.cosigned_at) > QUIET_ALERT_S {
            row.alerts.push(Alert {
                text: l
                    .pick(
                        "超过一天没有请求联署（账本服务器是否在线？）",
                        "no request for a cosignature for more than a day (is the log's server up?)",
                    )
                    .to_owned(),
                evidence: None,
            });
        }
    }
    for refusal in &refusals {
        if let Some(row) = by_origin.get_mut(&refusal.origin) {
            row.alerts.push(refusal_alert(refusal, l));
        }
    }
    for row in by_origin.values_mut() {
        let Some(summary) = witness.summary(&row.origin).await else {
            continue;
        };
        // A ledger never closed is not flagged here: its first period is not in the summary.
        let overdue = match (summary.last_closed, summary.last_period) {
            (Some(closed), Some(last)) => closed.months_until(last) > CLOSE_OVERDUE_MONTHS,
            _ => false,
        };
        if overdue {
            row.alerts.push(Alert {
                text: l
                    .pick(
                        "结账逾期：最近一次结账已超过三个月",
                        "a close is overdue: the last was more than three months ago",
                    )
                    .to_owned(),
                evidence: None,
            });
        }
        row.books = Some(Books {
            community: summary.community,
            size: summary.size,
            funds_fen: summary.funds_fen,
            funds: yuan(summary.funds_fen),
            households: summary.households,
            in_arrears: summary.in_arrears,
            arrears_fen: summary.arrears_fen,
            arrears: yuan(summary.arrears_fen),
            last_closed: summary.last_closed.map_or_else(
                || l.pick("尚未结账", "none yet").to_owned(),
                |p| p.to_string(),
            ),
            pending_approvals: summary.pending_approvals,
        });
    }
    Ok(by_origin.into_values().collect())
}

async fn overview<S: WitnessState>(
    State(witness): State<Arc<Witness<S>>>,
    Query(query): Query<LangQuery>,
) -> Response {
    let l = lang(&query);
    let logs = match rows(&witness, l).await {
        Ok(rows) => rows,
        Err(response) => return response,
    };
    let alerts = logs.iter().filter(|r| !r.alerts.is_empty()).count();
    let page = ConsolePage {
        l,
        witness: witness.verifier().name().to_owned(),
        any_books: logs.iter().any(|r| r.books.is_some()),
        logs,
        alerts,
    };
    match page.render() {
        Ok(html) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            html,
        )
            .into_response(),
        Err(e) => internal(e),
    }
}

async fn overview_csv<S: WitnessState>(
    State(witness): State<Arc<Witness<S>>>,
    Query(query): Query<LangQuery>,
) -> Response {
    let l = lang(&query);
    let logs = match rows(&witness, l).await {
        Ok(rows) => rows,
        Err(response) => return response,
    };
    let mut csv = String::from("\u{feff}");
    csv.push_str(l.pick(
        "账本,已联署条数,联署时间（北京时间）,提醒数,小区,资金余额合计（元）,欠费户数,欠费金额（元）,最近结账,待批支出\r\n",
        "log,cosigned entries,cosigned at (Beijing time),alerts,community,funds (yuan),households in arrears,arrears (yuan),last close,awaiting approval\r\n",
    ));
    for row in &logs {
        let books = row.books.as_ref().map_or_else(
            || ",,,,,".to_owned(),
            |b| {
                format!(
                    "{},{},{},{},{},{}",
                    csv_field(&b.community),
                    yuan_plain(b.funds_fen),
                    b.in_arrears,
                    yuan_plain(b.arrears_fen),
                    b.last_closed,
                    b.pending_approvals
                )
            },
        );
        csv.push_str(&format!(
            "{},{},{},{},{books}\r\n",
            csv_field(&row.origin),
            if row.cosigned {
                row.size.to_string()
            } else {
                String::new()
            },
            row.at,
            row.alerts.len()
        ));
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"witness-overview.csv\""),
            ),
        ],
        csv,
    )
        .into_response()
}

/// A field as CSV: quoted when it holds a comma, a quote or a line break; a leading `=`, `+`,
/// `-` or `@` is prefixed with `'` so that Excel does not read a formula.
fn csv_field(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

async fn evidence<S: WitnessState>(
    State(witness): State<Arc<Witness<S>>>,
    Path(id): Path<u64>,
) -> Response {
    let refusals = match witness.state().witness_refusals(None, REFUSALS_SHOWN).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let Some(r) = refusals.into_iter().find(|r| r.id == id) else {
        return (StatusCode::NOT_FOUND, "no such evidence\n").into_response();
    };
    let body = format!(
        "# Evidence kept by the witness {witness_name} (c2sp.org/tlog-witness)\n\
         # log: {origin}\n# refused at: {at} (Beijing time), HTTP {status}, {code}\n# reason: {reason}\n\n\
         ## The checkpoint this witness had cosigned\n{witnessed}\n\
         ## The request it refused, signed by the log\n{request}",
        witness_name = witness.verifier().name(),
        origin = r.origin,
        at = time_of(r.refused_at),
        status = r.status,
        code = r.code,
        reason = r.reason,
        witnessed = r.witnessed.as_deref().unwrap_or("(none)\n"),
        request = r.request,
    );
    let name = format!("attachment; filename=\"witness-evidence-{id}.txt\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        BOARD_CSS,
    )
        .into_response()
}

fn internal(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "the witness console failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the witness's database could not be read\n",
    )
        .into_response()
}
