//! `owners_decision` and the decisions other events rest on: a vote's outcome is recomputed from
//! its totals (Civil Code art. 278: two thirds of the area and of the owners take part; more
//! than half of those, or three quarters for the weightier matters, approve), its total area is
//! the registered households'; fee schedules, budgets, transfers and spending from the
//! maintenance fund name a passed decision on their matter.

use super::Effect;
use crate::entry::Entry;
use crate::ledger::events::{Outcome, OwnersDecision, VoteTotals};
use crate::ledger::state::Ledger;
use crate::ledger::types::{AreaCentiM2, Matter};
use crate::ledger::violation::Violation;

/// Recomputes an owners' decision from its totals (Civil Code art. 278, art. 1259).
pub fn decide(matter: Matter, t: &VoteTotals) -> Result<Outcome, Violation> {
    let bad = |reason| Err(Violation::DecisionTotalsInconsistent { reason });
    if t.total_area_centi_m2 <= 0 || t.total_owners == 0 {
        return bad("the total area and number of owners must be above zero");
    }
    if t.participating_area_centi_m2 < 0 || t.yes_area_centi_m2 < 0 {
        return bad("areas cannot be negative");
    }
    if t.participating_area_centi_m2 > t.total_area_centi_m2
        || t.participating_owners > t.total_owners
    {
        return bad("more participants than owners");
    }
    if t.yes_area_centi_m2 > t.participating_area_centi_m2 || t.yes_owners > t.participating_owners
    {
        return bad("more yes votes than participants");
    }
    let (total_a, total_o) = (
        i128::from(t.total_area_centi_m2),
        i128::from(t.total_owners),
    );
    let (part_a, part_o) = (
        i128::from(t.participating_area_centi_m2),
        i128::from(t.participating_owners),
    );
    let (yes_a, yes_o) = (i128::from(t.yes_area_centi_m2), i128::from(t.yes_owners));
    let participated = 3 * part_a >= 2 * total_a && 3 * part_o >= 2 * total_o;
    let approved = if matter.needs_three_quarters() {
        4 * yes_a >= 3 * part_a && 4 * yes_o >= 3 * part_o
    } else {
        2 * yes_a > part_a && 2 * yes_o > part_o
    };
    Ok(if participated && approved {
        Outcome::Passed
    } else {
        Outcome::Rejected
    })
}

impl Ledger {
    /// The decision `id` exists, is about one of the `allowed` matters, and passed.
    pub(super) fn passed_decision(&self, id: &str, allowed: &[Matter]) -> Result<(), Violation> {
        let Some(&(matter, passed)) = self.decisions.get(id) else {
            return Err(Violation::UnknownDecision { id: id.to_string() });
        };
        if !allowed.contains(&matter) {
            return Err(Violation::DecisionWrongMatter {
                id: id.to_string(),
                found: matter,
                needed: allowed[0],
            });
        }
        if !passed {
            return Err(Violation::DecisionNotPassed { id: id.to_string() });
        }
        Ok(())
    }

    /// `owners_decision`: consistent totals, the registered households' total area, and the
    /// outcome the totals give.
    pub(super) fn apply_owners_decision(
        &mut self,
        entry: &Entry,
        d: &OwnersDecision,
    ) -> Result<Effect, Violation> {
        let computed = decide(d.matter, &d.totals)?;
        let registered: AreaCentiM2 = self.households.values().map(|h| h.area_centi_m2).sum();
        if d.totals.total_area_centi_m2 != registered {
            return Err(Violation::TotalAreaMismatch {
                stated: d.totals.total_area_centi_m2,
                registered,
            });
        }
        if computed != d.outcome {
            return Err(Violation::DecisionOutcomeMismatch {
                stated: d.outcome,
                computed,
            });
        }
        self.decisions.insert(
            entry.event().id().to_string(),
            (d.matter, computed == Outcome::Passed),
        );
        Ok(Effect::none())
    }
}
