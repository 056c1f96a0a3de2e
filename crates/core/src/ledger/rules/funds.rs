//! `income_received`, `grant_received` and `funds_transferred`: money into a fund that exists
//! (a grant into a project fund, which its first grant opens), and money moved between two
//! funds under a passed owners' decision; no fund goes below zero.

use super::{Effect, above_zero, slug};
use crate::entry::Entry;
use crate::ledger::accounts::{Account, Posting};
use crate::ledger::events::{FundsTransferred, GrantReceived, IncomeReceived};
use crate::ledger::state::{Ledger, MoveKind, Movement};
use crate::ledger::types::{Fen, FundId, Matter, Period, Slug};
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
        above_zero(i.amount_fen)?;
        self.fund_exists(&i.fund)?;
        self.receive(entry, &i.fund, &i.category, i.amount_fen, month)
    }

    /// `grant_received`: an amount above zero into a project fund, which it opens if new.
    pub(super) fn apply_grant_received(
        &mut self,
        entry: &Entry,
        g: &GrantReceived,
        month: Period,
    ) -> Result<Effect, Violation> {
        above_zero(g.amount_fen)?;
        if g.fund.project().is_none() {
            return Err(Violation::NotAProjectFund {
                fund: g.fund.clone(),
            });
        }
        // Posting opens the fund's money account: the first grant opens the fund.
        let effect = self.receive(entry, &g.fund, &slug("grant"), g.amount_fen, month)?;
        self.opening.entry(g.fund.clone()).or_insert(Fen::ZERO);
        Ok(effect)
    }

    /// Money received into `fund` as income of `category`: posted (or nothing changes), added
    /// to the month's totals, and kept to be undone.
    fn receive(
        &mut self,
        entry: &Entry,
        fund: &FundId,
        category: &Slug,
        amount: Fen,
        month: Period,
    ) -> Result<Effect, Violation> {
        let postings = vec![
            Posting {
                account: Account::Money(fund.clone()),
                amount,
            },
            Posting {
                account: Account::Income(fund.clone(), category.clone()),
                amount: -amount,
            },
        ];
        let movements = vec![Movement {
            kind: MoveKind::Received,
            fund: fund.clone(),
            category: Some(category.clone()),
            amount: i128::from(amount.get()),
        }];
        self.post(&postings)?;
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
        above_zero(t.amount_fen)?;
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
