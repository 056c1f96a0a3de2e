//! What the ledger server's API says when it cannot take a request: the query, the path or the
//! body is not what a route reads, or what it names does not exist. Each refusal is a value with
//! what it is about; [`Explain`] words it. The server picks the status and the stable `code`; the
//! words live here, beside every other message.

use crate::{Explain, Lang};

/// A request the API refuses, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal<'a> {
    /// The body could not be read (the reason as the HTTP layer gives it).
    UnreadableBody {
        /// Why, in the HTTP layer's English.
        reason: &'a str,
    },
    /// A query parameter is not UTF-8 once percent-decoded.
    QueryNotUtf8,
    /// A query parameter is given twice.
    QueryTwice {
        /// The parameter.
        name: &'a str,
    },
    /// A query parameter that must be a non-negative integer is not.
    QueryNotNumber {
        /// The parameter.
        name: &'a str,
        /// What was given.
        value: &'a str,
    },
    /// An entry's sequence number in a path is not a non-negative integer.
    SeqNotNumber {
        /// What was given.
        text: &'a str,
    },
    /// The body is not (strict) JSON.
    BodyNotJson {
        /// The parser's reason.
        reason: &'a str,
    },
    /// A batch is not an object `{"events": [...]}`.
    BatchNotObject,
    /// A batch has a field other than `events` and `expected_size`.
    BatchUnknownField {
        /// The field.
        field: &'a str,
    },
    /// A batch's `expected_size` is not a non-negative integer.
    ExpectedSizeNotNumber,
    /// A batch has no `events` array.
    BatchWithoutEvents,
    /// No entry records this event id.
    UnknownEvent {
        /// The event id asked for.
        event_id: &'a str,
    },
    /// The log has no entry with this sequence number.
    UnknownEntry {
        /// The sequence number asked for.
        seq: u64,
    },
    /// A range's `from` is after its `to`.
    RangeReversed {
        /// The start asked for.
        from: u64,
        /// The end asked for.
        to: u64,
    },
    /// No checkpoint was signed at this size (or, without a size, none yet).
    NoCheckpoint {
        /// The size asked for; `None` for the latest.
        size: Option<u64>,
    },
    /// A cosignature submission is not `{"size": …, "cosignature": "…"}`.
    CosignatureBodyShape,
    /// A consistency proof request lacks `from`.
    ConsistencyNeedsFrom,
    /// A path segment is not a unit number.
    NotAUnit {
        /// What was given.
        text: &'a str,
    },
    /// The unit is not registered in the ledger.
    UnitNotRegistered {
        /// The unit.
        unit: &'a str,
    },
    /// A path segment is not a month or a quarter.
    NotAPeriod {
        /// What was given.
        text: &'a str,
    },
    /// An upload without its signature.
    UploadSignatureMissing,
    /// An upload signature header that cannot be read.
    UploadSignatureMalformed {
        /// The parser's reason.
        reason: &'a str,
    },
    /// A path segment is not a SHA-256 in hexadecimal.
    NotASha256 {
        /// What was given.
        text: &'a str,
    },
    /// No attachment has this SHA-256.
    UnknownAttachment {
        /// The hash asked for, in hexadecimal.
        sha256: &'a str,
    },
    /// No route has this path.
    NoRoute,
    /// The server has no ledger of this origin.
    UnknownLedger {
        /// The origin asked for.
        origin: &'a str,
    },
}

impl Explain for Refusal<'_> {
    fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
}

