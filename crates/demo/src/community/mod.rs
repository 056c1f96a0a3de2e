//! Communities generated deterministically from a seed, at any size; at its own size
//! ([`Size::DEMO`]) the demo community 幸福里小区 (Xingfuli) that `gongzhang demo` serves and
//! `gongzhang sample` writes ([`community`]). The program ships it: it is data, not a test
//! fixture, and its bytes are pinned (seed 1: 10,912 entries).
//!
//! 幸福里 is about 600 households in twelve walk-up buildings of the 1980s and 90s, two years of
//! monthly fees (2025-01 to 2026-12), payments with the habits real residents have, weekly and
//! monthly spending, public revenue, a government grant spent on a one-meter-per-household
//! project, a treasurer handover with key rotation, two reversals, payment demands, quarterly
//! closes and a street-office audit. The same [`Generator`] with more buildings and years
//! makes a larger community with the same story, its staff, contracts, income and grants in
//! proportion, one day at a time (the benchmarks' long logs).
//!
//! The generator keeps its own [`Ledger`] and [`LogHead`] and applies every entry as it builds
//! it: if it ever broke a rule it would panic with the rule broken (a bug in the generator,
//! never in the log's reader). Times are UTC, never decrease, and fall in Beijing office hours
//! on working days (weekends and public holidays are closed).
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
//! - A community of more years goes on by the same two-year cycle: in even years area
//!   corrections, a grant project (energy saving, then a general renewal, then water meters
//!   again), drainage dredging, a mistyped cash payment and a wrong invoice, and demands in
//!   November; in odd years (from the fourth) the public revenue moved to the maintenance fund,
//!   a treasurer handover, a failed parking motion, a roof repair and demands in October; a
//!   budget every December; the street office's audit every January from 2027; the last year's
//!   close and audit in the January after it.

mod calendar;
mod engine;
mod governance;
mod households;
mod routines;
mod spending;
mod story;
#[cfg(test)]
mod tests;
mod values;

use crate::example;
use calendar::{FIRST_YEAR, period};
use engine::Gen;
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::Hash;
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::{Period, PeriodRange, Unit};
use gongzhang_core::log::LogHead;
use gongzhang_core::merkle;
use gongzhang_core::note::SignerKey;
use std::collections::BTreeMap;
use std::fmt;

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
    Names::XINGFULI.log_signer()
}

/// The first month every generated community accounts for (2025-01).
pub fn first_period() -> Period {
    period(u16::try_from(FIRST_YEAR).unwrap_or(9999), 1)
}

/// The last month the demo charges fees for.
pub fn last_charged_period() -> Period {
    Size::DEMO.last_charged_period()
}

/// How large a generated community is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Walk-up buildings of about 49 flats each. The staff, the contracts, the grants, the
    /// opening balances and the public revenue are in proportion to 幸福里's twelve.
    pub buildings: u32,
    /// Years of accounts from 2025-01 (at least 1); the last close and the audit come in the
    /// January after them.
    pub years: u32,
}

impl Size {
    /// The households of a building, about (three entrances, six floors, two or three flats a
    /// floor; 幸福里 has 588 in twelve).
    pub const HOUSEHOLDS_PER_BUILDING: usize = 49;

    /// 幸福里's size: twelve buildings (about 600 households), two years.
    pub const DEMO: Size = Size {
        buildings: 12,
        years: 2,
    };

    /// The last month charged: December of the last year.
    pub fn last_charged_period(&self) -> Period {
        let year = FIRST_YEAR + i32::try_from(self.years.max(1)).unwrap_or(1) - 1;
        period(u16::try_from(year).unwrap_or(9999), 12)
    }
}

/// Who a generated community is: its origin and name, and the role names its keys are seeded
/// from ([`example::seed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Names {
    /// The ledger's origin (also the log key's name).
    pub origin: &'static str,
    /// The community's name.
    pub community: &'static str,
    /// What every role name starts with: `{roles}-committee-1` to `-5`, `{roles}-treasurer`
    /// (`-2`, `-3`, … after each handover), `{roles}-auditor`, and `{roles}-log` for the log key.
    pub roles: &'static str,
    /// What receipt numbers start with: `{receipts}-SJ-2025-0001`.
    pub receipts: &'static str,
}

impl Names {
    /// 幸福里's names: [`ORIGIN`], [`COMMUNITY`], the roles of [`ROLES`] and [`LOG_KEY_ROLE`].
    pub const XINGFULI: Names = Names {
        origin: ORIGIN,
        community: COMMUNITY,
        roles: "demo",
        receipts: "XFL",
    };

