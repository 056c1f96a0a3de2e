//! Households: what each unit was charged and paid, and what it owes, by age.
//!
//! Payments settle the charges of the months the payer named first, then the oldest; what is
//! left is prepaid and settles later charges. The rule is defined over the household's charges
//! and payments in log order, reversed ones left out (`Allocation` is that fold), so a
//! reversed payment or charge simply drops out.
//!
//! The fold is kept up to date as entries arrive rather than recomputed: adding a charge or a
//! payment is one more step of it, and the totals behind [`Household::position`] are running
//! sums. Only a reversal replays the household's history. Statements ask what was owed at the
//! end of a month; each household keeps the state its fold had at the end of every month since
//! the last close (`Household::prune` drops older ones), so a close costs the households'
//! unpaid charges, not their history. The history itself is kept compact (24 bytes a charge or
//! payment) because a reversal may name any entry, however old.

use super::events::ArrearsSummary;
use super::types::{AreaCentiM2, Fen, Period, Slug};
use std::collections::BTreeMap;

/// Fee items a household can be charged for (15 bits of `ChargeKey`).
pub const ITEMS_MAX: usize = 1 << 15;

/// A month and a fee item in one number, in month order, then item order: months since 2000-01
/// in the high 17 bits (up to 9999-12), the index into [`Household::items`] in the low 15.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ChargeKey(u32);

impl ChargeKey {
    fn new(period: Period, item: u16) -> ChargeKey {
        let months = (u32::from(period.year()) - 2000) * 12 + u32::from(period.month()) - 1;
        ChargeKey(months << 15 | u32::from(item))
    }
    fn first_of(period: Period) -> ChargeKey {
        ChargeKey::new(period, 0)
    }
    fn period(self) -> Period {
        let months = self.0 >> 15;
        // INVARIANT: made from a valid Period by `new`.
        Period::new(2000 + (months / 12) as u16, (months % 12) as u8 + 1)
            .unwrap_or_else(|| unreachable!("a key holds a valid month"))
    }
    fn item(self) -> usize {
        (self.0 & 0x7fff) as usize
    }
}

/// One charge to a household (16 bytes: a large community holds millions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ChargeRecord {
    /// Entry that assessed it (the ledger holds at most 2^32 entries).
    seq: u32,
    /// Month charged for and fee item.
    key: ChargeKey,
    /// Amount.
    amount: i64,
}

/// One payment by a household (16 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PaymentRecord {
    /// Entry that recorded it.
    seq: u32,
    /// Where the months the payer named start in [`Household::named`]; they end where the next
    /// payment's start.
    named_start: u32,
    /// Amount.
    amount: i64,
}

/// An unpaid (part of a) charge, while allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Open {
    seq: u32,
    key: ChargeKey,
    remaining: i64,
}

/// The allocation of a household's payments over its charges after some of them, in log order:
/// what is still unpaid, charge by charge, and the credit (prepaid) left over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Allocation {
    /// Charges not paid in full, in log order.
    open: Vec<Open>,
    /// Money paid and not yet used by any charge.
    credit: i128,
}

impl Allocation {
    /// A charge: paid from credit first, the rest stays open.
    fn charge(&mut self, c: &ChargeRecord) {
        let due = i128::from(c.amount);
        let used = self.credit.min(due);
        self.credit -= used;
        let remaining = i64::try_from(due - used).unwrap_or(0);
        if remaining > 0 {
            self.open.push(Open {
                seq: c.seq,
                key: c.key,
                remaining,
            });
        }
    }

