//! Months (`2025-03`) and the ranges a close covers (a month, or a calendar quarter `2025-Q1`).

use crate::amount::half_width;
use gongzhang_core::ledger::types::{Period, PeriodRange};

/// A month `2025-03`, full-width digits read as ASCII.
pub fn parse_period(text: &str) -> Option<Period> {
    let normal: String = text.trim().chars().map(half_width).collect();
    Period::try_from(normal).ok()
}

/// A month `2025-03` or a calendar quarter `2025-Q1`.
pub fn parse_close_range(text: &str) -> Option<PeriodRange> {
    if let Some(p) = parse_period(text) {
        return Some(PeriodRange { from: p, to: p });
    }
    let normal: String = text
        .trim()
        .chars()
        .map(half_width)
        .collect::<String>()
        .to_ascii_uppercase();
    let (year, quarter) = normal.split_once("-Q").or_else(|| normal.split_once('Q'))?;
    if year.len() != 4 || quarter.len() != 1 {
        return None;
    }
    let year: u16 = year.parse().ok()?;
    let quarter: u8 = quarter.parse().ok()?;
    if !(1..=4).contains(&quarter) {
        return None;
    }
    let from = Period::new(year, quarter * 3 - 2)?;
    let to = Period::new(year, quarter * 3)?;
    Some(PeriodRange { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::try_from(s.to_string()).unwrap()
    }

    #[test]
    fn a_close_covers_a_month_or_a_calendar_quarter() {
        let range = |a: &str, b: &str| PeriodRange {
            from: p(a),
            to: p(b),
        };
        assert_eq!(
            parse_close_range("2025-03"),
            Some(range("2025-03", "2025-03"))
        );
        assert_eq!(
            parse_close_range("2025-Q1"),
            Some(range("2025-01", "2025-03"))
        );
        assert_eq!(
            parse_close_range("2025q4"),
            Some(range("2025-10", "2025-12"))
        );
        assert_eq!(
            parse_close_range("2025-Q2"),
            Some(range("2025-04", "2025-06"))
        );
        for bad in ["2025-Q5", "2025-Q0", "25-Q1", "2025-13", "2025-Q", "Q1"] {
            assert_eq!(parse_close_range(bad), None, "{bad}");
        }
    }
}
