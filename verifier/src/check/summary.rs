//! What the report says about a ledger whose log verified.

use crate::report::{self, FundInfo, Lang, LedgerInfo};
use gongzhang_core::ledger::rules::Ledger;
use gongzhang_core::ledger::types::PeriodRange;

pub(super) fn ledger_info(
    verified: &gongzhang_core::log::VerifiedLog,
    ledger: &Ledger,
    lang: Lang,
) -> LedgerInfo {
    let statement = match (ledger.first_period(), ledger.last_period()) {
        (Some(from), Some(to)) => Some(ledger.statement(PeriodRange { from, to })),
        _ => None,
    };
    let funds = ledger
        .fund_balances()
        .into_iter()
        .map(|(fund, balance)| FundInfo {
            name: report::fund_name(fund.as_str(), lang),
            fund: fund.as_str().to_string(),
            balance_fen: balance,
        })
        .collect();
    let (income, spending, arrears) = statement
        .map(|s| (s.income, s.spending, s.arrears))
        .unwrap_or_default();
    LedgerInfo {
        origin: verified.origin.clone(),
        community: ledger.community().to_string(),
        entries: verified.tree_head.size,
        genesis_hash: verified.genesis_hash.to_string(),
        first_recorded_at: report::beijing(verified.first_time),
        last_recorded_at: report::beijing(verified.last_time),
        first_period: ledger.first_period().map(|p| p.to_string()),
        last_period: ledger.last_period().map(|p| p.to_string()),
        last_closed: ledger.last_closed().map(|p| p.to_string()),
        households: ledger.households().len(),
        funds,
        income,
        spending,
        arrears,
    }
}
