//! Households: what each unit was charged and paid, and what it owes, by age.
//!
//! Allocation is recomputed from the charges and payments in log order rather than stored, so
//! that a reversed payment or charge simply drops out: payments settle the charges of the months
//! the payer named first, then the oldest; what is left is prepaid and settles later charges.

use super::events::ArrearsSummary;
use super::types::{AreaCentiM2, Fen, Period, Slug};

/// One charge to a household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeRecord {
    /// Entry that assessed it.
    pub seq: u64,
    /// Month charged for.
    pub period: Period,
    /// Fee item.
    pub item: Slug,
    /// Amount.
    pub amount: Fen,
    /// Month (Beijing time) the assessment was recorded in.
    pub recorded: Period,
    /// Month the assessment was reversed in, if it was.
    pub reversed_in: Option<Period>,
}

/// One payment by a household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRecord {
    /// Entry that recorded it.
    pub seq: u64,
    /// Amount.
    pub amount: Fen,
    /// Months the payer named.
    pub periods: Vec<Period>,
    /// Month (Beijing time) the payment was recorded in.
    pub recorded: Period,
    /// Month the payment was reversed in, if it was.
    pub reversed_in: Option<Period>,
}

/// A registered household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    /// Exclusive area in hundredths of a square metre (as last corrected).
    pub area_centi_m2: AreaCentiM2,
    /// Charges in log order.
    pub charges: Vec<ChargeRecord>,
    /// Payments in log order.
    pub payments: Vec<PaymentRecord>,
}

/// An unpaid (part of a) charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outstanding {
    /// Month charged for.
    pub period: Period,
    /// Fee item.
    pub item: Slug,
    /// Amount still owed.
    pub amount: Fen,
}

/// Whether a record recorded in `recorded` and reversed in `reversed_in` stands as at the end of
/// month `until` (`None`: now, after everything recorded so far).
fn stands(recorded: Period, reversed_in: Option<Period>, until: Option<Period>) -> bool {
    match until {
        None => reversed_in.is_none(),
        Some(until) => recorded <= until && reversed_in.is_none_or(|r| r > until),
    }
}

impl ChargeRecord {
    /// Whether the charge stands (see [`Household::outstanding_as_of`]).
    pub fn stands(&self, until: Option<Period>) -> bool {
        stands(self.recorded, self.reversed_in, until)
    }
}

impl PaymentRecord {
    /// Whether the payment stands (see [`Household::outstanding_as_of`]).
    pub fn stands(&self, until: Option<Period>) -> bool {
        stands(self.recorded, self.reversed_in, until)
    }
}

impl Household {
    /// A household with no charges or payments yet.
    pub fn new(area_centi_m2: AreaCentiM2) -> Household {
        Household {
            area_centi_m2,
            charges: Vec::new(),
            payments: Vec::new(),
        }
    }

    /// Charges minus payments (not reversed): positive owes, negative prepaid.
    pub fn position(&self) -> i128 {
        let charged: i128 = self
            .charges
            .iter()
            .filter(|c| c.stands(None))
            .map(|c| i128::from(c.amount.get()))
            .sum();
        let paid: i128 = self
            .payments
            .iter()
            .filter(|p| p.stands(None))
            .map(|p| i128::from(p.amount.get()))
            .sum();
        charged - paid
    }

    /// Total charged, not reversed.
    pub fn charged_total(&self) -> i128 {
        self.charges
            .iter()
            .filter(|c| c.stands(None))
            .map(|c| i128::from(c.amount.get()))
            .sum()
    }

    /// Total paid, not reversed.
    pub fn paid_total(&self) -> i128 {
        self.payments
            .iter()
            .filter(|p| p.stands(None))
            .map(|p| i128::from(p.amount.get()))
            .sum()
    }

    /// Whether a live (not reversed) charge exists for this month and item.
    pub fn has_charge(&self, period: Period, item: &Slug) -> bool {
        self.charges
            .iter()
            .any(|c| c.stands(None) && c.period == period && &c.item == item)
    }

