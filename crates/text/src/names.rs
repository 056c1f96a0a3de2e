//! Names for people: funds, categories, fee items, roles, owners' matters, outcomes, event kinds,
//! keys, hashes, months and times.

use crate::Lang;
use gongzhang_core::ledger::events::Outcome;
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
pub fn event_kind_name(kind: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => kind_label(kind),
        Lang::En => kind.replace('_', " "),
    }
}

/// The Chinese name of an event type, if it is one of the ledger's.
pub(crate) fn kind_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "ledger_opened" => "开账",
        "role_granted" => "授予角色",
        "key_revoked" => "注销密钥",
        "household_registered" => "登记房屋",
        "household_corrected" => "更正房屋信息",
        "fee_schedule_adopted" => "公布收费标准",
        "charges_assessed" => "记应缴费用",
        "payment_received" => "收到业主缴费",
        "income_received" => "收到其他收入",
        "grant_received" => "收到专项拨款",
        "expense_proposed" => "支出申请",
        "expense_approved" => "批准支出",
        "expense_paid" => "付款",
        "funds_transferred" => "资金调拨",
        "owners_decision" => "业主大会表决结果",
        "reversal" => "撤销记录",
        "payment_demand_issued" => "催缴通知",
        "period_closed" => "结账",
        "audit_attested" => "审计确认",
        "budget_adopted" => "通过预算",
        _ => return None,
    })
}

/// The Chinese name of an event type, or the type itself in quotes.
pub(crate) fn kind_label(kind: &str) -> String {
    kind_name(kind).map_or_else(|| format!("“{kind}”类"), str::to_string)
}

pub(crate) fn not_reversible_hint(kind: &str) -> &'static str {
    match kind {
        "household_registered" | "household_corrected" => {
            "如果房屋信息有错，请做一次“更正房屋信息”。"
        }
        "role_granted" | "key_revoked" => "请由业委会重新授权或注销密钥。",
        "fee_schedule_adopted" | "budget_adopted" => "请根据新的业主大会决定，重新公布一份。",
        "owners_decision" => "请记录新的表决结果。",
        "period_closed" => "结账后不能更改；请改正有关记录，下次结账时会反映出来。",
        "reversal" => "撤销是最终的；如果需要恢复，请用新编号把原来的记录重新记一次。",
        "expense_approved" => "如果这笔钱不该付，请撤销那份支出申请。",
        "audit_attested" => "如果有新的审计意见，请另做一次审计确认。",
        _ => "",
    }
}
