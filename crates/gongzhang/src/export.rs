//! `gongzhang export`: the bundle the street office takes away.
//!
//! [`export`] writes one directory that `gongzhang-verify 目录/ --key …` checks whole, and that
//! people open with the tools they already have:
//!
//! ```text
//! bundle/
//!   log.jsonl                 the log, one canonical entry per line (LF)
//!   checkpoint                the signed checkpoint for exactly these entries, with cosignatures
//!   keys.txt                  the ledger's keys and roles, zh-CN with English, for the notice board
//!   statements/<period>.json  every period close's statement, exactly as the close recorded it
//!   statements/<period>.csv   the same statement for Excel (UTF-8 with BOM, CRLF, amounts in yuan:
//!                             `gongzhang_text::csv`, as the notice board serves it)
//!   books.journal             the books for hledger and ledger-cli
//!   books.beancount           the books for beancount
//!   attachments/<sha256>.ext  every attachment the log names that the store has
//!   README.txt                what the files are and how to check them, zh-CN with English
//!   SHA256SUMS                `sha256sum` manifest of every other file, sorted, written last
//! ```
//!
//! `<period>` is `2025-03` for a month, `2025-Q1` for a calendar quarter and `2025-01_2025-05`
//! for any other range. `keys.txt` is for people to compare with the notice board; the verifier
//! never trusts it (its trust anchor is the `--key` the resident types in).
//!
//! A published statement is the close's own: the verifier recomputes it from the whole log and
//! compares (a statement lists the funds that existed by the end of its period, so a fund opened
//! later does not change it).
//!
//! The bundle is one consistent picture of the ledger: the checkpoint is read first and exactly
//! the entries it covers are exported, so an append that lands meanwhile cannot make the log and
//! the checkpoint disagree. The keys, statements, journals and attachment list all come from
//! replaying those same entries, not from the store's current state, which may already be
//! further along. Before the bundle is published the replay's Merkle root is compared with the
//! checkpoint, and the checkpoint's signature with the log key the genesis names.
//!
//! Nothing is half-written: the bundle is built in a hidden sibling directory and renamed into
//! place once every file is written and synced; on failure the sibling is removed. An existing
//! directory is never written into.

use anyhow::{Context as _, bail, ensure};
use gongzhang_core::Hash;
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::sha256;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::events::{LedgerEvent, Statement, attachment_refs};
use gongzhang_core::ledger::journal::JournalWriter;
use gongzhang_core::ledger::types::PeriodRange;
use gongzhang_core::merkle::{MerkleAccumulator, TreeHead};
use gongzhang_core::note::{self, VerifierKey};
use gongzhang_store::backend::Backend;
use gongzhang_store::store::{ENTRIES_PER_READ_MAX, Store};
use gongzhang_text::Lang;
use gongzhang_text::csv;
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The log file (the verifier's `BUNDLE_LOG`).
pub const BUNDLE_LOG: &str = "log.jsonl";
/// The signed checkpoint with its cosignatures (the verifier's `BUNDLE_CHECKPOINT`).
pub const BUNDLE_CHECKPOINT: &str = "checkpoint";
/// The manifest, `sha256sum` format (the verifier's `BUNDLE_MANIFEST`).
pub const BUNDLE_MANIFEST: &str = "SHA256SUMS";
/// The attachments, named by SHA-256 (the verifier's `BUNDLE_ATTACHMENTS`).
pub const BUNDLE_ATTACHMENTS: &str = "attachments";
/// The statements, `*.json` for the verifier and `*.csv` for Excel (the verifier's
/// `BUNDLE_STATEMENTS`).
pub const BUNDLE_STATEMENTS: &str = "statements";
/// The ledger's keys and roles, for people to compare with the notice board.
pub const BUNDLE_KEYS: &str = "keys.txt";
/// The books for hledger and ledger-cli.
pub const BUNDLE_JOURNAL: &str = "books.journal";
/// The books for beancount.
pub const BUNDLE_BEANCOUNT: &str = "books.beancount";
/// What the files are, for the person who opens the directory.
pub const BUNDLE_README: &str = "README.txt";

/// What [`export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// The bundle's directory.
    pub dir: PathBuf,
    /// The ledger's origin.
    pub origin: String,
    /// The log key the genesis names (what `gongzhang-verify --key` takes, from the notice
    /// board).
    pub log_key: String,
    /// Entries written to `log.jsonl`.
    pub entries: u64,
    /// The checkpoint's tree size (always equal to `entries`: the export checks it).
    pub tree_size: u64,
    /// The checkpoint's Merkle root.
    pub checkpoint_root: Hash,
    /// Files written, `SHA256SUMS` included.
    pub files_written: usize,
    /// Attachment files written.
    pub attachments_written: usize,
    /// Attachments the log names that the store does not have (not an error: the verifier
    /// reports them as missing).
    pub attachments_missing: Vec<Hash>,
    /// Statements written (each as a JSON and a CSV file).
    pub statements_written: usize,
}

