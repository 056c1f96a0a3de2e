//! The rules of a community ledger, and the state they need: [`Ledger::apply`] checks one entry
//! against everything before it and, if it keeps every rule, folds it in and returns the
//! double-entry postings it derives. The store runs this before appending; the verifier while
//! replaying — the same code, so a log the server accepted is a log the verifier accepts.
//!
//! `apply` checks everything before it changes anything: an entry that breaks a rule leaves the
//! ledger exactly as it was.

use super::accounts::{Account, Posting, balances};
use super::events::*;
use super::households::{self, Household};
use super::types::*;
use crate::entry::Entry;
use crate::hash::sha256;
use crate::keys::PublicKey;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// Why an entry breaks the ledger's rules: the entry, and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry {seq} ({kind} `{event_id}`): {violation}")]
pub struct RuleError {
    /// The entry.
    pub seq: u64,
    /// Its event id.
    pub event_id: String,
    /// Its event type.
    pub kind: String,
    /// The rule broken.
    pub violation: Violation,
}

/// One variant per rule. Messages say what is wrong and, where it helps, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// The body does not have the fields of its type.
    #[error("{0}")]
    Body(BodyError),
    /// A committee member named in the genesis did not sign it.
    #[error("the genesis must be signed by every committee member it names; {key} did not sign")]
    GenesisNotSignedByMember {
        /// The member.
        key: PublicKey,
    },
    /// Someone outside the committee signed the genesis.
    #[error("the genesis is signed by {key}, who is not a committee member it names")]
    GenesisSignedByOutsider {
        /// The signer.
        key: PublicKey,
    },
    /// The genesis body is inconsistent.
    #[error("the genesis is invalid: {reason}")]
    InvalidGenesis {
        /// What is wrong.
        reason: &'static str,
    },
    /// A key given a role is not a valid Ed25519 key, or is weak.
    #[error("{key} cannot hold a role: it is {reason}")]
    InvalidKey {
        /// The key.
        key: PublicKey,
        /// Why it is refused.
        reason: crate::keys::AuthorKeyError,
    },
    /// A key given a role is written in a non-canonical encoding (RFC 8032 §5.1.3), so the same
    /// person could hold it under two strings.
    #[error("{key} cannot hold a role: it is not canonically encoded (RFC 8032 §5.1.3)")]
    NonCanonicalKey {
        /// The key as written.
        key: PublicKey,
    },
    /// The treasurer who proposed an expenditure approves it too.
    #[error(
        "{key} proposed this expenditure and cannot also approve it: approvals come from other committee members"
    )]
    SelfApproval {
        /// The key.
        key: PublicKey,
    },
    /// A revoked key signed.
    #[error("key {key} was revoked at entry {revoked_at} and may sign nothing after it")]
    RevokedKey {
        /// The key.
        key: PublicKey,
        /// The revoking entry.
        revoked_at: u64,
    },
    /// The event must be signed by the treasurer alone.
    #[error("this event must be signed by the treasurer; {key} is not the treasurer now")]
    NotTreasurer {
        /// The signer.
        key: PublicKey,
    },
    /// There is no treasurer (revoked and not yet replaced).
    #[error("there is no treasurer: the committee must grant the role to a key first")]
    NoTreasurer,
    /// Too many signatures for an event one person signs.
    #[error("this event is signed by one person; found {found} signatures")]
    OneSignerExpected {
        /// Signatures found.
        found: usize,
    },
    /// A signer of a committee act is not a committee member.
    #[error("{key} is not a committee member now and cannot sign a committee act")]
    NotCommitteeMember {
        /// The signer.
        key: PublicKey,
    },
    /// Not enough committee members signed.
    #[error("a committee act needs {needed} members' signatures; found {found}")]
    QuorumNotMet {
        /// K.
        needed: u32,
        /// Members who signed.
        found: u32,
    },
    /// The event must be signed by the street office's auditor.
    #[error("this event must be signed by the auditor; {key} is not the auditor now")]
    NotAuditor {
        /// The signer.
        key: PublicKey,
    },
    /// The same event id was used before with the same content.
    #[error(
        "event id `{id}` was already recorded at entry {first_seq}; resubmitting it does not record it again"
    )]
    DuplicateEvent {
        /// The id.
        id: String,
        /// Where it was first recorded.
        first_seq: u64,
    },
    /// The same event id was used before with other content.
    #[error(
        "event id `{id}` was already used at entry {first_seq} for a different event; choose a new id"
    )]
    ConflictingEventId {
        /// The id.
        id: String,
        /// Where it was first used.
        first_seq: u64,
    },
    /// A unit is registered twice.
    #[error("unit {unit} is already registered; to change its area, record a household correction")]
    UnitAlreadyRegistered {
        /// The unit.
        unit: Unit,
    },
    /// An event names a unit that is not registered.
    #[error("unit {unit} is not registered")]
    UnknownUnit {
        /// The unit.
        unit: Unit,
    },
    /// An area is zero or negative.
    #[error("the area of unit {unit} must be above zero")]
    AreaNotPositive {
        /// The unit.
        unit: Unit,
    },
    /// An amount that must be above zero is not.
    #[error("`{field}` must be above zero")]
    AmountNotPositive {
        /// The field.
        field: &'static str,
    },
    /// A sum went beyond what the ledger can carry.
    #[error("the amounts add up beyond ±(2^53−1) fen")]
    AmountOutOfRange,
    /// No fee schedule is in force for a month.
    #[error("no fee schedule is in force for {period}")]
    NoFeeSchedule {
        /// The month.
        period: Period,
    },
    /// A fee schedule is empty, names an item twice or has a negative rate.
    #[error("a fee schedule must list at least one item, each once, with rates of zero or more")]
    InvalidFeeSchedule,
    /// A charge names an item the schedule in force does not have.
    #[error("fee item `{item}` is not in the schedule in force for {period}")]
    UnknownFeeItem {
        /// The month.
        period: Period,
        /// The item.
        item: Slug,
    },
    /// A charge differs from the posted standard (明码标价).
    #[error(
        "unit {unit} is charged {stated} yuan for `{item}` in {period}, but the schedule in force gives {computed} yuan"
    )]
    ChargeMismatch {
        /// The unit.
        unit: Unit,
        /// The item.
        item: Slug,
        /// The month.
        period: Period,
        /// Amount in the entry.
        stated: Fen,
        /// Amount the schedule gives.
        computed: Fen,
    },
    /// A unit is charged twice for the same item and month.
    #[error("unit {unit} is already charged for `{item}` in {period}")]
    DuplicateCharge {
        /// The unit.
        unit: Unit,
        /// The item.
        item: Slug,
        /// The month.
        period: Period,
    },
    /// A month before the ledger's first month.
    #[error("{period} is before the ledger's first month {first}")]
    PeriodBeforeLedger {
        /// The month.
        period: Period,
        /// The first month.
        first: Period,
    },
    /// A fund that does not exist.
    #[error("fund `{fund}` does not exist (a project fund opens with its first grant)")]
    UnknownFund {
        /// The fund.
        fund: FundId,
    },
    /// A fund would go below zero.
    #[error(
        "fund `{fund}` holds {balance} yuan, not enough for {needed} yuan: no fund may go below zero"
    )]
    FundOverdrawn {
        /// The fund.
        fund: FundId,
        /// What it holds.
        balance: Fen,
        /// What was asked.
        needed: Fen,
    },
    /// A grant must go to a project fund.
    #[error("`{fund}` is not a project fund: grants go to a restricted fund `project:<name>`")]
    NotAProjectFund {
        /// The fund.
        fund: FundId,
    },
    /// Spending from a restricted fund must name its project (and only then).
    #[error("spending from `{fund}` must name project {expected:?}, found {found:?}")]
    ProjectMismatch {
        /// The fund.
        fund: FundId,
        /// The project it requires (none for a standing fund).
        expected: Option<String>,
        /// The project named.
        found: Option<String>,
    },
    /// A transfer from a fund to itself.
    #[error("a transfer needs two different funds")]
    SameFund,
    /// An approval or payment names no proposal.
    #[error("no expenditure proposal has id `{id}`")]
    UnknownProposal {
        /// The id.
        id: String,
    },
    /// The proposal was withdrawn (reversed).
    #[error("proposal `{id}` was withdrawn")]
    ProposalWithdrawn {
        /// The id.
        id: String,
    },
    /// The proposal is already paid.
    #[error("proposal `{id}` was already paid at entry {paid_at}")]
    ProposalAlreadyPaid {
        /// The id.
        id: String,
        /// The payment entry.
        paid_at: u64,
    },
    /// A member approves the same proposal twice.
    #[error("{key} already approved proposal `{id}`")]
    AlreadyApproved {
        /// The proposal.
        id: String,
        /// The member.
        key: PublicKey,
    },
    /// A large expenditure lacks approvals.
    #[error(
        "proposal `{id}` for {amount} yuan is above the approval threshold and needs {needed} committee approvals; it has {found}"
    )]
    ApprovalsMissing {
        /// The proposal.
        id: String,
        /// Its amount.
        amount: Fen,
        /// K.
        needed: u32,
        /// Approvals so far.
        found: u32,
    },
    /// A fapiao or receipt needs its number and the scan's hash.
    #[error("an invoice of kind fapiao or receipt needs its number and the SHA-256 of its scan")]
    InvoiceIncomplete,
    /// A decision that does not exist.
    #[error("no owners' decision has id `{id}`")]
    UnknownDecision {
        /// The id.
        id: String,
    },
    /// A decision that did not pass.
    #[error("owners' decision `{id}` did not pass")]
    DecisionNotPassed {
        /// The id.
        id: String,
    },
    /// A decision about something else.
    #[error("owners' decision `{id}` is about {found:?}, not {needed:?}")]
    DecisionWrongMatter {
        /// The id.
        id: String,
        /// What it decided.
        found: Matter,
        /// What is needed.
        needed: Matter,
    },
    /// A charges entry that charges nothing.
    #[error("a charges entry must list at least one charge")]
    NothingCharged,
    /// A budget names the same fund and category twice.
    #[error("the budget lists `{category}` of fund `{fund}` twice")]
    DuplicateBudgetLine {
        /// The fund.
        fund: FundId,
        /// The category.
        category: Slug,
    },
    /// Spending from the maintenance fund without an owners' decision.
    #[error(
        "spending from the maintenance fund needs a passed owners' decision on using it (`decision`)"
    )]
    MaintenanceDecisionMissing,
    /// A vote's total area is not the registered households' exclusive area.
    #[error(
        "the vote counts a total area of {stated} (0.01 ㎡), but the registered households hold {registered}"
    )]
    TotalAreaMismatch {
        /// In the decision.
        stated: AreaCentiM2,
        /// Sum of the registered units' areas.
        registered: AreaCentiM2,
    },
    /// Vote totals that cannot be.
    #[error("the vote totals are inconsistent: {reason}")]
    DecisionTotalsInconsistent {
        /// What is wrong.
        reason: &'static str,
    },
    /// The announced outcome differs from the one the totals give.
    #[error(
        "the decision is recorded as {stated:?}, but by Civil Code art. 278 its totals give {computed:?}"
    )]
    DecisionOutcomeMismatch {
        /// Recorded.
        stated: Outcome,
        /// Recomputed.
        computed: Outcome,
    },
    /// More approvals required than there are committee members.
    #[error("the quorum K = {needed} would exceed the {members} committee members")]
    QuorumExceedsCommittee {
        /// K.
        needed: u32,
        /// N.
        members: u32,
    },
    /// A role given to a key that already holds it, or to a revoked key.
    #[error("{key} cannot be granted this role: {reason}")]
    InvalidGrant {
        /// The key.
        key: PublicKey,
        /// Why.
        reason: &'static str,
    },
    /// Revoking a key that is already revoked.
    #[error("{key} was already revoked at entry {revoked_at}")]
    AlreadyRevoked {
        /// The key.
        key: PublicKey,
        /// Where.
        revoked_at: u64,
    },
    /// A reversal names no event.
    #[error("no event has id `{id}`, so it cannot be reversed")]
    UnknownReversalTarget {
        /// The id.
        id: String,
    },
    /// An event is reversed twice.
    #[error("event `{id}` was already reversed at entry {by_seq}")]
    AlreadyReversed {
        /// The id.
        id: String,
        /// The reversal.
        by_seq: u64,
    },
    /// An event of a kind that is corrected otherwise.
    #[error("a `{kind}` event cannot be reversed{hint}")]
    NotReversible {
        /// Its kind.
        kind: &'static str,
        /// How to correct it instead.
        hint: &'static str,
    },
    /// A demand to a unit that owes nothing.
    #[error("unit {unit} owes nothing, so no payment demand may be issued")]
    NotInArrears {
        /// The unit.
        unit: Unit,
    },
    /// A demand for another amount than what is owed.
    #[error("unit {unit} owes {computed} yuan, but the demand says {stated} yuan")]
    DemandAmountMismatch {
        /// The unit.
        unit: Unit,
        /// In the demand.
        stated: Fen,
        /// Owed.
        computed: Fen,
    },
    /// Closes must follow each other month by month.
    #[error(
        "this close must start at {expected}, the month after the last close; it starts at {found}"
    )]
    PeriodNotContiguous {
        /// Expected first month.
        expected: Period,
        /// Its first month.
        found: Period,
    },
    /// A close covers neither one month nor one calendar quarter.
    #[error(
        "a close covers one month or one calendar quarter (January–March, April–June, …); {from} to {to} is neither"
    )]
    InvalidPeriodRange {
        /// First month.
        from: Period,
        /// Last month.
        to: Period,
    },
    /// A period is closed before it ended.
    #[error("{to} has not ended yet (Beijing time); close it after the month is over")]
    PeriodNotEnded {
        /// Last month.
        to: Period,
    },
    /// The recorded statement differs from the recomputed one.
    #[error("the statement says `{field}` is {stated}, but the log gives {computed}")]
    StatementMismatch {
        /// Path of the first differing field.
        field: String,
        /// Recorded.
        stated: String,
        /// Recomputed.
        computed: String,
    },
    /// The ledger is as large as this format allows.
    #[error("this ledger cannot hold more {what}: at most {limit}")]
    LedgerFull {
        /// What there would be too many of.
        what: &'static str,
        /// The most there can be.
        limit: u64,
    },
    /// An audit of entries that do not exist yet.
    #[error("an audit can cover entries before it only; through_seq {through_seq} is not")]
    AuditBeyondEntry {
        /// The stated last entry.
        through_seq: u64,
    },
}

