//! One handler per page: read the ledger's state (one closure under the store's read lock), the
//! checkpoint of exactly that state's size, and what else the page needs; fill the page's
//! template. Errors become HTML pages ([`Failure`]) in the request's language.

use super::chart::{self, CHART_MONTHS, MonthFlow};
use super::facts::{FactsCache, LogFacts};
use super::qr::qr_svg;
use super::{At, Chrome, Ctx, Failure, LOG_PAGE_ROWS, Reflects, WebLang as _};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongzhang_core::checkpoint::Checkpoint;
use gongzhang_core::entry::Entry;
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::{ArrearsSummary, LedgerEvent, Statement};
use gongzhang_core::ledger::types::{Channel, Period, PeriodRange, Role, Slug, Unit};
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use gongzhang_text::Lang;
use gongzhang_text::csv::statement_csv;
use gongzhang_text::format::{area_m2, beijing, beijing_date, beijing_iso, yuan, yuan_of};
use gongzhang_text::names::{
    category_name, channel_name, fund_name, invoice_kind_name, role_name, type_name,
};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

type Shared<B> = State<Arc<AppState<B>>>;
type Cache = Extension<Arc<FactsCache>>;

// ---------------------------------------------------------------------------------------------
// Shared pieces.

fn html(page: &impl Template) -> Result<Response, Failure> {
    Ok(Html(page.render()?).into_response())
}

/// The month the page's figures are "now" for: the month (Beijing time) of the last entry of
/// the state shown, so that a page reads the same whenever it is rendered for that checkpoint.
fn as_of(l: &Ledger) -> Period {
    l.last_period()
        .or(l.first_period())
        .or(Period::new(2000, 1))
        .unwrap_or_else(|| unreachable!("2000-01 is a month"))
}

/// The month `n` months before `p` (clamped to 2000-01).
fn months_back(p: Period, n: u32) -> Period {
    let index = (u32::from(p.year()) * 12 + u32::from(p.month()) - 1).saturating_sub(n);
    let year = u16::try_from(index / 12).unwrap_or(2000);
    let month = u8::try_from(index % 12 + 1).unwrap_or(1);
    Period::new(year, month)
        .or(Period::new(2000, 1))
        .unwrap_or_else(|| unreachable!("2000-01 is a month"))
}

fn month_range(p: Period) -> PeriodRange {
    PeriodRange { from: p, to: p }
}

/// Income and spending of a statement, all funds together, in fen.
fn flow_of(s: &Statement) -> (i128, i128) {
    s.funds.iter().fold((0, 0), |(i, o), f| {
        (
            i + i128::from(f.received_fen.get()),
            o + i128::from(f.spent_fen.get()),
        )
    })
}

/// The link name of a statement's months (`2025-03`, `2025-Q1`), if `PeriodRange::parse`
/// reads it back.
fn period_slug(range: PeriodRange) -> Option<String> {
    let text = range.to_string();
    (PeriodRange::parse(&text).ok() == Some(range)).then_some(text)
}

fn channel_of_body(v: Option<&Value>, l: Lang) -> Option<&'static str> {
    serde_json::from_value::<Channel>(v?.clone())
        .ok()
        .map(|c| channel_name(c, l))
}

/// A fee item's or category's name: the fee schedule's for a fee item, else the usual one.
fn item_name(item: &str, names: &BTreeMap<String, String>, l: Lang) -> String {
    match (l.is_en(), names.get(item)) {
        (false, Some(name)) => name.clone(),
        _ => category_name(item, l),
    }
}

/// A fee item's name from the schedule in force for `period` (no log walk needed).
fn schedule_item_name(ledger: &Ledger, period: Period, item: &Slug, l: Lang) -> String {
    let named = ledger
        .schedule_for(period)
        .and_then(|s| s.items.iter().find(|i| i.item == *item))
        .map(|i| i.name.as_str().to_string());
    match (l.is_en(), named) {
        (false, Some(name)) => name,
        _ => category_name(item.as_str(), l),
    }
}

