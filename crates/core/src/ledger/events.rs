//! The events of a community ledger: what each entry can record, with its body's fields.
//!
//! Each event type is a struct that serde reads strictly (`deny_unknown_fields`, every value
//! type-checked by the [`super::types`]). [`LedgerEvent::from_event`] turns an entry's event
//! envelope into one of them; [`EventKind`] is an event's type without its body. JSON Schemas
//! for the same bodies live in `schemas/events/`.

use super::types::{
    AreaCentiM2, Channel, FeeBasis, Fen, FundId, InvoiceKind, Label, Matter, Period, PeriodRange,
    Role, Slug, Unit,
};
use crate::entry::Event;
use crate::hash::Hash;
use crate::keys::PublicKey;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

mod kind;
pub use kind::{EVENT_TYPES, EventKind};

/// A public key in an event body: 64 lowercase hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyHex(pub PublicKey);

impl Serialize for KeyHex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_hex())
    }
}

impl<'de> Deserialize<'de> for KeyHex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KeyHex, D::Error> {
        let text = String::deserialize(d)?;
        PublicKey::from_hex(&text).map(KeyHex).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a key: 64 lowercase hexadecimal digits"
            ))
        })
    }
}

/// A SHA-256 in an event body (of a scanned invoice, a findings document …): 64 lowercase hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HashHex(pub Hash);

impl Serialize for HashHex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_hex())
    }
}

impl<'de> Deserialize<'de> for HashHex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HashHex, D::Error> {
        let text = String::deserialize(d)?;
        Hash::from_hex(&text)
            .map(HashHex)
            .map_err(|e| serde::de::Error::custom(format!("{text:?}: {e}")))
    }
}

/// Reads an optional field that, when present, must hold a value: `null` is refused, so that an
/// event has one spelling only (absent means absent).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// An event id referred to from another event (a proposal, a decision, the entry reversed).
pub type EventRef = String;

/// The ledger's governance settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// Expenditures strictly above this amount need committee approvals before they are paid.
    pub approval_threshold_fen: Fen,
    /// K: how many committee members must sign a quorum act or approve a large expenditure.
    pub approvals_required: u32,
}

/// `ledger_opened`, the genesis: signed by every committee member it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerOpened {
    /// The ledger's origin (also the checkpoint origin and the log key's name).
    pub origin: String,
    /// The community's name, e.g. 和谐家园小区.
    pub community: Label,
    /// The log's verifier key string (C2SP signed-note), which signs checkpoints.
    pub log_key: String,
    /// The committee members' keys (N of them).
    pub committee: Vec<KeyHex>,
    /// The treasurer's key.
    pub treasurer: KeyHex,
    /// The street office auditor's key.
    pub auditor: KeyHex,
    /// Approval threshold and quorum.
    pub governance: Governance,
    /// The first month the ledger accounts for.
    pub first_period: Period,
    /// Money each standing fund holds when the ledger opens (handed over from the old books).
    #[serde(default)]
    pub opening_balances: Vec<FundAmount>,
}

/// An amount in a fund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundAmount {
    /// The fund.
    pub fund: FundId,
    /// The amount.
    pub amount_fen: Fen,
}

/// `role_granted`: a committee quorum gives a key a role. Granting the treasurer role to a new
/// key hands the role over: the previous treasurer key stops being treasurer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleGranted {
    /// The role.
    pub role: Role,
    /// The key receiving it.
    pub key: KeyHex,
}

/// `key_revoked`: a committee quorum revokes a key; it loses every role and signs nothing after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRevoked {
    /// The key.
    pub key: KeyHex,
    /// Why (lost phone, handover, left the committee …).
    pub reason: Label,
}

/// `household_registered` (treasurer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdRegistered {
    /// The unit.
    pub unit: Unit,
    /// Its exclusive area (专有部分面积) in hundredths of a square metre.
    pub area_centi_m2: AreaCentiM2,
}

/// `household_corrected` (treasurer): a registered unit's area was wrong; charges assessed from
/// now on use the corrected area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdCorrected {
    /// The unit.
    pub unit: Unit,
    /// The corrected area.
    pub area_centi_m2: AreaCentiM2,
    /// Why.
    pub reason: Label,
}

/// One item of a fee schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeItem {
    /// Machine name, e.g. `property_fee`, `garbage_fee`; also the income category.
    pub item: Slug,
    /// Name for people, e.g. 物业费.
    pub name: Label,
    /// Per ㎡ or per household.
    pub basis: FeeBasis,
    /// Fen per ㎡ per month, or per household per month.
    pub rate_fen: Fen,
}

