//! The generator's machinery: its pseudo-random draws, the agenda of actions by day and minute,
//! the recorded times, and every entry sealed, checked and applied as it is made.

use super::calendar::{Calendar, FIRST_YEAR, beijing_julian_day, beijing_ms, date, next_day};
use super::households::Home;
use super::spending::Doc;
use super::values::label;
use super::{APPROVALS_REQUIRED, Names, Size, Summary, signer};
use crate::rng::SplitMix64;
use gongzhang_core::entry::{AuthorSignature, Entry, RecordedAt};
use gongzhang_core::hash::{Hash, sha256};
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::{HashHex, Invoice, LedgerEvent};
use gongzhang_core::ledger::types::{FundId, InvoiceKind};
use gongzhang_core::log::LogHead;
use std::collections::{BTreeMap, HashMap, VecDeque};
use time::Date;

/// Something to do on a day, at a minute: it records its entries when it runs.
pub(super) type Action = Box<dyn FnOnce(&mut Gen)>;

/// The committee's size N.
const COMMITTEE_SIZE: usize = 5;

/// The generator's state: the log and ledger so far, the people, the households, the agenda.
pub(super) struct Gen {
    pub(super) names: Names,
    pub(super) size: Size,
    pub(super) rng: SplitMix64,
    /// Author signers by role, made when first used.
    pub(super) signers: HashMap<String, AuthorSigner>,
    pub(super) ledger: Ledger,
    pub(super) head: LogHead,
    /// Entries made and not yet handed out.
    pub(super) pending: VecDeque<Entry>,
    /// The number of entries to stop after, if any.
    pub(super) limit: Option<u64>,
    /// Whether `limit` entries are made (nothing more is).
    pub(super) full: bool,
    pub(super) summary: Summary,
    /// The committee members' roles.
    pub(super) committee: Vec<String>,
    /// The treasurer's role, and how many treasurers there have been.
    pub(super) treasurer: String,
    pub(super) treasurers: u32,
    pub(super) auditor: String,
    pub(super) homes: Vec<Home>,
    pub(super) calendar: Calendar,
    /// What is to happen, by day: (minute after Beijing midnight, action).
    pub(super) agenda: BTreeMap<Date, Vec<(u32, Action)>>,
    pub(super) today: Date,
    pub(super) running_today: bool,
    /// Whether the last audit is made (the story is over).
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
    /// The year of the last mistyped cash payment.
    pub(super) typo_year: Option<i32>,
    /// The passed owners' decision to use the maintenance fund, once taken.
    pub(super) maintenance_decision: Option<String>,
    /// Whether to keep the documents' text.
    pub(super) keep_documents: bool,
    /// Every document hashed so far, by hash, if kept: see [`super::Demo::documents`].
    pub(super) documents: BTreeMap<Hash, Vec<u8>>,
}

impl Gen {
    /// The generator for `names`, `size` and `seed`, with its story scheduled.
    pub(super) fn new(names: Names, size: Size, seed: u64) -> Gen {
        let size = Size {
            buildings: size.buildings.max(1),
            years: size.years.max(1),
        };
        let years = i32::try_from(size.years).unwrap_or(i32::MAX - FIRST_YEAR);
        let first = date(FIRST_YEAR, 1, 1);
        let calendar = Calendar::new(first, date(FIRST_YEAR + years, 1, 31));
        let mut g = Gen {
            names,
            size,
            rng: SplitMix64::new(seed),
            signers: HashMap::new(),
            ledger: Ledger::new(),
            head: LogHead::empty(),
            pending: VecDeque::new(),
            limit: None,
            full: false,
            summary: Summary::default(),
            committee: (1..=COMMITTEE_SIZE)
                .map(|n| names.committee_member(n))
                .collect(),
            treasurer: names.treasurer(1),
            treasurers: 1,
            auditor: names.auditor(),
            homes: Vec::new(),
            calendar,
            agenda: BTreeMap::new(),
            today: first,
            running_today: false,
            done: false,
            target_ms: 0,
            last_ms: 0,
            named: HashMap::new(),
            open: HashMap::new(),
            counter: 0,
            receipts: BTreeMap::new(),
            typo_year: None,
            maintenance_decision: None,
            keep_documents: false,
            documents: BTreeMap::new(),
        };
        g.script();
        g
    }

    /// Asserts that the story ended with nothing left to do.
    pub(super) fn check_finished(&self) {
        assert!(self.done, "the story has not ended");
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
    }

    fn signer(&mut self, role: &str) -> &AuthorSigner {
        self.signers
            .entry(role.to_string())
            .or_insert_with(|| signer(role))
    }

