//! `/statements` (every period close) and `/statements/{period}` (one statement, or its CSV).

use super::arrears::{BandRow, bands};
use super::shared::{
    Cache, Shared, as_of, checkpoint_view, html, item_name, month_range, period_slug,
};
use crate::AppState;
use crate::board::facts::{FactsCache, LogFacts, PaymentFact};
use crate::board::{Chrome, Ctx, Failure, WebLang as _};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::{CategoryAmount, LedgerEvent, Statement};
use gongzhang_core::ledger::types::{Period, PeriodRange};
use gongzhang_store::backend::Backend;
use gongzhang_text::Lang;
use gongzhang_text::csv::statement_csv;
use gongzhang_text::format::{beijing, beijing_date, yuan_of};
use gongzhang_text::names::{channel_name, fund_name, invoice_kind_name};
use std::collections::BTreeMap;

/// A statement in the list.
#[derive(Debug, Clone)]
pub(crate) struct CloseRow {
    pub period: String,
    pub href: String,
    pub csv: String,
    pub seq: u64,
    pub time: String,
}

#[derive(Template)]
#[template(path = "board/statements.html")]
pub(crate) struct StatementsPage {
    pub c: Chrome,
    pub closes: Vec<CloseRow>,
    pub current: Vec<(String, String)>,
}

/// `/statements`: every period close, newest first.
pub async fn statements<B: Backend>(
    State(s): Shared<B>,
    Extension(cache): Cache,
    ctx: Ctx,
) -> Response {
    ctx.respond(statements_page(&s, &cache, &ctx).await)
}

async fn statements_page<B: Backend>(
    s: &AppState<B>,
    cache: &FactsCache,
    ctx: &Ctx,
) -> Result<Response, Failure> {
    let l = ctx.l;
    let at = ctx.at(s).await?;
    let (p, q) = (&at.prefix, l.q());
    let (size, community, now) = s
        .store
        .read_ledger(&at.origin, |ledger| {
            (ledger.size(), ledger.community().to_string(), as_of(ledger))
        })
        .await?;
    let closes = cache
        .read(&s.store, &at.origin, size, |facts| {
            facts
                .closes
                .iter()
                .filter(|c| c.seq < size)
                .rev()
                .map(|c| {
                    let slug = period_slug(c.period);
                    CloseRow {
                        period: c.period.to_string(),
                        href: slug
                            .as_ref()
                            .map(|s| format!("{p}/statements/{s}{q}"))
                            .unwrap_or_default(),
                        csv: slug
                            .as_ref()
                            .map(|s| format!("{p}/statements/{s}.csv"))
                            .unwrap_or_default(),
                        seq: c.seq,
                        time: beijing(c.recorded_at),
                    }
                })
                .collect()
        })
        .await?;
    let quarter_from = Period::new(now.year(), (now.month() - 1) / 3 * 3 + 1).unwrap_or(now);
    let quarter = PeriodRange {
        from: quarter_from,
        to: Period::new(now.year(), quarter_from.month() + 2).unwrap_or(now),
    };
    let current = [month_range(now), quarter]
        .into_iter()
        .filter_map(period_slug)
        .map(|slug| (slug.clone(), format!("{p}/statements/{slug}{q}")))
        .collect();
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let title = l
        .pick("期间公示（月度/季度）", "Period statements")
        .to_string();
    html(&StatementsPage {
        c: ctx.chrome(Some(&at), &community, title, Some(cp.reflects)),
        closes,
        current,
    })
}

/// A fund's line of a statement.
#[derive(Debug, Clone)]
pub(crate) struct StatementFundRow {
    pub code: String,
    pub name: String,
    pub opening_fen: i64,
    pub opening: String,
    pub received: String,
    pub spent: String,
    pub transferred: String,
    pub closing_fen: i64,
    pub closing: String,
}

/// An amount by fund and category.
#[derive(Debug, Clone)]
pub(crate) struct CategoryRow {
    pub fund: String,
    pub category: String,
    pub code: String,
    pub fen: i64,
    pub yuan: String,
}

