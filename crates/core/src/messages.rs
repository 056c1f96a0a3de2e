//! Messages for people: every error a treasurer, committee member, resident or auditor can meet,
//! in plain Chinese first and in English.
//!
//! [`Explain::explain`] with [`Lang::En`] is the error's `Display` text, unchanged. With
//! [`Lang::Zh`] it is a message in plain Chinese, without accounting or cryptography jargon, that
//! says what is wrong and what to do next: it names the entry (第 N 条, N being the entry's
//! sequence number as the log and the English messages show it), the unit (3-2-401), amounts in
//! 元 with two decimals, months as 2026年1月, keys by their first eight hexadecimal digits
//! (密钥 3ae63f54…) and funds, roles and owners' matters by their Chinese names.
//!
//! Every variant has its own Chinese message: the `match`es below have no wildcard arm, so a
//! new variant does not compile until it has one.

use crate::canonical::{CanonicalError, NESTING_DEPTH_MAX};
use crate::entry::{ENTRY_BYTES_MAX, EntryError, FORMAT_VERSION, RecordedAt};
use crate::hash::Hash;
use crate::keys::{AuthorKeyError, PublicKey};
use crate::ledger::ReplayError;
use crate::ledger::events::{BodyError, Outcome};
use crate::ledger::types::{Fen, FundId, Matter, Period, Role, Slug};
use crate::ledger::{RuleError, Violation};
use crate::log::LogError;

/// The language of a message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 简体中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

/// The snake_case code of an error: its variant's name, from its `Debug` form. The verifier's
/// report and the server's problem documents both name errors by it, so the codes are stable.
pub fn code_of(error: &impl std::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    let name: String = debug
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let mut code = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                code.push('_');
            }
            code.extend(c.to_lowercase());
        } else {
            code.push(c);
        }
    }
    code
}

/// An error explained to a person.
pub trait Explain {
    /// The message in `lang`: for [`Lang::En`] the error's `Display` text, for [`Lang::Zh`] plain
    /// Chinese that says what is wrong and what to do.
    fn explain(&self, lang: Lang) -> String;
}

impl Explain for ReplayError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                ReplayError::Log(e) => e.explain(lang),
                ReplayError::Rule(e) => e.explain(lang),
            },
        }
    }
}

impl Explain for RuleError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => format!(
                "第 {} 条记录（{}，编号 {}）：{}",
                self.seq,
                kind_label(&self.kind),
                self.event_id,
                self.violation.explain(lang)
            ),
        }
    }
}

impl Explain for Violation {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => violation_zh(self),
        }
    }
}

impl Explain for BodyError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                BodyError::UnknownType(kind) => format!(
                    "程序不认识“{kind}”这种记录。请检查记录类型是否写错；如果是新功能，请先把程序更新到最新版本。"
                ),
                BodyError::Invalid { kind, reason } => format!(
                    "这条{}记录的内容填写不对：{}。请对照填写要求改正后重新提交。",
                    kind_label(kind),
                    body_reason(reason)
                ),
            },
        }
    }
}

impl Explain for LogError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => log_zh(self),
        }
    }
}

impl Explain for EntryError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => entry_zh(self),
        }
    }
}

impl Explain for CanonicalError {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => format!("{}。{DAMAGED_FILE}", canonical_problem(self)),
        }
    }
}

/// What to do about a line that is not a well-formed entry.
const DAMAGED_FILE: &str = "账本文件可能损坏了，或被人手工改过。请不要手工修改账本文件；请重新下载原始文件再核对，问题仍在时请联系系统维护人员。";
/// What to do when the log was altered.
const REPORT_ALTERED: &str =
    "请重新下载原始账本文件再核对；如果问题还在，请立即向业委会和街道办报告。";

