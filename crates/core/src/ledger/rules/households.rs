//! `household_registered` and `household_corrected`: each unit registered once, with an area
//! above zero; a correction changes the area that later charges use.

use super::Effect;
use crate::ledger::events::{HouseholdCorrected, HouseholdRegistered};
use crate::ledger::households::Household;
use crate::ledger::state::Ledger;
use crate::ledger::types::Period;
use crate::ledger::violation::Violation;

impl Ledger {
    /// `household_registered`: a unit not registered yet, with an area above zero.
    pub(super) fn apply_household_registered(
        &mut self,
        h: &HouseholdRegistered,
        month: Period,
    ) -> Result<Effect, Violation> {
        if self.households.contains_key(&h.unit) {
            return Err(Violation::UnitAlreadyRegistered {
                unit: h.unit.clone(),
            });
        }
        if h.area_centi_m2 <= 0 {
            return Err(Violation::AreaNotPositive {
                unit: h.unit.clone(),
            });
        }
        let id = u32::try_from(self.units.len()).map_err(|_| Violation::AmountOutOfRange)?;
        self.households
            .insert(h.unit.clone(), Household::new(id, h.area_centi_m2, month));
        self.units.push(h.unit.clone());
        Ok(Effect::none())
    }

    /// `household_corrected`: a registered unit, a new area above zero.
    pub(super) fn apply_household_corrected(
        &mut self,
        h: &HouseholdCorrected,
    ) -> Result<Effect, Violation> {
        if h.area_centi_m2 <= 0 {
            return Err(Violation::AreaNotPositive {
                unit: h.unit.clone(),
            });
        }
        let Some(household) = self.households.get_mut(&h.unit) else {
            return Err(Violation::UnknownUnit {
                unit: h.unit.clone(),
            });
        };
        household.area_centi_m2 = h.area_centi_m2;
        Ok(Effect::none())
    }
}
