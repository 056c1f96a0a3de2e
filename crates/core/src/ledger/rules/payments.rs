//! `payment_received` and `payment_demand_issued`: a registered household pays an amount above
//! zero (settling the months it names, then the oldest, the rest prepaid); a demand (催告) goes
//! only to a unit in arrears, for exactly what it owes.

use super::{Effect, above_zero, position_postings, slug};
use crate::entry::Entry;
use crate::ledger::accounts::{Account, Posting};
use crate::ledger::events::{PaymentDemandIssued, PaymentReceived};
use crate::ledger::state::{Ledger, MoveKind, Movement, Undo};
use crate::ledger::types::{Fen, FundId, Period};
use crate::ledger::violation::Violation;

impl Ledger {
    /// `payment_received`: an amount above zero from a registered unit, into the operating fund.
    pub(super) fn apply_payment_received(
        &mut self,
        entry: &Entry,
        p: &PaymentReceived,
        month: Period,
    ) -> Result<Effect, Violation> {
        // `apply` refuses entries beyond u32::MAX.
        let seq32 = u32::try_from(entry.seq()).unwrap_or(u32::MAX);
        above_zero(p.amount_fen)?;
        let h = self
            .households
            .get(&p.unit)
            .ok_or_else(|| Violation::UnknownUnit {
                unit: p.unit.clone(),
            })?;
        let before = h.position();
        let operating = FundId::operating();
        let mut postings = Vec::new();
        postings.push(Posting {
            account: Account::Money(operating.clone()),
            amount: p.amount_fen,
        });
        postings.extend(position_postings(
            before,
            before - i128::from(p.amount_fen.get()),
        )?);
        self.post(&postings)?;
        let h = self
            .households
            .get_mut(&p.unit)
            .unwrap_or_else(|| unreachable!("checked above"));
        let index = h.add_payment(seq32, month, p.amount_fen, &p.periods);
        debug_assert_eq!(h.payment_index(seq32), Some(index));
        let household = h.id;
        let m = [Movement {
            kind: MoveKind::Received,
            fund: operating,
            category: Some(slug("fee_payments")),
            amount: i128::from(p.amount_fen.get()),
        }];
        self.add_movements(month, &m, 1);
        Ok(Effect {
            postings,
            undo: Undo::Payment { household },
        })
    }

    /// `payment_demand_issued`: to a registered unit that owes something, for what it owes.
    pub(super) fn apply_payment_demand_issued(
        &self,
        d: &PaymentDemandIssued,
    ) -> Result<Effect, Violation> {
        if !self.households.contains_key(&d.unit) {
            return Err(Violation::UnknownUnit {
                unit: d.unit.clone(),
            });
        }
        let owed = self.arrears(&d.unit);
        if owed == Fen::ZERO {
            return Err(Violation::NotInArrears {
                unit: d.unit.clone(),
            });
        }
        if owed != d.amount_fen {
            return Err(Violation::DemandAmountMismatch {
                unit: d.unit.clone(),
                stated: d.amount_fen,
                computed: owed,
            });
        }
        Ok(Effect::undo(Undo::Nothing))
    }
}
