//! `gongzhang-verify`: checks a published Gongzhang log on the resident's own computer.
//!
//! Exit codes: 0 verified, 1 verification failed, 2 usage or input error.

use anyhow::Context as _;
use clap::Parser;
use gongzhang_core::Hash;
use gongzhang_core::checkpoint;
use gongzhang_core::cosignature::{CosignerKey, WitnessPolicy};
use gongzhang_core::ledger::rules::Ledger;
use gongzhang_core::log::{LogError, LogVerifier};
use gongzhang_core::note::VerifierKey;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::PathBuf;
use std::process::ExitCode;

mod report;
mod tlog;
use report::{Lang, Outcome};

/// 核对公账日志是否完整、未被篡改 / Check that a published Gongzhang log is whole and unaltered.
#[derive(Debug, Parser)]
#[command(
    name = "gongzhang-verify",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: Args,
    /// 报告语言 / report language
    #[arg(long, value_enum, default_value = "zh", global = true)]
    lang: Lang,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// 核对任意 C2SP tlog-proof（例如 Go 校验和数据库的证明）/ check any C2SP tlog-proof (e.g. from the Go checksum database)
    TlogProof(tlog::TlogProofArgs),
}

/// Checking a published log.
#[derive(Debug, clap::Args)]
struct Args {
    /// 日志文件（.jsonl），“-” 表示标准输入 / the log file (.jsonl), "-" for standard input
    #[arg(required = true)]
    log: Option<PathBuf>,
    /// 账本的日志公钥（公告栏上的验证密钥串）/ the ledger's log key (verifier key string from the notice board)
    #[arg(long)]
    key: String,
    /// 检查点文件（签名的 note）/ the checkpoint file (signed note)
    #[arg(long)]
    checkpoint: PathBuf,
    /// 公告栏上的创世条目哈希（可选）/ the genesis entry hash from the notice board (optional)
    #[arg(long)]
    genesis_hash: Option<String>,
    /// 以前保存的检查点（可选）：证明日志只增加、没有改写 / a checkpoint you saved before (optional): proves the log only grew
    #[arg(long)]
    older_checkpoint: Option<PathBuf>,
    /// 见证人的公钥（可重复）/ a witness's cosigner key (repeatable)
    #[arg(long = "witness")]
    witnesses: Vec<String>,
    /// 至少需要几位见证人联署（默认：所给的全部）/ how many witnesses must have cosigned (default: all given)
    #[arg(long)]
    witnesses_required: Option<usize>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let lang = cli.lang;
    if let Some(Command::TlogProof(args)) = &cli.command {
        return tlog::main(args, lang);
    }
    let args = cli.check;
    match run(&args, lang) {
        Ok(outcome) => {
            print!("{}", report::render(&outcome, lang));
            if outcome.is_verified() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("{}: {e:#}", lang.pick("输入错误", "input error"));
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args, lang: Lang) -> anyhow::Result<Outcome> {
    let key =
        VerifierKey::parse(args.key.trim()).with_context(|| format!("--key {:?}", args.key))?;
    let genesis = match &args.genesis_hash {
        Some(text) => {
            Some(Hash::from_hex(text.trim()).with_context(|| format!("--genesis-hash {text:?}"))?)
        }
        None => None,
    };
    let note = std::fs::read_to_string(&args.checkpoint)
        .with_context(|| format!("reading the checkpoint {}", args.checkpoint.display()))?;
    // The checkpoint names the origin; the log key must have signed it.
    let origin = note.lines().next().unwrap_or_default().to_string();
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
    let opened = match checkpoint::open(&note, &origin, &key, policy.as_ref()) {
        Ok(opened) => opened,
        Err(e) => return Ok(Outcome::CheckpointRejected(e.explain_checkpoint(lang))),
    };
    let older = match &args.older_checkpoint {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the older checkpoint {}", path.display()))?;
            match checkpoint::open(&text, &origin, &key, None) {
                Ok(o) => Some(o.tree_head()),
                Err(e) => return Ok(Outcome::CheckpointRejected(e.explain_checkpoint(lang))),
            }
        }
    };
    if let Some(saved) = older {
        if saved.size > opened.tree_head().size {
            return Ok(Outcome::HistoryRewritten { saved, found: None });
        }
    }
    let mut verifier = LogVerifier::new().expect_origin(&origin);
    let mut ledger = Ledger::new();
    if let Some(hash) = genesis {
        verifier = verifier.expect_genesis_hash(hash);
    }
    let log_path = args.log.clone().unwrap_or_default();
    let input: Box<dyn std::io::Read> = if log_path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&log_path)
                .with_context(|| format!("opening the log {}", log_path.display()))?,
        )
    };
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        // Read at most one entry's worth plus the line feed (and one byte more), so a hostile
        // file without line feeds cannot fill memory: an over-long line is cut there and then
        // reported as too large.
        let limit = (gongzhang_core::entry::ENTRY_BYTES_MAX + 2) as u64;
        let n = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut line)
            .context("reading the log")?;
        if n == 0 {
            break;
        }
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        let entry = match verifier.push(bytes) {
            Ok(entry) => entry,
            Err(error) => return Ok(Outcome::LogRejected { error }),
        };
        if !line.ends_with(b"\n") {
            // Only the last line can lack its line feed: the file was cut short.
            if let Err(error) = verifier.flush() {
                return Ok(Outcome::LogRejected { error });
            }
            return Ok(Outcome::LogRejected {
                error: LogError::UnterminatedLastLine { seq: entry.seq() },
            });
        }
        if let Some(saved) = older {
            if verifier.size() == saved.size && verifier.tree_head() != saved {
                if let Err(error) = verifier.flush() {
                    return Ok(Outcome::LogRejected { error });
                }
                return Ok(Outcome::HistoryRewritten {
                    saved,
                    found: Some(verifier.tree_head()),
                });
            }
        }
        if let Err(rule) = ledger.apply(&entry) {
            // A bad signature earlier in the log explains more than this rule: report it first.
            if let Err(error) = verifier.flush() {
                return Ok(Outcome::LogRejected { error });
            }
            return Ok(Outcome::RuleBroken { error: rule });
        }
    }
    let verified = match verifier.finish() {
        Ok(v) => v,
        Err(error) => return Ok(Outcome::LogRejected { error }),
    };
    if let Err(error) = verified.check_tree_head(&opened.tree_head()) {
        return Ok(Outcome::LogRejected { error });
    }
    Ok(Outcome::Verified {
        log: verified,
        ledger: Box::new(ledger),
        cosignatures: opened
            .cosignatures()
            .iter()
            .map(|c| (c.name().to_string(), c.timestamp()))
            .collect(),
        older,
    })
}

/// A rejected checkpoint, explained in the report's language.
trait ExplainCheckpoint {
    fn explain_checkpoint(&self, lang: Lang) -> String;
}

impl ExplainCheckpoint for checkpoint::CheckpointError {
    fn explain_checkpoint(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Zh, checkpoint::CheckpointError::Witnesses(e)) => {
                format!("见证人的联署不够或无效：{e}")
            }
            (Lang::Zh, checkpoint::CheckpointError::OriginMismatch { expected, found }) => {
                format!("检查点属于账本 {found}，不是 {expected}")
            }
            (Lang::Zh, e) => format!("检查点无法用这把日志公钥打开：{e}"),
            (Lang::En, e) => e.to_string(),
        }
    }
}
