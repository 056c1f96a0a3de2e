//! The arguments of each `gongzhang record` subcommand, as clap reads them: every one as text,
//! read by `gongzhang_compose` (in `draft.rs`) so that a mistake is explained in the person's
//! language. Help is Chinese first, English after ` / `.

use std::path::PathBuf;

/// The arguments of `record payment`.
#[derive(Debug, clap::Args)]
pub struct PaymentArgs {
    /// 房号，如 3-2-401 / unit number, e.g. 3-2-401
    #[arg(long)]
    pub(super) unit: String,
    /// 金额（元），如 360.00 / amount in yuan, e.g. 360.00
    #[arg(long)]
    pub(super) amount: String,
    /// 付款方式：现金、微信、支付宝、银行转账 / channel: cash, wechat, alipay, bank
    #[arg(long)]
    pub(super) channel: String,
    /// 缴的是哪几个月（可不填，可重复）：2025-01..2025-12 或 2025-01,2025-02；不填则先抵最早的欠费 / months paid for
    /// (optional, repeatable): 2025-01..2025-12 or 2025-01,2025-02; without it the oldest
    /// charges are settled first
    #[arg(long)]
    pub(super) periods: Vec<String>,
}

/// The arguments of `record income`.
#[derive(Debug, clap::Args)]
pub struct IncomeArgs {
    /// 收入归入的资金：public_revenue（公共收益）、operating（物业费资金）、maintenance（维修资金） / fund: public_revenue,
    /// operating, maintenance
    #[arg(long)]
    pub(super) fund: String,
    /// 收入类别：广告、场地出租、利息、停车，或小写英文名如 advertising / category: advertising, space_rental, interest,
    /// parking, or another lowercase name
    #[arg(long)]
    pub(super) category: String,
    /// 付款单位或个人 / who paid
    #[arg(long)]
    pub(super) payer: String,
    /// 金额（元），如 1,200.00 / amount in yuan, e.g. 1,200.00
    #[arg(long)]
    pub(super) amount: String,
    /// 收款方式：现金、微信、支付宝、银行转账 / channel: cash, wechat, alipay, bank
    #[arg(long)]
    pub(super) channel: String,
}

/// The arguments of `record grant`.
#[derive(Debug, clap::Args)]
pub struct GrantArgs {
    /// 专项资金，如 project:meter-2026 / restricted fund, e.g. project:meter-2026
    #[arg(long)]
    pub(super) fund: String,
    /// 拨款单位，如 区住建局 / grantor, e.g. the district housing bureau
    #[arg(long)]
    pub(super) grantor: String,
    /// 用途 / purpose
    #[arg(long)]
    pub(super) purpose: String,
    /// 金额（元） / amount in yuan
    #[arg(long)]
    pub(super) amount: String,
}

/// The arguments of `record expense`.
#[derive(Debug, clap::Args)]
pub struct ExpenseArgs {
    /// 收款方 / payee
    #[arg(long)]
    pub(super) payee: String,
    /// 支出类别：保洁、垃圾清运、绿化、排水、维修、照明、保安、改造、监理，或小写英文名 / category: cleaning, garbage_removal,
    /// greenery, drainage, repairs, lighting, security, renovation, supervision, or another
    /// lowercase name
    #[arg(long)]
    pub(super) category: String,
    /// 从哪项资金支出（默认 operating 物业费资金） / fund paying (default operating)
    #[arg(long, default_value = "operating")]
    pub(super) fund: String,
    /// 金额（元） / amount in yuan
    #[arg(long)]
    pub(super) amount: String,
    /// 用途说明 / what it is for
    #[arg(long)]
    pub(super) description: String,
    /// 专项资金的项目名（不填则取资金名里的项目） / project of a restricted fund (default: the fund's own)
    #[arg(long)]
    pub(super) project: Option<String>,
    /// 业主共同决定的记录编号（动用维修资金时必填） / the owners' decision (event id; required for the maintenance
    /// fund)
    #[arg(long)]
    pub(super) decision: Option<String>,
}