fn violation_zh(v: &Violation) -> String {
    use Violation as V;
    match v {
        V::Body(e) => e.explain(Lang::Zh),
        V::GenesisNotSignedByMember { key: k } => format!(
            "开账记录必须由名单上的每一位{}签名，{} 还没有签名。请这位委员签名后再提交。",
            role(Role::CommitteeMember),
            key(k)
        ),
        V::GenesisSignedByOutsider { key: k } => format!(
            "开账记录上有{} 的签名，但这把密钥不在{}名单上。只能由名单上的委员签名，请去掉这个签名。",
            key(k),
            role(Role::CommitteeMember)
        ),
        V::InvalidGenesis { reason } => format!(
            "开账记录的内容不对：{}。请改正后由全体委员重新签名。",
            genesis_reason(reason).unwrap_or("有一项内容不符合要求")
        ),
        V::InvalidKey { key: k, reason } => format!(
            "{} 不能担任任何角色：它{}。请让本人重新生成一把密钥，再请业委会为新密钥授权。",
            key(k),
            key_reason(*reason)
        ),
        V::NonCanonicalKey { key: k } => format!(
            "{} 不能担任任何角色：这串公钥不是规范写法，同一把密钥只接受一种写法。请按本人生成密钥时显示的那一串公钥重新授权。",
            key(k)
        ),
        V::SelfApproval { key: k } => format!(
            "{} 是提出这笔支出的人，不能自己批准自己的申请。请由其他{}批准。",
            key(k),
            role(Role::CommitteeMember)
        ),
        V::RevokedKey { key: k, revoked_at } => format!(
            "{} 已在第 {revoked_at} 条被注销，之后不能再签任何记录。请改用业委会重新授权的新密钥。",
            key(k)
        ),
        V::NotTreasurer { key: k } => format!(
            "这类记录只能由现任{t}签名，{} 不是现任{t}。请用{t}的密钥签名。",
            key(k),
            t = role(Role::Treasurer)
        ),
        V::NoTreasurer => format!(
            "现在没有{t}：原来的{t}密钥已被注销，还没有指定新{t}。请业委会先为新{t}的密钥授权。",
            t = role(Role::Treasurer)
        ),
        V::OneSignerExpected { found } => {
            format!("这类记录只能由一个人签名，这里有 {found} 个签名。请只保留经手人一个人的签名。")
        }
        V::NotCommitteeMember { key: k } => format!(
            "{} 现在不是{m}，不能在需要{m}签名的记录上签名。",
            key(k),
            m = role(Role::CommitteeMember)
        ),
        V::QuorumNotMet { needed, found } => format!(
            "这件事需要 {needed} 位{}共同签名，目前只有 {found} 位，还差 {} 位。请其他委员签名后再提交。",
            role(Role::CommitteeMember),
            needed.saturating_sub(*found)
        ),
        V::NotAuditor { key: k } => format!(
            "这类记录只能由{a}签名，{} 不是现任{a}。",
            key(k),
            a = role(Role::Auditor)
        ),
        V::DuplicateEvent { id, first_seq } => format!(
            "编号 {id} 的记录已经在第 {first_seq} 条记过了，内容完全相同，不会重复记账，不需要再提交。"
        ),
        V::ConflictingEventId { id, first_seq } => format!(
            "编号 {id} 已在第 {first_seq} 条用于另一条不同的记录。每条记录的编号不能重复，请换一个新编号。"
        ),
        V::UnitAlreadyRegistered { unit } => format!(
            "房号 {unit} 已经登记过了。如果面积登记错了，请做一次“更正房屋信息”，不要重复登记。"
        ),
        V::UnknownUnit { unit } => {
            format!("房号 {unit} 还没有登记。请检查房号是否写错；如果是新登记的房屋，请先登记。")
        }
        V::AreaNotPositive { unit } => {
            format!("房号 {unit} 的面积必须大于零。请按房产证上的面积填写。")
        }
        V::AmountNotPositive { field } => {
            format!("{}必须大于零。请填写正确的金额。", field_path(field))
        }
        V::AmountOutOfRange => {
            "金额加起来太大，超出了账本能记录的范围。请检查金额是否多写了几位数。".to_string()
        }
        V::NoFeeSchedule { period } => format!(
            "{}还没有生效的收费标准，不能收取这个月的费用。请先由业委会公布经业主大会通过的收费标准。",
            month(*period)
        ),
        V::InvalidFeeSchedule => {
            "收费标准至少要有一个收费项目，每个项目只能列一次，单价不能是负数。请改正后重新提交。"
                .to_string()
        }
        V::UnknownFeeItem { period, item: i } => format!(
            "{}生效的收费标准里没有{}这个收费项目。请检查项目名称是否写错。",
            month(*period),
            item(i)
        ),
        V::ChargeMismatch {
            unit,
            item: i,
            period,
            stated,
            computed,
        } => format!(
            "{}，房号 {unit} 的{}按公示的收费标准应为 {computed} 元，这里写的是 {stated} 元。收费必须与公示的标准一致（明码标价），请改为 {computed} 元。",
            month(*period),
            item(i)
        ),
        V::DuplicateCharge {
            unit,
            item: i,
            period,
        } => format!(
            "{}，房号 {unit} 的{}已经记过应缴费用了，同一项费用每月只能记一次。",
            month(*period),
            item(i)
        ),
        V::PeriodBeforeLedger { period, first } => format!(
            "{}早于本账本开始记账的月份（{}），不能记在这个账本里。请检查月份是否写错。",
            month(*period),
            month(*first)
        ),
        V::UnknownFund { fund: f } => format!(
            "没有“{}”这项资金。专项资金要在收到第一笔拨款时才会设立。请检查资金名称是否写错。",
            fund(f)
        ),
        V::FundOverdrawn {
            fund: f,
            balance,
            needed,
        } => format!(
            "{}只剩 {balance} 元，不够支付 {needed} 元。任何一项资金都不能透支，请先核实资金来源或减少金额。",
            fund(f)
        ),
        V::NotAProjectFund { fund: f } => format!(
            "{}不是专项资金。政府拨款要存入为这个项目单独设立的专项资金。",
            fund(f)
        ),
        V::ProjectMismatch {
            fund: f,
            expected,
            found,
        } => match (expected, found) {
            (Some(p), None) => format!("从{}支出，必须写明项目“{p}”。", fund(f)),
            (Some(p), Some(q)) => format!(
                "从{}支出，项目必须是“{p}”，这里写的是“{q}”。专项资金只能用于它自己的项目。",
                fund(f)
            ),
            (None, Some(q)) => format!(
                "{}不是专项资金，支出时不要填写项目（这里写了“{q}”）。",
                fund(f)
            ),
            (None, None) => format!("从{}支出时，项目与资金对不上。", fund(f)),
        },
        V::SameFund => "资金调拨的转出资金和转入资金不能是同一项。".to_string(),
        V::UnknownProposal { id } => {
            format!("找不到编号为 {id} 的支出申请。请检查编号是否写错。")
        }
        V::ProposalWithdrawn { id } => {
            format!("支出申请 {id} 已经撤回，不能再批准或付款。如果仍需付款，请重新提出支出申请。")
        }
        V::ProposalAlreadyPaid { id, paid_at } => format!(
            "支出申请 {id} 已在第 {paid_at} 条付过款了，不能重复付款，也不能再撤回。如果那笔付款有错，请先撤销那笔付款。"
        ),
        V::AlreadyApproved { id, key: k } => format!(
            "{} 已经批准过支出申请 {id}，同一位委员不能重复批准。如果还需要批准，请其他委员批准。",
            key(k)
        ),
        V::ApprovalsMissing {
            id: _,
            amount,
            needed,
            found,
        } => format!(
            "这笔支出 {amount} 元超过了需要审批的金额，还需要 {needed} 位{}批准，目前只有 {found} 位。请先请委员批准，再付款。",
            role(Role::CommitteeMember)
        ),
        V::InvoiceIncomplete => {
            "发票或收据要填写票据号码，并附上扫描件。请补齐后再付款。".to_string()
        }
        V::UnknownDecision { id } => {
            format!("找不到编号为 {id} 的业主大会决定。请检查编号是否写错。")
        }
        V::DecisionNotPassed { id } => {
            format!("业主大会决定 {id} 没有通过表决，不能作为依据。请引用已经通过的决定。")
        }
        V::DecisionWrongMatter { id, found, needed } => format!(
            "业主大会决定 {id} 表决的是“{}”，这里需要的是关于“{}”的决定。请引用正确的决定。",
            matter(*found),
            matter(*needed)
        ),
        V::DecisionTotalsInconsistent { reason } => format!(
            "表决统计的数字对不上：{}。请对照计票结果重新核对。",
            totals_reason(reason).unwrap_or("有一项数字不合理")
        ),
        V::DecisionOutcomeMismatch { stated, computed } => format!(
            "表决结果记为“{}”，但按计票数字和《民法典》第二百七十八条的规定，结果应为“{}”。请核对计票结果。",
            outcome(*stated),
            outcome(*computed)
        ),
        V::QuorumExceedsCommittee { needed: 0, .. } => {
            "需要批准的委员人数不能是 0。请至少设为 1 位。".to_string()
        }
        V::QuorumExceedsCommittee { needed, members } => format!(
            "需要 {needed} 位委员批准，但业委会只有 {members} 位委员，这样以后任何事都批不下来。请先增补委员，或减少需要批准的人数。"
        ),
        V::InvalidGrant { key: k, reason } => format!(
            "不能给{} 授予这个角色：{}。",
            key(k),
            grant_reason(reason).unwrap_or("不符合授权规则")
        ),
        V::AlreadyRevoked { key: k, revoked_at } => {
            format!("{} 已在第 {revoked_at} 条注销过了，不需要再注销。", key(k))
        }
        V::UnknownReversalTarget { id } => {
            format!("找不到编号为 {id} 的记录，无法撤销。请检查编号是否写错。")
        }
        V::AlreadyReversed { id, by_seq } => {
            format!("编号 {id} 的记录已在第 {by_seq} 条撤销过了，不能重复撤销。")
        }
        V::NotReversible { kind, hint: _ } => format!(
            "“{}”这类记录不能撤销。{}",
            kind_label(kind),
            not_reversible_hint(kind)
        ),
        V::NotInArrears { unit } => format!("房号 {unit} 没有欠费，不能发催缴通知。"),
        V::DemandAmountMismatch {
            unit,
            stated,
            computed,
        } => format!(
            "房号 {unit} 目前欠费 {computed} 元，催缴通知上写的是 {stated} 元。请按实际欠费 {computed} 元填写。"
        ),
        V::PeriodNotContiguous { expected, found } => format!(
            "结账要按月份一段接一段地进行：这次应从{e}开始，这里写的是从{}开始。请从{e}开始结账。",
            month(*found),
            e = month(*expected)
        ),
        V::InvalidPeriodRange { from, to } if from > to => format!(
            "结账的结束月份（{}）早于开始月份（{}）。请检查月份是否写错。",
            month(*to),
            month(*from)
        ),
        V::InvalidPeriodRange { from, to } => format!(
            "一次结账只能是一个月，或者一个完整的季度（1月到3月、4月到6月、7月到9月、10月到12月），从{}到{}都不是。请改正结账的月份。",
            month(*from),
            month(*to)
        ),
        V::PeriodNotEnded { to } => format!(
            "{m}还没有过完（按北京时间），要等{m}结束后才能结账。",
            m = month(*to)
        ),
        V::StatementMismatch {
            field,
            stated,
            computed,
        } => format!(
            "结账报表里的“{}”写的是{}，但按账本记录算出来应为{}。请用程序算出的报表重新结账。",
            statement_field(field),
            statement_value(field, stated),
            statement_value(field, computed)
        ),
        V::NothingCharged => "这条收费记录里一笔费用也没有。请至少列出一户的一项费用，或者不要记录这一条。".to_string(),
        V::DuplicateBudgetLine { fund: f, category } => format!(
            "预算里{}的“{}”出现了两次。每项资金的每个类别只能列一行，请合并后重新记录。",
            fund(f),
            category
        ),
        V::MaintenanceDecisionMissing => "动用维修资金必须有业主共同决定（使用维修资金）并已通过。请在这笔支出里写明那次表决的编号。".to_string(),
        V::TotalAreaMismatch { stated, registered } => format!(
            "表决记录里的总面积是 {} 平方米，但账本里登记的各户专有面积合计是 {} 平方米，两者必须一致。请按登记面积核对表决结果后重新记录。",
            area(*stated),
            area(*registered)
        ),
        V::LedgerFull { what, limit } => format!(
            "账本已经达到这个格式能容纳的上限（{}最多 {limit}）。请联系维护人员。",
            match *what {
                "entries" => "记录条数",
                _ => "同一房号的收费项目",
            }
        ),
        V::AuditBeyondEntry { through_seq } => format!(
            "审计确认只能包括这条之前已经记入账本的记录，这里写的截止序号是第 {through_seq} 条，超出了范围。请改为这条之前的序号。"
        ),
    }
}

