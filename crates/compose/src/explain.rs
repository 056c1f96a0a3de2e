//! Every word this crate's errors are explained in, Chinese and English, and nowhere else: the
//! library returns typed errors; a caller shows [`Explain::explain`] in the person's language.
//!
//! An explanation says what is wrong and what to write instead, without repeating the text it
//! is about: the caller shows that next to it, beside a form's field or after the argument
//! (`--amount "36O.00"：不是金额，应写成 360.00 这样的元数`). `Display` is the English explanation
//! (a [`ValueError`]'s after its text; an [`AmountError`]'s, which does not know whether it
//! measures yuan or ㎡, in a few words).

use crate::amount::AmountError;
use crate::choices::Choice;
use crate::error::{ComposeError, Problem, ValueError};
use crate::file::FileError;
use crate::names::Category;
use crate::{ATTACHMENT_BYTES_MAX, PERIODS_MAX};
use gongzhang_core::ledger::Violation;
use gongzhang_core::ledger::events::Outcome;
use gongzhang_core::ledger::types::Period;
use gongzhang_text::{Explain, Lang};
use std::fmt;

/// The Chinese or the English text.
fn pick(lang: Lang, zh: impl fmt::Display, en: impl fmt::Display) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// What a decimal measures, for its messages.
#[derive(Clone, Copy)]
enum Quantity {
    Yuan,
    SquareMetres,
}

/// What is wrong with an amount or an area and what to write instead.
fn amount(error: AmountError, what: Quantity, lang: Lang) -> String {
    let (zh_example, en_example) = match what {
        Quantity::Yuan => ("应写成 360.00 这样的元数", "write yuan like 360.00"),
        Quantity::SquareMetres => (
            "应写成 85.23 这样的平方米数",
            "write square metres like 85.23",
        ),
    };
    let (zh, en): (String, String) = match (error, what) {
        (AmountError::Empty, _) => (
            format!("是空的，{zh_example}"),
            format!("is empty; {en_example}"),
        ),
        (AmountError::NotANumber, Quantity::Yuan) => (
            format!("不是金额，{zh_example}"),
            format!("is not an amount; {en_example}"),
        ),
        (AmountError::NotANumber, Quantity::SquareMetres) => (
            format!("不是面积，{zh_example}"),
            format!("is not an area; {en_example}"),
        ),
        (AmountError::TooManyDecimals, Quantity::Yuan) => (
            "小数超过两位：最小到分，应写成 360.05 这样的元数".into(),
            "has more than two decimals: the smallest unit is the fen; write yuan like 360.05".into(),
        ),
        (AmountError::TooManyDecimals, Quantity::SquareMetres) => (
            "小数超过两位：面积记到 0.01 平方米，应写成 85.23 这样的平方米数".into(),
            "has more than two decimals: areas are kept to 0.01 ㎡; write square metres like 85.23".into(),
        ),
        (AmountError::Negative, _) => (
            "不能是负数：记错了请用 gongzhang record reverse 撤销原记录，再重新记".into(),
            "cannot be negative: to correct a mistake, reverse the entry with gongzhang record reverse and record it again".into(),
        ),
        (AmountError::TooLarge, Quantity::Yuan) => (
            "太大了：账本最多记 90071992547409.91 元".into(),
            "is too large: the ledger carries at most 90071992547409.91 yuan".into(),
        ),
        (AmountError::TooLarge, Quantity::SquareMetres) => (
            "太大了：面积最多 90071992547409.91 平方米".into(),
            "is too large: an area is at most 90071992547409.91 ㎡".into(),
        ),
    };
    pick(lang, zh, en)
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountError::Empty => "nothing is written",
            AmountError::NotANumber => "not a number like 360.00",
            AmountError::TooManyDecimals => "more than two decimals",
            AmountError::Negative => "negative",
            AmountError::TooLarge => "beyond 90071992547409.91, the most the ledger carries",
        })
    }
}

impl std::error::Error for AmountError {}

