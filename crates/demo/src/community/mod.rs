//! A realistic demo community, 幸福里小区 (Xingfuli), generated deterministically from a seed:
//! about 600 households in twelve walk-up buildings of the 1980s and 90s, two years of monthly
//! fees (2025-01 to 2026-12), payments with the habits real residents have, weekly and monthly
//! spending, public revenue, a government grant spent on a one-meter-per-household project, a
//! treasurer handover with key rotation, two reversals, payment demands, quarterly closes and a
//! street-office audit.
//!
//! The generator keeps its own [`Ledger`] and [`LogHead`] and applies every entry as it builds
//! it: if the demo ever broke a rule it would panic with the rule broken (a bug in the
//! generator, never in the demo's reader). Times are UTC, never decrease, and fall in Beijing
//! office hours on working days (weekends and public holidays are closed).
//!
//! The story, in Beijing time:
//!
//! - 2025-01: the ledger opens (5 committee members, K = 3, approval threshold 5,000 yuan,
//!   opening balances handed over); the households are registered building by building; the
//!   owners' decisions on the fee schedule (物业费 0.50 元/㎡/月, 垃圾清运费 10 元/户/月) and the
//!   2025 budget are recorded and adopted. Every month is charged on its first office day.
//! - 2025-02: two areas corrected. 2025-05: the owners decide the water meter project (matter
//!   `rebuild`, three quarters). 2025-06: the district's grant opens `project:meter-2025`; the
//!   contractor is paid in installments, each approved by three members; drainage dredging
//!   above the threshold is approved and paid; a mistyped cash payment is reversed and entered
//!   again. 2025-09: an expense payment recorded with the wrong invoice is reversed and entered
//!   again. 2025-11 and 2026-10: payment demands to the chronic debtors. 2025-12: the 2026
//!   budget.
//! - 2026-04: the treasurer hands over: the role goes to a new key, the old key is revoked.
//!   2026-05: a paid-parking motion fails. 2026-06/07: roof repair from the maintenance fund.
//! - Every quarter is closed on the third office day of the next; 2027-01: the last close and
//!   the street office's audit, which ends the demo.

mod calendar;
mod engine;
mod governance;
mod households;
mod spending;
mod story;
#[cfg(test)]
mod tests;
mod values;

use crate::example;
use calendar::period;
use engine::Gen;
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::Hash;
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::ledger::rules::Ledger;
use gongzhang_core::ledger::types::{Period, PeriodRange, Unit};
use gongzhang_core::log::LogHead;
use gongzhang_core::note::SignerKey;
use std::collections::BTreeMap;

/// The demo ledger's origin (also the log key's name).
pub const ORIGIN: &str = "gongzhang.example/xingfuli";
/// The community's name.
pub const COMMUNITY: &str = "幸福里小区";
/// The committee members' roles (N = 5).
pub const COMMITTEE: [&str; 5] = [
    "demo-committee-1",
    "demo-committee-2",
    "demo-committee-3",
    "demo-committee-4",
    "demo-committee-5",
];
/// The treasurer named in the genesis, whose key is revoked at the handover.
pub const TREASURER: &str = "demo-treasurer";
/// The treasurer after the handover (April 2026).
pub const NEW_TREASURER: &str = "demo-treasurer-2";
/// The street office's auditor.
pub const AUDITOR: &str = "demo-auditor";
/// The role name whose seed makes the log (checkpoint) signing key.
pub const LOG_KEY_ROLE: &str = "demo-log";
/// Every role holding an author key, in a fixed order.
pub const ROLES: [&str; 8] = [
    COMMITTEE[0],
    COMMITTEE[1],
    COMMITTEE[2],
    COMMITTEE[3],
    COMMITTEE[4],
    TREASURER,
    NEW_TREASURER,
    AUDITOR,
];
/// K: committee signatures a quorum act needs, and approvals a large expenditure needs.
pub const APPROVALS_REQUIRED: u32 = 3;
/// Expenditures strictly above this many fen (5,000 yuan) need K approvals.
pub const APPROVAL_THRESHOLD_FEN: i64 = 500_000;
/// 物业费: fen per ㎡ per month.
pub const PROPERTY_FEE_FEN_PER_M2: i64 = 50;
/// 垃圾清运费: fen per household per month.
pub const GARBAGE_FEE_FEN: i64 = 1_000;
/// The most charges one `charges_assessed` entry carries.
pub const CHARGES_PER_ENTRY_MAX: usize = 200;
/// The project (restricted fund `project:meter-2025`) the renovation grant pays for.
pub const METER_PROJECT: &str = "meter-2025";