/// An area in hundredths of a square metre, as square metres with two decimals.
fn area(centi_m2: i64) -> String {
    let sign = if centi_m2 < 0 { "-" } else { "" };
    let abs = centi_m2.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn log_zh(e: &LogError) -> String {
    use LogError as L;
    match e {
        L::Malformed { seq, line, error } => format!(
            "账本文件第 {line} 行（第 {seq} 条记录）有问题：{}",
            error.explain(Lang::Zh)
        ),
        L::SeqMismatch { expected, found } => format!(
            "第 {expected} 个位置上的记录，序号却是 {found}：有记录被删掉、重复或调换了顺序。{REPORT_ALTERED}"
        ),
        L::PrevHashMismatch {
            seq,
            expected,
            found,
        } => format!(
            "第 {seq} 条记录与前一条接不上（它记下的前一条哈希值是 {}，实际是 {}）：这一条之前的内容被改动或删除过。{REPORT_ALTERED}",
            hash(found),
            hash(expected)
        ),
        L::TimeWentBackwards {
            seq,
            previous,
            found,
        } => format!(
            "第 {seq} 条记录的时间（{}）早于前一条（{}）：记录时间不能倒退，可能有记录被插入或改动过。{REPORT_ALTERED}",
            beijing(*found),
            beijing(*previous)
        ),
        L::FirstEntryNotGenesis { found_type } => format!(
            "账本的第一条记录必须是开账记录，这里却是“{}”记录。{DAMAGED_FILE}",
            kind_label(found_type)
        ),
        L::GenesisOriginInvalid => format!(
            "开账记录里的账本标识缺失或写法不对（只能用英文字母、数字和符号，不能有空格和加号，最长 255 个字符）。{DAMAGED_FILE}"
        ),
        L::SecondGenesis { seq } => {
            format!("第 {seq} 条又开了一次账：只有第一条记录可以是开账记录。{DAMAGED_FILE}")
        }
        L::OriginMismatch { expected, found } => {
            format!("这个账本是“{found}”，不是要核对的“{expected}”。请确认下载的是本小区的账本。")
        }
        L::GenesisHashMismatch { expected, found } => format!(
            "这个账本开账记录的哈希值是 {}，与公告栏上公布的 {} 不同：这不是同一个账本。请确认下载的是本小区的账本，并核对公告栏上的数字。",
            hash(found),
            hash(expected)
        ),
        L::BadSignature { seq, key: k } => format!(
            "第 {seq} 条记录上{} 的签名对不上：记录内容在签名之后被改动过，或者签名是伪造的。{REPORT_ALTERED}",
            key(k)
        ),
        L::InvalidKey {
            seq,
            key: k,
            reason,
        } => format!(
            "第 {seq} 条记录用{} 签名，但它{}，这样的签名不能证明任何事。{REPORT_ALTERED}",
            key(k),
            key_reason(*reason)
        ),
        L::NonCanonicalKey { seq, key: k } => format!(
            "第 {seq} 条记录用{} 签名，但这串公钥不是规范写法，账本只接受每把密钥的一种写法。{REPORT_ALTERED}",
            key(k)
        ),
        L::Empty => "账本文件是空的，里面没有任何记录。请确认文件是否下载完整。".to_string(),
        L::UnterminatedLastLine { seq } => format!(
            "账本文件的最后一行（第 {seq} 条记录）没有正常结尾：文件不完整，可能没有下载完或保存时被中断了。请重新下载完整的账本文件再核对。"
        ),
        L::SizeMismatch {
            checkpoint_size,
            log_size,
        } => format!(
            "检查点担保的是 {checkpoint_size} 条记录，但账本文件里有 {log_size} 条：账本文件被截短了，或者多出了检查点没有担保的记录。请重新下载最新的账本文件和检查点再核对。"
        ),
        L::RootMismatch {
            size,
            expected,
            computed,
        } => format!(
            "按账本文件前 {size} 条记录算出的根哈希值是 {}，与检查点上的 {} 不同：有记录被改动过。{REPORT_ALTERED}",
            hash(computed),
            hash(expected)
        ),
    }
}

fn entry_zh(e: &EntryError) -> String {
    use EntryError as E;
    match e {
        E::TooLarge { found_bytes } => format!(
            "这一行有 {found_bytes} 个字节，超过了每条记录 {ENTRY_BYTES_MAX} 个字节的上限。{DAMAGED_FILE}"
        ),
        E::Canonical(c) => c.explain(Lang::Zh),
        E::NotAnObject => format!("这一行不是一条完整的记录。{DAMAGED_FILE}"),
        E::MissingField { field } => format!("缺少“{}”。{DAMAGED_FILE}", entry_field(field)),
        E::UnknownField { field } => {
            format!("多了程序不认识的一项“{field}”。{DAMAGED_FILE}")
        }
        E::InvalidField { field, expected: x } => match entry_expected(x) {
            Some(x) => format!("“{}”的写法不对：{x}。{DAMAGED_FILE}", entry_field(field)),
            None => format!("“{}”的写法不对。{DAMAGED_FILE}", entry_field(field)),
        },
        E::UnsupportedVersion { found } => format!(
            "记录的格式版本是第 {found} 版，这个程序只认识第 {FORMAT_VERSION} 版。请把程序更新到最新版本后再核对。"
        ),
        E::InvalidSignatureField { index, reason } => match signature_reason(reason) {
            Some(r) => format!("第 {} 个签名的写法不对：{r}。{DAMAGED_FILE}", index + 1),
            None => format!("第 {} 个签名的写法不对。{DAMAGED_FILE}", index + 1),
        },
        E::SignaturesNotSorted { index } => format!(
            "签名必须按密钥顺序排列，同一把密钥不能签两次，第 {} 个签名的顺序不对或重复了。{DAMAGED_FILE}",
            index + 1
        ),
    }
}

fn canonical_problem(e: &CanonicalError) -> String {
    use CanonicalError as C;
    match e {
        C::NotUtf8 { offset } => format!("第 {offset} 个字节处的文字编码不对"),
        C::Syntax { column, message: _ } => {
            format!("第 {column} 个字符附近的格式有误，不是有效的数据")
        }
        C::DuplicateKey { key } => format!("同一项“{key}”写了两次"),
        C::Float { text } => {
            format!("数字 {text} 带有小数。金额要以“分”为单位写成整数，例如 42.62 元写成 4262")
        }
        C::IntegerOutOfRange { text } => format!("数字 {text} 太大，超出了能准确记录的范围"),
        C::TooDeep => format!("内容一层套一层，超过了 {NESTING_DEPTH_MAX} 层"),
        C::NotCanonical { offset } => {
            format!("写法不是规定的标准格式（从第 {offset} 个字节起不一致）")
        }
    }
}

// Names.

/// `密钥 3ae63f54…`: a key by its first eight hexadecimal digits.
fn key(k: &PublicKey) -> String {
    let hex = k.to_hex();
    format!("密钥 {}…", &hex[..8])
}

/// A hash by its first eight hexadecimal digits.
fn hash(h: &Hash) -> String {
    let hex = h.to_hex();
    format!("{}…", &hex[..8])
}

/// `2026年1月`.
fn month(p: Period) -> String {
    format!("{}年{}月", p.year(), p.month())
}

/// A log time in Beijing time: `2026年1月5日 16:00:00` (milliseconds only when not zero).
fn beijing(t: RecordedAt) -> String {
    let offset = time::UtcOffset::from_whole_seconds(8 * 3600).unwrap_or(time::UtcOffset::UTC);
    let b = t.as_offset_date_time().to_offset(offset);
    let ms = b.millisecond();
    let fraction = if ms == 0 {
        String::new()
    } else {
        format!(".{ms:03}")
    };
    format!(
        "北京时间 {}年{}月{}日 {:02}:{:02}:{:02}{fraction}",
        b.year(),
        u8::from(b.month()),
        b.day(),
        b.hour(),
        b.minute(),
        b.second()
    )
}

/// 物业费资金, 公共收益, 维修资金, 专项资金（x）.
fn fund(f: &FundId) -> String {
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
fn item(s: &Slug) -> String {
    format!("“{s}”")
}

fn role(r: Role) -> &'static str {
    match r {
        Role::Treasurer => "出纳",
        Role::CommitteeMember => "业委会委员",
        Role::Auditor => "街道办审计",
    }
}

fn matter(m: Matter) -> &'static str {
    match m {
        Matter::RaiseMaintenanceFund => "筹集维修资金",
        Matter::Rebuild => "改建重建",
        Matter::ChangeCommonUse => "改变共有部分用途",
        Matter::UseMaintenanceFund => "使用维修资金",
        Matter::FeeSchedule => "制定收费标准",
        Matter::ElectCommittee => "选举业委会",
        Matter::FundTransfer => "资金调拨",
        Matter::Budget => "预算",
        Matter::Other => "其他",
    }
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "通过",
        Outcome::Rejected => "未通过",
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
fn kind_name(kind: &str) -> Option<&'static str> {
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
fn kind_label(kind: &str) -> String {
    kind_name(kind).map_or_else(|| format!("“{kind}”类"), str::to_string)
}

fn not_reversible_hint(kind: &str) -> &'static str {
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

// Reasons given as English text by the rules, in Chinese.

fn key_reason(reason: AuthorKeyError) -> &'static str {
    match reason {
        AuthorKeyError::NotOnCurve => "不是一把有效的密钥",
        AuthorKeyError::Weak => "是一把不安全的弱密钥，程序拒绝接受",
        AuthorKeyError::NonCanonical => "不是规范写法（同一把密钥只接受一种写法）",
    }
}

