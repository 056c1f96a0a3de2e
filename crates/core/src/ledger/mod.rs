//! The community ledger: its events, the rules every entry must keep, and the projections
//! (balances, statements, arrears) folded from the log. Pure: the server and the verifier run
//! exactly this code.
//!
//! - [`types`]: the values event bodies are made of (money in fen, months, units, funds …);
//!   [`events`]: one struct per event type, and [`events::LedgerEvent`] over them all.
//! - `state`: [`Ledger`], the state after some entries, and [`Ledger::apply`], which checks an
//!   entry against the rules and folds it in (or refuses it and changes nothing).
//! - `rules`: the rules, one file per group of event kinds (genesis, roles, households,
//!   charges, payments, funds, expenses, decisions, closes, reversals, and who signs what),
//!   each with its kinds' `apply`; [`decide`] recomputes an owners' vote, and
//!   [`Ledger::check_close_range`] asks the rule of a close's range before it is signed.
//! - `violation`: [`RuleError`] and [`Violation`], one variant per rule.
//! - `report`: what is recomputed from the state: [`Ledger::statement`], [`Ledger::arrears`],
//!   [`Ledger::pending_approvals`], [`Ledger::budget_vs_actual`].
//! - [`households`]: each unit's charges and payments, allocation and arrears by age;
//!   [`accounts`]: the chart of accounts and the postings.
//! - [`journal`], [`csv`]: the books as hledger/ledger and beancount journals, a statement as
//!   CSV.
//! - [`replay_jsonl`] (here): log verification and the rules in one pass.

pub mod accounts;
pub mod events;
pub mod households;
pub mod journal;
mod report;
mod rules;
mod state;
pub mod types;
mod violation;

pub use report::{BudgetComparison, PendingApproval, first_difference};
pub use rules::decide;
pub use state::{Applied, Ledger, Proposal};
pub use violation::{RuleError, Violation};

use crate::log::{LogError, LogVerifier, VerifiedLog, check_terminated, split_lines};

/// Why a log is not a valid community ledger: the log itself is broken (format, chain,
/// signatures), or an entry breaks a ledger rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The log's structure, chain or signatures.
    #[error("{0}")]
    Log(#[from] LogError),
    /// A ledger rule.
    #[error("{0}")]
    Rule(#[from] RuleError),
}

/// Verifies a whole `.jsonl` log and replays it with the ledger rules: the server's rules, run
/// by the verifier. Returns what the log established and the ledger it holds.
pub fn replay_jsonl(log: &[u8]) -> Result<(VerifiedLog, Ledger), ReplayError> {
    let mut verifier = LogVerifier::new();
    let mut ledger = Ledger::new();
    for line in split_lines(log) {
        let entry = verifier.push(line)?;
        if let Err(rule) = ledger.apply(&entry) {
            // An earlier entry's bad signature explains more than a later rule: report it first.
            verifier.flush()?;
            return Err(rule.into());
        }
    }
    check_terminated(log, verifier.size())?;
    Ok((verifier.finish()?, ledger))
}