/// The arguments of `record approve`.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// 支出申请的记录编号 / the proposal's event id
    #[arg(long)]
    pub(super) proposal: String,
}

/// The arguments of `record pay`.
#[derive(Debug, clap::Args)]
pub struct PayArgs {
    /// 支出申请的记录编号 / the proposal's event id
    #[arg(long)]
    pub(super) proposal: String,
    /// 付款方式：现金、微信、支付宝、银行转账 / channel: cash, wechat, alipay, bank
    #[arg(long)]
    pub(super) channel: String,
    /// 票据：发票、收据、无 / invoice kind: fapiao, receipt, none
    #[arg(long)]
    pub(super) invoice: String,
    /// 发票或收据号码 / the invoice or receipt number
    #[arg(long)]
    pub(super) number: Option<String>,
    /// 发票或收据的扫描件（PDF、照片、OFD） / the scanned invoice or receipt (PDF, photo, OFD)
    #[arg(long)]
    pub(super) invoice_file: Option<PathBuf>,
}

/// The arguments of `record transfer`.
#[derive(Debug, clap::Args)]
pub struct TransferArgs {
    /// 调出的资金 / fund paying out
    #[arg(long)]
    pub(super) from: String,
    /// 调入的资金 / fund receiving
    #[arg(long)]
    pub(super) to: String,
    /// 金额（元） / amount in yuan
    #[arg(long)]
    pub(super) amount: String,
    /// 业主共同决定的记录编号 / the owners' decision (event id)
    #[arg(long)]
    pub(super) decision: String,
}

/// The arguments of `record household`.
#[derive(Debug, clap::Args)]
pub struct HouseholdArgs {
    /// 房号，如 3-2-401 / unit number, e.g. 3-2-401
    #[arg(long)]
    pub(super) unit: String,
    /// 专有部分面积（平方米），如 85.23 / exclusive area in ㎡, e.g. 85.23
    #[arg(long)]
    pub(super) area: String,
}

/// The arguments of `record correct-household`.
#[derive(Debug, clap::Args)]
pub struct CorrectHouseholdArgs {
    /// 房号 / unit number
    #[arg(long)]
    pub(super) unit: String,
    /// 正确的面积（平方米） / the correct area in ㎡
    #[arg(long)]
    pub(super) area: String,
    /// 更正原因 / why
    #[arg(long)]
    pub(super) reason: String,
}

/// The arguments of `record fee-schedule`.
#[derive(Debug, clap::Args)]
pub struct FeeScheduleArgs {
    /// 收费项目（可重复）：项目:名称:计费方式:费率元，如 property_fee:物业费:per_m2:0.50 或
    /// garbage_fee:垃圾清运费:per_household:10.00 / item (repeatable): item:name:basis:rate in yuan
    /// per ㎡ or per household per month
    #[arg(long = "item", required = true)]
    pub(super) items: Vec<String>,
    /// 从哪个月开始执行，如 2025-03 / first month charged at these rates, e.g. 2025-03
    #[arg(long)]
    pub(super) from: String,
    /// 业主共同决定的记录编号 / the owners' decision (event id)
    #[arg(long)]
    pub(super) decision: String,
}

/// The arguments of `record charges`.
#[derive(Debug, clap::Args)]
pub struct ChargesArgs {
    /// 月份，如 2025-03 / month, e.g. 2025-03
    #[arg(long)]
    pub(super) period: String,
}

