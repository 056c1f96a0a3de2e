//! The rule book's violations in plain Chinese.

use super::*;
use crate::Lang;
use crate::names::*;
use gongzhang_core::ledger::Violation;
use gongzhang_core::ledger::events::EventKind;
use gongzhang_core::ledger::types::Role;

pub(crate) fn violation_zh(v: &Violation) -> String {
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
            EventKind::parse(kind).map_or("", not_reversible_hint)
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
pub(crate) fn area(centi_m2: i64) -> String {
    crate::format::area_m2(centi_m2)
}