/// The author signer of a demo role (seeded like the example ledger's: [`example::seed`]).
pub fn signer(role: &str) -> AuthorSigner {
    example::signer(role)
}

/// The log's checkpoint signing key: named [`ORIGIN`], seeded from [`LOG_KEY_ROLE`].
pub fn log_signer() -> SignerKey {
    SignerKey::from_seed(ORIGIN, example::seed(LOG_KEY_ROLE))
        .unwrap_or_else(|e| panic!("the demo log key: {e}"))
}

/// The first month the demo accounts for.
pub fn first_period() -> Period {
    period(2025, 1)
}

/// The last month the demo charges fees for.
pub fn last_charged_period() -> Period {
    period(2026, 12)
}

/// A generated demo community.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The seed it was generated from.
    pub seed: u64,
    /// The ledger's origin, [`ORIGIN`].
    pub origin: String,
    /// The entries, in log order.
    pub entries: Vec<Entry>,
    /// The ledger after all entries.
    pub ledger: Ledger,
    /// The log head after all entries (to append more).
    pub head: LogHead,
    /// The log's checkpoint signing key (its verifier string is the genesis `log_key`).
    pub log_signer: SignerKey,
    /// Every author key by role ([`ROLES`]); [`TREASURER`]'s is revoked at the handover.
    pub keys: BTreeMap<&'static str, PublicKey>,
    /// The role that is treasurer at the end ([`NEW_TREASURER`]).
    pub treasurer: &'static str,
    /// What happened, for tests and people.
    pub summary: Summary,
    /// The documents the entries name by SHA-256 (scanned invoices and receipts, minutes, demand
    /// letters, the audit findings): their text as UTF-8 bytes, by hash, so that a loader can
    /// store them as attachments (`text/plain; charset=utf-8`).
    pub documents: BTreeMap<Hash, Vec<u8>>,
}

impl Demo {
    /// The log as published: one entry per line, each ending with a line feed.
    pub fn jsonl(&self) -> Vec<u8> {
        example::jsonl(&self.entries)
    }
}

/// What the demo contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Households registered.
    pub households: usize,
    /// Entries by event type.
    pub by_kind: BTreeMap<&'static str, usize>,
    /// The months charged, in order.
    pub charged_periods: Vec<Period>,
    /// The periods closed, with the seq of each close.
    pub closes: Vec<(PeriodRange, u64)>,
    /// The units that (almost) never pay: about 10% of households.
    pub chronic_units: Vec<Unit>,
    /// The units sent a payment demand (a unit may be sent two).
    pub demands: Vec<Unit>,
    /// The reversals' seqs.
    pub reversals: Vec<u64>,
    /// The handover: seqs of the `role_granted` to the new treasurer and the `key_revoked` of
    /// the old key.
    pub handover: Option<(u64, u64)>,
    /// The audit's seq.
    pub audit: Option<u64>,
    /// Proposals not made because the fund could not pay them (0 in a sound demo).
    pub skipped_for_funds: usize,
}

/// Generates the demo community for `seed`. The same seed gives the same bytes.
pub fn community(seed: u64) -> Demo {
    let mut g = Gen::new(seed);
    g.run();
    let keys = ROLES.iter().map(|r| (*r, g.key(r))).collect();
    Demo {
        seed,
        origin: ORIGIN.to_string(),
        entries: g.entries,
        ledger: g.ledger,
        head: g.head,
        log_signer: log_signer(),
        keys,
        treasurer: g.treasurer,
        summary: g.summary,
        documents: g.documents,
    }
}
