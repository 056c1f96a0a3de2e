//! The streaming pass over the log: what its failures mean to a resident, and its progress bar.

use super::lines::{RecentLines, describe_line};
use super::{Explain as _, code_of, failure};
use crate::Args;
use crate::inputs::Inputs;
use crate::report::{Lang, OutcomeKind, Report};
use gongzhang_core::log::LogError;

pub(super) fn log_meaning(error: &LogError, lang: Lang) -> &'static str {
    match error {
        LogError::BadSignature { .. } => lang.pick(
            "这条记录在签名之后被改动过，或签名是伪造的。",
            "this entry was changed after it was signed, or the signature is forged.",
        ),
        LogError::PrevHashMismatch { .. }
        | LogError::SeqMismatch { .. }
        | LogError::TimeWentBackwards { .. } => lang.pick(
            "日志的前后顺序被打乱：有记录被删除、插入、调换或改动过。",
            "the order of the log was disturbed: entries were removed, inserted, swapped or changed.",
        ),
        LogError::SizeMismatch { .. } | LogError::UnterminatedLastLine { .. } => lang.pick(
            "你拿到的日志不完整（下载中断或被截断），或检查点不是这份日志的。",
            "the log you have is incomplete (an interrupted download or a cut), or the checkpoint is for another log.",
        ),
        LogError::RootMismatch { .. } => lang.pick(
            "日志的内容与签名的检查点不同：有记录被改动过。",
            "the log's content differs from what the signed checkpoint covers: entries were changed.",
        ),
        LogError::OriginMismatch { .. } | LogError::GenesisHashMismatch { .. } => lang.pick(
            "这不是公告栏上的那个账本。",
            "this is not the ledger on the notice board.",
        ),
        _ => lang.pick(
            "这份日志的格式不对，不能作为账目的依据。",
            "the log is not well-formed and cannot stand as the accounts.",
        ),
    }
}

pub(super) fn log_seq(error: &LogError) -> Option<u64> {
    match error {
        LogError::Malformed { seq, .. }
        | LogError::PrevHashMismatch { seq, .. }
        | LogError::TimeWentBackwards { seq, .. }
        | LogError::SecondGenesis { seq }
        | LogError::BadSignature { seq, .. }
        | LogError::InvalidKey { seq, .. }
        | LogError::NonCanonicalKey { seq, .. }
        | LogError::UnterminatedLastLine { seq } => Some(*seq),
        LogError::SeqMismatch { expected, .. } => Some(*expected),
        LogError::FirstEntryNotGenesis { .. }
        | LogError::GenesisOriginInvalid
        | LogError::OriginMismatch { .. }
        | LogError::GenesisHashMismatch { .. } => Some(0),
        LogError::Empty | LogError::SizeMismatch { .. } | LogError::RootMismatch { .. } => None,
    }
}

pub(super) fn progress_bar(size: Option<u64>, args: &Args) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal as _;
    if args.no_progress || args.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match size {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, {eta})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

pub(super) fn log_rejected(
    report: Report,
    error: &LogError,
    inputs: &Inputs,
    recent: &RecentLines,
    lang: Lang,
) -> Report {
    let seq = log_seq(error);
    let mut f = failure(
        code_of(error),
        seq,
        error.explain(lang.core()),
        log_meaning(error, lang),
    );
    f.entry = seq.and_then(|s| describe_line(&inputs.log, recent, s, lang));
    report.fail(OutcomeKind::LogRejected, f)
}
