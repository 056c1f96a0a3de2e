//! `expense_proposed`, `expense_approved`, `expense_paid` and `budget_adopted`: the treasurer
//! proposes spending from a fund that exists (its project named for a restricted fund, an
//! owners' decision behind spending from the maintenance fund); committee members other than
//! the proposer approve it, each once; above the threshold it is paid only with K approvals and
//! a complete invoice; a year's budget lists each fund and category once.

use super::{Effect, above_zero};
use crate::entry::Entry;
use crate::ledger::accounts::{Account, Posting};
use crate::ledger::events::{
    BudgetAdopted, ExpenseApproved, ExpensePaid, ExpenseProposed, Governance,
};
use crate::ledger::state::{Ledger, MoveKind, Movement, Proposal, Undo};
use crate::ledger::types::{Fen, InvoiceKind, Matter, Period};
use crate::ledger::violation::Violation;
use std::collections::BTreeSet;

/// Every matter: a decision of any matter may stand behind an ordinary expenditure.
const ALL_MATTERS: &[Matter] = &[
    Matter::Other,
    Matter::RaiseMaintenanceFund,
    Matter::Rebuild,
    Matter::ChangeCommonUse,
    Matter::UseMaintenanceFund,
    Matter::FeeSchedule,
    Matter::ElectCommittee,
    Matter::FundTransfer,
    Matter::Budget,
];

impl Ledger {
    /// The proposal `id`, if it exists and is neither withdrawn nor paid.
    fn open_proposal(&self, id: &str) -> Result<&Proposal, Violation> {
        let proposal = self
            .proposals
            .get(id)
            .ok_or_else(|| Violation::UnknownProposal { id: id.to_string() })?;
        if proposal.withdrawn {
            return Err(Violation::ProposalWithdrawn { id: id.to_string() });
        }
        if let Some(paid_at) = proposal.paid_at {
            return Err(Violation::ProposalAlreadyPaid {
                id: id.to_string(),
                paid_at,
            });
        }
        Ok(proposal)
    }

    /// `expense_proposed`: an amount above zero from a fund that exists, its project named if
    /// the fund is a project's, under a passed decision if the maintenance fund pays.
    pub(super) fn apply_expense_proposed(
        &mut self,
        entry: &Entry,
        p: &ExpenseProposed,
    ) -> Result<Effect, Violation> {
        above_zero(p.amount_fen)?;
        self.fund_exists(&p.fund)?;
        let expected = p.fund.project().map(str::to_string);
        let found = p.project.as_ref().map(|s| s.as_str().to_string());
        if expected != found {
            return Err(Violation::ProjectMismatch {
                fund: p.fund.clone(),
                expected,
                found,
            });
        }
        match (&p.decision, p.fund.as_str() == "maintenance") {
            (None, true) => return Err(Violation::MaintenanceDecisionMissing),
            (Some(d), true) => self.passed_decision(d, &[Matter::UseMaintenanceFund])?,
            (Some(d), false) => self.passed_decision(d, ALL_MATTERS)?,
            (None, false) => {}
        }
        let id = entry.event().id().to_string();
        self.proposals.insert(
            id.clone(),
            Proposal {
                seq: entry.seq(),
                body: p.clone(),
                proposer: *entry.signatures()[0].key(),
                approvals: BTreeSet::new(),
                paid_at: None,
                withdrawn: false,
            },
        );
        Ok(Effect::undo(Undo::Proposal))
    }

    /// `expense_approved`: an open proposal, approved once by a member who did not propose it.
    pub(super) fn apply_expense_approved(
        &mut self,
        entry: &Entry,
        a: &ExpenseApproved,
    ) -> Result<Effect, Violation> {
        let key = *entry.signatures()[0].key();
        let proposal = self.open_proposal(&a.proposal)?;
        if proposal.proposer == key {
            return Err(Violation::SelfApproval { key });
        }
        if proposal.approvals.contains(&key) {
            return Err(Violation::AlreadyApproved {
                id: a.proposal.clone(),
                key,
            });
        }
        if let Some(p) = self.proposals.get_mut(&a.proposal) {
            p.approvals.insert(key);
        }
        Ok(Effect::none())
    }

    /// `expense_paid`: an open proposal, with a complete invoice, approved by K members if it
    /// is above the threshold; its fund pays it.
    pub(super) fn apply_expense_paid(
        &mut self,
        entry: &Entry,
        p: &ExpensePaid,
        month: Period,
    ) -> Result<Effect, Violation> {
        let seq = entry.seq();
        let proposal = self.open_proposal(&p.proposal)?;
        if p.invoice.kind != InvoiceKind::None
            && (p.invoice.number.is_none() || p.invoice.sha256.is_none())
        {
            return Err(Violation::InvoiceIncomplete);
        }
        let governance = self.governance.clone().unwrap_or(Governance {
            approval_threshold_fen: Fen::ZERO,
            approvals_required: 1,
        });
        let body = proposal.body.clone();
        let found = u32::try_from(proposal.approvals.len()).unwrap_or(u32::MAX);
        if body.amount_fen > governance.approval_threshold_fen
            && found < governance.approvals_required
        {
            return Err(Violation::ApprovalsMissing {
                id: p.proposal.clone(),
                amount: body.amount_fen,
                needed: governance.approvals_required,
                found,
            });
        }
        let postings = vec![
            Posting {
                account: Account::Expense(body.fund.clone(), body.category.clone()),
                amount: body.amount_fen,
            },
            Posting {
                account: Account::Money(body.fund.clone()),
                amount: -body.amount_fen,
            },
        ];
        let movements = vec![Movement {
            kind: MoveKind::Spent,
            fund: body.fund.clone(),
            category: Some(body.category.clone()),
            amount: i128::from(body.amount_fen.get()),
        }];
        self.post(&postings)?;
        self.add_movements(month, &movements, 1);
        if let Some(pr) = self.proposals.get_mut(&p.proposal) {
            pr.paid_at = Some(seq);
        }
        let undo = self
            .events
            .keep_money_undo(seq, &postings, movements, Some(p.proposal.clone()));
        Ok(Effect { postings, undo })
    }

    /// `budget_adopted`: under a passed decision on the budget, each fund and category once, in
    /// funds that exist, amounts of zero or more.
    pub(super) fn apply_budget_adopted(&mut self, b: &BudgetAdopted) -> Result<Effect, Violation> {
        self.passed_decision(&b.decision, &[Matter::Budget])?;
        let mut seen = BTreeSet::new();
        for line in &b.lines {
            if !seen.insert((&line.fund, &line.category)) {
                return Err(Violation::DuplicateBudgetLine {
                    fund: line.fund.clone(),
                    category: line.category.clone(),
                });
            }
            self.fund_exists(&line.fund)?;
            if line.amount_fen.get() < 0 {
                return Err(Violation::AmountNotPositive {
                    field: "lines.amount_fen",
                });
            }
        }
        self.budgets.insert(b.year, b.lines.clone());
        Ok(Effect::none())
    }
}
