//! `gongzhang-verify`: checks a published Gongzhang log on the resident's own computer.
//!
//! Exit codes: 0 verified, 1 verification failed, 2 usage or input error.

/// jemalloc rather than the system allocator: the worker threads allocate what the main thread
/// frees, which glibc's per-thread arenas turn into ~130 MB of fragments on a 1,000,000-entry
/// log; jemalloc (with the decay set in `.cargo/config.toml`) returns them. Not on MSVC, where
/// jemalloc does not build.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

mod check;
mod inputs;
mod report;
mod tlog;
use gongzhang_text::Lang;

/// 核对公账日志是否完整、未被篡改 / Check that a published Gongzhang log is whole and unaltered.
#[derive(Debug, Parser)]
#[command(
    name = "gongzhang-verify",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "退出码 / exit codes: 0 核对通过 verified · 1 核对失败 verification failed · 2 用法或输入错误 usage or input error"
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
#[command(group(clap::ArgGroup::new("anchor").required(true).multiple(true).args(["key", "genesis_hash"])))]
pub struct Args {
    /// 日志文件（.jsonl）、导出包目录，或 “-” 表示标准输入 / the log file (.jsonl), an export bundle directory, or "-" for standard input
    #[arg(required = true)]
    pub log: Option<PathBuf>,
    /// 账本的日志公钥（公告栏上的验证密钥串）/ the ledger's log key (verifier key string from the notice board)
    #[arg(long)]
    pub key: Option<String>,
    /// 公告栏上的创世条目哈希；只给它时，日志公钥取自创世条目 / the genesis entry hash from the notice board; given alone, the log key is taken from the genesis entry
    #[arg(long)]
    pub genesis_hash: Option<String>,
    /// 检查点文件（签名的 note）；导出包里默认用 checkpoint / the checkpoint file (signed note); in a bundle, `checkpoint` by default
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// 以前保存的检查点：证明日志只增加、没有改写 / a checkpoint you saved before: proves the log only grew
    #[arg(long)]
    pub older_checkpoint: Option<PathBuf>,
    /// 见证人的公钥（可重复）/ a witness's cosigner key (repeatable)
    #[arg(long = "witness")]
    pub witnesses: Vec<String>,
    /// 至少需要几位见证人联署（默认：所给的全部）/ how many witnesses must have cosigned (default: all given)
    #[arg(long)]
    pub witnesses_required: Option<usize>,
    /// 你的收据（tlog-proof 文件，可重复）：核对你的缴费在账本里 / your receipt (a tlog-proof file, repeatable): checks your payment is in the ledger
    #[arg(long = "receipt")]
    pub receipts: Vec<PathBuf>,
    /// 公示的期间报表（JSON，可重复）；导出包里默认用 statements/*.json / a published period statement (JSON, repeatable); in a bundle, statements/*.json by default
    #[arg(long = "statement")]
    pub statements: Vec<PathBuf>,
    /// 附件目录（文件名为 SHA-256）；导出包里默认用 attachments/ / the attachments directory (files named by SHA-256); in a bundle, attachments/ by default
    #[arg(long)]
    pub attachments: Option<PathBuf>,
    /// 输出机器可读的 JSON 报告（格式见 schemas/verify-report.schema.json）/ print the machine-readable JSON report (schemas/verify-report.schema.json)
    #[arg(long)]
    pub json: bool,
    /// 使用的线程数（默认：全部核心）/ worker threads (default: all cores)
    #[arg(long)]
    pub threads: Option<usize>,
    /// 不显示进度条 / no progress bar
    #[arg(long)]
    pub no_progress: bool,
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
    match check::run(&args, lang) {
        Ok(report) => {
            if args.json {
                println!("{}", report::to_json(&report));
            } else {
                print!("{}", report::render(&report, lang));
            }
            if report.verified {
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
