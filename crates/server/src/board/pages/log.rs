//! `/log?page=N`: the log in words, 50 entries a page, newest first.

use super::shared::{Cache, Shared, channel_of_body, checkpoint_view, html, item_name};
use crate::AppState;
use crate::board::facts::FactsCache;
use crate::board::{Chrome, Ctx, Failure, LOG_PAGE_ROWS, WebLang as _};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::types::{PeriodRange, Role};
use gongzhang_store::backend::Backend;
use gongzhang_text::Lang;
use gongzhang_text::format::{area_m2, beijing, beijing_iso, yuan};
use gongzhang_text::names::{fund_name, role_name, type_name};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// An entry in words.
#[derive(Debug, Clone)]
pub(crate) struct LogRow {
    pub seq: u64,
    pub time: String,
    pub time_iso: String,
    pub kind: String,
    pub what: String,
    pub signers: String,
    pub amount: String,
    pub unit: String,
    pub unit_href: String,
    pub json_href: String,
}

#[derive(Template)]
#[template(path = "board/log.html")]
pub(crate) struct LogPage {
    pub c: Chrome,
    pub page: u64,
    pub pages: u64,
    pub from: u64,
    pub last: u64,
    pub newer: String,
    pub older: String,
    pub rows: Vec<LogRow>,
}

/// `/log`.
pub async fn log<B: Backend>(State(s): Shared<B>, Extension(cache): Cache, ctx: Ctx) -> Response {
    ctx.respond(log_page(&s, &cache, &ctx).await)
}

fn body_str<'a>(body: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

/// What an entry records, in a few words, and its amount in fen if it has one.
fn describe(
    entry: &Entry,
    l: Lang,
    proposals: &HashMap<String, (String, i64)>,
    item_names: &BTreeMap<String, String>,
) -> (String, Option<i128>) {
    let body = entry.event().body();
    let s = |k| body_str(body, k).unwrap_or_default().to_string();
    let amount = body
        .get("amount_fen")
        .and_then(Value::as_i64)
        .map(i128::from);
    let category = |k| item_name(body_str(body, k).unwrap_or_default(), item_names, l);
    let fund = |k| fund_name(body_str(body, k).unwrap_or_default(), l);
    match entry.event().kind() {
        "ledger_opened" => (s("community"), None),
        "role_granted" => {
            let role =
                serde_json::from_value::<Role>(body.get("role").cloned().unwrap_or_default())
                    .map(|r| role_name(r, l).to_string())
                    .unwrap_or_default();
            (role, None)
        }
        "key_revoked" => (s("reason"), None),
        "household_registered" | "household_corrected" => {
            let area = body
                .get("area_centi_m2")
                .and_then(Value::as_i64)
                .map(area_m2)
                .unwrap_or_default();
            (
                format!("{area} ㎡ {}", s("reason")).trim().to_string(),
                None,
            )
        }
        "charges_assessed" => {
            let charges = body.get("charges").and_then(Value::as_array);
            let n = charges.map_or(0, Vec::len);
            let total: i128 = charges
                .into_iter()
                .flatten()
                .filter_map(|c| c.get("amount_fen").and_then(Value::as_i64))
                .map(i128::from)
                .sum();
            let what = if l.is_en() {
                format!("{}: {n} charges", s("period"))
            } else {
                format!("{} 月份，{n} 笔", s("period"))
            };
            (what, Some(total))
        }
        "payment_received" => (
            channel_of_body(body.get("channel"), l)
                .unwrap_or_default()
                .to_string(),
            amount,
        ),
        "income_received" => (
            format!(
                "{} · {} · {}",
                s("payer"),
                category("category"),
                fund("fund")
            ),
            amount,
        ),
        "grant_received" => (format!("{} · {}", s("grantor"), s("purpose")), amount),
        "expense_proposed" => (
            format!(
                "{} · {} · {}",
                s("payee"),
                category("category"),
                s("description")
            ),
            amount,
        ),
        "expense_approved" | "expense_paid" => {
            let id = s("proposal");
            match proposals.get(&id) {
                Some((payee, fen)) => (payee.clone(), Some(i128::from(*fen))),
                None => (id, None),
            }
        }
        "funds_transferred" => (
            format!("{} → {}", fund("from_fund"), fund("to_fund")),
            amount,
        ),
        "reversal" => (s("reason"), None),
        "payment_demand_issued" => (String::new(), amount),
        "period_closed" => {
            let period = body
                .get("statement")
                .and_then(|st| st.get("period"))
                .and_then(|p| serde_json::from_value::<PeriodRange>(p.clone()).ok())
                .map(|p| p.to_string())
                .unwrap_or_default();
            (period, None)
        }
        "audit_attested" => {
            let through = body.get("through_seq").and_then(Value::as_u64).unwrap_or(0);
            let what = if l.is_en() {
                format!("audited through entry {through}: {}", s("opinion"))
            } else {
                format!("审计至第 {through} 条：{}", s("opinion"))
            };
            (what, None)
        }
        "budget_adopted" => {
            let year = body.get("year").and_then(Value::as_u64).unwrap_or(0);
            (
                if l.is_en() {
                    format!("budget {year}")
                } else {
                    format!("{year} 年预算")
                },
                None,
            )
        }
        _ => (String::new(), amount),
    }
}

