//! Numbers as people write them: amounts in yuan and areas in ㎡ as integer hundredths (fen,
//! hundredths of a ㎡, never through a float), counts of owners, entry numbers and years.

use crate::error::{Problem, ValueError};
use gongzhang_core::ledger::types::{AreaCentiM2, FEN_MAX, Fen};

/// Why text is not an amount of yuan (or an area in ㎡): one variant per mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// Nothing was written.
    Empty,
    /// Not a number as people write amounts: letters, a second decimal point, misplaced commas.
    NotANumber,
    /// More than two decimals: the ledger counts fen (0.01 yuan) and hundredths of a ㎡.
    TooManyDecimals,
    /// A minus sign: the ledger corrects mistakes by reversal, never by a negative amount.
    Negative,
    /// Beyond 2^53 − 1 hundredths, the most canonical JSON carries exactly.
    TooLarge,
}

/// Parses an amount in yuan as people write it: `360`, `360.5`, `360.50`, `1,200.00`, `¥360.00`,
/// `360元` → fen. Refuses more than two decimals, negatives, zero where the rules need positive
/// (leave that to the rules), anything beyond ±(2^53−1) fen, floats never used.
///
/// Zero is an amount (the rules refuse it where an amount must be above zero). Full-width digits,
/// points and commas (`３６０．５０`, as a Chinese input method may type them) read as their ASCII
/// forms; commas must group thousands (`1,200`, not `1,20`).
pub fn parse_yuan(text: &str) -> Result<Fen, AmountError> {
    let fen = parse_hundredths(text, &["¥", "￥"], &["元"])?;
    Fen::new(fen).map_err(|_| AmountError::TooLarge)
}

/// Parses an area in ㎡ (`85.23`, `85.23㎡`, `85.23 平方米`) → hundredths of a ㎡, like [`parse_yuan`].
pub fn parse_area_m2(text: &str) -> Result<AreaCentiM2, AmountError> {
    parse_hundredths(text, &[], &["㎡", "m²", "m2", "平方米", "平米"])
}

/// A decimal with at most two decimals, as a count of hundredths within 0 ..= 2^53 − 1.
fn parse_hundredths(text: &str, prefixes: &[&str], suffixes: &[&str]) -> Result<i64, AmountError> {
    let normal = normal(text);
    let mut s = normal.as_str();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    let mut negative = false;
    let mut strip_minus = |s: &mut &str| {
        if let Some(rest) = s.strip_prefix('-') {
            negative = true;
            *s = rest.trim_start();
        }
    };
    strip_minus(&mut s);
    if let Some(rest) = prefixes.iter().find_map(|p| s.strip_prefix(p)) {
        s = rest.trim_start();
    }
    strip_minus(&mut s);
    if let Some(rest) = suffixes.iter().find_map(|p| s.strip_suffix(p)) {
        s = rest.trim_end();
    }
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    if !grouped_digits(int)
        || frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(AmountError::NotANumber);
    }
    let frac = frac.unwrap_or("");
    if frac.len() > 2 {
        return Err(AmountError::TooManyDecimals);
    }
    if negative {
        return Err(AmountError::Negative);
    }
    let digits: String = int.chars().filter(|c| *c != ',').collect();
    let digits = digits.trim_start_matches('0');
    // 2^53 − 1 hundredths has 14 digits before the point: more digits cannot be in range.
    if digits.len() > 14 {
        return Err(AmountError::TooLarge);
    }
    let whole: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| AmountError::NotANumber)?
    };
    let cents: i64 = format!("{frac:0<2}")
        .parse()
        .map_err(|_| AmountError::NotANumber)?;
    let value = whole
        .checked_mul(100)
        .and_then(|v| v.checked_add(cents))
        .ok_or(AmountError::TooLarge)?;
    if value > FEN_MAX {
        return Err(AmountError::TooLarge);
    }
    Ok(value)
}

/// Whether `s` is digits, optionally grouped in thousands by commas (`1,200,000`).
fn grouped_digits(s: &str) -> bool {
    let mut groups = s.split(',');
    let first = groups.next().unwrap_or("");
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !s.contains(',') {
        return digits(first);
    }
    digits(first) && first.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g))
}

/// `text` trimmed, its full-width digits and punctuation in ASCII.
pub(crate) fn normal(text: &str) -> String {
    text.trim().chars().map(half_width).collect()
}

/// Full-width digits and punctuation, as a Chinese input method types them, in ASCII.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '．' => '.',
        '，' => ',',
        '－' | '−' => '-',
        '：' => ':',
        _ => c,
    }
}

/// An amount in yuan, as [`parse_yuan`] reads it.
pub fn yuan(text: &str) -> Result<Fen, ValueError> {
    parse_yuan(text).map_err(|e| ValueError::new(text, Problem::Yuan(e)))
}

/// An area in ㎡, as [`parse_area_m2`] reads it.
pub fn area(text: &str) -> Result<AreaCentiM2, ValueError> {
    parse_area_m2(text).map_err(|e| ValueError::new(text, Problem::Area(e)))
}

/// A number of owners: digits, optionally grouped in thousands (`1,200`).
pub fn count(text: &str) -> Result<u32, ValueError> {
    let normal = normal(text);
    let digits = grouped_digits(&normal).then(|| normal.replace(',', ""));
    digits
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| ValueError::new(text, Problem::NotACount))
}

