//! `/log?page=N`: the log in words, 50 entries a page, newest first.

use super::shared::{Cache, Shared, checkpoint_view, html, item_name};
use crate::AppState;
use crate::board::facts::{FactsCache, LogFacts};
use crate::board::{At, Chrome, Ctx, Failure, LOG_PAGE_ROWS, WebLang as _};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::events::LedgerEvent;
use gongzhang_core::ledger::types::{Fen, FundId, Slug, Unit};
use gongzhang_store::backend::Backend;
use gongzhang_text::Lang;
use gongzhang_text::format::{area_m2, beijing, beijing_iso, yuan};
use gongzhang_text::names::{channel_name, fund_name, role_name, type_name};
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

/// What the log page says of an entry besides its kind and signers.
struct Description<'a> {
    /// What it records, in a few words.
    what: String,
    /// Its amount in fen, if it has one.
    amount: Option<i128>,
    /// The unit it is about, if one.
    unit: Option<&'a Unit>,
}

/// The proposal an approval or a payment is for (its payee and amount are the proposal's).
fn proposal_of(event: &LedgerEvent) -> Option<&str> {
    match event {
        LedgerEvent::ExpenseApproved(approved) => Some(&approved.proposal),
        LedgerEvent::ExpensePaid(paid) => Some(&paid.proposal),
        _ => None,
    }
}

/// What an entry's event records, in a few words: one arm per kind of event, so that a new
/// kind is described here before the board compiles.
fn describe<'a>(
    event: &'a LedgerEvent,
    l: Lang,
    proposals: &HashMap<String, (String, i64)>,
    item_names: &BTreeMap<String, String>,
) -> Description<'a> {
    let fen = |amount: Fen| Some(i128::from(amount.get()));
    let category = |item: &Slug| item_name(item.as_str(), item_names, l);
    let fund = |id: &FundId| fund_name(id.as_str(), l);
    let by_proposal = |id: &str| match proposals.get(id) {
        Some((payee, amount)) => (payee.clone(), Some(i128::from(*amount))),
        None => (id.to_string(), None),
    };
    let (what, amount, unit) = match event {
        LedgerEvent::LedgerOpened(open) => (open.community.to_string(), None, None),
        LedgerEvent::RoleGranted(grant) => (role_name(grant.role, l).to_string(), None, None),
        LedgerEvent::KeyRevoked(revoked) => (revoked.reason.to_string(), None, None),
        LedgerEvent::HouseholdRegistered(h) => (
            format!("{} ㎡", area_m2(h.area_centi_m2)),
            None,
            Some(&h.unit),
        ),
        LedgerEvent::HouseholdCorrected(h) => (
            format!("{} ㎡ {}", area_m2(h.area_centi_m2), h.reason),
            None,
            Some(&h.unit),
        ),
        LedgerEvent::FeeScheduleAdopted(_) => (String::new(), None, None),
        LedgerEvent::ChargesAssessed(assessed) => {
            let n = assessed.charges.len();
            let total: i128 = assessed
                .charges
                .iter()
                .map(|c| i128::from(c.amount_fen.get()))
                .sum();
            let what = if l.is_en() {
                format!("{}: {n} charges", assessed.period)
            } else {
                format!("{} 月份，{n} 笔", assessed.period)
            };
            (what, Some(total), None)
        }
        LedgerEvent::PaymentReceived(paid) => (
            channel_name(paid.channel, l).to_string(),
            fen(paid.amount_fen),
            Some(&paid.unit),
        ),
        LedgerEvent::IncomeReceived(income) => (
            format!(
                "{} · {} · {}",
                income.payer,
                category(&income.category),
                fund(&income.fund)
            ),
            fen(income.amount_fen),
            None,
        ),
        LedgerEvent::GrantReceived(grant) => (
            format!("{} · {}", grant.grantor, grant.purpose),
            fen(grant.amount_fen),
            None,
        ),
        LedgerEvent::ExpenseProposed(proposed) => (
            format!(
                "{} · {} · {}",
                proposed.payee,
                category(&proposed.category),
                proposed.description
            ),
            fen(proposed.amount_fen),
            None,
        ),
        LedgerEvent::ExpenseApproved(approved) => {
            let (what, amount) = by_proposal(&approved.proposal);
            (what, amount, None)
        }
        LedgerEvent::ExpensePaid(paid) => {
            let (what, amount) = by_proposal(&paid.proposal);
            (what, amount, None)
        }
        LedgerEvent::FundsTransferred(transfer) => (
            format!(
                "{} → {}",
                fund(&transfer.from_fund),
                fund(&transfer.to_fund)
            ),
            fen(transfer.amount_fen),
            None,
        ),
        LedgerEvent::OwnersDecision(_) => (String::new(), None, None),
        LedgerEvent::Reversal(reversal) => (reversal.reason.to_string(), None, None),
        LedgerEvent::PaymentDemandIssued(demand) => {
            (String::new(), fen(demand.amount_fen), Some(&demand.unit))
        }
        LedgerEvent::PeriodClosed(close) => (close.statement.period.to_string(), None, None),
        LedgerEvent::AuditAttested(audit) => {
            let through = audit.through_seq;
            let what = if l.is_en() {
                format!("audited through entry {through}: {}", audit.opinion)
            } else {
                format!("审计至第 {through} 条：{}", audit.opinion)
            };
            (what, None, None)
        }
        LedgerEvent::BudgetAdopted(budget) => {
            let year = budget.year;
            let what = if l.is_en() {
                format!("budget {year}")
            } else {
                format!("{year} 年预算")
            };
            (what, None, None)
        }
    };
    Description { what, amount, unit }
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
    let entries: Vec<(Entry, LedgerEvent)> = s
        .store
        .entries(&at.origin, from, to)
        .await?
        .iter()
        .map(|bytes| {
            let entry = Entry::parse(bytes).map_err(Failure::internal)?;
            let event = LedgerEvent::from_event(entry.event()).map_err(Failure::internal)?;
            Ok((entry, event))
        })
        .collect::<Result<_, Failure>>()?;
    let wanted: Vec<String> = entries
        .iter()
        .filter_map(|(_, event)| proposal_of(event).map(str::to_string))
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
                .map(|(entry, event)| {
                    let told = describe(event, l, &proposals, &facts.item_names);
                    log_row(entry, told, signers(entry, facts, l), &at, l)
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

/// Who signed an entry: the roles each key held then, or the key's first digits.
fn signers(entry: &Entry, facts: &LogFacts, l: Lang) -> String {
    let signers: Vec<String> = entry
        .signatures()
        .iter()
        .map(|sig| {
            let roles = facts.roles_at(sig.key(), entry.seq());
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
    signers.join(l.pick("；", "; "))
}

/// An entry's row.
fn log_row(entry: &Entry, told: Description<'_>, signers: String, at: &At, l: Lang) -> LogRow {
    let unit = told.unit.map(ToString::to_string).unwrap_or_default();
    LogRow {
        seq: entry.seq(),
        time: beijing(entry.recorded_at()),
        time_iso: beijing_iso(entry.recorded_at()),
        kind: type_name(entry.event().kind(), l),
        what: told.what,
        signers,
        amount: told.amount.map(yuan).unwrap_or_default(),
        unit_href: if unit.is_empty() {
            String::new()
        } else {
            format!("{}/unit/{unit}{}", at.prefix, l.q())
        },
        unit,
        json_href: format!("/api/v1/ledgers/{}/entries/{}", at.seg, entry.seq()),
    }
}