/// The signed checkpoint a page reflects and what people read off it.
#[derive(Debug, Clone)]
pub(crate) struct CheckpointView {
    /// What `#reflects` says.
    pub reflects: Reflects,
    /// The note as published (checkpoint, log signature, cosignatures).
    pub note: String,
    /// Names of the witnesses whose cosignatures it carries.
    pub witnesses: Vec<String>,
}

/// The checkpoint signed at `size` (every committed batch has one), or the latest.
async fn checkpoint_view<B: Backend>(
    store: &Store<B>,
    origin: &str,
    size: u64,
) -> Result<CheckpointView, Failure> {
    let note = match store.checkpoint(origin, Some(size)).await? {
        Some(note) => note,
        None => store
            .checkpoint(origin, None)
            .await?
            .ok_or_else(|| Failure::internal(format!("ledger {origin} has no checkpoint")))?,
    };
    let (text, lines) = note::parse(&note).map_err(Failure::internal)?;
    let head: TreeHead = Checkpoint::parse(text)
        .map_err(Failure::internal)?
        .tree_head();
    let last = head.size.saturating_sub(1);
    let bytes = store
        .entries(origin, last, head.size)
        .await?
        .pop()
        .ok_or_else(|| Failure::internal(format!("no entry {last} under the checkpoint")))?;
    let t = Entry::parse(&bytes)
        .map_err(Failure::internal)?
        .recorded_at();
    let mut witnesses: Vec<String> = lines
        .iter()
        .map(|line| line.name().to_string())
        .filter(|name| name != origin)
        .collect();
    witnesses.dedup();
    Ok(CheckpointView {
        reflects: Reflects {
            size: head.size,
            time: beijing(t),
            time_iso: beijing_iso(t),
            fingerprint: head.fingerprint(),
            root: head.root.to_hex(),
        },
        note,
        witnesses,
    })
}

// ---------------------------------------------------------------------------------------------
// `/`: the home page, or the list of communities.

/// A fund's balance.
#[derive(Debug, Clone)]
pub(crate) struct FundRow {
    pub code: String,
    pub name: String,
    pub fen: i64,
    pub yuan: String,
}

/// Income and spending over some months.
#[derive(Debug, Clone)]
pub(crate) struct FlowRow {
    pub label: String,
    pub period: String,
    pub href: String,
    pub income_fen: i128,
    pub income: String,
    pub spending_fen: i128,
    pub spending: String,
}

impl FlowRow {
    fn new(label: String, period: String, href: String, (income, spending): (i128, i128)) -> Self {
        FlowRow {
            label,
            period,
            href,
            income_fen: income,
            income: yuan(income),
            spending_fen: spending,
            spending: yuan(spending),
        }
    }
}

#[derive(Template)]
#[template(path = "board/home.html")]
pub(crate) struct HomePage {
    pub c: Chrome,
    pub funds: Vec<FundRow>,
    pub flows: Vec<FlowRow>,
    pub chart: String,
    pub months: Vec<FlowRow>,
    pub cp: CheckpointView,
    pub qr: String,
    pub unit_example: String,
    pub households: usize,
}

/// A community on a server with several.
#[derive(Debug, Clone)]
pub(crate) struct CommunityRow {
    pub name: String,
    pub origin: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "board/communities.html")]
pub(crate) struct CommunitiesPage {
    pub c: Chrome,
    pub communities: Vec<CommunityRow>,
}

/// `/` and `/c/{ledger}/`.
pub async fn root<B: Backend>(State(s): Shared<B>, ctx: Ctx) -> Response {
    ctx.respond(root_page(&s, &ctx).await)
}

async fn root_page<B: Backend>(s: &AppState<B>, ctx: &Ctx) -> Result<Response, Failure> {
    if ctx.param("ledger").is_none() {
        let origins = s.store.origins().await?;
        if origins.len() != 1 {
            return communities_page(s, ctx, origins).await;
        }
    }
    let at = ctx.at(s).await?;
    home_page(s, ctx, &at).await
}

