//! The checks, in one streaming pass over the log, then the checks that need the whole ledger
//! (the checkpoint's root, receipts, published statements, attachments, the bundle's manifest).

mod checkpoints;
mod lines;
mod pass;
mod receipts;
mod statements;
mod summary;

use crate::Args;
use crate::inputs::{self, ManifestProblem};
use crate::report::{
    self, AttachmentInfo, EntryInfo, Failure, HeadInfo, Lang, OutcomeKind, ReceiptInfo, Report,
    StatementInfo, WitnessInfo,
};
use anyhow::Context as _;
use checkpoints::{history_failure, open_checkpoints, refuse_empty_older_checkpoint};
use gongzhang_core::Hash;
use gongzhang_core::checkpoint::{self, OpenedCheckpoint};
use gongzhang_core::cosignature::{CosignerKey, WitnessPolicy};
use gongzhang_core::entry::Entry;
use gongzhang_core::ledger::events::{Statement, attachment_refs};
use gongzhang_core::ledger::rules::{Ledger, RuleError};
use gongzhang_core::merkle::{MerkleAccumulator, TreeHead};
use gongzhang_core::note::{self, VerifierKey};
use gongzhang_core::stream::{StreamError, StreamVerifier};
use gongzhang_core::tlog_proof::{self, TlogProof};
use lines::{RecentLines, stream_log};
use pass::{log_rejected, progress_bar};
use receipts::Receipt;
use statements::first_difference;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use summary::ledger_info;

use gongzhang_core::messages::Explain;
pub use gongzhang_core::messages::code_of;

/// The streaming pass never stops for the rules: see `stopped` in [`run`].
enum Never {}

/// The first problem the rules, the genesis or a saved checkpoint found.
enum Stop {
    Rule(RuleError, Box<EntryInfo>),
    Checkpoint(Failure),
    History(Failure),
}

fn failure(code: impl Into<String>, seq: Option<u64>, message: String, meaning: &str) -> Failure {
    Failure {
        code: code.into(),
        seq,
        message,
        meaning: meaning.to_string(),
        entry: None,
    }
}