fn genesis_reason(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "the committee must list at least one key, each once" => {
            "业委会委员名单至少要有一把密钥，而且每把只能写一次"
        }
        "approvals_required (K) must be at least 1" => "审批所需的委员人数（K）至少是 1",
        "the approval threshold cannot be negative" => "需要审批的金额不能是负数",
        "log_key must be a signed-note verifier key string" => "账本验证密钥串的写法不对",
        "the log key must be named by the ledger's origin" => {
            "账本验证密钥串的名称必须与账本标识一致"
        }
        "opening balances name each standing fund at most once" => {
            "开账余额里物业费资金、公共收益、维修资金每项只能写一次，不能写专项资金"
        }
        "opening balances cannot be negative" => "开账余额不能是负数",
        _ => return None,
    })
}

fn totals_reason(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "the total area and number of owners must be above zero" => {
            "业主的总面积和总人数都必须大于零"
        }
        "areas cannot be negative" => "面积不能是负数",
        "more participants than owners" => "参加表决的面积或人数超过了业主总数",
        "more yes votes than participants" => "同意的面积或人数超过了参加表决的",
        _ => return None,
    })
}

fn grant_reason(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "the key is revoked" => "这把密钥已被注销，请让本人换一把新密钥再授权",
        "it is already the treasurer" => "它已经是出纳了",
        "it is already a committee member" => "它已经是业委会委员了",
        "it is already the auditor" => "它已经是街道办审计了",
        _ => return None,
    })
}

fn entry_field(field: &str) -> &str {
    match field {
        "event" => "事件内容",
        "event.id" => "记录编号",
        "event.type" => "记录类型",
        "event.body" => "记录正文",
        "prev_hash" => "上一条记录的哈希值",
        "recorded_at" => "记录时间",
        "seq" => "序号",
        "signatures" => "签名",
        "version" => "格式版本",
        other => other,
    }
}

fn entry_expected(expected: &str) -> Option<&'static str> {
    Some(match expected {
        "a non-negative integer" => "应为不小于零的整数",
        "a string" => "应为一串文字",
        "64 lowercase hexadecimal digits" => "应为 64 位十六进制数字",
        "a UTC time written YYYY-MM-DDTHH:MM:SS.mmmZ, years 2000 to 9999" => {
            "应为规定格式的时间（2000 年到 9999 年）"
        }
        "an event object" | "an object" => "内容的结构不对",
        "1 to 64 characters of A-Z a-z 0-9 . _ : -" => {
            "只能用 1 到 64 个英文字母、数字或 . _ : - 符号"
        }
        "a lowercase name: [a-z][a-z0-9_]*, at most 64 characters" => {
            "只能用小写英文字母、数字和下划线，以字母开头，最长 64 个字符"
        }
        "an array" => "应为一组签名",
        "an array of 1 to 32 signatures" => "应有 1 到 32 个签名",
        _ => return None,
    })
}

fn signature_reason(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "not an object" => "不是一个完整的签名",
        "a signature has exactly the fields `key` and `sig`" => "每个签名只能包含密钥和签名值两项",
        "`key` must be a string" | "`key` must be 64 lowercase hexadecimal digits" => {
            "密钥应为 64 位十六进制数字"
        }
        "`sig` must be a string" | "`sig` must be 128 lowercase hexadecimal digits" => {
            "签名值应为 128 位十六进制数字"
        }
        _ => return None,
    })
}

/// The Chinese name of a field of an event body, or the field itself.
fn body_field(field: &str) -> &str {
    match field {
        "origin" => "账本标识",
        "community" => "小区名称",
        "log_key" => "账本验证密钥串",
        "committee" => "业委会委员名单",
        "treasurer" => "出纳",
        "auditor" => "街道办审计",
        "governance" => "审批规则",
        "approval_threshold_fen" => "需要审批的金额",
        "approvals_required" => "需要批准的委员人数",
        "first_period" => "开始记账的月份",
        "opening_balances" => "开账余额",
        "fund" => "资金",
        "amount_fen" => "金额",
        "role" => "角色",
        "key" => "密钥",
        "reason" => "原因",
        "unit" => "房号",
        "area_centi_m2" => "面积",
        "items" => "收费项目清单",
        "item" => "收费项目",
        "name" => "名称",
        "basis" => "计费方式",
        "rate_fen" => "单价",
        "from_period" => "开始执行的月份",
        "decision" => "业主大会决定编号",
        "period" => "月份",
        "charges" => "费用明细",
        "channel" => "付款方式",
        "periods" => "所缴月份",
        "category" => "类别",
        "payer" => "付款人",
        "grantor" => "拨款单位",
        "purpose" => "用途",
        "payee" => "收款人",
        "description" => "说明",
        "project" => "项目",
        "proposal" => "支出申请编号",
        "invoice" => "发票或收据",
        "kind" => "票据种类",
        "number" => "票据号码",
        "sha256" => "扫描件哈希值",
        "from_fund" => "转出资金",
        "to_fund" => "转入资金",
        "matter" => "表决事项",
        "title" => "议题",
        "totals" => "计票数字",
        "total_area_centi_m2" => "业主总面积",
        "total_owners" => "业主总人数",
        "participating_area_centi_m2" => "参加表决的面积",
        "participating_owners" => "参加表决的人数",
        "yes_area_centi_m2" => "同意的面积",
        "yes_owners" => "同意的人数",
        "outcome" => "表决结果",
        "document_sha256" => "文件哈希值",
        "reverses" => "要撤销的记录编号",
        "statement" => "结账报表",
        "through_seq" => "审计截止的记录序号",
        "findings_sha256" => "审计意见书哈希值",
        "opinion" => "审计意见",
        "year" => "年度",
        "lines" => "预算明细",
        other => other,
    }
}

/// `lines.amount_fen` → 预算明细中的金额.
fn field_path(path: &str) -> String {
    path.split('.')
        .map(body_field)
        .collect::<Vec<_>>()
        .join("中的")
}

/// What serde found wrong with a body, in Chinese where the message is one the ledger's types
/// give; otherwise a general description (the English message keeps the details).
fn body_reason(reason: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    let value = |marker: &str| {
        reason
            .find(marker)
            .map(|i| reason[..i].trim_matches('"').to_string())
    };
    if let Some(f) = reason
        .strip_prefix("missing field ")
        .and_then(|_| quoted(reason))
    {
        return format!("缺少“{}”", body_field(&f));
    }
    if let Some(f) = reason
        .strip_prefix("unknown field ")
        .and_then(|_| quoted(reason))
    {
        return format!("多了程序不认识的一项“{f}”");
    }
    if let Some(f) = reason
        .strip_prefix("duplicate field ")
        .and_then(|_| quoted(reason))
    {
        return format!("“{}”写了两次", body_field(&f));
    }
    if let Some(v) = reason
        .strip_prefix("unknown variant ")
        .and_then(|_| quoted(reason))
    {
        return format!("“{v}”不是可以选的值");
    }
    if let Some(v) = value(" is not a unit number") {
        return format!("房号“{v}”的写法不对，应写成“楼号-单元号-房号”，例如 3-2-401");
    }
    if let Some(v) = value(" is not a month written") {
        return format!("月份“{v}”的写法不对，应写成 2026-01 这样");
    }
    if let Some(v) = value(" is not a fund") {
        return format!("资金名称“{v}”不对");
    }
    if let Some(v) = value(" is not a lowercase name") {
        return format!("代号“{v}”的写法不对，只能用小写英文字母、数字、下划线或短横线");
    }
    if let Some(v) = value(" is not 1 to 200 characters") {
        return format!("文字“{v}”不符合要求，应为 1 到 200 个字，前后不能有空格");
    }
    if let Some(v) = value(" is not a key") {
        return format!("“{v}”不是有效的密钥，应为 64 位十六进制数字");
    }
    if reason.contains("is outside ±(2^53−1)") {
        return "金额太大，超出了账本能记录的范围".to_string();
    }
    if reason.contains("a hash is") {
        return "有一项哈希值的写法不对，应为 64 位十六进制数字".to_string();
    }
    if reason.starts_with("invalid type") || reason.starts_with("invalid value") {
        return "有一项内容的类型不对，例如该填数字的地方填了文字".to_string();
    }
    if reason.starts_with("invalid length") {
        return "有一项内容的个数不对".to_string();
    }
    "有一项内容不符合要求".to_string()
}