async fn communities_page<B: Backend>(
    s: &AppState<B>,
    ctx: &Ctx,
    mut origins: Vec<String>,
) -> Result<Response, Failure> {
    let l = ctx.l;
    origins.sort();
    let mut communities = Vec::with_capacity(origins.len());
    for origin in origins {
        // The genesis names the community: one entry read, not the ledger's state.
        let name = match s.store.entries(&origin, 0, 1).await?.pop() {
            Some(bytes) => {
                let entry = Entry::parse(&bytes).map_err(Failure::internal)?;
                match LedgerEvent::from_event(entry.event()) {
                    Ok(LedgerEvent::LedgerOpened(open)) => open.community.as_str().to_string(),
                    _ => origin.clone(),
                }
            }
            None => origin.clone(),
        };
        communities.push(CommunityRow {
            href: format!("/c/{}/{}", crate::ledger_segment(&origin), l.q()),
            name,
            origin,
        });
    }
    let server = l.pick("公账", "Gongzhang");
    let title = l
        .pick("各小区公示栏", "Community notice boards")
        .to_string();
    html(&CommunitiesPage {
        c: ctx.chrome(None, server, title, None),
        communities,
    })
}

async fn home_page<B: Backend>(s: &AppState<B>, ctx: &Ctx, at: &At) -> Result<Response, Failure> {
    let l = ctx.l;
    let p = &at.prefix;
    let q = l.q();
    let (size, community, funds, flows, months, unit_example, households) = s
        .store
        .read_ledger(&at.origin, |ledger| {
            let now = as_of(ledger);
            let funds: Vec<FundRow> = ledger
                .fund_balances()
                .into_iter()
                .map(|(fund, fen)| FundRow {
                    name: fund_name(fund.as_str(), l),
                    code: fund.as_str().to_string(),
                    fen: fen.get(),
                    yuan: yuan_of(fen),
                })
                .collect();
            let year_start = Period::new(now.year(), 1).unwrap_or(now);
            let flows = vec![
                FlowRow::new(
                    l.pick("本月", "This month").to_string(),
                    now.to_string(),
                    format!("{p}/statements/{now}{q}"),
                    flow_of(&ledger.statement(month_range(now))),
                ),
                FlowRow::new(
                    l.pick("本年累计", "This year to date").to_string(),
                    format!("{year_start} – {now}"),
                    String::new(),
                    flow_of(&ledger.statement(PeriodRange {
                        from: year_start,
                        to: now,
                    })),
                ),
            ];
            let first = months_back(now, u32::try_from(CHART_MONTHS - 1).unwrap_or(11));
            let mut months = Vec::with_capacity(CHART_MONTHS);
            let mut m = first;
            for _ in 0..CHART_MONTHS {
                let (income, spending) = flow_of(&ledger.statement(month_range(m)));
                months.push(MonthFlow {
                    period: m,
                    income_fen: income,
                    spending_fen: spending,
                });
                m = m.next();
            }
            let unit_example = ledger
                .households()
                .keys()
                .next()
                .map_or_else(|| "3-2-401".to_string(), ToString::to_string);
            (
                ledger.size(),
                ledger.community().to_string(),
                funds,
                flows,
                months,
                unit_example,
                ledger.households().len(),
            )
        })
        .await?;
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let label = if l.is_en() {
        format!(
            "QR code of the signed checkpoint: {} entries, fingerprint {}",
            cp.reflects.size, cp.reflects.fingerprint
        )
    } else {
        format!(
            "已签名检查点的二维码：共 {} 条记录，指纹 {}",
            cp.reflects.size, cp.reflects.fingerprint
        )
    };
    // With many cosignatures the note may outgrow a QR code: the log's own signed part is what
    // identifies the checkpoint, so fall back to it.
    let qr = qr_svg(&cp.note, &label)
        .or_else(|| {
            let own: String = cp
                .note
                .lines()
                .take(5)
                .map(|line| format!("{line}\n"))
                .collect();
            qr_svg(&own, &label)
        })
        .unwrap_or_default();
    let chart = chart::bar_chart(&months, l);
    let months = months
        .iter()
        .map(|m| {
            FlowRow::new(
                m.period.to_string(),
                m.period.to_string(),
                format!("{p}/statements/{}{q}", m.period),
                (m.income_fen, m.spending_fen),
            )
        })
        .collect();
    let title = format!("{community} {}", l.pick("公示栏", "notice board"));
    html(&HomePage {
        c: ctx.chrome(Some(at), &community, title, Some(cp.reflects.clone())),
        funds,
        flows,
        chart,
        months,
        cp,
        qr,
        unit_example,
        households,
    })
}