    /// The role of committee member `n` (from 1).
    pub fn committee_member(&self, n: usize) -> String {
        format!("{}-committee-{n}", self.roles)
    }

    /// The role of the `n`th treasurer (from 1).
    pub fn treasurer(&self, n: u32) -> String {
        if n <= 1 {
            format!("{}-treasurer", self.roles)
        } else {
            format!("{}-treasurer-{n}", self.roles)
        }
    }

    /// The street office auditor's role.
    pub fn auditor(&self) -> String {
        format!("{}-auditor", self.roles)
    }

    /// The role whose seed makes the log (checkpoint) signing key.
    pub fn log_key_role(&self) -> String {
        format!("{}-log", self.roles)
    }

    /// The log's checkpoint signing key: named by the origin, seeded from
    /// [`Names::log_key_role`].
    pub fn log_signer(&self) -> SignerKey {
        SignerKey::from_seed(self.origin, example::seed(&self.log_key_role()))
            .unwrap_or_else(|e| panic!("the log key of {}: {e}", self.origin))
    }
}

/// A community's log, made as it is read, one day at a time: the generator holds the entries of
/// at most one day, the ledger after them and a [`Summary`].
pub struct Generator {
    g: Gen,
}

impl fmt::Debug for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generator")
            .field("origin", &self.g.names.origin)
            .field("size", &self.g.size)
            .field("made", &self.g.head.size())
            .field("today", &self.g.today)
            .finish_non_exhaustive()
    }
}

impl Generator {
    /// The community `names` of `size` for `seed`. The same arguments give the same bytes.
    pub fn new(names: Names, size: Size, seed: u64) -> Generator {
        Generator {
            g: Gen::new(names, size, seed),
        }
    }

    /// Stops after exactly `entries` entries, wherever the story is.
    pub fn stop_after(mut self, entries: u64) -> Generator {
        self.g.limit = Some(entries);
        self.g.full = self.g.head.size() >= entries;
        self
    }

    /// Keeps the text of every document the entries name ([`Demo::documents`]); a long log
    /// need not.
    pub fn keeping_documents(mut self) -> Generator {
        self.g.keep_documents = true;
        self
    }

    /// The ledger after the entries made so far (handed out, or of the day being handed out).
    pub fn ledger(&self) -> &Ledger {
        &self.g.ledger
    }

    /// The log head after the entries made so far.
    pub fn head(&self) -> &LogHead {
        &self.g.head
    }

    /// What was made so far.
    pub fn summary(&self) -> &Summary {
        &self.g.summary
    }
}

impl Iterator for Generator {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            if let Some(entry) = self.g.pending.pop_front() {
                return Some(entry);
            }
            if self.g.done || self.g.full {
                return None;
            }
            self.g.step_day();
        }
    }
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

    /// The checkpoint over all the entries (a signed note), signed with [`Demo::log_signer`].
    pub fn checkpoint(&self) -> String {
        let leaves = example::leaves(&self.entries);
        let cp = Checkpoint::new(&self.origin, leaves.len() as u64, merkle::root(&leaves))
            .unwrap_or_else(|e| panic!("the demo's checkpoint: {e}"));
        checkpoint::sign(&cp, &self.log_signer)
    }
}

/// What a generated community contains.
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
    /// The (last) treasurer handover: seqs of the `role_granted` to the new treasurer and the
    /// `key_revoked` of the old key.
    pub handover: Option<(u64, u64)>,
    /// The (last) audit's seq.
    pub audit: Option<u64>,
    /// Proposals not made because the fund could not pay them (0 in a sound demo).
    pub skipped_for_funds: usize,
}

/// Generates the demo community for `seed`. The same seed gives the same bytes.
pub fn community(seed: u64) -> Demo {
    let mut generator = Generator::new(Names::XINGFULI, Size::DEMO, seed).keeping_documents();
    let entries: Vec<Entry> = generator.by_ref().collect();
    let mut g = generator.g;
    g.check_finished();
    let keys = ROLES.iter().map(|r| (*r, g.key(r))).collect();
    let treasurer = ROLES
        .into_iter()
        .find(|r| *r == g.treasurer)
        .unwrap_or_else(|| panic!("the demo's treasurer {} is not one of ROLES", g.treasurer));
    Demo {
        seed,
        origin: ORIGIN.to_string(),
        entries,
        ledger: g.ledger,
        head: g.head,
        log_signer: log_signer(),
        keys,
        treasurer,
        summary: g.summary,
        documents: g.documents,
    }
}