/// `fee_schedule_adopted` (committee quorum), under an owners' decision on a fee schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeScheduleAdopted {
    /// The items and their rates.
    pub items: Vec<FeeItem>,
    /// The first month charged at these rates.
    pub from_period: Period,
    /// The owners' decision (event id) that adopted the schedule.
    pub decision: EventRef,
}

/// One charge to one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charge {
    /// The unit.
    pub unit: Unit,
    /// The fee item.
    pub item: Slug,
    /// The amount, which must equal the schedule's rate applied to the unit.
    pub amount_fen: Fen,
}

/// `charges_assessed` (treasurer): the month's charges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargesAssessed {
    /// The month charged for.
    pub period: Period,
    /// The charges.
    pub charges: Vec<Charge>,
}

/// `payment_received` (treasurer): a household paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentReceived {
    /// Who paid.
    pub unit: Unit,
    /// How much.
    pub amount_fen: Fen,
    /// How.
    pub channel: Channel,
    /// The months the payer says this pays for; charges of these months are settled first, then
    /// the oldest; anything left over is prepaid.
    #[serde(default)]
    pub periods: Vec<Period>,
}

/// `income_received` (treasurer): money other than fees: advertising, rented common space
/// (公共收益), interest, maintenance-fund deposits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomeReceived {
    /// The fund it belongs to.
    pub fund: FundId,
    /// The income category, e.g. `advertising`, `space_rental`, `interest`.
    pub category: Slug,
    /// From whom.
    pub payer: Label,
    /// How much.
    pub amount_fen: Fen,
    /// How.
    pub channel: Channel,
}

/// `grant_received` (treasurer): a government special fund (专项资金) paid into a restricted
/// fund, which it opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantReceived {
    /// The restricted fund, `project:<slug>`.
    pub fund: FundId,
    /// Who granted it (e.g. the district housing bureau).
    pub grantor: Label,
    /// What it is for.
    pub purpose: Label,
    /// How much.
    pub amount_fen: Fen,
}

/// `expense_proposed` (treasurer): an expenditure to be paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpenseProposed {
    /// Who is paid.
    pub payee: Label,
    /// Spending category, e.g. `cleaning`, `garbage_removal`, `greenery`, `drainage`,
    /// `repairs`, `lighting`, `renovation`.
    pub category: Slug,
    /// The fund paying.
    pub fund: FundId,
    /// How much.
    pub amount_fen: Fen,
    /// What for.
    pub description: Label,
    /// For a restricted fund: its project (must match the fund).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub project: Option<Slug>,
    /// The owners' decision (event id) behind the spending: required for the maintenance fund
    /// (使用维修资金 needs the owners' decision, Civil Code art. 278), optional otherwise.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub decision: Option<EventRef>,
}

/// `expense_approved`: one committee member approves a proposal (one entry per member).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpenseApproved {
    /// The proposal's event id.
    pub proposal: EventRef,
}

/// The document backing a payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invoice {
    /// 发票, 收据 or none.
    pub kind: InvoiceKind,
    /// Its number (absent for none).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub number: Option<Label>,
    /// SHA-256 of the scanned file (absent for none).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub sha256: Option<HashHex>,
}

/// `expense_paid` (treasurer): a proposal is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpensePaid {
    /// The proposal's event id.
    pub proposal: EventRef,
    /// How.
    pub channel: Channel,
    /// The invoice or receipt.
    pub invoice: Invoice,
}

/// `funds_transferred` (committee quorum), under an owners' decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundsTransferred {
    /// From.
    pub from_fund: FundId,
    /// To.
    pub to_fund: FundId,
    /// How much.
    pub amount_fen: Fen,
    /// The owners' decision (event id).
    pub decision: EventRef,
}

/// The totals that decide an owners' vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteTotals {
    /// Exclusive area of all owners.
    pub total_area_centi_m2: AreaCentiM2,
    /// Number of all owners.
    pub total_owners: u32,
    /// Area of the owners who took part.
    pub participating_area_centi_m2: AreaCentiM2,
    /// Owners who took part.
    pub participating_owners: u32,
    /// Area of those who voted yes.
    pub yes_area_centi_m2: AreaCentiM2,
    /// Owners who voted yes.
    pub yes_owners: u32,
}

/// Whether a decision passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 通过
    Passed,
    /// 未通过
    Rejected,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outcome::Passed => "passed",
            Outcome::Rejected => "rejected",
        })
    }
}

