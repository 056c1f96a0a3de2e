//! The large community, for the verifier's benchmark (a log of 1,000,000 entries) and for tests
//! that want a long, realistic, rule-valid log: 锦绣花园社区 (Jinxiu Huayuan), the demo
//! community's generator ([`gongzhang_demo::community::Generator`]) run at a larger size — as
//! many buildings as the entries asked for need (up to about 6,000 households), for as many
//! years as it takes — and streamed: [`LargeLog`] hands each entry out as it is made, holding
//! one day's entries at a time, and [`write_jsonl`] writes them to any [`Write`] and signs the
//! checkpoint over them.
//!
//! The story is the demo's, year after year (see [`gongzhang_demo::community`]), with the
//! staff, the contracts, the grants and the public revenue in proportion to the size. The log
//! stops at exactly the number of entries asked for, wherever the story is.

use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::entry::{Entry, RecordedAt};
use gongzhang_core::hash::Hash;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::Period;
use gongzhang_core::merkle::MerkleAccumulator;
use gongzhang_core::note::SignerKey;
use gongzhang_demo::community::{Generator, Names, Size};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The large ledger's origin (also the log key's name).
pub const ORIGIN: &str = "gongzhang.example/jinxiu";
/// The community's name.
pub const COMMUNITY: &str = "锦绣花园社区";
/// The role name whose seed makes the log (checkpoint) signing key.
pub const LOG_KEY_ROLE: &str = "large-log";
/// The large community's names: its keys' roles are `large-committee-1`, `large-treasurer`, …
pub const NAMES: Names = Names {
    origin: ORIGIN,
    community: COMMUNITY,
    roles: "large",
    receipts: "JX",
};
/// Changes whenever the generator makes other bytes for the same entries and seed (for caches of
/// generated logs, such as `bench-verify`'s).
pub const GENERATOR_VERSION: u32 = 2;
/// The most households a generated community has (reached from about 1,000,000 entries).
pub const HOUSEHOLDS_MAX: usize = 6_000;
/// The fewest households asked for (the community has at least one building).
pub const HOUSEHOLDS_MIN: usize = 40;

/// The households a community generated for `entries` entries aims at: one per 160 entries
/// (a household makes about 9 entries a year), within
/// [`HOUSEHOLDS_MIN`]..=[`HOUSEHOLDS_MAX`]; 1,000,000 entries are about 19 years of 6,000.
pub fn households_for(entries: u64) -> usize {
    usize::try_from(entries / 160)
        .unwrap_or(HOUSEHOLDS_MAX)
        .clamp(HOUSEHOLDS_MIN, HOUSEHOLDS_MAX)
}

/// The size of a community of about `households` households that makes `entries` entries:
/// its buildings, and years enough to make them (twice the years it takes at the rate of
/// 9 entries a household a year, and at least three).
pub fn size_for(entries: u64, households: usize) -> Size {
    let buildings =
        (households + Size::HOUSEHOLDS_PER_BUILDING / 2) / Size::HOUSEHOLDS_PER_BUILDING;
    let buildings = u32::try_from(buildings.max(1)).unwrap_or(u32::MAX);
    let per_year = u64::from(buildings) * Size::HOUSEHOLDS_PER_BUILDING as u64 * 9;
    let years = u32::try_from(3 + 2 * entries / per_year).unwrap_or(u32::MAX);
    Size { buildings, years }
}

/// The log's checkpoint signing key: named [`ORIGIN`], seeded from [`LOG_KEY_ROLE`].
pub fn log_signer() -> SignerKey {
    NAMES.log_signer()
}

/// What a generated log contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Entries made.
    pub entries: u64,
    /// Author signatures on them.
    pub signatures: u64,
    /// Households registered.
    pub households: usize,
    /// Entries by event type.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// The months charged: the first and the last.
    pub charged: Option<(Period, Period)>,
    /// Periods closed.
    pub closes: u64,
    /// Proposals not made because the fund could not pay them.
    pub skipped_for_funds: u64,
    /// The latest minute of a Beijing day any entry was recorded at.
    pub latest_minute: u32,
    /// The earliest minute of a Beijing day any entry was recorded at.
    pub earliest_minute: u32,
    /// The recorded time of the last entry.
    pub last_time: Option<RecordedAt>,
}

/// The large community's log as an iterator of entries, made one day at a time: the entries of
/// at most one day are held at once.
#[derive(Debug)]
pub struct LargeLog {
    generator: Generator,
    signatures: u64,
    minutes: Option<(u32, u32)>,
    last_time: Option<RecordedAt>,
}

