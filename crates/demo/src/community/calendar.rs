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
// The office calendar: Monday to Friday, minus the public holidays.

/// Public holidays (first day, number of days) the committee office is closed.
const HOLIDAYS: [(i32, u8, u8, u8); 14] = [
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
    (2027, 1, 1, 3),
];

#[derive(Debug)]
pub(super) struct Calendar {
    /// Office days by (year, month).
    pub(super) office: BTreeMap<(i32, u8), Vec<Date>>,
}

impl Calendar {
    pub(super) fn new(first: Date, last: Date) -> Calendar {
        let mut closed = BTreeSet::new();
        for (y, m, d, n) in HOLIDAYS {
            let mut day = date(y, m, d);
            for _ in 0..n {
                closed.insert(day);
                day = next_day(day);
            }
        }
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
        Calendar { office }
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

    /// The first office day after `d`.
    pub(super) fn next_office_day(&self, d: Date) -> Date {
        let mut x = next_day(d);
        while self.index(x).is_none() {
            x = next_day(x);
        }
        x
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
