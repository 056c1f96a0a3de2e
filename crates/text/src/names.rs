//! Names for people: funds, categories, fee items, roles, owners' matters, outcomes, event kinds,
//! keys, hashes, months and times.

use crate::Lang;
use gongzhang_core::ledger::events::{EventKind, Outcome};
use gongzhang_core::ledger::types::{Channel, FundId, InvoiceKind, Matter, Role, Slug};

// Names.

pub(crate) use crate::format::{
    beijing_zh as beijing, hash_short as hash, key_zh as key, month_zh as month,
};

/// 物业费资金, 公共收益, 维修资金, 专项资金（x）.
pub(crate) fn fund(f: &FundId) -> String {
    fund_name(f.as_str(), Lang::Zh)
}

/// A fund's name for people: 物业费资金 / operating fund, 公共收益, 维修资金, 专项资金（x）.
/// One naming for every report, statement and message.
pub fn fund_name(fund: &str, lang: Lang) -> String {
    let project = fund.strip_prefix("project:");
    match (lang, fund, project) {
        (Lang::Zh, _, Some(p)) => format!("专项资金（{p}）"),
        (Lang::En, _, Some(p)) => format!("restricted fund {p}"),
        (Lang::Zh, "operating", None) => "物业费资金".to_string(),
        (Lang::En, "operating", None) => "operating fund".to_string(),
        (Lang::Zh, "public_revenue", None) => "公共收益".to_string(),
        (Lang::En, "public_revenue", None) => "public revenue".to_string(),
        (Lang::Zh, "maintenance", None) => "维修资金".to_string(),
        (Lang::En, "maintenance", None) => "maintenance fund".to_string(),
        (_, other, None) => other.to_string(),
    }
}

/// An income or spending category's name for people: the usual ones in Chinese (English: the
/// slug in words), any other as its slug.
pub fn category_name(slug: &str, lang: Lang) -> String {
    let zh = match slug {
        "fee_payments" => "业主缴费",
        "property_fee" => "物业费",
        "garbage_fee" => "垃圾清运费",
        "interest" => "利息",
        "grant" => "专项拨款",
        "advertising" => "广告收入",
        "space_rental" => "场地租金",
        "parking" => "停车收入",
        "cleaning" => "保洁",
        "greenery" => "绿化",
        "security" => "安保",
        "repairs" => "维修",
        "lighting" => "公共照明",
        "drainage" => "管道疏通",
        "garbage_removal" => "垃圾清运",
        "renovation" => "改造工程",
        "supervision" => "工程监理",
        "utilities" => "水电费",
        "insurance" => "保险",
        "office" => "办公费用",
        _ => return slug.to_string(),
    };
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => slug.replace('_', " "),
    }
}

/// A fee item by its code, quoted: `“property_fee”`.
pub(crate) fn item(s: &Slug) -> String {
    format!("“{s}”")
}

/// A role's name: 出纳 / treasurer, 业委会委员 / committee member, 街道办审计 / street office auditor.
pub fn role_name(r: Role, lang: Lang) -> &'static str {
    match r {
        Role::Treasurer => lang.pick("出纳", "treasurer"),
        Role::CommitteeMember => lang.pick("业委会委员", "committee member"),
        Role::Auditor => lang.pick("街道办审计", "street office auditor"),
    }
}

pub(crate) fn role(r: Role) -> &'static str {
    role_name(r, Lang::Zh)
}

/// An owners' matter's name (what a decision decides), as the Civil Code names it.
pub fn matter_name(m: Matter, lang: Lang) -> &'static str {
    match m {
        Matter::RaiseMaintenanceFund => lang.pick("筹集维修资金", "raising the maintenance fund"),
        Matter::Rebuild => lang.pick("改建重建", "rebuilding"),
        Matter::ChangeCommonUse => {
            lang.pick("改变共有部分用途", "changing the use of common parts")
        }
        Matter::UseMaintenanceFund => lang.pick("使用维修资金", "using the maintenance fund"),
        Matter::FeeSchedule => lang.pick("制定收费标准", "the fee schedule"),
        Matter::ElectCommittee => lang.pick("选举业委会", "electing the committee"),
        Matter::FundTransfer => lang.pick("资金调拨", "a transfer between funds"),
        Matter::Budget => lang.pick("预算", "the budget"),
        Matter::Other => lang.pick("其他", "other"),
    }
}

pub(crate) fn matter(m: Matter) -> &'static str {
    matter_name(m, Lang::Zh)
}

