//! `gongzhang restore`: a lost server's ledger rebuilt from a published copy — the log and the
//! checkpoint any resident downloaded (`curl …/log`, `curl …/checkpoint`), or the export bundle
//! the street office keeps (which also brings the attachments).
//!
//! The copy is checked exactly as `gongzhang-verify` checks it, with the same code
//! ([`Store::import_ledger`]: the checkpoint signed by the log key, every entry's format, chain,
//! signatures and ledger rules, the Merkle root equal to the checkpoint's), and written into the
//! database in one transaction: entries as published (never re-encoded), Merkle nodes,
//! projections and the checkpoint with its cosignatures. A copy that fails is refused, naming
//! the entry; a database that already holds the ledger is refused; either way nothing of the
//! ledger is written.
//!
//! A bundle is checked first: every file against `SHA256SUMS`, every attachment against the
//! SHA-256 its name says. Its attachments are stored before the ledger (each on its own: they
//! are content-addressed, so storing one twice changes nothing); if the ledger is then refused
//! they stay unreferenced, and running the restore again stores them again and imports the
//! ledger. Attachments the log names that the bundle lacks are listed, not an error (as in
//! `gongzhang export`).

use crate::client::read_key;
use crate::export::{
    BUNDLE_ATTACHMENTS, BUNDLE_CHECKPOINT, BUNDLE_LOG, BUNDLE_MANIFEST, media_type_of_extension,
};
use anyhow::{Context as _, bail};
use gongzhang_core::Hash;
use gongzhang_core::checkpoint::Checkpoint;
use gongzhang_core::cosignature::CosignerKey;
use gongzhang_core::hash::sha256;
use gongzhang_core::manifest;
use gongzhang_core::note;
use gongzhang_store::backend::Backend;
use gongzhang_store::store::Store;
use gongzhang_store::{ImportError, Imported};
use gongzhang_text::{Explain as _, Lang};
use std::collections::BTreeSet;
use std::io::{BufReader, Read as _};
use std::path::{Path, PathBuf};

/// The largest checkpoint file read (a signed note is at most this long).
pub const CHECKPOINT_FILE_BYTES_MAX: u64 = note::MAX_NOTE_BYTES as u64;
/// The largest manifest read: one line per file of a bundle.
pub const MANIFEST_BYTES_MAX: u64 = 16 << 20;
/// The read buffer of the log, in bytes.
const LOG_BUFFER_BYTES: usize = 1 << 20;
/// Missing attachments listed by hash in the summary; the rest are counted.
pub const MISSING_LISTED_MAX: usize = 10;
/// The media type of an attachment whose kind neither its name nor its first bytes tell.
pub const UNKNOWN_MEDIA_TYPE: &str = "application/octet-stream";

/// Where the published copy is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A downloaded log and checkpoint.
    Log {
        /// The `.jsonl` log.
        log: PathBuf,
        /// The signed checkpoint (with any cosignatures).
        checkpoint: PathBuf,
    },
    /// An export bundle directory (`gongzhang export`).
    Bundle(PathBuf),
}

/// What to restore, with which keys.
#[derive(Debug, Clone)]
pub struct RestoreOptions {
    /// The published copy.
    pub source: Source,
    /// The ledger's log key file (what `gongzhang init` made and `gongzhang serve` reads).
    pub log_key: PathBuf,
    /// Witness keys (C2SP vkey strings) whose cosignatures on the checkpoint are kept.
    pub witnesses: Vec<String>,
    /// Whether to show a progress bar (on a terminal).
    pub progress: bool,
}

/// What [`restore`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    /// The imported ledger.
    pub imported: Imported,
    /// Attachments the log names that were stored from the bundle.
    pub attachments_stored: usize,
    /// Attachments the log names that neither the copy nor the database has.
    pub attachments_missing: Vec<Hash>,
    /// Files in the bundle's attachments that the log does not name (stored all the same).
    pub attachments_unreferenced: usize,
}

