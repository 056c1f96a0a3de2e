//! The streaming pass: the log read once, checked for format, chain, signatures and root
//! ([`StreamVerifier`]) while every entry is judged by the ledger's rules ([`Ledger::apply`]),
//! the genesis' log key and a saved checkpoint are compared, and what the later checks need
//! (receipts' leaves, attachment references) is collected.

use super::anchors::Anchors;
use super::checkpoints::{self, Opened, history_failure, log_key_mismatch, no_log_key};
use super::lines::{RecentLines, describe_line, stream_log};
use super::receipts::Receipt;
use super::{Checked, Explain as _, Halt, code_of, failure};
use crate::Args;
use crate::inputs::Inputs;
use crate::report::{self, OutcomeKind};
use anyhow::Context as _;
use gongzhang_core::Hash;
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::events::attachment_refs;
use gongzhang_core::ledger::{Ledger, RuleError};
use gongzhang_core::log::{LogError, VerifiedLog};
use gongzhang_core::merkle::MerkleAccumulator;
use gongzhang_core::note::VerifierKey;
use gongzhang_core::stream::{StreamError, StreamVerifier};
use gongzhang_text::Lang;
use std::collections::BTreeSet;

/// A log that verified against its checkpoint, and what it holds.
pub(super) struct VerifiedLedger {
    /// What the log established: origin, genesis, size and root, first and last times.
    pub(super) log: VerifiedLog,
    /// The ledger after every entry.
    pub(super) ledger: Ledger,
    /// The ledger's origin.
    pub(super) origin: String,
    /// The checkpoint the log matches, and the older one it extends.
    pub(super) opened: Opened,
    /// The attachments the entries name (collected only when there are attachments to check).
    pub(super) refs: BTreeSet<Hash>,
}

/// The streaming pass never stops for the rules: see [`Judge::stopped`].
enum Never {}

/// Reads the log once and judges every entry. `opened` is the checkpoint opened with `--key`;
/// without it, the checkpoint is opened when the genesis names the log key. A failure of the
/// log's format, chain, signatures or root outranks one of the rules found earlier.
pub(super) fn verify_log(
    args: &Args,
    inputs: &Inputs,
    anchors: &Anchors,
    opened: Option<Opened>,
    receipts: &mut [Receipt],
    lang: Lang,
) -> Checked<VerifiedLedger> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut verifier = StreamVerifier::new(threads);
    let origin = anchors.origin();
    if anchors.key.is_some() {
        verifier = verifier.expect_origin(&origin);
    }
    if let Some(hash) = anchors.genesis {
        verifier = verifier.expect_genesis_hash(hash);
    }
    let size = opened.as_ref().map(|o| o.checkpoint.tree_head().size);
    let mut judge = Judge {
        anchors,
        receipts,
        collect_refs: inputs.attachments.is_some(),
        bar: progress_bar(size.or(anchors.claimed_size), args),
        lang,
        origin,
        opened,
        ledger: Ledger::new(),
        refs: BTreeSet::new(),
        stopped: None,
    };
    let mut on_entry = |entry: &Entry, tree: &MerkleAccumulator| -> Result<(), Never> {
        judge.entry(entry, tree);
        Ok(())
    };
    let mut recent = RecentLines::new(threads);
    let result =
        stream_log(inputs, &mut verifier, &mut recent, &mut on_entry).context("reading the log")?;
    let verified = result.and_then(|()| verifier.finish(&mut on_entry));
    if let Some(bar) = &judge.bar {
        bar.finish_and_clear();
    }
    let log = match verified {
        Ok(log) => log,
        Err(StreamError::Log(error)) => return Err(log_rejected(&error, inputs, &recent, lang)),
        Err(StreamError::Stopped(never)) => match never {},
    };
    if let Some(opened) = &judge.opened {
        // The log must at least be the one the checkpoint covers before its content is judged.
        log.check_tree_head(&opened.checkpoint.tree_head())
            .map_err(|error| log_rejected(&error, inputs, &recent, lang))?;
    }
    if let Some(halt) = judge.stopped {
        return Err(halt);
    }
    let Some(opened) = judge.opened else {
        return Err(Halt::failed(
            OutcomeKind::CheckpointRejected,
            no_log_key(lang),
        ));
    };
    Ok(VerifiedLedger {
        log,
        ledger: judge.ledger,
        origin: judge.origin,
        opened,
        refs: judge.refs,
    })
}