    /// A payment: the named months first, then the oldest (by month, then by assessment order);
    /// what is left becomes credit.
    fn pay(&mut self, amount: i64, named: &[Period]) {
        let mut left = amount;
        if !self.open.is_empty() {
            let mut order: Vec<usize> = (0..self.open.len()).collect();
            let open = &self.open;
            order.sort_by_key(|&i| {
                let period = open[i].key.period();
                (!named.contains(&period), open[i].key.0 >> 15, open[i].seq)
            });
            for i in order {
                if left == 0 {
                    break;
                }
                let pay = left.min(self.open[i].remaining);
                self.open[i].remaining -= pay;
                left -= pay;
            }
            // Charges paid in full take no more money whatever the order.
            self.open.retain(|o| o.remaining > 0);
        }
        self.credit += i128::from(left);
    }
}

/// A registered household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    /// Registration order (0 for the first household registered).
    pub(super) id: u32,
    /// Exclusive area in hundredths of a square metre (as last corrected).
    pub area_centi_m2: AreaCentiM2,
    /// Fee items this household was ever charged for.
    items: Vec<Slug>,
    /// Charges, in log order (and, within an entry, in the order it lists them).
    charges: Vec<ChargeRecord>,
    /// Whether `charges` is also in [`ChargeKey`] order — true while every charge came for a
    /// month (and item) not before the last one, as monthly assessments do: then a month's
    /// charges are found by binary search, else by a scan.
    in_key_order: bool,
    /// Payments, in log order.
    payments: Vec<PaymentRecord>,
    /// Months named by the payments, one payment after another.
    named: Vec<Period>,
    /// Charges (by assessing entry) and payments (by entry) reversed, with the month reversed in.
    reversed: BTreeMap<u32, Period>,
    /// Charged, not reversed.
    charged: i128,
    /// Paid, not reversed.
    paid: i128,
    /// The allocation after every charge and payment that stands now.
    live: Allocation,
    /// The month of the last change to `live`.
    changed_in: Period,
    /// `(m, state)`: the allocation as at the end of month `m` and of every month after it until
    /// the next change, in month order.
    month_ends: Vec<(Period, Allocation)>,
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

/// The month (Beijing time) entry `seq` was recorded in, from `recorded`: `(first seq, month)`
/// for every month the log has entries in, in order.
fn month_of(recorded: &[(u64, Period)], seq: u64) -> Period {
    let i = recorded.partition_point(|(first, _)| *first <= seq);
    // INVARIANT: callers ask only about entries applied, the first of which opens the list.
    recorded[i.saturating_sub(1)].1
}

/// Makes room for one more element, growing by an eighth rather than doubling: the histories are
/// most of a large ledger's memory, and still grow geometrically.
fn grow<T>(v: &mut Vec<T>) {
    if v.len() == v.capacity() {
        v.reserve_exact((v.len() / 8).max(4));
    }
}

impl Household {
    /// The `id`th household registered, in month `month`, with no charges or payments yet.
    pub(super) fn new(id: u32, area_centi_m2: AreaCentiM2, month: Period) -> Household {
        Household {
            id,
            area_centi_m2,
            items: Vec::new(),
            charges: Vec::new(),
            in_key_order: true,
            payments: Vec::new(),
            named: Vec::new(),
            reversed: BTreeMap::new(),
            charged: 0,
            paid: 0,
            live: Allocation::default(),
            changed_in: month,
            month_ends: Vec::new(),
        }
    }

    /// Charges minus payments (not reversed): positive owes, negative prepaid.
    pub fn position(&self) -> i128 {
        self.charged - self.paid
    }

    /// Total charged, not reversed.
    pub fn charged_total(&self) -> i128 {
        self.charged
    }

    /// Total paid, not reversed.
    pub fn paid_total(&self) -> i128 {
        self.paid
    }

    /// Charges recorded, reversed ones included.
    pub fn charge_count(&self) -> usize {
        self.charges.len()
    }

    /// Payments recorded, reversed ones included.
    pub fn payment_count(&self) -> usize {
        self.payments.len()
    }