/// Writes the export bundle of the ledger `origin` into the new directory `dir` (see the
/// [module documentation](self) for its layout). Fails, changing nothing, if `dir` exists.
pub async fn export<B: Backend>(
    store: &Store<B>,
    origin: &str,
    dir: &Path,
) -> anyhow::Result<ExportSummary> {
    refuse_existing(dir)?;
    let note = store
        .checkpoint(origin, None)
        .await
        .with_context(|| format!("reading the checkpoint of ledger {origin}"))?
        .with_context(|| {
            format!("账本 {origin} 还没有检查点 / ledger {origin} has no checkpoint")
        })?;
    // The size alone decides how many entries to read; the signature is checked once the
    // genesis has named the log key, before anything is published.
    let (text, _) = note::parse(&note).context("the stored checkpoint is not a signed note")?;
    let size = Checkpoint::parse(text)
        .context("the stored checkpoint is not a checkpoint")?
        .size();
    ensure!(size > 0, "the stored checkpoint covers no entries");

    let staging = Staging::create(dir)?;
    let mut bundle = Bundle {
        root: staging.path.clone(),
        manifest: BTreeMap::new(),
    };

    let replay = write_log(store, origin, size, &bundle.root).await?;
    let Replay {
        log_hash,
        ledger,
        journal,
        tree,
        refs,
        closes,
        genesis_hash,
        item_names,
        ..
    } = replay;
    bundle.manifest.insert(BUNDLE_LOG.to_string(), log_hash);
    let head = tree.tree_head();
    let log_key = VerifierKey::parse(ledger.log_key())
        .with_context(|| format!("the genesis names an unusable log key {}", ledger.log_key()))?;
    let opened = checkpoint::open(&note, origin, &log_key, None)
        .context("the stored checkpoint is not signed by the log key the genesis names")?;
    ensure!(
        opened.tree_head() == head,
        "the {size} entries read do not have the checkpoint's root: stored root {}, computed {}",
        opened.tree_head().root,
        head.root
    );

    bundle.write(BUNDLE_CHECKPOINT, note.into_bytes()).await?;
    bundle
        .write(
            BUNDLE_KEYS,
            keys_text(&ledger, head, genesis_hash).into_bytes(),
        )
        .await?;
    let mut stems = BTreeSet::new();
    for close in &closes {
        let mut stem = statement_stem(close.statement.period);
        if !stems.insert(stem.clone()) {
            // Two closes of the same months would overwrite each other: keep both.
            stem = format!("{stem}-{}", close.seq);
            stems.insert(stem.clone());
        }
        let statement = &close.statement;
        let mut json =
            serde_json::to_string_pretty(&statement).context("encoding a statement as JSON")?;
        json.push('\n');
        bundle
            .write(
                &format!("{BUNDLE_STATEMENTS}/{stem}.json"),
                json.into_bytes(),
            )
            .await?;
        let csv = csv::statement_csv(statement, &item_names);
        bundle
            .write(&format!("{BUNDLE_STATEMENTS}/{stem}.csv"), csv.into_bytes())
            .await?;
    }
    let journals = journal.finish();
    bundle
        .write(BUNDLE_JOURNAL, journals.journal.into_bytes())
        .await?;
    bundle
        .write(BUNDLE_BEANCOUNT, journals.beancount.into_bytes())
        .await?;

    let mut attachments_written = 0;
    let mut attachments_missing = Vec::new();
    for hash in &refs {
        let found = store
            .attachment(hash)
            .await
            .with_context(|| format!("reading attachment {hash}"))?;
        let Some(attachment) = found else {
            attachments_missing.push(*hash);
            continue;
        };
        // The store addresses attachments by content; a mismatch is a damaged database, and a
        // bundle carrying it would only fail the auditor's check later.
        ensure!(
            sha256(&attachment.bytes) == *hash,
            "the stored attachment {hash} does not have that SHA-256: the database is damaged"
        );
        let name = format!(
            "{BUNDLE_ATTACHMENTS}/{hash}{}",
            extension(&attachment.media_type)
        );
        bundle.write(&name, attachment.bytes).await?;
        attachments_written += 1;
    }

    bundle
        .write(
            BUNDLE_README,
            readme_text(&ledger, head, attachments_missing.len()).into_bytes(),
        )
        .await?;
    let manifest = manifest_text(&bundle.manifest);
    let files_written = bundle.manifest.len() + 1;
    let root = bundle.root.clone();
    blocking(move || {
        write_new(&root.join(BUNDLE_MANIFEST), manifest.as_bytes())?;
        for sub in [BUNDLE_ATTACHMENTS, BUNDLE_STATEMENTS, ""] {
            sync_dir(&root.join(sub))?;
        }
        Ok(())
    })
    .await?;
    staging.publish(dir)?;
    Ok(ExportSummary {
        dir: dir.to_path_buf(),
        origin: origin.to_string(),
        log_key: ledger.log_key().to_string(),
        entries: size,
        tree_size: head.size,
        checkpoint_root: head.root,
        files_written,
        attachments_written,
        attachments_missing,
        statements_written: closes.len(),
    })
}

