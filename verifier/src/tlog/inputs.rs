//! The subcommand's inputs: the log key, the origin, the witnesses, the leaf and the proof, read
//! and parsed before verification; an input error is worded in the report's language.

use super::zh::{io_error_zh, key_error_zh, parse_error_zh};
use super::{MAX_LEAF_BYTES, TlogProofArgs};
use gongzhang_core::Hash;
use gongzhang_core::checkpoint::CheckpointParseError;
use gongzhang_core::cosignature::{COSIGNATURE_V1_TYPE, CosignerKey, PolicyError, WitnessPolicy};
use gongzhang_core::hash::leaf_hash;
use gongzhang_core::note::{ED25519_SIGNATURE_TYPE, KeyError, SIGNER_KEY_PREFIX, VerifierKey};
use gongzhang_core::tlog_proof::{
    self, MAX_PROOF_BYTES, TlogProof, TlogProofError, TlogProofParseError, VerifiedProof,
};
use gongzhang_text::Lang;
use std::io::Read as _;
use std::path::Path;

/// An input error, already worded in the report's language.
pub(super) type Input<T> = Result<T, String>;

/// The leaf the caller claims is in the log.
pub(super) struct Leaf {
    /// `SHA-256(0x00 ‖ data)`, or the hash given with `--leaf-hash`.
    pub(super) hash: Hash,
    /// When the leaf file ends with a line feed: the hash of its data without it (a Gongzhang
    /// entry saved as a line), tried only to explain a failure.
    pub(super) without_final_newline: Option<Hash>,
}

/// Everything read and parsed before verification.
pub(super) struct Inputs {
    pub(super) key: VerifierKey,
    pub(super) origin: String,
    pub(super) policy: Option<WitnessPolicy>,
    pub(super) leaf: Leaf,
    pub(super) proof: TlogProof,
}

impl Inputs {
    pub(super) fn read(args: &TlogProofArgs, lang: Lang) -> Input<Inputs> {
        let key = read_log_key(&args.key, lang)?;
        if args.origin.is_empty() || args.origin.bytes().any(|b| b < 0x20) {
            return Err(lang
                .pick(
                    "--origin 不能为空，也不能含换行或控制字符",
                    "--origin must not be empty or contain a newline or control character",
                )
                .to_owned());
        }
        let policy = read_policy(&args.witnesses, args.witnesses_required, lang)?;
        let leaf = match (&args.leaf, &args.leaf_hash) {
            (_, Some(text)) => Leaf {
                hash: parse_leaf_hash(text, lang)?,
                without_final_newline: None,
            },
            (Some(path), None) => read_leaf(path, lang)?,
            // clap requires one of the two; answer sensibly anyway.
            (None, None) => {
                return Err(lang
                    .pick(
                        "需要 --leaf 或 --leaf-hash",
                        "--leaf or --leaf-hash is required",
                    )
                    .to_owned());
            }
        };
        let proof = read_proof(&args.proof, lang)?;
        Ok(Inputs {
            key,
            origin: args.origin.clone(),
            policy,
            leaf,
            proof,
        })
    }

    pub(super) fn verify(&self, leaf: &Hash) -> Result<VerifiedProof, TlogProofError> {
        tlog_proof::verify(
            &self.proof,
            leaf,
            &self.origin,
            &self.key,
            self.policy.as_ref(),
        )
    }
}

/// Parses `--key`, naming a private key or a witness key given in its place.
fn read_log_key(text: &str, lang: Lang) -> Input<VerifierKey> {
    let text = text.trim();
    VerifierKey::parse(text).map_err(|e| {
        if text.starts_with(SIGNER_KEY_PREFIX) {
            return lang
                .pick(
                    "--key 给出的是签名私钥（PRIVATE+KEY+…），它应当保密；请给出对应的验证密钥（公钥）",
                    "--key is a private signing key (PRIVATE+KEY+…), which must be kept secret; give the matching verifier (public) key",
                )
                .to_owned();
        }
        let mut message = match lang {
            Lang::Zh => format!(
                "--key 不是有效的验证密钥串（名称+密钥ID+密钥）：{}",
                key_error_zh(&e)
            ),
            Lang::En => format!("--key is not a valid verifier key string (name+keyid+key): {e}"),
        };
        if matches!(e, KeyError::WrongSignatureType { found, .. } if found == COSIGNATURE_V1_TYPE)
        {
            message.push_str(lang.pick(
                "。这是见证人的联署密钥，请用 --witness 给出",
                ". This is a witness's cosigner key; give it with --witness",
            ));
        }
        message
    })
}

