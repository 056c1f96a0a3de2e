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

use crate::example;
use crate::generate::SplitMix64;
use gongzhang_core::entry::{AuthorSignature, Entry, RecordedAt};
use gongzhang_core::hash::{Hash, sha256};
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::ledger::events::{
    AuditAttested, BudgetAdopted, BudgetLine, ChargesAssessed, ExpenseApproved, ExpensePaid,
    ExpenseProposed, FeeItem, FeeScheduleAdopted, FundAmount, Governance, GrantReceived, HashHex,
    HouseholdCorrected, HouseholdRegistered, IncomeReceived, Invoice, KeyHex, KeyRevoked,
    LedgerEvent, LedgerOpened, Outcome, OwnersDecision, PaymentDemandIssued, PaymentReceived,
    PeriodClosed, Reversal, RoleGranted, VoteTotals,
};
use gongzhang_core::ledger::households::charge_amount;
use gongzhang_core::ledger::types::{
    Channel, FeeBasis, Fen, FundId, InvoiceKind, Label, Matter, Period, PeriodRange, Role, Slug,
    Unit,
};
use gongzhang_core::ledger::{Ledger, decide};
use gongzhang_core::log::LogHead;
use gongzhang_core::note::SignerKey;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::{Date, Month, Weekday};

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

// ---------------------------------------------------------------------------------------------
// Small constructors. Every literal below is valid; a failure is a bug in this file.

fn period(year: u16, month: u8) -> Period {
    Period::new(year, month).unwrap_or_else(|| panic!("month {year}-{month}"))
}

fn fen(v: i64) -> Fen {
    Fen::new(v).unwrap_or_else(|e| panic!("{e}"))
}

fn label(s: &str) -> Label {
    Label::try_from(s).unwrap_or_else(|e| panic!("{e}"))
}

fn slug(s: &str) -> Slug {
    Slug::try_from(s).unwrap_or_else(|e| panic!("{e}"))
}

fn fund(s: &str) -> FundId {
    FundId::try_from(s).unwrap_or_else(|e| panic!("{e}"))
}

fn date(year: i32, month: u8, day: u8) -> Date {
    let m = Month::try_from(month).unwrap_or_else(|e| panic!("{e}"));
    Date::from_calendar_date(year, m, day).unwrap_or_else(|e| panic!("{e}"))
}

fn next_day(d: Date) -> Date {
    d.next_day().unwrap_or_else(|| panic!("no day after {d}"))
}

fn period_of(d: Date) -> Period {
    period(u16::try_from(d.year()).unwrap_or(9999), u8::from(d.month()))
}

/// The months from `from` to `to`, both included (empty if `to` is earlier).
fn months(from: Period, to: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = from;
    while p <= to {
        out.push(p);
        p = p.next();
    }
    out
}

fn add_months(p: Period, n: u32) -> Period {
    (0..n).fold(p, |p, _| p.next())
}

/// Julian day of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
const DAY_MS: i64 = 86_400_000;
const BEIJING_OFFSET_MS: i64 = 8 * 3_600_000;

