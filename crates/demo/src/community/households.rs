//! The households: their registration, payment habits, the monthly charges, payments and
//! payment demands.

use super::calendar::{add_months, hm, months, period, period_of, previous};
use super::engine::Gen;
use super::values::{fen, label};
use super::{CHARGES_PER_ENTRY_MAX, GARBAGE_FEE_FEN, PROPERTY_FEE_FEN_PER_M2, first_period};
use gongzhang_core::ledger::events::{
    ChargesAssessed, HouseholdCorrected, HouseholdRegistered, LedgerEvent, PaymentDemandIssued,
    PaymentReceived, Reversal,
};
use gongzhang_core::ledger::households::charge_amount;
use gongzhang_core::ledger::types::{Channel, FeeBasis, Period, Unit};
use std::collections::BTreeSet;
use time::Date;

// ---------------------------------------------------------------------------------------------
// Households and their habits.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Habit {
    /// Pays every month by WeChat Pay or Alipay, now and then a month late.
    Monthly,
    /// Pays everything owed every two to four months.
    Late,
    /// Pays the whole year in January.
    Annual,
    /// Pays cash at the office in the last month of each quarter, naming the months.
    Quarterly,
    /// Never pays (a dispute with the old management, an owner abroad).
    Never,
    /// Pays a few months' worth once or twice in two years.
    Rare,
}

#[derive(Debug, Clone)]
pub(super) struct Home {
    pub(super) unit: Unit,
    pub(super) area: i64,
    pub(super) habit: Habit,
    pub(super) channel: Channel,
    /// The months this household considers paid (for the months its payments name).
    pub(super) paid_through: Period,
    /// For [`Habit::Late`]: the month of its next payment.
    pub(super) next_due: Period,
    /// For [`Habit::Rare`]: the months it pays in, and how many months' worth.
    pub(super) rare: Vec<(Period, i64)>,
}

impl Home {
    /// What this household is charged each month now.
    pub(super) fn monthly(&self) -> i64 {
        let property = charge_amount(FeeBasis::PerM2, fen(PROPERTY_FEE_FEN_PER_M2), self.area)
            .unwrap_or_else(|| panic!("charge for {}", self.unit));
        property.get() + GARBAGE_FEE_FEN
    }
}

impl Gen {
    /// Registers the households of `buildings`: three entrances, six floors, two or three flats
    /// a floor (rooms 101..603); flats stacked above each other have the same area.
    pub(super) fn register(&mut self, buildings: std::ops::RangeInclusive<u32>) {
        for b in buildings {
            // The first half, 1980s buildings (幸福里's 1–6), have smaller flats than the 1990s
            // ones (7–12).
            let (lo, hi) = if b <= self.size.buildings / 2 {
                (4_500, 8_800)
            } else {
                (6_000, 12_000)
            };
            for e in 1..=3 {
                let rooms = if self.chance(17) { 2 } else { 3 };
                let areas: Vec<i64> = (0..rooms).map(|_| self.between(lo, hi)).collect();
                for floor in 1..=6 {
                    for (n, area) in areas.iter().enumerate() {
                        let unit = Unit::try_from(format!("{b}-{e}-{}", floor * 100 + n + 1))
                            .unwrap_or_else(|e| panic!("{e}"));
                        let body = HouseholdRegistered {
                            unit: unit.clone(),
                            area_centi_m2: *area,
                        };
                        self.as_treasurer(LedgerEvent::HouseholdRegistered(body));
                        self.brisk(20, 75);
                        self.homes.push(Home {
                            unit,
                            area: *area,
                            habit: Habit::Monthly,
                            channel: Channel::WechatPay,
                            paid_through: previous(first_period()),
                            next_due: first_period(),
                            rare: Vec::new(),
                        });
                    }
                }
            }
        }
        self.summary.households = self.homes.len();
    }

