//! Ledger reads: the ledgers held, one ledger's description, fund balances, a household's
//! account, statements and pending approvals, each computed from the ledger's state.

use super::Shared;
use super::output::ok;
use crate::problem::Problem;
use axum::extract::{Path, State};
use axum::response::Response;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::{PeriodRange, Unit};
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use gongzhang_text::api::Refusal;
use serde_json::{Value, json};

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

/// The ledgers this server holds, by origin only: listing a city's thousands of communities must
/// not load each one's state (`GET /api/v1/ledgers/{ledger}` describes one).
pub(super) async fn ledgers<B: Backend>(State(s): Shared<B>) -> Result<Response, Problem> {
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

pub(super) async fn ledger_info<B: Backend>(
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

pub(super) async fn balances<B: Backend>(
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

pub(super) async fn household<B: Backend>(
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

pub(super) async fn statement<B: Backend>(
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

pub(super) async fn pending_approvals<B: Backend>(
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
