//! Months (`2025-03`), lists of months a payment is for, and the ranges a close covers (a month,
//! or a calendar quarter `2025-Q1`).

use crate::PERIODS_MAX;
use crate::amount::{half_width, normal};
use crate::error::{Problem, ValueError};
use gongzhang_core::ledger::types::{Period, PeriodRange};
use std::collections::BTreeSet;

/// A month `2025-03`.
pub fn month(text: &str) -> Result<Period, ValueError> {
    parse_period(text).ok_or_else(|| ValueError::new(text, Problem::NotAMonth))
}

/// Months named as ranges `2025-01..2025-12` (or `~`, `至`) and lists `2025-01,2025-03` (or `、`),
/// in any mix over any number of texts: in month order, each once, at most [`PERIODS_MAX`]. An
/// error carries the text that holds the mistake.
pub fn months<S: AsRef<str>>(texts: &[S]) -> Result<Vec<Period>, ValueError> {
    let mut months = BTreeSet::new();
    for text in texts {
        let text = text.as_ref();
        let error = |problem| ValueError::new(text, problem);
        let normal: String = text.chars().map(half_width).collect();
        for part in normal.split([',', '、']) {
            let range = ["..", "~", "～", "至"]
                .iter()
                .find_map(|sep| part.split_once(*sep));
            let (from, to) = match range {
                Some((a, b)) => (parse_period(a), parse_period(b)),
                None => (parse_period(part), parse_period(part)),
            };
            let (Some(from), Some(to)) = (from, to) else {
                return Err(error(Problem::NotAMonthInList {
                    part: part.trim().to_string(),
                }));
            };
            if from > to {
                return Err(error(Problem::MonthsReversed { from, to }));
            }
            let mut p = from;
            loop {
                months.insert(p);
                if months.len() > PERIODS_MAX {
                    return Err(error(Problem::TooManyMonths));
                }
                if p == to {
                    break;
                }
                p = p.next();
            }
        }
    }
    Ok(months.into_iter().collect())
}

/// What a close covers: a month `2025-03` or a calendar quarter `2025-Q1`.
pub fn close_range(text: &str) -> Result<PeriodRange, ValueError> {
    parse_close_range(text).ok_or_else(|| ValueError::new(text, Problem::NotAMonthOrQuarter))
}

/// A month `2025-03`, full-width digits read as ASCII.
fn parse_period(text: &str) -> Option<Period> {
    let normal = normal(text);
    Period::try_from(normal).ok()
}

/// A month `2025-03` or a calendar quarter `2025-Q1`.
fn parse_close_range(text: &str) -> Option<PeriodRange> {
    if let Some(p) = parse_period(text) {
        return Some(PeriodRange { from: p, to: p });
    }
    let normal = normal(text).to_ascii_uppercase();
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

    #[test]
    fn periods_read_ranges_and_lists_in_month_order_each_once() {
        let read = |texts: &[&str]| months(texts);
        let all = read(&["2025-01..2025-12"]).unwrap();
        assert_eq!(all.len(), 12);
        assert_eq!((all[0], all[11]), (p("2025-01"), p("2025-12")));
        assert_eq!(
            read(&["2025-03,2025-01", "2025-02..2025-03"]).unwrap(),
            vec![p("2025-01"), p("2025-02"), p("2025-03")]
        );
        assert_eq!(
            read(&["2025-11..2026-02"]).unwrap(),
            vec![p("2025-11"), p("2025-12"), p("2026-01"), p("2026-02")]
        );
        assert_eq!(
            read(&["2025-01至2025-02、2025-05"]).unwrap(),
            vec![p("2025-01"), p("2025-02"), p("2025-05")]
        );
        assert_eq!(read(&[]).unwrap(), Vec::<Period>::new());
        assert_eq!(
            read(&["2025-01", "2025-12..2025-01"]),
            Err(ValueError::new(
                "2025-12..2025-01",
                Problem::MonthsReversed {
                    from: p("2025-12"),
                    to: p("2025-01")
                }
            ))
        );
        assert_eq!(
            read(&["2025-1"]),
            Err(ValueError::new(
                "2025-1",
                Problem::NotAMonthInList {
                    part: "2025-1".into()
                }
            ))
        );
        assert_eq!(
            read(&["2020-01..2030-12"]),
            Err(ValueError::new("2020-01..2030-12", Problem::TooManyMonths))
        );
        assert!(read(&["2020-01..2029-12"]).is_ok());
        assert_eq!(month("2026-2").unwrap_err().problem, Problem::NotAMonth);
        assert_eq!(
            close_range("2025-Q5").unwrap_err().problem,
            Problem::NotAMonthOrQuarter
        );
    }
}