impl Refusal<'_> {
    fn zh(&self) -> String {
        use Refusal as R;
        match *self {
            R::UnreadableBody { reason } => format!("读不出请求内容：{reason}"),
            R::QueryNotUtf8 => "查询参数不是有效的 UTF-8".into(),
            R::QueryTwice { name } => format!("查询参数 {name} 出现了两次"),
            R::QueryNotNumber { name, value } => {
                format!("查询参数 {name}={value:?} 应为非负整数")
            }
            R::SeqNotNumber { text } => format!("条目序号 {text:?} 应为非负整数"),
            R::BodyNotJson { reason } => format!("请求内容不是有效的 JSON：{reason}"),
            R::BatchNotObject => "批量提交应为 {\"events\": [...]} 对象".into(),
            R::BatchUnknownField { field } => format!("批量提交中有未知字段 {field}"),
            R::ExpectedSizeNotNumber => "expected_size 应为非负整数".into(),
            R::BatchWithoutEvents => "批量提交需要 events 数组".into(),
            R::UnknownEvent { event_id } => format!("没有记录事件 {event_id} 的条目"),
            R::UnknownEntry { seq } => format!("账本没有第 {seq} 条"),
            R::RangeReversed { from, to } => format!("from={from} 大于 to={to}"),
            R::NoCheckpoint { size: Some(n) } => format!("没有在 {n} 个条目时签发的检查点"),
            R::NoCheckpoint { size: None } => "账本还没有检查点".into(),
            R::CosignatureBodyShape => {
                "需要 {\"size\": 检查点条目数, \"cosignature\": \"— 见证名 签名\"}".into()
            }
            R::ConsistencyNeedsFrom => "需要查询参数 from（旧检查点的条目数），可选 to".into(),
            R::NotAUnit { text } => format!("{text:?} 不是房号：应写成 楼-单元-室，例如 3-2-401"),
            R::UnitNotRegistered { unit } => format!("账本中没有登记房号 {unit}"),
            R::NotAPeriod { text } => {
                format!("{text:?} 不是月份或季度：应写成 2025-03 或 2025-Q1")
            }
            R::UploadSignatureMissing => "上传附件必须带上传签名（Authorization: Gongzhang-Upload …），由在本账本有角色的密钥签署；gongzhang record 会自动签名".into(),
            R::UploadSignatureMalformed { reason } => {
                format!("上传签名（Authorization 请求头）格式不对：{reason}")
            }
            R::NotASha256 { text } => format!("{text:?} 不是 SHA-256：应为 64 位小写十六进制"),
            R::UnknownAttachment { sha256 } => format!("没有 SHA-256 为 {sha256} 的附件"),
            R::NoRoute => "没有这个地址；接口列表见 /api/v1/openapi.json".into(),
            R::UnknownLedger { origin } => format!("没有名为 {origin} 的账本"),
        }
    }

    fn en(&self) -> String {
        use Refusal as R;
        match *self {
            R::UnreadableBody { reason } => reason.into(),
            R::QueryNotUtf8 => "a query parameter is not valid UTF-8".into(),
            R::QueryTwice { name } => format!("query parameter `{name}` is given twice"),
            R::QueryNotNumber { name, value } => {
                format!("query parameter `{name}={value}` must be a non-negative integer")
            }
            R::SeqNotNumber { text } => {
                format!("entry sequence number `{text}` must be a non-negative integer")
            }
            R::BodyNotJson { reason } => reason.into(),
            R::BatchNotObject => "a batch is an object {\"events\": [...]}".into(),
            R::BatchUnknownField { field } => format!("unknown field `{field}` in the batch"),
            R::ExpectedSizeNotNumber => "`expected_size` must be a non-negative integer".into(),
            R::BatchWithoutEvents => "a batch needs an `events` array".into(),
            R::UnknownEvent { event_id } => format!("no entry records event `{event_id}`"),
            R::UnknownEntry { seq } => format!("the log has no entry {seq}"),
            R::RangeReversed { from, to } => format!("from={from} is after to={to}"),
            R::NoCheckpoint { size: Some(n) } => format!("no checkpoint was signed at size {n}"),
            R::NoCheckpoint { size: None } => "the log has no checkpoint yet".into(),
            R::CosignatureBodyShape => {
                "expected {\"size\": <checkpoint size>, \"cosignature\": \"— <witness> <base64>\"}"
                    .into()
            }
            R::ConsistencyNeedsFrom => {
                "query parameter `from` (the older checkpoint's size) is required; `to` is optional"
                    .into()
            }
            R::NotAUnit { text } => format!(
                "{text:?} is not a unit number: write building-entrance-room, e.g. 3-2-401"
            ),
            R::UnitNotRegistered { unit } => {
                format!("unit {unit} is not registered in this ledger")
            }
            R::NotAPeriod { text } => {
                format!("{text:?} is not a month or quarter: write 2025-03 or 2025-Q1")
            }
            R::UploadSignatureMissing => "an upload needs its signature (Authorization: Gongzhang-Upload …) by a key that holds a role in this ledger; gongzhang record signs it".into(),
            R::UploadSignatureMalformed { reason } => reason.into(),
            R::NotASha256 { text } => {
                format!("{text:?} is not a SHA-256: 64 lowercase hexadecimal digits")
            }
            R::UnknownAttachment { sha256 } => format!("no attachment with SHA-256 {sha256}"),
            R::NoRoute => "no such route; see /api/v1/openapi.json".into(),
            R::UnknownLedger { origin } => format!("no ledger `{origin}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_what_was_sent_in_both_languages() {
        let r = Refusal::QueryNotNumber {
            name: "from",
            value: "x1",
        };
        assert_eq!(r.explain(Lang::Zh), "查询参数 from=\"x1\" 应为非负整数");
        assert_eq!(
            r.explain(Lang::En),
            "query parameter `from=x1` must be a non-negative integer"
        );
        let none = Refusal::NoCheckpoint { size: None };
        assert_eq!(none.explain(Lang::Zh), "账本还没有检查点");
        let at = Refusal::NoCheckpoint { size: Some(7) };
        assert_eq!(at.explain(Lang::En), "no checkpoint was signed at size 7");
    }
}
