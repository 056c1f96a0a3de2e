//! The checkpoints: the one the log is checked against (opened with the log key, its witnesses
//! counted) and an older one the resident saved, which the log must extend.

use super::anchors::Anchors;
use super::{Checked, Halt, code_of, failure};
use crate::report::{Failure, OutcomeKind};
use gongzhang_core::checkpoint::{self, CheckpointError, OpenedCheckpoint};
use gongzhang_core::cosignature::WitnessPolicy;
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note::VerifierKey;
use gongzhang_text::Lang;

/// The checkpoint opened with the log key, and the tree head of the older one.
pub(super) struct Opened {
    /// The checkpoint the log is checked against.
    pub(super) checkpoint: OpenedCheckpoint,
    /// The tree head of the checkpoint saved before, which the log must extend.
    pub(super) older: Option<TreeHead>,
}

/// With `--key`, the checkpoints are opened before the log is read; without it, they are opened
/// when the genesis names the log key (see [`open`]).
pub(super) fn open_with_given_key(anchors: &Anchors, lang: Lang) -> Checked<Option<Opened>> {
    match &anchors.key {
        Some(key) => open(anchors, &anchors.origin(), key, lang).map(Some),
        None => Ok(None),
    }
}

/// Opens the checkpoint and the older one with `key`; an older checkpoint that covers more
/// entries than the checkpoint shows the log was shortened.
pub(super) fn open(
    anchors: &Anchors,
    origin: &str,
    key: &VerifierKey,
    lang: Lang,
) -> Checked<Opened> {
    let (checkpoint, older) = open_checkpoints(
        &anchors.note,
        origin,
        key,
        anchors.policy.as_ref(),
        anchors.older.as_deref(),
        lang,
    )
    .map_err(|f| Halt::failed(OutcomeKind::CheckpointRejected, f))?;
    if let Some(saved) = older {
        if saved.size > checkpoint.tree_head().size {
            return Err(Halt::failed(
                OutcomeKind::HistoryRewritten,
                history_failure(saved, None, lang),
            ));
        }
    }
    Ok(Opened { checkpoint, older })
}

/// A checkpoint that cannot be opened, as the report tells it.
fn explain_checkpoint(error: &CheckpointError, lang: Lang) -> Failure {
    let message = match (lang, error) {
        (Lang::Zh, CheckpointError::Witnesses(e)) => {
            format!("见证人的联署不够或无效：{e}")
        }
        (Lang::Zh, CheckpointError::OriginMismatch { expected, found }) => {
            format!("检查点属于账本 {found}，不是 {expected}")
        }
        (Lang::Zh, e) => format!("检查点无法用这把日志公钥打开：{e}"),
        (Lang::En, e) => e.to_string(),
    };
    let meaning = match error {
        CheckpointError::Witnesses(_) => lang.pick(
            "没有足够的独立见证人为这个检查点作证；它可能只给你一个人看过。",
            "not enough independent witnesses vouch for this checkpoint; it may have been shown to you alone.",
        ),
        CheckpointError::OriginMismatch { .. } => lang.pick(
            "这个检查点是另一个账本的，不能用来核对这份日志。",
            "this checkpoint belongs to another ledger and cannot vouch for this log.",
        ),
        _ => lang.pick(
            "检查点不是由公告栏上的日志公钥签名的：不能相信它代表的账目。",
            "the checkpoint is not signed by the log key on the notice board: it vouches for nothing.",
        ),
    };
    failure(code_of(error), None, message, meaning)
}