/// Parses the `--witness` keys and `--witnesses-required` into a policy.
fn read_policy(
    witnesses: &[String],
    required: Option<usize>,
    lang: Lang,
) -> Input<Option<WitnessPolicy>> {
    if witnesses.is_empty() {
        return Ok(None);
    }
    let mut keys = Vec::with_capacity(witnesses.len());
    for text in witnesses {
        let text = text.trim();
        let key = CosignerKey::parse(text).map_err(|e| {
            if text.starts_with(SIGNER_KEY_PREFIX) {
                return lang
                    .pick(
                        "--witness 给出的是签名私钥（PRIVATE+KEY+…），它应当保密；请给出见证人的联署公钥",
                        "--witness is a private signing key (PRIVATE+KEY+…), which must be kept secret; give the witness's cosigner (public) key",
                    )
                    .to_owned();
            }
            let mut message = match lang {
                Lang::Zh => format!(
                    "--witness {text:?} 不是有效的见证人联署密钥：{}",
                    key_error_zh(&e)
                ),
                Lang::En => format!("--witness {text:?} is not a valid witness cosigner key: {e}"),
            };
            if matches!(e, KeyError::WrongSignatureType { found, .. } if found == ED25519_SIGNATURE_TYPE)
            {
                message.push_str(lang.pick(
                    "。这是日志（note）的验证密钥，不是见证人的联署密钥（类型 0x04）",
                    ". This is a log (note) verifier key, not a witness cosigner key (type 0x04)",
                ));
            }
            message
        })?;
        keys.push(key);
    }
    let threshold = required.unwrap_or(keys.len());
    WitnessPolicy::new(keys, threshold)
        .map(Some)
        .map_err(|e| match lang {
            Lang::Zh => match e {
                PolicyError::ThresholdTooHigh {
                    threshold,
                    witnesses,
                } => {
                    format!("--witnesses-required 是 {threshold}，但只给出了 {witnesses} 位见证人")
                }
                PolicyError::DuplicateWitness { name, key_id } => {
                    format!("见证人 {name}+{key_id:08x} 给出了两次")
                }
                PolicyError::SharedPublicKey { first, second } => {
                    format!("见证人 {first} 和 {second} 用的是同一把公钥，不能算作两位见证人")
                }
            },
            Lang::En => format!("--witness / --witnesses-required: {e}"),
        })
}

/// Parses `--leaf-hash`: 64 hexadecimal digits, or base64.
fn parse_leaf_hash(text: &str, lang: Lang) -> Input<Hash> {
    let text = text.trim();
    let parsed = if text.len() == 64 {
        Hash::from_hex(&text.to_ascii_lowercase())
    } else {
        Hash::from_base64(text)
    };
    parsed.map_err(|_| match lang {
        Lang::Zh => format!(
            "--leaf-hash {text:?} 不是 32 字节的哈希：应为 64 位十六进制数字（或 44 个字符的 base64）"
        ),
        Lang::En => format!(
            "--leaf-hash {text:?} is not a 32-byte hash: give 64 hexadecimal digits (or 44 characters of base64)"
        ),
    })
}

/// Reads the leaf file and hashes it as a leaf, and without a final line feed if it has one.
fn read_leaf(path: &Path, lang: Lang) -> Input<Leaf> {
    let data = read_bounded(
        path,
        MAX_LEAF_BYTES,
        lang.pick("叶子文件", "the leaf file"),
        lang,
    )?;
    let stripped = data
        .strip_suffix(b"\r\n")
        .or_else(|| data.strip_suffix(b"\n"));
    Ok(Leaf {
        hash: leaf_hash(&data),
        without_final_newline: stripped.map(leaf_hash),
    })
}