impl LargeLog {
    /// The log of exactly `entries` entries (at least 1) for `seed`, with
    /// [`households_for`]`(entries)` households.
    pub fn new(entries: u64, seed: u64) -> LargeLog {
        LargeLog::with_households(entries, seed, households_for(entries))
    }

    /// As [`LargeLog::new`], with about `households` households.
    pub fn with_households(entries: u64, seed: u64, households: usize) -> LargeLog {
        let entries = entries.max(1);
        let size = size_for(entries, households);
        LargeLog {
            generator: Generator::new(NAMES, size, seed).stop_after(entries),
            signatures: 0,
            minutes: None,
            last_time: None,
        }
    }

    /// The ledger after the entries handed out so far (and those of the current day).
    pub fn ledger(&self) -> &Ledger {
        self.generator.ledger()
    }

    /// What was made so far.
    pub fn summary(&self) -> Summary {
        let made = self.generator.summary();
        let by_kind = made
            .by_kind
            .iter()
            .map(|(kind, n)| (*kind, *n as u64))
            .collect();
        let charged = made
            .charged_periods
            .first()
            .copied()
            .zip(made.charged_periods.last().copied());
        let (earliest_minute, latest_minute) = self.minutes.unwrap_or((u32::MAX, 0));
        Summary {
            entries: self.generator.head().size(),
            signatures: self.signatures,
            households: made.households,
            by_kind,
            charged,
            closes: made.closes.len() as u64,
            skipped_for_funds: made.skipped_for_funds as u64,
            latest_minute,
            earliest_minute,
            last_time: self.last_time,
        }
    }
}

/// The minute of the Beijing day of a recorded time.
fn beijing_minute(at: RecordedAt) -> u32 {
    const DAY_MS: i64 = 86_400_000;
    let ms = at.unix_ms() + 8 * 3_600_000;
    u32::try_from(ms.rem_euclid(DAY_MS) / 60_000).unwrap_or(0)
}

impl Iterator for LargeLog {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        let entry = self.generator.next()?;
        self.signatures += entry.signatures().len() as u64;
        let at = entry.recorded_at();
        let minute = beijing_minute(at);
        self.minutes = Some(match self.minutes {
            None => (minute, minute),
            Some((lo, hi)) => (lo.min(minute), hi.max(minute)),
        });
        self.last_time = Some(at);
        Some(entry)
    }
}

/// A log written by [`write_jsonl`], and its signed checkpoint.
#[derive(Debug, Clone)]
pub struct Written {
    /// The origin, [`ORIGIN`].
    pub origin: String,
    /// Entries written.
    pub entries: u64,
    /// Bytes written (every line with its line feed).
    pub bytes: u64,
    /// The Merkle root over the entries.
    pub root: Hash,
    /// The checkpoint (a signed note) for the whole log, signed by [`log_signer`].
    pub checkpoint: String,
    /// The log's verifier key string, which the genesis names as `log_key`.
    pub log_key: String,
    /// What the log contains.
    pub summary: Summary,
}

/// Generates the log of `entries` entries for `seed` and writes it to `out` as published (one
/// entry per line, each ending with a line feed), returning its signed checkpoint. Holds one
/// day's entries at a time.
pub fn write_jsonl<W: Write>(entries: u64, seed: u64, out: &mut W) -> io::Result<Written> {
    write_log(LargeLog::new(entries, seed), out)
}

