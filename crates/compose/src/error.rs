//! Why a person's words could not become a value: one variant per mistake, carrying what was
//! written. The words that explain each one, in Chinese and English, are in [`crate::explain`].

use crate::amount::AmountError;
use crate::choices::Choice;
use crate::names::Category;
use gongzhang_core::ledger::types::Period;

/// Text that is not the value asked for: the text as written, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// The text as written (for a list of texts, the one that is wrong).
    pub text: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl ValueError {
    /// `problem` with `text`.
    pub fn new(text: &str, problem: Problem) -> ValueError {
        ValueError {
            text: text.to_string(),
            problem,
        }
    }
}

/// What is wrong with a text: one variant per mistake, carrying the part that is wrong where the
/// text has several parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not an amount of yuan.
    Yuan(AmountError),
    /// Not an area in ㎡.
    Area(AmountError),
    /// None of the words of a choice table.
    NotAChoice(Choice),
    /// Not a unit number `building-entrance-room`.
    NotAUnit,
    /// Not one of the category's names nor a lowercase name.
    NotACategory(Category),
    /// Not a lowercase name (a slug).
    NotAName,
    /// Not a fund: a standing fund's name or `project:<name>`.
    NotAFund,
    /// Nothing but spaces, where a text is needed.
    EmptyText,
    /// More than 200 characters.
    TextTooLong,
    /// A line break or another control character.
    TextNotOneLine,
    /// Not an event id.
    NotAnEventId,
    /// Not a key: neither a verifier key string nor 64 hexadecimal digits.
    NotAKey,
    /// Not a month `year-month`.
    NotAMonth,
    /// A part of a list of months that is neither a month nor a range of months.
    NotAMonthInList {
        /// The part, trimmed.
        part: String,
    },
    /// A range of months whose first month is after its last.
    MonthsReversed {
        /// The first month written.
        from: Period,
        /// The last month written.
        to: Period,
    },
    /// More than [`crate::PERIODS_MAX`] months.
    TooManyMonths,
    /// Neither a month nor a calendar quarter `2025-Q1`.
    NotAMonthOrQuarter,
    /// Not a whole number of owners.
    NotACount,
    /// Not an entry number.
    NotAnEntryNumber,
    /// Not a year of four digits from 2000.
    NotAYear,
    /// A fee item not of the form `item:name:basis:rate`.
    FeeItemShape,
    /// A fee item whose item is not a lowercase name.
    FeeItemSlug {
        /// The item as written.
        item: String,
    },
    /// A fee item whose name is empty or too long.
    FeeItemName {
        /// The name as written.
        name: String,
    },
    /// A fee item whose basis is neither per ㎡ nor per household.
    FeeItemBasis {
        /// The basis as written.
        basis: String,
    },
    /// A fee item whose rate is not an amount of yuan.
    FeeItemRate {
        /// The rate as written.
        rate: String,
        /// What is wrong with it.
        error: AmountError,
    },
    /// A budget line not of the form `fund:category:amount`.
    BudgetLineShape,
    /// A budget line whose fund is not a fund.
    BudgetLineFund {
        /// The fund as written.
        fund: String,
    },
    /// A budget line whose category is not a category.
    BudgetLineCategory {
        /// The category as written.
        category: String,
    },
    /// A budget line whose amount is not an amount of yuan.
    BudgetLineAmount {
        /// The amount as written.
        amount: String,
        /// What is wrong with it.
        error: AmountError,
    },
}
