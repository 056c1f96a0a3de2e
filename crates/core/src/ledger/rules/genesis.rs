//! `ledger_opened`, the genesis: a committee of at least one key, each once, a quorum K it can
//! meet, a log key named by the ledger's origin, keys that can sign, signed by every member it
//! names and no one else, and opening balances of the standing funds.

use super::roles::valid_key;
use crate::entry::Entry;
use crate::keys::PublicKey;
use crate::ledger::accounts::{Account, Posting};
use crate::ledger::events::{EventKind, LedgerEvent, LedgerOpened};
use crate::ledger::state::{Applied, Ledger, Undo};
use crate::ledger::types::{Fen, FundId};
use crate::ledger::violation::Violation;
use std::collections::BTreeSet;

impl Ledger {
    /// The first entry: checks the genesis, then sets the ledger up from it.
    pub(super) fn apply_genesis(
        &mut self,
        entry: &Entry,
        event: &LedgerEvent,
    ) -> Result<Applied, Violation> {
        let LedgerEvent::LedgerOpened(g) = event else {
            // The log layer refuses a first entry of another type; reaching here is a bug.
            unreachable!("the log layer checks the genesis type")
        };
        let committee = check_committee(entry, g)?;
        let postings = opening_postings(g)?;
        // Commit.
        self.origin = g.origin.clone();
        self.community = g.community.to_string();
        self.log_key = g.log_key.clone();
        self.first_period = Some(g.first_period);
        self.governance = Some(g.governance.clone());
        self.committee = committee;
        self.treasurer = Some(g.treasurer.0);
        self.auditor = Some(g.auditor.0);
        for fund in ["operating", "public_revenue", "maintenance"] {
            let fund = FundId::try_from(fund).unwrap_or_else(|_| unreachable!("standing fund"));
            self.accounts
                .entry(Account::Money(fund.clone()))
                .or_insert(Fen::ZERO);
            let opening = g
                .opening_balances
                .iter()
                .find(|o| o.fund == fund)
                .map_or(Fen::ZERO, |o| o.amount_fen);
            self.opening.insert(fund, opening);
        }
        self.post(&postings)?;
        self.record(entry, EventKind::LedgerOpened, Undo::NotReversible);
        Ok(Applied { postings })
    }
}

/// The committee, governance, keys and signatures of the genesis: the committee it names.
fn check_committee(entry: &Entry, g: &LedgerOpened) -> Result<BTreeSet<PublicKey>, Violation> {
    let committee: BTreeSet<PublicKey> = g.committee.iter().map(|k| k.0).collect();
    if committee.is_empty() || committee.len() != g.committee.len() {
        return Err(Violation::InvalidGenesis {
            reason: "the committee must list at least one key, each once",
        });
    }
    let members = u32::try_from(committee.len()).unwrap_or(u32::MAX);
    let k = g.governance.approvals_required;
    if k == 0 {
        return Err(Violation::InvalidGenesis {
            reason: "approvals_required (K) must be at least 1",
        });
    }
    if k > members {
        return Err(Violation::QuorumExceedsCommittee { needed: k, members });
    }
    if g.governance.approval_threshold_fen.get() < 0 {
        return Err(Violation::InvalidGenesis {
            reason: "the approval threshold cannot be negative",
        });
    }
    match crate::note::VerifierKey::parse(&g.log_key) {
        Err(_) => {
            return Err(Violation::InvalidGenesis {
                reason: "log_key must be a signed-note verifier key string",
            });
        }
        Ok(key) if key.name() != g.origin => {
            return Err(Violation::InvalidGenesis {
                reason: "the log key must be named by the ledger's origin",
            });
        }
        Ok(_) => {}
    }
    for key in g.committee.iter().chain([&g.treasurer, &g.auditor]) {
        valid_key(key.0)?;
    }
    let signers: BTreeSet<PublicKey> = entry.signatures().iter().map(|s| *s.key()).collect();
    if let Some(key) = signers.iter().find(|k| !committee.contains(k)) {
        return Err(Violation::GenesisSignedByOutsider { key: *key });
    }
    if let Some(key) = committee.iter().find(|k| !signers.contains(k)) {
        return Err(Violation::GenesisNotSignedByMember { key: *key });
    }
    Ok(committee)
}

/// The postings of the opening balances: each standing fund at most once, none negative.
fn opening_postings(g: &LedgerOpened) -> Result<Vec<Posting>, Violation> {
    let mut seen = BTreeSet::new();
    let mut postings = Vec::new();
    for o in &g.opening_balances {
        if !o.fund.is_standing() || !seen.insert(o.fund.clone()) {
            return Err(Violation::InvalidGenesis {
                reason: "opening balances name each standing fund at most once",
            });
        }
        if o.amount_fen.get() < 0 {
            return Err(Violation::InvalidGenesis {
                reason: "opening balances cannot be negative",
            });
        }
        postings.push(Posting {
            account: Account::Money(o.fund.clone()),
            amount: o.amount_fen,
        });
        postings.push(Posting {
            account: Account::Opening(o.fund.clone()),
            amount: -o.amount_fen,
        });
    }
    Ok(postings)
}