/// Runs every check. `Err` is a usage or input error (exit code 2); a failed check is a report.
pub fn run(args: &Args, lang: Lang) -> anyhow::Result<Report> {
    let inputs = inputs::resolve(args)?;
    let key = match &args.key {
        Some(text) => {
            Some(VerifierKey::parse(text.trim()).with_context(|| format!("--key {text:?}"))?)
        }
        None => None,
    };
    let genesis = match &args.genesis_hash {
        Some(text) => {
            Some(Hash::from_hex(text.trim()).with_context(|| format!("--genesis-hash {text:?}"))?)
        }
        None => None,
    };
    let note = inputs::read_small(
        &inputs.checkpoint,
        note::MAX_NOTE_BYTES as u64,
        "the checkpoint",
    )?;
    // The trusted log key names the ledger (its name is the origin), so a checkpoint for another
    // ledger is refused as such. With the genesis hash alone, the genesis entry names both.
    let mut origin = match &key {
        Some(key) => key.name().to_string(),
        None => String::new(),
    };
    let claimed_size = note.lines().nth(1).and_then(|l| l.parse::<u64>().ok());
    let policy = if args.witnesses.is_empty() {
        None
    } else {
        let keys = args
            .witnesses
            .iter()
            .map(|w| CosignerKey::parse(w.trim()).with_context(|| format!("--witness {w:?}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let required = args.witnesses_required.unwrap_or(keys.len());
        Some(WitnessPolicy::new(keys, required).context("--witnesses-required")?)
    };
    let older_text = match &args.older_checkpoint {
        Some(path) => Some(inputs::read_small(
            path,
            note::MAX_NOTE_BYTES as u64,
            "the older checkpoint",
        )?),
        None => None,
    };
    if let Some(text) = &older_text {
        refuse_empty_older_checkpoint(text, lang)?;
    }
    let mut receipts = Vec::new();
    for path in &args.receipts {
        let text = inputs::read_small(path, tlog_proof::MAX_PROOF_BYTES as u64, "the receipt")?;
        let proof = TlogProof::parse(&text)
            .with_context(|| format!("the receipt {} is not a tlog-proof", path.display()))?;
        let checkpoint = checkpoint::Checkpoint::parse(
            proof
                .checkpoint_note()
                .split("\n\n")
                .next()
                .map(|body| format!("{body}\n"))
                .unwrap_or_default()
                .as_str(),
        )
        .ok()
        .map(|c| c.tree_head());
        receipts.push(Receipt {
            file: display_name(path),
            proof,
            checkpoint,
            leaf: None,
            head_at_size: None,
            entry: None,
        });
    }
    let statements = inputs
        .statements
        .iter()
        .map(|p| Ok((p.clone(), inputs::read_statement(p)?)))
        .collect::<anyhow::Result<Vec<(PathBuf, Statement)>>>()?;

    let mut report = Report::new();
    let mut opened: Option<OpenedCheckpoint> = None;
    let mut older: Option<TreeHead> = None;
    if let Some(key) = &key {
        match open_checkpoints(
            &note,
            &origin,
            key,
            policy.as_ref(),
            older_text.as_deref(),
            lang,
        ) {
            Ok((o, saved)) => {
                opened = Some(o);
                older = saved;
            }
            Err(f) => return Ok(report.fail(OutcomeKind::CheckpointRejected, f)),
        }
    }
    if let (Some(saved), Some(o)) = (older, &opened) {
        if saved.size > o.tree_head().size {
            return Ok(report.fail(
                OutcomeKind::HistoryRewritten,
                history_failure(saved, None, lang),
            ));
        }
    }

    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut verifier = StreamVerifier::new(threads);
    if key.is_some() {
        verifier = verifier.expect_origin(&origin);
    }
    if let Some(hash) = genesis {
        verifier = verifier.expect_genesis_hash(hash);
    }
    let bar = progress_bar(
        opened.as_ref().map(|o| o.tree_head().size).or(claimed_size),
        args,
    );
    let mut ledger = Ledger::new();
    let mut refs = BTreeSet::new();
    // The first problem the rules (or the saved checkpoint) find is kept while the rest of the log
    // is still checked for format, chain, signatures and root: if the file was altered after
    // publication, that is what the resident must be told, not that the server accepted a bad
    // entry.
    let mut judge_entry = |entry: &Entry, tree: &MerkleAccumulator| -> Result<(), Stop> {
        let size = tree.size();
        if let Some(saved) = older {
            if size == saved.size && tree.tree_head() != saved {
                return Err(Stop::History(history_failure(
                    saved,
                    Some(tree.tree_head()),
                    lang,
                )));
            }
        }
        if let Err(rule) = ledger.apply(entry) {
            return Err(Stop::Rule(rule, Box::new(report::describe(entry, lang))));
        }
        if entry.seq() == 0 {
            // The genesis names the log key: the checkpoint must be signed by that key.
            let named = VerifierKey::parse(ledger.log_key()).ok();
            match (&key, named) {
                (Some(given), Some(named)) if given.to_string() != named.to_string() => {
                    return Err(Stop::Checkpoint(failure(
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
                    )));
                }
                (None, Some(named)) => {
                    origin = ledger.origin().to_string();
                    match open_checkpoints(
                        &note,
                        &origin,
                        &named,
                        policy.as_ref(),
                        older_text.as_deref(),
                        lang,
                    ) {
                        Ok((o, saved)) => {
                            if let Some(s) = saved {
                                if s.size > o.tree_head().size {
                                    return Err(Stop::History(history_failure(s, None, lang)));
                                }
                            }
                            opened = Some(o);
                            older = saved;
                        }
                        Err(f) => return Err(Stop::Checkpoint(f)),
                    }
                }
                _ => {}
            }
        }
        for r in &mut receipts {
            if r.proof.index() == entry.seq() {
                r.leaf = Some(entry.hash());
                r.entry = Some(report::describe(entry, lang));
            }
            if r.checkpoint.is_some_and(|c| c.size == size) {
                r.head_at_size = Some(tree.tree_head());
            }
        }
        if inputs.attachments.is_some() {
            attachment_refs(entry.event().body(), &mut refs);
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
        Ok(())
    };
    let mut stopped: Option<Stop> = None;
    let mut on_entry = |entry: &Entry, tree: &MerkleAccumulator| -> Result<(), Never> {
        if stopped.is_some() {
            return Ok(());
        }
        match judge_entry(entry, tree) {
            Ok(()) => Ok(()),
            Err(stop) => {
                stopped = Some(stop);
                Ok(())
            }
        }
    };
    let mut recent = RecentLines::new(threads);
    let result = stream_log(&inputs, &mut verifier, &mut recent, &mut on_entry)
        .context("reading the log")?;
    let verified = result.and_then(|()| verifier.finish(&mut on_entry));
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let verified = match verified {
        Ok(v) => v,
        Err(StreamError::Log(error)) => {
            return Ok(log_rejected(report, &error, &inputs, &recent, lang));
        }
        Err(StreamError::Stopped(stop)) => match stop {},
    };
    if let (Some(_), Some(opened)) = (&stopped, &opened) {
        // The log must at least be the one the checkpoint covers before its content is judged.
        if let Err(error) = verified.check_tree_head(&opened.tree_head()) {
            return Ok(log_rejected(report, &error, &inputs, &recent, lang));
        }
    }
    match stopped {
        None => {}
        Some(Stop::Rule(rule, entry)) => {
            let mut f = failure(
                code_of(&rule.violation),
                Some(rule.seq),
                rule.explain(lang.core()),
                lang.pick(
                    "签名和哈希链都没问题，但这笔记录本不该被接受（例如未经授权、资金透支、金额与公示标准不符）。",
                    "signatures and chain are fine, but this entry should never have been accepted (unauthorised, overdrawn, or not the posted standard).",
                ),
            );
            f.entry = Some(*entry);
            return Ok(report.fail(OutcomeKind::RuleBroken, f));
        }
        Some(Stop::Checkpoint(f)) => {
            return Ok(report.fail(OutcomeKind::CheckpointRejected, f));
        }
        Some(Stop::History(f)) => {
            return Ok(report.fail(OutcomeKind::HistoryRewritten, f));
        }
    }
    let Some(opened) = opened else {
        // Without --key the genesis supplies the key; a log that verified has a genesis.
        return Ok(report.fail(
            OutcomeKind::CheckpointRejected,
            failure(
                "no_log_key",
                Some(0),
                lang.pick(
                    "创世条目里没有可用的日志公钥。",
                    "the genesis entry names no usable log key.",
                )
                .to_string(),
                "",
            ),
        ));
    };
    if let Err(error) = verified.check_tree_head(&opened.tree_head()) {
        return Ok(log_rejected(report, &error, &inputs, &recent, lang));
    }
    report.checks = vec![
        "format",
        "chain",
        "signatures",
        "ledger_rules",
        "checkpoint",
    ];
    if key.is_some() {
        report.checks.push("log_key");
    }
    if genesis.is_some() {
        report.checks.push("genesis_hash");
    }
    report.checkpoint = Some(HeadInfo::from(opened.tree_head()));
    report.witnesses = opened
        .cosignatures()
        .iter()
        .map(|c| WitnessInfo {
            name: c.name().to_string(),
            timestamp: c.timestamp(),
        })
        .collect();
    if policy.is_some() {
        report.checks.push("witnesses");
    }
    if let Some(saved) = older {
        report.older_checkpoint = Some(HeadInfo::from(saved));
        report.checks.push("older_checkpoint");
    }
    report.ledger = Some(ledger_info(&verified, &ledger, lang));

    // Receipts: the entry is in this log, and the receipt's checkpoint is this log's history.
    let log_key = VerifierKey::parse(ledger.log_key()).ok().or(key);
    for r in &receipts {
        let size = verified.tree_head.size;
        let fail = |code: &str, message: String, meaning: &str| {
            let mut f = failure(code, Some(r.proof.index()), message, meaning);
            f.entry = r.entry.clone();
            f
        };
        let Some(log_key) = &log_key else { break };
        let Some(leaf) = r.leaf else {
            return Ok(report.fail(
                OutcomeKind::ReceiptRejected,
                fail(
                    "receipt_beyond_log",
                    format!(
                        "{} {}：{} {} {}",
                        lang.pick("收据", "receipt"),
                        r.file,
                        lang.pick("证明的是第", "proves entry"),
                        r.proof.index(),
                        lang.pick("条，但日志里没有这一条", "but the log has no such entry")
                    ),
                    lang.pick(
                        "你缴费时拿到的收据所证明的记录不在公布的日志里：日志被删减了。",
                        "the record your receipt proves is not in the published log: entries were removed.",
                    ),
                ),
            ));
        };
        let proven = match tlog_proof::verify(&r.proof, &leaf, &origin, log_key, None) {
            Ok(p) => p,
            Err(e) => {
                return Ok(report.fail(
                    OutcomeKind::ReceiptRejected,
                    fail(
                        &code_of(&e),
                        format!("{} {}：{e}", lang.pick("收据", "receipt"), r.file),
                        lang.pick(
                            "这张收据不是这个账本签发的，或它证明的记录与日志里的不同。",
                            "this receipt was not issued by this ledger, or the record it proves differs from the log's.",
                        ),
                    ),
                ));
            }
        };
        let head = proven.tree_head();
        if head.size > size {
            return Ok(report.fail(
                OutcomeKind::HistoryRewritten,
                history_failure(head, None, lang),
            ));
        }
        if r.head_at_size != Some(head) {
            return Ok(report.fail(
                OutcomeKind::HistoryRewritten,
                history_failure(head, r.head_at_size, lang),
            ));
        }
        report.receipts.push(ReceiptInfo {
            file: r.file.clone(),
            seq: r.proof.index(),
            checkpoint_size: head.size,
            entry: r.entry.clone(),
        });
    }
    if !receipts.is_empty() {
        report.checks.push("receipts");
    }

    // Published statements against the ones recomputed from the log.
    for (path, published) in &statements {
        let recomputed = ledger.statement(published.period);
        let a = serde_json::to_value(published).unwrap_or_default();
        let b = serde_json::to_value(&recomputed).unwrap_or_default();
        if let Some((at, was, is)) = first_difference("", &a, &b) {
            return Ok(report.fail(
                OutcomeKind::StatementMismatch,
                failure(
                    "statement_differs",
                    None,
                    format!(
                        "{} {}（{} — {}）{} {}：{} {was}，{} {is}",
                        lang.pick("公示报表", "the published statement"),
                        display_name(path),
                        published.period.from,
                        published.period.to,
                        lang.pick("在", "differs at"),
                        at.trim_start_matches('.'),
                        lang.pick("公示的是", "published"),
                        lang.pick("日志算出的是", "the log gives")
                    ),
                    lang.pick(
                        "贴出来的报表与经过签名的日志不一致：以日志为准，请向业委会询问。",
                        "the posted statement disagrees with the signed log: the log is authoritative; ask the committee.",
                    ),
                ),
            ));
        }
        report.statements.push(StatementInfo {
            file: display_name(path),
            period: format!("{} — {}", published.period.from, published.period.to),
        });
    }
    if !statements.is_empty() {
        report.checks.push("statements");
    }

    if let Some(dir) = &inputs.attachments {
        let files = inputs::check_attachments(dir)?;
        if let Some((name, named, found)) = files.bad {
            return Ok(report.fail(
                OutcomeKind::AttachmentMismatch,
                failure(
                    "attachment_hash_mismatch",
                    None,
                    format!(
                        "{} {name}：{} {named}，{} {found}",
                        lang.pick("附件", "attachment"),
                        lang.pick("文件名说它的 SHA-256 是", "its name says SHA-256"),
                        lang.pick("实际是", "its content has")
                    ),
                    lang.pick(
                        "这份附件（如发票扫描件）在登记之后被替换或改动过。",
                        "this attachment (e.g. a scanned invoice) was replaced or changed after it was recorded.",
                    ),
                ),
            ));
        }
        let good: BTreeSet<Hash> = files.good.iter().copied().collect();
        let present = refs.intersection(&good).count();
        report.attachments = Some(AttachmentInfo {
            referenced: refs.len(),
            present,
            missing: refs.len() - present,
            unreferenced: good.difference(&refs).count() + files.ignored,
        });
        report.checks.push("attachments");
    }

    if let Some(manifest) = &inputs.manifest {
        match inputs::check_manifest(manifest)? {
            Ok(n) => {
                report.manifest_files = Some(n);
                report.checks.push("manifest");
            }
            Err(problem) => {
                let (code, message) = match problem {
                    ManifestProblem::Missing { file } => (
                        "file_missing",
                        format!(
                            "{} {file}",
                            lang.pick(
                                "清单里列出的文件不在导出包里：",
                                "a file the manifest lists is missing:"
                            )
                        ),
                    ),
                    ManifestProblem::Changed {
                        file,
                        listed,
                        found,
                    } => (
                        "file_changed",
                        format!(
                            "{file}：{} {listed}，{} {found}",
                            lang.pick("清单记录的 SHA-256 是", "the manifest lists SHA-256"),
                            lang.pick("实际是", "the file has")
                        ),
                    ),
                    ManifestProblem::BadLine { line } => (
                        "bad_manifest_line",
                        format!(
                            "{} {line} {}",
                            lang.pick("清单 SHA256SUMS 第", "line"),
                            lang.pick("行格式不对", "of SHA256SUMS is malformed")
                        ),
                    ),
                };
                return Ok(report.fail(
                    OutcomeKind::ManifestMismatch,
                    failure(
                        code,
                        None,
                        message,
                        lang.pick(
                            "导出包在街道办导出之后被改动过，或不完整。",
                            "the bundle was changed after it was exported, or is incomplete.",
                        ),
                    ),
                ));
            }
        }
    }

    report.verified = true;
    report.outcome = OutcomeKind::Verified;
    Ok(report)
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    )
}
