//! `fee_schedule_adopted` and `charges_assessed`: a schedule is adopted under a passed owners'
//! decision on fees, from a month of the ledger; a month's charges are each the schedule in force
//! applied to the unit's area (明码标价), each unit charged once per item and month.

use super::{Effect, position_postings};
use crate::entry::Entry;
use crate::ledger::accounts::{Account, Posting};
use crate::ledger::events::{Charge, ChargesAssessed, FeeScheduleAdopted};
use crate::ledger::households;
use crate::ledger::state::{Ledger, MoveKind, Movement, Undo, fen_from};
use crate::ledger::types::{FundId, Matter, Period, Slug, Unit};
use crate::ledger::violation::Violation;
use std::collections::{BTreeMap, BTreeSet};

/// What a `charges_assessed` entry charges, once checked.
struct ChargeTotals<'c> {
    /// Per unit: the amount charged and its position before.
    by_unit: BTreeMap<&'c Unit, (i128, i128)>,
    /// Per fee item: the amount charged.
    by_item: BTreeMap<&'c Slug, i128>,
}

impl Ledger {
    /// The fee schedule in force for `period`: the latest adopted whose first month is not after it.
    pub fn schedule_for(&self, period: Period) -> Option<&FeeScheduleAdopted> {
        self.schedules
            .iter()
            .rev()
            .find(|s| s.from_period <= period)
    }

    /// The charges the schedule in force gives every registered household for `period` that are
    /// not charged yet: what a treasurer's `charges_assessed` for the month should contain.
    pub fn due_charges(&self, period: Period) -> Vec<Charge> {
        let Some(schedule) = self.schedule_for(period) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (unit, h) in &self.households {
            for item in &schedule.items {
                if h.has_charge(period, &item.item) {
                    continue;
                }
                if let Some(amount) =
                    households::charge_amount(item.basis, item.rate_fen, h.area_centi_m2)
                {
                    out.push(Charge {
                        unit: unit.clone(),
                        item: item.item.clone(),
                        amount_fen: amount,
                    });
                }
            }
        }
        out
    }

    /// A month before the ledger's first is refused.
    fn check_period(&self, period: Period) -> Result<(), Violation> {
        match self.first_period {
            Some(first) if period < first => Err(Violation::PeriodBeforeLedger { period, first }),
            _ => Ok(()),
        }
    }

    /// `fee_schedule_adopted`: under a passed decision on fees; items listed once, rates of zero
    /// or more; from a month of the ledger.
    pub(super) fn apply_fee_schedule_adopted(
        &mut self,
        s: &FeeScheduleAdopted,
    ) -> Result<Effect, Violation> {
        self.passed_decision(&s.decision, &[Matter::FeeSchedule])?;
        let items: BTreeSet<&Slug> = s.items.iter().map(|i| &i.item).collect();
        if s.items.is_empty()
            || items.len() != s.items.len()
            || s.items.iter().any(|i| i.rate_fen.get() < 0)
        {
            return Err(Violation::InvalidFeeSchedule);
        }
        self.check_period(s.from_period)?;
        self.schedules.push(s.clone());
        Ok(Effect::none())
    }

    /// `charges_assessed`: each charge the schedule's, each unit once per item and month.
    pub(super) fn apply_charges_assessed(
        &mut self,
        entry: &Entry,
        c: &ChargesAssessed,
        month: Period,
    ) -> Result<Effect, Violation> {
        // `apply` refuses entries beyond u32::MAX.
        let seq32 = u32::try_from(entry.seq()).unwrap_or(u32::MAX);
        let ChargeTotals { by_unit, by_item } = self.check_charges(c)?;
        let mut postings = Vec::new();
        let operating = FundId::operating();
        for (item, amount) in &by_item {
            postings.push(Posting {
                account: Account::Income(operating.clone(), (*item).clone()),
                amount: fen_from(-amount)?,
            });
        }
        for &(amount, before) in by_unit.values() {
            postings.extend(position_postings(before, before + amount)?);
        }
        let movements: Vec<Movement> = by_item
            .iter()
            .map(|(item, amount)| Movement {
                kind: MoveKind::Charged,
                fund: operating.clone(),
                category: Some((*item).clone()),
                amount: *amount,
            })
            .collect();
        self.post(&postings)?;
        for charge in &c.charges {
            let h = self
                .households
                .get_mut(&charge.unit)
                .unwrap_or_else(|| unreachable!("checked above"));
            h.add_charge(seq32, month, c.period, &charge.item, charge.amount_fen);
        }
        self.add_movements(month, &movements, 1);
        Ok(Effect {
            postings,
            undo: Undo::Charges { period: c.period },
        })
    }

    /// Checks every charge of `c` and adds them up by unit and by item. Changes nothing.
    fn check_charges<'c>(&self, c: &'c ChargesAssessed) -> Result<ChargeTotals<'c>, Violation> {
        if c.charges.is_empty() {
            return Err(Violation::NothingCharged);
        }
        self.check_period(c.period)?;
        let schedule = self
            .schedule_for(c.period)
            .ok_or(Violation::NoFeeSchedule { period: c.period })?;
        // (household, schedule line) pairs charged by this entry.
        let mut seen: BTreeSet<(u32, usize)> = BTreeSet::new();
        let mut totals = ChargeTotals {
            by_unit: BTreeMap::new(),
            by_item: BTreeMap::new(),
        };
        for charge in &c.charges {
            let h = self
                .households
                .get(&charge.unit)
                .ok_or_else(|| Violation::UnknownUnit {
                    unit: charge.unit.clone(),
                })?;
            let (line, item) = schedule
                .items
                .iter()
                .enumerate()
                .find(|(_, i)| i.item == charge.item)
                .ok_or_else(|| Violation::UnknownFeeItem {
                    period: c.period,
                    item: charge.item.clone(),
                })?;
            let computed = households::charge_amount(item.basis, item.rate_fen, h.area_centi_m2)
                .ok_or(Violation::AmountOutOfRange)?;
            if computed != charge.amount_fen {
                return Err(Violation::ChargeMismatch {
                    unit: charge.unit.clone(),
                    item: charge.item.clone(),
                    period: c.period,
                    stated: charge.amount_fen,
                    computed,
                });
            }
            if !h.can_charge(&charge.item) {
                return Err(Violation::LedgerFull {
                    what: "fee items for one unit",
                    limit: households::ITEMS_MAX as u64,
                });
            }
            if h.has_charge(c.period, &charge.item) || !seen.insert((h.id, line)) {
                return Err(Violation::DuplicateCharge {
                    unit: charge.unit.clone(),
                    item: charge.item.clone(),
                    period: c.period,
                });
            }
            totals
                .by_unit
                .entry(&charge.unit)
                .or_insert((0, h.position()))
                .0 += i128::from(charge.amount_fen.get());
            *totals.by_item.entry(&charge.item).or_insert(0) += i128::from(charge.amount_fen.get());
        }
        Ok(totals)
    }
}