    /// Every charge recorded, in log order: (seq of the assessing entry, month, fee item,
    /// amount, whether it was reversed). What a unit's statement lists.
    pub fn charges(&self) -> impl Iterator<Item = (u64, Period, &Slug, Fen, bool)> {
        self.charges.iter().map(|c| {
            (
                u64::from(c.seq),
                c.key.period(),
                &self.items[c.key.item()],
                // INVARIANT: a charge record holds the amount of a valid Fen.
                Fen::new(c.amount).unwrap_or(Fen::ZERO),
                self.reversed.contains_key(&c.seq),
            )
        })
    }

    /// Every payment recorded, in log order: (seq, amount, whether it was reversed).
    pub fn payments(&self) -> impl Iterator<Item = (u64, Fen, bool)> {
        self.payments.iter().map(|p| {
            (
                u64::from(p.seq),
                // INVARIANT: a payment record holds the amount of a valid Fen.
                Fen::new(p.amount).unwrap_or(Fen::ZERO),
                self.reversed.contains_key(&p.seq),
            )
        })
    }

    /// Months named by payments, reversed ones included.
    pub fn named_month_count(&self) -> usize {
        self.named.len()
    }

    /// The charges of month `period`, in log order.
    fn charges_of(&self, period: Period) -> impl Iterator<Item = &ChargeRecord> {
        let first = ChargeKey::first_of(period);
        let next = ChargeKey::first_of(period.next());
        let candidates = if self.in_key_order {
            let start = self.charges.partition_point(|c| c.key < first);
            let end = start + self.charges[start..].partition_point(|c| c.key < next);
            &self.charges[start..end]
        } else {
            &self.charges[..]
        };
        candidates
            .iter()
            .filter(move |c| first <= c.key && c.key < next)
    }

    /// Whether a live (not reversed) charge exists for this month and item.
    pub fn has_charge(&self, period: Period, item: &Slug) -> bool {
        let Some(item) = self.items.iter().position(|i| i == item) else {
            return false;
        };
        let key = ChargeKey::new(period, item as u16);
        // Most charges are for a month not charged yet: in key order, nothing at or after it.
        if self.in_key_order && self.charges.last().is_none_or(|c| c.key < key) {
            return false;
        }
        self.charges_of(period)
            .any(|c| c.key == key && !self.reversed.contains_key(&c.seq))
    }

    /// Whether this household can be charged for `item`: it names at most [`ITEMS_MAX`] items.
    pub fn can_charge(&self, item: &Slug) -> bool {
        self.items.len() < ITEMS_MAX || self.items.contains(item)
    }

    /// The months payment `index` named.
    fn named_by(&self, index: usize) -> &[Period] {
        let start = self.payments[index].named_start as usize;
        let end = self
            .payments
            .get(index + 1)
            .map_or(self.named.len(), |p| p.named_start as usize);
        &self.named[start..end]
    }

    /// Before `live` changes in `month`: keeps the state it had as at the end of earlier months.
    fn changing(&mut self, month: Period) {
        if month > self.changed_in {
            self.month_ends.push((self.changed_in, self.live.clone()));
            self.changed_in = month;
        }
    }

    /// The index of `item`, added if new ([`Household::can_charge`] was checked).
    fn item_index(&mut self, item: &Slug) -> u16 {
        let i = self
            .items
            .iter()
            .position(|i| i == item)
            .unwrap_or_else(|| {
                self.items.push(item.clone());
                self.items.len() - 1
            });
        u16::try_from(i.min(ITEMS_MAX - 1)).unwrap_or(0)
    }

    /// Records a charge assessed by entry `seq` in month `month`.
    pub(super) fn add_charge(
        &mut self,
        seq: u32,
        month: Period,
        period: Period,
        item: &Slug,
        amount: Fen,
    ) {
        let record = ChargeRecord {
            seq,
            key: ChargeKey::new(period, self.item_index(item)),
            amount: amount.get(),
        };
        grow(&mut self.charges);
        if self.charges.last().is_some_and(|c| c.key > record.key) {
            self.in_key_order = false;
        }
        self.charges.push(record);
        self.charged += i128::from(amount.get());
        self.changing(month);
        self.live.charge(&record);
    }

