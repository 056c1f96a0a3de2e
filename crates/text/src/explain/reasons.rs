//! The reasons and field names the core gives as English text, in Chinese.

use crate::names::*;
use gongzhang_core::keys::AuthorKeyError;
use gongzhang_core::ledger::types::{Fen, FundId, Period};

// Reasons given as English text by the rules, in Chinese.

pub(crate) fn key_reason(reason: AuthorKeyError) -> &'static str {
    match reason {
        AuthorKeyError::NotOnCurve => "不是一把有效的密钥",
        AuthorKeyError::Weak => "是一把不安全的弱密钥，程序拒绝接受",
        AuthorKeyError::NonCanonical => "不是规范写法（同一把密钥只接受一种写法）",
    }
}

pub(crate) fn genesis_reason(reason: &str) -> Option<&'static str> {
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

pub(crate) fn totals_reason(reason: &str) -> Option<&'static str> {
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

pub(crate) fn grant_reason(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "the key is revoked" => "这把密钥已被注销，请让本人换一把新密钥再授权",
        "it is already the treasurer" => "它已经是出纳了",
        "it is already a committee member" => "它已经是业委会委员了",
        "it is already the auditor" => "它已经是街道办审计了",
        _ => return None,
    })
}

pub(crate) fn entry_field(field: &str) -> &str {
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

pub(crate) fn entry_expected(expected: &str) -> Option<&'static str> {
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

pub(crate) fn signature_reason(reason: &str) -> Option<&'static str> {
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
pub(crate) fn body_field(field: &str) -> &str {
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
pub(crate) fn field_path(path: &str) -> String {
    path.split('.')
        .map(body_field)
        .collect::<Vec<_>>()
        .join("中的")
}

/// What serde found wrong with a body, in Chinese where the message is one the ledger's types
/// give; otherwise a general description (the English message keeps the details).
pub(crate) fn body_reason(reason: &str) -> String {
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
pub(crate) fn statement_field(path: &str) -> String {
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
pub(crate) fn statement_value(field: &str, value: &str) -> String {
    let text = statement_value_text(field, value);
    if text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-') {
        format!(" {text}")
    } else {
        text
    }
}

pub(crate) fn statement_value_text(field: &str, value: &str) -> String {
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