/// The postings an entry derived (empty for events that move no money).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// Debits positive, credits negative; they sum to zero.
    pub postings: Vec<Posting>,
}

/// How to undo a reversible event (kept small: one for every entry of the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undo {
    /// The event cannot be reversed.
    NotReversible,
    /// Reversing it changes no state (a demand, an approval).
    Nothing,
    /// A payment: the household (by registration order); the payment is found by its entry.
    Payment { household: u32 },
    /// Charges assessed for a month: each household's charges of that entry.
    Charges { period: Period },
    /// Money moved by postings and movements (kept in [`EventIndex::money`]).
    Money,
    /// An expenditure proposal (withdrawn by the reversal).
    Proposal,
}

/// What undoing a money event takes; undoing an expense payment also reopens its proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MoneyUndo {
    postings: Vec<Posting>,
    movements: Vec<Movement>,
    reopens: Option<String>,
}

/// One entry, as later entries need it: to refuse its id again, and to reverse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EventSlot {
    /// The first 128 bits of SHA-256 of the event id.
    id: [u8; 16],
    /// A 32-bit hash of the event's canonical bytes: tells a resubmission from a different
    /// event under the same id (both are refused; only the message differs).
    content: u32,
    /// Index of the event type in [`EVENT_TYPES`].
    kind: u8,
    undo: Undo,
}

/// Every entry's [`EventSlot`], by sequence number, and an index of their ids: about 50 bytes an
/// entry, the part of the state that grows with the log (ids must stay unique for ever and any
/// entry may be reversed).
///
/// Ids are compared by a 128-bit SHA-256 prefix: telling two ids apart takes finding a
/// collision in it (2^64 work), and the server and every verifier compare the same way.
#[derive(Debug, Clone, Default)]
struct EventIndex {
    slots: Vec<EventSlot>,
    /// Sequence numbers, hashed by their id.
    by_id: hashbrown::HashTable<u32>,
    /// Entries reversed, with the entry that reversed each.
    reversed_by: HashMap<u64, u64>,
    /// Undo data of money events, by sequence number.
    money: HashMap<u64, MoneyUndo>,
}

impl PartialEq for EventIndex {
    fn eq(&self, other: &EventIndex) -> bool {
        // `by_id` is a function of `slots`.
        self.slots == other.slots
            && self.reversed_by == other.reversed_by
            && self.money == other.money
    }
}
impl Eq for EventIndex {}

fn id_hash(id: &[u8; 16]) -> u64 {
    u64::from_le_bytes([id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]])
}

impl EventIndex {
    fn fingerprint(id: &str) -> [u8; 16] {
        let h = sha256(id.as_bytes());
        let mut out = [0; 16];
        out.copy_from_slice(&h.as_bytes()[..16]);
        out
    }

    /// The entry with this event id.
    fn find(&self, id: &str) -> Option<u64> {
        self.find_fingerprint(&EventIndex::fingerprint(id))
    }

    /// The entry whose event id has this fingerprint.
    fn find_fingerprint(&self, fp: &[u8; 16]) -> Option<u64> {
        let fp = *fp;
        self.by_id
            .find(id_hash(&fp), |&seq| self.slots[seq as usize].id == fp)
            .map(|&seq| u64::from(seq))
    }

    fn slot(&self, seq: u64) -> &EventSlot {
        &self.slots[seq as usize]
    }