// ---------------------------------------------------------------------------------------------
// `/statements` and `/statements/{period}` (`.csv`).

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

/// An age band of arrears.
#[derive(Debug, Clone)]
pub(crate) struct BandRow {
    pub code: &'static str,
    pub name: String,
    pub fen: i64,
    pub yuan: String,
    /// Units whose oldest unpaid charge is of this age (arrears page only).
    pub units: u32,
    /// The units, when the committee shows them (arrears page only).
    pub unit_list: Vec<ArrearsUnit>,
}

/// A unit in arrears, when the committee shows them.
#[derive(Debug, Clone)]
pub(crate) struct ArrearsUnit {
    pub unit: String,
    pub href: String,
    pub owed_fen: i128,
    pub owed: String,
    pub oldest: String,
}

fn bands(a: &ArrearsSummary, l: Lang) -> Vec<BandRow> {
    [
        ("0-3", l.pick("0–3 个月", "0–3 months"), a.age_0_3_fen),
        ("3-6", l.pick("3–6 个月", "3–6 months"), a.age_3_6_fen),
        ("6-12", l.pick("6–12 个月", "6–12 months"), a.age_6_12_fen),
        (
            "12+",
            l.pick("12 个月以上", "over 12 months"),
            a.age_12_plus_fen,
        ),
    ]
    .into_iter()
    .map(|(code, name, fen)| BandRow {
        code,
        name: name.to_string(),
        fen: fen.get(),
        yuan: yuan_of(fen),
        units: 0,
        unit_list: Vec::new(),
    })
    .collect()
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
        Some(c) => {
            let bytes = s
                .store
                .entries(&at.origin, c.seq, c.seq + 1)
                .await?
                .pop()
                .ok_or_else(|| Failure::internal(format!("no entry {}", c.seq)))?;
            let entry = Entry::parse(&bytes).map_err(Failure::internal)?;
            match LedgerEvent::from_event(entry.event()).map_err(Failure::internal)? {
                LedgerEvent::PeriodClosed(closed) => closed.statement,
                _ => return Err(Failure::internal(format!("entry {} is not a close", c.seq))),
            }
        }
        None => computed,
    };
    let slug = period_slug(range).unwrap_or_else(|| text.to_string());
    if csv {
        let body = statement_csv(&statement, &item_names);
        let mut response = body.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{slug}.csv\"")) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(response);
    }
    let api = format!("/api/v1/ledgers/{}", at.seg);
    let expenses = s
        .store
        .read_ledger(&at.origin, |ledger| {
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
                            .map(|b| item_name(b.category.as_str(), &item_names, l))
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
                .collect::<Vec<_>>()
        })
        .await?;
    let category_rows = |lines: &[gongzhang_core::ledger::events::CategoryAmount]| {
        lines
            .iter()
            .map(|line| CategoryRow {
                fund: fund_name(line.fund.as_str(), l),
                category: item_name(line.category.as_str(), &item_names, l),
                code: line.category.as_str().to_string(),
                fen: line.amount_fen.get(),
                yuan: yuan_of(line.amount_fen),
            })
            .collect::<Vec<_>>()
    };
    let funds = statement
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
        .collect();
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
        charged: category_rows(&statement.charged),
        income: category_rows(&statement.income),
        spending: category_rows(&statement.spending),
        expenses,
        arrears_total: yuan_of(a.total_fen),
        arrears_total_fen: a.total_fen.get(),
        units_in_arrears: a.units_in_arrears,
        bands: bands(a, l),
        csv_href: format!("{p}/statements/{slug}.csv"),
    })
}

// ---------------------------------------------------------------------------------------------
// `/unit/{unit}`.

/// A charge to the unit.
#[derive(Debug, Clone)]
pub(crate) struct ChargeRow {
    pub seq: u64,
    pub period: String,
    pub item: String,
    pub yuan: String,
    pub reversed: bool,
}

