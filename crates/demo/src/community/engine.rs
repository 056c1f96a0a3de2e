//! The generator's machinery: its pseudo-random draws, the agenda of actions by day and minute,
//! the recorded times, and every entry sealed, checked and applied as it is made.

use super::calendar::{Calendar, beijing_julian_day, beijing_ms, date, next_day};
use super::households::Home;
use super::spending::Doc;
use super::values::label;
use super::{APPROVALS_REQUIRED, COMMITTEE, ORIGIN, ROLES, Summary, TREASURER, signer};
use crate::rng::SplitMix64;
use gongzhang_core::entry::{AuthorSignature, Entry, RecordedAt};
use gongzhang_core::hash::{Hash, sha256};
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::ledger::events::{HashHex, Invoice, LedgerEvent};
use gongzhang_core::ledger::rules::Ledger;
use gongzhang_core::ledger::types::{FundId, InvoiceKind};
use gongzhang_core::log::LogHead;
use std::collections::{BTreeMap, HashMap};
use time::Date;

pub(super) type Action = Box<dyn FnOnce(&mut Gen)>;

// ---------------------------------------------------------------------------------------------
// The generator.

pub(super) struct Gen {
    pub(super) rng: SplitMix64,
    pub(super) signers: HashMap<&'static str, AuthorSigner>,
    pub(super) ledger: Ledger,
    pub(super) head: LogHead,
    pub(super) entries: Vec<Entry>,
    pub(super) summary: Summary,
    pub(super) treasurer: &'static str,
    pub(super) homes: Vec<Home>,
    pub(super) calendar: Calendar,
    /// What is to happen, by day: (minute after Beijing midnight, action).
    pub(super) agenda: BTreeMap<Date, Vec<(u32, Action)>>,
    pub(super) today: Date,
    pub(super) running_today: bool,
    pub(super) done: bool,
    pub(super) target_ms: i64,
    pub(super) last_ms: i64,
    /// Event ids of proposals made earlier, by the name the scheduled steps share.
    pub(super) named: HashMap<String, String>,
    /// Proposals not yet paid: fund and amount (so that no proposal promises money twice).
    pub(super) open: HashMap<String, (FundId, i64)>,
    pub(super) counter: u64,
    /// The last receipt number given, by year.
    pub(super) receipts: BTreeMap<i32, u32>,
    pub(super) typo_done: bool,
    /// The passed owners' decision to use the maintenance fund, once taken.
    pub(super) maintenance_decision: Option<String>,
    /// Every document hashed so far, by hash: see [`Demo::documents`].
    pub(super) documents: BTreeMap<Hash, Vec<u8>>,
}

impl Gen {
    pub(super) fn new(seed: u64) -> Gen {
        let signers = ROLES.iter().map(|r| (*r, signer(r))).collect();
        let calendar = Calendar::new(date(2025, 1, 1), date(2027, 1, 31));
        Gen {
            rng: SplitMix64::new(seed),
            signers,
            ledger: Ledger::new(),
            head: LogHead::empty(),
            entries: Vec::new(),
            summary: Summary::default(),
            treasurer: TREASURER,
            homes: Vec::new(),
            calendar,
            agenda: BTreeMap::new(),
            today: date(2025, 1, 1),
            running_today: false,
            done: false,
            target_ms: 0,
            last_ms: 0,
            named: HashMap::new(),
            open: HashMap::new(),
            counter: 0,
            receipts: BTreeMap::new(),
            typo_done: false,
            maintenance_decision: None,
            documents: BTreeMap::new(),
        }
    }

    pub(super) fn key(&self, role: &str) -> PublicKey {
        self.signers
            .get(role)
            .unwrap_or_else(|| panic!("no demo role {role}"))
            .public_key()
    }

    pub(super) fn below(&mut self, bound: u64) -> u64 {
        self.rng.below(bound)
    }

