//! `/arrears`: arrears by age, and the age bands a statement shows too.

use super::shared::{Shared, as_of, checkpoint_view, html, month_range};
use crate::AppState;
use crate::board::{Chrome, Ctx, Failure, WebLang as _};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use gongzhang_core::ledger::events::ArrearsSummary;
use gongzhang_store::backend::Backend;
use gongzhang_text::Lang;
use gongzhang_text::format::{yuan, yuan_of};

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

pub(super) fn bands(a: &ArrearsSummary, l: Lang) -> Vec<BandRow> {
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
