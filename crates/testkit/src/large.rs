//! A large community over many years, generated deterministically from a seed and streamed:
//! 锦绣花园社区 (Jinxiu Huayuan), a few thousand households in walk-ups (phase one, 2006) and
//! high-rises (phase two, 2007), from January 2006 for as many years as it takes to reach the
//! number of entries asked for. For the verifier's benchmark (a log of 1,000,000 entries) and
//! for tests that want a long, realistic, rule-valid log.
//!
//! Like [`crate::demo`], the generator keeps its own [`Ledger`] and [`LogHead`] and applies
//! every entry as it makes it: if it ever broke a rule it would panic with the rule broken.
//! Unlike the demo it does not keep the entries: [`LargeLog`] is an iterator that hands each
//! entry out as it is made, and [`write_jsonl`] writes them to any [`Write`] and signs the
//! checkpoint over them. Times are UTC, never decrease, and fall in Beijing office hours on
//! working days (weekends, New Year, the Spring Festival week, Qingming, May Day and the
//! National Day week are closed).
//!
//! What happens, in Beijing time (households scale with the entries asked for, at most
//! [`HOUSEHOLDS_MAX`]; the amounts scale with the households):
//!
//! - 2006-01: the ledger opens (5 committee members, K = 3, approval threshold 5,000 yuan,
//!   opening balances); phase one's walk-ups (3 entrances × 6 floors × 2 flats) are registered
//!   over the first office days; the fee schedule and the budget are decided and adopted;
//!   January is charged. 2007-09: phase two's high-rises (2 entrances × up to 18 floors × 4
//!   flats) are registered and charged from October.
//! - Every month: charges on the first office day (at most [`demo::CHARGES_PER_ENTRY_MAX`] to
//!   an entry); payments with the habits real residents have (monthly online, quarterly cash,
//!   yearly, late, rarely, never — and habits change as flats are sold and as WeChat Pay and
//!   Alipay replace cash and bank transfers); the service contracts (security, cleaning,
//!   garbage removal, greenery, public electricity, elevators, water), each above the threshold
//!   approved by three members on the following office days; weekly repairs and petty cash;
//!   public revenue (advertising, parking, parcel lockers) and quarterly bank interest.
//! - Every quarter is closed on the third office day of the next (the statement is the one the
//!   ledger recomputes); every March the street office audits through the last close.
//! - Every year: a maintenance-fund repair under an owners' decision (May–June), payment
//!   demands to the chronic debtors in November (some settle afterwards), a reversed cash
//!   payment typed wrong in June, an expense paid against the wrong invoice in September and
//!   entered again, the next year's budget in December, Spring Festival spending from the
//!   public revenue in January, a few area corrections.
//! - Every few years: a new fee schedule (2010, 2015, …), a committee election replacing two
//!   members (2008, 2013, …), a treasurer handover with the old key revoked (2007, 2013, …), a
//!   new street-office auditor (2011, 2018, …), a government renovation grant spent in
//!   installments from its project fund (2012, 2020, …), an operating-fund improvement project
//!   (2007, 2010, …), a transfer of surplus to the maintenance fund (2009, 2013, …), and a
//!   motion on paid parking that fails (2014, 2023, …).
//!
//! The generator stops at exactly the number of entries asked for, wherever the story is.

use crate::demo;
use crate::example;
use crate::generate::SplitMix64;
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::entry::{AuthorSignature, Entry, RecordedAt};
use gongzhang_core::hash::{Hash, sha256};
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::ledger::events::{
    AuditAttested, BudgetAdopted, BudgetLine, ChargesAssessed, ExpenseApproved, ExpensePaid,
    ExpenseProposed, FeeItem, FeeScheduleAdopted, FundAmount, FundsTransferred, Governance,
    GrantReceived, HashHex, HouseholdCorrected, HouseholdRegistered, IncomeReceived, Invoice,
    KeyHex, KeyRevoked, LedgerEvent, LedgerOpened, Outcome, OwnersDecision, PaymentDemandIssued,
    PaymentReceived, PeriodClosed, Reversal, RoleGranted, VoteTotals,
};
use gongzhang_core::ledger::households::charge_amount;
use gongzhang_core::ledger::types::{
    Channel, FeeBasis, Fen, FundId, InvoiceKind, Label, Matter, Period, PeriodRange, Role, Slug,
    Unit,
};
use gongzhang_core::ledger::{Ledger, decide};
use gongzhang_core::log::LogHead;
use gongzhang_core::merkle::MerkleAccumulator;
use gongzhang_core::note::SignerKey;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::io::{self, Write};
use time::{Date, Month, Weekday};

/// The large ledger's origin (also the log key's name).
pub const ORIGIN: &str = "gongzhang.example/jinxiu";
/// The community's name.
pub const COMMUNITY: &str = "锦绣花园社区";
/// The role name whose seed makes the log (checkpoint) signing key.
pub const LOG_KEY_ROLE: &str = "large-log";
/// Changes whenever the generator makes other bytes for the same entries and seed (for caches of
/// generated logs, such as `bench-verify`'s).
pub const GENERATOR_VERSION: u32 = 1;
/// K: committee signatures a quorum act needs, and approvals a large expenditure needs.
pub const APPROVALS_REQUIRED: u32 = 3;
/// Expenditures strictly above this many fen (5,000 yuan) need K approvals.
pub const APPROVAL_THRESHOLD_FEN: i64 = 500_000;
/// The most households a generated community has (reached from about 1,000,000 entries).
pub const HOUSEHOLDS_MAX: usize = 6_000;
/// The fewest households asked for (the community has at least two buildings).
pub const HOUSEHOLDS_MIN: usize = 40;
/// The committee's size N.
pub const COMMITTEE_SIZE: usize = 5;

/// The households a community generated for `entries` entries aims at: one per 160 entries
/// (a household makes about 8 entries a year), within
/// [`HOUSEHOLDS_MIN`]..=[`HOUSEHOLDS_MAX`]; 1,000,000 entries are about 20 years of 6,000.
pub fn households_for(entries: u64) -> usize {
    usize::try_from(entries / 160)
        .unwrap_or(HOUSEHOLDS_MAX)
        .clamp(HOUSEHOLDS_MIN, HOUSEHOLDS_MAX)
}

/// The first month the ledger accounts for, 2006-01.
pub fn first_period() -> Period {
    period(2006, 1)
}

/// The log's checkpoint signing key: named [`ORIGIN`], seeded from [`LOG_KEY_ROLE`].
pub fn log_signer() -> SignerKey {
    SignerKey::from_seed(ORIGIN, example::seed(LOG_KEY_ROLE))
        .unwrap_or_else(|e| panic!("the large log key: {e}"))
}

/// The author signer of a role (`large-committee-1`, `large-treasurer-2`, …), seeded like the
/// demo's ([`demo::signer`]).
pub fn signer(role: &str) -> AuthorSigner {
    demo::signer(role)
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
pub struct LargeLog {
    g: Gen,
}

impl fmt::Debug for LargeLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LargeLog")
            .field("seed", &self.g.seed)
            .field("target", &self.g.target)
            .field("made", &self.g.head.size())
            .field("today", &self.g.today)
            .finish_non_exhaustive()
    }
}

impl LargeLog {
    /// The log of exactly `entries` entries (at least 1) for `seed`, with
    /// [`households_for`]`(entries)` households.
    pub fn new(entries: u64, seed: u64) -> LargeLog {
        LargeLog::with_households(entries, seed, households_for(entries))
    }

    /// As [`LargeLog::new`], with about `households` households.
    pub fn with_households(entries: u64, seed: u64, households: usize) -> LargeLog {
        LargeLog {
            g: Gen::new(entries.max(1), seed, households.max(1)),
        }
    }

    /// The ledger after the entries handed out so far (and those of the current day).
    pub fn ledger(&self) -> &Ledger {
        &self.g.ledger
    }

    /// What was made so far.
    pub fn summary(&self) -> Summary {
        let mut s = self.g.summary.clone();
        s.households = self.g.homes.len();
        s
    }
}

impl Iterator for LargeLog {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            if let Some(entry) = self.g.pending.pop_front() {
                return Some(entry);
            }
            if self.g.full {
                return None;
            }
            self.g.step_day();
        }
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

