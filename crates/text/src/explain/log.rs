//! A broken log, entry or canonical JSON in plain Chinese.

use super::*;
use crate::Lang;
use crate::names::*;
use gongzhang_core::canonical::{CanonicalError, NESTING_DEPTH_MAX};
use gongzhang_core::entry::{ENTRY_BYTES_MAX, EntryError, FORMAT_VERSION};
use gongzhang_core::log::LogError;

pub(crate) fn log_zh(e: &LogError) -> String {
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

pub(crate) fn entry_zh(e: &EntryError) -> String {
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

pub(crate) fn canonical_problem(e: &CanonicalError) -> String {
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