/// A payment by the unit.
#[derive(Debug, Clone)]
pub(crate) struct PaymentRow {
    pub seq: u64,
    pub date: String,
    pub channel: String,
    pub yuan: String,
    pub reversed: bool,
    pub proof_href: String,
}

/// A charge (part) still unpaid.
#[derive(Debug, Clone)]
pub(crate) struct OwedRow {
    pub period: String,
    pub item: String,
    pub yuan: String,
    pub age_months: i32,
}

#[derive(Template)]
#[template(path = "board/unit.html")]
pub(crate) struct UnitPage {
    pub c: Chrome,
    pub unit: String,
    pub area: String,
    pub charged_fen: i128,
    pub charged: String,
    pub paid_fen: i128,
    pub paid: String,
    pub owed_fen: i128,
    pub owed: String,
    pub prepaid_fen: i128,
    pub prepaid: String,
    pub as_of: String,
    pub charges: Vec<ChargeRow>,
    pub payments: Vec<PaymentRow>,
    pub outstanding: Vec<OwedRow>,
}

/// `/unit?unit=3-2-401` (the home page's form): to the unit's page.
pub async fn unit_jump<B: Backend>(State(s): Shared<B>, ctx: Ctx) -> Response {
    ctx.respond(unit_jump_page(&s, &ctx).await)
}

async fn unit_jump_page<B: Backend>(s: &AppState<B>, ctx: &Ctx) -> Result<Response, Failure> {
    let at = ctx.at(s).await?;
    let text = ctx.query("unit").unwrap_or_default().trim().to_string();
    let unit = Unit::try_from(text.clone()).map_err(|_| unknown_unit(&text, false))?;
    Ok(Redirect::to(&format!("{}/unit/{unit}{}", at.prefix, ctx.l.q())).into_response())
}

fn unknown_unit(text: &str, registered_form: bool) -> Failure {
    if registered_form {
        Failure::NotFound {
            zh: format!("账本中没有登记房号 {text}：请核对楼号、单元和室号"),
            en: format!(
                "unit {text} is not registered in this ledger: check the building, entrance and room"
            ),
        }
    } else {
        Failure::NotFound {
            zh: format!("“{text}”不是房号：应写成 楼-单元-室，例如 3-2-401"),
            en: format!(
                "“{text}” is not a unit number: write building-entrance-room, e.g. 3-2-401"
            ),
        }
    }
}

/// `/unit/{unit}`.
pub async fn unit<B: Backend>(State(s): Shared<B>, ctx: Ctx) -> Response {
    ctx.respond(unit_page(&s, &ctx).await)
}