/// The arguments of `record decision`.
#[derive(Debug, clap::Args)]
pub struct DecisionArgs {
    /// 表决事项：收费标准、使用维修资金、筹集维修资金、改建重建、改变共有部分用途、选举业委会、资金调拨、预算、其他 / matter: fee_schedule,
    /// use_maintenance_fund, raise_maintenance_fund, rebuild, change_common_use,
    /// elect_committee, fund_transfer, budget, other
    #[arg(long)]
    pub(super) matter: String,
    /// 表决的议题 / the motion
    #[arg(long)]
    pub(super) title: String,
    /// 全体业主专有面积（平方米；不填则取已登记房屋的面积之和） / all owners' exclusive area in ㎡ (default: the registered
    /// households' total)
    #[arg(long)]
    pub(super) total_area: Option<String>,
    /// 全体业主人数 / number of all owners
    #[arg(long)]
    pub(super) total_owners: String,
    /// 参加表决的业主专有面积（平方米） / area of the owners who took part, in ㎡
    #[arg(long)]
    pub(super) participating_area: String,
    /// 参加表决的业主人数 / owners who took part
    #[arg(long)]
    pub(super) participating_owners: String,
    /// 同意的业主专有面积（平方米） / area of those who voted yes, in ㎡
    #[arg(long)]
    pub(super) yes_area: String,
    /// 同意的业主人数 / owners who voted yes
    #[arg(long)]
    pub(super) yes_owners: String,
    /// 公布的结果：通过、未通过（不填则按《民法典》第二百七十八条计算） / announced outcome: passed, rejected (default: computed
    /// by Civil Code art. 278)
    #[arg(long)]
    pub(super) outcome: Option<String>,
    /// 表决结果或会议记录的文件 / the minutes or tally document
    #[arg(long)]
    pub(super) minutes: PathBuf,
}

/// The arguments of `record reverse`.
#[derive(Debug, clap::Args)]
pub struct ReverseArgs {
    /// 要撤销的记录编号 / the event id to reverse
    #[arg(long)]
    pub(super) event: String,
    /// 撤销原因 / why
    #[arg(long)]
    pub(super) reason: String,
}

/// The arguments of `record demand`.
#[derive(Debug, clap::Args)]
pub struct DemandArgs {
    /// 房号 / unit number
    #[arg(long)]
    pub(super) unit: String,
    /// 催缴通知书的文件 / the demand letter
    #[arg(long)]
    pub(super) letter: PathBuf,
}

/// The arguments of `record close`.
#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    /// 月份 2025-03 或季度 2025-Q1 / month 2025-03 or quarter 2025-Q1
    #[arg(long)]
    pub(super) period: String,
}

/// The arguments of `record grant-role`.
#[derive(Debug, clap::Args)]
pub struct GrantRoleArgs {
    /// 角色：委员、出纳、审计 / role: committee_member, treasurer, auditor
    #[arg(long)]
    pub(super) role: String,
    /// 公钥：gongzhang keygen 显示的公钥，或 64 位十六进制 / key: the verifier key gongzhang keygen shows, or
    /// 64 hex digits
    #[arg(long = "public-key")]
    pub(super) key: String,
}

/// The arguments of `record revoke-key`.
#[derive(Debug, clap::Args)]
pub struct RevokeKeyArgs {
    /// 公钥 / key
    #[arg(long = "public-key")]
    pub(super) key: String,
    /// 原因：手机丢失、换届…… / why: lost phone, handover …
    #[arg(long)]
    pub(super) reason: String,
}

/// The arguments of `record audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// 审计到第几条（不填则为最新一条） / last entry audited (default: the latest)
    #[arg(long)]
    pub(super) through: Option<String>,
    /// 审计意见书的文件 / the findings document
    #[arg(long)]
    pub(super) findings: PathBuf,
    /// 简短的审计意见，如 账目相符 / the opinion in a few words
    #[arg(long)]
    pub(super) opinion: String,
}

/// The arguments of `record budget`.
#[derive(Debug, clap::Args)]
pub struct BudgetArgs {
    /// 年份，如 2026 / calendar year, e.g. 2026
    #[arg(long)]
    pub(super) year: String,
    /// 预算行（可重复）：资金:类别:金额元，如 operating:cleaning:114,000.00 / line (repeatable):
    /// fund:category:amount in yuan
    #[arg(long = "line", required = true)]
    pub(super) lines: Vec<String>,
    /// 业主共同决定的记录编号 / the owners' decision (event id)
    #[arg(long)]
    pub(super) decision: String,
}
