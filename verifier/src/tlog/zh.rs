//! The core's errors in Chinese (English is their `Display`).

use super::inputs::checkpoint_file_line;
use super::key_label;
use gongzhang_core::checkpoint::{CheckpointParseError, DecimalError};
use gongzhang_core::cosignature::{CosignatureError, CosignatureFormatError};
use gongzhang_core::hash::HashParseError;
use gongzhang_core::note::{KeyError, KeyNameError, NoteError, SignatureLineError};
use gongzhang_core::tlog_proof::{self, TlogProofParseError};
use gongzhang_text::Lang;

/// An error in the report's language: `zh` for Chinese, its `Display` for English.
pub(super) fn explain<E: std::fmt::Display>(lang: Lang, error: &E, zh: fn(&E) -> String) -> String {
    match lang {
        Lang::Zh => zh(error),
        Lang::En => error.to_string(),
    }
}

/// A tlog-proof that does not parse, in Chinese.
pub(super) fn parse_error_zh(error: &TlogProofParseError, text: &str) -> String {
    match error {
        TlogProofParseError::TooLarge { max, found } => {
            format!("证明有 {found} 字节，超过 {max} 字节的上限")
        }
        TlogProofParseError::BadHeader => {
            format!("第 1 行应为 {:?}", tlog_proof::HEADER)
        }
        TlogProofParseError::MissingBlankLine => {
            "没有空行把包含证明和检查点分开（文件可能被截断了）".to_owned()
        }
        TlogProofParseError::EmptyExtra => {
            "第 2 行的 extra 没有数据（没有数据时应省略这一行）".to_owned()
        }
        TlogProofParseError::ExtraNotBase64 => {
            "第 2 行的 extra 数据不是带填充的标准 base64".to_owned()
        }
        TlogProofParseError::ExtraTooLarge { max, found } => {
            format!("extra 数据有 {found} 字节，超过 {max} 字节的上限")
        }
        TlogProofParseError::MissingIndex { line } => {
            format!("第 {line} 行应为 “index N”（叶子序号）")
        }
        TlogProofParseError::Index { line, source } => {
            format!("第 {line} 行的叶子序号{}", decimal_error_zh(source))
        }
        TlogProofParseError::ProofHash { line, source } => {
            format!("第 {line} 行的证明哈希{}", hash_error_zh(source))
        }
        TlogProofParseError::TooManyHashes { max } => {
            format!("包含证明的哈希超过 {max} 个")
        }
        TlogProofParseError::CheckpointNote(e) => {
            format!(
                "空行之后的检查点不是格式正确的签名 note：{}",
                note_error_zh(e)
            )
        }
        TlogProofParseError::Checkpoint(e) => {
            let place = checkpoint_file_line(error, text)
                .map(|n| format!("（文件第 {n} 行）"))
                .unwrap_or_default();
            format!("检查点{place}：{}", checkpoint_parse_error_zh(e))
        }
    }
}

/// A malformed decimal number, in Chinese.
fn decimal_error_zh(error: &DecimalError) -> String {
    match error {
        DecimalError::NotDecimal => "不是只由 ASCII 数字组成的十进制数（不能有符号或空格）",
        DecimalError::LeadingZero => "有前导零",
        DecimalError::TooLarge => "大于 2^64 − 1",
    }
    .to_owned()
}

/// A malformed hash, in Chinese.
fn hash_error_zh(error: &HashParseError) -> String {
    match error {
        HashParseError::WrongLength { expected, found } => {
            format!("应为 {expected} 字节，这里是 {found} 字节")
        }
        HashParseError::NotLowercaseHex => "应写成 64 位小写十六进制数字".to_owned(),
        HashParseError::NotBase64 => "不是带填充的标准 base64".to_owned(),
    }
}

/// A checkpoint that does not parse, in Chinese.
pub(super) fn checkpoint_parse_error_zh(error: &CheckpointParseError) -> String {
    match error {
        CheckpointParseError::TooLarge { max, found } => {
            format!("检查点正文有 {found} 字节，超过 {max} 字节的上限")
        }
        CheckpointParseError::MissingFinalNewline => "检查点正文没有以换行结尾".to_owned(),
        CheckpointParseError::ControlCharacter { line, byte } => {
            format!("检查点第 {line} 行有控制字符 {byte:#04x}")
        }
        CheckpointParseError::TooFewLines { found } => {
            format!("检查点至少有 3 行（origin、树的大小、根哈希），这里只有 {found} 行")
        }
        CheckpointParseError::EmptyLine { line } => format!("检查点第 {line} 行是空的"),
        CheckpointParseError::NewlineInLine { line } => {
            format!("检查点第 {line} 行会含有换行")
        }
        CheckpointParseError::Size(e) => {
            format!("第 2 行的树的大小{}", decimal_error_zh(e))
        }
        CheckpointParseError::Root(e) => format!("第 3 行的根哈希{}", hash_error_zh(e)),
    }
}