    pub(super) fn key(&mut self, role: &str) -> PublicKey {
        self.signer(role).public_key()
    }

    // --- draws --------------------------------------------------------------------------------

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
    pub(super) fn members(&mut self, n: usize) -> Vec<String> {
        let mut all = self.committee.clone();
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

    // --- size ---------------------------------------------------------------------------------

    /// `fen` in proportion to the community's size: what it is for 幸福里's twelve buildings.
    pub(super) fn scaled(&self, fen: i64) -> i64 {
        fen * i64::from(self.size.buildings) / 12
    }

    /// How many times 幸福里's staff (and its repairs and small purchases) the community has:
    /// one per twelve buildings begun.
    pub(super) fn blocks(&self) -> u32 {
        self.size.buildings.div_ceil(12).max(1)
    }

    /// The wage of one of [`Gen::blocks`] times 幸福里's staff, so that the wages are in
    /// proportion to the size (part-time in a smaller community).
    pub(super) fn wage(&self, fen: i64) -> i64 {
        fen * i64::from(self.size.buildings) / (12 * i64::from(self.blocks()))
    }

    /// [`Gen::later`] for work done household after household, quicker in a larger community.
    pub(super) fn brisk(&mut self, lo: i64, hi: i64) {
        let k = i64::from(self.blocks());
        self.later(lo / k, hi / k);
    }

    /// The year of the story `day` is in: 0 for 2025.
    pub(super) fn year_index(&self, day: Date) -> i32 {
        day.year() - FIRST_YEAR
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
            "the generated day {} ran past midnight",
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

    /// Runs today: its routines, then its actions in time order (until the limit, if any);
    /// then moves to the next day.
    pub(super) fn step_day(&mut self) {
        let day = self.today;
        assert!(
            day <= self.calendar.last(),
            "the story ran past its calendar"
        );
        self.routines(day);
        let mut actions = self.agenda.remove(&day).unwrap_or_default();
        actions.sort_by_key(|(minute, _)| *minute);
        self.running_today = true;
        for (minute, action) in actions {
            if self.full {
                break;
            }
            let jitter = self.between(0, 59_999);
            self.target_ms = beijing_ms(day, minute) + jitter;
            action(self);
        }
        self.running_today = false;
        self.today = next_day(day);
    }

    // --- entries ------------------------------------------------------------------------------

    /// Seals, checks, applies and queues one entry; returns its event id and seq. Once the limit
    /// is reached, makes nothing and returns `None`.
    pub(super) fn emit(&mut self, event: LedgerEvent, signers: &[String]) -> Option<(String, u64)> {
        if self.full {
            return None;
        }
        let at = self.next_time();
        let id = self.event_id(at);
        let kind = event.kind();
        let event = event
            .to_event(&id)
            .unwrap_or_else(|e| panic!("generated event {kind}: {e}"));
        let origin = self.names.origin;
        let signatures: Vec<AuthorSignature> = signers
            .iter()
            .map(|role| event.sign(origin, self.signer(role)))
            .collect();
        let entry = Entry::seal(
            self.head.size(),
            self.head.last_hash(),
            at,
            event,
            signatures,
        )
        .unwrap_or_else(|e| panic!("generated entry {kind} `{id}`: {e}"));
        if let Err(e) = self.head.check_next(&entry) {
            panic!("the generator broke a log rule: {e}");
        }
        if let Err(e) = self.ledger.apply(&entry) {
            panic!("the generator broke a ledger rule: {e}");
        }
        self.head.advance(&entry);
        let seq = entry.seq();
        self.pending.push_back(entry);
        *self.summary.by_kind.entry(kind).or_insert(0) += 1;
        self.full = self.limit.is_some_and(|n| self.head.size() >= n);
        Some((id, seq))
    }

    pub(super) fn as_treasurer(&mut self, event: LedgerEvent) -> Option<(String, u64)> {
        let t = self.treasurer.clone();
        self.emit(event, &[t])
    }

    pub(super) fn as_quorum(&mut self, event: LedgerEvent) -> Option<(String, u64)> {
        let signers = self.members(APPROVALS_REQUIRED as usize);
        self.emit(event, &signers)
    }

    /// The hash an entry names for a document, keeping the document's bytes if asked. Only the
    /// hash goes into the log, so keeping the text changes no entry's bytes.
    pub(super) fn document(&mut self, text: &str) -> HashHex {
        let hash = sha256(text.as_bytes());
        if self.keep_documents {
            self.documents
                .entry(hash)
                .or_insert_with(|| text.as_bytes().to_vec());
        }
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
        let number = format!("{}-SJ-{year}-{n:04}", self.names.receipts);
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
}
