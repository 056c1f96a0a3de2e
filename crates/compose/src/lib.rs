//! From a person's intent to a ledger event, for every writer of the ledger: the command line
//! now, the console and the import next.
//!
//! People write amounts, areas, units and months in many ways (`1,200.00`, `¥360`, `３６０．５０`,
//! `85.23㎡`, `2025-Q1`); this crate reads them into the typed values of
//! `gongzhang_core::ledger`, with one error variant per mistake. It does no I/O and reads no
//! clock: callers hand it text and the ledger's state.
//!
//! Every reader returns the value or a [`ValueError`]: the text and what is wrong with it
//! ([`Problem`], one variant per mistake). The library holds no wording but [`explain`], where
//! each error is explained in Chinese and English (`gongzhang_text::Explain`).
//!
//! - [`amount`]: amounts in yuan and areas in ㎡ as integer hundredths; counts, entry numbers,
//!   years.
//! - [`choices`]: channels, invoice kinds, roles, matters, outcomes and fee bases, with the
//!   Chinese and English words for each.
//! - [`names`]: units, funds, categories (with their Chinese names), free text, event ids, keys.
//! - [`periods`]: months, lists of months, and the month or calendar quarter a close covers.
//! - [`lines`]: a fee schedule's items and a budget's lines.
//! - [`file`](mod@file): a file an event names, checked from its bytes.
//! - [`intent`]: what a person means to record, turned into the event: a grant, a transfer, an
//!   expense and its payment with the invoice, a fee schedule, a budget, an owners' decision, and
//!   from the ledger's state a month's charges, a demand for a unit's arrears and a close with
//!   its statement ([`ComposeError`] when they cannot be).

use gongzhang_core::entry::ENTRY_BYTES_MAX;

pub mod amount;
pub mod choices;
pub mod error;
pub mod explain;
pub mod file;
pub mod intent;
pub mod lines;
pub mod names;
pub mod periods;

pub use amount::{AmountError, parse_area_m2, parse_yuan};
pub use error::{ComposeError, Problem, ValueError};
pub use file::{Attached, FileError};

/// The most months one payment may name (`--periods`): ten years.
pub const PERIODS_MAX: usize = 120;

/// The most charges one `charges` draft carries, so that the entry stays well inside
/// [`ENTRY_BYTES_MAX`]. A month of a large community takes several drafts: the ledger's due
/// charges shrink with each one applied, and `charges` says so when nothing is left.
pub const CHARGES_PER_DRAFT_MAX: usize = 200;

/// The longest slug and unit number (`types.rs`: slugs 1–64 bytes; units `XXXX-99-9999`).
const SLUG_BYTES_MAX: usize = 64;
const UNIT_BYTES_MAX: usize = 12;
/// The most bytes one charge takes in an entry's canonical JSON.
const CHARGE_BYTES_MAX: usize = r#"{"amount_fen":-9007199254740991,"item":"","unit":""},"#.len()
    + SLUG_BYTES_MAX
    + UNIT_BYTES_MAX;
// A full charges draft leaves at least half the entry for the envelope and 32 signatures.
const _: () = assert!(CHARGES_PER_DRAFT_MAX * CHARGE_BYTES_MAX <= ENTRY_BYTES_MAX / 2);

/// The largest file attached to an event: the store's limit
/// (`gongzhang_store::ATTACHMENT_BYTES_MAX`).
pub const ATTACHMENT_BYTES_MAX: usize = 20 * 1024 * 1024;
