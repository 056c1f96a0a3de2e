//! The community ledger: its events, the rules every entry must keep, and the projections
//! (balances, statements, arrears) folded from the log. Pure: the server and the verifier run
//! exactly this code.

pub mod accounts;
pub mod events;
pub mod households;
pub mod journal;
pub mod rules;
pub mod types;

use crate::log::{LogError, LogVerifier, VerifiedLog, check_terminated, split_lines};
use rules::{Ledger, RuleError};

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
