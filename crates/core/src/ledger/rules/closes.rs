//! `period_closed` and `audit_attested`: closes follow each other month by month, each one month
//! or one calendar quarter, after it ended, with the statement the log gives; an audit covers
//! entries before it.

use super::Effect;
use crate::entry::Entry;
use crate::ledger::events::{AuditAttested, PeriodClosed};
use crate::ledger::report::statement_difference;
use crate::ledger::state::Ledger;
use crate::ledger::types::{Period, PeriodRange};
use crate::ledger::violation::Violation;

impl Ledger {
    /// Whether `range` may be the next close: it starts the month after the last close (at the
    /// ledger's first month before any close) — else [`Violation::PeriodNotContiguous`] with the
    /// month it must start at ([`Ledger::last_closed`] is the month before) — and covers one
    /// month or one calendar quarter, else [`Violation::InvalidPeriodRange`].
    ///
    /// The rules a `period_closed` entry keeps about its range, apart from the time it is
    /// recorded (after the range ended): what a program building a close asks before signing it.
    pub fn check_close_range(&self, range: PeriodRange) -> Result<(), Violation> {
        let expected = self
            .last_closed
            .map_or_else(|| self.first_period.unwrap_or(range.from), Period::next);
        if range.from != expected {
            return Err(Violation::PeriodNotContiguous {
                expected,
                found: range.from,
            });
        }
        let month_close = range.from == range.to;
        let quarter_close = range.from.month() % 3 == 1 && range.from.months_until(range.to) == 2;
        if !month_close && !quarter_close {
            return Err(Violation::InvalidPeriodRange {
                from: range.from,
                to: range.to,
            });
        }
        Ok(())
    }

    /// `period_closed`: the next range, ended before the entry's month, its statement the one
    /// recomputed from the log.
    pub(super) fn apply_period_closed(
        &mut self,
        c: &PeriodClosed,
        month: Period,
    ) -> Result<Effect, Violation> {
        let range = c.statement.period;
        self.check_close_range(range)?;
        if month <= range.to {
            return Err(Violation::PeriodNotEnded { to: range.to });
        }
        let computed = self.statement(range);
        if computed != c.statement {
            return Err(statement_difference(&c.statement, &computed));
        }
        self.last_closed = Some(range.to);
        for h in self.households.values_mut() {
            h.prune(range.to);
        }
        Ok(Effect::none())
    }

    /// `audit_attested`: through an entry before this one.
    pub(super) fn apply_audit_attested(
        &self,
        entry: &Entry,
        a: &AuditAttested,
    ) -> Result<Effect, Violation> {
        if a.through_seq >= entry.seq() {
            return Err(Violation::AuditBeyondEntry {
                through_seq: a.through_seq,
            });
        }
        Ok(Effect::none())
    }
}