    /// Gives each household a payment habit, in fixed proportions: 10% chronic debtors (two
    /// fifths never pay), 8% pay yearly, 16% cash quarterly, 6% late, the rest monthly online.
    pub(super) fn assign_habits(&mut self) {
        let n = self.homes.len();
        let chronic = (n + 5) / 10;
        let never = chronic * 2 / 5;
        let annual = n * 8 / 100;
        let quarterly = n * 16 / 100;
        let late = n * 6 / 100;
        let mut habits = Vec::with_capacity(n);
        habits.extend(std::iter::repeat_n(Habit::Never, never));
        habits.extend(std::iter::repeat_n(Habit::Rare, chronic - never));
        habits.extend(std::iter::repeat_n(Habit::Annual, annual));
        habits.extend(std::iter::repeat_n(Habit::Quarterly, quarterly));
        habits.extend(std::iter::repeat_n(Habit::Late, late));
        habits.resize(n, Habit::Monthly);
        for i in (1..n).rev() {
            let j = usize::try_from(self.rng.below(i as u64 + 1)).unwrap_or(0);
            habits.swap(i, j);
        }
        for (h, habit) in habits.into_iter().enumerate() {
            let channel = match habit {
                Habit::Monthly | Habit::Late => {
                    let r = self.below(100);
                    if r < 55 {
                        Channel::WechatPay
                    } else if r < 95 {
                        Channel::Alipay
                    } else {
                        Channel::BankTransfer
                    }
                }
                Habit::Annual => {
                    self.pick(&[Channel::BankTransfer, Channel::WechatPay, Channel::Alipay])
                }
                Habit::Quarterly => Channel::Cash,
                Habit::Never | Habit::Rare => self.pick(&[Channel::Cash, Channel::WechatPay]),
            };
            let mut rare = Vec::new();
            if habit == Habit::Rare {
                // Once in the first year, and for half of them again after its November demand;
                // never more than 8 months' worth, so that they stay more than 6 months behind.
                rare.push((
                    add_months(
                        first_period(),
                        2 + u32::try_from(self.below(8)).unwrap_or(0),
                    ),
                    self.between(2, 4),
                ));
                if self.chance(50) {
                    let month = add_months(
                        first_period(),
                        11 + u32::try_from(self.below(2)).unwrap_or(0),
                    );
                    rare.push((month, self.between(2, 4)));
                }
            }
            let next_due = add_months(first_period(), u32::try_from(self.below(3)).unwrap_or(0));
            let home = &mut self.homes[h];
            home.habit = habit;
            home.channel = channel;
            home.rare = rare;
            home.next_due = next_due;
        }
        self.summary.chronic_units = self
            .homes
            .iter()
            .filter(|h| matches!(h.habit, Habit::Never | Habit::Rare))
            .map(|h| h.unit.clone())
            .collect();
    }

    pub(super) fn corrections(&mut self) {
        let monthly: Vec<usize> = (0..self.homes.len())
            .filter(|h| self.homes[*h].habit == Habit::Monthly)
            .collect();
        let mut done = BTreeSet::new();
        while done.len() < 2 {
            let h = self.pick(&monthly);
            if !done.insert(h) {
                continue;
            }
            let delta = self.between(120, 640) * if self.chance(50) { 1 } else { -1 };
            let area = self.homes[h].area + delta;
            let reason = format!(
                "核对房产证，建筑面积应为{}.{:02}㎡，登记有误",
                area / 100,
                area % 100
            );
            let body = HouseholdCorrected {
                unit: self.homes[h].unit.clone(),
                area_centi_m2: area,
                reason: label(&reason),
            };
            self.as_treasurer(LedgerEvent::HouseholdCorrected(body));
            self.later(120, 600);
            self.homes[h].area = area;
        }
    }

    pub(super) fn charges(&mut self, p: Period) {
        let due = self.ledger.due_charges(p);
        assert!(!due.is_empty(), "nothing to charge for {p}");
        for chunk in due.chunks(CHARGES_PER_ENTRY_MAX) {
            let body = ChargesAssessed {
                period: p,
                charges: chunk.to_vec(),
            };
            self.as_treasurer(LedgerEvent::ChargesAssessed(body));
            self.later(3, 20);
        }
        self.summary.charged_periods.push(p);
        self.plan_payments(p);
    }

    /// Decides who pays this month and on which office day (after today's assessment).
    pub(super) fn plan_payments(&mut self, p: Period) {
        let days: Vec<Date> = self
            .calendar
            .days(self.today.year(), p.month())
            .iter()
            .filter(|d| **d > self.today)
            .copied()
            .collect();
        assert!(!days.is_empty(), "no office day left in {p}");
        for h in 0..self.homes.len() {
            let home = &self.homes[h];
            let pays = match home.habit {
                Habit::Monthly => !self.chance(6),
                Habit::Late => home.next_due <= p,
                Habit::Annual => p.month() == 1,
                Habit::Quarterly => p.month() % 3 == 0,
                Habit::Never => false,
                Habit::Rare => home.rare.iter().any(|(m, _)| *m == p),
            };
            if !pays {
                continue;
            }
            if self.homes[h].habit == Habit::Late {
                let gap = u32::try_from(self.between(2, 4)).unwrap_or(2);
                self.homes[h].next_due = add_months(p, gap);
            }
            let n = days.len();
            let r = self.below(100);
            let index = if r < 55 {
                self.below(n.min(5) as u64)
            } else if r < 85 {
                n.min(5) as u64 + self.below(n.min(12).saturating_sub(5).max(1) as u64)
            } else {
                self.below(n as u64)
            };
            let day = days[usize::try_from(index).unwrap_or(0).min(n - 1)];
            let minute =
                hm(9, 5) + u32::try_from(self.below(u64::from(hm(17, 20) - hm(9, 5)))).unwrap_or(0);
            self.at(day, minute, move |g| g.pay(h));
        }
    }