/// `owners_decision` (committee quorum): the result of an owners' vote (业主共同决定).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnersDecision {
    /// What was decided on.
    pub matter: Matter,
    /// The motion.
    pub title: Label,
    /// The totals.
    pub totals: VoteTotals,
    /// The outcome as announced; the rules recompute it from the totals.
    pub outcome: Outcome,
    /// SHA-256 of the minutes or the vote tally document.
    pub document_sha256: HashHex,
}

/// `reversal`: corrects a mistake by undoing an earlier entry's effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reversal {
    /// The event id of the entry reversed.
    pub reverses: EventRef,
    /// Why.
    pub reason: Label,
}

/// `payment_demand_issued` (treasurer): a written demand (催告) to a unit in arrears.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentDemandIssued {
    /// The unit.
    pub unit: Unit,
    /// The arrears demanded: must equal the unit's arrears when the demand is recorded.
    pub amount_fen: Fen,
    /// SHA-256 of the demand letter.
    pub document_sha256: HashHex,
}

/// One fund's line in a period statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundStatement {
    /// The fund.
    pub fund: FundId,
    /// Money at the start of the period.
    pub opening_fen: Fen,
    /// Money received (fee payments, other income, grants), net of reversals.
    pub received_fen: Fen,
    /// Money paid out, net of reversals.
    pub spent_fen: Fen,
    /// Transfers in minus transfers out.
    pub transferred_fen: Fen,
    /// Money at the end of the period.
    pub closing_fen: Fen,
}

/// An amount by fund and category.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryAmount {
    /// The fund.
    pub fund: FundId,
    /// The category.
    pub category: Slug,
    /// The amount.
    pub amount_fen: Fen,
}

/// Arrears at the end of a period, each unpaid amount aged by the month it was charged for;
/// only charges and payments recorded by the end of the period count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrearsSummary {
    /// Units owing anything.
    pub units_in_arrears: u32,
    /// Total owed.
    pub total_fen: Fen,
    /// Owed on charges 0–3 months old.
    pub age_0_3_fen: Fen,
    /// 3–6 months.
    pub age_3_6_fen: Fen,
    /// 6–12 months.
    pub age_6_12_fen: Fen,
    /// Over 12 months.
    pub age_12_plus_fen: Fen,
}

/// The statement of a period, as a period close records it and the rules recompute it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The months covered.
    pub period: PeriodRange,
    /// Per fund: opening, movements, closing.
    pub funds: Vec<FundStatement>,
    /// Fees charged (assessed) by entries recorded in the period, by fund and item.
    pub charged: Vec<CategoryAmount>,
    /// Money received by fund and category: `fee_payments` for households' payments (whatever
    /// they settle), the income categories, `grant`.
    pub income: Vec<CategoryAmount>,
    /// Money spent by fund and category.
    pub spending: Vec<CategoryAmount>,
    /// Arrears at the end of the period.
    pub arrears: ArrearsSummary,
}

/// `period_closed` (treasurer): the statement of a month or quarter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodClosed {
    /// The statement, which must equal the one recomputed from the log.
    pub statement: Statement,
}

/// `audit_attested` (auditor): the street office audited the log through an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditAttested {
    /// The last entry audited.
    pub through_seq: u64,
    /// SHA-256 of the findings document.
    pub findings_sha256: HashHex,
    /// The opinion in a few words.
    pub opinion: Label,
}

/// One budget line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetLine {
    /// The fund.
    pub fund: FundId,
    /// The spending category.
    pub category: Slug,
    /// Budgeted for the year.
    pub amount_fen: Fen,
}

/// `budget_adopted` (committee quorum): the year's spending budget, under an owners' decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetAdopted {
    /// The calendar year.
    pub year: u16,
    /// The lines.
    pub lines: Vec<BudgetLine>,
    /// The owners' decision (event id).
    pub decision: EventRef,
}

