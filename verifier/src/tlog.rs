//! `gongzhang-verify tlog-proof`: checks any C2SP tlog-proof (`c2sp.org/tlog-proof@v1`) against a
//! log's verifier key, so that the proof format is interoperable, not just Gongzhang's.
//!
//! Exit codes: 0 the proof verifies, 1 it does not (the report names why), 2 usage or input error
//! (unreadable or oversized files, a malformed key, a proof text that does not parse).

use crate::report::Lang;
use gongzhang_core::Hash;
use gongzhang_core::checkpoint::{CheckpointError, CheckpointParseError, DecimalError};
use gongzhang_core::cosignature::{
    self, COSIGNATURE_V1_TYPE, CosignatureError, CosignatureFormatError, CosignerKey, PolicyError,
    WitnessPolicy,
};
use gongzhang_core::hash::{HashParseError, leaf_hash};
use gongzhang_core::merkle::InclusionError;
use gongzhang_core::note::{
    self, ED25519_SIGNATURE_TYPE, KeyError, KeyNameError, NoteError, SIGNER_KEY_PREFIX,
    SignatureLineError, VerifierKey,
};
use gongzhang_core::tlog_proof::{
    self, MAX_PROOF_BYTES, TlogProof, TlogProofError, TlogProofParseError, VerifiedProof,
};
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Largest leaf file read, in bytes. Leaves of transparency logs are records of a few hundred
/// bytes to a few kilobytes (a Gongzhang entry is at most `entry::ENTRY_BYTES_MAX`); the bound
/// only keeps a wrong file (a disk image, a device) from filling memory.
pub const MAX_LEAF_BYTES: usize = 64 << 20;

/// Checking one C2SP tlog-proof.
#[derive(Debug, clap::Args)]
pub struct TlogProofArgs {
    /// 日志的验证密钥串（C2SP signed-note 格式：名称+密钥ID+密钥）/ the log's verifier key string (C2SP signed-note: name+keyid+key)
    #[arg(long, value_name = "VKEY")]
    pub key: String,
    /// 日志的 origin（检查点第一行）/ the log's origin (the checkpoint's first line)
    #[arg(long)]
    pub origin: String,
    /// 叶子数据文件（原样，不多不少；公账条目不含行尾换行）/ the file holding the leaf's exact data (a Gongzhang entry without its line feed)
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "leaf_hash",
        conflicts_with = "leaf_hash"
    )]
    pub leaf: Option<PathBuf>,
    /// 叶子哈希 SHA-256(0x00 ‖ 数据)，64 位十六进制（或 base64），代替 --leaf / the leaf hash SHA-256(0x00 ‖ data) in hex (or base64), instead of --leaf
    #[arg(long, value_name = "HEX")]
    pub leaf_hash: Option<String>,
    /// 见证人的联署公钥（可重复）/ a witness's cosigner key (repeatable)
    #[arg(long = "witness", value_name = "KEY")]
    pub witnesses: Vec<String>,
    /// 至少需要几位见证人联署（默认：所给的全部）/ how many witnesses must have cosigned (default: all given)
    #[arg(long, value_name = "N", requires = "witnesses")]
    pub witnesses_required: Option<usize>,
    /// tlog-proof 文件 / the tlog-proof file
    pub proof: PathBuf,
}

