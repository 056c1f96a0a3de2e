//! `income_received`, `grant_received` and `funds_transferred`: money into a fund that exists
//! (a grant into a project fund, which its first grant opens), and money moved between two
//! funds under a passed owners' decision; no fund goes below zero.

use super::{Effect, slug};
use crate::entry::Entry;
use crate::ledger::accounts::{Account, Posting};
use crate::ledger::events::{FundsTransferred, GrantReceived, IncomeReceived};
use crate::ledger::state::{Ledger, MoveKind, Movement};
use crate::ledger::types::{Fen, FundId, Matter, Period};
use crate::ledger::violation::Violation;

impl Ledger {
    /// A fund that does not exist is refused.
    pub(super) fn fund_exists(&self, fund: &FundId) -> Result<(), Violation> {
        if self.accounts.contains_key(&Account::Money(fund.clone())) {
            Ok(())
        } else {
            Err(Violation::UnknownFund { fund: fund.clone() })
        }
    }

    /// `income_received`: an amount above zero into a fund that exists.
    pub(super) fn apply_income_received(
        &mut self,
        entry: &Entry,
        i: &IncomeReceived,
        month: Period,
    ) -> Result<Effect, Violation> {
        if !i.amount_fen.is_positive() {
            return Err(Violation::AmountNotPositive {
                field: "amount_fen",
            });
        }
        self.fund_exists(&i.fund)?;
        let postings = vec![
            Posting {
                account: Account::Money(i.fund.clone()),
                amount: i.amount_fen,
            },
            Posting {
                account: Account::Income(i.fund.clone(), i.category.clone()),
                amount: -i.amount_fen,
            },
        ];
        let movements = vec![Movement {
            kind: MoveKind::Received,
            fund: i.fund.clone(),
            category: Some(i.category.clone()),
            amount: i128::from(i.amount_fen.get()),
        }];
        self.post(&postings)?;
        self.add_movements(month, &movements, 1);
        let undo = self
            .events
            .keep_money_undo(entry.seq(), &postings, movements, None);
        Ok(Effect { postings, undo })
    }

    /// `grant_received`: an amount above zero into a project fund, which it opens if new.
    pub(super) fn apply_grant_received(
        &mut self,
        entry: &Entry,
        g: &GrantReceived,
        month: Period,
    ) -> Result<Effect, Violation> {
        if !g.amount_fen.is_positive() {
            return Err(Violation::AmountNotPositive {
                field: "amount_fen",
            });
        }
        if g.fund.project().is_none() {
            return Err(Violation::NotAProjectFund {
                fund: g.fund.clone(),
            });
        }
        let postings = vec![
            Posting {
                account: Account::Money(g.fund.clone()),
                amount: g.amount_fen,
            },
            Posting {
                account: Account::Income(g.fund.clone(), slug("grant")),
                amount: -g.amount_fen,
            },
        ];
        let movements = vec![Movement {
            kind: MoveKind::Received,
            fund: g.fund.clone(),
            category: Some(slug("grant")),
            amount: i128::from(g.amount_fen.get()),
        }];
        // Posting opens the fund's money account: the first grant opens the fund.
        self.post(&postings)?;
        self.opening.entry(g.fund.clone()).or_insert(Fen::ZERO);
        self.add_movements(month, &movements, 1);
        let undo = self
            .events
            .keep_money_undo(entry.seq(), &postings, movements, None);
        Ok(Effect { postings, undo })
    }

    /// `funds_transferred`: an amount above zero between two funds that exist, under a passed
    /// decision on a transfer (or on using the maintenance fund, when it pays).
    pub(super) fn apply_funds_transferred(
        &mut self,
        entry: &Entry,
        t: &FundsTransferred,
        month: Period,
    ) -> Result<Effect, Violation> {
        if !t.amount_fen.is_positive() {
            return Err(Violation::AmountNotPositive {
                field: "amount_fen",
            });
        }
        if t.from_fund == t.to_fund {
            return Err(Violation::SameFund);
        }
        self.fund_exists(&t.from_fund)?;
        self.fund_exists(&t.to_fund)?;
        let allowed: &[Matter] = if t.from_fund.as_str() == "maintenance" {
            &[Matter::FundTransfer, Matter::UseMaintenanceFund]
        } else {
            &[Matter::FundTransfer]
        };
        self.passed_decision(&t.decision, allowed)?;
        let postings = vec![
            Posting {
                account: Account::Money(t.to_fund.clone()),
                amount: t.amount_fen,
            },
            Posting {
                account: Account::Transfers(t.to_fund.clone()),
                amount: -t.amount_fen,
            },
            Posting {
                account: Account::Transfers(t.from_fund.clone()),
                amount: t.amount_fen,
            },
            Posting {
                account: Account::Money(t.from_fund.clone()),
                amount: -t.amount_fen,
            },
        ];
        let a = i128::from(t.amount_fen.get());
        let movements = vec![
            Movement {
                kind: MoveKind::Transferred,
                fund: t.to_fund.clone(),
                category: None,
                amount: a,
            },
            Movement {
                kind: MoveKind::Transferred,
                fund: t.from_fund.clone(),
                category: None,
                amount: -a,
            },
        ];
        self.post(&postings)?;
        self.add_movements(month, &movements, 1);
        let undo = self
            .events
            .keep_money_undo(entry.seq(), &postings, movements, None);
        Ok(Effect { postings, undo })
    }
}