/// Every event a community ledger understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LedgerEvent {
    /// `ledger_opened`
    LedgerOpened(LedgerOpened),
    /// `role_granted`
    RoleGranted(RoleGranted),
    /// `key_revoked`
    KeyRevoked(KeyRevoked),
    /// `household_registered`
    HouseholdRegistered(HouseholdRegistered),
    /// `household_corrected`
    HouseholdCorrected(HouseholdCorrected),
    /// `fee_schedule_adopted`
    FeeScheduleAdopted(FeeScheduleAdopted),
    /// `charges_assessed`
    ChargesAssessed(ChargesAssessed),
    /// `payment_received`
    PaymentReceived(PaymentReceived),
    /// `income_received`
    IncomeReceived(IncomeReceived),
    /// `grant_received`
    GrantReceived(GrantReceived),
    /// `expense_proposed`
    ExpenseProposed(ExpenseProposed),
    /// `expense_approved`
    ExpenseApproved(ExpenseApproved),
    /// `expense_paid`
    ExpensePaid(ExpensePaid),
    /// `funds_transferred`
    FundsTransferred(FundsTransferred),
    /// `owners_decision`
    OwnersDecision(OwnersDecision),
    /// `reversal`
    Reversal(Reversal),
    /// `payment_demand_issued`
    PaymentDemandIssued(PaymentDemandIssued),
    /// `period_closed`
    PeriodClosed(PeriodClosed),
    /// `audit_attested`
    AuditAttested(AuditAttested),
    /// `budget_adopted`
    BudgetAdopted(BudgetAdopted),
}

/// Why an event's body is not one the ledger understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The type is not one of [`EVENT_TYPES`].
    #[error("unknown event type `{0}`")]
    UnknownType(String),
    /// The body does not have the fields of its type.
    #[error("the body of a `{kind}` event is invalid: {reason}")]
    Invalid {
        /// The event type.
        kind: String,
        /// What serde found wrong (names the field).
        reason: String,
    },
}

/// Collects the SHA-256 hashes an event body refers to — a scanned invoice, minutes, findings,
/// a demand letter: every field named `sha256` or `…_sha256`, at any depth, that holds a hash.
/// The attachments an export bundle carries and the verifier checks are exactly these.
pub fn attachment_refs(
    body: &serde_json::Map<String, Value>,
    out: &mut std::collections::BTreeSet<Hash>,
) {
    for (k, v) in body {
        if k == "sha256" || k.ends_with("_sha256") {
            if let Some(h) = v.as_str().and_then(|s| Hash::from_hex(s).ok()) {
                out.insert(h);
            }
        } else {
            attachment_refs_in(v, out);
        }
    }
}

fn attachment_refs_in(value: &Value, out: &mut std::collections::BTreeSet<Hash>) {
    match value {
        Value::Object(map) => attachment_refs(map, out),
        Value::Array(items) => {
            for v in items {
                attachment_refs_in(v, out);
            }
        }
        _ => {}
    }
}

fn body<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, BodyError> {
    // Deserialises from the borrowed body: no copy of the whole tree first.
    T::deserialize(event.body()).map_err(|e| BodyError::Invalid {
        kind: event.kind().to_string(),
        reason: e.to_string(),
    })
}

impl LedgerEvent {
    /// Reads an event envelope as a ledger event.
    pub fn from_event(event: &Event) -> Result<LedgerEvent, BodyError> {
        use EventKind as K;
        use LedgerEvent as E;
        let kind = EventKind::parse(event.kind())
            .ok_or_else(|| BodyError::UnknownType(event.kind().to_string()))?;
        Ok(match kind {
            K::LedgerOpened => E::LedgerOpened(body(event)?),
            K::RoleGranted => E::RoleGranted(body(event)?),
            K::KeyRevoked => E::KeyRevoked(body(event)?),
            K::HouseholdRegistered => E::HouseholdRegistered(body(event)?),
            K::HouseholdCorrected => E::HouseholdCorrected(body(event)?),
            K::FeeScheduleAdopted => E::FeeScheduleAdopted(body(event)?),
            K::ChargesAssessed => E::ChargesAssessed(body(event)?),
            K::PaymentReceived => E::PaymentReceived(body(event)?),
            K::IncomeReceived => E::IncomeReceived(body(event)?),
            K::GrantReceived => E::GrantReceived(body(event)?),
            K::ExpenseProposed => E::ExpenseProposed(body(event)?),
            K::ExpenseApproved => E::ExpenseApproved(body(event)?),
            K::ExpensePaid => E::ExpensePaid(body(event)?),
            K::FundsTransferred => E::FundsTransferred(body(event)?),
            K::OwnersDecision => E::OwnersDecision(body(event)?),
            K::Reversal => E::Reversal(body(event)?),
            K::PaymentDemandIssued => E::PaymentDemandIssued(body(event)?),
            K::PeriodClosed => E::PeriodClosed(body(event)?),
            K::AuditAttested => E::AuditAttested(body(event)?),
            K::BudgetAdopted => E::BudgetAdopted(body(event)?),
        })
    }