async fn unit_page<B: Backend>(s: &AppState<B>, ctx: &Ctx) -> Result<Response, Failure> {
    let l = ctx.l;
    let at = ctx.at(s).await?;
    let text = ctx.param("unit").unwrap_or_default().to_string();
    let unit = Unit::try_from(text.clone()).map_err(|_| unknown_unit(&text, false))?;
    let found = s
        .store
        .read_ledger(&at.origin, |ledger| {
            let now = as_of(ledger);
            let h = ledger.households().get(&unit)?;
            let charges: Vec<ChargeRow> = h
                .charges()
                .map(|(seq, period, item, amount, reversed)| ChargeRow {
                    seq,
                    period: period.to_string(),
                    item: schedule_item_name(ledger, period, item, l),
                    yuan: yuan_of(amount),
                    reversed,
                })
                .collect();
            let payments: Vec<(u64, String, bool)> = h
                .payments()
                .map(|(seq, amount, reversed)| (seq, yuan_of(amount), reversed))
                .collect();
            let outstanding: Vec<OwedRow> = h
                .outstanding()
                .into_iter()
                .map(|o| OwedRow {
                    period: o.period.to_string(),
                    item: schedule_item_name(ledger, o.period, &o.item, l),
                    yuan: yuan_of(o.amount),
                    age_months: o.period.months_until(now).max(0),
                })
                .collect();
            Some((
                ledger.size(),
                ledger.community().to_string(),
                now,
                h.area_centi_m2,
                h.charged_total(),
                h.paid_total(),
                h.position(),
                charges,
                payments,
                outstanding,
            ))
        })
        .await?;
    let Some((size, community, now, area, charged, paid, position, charges, pays, outstanding)) =
        found
    else {
        return Err(unknown_unit(unit.as_str(), true));
    };
    let api = format!("/api/v1/ledgers/{}", at.seg);
    let mut payments = Vec::with_capacity(pays.len());
    for (seq, amount, reversed) in pays {
        // The date and channel are the entry's: one row read per payment.
        let entry = s
            .store
            .entries(&at.origin, seq, seq + 1)
            .await?
            .pop()
            .map(|bytes| Entry::parse(&bytes))
            .transpose()
            .map_err(Failure::internal)?;
        let (date, channel) = entry.map_or((String::new(), String::new()), |e| {
            (
                beijing_date(e.recorded_at()),
                channel_of_body(e.event().body().get("channel"), l)
                    .unwrap_or_default()
                    .to_string(),
            )
        });
        payments.push(PaymentRow {
            seq,
            date,
            channel,
            yuan: amount,
            reversed,
            proof_href: format!("{api}/entries/{seq}/tlog-proof"),
        });
    }
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let title = if l.is_en() {
        format!("Unit {unit}")
    } else {
        format!("{unit} 户的账")
    };
    let owed = position.max(0);
    let prepaid = (-position).max(0);
    html(&UnitPage {
        c: ctx.chrome(Some(&at), &community, title, Some(cp.reflects)),
        unit: unit.to_string(),
        area: area_m2(area),
        charged_fen: charged,
        charged: yuan(charged),
        paid_fen: paid,
        paid: yuan(paid),
        owed_fen: owed,
        owed: yuan(owed),
        prepaid_fen: prepaid,
        prepaid: yuan(prepaid),
        as_of: now.to_string(),
        charges,
        payments,
        outstanding,
    })
}

// ---------------------------------------------------------------------------------------------
// `/arrears`.

#[derive(Template)]
#[template(path = "board/arrears.html")]
pub(crate) struct ArrearsPage {
    pub c: Chrome,
    pub as_of: String,
    pub total_fen: i64,
    pub total: String,
    pub units_in_arrears: u32,
    pub households: usize,
    pub bands: Vec<BandRow>,
    pub show_units: bool,
}

/// `/arrears`.
pub async fn arrears<B: Backend>(State(s): Shared<B>, ctx: Ctx) -> Response {
    ctx.respond(arrears_page(&s, &ctx).await)
}

/// The band of an unpaid charge `age` months old, as `households::add_to_summary` ages it.
fn band_index(age: i32) -> usize {
    match age {
        ..=2 => 0,
        3..=5 => 1,
        6..=11 => 2,
        _ => 3,
    }
}

async fn arrears_page<B: Backend>(s: &AppState<B>, ctx: &Ctx) -> Result<Response, Failure> {
    let l = ctx.l;
    let at = ctx.at(s).await?;
    let show_units = s.board.show_arrears_units;
    let (p, q) = (at.prefix.clone(), l.q());
    let (size, community, now, summary, bands, households) = s
        .store
        .read_ledger(&at.origin, |ledger| {
            let now = as_of(ledger);
            // The totals are the statement's own (`add_to_summary` as at this month).
            let summary = ledger.statement(month_range(now)).arrears;
            let mut bands = bands(&summary, l);
            for (unit, h) in ledger.households() {
                let owed: Vec<_> = h
                    .outstanding()
                    .into_iter()
                    .filter(|o| o.period <= now)
                    .collect();
                let Some(oldest) = owed.iter().map(|o| o.period).min() else {
                    continue;
                };
                let band = &mut bands[band_index(oldest.months_until(now))];
                band.units += 1;
                if show_units {
                    let fen: i128 = owed.iter().map(|o| i128::from(o.amount.get())).sum();
                    band.unit_list.push(ArrearsUnit {
                        unit: unit.to_string(),
                        href: format!("{p}/unit/{unit}{q}"),
                        owed_fen: fen,
                        owed: yuan(fen),
                        oldest: oldest.to_string(),
                    });
                }
            }
            (
                ledger.size(),
                ledger.community().to_string(),
                now,
                summary,
                bands,
                ledger.households().len(),
            )
        })
        .await?;
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let title = l.pick("欠费情况", "Arrears").to_string();
    html(&ArrearsPage {
        c: ctx.chrome(Some(&at), &community, title, Some(cp.reflects)),
        as_of: now.to_string(),
        total_fen: summary.total_fen.get(),
        total: yuan_of(summary.total_fen),
        units_in_arrears: summary.units_in_arrears,
        households,
        bands,
        show_units,
    })
}