/// What may be written for a choice.
fn choice(what: Choice, lang: Lang) -> String {
    let (zh, en) = match what {
        Choice::Channel => (
            "不是付款方式，应写 现金、微信、支付宝 或 银行转账",
            "is not a channel; write cash, wechat, alipay or bank",
        ),
        Choice::InvoiceKind => (
            "不是票据种类，应写 发票、收据 或 无",
            "is not an invoice kind; write fapiao, receipt or none",
        ),
        Choice::Role => (
            "不是角色，应写 委员、出纳 或 审计",
            "is not a role; write committee_member, treasurer or auditor",
        ),
        Choice::Matter => (
            "不是表决事项，应写 收费标准、使用维修资金、筹集维修资金、改建重建、改变共有部分用途、选举业委会、资金调拨、预算 或 其他",
            "is not a matter; write fee_schedule, use_maintenance_fund, raise_maintenance_fund, rebuild, change_common_use, elect_committee, fund_transfer, budget or other",
        ),
        Choice::Outcome => (
            "不是表决结果，应写 通过 或 未通过",
            "is not an outcome; write passed or rejected",
        ),
        Choice::FeeBasis => (
            "计费方式应写 per_m2（按面积，每平方米每月）或 per_household（按户，每户每月）",
            "the basis must be per_m2 (per ㎡ per month) or per_household (per household per month)",
        ),
    };
    pick(lang, zh, en)
}

/// What may be written for a category: its Chinese names or a lowercase name.
fn category(category: Category, lang: Lang) -> String {
    let aliases = category.aliases();
    let zh_names: Vec<&str> = aliases
        .iter()
        .map(|(slug, names)| names.first().copied().unwrap_or(*slug))
        .collect();
    let slugs: Vec<&str> = aliases.iter().map(|(slug, _)| *slug).collect();
    pick(
        lang,
        format_args!(
            "不是类别，应写 {} 之一，或小写英文名如 {}",
            zh_names.join("、"),
            slugs.first().copied().unwrap_or("repairs")
        ),
        format_args!(
            "is not a category; write one of {}, or another lowercase name",
            slugs.join(", ")
        ),
    )
}