    /// The event's kind.
    pub fn event_kind(&self) -> EventKind {
        use EventKind as K;
        use LedgerEvent as E;
        match self {
            E::LedgerOpened(_) => K::LedgerOpened,
            E::RoleGranted(_) => K::RoleGranted,
            E::KeyRevoked(_) => K::KeyRevoked,
            E::HouseholdRegistered(_) => K::HouseholdRegistered,
            E::HouseholdCorrected(_) => K::HouseholdCorrected,
            E::FeeScheduleAdopted(_) => K::FeeScheduleAdopted,
            E::ChargesAssessed(_) => K::ChargesAssessed,
            E::PaymentReceived(_) => K::PaymentReceived,
            E::IncomeReceived(_) => K::IncomeReceived,
            E::GrantReceived(_) => K::GrantReceived,
            E::ExpenseProposed(_) => K::ExpenseProposed,
            E::ExpenseApproved(_) => K::ExpenseApproved,
            E::ExpensePaid(_) => K::ExpensePaid,
            E::FundsTransferred(_) => K::FundsTransferred,
            E::OwnersDecision(_) => K::OwnersDecision,
            E::Reversal(_) => K::Reversal,
            E::PaymentDemandIssued(_) => K::PaymentDemandIssued,
            E::PeriodClosed(_) => K::PeriodClosed,
            E::AuditAttested(_) => K::AuditAttested,
            E::BudgetAdopted(_) => K::BudgetAdopted,
        }
    }

    /// The event type name (`self.event_kind().as_str()`).
    pub fn kind(&self) -> &'static str {
        self.event_kind().as_str()
    }

    /// The body as a JSON object, for building an [`Event`].
    pub fn body_json(&self) -> serde_json::Map<String, Value> {
        use LedgerEvent as E;
        let value = match self {
            E::LedgerOpened(b) => serde_json::to_value(b),
            E::RoleGranted(b) => serde_json::to_value(b),
            E::KeyRevoked(b) => serde_json::to_value(b),
            E::HouseholdRegistered(b) => serde_json::to_value(b),
            E::HouseholdCorrected(b) => serde_json::to_value(b),
            E::FeeScheduleAdopted(b) => serde_json::to_value(b),
            E::ChargesAssessed(b) => serde_json::to_value(b),
            E::PaymentReceived(b) => serde_json::to_value(b),
            E::IncomeReceived(b) => serde_json::to_value(b),
            E::GrantReceived(b) => serde_json::to_value(b),
            E::ExpenseProposed(b) => serde_json::to_value(b),
            E::ExpenseApproved(b) => serde_json::to_value(b),
            E::ExpensePaid(b) => serde_json::to_value(b),
            E::FundsTransferred(b) => serde_json::to_value(b),
            E::OwnersDecision(b) => serde_json::to_value(b),
            E::Reversal(b) => serde_json::to_value(b),
            E::PaymentDemandIssued(b) => serde_json::to_value(b),
            E::PeriodClosed(b) => serde_json::to_value(b),
            E::AuditAttested(b) => serde_json::to_value(b),
            E::BudgetAdopted(b) => serde_json::to_value(b),
        };
        match value {
            // INVARIANT: every body is a struct of strings, integers, arrays and structs.
            Ok(Value::Object(map)) => map,
            _ => unreachable!("event bodies serialize to JSON objects"),
        }
    }

    /// Wraps the body in an event envelope with the author-chosen `id`.
    pub fn to_event(&self, id: &str) -> Result<Event, crate::entry::EventError> {
        Event::new(id, self.kind(), self.body_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sha256;

    #[test]
    fn attachments_are_found_at_any_depth_by_field_name() {
        let h = sha256(b"x").to_hex();
        let serde_json::Value::Object(body) = serde_json::json!({
            "invoice": { "kind": "fapiao", "sha256": h },
            "document_sha256": sha256(b"y").to_hex(),
            "list": [{ "findings_sha256": sha256(b"z").to_hex() }],
            "not_a_hash_sha256": "xyz",
            "sha256_of": sha256(b"w").to_hex(),
        }) else {
            unreachable!()
        };
        let mut refs = std::collections::BTreeSet::new();
        attachment_refs(&body, &mut refs);
        let want: std::collections::BTreeSet<Hash> =
            [sha256(b"x"), sha256(b"y"), sha256(b"z")].into();
        assert_eq!(refs, want);
    }
}
