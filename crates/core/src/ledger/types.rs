//! The small value types of the ledger: money, areas, periods, units, funds, categories.
//! Each parses strictly from its JSON form and refuses what it cannot mean.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest amount of money the ledger carries, in fen: 2^53 − 1, so that canonical JSON
/// (and every JSON reader) keeps it exact.
pub const FEN_MAX: i64 = (1 << 53) - 1;

/// An amount of money in fen (分, 0.01 yuan). Arithmetic is checked: an overflow is an error,
/// never a wrap.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Fen(i64);

/// An amount outside ±(2^53 − 1) fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("amount {0} fen is outside ±(2^53−1)")]
pub struct FenOutOfRange(pub i128);

impl Fen {
    /// Zero.
    pub const ZERO: Fen = Fen(0);

    /// The amount `fen`, if within range.
    pub fn new(fen: i64) -> Result<Fen, FenOutOfRange> {
        if fen.unsigned_abs() > FEN_MAX as u64 {
            Err(FenOutOfRange(i128::from(fen)))
        } else {
            Ok(Fen(fen))
        }
    }
    /// The amount in fen.
    pub fn get(self) -> i64 {
        self.0
    }
    /// `self + other`, if within range.
    pub fn checked_add(self, other: Fen) -> Result<Fen, FenOutOfRange> {
        let sum = i128::from(self.0) + i128::from(other.0);
        i64::try_from(sum)
            .map_err(|_| FenOutOfRange(sum))
            .and_then(Fen::new)
    }
    /// `self − other`, if within range.
    pub fn checked_sub(self, other: Fen) -> Result<Fen, FenOutOfRange> {
        let diff = i128::from(self.0) - i128::from(other.0);
        i64::try_from(diff)
            .map_err(|_| FenOutOfRange(diff))
            .and_then(Fen::new)
    }
    /// Whether the amount is above zero.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl std::ops::Neg for Fen {
    type Output = Fen;
    /// −self: always in range, the range being symmetric.
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl TryFrom<i64> for Fen {
    type Error = FenOutOfRange;
    fn try_from(v: i64) -> Result<Fen, FenOutOfRange> {
        Fen::new(v)
    }
}

impl From<Fen> for i64 {
    fn from(f: Fen) -> i64 {
        f.0
    }
}

impl fmt::Display for Fen {
    /// Yuan with two decimals: `-1234` → `-12.34`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&yuan_plain(i128::from(self.0)))
    }
}

/// Yuan with two decimals from integer fen, of any sum (a total of many [`Fen`] may pass the
/// range of one): `-1234` → `-12.34`. Integer division only, so no figure is ever a float's
/// rounding. The form the journals, the CSV and the messages write.
pub fn yuan_plain(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A calendar month, `YYYY-MM`: the period fees are charged for and statements cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: u16,
    month: u8,
}

/// Text that is not a `YYYY-MM` month between 2000-01 and 9999-12.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a month written YYYY-MM")]
pub struct PeriodParseError(pub String);

