//! [`EventKind`]: the type of an event without its body, and the names entries write.

use std::fmt;

/// The type of an event, without its body: one per [`super::LedgerEvent`] variant, in the same
/// order. A `match` over it with no wildcard arm is how code says "every kind is handled here".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// `ledger_opened`
    LedgerOpened,
    /// `role_granted`
    RoleGranted,
    /// `key_revoked`
    KeyRevoked,
    /// `household_registered`
    HouseholdRegistered,
    /// `household_corrected`
    HouseholdCorrected,
    /// `fee_schedule_adopted`
    FeeScheduleAdopted,
    /// `charges_assessed`
    ChargesAssessed,
    /// `payment_received`
    PaymentReceived,
    /// `income_received`
    IncomeReceived,
    /// `grant_received`
    GrantReceived,
    /// `expense_proposed`
    ExpenseProposed,
    /// `expense_approved`
    ExpenseApproved,
    /// `expense_paid`
    ExpensePaid,
    /// `funds_transferred`
    FundsTransferred,
    /// `owners_decision`
    OwnersDecision,
    /// `reversal`
    Reversal,
    /// `payment_demand_issued`
    PaymentDemandIssued,
    /// `period_closed`
    PeriodClosed,
    /// `audit_attested`
    AuditAttested,
    /// `budget_adopted`
    BudgetAdopted,
}

impl EventKind {
    /// Every kind, in the order of [`super::LedgerEvent`].
    pub const ALL: [EventKind; 20] = [
        EventKind::LedgerOpened,
        EventKind::RoleGranted,
        EventKind::KeyRevoked,
        EventKind::HouseholdRegistered,
        EventKind::HouseholdCorrected,
        EventKind::FeeScheduleAdopted,
        EventKind::ChargesAssessed,
        EventKind::PaymentReceived,
        EventKind::IncomeReceived,
        EventKind::GrantReceived,
        EventKind::ExpenseProposed,
        EventKind::ExpenseApproved,
        EventKind::ExpensePaid,
        EventKind::FundsTransferred,
        EventKind::OwnersDecision,
        EventKind::Reversal,
        EventKind::PaymentDemandIssued,
        EventKind::PeriodClosed,
        EventKind::AuditAttested,
        EventKind::BudgetAdopted,
    ];

    /// The type name an entry's event carries, e.g. `ledger_opened`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::LedgerOpened => "ledger_opened",
            EventKind::RoleGranted => "role_granted",
            EventKind::KeyRevoked => "key_revoked",
            EventKind::HouseholdRegistered => "household_registered",
            EventKind::HouseholdCorrected => "household_corrected",
            EventKind::FeeScheduleAdopted => "fee_schedule_adopted",
            EventKind::ChargesAssessed => "charges_assessed",
            EventKind::PaymentReceived => "payment_received",
            EventKind::IncomeReceived => "income_received",
            EventKind::GrantReceived => "grant_received",
            EventKind::ExpenseProposed => "expense_proposed",
            EventKind::ExpenseApproved => "expense_approved",
            EventKind::ExpensePaid => "expense_paid",
            EventKind::FundsTransferred => "funds_transferred",
            EventKind::OwnersDecision => "owners_decision",
            EventKind::Reversal => "reversal",
            EventKind::PaymentDemandIssued => "payment_demand_issued",
            EventKind::PeriodClosed => "period_closed",
            EventKind::AuditAttested => "audit_attested",
            EventKind::BudgetAdopted => "budget_adopted",
        }
    }

    /// The kind whose type name is `name`, if the ledger has one. A `match` on the names (the
    /// compiler branches on the length first), not a search of [`EventKind::ALL`]: every entry
    /// replayed is read through it. A test checks it agrees with [`EventKind::as_str`].
    pub fn parse(name: &str) -> Option<EventKind> {
        Some(match name {
            "ledger_opened" => EventKind::LedgerOpened,
            "role_granted" => EventKind::RoleGranted,
            "key_revoked" => EventKind::KeyRevoked,
            "household_registered" => EventKind::HouseholdRegistered,
            "household_corrected" => EventKind::HouseholdCorrected,
            "fee_schedule_adopted" => EventKind::FeeScheduleAdopted,
            "charges_assessed" => EventKind::ChargesAssessed,
            "payment_received" => EventKind::PaymentReceived,
            "income_received" => EventKind::IncomeReceived,
            "grant_received" => EventKind::GrantReceived,
            "expense_proposed" => EventKind::ExpenseProposed,
            "expense_approved" => EventKind::ExpenseApproved,
            "expense_paid" => EventKind::ExpensePaid,
            "funds_transferred" => EventKind::FundsTransferred,
            "owners_decision" => EventKind::OwnersDecision,
            "reversal" => EventKind::Reversal,
            "payment_demand_issued" => EventKind::PaymentDemandIssued,
            "period_closed" => EventKind::PeriodClosed,
            "audit_attested" => EventKind::AuditAttested,
            "budget_adopted" => EventKind::BudgetAdopted,
            _ => return None,
        })
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every event type name, in the order of [`super::LedgerEvent`].
pub const EVENT_TYPES: [&str; 20] = {
    let mut names = [""; EventKind::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = EventKind::ALL[i].as_str();
        i += 1;
    }
    names
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_found_by_its_name_and_only_by_it() {
        for (i, kind) in EventKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i, "ALL is in declaration order");
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.to_string(), EVENT_TYPES[i]);
        }
        assert_eq!(EventKind::parse("Ledger_opened"), None);
        assert_eq!(EventKind::parse("ledger_opened "), None);
        assert_eq!(EventKind::parse(""), None);
    }
}
