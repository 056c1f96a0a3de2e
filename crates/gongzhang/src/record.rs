//! `gongzhang record <kind>`: what a treasurer, a committee member or the street office's auditor
//! types, turned into an event the ledger's rules accept — its type, its body, and the files to
//! upload with it. Choosing the event id, signing, submitting and printing the receipt belong to
//! the caller; this module reads the files named on the command line and, for the events whose
//! content comes from the books (a month's charges, a demand's arrears, a close's statement), asks
//! the caller for the ledger's current state.
//!
//! The command line keeps only its arguments (`args.rs`) and which of them is which
//! (`draft.rs`): every argument arrives as text and is read by `gongzhang_compose`, which also
//! turns the intent into the event and explains a mistake in the person's language (Chinese by
//! default); `read.rs` names the argument and what to write instead:
//! `--amount "36O.00"：不是金额，应写成 360.00 这样的元数`.

mod args;
mod draft;
mod read;

pub use args::*;
pub use gongzhang_compose::{
    ATTACHMENT_BYTES_MAX, AmountError, CHARGES_PER_DRAFT_MAX, PERIODS_MAX, parse_area_m2,
    parse_yuan,
};
pub use read::yuan_arg;

use draft::ToDraft;
use gongzhang_compose::Attached;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::LedgerEvent;
use gongzhang_text::Lang;

/// One variant per event a person records; clap subcommand names in kebab-case.
#[derive(Debug, clap::Subcommand)]
pub enum RecordKind {
    /// 收到业主缴费（出纳签名） / a household paid its fees (signed by the treasurer)
    Payment(PaymentArgs),
    /// 收到其他收入：广告、场地出租、利息……（出纳签名） / other income: advertising, rented space, interest … (signed by
    /// the treasurer)
    Income(IncomeArgs),
    /// 收到政府专项资金，开立专项资金账户（出纳签名） / a government grant, which opens its restricted fund (signed by the
    /// treasurer)
    Grant(GrantArgs),
    /// 支出申请（出纳签名；超过审批限额的要业委会批准后才能付款） / propose an expenditure (signed by the treasurer; above the
    /// threshold it needs committee approvals before it is paid)
    Expense(ExpenseArgs),
    /// 批准一笔支出申请（业委会委员本人签名） / approve an expenditure proposal (signed by one committee member)
    Approve(ApproveArgs),
    /// 支付一笔支出申请，附发票或收据（出纳签名） / pay a proposal, with its invoice or receipt (signed by the treasurer)
    Pay(PayArgs),
    /// 资金调拨（业委会按业主共同决定，多位委员签名） / move money between funds under an owners' decision (signed by a
    /// committee quorum)
    Transfer(TransferArgs),
    /// 登记房屋（出纳签名） / register a household (signed by the treasurer)
    Household(HouseholdArgs),
    /// 更正房屋面积（出纳签名；以后的收费按新面积） / correct a household's area (signed by the treasurer; later charges
    /// use it)
    CorrectHousehold(CorrectHouseholdArgs),
    /// 公布收费标准（业委会按业主共同决定，多位委员签名） / adopt a fee schedule under an owners' decision (signed by a
    /// committee quorum)
    FeeSchedule(FeeScheduleArgs),
    /// 记一个月的应缴费用：按收费标准和面积算出每户的费用（出纳签名） / assess a month's charges, computed from the fee schedule
    /// and each unit's area (signed by the treasurer)
    Charges(ChargesArgs),
    /// 记录业主共同决定的表决结果（多位委员签名） / record an owners' decision with its vote totals (signed by a
    /// committee quorum)
    Decision(DecisionArgs),
    /// 撤销一条记错的记录（出纳签名；资金调拨由多位委员签名） / reverse a mistaken entry (signed by the treasurer; a transfer
    /// by a committee quorum)
    Reverse(ReverseArgs),
    /// 记录发给欠费户的催缴通知，金额按账上欠费（出纳签名） / record a written payment demand for a unit's arrears as the
    /// books give them (signed by the treasurer)
    Demand(DemandArgs),
    /// 结账：按账目算出一个月或一个季度的报表（出纳签名） / close a month or a quarter with the statement the books give
    /// (signed by the treasurer)
    Close(CloseArgs),
    /// 授予角色（多位委员签名；授予出纳即交接） / grant a role (signed by a committee quorum; granting treasurer hands
    /// the role over)
    GrantRole(GrantRoleArgs),
    /// 注销一把密钥（多位委员签名） / revoke a key (signed by a committee quorum)
    RevokeKey(RevokeKeyArgs),
    /// 审计确认：街道办审计到第几条（审计签名） / attest an audit through an entry (signed by the street office's
    /// auditor)
    Audit(AuditArgs),
    /// 通过年度预算（业委会按业主共同决定，多位委员签名） / adopt a year's budget under an owners' decision (signed by a
    /// committee quorum)
    Budget(BudgetArgs),
}