/// Restores the ledger of `options.source` into `store` (see the [module documentation](self)),
/// then loads it back as `gongzhang serve` will, verifying it once more.
pub async fn restore<B: Backend>(
    store: &Store<B>,
    options: &RestoreOptions,
    lang: Lang,
) -> anyhow::Result<RestoreSummary> {
    let log_signer = read_key(&options.log_key)?;
    let witnesses = options
        .witnesses
        .iter()
        .map(|w| CosignerKey::parse(w.trim()).with_context(|| format!("the witness key {w:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (log_path, checkpoint_path, attachments) = match &options.source {
        Source::Log { log, checkpoint } => (log.clone(), checkpoint.clone(), Vec::new()),
        Source::Bundle(dir) => {
            check_manifest(dir)?;
            let files = bundle_attachments(dir)?;
            (dir.join(BUNDLE_LOG), dir.join(BUNDLE_CHECKPOINT), files)
        }
    };
    let checkpoint = read_small(
        &checkpoint_path,
        CHECKPOINT_FILE_BYTES_MAX,
        "the checkpoint",
    )?;
    let log = std::fs::File::open(&log_path)
        .with_context(|| format!("opening the log {}", log_path.display()))?;

    let mut stored = BTreeSet::new();
    for (hash, path) in &attachments {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let media_type = media_type(path, &bytes);
        store_attachment(store, media_type, bytes)
            .await
            .with_context(|| format!("storing the attachment {}", path.display()))?;
        stored.insert(*hash);
    }

    let bar = progress_bar(options.progress, &checkpoint);
    let ticks = bar.clone();
    let result = store
        .import_ledger(
            BufReader::with_capacity(LOG_BUFFER_BYTES, log),
            &checkpoint,
            log_signer,
            &witnesses,
            move |n| {
                if let Some(bar) = &ticks {
                    bar.set_position(n);
                }
            },
        )
        .await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let imported = result.map_err(|e| refused(&e, lang))?;
    store
        .read_ledger(&imported.origin, |_| ())
        .await
        .with_context(|| {
            format!(
                "loading the restored ledger `{}` as the server will",
                imported.origin
            )
        })?;
    let mut attachments_missing = Vec::new();
    for hash in imported.attachments.difference(&stored) {
        // The database may hold it already (PostgreSQL shares attachments between ledgers).
        if store.attachment(hash).await?.is_none() {
            attachments_missing.push(*hash);
        }
    }
    Ok(RestoreSummary {
        attachments_stored: imported.attachments.intersection(&stored).count(),
        attachments_unreferenced: stored.difference(&imported.attachments).count(),
        attachments_missing,
        imported,
    })
}

/// Stores one attachment. The one place restore writes attachments, so that a change to the
/// store's attachment API is made here.
async fn store_attachment<B: Backend>(
    store: &Store<B>,
    media_type: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<Hash> {
    Ok(store.put_attachment(media_type, bytes).await?)
}

/// An attachment's media type: from its file name's extension as `gongzhang export` writes it,
/// else from its first bytes (PDF, JPEG, PNG, WebP), else [`UNKNOWN_MEDIA_TYPE`].
pub fn media_type(path: &Path, bytes: &[u8]) -> &'static str {
    let from_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split_once('.'))
        .and_then(|(_, extension)| media_type_of_extension(extension));
    if let Some(media_type) = from_name {
        return media_type;
    }
    if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        "image/png"
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        UNKNOWN_MEDIA_TYPE
    }
}