/// Prints what [`export`] wrote, in Chinese (or English with `en`), with the command that checks
/// the bundle.
pub fn print_summary(summary: &ExportSummary, dir: &Path, lang: Lang) {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    println!(
        "{} {}",
        t("已导出审计包：", "wrote the export bundle"),
        dir.display()
    );
    println!(
        "  {} {}  {} {}",
        t("账本", "ledger"),
        summary.origin,
        t("条目数", "entries"),
        summary.entries
    );
    println!(
        "  {} {}",
        t("检查点根哈希", "checkpoint root"),
        summary.checkpoint_root
    );
    println!(
        "  {} {}  {} {}  {} {}",
        t("文件", "files"),
        summary.files_written,
        t("期间报表", "statements"),
        summary.statements_written,
        t("附件", "attachments"),
        summary.attachments_written
    );
    if !summary.attachments_missing.is_empty() {
        println!(
            "  {} {}",
            t(
                "日志提到但系统里没有的附件：",
                "attachments the log names that the store lacks:"
            ),
            summary.attachments_missing.len()
        );
        for hash in &summary.attachments_missing {
            println!("    {hash}");
        }
    }
    println!(
        "{}
  gongzhang-verify {} --key '{}'",
        t(
            "核对（日志公钥请以公告栏为准）：",
            "to verify (take the log key from the notice board):"
        ),
        dir.display(),
        summary.log_key
    );
}

fn refuse_existing(dir: &Path) -> anyhow::Result<()> {
    // `symlink_metadata`, so that a dangling symbolic link counts as existing too.
    match dir.symlink_metadata() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("looking for {}", dir.display())),
        Ok(_) => bail!(
            "导出目录已存在，不会写入或覆盖：{0}。请换一个新的目录名。 / the export directory {0} already exists and is never written into: choose a new one",
            dir.display()
        ),
    }
}

/// The hidden sibling directory a bundle is built in; removed on drop unless published.
#[derive(Debug)]
struct Staging {
    path: PathBuf,
    published: bool,
}