impl Explain for Problem {
    fn explain(&self, lang: Lang) -> String {
        match self {
            Problem::Yuan(error) => amount(*error, Quantity::Yuan, lang),
            Problem::Area(error) => amount(*error, Quantity::SquareMetres, lang),
            Problem::NotAChoice(what) => choice(*what, lang),
            Problem::NotACategory(what) => category(*what, lang),
            Problem::NotAUnit => pick(
                lang,
                "不是房号，应写成 3-2-401 这样的 楼号-单元-室号",
                "is not a unit number; write building-entrance-room like 3-2-401",
            ),
            Problem::NotAName => pick(
                lang,
                "不是名称，应写小写英文字母、数字和 - 组成的名字，单词之间用 _，如 meter-2026",
                "is not a name; write lowercase letters, digits and -, words joined by _, e.g. meter-2026",
            ),
            Problem::NotAFund => pick(
                lang,
                "不是资金名，应写 operating（物业费资金）、public_revenue（公共收益）、maintenance（维修资金）或 project:项目名（专项资金）",
                "is not a fund; write operating, public_revenue, maintenance or project:<name>",
            ),
            Problem::EmptyText => pick(lang, "是空的，要写上内容", "is empty; write something"),
            Problem::TextTooLong => pick(
                lang,
                "太长了：最多 200 个字",
                "is too long: at most 200 characters",
            ),
            Problem::TextNotOneLine => pick(
                lang,
                "含有换行或控制字符：请写在一行里",
                "holds a line break or a control character: write it on one line",
            ),
            Problem::NotAnEventId => pick(
                lang,
                "不是记录编号：编号由英文字母、数字和 . _ : - 组成，最多 64 个字符，回执上印着",
                "is not an event id: 1 to 64 letters, digits and . _ : -, as the receipt shows it",
            ),
            Problem::NotAKey => pick(
                lang,
                "不是公钥，应写 gongzhang keygen 显示的公钥（名字+编号+一串字母）或 64 位十六进制",
                "is not a key; write the verifier key gongzhang keygen shows (name+id+base64) or 64 hexadecimal digits",
            ),
            Problem::NotAMonth => pick(
                lang,
                "不是月份，应写成 2025-03 这样的 年-月",
                "is not a month; write year-month like 2025-03",
            ),
            Problem::NotAMonthInList { part } => pick(
                lang,
                format_args!(
                    "“{part}” 不是月份，应写成 2025-01..2025-12（一段月份）或 2025-01,2025-02（几个月）"
                ),
                format_args!(
                    "{part:?} is not a month; write 2025-01..2025-12 (a range) or 2025-01,2025-02 (a list)"
                ),
            ),
            Problem::MonthsReversed { from, to } => pick(
                lang,
                format_args!("{from} 晚于 {to}：应先写早的月份，如 {to}..{from}"),
                format_args!(
                    "{from} is after {to}: write the earlier month first, e.g. {to}..{from}"
                ),
            ),
            Problem::TooManyMonths => pick(
                lang,
                format_args!("月份太多：一次缴费最多写 {PERIODS_MAX} 个月"),
                format_args!("names too many months: at most {PERIODS_MAX} per payment"),
            ),
            Problem::NotAMonthOrQuarter => pick(
                lang,
                "不是月份或季度，应写成 2025-03（一个月）或 2025-Q1（一个季度）",
                "is not a month or a quarter; write 2025-03 (a month) or 2025-Q1 (a quarter)",
            ),
            Problem::NotACount => pick(
                lang,
                "不是人数，应写成 120 这样的整数",
                "is not a number of owners; write a whole number like 120",
            ),
            Problem::NotAnEntryNumber => pick(
                lang,
                "不是记录序号，应写成 1024 这样的整数（第几条）",
                "is not an entry number; write a whole number like 1024",
            ),
            Problem::NotAYear => pick(
                lang,
                "不是年份，应写成 2026 这样的四位数",
                "is not a year; write four digits like 2026",
            ),
            Problem::FeeItemShape => pick(
                lang,
                "应写成 项目:名称:计费方式:费率，如 property_fee:物业费:per_m2:0.50（每平方米每月 0.50 元）或 garbage_fee:垃圾清运费:per_household:10.00（每户每月 10 元）",
                "write item:name:basis:rate, e.g. property_fee:物业费:per_m2:0.50 (0.50 yuan per ㎡ per month) or garbage_fee:垃圾清运费:per_household:10.00",
            ),
            Problem::FeeItemSlug { item } => pick(
                lang,
                format_args!("收费项目 “{item}” 应写小写英文名，如 property_fee、garbage_fee"),
                format_args!(
                    "item {item:?} must be a lowercase name like property_fee or garbage_fee"
                ),
            ),
            Problem::FeeItemName { name } => pick(
                lang,
                format_args!("名称 “{name}” 应写 1 到 200 个字，如 物业费"),
                format_args!("name {name:?} must be 1 to 200 characters, e.g. 物业费"),
            ),
            Problem::FeeItemBasis { .. } => choice(Choice::FeeBasis, lang),
            Problem::FeeItemRate { rate, error } => pick(
                lang,
                format_args!("费率 “{rate}” {}", amount(*error, Quantity::Yuan, Lang::Zh)),
                format_args!("rate {rate:?} {}", amount(*error, Quantity::Yuan, Lang::En)),
            ),
            Problem::BudgetLineShape => pick(
                lang,
                "应写成 资金:类别:金额，如 operating:cleaning:114,000.00",
                "write fund:category:amount, e.g. operating:cleaning:114,000.00",
            ),
            Problem::BudgetLineFund { fund } => pick(
                lang,
                format_args!(
                    "资金 “{fund}” 应写 operating、public_revenue、maintenance 或 project:项目名"
                ),
                format_args!(
                    "fund {fund:?} must be operating, public_revenue, maintenance or project:<name>"
                ),
            ),
            Problem::BudgetLineCategory { category } => pick(
                lang,
                format_args!("类别 “{category}” 应写 保洁、维修 等，或小写英文名如 cleaning"),
                format_args!("category {category:?} must be a lowercase name like cleaning"),
            ),
            Problem::BudgetLineAmount {
                amount: text,
                error,
            } => pick(
                lang,
                format_args!("金额 “{text}” {}", amount(*error, Quantity::Yuan, Lang::Zh)),
                format_args!(
                    "amount {text:?} {}",
                    amount(*error, Quantity::Yuan, Lang::En)
                ),
            ),
        }
    }
}