/// `statement.funds[0].closing_fen` → 资金表第 1 行的本期结余.
fn statement_field(path: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let zh = match name {
            "statement" | "arrears" | "period" => continue,
            "funds" => "资金表",
            "charged" => "应收费用表",
            "income" => "收入表",
            "spending" => "支出表",
            "from" => "开始月份",
            "to" => "结束月份",
            "fund" => "资金",
            "category" => "类别",
            "amount_fen" => "金额",
            "opening_fen" => "上期结余",
            "received_fen" => "本期收入",
            "spent_fen" => "本期支出",
            "transferred_fen" => "本期调拨",
            "closing_fen" => "本期结余",
            "units_in_arrears" => "欠费户数",
            "total_fen" => "欠费总额",
            "age_0_3_fen" => "欠费 3 个月以内的金额",
            "age_3_6_fen" => "欠费 3 到 6 个月的金额",
            "age_6_12_fen" => "欠费 6 到 12 个月的金额",
            "age_12_plus_fen" => "欠费 12 个月以上的金额",
            "length" => "行数",
            other => other,
        };
        parts.push(match index {
            Some(i) => format!("{zh}第 {} 行", i + 1),
            None => zh.to_string(),
        });
    }
    if parts.is_empty() {
        "结账报表".to_string()
    } else {
        parts.join("的")
    }
}

/// A value of a statement field as the rules give it (JSON text, or `absent`), for people, to
/// follow Chinese text: numbers with a space before them, words in quotes.
fn statement_value(field: &str, value: &str) -> String {
    let text = statement_value_text(field, value);
    if text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-') {
        format!(" {text}")
    } else {
        text
    }
}

