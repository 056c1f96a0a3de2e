//! Figures and times as the notice board prints them. Money is integer fen all the way: the
//! one formatting function below divides by 100 in integers, so a page can never show a figure
//! a float rounded.

use gongzhang_core::entry::RecordedAt;
use gongzhang_core::ledger::types::{AreaCentiM2, Fen};
use time::UtcOffset;
use time::macros::format_description;

/// Beijing time: UTC+8 all year (Asia/Shanghai has no daylight saving).
const BEIJING_OFFSET_S: i32 = 8 * 3600;

/// Yuan with two decimals and thousands separators, from integer fen:
/// `123456` → `1,234.56`, `-5` → `-0.05`.
pub fn yuan(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let (whole, cents) = (abs / 100, abs % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(d);
    }
    format!("{sign}{grouped}.{cents:02}")
}

/// [`yuan`] of a ledger amount.
pub fn yuan_of(fen: Fen) -> String {
    yuan(i128::from(fen.get()))
}

/// An area in square metres with two decimals, from hundredths: `5678` → `56.78`.
pub fn area_m2(area: AreaCentiM2) -> String {
    yuan(i128::from(area))
}

fn to_beijing(t: RecordedAt) -> time::OffsetDateTime {
    // INVARIANT: 8 hours is a valid UTC offset.
    let offset = UtcOffset::from_whole_seconds(BEIJING_OFFSET_S).unwrap_or(UtcOffset::UTC);
    t.as_offset_date_time().to_offset(offset)
}

/// A log time in Beijing time to the minute: `2026-01-05 09:30`.
pub fn beijing(t: RecordedAt) -> String {
    to_beijing(t)
        .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap_or_default()
}

/// A log time's date in Beijing time: `2026-01-05`.
pub fn beijing_date(t: RecordedAt) -> String {
    to_beijing(t)
        .format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// A log time in Beijing time as ISO 8601 with its offset, for `<time datetime>`:
/// `2026-01-05T09:30:00+08:00`.
pub fn beijing_iso(t: RecordedAt) -> String {
    to_beijing(t)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
        ))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_groups_thousands_and_keeps_every_fen() {
        for (fen, want) in [
            (0, "0.00"),
            (5, "0.05"),
            (-5, "-0.05"),
            (100, "1.00"),
            (99_999, "999.99"),
            (100_000, "1,000.00"),
            (123_456, "1,234.56"),
            (-123_456_789, "-1,234,567.89"),
            (9_007_199_254_740_991, "90,071,992,547,409.91"),
        ] {
            assert_eq!(yuan(fen), want, "{fen}");
        }
    }

    #[test]
    fn times_are_shown_in_beijing_time() {
        let t = RecordedAt::parse("2025-12-31T16:30:00.000Z").unwrap_or_else(|| unreachable!());
        assert_eq!(beijing(t), "2026-01-01 00:30");
        assert_eq!(beijing_date(t), "2026-01-01");
        assert_eq!(beijing_iso(t), "2026-01-01T00:30:00+08:00");
    }
}