/// What the pass keeps while it reads the log, and judges each entry with.
struct Judge<'a> {
    anchors: &'a Anchors,
    receipts: &'a mut [Receipt],
    collect_refs: bool,
    bar: Option<indicatif::ProgressBar>,
    lang: Lang,
    /// The ledger's origin: the log key's name, or the genesis' origin without `--key`.
    origin: String,
    /// The checkpoints, once opened.
    opened: Option<Opened>,
    ledger: Ledger,
    refs: BTreeSet<Hash>,
    /// The first problem the rules, the genesis or a saved checkpoint found. It is kept while
    /// the rest of the log is still checked for format, chain, signatures and root: if the file
    /// was altered after publication, that is what the resident must be told, not that the
    /// server accepted a bad entry.
    stopped: Option<Halt>,
}

impl Judge<'_> {
    /// Judges the next entry, unless an earlier one already failed.
    fn entry(&mut self, entry: &Entry, tree: &MerkleAccumulator) {
        if self.stopped.is_none() {
            if let Err(halt) = self.judge(entry, tree) {
                self.stopped = Some(halt);
            }
        }
    }

    /// The checks on one entry, in order: the saved checkpoint at its size, the ledger's rules,
    /// the genesis' log key; then what receipts, attachments and the progress bar need.
    fn judge(&mut self, entry: &Entry, tree: &MerkleAccumulator) -> Checked<()> {
        let lang = self.lang;
        if let Some(saved) = self.opened.as_ref().and_then(|o| o.older) {
            if tree.size() == saved.size && tree.tree_head() != saved {
                return Err(Halt::failed(
                    OutcomeKind::HistoryRewritten,
                    history_failure(saved, Some(tree.tree_head()), lang),
                ));
            }
        }
        if let Err(rule) = self.ledger.apply(entry) {
            return Err(rule_broken(&rule, entry, lang));
        }
        if entry.seq() == 0 {
            self.genesis()?;
        }
        for r in self.receipts.iter_mut() {
            r.observe(entry, tree, lang);
        }
        if self.collect_refs {
            attachment_refs(entry.event().body(), &mut self.refs);
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        Ok(())
    }

    /// The genesis names the log key: the checkpoint must be signed by that key. Without
    /// `--key`, the checkpoints are opened with it now.
    fn genesis(&mut self) -> Checked<()> {
        let named = VerifierKey::parse(self.ledger.log_key()).ok();
        match (&self.anchors.key, named) {
            (Some(given), Some(named)) if given.to_string() != named.to_string() => {
                Err(Halt::failed(
                    OutcomeKind::CheckpointRejected,
                    log_key_mismatch(&named, self.lang),
                ))
            }
            (None, Some(named)) => {
                self.origin = self.ledger.origin().to_string();
                self.opened = Some(checkpoints::open(
                    self.anchors,
                    &self.origin,
                    &named,
                    self.lang,
                )?);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// An entry the ledger's rules refuse.
fn rule_broken(rule: &RuleError, entry: &Entry, lang: Lang) -> Halt {
    let mut f = failure(
        code_of(&rule.violation),
        Some(rule.seq),
        rule.explain(lang),
        lang.pick(
            "签名和哈希链都没问题，但这笔记录本不该被接受（例如未经授权、资金透支、金额与公示标准不符）。",
            "signatures and chain are fine, but this entry should never have been accepted (unauthorised, overdrawn, or not the posted standard).",
        ),
    );
    f.entry = Some(report::describe(entry, lang));
    Halt::failed(OutcomeKind::RuleBroken, f)
}

/// The log itself is not valid: the failure names the entry, described when it can be read back.
fn log_rejected(error: &LogError, inputs: &Inputs, recent: &RecentLines, lang: Lang) -> Halt {
    let seq = error.seq();
    let mut f = failure(
        code_of(error),
        seq,
        error.explain(lang),
        log_meaning(error, lang),
    );
    f.entry = seq.and_then(|s| describe_line(&inputs.log, recent, s, lang));
    Halt::failed(OutcomeKind::LogRejected, f)
}

/// What a log error means for the resident.
fn log_meaning(error: &LogError, lang: Lang) -> &'static str {
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

/// A progress bar on a terminal, unless the report is JSON or `--no-progress` is given.
fn progress_bar(size: Option<u64>, args: &Args) -> Option<indicatif::ProgressBar> {
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
