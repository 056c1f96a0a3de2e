//! Why an entry is refused: [`RuleError`] names the entry, [`Violation`] the rule it breaks (one
//! variant per rule, each with what a message needs to say what is wrong and what to do).

use super::events::{BodyError, EventKind, Outcome};
use super::types::{AreaCentiM2, Fen, FundId, Matter, Period, Slug, Unit};
use crate::keys::PublicKey;

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

impl Violation {
    /// The refusal of a reversal of an event of `kind`, which is corrected otherwise.
    pub fn not_reversible(kind: EventKind) -> Violation {
        Violation::NotReversible {
            kind: kind.as_str(),
            hint: not_reversible_hint(kind),
        }
    }
}

/// How to correct an event of `kind` that cannot be reversed (empty where there is nothing to
/// add, and for the kinds that can be).
fn not_reversible_hint(kind: EventKind) -> &'static str {
    use EventKind as K;
    match kind {
        K::HouseholdRegistered | K::HouseholdCorrected => ": record a household correction instead",
        K::RoleGranted | K::KeyRevoked => {
            ": the committee records a new grant or revocation instead"
        }
        K::FeeScheduleAdopted | K::BudgetAdopted => {
            ": adopt a new one under a new owners' decision instead"
        }
        K::OwnersDecision => ": record the new decision instead",
        K::PeriodClosed => ": closes are final; correct the entries and let the next close show it",
        K::Reversal => ": a reversal is final; record the original event again with a new id",
        K::ExpenseApproved => ": if the money should not be paid, reverse the expense proposal",
        K::AuditAttested => ": record another attestation if the audit finds more",
        K::LedgerOpened
        | K::ChargesAssessed
        | K::PaymentReceived
        | K::IncomeReceived
        | K::GrantReceived
        | K::ExpenseProposed
        | K::ExpensePaid
        | K::FundsTransferred
        | K::PaymentDemandIssued => "",
    }
}