/// An older checkpoint of size 0 is refused as input (exit 2): a consistency proof from the empty
/// tree proves nothing (docs/log-format.md §7, as transparency-dev/merkle), and a Gongzhang log is
/// never empty, so such a file cannot be one the resident saved from the notice board.
pub(super) fn refuse_empty_older_checkpoint(text: &str, lang: Lang) -> anyhow::Result<()> {
    let body = text
        .split_once("\n\n")
        .map_or(text, |(body, _)| body)
        .to_string()
        + "\n";
    if checkpoint::Checkpoint::parse(&body).is_ok_and(|c| c.tree_head().size == 0) {
        anyhow::bail!(
            "{}",
            lang.pick(
                "--older-checkpoint 给的检查点条目数为 0：从空账本出发的一致性核对证明不了任何事（日志格式说明第 7 节），账本也从来不会是空的。请给出你以前从公告栏保存的检查点",
                "--older-checkpoint is a checkpoint of size 0: consistency from the empty tree proves nothing (docs/log-format.md section 7), and a ledger is never empty; give a checkpoint you saved from the notice board"
            )
        );
    }
    Ok(())
}

/// Opens the checkpoint with its witnesses, and the older one without.
fn open_checkpoints(
    note: &str,
    origin: &str,
    key: &VerifierKey,
    policy: Option<&WitnessPolicy>,
    older: Option<&str>,
    lang: Lang,
) -> Result<(OpenedCheckpoint, Option<TreeHead>), Failure> {
    let opened =
        checkpoint::open(note, origin, key, policy).map_err(|e| explain_checkpoint(&e, lang))?;
    let older = match older {
        None => None,
        Some(text) => Some(
            checkpoint::open(text, origin, key, None)
                .map_err(|e| explain_checkpoint(&e, lang))?
                .tree_head(),
        ),
    };
    Ok((opened, older))
}

/// A log that does not extend a checkpoint seen before: `found` is the log's tree head at the
/// saved checkpoint's size, `None` when the log now has fewer entries than the saved one.
pub(super) fn history_failure(saved: TreeHead, found: Option<TreeHead>, lang: Lang) -> Failure {
    match found {
        Some(now) => failure(
            "log_rewritten",
            None,
            format!(
                "{} {}: {} ≠ {}",
                lang.pick(
                    "你以前保存的检查点与现在日志的前面部分不一致。条目数",
                    "the checkpoint you saved differs from the start of the log now. Size"
                ),
                saved.size,
                saved.root,
                now.root
            ),
            lang.pick(
                "同一个日志公钥签过两个互相矛盾的版本：有人改写了已经公布的账目。请把两个检查点都交给街道办。",
                "the log key signed two contradicting versions: someone rewrote published accounts. Give both checkpoints to the street office.",
            ),
        ),
        None => failure(
            "log_shortened",
            None,
            format!(
                "{} {}",
                lang.pick(
                    "你以前保存的检查点包括的条目比现在的日志还多：日志被删减了。保存的条目数：",
                    "the checkpoint you saved covers more entries than the log has now: entries were removed. Saved size:"
                ),
                saved.size
            ),
            lang.pick(
                "已经公布过的记录不见了。请把保存的检查点交给街道办。",
                "records that were published have disappeared. Give the saved checkpoint to the street office.",
            ),
        ),
    }
}

/// The genesis names another log key than the one given with `--key`.
pub(super) fn log_key_mismatch(named: &VerifierKey, lang: Lang) -> Failure {
    failure(
        "log_key_mismatch",
        Some(0),
        format!(
            "{} {named}",
            lang.pick(
                "你给的日志公钥不是这个账本创世条目里登记的那一把：",
                "the log key you gave is not the one this ledger's genesis entry names:"
            )
        ),
        lang.pick(
            "检查点和日志可能来自不同的人；请核对公告栏上的日志公钥。",
            "the checkpoint and the log may come from different people; check the log key on the notice board.",
        ),
    )
}

/// Without `--key` the genesis supplies the key; a log that verified without one has none usable.
pub(super) fn no_log_key(lang: Lang) -> Failure {
    failure(
        "no_log_key",
        Some(0),
        lang.pick(
            "创世条目里没有可用的日志公钥。",
            "the genesis entry names no usable log key.",
        )
        .to_string(),
        "",
    )
}