    /// Records a payment by entry `seq` in month `month`; returns its index.
    pub(super) fn add_payment(
        &mut self,
        seq: u32,
        month: Period,
        amount: Fen,
        named: &[Period],
    ) -> usize {
        // The pool grows with named months; past u32::MAX the household would need 16 GiB.
        let named_start = u32::try_from(self.named.len()).unwrap_or(u32::MAX);
        if !named.is_empty() {
            self.named
                .reserve_exact(named.len().max(self.named.len() / 8));
            self.named.extend_from_slice(named);
        }
        grow(&mut self.payments);
        self.payments.push(PaymentRecord {
            seq,
            named_start,
            amount: amount.get(),
        });
        self.paid += i128::from(amount.get());
        self.changing(month);
        self.live.pay(amount.get(), named);
        self.payments.len() - 1
    }

    /// The index of the payment entry `seq` recorded.
    pub(super) fn payment_index(&self, seq: u32) -> Option<usize> {
        self.payments.binary_search_by_key(&seq, |p| p.seq).ok()
    }

    /// The amount of payment `index`, if it exists and stands.
    pub(super) fn payment_amount(&self, index: usize) -> Option<Fen> {
        let p = self.payments.get(index)?;
        if self.reversed.contains_key(&p.seq) {
            return None;
        }
        Fen::new(p.amount).ok()
    }

    /// The charges entry `seq` assessed for month `period`, by item (reversed or not).
    pub(super) fn charges_by(&self, seq: u32, period: Period) -> Vec<(Slug, Fen)> {
        self.charges_of(period)
            .filter(|c| c.seq == seq)
            .map(|c| {
                (
                    self.items[c.key.item()].clone(),
                    Fen::new(c.amount).unwrap_or(Fen::ZERO),
                )
            })
            .collect()
    }

    /// Reverses payment `index` in month `month`.
    pub(super) fn reverse_payment(&mut self, index: usize, month: Period) {
        let Some(p) = self.payments.get(index).copied() else {
            return;
        };
        if self.reversed.insert(p.seq, month).is_none() {
            self.paid -= i128::from(p.amount);
            self.changing(month);
            self.live = self.replay();
        }
    }

    /// Reverses the charges entry `seq` assessed for `period`, in month `month`.
    pub(super) fn reverse_charges(&mut self, seq: u32, period: Period, month: Period) {
        let of_entry = self.charges_of(period).filter(|c| c.seq == seq);
        let (count, amount) = of_entry.fold((0, 0i128), |(n, sum), c| {
            (n + 1, sum + i128::from(c.amount))
        });
        if count > 0 && self.reversed.insert(seq, month).is_none() {
            self.charged -= amount;
            self.changing(month);
            self.live = self.replay();
        }
    }

    /// Forgets the month-end states no statement can ask for any more: statements after a close
    /// of `closed` are as at the end of later months.
    pub(super) fn prune(&mut self, closed: Period) {
        let keep_from = self
            .month_ends
            .partition_point(|(m, _)| *m <= closed)
            .saturating_sub(1);
        self.month_ends.drain(..keep_from);
    }