    fn kind(&self, seq: u64) -> &'static str {
        EVENT_TYPES
            .get(usize::from(self.slot(seq).kind))
            .copied()
            .unwrap_or("unknown")
    }

    /// Keeps what undoing money event `seq` takes.
    fn keep_money_undo(
        &mut self,
        seq: u64,
        postings: &[Posting],
        movements: Vec<Movement>,
        reopens: Option<String>,
    ) -> Undo {
        let undo = MoneyUndo {
            postings: postings.to_vec(),
            movements,
            reopens,
        };
        self.money.insert(seq, undo);
        Undo::Money
    }

    /// A 32-bit hash of an event's canonical bytes.
    fn content_hash(content: &[u8]) -> u32 {
        use std::hash::Hasher as _;
        // Never stored or sent: only compared with another hash made by this same process.
        let mut h = std::hash::DefaultHasher::new();
        h.write(content);
        (h.finish() >> 32) as u32
    }

    /// Adds entry `seq` (the next one; `apply` refuses entries beyond u32::MAX), whose event id
    /// has fingerprint `id`.
    fn push(&mut self, seq: u64, id: [u8; 16], content: &[u8], kind: &str, undo: Undo) {
        debug_assert_eq!(seq, self.slots.len() as u64);
        let seq = u32::try_from(seq).unwrap_or(u32::MAX);
        let slot = EventSlot {
            id,
            content: EventIndex::content_hash(content),
            kind: u8::try_from(EVENT_TYPES.iter().position(|k| *k == kind).unwrap_or(255))
                .unwrap_or(u8::MAX),
            undo,
        };
        let slots = &self.slots;
        self.by_id
            .insert_unique(id_hash(&slot.id), seq, |&s| id_hash(&slots[s as usize].id));
        self.slots.push(slot);
    }
}

/// A committee decision on an expenditure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Entry that proposed it.
    pub seq: u64,
    /// The proposal.
    pub body: ExpenseProposed,
    /// Who proposed it (the treasurer's key at the time).
    pub proposer: PublicKey,
    /// Members who approved it.
    pub approvals: BTreeSet<PublicKey>,
    /// Entry that paid it.
    pub paid_at: Option<u64>,
    /// Whether it was withdrawn.
    pub withdrawn: bool,
}

/// An expenditure proposal waiting to be paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingApproval {
    /// The proposal's event id.
    pub id: String,
    /// Entry that proposed it.
    pub seq: u64,
    /// Its amount.
    pub amount: Fen,
    /// Approvals so far.
    pub approvals: u32,
    /// Approvals still needed before it may be paid.
    pub approvals_still_needed: u32,
}

/// One line of budget against actual spending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetComparison {
    /// The fund.
    pub fund: FundId,
    /// The spending category.
    pub category: Slug,
    /// Budgeted for the year (zero if the category has no budget line).
    pub budget: Fen,
    /// Spent in the year, net of reversals.
    pub actual: Fen,
}

/// Money moved in one month, by kind, fund and category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MoveKind {
    Charged,
    Received,
    Spent,
    Transferred,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Movement {
    kind: MoveKind,
    fund: FundId,
    category: Option<Slug>,
    amount: i128,
}

type MonthTotals = BTreeMap<(MoveKind, FundId, Option<Slug>), i128>;

/// The state of a community ledger after some entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    size: u64,
    origin: String,
    community: String,
    log_key: String,
    first_period: Option<Period>,
    governance: Option<Governance>,
    committee: BTreeSet<PublicKey>,
    treasurer: Option<PublicKey>,
    auditor: Option<PublicKey>,
    revoked: BTreeMap<PublicKey, u64>,
    households: BTreeMap<Unit, Household>,
    schedules: Vec<FeeScheduleAdopted>,
    accounts: BTreeMap<Account, Fen>,
    opening: BTreeMap<FundId, Fen>,
    events: EventIndex,
    /// The fingerprint of the id of the entry being (or last) applied, computed once per entry.
    id_fingerprint: [u8; 16],
    /// `(first seq, month)`: the month (Beijing time) entries from `first seq` on were recorded in.
    recorded_in: Vec<(u64, Period)>,
    /// Units in registration order (households are named by their index in undo data).
    units: Vec<Unit>,
    proposals: BTreeMap<String, Proposal>,
    decisions: HashMap<String, (Matter, bool)>,
    months: BTreeMap<Period, MonthTotals>,
    last_closed: Option<Period>,
    budgets: BTreeMap<u16, Vec<BudgetLine>>,
    last_period: Option<Period>,
}

/// A key named in a role must be one that can sign: a valid Ed25519 key, not a weak one.
fn valid_key(key: PublicKey) -> Result<(), Violation> {
    crate::keys::AuthorKey::from_public(key)
        .map(|_| ())
        .map_err(|reason| match reason {
            crate::keys::AuthorKeyError::NonCanonical => Violation::NonCanonicalKey { key },
            reason => Violation::InvalidKey { key, reason },
        })
}

/// Every matter: a decision of any matter may stand behind an ordinary expenditure.
const ALL_MATTERS: &[Matter] = &[
    Matter::Other,
    Matter::RaiseMaintenanceFund,
    Matter::Rebuild,
    Matter::ChangeCommonUse,
    Matter::UseMaintenanceFund,
    Matter::FeeSchedule,
    Matter::ElectCommittee,
    Matter::FundTransfer,
    Matter::Budget,
];

fn slug(s: &'static str) -> Slug {
    // INVARIANT: only called with literal slugs below.
    Slug::try_from(s).unwrap_or_else(|_| unreachable!("literal slug"))
}

fn add(a: Fen, b: Fen) -> Result<Fen, Violation> {
    a.checked_add(b).map_err(|_| Violation::AmountOutOfRange)
}

fn fen_from(v: i128) -> Result<Fen, Violation> {
    i64::try_from(v)
        .ok()
        .and_then(|v| Fen::new(v).ok())
        .ok_or(Violation::AmountOutOfRange)
}

/// The Receivable/Prepaid postings for a household whose position (charges − payments) moves
/// from `before` to `after`.
fn position_postings(before: i128, after: i128) -> Result<Vec<Posting>, Violation> {
    let receivable = after.max(0) - before.max(0);
    let prepaid = (-after).max(0) - (-before).max(0);
    let mut out = Vec::new();
    if receivable != 0 {
        out.push(Posting {
            account: Account::Receivable,
            amount: fen_from(receivable)?,
        });
    }
    if prepaid != 0 {
        out.push(Posting {
            account: Account::Prepaid,
            amount: fen_from(-prepaid)?,
        });
    }
    Ok(out)
}

/// Recomputes an owners' decision from its totals (Civil Code art. 278, art. 1259).
pub fn decide(matter: Matter, t: &VoteTotals) -> Result<Outcome, Violation> {
    let bad = |reason| Err(Violation::DecisionTotalsInconsistent { reason });
    if t.total_area_centi_m2 <= 0 || t.total_owners == 0 {
        return bad("the total area and number of owners must be above zero");
    }
    if t.participating_area_centi_m2 < 0 || t.yes_area_centi_m2 < 0 {
        return bad("areas cannot be negative");
    }
    if t.participating_area_centi_m2 > t.total_area_centi_m2
        || t.participating_owners > t.total_owners
    {
        return bad("more participants than owners");
    }
    if t.yes_area_centi_m2 > t.participating_area_centi_m2 || t.yes_owners > t.participating_owners
    {
        return bad("more yes votes than participants");
    }
    let (total_a, total_o) = (
        i128::from(t.total_area_centi_m2),
        i128::from(t.total_owners),
    );
    let (part_a, part_o) = (
        i128::from(t.participating_area_centi_m2),
        i128::from(t.participating_owners),
    );
    let (yes_a, yes_o) = (i128::from(t.yes_area_centi_m2), i128::from(t.yes_owners));
    let participated = 3 * part_a >= 2 * total_a && 3 * part_o >= 2 * total_o;
    let approved = if matter.needs_three_quarters() {
        4 * yes_a >= 3 * part_a && 4 * yes_o >= 3 * part_o
    } else {
        2 * yes_a > part_a && 2 * yes_o > part_o
    };
    Ok(if participated && approved {
        Outcome::Passed
    } else {
        Outcome::Rejected
    })
}

/// Which signatures an event needs.
enum Signers {
    Treasurer,
    Quorum,
    OneMember,
    Auditor,
}

fn signers_for(kind: &str) -> Signers {
    match kind {
        "role_granted"
        | "key_revoked"
        | "fee_schedule_adopted"
        | "owners_decision"
        | "funds_transferred"
        | "budget_adopted" => Signers::Quorum,
        "expense_approved" => Signers::OneMember,
        "audit_attested" => Signers::Auditor,
        _ => Signers::Treasurer,
    }
}