    /// A value in `lo..=hi`.
    pub(super) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.rng.below(span)).unwrap_or(0)
    }

    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.rng.below(100) < percent
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = usize::try_from(self.rng.below(items.len() as u64)).unwrap_or(0);
        items[i]
    }

    /// `n` distinct committee members, in random order.
    pub(super) fn members(&mut self, n: usize) -> Vec<&'static str> {
        let mut all = COMMITTEE.to_vec();
        for i in (1..all.len()).rev() {
            let j = usize::try_from(self.rng.below(i as u64 + 1)).unwrap_or(0);
            all.swap(i, j);
        }
        all.truncate(n);
        all
    }

    pub(super) fn fresh_name(&mut self) -> String {
        self.counter += 1;
        format!("n{}", self.counter)
    }

    // --- time ---------------------------------------------------------------------------------

    pub(super) fn at(&mut self, day: Date, minute: u32, action: impl FnOnce(&mut Gen) + 'static) {
        assert!(
            !self.running_today || day > self.today,
            "an action scheduled for {day} while {} is running",
            self.today
        );
        self.agenda
            .entry(day)
            .or_default()
            .push((minute, Box::new(action)));
    }

    /// The next entry comes a little while (`lo` to `hi` seconds) after the last one.
    pub(super) fn later(&mut self, lo: i64, hi: i64) {
        let s = self.between(lo, hi);
        self.target_ms = self.last_ms + s * 1_000 + self.between(0, 999);
    }

    pub(super) fn next_time(&mut self) -> RecordedAt {
        let gap = self.between(1_000, 6_000);
        let ms = self.target_ms.max(self.last_ms + gap);
        assert_eq!(
            beijing_julian_day(ms),
            i64::from(self.today.to_julian_day()),
            "the demo's day {} ran past midnight",
            self.today
        );
        self.last_ms = ms;
        RecordedAt::from_unix_ms(ms).unwrap_or_else(|| panic!("time {ms}"))
    }

    /// A UUIDv7-shaped event id from the recorded time, as an author's app would make.
    pub(super) fn event_id(&mut self, at: RecordedAt) -> String {
        let ms = u64::try_from(at.unix_ms()).unwrap_or(0) & 0xffff_ffff_ffff;
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        format!(
            "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
            ms >> 16,
            ms & 0xffff,
            a & 0xfff,
            0x8000 | ((a >> 12) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    // --- entries ------------------------------------------------------------------------------

    /// Seals, checks, applies and appends one entry; returns its event id and seq.
    pub(super) fn emit(&mut self, event: LedgerEvent, signers: &[&'static str]) -> (String, u64) {
        let at = self.next_time();
        let id = self.event_id(at);
        let kind = event.kind();
        let event = event
            .to_event(&id)
            .unwrap_or_else(|e| panic!("demo event {kind}: {e}"));
        let signatures: Vec<AuthorSignature> = signers
            .iter()
            .map(|r| {
                let s = self
                    .signers
                    .get(r)
                    .unwrap_or_else(|| panic!("no demo role {r}"));
                event.sign(ORIGIN, s)
            })
            .collect();
        let entry = Entry::seal(
            self.head.size(),
            self.head.last_hash(),
            at,
            event,
            signatures,
        )
        .unwrap_or_else(|e| panic!("demo entry {kind} `{id}`: {e}"));
        if let Err(e) = self.head.check_next(&entry) {
            panic!("the demo generator broke a log rule: {e}");
        }
        if let Err(e) = self.ledger.apply(&entry) {
            panic!("the demo generator broke a ledger rule: {e}");
        }
        self.head.advance(&entry);
        let seq = entry.seq();
        self.entries.push(entry);
        *self.summary.by_kind.entry(kind).or_insert(0) += 1;
        (id, seq)
    }

    pub(super) fn as_treasurer(&mut self, event: LedgerEvent) -> (String, u64) {
        let t = self.treasurer;
        self.emit(event, &[t])
    }

    pub(super) fn as_quorum(&mut self, event: LedgerEvent) -> (String, u64) {
        let signers = self.members(APPROVALS_REQUIRED as usize);
        self.emit(event, &signers)
    }

    /// The hash an entry names for a document, keeping the document's bytes. Only the hash goes
    /// into the log, so keeping the text changes no entry's bytes.
    pub(super) fn document(&mut self, text: &str) -> HashHex {
        let hash = sha256(text.as_bytes());
        self.documents
            .entry(hash)
            .or_insert_with(|| text.as_bytes().to_vec());
        HashHex(hash)
    }

    pub(super) fn fapiao(&mut self, year: i32) -> Invoice {
        // 数电发票: 20 digits, the first two the year.
        let number = format!(
            "{:02}{:018}",
            year % 100,
            self.rng.below(1_000_000_000_000_000_000)
        );
        let sha = self.document(&format!("发票扫描件 {number}"));
        Invoice {
            kind: InvoiceKind::Fapiao,
            number: Some(label(&number)),
            sha256: Some(sha),
        }
    }

    pub(super) fn receipt(&mut self, year: i32) -> Invoice {
        let n = self.receipts.entry(year).or_insert(0);
        *n += 1;
        let number = format!("XFL-SJ-{year}-{n:04}");
        let sha = self.document(&format!("收据扫描件 {number}"));
        Invoice {
            kind: InvoiceKind::Receipt,
            number: Some(label(&number)),
            sha256: Some(sha),
        }
    }

    pub(super) fn invoice(&mut self, doc: Doc) -> Invoice {
        let year = self.today.year();
        match doc {
            Doc::Fapiao => self.fapiao(year),
            Doc::Receipt => self.receipt(year),
            Doc::None => Invoice {
                kind: InvoiceKind::None,
                number: None,
                sha256: None,
            },
        }
    }

    pub(super) fn run(&mut self) {
        self.script();
        let mut day = date(2025, 1, 1);
        while !self.done {
            self.today = day;
            self.routines(day);
            let mut actions = self.agenda.remove(&day).unwrap_or_default();
            actions.sort_by_key(|(minute, _)| *minute);
            self.running_today = true;
            for (minute, action) in actions {
                let jitter = self.between(0, 59_999);
                self.target_ms = beijing_ms(day, minute) + jitter;
                action(self);
            }
            self.running_today = false;
            day = next_day(day);
            assert!(day <= date(2027, 1, 31), "the demo ran past its calendar");
        }
        assert!(
            self.agenda.is_empty(),
            "actions left after the audit: {:?}",
            self.agenda.keys()
        );
        assert!(
            self.open.is_empty(),
            "proposals left unpaid: {:?}",
            self.open
        );
        self.summary.households = self.homes.len();
    }
}