/// The refusal, in Chinese first (or English with [`Lang::En`]), naming the entry and the cause.
fn refused(error: &ImportError, lang: Lang) -> anyhow::Error {
    let zh = match error {
        ImportError::Checkpoint(e) => format!(
            "检查点不是用这把日志密钥签名的，或不是这个账本的检查点（{e}）。请用这个账本自己的日志密钥文件和同一次下载的检查点。"
        ),
        ImportError::LogKeyNotGenesis { genesis, given } => format!(
            "创世条目登记的日志公钥是 {genesis}，不是你给的密钥文件里的 {given}。请用这个账本自己的日志密钥文件。"
        ),
        ImportError::Cosignature(e) => format!("检查点上一位见证人的联署对不上：{e}"),
        ImportError::Log(e) => e.explain(Lang::Zh),
        ImportError::Rule(e) => format!(
            "{}。这份日志不符合账本规则，不能作为账目恢复。",
            e.explain(Lang::Zh)
        ),
        ImportError::Read { line, error } => format!("读取日志第 {line} 行失败：{error}"),
        ImportError::VerifierStopped(why) => format!("核对日志的线程意外停止：{why}"),
        ImportError::LedgerExists { origin, size } => format!(
            "数据库里已经有账本 {origin}（{size} 条记录）。恢复从不写入已有的账本：请换一个新的数据库（新的 SQLite 文件名或新的 PostgreSQL 数据库）。"
        ),
        ImportError::Store(e) => format!("数据库出错：{e}"),
    };
    let en = format!("restore refused, nothing written: {error}");
    match lang {
        Lang::Zh => anyhow::anyhow!("恢复被拒绝，没有写入任何记录。{zh} / {en}"),
        Lang::En => anyhow::anyhow!(en),
    }
}

fn progress_bar(wanted: bool, checkpoint: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal as _;
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let size = note::parse(checkpoint)
        .ok()
        .and_then(|(text, _)| Checkpoint::parse(text).ok())
        .map(|c| c.size())?;
    let bar = indicatif::ProgressBar::new(size);
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, {eta})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// Reads a small text file, refusing one larger than `max` bytes.
fn read_small(path: &Path, max: u64, what: &str) -> anyhow::Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("opening {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {what} {}", path.display()))?;
    if bytes.len() as u64 > max {
        bail!("{what} {} is larger than {max} bytes", path.display());
    }
    String::from_utf8(bytes).with_context(|| format!("{what} {} is not UTF-8 text", path.display()))
}

/// Checks every line of the bundle's `SHA256SUMS` against its files (read by the verifier's rules,
/// [`manifest::parse`]), and that the log and the checkpoint are among them.
fn check_manifest(dir: &Path) -> anyhow::Result<()> {
    let manifest = dir.join(BUNDLE_MANIFEST);
    if !manifest.is_file() {
        bail!(
            "{0} 不是导出包（没有 {BUNDLE_MANIFEST}）；下载的日志请用 --log 和 --checkpoint / {0} is not an export bundle (no {BUNDLE_MANIFEST}); for a downloaded log use --log and --checkpoint",
            dir.display()
        );
    }
    let text = read_small(&manifest, MANIFEST_BYTES_MAX, "the manifest")?;
    let mut listed = BTreeSet::new();
    for line in manifest::parse(&text) {
        let line = line.map_err(|e| anyhow::anyhow!("{}: {e}", manifest.display()))?;
        let (name, hash) = (line.path, line.sha256);
        let bytes = std::fs::read(dir.join(name)).with_context(|| {
            format!(
                "导出包缺少清单里的文件 {name} / the bundle lacks {name}, listed in {BUNDLE_MANIFEST}"
            )
        })?;
        let found = sha256(&bytes);
        if found != hash {
            bail!(
                "导出包里的 {name} 在导出之后被改动过（清单上的 SHA-256 是 {hash}，实际是 {found}）/ {name} was changed after export: {BUNDLE_MANIFEST} says {hash}, its content has {found}"
            );
        }
        listed.insert(name.to_string());
    }
    for required in [BUNDLE_LOG, BUNDLE_CHECKPOINT] {
        if !listed.contains(required) {
            bail!("{BUNDLE_MANIFEST} does not list {required}");
        }
    }
    Ok(())
}

/// The bundle's attachment files named by a SHA-256 (before any extension), each checked to
/// have that hash. Other files are ignored.
fn bundle_attachments(dir: &Path) -> anyhow::Result<Vec<(Hash, PathBuf)>> {
    let folder = dir.join(BUNDLE_ATTACHMENTS);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .with_context(|| format!("listing {}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let Ok(named) = Hash::from_hex(name.split('.').next().unwrap_or_default()) else {
            continue;
        };
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let found = sha256(&bytes);
        if found != named {
            bail!(
                "附件 {name} 的内容与文件名不符（实际 SHA-256 是 {found}）：它在导出之后被替换或改动过 / the attachment {name} does not have the SHA-256 its name says (its content has {found})"
            );
        }
        out.push((named, path));
    }
    Ok(out)
}