/// Unix milliseconds of `minute` minutes after midnight of `d`, Beijing time.
fn beijing_ms(d: Date, minute: u32) -> i64 {
    (i64::from(d.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY) * DAY_MS + i64::from(minute) * 60_000
        - BEIJING_OFFSET_MS
}

/// The Beijing calendar day (as a Julian day) of a Unix time in milliseconds.
fn beijing_julian_day(ms: i64) -> i64 {
    (ms + BEIJING_OFFSET_MS).div_euclid(DAY_MS) + UNIX_EPOCH_JULIAN_DAY
}

const fn hm(hour: u32, minute: u32) -> u32 {
    hour * 60 + minute
}

// ---------------------------------------------------------------------------------------------
// The office calendar: Monday to Friday, minus the public holidays.

/// Public holidays (first day, number of days) the committee office is closed.
const HOLIDAYS: [(i32, u8, u8, u8); 14] = [
    (2025, 1, 1, 1),
    (2025, 1, 28, 8), // 春节
    (2025, 4, 4, 3),  // 清明
    (2025, 5, 1, 5),  // 劳动节
    (2025, 5, 31, 3), // 端午
    (2025, 10, 1, 8), // 国庆、中秋
    (2026, 1, 1, 3),
    (2026, 2, 15, 9), // 春节
    (2026, 4, 4, 3),
    (2026, 5, 1, 5),
    (2026, 6, 19, 3),
    (2026, 9, 25, 3),
    (2026, 10, 1, 7),
    (2027, 1, 1, 3),
];

#[derive(Debug)]
struct Calendar {
    /// Office days by (year, month).
    office: BTreeMap<(i32, u8), Vec<Date>>,
}

impl Calendar {
    fn new(first: Date, last: Date) -> Calendar {
        let mut closed = BTreeSet::new();
        for (y, m, d, n) in HOLIDAYS {
            let mut day = date(y, m, d);
            for _ in 0..n {
                closed.insert(day);
                day = next_day(day);
            }
        }
        let mut office: BTreeMap<(i32, u8), Vec<Date>> = BTreeMap::new();
        let mut d = first;
        while d <= last {
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            if !weekend && !closed.contains(&d) {
                office
                    .entry((d.year(), u8::from(d.month())))
                    .or_default()
                    .push(d);
            }
            d = next_day(d);
        }
        Calendar { office }
    }

    /// The office days of a month.
    fn days(&self, year: i32, month: u8) -> &[Date] {
        self.office.get(&(year, month)).map_or(&[], Vec::as_slice)
    }

    /// The `n`th (1-based) office day of a month.
    fn nth(&self, year: i32, month: u8, n: usize) -> Date {
        *self
            .days(year, month)
            .get(n - 1)
            .unwrap_or_else(|| panic!("{year}-{month} has no office day {n}"))
    }

    /// The position (0-based) of `d` among its month's office days, if it is one.
    fn index(&self, d: Date) -> Option<usize> {
        self.days(d.year(), u8::from(d.month()))
            .iter()
            .position(|x| *x == d)
    }

    /// The first office day after `d`.
    fn next_office_day(&self, d: Date) -> Date {
        let mut x = next_day(d);
        while self.index(x).is_none() {
            x = next_day(x);
        }
        x
    }

    /// Whether `d` is the week's last office day (Monday to Friday).
    fn is_weeks_last_office_day(&self, d: Date) -> bool {
        if self.index(d).is_none() {
            return false;
        }
        let mut x = d;
        while x.weekday() != Weekday::Friday {
            x = next_day(x);
            if self.index(x).is_some() {
                return false;
            }
        }
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Households and their habits.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Habit {
    /// Pays every month by WeChat Pay or Alipay, now and then a month late.
    Monthly,
    /// Pays everything owed every two to four months.
    Late,
    /// Pays the whole year in January.
    Annual,
    /// Pays cash at the office in the last month of each quarter, naming the months.
    Quarterly,
    /// Never pays (a dispute with the old management, an owner abroad).
    Never,
    /// Pays a few months' worth once or twice in two years.
    Rare,
}

#[derive(Debug, Clone)]
struct Home {
    unit: Unit,
    area: i64,
    habit: Habit,
    channel: Channel,
    /// The months this household considers paid (for the months its payments name).
    paid_through: Period,
    /// For [`Habit::Late`]: the month of its next payment.
    next_due: Period,
    /// For [`Habit::Rare`]: the months it pays in, and how many months' worth.
    rare: Vec<(Period, i64)>,
}

impl Home {
    /// What this household is charged each month now.
    fn monthly(&self) -> i64 {
        let property = charge_amount(FeeBasis::PerM2, fen(PROPERTY_FEE_FEN_PER_M2), self.area)
            .unwrap_or_else(|| panic!("charge for {}", self.unit));
        property.get() + GARBAGE_FEE_FEN
    }
}

/// The document an expenditure is paid against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    Fapiao,
    Receipt,
    None,
}

/// One expenditure to propose and pay.
#[derive(Debug, Clone)]
struct Spend {
    payee: String,
    category: &'static str,
    fund: String,
    amount: i64,
    description: String,
    channel: Channel,
    doc: Doc,
}

impl Spend {
    fn operating(
        payee: &str,
        category: &'static str,
        amount: i64,
        description: String,
        channel: Channel,
        doc: Doc,
    ) -> Spend {
        Spend {
            payee: payee.to_string(),
            category,
            fund: "operating".to_string(),
            amount,
            description,
            channel,
            doc,
        }
    }
}

type Action = Box<dyn FnOnce(&mut Gen)>;

// ---------------------------------------------------------------------------------------------
// The generator.

struct Gen {
    rng: SplitMix64,
    signers: HashMap<&'static str, AuthorSigner>,
    ledger: Ledger,
    head: LogHead,
    entries: Vec<Entry>,
    summary: Summary,
    treasurer: &'static str,
    homes: Vec<Home>,
    calendar: Calendar,
    /// What is to happen, by day: (minute after Beijing midnight, action).
    agenda: BTreeMap<Date, Vec<(u32, Action)>>,
    today: Date,
    running_today: bool,
    done: bool,
    target_ms: i64,
    last_ms: i64,
    /// Event ids of proposals made earlier, by the name the scheduled steps share.
    named: HashMap<String, String>,
    /// Proposals not yet paid: fund and amount (so that no proposal promises money twice).
    open: HashMap<String, (FundId, i64)>,
    counter: u64,
    /// The last receipt number given, by year.
    receipts: BTreeMap<i32, u32>,
    typo_done: bool,
    /// The passed owners' decision to use the maintenance fund, once taken.
    maintenance_decision: Option<String>,
    /// Every document hashed so far, by hash: see [`Demo::documents`].
    documents: BTreeMap<Hash, Vec<u8>>,
}

impl Gen {
    fn new(seed: u64) -> Gen {
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

    fn key(&self, role: &str) -> PublicKey {
        self.signers
            .get(role)
            .unwrap_or_else(|| panic!("no demo role {role}"))
            .public_key()
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.rng.below(bound)
    }

    /// A value in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.rng.below(span)).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.rng.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = usize::try_from(self.rng.below(items.len() as u64)).unwrap_or(0);
        items[i]
    }

    /// `n` distinct committee members, in random order.
    fn members(&mut self, n: usize) -> Vec<&'static str> {
        let mut all = COMMITTEE.to_vec();
        for i in (1..all.len()).rev() {
            let j = usize::try_from(self.rng.below(i as u64 + 1)).unwrap_or(0);
            all.swap(i, j);
        }
        all.truncate(n);
        all
    }

    fn fresh_name(&mut self) -> String {
        self.counter += 1;
        format!("n{}", self.counter)
    }

    // --- time ---------------------------------------------------------------------------------

    fn at(&mut self, day: Date, minute: u32, action: impl FnOnce(&mut Gen) + 'static) {
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
    fn later(&mut self, lo: i64, hi: i64) {
        let s = self.between(lo, hi);
        self.target_ms = self.last_ms + s * 1_000 + self.between(0, 999);
    }

    fn next_time(&mut self) -> RecordedAt {
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
    fn event_id(&mut self, at: RecordedAt) -> String {
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
    fn emit(&mut self, event: LedgerEvent, signers: &[&'static str]) -> (String, u64) {
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

    fn as_treasurer(&mut self, event: LedgerEvent) -> (String, u64) {
        let t = self.treasurer;
        self.emit(event, &[t])
    }

    fn as_quorum(&mut self, event: LedgerEvent) -> (String, u64) {
        let signers = self.members(APPROVALS_REQUIRED as usize);
        self.emit(event, &signers)
    }

    /// The hash an entry names for a document, keeping the document's bytes. Only the hash goes
    /// into the log, so keeping the text changes no entry's bytes.
    fn document(&mut self, text: &str) -> HashHex {
        let hash = sha256(text.as_bytes());
        self.documents
            .entry(hash)
            .or_insert_with(|| text.as_bytes().to_vec());
        HashHex(hash)
    }

    fn fapiao(&mut self, year: i32) -> Invoice {
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

    fn receipt(&mut self, year: i32) -> Invoice {
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

    fn invoice(&mut self, doc: Doc) -> Invoice {
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

    // --- the story ----------------------------------------------------------------------------

    fn run(&mut self) {
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

    /// The one-off events, scheduled up front.
    fn script(&mut self) {
        let c = |g: &Gen, y, m, n| g.calendar.nth(y, m, n);
        // January 2025: the ledger opens, the households are registered building by building,
        // the owners' decisions of December are recorded, and January is charged.
        let d = c(self, 2025, 1, 1);
        self.at(d, hm(8, 40), |g| g.genesis());
        for (i, buildings) in [1..=3, 4..=6, 7..=9, 10..=12].into_iter().enumerate() {
            let d = c(self, 2025, 1, i + 1);
            self.at(d, hm(9, 10), move |g| {
                let last = *buildings.end() == 12;
                g.register(buildings);
                if last {
                    g.assign_habits();
                }
            });
        }
        let d = c(self, 2025, 1, 5);
        self.at(d, hm(9, 30), |g| {
            let decision = g.decision(
                Matter::FeeSchedule,
                "2025—2026年度物业费、垃圾清运费收费标准",
                Outcome::Passed,
            );
            g.later(300, 900);
            g.fee_schedule(decision);
        });
        self.at(d, hm(10, 40), |g| {
            let decision = g.decision(Matter::Budget, "2025年度收支预算", Outcome::Passed);
            g.later(300, 900);
            g.budget(2025, decision, false);
        });
        let d = c(self, 2025, 1, 6);
        self.at(d, hm(9, 0), |g| g.charges(period(2025, 1)));
        // February: two areas corrected after checking the property certificates.
        let d = c(self, 2025, 2, 8);
        self.at(d, hm(10, 15), |g| g.corrections());
        // May–December 2025: the one-meter-per-household water meter project.
        self.meter_project();
        // June 2025: drainage dredging before the rainy season, above the approval threshold.
        let d = c(self, 2025, 6, 6);
        let amount = 2_860_000 + 100 * self.between(0, 800);
        let spend = Spend::operating(
            "顺通管道疏通服务部",
            "drainage",
            amount,
            "汛期前化粪池清掏及雨污水管网疏通（全小区12栋）".into(),
            Channel::BankTransfer,
            Doc::Fapiao,
        );
        let pay = c(self, 2025, 6, 14);
        self.large_spend(d, spend, pay);
        // November 2025: first round of payment demands (six months or more owed).
        let d = c(self, 2025, 11, 5);
        self.at(d, hm(14, 0), |g| g.demands(6));
        // December 2025: the 2026 budget.
        let d = c(self, 2025, 12, 8);
        self.at(d, hm(10, 0), |g| {
            let decision = g.decision(Matter::Budget, "2026年度收支预算", Outcome::Passed);
            g.later(300, 900);
            g.budget(2026, decision, true);
        });
        // April 2026: the treasurer hands over; the old key is revoked.
        let d = c(self, 2026, 4, 6);
        self.at(d, hm(9, 30), |g| g.handover());
        // May 2026: a paid-parking motion fails (it needs three quarters).
        let d = c(self, 2026, 5, 8);
        self.at(d, hm(10, 30), |g| {
            g.decision(
                Matter::ChangeCommonUse,
                "利用东侧空地设置收费停车位",
                Outcome::Rejected,
            );
        });
        // June–July 2026: roof waterproofing of building 3 from the maintenance fund.
        let d = c(self, 2026, 6, 4);
        self.at(d, hm(10, 0), |g| {
            let id = g.decision(
                Matter::UseMaintenanceFund,
                "使用维修资金维修3号楼屋面防水",
                Outcome::Passed,
            );
            g.maintenance_decision = Some(id);
        });
        let d = c(self, 2026, 7, 3);
        let spend = Spend {
            payee: "安居防水工程有限公司".into(),
            category: "repairs",
            fund: "maintenance".into(),
            amount: 4_680_000 + 100 * self.between(0, 500),
            description: "3号楼屋面防水层翻修（业主大会决定使用维修资金）".into(),
            channel: Channel::BankTransfer,
            doc: Doc::Fapiao,
        };
        let pay = c(self, 2026, 7, 12);
        self.large_spend(d, spend, pay);
        // October 2026: second round of demands, to every chronic debtor still owing.
        let d = c(self, 2026, 10, 6);
        self.at(d, hm(14, 0), |g| g.demands(1));
        // January 2027: after the last close, the street office audits the two years.
        let d = c(self, 2027, 1, 5);
        self.at(d, hm(15, 0), |g| g.audit());
    }

    /// The recurring events of `day`: charges, closes, bills, wages, income.
    fn routines(&mut self, day: Date) {
        let Some(i) = self.calendar.index(day) else {
            return;
        };
        let p = period_of(day);
        let (y, m) = (day.year(), p.month());
        if i == 0 && p > first_period() && p <= last_charged_period() {
            self.at(day, hm(8, 50), move |g| g.charges(p));
        }
        if m % 3 == 1 && i == 2 && p > first_period() {
            let prev = (0..3).fold(p, |q, _| previous(q));
            let range = PeriodRange {
                from: prev,
                to: previous(p),
            };
            self.at(day, hm(10, 0), move |g| g.close(range));
        }
        let last = previous(p);
        let month_text = format!("{}年{}月", last.year(), last.month());
        if i == 2 {
            let spend = Spend::operating(
                "城区环境卫生服务中心",
                "garbage_removal",
                468_000,
                format!("{month_text}生活垃圾清运费"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend(day, hm(10, 30), day, hm(14, 30), spend);
        }
        if i == 3 {
            let extra = if matches!(m, 3 | 4 | 10) {
                100 * self.between(800, 2_800)
            } else {
                0
            };
            let what = if extra > 0 {
                "绿化养护及补植"
            } else {
                "绿化养护"
            };
            let spend = Spend::operating(
                "绿源园林绿化工程有限公司",
                "greenery",
                180_000 + extra,
                format!("{month_text}{what}"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            let wrong_invoice = p == period(2025, 9);
            self.spend_with(day, hm(10, 45), day, hm(15, 0), spend, wrong_invoice);
        }
        if i == 4 {
            let winter = matches!(last.month(), 11 | 12 | 1 | 2);
            let base = if winter { 86_000 } else { 54_000 };
            let amount = base + self.between(0, 18_000);
            let spend = Spend::operating(
                "国网供电公司城区供电中心",
                "lighting",
                amount,
                format!("{month_text}楼道及路灯公共用电电费"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend(day, hm(9, 40), day, hm(14, 10), spend);
            let wage = if y >= 2026 { 290_000 } else { 280_000 };
            for (k, guard) in ["门卫张建国", "门卫刘德顺"].into_iter().enumerate() {
                let spend = Spend::operating(
                    guard,
                    "security",
                    wage,
                    format!("{month_text}门卫工资"),
                    Channel::WechatPay,
                    Doc::Receipt,
                );
                let minute = hm(16, 0) + 10 * k as u32;
                self.spend(day, minute, day, minute + 5, spend);
            }
        }
        if i == 8 && self.chance(40) {
            self.repair(day);
        }
        if self.chance(8) {
            let minute = hm(11, 0) + u32::try_from(self.below(60)).unwrap_or(0);
            self.at(day, minute, |g| g.petty_cash());
        }
        if self.calendar.is_weeks_last_office_day(day) {
            let wage = if y >= 2026 { 110_000 } else { 105_000 };
            let week = format!("{}年第{}周保洁工资", day.year(), day.iso_week());
            for (k, cleaner) in ["保洁员王秀英", "保洁员李桂兰"].into_iter().enumerate()
            {
                let channel = if k == 0 {
                    Channel::Cash
                } else {
                    Channel::WechatPay
                };
                let spend = Spend::operating(
                    cleaner,
                    "cleaning",
                    wage,
                    week.clone(),
                    channel,
                    Doc::Receipt,
                );
                let minute = hm(16, 30) + 8 * k as u32;
                self.spend(day, minute, day, minute + 3, spend);
            }
        }
        // Public revenue (公共收益) and bank interest.
        if m % 3 == 1 && i == 6 {
            self.at(day, hm(11, 20), |g| {
                g.income(
                    "public_revenue",
                    "advertising",
                    "城市之光广告传媒有限公司",
                    750_000,
                    Channel::BankTransfer,
                )
            });
        }
        if m % 3 == 2 && i == 7 {
            self.at(day, hm(11, 30), |g| {
                g.income(
                    "public_revenue",
                    "space_rental",
                    "速充电动车充电科技有限公司",
                    180_000,
                    Channel::BankTransfer,
                )
            });
        }
        if i == 9 {
            self.at(day, hm(10, 50), |g| {
                g.income(
                    "public_revenue",
                    "space_rental",
                    "丰巢快递柜场地使用费",
                    20_000,
                    Channel::BankTransfer,
                )
            });
        }
        let first_after_21 = self
            .calendar
            .days(y, m)
            .iter()
            .find(|d| d.day() >= 21)
            .copied();
        if m % 3 == 0 && first_after_21 == Some(day) {
            self.at(day, hm(9, 20), |g| {
                for f in ["operating", "maintenance"] {
                    let balance = g.ledger.fund_balance(&fund(f)).map_or(0, Fen::get);
                    // 0.35% a year, a quarter's worth.
                    let interest = balance * 35 / 40_000;
                    if interest > 0 {
                        g.income(
                            f,
                            "interest",
                            "中国建设银行城区支行",
                            interest,
                            Channel::BankTransfer,
                        );
                        g.later(20, 120);
                    }
                }
            });
        }
    }

    // --- the ledger's opening and the households ---------------------------------------------

    fn genesis(&mut self) {
        let operating = self.between(6_000_000, 9_000_000);
        let public = self.between(1_500_000, 3_000_000);
        let maintenance = self.between(15_000_000, 20_000_000);
        let body = LedgerOpened {
            origin: ORIGIN.to_string(),
            community: label(COMMUNITY),
            log_key: log_signer().verifier().to_string(),
            committee: COMMITTEE.iter().map(|r| KeyHex(self.key(r))).collect(),
            treasurer: KeyHex(self.key(TREASURER)),
            auditor: KeyHex(self.key(AUDITOR)),
            governance: Governance {
                approval_threshold_fen: fen(APPROVAL_THRESHOLD_FEN),
                approvals_required: APPROVALS_REQUIRED,
            },
            first_period: first_period(),
            opening_balances: vec![
                FundAmount {
                    fund: fund("operating"),
                    amount_fen: fen(operating),
                },
                FundAmount {
                    fund: fund("public_revenue"),
                    amount_fen: fen(public),
                },
                FundAmount {
                    fund: fund("maintenance"),
                    amount_fen: fen(maintenance),
                },
            ],
        };
        self.emit(LedgerEvent::LedgerOpened(body), &COMMITTEE);
    }

    /// Registers the households of `buildings`: three entrances, six floors, two or three flats
    /// a floor (rooms 101..603); flats stacked above each other have the same area.
    fn register(&mut self, buildings: std::ops::RangeInclusive<u32>) {
        for b in buildings {
            // 1980s buildings (1–6) have smaller flats than the 1990s ones (7–12).
            let (lo, hi) = if b <= 6 {
                (4_500, 8_800)
            } else {
                (6_000, 12_000)
            };
            for e in 1..=3 {
                let rooms = if self.chance(17) { 2 } else { 3 };
                let areas: Vec<i64> = (0..rooms).map(|_| self.between(lo, hi)).collect();
                for floor in 1..=6 {
                    for (n, area) in areas.iter().enumerate() {
                        let unit = Unit::try_from(format!("{b}-{e}-{}", floor * 100 + n + 1))
                            .unwrap_or_else(|e| panic!("{e}"));
                        let body = HouseholdRegistered {
                            unit: unit.clone(),
                            area_centi_m2: *area,
                        };
                        self.as_treasurer(LedgerEvent::HouseholdRegistered(body));
                        self.later(20, 75);
                        self.homes.push(Home {
                            unit,
                            area: *area,
                            habit: Habit::Monthly,
                            channel: Channel::WechatPay,
                            paid_through: period(2024, 12),
                            next_due: first_period(),
                            rare: Vec::new(),
                        });
                    }
                }
            }
        }
    }

    /// Gives each household a payment habit, in fixed proportions: 10% chronic debtors (two
    /// fifths never pay), 8% pay yearly, 16% cash quarterly, 6% late, the rest monthly online.
    fn assign_habits(&mut self) {
        let n = self.homes.len();
        let chronic = (n + 5) / 10;
        let never = chronic * 2 / 5;
        let annual = n * 8 / 100;
        let quarterly = n * 16 / 100;
        let late = n * 6 / 100;
        let mut habits = Vec::with_capacity(n);
        habits.extend(std::iter::repeat_n(Habit::Never, never));
        habits.extend(std::iter::repeat_n(Habit::Rare, chronic - never));
        habits.extend(std::iter::repeat_n(Habit::Annual, annual));
        habits.extend(std::iter::repeat_n(Habit::Quarterly, quarterly));
        habits.extend(std::iter::repeat_n(Habit::Late, late));
        habits.resize(n, Habit::Monthly);
        for i in (1..n).rev() {
            let j = usize::try_from(self.rng.below(i as u64 + 1)).unwrap_or(0);
            habits.swap(i, j);
        }
        for (h, habit) in habits.into_iter().enumerate() {
            let channel = match habit {
                Habit::Monthly | Habit::Late => {
                    let r = self.below(100);
                    if r < 55 {
                        Channel::WechatPay
                    } else if r < 95 {
                        Channel::Alipay
                    } else {
                        Channel::BankTransfer
                    }
                }
                Habit::Annual => {
                    self.pick(&[Channel::BankTransfer, Channel::WechatPay, Channel::Alipay])
                }
                Habit::Quarterly => Channel::Cash,
                Habit::Never | Habit::Rare => self.pick(&[Channel::Cash, Channel::WechatPay]),
            };
            let mut rare = Vec::new();
            if habit == Habit::Rare {
                // Once in 2025, and for half of them again after the November demand; never
                // more than 8 months' worth, so that they stay more than 6 months behind.
                rare.push((
                    period(2025, 3 + u8::try_from(self.below(8)).unwrap_or(0)),
                    self.between(2, 4),
                ));
                if self.chance(50) {
                    let month =
                        add_months(period(2025, 12), u32::try_from(self.below(2)).unwrap_or(0));
                    rare.push((month, self.between(2, 4)));
                }
            }
            let next_due = add_months(first_period(), u32::try_from(self.below(3)).unwrap_or(0));
            let home = &mut self.homes[h];
            home.habit = habit;
            home.channel = channel;
            home.rare = rare;
            home.next_due = next_due;
        }
        self.summary.chronic_units = self
            .homes
            .iter()
            .filter(|h| matches!(h.habit, Habit::Never | Habit::Rare))
            .map(|h| h.unit.clone())
            .collect();
    }

    fn corrections(&mut self) {
        let monthly: Vec<usize> = (0..self.homes.len())
            .filter(|h| self.homes[*h].habit == Habit::Monthly)
            .collect();
        let mut done = BTreeSet::new();
        while done.len() < 2 {
            let h = self.pick(&monthly);
            if !done.insert(h) {
                continue;
            }
            let delta = self.between(120, 640) * if self.chance(50) { 1 } else { -1 };
            let area = self.homes[h].area + delta;
            let reason = format!(
                "核对房产证，建筑面积应为{}.{:02}㎡，登记有误",
                area / 100,
                area % 100
            );
            let body = HouseholdCorrected {
                unit: self.homes[h].unit.clone(),
                area_centi_m2: area,
                reason: label(&reason),
            };
            self.as_treasurer(LedgerEvent::HouseholdCorrected(body));
            self.later(120, 600);
            self.homes[h].area = area;
        }
    }

    // --- governance ---------------------------------------------------------------------------

    /// Records an owners' decision whose vote totals (drawn from the registered households'
    /// areas and count) give `want`.
    fn decision(&mut self, matter: Matter, title: &str, want: Outcome) -> String {
        let (take_part, yes) = match (want, matter.needs_three_quarters()) {
            (Outcome::Passed, true) => (82, 90),
            (Outcome::Passed, false) => (78, 76),
            (Outcome::Rejected, _) => (74, 60),
        };
        for _ in 0..100 {
            let mut t = VoteTotals {
                total_area_centi_m2: 0,
                total_owners: 0,
                participating_area_centi_m2: 0,
                participating_owners: 0,
                yes_area_centi_m2: 0,
                yes_owners: 0,
            };
            for h in 0..self.homes.len() {
                let area = self.homes[h].area;
                t.total_area_centi_m2 += area;
                t.total_owners += 1;
                if self.chance(take_part) {
                    t.participating_area_centi_m2 += area;
                    t.participating_owners += 1;
                    if self.chance(yes) {
                        t.yes_area_centi_m2 += area;
                        t.yes_owners += 1;
                    }
                }
            }
            if decide(matter, &t) == Ok(want) {
                let document_sha256 = self.document(&format!("业主大会表决结果公告：{title}"));
                let body = OwnersDecision {
                    matter,
                    title: label(title),
                    totals: t,
                    outcome: want,
                    document_sha256,
                };
                return self.as_quorum(LedgerEvent::OwnersDecision(body)).0;
            }
        }
        panic!("no vote for {title:?} gives {want:?}");
    }

    fn fee_schedule(&mut self, decision: String) {
        let body = FeeScheduleAdopted {
            items: vec![
                FeeItem {
                    item: slug("property_fee"),
                    name: label("物业费"),
                    basis: FeeBasis::PerM2,
                    rate_fen: fen(PROPERTY_FEE_FEN_PER_M2),
                },
                FeeItem {
                    item: slug("garbage_fee"),
                    name: label("垃圾清运费"),
                    basis: FeeBasis::PerHousehold,
                    rate_fen: fen(GARBAGE_FEE_FEN),
                },
            ],
            from_period: first_period(),
            decision,
        };
        self.as_quorum(LedgerEvent::FeeScheduleAdopted(body));
    }

    fn budget(&mut self, year: u16, decision: String, with_maintenance: bool) {
        let mut lines: Vec<(&str, &str, i64)> = vec![
            ("operating", "cleaning", 11_400_000),
            ("operating", "garbage_removal", 5_700_000),
            ("operating", "greenery", 2_800_000),
            ("operating", "lighting", 1_000_000),
            ("operating", "security", 7_000_000),
            ("operating", "drainage", 3_200_000),
            ("operating", "repairs", 1_500_000),
        ];
        if with_maintenance {
            lines.push(("maintenance", "repairs", 5_200_000));
        }
        let lines = lines
            .into_iter()
            .map(|(f, c, a)| BudgetLine {
                fund: fund(f),
                category: slug(c),
                amount_fen: fen(a),
            })
            .collect();
        self.as_quorum(LedgerEvent::BudgetAdopted(BudgetAdopted {
            year,
            lines,
            decision,
        }));
    }

    fn handover(&mut self) {
        let new = KeyHex(self.key(NEW_TREASURER));
        let (_, granted) = self.as_quorum(LedgerEvent::RoleGranted(RoleGranted {
            role: Role::Treasurer,
            key: new,
        }));
        self.treasurer = NEW_TREASURER;
        self.later(600, 1_500);
        let old = KeyHex(self.key(TREASURER));
        let reason = label("原出纳离任，账册、现金及印章交接完毕，旧密钥停用");
        let (_, revoked) = self.as_quorum(LedgerEvent::KeyRevoked(KeyRevoked { key: old, reason }));
        self.summary.handover = Some((granted, revoked));
    }

    // --- fees and payments --------------------------------------------------------------------

    fn charges(&mut self, p: Period) {
        let due = self.ledger.due_charges(p);
        assert!(!due.is_empty(), "nothing to charge for {p}");
        for chunk in due.chunks(CHARGES_PER_ENTRY_MAX) {
            let body = ChargesAssessed {
                period: p,
                charges: chunk.to_vec(),
            };
            self.as_treasurer(LedgerEvent::ChargesAssessed(body));
            self.later(3, 20);
        }
        self.summary.charged_periods.push(p);
        self.plan_payments(p);
    }

    /// Decides who pays this month and on which office day (after today's assessment).
    fn plan_payments(&mut self, p: Period) {
        let days: Vec<Date> = self
            .calendar
            .days(self.today.year(), p.month())
            .iter()
            .filter(|d| **d > self.today)
            .copied()
            .collect();
        assert!(!days.is_empty(), "no office day left in {p}");
        for h in 0..self.homes.len() {
            let home = &self.homes[h];
            let pays = match home.habit {
                Habit::Monthly => !self.chance(6),
                Habit::Late => home.next_due <= p,
                Habit::Annual => p.month() == 1,
                Habit::Quarterly => p.month() % 3 == 0,
                Habit::Never => false,
                Habit::Rare => home.rare.iter().any(|(m, _)| *m == p),
            };
            if !pays {
                continue;
            }
            if self.homes[h].habit == Habit::Late {
                let gap = u32::try_from(self.between(2, 4)).unwrap_or(2);
                self.homes[h].next_due = add_months(p, gap);
            }
            let n = days.len();
            let r = self.below(100);
            let index = if r < 55 {
                self.below(n.min(5) as u64)
            } else if r < 85 {
                n.min(5) as u64 + self.below(n.min(12).saturating_sub(5).max(1) as u64)
            } else {
                self.below(n as u64)
            };
            let day = days[usize::try_from(index).unwrap_or(0).min(n - 1)];
            let minute =
                hm(9, 5) + u32::try_from(self.below(u64::from(hm(17, 20) - hm(9, 5)))).unwrap_or(0);
            self.at(day, minute, move |g| g.pay(h));
        }
    }

    fn pay(&mut self, h: usize) {
        let p = period_of(self.today);
        let home = self.homes[h].clone();
        let owed = self.ledger.arrears(&home.unit).get();
        let (amount, periods, paid_through) = match home.habit {
            Habit::Annual => {
                let year = months(p, period(p.year(), 12));
                (
                    owed + (year.len() as i64 - 1) * home.monthly(),
                    year,
                    period(p.year(), 12),
                )
            }
            Habit::Rare => {
                let worth = home
                    .rare
                    .iter()
                    .find(|(m, _)| *m == p)
                    .map_or(1, |(_, k)| *k);
                (
                    owed.min(worth * home.monthly()),
                    Vec::new(),
                    home.paid_through,
                )
            }
            _ => {
                let named = months(home.paid_through.next(), p);
                let keep = named.len().saturating_sub(12);
                (owed, named[keep..].to_vec(), p)
            }
        };
        if amount <= 0 {
            return;
        }
        if home.habit == Habit::Quarterly && p == period(2025, 6) && !self.typo_done {
            self.typo_done = true;
            self.mistyped_cash_payment(&home, amount, &periods);
        } else {
            let body = PaymentReceived {
                unit: home.unit.clone(),
                amount_fen: fen(amount),
                channel: home.channel,
                periods,
            };
            self.as_treasurer(LedgerEvent::PaymentReceived(body));
        }
        self.homes[h].paid_through = paid_through;
    }

    /// A cash payment entered with two digits swapped, reversed, and entered again.
    fn mistyped_cash_payment(&mut self, home: &Home, amount: i64, periods: &[Period]) {
        let mut digits: Vec<u8> = amount.to_string().into_bytes();
        let wrong = if digits.len() >= 5 && digits[digits.len() - 4] != digits[digits.len() - 5] {
            let n = digits.len();
            digits.swap(n - 4, n - 5);
            String::from_utf8(digits)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(amount + 10_000)
        } else {
            amount + 10_000
        };
        let body = PaymentReceived {
            unit: home.unit.clone(),
            amount_fen: fen(wrong),
            channel: Channel::Cash,
            periods: periods.to_vec(),
        };
        let (id, _) = self.as_treasurer(LedgerEvent::PaymentReceived(body));
        self.later(240, 900);
        let reason = format!(
            "现金收款金额录入错误：误录为{}元，实收{}元，冲销后重录",
            fen(wrong),
            fen(amount)
        );
        let (_, seq) = self.as_treasurer(LedgerEvent::Reversal(Reversal {
            reverses: id,
            reason: label(&reason),
        }));
        self.summary.reversals.push(seq);
        self.later(30, 120);
        let body = PaymentReceived {
            unit: home.unit.clone(),
            amount_fen: fen(amount),
            channel: Channel::Cash,
            periods: periods.to_vec(),
        };
        self.as_treasurer(LedgerEvent::PaymentReceived(body));
    }

    /// Payment demands (催告) to every chronic debtor owing at least `months` months' worth.
    fn demands(&mut self, months_owed: i64) {
        for h in 0..self.homes.len() {
            if !matches!(self.homes[h].habit, Habit::Never | Habit::Rare) {
                continue;
            }
            let unit = self.homes[h].unit.clone();
            let owed = self.ledger.arrears(&unit);
            if owed.get() == 0 || owed.get() < months_owed * self.homes[h].monthly() {
                continue;
            }
            let document_sha256 =
                self.document(&format!("催告函 {unit} 欠费{owed}元 {}", self.today));
            let body = PaymentDemandIssued {
                unit: unit.clone(),
                amount_fen: owed,
                document_sha256,
            };
            self.as_treasurer(LedgerEvent::PaymentDemandIssued(body));
            self.summary.demands.push(unit);
            self.later(30, 100);
        }
    }

    fn close(&mut self, range: PeriodRange) {
        let statement = self.ledger.statement(range);
        let (_, seq) = self.as_treasurer(LedgerEvent::PeriodClosed(PeriodClosed { statement }));
        self.summary.closes.push((range, seq));
    }

    fn audit(&mut self) {
        let (range, through_seq) = *self
            .summary
            .closes
            .last()
            .unwrap_or_else(|| panic!("no close to audit"));
        let findings = self.document(&format!(
            "街道办事处审计报告：{COMMUNITY} {}至{}",
            first_period(),
            range.to
        ));
        let body = AuditAttested {
            through_seq,
            findings_sha256: findings,
            opinion: label("账实相符，收支凭证齐全，未发现重大问题"),
        };
        let (_, seq) = self.emit(LedgerEvent::AuditAttested(body), &[AUDITOR]);
        self.summary.audit = Some(seq);
        self.done = true;
    }

    // --- money in and out ---------------------------------------------------------------------

    fn income(&mut self, f: &str, category: &str, payer: &str, amount: i64, channel: Channel) {
        let body = IncomeReceived {
            fund: fund(f),
            category: slug(category),
            payer: label(payer),
            amount_fen: fen(amount),
            channel,
        };
        self.as_treasurer(LedgerEvent::IncomeReceived(body));
    }

    /// Proposes an expenditure if its fund can pay it (after what earlier proposals promised).
    fn propose(&mut self, spend: &Spend) -> Option<String> {
        let f = fund(&spend.fund);
        let balance = self
            .ledger
            .fund_balance(&f)
            .unwrap_or_else(|| panic!("fund {f}"))
            .get();
        let promised: i64 = self
            .open
            .values()
            .filter(|(of, _)| *of == f)
            .map(|(_, a)| a)
            .sum();
        if balance - promised < spend.amount {
            self.summary.skipped_for_funds += 1;
            return None;
        }
        let body = ExpenseProposed {
            payee: label(&spend.payee),
            category: slug(spend.category),
            fund: f.clone(),
            amount_fen: fen(spend.amount),
            description: label(&spend.description),
            project: f.project().map(slug),
            decision: if f.as_str() == "maintenance" {
                self.maintenance_decision.clone()
            } else {
                None
            },
        };
        let (id, _) = self.as_treasurer(LedgerEvent::ExpenseProposed(body));
        self.open.insert(id.clone(), (f, spend.amount));
        Some(id)
    }

    fn pay_expense(&mut self, proposal: &str, channel: Channel, invoice: Invoice) -> String {
        let body = ExpensePaid {
            proposal: proposal.to_string(),
            channel,
            invoice,
        };
        let (id, _) = self.as_treasurer(LedgerEvent::ExpensePaid(body));
        self.open.remove(proposal);
        id
    }

    fn approve(&mut self, proposal: &str, member: &'static str) {
        let body = ExpenseApproved {
            proposal: proposal.to_string(),
        };
        self.emit(LedgerEvent::ExpenseApproved(body), &[member]);
    }

    /// Proposes on `day` and pays on `pay_day` (at or below the approval threshold).
    fn spend(&mut self, day: Date, minute: u32, pay_day: Date, pay_minute: u32, spend: Spend) {
        self.spend_with(day, minute, pay_day, pay_minute, spend, false);
    }

    /// As [`Gen::spend`]; with `wrong_invoice`, the payment is first recorded with another
    /// invoice's number, reversed, and recorded again.
    fn spend_with(
        &mut self,
        day: Date,
        minute: u32,
        pay_day: Date,
        pay_minute: u32,
        spend: Spend,
        wrong_invoice: bool,
    ) {
        assert!(
            spend.amount <= APPROVAL_THRESHOLD_FEN,
            "{} needs approvals",
            spend.description
        );
        let name = self.fresh_name();
        let (channel, doc) = (spend.channel, spend.doc);
        let key = name.clone();
        self.at(day, minute, move |g| {
            if let Some(id) = g.propose(&spend) {
                g.named.insert(key, id);
            }
        });
        self.at(pay_day, pay_minute, move |g| {
            let Some(id) = g.named.remove(&name) else {
                return;
            };
            if wrong_invoice {
                let invoice = g.invoice(doc);
                let paid = g.pay_expense(&id, channel, invoice);
                g.later(1_200, 3_000);
                let reason = label("发票号码录错（误录为上月发票），冲销后按正确发票重新登记");
                let (_, seq) = g.as_treasurer(LedgerEvent::Reversal(Reversal {
                    reverses: paid,
                    reason,
                }));
                g.summary.reversals.push(seq);
                g.later(60, 300);
            }
            let invoice = g.invoice(doc);
            g.pay_expense(&id, channel, invoice);
        });
    }

    /// Proposes on `day`; three committee members approve over the next office days; paid on
    /// `pay_day`.
    fn large_spend(&mut self, day: Date, spend: Spend, pay_day: Date) {
        assert!(spend.amount > APPROVAL_THRESHOLD_FEN);
        let name = self.fresh_name();
        let (channel, doc) = (spend.channel, spend.doc);
        let key = name.clone();
        self.at(day, hm(9, 50), move |g| {
            let id = g
                .propose(&spend)
                .unwrap_or_else(|| panic!("the fund cannot pay {}", spend.description));
            g.named.insert(key, id);
        });
        let approvers = self.members(APPROVALS_REQUIRED as usize);
        let mut d = day;
        for (k, member) in approvers.into_iter().enumerate() {
            if k > 0 {
                d = self.calendar.next_office_day(d);
            }
            assert!(d < pay_day, "approvals must come before the payment");
            let minute = if k == 0 { hm(16, 0) } else { hm(9, 0) }
                + u32::try_from(self.below(90)).unwrap_or(0);
            let name = name.clone();
            self.at(d, minute, move |g| {
                let id = g
                    .named
                    .get(&name)
                    .cloned()
                    .unwrap_or_else(|| panic!("no proposal {name}"));
                g.approve(&id, member);
            });
        }
        self.at(pay_day, hm(14, 40), move |g| {
            let id = g
                .named
                .remove(&name)
                .unwrap_or_else(|| panic!("no proposal to pay"));
            let invoice = g.invoice(doc);
            g.pay_expense(&id, channel, invoice);
        });
    }

    /// A small repair, paid the same day.
    fn repair(&mut self, day: Date) {
        const REPAIRS: [(&str, &str, &str, i64, i64); 5] = [
            (
                "老李水电维修部",
                "repairs",
                "楼道窗户玻璃更换",
                15_000,
                60_000,
            ),
            (
                "老李水电维修部",
                "repairs",
                "雨水管破损修补",
                30_000,
                150_000,
            ),
            ("便民开锁修锁店", "repairs", "单元门锁更换", 18_000, 45_000),
            (
                "明亮电工服务部",
                "lighting",
                "路灯线路检修",
                40_000,
                120_000,
            ),
            (
                "顺通管道疏通服务部",
                "drainage",
                "单元下水管道疏通",
                20_000,
                80_000,
            ),
        ];
        let (payee, category, what, lo, hi) = self.pick(&REPAIRS);
        let amount = 100 * (self.between(lo, hi) / 100);
        let doc = if amount >= 100_000 {
            Doc::Fapiao
        } else {
            Doc::Receipt
        };
        let b = self.between(1, 12);
        let spend = Spend::operating(
            payee,
            category,
            amount,
            format!("{b}号楼{what}"),
            Channel::WechatPay,
            doc,
        );
        self.spend(day, hm(10, 10), day, hm(15, 30), spend);
    }

    /// A small cash purchase, proposed and paid at once; tiny ones have no invoice.
    fn petty_cash(&mut self) {
        const ITEMS: [(&str, &str, &str, i64, i64); 5] = [
            ("五金杂货店", "lighting", "楼道LED灯泡", 2_400, 9_600),
            (
                "五金杂货店",
                "cleaning",
                "垃圾袋、扫帚等保洁用品",
                3_500,
                18_000,
            ),
            ("五金杂货店", "repairs", "水管配件及密封胶", 1_200, 8_500),
            ("便民开锁修锁店", "repairs", "信报箱锁更换", 1_500, 6_000),
            ("文具店", "repairs", "公告栏玻璃胶条及图钉", 800, 3_000),
        ];
        let (payee, category, what, lo, hi) = self.pick(&ITEMS);
        let amount = 10 * (self.between(lo, hi) / 10);
        let (doc, description) = if amount < 10_000 {
            (Doc::None, format!("{what}（小额现金零星采购，商家无票）"))
        } else {
            (Doc::Receipt, what.to_string())
        };
        let spend = Spend::operating(payee, category, amount, description, Channel::Cash, doc);
        if let Some(id) = self.propose(&spend) {
            self.later(60, 400);
            let invoice = self.invoice(doc);
            self.pay_expense(&id, Channel::Cash, invoice);
        }
    }

    /// The water meter project: owners' decision (rebuilding attached facilities, three
    /// quarters), the district's grant, and the contractor paid in installments from the
    /// restricted fund, each above the approval threshold.
    fn meter_project(&mut self) {
        let c = |g: &Gen, y, m, n| g.calendar.nth(y, m, n);
        let d = c(self, 2025, 5, 10);
        self.at(d, hm(9, 30), |g| {
            g.decision(
                Matter::Rebuild,
                "一户一表（自来水）改造实施方案",
                Outcome::Passed,
            );
        });
        let d = c(self, 2025, 6, 3);
        self.at(d, hm(10, 20), |g| {
            let amount = g.homes.len() as i64 * 140_000;
            let body = GrantReceived {
                fund: fund(&format!("project:{METER_PROJECT}")),
                grantor: label("区住房和城乡建设局"),
                purpose: label("老旧小区改造专项资金：一户一表改造"),
                amount_fen: fen(amount),
            };
            g.as_treasurer(LedgerEvent::GrantReceived(body));
        });
        // The amounts depend on the number of households, known once they are registered:
        // the steps read them when they run.
        let steps: [(i32, u8, usize, usize, &str, i64); 5] = [
            (2025, 7, 3, 9, "预付款（合同价30%）", 30),
            (2025, 9, 4, 12, "进度款（合同价40%）", 40),
            (2025, 11, 6, 14, "竣工验收款（合同价27%）", 27),
            (2025, 11, 7, 15, "监理", 0),
            (2026, 11, 5, 12, "质保金（合同价3%，质保期满）", -1),
        ];
        for (y, m, propose_n, pay_n, what, share) in steps {
            let d = c(self, y, m, propose_n);
            let pay = c(self, y, m, pay_n);
            let name = self.fresh_name();
            let key = name.clone();
            self.at(d, hm(9, 45), move |g| {
                let grant = g.homes.len() as i64 * 140_000;
                let supervision = grant * 2 / 100;
                let contract = grant - supervision;
                let part = |s: i64| contract * s / 100;
                let (payee, category, amount) = match share {
                    0 => ("正衡工程监理咨询有限公司", "supervision", supervision),
                    -1 => (
                        "宏达市政安装工程有限公司",
                        "renovation",
                        contract - part(30) - part(40) - part(27),
                    ),
                    s => ("宏达市政安装工程有限公司", "renovation", part(s)),
                };
                let description = if share == 0 {
                    "一户一表改造工程监理费".to_string()
                } else {
                    format!("一户一表改造工程{what}")
                };
                let spend = Spend {
                    payee: payee.into(),
                    category,
                    fund: format!("project:{METER_PROJECT}"),
                    amount,
                    description,
                    channel: Channel::BankTransfer,
                    doc: Doc::Fapiao,
                };
                let id = g
                    .propose(&spend)
                    .unwrap_or_else(|| panic!("the project fund cannot pay {}", spend.description));
                g.named.insert(key, id);
            });
            let approvers = self.members(APPROVALS_REQUIRED as usize);
            let mut a = d;
            for (k, member) in approvers.into_iter().enumerate() {
                if k > 0 {
                    a = self.calendar.next_office_day(a);
                }
                let minute = if k == 0 { hm(15, 30) } else { hm(9, 20) }
                    + u32::try_from(self.below(120)).unwrap_or(0);
                let name = name.clone();
                self.at(a, minute, move |g| {
                    let id = g
                        .named
                        .get(&name)
                        .cloned()
                        .unwrap_or_else(|| panic!("no proposal {name}"));
                    g.approve(&id, member);
                });
            }
            self.at(pay, hm(14, 20), move |g| {
                let id = g
                    .named
                    .remove(&name)
                    .unwrap_or_else(|| panic!("no proposal to pay"));
                let invoice = g.invoice(Doc::Fapiao);
                g.pay_expense(&id, Channel::BankTransfer, invoice);
            });
        }
    }
}

fn previous(p: Period) -> Period {
    if p.month() == 1 {
        period(p.year() - 1, 12)
    } else {
        period(p.year(), p.month() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate;
    use gongzhang_core::log::{split_lines, verify_jsonl};
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    /// The demo for seed 1, generated once for all the tests, with its generation time.
    fn demo() -> &'static (Demo, Duration) {
        static DEMO: OnceLock<(Demo, Duration)> = OnceLock::new();
        DEMO.get_or_init(|| {
            let start = Instant::now();
            let demo = community(1);
            (demo, start.elapsed())
        })
    }

    fn count(demo: &Demo, kind: &str) -> usize {
        demo.entries
            .iter()
            .filter(|e| e.event().kind() == kind)
            .count()
    }

    #[test]
    fn demo_replays_from_scratch_without_a_violation() {
        let (demo, generated_in) = demo();
        let bytes = demo.jsonl();
        let start = Instant::now();
        let verified =
            verify_jsonl(&bytes).unwrap_or_else(|e| panic!("the demo log does not verify: {e}"));
        assert_eq!(verified.origin, ORIGIN);
        let mut ledger = Ledger::new();
        for line in split_lines(&bytes) {
            let entry = Entry::parse(line).unwrap_or_else(|e| panic!("{e}"));
            ledger
                .apply(&entry)
                .unwrap_or_else(|e| panic!("the demo breaks a rule on replay: {e}"));
        }
        let replayed_in = start.elapsed();
        assert_eq!(ledger.size(), demo.entries.len() as u64);
        assert_eq!(ledger.accounts(), demo.ledger.accounts());
        assert_eq!(ledger.households(), demo.ledger.households());
        assert_eq!(ledger.revoked(), demo.ledger.revoked());
        assert_eq!(ledger.last_closed(), Some(last_charged_period()));
        assert_eq!(ledger.log_key(), demo.log_signer.verifier().to_string());
        eprintln!(
            "demo community (seed 1): {} entries, {} bytes of log; generated in {:.2?}, verified and replayed in {:.2?}; by type: {:?}",
            demo.entries.len(),
            bytes.len(),
            generated_in,
            replayed_in,
            demo.summary.by_kind,
        );
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (demo, _) = demo();
        let again = community(1);
        assert_eq!(
            generate::fingerprint(&again.entries),
            generate::fingerprint(&demo.entries)
        );
        let other = community(2);
        assert_ne!(
            generate::fingerprint(&other.entries),
            generate::fingerprint(&demo.entries)
        );
    }

    #[test]
    fn the_demo_has_every_part_of_the_story() {
        let (demo, _) = demo();
        let ledger = &demo.ledger;
        let s = &demo.summary;
        // About 600 households, registered in January 2025.
        let n = ledger.households().len();
        assert!((560..=640).contains(&n), "{n} households");
        assert_eq!(count(demo, "household_registered"), n);
        // 24 months charged, each entry small enough.
        let charged: BTreeSet<Period> = s.charged_periods.iter().copied().collect();
        assert_eq!(
            charged,
            months(first_period(), last_charged_period())
                .into_iter()
                .collect()
        );
        assert!(
            demo.entries
                .iter()
                .all(|e| e.bytes().len() <= gongzhang_core::entry::ENTRY_BYTES_MAX)
        );
        // Quarterly closes, contiguous from the first month.
        assert!(count(demo, "period_closed") >= 8);
        let mut next = first_period();
        for (range, _) in &s.closes {
            assert_eq!(range.from, next);
            next = range.to.next();
        }
        // The handover: the old treasurer key is revoked, the new one is treasurer and signs
        // every treasurer event after it.
        let old = demo.keys[TREASURER];
        let new = demo.keys[NEW_TREASURER];
        assert!(ledger.revoked().contains_key(&old));
        assert_eq!(ledger.treasurer(), Some(new));
        let (granted, revoked) = s.handover.unwrap_or_else(|| panic!("no handover"));
        assert_eq!(ledger.revoked()[&old], revoked);
        assert!(
            demo.entries[usize::try_from(granted).unwrap_or(0)..]
                .iter()
                .all(|e| e.signatures().iter().all(|sig| *sig.key() != old))
        );
        assert!(
            demo.entries[usize::try_from(revoked).unwrap_or(0) + 1..]
                .iter()
                .any(|e| e.signatures().iter().any(|sig| *sig.key() == new))
        );
        // Two reversals, demands, one audit.
        assert_eq!(count(demo, "reversal"), 2);
        assert!(count(demo, "payment_demand_issued") >= 1);
        assert_eq!(count(demo, "audit_attested"), 1);
        // Approvals of large expenditures, the grant and its project spending.
        assert!(count(demo, "expense_approved") >= 3 * 6);
        assert_eq!(count(demo, "grant_received"), 1);
        let project = fund(&format!("project:{METER_PROJECT}"));
        assert!(
            ledger
                .proposals()
                .values()
                .any(|p| p.body.fund == project && p.paid_at.is_some())
        );
        assert!(ledger.proposals().values().all(|p| p.paid_at.is_some()));
        // About 10% of households owe charges more than 6 months old at the end.
        let as_of = last_charged_period();
        let long_overdue = ledger
            .households()
            .values()
            .filter(|h| {
                h.outstanding()
                    .iter()
                    .any(|o| o.period.months_until(as_of) >= 6)
            })
            .count();
        let share = long_overdue as f64 / n as f64;
        assert!(
            (0.07..=0.13).contains(&share),
            "{long_overdue} of {n} households are more than 6 months behind"
        );
        let last = ledger.statement(PeriodRange {
            from: period(2026, 10),
            to: as_of,
        });
        assert!(
            last.arrears.age_6_12_fen.is_positive() && last.arrears.age_12_plus_fen.is_positive()
        );
        // No fund below zero; nothing skipped for lack of money.
        assert!(
            ledger.fund_balances().values().all(|b| b.get() >= 0),
            "{:?}",
            ledger.fund_balances()
        );
        assert_eq!(s.skipped_for_funds, 0);
    }

    #[test]
    fn every_document_the_log_names_is_kept_under_its_hash() {
        let (demo, _) = demo();
        fn hashes(value: &serde_json::Value, out: &mut BTreeSet<Hash>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        match v.as_str().map(Hash::from_hex) {
                            Some(Ok(h)) if k == "sha256" || k.ends_with("_sha256") => {
                                out.insert(h);
                            }
                            _ => hashes(v, out),
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| hashes(v, out)),
                _ => {}
            }
        }
        let mut named = BTreeSet::new();
        for e in &demo.entries {
            hashes(
                &serde_json::Value::Object(e.event().body().clone()),
                &mut named,
            );
        }
        let kept: BTreeSet<Hash> = demo.documents.keys().copied().collect();
        assert_eq!(kept, named);
        for (hash, bytes) in &demo.documents {
            assert_eq!(sha256(bytes), *hash);
            assert!(std::str::from_utf8(bytes).is_ok());
        }
    }

    #[test]
    fn times_are_office_hours_in_beijing() {
        let (demo, _) = demo();
        let mut last = None;
        for e in &demo.entries {
            let t = e.recorded_at();
            assert!(last.is_none_or(|l| l <= t));
            last = Some(t);
            let beijing = t
                .as_offset_date_time()
                .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
            let minute = u32::from(beijing.hour()) * 60 + u32::from(beijing.minute());
            assert!(
                (hm(8, 30)..hm(19, 0)).contains(&minute),
                "entry {} at {t}",
                e.seq()
            );
            assert!(
                !matches!(beijing.weekday(), Weekday::Saturday | Weekday::Sunday),
                "entry {} at {t}",
                e.seq()
            );
        }
    }
}
