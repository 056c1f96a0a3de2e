//! The chart of accounts and the double-entry postings derived from events.
//!
//! Every fund keeps its money in one asset account; fees are accrued to a receivable when they
//! are charged, and a payment beyond what a household owes is prepaid (a liability). Postings are
//! derived from events, never written by people, and each set balances by construction.

use super::types::{Fen, FundId, Slug};
use std::fmt;

/// An account of the ledger's double-entry books.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    /// The money a fund holds (cash on hand and bank together): `Assets:<Fund>:Money`.
    Money(FundId),
    /// Fees charged and not yet paid, all households: `Assets:Operating:Receivable`.
    Receivable,
    /// Fees paid in advance, all households: `Liabilities:Operating:Prepaid`.
    Prepaid,
    /// Income of a fund by category: `Income:<Fund>:<Category>`.
    Income(FundId, Slug),
    /// Spending of a fund by category: `Expenses:<Fund>:<Category>`.
    Expense(FundId, Slug),
    /// What a fund held when the ledger opened: `Equity:<Fund>:Opening`.
    Opening(FundId),
    /// Money moved into (positive credit) or out of a fund by owners' decision:
    /// `Equity:<Fund>:Transfers`.
    Transfers(FundId),
}

impl Account {
    /// The account's name in hledger, ledger and beancount journals (ASCII: beancount refuses
    /// other names), e.g. `Expenses:Operating:Greenery`.
    pub fn journal_name(&self) -> String {
        use super::types::capitalize;
        match self {
            Account::Money(f) => format!("Assets:{}:Money", f.account_segment()),
            Account::Receivable => "Assets:Operating:Receivable".into(),
            Account::Prepaid => "Liabilities:Operating:Prepaid".into(),
            Account::Income(f, c) => {
                format!("Income:{}:{}", f.account_segment(), capitalize(c.as_str()))
            }
            Account::Expense(f, c) => format!(
                "Expenses:{}:{}",
                f.account_segment(),
                capitalize(c.as_str())
            ),
            Account::Opening(f) => format!("Equity:{}:Opening", f.account_segment()),
            Account::Transfers(f) => format!("Equity:{}:Transfers", f.account_segment()),
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.journal_name())
    }
}

/// One posting: a debit (positive) or credit (negative) to an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// Debit positive, credit negative.
    pub amount: Fen,
}

/// Whether postings sum to zero (every derived transaction must).
pub fn balances(postings: &[Posting]) -> bool {
    postings
        .iter()
        .map(|p| i128::from(p.amount.get()))
        .sum::<i128>()
        == 0
}