/// Prints what was restored, in Chinese (or English), and the command that serves it.
pub fn print_summary(
    summary: &RestoreSummary,
    database: &str,
    log_key: &Path,
    witnesses: &[String],
    lang: Lang,
) {
    let t = |zh: &'static str, en: &'static str| match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    let imported = &summary.imported;
    println!(
        "{} {}",
        t("已恢复账本：", "restored the ledger"),
        imported.origin
    );
    println!("  {} {}", t("条目数", "entries"), imported.tree_head.size);
    println!(
        "  {} {}",
        t("检查点指纹", "checkpoint fingerprint"),
        imported.tree_head.fingerprint()
    );
    println!(
        "  {} {}",
        t("检查点根哈希", "checkpoint root"),
        imported.tree_head.root
    );
    println!(
        "  {} {}",
        t("创世条目哈希", "genesis entry hash"),
        imported.genesis_hash
    );
    println!(
        "  {} {}  {} {}",
        t("附件：已存入", "attachments stored"),
        summary.attachments_stored,
        t("缺少", "missing"),
        summary.attachments_missing.len()
    );
    if !summary.attachments_missing.is_empty() {
        println!(
            "  {}",
            t(
                "日志提到但这份副本里没有的附件（请从导出包或原件补上）：",
                "attachments the log names that this copy lacks (bring them from an export bundle):"
            )
        );
        for hash in summary.attachments_missing.iter().take(MISSING_LISTED_MAX) {
            println!("    {hash}");
        }
        let more = summary
            .attachments_missing
            .len()
            .saturating_sub(MISSING_LISTED_MAX);
        if more > 0 {
            println!("    {} {more}", t("……另有", "… and more:"));
        }
    }
    if !imported.cosignatures_kept.is_empty() || !imported.cosignatures_dropped.is_empty() {
        println!(
            "  {} {}  {} {}",
            t("见证人联署：保留", "witness cosignatures kept"),
            imported.cosignatures_kept.len(),
            t("未保留（没有给出其公钥）", "dropped (key not given)"),
            imported.cosignatures_dropped.join(", ")
        );
    }
    let mut command = format!(
        "gongzhang serve --database {} --log-key {}",
        shell_word(database),
        shell_word(&log_key.display().to_string())
    );
    for w in witnesses {
        command.push_str(&format!(" --witness {}", shell_word(w)));
    }
    println!(
        "{}\n  {command}",
        t("接下来启动服务器：", "next, start the server:")
    );
}

/// `text` as one shell word (quoted if it needs to be).
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_come_from_the_name_then_the_first_bytes() {
        let p = Path::new;
        assert_eq!(media_type(p("ab.pdf"), b""), "application/pdf");
        assert_eq!(
            media_type(p("ab.txt"), b"%PDF-"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(media_type(p("ab"), b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(media_type(p("ab"), &[0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg");
        assert_eq!(
            media_type(
                p("ab"),
                &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]
            ),
            "image/png"
        );
        assert_eq!(media_type(p("ab"), b"RIFF\x10\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(
            media_type(p("ab"), b"RIFF\x10\0\0\0WAVE"),
            UNKNOWN_MEDIA_TYPE
        );
        assert_eq!(media_type(p("ab.xyz"), b"hello"), UNKNOWN_MEDIA_TYPE);
    }

    #[test]
    fn the_serve_command_quotes_what_the_shell_would_split() {
        assert_eq!(shell_word("gongzhang.sqlite"), "gongzhang.sqlite");
        assert_eq!(
            shell_word("postgres://u:p@host/db"),
            "postgres://u:p@host/db"
        );
        assert_eq!(shell_word("my books.sqlite"), "'my books.sqlite'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