// ---------------------------------------------------------------------------------------------
// `/verify`.

/// A check of the verifier and what passing it means (docs/verify.md).
#[derive(Debug, Clone)]
pub(crate) struct CheckRow {
    pub code: &'static str,
    pub meaning: &'static str,
}

/// Every check `gongzhang-verify` reports, with its meaning in plain words, as in
/// `docs/verify.md`.
const CHECKS: [(&str, &str, &str); 13] = [
    (
        "format",
        "每一行都是规范格式（RFC 8785）的条目，没有重复字段、小数或超范围整数",
        "every line is a canonical entry (RFC 8785): no duplicate fields, decimals or out-of-range integers",
    ),
    (
        "chain",
        "序号连续、每条都带着上一条的哈希、时间不倒退：没有记录被删除、插入或调换",
        "numbers run on, each entry carries the previous one's hash, time never goes back: nothing removed, inserted or swapped",
    ),
    (
        "signatures",
        "每条记录的签名都有效：签名之后没有被改过",
        "every entry's signatures are valid: nothing changed after it was signed",
    ),
    (
        "ledger_rules",
        "每笔都符合账本规则：签名的人当时有权签、大额支出有足够的业委会委员批准、资金不透支、收费与公示的标准一致、结账报表与日志一致",
        "every entry keeps the ledger's rules: the signer could sign it, large expenditures had enough committee approvals, no fund overdrawn, fees as posted, closes agree with the log",
    ),
    (
        "checkpoint",
        "整份日志的默克尔根与日志公钥签名的检查点一致；指纹可与公告栏核对",
        "the log is exactly what the signed checkpoint covers; compare its fingerprint with the notice board",
    ),
    (
        "log_key",
        "签检查点的钥匙就是创世条目里登记的那一把",
        "the checkpoint's key is the one the genesis names",
    ),
    (
        "genesis_hash",
        "这就是公告栏上的那个账本",
        "this is the ledger on the notice board",
    ),
    (
        "older_checkpoint",
        "以前公布过的记录一条也没有被改写或删除",
        "nothing published before was rewritten or removed",
    ),
    (
        "witnesses",
        "独立见证人看到的是同一份日志，不是只给你看的版本",
        "independent witnesses saw the same log, not a version made for you",
    ),
    (
        "receipts",
        "你的收据证明的那笔缴费在日志里",
        "the payment your receipt proves is in the log",
    ),
    (
        "statements",
        "贴出来的报表与签名的日志一致",
        "the posted statements equal the signed log",
    ),
    (
        "attachments",
        "发票扫描件等附件没有被替换",
        "attachments such as scanned invoices were not replaced",
    ),
    (
        "manifest",
        "导出包在导出后没有被改动",
        "the bundle is as exported",
    ),
];

/// A key of the ledger with its role.
#[derive(Debug, Clone)]
pub(crate) struct KeyRow {
    pub role: String,
    pub key: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "board/verify.html")]
pub(crate) struct VerifyPage {
    pub c: Chrome,
    pub origin: String,
    pub log_href: String,
    pub checkpoint_href: String,
    pub commands: String,
    pub log_key: String,
    pub genesis_hash: String,
    pub keys: Vec<KeyRow>,
    pub checks: Vec<CheckRow>,
    pub governance: String,
}

/// `/verify`.
pub async fn verify<B: Backend>(State(s): Shared<B>, ctx: Ctx) -> Response {
    ctx.respond(verify_page(&s, &ctx).await)
}