/// An entry's number (its sequence number in the log): digits.
pub fn entry_number(text: &str) -> Result<u64, ValueError> {
    let normal = normal(text);
    let digits = normal.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| normal.parse().ok())
        .flatten()
        .ok_or_else(|| ValueError::new(text, Problem::NotAnEntryNumber))
}

/// A calendar year of four digits from 2000 (`2026`, `2026年`).
pub fn year(text: &str) -> Result<u16, ValueError> {
    let normal = normal(text);
    let normal = normal.strip_suffix('年').unwrap_or(&normal);
    normal
        .parse::<u16>()
        .ok()
        .filter(|y| normal.len() == 4 && (2000..=9999).contains(y))
        .ok_or_else(|| ValueError::new(text, Problem::NotAYear))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_yuan_reads_amounts_as_people_write_them() {
        let good: &[(&str, i64)] = &[
            ("360", 36_000),
            ("360.5", 36_050),
            ("360.50", 36_050),
            ("1,200.00", 120_000),
            ("¥360.00", 36_000),
            ("￥360.00", 36_000),
            ("360元", 36_000),
            ("¥ 360 元", 36_000),
            (" 42.62 ", 4_262),
            ("0", 0),
            ("0.00", 0),
            ("0.01", 1),
            ("007", 700),
            ("1,234,567.89", 123_456_789),
            ("３６０．５０", 36_050),
            ("1，200", 120_000),
            ("90071992547409.91", FEN_MAX),
            ("90,071,992,547,409.91", FEN_MAX),
        ];
        for (text, fen) in good {
            assert_eq!(parse_yuan(text), Ok(Fen::new(*fen).unwrap()), "{text:?}");
        }
    }

    #[test]
    fn parse_yuan_refuses_each_kind_of_mistake_with_its_own_error() {
        use AmountError as E;
        let bad: &[(&str, AmountError)] = &[
            ("", E::Empty),
            ("   ", E::Empty),
            ("360.505", E::TooManyDecimals),
            ("0.001", E::TooManyDecimals),
            ("36O.00", E::NotANumber),
            ("abc", E::NotANumber),
            ("360.", E::NotANumber),
            (".5", E::NotANumber),
            ("1.2.3", E::NotANumber),
            ("1e5", E::NotANumber),
            ("NaN", E::NotANumber),
            ("inf", E::NotANumber),
            ("+360", E::NotANumber),
            ("360 00", E::NotANumber),
            ("1,20.00", E::NotANumber),
            ("1,2000", E::NotANumber),
            ("1234,000", E::NotANumber),
            (",100", E::NotANumber),
            ("¥", E::NotANumber),
            ("元", E::NotANumber),
            ("360㎡", E::NotANumber),
            ("-360", E::Negative),
            ("−360.00", E::Negative),
            ("－360", E::Negative),
            ("¥-5", E::Negative),
            ("-¥5", E::Negative),
            ("-0", E::Negative),
            ("90071992547409.92", E::TooLarge),
            ("90071992547410", E::TooLarge),
            ("99999999999999999999999", E::TooLarge),
        ];
        for (text, error) in bad {
            assert_eq!(parse_yuan(text), Err(*error), "{text:?}");
        }
        // Leading zeros never make an amount too large.
        assert_eq!(
            parse_yuan("000000000000000000000000001"),
            Ok(Fen::new(100).unwrap())
        );
    }

    #[test]
    fn areas_are_hundredths_of_a_square_metre_by_integer_arithmetic() {
        assert_eq!(parse_area_m2("85.23"), Ok(8_523));
        assert_eq!(parse_area_m2("85.23㎡"), Ok(8_523));
        assert_eq!(parse_area_m2("85.2 平方米"), Ok(8_520));
        assert_eq!(parse_area_m2("102.5m2"), Ok(10_250));
        assert_eq!(parse_area_m2("120"), Ok(12_000));
        // 0.29 is not exactly representable in binary: a float would give 28.
        assert_eq!(parse_area_m2("0.29"), Ok(29));
        assert_eq!(parse_area_m2("85.235"), Err(AmountError::TooManyDecimals));
        assert_eq!(parse_area_m2("¥85"), Err(AmountError::NotANumber));
        assert_eq!(
            area("85,23"),
            Err(ValueError::new(
                "85,23",
                Problem::Area(AmountError::NotANumber)
            ))
        );
        assert_eq!(
            yuan("36O.00"),
            Err(ValueError::new(
                "36O.00",
                Problem::Yuan(AmountError::NotANumber)
            ))
        );
    }

    #[test]
    fn counts_seqs_and_years() {
        assert_eq!(count("1,200"), Ok(1_200));
        assert_eq!(count("-1"), Err(ValueError::new("-1", Problem::NotACount)));
        assert!(count("12.5").is_err());
        assert!(count("4294967296").is_err());
        assert_eq!(entry_number("15"), Ok(15));
        assert_eq!(
            entry_number("+15"),
            Err(ValueError::new("+15", Problem::NotAnEntryNumber))
        );
        assert_eq!(year("2026年"), Ok(2026));
        assert_eq!(year("26"), Err(ValueError::new("26", Problem::NotAYear)));
    }
}
