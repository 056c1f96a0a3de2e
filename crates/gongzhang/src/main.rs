//! `gongzhang`: the ledger's server and command line. Every command is a function in the
//! library; this file turns the command line into calls and a result into an exit code.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use gongzhang::client::{Client, Database, Local, Remote};
use gongzhang::record::{RecordKind, yuan_arg};
use gongzhang::submit::SubmitOptions;
use gongzhang::{demo, export, init, keygen, restore, sample, serve, submit, with_store};
use gongzhang_core::ledger::types::{Fen, FundId, Period};
use gongzhang_store::backend::Backend;
use gongzhang_store::postgres::PostgresBackend;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::Store;
use gongzhang_text::Lang;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::runtime::Runtime;

/// 公账：小区公共账目，无法悄悄改写 / Gongzhang: community accounts that cannot be quietly rewritten
#[derive(Debug, Parser)]
#[command(name = "gongzhang", version)]
struct Cli {
    /// 显示语言 / language
    #[arg(long, global = true, value_enum, default_value = "zh")]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

/// The default SQLite file of `init`, `record`, `serve`, `export` and `restore`.
const DEFAULT_DATABASE: &str = "gongzhang.sqlite";
/// The default log key file of `init`, `record`, `serve` and `restore`.
const DEFAULT_LOG_KEY: &str = "gongzhang-log.key";

#[derive(Debug, Subcommand)]
enum Command {
    /// 生成自己的签名密钥（只有本人可读的文件），并显示交给业委会的公钥 / make your signing key
    /// (a file only you can read) and show the verifier key to hand to the committee
    Keygen {
        /// 密钥名，例如姓名拼音 zhang-wei / key name, e.g. zhang-wei
        #[arg(long)]
        name: String,
        /// 密钥文件（默认 <name>.key，已存在则拒绝）/ key file (default <name>.key; never replaced)
        #[arg(long)]
        out: Option<PathBuf>,
        /// 生成见证密钥（街道办、居委会运行 gongzhang witness 用）/ make a witness key (for
        /// the street office's or the residents' committee's gongzhang witness)
        #[arg(long)]
        witness: bool,
    },
    /// 建立账本：业委会委员用各自的密钥签署创世条目 / open a ledger: the committee members
    /// sign its genesis with their key files
    Init(InitArgs),
    /// 记一笔账：生成事件、用你的密钥签名、提交到服务器或本地数据库 / record an event: build
    /// it, sign it with your key, submit it to a server or a local database
    Record {
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        signing: SigningArgs,
        #[command(subcommand)]
        kind: RecordKind,
    },
    /// 提交保存的已签名事件（可先加上自己的签名）/ submit a saved signed event (adding your
    /// signature first)
    Submit {
        /// 已签名事件文件（record --out 写出）/ signed event file (from record --out)
        file: PathBuf,
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// 运行账本服务器（HTTP 接口）/ serve the ledger over HTTP
    Serve {
        /// 数据库：SQLite 文件，或 postgres://… / database: a SQLite file or postgres://…
        #[arg(long, default_value = DEFAULT_DATABASE)]
        database: String,
        /// 账本日志密钥文件（每个账本一个，可重复）/ log key file (one per ledger; repeatable)
        #[arg(long = "log-key", default_value = DEFAULT_LOG_KEY)]
        log_keys: Vec<PathBuf>,
        /// 接受其见证签名的公钥（C2SP 格式，可重复）/ witness keys whose cosignatures are accepted
        #[arg(long = "witness")]
        witnesses: Vec<String>,
        /// 请其副署检查点的见证服务地址（如 http://jiedao.example:7380），与 --witness 按顺序
        /// 对应（可重复）/ a witness to ask for cosignatures (e.g. http://jiedao.example:7380),
        /// paired in order with --witness (repeatable)
        #[arg(long = "witness-url")]
        witness_urls: Vec<String>,
        /// 监听地址 / address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// 公示栏的欠费页列出欠费房号（业委会决定；默认只显示户数）/ list the units in arrears
        /// by number on the notice board (the committee's choice; default: counts only)
        #[arg(long = "arrears-show-units")]
        show_arrears_units: bool,
        /// 每个客户端地址一次最多可连续提交几次（之后限速）/ writes one client address may
        /// make at once before it is slowed down
        #[arg(long = "write-burst", default_value_t = gongzhang_server::security::WRITE_BURST_DEFAULT)]
        write_burst: u32,
        /// 之后每隔多少毫秒可再提交一次 / then one more write per this many milliseconds
        #[arg(long = "write-interval-ms", default_value_t = gongzhang_server::security::WRITE_INTERVAL_MS_DEFAULT)]
        write_interval_ms: u64,
    },
    /// 运行见证服务（街道办、居委会）：核对账本的检查点与以前见过的一致后副署 / run a
    /// witness (street office, residents' committee): cosign a log's checkpoints once they are
    /// consistent with everything it saw before (c2sp.org/tlog-witness)
    Witness {
        /// 监听地址（提交地址为 http://ADDR/add-checkpoint）/ address to listen on (submissions
        /// go to http://ADDR/add-checkpoint)
        #[arg(long, default_value = "127.0.0.1:7380")]
        listen: SocketAddr,
        /// 见证密钥文件（gongzhang keygen --witness 生成）/ witness key file (from gongzhang
        /// keygen --witness)
        #[arg(long)]
        key: PathBuf,
        /// 见证状态：SQLite 文件，或 postgres://… / state: a SQLite file or postgres://…
        #[arg(long, default_value = "witness.sqlite")]
        state: String,
        /// 见证的账本日志公钥（可重复）；公账的账本写成 '公钥=http://服务器地址'，见证人先逐条核对
        /// 新条目再联署 / a log's verifier key to witness (repeatable); for a Gongzhang ledger
        /// 'KEY=http://server' makes the witness check every new entry before it cosigns
        #[arg(long = "log")]
        logs: Vec<String>,
    },
    /// 导出交给街道办的审计包 / export the bundle the street office takes away
    Export {
        /// 数据库：SQLite 文件，或 postgres://… / database: a SQLite file or postgres://…
        #[arg(long, default_value = DEFAULT_DATABASE)]
        database: String,
        /// 账本（数据库里只有一个时可省略）/ ledger origin (optional if there is only one)
        #[arg(long)]
        ledger: Option<String>,
        /// 输出目录（不能已存在）/ output directory (must not exist)
        #[arg(long)]
        out: PathBuf,
    },
    /// 从公布的副本恢复丢失的服务器：核对下载的日志和检查点（或导出包，连同附件），写入新的
    /// 数据库 / restore a lost server from a published copy: verify a downloaded log and
    /// checkpoint (or an export bundle, with its attachments) and write them into a new database
    #[command(group(clap::ArgGroup::new("copy").required(true).args(["bundle", "log"])))]
    Restore {
        /// 导出包目录（gongzhang export 写出的）/ an export bundle directory (from gongzhang export)
        bundle: Option<PathBuf>,
        /// 或：下载的日志文件（.jsonl）/ or: a downloaded log (.jsonl)
        #[arg(long, requires = "checkpoint", conflicts_with = "bundle")]
        log: Option<PathBuf>,
        /// 与日志一起下载的检查点 / the checkpoint downloaded with the log
        #[arg(long, requires = "log")]
        checkpoint: Option<PathBuf>,
        /// 账本的日志密钥文件（gongzhang init 生成、serve 使用的那个）/ the ledger's log key
        /// file (the one gongzhang init made and serve reads)
        #[arg(long = "log-key", default_value = DEFAULT_LOG_KEY)]
        log_key: PathBuf,
        /// 新的数据库：SQLite 文件，或 postgres://… / the new database: a SQLite file or
        /// postgres://…
        #[arg(long, default_value = DEFAULT_DATABASE)]
        database: String,
        /// 保留其联署的见证人公钥（C2SP 格式，可重复）/ witness keys whose cosignatures are kept
        #[arg(long = "witness")]
        witnesses: Vec<String>,
        /// 不显示进度条 / no progress bar
        #[arg(long)]
        no_progress: bool,
    },
    /// 演示：建立幸福里小区的演示账本，在本机提供服务，并显示核对命令 / demo: build the demo
    /// community, serve it on this computer, and print the command that verifies it
    Demo {
        /// 演示数据目录 / directory for the demo's database and keys
        #[arg(long, default_value = "gongzhang-demo")]
        dir: PathBuf,
        /// 监听地址 / address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// 写出示例账本（和谐家园小区）并核对 / write the example ledger and verify it
    Sample {
        /// 输出目录 / output directory
        #[arg(long, default_value = "gongzhang-sample")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
struct InitArgs {
    /// 数据库：SQLite 文件，或 postgres://… / database: a SQLite file or postgres://…
    #[arg(long, default_value = DEFAULT_DATABASE)]
    database: String,
    /// 账本日志密钥文件（不存在则生成）/ log key file (made if missing)
    #[arg(long = "log-key", default_value = DEFAULT_LOG_KEY)]
    log_key: PathBuf,
    /// 账本来源名，例如 gongzhang.example/xingfuli / the ledger's origin
    #[arg(long)]
    origin: String,
    /// 小区名称 / the community's name
    #[arg(long)]
    community: String,
    /// 业委会委员的密钥文件（每位委员一个，可重复）/ a committee member's key file (repeat)
    #[arg(long = "committee-key", required = true)]
    committee_keys: Vec<PathBuf>,
    /// 出纳的公钥（keygen 显示的那行）/ the treasurer's verifier key
    #[arg(long)]
    treasurer: String,
    /// 街道办审计的公钥 / the street office auditor's verifier key
    #[arg(long)]
    auditor: String,
    /// 超过此金额（元）的支出需委员批准 / expenditures above this (yuan) need approvals
    #[arg(long, default_value = "5000.00")]
    approval_threshold: String,
    /// 需要几位委员批准（K）/ approvals required (K of N)
    #[arg(long, default_value_t = 2)]
    approvals_required: u32,
    /// 账本的第一个月，例如 2026-01 / the first month accounted for
    #[arg(long)]
    first_period: String,
    /// 期初余额，例如 operating=10000.00（可重复）/ opening balance, e.g. operating=10000.00
    #[arg(long = "opening")]
    opening: Vec<String>,
    /// 创世事件编号 / the genesis event id
    #[arg(long, default_value = "ledger-opened")]
    id: String,
}

/// Where `record` and `submit` send the event.
#[derive(Debug, Args)]
struct TargetArgs {
    /// 账本服务器地址，例如 http://127.0.0.1:8080 / the ledger server's URL
    #[arg(long, global = true, conflicts_with = "database")]
    server: Option<String>,
    /// 或直接写入本地数据库 / or write straight into a database
    #[arg(long, global = true)]
    database: Option<String>,
    /// 本地数据库的日志密钥文件 / the log key file, with --database
    #[arg(long = "log-key", global = true, default_value = DEFAULT_LOG_KEY)]
    log_key: PathBuf,
    /// 账本（只有一个时可省略）/ ledger origin (optional if there is only one)
    #[arg(long, global = true)]
    ledger: Option<String>,
}

#[derive(Debug, Args)]
struct SigningArgs {
    /// 你的密钥文件（需多人签名时重复）/ your key file (repeat for a quorum)
    #[arg(long = "key", global = true)]
    keys: Vec<PathBuf>,
    /// 事件编号（默认新生成；重试时用同一个）/ event id (new by default; reuse it to retry)
    #[arg(long, global = true)]
    id: Option<String>,
    /// 只签名不提交，写到这个文件 / sign only, write the signed event to this file
    #[arg(long, global = true)]
    out: Option<PathBuf>,
    /// 把包含证明保存为 tlog-proof 文件（给付款人）/ save the inclusion proof (for the payer)
    #[arg(long, global = true)]
    proof: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang;
    match run(cli.command, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e:#}", lang.pick("错误", "error"));
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn run(command: Command, lang: Lang) -> anyhow::Result<()> {
    match command {
        Command::Keygen { name, out, witness } => {
            let path = out.unwrap_or_else(|| keygen::default_path(&name));
            if witness {
                let verifier = keygen::witness_keygen(&name, &path, lang)?;
                keygen::print_new_witness_key(&path, &verifier, lang);
            } else {
                let key = keygen::keygen(&name, &path, lang)?;
                keygen::print_new_key(&key, lang);
            }
            Ok(())
        }
        Command::Sample { out } => sample::sample(&out, lang),
        Command::Init(args) => run_init(args, lang),
        Command::Record {
            target,
            signing,
            kind,
        } => with_client(
            &target,
            &Action::Record(&kind),
            &submit_options(signing, lang),
        ),
        Command::Submit {
            file,
            target,
            signing,
        } => with_client(
            &target,
            &Action::Submit(&file),
            &submit_options(signing, lang),
        ),
        Command::Serve {
            database,
            log_keys,
            witnesses,
            witness_urls,
            listen,
            show_arrears_units,
            write_burst,
            write_interval_ms,
        } => {
            logging();
            let options = serve::ServeOptions {
                log_keys,
                witnesses,
                witness_urls,
                listen,
                show_arrears_units,
                write_limit: gongzhang_server::security::WriteLimit {
                    burst: write_burst,
                    interval_ms: write_interval_ms,
                },
            };
            let rt = runtime()?;
            let database = Database::parse(&database);
            rt.block_on(async {
                with_store!(&database, |store| {
                    serve::serve(store, &options, |a| print_listening(a, lang)).await
                })
            })
        }
        Command::Witness {
            listen,
            key,
            state,
            logs,
        } => {
            logging();
            let options = gongzhang::witness::WitnessOptions {
                listen,
                key,
                state,
                logs,
            };
            runtime()?.block_on(gongzhang::witness::run(&options, lang, |addr, verifier| {
                println!(
                    "{} http://{addr}/add-checkpoint",
                    lang.pick("见证服务已启动：", "witness listening on")
                );
                println!("{} {verifier}", lang.pick("见证公钥：", "witness key:"));
            }))
        }
        Command::Export {
            database,
            ledger,
            out,
        } => {
            let rt = runtime()?;
            let database = Database::parse(&database);
            rt.block_on(async {
                with_store!(&database, |store| {
                    run_export(&store, ledger.as_deref(), &out, lang).await
                })
            })
        }
        Command::Restore {
            bundle,
            log,
            checkpoint,
            log_key,
            database,
            witnesses,
            no_progress,
        } => {
            let source = match (bundle, log, checkpoint) {
                (Some(dir), _, _) => restore::Source::Bundle(dir),
                (None, Some(log), Some(checkpoint)) => restore::Source::Log { log, checkpoint },
                _ => anyhow::bail!(
                    "give an export bundle directory, or --log and --checkpoint / 请给出导出包目录，或 --log 和 --checkpoint"
                ),
            };
            let options = restore::RestoreOptions {
                source,
                log_key,
                witnesses,
                progress: !no_progress,
            };
            let rt = runtime()?;
            let db = Database::parse(&database);
            let summary = rt.block_on(async {
                with_store!(&db, |store| restore::restore(&store, &options, lang).await)
            })?;
            restore::print_summary(
                &summary,
                &database,
                &options.log_key,
                &options.witnesses,
                lang,
            );
            Ok(())
        }
        Command::Demo { dir, listen } => {
            logging();
            let rt = runtime()?;
            rt.block_on(demo::run(&dir, listen, lang))
        }
    }
}

async fn open_sqlite(path: &std::path::Path) -> anyhow::Result<SqliteBackend> {
    SqliteBackend::open(path)
        .await
        .with_context(|| format!("opening the database {}", path.display()))
}

fn print_listening(addr: SocketAddr, lang: Lang) {
    println!(
        "{} http://{addr}/api/v1/ledgers",
        lang.pick("服务已启动：", "listening on")
    );
}

fn submit_options(signing: SigningArgs, lang: Lang) -> SubmitOptions {
    SubmitOptions {
        keys: signing.keys,
        id: signing.id,
        out: signing.out,
        proof: signing.proof,
        lang,
    }
}

/// What `record` and `submit` do once the target is open.
#[derive(Debug)]
enum Action<'a> {
    Record(&'a RecordKind),
    Submit(&'a std::path::Path),
}

fn act<C: Client>(
    rt: &Runtime,
    client: &C,
    action: &Action<'_>,
    options: &SubmitOptions,
) -> anyhow::Result<()> {
    match action {
        Action::Record(kind) => submit::record(rt, client, kind, options),
        Action::Submit(file) => submit::submit_file(rt, client, file, options),
    }
}

/// Opens the target `record` and `submit` name (a server, or a database directly) and acts on it.
fn with_client(
    target: &TargetArgs,
    action: &Action<'_>,
    options: &SubmitOptions,
) -> anyhow::Result<()> {
    let rt = runtime()?;
    let ledger = target.ledger.as_deref();
    match (&target.server, &target.database) {
        (Some(url), _) => act(&rt, &Remote::open(url, ledger)?, action, options),
        // Not `with_store!`: `act` blocks on the runtime itself, so the store is opened first
        // and `act` runs outside any task.
        (None, Some(database)) => match Database::parse(database) {
            Database::Sqlite(path) => {
                let store = Store::new(rt.block_on(open_sqlite(&path))?);
                let client = rt.block_on(Local::open(store, ledger, &target.log_key))?;
                act(&rt, &client, action, options)
            }
            Database::Postgres(url) => {
                let store = Store::new(rt.block_on(PostgresBackend::connect(&url))?);
                let client = rt.block_on(Local::open(store, ledger, &target.log_key))?;
                act(&rt, &client, action, options)
            }
        },
        (None, None) => anyhow::bail!(
            "say where to record: --server http://… (the community's server) or --database <file> / 请用 --server 或 --database 指定记到哪里"
        ),
    }
}

fn parse_opening(text: &str, lang: Lang) -> anyhow::Result<(FundId, Fen)> {
    let (fund, amount) = text.split_once('=').with_context(|| {
        format!("--opening {text:?}: write fund=amount, e.g. operating=10000.00 / 应写成 基金=金额")
    })?;
    let fund = FundId::try_from(fund.to_string())
        .map_err(|e| anyhow::anyhow!("--opening {text:?}: {e}"))?;
    let amount = yuan_arg(lang, "--opening", amount)?;
    Ok((fund, amount))
}

fn run_init(args: InitArgs, lang: Lang) -> anyhow::Result<()> {
    let options = init::InitOptions {
        origin: args.origin,
        community: args.community,
        committee_keys: args.committee_keys,
        treasurer: args.treasurer,
        auditor: args.auditor,
        approval_threshold_fen: yuan_arg(lang, "--approval-threshold", &args.approval_threshold)?,
        approvals_required: args.approvals_required,
        first_period: Period::try_from(args.first_period.clone())
            .map_err(|e| anyhow::anyhow!("--first-period: {e}"))?,
        opening: args
            .opening
            .iter()
            .map(|o| parse_opening(o, lang))
            .collect::<anyhow::Result<_>>()?,
        log_key: args.log_key.clone(),
        event_id: args.id,
    };
    let rt = runtime()?;
    let database = Database::parse(&args.database);
    let (entry, receipt) = rt.block_on(async {
        with_store!(&database, |store| init::init(&store, &options, lang).await)
    })?;
    init::print_opened(&options, &args.database, &entry, &receipt, lang);
    Ok(())
}

async fn run_export<B: Backend>(
    store: &Store<B>,
    ledger: Option<&str>,
    out: &std::path::Path,
    lang: Lang,
) -> anyhow::Result<()> {
    let origins = store.origins().await?;
    let origin = match (ledger, origins.as_slice()) {
        (Some(o), _) => o.to_string(),
        (None, [only]) => only.clone(),
        (None, _) => anyhow::bail!(
            "name the ledger with --ledger (ledgers here: {}) / 请用 --ledger 指定账本",
            origins.join(", ")
        ),
    };
    let summary = export::export(store, &origin, out).await?;
    export::print_summary(&summary, out, lang);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    /// Guards against two arguments of one command sharing a flag (a global `--key` and a
    /// subcommand's own `--key` once did): clap only notices when that command is parsed.
    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
