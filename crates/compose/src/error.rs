//! Why a person's words could not become a value ([`ValueError`]), or an intent an event
//! ([`ComposeError`]): one variant per mistake, carrying what was written. The words that explain each one, in Chinese and English, are in [`crate::explain`].

use crate::amount::AmountError;
use crate::choices::Choice;
use crate::names::Category;
use gongzhang_core::ledger::Violation;
use gongzhang_core::ledger::events::Outcome;
use gongzhang_core::ledger::types::{FundId, InvoiceKind, Label, Period, Slug, Unit};

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

/// Why an intent cannot become an event: what the person wrote contradicts itself or the books.
/// One variant per cause, carrying the values involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    /// A grant into a standing fund: a grant opens a restricted fund `project:<name>`.
    GrantToStandingFund {
        /// The fund named.
        fund: FundId,
    },
    /// A transfer from a fund to itself.
    TransferToSameFund {
        /// The fund named twice.
        fund: FundId,
    },
    /// A fee schedule that lists an item twice.
    DuplicateFeeItem {
        /// The position of the second listing among the items.
        index: usize,
        /// The item.
        item: Slug,
    },
    /// A budget that lists a fund's category twice.
    DuplicateBudgetLine {
        /// The position of the second line among the lines.
        index: usize,
        /// The fund.
        fund: FundId,
        /// The category.
        category: Slug,
    },
    /// A project named for spending from a standing fund: only restricted funds have projects.
    ProjectOfStandingFund {
        /// The standing fund.
        fund: FundId,
        /// The project named.
        project: Slug,
    },
    /// A project other than the restricted fund's own.
    ProjectDiffers {
        /// The restricted fund.
        fund: FundId,
        /// The project named.
        project: Slug,
    },
    /// Spending from the maintenance fund without the owners' decision that allows it.
    MaintenanceWithoutDecision,
    /// A document number given where the invoice kind is none.
    NumberWithoutInvoice {
        /// The number given.
        number: Label,
    },
    /// A scanned document given where the invoice kind is none.
    FileWithoutInvoice,
    /// A fapiao or receipt without its number.
    InvoiceNumberMissing {
        /// The kind of document.
        kind: InvoiceKind,
    },
    /// A fapiao or receipt without its scan.
    InvoiceFileMissing {
        /// The kind of document.
        kind: InvoiceKind,
    },
    /// Vote totals that cannot be, as the rule book's `decide` finds them.
    VoteTotals(Violation),
    /// An announced outcome other than the one the totals give by Civil Code art. 278.
    OutcomeDiffers {
        /// The outcome announced.
        stated: Outcome,
        /// The outcome the totals give.
        computed: Outcome,
    },
    /// No household is registered, so the owners' total area cannot be summed.
    NoHouseholds,
    /// The registered households' areas sum beyond what an area can be.
    RegisteredAreaTooLarge {
        /// The sum, in hundredths of a ㎡.
        total: i128,
    },
    /// A unit that is not registered.
    UnknownUnit {
        /// The unit.
        unit: Unit,
    },
    /// A payment demand for a unit that owes nothing.
    NotInArrears {
        /// The unit.
        unit: Unit,
    },
    /// No fee schedule is in force for the month, so nothing can be charged.
    NoFeeSchedule {
        /// The month.
        period: Period,
    },
    /// Every household is already charged for the month.
    NothingDue {
        /// The month.
        period: Period,
    },
    /// A close the rule book refuses now ([`Ledger::check_close_range`]).
    ///
    /// [`Ledger::check_close_range`]: gongzhang_core::ledger::Ledger::check_close_range
    Close {
        /// The rule it breaks.
        violation: Violation,
        /// The last month closed, if any: what the next close follows.
        last_closed: Option<Period>,
    },
    /// An audit of the latest entry of a ledger that has none.
    EmptyLedger,
}