impl Period {
    /// The month `year`-`month`, if valid (years 2000 to 9999).
    pub fn new(year: u16, month: u8) -> Option<Period> {
        ((2000..=9999).contains(&year) && (1..=12).contains(&month))
            .then_some(Period { year, month })
    }
    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The month after this one.
    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
    /// Months from `self` to `later` (0 if the same month, negative if `later` is earlier).
    pub fn months_until(self, later: Period) -> i32 {
        (i32::from(later.year) - i32::from(self.year)) * 12 + i32::from(later.month)
            - i32::from(self.month)
    }
    /// The month of a log time, in Beijing time (UTC+8, Asia/Shanghai has no daylight saving).
    pub fn of_time(t: crate::entry::RecordedAt) -> Period {
        let beijing = t.in_beijing();
        let year = u16::try_from(beijing.year()).unwrap_or(9999);
        Period {
            year,
            month: u8::from(beijing.month()),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodParseError;
    fn try_from(text: String) -> Result<Period, PeriodParseError> {
        let bad = || PeriodParseError(text.clone());
        let b = text.as_bytes();
        if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let year: u16 = text[..4].parse().map_err(|_| bad())?;
        let month: u8 = text[5..].parse().map_err(|_| bad())?;
        Period::new(year, month).ok_or_else(bad)
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A range of months, both ends included: a month (`from` = `to`) or a quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodRange {
    /// First month.
    pub from: Period,
    /// Last month.
    pub to: Period,
}

impl PeriodRange {
    /// Whether `p` is inside the range.
    pub fn contains(&self, p: Period) -> bool {
        self.from <= p && p <= self.to
    }

    /// Reads a month (`2025-03`) or a quarter (`2025-Q1`, `2025-q1`), as people name the periods
    /// a statement covers.
    pub fn parse(text: &str) -> Result<PeriodRange, PeriodParseError> {
        let bad = || PeriodParseError(text.to_string());
        let b = text.as_bytes();
        if b.len() == 7 && (b[5] == b'Q' || b[5] == b'q') && b[4] == b'-' {
            let year: u16 = text[..4].parse().map_err(|_| bad())?;
            let quarter = match b[6] {
                q @ b'1'..=b'4' => q - b'0',
                _ => return Err(bad()),
            };
            let from = Period::new(year, quarter * 3 - 2).ok_or_else(bad)?;
            let to = Period::new(year, quarter * 3).ok_or_else(bad)?;
            return Ok(PeriodRange { from, to });
        }
        let month = Period::try_from(text.to_string()).map_err(|_| bad())?;
        Ok(PeriodRange {
            from: month,
            to: month,
        })
    }
}

impl fmt::Display for PeriodRange {
    /// `2025-03` for a month, `2025-Q1` for a calendar quarter, `2025-01..2025-05` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            return write!(f, "{}", self.from);
        }
        let m = self.from.month();
        if self.from.year() == self.to.year() && m % 3 == 1 && self.to.month() == m + 2 {
            return write!(f, "{:04}-Q{}", self.from.year(), m / 3 + 1);
        }
        write!(f, "{}..{}", self.from, self.to)
    }
}

macro_rules! validated_string {
    ($(#[$doc:meta])* $name:ident, $check:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(text: String) -> Result<$name, String> {
                let check: fn(&str) -> bool = $check;
                if check(&text) { Ok($name(text)) } else { Err(format!("{:?} is not {}", text, $what)) }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = String;
            fn try_from(text: &str) -> Result<$name, String> {
                $name::try_from(text.to_string())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn is_unit(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && (1..=4).contains(&parts[0].len())
        && parts[0]
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        && (1..=2).contains(&parts[1].len())
        && parts[1].bytes().all(|b| b.is_ascii_digit())
        && (3..=4).contains(&parts[2].len())
        && parts[2].bytes().all(|b| b.is_ascii_digit())
}

fn is_slug(s: &str) -> bool {
    // Words of [a-z0-9-] joined by single `_`, each word starting with a letter: so that
    // `capitalize` (garbage_removal → GarbageRemoval) gives every slug its own account name.
    (1..=64).contains(&s.len())
        && s.split('_').all(|word| {
            word.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn is_fund(s: &str) -> bool {
    matches!(s, "operating" | "public_revenue" | "maintenance")
        || s.strip_prefix("project:").is_some_and(is_slug)
}

fn is_label(s: &str) -> bool {
    (1..=200).contains(&s.chars().count()) && !s.chars().any(char::is_control) && s.trim() == s
}

validated_string!(
    /// A household's unit number, building-entrance-room as Chinese notices write it: `3-2-401`
    /// (building 1–4 digits or capital letters, entrance 1–2 digits, room 3–4 digits).
    Unit, is_unit, "a unit number like 3-2-401"
);
validated_string!(
    /// A fund: `operating` (物业费 income and running costs), `public_revenue` (公共收益),
    /// `maintenance` (维修资金), or `project:<slug>`, a restricted fund for one government grant
    /// or renovation project.
    FundId, is_fund, "a fund: operating, public_revenue, maintenance or project:<slug>"
);
validated_string!(
    /// A machine name: words of lowercase letters, digits and `-`, each starting with a letter,
    /// joined by single `_`; at most 64 bytes: `greenery`, `garbage_removal`, `meter-2026`.
    Slug, is_slug, "a lowercase name like greenery, garbage_removal or meter-2026"
);
validated_string!(
    /// Free text for people (payee, description, reason): 1 to 200 characters, no control
    /// characters, no leading or trailing spaces.
    Label, is_label, "1 to 200 characters of text without control characters or surrounding spaces"
);

impl FundId {
    /// The operating fund.
    pub fn operating() -> FundId {
        FundId("operating".into())
    }
    /// The project of a restricted fund (`project:<slug>`), if it is one.
    pub fn project(&self) -> Option<&str> {
        self.0.strip_prefix("project:")
    }
    /// Whether this fund exists from the ledger's opening (the three standing funds).
    pub fn is_standing(&self) -> bool {
        self.project().is_none()
    }
    /// The fund's name in account names: `Operating`, `PublicRevenue`, `Maintenance`,
    /// `Project:Meter-2026` — ASCII, since beancount refuses other account names.
    pub fn account_segment(&self) -> String {
        match self.0.as_str() {
            "operating" => "Operating".into(),
            "public_revenue" => "PublicRevenue".into(),
            "maintenance" => "Maintenance".into(),
            other => format!(
                "Project:{}",
                capitalize(other.strip_prefix("project:").unwrap_or(other))
            ),
        }
    }
}

/// `greenery` → `Greenery`, `garbage_removal` → `GarbageRemoval`, `meter-2026` → `Meter-2026`.
pub fn capitalize(slug: &str) -> String {
    slug.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// How money moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 现金
    Cash,
    /// 微信支付
    WechatPay,
    /// 支付宝
    Alipay,
    /// 银行转账
    BankTransfer,
}

/// How a fee item is charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// Rate in fen per square metre of the unit's area per month.
    PerM2,
    /// Rate in fen per household per month.
    PerHousehold,
}

/// The kind of document that backs an expenditure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// 发票: a tax invoice.
    Fapiao,
    /// 收据: a receipt.
    Receipt,
    /// No document (small cash payments); the reason goes in the description.
    None,
}

/// Roles a key can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 业委会委员
    CommitteeMember,
    /// 出纳/财务
    Treasurer,
    /// 街道办审计
    Auditor,
}

/// What an owners' decision is about, which fixes the majority it needs (Civil Code art. 278).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matter {
    /// 筹集建筑物及其附属设施的维修资金 — three quarters.
    RaiseMaintenanceFund,
    /// 改建、重建建筑物及其附属设施 — three quarters.
    Rebuild,
    /// 改变共有部分的用途或者利用共有部分从事经营活动 — three quarters.
    ChangeCommonUse,
    /// 使用建筑物及其附属设施的维修资金 — more than half.
    UseMaintenanceFund,
    /// 制定和修改收费项目及标准 (fee schedules) — more than half.
    FeeSchedule,
    /// 选举业主委员会或者更换业主委员会成员 — more than half.
    ElectCommittee,
    /// Moving money between funds — more than half.
    FundTransfer,
    /// Adopting a budget — more than half.
    Budget,
    /// 其他重大事项 — more than half.
    Other,
}

impl Matter {
    /// Whether the matter needs three quarters of the participating area and owners (art. 278
    /// paragraph 2, items 6–8) rather than more than half.
    pub fn needs_three_quarters(self) -> bool {
        matches!(
            self,
            Matter::RaiseMaintenanceFund | Matter::Rebuild | Matter::ChangeCommonUse
        )
    }
}

/// Area in hundredths of a square metre.
pub type AreaCentiM2 = i64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ranges_read_and_write_months_and_quarters() {
        let m = |y, n| Period::new(y, n).expect("valid month");
        for (text, from, to, shown) in [
            ("2025-03", m(2025, 3), m(2025, 3), "2025-03"),
            ("2025-Q1", m(2025, 1), m(2025, 3), "2025-Q1"),
            ("2025-q4", m(2025, 10), m(2025, 12), "2025-Q4"),
        ] {
            let range = PeriodRange::parse(text).expect(text);
            assert_eq!((range.from, range.to), (from, to), "{text}");
            assert_eq!(range.to_string(), shown);
        }
        for bad in [
            "2025-Q5", "2025-Q0", "2025-13", "25-03", "2025-3", "", "2025-Qx",
        ] {
            assert_eq!(
                PeriodRange::parse(bad),
                Err(PeriodParseError(bad.to_string())),
                "{bad}"
            );
        }
        let odd = PeriodRange {
            from: m(2025, 2),
            to: m(2025, 4),
        };
        assert_eq!(odd.to_string(), "2025-02..2025-04");
    }
}
