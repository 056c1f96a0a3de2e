//! Who must sign what: the treasurer alone, one committee member, a committee quorum (K of the
//! members) or the auditor, by the event's kind; and no revoked key, whatever the kind.

use crate::entry::Entry;
use crate::ledger::events::EventKind;
use crate::ledger::state::Ledger;
use crate::ledger::violation::Violation;

/// Which signatures an event needs.
pub(super) enum Signers {
    /// The treasurer alone.
    Treasurer,
    /// At least K committee members, and only members.
    Quorum,
    /// One committee member.
    OneMember,
    /// The auditor alone.
    Auditor,
}

/// The signers an event of `kind` needs; none for the genesis (signed by every member it names)
/// and a reversal (signed as [`reversal_signers`] says for the entry it reverses), whose own
/// rules check their signers.
pub(super) fn signers_for(kind: EventKind) -> Option<Signers> {
    use EventKind as K;
    Some(match kind {
        K::LedgerOpened | K::Reversal => return None,
        K::RoleGranted
        | K::KeyRevoked
        | K::FeeScheduleAdopted
        | K::OwnersDecision
        | K::FundsTransferred
        | K::BudgetAdopted => Signers::Quorum,
        K::ExpenseApproved => Signers::OneMember,
        K::AuditAttested => Signers::Auditor,
        K::HouseholdRegistered
        | K::HouseholdCorrected
        | K::ChargesAssessed
        | K::PaymentReceived
        | K::IncomeReceived
        | K::GrantReceived
        | K::ExpenseProposed
        | K::ExpensePaid
        | K::PaymentDemandIssued
        | K::PeriodClosed => Signers::Treasurer,
    })
}

/// The signers a reversal of an event of `reversed` needs: a quorum to undo a transfer (as it
/// took one to make it), the treasurer for everything else.
pub(super) fn reversal_signers(reversed: EventKind) -> Signers {
    use EventKind as K;
    match reversed {
        K::FundsTransferred => Signers::Quorum,
        K::LedgerOpened
        | K::RoleGranted
        | K::KeyRevoked
        | K::HouseholdRegistered
        | K::HouseholdCorrected
        | K::FeeScheduleAdopted
        | K::ChargesAssessed
        | K::PaymentReceived
        | K::IncomeReceived
        | K::GrantReceived
        | K::ExpenseProposed
        | K::ExpenseApproved
        | K::ExpensePaid
        | K::OwnersDecision
        | K::Reversal
        | K::PaymentDemandIssued
        | K::PeriodClosed
        | K::AuditAttested
        | K::BudgetAdopted => Signers::Treasurer,
    }
}

impl Ledger {
    /// No key revoked before this entry signed it.
    pub(super) fn check_not_revoked(&self, entry: &Entry) -> Result<(), Violation> {
        for s in entry.signatures() {
            if let Some(&revoked_at) = self.revoked.get(s.key()) {
                return Err(Violation::RevokedKey {
                    key: *s.key(),
                    revoked_at,
                });
            }
        }
        Ok(())
    }

    /// The entry is signed as `needed` says.
    pub(super) fn check_signers(&self, entry: &Entry, needed: Signers) -> Result<(), Violation> {
        let sigs = entry.signatures();
        let one = || {
            if sigs.len() == 1 {
                Ok(*sigs[0].key())
            } else {
                Err(Violation::OneSignerExpected { found: sigs.len() })
            }
        };
        match needed {
            Signers::Treasurer => {
                let key = one()?;
                match self.treasurer {
                    None => Err(Violation::NoTreasurer),
                    Some(t) if t == key => Ok(()),
                    Some(_) => Err(Violation::NotTreasurer { key }),
                }
            }
            Signers::Auditor => {
                let key = one()?;
                if self.auditor == Some(key) {
                    Ok(())
                } else {
                    Err(Violation::NotAuditor { key })
                }
            }
            Signers::OneMember => {
                let key = one()?;
                if self.committee.contains(&key) {
                    Ok(())
                } else {
                    Err(Violation::NotCommitteeMember { key })
                }
            }
            Signers::Quorum => {
                for s in sigs {
                    if !self.committee.contains(s.key()) {
                        return Err(Violation::NotCommitteeMember { key: *s.key() });
                    }
                }
                let needed = self.governance.as_ref().map_or(1, |g| g.approvals_required);
                let found = u32::try_from(sigs.len()).unwrap_or(u32::MAX);
                if found < needed {
                    Err(Violation::QuorumNotMet { needed, found })
                } else {
                    Ok(())
                }
            }
        }
    }
}