/// An expenditure paid in the period.
#[derive(Debug, Clone)]
pub(crate) struct ExpenseRow {
    pub seq: u64,
    pub date: String,
    pub payee: String,
    pub description: String,
    pub category: String,
    pub fund: String,
    pub fen: i64,
    pub yuan: String,
    pub channel: String,
    pub invoice_kind: String,
    pub invoice_number: String,
    pub scan: String,
    pub reversed_by: Option<u64>,
    pub entry_href: String,
}

#[derive(Template)]
#[template(path = "board/statement.html")]
pub(crate) struct StatementPage {
    pub c: Chrome,
    pub period: String,
    pub closed: Option<(u64, String)>,
    pub funds: Vec<StatementFundRow>,
    pub charged: Vec<CategoryRow>,
    pub income: Vec<CategoryRow>,
    pub spending: Vec<CategoryRow>,
    pub expenses: Vec<ExpenseRow>,
    pub arrears_total: String,
    pub arrears_total_fen: i64,
    pub units_in_arrears: u32,
    pub bands: Vec<BandRow>,
    pub csv_href: String,
}

/// `/statements/{period}` and `/statements/{period}.csv`.
pub async fn statement<B: Backend>(
    State(s): Shared<B>,
    Extension(cache): Cache,
    ctx: Ctx,
) -> Response {
    ctx.respond(statement_page(&s, &cache, &ctx).await)
}

fn unknown_period(text: &str) -> Failure {
    Failure::NotFound {
        zh: format!("没有“{text}”这一期的公示：期间写成 2025-03（月）或 2025-Q1（季度）"),
        en: format!(
            "there is no statement for “{text}”: write a month (2025-03) or a quarter (2025-Q1)"
        ),
    }
}

async fn statement_page<B: Backend>(
    s: &AppState<B>,
    cache: &FactsCache,
    ctx: &Ctx,
) -> Result<Response, Failure> {
    let l = ctx.l;
    let at = ctx.at(s).await?;
    let p = &at.prefix;
    let text = ctx.param("period").unwrap_or_default();
    let (text, csv) = match text.strip_suffix(".csv") {
        Some(stem) => (stem, true),
        None => (text, false),
    };
    let range = PeriodRange::parse(text).map_err(|_| unknown_period(text))?;
    let (size, community, computed, in_ledger) = s
        .store
        .read_ledger(&at.origin, |ledger| {
            let in_ledger = match (ledger.first_period(), ledger.last_period()) {
                (Some(first), Some(last)) => range.from <= last && range.to >= first,
                _ => false,
            };
            (
                ledger.size(),
                ledger.community().to_string(),
                ledger.statement(range),
                in_ledger,
            )
        })
        .await?;
    let (close, payments, item_names) = cache
        .read(&s.store, &at.origin, size, |facts: &LogFacts| {
            let close = facts
                .closes
                .iter()
                .rev()
                .find(|c| c.seq < size && c.period == range)
                .cloned();
            let payments: Vec<_> = facts
                .payments
                .iter()
                .filter(|p| p.seq < size && range.contains(p.month))
                .cloned()
                .collect();
            (close, payments, facts.item_names.clone())
        })
        .await?;
    if close.is_none() && !in_ledger {
        return Err(unknown_period(text));
    }
    // A closed period shows the statement its close recorded (which the rules checked equal to
    // the recomputed one, and the verifier checks again); an open one, the recomputed figures.
    let statement = match &close {
        Some(c) => closed_statement(s, &at.origin, c.seq).await?,
        None => computed,
    };
    let slug = period_slug(range).unwrap_or_else(|| text.to_string());
    if csv {
        return Ok(csv_download(&statement, &item_names, &slug));
    }
    let api = format!("/api/v1/ledgers/{}", at.seg);
    let expenses = s
        .store
        .read_ledger(&at.origin, |ledger| {
            expense_rows(ledger, &payments, &item_names, size, &api, l)
        })
        .await?;
    let funds = fund_rows(&statement, l);
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let title = if l.is_en() {
        format!("Statement for {range}")
    } else {
        format!("{range} 期间公示")
    };
    let a = &statement.arrears;
    html(&StatementPage {
        c: ctx.chrome(Some(&at), &community, title, Some(cp.reflects)),
        period: range.to_string(),
        closed: close.map(|c| (c.seq, beijing(c.recorded_at))),
        funds,
        charged: category_rows(&statement.charged, &item_names, l),
        income: category_rows(&statement.income, &item_names, l),
        spending: category_rows(&statement.spending, &item_names, l),
        expenses,
        arrears_total: yuan_of(a.total_fen),
        arrears_total_fen: a.total_fen.get(),
        units_in_arrears: a.units_in_arrears,
        bands: bands(a, l),
        csv_href: format!("{p}/statements/{slug}.csv"),
    })
}