    /// What is still owed now, charge by charge, after allocating every payment in log order.
    pub fn outstanding(&self) -> Vec<Outstanding> {
        self.outstanding_as_of(None)
    }

    /// What was owed at the end of month `until` (Beijing time): only the charges and payments
    /// recorded by then, less those reversed by then. `None` means now.
    pub fn outstanding_as_of(&self, until: Option<Period>) -> Vec<Outstanding> {
        // Events in log order: charges and payments interleaved by seq.
        let mut open: Vec<(u64, Period, Slug, i128)> = Vec::new();
        let mut credit: i128 = 0;
        let mut ci = self.charges.iter().filter(|c| c.stands(until)).peekable();
        let mut pi = self.payments.iter().filter(|p| p.stands(until)).peekable();
        loop {
            let take_charge = match (ci.peek(), pi.peek()) {
                (Some(c), Some(p)) => c.seq <= p.seq,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_charge {
                let Some(c) = ci.next() else { break };
                let mut due = i128::from(c.amount.get());
                let used = credit.min(due);
                credit -= used;
                due -= used;
                open.push((c.seq, c.period, c.item.clone(), due));
            } else {
                let Some(p) = pi.next() else { break };
                let mut left = i128::from(p.amount.get());
                // Charges paid in full take no more money whatever the order: drop them, so that
                // the work per payment follows what is still unpaid, not the whole history.
                open.retain(|o| o.3 > 0);
                // Named months first, then oldest first (by month, then by assessment order).
                let mut order: Vec<usize> = (0..open.len()).collect();
                order.sort_by_key(|&i| (!p.periods.contains(&open[i].1), open[i].1, open[i].0));
                for i in order {
                    if left == 0 {
                        break;
                    }
                    let pay = left.min(open[i].3);
                    open[i].3 -= pay;
                    left -= pay;
                }
                credit += left;
            }
        }
        open.into_iter()
            .filter(|o| o.3 > 0)
            // INVARIANT: an outstanding amount is part of one charge, which is a valid Fen.
            .map(|(_, period, item, amount)| Outstanding {
                period,
                item,
                amount: Fen::new(i64::try_from(amount).unwrap_or(0)).unwrap_or(Fen::ZERO),
            })
            .collect()
    }

    /// What the household owes for months up to `as_of`, in fen.
    pub fn arrears_through(&self, as_of: Period) -> i128 {
        self.outstanding()
            .iter()
            .filter(|o| o.period <= as_of)
            .map(|o| i128::from(o.amount.get()))
            .sum()
    }
}

/// Adds what one household owed at the end of month `as_of` to an arrears summary, each unpaid
/// amount aged by the month it was charged for: 0–3 months means `as_of` or the two months
/// before it. Only charges and payments recorded by the end of `as_of` count, so a statement
/// shows the arrears of its period, not of the day it was closed.
pub fn add_to_summary(summary: &mut ArrearsSummary, household: &Household, as_of: Period) {
    let mut owes = false;
    for o in household
        .outstanding_as_of(Some(as_of))
        .into_iter()
        .filter(|o| o.period <= as_of)
    {
        owes = true;
        let age = o.period.months_until(as_of);
        let band = match age {
            ..=2 => &mut summary.age_0_3_fen,
            3..=5 => &mut summary.age_3_6_fen,
            6..=11 => &mut summary.age_6_12_fen,
            _ => &mut summary.age_12_plus_fen,
        };
        *band = band.checked_add(o.amount).unwrap_or(*band);
        summary.total_fen = summary
            .total_fen
            .checked_add(o.amount)
            .unwrap_or(summary.total_fen);
    }
    if owes {
        summary.units_in_arrears += 1;
    }
}

/// The charge for one month of one fee item (明码标价): per ㎡, the rate times the area in
/// hundredths of a square metre divided by 100, rounded half up to the fen; per household, the
/// rate. `None` if the result is out of range.
pub fn charge_amount(
    basis: super::types::FeeBasis,
    rate: Fen,
    area_centi_m2: AreaCentiM2,
) -> Option<Fen> {
    match basis {
        super::types::FeeBasis::PerHousehold => Some(rate),
        super::types::FeeBasis::PerM2 => {
            let product = i128::from(rate.get()) * i128::from(area_centi_m2);
            let rounded = (product + 50).div_euclid(100);
            Fen::new(i64::try_from(rounded).ok()?).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::types::FeeBasis;

    fn p(s: &str) -> Period {
        Period::try_from(s.to_string()).unwrap()
    }
    fn fen(v: i64) -> Fen {
        Fen::new(v).unwrap()
    }
    fn slug(s: &str) -> Slug {
        Slug::try_from(s).unwrap()
    }

    #[test]
    fn per_m2_rounds_half_up_to_the_fen() {
        // 0.50 元/㎡ × 85.23 ㎡ = 42.615 元 → 42.62 元.
        assert_eq!(
            charge_amount(FeeBasis::PerM2, fen(50), 8_523),
            Some(fen(4_262))
        );
        // 0.50 × 85.21 = 42.605 → 42.61; 0.50 × 85.20 = 42.60.
        assert_eq!(
            charge_amount(FeeBasis::PerM2, fen(50), 8_521),
            Some(fen(4_261))
        );
        assert_eq!(
            charge_amount(FeeBasis::PerM2, fen(50), 8_520),
            Some(fen(4_260))
        );
        assert_eq!(
            charge_amount(FeeBasis::PerHousehold, fen(1_000), 8_520),
            Some(fen(1_000))
        );
    }

    #[test]
    fn payments_settle_named_months_then_oldest_and_prepay_the_rest() {
        let mut h = Household::new(10_000);
        for (seq, month) in [(1, "2026-01"), (2, "2026-02"), (3, "2026-03")] {
            h.charges.push(ChargeRecord {
                seq,
                period: p(month),
                item: slug("property_fee"),
                amount: fen(5_000),
                recorded: p(month),
                reversed_in: None,
            });
        }
        // Pays 60.00 naming March: March settled, then 10.00 towards January.
        h.payments.push(PaymentRecord {
            seq: 4,
            amount: fen(6_000),
            periods: vec![p("2026-03")],
            recorded: p("2026-03"),
            reversed_in: None,
        });
        let out = h.outstanding();
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].period, out[0].amount), (p("2026-01"), fen(4_000)));
        assert_eq!((out[1].period, out[1].amount), (p("2026-02"), fen(5_000)));
        // Pays 100.00: settles all, 10.00 prepaid, which settles part of April when charged.
        h.payments.push(PaymentRecord {
            seq: 5,
            amount: fen(10_000),
            periods: vec![],
            recorded: p("2026-03"),
            reversed_in: None,
        });
        assert!(h.outstanding().is_empty());
        assert_eq!(h.position(), -1_000);
        h.charges.push(ChargeRecord {
            seq: 6,
            period: p("2026-04"),
            item: slug("property_fee"),
            amount: fen(5_000),
            recorded: p("2026-04"),
            reversed_in: None,
        });
        assert_eq!(h.outstanding()[0].amount, fen(4_000));
        // Reversing the 100.00 payment brings January back.
        h.payments[1].reversed_in = Some(p("2026-05"));
        // As at the end of April the payment still stood; as at May, it did not.
        assert_eq!(
            h.outstanding_as_of(Some(p("2026-04")))
                .iter()
                .map(|o| o.amount.get())
                .sum::<i64>(),
            4_000
        );
        let out = h.outstanding();
        assert_eq!(
            out.iter().map(|o| o.amount.get()).sum::<i64>(),
            4_000 + 5_000 + 5_000
        );
        let mut s = ArrearsSummary::default();
        add_to_summary(&mut s, &h, p("2026-07"));
        assert_eq!(s.units_in_arrears, 1);
        // As of July: January is 6 months old (6–12), February 5 and April 3 (3–6).
        assert_eq!(s.age_6_12_fen, fen(4_000));
        assert_eq!(s.age_3_6_fen, fen(5_000 + 5_000));
        assert_eq!(s.age_0_3_fen, Fen::ZERO);
        assert_eq!(s.total_fen, fen(14_000));
    }
}