/// Reads and parses the proof file, naming the line of a parse error and a BOM or CRLF.
fn read_proof(path: &Path, lang: Lang) -> Input<TlogProof> {
    let what = lang.pick("证明文件", "the proof file");
    let data = read_bounded(path, MAX_PROOF_BYTES, what, lang)?;
    let text = String::from_utf8(data).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        match lang {
            Lang::Zh => format!(
                "{what} {} 不是 UTF-8 文本：第 {line} 行（第 {offset} 字节）有无效字节",
                path.display()
            ),
            Lang::En => format!(
                "{what} {} is not UTF-8 text: invalid byte on line {line} (byte {offset})",
                path.display()
            ),
        }
    })?;
    TlogProof::parse(&text).map_err(|e| {
        let mut message = match lang {
            Lang::Zh => format!(
                "{what} {} 不是有效的 C2SP tlog-proof：{}",
                path.display(),
                parse_error_zh(&e, &text)
            ),
            Lang::En => format!(
                "{what} {} is not a valid C2SP tlog-proof: {e}{}",
                path.display(),
                checkpoint_file_line(&e, &text)
                    .map(|n| format!(" (line {n} of the file)"))
                    .unwrap_or_default()
            ),
        };
        if text.starts_with('\u{feff}') {
            message.push_str(lang.pick(
                "。文件以 BOM（U+FEFF）开头，请去掉它",
                ". The file starts with a byte order mark (U+FEFF); remove it",
            ));
        }
        if text.contains('\r') {
            message.push_str(lang.pick(
                "。文件里有回车符（Windows 换行 CRLF）；C2SP 格式只用换行符 LF",
                ". The file has carriage returns (Windows CRLF line ends); the C2SP format uses LF only",
            ));
        }
        message
    })
}

/// Reads at most `max` bytes of a file, refusing a longer one without reading it whole.
pub(super) fn read_bounded(path: &Path, max: usize, what: &str, lang: Lang) -> Input<Vec<u8>> {
    let cannot_read = |e: std::io::Error| match lang {
        Lang::Zh => format!("无法读取{what} {}：{}", path.display(), io_error_zh(&e)),
        Lang::En => format!("cannot read {what} {}: {e}", path.display()),
    };
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let mut data = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit)
        .read_to_end(&mut data)
        .map_err(cannot_read)?;
    if data.len() > max {
        return Err(match lang {
            Lang::Zh => format!("{what} {} 超过 {max} 字节的上限，不予读取", path.display()),
            Lang::En => format!(
                "{what} {} is larger than the limit of {max} bytes; refused",
                path.display()
            ),
        });
    }
    Ok(data)
}

/// The line of the proof file where the checkpoint's line `line` is.
pub(super) fn checkpoint_line_in_file(text: &str, line: usize) -> Option<usize> {
    let split = text.find("\n\n")?;
    let head_lines = text[..split].matches('\n').count() + 1;
    // The head's lines, the empty line, then the checkpoint.
    Some(head_lines + 1 + line)
}

/// For a parse error in the checkpoint at a known checkpoint line: that line in the file.
pub(super) fn checkpoint_file_line(error: &TlogProofParseError, text: &str) -> Option<usize> {
    let line = match error {
        TlogProofParseError::Checkpoint(e) => match e {
            CheckpointParseError::ControlCharacter { line, .. }
            | CheckpointParseError::EmptyLine { line }
            | CheckpointParseError::NewlineInLine { line } => *line,
            CheckpointParseError::Size(_) => 2,
            CheckpointParseError::Root(_) => 3,
            CheckpointParseError::TooLarge { .. }
            | CheckpointParseError::MissingFinalNewline
            | CheckpointParseError::TooFewLines { .. } => return None,
        },
        _ => return None,
    };
    checkpoint_line_in_file(text, line)
}
