//! The subcommand's report: what a verified proof shows, or why it fails.

use super::inputs::Inputs;
use super::key_label;
use super::zh::{checkpoint_parse_error_zh, cosignature_error_zh, explain, note_error_zh};
use gongzhang_core::checkpoint::CheckpointError;
use gongzhang_core::cosignature::{self, CosignatureError};
use gongzhang_core::merkle::InclusionError;
use gongzhang_core::note::{self, NoteError};
use gongzhang_core::tlog_proof::{TlogProofError, VerifiedProof};
use gongzhang_text::Lang;
use std::fmt::Write as _;

/// A cosignature time (POSIX seconds) in Beijing time (UTC+8, no daylight saving time).
pub(super) fn beijing(seconds: u64, lang: Lang) -> String {
    let local = i64::try_from(seconds)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .map(|t| t.to_offset(gongzhang_core::entry::BEIJING));
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

/// What a proof that verifies shows: the log, its key, the tree, the leaf and the witnesses.
pub(super) fn render_verified(inputs: &Inputs, verified: &VerifiedProof, lang: Lang) -> String {
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
pub(super) fn other_signers(inputs: &Inputs, verified: &VerifiedProof) -> Vec<String> {
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
pub(super) fn note_signers(inputs: &Inputs) -> Vec<String> {
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

/// Why a proof does not verify: a heading, the reason, then further details.
pub(super) fn render_failure(inputs: &Inputs, error: &TlogProofError, lang: Lang) -> String {
    let (heading, details) = match error {
        TlogProofError::Checkpoint(e) => checkpoint_failure(inputs, e, lang),
        TlogProofError::Inclusion(e) => inclusion_failure(inputs, e, lang),
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

/// The checkpoint cannot be opened with the log key, or its witnesses do not suffice.
fn checkpoint_failure(
    inputs: &Inputs,
    error: &CheckpointError,
    lang: Lang,
) -> (&'static str, Vec<String>) {
    let key = key_label(inputs.key.name(), inputs.key.key_id());
    match error {
        CheckpointError::Note(NoteError::NoKnownSignature) => {
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
        CheckpointError::Note(NoteError::BadSignature { .. }) => (
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
        CheckpointError::Note(e) => (
            lang.pick(
                "检查点无法用这把日志密钥打开。",
                "the checkpoint cannot be opened with this log key.",
            ),
            vec![explain(lang, e, note_error_zh)],
        ),
        CheckpointError::Checkpoint(e) => (
            lang.pick(
                "日志签名的检查点格式有误。",
                "the checkpoint the log signed is malformed.",
            ),
            vec![explain(lang, e, checkpoint_parse_error_zh)],
        ),
        CheckpointError::OriginMismatch { expected, found } => (
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
        CheckpointError::Witnesses(e) => (
            lang.pick(
                "见证人的联署不够或无效。",
                "witness cosignatures are missing or invalid.",
            ),
            witness_details(inputs, e, lang),
        ),
    }
}

/// The inclusion proof does not lead from the leaf to the checkpoint's root.
fn inclusion_failure(
    inputs: &Inputs,
    error: &InclusionError,
    lang: Lang,
) -> (&'static str, Vec<String>) {
    match error {
        InclusionError::IndexOutOfRange { index, size } => (
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
        e => {
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
    }
}

/// Why the witnesses do not suffice, and which of those required did not cosign.
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