/// Runs the subcommand: exit 0 when the proof verifies, 1 when it does not, 2 on bad input.
pub fn main(args: &TlogProofArgs, lang: Lang) -> ExitCode {
    let inputs = match Inputs::read(args, lang) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("{}: {message}", lang.pick("输入错误", "input error"));
            return ExitCode::from(2);
        }
    };
    match inputs.verify(&inputs.leaf.hash) {
        Ok(verified) => {
            print!("{}", render_verified(&inputs, &verified, lang));
            ExitCode::SUCCESS
        }
        Err(error) => {
            print!("{}", render_failure(&inputs, &error, lang));
            ExitCode::from(1)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// An input error, already worded in the report's language.
type Input<T> = Result<T, String>;

/// The leaf the caller claims is in the log.
struct Leaf {
    /// `SHA-256(0x00 ‖ data)`, or the hash given with `--leaf-hash`.
    hash: Hash,
    /// When the leaf file ends with a line feed: the hash of its data without it (a Gongzhang
    /// entry saved as a line), tried only to explain a failure.
    without_final_newline: Option<Hash>,
}

/// Everything read and parsed before verification.
struct Inputs {
    key: VerifierKey,
    origin: String,
    policy: Option<WitnessPolicy>,
    leaf: Leaf,
    proof: TlogProof,
}

impl Inputs {
    fn read(args: &TlogProofArgs, lang: Lang) -> Input<Inputs> {
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

    fn verify(&self, leaf: &Hash) -> Result<VerifiedProof, TlogProofError> {
        tlog_proof::verify(
            &self.proof,
            leaf,
            &self.origin,
            &self.key,
            self.policy.as_ref(),
        )
    }
}

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
fn read_bounded(path: &Path, max: usize, what: &str, lang: Lang) -> Input<Vec<u8>> {
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

fn io_error_zh(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".to_owned(),
        _ => e.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

/// `name+keyid`, as key strings and signature lines name a key.
fn key_label(name: &str, key_id: u32) -> String {
    format!("{name}+{key_id:08x}")
}

/// A cosignature time (POSIX seconds) in Beijing time (UTC+8, no daylight saving time).
fn beijing(seconds: u64, lang: Lang) -> String {
    let local = i64::try_from(seconds)
        .ok()
        .and_then(|s| s.checked_add(8 * 3600))
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok());
    match local {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            lang.pick("北京时间", "Beijing time")
        ),
        None => match lang {
            Lang::Zh => format!("时间戳 {seconds}"),
            Lang::En => format!("timestamp {seconds}"),
        },
    }
}

fn render_verified(inputs: &Inputs, verified: &VerifiedProof, lang: Lang) -> String {
    let head = verified.tree_head();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "✔ 核对通过：日志密钥签名的检查点包含这个叶子。",
            "✔ Verified: the checkpoint signed by the log key includes this leaf."
        )
    );
    let mut field = |label: &str, value: &str| {
        let _ = writeln!(out, "  {label} {value}");
    };
    field(
        lang.pick("日志（origin）：", "log (origin):"),
        &inputs.origin,
    );
    field(
        lang.pick("日志密钥：", "log key:"),
        &key_label(inputs.key.name(), inputs.key.key_id()),
    );
    field(
        lang.pick("树的大小：", "tree size:"),
        &head.size.to_string(),
    );
    field(
        lang.pick("根哈希（十六进制）：", "root hash (hex):"),
        &head.root.to_hex(),
    );
    field(
        lang.pick("根哈希（base64）：", "root hash (base64):"),
        &head.root.to_base64(),
    );
    field(
        lang.pick("叶子序号（从 0 开始）：", "leaf index (from 0):"),
        &verified.index().to_string(),
    );
    field(
        lang.pick("叶子哈希：", "leaf hash:"),
        &inputs.leaf.hash.to_hex(),
    );
    for cosignature in verified.cosignatures() {
        let when = beijing(cosignature.timestamp(), lang);
        let value = match lang {
            Lang::Zh => format!("{}（{when}）", cosignature.name()),
            Lang::En => format!("{} ({when})", cosignature.name()),
        };
        field(lang.pick("见证人联署：", "cosigned by witness:"), &value);
    }
    if let Some(policy) = &inputs.policy {
        let value = match lang {
            Lang::Zh => format!(
                "要求 {} 位（共 {} 位），已满足",
                policy.threshold(),
                policy.witnesses().len()
            ),
            Lang::En => format!(
                "{} of {} required, met",
                policy.threshold(),
                policy.witnesses().len()
            ),
        };
        field(lang.pick("见证人要求：", "witness policy:"), &value);
    }
    let others = other_signers(inputs, verified);
    if !others.is_empty() {
        let value = match lang {
            Lang::Zh => format!(
                "{}（用 --witness 给出见证人的公钥即可核对）",
                others.join("、")
            ),
            Lang::En => format!(
                "{} (give a witness's key with --witness to check it)",
                others.join(", ")
            ),
        };
        field(
            lang.pick(
                "检查点上其他未核对的签名：",
                "other signatures, not checked:",
            ),
            &value,
        );
    }
    if let Some(extra) = inputs.proof.extra() {
        let value = match lang {
            Lang::Zh => format!("{} 字节（不受签名保护，不可信）", extra.len()),
            Lang::En => format!("{} bytes (not covered by any signature)", extra.len()),
        };
        field(lang.pick("附加数据（extra）：", "extra data:"), &value);
    }
    out
}

/// The signature lines of the checkpoint note that are neither the log's nor a verified
/// witness's, as `name+keyid`.
fn other_signers(inputs: &Inputs, verified: &VerifiedProof) -> Vec<String> {
    let Ok((_, lines)) = note::parse(inputs.proof.checkpoint_note()) else {
        return Vec::new();
    };
    let mut others: Vec<String> = Vec::new();
    for line in &lines {
        let is_log = line.name() == inputs.key.name() && line.key_id() == inputs.key.key_id();
        let is_witness = verified
            .cosignatures()
            .iter()
            .any(|c| c.name() == line.name() && c.key_id() == line.key_id());
        let label = key_label(line.name(), line.key_id());
        if !is_log && !is_witness && !others.contains(&label) {
            others.push(label);
        }
    }
    others
}

/// The signers named by the checkpoint note's signature lines, as `name+keyid`.
fn note_signers(inputs: &Inputs) -> Vec<String> {
    let Ok((_, lines)) = note::parse(inputs.proof.checkpoint_note()) else {
        return Vec::new();
    };
    let mut labels: Vec<String> = Vec::new();
    for line in &lines {
        let label = key_label(line.name(), line.key_id());
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
}

fn render_failure(inputs: &Inputs, error: &TlogProofError, lang: Lang) -> String {
    let key = key_label(inputs.key.name(), inputs.key.key_id());
    let (heading, details): (&str, Vec<String>) = match error {
        TlogProofError::Checkpoint(CheckpointError::Note(NoteError::NoKnownSignature)) => {
            let signers = note_signers(inputs);
            (
                lang.pick(
                    "检查点不是由这把日志密钥签名的。",
                    "the checkpoint is not signed by this log key.",
                ),
                vec![match lang {
                    Lang::Zh => format!(
                        "给出的日志密钥是 {key}，检查点上的签名来自：{}。",
                        signers.join("、")
                    ),
                    Lang::En => format!(
                        "the log key given is {key}; the checkpoint is signed by: {}.",
                        signers.join(", ")
                    ),
                }],
            )
        }
        TlogProofError::Checkpoint(CheckpointError::Note(NoteError::BadSignature { .. })) => (
            lang.pick(
                "检查点不是由这把日志密钥签名的。",
                "the checkpoint is not signed by this log key.",
            ),
            vec![match lang {
                Lang::Zh => format!(
                    "检查点上署名为 {key} 的签名验证不通过：检查点的内容被改动过，或签名是伪造的。"
                ),
                Lang::En => format!(
                    "the signature in the name of {key} does not verify: the checkpoint was altered, or the signature is forged."
                ),
            }],
        ),
        TlogProofError::Checkpoint(CheckpointError::Note(e)) => (
            lang.pick(
                "检查点无法用这把日志密钥打开。",
                "the checkpoint cannot be opened with this log key.",
            ),
            vec![explain(lang, e, note_error_zh)],
        ),
        TlogProofError::Checkpoint(CheckpointError::Checkpoint(e)) => (
            lang.pick(
                "日志签名的检查点格式有误。",
                "the checkpoint the log signed is malformed.",
            ),
            vec![explain(lang, e, checkpoint_parse_error_zh)],
        ),
        TlogProofError::Checkpoint(CheckpointError::OriginMismatch { expected, found }) => (
            lang.pick(
                "检查点属于另一个日志（origin 不符）。",
                "the checkpoint is for another log (origin mismatch).",
            ),
            vec![match lang {
                Lang::Zh => format!("检查点的 origin 是 {found:?}，你给出的是 {expected:?}。"),
                Lang::En => {
                    format!("the checkpoint's origin is {found:?}, you gave {expected:?}.")
                }
            }],
        ),
        TlogProofError::Checkpoint(CheckpointError::Witnesses(e)) => (
            lang.pick(
                "见证人的联署不够或无效。",
                "witness cosignatures are missing or invalid.",
            ),
            witness_details(inputs, e, lang),
        ),
        TlogProofError::Inclusion(InclusionError::IndexOutOfRange { index, size }) => (
            lang.pick(
                "叶子序号超出了树的大小。",
                "the leaf index is beyond the tree size.",
            ),
            vec![match (lang, size.checked_sub(1)) {
                (Lang::Zh, Some(last)) => format!(
                    "证明里的序号是 {index}，但检查点的树只有 {size} 个叶子（序号从 0 到 {last}）。"
                ),
                (Lang::Zh, None) => format!("证明里的序号是 {index}，但检查点的树是空的。"),
                (Lang::En, Some(last)) => format!(
                    "the proof's index is {index}, but the checkpoint's tree has {size} leaves (indices 0 to {last})."
                ),
                (Lang::En, None) => {
                    format!("the proof's index is {index}, but the checkpoint's tree is empty.")
                }
            }],
        ),
        TlogProofError::Inclusion(e) => {
            let mut details = vec![match (lang, e) {
                (
                    Lang::Zh,
                    InclusionError::WrongProofLength {
                        index,
                        size,
                        expected,
                        found,
                    },
                ) => format!(
                    "大小为 {size} 的树中序号 {index} 的包含证明应有 {expected} 个哈希，这里有 {found} 个。"
                ),
                (Lang::Zh, InclusionError::RootMismatch { expected, computed }) => format!(
                    "由叶子哈希和证明算出的根是 {computed}，检查点的根是 {expected}：这个叶子不在这个位置，或者叶子、证明被改动过。"
                ),
                (Lang::Zh, other) => other.to_string(),
                (Lang::En, other) => format!("{other}."),
            }];
            details.push(format!(
                "{} {}",
                lang.pick("叶子哈希：", "leaf hash:"),
                inputs.leaf.hash.to_hex()
            ));
            if let Some(alternative) = &inputs.leaf.without_final_newline {
                if inputs.verify(alternative).is_ok() {
                    details.push(
                        lang.pick(
                            "提示：叶子文件以换行结尾；去掉最后的换行后证明就能通过。公账条目作为叶子不含行尾换行，请去掉它再核对。",
                            "hint: the leaf file ends with a line feed; without it the proof verifies. A Gongzhang entry as a leaf excludes its line feed: remove it and check again.",
                        )
                        .to_owned(),
                    );
                }
            }
            (
                lang.pick(
                    "包含证明算不出检查点的根哈希。",
                    "the inclusion proof does not lead to the checkpoint's root hash.",
                ),
                details,
            )
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{heading}",
        lang.pick("✘ 核对失败：", "✘ Verification failed: ")
    );
    let mut details = details.into_iter();
    if let Some(reason) = details.next() {
        let _ = writeln!(out, "  {} {reason}", lang.pick("原因：", "reason:"));
    }
    for detail in details {
        let _ = writeln!(out, "  {detail}");
    }
    out
}

fn witness_details(inputs: &Inputs, error: &CosignatureError, lang: Lang) -> Vec<String> {
    let mut details = vec![explain(lang, error, cosignature_error_zh)];
    if let (CosignatureError::NotEnoughCosignatures { .. }, Some(policy)) = (error, &inputs.policy)
    {
        let present =
            cosignature::verify_cosignatures(inputs.proof.checkpoint_note(), policy.witnesses())
                .unwrap_or_default();
        let missing: Vec<String> = policy
            .witnesses()
            .iter()
            .filter(|w| {
                !present
                    .iter()
                    .any(|c| c.name() == w.name() && c.key_id() == w.key_id())
            })
            .map(|w| key_label(w.name(), w.key_id()))
            .collect();
        if !missing.is_empty() {
            details.push(match lang {
                Lang::Zh => format!("没有联署的见证人： {}", missing.join("、")),
                Lang::En => format!("witnesses who did not cosign: {}", missing.join(", ")),
            });
        }
    }
    details
}

// ---------------------------------------------------------------------------------------------
// The core's errors in Chinese (English is their `Display`)
// ---------------------------------------------------------------------------------------------

fn explain<E: std::fmt::Display>(lang: Lang, error: &E, zh: fn(&E) -> String) -> String {
    match lang {
        Lang::Zh => zh(error),
        Lang::En => error.to_string(),
    }
}

/// The line of the proof file where the checkpoint's line `line` is.
fn checkpoint_line_in_file(text: &str, line: usize) -> Option<usize> {
    let split = text.find("\n\n")?;
    let head_lines = text[..split].matches('\n').count() + 1;
    // The head's lines, the empty line, then the checkpoint.
    Some(head_lines + 1 + line)
}

/// For a parse error in the checkpoint at a known checkpoint line: that line in the file.
fn checkpoint_file_line(error: &TlogProofParseError, text: &str) -> Option<usize> {
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

fn parse_error_zh(error: &TlogProofParseError, text: &str) -> String {
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

fn decimal_error_zh(error: &DecimalError) -> String {
    match error {
        DecimalError::NotDecimal => "不是只由 ASCII 数字组成的十进制数（不能有符号或空格）",
        DecimalError::LeadingZero => "有前导零",
        DecimalError::TooLarge => "大于 2^64 − 1",
    }
    .to_owned()
}

fn hash_error_zh(error: &HashParseError) -> String {
    match error {
        HashParseError::WrongLength { expected, found } => {
            format!("应为 {expected} 字节，这里是 {found} 字节")
        }
        HashParseError::NotLowercaseHex => "应写成 64 位小写十六进制数字".to_owned(),
        HashParseError::NotBase64 => "不是带填充的标准 base64".to_owned(),
    }
}

fn checkpoint_parse_error_zh(error: &CheckpointParseError) -> String {
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

fn note_error_zh(error: &NoteError) -> String {
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

fn cosignature_error_zh(error: &CosignatureError) -> String {
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

fn key_error_zh(error: &KeyError) -> String {
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
