//! Names: units, funds, categories, free text, event ids and keys, as people write them.

use crate::amount::normal;
use crate::error::{Problem, ValueError};
use gongzhang_core::entry::valid_event_id;
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::events::{EventRef, KeyHex};
use gongzhang_core::ledger::types::{FundId, Label, Slug, Unit};
use gongzhang_core::note::VerifierKey;

/// Slugs with the Chinese names people use for them: `(slug, names)`.
pub type Aliases = &'static [(&'static str, &'static [&'static str])];

/// Spending categories people name in Chinese, with their slugs.
pub const SPENDING_CATEGORIES: Aliases = &[
    ("cleaning", &["保洁", "清洁"]),
    ("garbage_removal", &["垃圾清运"]),
    ("greenery", &["绿化"]),
    ("drainage", &["排水", "管道疏通", "疏通"]),
    ("repairs", &["维修"]),
    ("lighting", &["照明"]),
    ("security", &["保安", "门卫"]),
    ("renovation", &["改造"]),
    ("supervision", &["监理"]),
];

/// Income categories people name in Chinese, with their slugs.
pub const INCOME_CATEGORIES: Aliases = &[
    ("advertising", &["广告"]),
    ("space_rental", &["场地出租", "场地租金", "租金"]),
    ("interest", &["利息"]),
    ("parking", &["停车", "停车费"]),
];

/// Fee items people name in Chinese, with their slugs.
pub const FEE_ITEMS: Aliases = &[
    ("property_fee", &["物业费"]),
    ("garbage_fee", &["垃圾清运费"]),
];

/// Standing funds by the names people use for them (compared in lowercase).
pub const FUNDS: Aliases = &[
    ("operating", &["operating", "物业费资金", "物业费"]),
    ("public_revenue", &["public_revenue", "公共收益"]),
    ("maintenance", &["maintenance", "维修资金"]),
];

/// A table of categories with Chinese names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// What money is spent on ([`SPENDING_CATEGORIES`]).
    Spending,
    /// Where other income comes from ([`INCOME_CATEGORIES`]).
    Income,
    /// The items of a fee schedule ([`FEE_ITEMS`]).
    FeeItem,
}

impl Category {
    /// The category's slugs and their Chinese names.
    pub fn aliases(self) -> Aliases {
        match self {
            Category::Spending => SPENDING_CATEGORIES,
            Category::Income => INCOME_CATEGORIES,
            Category::FeeItem => FEE_ITEMS,
        }
    }
}

/// A unit number `3-2-401`: building letters in capitals (`a-1-101` is `A-1-101`), a full-width
/// hyphen read as a hyphen.
pub fn unit(text: &str) -> Result<Unit, ValueError> {
    let normal = normal(text).to_ascii_uppercase();
    Unit::try_from(normal).map_err(|_| ValueError::new(text, Problem::NotAUnit))
}

/// A category: one of its Chinese names, or a lowercase name.
pub fn category(category: Category, text: &str) -> Result<Slug, ValueError> {
    slug(text, category.aliases())
        .ok_or_else(|| ValueError::new(text, Problem::NotACategory(category)))
}

/// A lowercase name (a slug), e.g. a project's `meter-2026`.
pub fn name(text: &str) -> Result<Slug, ValueError> {
    slug(text, &[]).ok_or_else(|| ValueError::new(text, Problem::NotAName))
}

/// A slug, or the Chinese name of one of `known`.
fn slug(text: &str, known: Aliases) -> Option<Slug> {
    let word = text.trim();
    let slug = known
        .iter()
        .find(|(_, names)| names.contains(&word))
        .map_or_else(|| word.to_ascii_lowercase(), |(slug, _)| slug.to_string());
    Slug::try_from(slug).ok()
}

/// A fund: a standing fund by one of its names, or `project:<name>` (`：` read as `:`).
pub fn fund(text: &str) -> Result<FundId, ValueError> {
    let normal = normal(text);
    let fund = FUNDS
        .iter()
        .find(|(_, names)| names.contains(&normal.to_lowercase().as_str()))
        .map_or(normal, |(fund, _)| fund.to_string());
    FundId::try_from(fund).map_err(|_| ValueError::new(text, Problem::NotAFund))
}

/// Free text for people (a payee, a reason): trimmed, 1 to 200 characters on one line.
pub fn label(text: &str) -> Result<Label, ValueError> {
    let trimmed = text.trim();
    Label::try_from(trimmed).map_err(|_| {
        let problem = if trimmed.is_empty() {
            Problem::EmptyText
        } else if trimmed.chars().count() > 200 {
            Problem::TextTooLong
        } else {
            Problem::TextNotOneLine
        };
        ValueError::new(text, problem)
    })
}

/// An event id as a receipt shows it.
pub fn event_ref(text: &str) -> Result<EventRef, ValueError> {
    let id = text.trim();
    if valid_event_id(id) {
        Ok(id.to_string())
    } else {
        Err(ValueError::new(text, Problem::NotAnEventId))
    }
}

/// A key as `gongzhang keygen` shows it (`name+keyid+base64`) or as 64 hexadecimal digits.
pub fn key(text: &str) -> Result<KeyHex, ValueError> {
    let t = text.trim();
    let from_hex = || PublicKey::from_hex(&t.to_ascii_lowercase());
    let from_verifier = || {
        VerifierKey::parse(t)
            .ok()
            .map(|k| PublicKey(k.public_key_bytes()))
    };
    from_hex()
        .or_else(from_verifier)
        .map(KeyHex)
        .ok_or_else(|| ValueError::new(text, Problem::NotAKey))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_funds_units_and_keys() {
        assert_eq!(unit(" a-1-101 ").unwrap().as_str(), "A-1-101");
        assert_eq!(
            unit("3栋2单元401"),
            Err(ValueError::new("3栋2单元401", Problem::NotAUnit))
        );
        assert_eq!(fund("公共收益").unwrap().as_str(), "public_revenue");
        assert_eq!(
            fund("project：meter-2026").unwrap().as_str(),
            "project:meter-2026"
        );
        assert!(fund("project:Meter").is_err());
        assert_eq!(
            category(Category::Spending, "保洁").unwrap().as_str(),
            "cleaning"
        );
        assert_eq!(
            category(Category::Spending, "Repairs").unwrap().as_str(),
            "repairs"
        );
        assert_eq!(
            category(Category::Income, "广 告"),
            Err(ValueError::new(
                "广 告",
                Problem::NotACategory(Category::Income)
            ))
        );
        assert_eq!(
            name("Meter 2026"),
            Err(ValueError::new("Meter 2026", Problem::NotAName))
        );
        let signer = gongzhang_core::note::SignerKey::from_seed("zhang-wei", [7; 32]).unwrap();
        let public = signer.author_signer().public_key();
        let by_verifier = key(&signer.verifier().to_string()).unwrap();
        let by_hex = key(&public.to_hex().to_uppercase()).unwrap();
        assert_eq!((by_verifier.0, by_hex.0), (public, public));
        assert_eq!(
            key("zhang-wei"),
            Err(ValueError::new("zhang-wei", Problem::NotAKey))
        );
        assert_eq!(label(" ").unwrap_err().problem, Problem::EmptyText);
        assert_eq!(
            label(&"长".repeat(201)).unwrap_err().problem,
            Problem::TextTooLong
        );
        assert_eq!(
            label("明亮\n保洁").unwrap_err().problem,
            Problem::TextNotOneLine
        );
        assert_eq!(
            event_ref("支出 1").unwrap_err().problem,
            Problem::NotAnEventId
        );
        assert_eq!(event_ref(" e-1 ").unwrap(), "e-1");
    }
}
