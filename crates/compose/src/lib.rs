//! From a person's intent to a ledger event, for every writer of the ledger: the command line
//! now, the console and the import next.
//!
//! People write amounts, areas, units and months in many ways (`1,200.00`, `¥360`, `３６０．５０`,
//! `85.23㎡`, `2025-Q1`); this crate reads them into the typed values of
//! `gongzhang_core::ledger`, with one error variant per mistake. It does no I/O and reads no
//! clock: callers hand it text and the ledger's state.
//!
//! - [`amount`]: amounts in yuan and areas in ㎡ as integer hundredths.
//! - [`periods`]: months and calendar quarters.

use gongzhang_core::entry::ENTRY_BYTES_MAX;

pub mod amount;
pub mod periods;

pub use amount::{AmountError, parse_area_m2, parse_yuan};

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