async fn log_page<B: Backend>(
    s: &AppState<B>,
    cache: &FactsCache,
    ctx: &Ctx,
) -> Result<Response, Failure> {
    let l = ctx.l;
    let at = ctx.at(s).await?;
    let (p, amp) = (&at.prefix, l.amp());
    let (size, community) = s
        .store
        .read_ledger(&at.origin, |ledger| {
            (ledger.size(), ledger.community().to_string())
        })
        .await?;
    let pages = size.div_ceil(LOG_PAGE_ROWS).max(1);
    let page = match ctx.query("page") {
        None => 1,
        Some(text) => match text.parse::<u64>() {
            Ok(n) if (1..=pages).contains(&n) => n,
            _ => {
                return Err(Failure::NotFound {
                    zh: format!("日志没有第 {text} 页：共 {pages} 页"),
                    en: format!("the log has no page {text}: it has {pages} pages"),
                });
            }
        },
    };
    let to = size.saturating_sub((page - 1) * LOG_PAGE_ROWS);
    let from = to.saturating_sub(LOG_PAGE_ROWS);
    let entries: Vec<Entry> = s
        .store
        .entries(&at.origin, from, to)
        .await?
        .iter()
        .map(|bytes| Entry::parse(bytes))
        .collect::<Result<_, _>>()
        .map_err(Failure::internal)?;
    let wanted: Vec<String> = entries
        .iter()
        .filter_map(|e| body_str(e.event().body(), "proposal").map(str::to_string))
        .collect();
    let proposals: HashMap<String, (String, i64)> = s
        .store
        .read_ledger(&at.origin, |ledger| {
            wanted
                .iter()
                .filter_map(|id| {
                    ledger.proposals().get(id).map(|p| {
                        (
                            id.clone(),
                            (p.body.payee.as_str().to_string(), p.body.amount_fen.get()),
                        )
                    })
                })
                .collect()
        })
        .await?;
    let rows = cache
        .read(&s.store, &at.origin, size, |facts| {
            entries
                .iter()
                .rev()
                .map(|e| {
                    let (what, amount) = describe(e, l, &proposals, &facts.item_names);
                    let signers: Vec<String> = e
                        .signatures()
                        .iter()
                        .map(|sig| {
                            let roles = facts.roles_at(sig.key(), e.seq());
                            if roles.is_empty() {
                                let hex = sig.key().to_hex();
                                format!("{} {}…", l.pick("密钥", "key"), &hex[..8])
                            } else {
                                roles
                                    .iter()
                                    .map(|r| role_name(*r, l))
                                    .collect::<Vec<_>>()
                                    .join(l.pick("、", ", "))
                            }
                        })
                        .collect();
                    let unit = body_str(e.event().body(), "unit")
                        .unwrap_or_default()
                        .to_string();
                    let q = l.q();
                    LogRow {
                        seq: e.seq(),
                        time: beijing(e.recorded_at()),
                        time_iso: beijing_iso(e.recorded_at()),
                        kind: type_name(e.event().kind(), l),
                        what,
                        signers: signers.join(l.pick("；", "; ")),
                        amount: amount.map(yuan).unwrap_or_default(),
                        unit_href: if unit.is_empty() {
                            String::new()
                        } else {
                            format!("{p}/unit/{unit}{q}")
                        },
                        unit,
                        json_href: format!("/api/v1/ledgers/{}/entries/{}", at.seg, e.seq()),
                    }
                })
                .collect()
        })
        .await?;
    let link = |n: u64| format!("{p}/log?page={n}{amp}");
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let title = l.pick("账本日志", "The log").to_string();
    html(&LogPage {
        c: ctx.chrome(Some(&at), &community, title, Some(cp.reflects)),
        page,
        pages,
        from,
        last: to.saturating_sub(1),
        newer: if page > 1 {
            link(page - 1)
        } else {
            String::new()
        },
        older: if page < pages {
            link(page + 1)
        } else {
            String::new()
        },
        rows,
    })
}