    pub(super) fn pay(&mut self, h: usize) {
        let p = period_of(self.today);
        let home = self.homes[h].clone();
        let owed = self.ledger.arrears(&home.unit).get();
        let (amount, periods, paid_through) = match home.habit {
            Habit::Annual => {
                let year = months(p, period(p.year(), 12));
                (
                    owed + (year.len() as i64 - 1) * home.monthly(),
                    year,
                    period(p.year(), 12),
                )
            }
            Habit::Rare => {
                let worth = home
                    .rare
                    .iter()
                    .find(|(m, _)| *m == p)
                    .map_or(1, |(_, k)| *k);
                (
                    owed.min(worth * home.monthly()),
                    Vec::new(),
                    home.paid_through,
                )
            }
            _ => {
                let named = months(home.paid_through.next(), p);
                let keep = named.len().saturating_sub(12);
                (owed, named[keep..].to_vec(), p)
            }
        };
        if amount <= 0 {
            return;
        }
        // In June of every other year, one quarterly cash payment is typed wrong.
        let year = self.today.year();
        let typo_year = p.month() == 6 && self.year_index(self.today) % 2 == 0;
        if home.habit == Habit::Quarterly && typo_year && self.typo_year != Some(year) {
            self.typo_year = Some(year);
            self.mistyped_cash_payment(&home, amount, &periods);
        } else {
            let body = PaymentReceived {
                unit: home.unit.clone(),
                amount_fen: fen(amount),
                channel: home.channel,
                periods,
            };
            self.as_treasurer(LedgerEvent::PaymentReceived(body));
        }
        self.homes[h].paid_through = paid_through;
    }

    /// A cash payment entered with two digits swapped, reversed, and entered again.
    pub(super) fn mistyped_cash_payment(&mut self, home: &Home, amount: i64, periods: &[Period]) {
        let mut digits: Vec<u8> = amount.to_string().into_bytes();
        let wrong = if digits.len() >= 5 && digits[digits.len() - 4] != digits[digits.len() - 5] {
            let n = digits.len();
            digits.swap(n - 4, n - 5);
            String::from_utf8(digits)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(amount + 10_000)
        } else {
            amount + 10_000
        };
        let body = PaymentReceived {
            unit: home.unit.clone(),
            amount_fen: fen(wrong),
            channel: Channel::Cash,
            periods: periods.to_vec(),
        };
        let Some((id, _)) = self.as_treasurer(LedgerEvent::PaymentReceived(body)) else {
            return;
        };
        self.later(240, 900);
        let reason = format!(
            "现金收款金额录入错误：误录为{}元，实收{}元，冲销后重录",
            fen(wrong),
            fen(amount)
        );
        let reversal = Reversal {
            reverses: id,
            reason: label(&reason),
        };
        if let Some((_, seq)) = self.as_treasurer(LedgerEvent::Reversal(reversal)) {
            self.summary.reversals.push(seq);
        }
        self.later(30, 120);
        let body = PaymentReceived {
            unit: home.unit.clone(),
            amount_fen: fen(amount),
            channel: Channel::Cash,
            periods: periods.to_vec(),
        };
        self.as_treasurer(LedgerEvent::PaymentReceived(body));
    }

    /// Payment demands (催告) to every chronic debtor owing at least `months_owed` months' worth.
    /// From the third year, half of the rare payers among them pay a few months' worth in one
    /// of the two months after.
    pub(super) fn demands(&mut self, months_owed: i64) {
        for h in 0..self.homes.len() {
            if !matches!(self.homes[h].habit, Habit::Never | Habit::Rare) {
                continue;
            }
            let unit = self.homes[h].unit.clone();
            let owed = self.ledger.arrears(&unit);
            if owed.get() == 0 || owed.get() < months_owed * self.homes[h].monthly() {
                continue;
            }
            let document_sha256 =
                self.document(&format!("催告函 {unit} 欠费{owed}元 {}", self.today));
            let body = PaymentDemandIssued {
                unit: unit.clone(),
                amount_fen: owed,
                document_sha256,
            };
            if self
                .as_treasurer(LedgerEvent::PaymentDemandIssued(body))
                .is_some()
            {
                self.summary.demands.push(unit);
            }
            self.brisk(30, 100);
            if self.year_index(self.today) >= 2 && self.homes[h].habit == Habit::Rare {
                self.plan_rare_payment(h);
            }
        }
    }

    /// With even chances, a rare payer plans to pay two to four months' worth in one of the two
    /// months after this one.
    fn plan_rare_payment(&mut self, h: usize) {
        if !self.chance(50) {
            return;
        }
        let now = period_of(self.today);
        let month = add_months(now, 1 + u32::try_from(self.below(2)).unwrap_or(0));
        let worth = self.between(2, 4);
        let home = &mut self.homes[h];
        home.rare.retain(|(m, _)| *m > now);
        home.rare.push((month, worth));
    }
}