/// The statement a period close recorded.
async fn closed_statement<B: Backend>(
    s: &AppState<B>,
    origin: &str,
    seq: u64,
) -> Result<Statement, Failure> {
    let bytes = s
        .store
        .entries(origin, seq, seq + 1)
        .await?
        .pop()
        .ok_or_else(|| Failure::internal(format!("no entry {seq}")))?;
    let entry = Entry::parse(&bytes).map_err(Failure::internal)?;
    match LedgerEvent::from_event(entry.event()).map_err(Failure::internal)? {
        LedgerEvent::PeriodClosed(closed) => Ok(closed.statement),
        _ => Err(Failure::internal(format!("entry {seq} is not a close"))),
    }
}

/// A statement as the CSV file Excel opens, named after its months.
fn csv_download(
    statement: &Statement,
    item_names: &BTreeMap<String, String>,
    slug: &str,
) -> Response {
    let body = statement_csv(statement, item_names);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{slug}.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The expenditures paid in the period, with what their proposals said.
fn expense_rows(
    ledger: &Ledger,
    payments: &[PaymentFact],
    item_names: &BTreeMap<String, String>,
    size: u64,
    api: &str,
    l: Lang,
) -> Vec<ExpenseRow> {
    payments
        .iter()
        .map(|pay| {
            let proposal = ledger.proposals().get(&pay.proposal);
            let body = proposal.map(|p| &p.body);
            ExpenseRow {
                seq: pay.seq,
                date: beijing_date(pay.recorded_at),
                payee: body
                    .map(|b| b.payee.as_str().to_string())
                    .unwrap_or_default(),
                description: body
                    .map(|b| b.description.as_str().to_string())
                    .unwrap_or_default(),
                category: body
                    .map(|b| item_name(b.category.as_str(), item_names, l))
                    .unwrap_or_default(),
                fund: body
                    .map(|b| fund_name(b.fund.as_str(), l))
                    .unwrap_or_default(),
                fen: body.map_or(0, |b| b.amount_fen.get()),
                yuan: body.map(|b| yuan_of(b.amount_fen)).unwrap_or_default(),
                channel: channel_name(pay.channel, l).to_string(),
                invoice_kind: invoice_kind_name(pay.invoice.kind, l).to_string(),
                invoice_number: pay
                    .invoice
                    .number
                    .as_ref()
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default(),
                scan: pay
                    .invoice
                    .sha256
                    .map(|h| format!("/api/v1/attachments/{}", h.0.to_hex()))
                    .unwrap_or_default(),
                reversed_by: pay.reversed_by.filter(|r| *r < size),
                entry_href: format!("{api}/entries/{}", pay.seq),
            }
        })
        .collect()
}

/// Each fund's line of a statement.
fn fund_rows(statement: &Statement, l: Lang) -> Vec<StatementFundRow> {
    statement
        .funds
        .iter()
        .map(|f| StatementFundRow {
            code: f.fund.as_str().to_string(),
            name: fund_name(f.fund.as_str(), l),
            opening_fen: f.opening_fen.get(),
            opening: yuan_of(f.opening_fen),
            received: yuan_of(f.received_fen),
            spent: yuan_of(f.spent_fen),
            transferred: yuan_of(f.transferred_fen),
            closing_fen: f.closing_fen.get(),
            closing: yuan_of(f.closing_fen),
        })
        .collect()
}

/// Amounts by fund and category, with their names.
fn category_rows(
    lines: &[CategoryAmount],
    item_names: &BTreeMap<String, String>,
    l: Lang,
) -> Vec<CategoryRow> {
    lines
        .iter()
        .map(|line| CategoryRow {
            fund: fund_name(line.fund.as_str(), l),
            category: item_name(line.category.as_str(), item_names, l),
            code: line.category.as_str().to_string(),
            fen: line.amount_fen.get(),
            yuan: yuan_of(line.amount_fen),
        })
        .collect()
}