    /// The fold over the charges and payments of the entries for which `stands` holds, in log
    /// order.
    fn allocate(&self, stands: impl Fn(u32) -> bool) -> Allocation {
        let mut a = Allocation::default();
        let mut ci = self.charges.iter().filter(|c| stands(c.seq)).peekable();
        let mut pi = self
            .payments
            .iter()
            .enumerate()
            .filter(|(_, p)| stands(p.seq))
            .peekable();
        loop {
            let take_charge = match (ci.peek(), pi.peek()) {
                (Some(c), Some((_, p))) => c.seq < p.seq,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_charge {
                if let Some(c) = ci.next() {
                    a.charge(c);
                }
            } else if let Some((i, p)) = pi.next() {
                a.pay(p.amount, self.named_by(i));
            }
        }
        a
    }

    /// The fold over everything that stands now.
    fn replay(&self) -> Allocation {
        self.allocate(|seq| !self.reversed.contains_key(&seq))
    }

    fn outstanding_in(&self, a: &Allocation) -> Vec<Outstanding> {
        a.open
            .iter()
            .map(|o| Outstanding {
                period: o.key.period(),
                item: self.items[o.key.item()].clone(),
                // INVARIANT: an open amount is part of one charge, which is a valid Fen.
                amount: Fen::new(o.remaining).unwrap_or(Fen::ZERO),
            })
            .collect()
    }

    /// What is still owed now, charge by charge, after allocating every payment in log order.
    pub fn outstanding(&self) -> Vec<Outstanding> {
        self.outstanding_in(&self.live)
    }

    /// What was owed at the end of month `until` (Beijing time): only the charges and payments
    /// recorded by then, less those reversed by then. `recorded` gives each entry's month.
    pub fn outstanding_as_of(&self, until: Period, recorded: &[(u64, Period)]) -> Vec<Outstanding> {
        if until >= self.changed_in {
            return self.outstanding();
        }
        let i = self.month_ends.partition_point(|(m, _)| *m <= until);
        if i > 0 {
            return self.outstanding_in(&self.month_ends[i - 1].1);
        }
        // Older than the month-end states kept: replay the history as it stood then.
        let a = self.allocate(|seq| {
            month_of(recorded, u64::from(seq)) <= until
                && self.reversed.get(&seq).is_none_or(|r| *r > until)
        });
        self.outstanding_in(&a)
    }

    /// What the household owes for months up to `as_of`, in fen.
    pub fn arrears_through(&self, as_of: Period) -> i128 {
        self.live
            .open
            .iter()
            .filter(|o| o.key.period() <= as_of)
            .map(|o| i128::from(o.remaining))
            .sum()
    }
}

/// Adds what one household owed at the end of month `as_of` to an arrears summary, each unpaid
/// amount aged by the month it was charged for: 0–3 months means `as_of` or the two months
/// before it. Only charges and payments recorded by the end of `as_of` count, so a statement
/// shows the arrears of its period, not of the day it was closed.
pub fn add_to_summary(
    summary: &mut ArrearsSummary,
    household: &Household,
    as_of: Period,
    recorded: &[(u64, Period)],
) {
    let mut owes = false;
    for o in household
        .outstanding_as_of(as_of, recorded)
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
    fn owed(o: &[Outstanding]) -> Vec<(Period, i64)> {
        o.iter().map(|o| (o.period, o.amount.get())).collect()
    }

    #[test]
    fn records_stay_compact_and_keys_keep_month_order() {
        assert_eq!(std::mem::size_of::<ChargeRecord>(), 16);
        assert_eq!(std::mem::size_of::<PaymentRecord>(), 16);
        assert_eq!(std::mem::size_of::<Open>(), 16);
        let (first, last) = (p("2000-01"), p("9999-12"));
        assert_eq!(ChargeKey::new(first, 0).period(), first);
        assert_eq!(ChargeKey::new(last, (ITEMS_MAX - 1) as u16).period(), last);
        assert_eq!(
            ChargeKey::new(last, (ITEMS_MAX - 1) as u16).item(),
            ITEMS_MAX - 1
        );
        assert!(ChargeKey::new(p("2026-01"), 9) < ChargeKey::new(p("2026-02"), 0));
        assert!(ChargeKey::new(p("2026-12"), 0) < ChargeKey::new(p("2027-01"), 0));
        assert!(ChargeKey::first_of(p("2026-02")) <= ChargeKey::new(p("2026-02"), 3));
    }

    #[test]
    fn a_replay_keeps_the_order_an_entry_lists_its_charges_in() {
        // Found by the model test: garbage first charged alone, then an entry listing the
        // property fee before the garbage fee; a reversal replays the history, and the replay
        // must keep the listing order (it decides which charge a payment settles first).
        let (garbage, property) = (slug("garbage_fee"), slug("property_fee"));
        let mut h = Household::new(0, 10_000, p("2026-01"));
        h.add_charge(1, p("2026-01"), p("2026-01"), &garbage, fen(1_345));
        h.add_charge(2, p("2026-02"), p("2026-02"), &property, fen(25_301));
        h.add_charge(2, p("2026-02"), p("2026-02"), &garbage, fen(1_351));
        let live = owed(&h.outstanding());
        assert_eq!(
            live,
            [
                (p("2026-01"), 1_345),
                (p("2026-02"), 25_301),
                (p("2026-02"), 1_351)
            ]
        );
        let pay = h.add_payment(3, p("2026-02"), fen(500), &[]);
        h.reverse_payment(pay, p("2026-03"));
        assert_eq!(owed(&h.outstanding()), live);
        // A partial payment naming February settles the property fee first, as listed.
        h.add_payment(4, p("2026-03"), fen(25_302), &[p("2026-02")]);
        assert_eq!(
            owed(&h.outstanding()),
            [(p("2026-01"), 1_345), (p("2026-02"), 1_350)]
        );
        assert!(h.has_charge(p("2026-02"), &garbage));
        assert!(h.has_charge(p("2026-02"), &property));
        assert!(!h.has_charge(p("2026-03"), &property));
    }

    #[test]
    fn a_household_names_at_most_items_max_fee_items() {
        let mut h = Household::new(0, 10_000, p("2026-01"));
        for i in 0..ITEMS_MAX {
            let item = slug(&format!("item-{i}"));
            assert!(h.can_charge(&item));
            h.add_charge(1, p("2026-01"), p("2026-01"), &item, fen(1));
        }
        assert!(!h.can_charge(&slug("one-more")));
        // Items it has stay chargeable (for another month).
        assert!(h.can_charge(&slug("item-0")));
        assert!(h.has_charge(p("2026-01"), &slug(&format!("item-{}", ITEMS_MAX - 1))));
        assert!(!h.has_charge(p("2026-02"), &slug("item-0")));
        assert_eq!(h.charged_total(), ITEMS_MAX as i128);
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
        // Entry i was recorded in the month of `months[i]`.
        let months: Vec<(u64, Period)> = vec![
            (0, p("2026-01")),
            (2, p("2026-02")),
            (3, p("2026-03")),
            (6, p("2026-04")),
            (7, p("2026-05")),
        ];
        let mut h = Household::new(0, 10_000, p("2026-01"));
        let fee = slug("property_fee");
        for (seq, month) in [(1, "2026-01"), (2, "2026-02"), (3, "2026-03")] {
            h.add_charge(seq, p(month), p(month), &fee, fen(5_000));
        }
        assert!(h.has_charge(p("2026-02"), &fee));
        assert!(!h.has_charge(p("2026-04"), &fee));
        assert!(!h.has_charge(p("2026-02"), &slug("parking")));
        // Pays 60.00 naming March: March settled, then 10.00 towards January.
        h.add_payment(4, p("2026-03"), fen(6_000), &[p("2026-03")]);
        assert_eq!(
            owed(&h.outstanding()),
            [(p("2026-01"), 4_000), (p("2026-02"), 5_000)]
        );
        // Pays 100.00: settles all, 10.00 prepaid, which settles part of April when charged.
        let big = h.add_payment(5, p("2026-03"), fen(10_000), &[]);
        assert!(h.outstanding().is_empty());
        assert_eq!(h.position(), -1_000);
        h.add_charge(6, p("2026-04"), p("2026-04"), &fee, fen(5_000));
        assert_eq!(owed(&h.outstanding()), [(p("2026-04"), 4_000)]);
        assert_eq!(h.arrears_through(p("2026-03")), 0);
        assert_eq!(h.arrears_through(p("2026-04")), 4_000);
        // Reversing the 100.00 payment (in May) brings January back.
        h.reverse_payment(big, p("2026-05"));
        assert_eq!(h.position(), 4 * 5_000 - 6_000);
        assert_eq!(h.payment_amount(big), None);
        // As at the end of April the payment still stood; as at May, it did not.
        assert_eq!(
            owed(&h.outstanding_as_of(p("2026-04"), &months[..])),
            [(p("2026-04"), 4_000)]
        );
        assert_eq!(
            owed(&h.outstanding_as_of(p("2026-05"), &months[..])),
            [
                (p("2026-01"), 4_000),
                (p("2026-02"), 5_000),
                (p("2026-04"), 5_000)
            ]
        );
        // As at the end of February, from the history (no month-end state that old is kept
        // once March is closed).
        h.prune(p("2026-03"));
        assert_eq!(
            owed(&h.outstanding_as_of(p("2026-02"), &months[..])),
            [(p("2026-01"), 5_000), (p("2026-02"), 5_000)]
        );
        assert_eq!(
            owed(&h.outstanding_as_of(p("2026-04"), &months[..])),
            [(p("2026-04"), 4_000)]
        );
        let mut s = ArrearsSummary::default();
        add_to_summary(&mut s, &h, p("2026-07"), &months[..]);
        assert_eq!(s.units_in_arrears, 1);
        // As of July: January is 6 months old (6–12), February 5 and April 3 (3–6).
        assert_eq!(s.age_6_12_fen, fen(4_000));
        assert_eq!(s.age_3_6_fen, fen(5_000 + 5_000));
        assert_eq!(s.age_0_3_fen, Fen::ZERO);
        assert_eq!(s.total_fen, fen(14_000));
    }

    #[test]
    fn a_reversed_charge_drops_out_and_may_be_assessed_again() {
        let mut h = Household::new(0, 10_000, p("2026-01"));
        let fee = slug("property_fee");
        let parking = slug("parking");
        h.add_charge(1, p("2026-01"), p("2026-01"), &fee, fen(5_000));
        h.add_charge(1, p("2026-01"), p("2026-01"), &parking, fen(2_000));
        h.add_charge(2, p("2026-02"), p("2026-02"), &fee, fen(5_000));
        // A back charge for January, recorded later, sorts with January.
        h.add_charge(3, p("2026-02"), p("2025-12"), &fee, fen(1_000));
        assert_eq!(
            h.charges_by(1, p("2026-01")),
            [(fee.clone(), fen(5_000)), (parking.clone(), fen(2_000))]
        );
        h.add_payment(4, p("2026-02"), fen(3_000), &[]);
        // Oldest first: December's 10.00, then 20.00 of January's fee.
        assert_eq!(
            owed(&h.outstanding()),
            [
                (p("2026-01"), 3_000),
                (p("2026-01"), 2_000),
                (p("2026-02"), 5_000)
            ]
        );
        h.reverse_charges(1, p("2026-01"), p("2026-03"));
        assert!(!h.has_charge(p("2026-01"), &fee));
        assert!(!h.has_charge(p("2026-01"), &parking));
        assert_eq!(h.charged_total(), 6_000);
        assert_eq!(h.paid_total(), 3_000);
        // Without January, the payment settles December and 20.00 of February.
        assert_eq!(owed(&h.outstanding()), [(p("2026-02"), 3_000)]);
        // Reversing twice changes nothing.
        h.reverse_charges(1, p("2026-01"), p("2026-03"));
        assert_eq!(h.charged_total(), 6_000);
        h.add_charge(5, p("2026-03"), p("2026-01"), &fee, fen(4_000));
        assert!(h.has_charge(p("2026-01"), &fee));
        assert_eq!(
            owed(&h.outstanding()),
            [(p("2026-02"), 3_000), (p("2026-01"), 4_000)]
        );
        assert_eq!(h.charge_count(), 5);
        assert_eq!(h.payment_count(), 1);
    }
}
