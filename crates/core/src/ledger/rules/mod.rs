//! The rules of a community ledger, one file per group of event kinds, each with the `apply_…`
//! function of its kinds: it checks the event against the state and, if it keeps every rule,
//! changes the state and says what the entry posted and how to undo it.
//!
//! [`Ledger::step`] is the dispatch: the genesis, or a later entry — its id new, no revoked key
//! among its signers, its signers holding the roles its kind needs ([`signers`]), then its kind's
//! own rules. Each rule checks before it changes anything (the state changes only once nothing
//! can fail, or through [`Ledger::post`], which changes nothing when it refuses): an entry that
//! breaks a rule leaves the ledger exactly as it was.

mod charges;
mod closes;
mod decisions;
mod expenses;
mod funds;
mod genesis;
mod households;
mod payments;
mod reversals;
mod roles;
mod signers;

pub use decisions::decide;

use super::accounts::{Account, Posting};
use super::events::LedgerEvent;
use super::state::{Applied, EventIndex, Ledger, Undo, fen_from};
use super::types::{Fen, Period, Slug};
use super::violation::Violation;
use crate::entry::Entry;
use signers::signers_for;

/// What one event did: the postings it derived, and how to undo it.
#[derive(Debug)]
struct Effect {
    postings: Vec<Posting>,
    undo: Undo,
}

impl Effect {
    /// No money moved, and the event cannot be reversed.
    fn none() -> Effect {
        Effect::undo(Undo::NotReversible)
    }

    /// No money moved; the event is undone by `undo`.
    fn undo(undo: Undo) -> Effect {
        Effect {
            postings: Vec::new(),
            undo,
        }
    }
}

impl Ledger {
    /// Checks `event`, recorded by `entry`, against every rule and, if it keeps them, applies it.
    pub(super) fn step(
        &mut self,
        entry: &Entry,
        event: &LedgerEvent,
    ) -> Result<Applied, Violation> {
        use LedgerEvent as E;
        if self.size == 0 {
            return self.apply_genesis(entry, event);
        }
        self.check_id(entry)?;
        self.check_not_revoked(entry)?;
        let kind = event.event_kind();
        if let Some(signers) = signers_for(kind) {
            self.check_signers(entry, signers)?;
        }
        let month = Period::of_time(entry.recorded_at());
        let effect = match event {
            E::LedgerOpened(_) => unreachable!("the log layer refuses a second genesis"),
            E::Reversal(r) => return self.apply_reversal(entry, r, month),
            E::RoleGranted(g) => self.apply_role_granted(g)?,
            E::KeyRevoked(r) => self.apply_key_revoked(entry, r)?,
            E::HouseholdRegistered(h) => self.apply_household_registered(h, month)?,
            E::HouseholdCorrected(h) => self.apply_household_corrected(h)?,
            E::FeeScheduleAdopted(s) => self.apply_fee_schedule_adopted(s)?,
            E::ChargesAssessed(c) => self.apply_charges_assessed(entry, c, month)?,
            E::PaymentReceived(p) => self.apply_payment_received(entry, p, month)?,
            E::IncomeReceived(i) => self.apply_income_received(entry, i, month)?,
            E::GrantReceived(g) => self.apply_grant_received(entry, g, month)?,
            E::ExpenseProposed(p) => self.apply_expense_proposed(entry, p)?,
            E::ExpenseApproved(a) => self.apply_expense_approved(entry, a)?,
            E::ExpensePaid(p) => self.apply_expense_paid(entry, p, month)?,
            E::FundsTransferred(t) => self.apply_funds_transferred(entry, t, month)?,
            E::OwnersDecision(d) => self.apply_owners_decision(entry, d)?,
            E::PaymentDemandIssued(d) => self.apply_payment_demand_issued(d)?,
            E::PeriodClosed(c) => self.apply_period_closed(c, month)?,
            E::AuditAttested(a) => self.apply_audit_attested(entry, a)?,
            E::BudgetAdopted(b) => self.apply_budget_adopted(b)?,
        };
        self.record(entry, kind, effect.undo);
        Ok(Applied {
            postings: effect.postings,
        })
    }

    /// An event id is used once: a second entry with the same id is refused, as a resubmission
    /// if its content is the same, as a conflict if not.
    fn check_id(&self, entry: &Entry) -> Result<(), Violation> {
        let id = entry.event().id();
        if let Some(first_seq) = self.events.find_fingerprint(&self.id_fingerprint) {
            let content = EventIndex::content_hash(entry.event().canonical_bytes());
            return Err(if self.events.slot(first_seq).content == content {
                Violation::DuplicateEvent {
                    id: id.to_string(),
                    first_seq,
                }
            } else {
                Violation::ConflictingEventId {
                    id: id.to_string(),
                    first_seq,
                }
            });
        }
        Ok(())
    }
}

/// An `amount_fen` that must be above zero.
fn above_zero(amount: Fen) -> Result<(), Violation> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(Violation::AmountNotPositive {
            field: "amount_fen",
        })
    }
}

fn slug(s: &'static str) -> Slug {
    // INVARIANT: only called with literal slugs.
    Slug::try_from(s).unwrap_or_else(|_| unreachable!("literal slug"))
}

/// The Receivable/Prepaid postings for a household whose position (charges − payments) moves
/// from `before` to `after`.
fn position_postings(before: i128, after: i128) -> Result<Vec<Posting>, Violation> {
    let receivable = after.max(0) - before.max(0);
    let prepaid = (-after).max(0) - (-before).max(0);
    let mut out = Vec::new();
    if receivable != 0 {
        out.push(Posting {
            account: Account::Receivable,
            amount: fen_from(receivable)?,
        });
    }
    if prepaid != 0 {
        out.push(Posting {
            account: Account::Prepaid,
            amount: fen_from(-prepaid)?,
        });
    }
    Ok(out)
}