impl Ledger {
    /// An empty ledger, waiting for its genesis entry.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Entries applied.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The ledger's origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// The community's name.
    pub fn community(&self) -> &str {
        &self.community
    }
    /// The log's verifier key string as the genesis names it.
    pub fn log_key(&self) -> &str {
        &self.log_key
    }
    /// The current committee members.
    pub fn committee(&self) -> &BTreeSet<PublicKey> {
        &self.committee
    }
    /// The current treasurer.
    pub fn treasurer(&self) -> Option<PublicKey> {
        self.treasurer
    }
    /// The current auditor.
    pub fn auditor(&self) -> Option<PublicKey> {
        self.auditor
    }
    /// Whether `key` holds a role now (committee member, treasurer or auditor): the people who
    /// may sign for this ledger, and so upload its attachments. A revoked key holds none.
    pub fn holds_role(&self, key: &PublicKey) -> bool {
        self.committee.contains(key) || self.treasurer == Some(*key) || self.auditor == Some(*key)
    }
    /// Revoked keys and the entry that revoked each.
    pub fn revoked(&self) -> &BTreeMap<PublicKey, u64> {
        &self.revoked
    }
    /// The governance settings.
    pub fn governance(&self) -> Option<&Governance> {
        self.governance.as_ref()
    }
    /// The first month accounted for.
    pub fn first_period(&self) -> Option<Period> {
        self.first_period
    }
    /// The last month closed.
    pub fn last_closed(&self) -> Option<Period> {
        self.last_closed
    }
    /// The month (Beijing time) of the last entry applied.
    pub fn last_period(&self) -> Option<Period> {
        self.last_period
    }
    /// The registered households.
    pub fn households(&self) -> &BTreeMap<Unit, Household> {
        &self.households
    }
    /// Every account with its balance (debit positive).
    pub fn accounts(&self) -> &BTreeMap<Account, Fen> {
        &self.accounts
    }
    /// Expenditure proposals by id.
    pub fn proposals(&self) -> &BTreeMap<String, Proposal> {
        &self.proposals
    }
    /// Adopted budgets by year.
    pub fn budgets(&self) -> &BTreeMap<u16, Vec<BudgetLine>> {
        &self.budgets
    }
    /// The funds that exist, with the money each holds.
    pub fn fund_balances(&self) -> BTreeMap<FundId, Fen> {
        self.accounts
            .iter()
            .filter_map(|(a, v)| match a {
                Account::Money(f) => Some((f.clone(), *v)),
                _ => None,
            })
            .collect()
    }
    /// The money a fund holds, if it exists.
    pub fn fund_balance(&self, fund: &FundId) -> Option<Fen> {
        self.accounts.get(&Account::Money(fund.clone())).copied()
    }

    /// The fee schedule in force for `period`: the latest adopted whose first month is not after it.
    pub fn schedule_for(&self, period: Period) -> Option<&FeeScheduleAdopted> {
        self.schedules
            .iter()
            .rev()
            .find(|s| s.from_period <= period)
    }

    /// The charges the schedule in force gives every registered household for `period` that are
    /// not charged yet: what a treasurer's `charges_assessed` for the month should contain.
    pub fn due_charges(&self, period: Period) -> Vec<Charge> {
        let Some(schedule) = self.schedule_for(period) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (unit, h) in &self.households {
            for item in &schedule.items {
                if h.has_charge(period, &item.item) {
                    continue;
                }
                if let Some(amount) =
                    households::charge_amount(item.basis, item.rate_fen, h.area_centi_m2)
                {
                    out.push(Charge {
                        unit: unit.clone(),
                        item: item.item.clone(),
                        amount_fen: amount,
                    });
                }
            }
        }
        out
    }

    /// What a unit owes now, in fen (0 if it owes nothing or is not registered).
    pub fn arrears(&self, unit: &Unit) -> Fen {
        self.households.get(unit).map_or(Fen::ZERO, |h| {
            fen_from(h.position().max(0)).unwrap_or(Fen::ZERO)
        })
    }

    /// Checks `entry` against the rules and, if it keeps them, applies it.
    ///
    /// Entries must come in log order (the log layer checks sequence and chain first).
    pub fn apply(&mut self, entry: &Entry) -> Result<Applied, RuleError> {
        let fingerprint = EventIndex::fingerprint(entry.event().id());
        let previous = std::mem::replace(&mut self.id_fingerprint, fingerprint);
        let result = self.check_and_apply(entry);
        if result.is_err() {
            // A refused entry leaves the ledger exactly as it was.
            self.id_fingerprint = previous;
        }
        result
    }

    fn check_and_apply(&mut self, entry: &Entry) -> Result<Applied, RuleError> {
        assert_eq!(entry.seq(), self.size, "entries are applied in log order");
        let fail = |violation| RuleError {
            seq: entry.seq(),
            event_id: entry.event().id().to_string(),
            kind: entry.event().kind().to_string(),
            violation,
        };
        if u32::try_from(entry.seq()).is_err() {
            return Err(fail(Violation::LedgerFull {
                what: "entries",
                limit: u64::from(u32::MAX) + 1,
            }));
        }
        let event = LedgerEvent::from_event(entry.event()).map_err(|e| fail(Violation::Body(e)))?;
        let applied = if self.size == 0 {
            self.genesis(entry, &event).map_err(fail)?
        } else {
            self.check_id(entry, &self.id_fingerprint).map_err(fail)?;
            self.check_not_revoked(entry).map_err(fail)?;
            self.step(entry, &event).map_err(fail)?
        };
        assert!(
            balances(&applied.postings),
            "derived postings balance by construction"
        );
        let month = Period::of_time(entry.recorded_at());
        if self.last_period != Some(month) {
            self.recorded_in.push((entry.seq(), month));
        }
        self.size += 1;
        self.last_period = Some(month);
        Ok(applied)
    }

    fn check_id(&self, entry: &Entry, fingerprint: &[u8; 16]) -> Result<(), Violation> {
        let id = entry.event().id();
        if let Some(first_seq) = self.events.find_fingerprint(fingerprint) {
            let content = EventIndex::content_hash(entry.event().canonical_bytes());
            return Err(if self.events.slot(first_seq).content == content {
                Violation::DuplicateEvent {
                    id: id.to_string(),
                    first_seq,
                }
            } else {
                Violation::ConflictingEventId {
                    id: id.to_string(),
                    first_seq,
                }
            });
        }
        Ok(())
    }

    fn check_not_revoked(&self, entry: &Entry) -> Result<(), Violation> {
        for s in entry.signatures() {
            if let Some(&revoked_at) = self.revoked.get(s.key()) {
                return Err(Violation::RevokedKey {
                    key: *s.key(),
                    revoked_at,
                });
            }
        }
        Ok(())
    }

    fn check_signers(&self, entry: &Entry, needed: Signers) -> Result<(), Violation> {
        let sigs = entry.signatures();
        let one = || {
            if sigs.len() == 1 {
                Ok(*sigs[0].key())
            } else {
                Err(Violation::OneSignerExpected { found: sigs.len() })
            }
        };
        match needed {
            Signers::Treasurer => {
                let key = one()?;
                match self.treasurer {
                    None => Err(Violation::NoTreasurer),
                    Some(t) if t == key => Ok(()),
                    Some(_) => Err(Violation::NotTreasurer { key }),
                }
            }
            Signers::Auditor => {
                let key = one()?;
                if self.auditor == Some(key) {
                    Ok(())
                } else {
                    Err(Violation::NotAuditor { key })
                }
            }
            Signers::OneMember => {
                let key = one()?;
                if self.committee.contains(&key) {
                    Ok(())
                } else {
                    Err(Violation::NotCommitteeMember { key })
                }
            }
            Signers::Quorum => {
                for s in sigs {
                    if !self.committee.contains(s.key()) {
                        return Err(Violation::NotCommitteeMember { key: *s.key() });
                    }
                }
                let needed = self.governance.as_ref().map_or(1, |g| g.approvals_required);
                let found = u32::try_from(sigs.len()).unwrap_or(u32::MAX);
                if found < needed {
                    Err(Violation::QuorumNotMet { needed, found })
                } else {
                    Ok(())
                }
            }
        }
    }

    fn genesis(&mut self, entry: &Entry, event: &LedgerEvent) -> Result<Applied, Violation> {
        let LedgerEvent::LedgerOpened(g) = event else {
            // The log layer refuses a first entry of another type; reaching here is a bug.
            unreachable!("the log layer checks the genesis type")
        };
        let committee: BTreeSet<PublicKey> = g.committee.iter().map(|k| k.0).collect();
        if committee.is_empty() || committee.len() != g.committee.len() {
            return Err(Violation::InvalidGenesis {
                reason: "the committee must list at least one key, each once",
            });
        }
        let members = u32::try_from(committee.len()).unwrap_or(u32::MAX);
        let k = g.governance.approvals_required;
        if k == 0 {
            return Err(Violation::InvalidGenesis {
                reason: "approvals_required (K) must be at least 1",
            });
        }
        if k > members {
            return Err(Violation::QuorumExceedsCommittee { needed: k, members });
        }
        if g.governance.approval_threshold_fen.get() < 0 {
            return Err(Violation::InvalidGenesis {
                reason: "the approval threshold cannot be negative",
            });
        }
        match crate::note::VerifierKey::parse(&g.log_key) {
            Err(_) => {
                return Err(Violation::InvalidGenesis {
                    reason: "log_key must be a signed-note verifier key string",
                });
            }
            Ok(key) if key.name() != g.origin => {
                return Err(Violation::InvalidGenesis {
                    reason: "the log key must be named by the ledger's origin",
                });
            }
            Ok(_) => {}
        }
        for key in g.committee.iter().chain([&g.treasurer, &g.auditor]) {
            valid_key(key.0)?;
        }
        let signers: BTreeSet<PublicKey> = entry.signatures().iter().map(|s| *s.key()).collect();
        if let Some(key) = signers.iter().find(|k| !committee.contains(k)) {
            return Err(Violation::GenesisSignedByOutsider { key: *key });
        }
        if let Some(key) = committee.iter().find(|k| !signers.contains(k)) {
            return Err(Violation::GenesisNotSignedByMember { key: *key });
        }
        let mut seen = BTreeSet::new();
        let mut postings = Vec::new();
        for o in &g.opening_balances {
            if !o.fund.is_standing() || !seen.insert(o.fund.clone()) {
                return Err(Violation::InvalidGenesis {
                    reason: "opening balances name each standing fund at most once",
                });
            }
            if o.amount_fen.get() < 0 {
                return Err(Violation::InvalidGenesis {
                    reason: "opening balances cannot be negative",
                });
            }
            postings.push(Posting {
                account: Account::Money(o.fund.clone()),
                amount: o.amount_fen,
            });
            postings.push(Posting {
                account: Account::Opening(o.fund.clone()),
                amount: -o.amount_fen,
            });
        }
        // Commit.
        self.origin = g.origin.clone();
        self.community = g.community.to_string();
        self.log_key = g.log_key.clone();
        self.first_period = Some(g.first_period);
        self.governance = Some(g.governance.clone());
        self.committee = committee;
        self.treasurer = Some(g.treasurer.0);
        self.auditor = Some(g.auditor.0);
        for fund in ["operating", "public_revenue", "maintenance"] {
            let fund = FundId::try_from(fund).unwrap_or_else(|_| unreachable!("standing fund"));
            self.accounts
                .entry(Account::Money(fund.clone()))
                .or_insert(Fen::ZERO);
            let opening = g
                .opening_balances
                .iter()
                .find(|o| o.fund == fund)
                .map_or(Fen::ZERO, |o| o.amount_fen);
            self.opening.insert(fund, opening);
        }
        self.post(&postings)?;
        self.record(entry, Undo::NotReversible);
        Ok(Applied { postings })
    }