impl Explain for ValueError {
    fn explain(&self, lang: Lang) -> String {
        self.problem.explain(lang)
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.text, self.problem.explain(Lang::En))
    }
}

impl std::error::Error for ValueError {}

impl Explain for FileError {
    fn explain(&self, lang: Lang) -> String {
        let mb = ATTACHMENT_BYTES_MAX / (1024 * 1024);
        match self {
            FileError::Empty => pick(
                lang,
                "文件是空的，请附上扫描件或照片",
                "is empty; attach the scan or photo",
            ),
            FileError::TooLarge { .. } => pick(
                lang,
                format_args!("文件太大：最多 {mb} MB"),
                format_args!("is too large: at most {mb} MB"),
            ),
            FileError::NotAccepted => pick(
                lang,
                "不是 PDF、JPEG、PNG 或 WebP 文件（按文件内容判断，不看扩展名）：账本只收这几种；请把发票或收据扫描成 PDF，或拍照存成 JPEG，再附上",
                "is not a PDF, JPEG, PNG or WebP file (judged by its contents, not its name): the ledger keeps only these; scan the invoice or receipt to PDF or photograph it as JPEG",
            ),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain(Lang::En))
    }
}

impl std::error::Error for FileError {}

fn outcome(o: Outcome, lang: Lang) -> &'static str {
    match (o, lang) {
        (Outcome::Passed, Lang::Zh) => "通过",
        (Outcome::Rejected, Lang::Zh) => "未通过",
        (Outcome::Passed, Lang::En) => "passed",
        (Outcome::Rejected, Lang::En) => "rejected",
    }
}

/// A close the rule book refuses. Out of turn, it says where the next close starts and what to
/// write for it; otherwise the rule book's own words.
fn close(violation: &Violation, last_closed: Option<Period>, lang: Lang) -> String {
    let &Violation::PeriodNotContiguous { expected, found } = violation else {
        return violation.explain(lang);
    };
    let quarter = (expected.month() % 3 == 1)
        .then(|| format!("{}-Q{}", expected.year(), expected.month() / 3 + 1));
    let (zh_choice, en_choice) = match &quarter {
        Some(q) => (
            format!("写 {expected}（一个月）或 {q}（一个季度）"),
            format!("write {expected} (a month) or {q} (a quarter)"),
        ),
        None => (format!("写 {expected}"), format!("write {expected}")),
    };
    match last_closed {
        Some(last) if found <= last => pick(
            lang,
            format_args!("已经结账到 {last}，下一次从 {expected} 开始：{zh_choice}"),
            format_args!(
                "the books are closed through {last}; the next close starts at {expected}: {en_choice}"
            ),
        ),
        Some(last) => pick(
            lang,
            format_args!(
                "上次结账到 {last}，结账要一期接一期，下一次从 {expected} 开始：{zh_choice}"
            ),
            format_args!(
                "the last close ended {last} and closes follow each other; the next starts at {expected}: {en_choice}"
            ),
        ),
        None => pick(
            lang,
            format_args!("第一次结账从账本的第一个月 {expected} 开始：{zh_choice}"),
            format_args!(
                "the first close starts at the ledger's first month {expected}: {en_choice}"
            ),
        ),
    }
}

