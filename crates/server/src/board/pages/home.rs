//! `/`: the home page (balances, this month and year, the 12-month chart, the checkpoint and
//! its QR code), or the list of communities on a server with several.

use super::communities::communities_page;
use super::shared::{
    CheckpointView, Shared, as_of, checkpoint_view, flow_of, html, month_range, months_back,
};
use crate::AppState;
use crate::board::chart::{self, CHART_MONTHS, MonthFlow};
use crate::board::qr::qr_svg;
use crate::board::{At, Chrome, Ctx, Failure, WebLang as _};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use gongzhang_core::ledger::types::{Period, PeriodRange};
use gongzhang_store::backend::Backend;
use gongzhang_text::Lang;
use gongzhang_text::format::{yuan, yuan_of};
use gongzhang_text::names::fund_name;

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
    let qr = checkpoint_qr(&cp, l);
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

/// The signed checkpoint as a QR code (SVG), labelled for screen readers.
fn checkpoint_qr(cp: &CheckpointView, l: Lang) -> String {
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
    qr_svg(&cp.note, &label)
        .or_else(|| {
            let own: String = cp
                .note
                .lines()
                .take(5)
                .map(|line| format!("{line}\n"))
                .collect();
            qr_svg(&own, &label)
        })
        .unwrap_or_default()
}