    fn record(&mut self, entry: &Entry, undo: Undo) {
        let event = entry.event();
        self.events.push(
            entry.seq(),
            self.id_fingerprint,
            event.canonical_bytes(),
            event.kind(),
            undo,
        );
    }

    /// The new balances after `postings`, refusing any fund below zero. Does not change anything.
    fn after_postings<'p>(
        &self,
        postings: &'p [Posting],
    ) -> Result<Vec<(&'p Account, Fen)>, Violation> {
        // A set of postings names a few accounts (a charge entry posts to the receivable or
        // prepaid once per unit): a short list beats a map.
        let mut changed: Vec<(&Account, Fen)> = Vec::new();
        for p in postings {
            match changed.iter_mut().find(|(a, _)| *a == &p.account) {
                Some((_, balance)) => *balance = add(*balance, p.amount)?,
                None => {
                    let current = self.accounts.get(&p.account).copied().unwrap_or(Fen::ZERO);
                    changed.push((&p.account, add(current, p.amount)?));
                }
            }
        }
        for &(account, balance) in &changed {
            if let Account::Money(fund) = account {
                if balance.get() < 0 {
                    let before = self.accounts.get(account).copied().unwrap_or(Fen::ZERO);
                    return Err(Violation::FundOverdrawn {
                        fund: fund.clone(),
                        balance: before,
                        needed: fen_from(i128::from(before.get()) - i128::from(balance.get()))?,
                    });
                }
            }
        }
        Ok(changed)
    }

    fn post(&mut self, postings: &[Posting]) -> Result<(), Violation> {
        let changed = self.after_postings(postings)?;
        for (account, balance) in changed {
            match self.accounts.get_mut(account) {
                Some(b) => *b = balance,
                None => {
                    self.accounts.insert(account.clone(), balance);
                }
            }
        }
        Ok(())
    }

    fn fund_exists(&self, fund: &FundId) -> Result<(), Violation> {
        if self.accounts.contains_key(&Account::Money(fund.clone())) {
            Ok(())
        } else {
            Err(Violation::UnknownFund { fund: fund.clone() })
        }
    }

    fn passed_decision(&self, id: &str, allowed: &[Matter]) -> Result<(), Violation> {
        let Some(&(matter, passed)) = self.decisions.get(id) else {
            return Err(Violation::UnknownDecision { id: id.to_string() });
        };
        if !allowed.contains(&matter) {
            return Err(Violation::DecisionWrongMatter {
                id: id.to_string(),
                found: matter,
                needed: allowed[0],
            });
        }
        if !passed {
            return Err(Violation::DecisionNotPassed { id: id.to_string() });
        }
        Ok(())
    }

    fn add_movements(&mut self, period: Period, movements: &[Movement], sign: i128) {
        let month = self.months.entry(period).or_default();
        for m in movements {
            // A month has a few dozen keys: find the key in place rather than clone it for
            // every entry.
            let found = month
                .iter_mut()
                .find(|((k, f, c), _)| *k == m.kind && *f == m.fund && *c == m.category);
            match found {
                Some((_, total)) => *total += sign * m.amount,
                None => {
                    month.insert(
                        (m.kind, m.fund.clone(), m.category.clone()),
                        sign * m.amount,
                    );
                }
            }
        }
    }

    fn step(&mut self, entry: &Entry, event: &LedgerEvent) -> Result<Applied, Violation> {
        use LedgerEvent as E;
        let seq = entry.seq();
        // `apply` refuses entries beyond u32::MAX.
        let seq32 = u32::try_from(seq).unwrap_or(u32::MAX);
        let month = Period::of_time(entry.recorded_at());
        match event {
            E::LedgerOpened(_) => unreachable!("the log layer refuses a second genesis"),
            E::Reversal(r) => return self.reversal(entry, r, month),
            _ => self.check_signers(entry, signers_for(event.kind()))?,
        }
        let mut undo = Undo::NotReversible;
        let mut postings = Vec::new();
        match event {
            E::LedgerOpened(_) | E::Reversal(_) => unreachable!("handled above"),
            E::RoleGranted(g) => {
                let key = g.key.0;
                valid_key(key)?;
                if self.revoked.contains_key(&key) {
                    return Err(Violation::InvalidGrant {
                        key,
                        reason: "the key is revoked",
                    });
                }
                match g.role {
                    Role::Treasurer if self.treasurer == Some(key) => {
                        return Err(Violation::InvalidGrant {
                            key,
                            reason: "it is already the treasurer",
                        });
                    }
                    Role::CommitteeMember if self.committee.contains(&key) => {
                        return Err(Violation::InvalidGrant {
                            key,
                            reason: "it is already a committee member",
                        });
                    }
                    Role::Auditor if self.auditor == Some(key) => {
                        return Err(Violation::InvalidGrant {
                            key,
                            reason: "it is already the auditor",
                        });
                    }
                    Role::Treasurer => self.treasurer = Some(key),
                    Role::CommitteeMember => {
                        self.committee.insert(key);
                    }
                    Role::Auditor => self.auditor = Some(key),
                }
            }
            E::KeyRevoked(r) => {
                let key = r.key.0;
                if let Some(&revoked_at) = self.revoked.get(&key) {
                    return Err(Violation::AlreadyRevoked { key, revoked_at });
                }
                let members = u32::try_from(
                    self.committee.len() - usize::from(self.committee.contains(&key)),
                )
                .unwrap_or(0);
                let needed = self.governance.as_ref().map_or(1, |g| g.approvals_required);
                if needed > members {
                    return Err(Violation::QuorumExceedsCommittee { needed, members });
                }
                self.committee.remove(&key);
                if self.treasurer == Some(key) {
                    self.treasurer = None;
                }
                if self.auditor == Some(key) {
                    self.auditor = None;
                }
                self.revoked.insert(key, seq);
            }
            E::HouseholdRegistered(h) => {
                if self.households.contains_key(&h.unit) {
                    return Err(Violation::UnitAlreadyRegistered {
                        unit: h.unit.clone(),
                    });
                }
                if h.area_centi_m2 <= 0 {
                    return Err(Violation::AreaNotPositive {
                        unit: h.unit.clone(),
                    });
                }
                let id =
                    u32::try_from(self.units.len()).map_err(|_| Violation::AmountOutOfRange)?;
                self.households
                    .insert(h.unit.clone(), Household::new(id, h.area_centi_m2, month));
                self.units.push(h.unit.clone());
            }
            E::HouseholdCorrected(h) => {
                if h.area_centi_m2 <= 0 {
                    return Err(Violation::AreaNotPositive {
                        unit: h.unit.clone(),
                    });
                }
                let Some(household) = self.households.get_mut(&h.unit) else {
                    return Err(Violation::UnknownUnit {
                        unit: h.unit.clone(),
                    });
                };
                household.area_centi_m2 = h.area_centi_m2;
            }
            E::FeeScheduleAdopted(s) => {
                self.passed_decision(&s.decision, &[Matter::FeeSchedule])?;
                let items: BTreeSet<&Slug> = s.items.iter().map(|i| &i.item).collect();
                if s.items.is_empty()
                    || items.len() != s.items.len()
                    || s.items.iter().any(|i| i.rate_fen.get() < 0)
                {
                    return Err(Violation::InvalidFeeSchedule);
                }
                self.check_period(s.from_period)?;
                self.schedules.push(s.clone());
            }
            E::ChargesAssessed(c) => {
                if c.charges.is_empty() {
                    return Err(Violation::NothingCharged);
                }
                self.check_period(c.period)?;
                let schedule = self
                    .schedule_for(c.period)
                    .ok_or(Violation::NoFeeSchedule { period: c.period })?;
                // (household, schedule line) pairs charged by this entry.
                let mut seen: BTreeSet<(u32, usize)> = BTreeSet::new();
                // Per unit: the amount charged and its position before.
                let mut by_unit: BTreeMap<&Unit, (i128, i128)> = BTreeMap::new();
                let mut by_item: BTreeMap<&Slug, i128> = BTreeMap::new();
                for charge in &c.charges {
                    let h = self.households.get(&charge.unit).ok_or_else(|| {
                        Violation::UnknownUnit {
                            unit: charge.unit.clone(),
                        }
                    })?;
                    let (line, item) = schedule
                        .items
                        .iter()
                        .enumerate()
                        .find(|(_, i)| i.item == charge.item)
                        .ok_or_else(|| Violation::UnknownFeeItem {
                            period: c.period,
                            item: charge.item.clone(),
                        })?;
                    let computed =
                        households::charge_amount(item.basis, item.rate_fen, h.area_centi_m2)
                            .ok_or(Violation::AmountOutOfRange)?;
                    if computed != charge.amount_fen {
                        return Err(Violation::ChargeMismatch {
                            unit: charge.unit.clone(),
                            item: charge.item.clone(),
                            period: c.period,
                            stated: charge.amount_fen,
                            computed,
                        });
                    }
                    if !h.can_charge(&charge.item) {
                        return Err(Violation::LedgerFull {
                            what: "fee items for one unit",
                            limit: households::ITEMS_MAX as u64,
                        });
                    }
                    if h.has_charge(c.period, &charge.item) || !seen.insert((h.id, line)) {
                        return Err(Violation::DuplicateCharge {
                            unit: charge.unit.clone(),
                            item: charge.item.clone(),
                            period: c.period,
                        });
                    }
                    by_unit.entry(&charge.unit).or_insert((0, h.position())).0 +=
                        i128::from(charge.amount_fen.get());
                    *by_item.entry(&charge.item).or_insert(0) +=
                        i128::from(charge.amount_fen.get());
                }
                let operating = FundId::operating();
                for (item, amount) in &by_item {
                    postings.push(Posting {
                        account: Account::Income(operating.clone(), (*item).clone()),
                        amount: fen_from(-amount)?,
                    });
                }
                for &(amount, before) in by_unit.values() {
                    postings.extend(position_postings(before, before + amount)?);
                }
                let movements: Vec<Movement> = by_item
                    .iter()
                    .map(|(item, amount)| Movement {
                        kind: MoveKind::Charged,
                        fund: operating.clone(),
                        category: Some((*item).clone()),
                        amount: *amount,
                    })
                    .collect();
                self.post(&postings)?;
                for charge in &c.charges {
                    let h = self
                        .households
                        .get_mut(&charge.unit)
                        .unwrap_or_else(|| unreachable!("checked above"));
                    h.add_charge(seq32, month, c.period, &charge.item, charge.amount_fen);
                }
                self.add_movements(month, &movements, 1);
                undo = Undo::Charges { period: c.period };
            }
            E::PaymentReceived(p) => {
                if !p.amount_fen.is_positive() {
                    return Err(Violation::AmountNotPositive {
                        field: "amount_fen",
                    });
                }
                let h = self
                    .households
                    .get(&p.unit)
                    .ok_or_else(|| Violation::UnknownUnit {
                        unit: p.unit.clone(),
                    })?;
                let before = h.position();
                let operating = FundId::operating();
                postings.push(Posting {
                    account: Account::Money(operating.clone()),
                    amount: p.amount_fen,
                });
                postings.extend(position_postings(
                    before,
                    before - i128::from(p.amount_fen.get()),
                )?);
                self.post(&postings)?;
                let h = self
                    .households
                    .get_mut(&p.unit)
                    .unwrap_or_else(|| unreachable!("checked above"));
                let index = h.add_payment(seq32, month, p.amount_fen, &p.periods);
                debug_assert_eq!(h.payment_index(seq32), Some(index));
                let household = h.id;
                let m = [Movement {
                    kind: MoveKind::Received,
                    fund: operating,
                    category: Some(slug("fee_payments")),
                    amount: i128::from(p.amount_fen.get()),
                }];
                self.add_movements(month, &m, 1);
                undo = Undo::Payment { household };
            }
            E::IncomeReceived(i) => {
                if !i.amount_fen.is_positive() {
                    return Err(Violation::AmountNotPositive {
                        field: "amount_fen",
                    });
                }
                self.fund_exists(&i.fund)?;
                postings.push(Posting {
                    account: Account::Money(i.fund.clone()),
                    amount: i.amount_fen,
                });
                postings.push(Posting {
                    account: Account::Income(i.fund.clone(), i.category.clone()),
                    amount: -i.amount_fen,
                });
                let movements = vec![Movement {
                    kind: MoveKind::Received,
                    fund: i.fund.clone(),
                    category: Some(i.category.clone()),
                    amount: i128::from(i.amount_fen.get()),
                }];
                self.post(&postings)?;
                self.add_movements(month, &movements, 1);
                undo = self.events.keep_money_undo(seq, &postings, movements, None);
            }
            E::GrantReceived(g) => {
                if !g.amount_fen.is_positive() {
                    return Err(Violation::AmountNotPositive {
                        field: "amount_fen",
                    });
                }
                if g.fund.project().is_none() {
                    return Err(Violation::NotAProjectFund {
                        fund: g.fund.clone(),
                    });
                }
                postings.push(Posting {
                    account: Account::Money(g.fund.clone()),
                    amount: g.amount_fen,
                });
                postings.push(Posting {
                    account: Account::Income(g.fund.clone(), slug("grant")),
                    amount: -g.amount_fen,
                });
                let movements = vec![Movement {
                    kind: MoveKind::Received,
                    fund: g.fund.clone(),
                    category: Some(slug("grant")),
                    amount: i128::from(g.amount_fen.get()),
                }];
                // Posting opens the fund's money account: the first grant opens the fund.
                self.post(&postings)?;
                self.opening.entry(g.fund.clone()).or_insert(Fen::ZERO);
                self.add_movements(month, &movements, 1);
                undo = self.events.keep_money_undo(seq, &postings, movements, None);
            }
            E::ExpenseProposed(p) => {
                if !p.amount_fen.is_positive() {
                    return Err(Violation::AmountNotPositive {
                        field: "amount_fen",
                    });
                }
                self.fund_exists(&p.fund)?;
                let expected = p.fund.project().map(str::to_string);
                let found = p.project.as_ref().map(|s| s.as_str().to_string());
                if expected != found {
                    return Err(Violation::ProjectMismatch {
                        fund: p.fund.clone(),
                        expected,
                        found,
                    });
                }
                match (&p.decision, p.fund.as_str() == "maintenance") {
                    (None, true) => return Err(Violation::MaintenanceDecisionMissing),
                    (Some(d), true) => self.passed_decision(d, &[Matter::UseMaintenanceFund])?,
                    (Some(d), false) => self.passed_decision(d, ALL_MATTERS)?,
                    (None, false) => {}
                }
                let id = entry.event().id().to_string();
                self.proposals.insert(
                    id.clone(),
                    Proposal {
                        seq,
                        body: p.clone(),
                        proposer: *entry.signatures()[0].key(),
                        approvals: BTreeSet::new(),
                        paid_at: None,
                        withdrawn: false,
                    },
                );
                undo = Undo::Proposal;
            }
            E::ExpenseApproved(a) => {
                let key = *entry.signatures()[0].key();
                let proposal = self.open_proposal(&a.proposal)?;
                if proposal.proposer == key {
                    return Err(Violation::SelfApproval { key });
                }
                if proposal.approvals.contains(&key) {
                    return Err(Violation::AlreadyApproved {
                        id: a.proposal.clone(),
                        key,
                    });
                }
                if let Some(p) = self.proposals.get_mut(&a.proposal) {
                    p.approvals.insert(key);
                }
            }
            E::ExpensePaid(p) => {
                let proposal = self.open_proposal(&p.proposal)?;
                if p.invoice.kind != InvoiceKind::None
                    && (p.invoice.number.is_none() || p.invoice.sha256.is_none())
                {
                    return Err(Violation::InvoiceIncomplete);
                }
                let governance = self.governance.clone().unwrap_or(Governance {
                    approval_threshold_fen: Fen::ZERO,
                    approvals_required: 1,
                });
                let body = proposal.body.clone();
                let found = u32::try_from(proposal.approvals.len()).unwrap_or(u32::MAX);
                if body.amount_fen > governance.approval_threshold_fen
                    && found < governance.approvals_required
                {
                    return Err(Violation::ApprovalsMissing {
                        id: p.proposal.clone(),
                        amount: body.amount_fen,
                        needed: governance.approvals_required,
                        found,
                    });
                }
                postings.push(Posting {
                    account: Account::Expense(body.fund.clone(), body.category.clone()),
                    amount: body.amount_fen,
                });
                postings.push(Posting {
                    account: Account::Money(body.fund.clone()),
                    amount: -body.amount_fen,
                });
                let movements = vec![Movement {
                    kind: MoveKind::Spent,
                    fund: body.fund.clone(),
                    category: Some(body.category.clone()),
                    amount: i128::from(body.amount_fen.get()),
                }];
                self.post(&postings)?;
                self.add_movements(month, &movements, 1);
                if let Some(pr) = self.proposals.get_mut(&p.proposal) {
                    pr.paid_at = Some(seq);
                }
                undo = self.events.keep_money_undo(
                    seq,
                    &postings,
                    movements,
                    Some(p.proposal.clone()),
                );
            }
            E::FundsTransferred(t) => {
                if !t.amount_fen.is_positive() {
                    return Err(Violation::AmountNotPositive {
                        field: "amount_fen",
                    });
                }
                if t.from_fund == t.to_fund {
                    return Err(Violation::SameFund);
                }
                self.fund_exists(&t.from_fund)?;
                self.fund_exists(&t.to_fund)?;
                let allowed: &[Matter] = if t.from_fund.as_str() == "maintenance" {
                    &[Matter::FundTransfer, Matter::UseMaintenanceFund]
                } else {
                    &[Matter::FundTransfer]
                };
                self.passed_decision(&t.decision, allowed)?;
                postings.push(Posting {
                    account: Account::Money(t.to_fund.clone()),
                    amount: t.amount_fen,
                });
                postings.push(Posting {
                    account: Account::Transfers(t.to_fund.clone()),
                    amount: -t.amount_fen,
                });
                postings.push(Posting {
                    account: Account::Transfers(t.from_fund.clone()),
                    amount: t.amount_fen,
                });
                postings.push(Posting {
                    account: Account::Money(t.from_fund.clone()),
                    amount: -t.amount_fen,
                });
                let a = i128::from(t.amount_fen.get());
                let movements = vec![
                    Movement {
                        kind: MoveKind::Transferred,
                        fund: t.to_fund.clone(),
                        category: None,
                        amount: a,
                    },
                    Movement {
                        kind: MoveKind::Transferred,
                        fund: t.from_fund.clone(),
                        category: None,
                        amount: -a,
                    },
                ];
                self.post(&postings)?;
                self.add_movements(month, &movements, 1);
                undo = self.events.keep_money_undo(seq, &postings, movements, None);
            }
            E::OwnersDecision(d) => {
                let computed = decide(d.matter, &d.totals)?;
                let registered: AreaCentiM2 =
                    self.households.values().map(|h| h.area_centi_m2).sum();
                if d.totals.total_area_centi_m2 != registered {
                    return Err(Violation::TotalAreaMismatch {
                        stated: d.totals.total_area_centi_m2,
                        registered,
                    });
                }
                if computed != d.outcome {
                    return Err(Violation::DecisionOutcomeMismatch {
                        stated: d.outcome,
                        computed,
                    });
                }
                self.decisions.insert(
                    entry.event().id().to_string(),
                    (d.matter, computed == Outcome::Passed),
                );
            }
            E::PaymentDemandIssued(d) => {
                if !self.households.contains_key(&d.unit) {
                    return Err(Violation::UnknownUnit {
                        unit: d.unit.clone(),
                    });
                }
                let owed = self.arrears(&d.unit);
                if owed == Fen::ZERO {
                    return Err(Violation::NotInArrears {
                        unit: d.unit.clone(),
                    });
                }
                if owed != d.amount_fen {
                    return Err(Violation::DemandAmountMismatch {
                        unit: d.unit.clone(),
                        stated: d.amount_fen,
                        computed: owed,
                    });
                }
                undo = Undo::Nothing;
            }
            E::PeriodClosed(c) => {
                let range = c.statement.period;
                self.check_close_range(range)?;
                if month <= range.to {
                    return Err(Violation::PeriodNotEnded { to: range.to });
                }
                let computed = self.statement(range);
                if computed != c.statement {
                    return Err(statement_difference(&c.statement, &computed));
                }
                self.last_closed = Some(range.to);
                for h in self.households.values_mut() {
                    h.prune(range.to);
                }
            }
            E::AuditAttested(a) => {
                if a.through_seq >= seq {
                    return Err(Violation::AuditBeyondEntry {
                        through_seq: a.through_seq,
                    });
                }
            }
            E::BudgetAdopted(b) => {
                self.passed_decision(&b.decision, &[Matter::Budget])?;
                let mut seen = BTreeSet::new();
                for line in &b.lines {
                    if !seen.insert((&line.fund, &line.category)) {
                        return Err(Violation::DuplicateBudgetLine {
                            fund: line.fund.clone(),
                            category: line.category.clone(),
                        });
                    }
                    self.fund_exists(&line.fund)?;
                    if line.amount_fen.get() < 0 {
                        return Err(Violation::AmountNotPositive {
                            field: "lines.amount_fen",
                        });
                    }
                }
                self.budgets.insert(b.year, b.lines.clone());
            }
        }
        self.record(entry, undo);
        Ok(Applied { postings })
    }

    /// Whether a close of `range` may come next: it starts the month after the last close (at
    /// the first, the ledger's first month) and covers one month or one calendar quarter.
    pub fn check_close_range(&self, range: PeriodRange) -> Result<(), Violation> {
        let expected = self
            .last_closed
            .map_or_else(|| self.first_period.unwrap_or(range.from), Period::next);
        if range.from != expected {
            return Err(Violation::PeriodNotContiguous {
                expected,
                found: range.from,
            });
        }
        let month_close = range.from == range.to;
        let quarter_close = range.from.month() % 3 == 1 && range.from.months_until(range.to) == 2;
        if !month_close && !quarter_close {
            return Err(Violation::InvalidPeriodRange {
                from: range.from,
                to: range.to,
            });
        }
        Ok(())
    }

    fn check_period(&self, period: Period) -> Result<(), Violation> {
        match self.first_period {
            Some(first) if period < first => Err(Violation::PeriodBeforeLedger { period, first }),
            _ => Ok(()),
        }
    }

    fn open_proposal(&self, id: &str) -> Result<&Proposal, Violation> {
        let proposal = self
            .proposals
            .get(id)
            .ok_or_else(|| Violation::UnknownProposal { id: id.to_string() })?;
        if proposal.withdrawn {
            return Err(Violation::ProposalWithdrawn { id: id.to_string() });
        }
        if let Some(paid_at) = proposal.paid_at {
            return Err(Violation::ProposalAlreadyPaid {
                id: id.to_string(),
                paid_at,
            });
        }
        Ok(proposal)
    }

    fn reversal(
        &mut self,
        entry: &Entry,
        r: &Reversal,
        month: Period,
    ) -> Result<Applied, Violation> {
        let seq = entry.seq();
        let target =
            self.events
                .find(&r.reverses)
                .ok_or_else(|| Violation::UnknownReversalTarget {
                    id: r.reverses.clone(),
                })?;
        if let Some(&by_seq) = self.events.reversed_by.get(&target) {
            return Err(Violation::AlreadyReversed {
                id: r.reverses.clone(),
                by_seq,
            });
        }
        let target32 = u32::try_from(target).unwrap_or(u32::MAX);
        let kind = self.events.kind(target);
        let undo = self.events.slot(target).undo;
        if undo == Undo::NotReversible {
            return Err(Violation::NotReversible {
                kind,
                hint: not_reversible_hint(kind),
            });
        }
        let signers = if kind == "funds_transferred" {
            Signers::Quorum
        } else {
            Signers::Treasurer
        };
        self.check_signers(entry, signers)?;
        let mut postings = Vec::new();
        match undo {
            Undo::Payment { household } => {
                let unit = self.units[household as usize].clone();
                let h = &self.households[&unit];
                let index = h
                    .payment_index(target32)
                    .unwrap_or_else(|| unreachable!("the payment entry made it"));
                let amount = h
                    .payment_amount(index)
                    .unwrap_or_else(|| unreachable!("a payment is reversed once"));
                let before = h.position();
                postings.push(Posting {
                    account: Account::Money(FundId::operating()),
                    amount: -amount,
                });
                postings.extend(position_postings(
                    before,
                    before + i128::from(amount.get()),
                )?);
                self.post(&postings)?;
                if let Some(h) = self.households.get_mut(&unit) {
                    h.reverse_payment(index, month);
                }
                let m = [Movement {
                    kind: MoveKind::Received,
                    fund: FundId::operating(),
                    category: Some(slug("fee_payments")),
                    amount: i128::from(amount.get()),
                }];
                self.add_movements(month, &m, -1);
            }
            Undo::Charges { period } => {
                let operating = FundId::operating();
                let mut by_unit: BTreeMap<&Unit, i128> = BTreeMap::new();
                let mut by_item: BTreeMap<Slug, i128> = BTreeMap::new();
                for (unit, h) in &self.households {
                    for (item, amount) in h.charges_by(target32, period) {
                        *by_unit.entry(unit).or_insert(0) += i128::from(amount.get());
                        *by_item.entry(item).or_insert(0) += i128::from(amount.get());
                    }
                }
                for (item, amount) in &by_item {
                    postings.push(Posting {
                        account: Account::Income(operating.clone(), item.clone()),
                        amount: fen_from(*amount)?,
                    });
                }
                for (unit, amount) in &by_unit {
                    let before = self.households[*unit].position();
                    postings.extend(position_postings(before, before - amount)?);
                }
                let units: Vec<Unit> = by_unit.into_keys().cloned().collect();
                self.post(&postings)?;
                for unit in &units {
                    if let Some(h) = self.households.get_mut(unit) {
                        h.reverse_charges(target32, period, month);
                    }
                }
                let movements: Vec<Movement> = by_item
                    .into_iter()
                    .map(|(item, amount)| Movement {
                        kind: MoveKind::Charged,
                        fund: operating.clone(),
                        category: Some(item),
                        amount,
                    })
                    .collect();
                self.add_movements(month, &movements, -1);
            }
            Undo::Money => {
                let MoneyUndo {
                    postings: original,
                    movements,
                    reopens,
                } = self
                    .events
                    .money
                    .get(&target)
                    .cloned()
                    .unwrap_or_else(|| unreachable!("kept for every money event"));
                postings = original
                    .iter()
                    .map(|p| Posting {
                        account: p.account.clone(),
                        amount: -p.amount,
                    })
                    .collect();
                self.post(&postings)?;
                self.add_movements(month, &movements, -1);
                // Undoing a payment makes its proposal payable again.
                if let Some(p) = reopens.and_then(|id| self.proposals.get_mut(&id)) {
                    p.paid_at = None;
                }
            }
            Undo::Proposal => {
                let id = r.reverses.clone();
                if let Some(paid_at) = self.proposals.get(&id).and_then(|p| p.paid_at) {
                    return Err(Violation::ProposalAlreadyPaid { id, paid_at });
                }
                if let Some(p) = self.proposals.get_mut(&id) {
                    p.withdrawn = true;
                }
            }
            Undo::Nothing => {}
            Undo::NotReversible => unreachable!("refused above"),
        }
        self.events.reversed_by.insert(target, seq);
        self.events.money.remove(&target);
        self.record(entry, Undo::NotReversible);
        Ok(Applied { postings })
    }

    /// Proposals not yet paid or withdrawn, with how many more approvals each needs before it
    /// may be paid (0 if none).
    pub fn pending_approvals(&self) -> Vec<PendingApproval> {
        let Some(g) = &self.governance else {
            return Vec::new();
        };
        self.proposals
            .iter()
            .filter(|(_, p)| p.paid_at.is_none() && !p.withdrawn)
            .map(|(id, p)| {
                let have = u32::try_from(p.approvals.len()).unwrap_or(u32::MAX);
                let needed = if p.body.amount_fen > g.approval_threshold_fen {
                    g.approvals_required.saturating_sub(have)
                } else {
                    0
                };
                PendingApproval {
                    id: id.clone(),
                    seq: p.seq,
                    amount: p.body.amount_fen,
                    approvals: have,
                    approvals_still_needed: needed,
                }
            })
            .collect()
    }

    /// The adopted budget of `year` against what was spent that year, line by line (budget lines
    /// first, then spending categories without a budget line, with a zero budget).
    pub fn budget_vs_actual(&self, year: u16) -> Vec<BudgetComparison> {
        let mut actual: BTreeMap<(FundId, Slug), i128> = BTreeMap::new();
        for (_, month) in self.months.iter().filter(|(p, _)| p.year() == year) {
            for ((kind, fund, category), v) in month {
                if let (MoveKind::Spent, Some(category)) = (kind, category) {
                    *actual.entry((fund.clone(), category.clone())).or_insert(0) += v;
                }
            }
        }
        let mut out = Vec::new();
        for line in self.budgets.get(&year).into_iter().flatten() {
            let spent = actual
                .remove(&(line.fund.clone(), line.category.clone()))
                .unwrap_or(0);
            out.push(BudgetComparison {
                fund: line.fund.clone(),
                category: line.category.clone(),
                budget: line.amount_fen,
                actual: fen_from(spent).unwrap_or(Fen::ZERO),
            });
        }
        for ((fund, category), spent) in actual {
            out.push(BudgetComparison {
                fund,
                category,
                budget: Fen::ZERO,
                actual: fen_from(spent).unwrap_or(Fen::ZERO),
            });
        }
        out
    }

    /// The statement of `range`, recomputed from the log so far: what a period close must record.
    pub fn statement(&self, range: PeriodRange) -> Statement {
        let mut funds = Vec::new();
        let sum = |filter: &dyn Fn(&Period) -> bool, kind: MoveKind, fund: &FundId| -> i128 {
            self.months
                .iter()
                .filter(|(p, _)| filter(p))
                .flat_map(|(_, totals)| totals.iter())
                .filter(|((k, f, _), _)| *k == kind && f == fund)
                .map(|(_, v)| *v)
                .sum()
        };
        // A statement lists the funds that existed by the end of its period: the standing funds,
        // and a project fund from the month its grant was recorded. So the statement of a
        // period reads the same when it is recomputed later, after more funds were opened.
        let existed = |fund: &FundId| {
            fund.is_standing()
                || self
                    .months
                    .range(..=range.to)
                    .any(|(_, totals)| totals.keys().any(|(_, f, _)| f == fund))
        };
        for fund in self.fund_balances().keys().filter(|f| existed(f)) {
            let before = |p: &Period| *p < range.from;
            let inside = |p: &Period| range.contains(*p);
            let opening = i128::from(self.opening.get(fund).map_or(0, |f| f.get()))
                + sum(&before, MoveKind::Received, fund)
                - sum(&before, MoveKind::Spent, fund)
                + sum(&before, MoveKind::Transferred, fund);
            let received = sum(&inside, MoveKind::Received, fund);
            let spent = sum(&inside, MoveKind::Spent, fund);
            let transferred = sum(&inside, MoveKind::Transferred, fund);
            let closing = opening + received - spent + transferred;
            let f = |v: i128| fen_from(v).unwrap_or(Fen::ZERO);
            funds.push(FundStatement {
                fund: fund.clone(),
                opening_fen: f(opening),
                received_fen: f(received),
                spent_fen: f(spent),
                transferred_fen: f(transferred),
                closing_fen: f(closing),
            });
        }
        let by_category = |kind: MoveKind| -> Vec<CategoryAmount> {
            let mut totals: BTreeMap<(FundId, Slug), i128> = BTreeMap::new();
            for (_, month) in self.months.iter().filter(|(p, _)| range.contains(**p)) {
                for ((k, fund, category), v) in month {
                    if let (true, Some(category)) = (*k == kind, category) {
                        *totals.entry((fund.clone(), category.clone())).or_insert(0) += v;
                    }
                }
            }
            totals
                .into_iter()
                .filter(|(_, v)| *v != 0)
                .map(|((fund, category), v)| CategoryAmount {
                    fund,
                    category,
                    amount_fen: fen_from(v).unwrap_or(Fen::ZERO),
                })
                .collect()
        };
        let mut arrears = ArrearsSummary::default();
        for h in self.households.values() {
            households::add_to_summary(&mut arrears, h, range.to, &self.recorded_in[..]);
        }
        Statement {
            period: range,
            funds,
            charged: by_category(MoveKind::Charged),
            income: by_category(MoveKind::Received),
            spending: by_category(MoveKind::Spent),
            arrears,
        }
    }
}