impl Explain for ComposeError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            ComposeError::GrantToStandingFund { .. } => pick(
                lang,
                "专项拨款要进专项资金，应写成 project:项目名，如 project:meter-2026",
                "a grant goes to a restricted fund: write project:<name>, e.g. project:meter-2026",
            ),
            ComposeError::TransferToSameFund { .. } => pick(
                lang,
                "调入和调出是同一项资金，应写另一项资金",
                "is the same fund as --from; name another fund",
            ),
            ComposeError::MaintenanceWithoutDecision => pick(
                lang,
                "动用维修资金要有业主共同决定：写上表决结果的记录编号",
                "spending from the maintenance fund needs an owners' decision: give its event id",
            ),
            ComposeError::NumberWithoutInvoice { .. } => pick(
                lang,
                "票据写了“无”就不填号码；有收据或发票请写 --invoice 收据 或 --invoice 发票",
                "goes with a fapiao or receipt, not --invoice none; write --invoice receipt or --invoice fapiao",
            ),
            ComposeError::FileWithoutInvoice => pick(
                lang,
                "票据写了“无”就不附扫描件；有收据或发票请写 --invoice 收据 或 --invoice 发票",
                "goes with a fapiao or receipt, not --invoice none; write --invoice receipt or --invoice fapiao",
            ),
            // Said of the kind of document: `--invoice 发票 要写票据号码`.
            ComposeError::InvoiceNumberMissing { .. } => {
                pick(lang, "要写票据号码", "needs the document's number")
            }
            ComposeError::InvoiceFileMissing { .. } => {
                pick(lang, "要附票据的扫描件或照片", "needs the scanned document")
            }
            ComposeError::NoHouseholds => pick(
                lang,
                "还没有登记房屋，算不出全体业主的面积：先登记房屋，或写上总面积",
                "no household is registered to sum their areas: register them or give the total",
            ),
            ComposeError::UnknownUnit { .. } => pick(
                lang,
                "没有登记这个房号，请核对",
                "is not a registered unit; check the number",
            ),
            ComposeError::NotInArrears { .. } => pick(
                lang,
                "这户现在不欠费，不能发催缴通知",
                "owes nothing now, so no payment demand may be issued",
            ),
            ComposeError::NoFeeSchedule { .. } => pick(
                lang,
                "这个月没有生效的收费标准：先用 gongzhang record fee-schedule 公布收费标准",
                "no fee schedule is in force for this month: adopt one first with gongzhang record fee-schedule",
            ),
            ComposeError::NothingDue { .. } => pick(
                lang,
                "这个月的费用已经全部记过了，没有要记的",
                "every household is already charged for this month: nothing is due",
            ),
            ComposeError::EmptyLedger => pick(
                lang,
                "账本还是空的，没有可审计的记录",
                "the ledger is empty: there is nothing to audit",
            ),
            ComposeError::DuplicateFeeItem { item, .. } => pick(
                lang,
                format_args!("收费项目 {item} 写了两次，每个项目只写一次"),
                format_args!("lists item {item} a second time; list each item once"),
            ),
            ComposeError::DuplicateBudgetLine { fund, category, .. } => pick(
                lang,
                format_args!("{fund} 的 {category} 写了两次，每项只写一行"),
                format_args!("lists {category} of fund {fund} a second time; give each one line"),
            ),
            ComposeError::ProjectOfStandingFund { fund, .. } => pick(
                lang,
                format_args!("只有从专项资金（project:项目名）支出才写项目，{fund} 不是专项资金"),
                format_args!(
                    "only spending from a restricted fund (project:<name>) names a project; {fund} is not one"
                ),
            ),
            ComposeError::ProjectDiffers { fund, .. } => {
                let own = fund.project().unwrap_or_default();
                pick(
                    lang,
                    format_args!("与资金 {fund} 的项目 {own} 不一致，应写 {own} 或不写"),
                    format_args!(
                        "differs from project {own} of fund {fund}; write {own} or leave it out"
                    ),
                )
            }
            ComposeError::VoteTotals(violation) => violation.explain(lang),
            ComposeError::OutcomeDiffers { computed, .. } => pick(
                lang,
                format_args!(
                    "按这些票数和《民法典》第二百七十八条，结果应为“{}”；请核对计票结果",
                    outcome(*computed, Lang::Zh)
                ),
                format_args!(
                    "by Civil Code art. 278 these totals give {}; check the tally",
                    outcome(*computed, Lang::En)
                ),
            ),
            ComposeError::RegisteredAreaTooLarge { total } => pick(
                lang,
                format_args!(
                    "已登记房屋的面积之和（{total} 个 0.01 平方米）超出了范围：请写上总面积"
                ),
                format_args!("the registered area {total} is out of range"),
            ),
            ComposeError::Close {
                violation,
                last_closed,
            } => close(violation, *last_closed, lang),
        }
    }
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain(Lang::En))
    }
}

impl std::error::Error for ComposeError {}
