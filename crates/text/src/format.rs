//! Figures and times as people read them. Money is integer fen all the way: the formatting below
//! divides by 100 in integers, so no page, report or message can show a figure a float rounded.
//! Times are UTC in the log and shown in Beijing time ([`gongzhang_core::entry::BEIJING`]).

use gongzhang_core::entry::RecordedAt;
use gongzhang_core::hash::Hash;
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::types::{AreaCentiM2, Fen, Period, yuan_plain};
use time::macros::format_description;

/// Yuan with two decimals and thousands separators, from integer fen:
/// `123456` → `1,234.56`, `-5` → `-0.05`.
pub fn yuan(fen: i128) -> String {
    let plain = yuan_plain(fen);
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (digits, cents) = rest.split_once('.').unwrap_or((rest, "00"));
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(d);
    }
    format!("{sign}{grouped}.{cents}")
}

/// [`yuan`] of a ledger amount.
pub fn yuan_of(fen: Fen) -> String {
    yuan(i128::from(fen.get()))
}

/// An area in square metres with two decimals, from hundredths: `5678` → `56.78`.
pub fn area_m2(area: AreaCentiM2) -> String {
    yuan_plain(i128::from(area))
}

/// A log time in Beijing time to the minute: `2026-01-05 09:30`.
pub fn beijing(t: RecordedAt) -> String {
    t.in_beijing()
        .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap_or_default()
}

/// A log time's date in Beijing time: `2026-01-05`.
pub fn beijing_date(t: RecordedAt) -> String {
    t.beijing_date()
}

/// A log time in Beijing time as ISO 8601 with its offset, for `<time datetime>`:
/// `2026-01-05T09:30:00+08:00`.
pub fn beijing_iso(t: RecordedAt) -> String {
    t.in_beijing()
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
        ))
        .unwrap_or_default()
}

/// A log time in Beijing time, in words, to the second: `北京时间 2026年1月5日 16:00:00`
/// (milliseconds only when not zero) — what a message names an entry's time by.
pub fn beijing_zh(t: RecordedAt) -> String {
    let b = t.in_beijing();
    let ms = b.millisecond();
    let fraction = if ms == 0 {
        String::new()
    } else {
        format!(".{ms:03}")
    };
    format!(
        "北京时间 {}年{}月{}日 {:02}:{:02}:{:02}{fraction}",
        b.year(),
        u8::from(b.month()),
        b.day(),
        b.hour(),
        b.minute(),
        b.second()
    )
}

/// `2026年1月`.
pub fn month_zh(p: Period) -> String {
    format!("{}年{}月", p.year(), p.month())
}

/// `密钥 3ae63f54…`: a key by its first eight hexadecimal digits.
pub fn key_zh(k: &PublicKey) -> String {
    format!("密钥 {}", short_hex(&k.to_hex()))
}

/// A hash by its first eight hexadecimal digits: `3ae63f54…`.
pub fn hash_short(h: &Hash) -> String {
    short_hex(&h.to_hex())
}

fn short_hex(hex: &str) -> String {
    format!("{}…", hex.get(..8).unwrap_or(hex))
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
        assert_eq!(beijing_zh(t), "北京时间 2026年1月1日 00:30:00");
        let t = RecordedAt::parse("2026-01-05T08:00:00.250Z").unwrap_or_else(|| unreachable!());
        assert_eq!(beijing_zh(t), "北京时间 2026年1月5日 16:00:00.250");
        assert_eq!(month_zh(Period::of_time(t)), "2026年1月");
    }
}