impl Staging {
    fn create(dir: &Path) -> anyhow::Result<Staging> {
        let name = dir
            .file_name()
            .with_context(|| format!("{} does not name a directory to create", dir.display()))?;
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating the directory {}", parent.display()))?;
        // The process id and the time keep two exports into the same parent apart; the leading
        // dot keeps the unfinished bundle out of a casual listing.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = parent.join(format!(
            ".{}.partial-{}-{nanos}",
            name.to_string_lossy(),
            std::process::id()
        ));
        std::fs::create_dir(&path)
            .with_context(|| format!("creating the temporary directory {}", path.display()))?;
        Ok(Staging {
            path,
            published: false,
        })
    }

    /// Renames the finished bundle to `dir`.
    fn publish(mut self, dir: &Path) -> anyhow::Result<()> {
        // Checked again: the directory may have appeared while the bundle was written, and a
        // rename onto an existing empty directory would silently replace it.
        refuse_existing(dir)?;
        std::fs::rename(&self.path, dir).with_context(|| {
            format!(
                "moving the finished bundle {} to {}",
                self.path.display(),
                dir.display()
            )
        })?;
        self.published = true;
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            // Best effort: the error that brought us here is the one to report.
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The files of the bundle being built, with the SHA-256 of each for the manifest.
#[derive(Debug)]
struct Bundle {
    root: PathBuf,
    /// Relative path (with `/`) → SHA-256.
    manifest: BTreeMap<String, Hash>,
}

impl Bundle {
    /// Writes a new file at `relative` (with `/` separators) and records it in the manifest.
    async fn write(&mut self, relative: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        assert!(
            !self.manifest.contains_key(relative),
            "{relative} written twice"
        );
        let path = self.root.join(relative);
        let hash = blocking(move || {
            write_new(&path, &bytes)?;
            Ok(sha256(&bytes))
        })
        .await?;
        self.manifest.insert(relative.to_string(), hash);
        Ok(())
    }
}

/// Runs file work and replay on the blocking pool, so that an export does not stall the async
/// workers of a server that runs it.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .context("the export's file task stopped")?
}

