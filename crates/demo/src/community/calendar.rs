//! Dates, months and the committee office's calendar in Beijing time.

use gongzhang_core::ledger::types::Period;
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Month, Weekday};

pub(super) fn period(year: u16, month: u8) -> Period {
    Period::new(year, month).unwrap_or_else(|| panic!("month {year}-{month}"))
}

pub(super) fn date(year: i32, month: u8, day: u8) -> Date {
    let m = Month::try_from(month).unwrap_or_else(|e| panic!("{e}"));
    Date::from_calendar_date(year, m, day).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn next_day(d: Date) -> Date {
    d.next_day().unwrap_or_else(|| panic!("no day after {d}"))
}

pub(super) fn period_of(d: Date) -> Period {
    period(u16::try_from(d.year()).unwrap_or(9999), u8::from(d.month()))
}

/// The months from `from` to `to`, both included (empty if `to` is earlier).
pub(super) fn months(from: Period, to: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = from;
    while p <= to {
        out.push(p);
        p = p.next();
    }
    out
}

pub(super) fn add_months(p: Period, n: u32) -> Period {
    (0..n).fold(p, |p, _| p.next())
}

/// Julian day of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
const DAY_MS: i64 = 86_400_000;
const BEIJING_OFFSET_MS: i64 = 8 * 3_600_000;

/// Unix milliseconds of `minute` minutes after midnight of `d`, Beijing time.
pub(super) fn beijing_ms(d: Date, minute: u32) -> i64 {
    (i64::from(d.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY) * DAY_MS + i64::from(minute) * 60_000
        - BEIJING_OFFSET_MS
}

/// The Beijing calendar day (as a Julian day) of a Unix time in milliseconds.
pub(super) fn beijing_julian_day(ms: i64) -> i64 {
    (ms + BEIJING_OFFSET_MS).div_euclid(DAY_MS) + UNIX_EPOCH_JULIAN_DAY
}

pub(super) const fn hm(hour: u32, minute: u32) -> u32 {
    hour * 60 + minute
}

pub(super) fn previous(p: Period) -> Period {
    if p.month() == 1 {
        period(p.year() - 1, 12)
    } else {
        period(p.year(), p.month() - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// The office calendar: Monday to Friday, minus the public holidays (without the make-up working
// weekends, which the committee office does not keep).

/// The first year of every generated community's accounts.
pub(super) const FIRST_YEAR: i32 = 2025;

/// The years whose public holidays are [`PUBLISHED_HOLIDAYS`]; other years close
/// [`rule_holidays`].
const PUBLISHED_YEARS: std::ops::RangeInclusive<i32> = 2025..=2026;

/// The public holidays the State Council published (first day, number of days).
const PUBLISHED_HOLIDAYS: [(i32, u8, u8, u8); 13] = [
    (2025, 1, 1, 1),
    (2025, 1, 28, 8), // 春节
    (2025, 4, 4, 3),  // 清明
    (2025, 5, 1, 5),  // 劳动节
    (2025, 5, 31, 3), // 端午
    (2025, 10, 1, 8), // 国庆、中秋
    (2026, 1, 1, 3),
    (2026, 2, 15, 9), // 春节
    (2026, 4, 4, 3),
    (2026, 5, 1, 5),
    (2026, 6, 19, 3),
    (2026, 9, 25, 3),
    (2026, 10, 1, 7),
];

/// 春节 (the first day of the lunar year) from 2027 to 2040; later years close only the fixed
/// holidays.
const SPRING_FESTIVAL: [(i32, u8, u8); 14] = [
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
    (2031, 1, 23),
    (2032, 2, 11),
    (2033, 1, 31),
    (2034, 2, 19),
    (2035, 2, 8),
    (2036, 1, 28),
    (2037, 2, 15),
    (2038, 2, 4),
    (2039, 1, 24),
    (2040, 2, 12),
];

/// The holidays of a year not published yet (first day, number of days), by the usual rule:
/// New Year's Day, the Spring Festival from its eve (seven days), Qingming (3), May Day (3) and
/// the National Day week (7).
fn rule_holidays(year: i32) -> Vec<(Date, u8)> {
    let mut out = vec![
        (date(year, 1, 1), 1),
        (date(year, 4, 4), 3),
        (date(year, 5, 1), 3),
        (date(year, 10, 1), 7),
    ];
    if let Some(&(_, m, d)) = SPRING_FESTIVAL.iter().find(|(y, _, _)| *y == year) {
        let festival = date(year, m, d);
        let eve = festival
            .previous_day()
            .unwrap_or_else(|| panic!("no day before {festival}"));
        out.push((eve, 7));
    }
    out
}

/// The days the office is closed for public holidays in the years `first` to `last`.
fn holidays(first: i32, last: i32) -> BTreeSet<Date> {
    let mut starts: Vec<(Date, u8)> = PUBLISHED_HOLIDAYS
        .iter()
        .map(|&(y, m, d, n)| (date(y, m, d), n))
        .collect();
    for year in first..=last {
        if !PUBLISHED_YEARS.contains(&year) {
            starts.extend(rule_holidays(year));
        }
    }
    let mut closed = BTreeSet::new();
    for (first_day, n) in starts {
        let mut day = first_day;
        for _ in 0..n {
            closed.insert(day);
            day = next_day(day);
        }
    }
    closed
}

#[derive(Debug)]
pub(super) struct Calendar {
    /// Office days by (year, month).
    office: BTreeMap<(i32, u8), Vec<Date>>,
    /// The last day it knows.
    last: Date,
}

impl Calendar {
    /// The office days from `first` to `last`.
    pub(super) fn new(first: Date, last: Date) -> Calendar {
        let closed = holidays(first.year(), last.year());
        let mut office: BTreeMap<(i32, u8), Vec<Date>> = BTreeMap::new();
        let mut d = first;
        while d <= last {
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            if !weekend && !closed.contains(&d) {
                office
                    .entry((d.year(), u8::from(d.month())))
                    .or_default()
                    .push(d);
            }
            d = next_day(d);
        }
        Calendar { office, last }
    }

    /// The office days of a month.
    pub(super) fn days(&self, year: i32, month: u8) -> &[Date] {
        self.office.get(&(year, month)).map_or(&[], Vec::as_slice)
    }

    /// The `n`th (1-based) office day of a month.
    pub(super) fn nth(&self, year: i32, month: u8, n: usize) -> Date {
        *self
            .days(year, month)
            .get(n - 1)
            .unwrap_or_else(|| panic!("{year}-{month} has no office day {n}"))
    }

    /// The position (0-based) of `d` among its month's office days, if it is one.
    pub(super) fn index(&self, d: Date) -> Option<usize> {
        self.days(d.year(), u8::from(d.month()))
            .iter()
            .position(|x| *x == d)
    }

    /// The last day it knows.
    pub(super) fn last(&self) -> Date {
        self.last
    }

    /// The first office day after `d`.
    pub(super) fn next_office_day(&self, d: Date) -> Date {
        let mut x = next_day(d);
        while self.index(x).is_none() {
            assert!(x < self.last, "no office day after {d} in the calendar");
            x = next_day(x);
        }
        x
    }

    /// The `n`th office day after `d`.
    pub(super) fn office_day_after(&self, d: Date, n: usize) -> Date {
        (0..n).fold(d, |x, _| self.next_office_day(x))
    }

    /// Whether `d` is the week's last office day (Monday to Friday).
    pub(super) fn is_weeks_last_office_day(&self, d: Date) -> bool {
        if self.index(d).is_none() {
            return false;
        }
        let mut x = d;
        while x.weekday() != Weekday::Friday {
            x = next_day(x);
            if self.index(x).is_some() {
                return false;
            }
        }
        true
    }
}
