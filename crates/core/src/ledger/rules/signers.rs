//! Who must sign what: the treasurer alone, one committee member, a committee quorum (K of the
//! members) or the auditor, by the event's kind; and no revoked key, whatever the kind.

use crate::entry::Entry;
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

/// The signers an event of `kind` needs (a reversal needs its own: see the reversal rules).
pub(super) fn signers_for(kind: &str) -> Signers {
    match kind {
        "role_granted"
        | "key_revoked"
        | "fee_schedule_adopted"
        | "owners_decision"
        | "funds_transferred"
        | "budget_adopted" => Signers::Quorum,
        "expense_approved" => Signers::OneMember,
        "audit_attested" => Signers::Auditor,
        _ => Signers::Treasurer,
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
