//! `/unit/{unit}`: one unit's charges, payments, arrears, and a proof for each payment.

use super::shared::{Shared, as_of, checkpoint_view, html, schedule_item_name};
use crate::AppState;
use crate::board::{At, Chrome, Ctx, Failure, WebLang as _};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::events::LedgerEvent;
use gongzhang_core::ledger::types::Unit;
use gongzhang_store::backend::Backend;
use gongzhang_text::Lang;
use gongzhang_text::format::{area_m2, beijing_date, yuan, yuan_of};
use gongzhang_text::names::channel_name;

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
    let payments = payment_rows(s, &at, pays, l).await?;
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

/// The unit's payments, each with its date and channel as its entry records them (one entry
/// read per payment).
async fn payment_rows<B: Backend>(
    s: &AppState<B>,
    at: &At,
    pays: Vec<(u64, String, bool)>,
    l: Lang,
) -> Result<Vec<PaymentRow>, Failure> {
    let api = format!("/api/v1/ledgers/{}", at.seg);
    let mut payments = Vec::with_capacity(pays.len());
    for (seq, amount, reversed) in pays {
        let entry = s
            .store
            .entries(&at.origin, seq, seq + 1)
            .await?
            .pop()
            .map(|bytes| Entry::parse(&bytes))
            .transpose()
            .map_err(Failure::internal)?;
        let (date, channel) = match entry {
            Some(e) => {
                let channel = match LedgerEvent::from_event(e.event()).map_err(Failure::internal)? {
                    LedgerEvent::PaymentReceived(paid) => channel_name(paid.channel, l),
                    // A household's payments are `payment_received` entries.
                    _ => "",
                };
                (beijing_date(e.recorded_at()), channel.to_string())
            }
            None => (String::new(), String::new()),
        };
        payments.push(PaymentRow {
            seq,
            date,
            channel,
            yuan: amount,
            reversed,
            proof_href: format!("{api}/entries/{seq}/tlog-proof"),
        });
    }
    Ok(payments)
}