/// A signed note that cannot be opened, in Chinese.
pub(super) fn note_error_zh(error: &NoteError) -> String {
    match error {
        NoteError::TooLarge { max, found } => {
            format!("note 有 {found} 字节，超过 {max} 字节的上限")
        }
        NoteError::ControlCharacter { offset, byte } => {
            format!("note 第 {offset} 字节处有控制字符 {byte:#04x}")
        }
        NoteError::MissingBlankLine => "note 的正文和签名之间没有空行".to_owned(),
        NoteError::NoSignatureLines => "note 最后一个空行之后没有签名行".to_owned(),
        NoteError::MissingFinalNewline => "note 没有以换行结尾（文件可能被截断了）".to_owned(),
        NoteError::SignatureLine { line, source } => {
            format!("第 {line} 个签名行{}", signature_line_error_zh(source))
        }
        NoteError::TooManySignatureLines { max } => format!("签名行超过 {max} 行"),
        NoteError::AmbiguousKey { line, name, key_id } => {
            format!("第 {line} 个签名行：两把不同的可信密钥都叫 {name}、密钥 ID 都是 {key_id:08x}")
        }
        NoteError::BadSignature { line, name, key_id } => format!(
            "第 {line} 个签名行：可信密钥 {} 的签名验证不通过",
            key_label(name, *key_id)
        ),
        NoteError::NoKnownSignature => "没有来自可信密钥的签名".to_owned(),
    }
}

/// A malformed signature line, in Chinese.
fn signature_line_error_zh(error: &SignatureLineError) -> String {
    match error {
        SignatureLineError::MissingPrefix => "不是以破折号（U+2014）加空格开头".to_owned(),
        SignatureLineError::MissingSignature => "密钥名称和签名之间没有空格".to_owned(),
        SignatureLineError::Name(e) => format!("的密钥名称无效：{}", key_name_error_zh(e)),
        SignatureLineError::NotBase64 => "的签名不是带填充的标准 base64".to_owned(),
        SignatureLineError::TooShort { min, found } => {
            format!("的签名只有 {found} 字节，至少需要 {min} 字节")
        }
    }
}

/// A cosignature or witness policy that does not hold, in Chinese.
pub(super) fn cosignature_error_zh(error: &CosignatureError) -> String {
    match error {
        CosignatureError::Note(e) => format!("检查点 note：{}", note_error_zh(e)),
        CosignatureError::AmbiguousKey { line, name, key_id } => format!(
            "第 {line} 个签名行：两把不同的见证人密钥都叫 {name}、密钥 ID 都是 {key_id:08x}"
        ),
        CosignatureError::Format {
            line,
            name,
            key_id,
            source,
        } => {
            let what = match source {
                CosignatureFormatError::WrongLength { expected, found } => {
                    format!("联署在密钥 ID 之后应有 {expected} 字节，这里是 {found} 字节")
                }
                CosignatureFormatError::TimestampTooLarge { max, found } => {
                    format!("联署时间戳 {found} 超过允许的最大值 {max}")
                }
            };
            format!(
                "第 {line} 个签名行，见证人 {} 的联署格式不对：{what}",
                key_label(name, *key_id)
            )
        }
        CosignatureError::BadCosignature { line, name, key_id } => format!(
            "第 {line} 个签名行：见证人 {} 的联署验证不通过（检查点或联署被改动过）",
            key_label(name, *key_id)
        ),
        CosignatureError::NotEnoughCosignatures { required, found } => {
            format!("需要 {required} 位见证人联署，有效的只有 {found} 位")
        }
    }
}

/// A malformed key string, in Chinese.
pub(super) fn key_error_zh(error: &KeyError) -> String {
    match error {
        KeyError::MissingPrivateKeyPrefix => "签名私钥串应以 “PRIVATE+KEY+” 开头".to_owned(),
        KeyError::MissingKeyId => "名称后面没有“+”".to_owned(),
        KeyError::MissingKeyMaterial => "密钥 ID 后面没有“+”".to_owned(),
        KeyError::Name(e) => format!("名称无效：{}", key_name_error_zh(e)),
        KeyError::KeyIdNotHex => "密钥 ID 必须是 8 位小写十六进制数字".to_owned(),
        KeyError::KeyNotBase64 => "密钥部分不是带填充的标准 base64".to_owned(),
        KeyError::EmptyKey => "密钥部分是空的".to_owned(),
        KeyError::KeyIdMismatch { found, computed } => format!(
            "密钥 ID 是 {found:08x}，但由名称和密钥算出的是 {computed:08x}（密钥串被改动或抄错了）"
        ),
        KeyError::WrongSignatureType { expected, found } => {
            format!("密钥类型是 {found:#04x}，应为 {expected:#04x}")
        }
        KeyError::WrongKeyLength { expected, found } => {
            format!("密钥长 {found} 字节，应为 {expected} 字节")
        }
        KeyError::NotACurvePoint => "公钥不是 Ed25519 曲线上的点".to_owned(),
        KeyError::NonCanonicalPoint => "公钥是 Ed25519 点的非规范编码".to_owned(),
        KeyError::WeakKey => "公钥是弱（小阶）Ed25519 点，用它验证的签名什么也证明不了".to_owned(),
    }
}

/// A malformed key name, in Chinese.
fn key_name_error_zh(error: &KeyNameError) -> String {
    match error {
        KeyNameError::Empty => "名称是空的".to_owned(),
        KeyNameError::TooLong { max, found } => {
            format!("名称长 {found} 字节，超过 {max} 字节的上限")
        }
        KeyNameError::Plus { offset } => format!("名称第 {offset} 字节处有“+”"),
        KeyNameError::Space { offset, codepoint } => {
            format!("名称第 {offset} 字节处有空白字符 U+{codepoint:04X}")
        }
        KeyNameError::ControlCharacter { offset, byte } => {
            format!("名称第 {offset} 字节处有控制字符 {byte:#04x}")
        }
    }
}

/// A file that cannot be read, in Chinese.
pub(super) fn io_error_zh(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".to_owned(),
        _ => e.to_string(),
    }
}