fn previous(p: Period) -> Period {
    if p.month() == 1 {
        period(p.year() - 1, 12)
    } else {
        period(p.year(), p.month() - 1)
    }
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

/// Rounds down to the yuan.
fn whole_yuan(f: i64) -> i64 {
    f / 100 * 100
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

/// The minute of the Beijing day of a Unix time in milliseconds.
fn beijing_minute(ms: i64) -> u32 {
    u32::try_from((ms + BEIJING_OFFSET_MS).rem_euclid(DAY_MS) / 60_000).unwrap_or(0)
}

const fn hm(hour: u32, minute: u32) -> u32 {
    hour * 60 + minute
}

// ---------------------------------------------------------------------------------------------
// The office calendar: Monday to Friday, minus the public holidays (without the make-up
// working weekends, which the committee office does not keep).

/// 春节 (Spring Festival) of 2006 to 2040; later years close only the fixed holidays.
const SPRING_FESTIVAL: [(u8, u8); 35] = [
    (1, 29),
    (2, 18),
    (2, 7),
    (1, 26),
    (2, 14),
    (2, 3),
    (1, 23),
    (2, 10),
    (1, 31),
    (2, 19),
    (2, 8),
    (1, 28),
    (2, 16),
    (2, 5),
    (1, 25),
    (2, 12),
    (2, 1),
    (1, 22),
    (2, 10),
    (1, 29),
    (2, 17),
    (2, 6),
    (1, 26),
    (2, 13),
    (2, 3),
    (1, 23),
    (2, 11),
    (1, 31),
    (2, 19),
    (2, 8),
    (1, 28),
    (2, 15),
    (2, 4),
    (1, 24),
    (2, 12),
];

fn is_holiday(d: Date) -> bool {
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    let fixed = matches!((m, day), (1, 1) | (5, 1..=3) | (10, 1..=7) | (4, 4..=6));
    if fixed {
        return true;
    }
    let Some(&(sm, sd)) = usize::try_from(y - 2006)
        .ok()
        .and_then(|i| SPRING_FESTIVAL.get(i))
    else {
        return false;
    };
    // From the eve to the fifth day: seven days.
    let festival = date(y, sm, sd).to_julian_day();
    (festival - 1..=festival + 5).contains(&d.to_julian_day())
}

fn is_office_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(d)
}

/// The office days of a month.
fn office_days(year: i32, month: u8) -> Vec<Date> {
    let mut out = Vec::with_capacity(23);
    let mut d = date(year, month, 1);
    while u8::from(d.month()) == month {
        if is_office_day(d) {
            out.push(d);
        }
        d = next_day(d);
    }
    out
}

/// The position (0-based) of `d` among its month's office days, if it is one.
fn office_index(d: Date) -> Option<usize> {
    if !is_office_day(d) {
        return None;
    }
    let mut n = 0;
    let mut x = date(d.year(), u8::from(d.month()), 1);
    while x < d {
        if is_office_day(x) {
            n += 1;
        }
        x = next_day(x);
    }
    Some(n)
}

/// The `n`th (1-based) office day of a month.
fn nth_office_day(year: i32, month: u8, n: usize) -> Date {
    *office_days(year, month)
        .get(n - 1)
        .unwrap_or_else(|| panic!("{year}-{month} has no office day {n}"))
}

/// The `n`th office day after `d`.
fn office_day_after(d: Date, n: usize) -> Date {
    let mut x = d;
    for _ in 0..n {
        x = next_day(x);
        while !is_office_day(x) {
            x = next_day(x);
        }
    }
    x
}

/// Whether `d` is its week's last office day (Monday to Friday).
fn is_weeks_last_office_day(d: Date) -> bool {
    if !is_office_day(d) {
        return false;
    }
    let mut x = d;
    while x.weekday() != Weekday::Friday {
        x = next_day(x);
        if is_office_day(x) {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Buildings, households and their habits.

/// A building as planned: registered when its phase is handed over.
#[derive(Debug, Clone)]
struct Building {
    number: u32,
    entrances: u32,
    floors: u32,
    flats: u32,
    /// Areas of the flats (0.01 ㎡) drawn from this range.
    area: (i64, i64),
    high_rise: bool,
}

impl Building {
    fn units(&self) -> usize {
        (self.entrances * self.floors * self.flats) as usize
    }
}

/// Phase one's walk-ups and phase two's high-rises for about `households` households: 70% in
/// walk-ups of 36 flats, the rest in high-rises of up to 144 (walk-ups again in a small one).
fn plan_buildings(households: usize) -> (Vec<Building>, Vec<Building>) {
    const WALK_UP: usize = 36;
    const HIGH_RISE: usize = 144;
    let walk_up = |number: u32| Building {
        number,
        entrances: 3,
        floors: 6,
        flats: 2,
        area: (5_500, 11_000),
        high_rise: false,
    };
    let first = (households * 7 / 10 + WALK_UP / 2) / WALK_UP;
    let first = first.max(1);
    let phase1: Vec<Building> = (1..=first).map(|b| walk_up(b as u32)).collect();
    let mut rest = households.saturating_sub(first * WALK_UP);
    let mut phase2 = Vec::new();
    let mut number = first as u32;
    if households < 1_000 {
        let n = ((rest + WALK_UP / 2) / WALK_UP).max(1);
        for _ in 0..n {
            number += 1;
            phase2.push(walk_up(number));
        }
        return (phase1, phase2);
    }
    while rest > 0 {
        number += 1;
        let units = rest.min(HIGH_RISE);
        let floors = u32::try_from(units.div_ceil(8)).unwrap_or(18).clamp(1, 18);
        phase2.push(Building {
            number,
            entrances: 2,
            floors,
            flats: 4,
            area: (7_800, 14_500),
            high_rise: true,
        });
        rest = rest.saturating_sub(units);
    }
    (phase1, phase2)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Habit {
    /// Pays online every month, now and then a month late.
    Monthly,
    /// Pays everything owed every two to four months.
    Late,
    /// Pays the whole year in January.
    Annual,
    /// Pays cash at the office in the last month of each quarter, naming the months.
    Quarterly,
    /// Never pays.
    Never,
    /// Pays a few months' worth once in a long while.
    Rare,
}

impl Habit {
    fn chronic(self) -> bool {
        matches!(self, Habit::Never | Habit::Rare)
    }
}

#[derive(Debug, Clone)]
struct Home {
    unit: Unit,
    area: i64,
    habit: Habit,
    /// 0..100: how early this household moves from cash and bank transfers to mobile payment.
    modern: u8,
    /// The months this household considers paid (for the months its payments name).
    paid_through: Period,
    /// For [`Habit::Late`]: the month of its next payment.
    next_due: Period,
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
    /// The owners' decision behind it (required for the maintenance fund).
    decision: Option<String>,
}

impl Spend {
    fn new(
        payee: &str,
        category: &'static str,
        fund: &str,
        amount: i64,
        description: String,
        channel: Channel,
        doc: Doc,
    ) -> Spend {
        Spend {
            payee: payee.to_string(),
            category,
            fund: fund.to_string(),
            amount,
            description,
            channel,
            doc,
            decision: None,
        }
    }
}

type Action = Box<dyn FnOnce(&mut Gen)>;

// ---------------------------------------------------------------------------------------------
// The generator.

struct Gen {
    seed: u64,
    rng: SplitMix64,
    /// Entries to make.
    target: u64,
    signers: HashMap<String, AuthorSigner>,
    ledger: Ledger,
    head: LogHead,
    /// Entries made and not yet handed out.
    pending: VecDeque<Entry>,
    /// Whether `target` entries are made (nothing more is).
    full: bool,
    summary: Summary,
    committee: Vec<String>,
    treasurer: String,
    auditor: String,
    /// Role numbers given so far, for new keys.
    members_named: u32,
    treasurers_named: u32,
    auditors_named: u32,
    phase1: Vec<Building>,
    phase2: Vec<Building>,
    homes: Vec<Home>,
    high_rises: bool,
    /// What is to happen, by day: (minute after Beijing midnight, action).
    agenda: BTreeMap<Date, Vec<(u32, Action)>>,
    today: Date,
    running_today: bool,
    target_ms: i64,
    last_ms: i64,
    /// Event ids of proposals and decisions made earlier, by the name the scheduled steps share.
    named: HashMap<String, String>,
    /// Proposals not yet paid: fund and amount (so that no proposal promises money twice).
    open: HashMap<String, (FundId, i64)>,
    counter: u64,
    /// The last receipt number given, by year.
    receipts: HashMap<i32, u32>,
    /// 物业费 (fen per ㎡ per month) and 垃圾清运费 (fen per household per month) in force.
    rates: (i64, i64),
    /// Fees charged for the last month assessed: the scale of the community's spending.
    monthly_charged: i64,
    /// The year of the last mistyped cash payment.
    typo_year: i32,
    /// Spending this year by fund and category (for next year's budget).
    spent: BTreeMap<(String, &'static str), i64>,
    spent_year: i32,
    /// The seq of the last period close.
    last_close_seq: Option<u64>,
}

impl Gen {
    fn new(target: u64, seed: u64, households: usize) -> Gen {
        let (phase1, phase2) = plan_buildings(households);
        let committee: Vec<String> = (1..=COMMITTEE_SIZE)
            .map(|n| format!("large-committee-{n}"))
            .collect();
        let mut g = Gen {
            seed,
            rng: SplitMix64::new(seed ^ 0x6a69_6e78_6975),
            target,
            signers: HashMap::new(),
            ledger: Ledger::new(),
            head: LogHead::empty(),
            pending: VecDeque::new(),
            full: false,
            summary: Summary {
                earliest_minute: u32::MAX,
                ..Summary::default()
            },
            committee,
            treasurer: "large-treasurer-1".into(),
            auditor: "large-auditor-1".into(),
            members_named: COMMITTEE_SIZE as u32,
            treasurers_named: 1,
            auditors_named: 1,
            phase1,
            phase2,
            homes: Vec::new(),
            high_rises: false,
            agenda: BTreeMap::new(),
            today: date(2006, 1, 1),
            running_today: false,
            target_ms: 0,
            last_ms: 0,
            named: HashMap::new(),
            open: HashMap::new(),
            counter: 0,
            receipts: HashMap::new(),
            rates: (50, 800),
            monthly_charged: 0,
            typo_year: 0,
            spent: BTreeMap::new(),
            spent_year: 2006,
            last_close_seq: None,
        };
        g.script();
        g
    }

    fn key(&mut self, role: &str) -> PublicKey {
        self.signer(role).public_key()
    }

    fn signer(&mut self, role: &str) -> &AuthorSigner {
        self.signers
            .entry(role.to_string())
            .or_insert_with(|| signer(role))
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

    /// True with probability `per_mille` / 1000.
    fn chance_per_mille(&mut self, per_mille: u64) -> bool {
        self.rng.below(1_000) < per_mille
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = usize::try_from(self.rng.below(items.len() as u64)).unwrap_or(0);
        items[i]
    }

    /// `n` distinct committee members, in random order, none of `except`.
    fn members_except(&mut self, n: usize, except: &[String]) -> Vec<String> {
        let mut all: Vec<String> = self
            .committee
            .iter()
            .filter(|m| !except.contains(m))
            .cloned()
            .collect();
        for i in (1..all.len()).rev() {
            let j = usize::try_from(self.rng.below(i as u64 + 1)).unwrap_or(0);
            all.swap(i, j);
        }
        assert!(all.len() >= n, "not {n} committee members to sign");
        all.truncate(n);
        all
    }

    fn fresh_name(&mut self) -> String {
        self.counter += 1;
        format!("n{}", self.counter)
    }

    /// The scale of spending: what a month's fees come to (an estimate before the first charge).
    fn scale(&self) -> i64 {
        if self.monthly_charged > 0 {
            self.monthly_charged
        } else {
            self.homes.iter().map(|h| self.monthly_of(h)).sum()
        }
    }

    /// What a household is charged each month at the rates in force.
    fn monthly_of(&self, home: &Home) -> i64 {
        let property = charge_amount(FeeBasis::PerM2, fen(self.rates.0), home.area)
            .unwrap_or_else(|| panic!("charge for {}", home.unit));
        property.get() + self.rates.1
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
            "the day {} ran past midnight",
            self.today
        );
        self.last_ms = ms;
        let minute = beijing_minute(ms);
        self.summary.latest_minute = self.summary.latest_minute.max(minute);
        self.summary.earliest_minute = self.summary.earliest_minute.min(minute);
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

    /// Runs one day: its routines, then its actions in time order; then moves to the next day.
    fn step_day(&mut self) {
        let day = self.today;
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

    /// Seals, checks, applies and queues one entry; returns its event id and seq. Once the
    /// target is reached, does nothing (the day's actions stop after the current one).
    fn emit(&mut self, event: LedgerEvent, signers: &[String]) -> (String, u64) {
        if self.full {
            return (String::new(), u64::MAX);
        }
        let at = self.next_time();
        let id = self.event_id(at);
        let kind = event.kind();
        let event = event
            .to_event(&id)
            .unwrap_or_else(|e| panic!("large event {kind}: {e}"));
        let mut signatures: Vec<AuthorSignature> = Vec::with_capacity(signers.len());
        for role in signers {
            let s = self.signer(role);
            signatures.push(event.sign(ORIGIN, s));
        }
        let entry = Entry::seal(
            self.head.size(),
            self.head.last_hash(),
            at,
            event,
            signatures,
        )
        .unwrap_or_else(|e| panic!("large entry {kind} `{id}`: {e}"));
        if let Err(e) = self.head.check_next(&entry) {
            panic!("the large generator broke a log rule: {e}");
        }
        if let Err(e) = self.ledger.apply(&entry) {
            panic!("the large generator broke a ledger rule: {e}");
        }
        self.head.advance(&entry);
        let seq = entry.seq();
        self.summary.entries += 1;
        self.summary.signatures += signers.len() as u64;
        self.summary.last_time = Some(at);
        *self.summary.by_kind.entry(kind).or_insert(0) += 1;
        self.pending.push_back(entry);
        if self.head.size() >= self.target {
            self.full = true;
        }
        (id, seq)
    }

    fn as_treasurer(&mut self, event: LedgerEvent) -> (String, u64) {
        let t = self.treasurer.clone();
        self.emit(event, &[t])
    }

    fn as_quorum(&mut self, event: LedgerEvent) -> (String, u64) {
        let signers = self.members_except(APPROVALS_REQUIRED as usize, &[]);
        self.emit(event, &signers)
    }

    fn document(&self, text: &str) -> HashHex {
        HashHex(sha256(text.as_bytes()))
    }

    fn invoice(&mut self, doc: Doc) -> Invoice {
        let year = self.today.year();
        match doc {
            Doc::Fapiao => {
                // Paper fapiao: 8 digits (with the 12-digit code in the scan); 数电发票 from
                // 2021 on: 20 digits, the first two the year.
                let number = if year >= 2021 {
                    format!(
                        "{:02}{:018}",
                        year % 100,
                        self.rng.below(1_000_000_000_000_000_000)
                    )
                } else {
                    format!("{:08}", self.rng.below(100_000_000))
                };
                let sha = self.document(&format!("发票扫描件 {number}"));
                Invoice {
                    kind: InvoiceKind::Fapiao,
                    number: Some(label(&number)),
                    sha256: Some(sha),
                }
            }
            Doc::Receipt => {
                let n = self.receipts.entry(year).or_insert(0);
                *n += 1;
                let number = format!("JX-SJ-{year}-{n:05}");
                let sha = self.document(&format!("收据扫描件 {number}"));
                Invoice {
                    kind: InvoiceKind::Receipt,
                    number: Some(label(&number)),
                    sha256: Some(sha),
                }
            }
            Doc::None => Invoice {
                kind: InvoiceKind::None,
                number: None,
                sha256: None,
            },
        }
    }

    // --- the story ----------------------------------------------------------------------------

    /// The opening month, scheduled up front.
    fn script(&mut self) {
        let d = nth_office_day(2006, 1, 1);
        self.at(d, hm(8, 40), |g| g.genesis());
        let days = self.schedule_registration(2006, 1, 1, true);
        let d = nth_office_day(2006, 1, days + 1);
        self.at(d, hm(9, 30), |g| {
            let decision = g.decision(
                Matter::FeeSchedule,
                "锦绣花园物业费、垃圾清运费收费标准",
                Outcome::Passed,
            );
            g.later(300, 900);
            g.fee_schedule(decision, first_period());
        });
        self.at(d, hm(10, 40), |g| {
            let decision = g.decision(Matter::Budget, "2006年度收支预算", Outcome::Passed);
            g.later(300, 900);
            g.budget(2006, decision);
        });
        let d = nth_office_day(2006, 1, days + 2);
        self.at(d, hm(8, 50), |g| g.charges(first_period()));
    }

    /// Schedules the registration of a phase, 700 households an office day from office day
    /// `from` of the month; returns the number of days it takes.
    fn schedule_registration(&mut self, year: i32, month: u8, from: usize, first: bool) -> usize {
        let buildings = if first {
            self.phase1.clone()
        } else {
            self.phase2.clone()
        };
        let mut chunks: Vec<Vec<Building>> = vec![Vec::new()];
        let mut in_chunk = 0;
        for b in buildings {
            if in_chunk >= 700 {
                chunks.push(Vec::new());
                in_chunk = 0;
            }
            in_chunk += b.units();
            if let Some(last) = chunks.last_mut() {
                last.push(b);
            }
        }
        let n = chunks.len();
        for (i, chunk) in chunks.into_iter().enumerate() {
            let d = nth_office_day(year, month, from + i);
            let last = i + 1 == n;
            self.at(d, hm(9, 10), move |g| {
                for b in &chunk {
                    g.register(b);
                }
                if last && first {
                    for h in 0..g.homes.len() {
                        g.homes[h].habit = g.draw_habit();
                    }
                }
            });
        }
        n
    }

    /// The recurring events of `day`.
    fn routines(&mut self, day: Date) {
        let Some(i) = office_index(day) else {
            return;
        };
        let p = period_of(day);
        let (y, m) = (day.year(), p.month());
        let started = p > first_period();
        if i == 0 && started {
            self.at(day, hm(8, 50), move |g| g.charges(p));
        }
        if m % 3 == 1 && i == 2 && started {
            let from = (0..3).fold(p, |q, _| previous(q));
            let range = PeriodRange {
                from,
                to: previous(p),
            };
            self.at(day, hm(10, 0), move |g| g.close(range));
        }
        if y == 2007 && m == 9 && i == 1 && !self.phase2.is_empty() {
            self.schedule_registration(2007, 9, 2, false);
        }
        if started {
            self.contracts(day, i, p);
        }
        // Weekly repairs and daily petty cash, as often as a community this size needs them.
        let h = self.homes.len() as u64;
        if is_weeks_last_office_day(day) && started {
            let mut n = h / 1_500;
            if self.chance_per_mille((h % 1_500) * 1_000 / 1_500) {
                n += 1;
            }
            for k in 0..n {
                let minute = hm(9, 30) + 40 * u32::try_from(k % 10).unwrap_or(0);
                self.repair(day, minute);
            }
        }
        if started && self.chance_per_mille((h * 10 / 3).min(600)) {
            let minute = hm(11, 0) + u32::try_from(self.below(60)).unwrap_or(0);
            self.at(day, minute, |g| g.petty_cash());
        }
        if started && self.chance(2) {
            self.at(day, hm(10, 15), |g| g.correction());
        }
        self.income_routines(day, i, p);
        self.yearly(day, i, p);
    }

    /// The monthly service contracts, paid for the month before.
    fn contracts(&mut self, day: Date, i: usize, p: Period) {
        let last = previous(p);
        let month_text = format!("{}年{}月", last.year(), last.month());
        let m = self.scale();
        let month = p.month();
        let winter = matches!(last.month(), 11 | 12 | 1 | 2);
        let mut plan: Vec<(u32, Spend, bool)> = Vec::new();
        match i {
            1 => {
                plan.push((
                    hm(9, 40),
                    Spend::new(
                        "卫安保安服务有限公司",
                        "security",
                        "operating",
                        whole_yuan(m * 25 / 100),
                        format!("{month_text}秩序维护（保安）服务费"),
                        Channel::BankTransfer,
                        Doc::Fapiao,
                    ),
                    false,
                ));
                plan.push((
                    hm(10, 20),
                    Spend::new(
                        "洁美保洁服务有限公司",
                        "cleaning",
                        "operating",
                        whole_yuan(m * 16 / 100),
                        format!("{month_text}公共区域保洁服务费"),
                        Channel::BankTransfer,
                        Doc::Fapiao,
                    ),
                    false,
                ));
            }
            2 => plan.push((
                hm(10, 30),
                Spend::new(
                    "城区环境卫生服务中心",
                    "garbage_removal",
                    "operating",
                    whole_yuan(m * 8 / 100),
                    format!("{month_text}生活垃圾清运费"),
                    Channel::BankTransfer,
                    Doc::Fapiao,
                ),
                false,
            )),
            3 => {
                let replant = matches!(month, 3 | 4 | 10);
                let share = if replant { 75 } else { 45 };
                let what = if replant {
                    "绿化养护及补植"
                } else {
                    "绿化养护"
                };
                plan.push((
                    hm(10, 45),
                    Spend::new(
                        "绿源园林绿化工程有限公司",
                        "greenery",
                        "operating",
                        whole_yuan(m * share / 1_000),
                        format!("{month_text}{what}"),
                        Channel::BankTransfer,
                        Doc::Fapiao,
                    ),
                    month == 9,
                ));
            }
            4 => {
                let share = if winter { 55 } else { 40 };
                let amount = whole_yuan(m * share / 1_000 + self.between(0, m / 200));
                plan.push((
                    hm(9, 40),
                    Spend::new(
                        "国网供电公司城区供电中心",
                        "lighting",
                        "operating",
                        amount,
                        format!("{month_text}楼道、路灯及水泵公共用电电费"),
                        Channel::BankTransfer,
                        Doc::Fapiao,
                    ),
                    false,
                ));
                if self.high_rises {
                    plan.push((
                        hm(11, 0),
                        Spend::new(
                            "通达电梯工程有限公司",
                            "elevator",
                            "operating",
                            whole_yuan(m * 3 / 100),
                            format!("{month_text}电梯维护保养费"),
                            Channel::BankTransfer,
                            Doc::Fapiao,
                        ),
                        false,
                    ));
                }
            }
            5 => plan.push((
                hm(10, 10),
                Spend::new(
                    "市自来水公司",
                    "water",
                    "operating",
                    whole_yuan(m / 100 + self.between(0, m / 400)),
                    format!("{month_text}公共用水（绿化、保洁）水费"),
                    Channel::BankTransfer,
                    Doc::Fapiao,
                ),
                false,
            )),
            _ => {}
        }
        for (minute, spend, wrong_invoice) in plan {
            if spend.amount > 0 {
                self.spend_auto(day, minute, spend, wrong_invoice);
            }
        }
    }

    fn income_routines(&mut self, day: Date, i: usize, p: Period) {
        let (y, m) = (day.year(), p.month());
        let h = self.homes.len() as i64;
        if p <= first_period() {
            return;
        }
        if m % 3 == 1 && i == 6 {
            self.at(day, hm(11, 20), move |g| {
                g.income(
                    "public_revenue",
                    "advertising",
                    "城市之光广告传媒有限公司",
                    h * 180,
                    Channel::BankTransfer,
                );
            });
        }
        if i == 7 && y >= 2010 {
            self.at(day, hm(11, 30), move |g| {
                let amount = h * 50 + g.between(0, h * 10);
                g.income(
                    "public_revenue",
                    "parking",
                    "地面停车位临时停车费",
                    amount,
                    Channel::BankTransfer,
                );
            });
        }
        if i == 9 && y >= 2015 {
            self.at(day, hm(10, 50), move |g| {
                g.income(
                    "public_revenue",
                    "space_rental",
                    "丰巢快递柜场地使用费",
                    20_000 + h * 5,
                    Channel::BankTransfer,
                );
            });
        }
        let first_after_21 = office_days(y, m).into_iter().find(|d| d.day() >= 21);
        if m % 3 == 0 && first_after_21 == Some(day) {
            self.at(day, hm(9, 20), |g| {
                for f in ["operating", "public_revenue", "maintenance"] {
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

    /// The yearly and occasional events.
    fn yearly(&mut self, day: Date, i: usize, p: Period) {
        let (y, m) = (day.year(), p.month());
        if y == 2006 && m == 1 {
            return;
        }
        // January: habits change as flats change hands; Spring Festival spending.
        if m == 1 && i == 8 {
            self.churn();
            let spend_day = day;
            self.at(spend_day, hm(10, 30), |g| {
                let f = fund("public_revenue");
                let balance = g.ledger.fund_balance(&f).map_or(0, Fen::get) - g.promised(&f);
                let amount = whole_yuan(balance * 35 / 100);
                if amount > 10_000 {
                    let spend = Spend::new(
                        "社区老年协会",
                        "community_events",
                        "public_revenue",
                        amount,
                        format!("{}年春节慰问高龄及困难业主、社区文化活动", g.today.year()),
                        Channel::BankTransfer,
                        Doc::Receipt,
                    );
                    g.spend_large_from_action(spend);
                }
            });
        }
        // March: a new auditor now and then; the audit through the last close.
        if m == 3 && i == 4 && y >= 2011 && (y - 2011) % 7 == 0 {
            self.at(day, hm(9, 30), |g| g.new_auditor());
        }
        if m == 3 && i == 10 {
            self.at(day, hm(15, 0), |g| g.audit());
        }
        // Renovation grants.
        if m == 3 && i == 6 && y >= 2012 && (y - 2012) % 8 == 0 {
            self.grant_project(day, y);
        }
        // April: treasurer handover.
        if m == 4 && i == 5 && y >= 2007 && (y - 2007) % 6 == 0 {
            self.at(day, hm(9, 30), |g| g.handover());
        }
        // May–July: a maintenance-fund repair.
        if m == 5 && i == 3 {
            self.maintenance_repair(day, y);
        }
        if m == 5 && i == 8 && y >= 2014 && (y - 2014) % 9 == 0 {
            self.at(day, hm(10, 30), |g| {
                g.decision(
                    Matter::ChangeCommonUse,
                    "利用东侧绿地改建收费停车位",
                    Outcome::Rejected,
                );
            });
        }
        // June: committee election.
        if m == 6 && i == 5 && y >= 2008 && (y - 2008) % 5 == 0 {
            self.at(day, hm(9, 30), |g| g.election());
        }
        // August: an improvement paid from the operating fund.
        if m == 8 && i == 3 && y >= 2007 && (y - 2007) % 3 == 0 {
            const WORKS: [(&str, &str, &str); 4] = [
                ("安视达科技有限公司", "facilities", "小区监控系统升级改造"),
                (
                    "城建市政工程有限公司",
                    "repairs",
                    "小区主干道路面修补及划线",
                ),
                ("绿源园林绿化工程有限公司", "greenery", "中心花园改造提升"),
                ("顺风车棚工程部", "facilities", "非机动车棚及充电设施改造"),
            ];
            let (payee, category, what) = self.pick(&WORKS);
            let amount = whole_yuan(self.scale() * 3 / 2);
            let spend = Spend::new(
                payee,
                category,
                "operating",
                amount,
                format!("{y}年{what}"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend_auto(day, hm(9, 50), spend, false);
        }
        // September: surplus moved to the maintenance fund.
        if m == 9 && i == 5 && y >= 2009 && (y - 2009) % 4 == 0 {
            self.at(day, hm(10, 0), |g| g.transfer_surplus());
        }
        // November: payment demands; a new fee schedule decided every five years.
        if m == 11 && i == 4 {
            self.at(day, hm(9, 30), |g| g.demands(6));
        }
        if m == 11 && i == 10 && y >= 2010 && (y - 2010) % 5 == 0 {
            let name = format!("fees-{y}");
            self.at(day, hm(9, 30), move |g| {
                let id = g.decision(
                    Matter::FeeSchedule,
                    &format!("{}年起物业费、垃圾清运费收费标准调整", y + 1),
                    Outcome::Passed,
                );
                g.named.insert(name, id);
            });
        }
        // December: the new fee schedule and the next year's budget.
        if m == 12 && i == 3 {
            let name = format!("fees-{y}");
            self.at(day, hm(10, 0), move |g| {
                if let Some(decision) = g.named.remove(&name) {
                    g.rates = (g.rates.0 + 10, g.rates.1 + 200);
                    let from = period(u16::try_from(y + 1).unwrap_or(9999), 1);
                    g.fee_schedule(decision, from);
                }
            });
        }
        if m == 12 && i == 6 {
            self.at(day, hm(10, 0), move |g| {
                let next = u16::try_from(y + 1).unwrap_or(9999);
                let decision = g.decision(
                    Matter::Budget,
                    &format!("{next}年度收支预算"),
                    Outcome::Passed,
                );
                g.later(300, 900);
                g.budget(next, decision);
            });
        }
    }

    // --- the ledger's opening and the households ---------------------------------------------

    fn genesis(&mut self) {
        let h = (self.phase1.iter().map(Building::units).sum::<usize>()
            + self.phase2.iter().map(Building::units).sum::<usize>()) as i64;
        let operating = h * 20_000 + self.between(0, 1_000_000);
        let public = h * 3_000 + self.between(0, 300_000);
        let maintenance = h * 480_000 + self.between(0, 5_000_000);
        let committee: Vec<KeyHex> = self
            .committee
            .clone()
            .iter()
            .map(|r| KeyHex(self.key(r)))
            .collect();
        let treasurer = self.treasurer.clone();
        let auditor = self.auditor.clone();
        let body = LedgerOpened {
            origin: ORIGIN.to_string(),
            community: label(COMMUNITY),
            log_key: log_signer().verifier().to_string(),
            committee,
            treasurer: KeyHex(self.key(&treasurer)),
            auditor: KeyHex(self.key(&auditor)),
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
        let all = self.committee.clone();
        self.emit(LedgerEvent::LedgerOpened(body), &all);
    }

    /// Registers a building's flats; flats stacked above each other have the same area.
    fn register(&mut self, b: &Building) {
        let now = period_of(self.today);
        for e in 1..=b.entrances {
            let areas: Vec<i64> = (0..b.flats)
                .map(|_| self.between(b.area.0, b.area.1))
                .collect();
            for floor in 1..=b.floors {
                for (n, area) in areas.iter().enumerate() {
                    let unit =
                        Unit::try_from(format!("{}-{e}-{}", b.number, floor * 100 + n as u32 + 1))
                            .unwrap_or_else(|e| panic!("{e}"));
                    let body = HouseholdRegistered {
                        unit: unit.clone(),
                        area_centi_m2: *area,
                    };
                    self.as_treasurer(LedgerEvent::HouseholdRegistered(body));
                    self.later(5, 25);
                    let habit = if self.homes.is_empty() || now == first_period() {
                        Habit::Monthly
                    } else {
                        self.draw_habit()
                    };
                    let modern = u8::try_from(self.below(100)).unwrap_or(0);
                    let next_due = add_months(now, u32::try_from(self.below(3)).unwrap_or(0));
                    self.homes.push(Home {
                        unit,
                        area: *area,
                        habit,
                        modern,
                        paid_through: previous(now),
                        next_due,
                    });
                }
            }
        }
        if b.high_rise {
            self.high_rises = true;
        }
    }

    /// A payment habit: 66% monthly, 12% quarterly, 7% yearly, 7% late, 5% rarely, 3% never.
    fn draw_habit(&mut self) -> Habit {
        match self.below(100) {
            0..66 => Habit::Monthly,
            66..78 => Habit::Quarterly,
            78..85 => Habit::Annual,
            85..92 => Habit::Late,
            92..97 => Habit::Rare,
            _ => Habit::Never,
        }
    }

    /// Flats change hands and disputes start: 3% of households get a new habit each year, a
    /// third of them one of not paying (so that about 10% of households owe, year after year).
    fn churn(&mut self) {
        let n = self.homes.len();
        let now = period_of(self.today);
        for k in 0..n.div_ceil(50) + n.div_ceil(100) {
            let h = usize::try_from(self.below(n as u64)).unwrap_or(0);
            // One in three stops paying: a dispute (a leak, the parking, the old developer),
            // an owner abroad, a flat let and forgotten.
            let habit = if k % 3 == 0 {
                if self.chance(40) {
                    Habit::Never
                } else {
                    Habit::Rare
                }
            } else {
                self.draw_habit()
            };
            let home = &mut self.homes[h];
            home.habit = habit;
            home.next_due = now;
        }
    }

    fn correction(&mut self) {
        if self.homes.is_empty() {
            return;
        }
        let h = usize::try_from(self.below(self.homes.len() as u64)).unwrap_or(0);
        let delta = self.between(120, 640) * if self.chance(50) { 1 } else { -1 };
        let area = self.homes[h].area + delta;
        let reason = format!(
            "核对不动产权证书，专有部分面积应为{}.{:02}㎡，登记有误",
            area / 100,
            area % 100
        );
        let body = HouseholdCorrected {
            unit: self.homes[h].unit.clone(),
            area_centi_m2: area,
            reason: label(&reason),
        };
        self.as_treasurer(LedgerEvent::HouseholdCorrected(body));
        self.homes[h].area = area;
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
                let document_sha256 =
                    self.document(&format!("业主大会表决结果公告：{title}（{}）", self.today));
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

    fn fee_schedule(&mut self, decision: String, from: Period) {
        let body = FeeScheduleAdopted {
            items: vec![
                FeeItem {
                    item: slug("property_fee"),
                    name: label("物业费"),
                    basis: FeeBasis::PerM2,
                    rate_fen: fen(self.rates.0),
                },
                FeeItem {
                    item: slug("garbage_fee"),
                    name: label("垃圾清运费"),
                    basis: FeeBasis::PerHousehold,
                    rate_fen: fen(self.rates.1),
                },
            ],
            from_period: from,
            decision,
        };
        self.as_quorum(LedgerEvent::FeeScheduleAdopted(body));
    }

    /// The budget of `year`: this year's spending by line, a little more; the first year's from
    /// the fees.
    fn budget(&mut self, year: u16, decision: String) {
        let mut lines: BTreeMap<(String, &'static str), i64> = BTreeMap::new();
        if self.spent.is_empty() {
            let m = self.scale();
            for (category, share) in [
                ("security", 25),
                ("cleaning", 16),
                ("garbage_removal", 8),
                ("greenery", 5),
                ("lighting", 5),
                ("water", 1),
                ("repairs", 4),
            ] {
                lines.insert(("operating".into(), category), m * 12 * share / 100);
            }
        } else {
            for ((f, category), amount) in &self.spent {
                if f.starts_with("project:") {
                    continue;
                }
                lines.insert((f.clone(), category), amount * 12 / 11 * 105 / 100);
            }
        }
        let lines = lines
            .into_iter()
            .map(|((f, c), a)| BudgetLine {
                fund: fund(&f),
                category: slug(c),
                amount_fen: fen(100_000 * (a.max(0) / 100_000 + 1)),
            })
            .collect();
        self.as_quorum(LedgerEvent::BudgetAdopted(BudgetAdopted {
            year,
            lines,
            decision,
        }));
    }

    /// A committee quorum grants `role` to a new key and revokes the old one.
    fn replace_key(&mut self, role: Role, old: String, new: String, reason: &str) {
        let key = KeyHex(self.key(&new));
        self.as_quorum(LedgerEvent::RoleGranted(RoleGranted { role, key }));
        match role {
            Role::Treasurer => self.treasurer = new,
            Role::Auditor => self.auditor = new,
            Role::CommitteeMember => self.committee.push(new),
        }
        self.later(600, 1_500);
        let key = KeyHex(self.key(&old));
        let signers = self.members_except(APPROVALS_REQUIRED as usize, std::slice::from_ref(&old));
        self.emit(
            LedgerEvent::KeyRevoked(KeyRevoked {
                key,
                reason: label(reason),
            }),
            &signers,
        );
        self.committee.retain(|m| *m != old);
    }

    fn handover(&mut self) {
        self.treasurers_named += 1;
        let new = format!("large-treasurer-{}", self.treasurers_named);
        let old = self.treasurer.clone();
        self.replace_key(
            Role::Treasurer,
            old,
            new,
            "原出纳离任，账册、现金及印章交接完毕，旧密钥停用",
        );
    }

    fn new_auditor(&mut self) {
        self.auditors_named += 1;
        let new = format!("large-auditor-{}", self.auditors_named);
        let old = self.auditor.clone();
        self.replace_key(
            Role::Auditor,
            old,
            new,
            "街道办审计人员调整，原审计密钥停用",
        );
    }

    /// The owners elect a new committee: two members leave, two join.
    fn election(&mut self) {
        let term = (self.today.year() - 2008) / 5 + 2;
        self.decision(
            Matter::ElectCommittee,
            &format!("选举第{term}届业主委员会委员"),
            Outcome::Passed,
        );
        self.later(900, 2_400);
        for _ in 0..2 {
            let old = self.committee[0].clone();
            self.members_named += 1;
            let new = format!("large-committee-{}", self.members_named);
            self.replace_key(
                Role::CommitteeMember,
                old,
                new,
                "业主委员会换届，委员任期届满卸任",
            );
            self.later(300, 900);
        }
    }

    fn audit(&mut self) {
        let Some(through_seq) = self.last_close_seq else {
            return;
        };
        let last = self.ledger.last_closed().unwrap_or(first_period());
        let findings = self.document(&format!(
            "街道办事处审计报告：{COMMUNITY} {}至{last}",
            first_period(),
        ));
        let body = AuditAttested {
            through_seq,
            findings_sha256: findings,
            opinion: label("账实相符，收支凭证齐全，未发现重大问题"),
        };
        let auditor = self.auditor.clone();
        self.emit(LedgerEvent::AuditAttested(body), &[auditor]);
    }

    // --- fees and payments --------------------------------------------------------------------

    fn charges(&mut self, p: Period) {
        let due = self.ledger.due_charges(p);
        if due.is_empty() {
            return;
        }
        let total: i64 = due.iter().map(|c| c.amount_fen.get()).sum();
        for chunk in due.chunks(demo::CHARGES_PER_ENTRY_MAX) {
            let body = ChargesAssessed {
                period: p,
                charges: chunk.to_vec(),
            };
            self.as_treasurer(LedgerEvent::ChargesAssessed(body));
            self.later(3, 20);
        }
        self.monthly_charged = total;
        self.summary.charged = Some(match self.summary.charged {
            None => (p, p),
            Some((first, _)) => (first, p),
        });
        self.plan_payments(p);
    }

    /// Decides who pays this month and on which office day (after today's assessment).
    fn plan_payments(&mut self, p: Period) {
        let days: Vec<Date> = office_days(self.today.year(), p.month())
            .into_iter()
            .filter(|d| *d > self.today)
            .collect();
        if days.is_empty() {
            return;
        }
        for h in 0..self.homes.len() {
            let home = &self.homes[h];
            let pays = match home.habit {
                Habit::Monthly => !self.chance(6),
                Habit::Late => home.next_due <= p,
                Habit::Annual => p.month() == 1,
                Habit::Quarterly => p.month() % 3 == 0,
                Habit::Never => false,
                Habit::Rare => self.chance(4),
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

    /// How a household pays: mobile payment spreads from 2014 on; before, cash or the bank.
    fn channel(&self, home: &Home) -> Channel {
        if home.habit == Habit::Quarterly {
            return Channel::Cash;
        }
        let mobile = ((self.today.year() - 2013) * 18).clamp(0, 92);
        if i32::from(home.modern) < mobile {
            if home.modern % 5 < 3 {
                Channel::WechatPay
            } else {
                Channel::Alipay
            }
        } else if home.modern % 2 == 0 {
            Channel::Cash
        } else {
            Channel::BankTransfer
        }
    }

    fn pay(&mut self, h: usize) {
        let p = period_of(self.today);
        let home = self.homes[h].clone();
        let owed = self.ledger.arrears(&home.unit).get();
        let monthly = self.monthly_of(&home);
        let (amount, periods, paid_through) = match home.habit {
            Habit::Annual => {
                let year = months(p, period(p.year(), 12));
                (
                    owed + (year.len() as i64 - 1) * monthly,
                    year,
                    period(p.year(), 12),
                )
            }
            Habit::Rare => {
                let worth = self.between(2, 5);
                (owed.min(worth * monthly), Vec::new(), home.paid_through)
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
        let channel = self.channel(&home);
        let year = self.today.year();
        if home.habit == Habit::Quarterly && p.month() == 6 && self.typo_year != year {
            self.typo_year = year;
            self.mistyped_cash_payment(&home, amount, &periods);
        } else {
            let body = PaymentReceived {
                unit: home.unit.clone(),
                amount_fen: fen(amount),
                channel,
                periods,
            };
            self.as_treasurer(LedgerEvent::PaymentReceived(body));
        }
        self.homes[h].paid_through = paid_through;
    }

    /// A cash payment entered with a wrong digit, reversed, and entered again.
    fn mistyped_cash_payment(&mut self, home: &Home, amount: i64, periods: &[Period]) {
        let wrong = amount + 10_000;
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
        self.as_treasurer(LedgerEvent::Reversal(Reversal {
            reverses: id,
            reason: label(&reason),
        }));
        self.later(30, 120);
        let body = PaymentReceived {
            unit: home.unit.clone(),
            amount_fen: fen(amount),
            channel: Channel::Cash,
            periods: periods.to_vec(),
        };
        self.as_treasurer(LedgerEvent::PaymentReceived(body));
    }

    /// Payment demands (催告) to every chronic debtor owing at least `months_owed` months' worth;
    /// one in ten settles within two months and pays monthly from then on.
    fn demands(&mut self, months_owed: i64) {
        for h in 0..self.homes.len() {
            if !self.homes[h].habit.chronic() {
                continue;
            }
            let unit = self.homes[h].unit.clone();
            let owed = self.ledger.arrears(&unit);
            let monthly = self.monthly_of(&self.homes[h]);
            if owed.get() == 0 || owed.get() < months_owed * monthly {
                continue;
            }
            let document_sha256 =
                self.document(&format!("催告函 {unit} 欠费{owed}元 {}", self.today));
            let body = PaymentDemandIssued {
                unit,
                amount_fen: owed,
                document_sha256,
            };
            self.as_treasurer(LedgerEvent::PaymentDemandIssued(body));
            self.later(5, 20);
            if self.chance(10) {
                let wait = usize::try_from(self.between(5, 40)).unwrap_or(10);
                let day = office_day_after(self.today, wait);
                let minute = hm(9, 30) + u32::try_from(self.below(420)).unwrap_or(0);
                self.at(day, minute, move |g| g.settle(h));
            }
        }
    }

    /// A debtor pays everything owed after a demand, and pays monthly from then on.
    fn settle(&mut self, h: usize) {
        let unit = self.homes[h].unit.clone();
        let owed = self.ledger.arrears(&unit).get();
        if owed > 0 {
            let body = PaymentReceived {
                unit,
                amount_fen: fen(owed),
                channel: Channel::BankTransfer,
                periods: Vec::new(),
            };
            self.as_treasurer(LedgerEvent::PaymentReceived(body));
        }
        let home = &mut self.homes[h];
        home.habit = Habit::Monthly;
        home.paid_through = period_of(self.today);
    }

    fn close(&mut self, range: PeriodRange) {
        let statement = self.ledger.statement(range);
        let (_, seq) = self.as_treasurer(LedgerEvent::PeriodClosed(PeriodClosed { statement }));
        if seq != u64::MAX {
            self.last_close_seq = Some(seq);
            self.summary.closes += 1;
        }
    }

    // --- money in and out ---------------------------------------------------------------------

    fn income(&mut self, f: &str, category: &str, payer: &str, amount: i64, channel: Channel) {
        if amount <= 0 {
            return;
        }
        let body = IncomeReceived {
            fund: fund(f),
            category: slug(category),
            payer: label(payer),
            amount_fen: fen(amount),
            channel,
        };
        self.as_treasurer(LedgerEvent::IncomeReceived(body));
    }

    /// What proposals not yet paid promise from `f`.
    fn promised(&self, f: &FundId) -> i64 {
        self.open
            .values()
            .filter(|(of, _)| of == f)
            .map(|(_, a)| a)
            .sum()
    }

    /// Proposes an expenditure if its fund can pay it (after what earlier proposals promised).
    fn propose(&mut self, spend: &Spend) -> Option<String> {
        let f = fund(&spend.fund);
        let balance = self.ledger.fund_balance(&f).map_or(0, Fen::get);
        if balance - self.promised(&f) < spend.amount {
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
            decision: spend.decision.clone(),
        };
        let (id, seq) = self.as_treasurer(LedgerEvent::ExpenseProposed(body));
        if seq == u64::MAX {
            return None;
        }
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
        if let Some((f, amount)) = self.open.remove(proposal) {
            let category = self
                .ledger
                .proposals()
                .get(proposal)
                .map(|p| p.body.category.as_str().to_string())
                .unwrap_or_default();
            let year = self.today.year();
            if year != self.spent_year {
                self.spent.clear();
                self.spent_year = year;
            }
            let category = CATEGORIES
                .iter()
                .find(|c| **c == category)
                .copied()
                .unwrap_or("repairs");
            *self
                .spent
                .entry((f.as_str().to_string(), category))
                .or_insert(0) += amount;
        }
        id
    }

    /// One approval of a proposal by a committee member who has not approved it yet.
    fn approve(&mut self, name: &str) {
        let Some(id) = self.named.get(name).cloned() else {
            return;
        };
        let approved: Vec<PublicKey> = match self.ledger.proposals().get(&id) {
            Some(p) => p.approvals.iter().copied().collect(),
            None => return,
        };
        let mut candidates = Vec::new();
        for member in self.committee.clone() {
            if !approved.contains(&self.key(&member)) {
                candidates.push(member);
            }
        }
        if candidates.is_empty() {
            return;
        }
        let member =
            candidates[usize::try_from(self.below(candidates.len() as u64)).unwrap_or(0)].clone();
        let body = ExpenseApproved { proposal: id };
        self.emit(LedgerEvent::ExpenseApproved(body), &[member]);
    }

    /// Schedules an expenditure: proposed on `day` at `minute`; above the threshold, approved
    /// on the next three office days and paid on the fifth; otherwise paid the same day.
    fn spend_auto(&mut self, day: Date, minute: u32, spend: Spend, wrong_invoice: bool) {
        if spend.amount > APPROVAL_THRESHOLD_FEN {
            self.spend_large(day, minute, spend, 5, wrong_invoice);
        } else {
            let pay_minute = (minute + 30 + u32::try_from(self.below(150)).unwrap_or(0))
                .min(hm(17, 30))
                .max(minute + 1);
            self.spend_now(day, minute, pay_minute, spend, wrong_invoice);
        }
    }

    /// As [`Gen::spend_auto`], called from an action running today: proposed at once.
    fn spend_large_from_action(&mut self, spend: Spend) {
        let name = self.fresh_name();
        let (channel, doc) = (spend.channel, spend.doc);
        let Some(id) = self.propose(&spend) else {
            return;
        };
        if spend.amount <= APPROVAL_THRESHOLD_FEN {
            self.later(60, 600);
            let invoice = self.invoice(doc);
            self.pay_expense(&id, channel, invoice);
            return;
        }
        self.named.insert(name.clone(), id);
        self.schedule_approvals_and_payment(self.today, &name, 5, channel, doc, false);
    }

    /// Proposes on `day` and pays later the same day (at or below the approval threshold).
    fn spend_now(
        &mut self,
        day: Date,
        minute: u32,
        pay_minute: u32,
        spend: Spend,
        wrong_invoice: bool,
    ) {
        let name = self.fresh_name();
        let (channel, doc) = (spend.channel, spend.doc);
        let key = name.clone();
        self.at(day, minute, move |g| {
            if let Some(id) = g.propose(&spend) {
                g.named.insert(key, id);
            }
        });
        self.at(day, pay_minute, move |g| {
            g.pay_named(&name, channel, doc, wrong_invoice)
        });
    }

    /// Proposes on `day`; committee members approve over the next office days; paid on the
    /// `pay_after`th office day after.
    fn spend_large(
        &mut self,
        day: Date,
        minute: u32,
        spend: Spend,
        pay_after: usize,
        wrong_invoice: bool,
    ) {
        let name = self.fresh_name();
        let (channel, doc) = (spend.channel, spend.doc);
        let key = name.clone();
        self.at(day, minute, move |g| {
            if let Some(id) = g.propose(&spend) {
                g.named.insert(key, id);
            }
        });
        self.schedule_approvals_and_payment(day, &name, pay_after, channel, doc, wrong_invoice);
    }

    fn schedule_approvals_and_payment(
        &mut self,
        day: Date,
        name: &str,
        pay_after: usize,
        channel: Channel,
        doc: Doc,
        wrong_invoice: bool,
    ) {
        assert!(pay_after > APPROVALS_REQUIRED as usize);
        for k in 1..=APPROVALS_REQUIRED as usize {
            let d = office_day_after(day, k);
            let minute = hm(9, 0) + u32::try_from(self.below(420)).unwrap_or(0);
            let name = name.to_string();
            self.at(d, minute, move |g| g.approve(&name));
        }
        let pay = office_day_after(day, pay_after);
        let name = name.to_string();
        self.at(pay, hm(14, 40), move |g| {
            g.pay_named(&name, channel, doc, wrong_invoice);
        });
    }

    /// Pays the proposal scheduled under `name`, if it was made; with `wrong_invoice`, the
    /// payment is first recorded with another invoice, reversed, and recorded again.
    fn pay_named(&mut self, name: &str, channel: Channel, doc: Doc, wrong_invoice: bool) {
        let Some(id) = self.named.remove(name) else {
            return;
        };
        if wrong_invoice {
            let invoice = self.invoice(doc);
            let paid = self.pay_expense(&id, channel, invoice);
            self.later(1_200, 3_000);
            let reason = label("发票号码录错（误录为上月发票），冲销后按正确发票重新登记");
            self.as_treasurer(LedgerEvent::Reversal(Reversal {
                reverses: paid,
                reason,
            }));
            // The reversal reopened the proposal: it promises its money again.
            if let Some(p) = self.ledger.proposals().get(&id) {
                let promise = (p.body.fund.clone(), p.body.amount_fen.get());
                self.open.insert(id.clone(), promise);
            }
            self.undo_spent(&id);
            self.later(60, 300);
        }
        let invoice = self.invoice(doc);
        self.pay_expense(&id, channel, invoice);
    }

    /// Takes a reversed payment's amount out of this year's spending.
    fn undo_spent(&mut self, proposal: &str) {
        let Some(p) = self.ledger.proposals().get(proposal) else {
            return;
        };
        let f = p.body.fund.as_str().to_string();
        let amount = p.body.amount_fen.get();
        let category = p.body.category.as_str().to_string();
        if let Some(c) = CATEGORIES.iter().find(|c| **c == category) {
            if let Some(v) = self.spent.get_mut(&(f, *c)) {
                *v -= amount;
            }
        }
    }

    /// A small repair, proposed in the morning and paid in the afternoon.
    fn repair(&mut self, day: Date, minute: u32) {
        const REPAIRS: [(&str, &str, &str, i64, i64); 6] = [
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
            (
                "便民开锁修锁店",
                "repairs",
                "单元门禁锁更换",
                18_000,
                45_000,
            ),
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
            (
                "城建市政工程有限公司",
                "repairs",
                "人行道地砖修补",
                60_000,
                300_000,
            ),
        ];
        let (payee, category, what, lo, hi) = self.pick(&REPAIRS);
        let amount = 100 * (self.between(lo, hi) / 100);
        let doc = if amount >= 100_000 {
            Doc::Fapiao
        } else {
            Doc::Receipt
        };
        let b = self.between(1, i64::from(self.buildings().max(1)));
        let spend = Spend::new(
            payee,
            category,
            "operating",
            amount,
            format!("{b}号楼{what}"),
            Channel::WechatPay,
            doc,
        );
        self.spend_now(day, minute, hm(15, 30) + (minute % 60), spend, false);
    }

    /// The buildings registered so far are numbered 1 to this.
    fn buildings(&self) -> u32 {
        let phase1: usize = self.phase1.iter().map(Building::units).sum();
        let last = if self.homes.len() > phase1 {
            self.phase2.last()
        } else {
            None
        };
        last.or(self.phase1.last()).map_or(1, |b| b.number)
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
        let spend = Spend::new(
            payee,
            category,
            "operating",
            amount,
            description,
            Channel::Cash,
            doc,
        );
        if let Some(id) = self.propose(&spend) {
            self.later(60, 400);
            let invoice = self.invoice(doc);
            self.pay_expense(&id, Channel::Cash, invoice);
        }
    }

    /// A repair from the maintenance fund under an owners' decision: roofs of walk-ups, and
    /// from 2018 the elevators of the high-rises.
    fn maintenance_repair(&mut self, day: Date, y: i32) {
        let elevators = self.high_rises && y >= 2018 && y % 2 == 0;
        let b = self.between(1, i64::from(self.buildings().max(1)));
        let (title, payee, amount) = if elevators {
            let n = self.between(1, 2);
            (
                format!("使用维修资金更换高层住宅电梯{n}部"),
                "通达电梯工程有限公司",
                n * 100 * self.between(320_000, 420_000),
            )
        } else {
            (
                format!("使用维修资金维修{b}号楼屋面防水及外墙"),
                "安居防水工程有限公司",
                100 * self.between(40_000, 95_000),
            )
        };
        let name = self.fresh_name();
        let key = name.clone();
        let decision_title = title.clone();
        self.at(day, hm(10, 0), move |g| {
            let id = g.decision(Matter::UseMaintenanceFund, &decision_title, Outcome::Passed);
            g.named.insert(key, id);
        });
        let propose_day = nth_office_day(y, 6, 3);
        self.at(propose_day, hm(9, 50), move |g| {
            let Some(decision) = g.named.remove(&name) else {
                return;
            };
            let mut spend = Spend::new(
                payee,
                "repairs",
                "maintenance",
                amount,
                title.trim_start_matches("使用维修资金").to_string(),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            spend.decision = Some(decision);
            g.spend_large_from_action(spend);
        });
    }

    /// A government renovation grant: the owners decide (rebuilding, three quarters), the
    /// district pays into `project:renovation-YEAR`, and the contractor is paid in installments.
    fn grant_project(&mut self, day: Date, y: i32) {
        let project = format!("renovation-{y}");
        let what = if y < 2016 {
            "既有住宅建筑节能改造（外墙保温、节能门窗）"
        } else {
            "老旧小区综合改造（管网、道路、无障碍设施）"
        };
        let h = self.homes.len() as i64;
        self.at(day, hm(9, 30), move |g| {
            g.decision(
                Matter::Rebuild,
                &format!("{y}年{what}实施方案"),
                Outcome::Passed,
            );
        });
        let d = nth_office_day(y, 5, 3);
        let f = format!("project:{project}");
        let grant = h * 120_000;
        let fund_name = f.clone();
        self.at(d, hm(10, 20), move |g| {
            let body = GrantReceived {
                fund: fund(&fund_name),
                grantor: label("区住房和城乡建设局"),
                purpose: label(&format!("专项资金：{what}")),
                amount_fen: fen(grant),
            };
            g.as_treasurer(LedgerEvent::GrantReceived(body));
        });
        let supervision = grant * 2 / 100;
        let contract = grant - supervision;
        let part = |s: i64| contract * s / 100;
        let steps: [(i32, u8, &str, &str, &str, i64); 5] = [
            (
                y,
                7,
                "宏达市政安装工程有限公司",
                "renovation",
                "预付款（合同价30%）",
                part(30),
            ),
            (
                y,
                10,
                "宏达市政安装工程有限公司",
                "renovation",
                "进度款（合同价40%）",
                part(40),
            ),
            (
                y,
                12,
                "宏达市政安装工程有限公司",
                "renovation",
                "竣工验收款（合同价27%）",
                part(27),
            ),
            (
                y,
                12,
                "正衡工程监理咨询有限公司",
                "supervision",
                "工程监理费",
                supervision,
            ),
            (
                y + 1,
                12,
                "宏达市政安装工程有限公司",
                "renovation",
                "质保金（合同价3%，质保期满）",
                contract - part(30) - part(40) - part(27),
            ),
        ];
        for (k, (year, month, payee, category, step, amount)) in steps.into_iter().enumerate() {
            let d = nth_office_day(year, month, 3 + k % 2);
            let spend = Spend::new(
                payee,
                category,
                &f,
                amount,
                format!("{what}{step}"),
                Channel::BankTransfer,
                Doc::Fapiao,
            );
            self.spend_auto(d, hm(9, 45) + 20 * k as u32, spend, false);
        }
    }

    /// Moves part of the operating fund's surplus to the maintenance fund, under an owners'
    /// decision, if there is a surplus beyond six months of fees.
    fn transfer_surplus(&mut self) {
        let f = fund("operating");
        let available = self.ledger.fund_balance(&f).map_or(0, Fen::get) - self.promised(&f);
        let m = self.scale();
        if available <= 6 * m {
            return;
        }
        let amount = whole_yuan((available - 3 * m) * 4 / 10);
        let decision = self.decision(
            Matter::FundTransfer,
            "将物业费结余转入专项维修资金",
            Outcome::Passed,
        );
        self.later(600, 1_800);
        self.as_quorum(LedgerEvent::FundsTransferred(FundsTransferred {
            from_fund: f,
            to_fund: fund("maintenance"),
            amount_fen: fen(amount),
            decision,
        }));
    }
}

/// The spending categories the generator uses.
const CATEGORIES: [&str; 13] = [
    "security",
    "cleaning",
    "garbage_removal",
    "greenery",
    "lighting",
    "elevator",
    "water",
    "repairs",
    "drainage",
    "facilities",
    "community_events",
    "renovation",
    "supervision",
];

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhang_core::log::{split_lines, verify_jsonl};

    const ENTRIES: u64 = 3_000;

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
                is_office_day(beijing.date()),
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
            let (a, b) = plan_buildings(h);
            let units: usize = a.iter().chain(&b).map(Building::units).sum();
            assert!(
                units + 36 >= h && units <= h + 36 + 144,
                "{h} households asked, {units} planned"
            );
        }
        assert_eq!(households_for(1_000_000), HOUSEHOLDS_MAX);
        assert_eq!(households_for(3_000), HOUSEHOLDS_MIN);
    }
}
