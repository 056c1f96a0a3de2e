//! Lines of several fields separated by `:` (or `：`): a fee schedule's items and a budget's lines.

use crate::amount::parse_yuan;
use crate::choices::FEE_BASES;
use crate::error::{Problem, ValueError};
use crate::names::{self, Category};
use gongzhang_core::ledger::events::{BudgetLine, FeeItem};
use gongzhang_core::ledger::types::Label;

/// Splits the last `k` fields, separated by `:` (or `：`), off `text`: what comes before them
/// (which may hold separators of its own: a fund `project:<name>`, an item and its name) and the
/// `k` fields.
fn split_tail(text: &str, k: usize) -> Option<(&str, Vec<&str>)> {
    let mut rest = text;
    let mut tail = Vec::with_capacity(k);
    for _ in 0..k {
        let (i, c) = rest
            .char_indices()
            .rfind(|(_, c)| matches!(c, ':' | '：'))?;
        tail.push(&rest[i + c.len_utf8()..]);
        rest = &rest[..i];
    }
    tail.reverse();
    Some((rest, tail))
}

/// Splits `text` at its first `:` (or `：`).
fn split_first(text: &str) -> Option<(&str, &str)> {
    let (i, c) = text.char_indices().find(|(_, c)| matches!(c, ':' | '：'))?;
    Some((&text[..i], &text[i + c.len_utf8()..]))
}

/// A fee item `item:name:basis:rate`, e.g. `property_fee:物业费:per_m2:0.50` (yuan per ㎡ per
/// month) or `garbage_fee:垃圾清运费:per_household:10.00`. The name may hold a colon of its own.
pub fn fee_item(text: &str) -> Result<FeeItem, ValueError> {
    let error = |problem| ValueError::new(text, problem);
    let (head, last) = split_tail(text.trim(), 2).ok_or_else(|| error(Problem::FeeItemShape))?;
    // The name is everything between the item and the basis (it may hold a colon).
    let (item_text, name_text) = split_first(head).ok_or_else(|| error(Problem::FeeItemShape))?;
    let (basis_text, rate_text) = (last[0], last[1]);
    let item = names::category(Category::FeeItem, item_text).map_err(|_| {
        error(Problem::FeeItemSlug {
            item: item_text.to_string(),
        })
    })?;
    let name = Label::try_from(name_text.trim()).map_err(|_| {
        error(Problem::FeeItemName {
            name: name_text.to_string(),
        })
    })?;
    let basis = FEE_BASES.find(basis_text).ok_or_else(|| {
        error(Problem::FeeItemBasis {
            basis: basis_text.to_string(),
        })
    })?;
    let rate_fen = parse_yuan(rate_text).map_err(|e| {
        error(Problem::FeeItemRate {
            rate: rate_text.to_string(),
            error: e,
        })
    })?;
    Ok(FeeItem {
        item,
        name,
        basis,
        rate_fen,
    })
}

/// A budget line `fund:category:amount`, e.g. `operating:cleaning:114,000.00` or
/// `project:meter-2026:renovation:300000`.
pub fn budget_line(text: &str) -> Result<BudgetLine, ValueError> {
    let error = |problem| ValueError::new(text, problem);
    let (fund_text, last) =
        split_tail(text.trim(), 2).ok_or_else(|| error(Problem::BudgetLineShape))?;
    let fund = names::fund(fund_text).map_err(|_| {
        error(Problem::BudgetLineFund {
            fund: fund_text.to_string(),
        })
    })?;
    let (category_text, amount_text) = (last[0], last[1]);
    let category = names::category(Category::Spending, category_text).map_err(|_| {
        error(Problem::BudgetLineCategory {
            category: category_text.to_string(),
        })
    })?;
    let amount_fen = parse_yuan(amount_text).map_err(|e| {
        error(Problem::BudgetLineAmount {
            amount: amount_text.to_string(),
            error: e,
        })
    })?;
    Ok(BudgetLine {
        fund,
        category,
        amount_fen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::AmountError;
    use gongzhang_core::ledger::types::FeeBasis;

    #[test]
    fn fee_items_read_item_name_basis_and_rate() {
        let item = fee_item("property_fee:物业费:per_m2:0.50").unwrap();
        assert_eq!(
            (
                item.item.as_str(),
                item.name.as_str(),
                item.basis,
                item.rate_fen.get()
            ),
            ("property_fee", "物业费", FeeBasis::PerM2, 50)
        );
        let item = fee_item("垃圾清运费：垃圾清运费：每户：10").unwrap();
        assert_eq!(
            (item.item.as_str(), item.basis, item.rate_fen.get()),
            ("garbage_fee", FeeBasis::PerHousehold, 1_000)
        );
        // A name may hold a colon of its own.
        let item = fee_item("parking_fee:停车费:地面:per_household:60").unwrap();
        assert_eq!(item.name.as_str(), "停车费:地面");
        let problem = |text: &str| fee_item(text).unwrap_err().problem;
        assert_eq!(problem("property_fee:物业费:0.50"), Problem::FeeItemShape);
        assert_eq!(
            problem("property_fee:物业费:per_m2:0.505"),
            Problem::FeeItemRate {
                rate: "0.505".into(),
                error: AmountError::TooManyDecimals
            }
        );
        assert_eq!(
            problem("property_fee:物业费:monthly:0.50"),
            Problem::FeeItemBasis {
                basis: "monthly".into()
            }
        );
        assert_eq!(
            problem("property fee:物业费:per_m2:0.50"),
            Problem::FeeItemSlug {
                item: "property fee".into()
            }
        );
        assert_eq!(
            problem("property_fee::per_m2:0.50"),
            Problem::FeeItemName { name: "".into() }
        );
    }

    #[test]
    fn budget_lines_read_fund_category_and_amount() {
        let line = budget_line("operating:cleaning:114,000.00").unwrap();
        assert_eq!(
            (
                line.fund.as_str(),
                line.category.as_str(),
                line.amount_fen.get()
            ),
            ("operating", "cleaning", 11_400_000)
        );
        let line = budget_line("project:meter-2026:改造:300000").unwrap();
        assert_eq!(
            (line.fund.as_str(), line.category.as_str()),
            ("project:meter-2026", "renovation")
        );
        let problem = |text: &str| budget_line(text).unwrap_err().problem;
        assert_eq!(
            problem("operating:cleaning:-5"),
            Problem::BudgetLineAmount {
                amount: "-5".into(),
                error: AmountError::Negative
            }
        );
        assert_eq!(problem("cleaning:100"), Problem::BudgetLineShape);
        assert_eq!(
            problem("community:cleaning:100"),
            Problem::BudgetLineFund {
                fund: "community".into()
            }
        );
        assert_eq!(
            problem("operating:清扫:100"),
            Problem::BudgetLineCategory {
                category: "清扫".into()
            }
        );
    }
}
