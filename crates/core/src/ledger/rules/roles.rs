//! `role_granted` and `key_revoked`: the committee gives a key a role (a new treasurer or auditor
//! replaces the old one) or takes every role from it for good; a key that holds a role must be
//! one that can sign, and revoking may not leave fewer members than the quorum K.

use super::Effect;
use crate::entry::Entry;
use crate::keys::{AuthorKey, AuthorKeyError, PublicKey};
use crate::ledger::events::{KeyRevoked, RoleGranted};
use crate::ledger::state::Ledger;
use crate::ledger::types::Role;
use crate::ledger::violation::Violation;

/// A key named in a role must be one that can sign: a valid Ed25519 key, not a weak one.
pub(super) fn valid_key(key: PublicKey) -> Result<(), Violation> {
    AuthorKey::from_public(key)
        .map(|_| ())
        .map_err(|reason| match reason {
            AuthorKeyError::NonCanonical => Violation::NonCanonicalKey { key },
            reason => Violation::InvalidKey { key, reason },
        })
}

impl Ledger {
    /// `role_granted`: a key that can sign, not revoked, not already holding the role.
    pub(super) fn apply_role_granted(&mut self, g: &RoleGranted) -> Result<Effect, Violation> {
        let key = g.key.0;
        valid_key(key)?;
        if self.revoked.contains_key(&key) {
            return Err(Violation::InvalidGrant {
                key,
                reason: "the key is revoked",
            });
        }
        match g.role {
            Role::Treasurer if self.treasurer == Some(key) => {
                return Err(Violation::InvalidGrant {
                    key,
                    reason: "it is already the treasurer",
                });
            }
            Role::CommitteeMember if self.committee.contains(&key) => {
                return Err(Violation::InvalidGrant {
                    key,
                    reason: "it is already a committee member",
                });
            }
            Role::Auditor if self.auditor == Some(key) => {
                return Err(Violation::InvalidGrant {
                    key,
                    reason: "it is already the auditor",
                });
            }
            Role::Treasurer => self.treasurer = Some(key),
            Role::CommitteeMember => {
                self.committee.insert(key);
            }
            Role::Auditor => self.auditor = Some(key),
        }
        Ok(Effect::none())
    }

    /// `key_revoked`: a key not revoked yet, whose revocation leaves at least K members.
    pub(super) fn apply_key_revoked(
        &mut self,
        entry: &Entry,
        r: &KeyRevoked,
    ) -> Result<Effect, Violation> {
        let key = r.key.0;
        if let Some(&revoked_at) = self.revoked.get(&key) {
            return Err(Violation::AlreadyRevoked { key, revoked_at });
        }
        let members =
            u32::try_from(self.committee.len() - usize::from(self.committee.contains(&key)))
                .unwrap_or(0);
        let needed = self.governance.as_ref().map_or(1, |g| g.approvals_required);
        if needed > members {
            return Err(Violation::QuorumExceedsCommittee { needed, members });
        }
        self.committee.remove(&key);
        if self.treasurer == Some(key) {
            self.treasurer = None;
        }
        if self.auditor == Some(key) {
            self.auditor = None;
        }
        self.revoked.insert(key, entry.seq());
        Ok(Effect::none())
    }
}
