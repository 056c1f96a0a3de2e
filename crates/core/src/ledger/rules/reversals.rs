//! `reversal`: corrects a mistake by undoing an earlier entry's effect. An entry is reversed at
//! most once, and only if its kind is undone this way (a payment, charges, income, a grant, a
//! transfer, an expense proposal or payment, a demand); other kinds are corrected by a later
//! event of their own. A transfer's reversal needs a quorum, every other one the treasurer.

use super::signers::reversal_signers;
use super::{position_postings, slug};
use crate::entry::Entry;
use crate::ledger::accounts::{Account, Posting};
use crate::ledger::events::{EventKind, Reversal};
use crate::ledger::state::{Applied, Ledger, MoneyUndo, MoveKind, Movement, Undo, fen_from};
use crate::ledger::types::{FundId, Period, Slug, Unit};
use crate::ledger::violation::Violation;
use std::collections::BTreeMap;

impl Ledger {
    /// `reversal`: an entry that exists, is not reversed yet and is reversible, reversed by the
    /// signers its kind needs.
    pub(super) fn apply_reversal(
        &mut self,
        entry: &Entry,
        r: &Reversal,
        month: Period,
    ) -> Result<Applied, Violation> {
        let seq = entry.seq();
        let target =
            self.events
                .find(&r.reverses)
                .ok_or_else(|| Violation::UnknownReversalTarget {
                    id: r.reverses.clone(),
                })?;
        if let Some(&by_seq) = self.events.reversed_by.get(&target) {
            return Err(Violation::AlreadyReversed {
                id: r.reverses.clone(),
                by_seq,
            });
        }
        let target32 = u32::try_from(target).unwrap_or(u32::MAX);
        let kind = self.events.kind(target);
        let undo = self.events.slot(target).undo;
        if undo == Undo::NotReversible {
            return Err(Violation::not_reversible(kind));
        }
        self.check_signers(entry, reversal_signers(kind))?;
        let postings = match undo {
            Undo::Payment { household } => self.undo_payment(target32, household, month)?,
            Undo::Charges { period } => self.undo_charges(target32, period, month)?,
            Undo::Money => self.undo_money(target, month)?,
            Undo::Proposal => {
                self.withdraw_proposal(&r.reverses)?;
                Vec::new()
            }
            Undo::Nothing => Vec::new(),
            Undo::NotReversible => unreachable!("refused above"),
        };
        self.events.reversed_by.insert(target, seq);
        self.events.money.remove(&target);
        self.record(entry, EventKind::Reversal, Undo::NotReversible);
        Ok(Applied { postings })
    }

    /// Undoes payment `target` of household `household` (by registration order).
    fn undo_payment(
        &mut self,
        target: u32,
        household: u32,
        month: Period,
    ) -> Result<Vec<Posting>, Violation> {
        let unit = self.units[household as usize].clone();
        let h = &self.households[&unit];
        let index = h
            .payment_index(target)
            .unwrap_or_else(|| unreachable!("the payment entry made it"));
        let amount = h
            .payment_amount(index)
            .unwrap_or_else(|| unreachable!("a payment is reversed once"));
        let before = h.position();
        let mut postings = Vec::new();
        postings.push(Posting {
            account: Account::Money(FundId::operating()),
            amount: -amount,
        });
        postings.extend(position_postings(
            before,
            before + i128::from(amount.get()),
        )?);
        self.post(&postings)?;
        if let Some(h) = self.households.get_mut(&unit) {
            h.reverse_payment(index, month);
        }
        let m = [Movement {
            kind: MoveKind::Received,
            fund: FundId::operating(),
            category: Some(slug("fee_payments")),
            amount: i128::from(amount.get()),
        }];
        self.add_movements(month, &m, -1);
        Ok(postings)
    }

    /// Undoes the charges that entry `target` assessed for `period`.
    fn undo_charges(
        &mut self,
        target: u32,
        period: Period,
        month: Period,
    ) -> Result<Vec<Posting>, Violation> {
        let operating = FundId::operating();
        let mut by_unit: BTreeMap<&Unit, i128> = BTreeMap::new();
        let mut by_item: BTreeMap<Slug, i128> = BTreeMap::new();
        for (unit, h) in &self.households {
            for (item, amount) in h.charges_by(target, period) {
                *by_unit.entry(unit).or_insert(0) += i128::from(amount.get());
                *by_item.entry(item).or_insert(0) += i128::from(amount.get());
            }
        }
        let mut postings = Vec::new();
        for (item, amount) in &by_item {
            postings.push(Posting {
                account: Account::Income(operating.clone(), item.clone()),
                amount: fen_from(*amount)?,
            });
        }
        for (unit, amount) in &by_unit {
            let before = self.households[*unit].position();
            postings.extend(position_postings(before, before - amount)?);
        }
        let units: Vec<Unit> = by_unit.into_keys().cloned().collect();
        self.post(&postings)?;
        for unit in &units {
            if let Some(h) = self.households.get_mut(unit) {
                h.reverse_charges(target, period, month);
            }
        }
        let movements: Vec<Movement> = by_item
            .into_iter()
            .map(|(item, amount)| Movement {
                kind: MoveKind::Charged,
                fund: operating.clone(),
                category: Some(item),
                amount,
            })
            .collect();
        self.add_movements(month, &movements, -1);
        Ok(postings)
    }

    /// Undoes money event `target` by its kept postings and movements; undoing an expense
    /// payment makes its proposal payable again.
    fn undo_money(&mut self, target: u64, month: Period) -> Result<Vec<Posting>, Violation> {
        let MoneyUndo {
            postings: original,
            movements,
            reopens,
        } = self
            .events
            .money
            .get(&target)
            .cloned()
            .unwrap_or_else(|| unreachable!("kept for every money event"));
        let postings: Vec<Posting> = original
            .iter()
            .map(|p| Posting {
                account: p.account.clone(),
                amount: -p.amount,
            })
            .collect();
        self.post(&postings)?;
        self.add_movements(month, &movements, -1);
        // Undoing a payment makes its proposal payable again.
        if let Some(p) = reopens.and_then(|id| self.proposals.get_mut(&id)) {
            p.paid_at = None;
        }
        Ok(postings)
    }

    /// Withdraws proposal `id`, unless it was paid.
    fn withdraw_proposal(&mut self, id: &str) -> Result<(), Violation> {
        if let Some(paid_at) = self.proposals.get(id).and_then(|p| p.paid_at) {
            return Err(Violation::ProposalAlreadyPaid {
                id: id.to_string(),
                paid_at,
            });
        }
        if let Some(p) = self.proposals.get_mut(id) {
            p.withdrawn = true;
        }
        Ok(())
    }
}