/// Writes `log` to `out` (as [`write_jsonl`]).
pub fn write_log<W: Write>(mut log: LargeLog, out: &mut W) -> io::Result<Written> {
    let mut tree = MerkleAccumulator::new();
    let mut bytes = 0u64;
    for entry in &mut log {
        out.write_all(entry.bytes())?;
        out.write_all(b"\n")?;
        bytes += entry.bytes().len() as u64 + 1;
        tree.push(entry.hash());
    }
    out.flush()?;
    let signer = log_signer();
    let root = tree.root();
    let checkpoint = Checkpoint::new(ORIGIN, tree.size(), root)
        .unwrap_or_else(|e| panic!("the large log's checkpoint: {e}"));
    Ok(Written {
        origin: ORIGIN.to_string(),
        entries: tree.size(),
        bytes,
        root,
        checkpoint: checkpoint::sign(&checkpoint, &signer),
        log_key: signer.verifier().to_string(),
        summary: log.summary(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhang_core::hash::sha256;
    use gongzhang_core::log::{split_lines, verify_jsonl};
    use time::Weekday;

    const ENTRIES: u64 = 3_000;

    const fn hm(hour: u32, minute: u32) -> u32 {
        hour * 60 + minute
    }

    fn generate(entries: u64, seed: u64) -> (Vec<u8>, Written) {
        let mut bytes = Vec::new();
        let written = write_jsonl(entries, seed, &mut bytes).expect("writing to memory");
        (bytes, written)
    }

    #[test]
    fn a_generated_log_verifies_and_keeps_every_rule() {
        let (bytes, written) = generate(ENTRIES, 1);
        assert_eq!(written.entries, ENTRIES);
        assert_eq!(written.bytes, bytes.len() as u64);
        // The log: format, chain, signatures.
        let verified = verify_jsonl(&bytes).expect("the large log verifies");
        assert_eq!(verified.origin, ORIGIN);
        assert_eq!(verified.tree_head.size, ENTRIES);
        assert_eq!(verified.tree_head.root, written.root);
        // The checkpoint opens with the log key and names the same tree.
        let key = gongzhang_core::note::VerifierKey::parse(&written.log_key).expect("log key");
        let opened =
            checkpoint::open(&written.checkpoint, ORIGIN, &key, None).expect("checkpoint opens");
        assert_eq!(opened.tree_head(), verified.tree_head);
        verified
            .check_tree_head(&opened.tree_head())
            .expect("the checkpoint matches the log");
        // The rules, replayed from scratch.
        let mut ledger = Ledger::new();
        let mut last = None;
        for line in split_lines(&bytes) {
            let entry = Entry::parse(line).expect("entry parses");
            ledger
                .apply(&entry)
                .unwrap_or_else(|e| panic!("the large log breaks a rule on replay: {e}"));
            let t = entry.recorded_at();
            assert!(
                last.is_none_or(|l| l <= t),
                "time went back at {}",
                entry.seq()
            );
            last = Some(t);
            let beijing = t
                .as_offset_date_time()
                .to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("UTC+8"));
            let minute = u32::from(beijing.hour()) * 60 + u32::from(beijing.minute());
            assert!(
                (hm(8, 30)..hm(19, 0)).contains(&minute),
                "entry {} at {t}",
                entry.seq()
            );
            assert!(
                !matches!(beijing.weekday(), Weekday::Saturday | Weekday::Sunday),
                "entry {} at {t}",
                entry.seq()
            );
        }
        assert_eq!(ledger.size(), ENTRIES);
        assert_eq!(ledger.log_key(), written.log_key);
        let s = &written.summary;
        assert_eq!(s.households, ledger.households().len());
        assert!(
            s.households >= HOUSEHOLDS_MIN,
            "{} households",
            s.households
        );
        // Some of everything a few years hold.
        for kind in [
            "household_registered",
            "fee_schedule_adopted",
            "charges_assessed",
            "payment_received",
            "income_received",
            "expense_proposed",
            "expense_approved",
            "expense_paid",
            "owners_decision",
            "period_closed",
            "budget_adopted",
            "reversal",
            "payment_demand_issued",
            "audit_attested",
            "role_granted",
            "key_revoked",
        ] {
            assert!(
                s.by_kind.get(kind).copied().unwrap_or(0) > 0,
                "no {kind} in {:?}",
                s.by_kind
            );
        }
        assert!(s.closes >= 4, "{} closes", s.closes);
        assert_eq!(s.skipped_for_funds, 0);
        assert!(ledger.fund_balances().values().all(|b| b.get() >= 0));
        eprintln!(
            "large log ({ENTRIES} entries, seed 1): {} bytes, {} households, charged {:?}, {} signatures; by type: {:?}",
            bytes.len(),
            s.households,
            s.charged,
            s.signatures,
            s.by_kind
        );
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (a, wa) = generate(ENTRIES, 1);
        let (b, wb) = generate(ENTRIES, 1);
        assert_eq!(sha256(&a), sha256(&b));
        assert_eq!(wa.checkpoint, wb.checkpoint);
        let (c, _) = generate(ENTRIES, 2);
        assert_ne!(sha256(&a), sha256(&c));
    }

    #[test]
    fn the_iterator_stops_at_exactly_the_entries_asked_for() {
        for n in [1, 2, 37, 500] {
            let log = LargeLog::new(n, 7);
            assert_eq!(log.count() as u64, n);
        }
    }

    #[test]
    fn buildings_hold_about_the_households_asked_for() {
        for h in [40, 72, 999, 1_000, 4_000, 6_000] {
            let size = size_for(h as u64 * 160, h);
            let planned = size.buildings as usize * Size::HOUSEHOLDS_PER_BUILDING;
            assert!(
                planned + Size::HOUSEHOLDS_PER_BUILDING >= h
                    && planned <= h + Size::HOUSEHOLDS_PER_BUILDING,
                "{h} households asked, {planned} planned"
            );
            assert!(size.years >= 3, "{size:?}");
        }
        assert_eq!(households_for(1_000_000), HOUSEHOLDS_MAX);
        assert_eq!(households_for(3_000), HOUSEHOLDS_MIN);
    }
}
