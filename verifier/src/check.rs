//! The checks, in one streaming pass over the log, then the checks that need the whole ledger
//! (the checkpoint's root, receipts, published statements, attachments, the bundle's manifest).

use crate::Args;
use crate::inputs::{self, Inputs, LogSource, ManifestProblem};
use crate::report::{
    self, AttachmentInfo, EntryInfo, Failure, FundInfo, HeadInfo, Lang, LedgerInfo, OutcomeKind,
    ReceiptInfo, Report, StatementInfo, WitnessInfo,
};
use anyhow::Context as _;
use gongzhang_core::Hash;
use gongzhang_core::checkpoint::{self, CheckpointError, OpenedCheckpoint};
use gongzhang_core::cosignature::{CosignerKey, WitnessPolicy};
use gongzhang_core::entry::{ENTRY_BYTES_MAX, Entry};
use gongzhang_core::ledger::events::{Statement, attachment_refs};
use gongzhang_core::ledger::types::PeriodRange;
use gongzhang_core::ledger::{Ledger, RuleError};
use gongzhang_core::log::LogError;
use gongzhang_core::merkle::{MerkleAccumulator, TreeHead};
use gongzhang_core::messages::Explain as _;
use gongzhang_core::note::{self, VerifierKey};
use gongzhang_core::stream::{StreamError, StreamVerifier};
use gongzhang_core::tlog_proof::{self, TlogProof};
use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};

pub use gongzhang_core::messages::code_of;

/// The streaming pass never stops for the rules: see `stopped` in [`run`].
enum Never {}

/// The first problem the rules, the genesis or a saved checkpoint found.
enum Stop {
    Rule(RuleError, Box<EntryInfo>),
    Checkpoint(Failure),
    History(Failure),
}