/// A vote's outcome: 通过 / passed, 未通过 / rejected.
pub fn outcome_name(o: Outcome, lang: Lang) -> &'static str {
    match o {
        Outcome::Passed => lang.pick("通过", "passed"),
        Outcome::Rejected => lang.pick("未通过", "rejected"),
    }
}

pub(crate) fn outcome(o: Outcome) -> &'static str {
    outcome_name(o, Lang::Zh)
}

/// How money moved: 现金 / cash, 微信支付 / WeChat Pay, 支付宝 / Alipay, 银行转账 / bank transfer.
pub fn channel_name(c: Channel, lang: Lang) -> &'static str {
    match c {
        Channel::Cash => lang.pick("现金", "cash"),
        Channel::WechatPay => lang.pick("微信支付", "WeChat Pay"),
        Channel::Alipay => lang.pick("支付宝", "Alipay"),
        Channel::BankTransfer => lang.pick("银行转账", "bank transfer"),
    }
}

/// The kind of an expense's voucher: 发票 / fapiao, 收据 / receipt, 无 / none.
pub fn invoice_kind_name(k: InvoiceKind, lang: Lang) -> &'static str {
    match k {
        InvoiceKind::Fapiao => lang.pick("发票", "fapiao (tax invoice)"),
        InvoiceKind::Receipt => lang.pick("收据", "receipt"),
        InvoiceKind::None => lang.pick("无", "none"),
    }
}

/// The name of an event type for people: Chinese, or plain English words.
pub fn event_kind_name(kind: EventKind, lang: Lang) -> String {
    match lang {
        Lang::Zh => kind_zh(kind).to_string(),
        Lang::En => kind.as_str().replace('_', " "),
    }
}

/// The Chinese name of an event type.
pub fn kind_zh(kind: EventKind) -> &'static str {
    use EventKind as K;
    match kind {
        K::LedgerOpened => "开账",
        K::RoleGranted => "授予角色",
        K::KeyRevoked => "注销密钥",
        K::HouseholdRegistered => "登记房屋",
        K::HouseholdCorrected => "更正房屋信息",
        K::FeeScheduleAdopted => "公布收费标准",
        K::ChargesAssessed => "记应缴费用",
        K::PaymentReceived => "收到业主缴费",
        K::IncomeReceived => "收到其他收入",
        K::GrantReceived => "收到专项拨款",
        K::ExpenseProposed => "支出申请",
        K::ExpenseApproved => "批准支出",
        K::ExpensePaid => "付款",
        K::FundsTransferred => "资金调拨",
        K::OwnersDecision => "业主大会表决结果",
        K::Reversal => "撤销记录",
        K::PaymentDemandIssued => "催缴通知",
        K::PeriodClosed => "结账",
        K::AuditAttested => "审计确认",
        K::BudgetAdopted => "通过预算",
    }
}

/// The name of an entry's `type` for people: [`event_kind_name`] for the ledger's types, the
/// string itself (quoted in Chinese) for any other.
pub fn type_name(kind: &str, lang: Lang) -> String {
    match (EventKind::parse(kind), lang) {
        (Some(k), _) => event_kind_name(k, lang),
        (None, Lang::Zh) => kind_label(kind),
        (None, Lang::En) => kind.to_string(),
    }
}

/// The Chinese name of an event type written as a string (an entry's `type`), or the string
/// itself in quotes when it is no type of the ledger's.
pub(crate) fn kind_label(kind: &str) -> String {
    EventKind::parse(kind).map_or_else(|| format!("“{kind}”类"), |k| kind_zh(k).to_string())
}

/// How to correct an event of `kind` that cannot be reversed, in Chinese (empty for the kinds
/// that can be reversed and for the genesis). The English is the rule book's own
/// (`Violation::NotReversible`'s hint); the two cover the same kinds.
pub(crate) fn not_reversible_hint(kind: EventKind) -> &'static str {
    use EventKind as K;
    match kind {
        K::HouseholdRegistered | K::HouseholdCorrected => {
            "如果房屋信息有错，请做一次“更正房屋信息”。"
        }
        K::RoleGranted | K::KeyRevoked => "请由业委会重新授权或注销密钥。",
        K::FeeScheduleAdopted | K::BudgetAdopted => "请根据新的业主大会决定，重新公布一份。",
        K::OwnersDecision => "请记录新的表决结果。",
        K::PeriodClosed => "结账后不能更改；请改正有关记录，下次结账时会反映出来。",
        K::Reversal => "撤销是最终的；如果需要恢复，请用新编号把原来的记录重新记一次。",
        K::ExpenseApproved => "如果这笔钱不该付，请撤销那份支出申请。",
        K::AuditAttested => "如果有新的审计意见，请另做一次审计确认。",
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
