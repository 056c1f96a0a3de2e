//! What the report says about a ledger whose log verified: the checks done, the checkpoint and
//! its witnesses, the older checkpoint, and the ledger's figures.

use super::anchors::Anchors;
use super::pass::VerifiedLedger;
use crate::report::{self, FundInfo, HeadInfo, LedgerInfo, Report, WitnessInfo};
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::PeriodRange;
use gongzhang_text::Lang;

/// Records in the report what the pass established.
pub(super) fn record(report: &mut Report, anchors: &Anchors, log: &VerifiedLedger, lang: Lang) {
    report.checks = vec![
        "format",
        "chain",
        "signatures",
        "ledger_rules",
        "checkpoint",
    ];
    if anchors.key.is_some() {
        report.checks.push("log_key");
    }
    if anchors.genesis.is_some() {
        report.checks.push("genesis_hash");
    }
    let checkpoint = &log.opened.checkpoint;
    report.checkpoint = Some(HeadInfo::from(checkpoint.tree_head()));
    report.witnesses = checkpoint
        .cosignatures()
        .iter()
        .map(|c| WitnessInfo {
            name: c.name().to_string(),
            timestamp: c.timestamp(),
        })
        .collect();
    if anchors.policy.is_some() {
        report.checks.push("witnesses");
    }
    if let Some(saved) = log.opened.older {
        report.older_checkpoint = Some(HeadInfo::from(saved));
        report.checks.push("older_checkpoint");
    }
    report.ledger = Some(ledger_info(&log.log, &log.ledger, lang));
}

/// The ledger's figures as the report gives them.
fn ledger_info(
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
        first_recorded_at: gongzhang_text::format::beijing(verified.first_time),
        last_recorded_at: gongzhang_text::format::beijing(verified.last_time),
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
