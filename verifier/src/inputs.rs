//! Where the inputs are: a log file, standard input, or an export bundle directory; and the
//! checks on a bundle's files (its SHA-256 manifest, its attachments, its published statements).

use crate::Args;
use anyhow::Context as _;
use gongzhang_core::Hash;
use gongzhang_core::ledger::events::Statement;
use sha2::{Digest as _, Sha256};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The log file inside an export bundle.
pub const BUNDLE_LOG: &str = "log.jsonl";
/// The checkpoint inside an export bundle.
pub const BUNDLE_CHECKPOINT: &str = "checkpoint";
/// The manifest of SHA-256 sums inside an export bundle (`sha256sum` format).
pub const BUNDLE_MANIFEST: &str = "SHA256SUMS";
/// The attachments directory inside an export bundle: files named by their SHA-256.
pub const BUNDLE_ATTACHMENTS: &str = "attachments";
/// The published statements inside an export bundle (`*.json`).
pub const BUNDLE_STATEMENTS: &str = "statements";
/// Largest checkpoint or receipt file read.
pub const SMALL_FILE_BYTES_MAX: u64 = 1 << 20;
/// Largest published statement file read.
pub const STATEMENT_BYTES_MAX: u64 = 16 << 20;

/// Where the log comes from.
#[derive(Debug, Clone)]
pub enum LogSource {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

/// The resolved inputs.
#[derive(Debug)]
pub struct Inputs {
    pub log: LogSource,
    pub checkpoint: PathBuf,
    pub statements: Vec<PathBuf>,
    pub attachments: Option<PathBuf>,
    pub manifest: Option<PathBuf>,
}

/// Resolves the command line: a directory is an export bundle, whose files are used unless the
/// command line names others.
pub fn resolve(args: &Args) -> anyhow::Result<Inputs> {
    let log = args.log.clone().unwrap_or_default();
    if log.as_os_str() == "-" {
        let checkpoint = args
            .checkpoint
            .clone()
            .context("--checkpoint is required when the log is read from standard input")?;
        return Ok(Inputs {
            log: LogSource::Stdin,
            checkpoint,
            statements: args.statements.clone(),
            attachments: args.attachments.clone(),
            manifest: None,
        });
    }
    if log.is_dir() {
        let dir = log;
        let bundle_log = dir.join(BUNDLE_LOG);
        if !bundle_log.is_file() {
            anyhow::bail!(
                "{} is a directory but has no {BUNDLE_LOG}: not an export bundle",
                dir.display()
            );
        }
        let mut statements = args.statements.clone();
        if statements.is_empty() {
            let folder = dir.join(BUNDLE_STATEMENTS);
            if folder.is_dir() {
                let mut found: Vec<PathBuf> = std::fs::read_dir(&folder)
                    .with_context(|| format!("listing {}", folder.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
                    .collect();
                found.sort();
                statements = found;
            }
        }
        let attachments = args.attachments.clone().or_else(|| {
            let folder = dir.join(BUNDLE_ATTACHMENTS);
            folder.is_dir().then_some(folder)
        });
        let manifest = dir.join(BUNDLE_MANIFEST);
        return Ok(Inputs {
            log: LogSource::File(bundle_log),
            checkpoint: args
                .checkpoint
                .clone()
                .unwrap_or_else(|| dir.join(BUNDLE_CHECKPOINT)),
            statements,
            attachments,
            manifest: manifest.is_file().then_some(manifest),
        });
    }
    let checkpoint = args
        .checkpoint
        .clone()
        .context("--checkpoint is required unless the log is an export bundle directory")?;
    Ok(Inputs {
        log: LogSource::File(log),
        checkpoint,
        statements: args.statements.clone(),
        attachments: args.attachments.clone(),
        manifest: None,
    })
}

/// Reads a small text file (a checkpoint, a receipt), refusing one larger than `max` bytes.
pub fn read_small(path: &Path, max: u64, what: &str) -> anyhow::Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("opening {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {what} {}", path.display()))?;
    if bytes.len() as u64 > max {
        anyhow::bail!("{what} {} is larger than {max} bytes", path.display());
    }
    String::from_utf8(bytes).with_context(|| format!("{what} {} is not UTF-8 text", path.display()))
}

/// Reads a published statement.
pub fn read_statement(path: &Path) -> anyhow::Result<Statement> {
    let text = read_small(path, STATEMENT_BYTES_MAX, "the statement")?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).with_context(|| {
        format!(
            "the statement {} is not a Gongzhang period statement",
            path.display()
        )
    })
}

/// SHA-256 of a file, read in pieces.
pub fn sha256_file(path: &Path) -> std::io::Result<Hash> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(Hash(hasher.finalize().into()))
}

/// A manifest line that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestProblem {
    /// A listed file is not in the bundle.
    Missing { file: String },
    /// A listed file's SHA-256 differs from the manifest's.
    Changed {
        file: String,
        listed: Hash,
        found: Hash,
    },
    /// A line is not `HEX  PATH`, or names a path outside the bundle.
    BadLine { line: usize },
}

/// Checks every line of a `sha256sum`-style manifest against the bundle's files. Returns the
/// number of files checked, or the first problem.
pub fn check_manifest(manifest: &Path) -> anyhow::Result<Result<usize, ManifestProblem>> {
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let text = read_small(manifest, SMALL_FILE_BYTES_MAX, "the manifest")?;
    let mut checked = 0;
    for line in gongzhang_core::manifest::parse(&text) {
        let line = match line {
            Ok(line) => line,
            Err(e) => return Ok(Err(ManifestProblem::BadLine { line: e.line() })),
        };
        let name = line.path;
        let path = dir.join(name);
        if !path.is_file() {
            return Ok(Err(ManifestProblem::Missing {
                file: name.to_string(),
            }));
        }
        let found = sha256_file(&path).with_context(|| format!("reading {}", path.display()))?;
        if found != line.sha256 {
            return Ok(Err(ManifestProblem::Changed {
                file: name.to_string(),
                listed: line.sha256,
                found,
            }));
        }
        checked += 1;
    }
    Ok(Ok(checked))
}

/// What the attachments directory holds.
#[derive(Debug, Default)]
pub struct AttachmentFiles {
    /// Files whose name is a SHA-256 (before any extension) and whose content has that hash.
    pub good: Vec<Hash>,
    /// The first file whose content does not have the hash its name says.
    pub bad: Option<(String, Hash, Hash)>,
    /// Files whose name is not a SHA-256, ignored.
    pub ignored: usize,
}

/// Hashes every file of an attachments directory.
pub fn check_attachments(dir: &Path) -> anyhow::Result<AttachmentFiles> {
    let mut out = AttachmentFiles::default();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing the attachments {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let stem = name.split('.').next().unwrap_or_default();
        let Ok(named) = Hash::from_hex(stem) else {
            out.ignored += 1;
            continue;
        };
        let found = sha256_file(&path).with_context(|| format!("reading {}", path.display()))?;
        if found == named {
            out.good.push(named);
        } else if out.bad.is_none() {
            out.bad = Some((name, named, found));
        }
    }
    Ok(out)
}