fn statement_value_text(field: &str, value: &str) -> String {
    if value == "absent" || value == "null" {
        return "（没有）".to_string();
    }
    if field.ends_with("_fen") {
        if let Some(f) = value.parse::<i64>().ok().and_then(|v| Fen::new(v).ok()) {
            return format!("{f} 元");
        }
    }
    if let Some(text) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        if field.ends_with("fund") {
            if let Ok(f) = FundId::try_from(text) {
                return format!("“{}”", fund(&f));
            }
        }
        if let Ok(p) = Period::try_from(text.to_string()) {
            return format!("“{}”", month(p));
        }
        return format!("“{text}”");
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::parse_canonical;
    use crate::entry::Entry;
    use crate::ledger::types::Unit;
    use std::collections::BTreeSet;

    fn k(byte: u8) -> PublicKey {
        PublicKey([byte; 32])
    }
    fn fen(v: i64) -> Fen {
        Fen::new(v).unwrap()
    }
    fn p(y: u16, m: u8) -> Period {
        Period::new(y, m).unwrap()
    }
    fn unit(s: &str) -> Unit {
        Unit::try_from(s).unwrap()
    }
    fn fund_id(s: &str) -> FundId {
        FundId::try_from(s).unwrap()
    }
    fn slug(s: &str) -> Slug {
        Slug::try_from(s).unwrap()
    }
    fn rule(seq: u64, kind: &str, id: &str, violation: Violation) -> RuleError {
        RuleError {
            seq,
            event_id: id.into(),
            kind: kind.into(),
            violation,
        }
    }
    fn time(text: &str) -> RecordedAt {
        RecordedAt::parse(text).unwrap()
    }
    fn zh(e: &impl Explain) -> String {
        e.explain(Lang::Zh)
    }

    /// One of every variant of [`Violation`], some twice (variants with several messages).
    fn violations() -> Vec<Violation> {
        use Violation as V;
        vec![
            V::Body(BodyError::UnknownType("meter_read".into())),
            V::Body(BodyError::Invalid {
                kind: "payment_received".into(),
                reason: "missing field `amount_fen`".into(),
            }),
            V::Body(BodyError::Invalid {
                kind: "household_registered".into(),
                reason: "\"3-2\" is not a unit number like 3-2-401".into(),
            }),
            V::GenesisNotSignedByMember { key: k(0x3a) },
            V::GenesisSignedByOutsider { key: k(0x3a) },
            V::InvalidGenesis {
                reason: "opening balances cannot be negative",
            },
            V::InvalidKey {
                key: k(0x3a),
                reason: AuthorKeyError::Weak,
            },
            V::NonCanonicalKey { key: k(0x3a) },
            V::SelfApproval { key: k(0x3a) },
            V::RevokedKey {
                key: k(0x3a),
                revoked_at: 7,
            },
            V::NotTreasurer { key: k(0x3a) },
            V::NoTreasurer,
            V::OneSignerExpected { found: 2 },
            V::NotCommitteeMember { key: k(0x3a) },
            V::QuorumNotMet {
                needed: 2,
                found: 1,
            },
            V::NotAuditor { key: k(0x3a) },
            V::DuplicateEvent {
                id: "hexie-0012".into(),
                first_seq: 11,
            },
            V::ConflictingEventId {
                id: "hexie-0012".into(),
                first_seq: 11,
            },
            V::UnitAlreadyRegistered {
                unit: unit("3-2-401"),
            },
            V::UnknownUnit {
                unit: unit("3-2-401"),
            },
            V::AreaNotPositive {
                unit: unit("3-2-401"),
            },
            V::AmountNotPositive {
                field: "lines.amount_fen",
            },
            V::AmountOutOfRange,
            V::NoFeeSchedule { period: p(2026, 1) },
            V::InvalidFeeSchedule,
            V::UnknownFeeItem {
                period: p(2026, 1),
                item: slug("property_fee"),
            },
            V::ChargeMismatch {
                unit: unit("3-2-401"),
                item: slug("property_fee"),
                period: p(2026, 1),
                stated: fen(4261),
                computed: fen(4262),
            },
            V::DuplicateCharge {
                unit: unit("3-2-401"),
                item: slug("property_fee"),
                period: p(2026, 1),
            },
            V::PeriodBeforeLedger {
                period: p(2025, 12),
                first: p(2026, 1),
            },
            V::UnknownFund {
                fund: fund_id("project:meter"),
            },
            V::FundOverdrawn {
                fund: fund_id("operating"),
                balance: fen(100_000),
                needed: fen(600_000),
            },
            V::NotAProjectFund {
                fund: fund_id("maintenance"),
            },
            V::ProjectMismatch {
                fund: fund_id("project:meter"),
                expected: Some("meter".into()),
                found: None,
            },
            V::ProjectMismatch {
                fund: fund_id("public_revenue"),
                expected: None,
                found: Some("meter".into()),
            },
            V::SameFund,
            V::UnknownProposal {
                id: "hexie-0012".into(),
            },
            V::ProposalWithdrawn {
                id: "hexie-0012".into(),
            },
            V::ProposalAlreadyPaid {
                id: "hexie-0012".into(),
                paid_at: 13,
            },
            V::AlreadyApproved {
                id: "hexie-0012".into(),
                key: k(0x3a),
            },
            V::ApprovalsMissing {
                id: "hexie-0012".into(),
                amount: fen(500_001),
                needed: 2,
                found: 1,
            },
            V::InvoiceIncomplete,
            V::UnknownDecision {
                id: "hexie-0004".into(),
            },
            V::DecisionNotPassed {
                id: "hexie-0004".into(),
            },
            V::DecisionWrongMatter {
                id: "hexie-0004".into(),
                found: Matter::FeeSchedule,
                needed: Matter::UseMaintenanceFund,
            },
            V::DecisionTotalsInconsistent {
                reason: "more yes votes than participants",
            },
            V::DecisionOutcomeMismatch {
                stated: Outcome::Passed,
                computed: Outcome::Rejected,
            },
            V::QuorumExceedsCommittee {
                needed: 4,
                members: 3,
            },
            V::QuorumExceedsCommittee {
                needed: 0,
                members: 3,
            },
            V::InvalidGrant {
                key: k(0x3a),
                reason: "it is already the treasurer",
            },
            V::AlreadyRevoked {
                key: k(0x3a),
                revoked_at: 7,
            },
            V::UnknownReversalTarget {
                id: "hexie-0012".into(),
            },
            V::AlreadyReversed {
                id: "hexie-0012".into(),
                by_seq: 14,
            },
            V::NotReversible {
                kind: "period_closed",
                hint: ": closes are final; correct the entries and let the next close show it",
            },
            V::NotInArrears {
                unit: unit("3-2-401"),
            },
            V::DemandAmountMismatch {
                unit: unit("3-2-401"),
                stated: fen(8000),
                computed: fen(8524),
            },
            V::PeriodNotContiguous {
                expected: p(2026, 2),
                found: p(2026, 3),
            },
            V::InvalidPeriodRange {
                from: p(2026, 1),
                to: p(2026, 6),
            },
            V::InvalidPeriodRange {
                from: p(2026, 3),
                to: p(2026, 1),
            },
            V::PeriodNotEnded { to: p(2026, 1) },
            V::StatementMismatch {
                field: "statement.funds[0].closing_fen".into(),
                stated: "1000000".into(),
                computed: "999900".into(),
            },
            V::AuditBeyondEntry { through_seq: 20 },
            V::LedgerFull {
                what: "entries",
                limit: 1 << 32,
            },
            V::MaintenanceDecisionMissing,
            V::NothingCharged,
            V::DuplicateBudgetLine {
                fund: "operating".try_into().unwrap(),
                category: "cleaning".try_into().unwrap(),
            },
            V::TotalAreaMismatch {
                stated: 1_000_000,
                registered: 987_654,
            },
        ]
    }

    fn log_errors() -> Vec<LogError> {
        let h1 = Hash([0x5f; 32]);
        let h2 = Hash([0x9a; 32]);
        vec![
            LogError::Malformed {
                seq: 3,
                line: 4,
                error: EntryError::MissingField { field: "event.id" },
            },
            LogError::Malformed {
                seq: 3,
                line: 4,
                error: EntryError::Canonical(CanonicalError::Float {
                    text: "42.62".into(),
                }),
            },
            LogError::SeqMismatch {
                expected: 5,
                found: 6,
            },
            LogError::PrevHashMismatch {
                seq: 5,
                expected: h1,
                found: h2,
            },
            LogError::TimeWentBackwards {
                seq: 5,
                previous: time("2026-01-05T08:00:00.000Z"),
                found: time("2026-01-05T07:59:00.000Z"),
            },
            LogError::FirstEntryNotGenesis {
                found_type: "payment_received".into(),
            },
            LogError::GenesisOriginInvalid,
            LogError::SecondGenesis { seq: 5 },
            LogError::OriginMismatch {
                expected: "gongzhang.example/hexie-jiayuan".into(),
                found: "gongzhang.example/other".into(),
            },
            LogError::GenesisHashMismatch {
                expected: h1,
                found: h2,
            },
            LogError::BadSignature {
                seq: 5,
                key: k(0x3a),
            },
            LogError::InvalidKey {
                seq: 5,
                key: k(0x3a),
                reason: AuthorKeyError::Weak,
            },
            LogError::NonCanonicalKey {
                seq: 5,
                key: k(0x3a),
            },
            LogError::Empty,
            LogError::UnterminatedLastLine { seq: 15 },
            LogError::SizeMismatch {
                checkpoint_size: 16,
                log_size: 15,
            },
            LogError::RootMismatch {
                size: 16,
                expected: h1,
                computed: h2,
            },
        ]
    }

    fn entry_errors() -> Vec<EntryError> {
        vec![
            EntryError::TooLarge { found_bytes: 70000 },
            EntryError::Canonical(CanonicalError::TooDeep),
            EntryError::NotAnObject,
            EntryError::MissingField {
                field: "signatures",
            },
            EntryError::UnknownField {
                field: "hexie".into(),
            },
            EntryError::InvalidField {
                field: "prev_hash",
                expected: "64 lowercase hexadecimal digits",
            },
            EntryError::UnsupportedVersion { found: 2 },
            EntryError::InvalidSignatureField {
                index: 0,
                reason: "`sig` must be 128 lowercase hexadecimal digits",
            },
            EntryError::SignaturesNotSorted { index: 1 },
        ]
    }

    fn canonical_errors() -> Vec<CanonicalError> {
        vec![
            CanonicalError::NotUtf8 { offset: 1 },
            CanonicalError::Syntax {
                column: 3,
                message: "expected value".into(),
            },
            CanonicalError::DuplicateKey {
                key: "hexie".into(),
            },
            CanonicalError::Float {
                text: "42.62".into(),
            },
            CanonicalError::IntegerOutOfRange {
                text: "9007199254740993".into(),
            },
            CanonicalError::TooDeep,
            CanonicalError::NotCanonical { offset: 5 },
        ]
    }

    /// Every message in Chinese, with the English one.
    fn all_messages() -> Vec<(String, String)> {
        let mut out = Vec::new();
        for v in violations() {
            out.push((zh(&v), v.to_string()));
            let r = rule(14, "expense_paid", "hexie-0014", v);
            out.push((zh(&r), r.to_string()));
            let replay = ReplayError::Rule(r);
            out.push((zh(&replay), replay.to_string()));
        }
        for e in log_errors() {
            out.push((zh(&e), e.to_string()));
            let replay = ReplayError::Log(e);
            out.push((zh(&replay), replay.to_string()));
        }
        for e in entry_errors() {
            out.push((zh(&e), e.to_string()));
        }
        for e in canonical_errors() {
            out.push((zh(&e), e.to_string()));
        }
        out
    }

    #[test]
    fn english_is_the_display_text() {
        for v in violations() {
            assert_eq!(v.explain(Lang::En), v.to_string());
            let r = rule(3, "payment_received", "hexie-0004", v);
            assert_eq!(r.explain(Lang::En), r.to_string());
            let replay = ReplayError::Rule(r);
            assert_eq!(replay.explain(Lang::En), replay.to_string());
        }
        for e in log_errors() {
            assert_eq!(e.explain(Lang::En), e.to_string());
            let replay = ReplayError::Log(e);
            assert_eq!(replay.explain(Lang::En), replay.to_string());
        }
        for e in entry_errors() {
            assert_eq!(e.explain(Lang::En), e.to_string());
        }
        for e in canonical_errors() {
            assert_eq!(e.explain(Lang::En), e.to_string());
        }
        let body = BodyError::UnknownType("meter_read".into());
        assert_eq!(body.explain(Lang::En), body.to_string());
        assert_eq!(Lang::default(), Lang::Zh);
    }

    #[test]
    fn chinese_messages_are_chinese() {
        // What may be written in Latin letters: ids, unit numbers, fee item and project codes,
        // ledger origins, and hexadecimal digits of keys and hashes (shown before `…`).
        const ALLOWED: [&str; 10] = [
            "cleaning",
            "hexie-0014",
            "hexie-0012",
            "hexie-0004",
            "gongzhang.example/hexie-jiayuan",
            "gongzhang.example/other",
            "property_fee",
            "meter_read",
            "meter",
            "hexie",
        ];
        const ENGLISH: [&str; 16] = [
            "entry",
            "fund",
            "key",
            "the ",
            "must",
            "signature",
            "proposal",
            "unit",
            "yuan",
            "fen",
            "amount",
            "period",
            "statement",
            "schedule",
            "is not",
            "error",
        ];
        for (zh, en) in all_messages() {
            assert_ne!(zh, en);
            let mut rest = zh.clone();
            for allowed in ALLOWED {
                rest = rest.replace(allowed, "");
            }
            let lower = rest.to_lowercase();
            for word in ENGLISH {
                assert!(!lower.contains(word), "{word:?} in {zh}");
            }
            // Eight hexadecimal digits before an ellipsis.
            while let Some(end) = rest.find('…') {
                let start = rest[..end]
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| c.is_ascii_hexdigit())
                    .last()
                    .map_or(end, |(i, _)| i);
                assert_eq!(end - start, 8, "{zh}");
                rest.replace_range(start..end + '…'.len_utf8(), "");
            }
            assert!(
                !rest.chars().any(|c| c.is_ascii_alphabetic()),
                "Latin letters in {zh}"
            );
            assert!(
                zh.chars()
                    .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                    .count()
                    >= 8,
                "{zh}"
            );
            assert!(zh.ends_with('。'), "{zh}");
        }
    }

    #[test]
    fn every_variant_has_a_sample() {
        fn names<T: std::fmt::Debug>(values: &[T]) -> BTreeSet<String> {
            values
                .iter()
                .map(|v| {
                    format!("{v:?}")
                        .chars()
                        .take_while(char::is_ascii_alphanumeric)
                        .collect()
                })
                .collect()
        }
        assert_eq!(
            names(&violations()),
            variants(include_str!("ledger/violation.rs"), "Violation")
        );
        assert_eq!(
            names(&log_errors()),
            variants(include_str!("log.rs"), "LogError")
        );
        assert_eq!(
            names(&entry_errors()),
            variants(include_str!("entry.rs"), "EntryError")
        );
        assert_eq!(
            names(&canonical_errors()),
            variants(include_str!("canonical.rs"), "CanonicalError")
        );
    }

    /// The variant names of `pub enum name` in `source`.
    fn variants(source: &str, name: &str) -> BTreeSet<String> {
        let start = source.find(&format!("pub enum {name} {{")).unwrap();
        source[start..]
            .lines()
            .skip(1)
            .take_while(|l| *l != "}")
            .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
            .map(str::trim)
            .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|l| l.chars().take_while(char::is_ascii_alphanumeric).collect())
            .collect()
    }

    /// The string literals that follow `marker` in the code of `source` (before its tests).
    fn literals_after(source: &str, marker: &str) -> Vec<String> {
        let code = source.split("#[cfg(test)]").next().unwrap();
        let mut out = Vec::new();
        for (i, _) in code.match_indices(marker) {
            let rest = code[i + marker.len()..].trim_start();
            if let Some(text) = rest.strip_prefix('"') {
                out.push(text[..text.find('"').unwrap()].to_string());
            }
        }
        out
    }

    #[test]
    fn every_reason_the_code_gives_has_chinese() {
        let rules = concat!(
            include_str!("ledger/rules/mod.rs"),
            include_str!("ledger/rules/signers.rs"),
            include_str!("ledger/rules/genesis.rs"),
            include_str!("ledger/rules/roles.rs"),
            include_str!("ledger/rules/households.rs"),
            include_str!("ledger/rules/charges.rs"),
            include_str!("ledger/rules/payments.rs"),
            include_str!("ledger/rules/funds.rs"),
            include_str!("ledger/rules/expenses.rs"),
            include_str!("ledger/rules/decisions.rs"),
            include_str!("ledger/rules/closes.rs"),
            include_str!("ledger/rules/reversals.rs"),
        );
        let reasons = literals_after(rules, "reason: ");
        assert!(reasons.len() >= 9, "{reasons:?}");
        for r in reasons {
            assert!(
                genesis_reason(&r).or(grant_reason(&r)).is_some(),
                "no Chinese for {r:?}"
            );
        }
        let totals = literals_after(rules, "bad(");
        assert_eq!(totals.len(), 4);
        for r in totals {
            assert!(totals_reason(&r).is_some(), "no Chinese for {r:?}");
        }
        for f in literals_after(rules, "AmountNotPositive { field: ") {
            assert!(!field_path(&f).is_ascii(), "no Chinese for {f:?}");
        }
        let entry = include_str!("entry.rs");
        let expected = literals_after(entry, "expected: ");
        assert!(!expected.is_empty());
        for x in expected {
            assert!(entry_expected(&x).is_some(), "no Chinese for {x:?}");
        }
        // invalid("field", "expected"): the second literal.
        let code = entry.split("#[cfg(test)]").next().unwrap();
        let mut calls = 0;
        for (i, _) in code.match_indices("invalid(") {
            let args = &code[i + "invalid(".len()..];
            let args = &args[..args.find(')').unwrap()];
            let literals: Vec<&str> = args.split('"').skip(1).step_by(2).collect();
            if let [field, x] = literals[..] {
                calls += 1;
                assert_ne!(entry_field(field), field, "no Chinese for {field:?}");
                assert!(entry_expected(x).is_some(), "no Chinese for {x:?}");
            }
        }
        assert!(calls >= 7, "{calls}");
        for f in literals_after(entry, "MissingField { field: ")
            .into_iter()
            .chain(literals_after(entry, "field: "))
            .filter(|f| !f.contains(' '))
        {
            assert_ne!(entry_field(&f), f, "no Chinese for {f:?}");
        }
        let bad = literals_after(entry, "bad(");
        assert!(bad.len() >= 6, "{bad:?}");
        for r in bad {
            assert!(signature_reason(&r).is_some(), "no Chinese for {r:?}");
        }
    }

    #[test]
    fn every_event_type_has_a_chinese_name() {
        use crate::ledger::events::EVENT_TYPES;
        let names: BTreeSet<&str> = EVENT_TYPES.iter().filter_map(|k| kind_name(k)).collect();
        assert_eq!(names.len(), EVENT_TYPES.len());
        assert_eq!(kind_label("meter_read"), "“meter_read”类");
    }

    #[test]
    fn approvals_missing() {
        let v = Violation::ApprovalsMissing {
            id: "hexie-0012".into(),
            amount: fen(500_001),
            needed: 2,
            found: 1,
        };
        assert_eq!(
            zh(&v),
            "这笔支出 5000.01 元超过了需要审批的金额，还需要 2 位业委会委员批准，目前只有 1 位。请先请委员批准，再付款。"
        );
        assert_eq!(
            zh(&rule(14, "expense_paid", "hexie-0014", v)),
            "第 14 条记录（付款，编号 hexie-0014）：这笔支出 5000.01 元超过了需要审批的金额，还需要 2 位业委会委员批准，目前只有 1 位。请先请委员批准，再付款。"
        );
    }

    #[test]
    fn fund_overdrawn() {
        let v = Violation::FundOverdrawn {
            fund: fund_id("operating"),
            balance: fen(100_000),
            needed: fen(600_000),
        };
        assert_eq!(
            zh(&v),
            "物业费资金只剩 1000.00 元，不够支付 6000.00 元。任何一项资金都不能透支，请先核实资金来源或减少金额。"
        );
        let v = Violation::FundOverdrawn {
            fund: fund_id("project:meter"),
            balance: fen(5),
            needed: fen(1_000_000),
        };
        assert_eq!(
            zh(&v),
            "专项资金（meter）只剩 0.05 元，不够支付 10000.00 元。任何一项资金都不能透支，请先核实资金来源或减少金额。"
        );
    }

    #[test]
    fn charge_mismatch() {
        let v = Violation::ChargeMismatch {
            unit: unit("3-2-401"),
            item: slug("property_fee"),
            period: p(2026, 1),
            stated: fen(4261),
            computed: fen(4262),
        };
        assert_eq!(
            zh(&rule(6, "charges_assessed", "hexie-0007", v)),
            "第 6 条记录（记应缴费用，编号 hexie-0007）：2026年1月，房号 3-2-401 的“property_fee”按公示的收费标准应为 42.62 元，这里写的是 42.61 元。收费必须与公示的标准一致（明码标价），请改为 42.62 元。"
        );
    }

    #[test]
    fn revoked_key() {
        let key =
            PublicKey::from_hex("3ae63f54d15cea96ee5e0802dbcaf6e62b06baca48fc9b84279256d0b202d51b")
                .unwrap();
        let v = Violation::RevokedKey { key, revoked_at: 9 };
        assert_eq!(
            zh(&v),
            "密钥 3ae63f54… 已在第 9 条被注销，之后不能再签任何记录。请改用业委会重新授权的新密钥。"
        );
    }

    #[test]
    fn statement_mismatch() {
        let v = Violation::StatementMismatch {
            field: "statement.funds[0].closing_fen".into(),
            stated: "1000000".into(),
            computed: "999900".into(),
        };
        assert_eq!(
            zh(&v),
            "结账报表里的“资金表第 1 行的本期结余”写的是 10000.00 元，但按账本记录算出来应为 9999.00 元。请用程序算出的报表重新结账。"
        );
        let v = Violation::StatementMismatch {
            field: "statement.funds[1].fund".into(),
            stated: "\"maintenance\"".into(),
            computed: "\"public_revenue\"".into(),
        };
        assert_eq!(
            zh(&v),
            "结账报表里的“资金表第 2 行的资金”写的是“维修资金”，但按账本记录算出来应为“公共收益”。请用程序算出的报表重新结账。"
        );
        let v = Violation::StatementMismatch {
            field: "statement.arrears.units_in_arrears".into(),
            stated: "3".into(),
            computed: "4".into(),
        };
        assert_eq!(
            zh(&v),
            "结账报表里的“欠费户数”写的是 3，但按账本记录算出来应为 4。请用程序算出的报表重新结账。"
        );
        let v = Violation::StatementMismatch {
            field: "statement.spending.length".into(),
            stated: "absent".into(),
            computed: "2".into(),
        };
        assert_eq!(
            zh(&v),
            "结账报表里的“支出表的行数”写的是（没有），但按账本记录算出来应为 2。请用程序算出的报表重新结账。"
        );
    }

    #[test]
    fn quorum_not_met() {
        let v = Violation::QuorumNotMet {
            needed: 3,
            found: 1,
        };
        assert_eq!(
            zh(&v),
            "这件事需要 3 位业委会委员共同签名，目前只有 1 位，还差 2 位。请其他委员签名后再提交。"
        );
    }

    #[test]
    fn not_treasurer_and_no_treasurer() {
        assert_eq!(
            zh(&Violation::NotTreasurer { key: k(0xab) }),
            "这类记录只能由现任出纳签名，密钥 abababab… 不是现任出纳。请用出纳的密钥签名。"
        );
        assert_eq!(
            zh(&Violation::NoTreasurer),
            "现在没有出纳：原来的出纳密钥已被注销，还没有指定新出纳。请业委会先为新出纳的密钥授权。"
        );
        assert_eq!(
            zh(&Violation::NotAuditor { key: k(0x01) }),
            "这类记录只能由街道办审计签名，密钥 01010101… 不是现任街道办审计。"
        );
    }

    #[test]
    fn units_and_months() {
        assert_eq!(
            zh(&Violation::UnknownUnit {
                unit: unit("3-2-401")
            }),
            "房号 3-2-401 还没有登记。请检查房号是否写错；如果是新登记的房屋，请先登记。"
        );
        assert_eq!(
            zh(&Violation::NoFeeSchedule { period: p(2026, 1) }),
            "2026年1月还没有生效的收费标准，不能收取这个月的费用。请先由业委会公布经业主大会通过的收费标准。"
        );
        assert_eq!(
            zh(&Violation::PeriodNotEnded { to: p(2026, 12) }),
            "2026年12月还没有过完（按北京时间），要等2026年12月结束后才能结账。"
        );
        assert_eq!(
            zh(&Violation::DemandAmountMismatch {
                unit: unit("12-1-1501"),
                stated: fen(8000),
                computed: fen(8524),
            }),
            "房号 12-1-1501 目前欠费 85.24 元，催缴通知上写的是 80.00 元。请按实际欠费 85.24 元填写。"
        );
    }

    #[test]
    fn decisions() {
        assert_eq!(
            zh(&Violation::DecisionWrongMatter {
                id: "hexie-0004".into(),
                found: Matter::FeeSchedule,
                needed: Matter::UseMaintenanceFund,
            }),
            "业主大会决定 hexie-0004 表决的是“制定收费标准”，这里需要的是关于“使用维修资金”的决定。请引用正确的决定。"
        );
        assert_eq!(
            zh(&Violation::DecisionOutcomeMismatch {
                stated: Outcome::Passed,
                computed: Outcome::Rejected,
            }),
            "表决结果记为“通过”，但按计票数字和《民法典》第二百七十八条的规定，结果应为“未通过”。请核对计票结果。"
        );
        let all = [
            Matter::RaiseMaintenanceFund,
            Matter::Rebuild,
            Matter::ChangeCommonUse,
            Matter::UseMaintenanceFund,
            Matter::FeeSchedule,
            Matter::ElectCommittee,
            Matter::FundTransfer,
            Matter::Budget,
            Matter::Other,
        ];
        let names: BTreeSet<&str> = all.iter().map(|m| matter(*m)).collect();
        assert_eq!(names.len(), all.len());
    }

    #[test]
    fn project_mismatch() {
        assert_eq!(
            zh(&Violation::ProjectMismatch {
                fund: fund_id("project:meter"),
                expected: Some("meter".into()),
                found: Some("roof".into()),
            }),
            "从专项资金（meter）支出，项目必须是“meter”，这里写的是“roof”。专项资金只能用于它自己的项目。"
        );
    }

    #[test]
    fn self_approval_period_ranges_and_torn_files() {
        assert_eq!(
            zh(&Violation::SelfApproval { key: k(0x3a) }),
            "密钥 3a3a3a3a… 是提出这笔支出的人，不能自己批准自己的申请。请由其他业委会委员批准。"
        );
        assert_eq!(
            zh(&Violation::InvalidPeriodRange {
                from: p(2026, 2),
                to: p(2026, 4),
            }),
            "一次结账只能是一个月，或者一个完整的季度（1月到3月、4月到6月、7月到9月、10月到12月），从2026年2月到2026年4月都不是。请改正结账的月份。"
        );
        assert_eq!(
            zh(&LogError::UnterminatedLastLine { seq: 15 }),
            "账本文件的最后一行（第 15 条记录）没有正常结尾：文件不完整，可能没有下载完或保存时被中断了。请重新下载完整的账本文件再核对。"
        );
    }

    #[test]
    fn not_reversible() {
        assert_eq!(
            zh(&Violation::NotReversible {
                kind: "period_closed",
                hint: "",
            }),
            "“结账”这类记录不能撤销。结账后不能更改；请改正有关记录，下次结账时会反映出来。"
        );
    }

    #[test]
    fn invalid_genesis_and_grant() {
        assert_eq!(
            zh(&Violation::InvalidGenesis {
                reason: "opening balances cannot be negative"
            }),
            "开账记录的内容不对：开账余额不能是负数。请改正后由全体委员重新签名。"
        );
        assert_eq!(
            zh(&Violation::InvalidGrant {
                key: k(0x3a),
                reason: "the key is revoked"
            }),
            "不能给密钥 3a3a3a3a… 授予这个角色：这把密钥已被注销，请让本人换一把新密钥再授权。"
        );
        assert_eq!(
            zh(&Violation::QuorumExceedsCommittee {
                needed: 4,
                members: 3
            }),
            "需要 4 位委员批准，但业委会只有 3 位委员，这样以后任何事都批不下来。请先增补委员，或减少需要批准的人数。"
        );
    }

    #[test]
    fn body_errors() {
        assert_eq!(
            zh(&Violation::Body(BodyError::Invalid {
                kind: "payment_received".into(),
                reason: "missing field `amount_fen`".into(),
            })),
            "这条收到业主缴费记录的内容填写不对：缺少“金额”。请对照填写要求改正后重新提交。"
        );
        assert_eq!(
            zh(&Violation::Body(BodyError::Invalid {
                kind: "household_registered".into(),
                reason: "\"3-2\" is not a unit number like 3-2-401".into(),
            })),
            "这条登记房屋记录的内容填写不对：房号“3-2”的写法不对，应写成“楼号-单元号-房号”，例如 3-2-401。请对照填写要求改正后重新提交。"
        );
        assert_eq!(
            zh(&Violation::AmountNotPositive {
                field: "lines.amount_fen"
            }),
            "预算明细中的金额必须大于零。请填写正确的金额。"
        );
    }

    #[test]
    fn body_reasons_from_serde() {
        use crate::entry::Event;
        use crate::ledger::events::LedgerEvent;
        let body = |json: &str| match serde_json::from_str(json).unwrap() {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let reason = |kind: &str, json: &str| {
            let event = Event::new("hexie-0100", kind, body(json)).unwrap();
            match LedgerEvent::from_event(&event) {
                Err(BodyError::Invalid { reason, .. }) => body_reason(&reason),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            reason("payment_received", r#"{"unit":"3-2-401","channel":"cash"}"#),
            "缺少“金额”"
        );
        assert_eq!(
            reason(
                "household_registered",
                r#"{"unit":"3-2","area_centi_m2":8523}"#
            ),
            "房号“3-2”的写法不对，应写成“楼号-单元号-房号”，例如 3-2-401"
        );
        assert_eq!(
            reason("charges_assessed", r#"{"period":"2026-13","charges":[]}"#),
            "月份“2026-13”的写法不对，应写成 2026-01 这样"
        );
        assert_eq!(
            reason(
                "payment_received",
                r#"{"unit":"3-2-401","amount_fen":100,"channel":"cheque"}"#
            ),
            "“cheque”不是可以选的值"
        );
        assert_eq!(
            reason(
                "household_registered",
                r#"{"unit":"3-2-401","area_centi_m2":8523,"owner":"x"}"#
            ),
            "多了程序不认识的一项“owner”"
        );
        assert_eq!(
            reason(
                "household_registered",
                r#"{"unit":"3-2-401","area_centi_m2":"85"}"#
            ),
            "有一项内容的类型不对，例如该填数字的地方填了文字"
        );
    }

    #[test]
    fn log_errors_in_chinese() {
        assert_eq!(
            zh(&LogError::BadSignature {
                seq: 5,
                key: k(0x3a)
            }),
            "第 5 条记录上密钥 3a3a3a3a… 的签名对不上：记录内容在签名之后被改动过，或者签名是伪造的。请重新下载原始账本文件再核对；如果问题还在，请立即向业委会和街道办报告。"
        );
        assert_eq!(
            zh(&LogError::TimeWentBackwards {
                seq: 5,
                previous: time("2026-01-05T08:00:00.000Z"),
                found: time("2026-01-05T07:59:59.250Z"),
            }),
            "第 5 条记录的时间（北京时间 2026年1月5日 15:59:59.250）早于前一条（北京时间 2026年1月5日 16:00:00）：记录时间不能倒退，可能有记录被插入或改动过。请重新下载原始账本文件再核对；如果问题还在，请立即向业委会和街道办报告。"
        );
        assert_eq!(
            zh(&LogError::Malformed {
                seq: 3,
                line: 4,
                error: EntryError::Canonical(CanonicalError::Float {
                    text: "42.62".into()
                }),
            }),
            "账本文件第 4 行（第 3 条记录）有问题：数字 42.62 带有小数。金额要以“分”为单位写成整数，例如 42.62 元写成 4262。账本文件可能损坏了，或被人手工改过。请不要手工修改账本文件；请重新下载原始文件再核对，问题仍在时请联系系统维护人员。"
        );
        assert_eq!(
            zh(&LogError::SizeMismatch {
                checkpoint_size: 16,
                log_size: 15
            }),
            "检查点担保的是 16 条记录，但账本文件里有 15 条：账本文件被截短了，或者多出了检查点没有担保的记录。请重新下载最新的账本文件和检查点再核对。"
        );
    }

    #[test]
    fn real_errors_from_the_parser() {
        // Errors made by the code, not by hand, read as the samples do.
        let e = parse_canonical(br#"{"a":1,"a":2}"#).unwrap_err();
        assert!(zh(&e).starts_with("同一项“a”写了两次。"), "{}", zh(&e));
        let e = Entry::parse(b"[]").unwrap_err();
        assert!(
            zh(&e).starts_with("这一行不是一条完整的记录。"),
            "{}",
            zh(&e)
        );
        let e = Entry::parse(br#"{"version":2}"#).unwrap_err();
        assert_eq!(
            zh(&e),
            "记录的格式版本是第 2 版，这个程序只认识第 1 版。请把程序更新到最新版本后再核对。"
        );
    }
}