async fn verify_page<B: Backend>(s: &AppState<B>, ctx: &Ctx) -> Result<Response, Failure> {
    let l = ctx.l;
    let at = ctx.at(s).await?;
    let (size, community, log_key, keys, governance) = s
        .store
        .read_ledger(&at.origin, |ledger| {
            let hex = |k: &PublicKey| k.to_hex();
            let mut keys = Vec::new();
            for k in ledger.committee() {
                keys.push(KeyRow {
                    role: role_name(Role::CommitteeMember, l).to_string(),
                    key: hex(k),
                    note: String::new(),
                });
            }
            if let Some(k) = ledger.treasurer() {
                keys.push(KeyRow {
                    role: role_name(Role::Treasurer, l).to_string(),
                    key: hex(&k),
                    note: String::new(),
                });
            }
            if let Some(k) = ledger.auditor() {
                keys.push(KeyRow {
                    role: role_name(Role::Auditor, l).to_string(),
                    key: hex(&k),
                    note: String::new(),
                });
            }
            let mut revoked: Vec<_> = ledger.revoked().iter().collect();
            revoked.sort_by_key(|(key, seq)| (**seq, **key));
            for (k, seq) in revoked {
                keys.push(KeyRow {
                    role: l.pick("已注销", "revoked").to_string(),
                    key: hex(k),
                    note: if l.is_en() {
                        format!("revoked by entry {seq}; signs nothing after it")
                    } else {
                        format!("第 {seq} 条记录注销，此后签的一律无效")
                    },
                });
            }
            let governance = ledger.governance().map_or_else(String::new, |g| {
                if l.is_en() {
                    format!(
                        "Expenditures above {} yuan need the approval of {} committee members.",
                        yuan_of(g.approval_threshold_fen),
                        g.approvals_required
                    )
                } else {
                    format!(
                        "超过 {} 元的支出须经 {} 名业委会委员批准。",
                        yuan_of(g.approval_threshold_fen),
                        g.approvals_required
                    )
                }
            });
            (
                ledger.size(),
                ledger.community().to_string(),
                ledger.log_key().to_string(),
                keys,
                governance,
            )
        })
        .await?;
    let genesis = s
        .store
        .entries(&at.origin, 0, 1)
        .await?
        .pop()
        .ok_or_else(|| Failure::internal("no genesis entry"))?;
    let genesis_hash = gongzhang_core::hash::leaf_hash(&genesis).to_hex();
    let api = format!("{}/api/v1/ledgers/{}", ctx.base_url, at.seg);
    let stem = at
        .origin
        .rsplit('/')
        .next()
        .filter(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        })
        .unwrap_or("ledger");
    let lang = if l.is_en() { " --lang en" } else { "" };
    let commands = format!(
        "curl -sfo {stem}.jsonl {api}/log\ncurl -sfo {stem}.checkpoint {api}/checkpoint\ngongzhang-verify {stem}.jsonl --checkpoint {stem}.checkpoint --key '{log_key}'{lang}\n"
    );
    let checks = CHECKS
        .iter()
        .map(|(code, zh, en)| CheckRow {
            code,
            meaning: if l.is_en() { en } else { zh },
        })
        .collect();
    let cp = checkpoint_view(&s.store, &at.origin, size).await?;
    let title = l.pick("如何核对", "How to verify").to_string();
    let api_path = format!("/api/v1/ledgers/{}", at.seg);
    html(&VerifyPage {
        c: ctx.chrome(Some(&at), &community, title, Some(cp.reflects)),
        origin: at.origin.clone(),
        log_href: format!("{api_path}/log"),
        checkpoint_href: format!("{api_path}/checkpoint"),
        commands,
        log_key,
        genesis_hash,
        keys,
        checks,
        governance,
    })
}

// ---------------------------------------------------------------------------------------------
// `/log?page=N`.

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

// ---------------------------------------------------------------------------------------------
// Errors.

#[derive(Template)]
#[template(path = "board/error.html")]
pub(crate) struct ErrorPage {
    pub c: Chrome,
    pub status: u16,
    pub message: String,
}