/// An event to sign: its type, its body, and files to upload as attachments first (their SHA-256 is
/// already in the body).
#[derive(Debug)]
pub struct Draft {
    /// The event type, e.g. `payment_received`.
    pub kind: &'static str,
    /// The body, as `Event::new` takes it.
    pub body: serde_json::Map<String, serde_json::Value>,
    /// Files the body names by their SHA-256.
    pub attachments: Vec<DraftAttachment>,
}

/// A file named on the command line, read, with the hash the body gives it.
#[derive(Debug)]
pub struct DraftAttachment {
    /// Where it was read from.
    pub path: std::path::PathBuf,
    /// Its type, recognised from its bytes (the ledger keeps PDF, JPEG, PNG and WebP only).
    pub media_type: gongzhang_core::attachment::MediaType,
    /// Its contents.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`.
    pub sha256: gongzhang_core::Hash,
}

impl DraftAttachment {
    /// What the event says of the file.
    fn attached(&self) -> Attached {
        Attached {
            media_type: self.media_type,
            sha256: self.sha256,
        }
    }
}

impl Draft {
    fn new(event: LedgerEvent, attachments: Vec<DraftAttachment>) -> Draft {
        Draft {
            kind: event.kind(),
            body: event.body_json(),
            attachments,
        }
    }
}

impl RecordKind {
    /// The subcommand's arguments.
    fn args(&self) -> &dyn ToDraft {
        match self {
            RecordKind::Payment(a) => a,
            RecordKind::Income(a) => a,
            RecordKind::Grant(a) => a,
            RecordKind::Expense(a) => a,
            RecordKind::Approve(a) => a,
            RecordKind::Pay(a) => a,
            RecordKind::Transfer(a) => a,
            RecordKind::Household(a) => a,
            RecordKind::CorrectHousehold(a) => a,
            RecordKind::FeeSchedule(a) => a,
            RecordKind::Charges(a) => a,
            RecordKind::Decision(a) => a,
            RecordKind::Reverse(a) => a,
            RecordKind::Demand(a) => a,
            RecordKind::Close(a) => a,
            RecordKind::GrantRole(a) => a,
            RecordKind::RevokeKey(a) => a,
            RecordKind::Audit(a) => a,
            RecordKind::Budget(a) => a,
        }
    }

    /// The event to sign, its messages in `lang`. `ledger` is the
    /// current state of the ledger (the caller loads it only when asked: drafts that do not need
    /// it never call it).
    pub fn draft(
        &self,
        ledger: &mut dyn FnMut() -> anyhow::Result<Ledger>,
        lang: Lang,
    ) -> anyhow::Result<Draft> {
        self.args().draft(lang, ledger)
    }

    /// The events this command records: one, except `charges`, which gives the whole month's
    /// charges in entries of at most [`CHARGES_PER_DRAFT_MAX`] (a 600-household month is three
    /// entries, submitted together as one all-or-nothing batch).
    pub fn drafts(
        &self,
        ledger: &mut dyn FnMut() -> anyhow::Result<Ledger>,
        lang: Lang,
    ) -> anyhow::Result<Vec<Draft>> {
        match self {
            RecordKind::Charges(charges) => charges.drafts(lang, ledger),
            _ => Ok(vec![self.draft(ledger, lang)?]),
        }
    }
}