fn not_reversible_hint(kind: &str) -> &'static str {
    match kind {
        "household_registered" | "household_corrected" => ": record a household correction instead",
        "role_granted" | "key_revoked" => {
            ": the committee records a new grant or revocation instead"
        }
        "fee_schedule_adopted" | "budget_adopted" => {
            ": adopt a new one under a new owners' decision instead"
        }
        "owners_decision" => ": record the new decision instead",
        "period_closed" => ": closes are final; correct the entries and let the next close show it",
        "reversal" => ": a reversal is final; record the original event again with a new id",
        _ => "",
    }
}

/// The first field where a recorded statement differs from the recomputed one.
fn statement_difference(stated: &Statement, computed: &Statement) -> Violation {
    let a = serde_json::to_value(stated).unwrap_or_default();
    let b = serde_json::to_value(computed).unwrap_or_default();
    let (field, s, c) = first_difference("statement", &a, &b)
        .unwrap_or_else(|| ("statement".into(), a.to_string(), b.to_string()));
    Violation::StatementMismatch {
        field,
        stated: s,
        computed: c,
    }
}

fn first_difference(
    path: &str,
    a: &serde_json::Value,
    b: &serde_json::Value,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let vb = y.get(k).unwrap_or(&Value::Null);
                if let Some(d) = first_difference(&format!("{path}.{k}"), va, vb) {
                    return Some(d);
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| (format!("{path}.{k}"), "absent".into(), y[k].to_string()))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(&format!("{path}[{i}]"), va, vb) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| {
                (
                    format!("{path}.length"),
                    x.len().to_string(),
                    y.len().to_string(),
                )
            })
        }
        _ => (a != b).then(|| (path.to_string(), a.to_string(), b.to_string())),
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Passed => "passed",
            Outcome::Rejected => "rejected",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-entry state is what bounds a large verification's memory (BENCHMARKS.md): keep it
    /// from growing by accident.
    #[test]
    fn per_entry_state_stays_compact() {
        assert_eq!(std::mem::size_of::<EventSlot>(), 32);
        assert_eq!(std::mem::size_of::<Undo>(), 8);
    }

    #[test]
    fn event_ids_are_found_by_their_fingerprint_and_content_tells_resubmissions_apart() {
        let mut index = EventIndex::default();
        index.push(
            0,
            EventIndex::fingerprint("genesis"),
            b"{\"a\":1}",
            "ledger_opened",
            Undo::NotReversible,
        );
        index.push(
            1,
            EventIndex::fingerprint("pay-1"),
            b"{\"b\":2}",
            "payment_received",
            Undo::Payment { household: 7 },
        );
        assert_eq!(index.find("pay-1"), Some(1));
        assert_eq!(index.find("genesis"), Some(0));
        assert_eq!(index.find("pay-2"), None);
        assert_eq!(index.kind(1), "payment_received");
        assert_eq!(index.slot(1).undo, Undo::Payment { household: 7 });
        assert_eq!(
            index.slot(1).content,
            EventIndex::content_hash(b"{\"b\":2}")
        );
        assert_ne!(
            EventIndex::content_hash(b"{\"b\":2}"),
            EventIndex::content_hash(b"{\"b\":3}")
        );
    }
}