/// A receipt read from a file, and what the log showed about it.
struct Receipt {
    file: String,
    proof: TlogProof,
    checkpoint: Option<TreeHead>,
    leaf: Option<Hash>,
    head_at_size: Option<TreeHead>,
    entry: Option<EntryInfo>,
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

fn log_seq(error: &LogError) -> Option<u64> {
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

/// The last lines read from a pipe, enough to describe the entry an error names: an error is
/// found at most `threads + 2` chunks behind the line being read, so the window keeps that many
/// chunks' worth of lines and bytes.
#[derive(Debug, Default)]
struct RecentLines {
    lines: std::collections::VecDeque<(u64, Vec<u8>)>,
    bytes: usize,
    max_lines: usize,
    max_bytes: usize,
}

impl RecentLines {
    fn new(threads: usize) -> RecentLines {
        let chunks = threads + 3;
        RecentLines {
            max_lines: chunks * gongzhang_core::stream::CHUNK_LINES,
            max_bytes: chunks * (gongzhang_core::stream::CHUNK_BYTES + ENTRY_BYTES_MAX),
            ..RecentLines::default()
        }
    }

    fn push(&mut self, index: u64, line: &[u8]) {
        self.lines.push_back((index, line.to_vec()));
        self.bytes += line.len();
        // The newest line stays, however long.
        while self.lines.len() > 1
            && (self.lines.len() > self.max_lines || self.bytes > self.max_bytes)
        {
            match self.lines.pop_front() {
                Some((_, old)) => self.bytes -= old.len(),
                None => break,
            }
        }
    }

    fn get(&self, index: u64) -> Option<&[u8]> {
        let first = self.lines.front()?.0;
        let (i, line) = self
            .lines
            .get(usize::try_from(index.checked_sub(first)?).ok()?)?;
        (*i == index).then_some(line.as_slice())
    }
}

/// Reads back the entry on the line for `seq` to describe it: from the file, or from the last
/// lines kept when the log came through a pipe.
fn describe_line(
    source: &LogSource,
    recent: &RecentLines,
    seq: u64,
    lang: Lang,
) -> Option<EntryInfo> {
    let LogSource::File(path) = source else {
        let line = recent.get(seq)?;
        return Entry::parse(line).ok().map(|e| report::describe(&e, lang));
    };
    let mut reader = BufReader::new(std::fs::File::open(path).ok()?);
    let mut line = Vec::new();
    for _ in 0..=seq {
        line.clear();
        let n = (&mut reader)
            .take((ENTRY_BYTES_MAX + 2) as u64)
            .read_until(b'\n', &mut line)
            .ok()?;
        if n == 0 {
            return None;
        }
    }
    let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
    Entry::parse(bytes).ok().map(|e| report::describe(&e, lang))
}

/// An older checkpoint of size 0 is refused as input (exit 2): a consistency proof from the empty
/// tree proves nothing (docs/log-format.md §7, as transparency-dev/merkle), and a Gongzhang log is
/// never empty, so such a file cannot be one the resident saved from the notice board.
fn refuse_empty_older_checkpoint(text: &str, lang: Lang) -> anyhow::Result<()> {
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

fn history_failure(saved: TreeHead, found: Option<TreeHead>, lang: Lang) -> Failure {
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

/// The first place two JSON values differ, as a path and the two values.
fn first_difference(
    path: &str,
    published: &serde_json::Value,
    recomputed: &serde_json::Value,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    match (published, recomputed) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| {
                first_difference(
                    &format!("{path}.{k}"),
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                )
            })
        }
        (Value::Array(a), Value::Array(b)) => (0..a.len().max(b.len())).find_map(|i| {
            first_difference(
                &format!("{path}[{i}]"),
                a.get(i).unwrap_or(&Value::Null),
                b.get(i).unwrap_or(&Value::Null),
            )
        }),
        (a, b) if a == b => None,
        (a, b) => Some((path.to_string(), a.to_string(), b.to_string())),
    }
}

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

fn log_rejected(
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

fn ledger_info(
    verified: &gongzhang_core::log::VerifiedLog,
    ledger: &Ledger,
    lang: Lang,
) -> LedgerInfo {
    let statement = match (ledger.first_period(), ledger.last_period()) {
        (Some(from), Some(to)) => Some(ledger.statement(PeriodRange { from, to })),
        _ => None,
    };
    let funds = ledger
        .fund_balances()
        .into_iter()
        .map(|(fund, balance)| FundInfo {
            name: report::fund_name(fund.as_str(), lang),
            fund: fund.as_str().to_string(),
            balance_fen: balance,
        })
        .collect();
    let (income, spending, arrears) = statement
        .map(|s| (s.income, s.spending, s.arrears))
        .unwrap_or_default();
    LedgerInfo {
        origin: verified.origin.clone(),
        community: ledger.community().to_string(),
        entries: verified.tree_head.size,
        genesis_hash: verified.genesis_hash.to_string(),
        first_recorded_at: report::beijing(verified.first_time),
        last_recorded_at: report::beijing(verified.last_time),
        first_period: ledger.first_period().map(|p| p.to_string()),
        last_period: ledger.last_period().map(|p| p.to_string()),
        last_closed: ledger.last_closed().map(|p| p.to_string()),
        households: ledger.households().len(),
        funds,
        income,
        spending,
        arrears,
    }
}

/// Reads the log line by line (each read bounded, so a file without line feeds cannot fill
/// memory) and feeds the verifier.
fn stream_log<F>(
    inputs: &Inputs,
    verifier: &mut StreamVerifier,
    recent: &mut RecentLines,
    on_entry: &mut F,
) -> std::io::Result<Result<(), StreamError<Never>>>
where
    F: FnMut(&Entry, &MerkleAccumulator) -> Result<(), Never>,
{
    let input: Box<dyn std::io::Read> = match &inputs.log {
        LogSource::Stdin => Box::new(std::io::stdin().lock()),
        LogSource::File(path) => Box::new(std::fs::File::open(path)?),
    };
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    let limit = (ENTRY_BYTES_MAX + 2) as u64;
    let mut index: u64 = 0;
    loop {
        line.clear();
        let n = (&mut reader).take(limit).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(Ok(()));
        }
        let terminated = line.ends_with(b"\n");
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        if matches!(inputs.log, LogSource::Stdin) {
            recent.push(index, bytes);
        }
        index += 1;
        if let Err(e) = verifier.push(bytes, terminated, on_entry) {
            return Ok(Err(e));
        }
        if !terminated {
            // The end of the file without a line feed, or an over-long line cut short: either
            // way this line is the last one judged.
            return Ok(Ok(()));
        }
    }
}

#[cfg(test)]
mod recent_lines_tests {
    use super::RecentLines;

    #[test]
    fn keeps_the_last_lines_within_both_limits() {
        let mut r = RecentLines {
            max_lines: 4,
            max_bytes: 10,
            ..RecentLines::default()
        };
        for i in 0..10u64 {
            r.push(i, format!("l{i}").as_bytes());
        }
        assert_eq!(r.get(5), None);
        assert_eq!(r.get(6), Some(&b"l6"[..]));
        assert_eq!(r.get(9), Some(&b"l9"[..]));
        assert_eq!(r.get(10), None);
        // Bytes: a long line pushes out older ones, but the newest line is always kept.
        r.push(10, b"0123456789");
        assert_eq!(r.get(9), None);
        assert_eq!(r.get(10), Some(&b"0123456789"[..]));
        r.push(11, b"0123456789ab");
        assert_eq!(r.get(10), None);
        assert_eq!(r.get(11), Some(&b"0123456789ab"[..]));
        // The window for 2 threads covers the chunks that can be in flight.
        let w = RecentLines::new(2);
        assert_eq!(w.max_lines, 5 * gongzhang_core::stream::CHUNK_LINES);
    }
}