/// Creates `path` (and its directory), which must not exist yet, with `bytes`, synced to disk.
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the directory {}", parent.display()))?;
    }
    let mut file =
        std::fs::File::create_new(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

fn sync_dir(path: &Path) -> anyhow::Result<()> {
    if !path.is_dir() {
        return Ok(());
    }
    std::fs::File::open(path)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing the directory {}", path.display()))
}

/// A period close found in the log.
#[derive(Debug)]
struct Close {
    seq: u64,
    /// The statement as the close records it.
    statement: Statement,
}

/// What one pass over the exported entries learns.
#[derive(Debug)]
struct Replay {
    file: std::io::BufWriter<std::fs::File>,
    path: PathBuf,
    hasher: Sha256,
    log_hash: Hash,
    ledger: Ledger,
    journal: JournalWriter,
    tree: MerkleAccumulator,
    /// Attachment hashes the events name.
    refs: BTreeSet<Hash>,
    closes: Vec<Close>,
    genesis_hash: Hash,
    /// Fee items' names for people (物业费), by item, from the fee schedules.
    item_names: BTreeMap<String, String>,
}

/// Streams entries `0..size` into `log.jsonl`, a page of at most [`ENTRIES_PER_READ_MAX`] at a
/// time, replaying each on a fresh ledger as it goes: only one page of the log is in memory.
async fn write_log<B: Backend>(
    store: &Store<B>,
    origin: &str,
    size: u64,
    root: &Path,
) -> anyhow::Result<Replay> {
    let path = root.join(BUNDLE_LOG);
    let file =
        std::fs::File::create_new(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut replay = Replay {
        file: std::io::BufWriter::with_capacity(1 << 20, file),
        path,
        hasher: Sha256::new(),
        log_hash: Hash::ZERO,
        ledger: Ledger::new(),
        journal: JournalWriter::new(),
        tree: MerkleAccumulator::new(),
        refs: BTreeSet::new(),
        closes: Vec::new(),
        genesis_hash: Hash::ZERO,
        item_names: BTreeMap::new(),
    };
    let mut from = 0;
    while from < size {
        let to = size.min(from + ENTRIES_PER_READ_MAX);
        let page = store
            .jsonl(origin, from, to)
            .await
            .with_context(|| format!("reading entries {from}..{to} of ledger {origin}"))?;
        replay = blocking(move || {
            replay.page(&page, from, to)?;
            Ok(replay)
        })
        .await?;
        from = to;
    }
    blocking(move || {
        replay
            .file
            .flush()
            .and_then(|()| replay.file.get_ref().sync_all())
            .with_context(|| format!("writing {}", replay.path.display()))?;
        replay.log_hash = Hash(replay.hasher.clone().finalize().into());
        Ok(replay)
    })
    .await
}

impl Replay {
    /// Writes and replays the lines of entries `from..to`.
    fn page(&mut self, page: &[u8], from: u64, to: u64) -> anyhow::Result<()> {
        self.file
            .write_all(page)
            .with_context(|| format!("writing {}", self.path.display()))?;
        self.hasher.update(page);
        let lines = page
            .strip_suffix(b"\n")
            .with_context(|| format!("the store returned no entries for {from}..{to}"))?;
        let mut expected = from;
        for line in lines.split(|b| *b == b'\n') {
            ensure!(
                expected < to,
                "the store returned more entries than asked for {from}..{to}"
            );
            self.entry(line)
                .with_context(|| format!("replaying stored entry {expected}"))?;
            expected += 1;
        }
        ensure!(
            expected == to,
            "the store returned {} entries for {from}..{to}",
            expected - from
        );
        Ok(())
    }

    fn entry(&mut self, line: &[u8]) -> anyhow::Result<()> {
        let entry = Entry::parse(line)?;
        ensure!(
            entry.seq() == self.tree.size(),
            "the entry says it is entry {}",
            entry.seq()
        );
        let applied = self.ledger.apply(&entry)?;
        self.journal.push(&entry, &applied, &self.ledger);
        self.tree.push(entry.hash());
        if entry.seq() == 0 {
            self.genesis_hash = entry.hash();
        }
        let body = entry.event().body();
        attachment_refs(body, &mut self.refs);
        match LedgerEvent::from_event(entry.event())? {
            LedgerEvent::PeriodClosed(close) => self.closes.push(Close {
                seq: entry.seq(),
                statement: close.statement,
            }),
            LedgerEvent::FeeScheduleAdopted(schedule) => {
                for item in schedule.items {
                    self.item_names.insert(
                        item.item.as_str().to_string(),
                        item.name.as_str().to_string(),
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Media types and the file extensions the bundle gives them, so that the auditor's computer
/// opens each attachment with the right program (and `gongzhang restore` reads the type back).
/// The first type of an extension is the one read back.
const MEDIA_TYPE_EXTENSIONS: &[(&str, &str)] = &[
    ("text/plain; charset=utf-8", "txt"),
    ("text/plain", "txt"),
    ("application/pdf", "pdf"),
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
    ("image/heic", "heic"),
    ("image/tiff", "tif"),
];

/// A file extension (with its dot) for a media type; the verifier reads only the name before
/// the first dot.
fn extension(media_type: &str) -> String {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    MEDIA_TYPE_EXTENSIONS
        .iter()
        .find(|(known, _)| known.split(';').next() == Some(essence.as_str()))
        .map_or_else(String::new, |(_, extension)| format!(".{extension}"))
}

/// The media type an attachment's extension in a bundle stands for (the inverse of the
/// extension the export gives it); text is read back as UTF-8, as the store's documents are.
pub fn media_type_of_extension(extension: &str) -> Option<&'static str> {
    let extension = extension.to_ascii_lowercase();
    MEDIA_TYPE_EXTENSIONS
        .iter()
        .find(|(_, known)| *known == extension)
        .map(|(media_type, _)| *media_type)
}

/// The manifest: `HEX  PATH` per file, sorted by path, as `sha256sum -c` reads it.
fn manifest_text(files: &BTreeMap<String, Hash>) -> String {
    let mut out = String::new();
    for (path, hash) in files {
        let _ = writeln!(out, "{hash}  {path}");
    }
    out
}

/// The file name (without extension) of a statement's period.
fn statement_stem(range: PeriodRange) -> String {
    let (from, to) = (range.from, range.to);
    if from == to {
        return from.to_string();
    }
    let m = from.month();
    if from.year() == to.year() && m % 3 == 1 && to.month() == m + 2 {
        return format!("{:04}-Q{}", from.year(), m / 3 + 1);
    }
    format!("{from}_{to}")
}

/// `keys.txt`: every key of the ledger with its role, as at the last exported entry, for people
/// to compare line by line with the notice board.
fn keys_text(ledger: &Ledger, head: TreeHead, genesis_hash: Hash) -> String {
    let mut out = String::new();
    let last = head.size.saturating_sub(1);
    let _ = writeln!(out, "公账钥匙清单 / Gongzhang ledger keys");
    let _ = writeln!(
        out,
        "截至第 {last} 条记录 / as at entry {last} (the last one in this bundle)"
    );
    out.push('\n');
    let _ = writeln!(out, "小区 community: {}", ledger.community());
    let _ = writeln!(out, "账本 origin: {}", ledger.origin());
    let _ = writeln!(out, "创世条目哈希 genesis entry hash: {genesis_hash}");
    let _ = writeln!(out, "日志公钥 log key: {}", ledger.log_key());
    let _ = writeln!(out, "条目数 entries: {}", head.size);
    let _ = writeln!(out, "检查点 checkpoint: {}", head.fingerprint());
    let _ = writeln!(out, "检查点根哈希 checkpoint root: {}", head.root);
    out.push('\n');
    let _ = writeln!(
        out,
        "业委会委员 committee members ({}):",
        ledger.committee().len()
    );
    for key in ledger.committee() {
        let _ = writeln!(out, "  {}", key.to_hex());
    }
    let _ = writeln!(out, "出纳 treasurer:");
    match ledger.treasurer() {
        Some(key) => {
            let _ = writeln!(out, "  {}", key.to_hex());
        }
        None => out.push_str("  （无 / none）\n"),
    }
    let _ = writeln!(out, "街道办审计 street office auditor:");
    match ledger.auditor() {
        Some(key) => {
            let _ = writeln!(out, "  {}", key.to_hex());
        }
        None => out.push_str("  （无 / none）\n"),
    }
    let _ = writeln!(
        out,
        "已注销的密钥 revoked keys ({}):",
        ledger.revoked().len()
    );
    let mut revoked: Vec<_> = ledger.revoked().iter().collect();
    revoked.sort_by_key(|(key, seq)| (**seq, **key));
    for (key, seq) in revoked {
        let _ = writeln!(
            out,
            "  {}  第 {seq} 条记录注销 / revoked by entry {seq}",
            key.to_hex()
        );
    }
    if let Some(g) = ledger.governance() {
        out.push('\n');
        let _ = writeln!(
            out,
            "审批规则 governance: 超过 {0} 元的支出须经 {1} 名委员批准 / expenditures above {0} yuan need {1} committee approvals",
            g.approval_threshold_fen, g.approvals_required
        );
    }
    out.push('\n');
    out.push_str(
        "请与公告栏上公示的钥匙逐字核对。核对程序不信任本文件：钥匙必须来自你亲眼看到的公告。\n\
         Compare every key with the one on the notice board. gongzhang-verify never trusts this \
         file: the keys must come from the notice you saw yourself.\n",
    );
    out
}

/// `README.txt`: what the bundle holds and the command that checks it.
fn readme_text(ledger: &Ledger, head: TreeHead, attachments_missing: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} 公账导出包 / Gongzhang export bundle: {}",
        ledger.community(),
        ledger.origin()
    );
    let _ = writeln!(
        out,
        "共 {} 条记录，检查点 {} / {} entries, checkpoint {}",
        head.size,
        head.fingerprint(),
        head.size,
        head.root
    );
    out.push('\n');
    out.push_str(
        "log.jsonl           日志，每行一个条目 / the log, one entry per line\n\
         checkpoint          日志公钥签名的检查点（含见证人联署）/ the signed checkpoint, with cosignatures\n\
         keys.txt            账本的钥匙和角色，请与公告栏核对 / the ledger's keys and roles, to compare with the notice board\n\
         statements/*.json   各期结账报表 / the statement of every period close\n\
         statements/*.csv    同上，可用 Excel 打开（金额单位：元）/ the same for Excel (amounts in yuan)\n\
         books.journal       账簿，供 hledger 和 ledger 使用 / the books for hledger and ledger-cli\n\
         books.beancount     账簿，供 beancount 使用 / the books for beancount\n\
         attachments/        附件（发票扫描件等），文件名为内容的 SHA-256 / attachments named by their SHA-256\n\
         SHA256SUMS          以上文件的 SHA-256 清单 / the SHA-256 of every file above\n",
    );
    if attachments_missing > 0 {
        let _ = writeln!(
            out,
            "\n日志提到但系统里没有、未能导出的附件：{attachments_missing} 份 / attachments the log names that the store lacks (not in this bundle): {attachments_missing}"
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "核对 / to verify (the key must come from the notice board, not from this bundle):\n  gongzhang-verify <this directory> --key '{}'",
        ledger.log_key()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhang_core::ledger::types::Period;

    fn range(from: (u16, u8), to: (u16, u8)) -> PeriodRange {
        PeriodRange {
            from: Period::new(from.0, from.1).unwrap_or_else(|| unreachable!()),
            to: Period::new(to.0, to.1).unwrap_or_else(|| unreachable!()),
        }
    }

    #[test]
    fn statement_files_are_named_by_their_months() {
        assert_eq!(statement_stem(range((2025, 3), (2025, 3))), "2025-03");
        assert_eq!(statement_stem(range((2025, 1), (2025, 3))), "2025-Q1");
        assert_eq!(statement_stem(range((2025, 10), (2025, 12))), "2025-Q4");
        assert_eq!(
            statement_stem(range((2025, 2), (2025, 4))),
            "2025-02_2025-04"
        );
        assert_eq!(
            statement_stem(range((2025, 11), (2026, 1))),
            "2025-11_2026-01"
        );
    }

    #[test]
    fn an_unfinished_bundle_is_removed_and_a_finished_one_never_replaces_a_directory() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("bundle");
        let listing = || -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(tmp.path())
                .unwrap_or_else(|e| panic!("{e}"))
                .map(|e| e.unwrap_or_else(|e| panic!("{e}")).file_name())
                .map(|n| n.to_string_lossy().to_string())
                .collect();
            names.sort();
            names
        };
        // Dropped before it is published (a failed export): nothing is left.
        let staging = Staging::create(&dir).unwrap_or_else(|e| panic!("{e:#}"));
        write_new(&staging.path.join("statements/x.json"), b"{}")
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(listing().len(), 1);
        drop(staging);
        assert!(listing().is_empty());
        // A directory that appears meanwhile is not replaced, and the staging is removed.
        let staging = Staging::create(&dir).unwrap_or_else(|e| panic!("{e:#}"));
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(staging.publish(&dir).is_err());
        assert_eq!(listing(), ["bundle"]);
        std::fs::remove_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        // Published: renamed into place, no staging left.
        let staging = Staging::create(&dir).unwrap_or_else(|e| panic!("{e:#}"));
        write_new(&staging.path.join("a"), b"a").unwrap_or_else(|e| panic!("{e:#}"));
        staging.publish(&dir).unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(listing(), ["bundle"]);
        assert_eq!(std::fs::read(dir.join("a")).unwrap_or_default(), b"a");
    }

    #[test]
    fn media_types_get_the_extension_people_expect() {
        assert_eq!(extension("text/plain; charset=utf-8"), ".txt");
        assert_eq!(extension("application/PDF"), ".pdf");
        assert_eq!(extension("image/jpeg"), ".jpg");
        assert_eq!(extension("application/octet-stream"), "");
    }

    #[test]
    fn extensions_read_back_as_the_media_type() {
        assert_eq!(
            media_type_of_extension("txt"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(media_type_of_extension("PDF"), Some("application/pdf"));
        assert_eq!(media_type_of_extension("jpg"), Some("image/jpeg"));
        assert_eq!(media_type_of_extension("docx"), None);
        for (media_type, extension) in MEDIA_TYPE_EXTENSIONS {
            let back = media_type_of_extension(extension).unwrap_or_default();
            assert_eq!(
                back.split(';').next(),
                media_type.split(';').next(),
                "{extension}"
            );
        }
    }
}
