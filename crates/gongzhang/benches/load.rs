//! The HTTP server under load (issue 6): signed submissions and public reads against a real
//! `gongzhang serve` process, on SQLite and on PostgreSQL.
//!
//! ```text
//! cargo bench -p gongzhang --bench load -- [--backend sqlite|postgres|both] [--seconds N]
//!     [--clients 32] [--client raw|ureq] [--server PATH]
//! ```
//!
//! `--server PATH` serves with another `gongzhang` binary (an older build), so that two versions
//! are compared on one machine in one sitting.
//!
//! For each backend: the demo community (幸福里, 588 households, 10,912 entries) is loaded into a
//! fresh database in a temporary directory (PostgreSQL: a fresh database in a throwaway cluster
//! started from the machine's server binaries, as the store's tests do), the release `gongzhang`
//! binary serves it on a free port, and then
//!
//! - **submissions**: `--clients` threads, each with its own HTTP/1.1 keep-alive connection,
//!   POST single pre-signed `payment_received` events (signed by the demo's current treasurer
//!   before the timer starts) to `/api/v1/ledgers/{ledger}/events` for `--seconds`; at the end
//!   the log must have grown by exactly the number of accepted submissions;
//! - **reads**: the same number of clients GET the fund balances, the latest checkpoint and a
//!   household's account in rotation (households from the half of the units that did not pay
//!   during the submissions, so that each is an ordinary two-year account).
//!
//! One line per scenario: requests/s, p50, p99 and max latency, and the answers that were not
//! 2xx (which must be none). The client and the server share the machine's cores, so the figures
//! are the server's throughput with a load generator beside it. `--client raw` (the default) is a
//! minimal hand-written HTTP/1.1 client, `--client ureq` the one the command line uses, to show
//! how much of the machine the client itself takes.
//!
//! The server is stopped with SIGTERM (then waited for) and the cluster shut down and removed at
//! the end, also when the benchmark fails: both are `Drop` guards.

use anyhow::{Context as _, anyhow, bail, ensure};
use gongzhang::client::ledger_segment;
use gongzhang_core::entry::Event;
use gongzhang_core::submission::SignedEvent;
use gongzhang_demo::community as demo;
use gongzhang_store::postgres::PostgresBackend;
use gongzhang_store::sqlite::SqliteBackend;
use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Seconds each scenario runs, unless `--seconds` says otherwise.
const SECONDS_DEFAULT: u64 = 10;
/// Concurrent clients, unless `--clients` says otherwise (issue 6 asks for 32).
const CLIENTS_DEFAULT: usize = 32;
/// Pre-signed submissions per client per second of the run: 32 clients × 500/s is 16,000/s,
/// well above what a 2-core machine commits. A client that runs out stops the scenario early,
/// and the report says so.
const SUBMISSIONS_PER_CLIENT_PER_S_MAX: u64 = 500;
/// Requests each client sends before the timer starts (connections open, writer task started,
/// caches warm); they count toward the log's growth but not toward the figures.
const WARMUP_REQUESTS_PER_CLIENT: usize = 10;
/// How long the server may take to load the demo and listen.
const SERVER_START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a stopping server may take to finish its requests before it is killed.
const SERVER_STOP_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one request may take before the client gives up (the server's own limit is 30 s).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The amount of each benchmark payment, in fen.
const PAYMENT_AMOUNT_FEN: i64 = 100;

const _: () = assert!(SUBMISSIONS_PER_CLIENT_PER_S_MAX > 0 && WARMUP_REQUESTS_PER_CLIENT > 0);

// ---- command line ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    fn name(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientKind {
    Raw,
    Ureq,
}

#[derive(Debug, Clone)]
struct Options {
    backends: Vec<BackendKind>,
    seconds: u64,
    clients: usize,
    client: ClientKind,
    /// Another `gongzhang` binary to serve (an older build, to compare in one run).
    server: Option<PathBuf>,
}

fn parse_args() -> anyhow::Result<Options> {
    let mut options = Options {
        backends: vec![BackendKind::Sqlite, BackendKind::Postgres],
        seconds: SECONDS_DEFAULT,
        clients: CLIENTS_DEFAULT,
        client: ClientKind::Raw,
        server: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| anyhow!("{name} needs a value"));
        match arg.as_str() {
            // cargo bench passes --bench to every benchmark binary.
            "--bench" => {}
            "--backend" => {
                options.backends = match value("--backend")?.as_str() {
                    "sqlite" => vec![BackendKind::Sqlite],
                    "postgres" => vec![BackendKind::Postgres],
                    "both" => vec![BackendKind::Sqlite, BackendKind::Postgres],
                    other => bail!("--backend {other}: expected sqlite, postgres or both"),
                }
            }
            "--seconds" => {
                options.seconds = value("--seconds")?
                    .parse()
                    .context("--seconds takes a whole number of seconds")?;
                ensure!(options.seconds > 0, "--seconds must be at least 1");
            }
            "--server" => options.server = Some(PathBuf::from(value("--server")?)),
            "--clients" => {
                options.clients = value("--clients")?
                    .parse()
                    .context("--clients takes a number")?;
                ensure!(options.clients > 0, "--clients must be at least 1");
            }
            "--client" => {
                options.client = match value("--client")?.as_str() {
                    "raw" => ClientKind::Raw,
                    "ureq" => ClientKind::Ureq,
                    other => bail!("--client {other}: expected raw or ureq"),
                }
            }
            other => bail!(
                "unknown argument {other:?}; usage: cargo bench -p gongzhang --bench load -- \
                 [--backend sqlite|postgres|both] [--seconds N] [--clients N] [--client raw|ureq]"
            ),
        }
    }
    Ok(options)
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load benchmark failed: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let options = parse_args()?;
    let binary = match &options.server {
        Some(path) => path.clone(),
        None => gongzhang_binary()?,
    };
    println!(
        "gongzhang load benchmark: {} clients, {} s per scenario, {} client, server {}",
        options.clients,
        options.seconds,
        match options.client {
            ClientKind::Raw => "raw HTTP/1.1",
            ClientKind::Ureq => "ureq",
        },
        binary.display()
    );
    let mut failures = Vec::new();
    for &backend in &options.backends {
        if let Err(e) = bench_backend(backend, &binary, &options) {
            eprintln!("{}: {e:#}", backend.name());
            failures.push(backend.name());
        }
    }
    ensure!(failures.is_empty(), "failed on {}", failures.join(", "));
    Ok(())
}

/// The release `gongzhang` binary next to this benchmark (`target/release/deps/load-…` →
/// `target/release/gongzhang`), built with cargo first if it is not there.
fn gongzhang_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("finding the benchmark executable")?;
    let deps = exe
        .parent()
        .ok_or_else(|| anyhow!("{} has no parent directory", exe.display()))?;
    let profile_dir = deps
        .parent()
        .ok_or_else(|| anyhow!("{} has no parent directory", deps.display()))?;
    let binary = profile_dir.join(format!("gongzhang{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        eprintln!("{} is missing; building it", binary.display());
        let status = Command::new(env!("CARGO"))
            .args(["build", "--release", "-p", "gongzhang"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .context("running cargo build --release -p gongzhang")?;
        ensure!(
            status.success(),
            "cargo build --release -p gongzhang failed ({status})"
        );
        ensure!(
            binary.is_file(),
            "cargo built the release binary, but not at {}",
            binary.display()
        );
    }
    Ok(binary)
}

// ---- one backend ----

fn bench_backend(backend: BackendKind, binary: &Path, options: &Options) -> anyhow::Result<()> {
    let name = backend.name();
    let dir = tempfile::Builder::new()
        .prefix("gongzhang-load-")
        .tempdir()
        .context("creating a temporary directory")?;
    let log_key = dir.path().join("demo-log.key");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting a tokio runtime")?;
    // Declared before the server, so dropped after it: the server stops before its database.
    let mut cluster = None;
    let started = Instant::now();
    let (database, demo) = match backend {
        BackendKind::Sqlite => {
            let file = dir.path().join("demo.sqlite");
            let demo = runtime.block_on(async {
                let backend = SqliteBackend::open(&file)
                    .await
                    .with_context(|| format!("opening {}", file.display()))?;
                let (store, demo) = gongzhang::demo::load(backend)
                    .await
                    .context("loading the demo community")?;
                store.backend().close().await;
                anyhow::Ok(demo)
            })?;
            (file.display().to_string(), demo)
        }
        BackendKind::Postgres => {
            let started = runtime
                .block_on(pg::PgCluster::start())
                .map_err(|e| anyhow!("cannot start a throwaway PostgreSQL cluster: {e}"))?;
            let pg = cluster.insert(started);
            let url = runtime
                .block_on(pg.create_database())
                .map_err(|e| anyhow!("creating the benchmark database: {e}"))?;
            let demo = runtime.block_on(async {
                let backend = PostgresBackend::connect(&url)
                    .await
                    .context("connecting to the throwaway PostgreSQL")?;
                let (store, demo) = gongzhang::demo::load(backend)
                    .await
                    .context("loading the demo community")?;
                store.backend().close().await;
                anyhow::Ok(demo)
            })?;
            (url, demo)
        }
    };
    drop(runtime);
    std::fs::write(
        &log_key,
        format!("{}\n", demo.log_signer.to_private_key_string()),
    )
    .with_context(|| format!("writing {}", log_key.display()))?;
    restrict_to_owner(&log_key)?;
    println!(
        "{name}: demo community loaded ({} entries, {} households) in {:.1} s",
        demo.entries.len(),
        demo.ledger.households().len(),
        started.elapsed().as_secs_f64()
    );

    let server = Server::start(binary, &database, &log_key, dir.path())?;
    let ledger = format!("/api/v1/ledgers/{}", ledger_segment(&demo.origin));
    let result = (|| {
        let units: Vec<String> = demo
            .ledger
            .households()
            .keys()
            .map(ToString::to_string)
            .collect();
        // Half the units pay during the submissions, the other half are read: so the household
        // reads see two years of an ordinary household's account, not one swollen by the
        // benchmark's thousands of payments.
        let paying: Vec<String> = units.iter().step_by(2).cloned().collect();
        let read: Vec<String> = units.iter().skip(1).step_by(2).cloned().collect();
        ensure!(
            !paying.is_empty() && !read.is_empty(),
            "the demo has too few households"
        );
        let size_before = log_size(server.addr, &ledger)?;
        ensure!(
            size_before == demo.entries.len() as u64,
            "the server's log has {size_before} entries, the demo {}",
            demo.entries.len()
        );

        let per_client = WARMUP_REQUESTS_PER_CLIENT
            + usize::try_from(options.seconds * SUBMISSIONS_PER_CLIENT_PER_S_MAX)?;
        let signing = Instant::now();
        let queues = presign(&demo.origin, &paying, options.clients, per_client);
        println!(
            "{name}: {} submissions pre-signed by {} in {:.1} s",
            options.clients * per_client,
            demo::NEW_TREASURER,
            signing.elapsed().as_secs_f64()
        );
        let path = format!("{ledger}/events");
        let submissions = scenario(&server, options, queues, |body| Request {
            label: "submission",
            method: "POST",
            path: path.clone(),
            body: Some(body),
        })?;
        let size_after = log_size(server.addr, &ledger)?;
        let grown = size_after.saturating_sub(size_before);
        submissions.print(name, "submissions", options);
        ensure!(
            grown == submissions.accepted_total,
            "the log grew by {grown} entries, but {} submissions were accepted",
            submissions.accepted_total
        );
        println!(
            "{name}: the log grew by exactly the {grown} accepted submissions ({size_before} → {size_after} entries)"
        );

        let reads = [format!("{ledger}/balances"), format!("{ledger}/checkpoint")];
        let read_queues: Vec<Vec<Request>> = (0..options.clients)
            .map(|c| {
                (0..3 * 1024)
                    .map(|i| {
                        let (label, path) = match i % 3 {
                            0 => ("balances", reads[0].clone()),
                            1 => ("checkpoint", reads[1].clone()),
                            _ => (
                                "household",
                                format!("{ledger}/households/{}", read[(c * 97 + i) % read.len()]),
                            ),
                        };
                        Request {
                            label,
                            method: "GET",
                            path,
                            body: None,
                        }
                    })
                    .collect()
            })
            .collect();
        let read_stats = scenario_cycling(&server, options, read_queues)?;
        read_stats.print(name, "reads (balances, checkpoint, household)", options);
        ensure!(
            submissions.errors == 0 && read_stats.errors == 0,
            "some answers were not 2xx"
        );
        Ok(())
    })();
    let stopped = server.stop();
    result.and(stopped)
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("restricting {}", path.display()))
}

#[cfg(not(unix))]
fn restrict_to_owner(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// The log's size as the server reports it.
fn log_size(addr: SocketAddr, ledger: &str) -> anyhow::Result<u64> {
    let mut conn = RawConnection::open(addr)?;
    let (status, body) = conn.send("GET", ledger, None)?;
    ensure!(status == 200, "GET {ledger}: HTTP {status}");
    let info: Value = serde_json::from_slice(&body).context("the ledger's description")?;
    info["size"]
        .as_u64()
        .ok_or_else(|| anyhow!("GET {ledger} has no size"))
}

/// `clients` queues of `per_client` signed `payment_received` events each, with unique ids,
/// signed by the demo's current treasurer; signed on every core.
fn presign(origin: &str, units: &[String], clients: usize, per_client: usize) -> Vec<Vec<Vec<u8>>> {
    let signer = demo::signer(demo::NEW_TREASURER);
    let run = std::process::id();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut queues: Vec<Vec<Vec<u8>>> = vec![Vec::new(); clients];
    std::thread::scope(|scope| {
        let chunk = clients.div_ceil(threads);
        for (t, part) in queues.chunks_mut(chunk).enumerate() {
            let signer = &signer;
            scope.spawn(move || {
                for (k, queue) in part.iter_mut().enumerate() {
                    let client = t * chunk + k;
                    queue.reserve_exact(per_client);
                    for i in 0..per_client {
                        let unit = &units[(client * per_client + i) % units.len()];
                        let Value::Object(body) = json!({
                            "unit": unit,
                            "amount_fen": PAYMENT_AMOUNT_FEN,
                            "channel": "wechat_pay",
                        }) else {
                            unreachable!("json! of an object is an object")
                        };
                        let id = format!("load-{run}-{client}-{i}");
                        let event = Event::new(&id, "payment_received", body)
                            .unwrap_or_else(|e| panic!("the benchmark event {id}: {e}"));
                        let signed = SignedEvent::sign(event, origin, &[signer]);
                        queue.push(signed.to_bytes());
                    }
                }
            });
        }
    });
    queues
}

// ---- scenarios ----

/// Clock ticks per second of `/proc/<pid>/stat` times (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
const CLOCK_TICKS_PER_S: f64 = 100.0;

/// CPU time (user + system) a process has used so far, in seconds, from `/proc/<pid>/stat`;
/// `None` where there is no such file.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / CLOCK_TICKS_PER_S)
}

/// CPU seconds of the server and of this benchmark (the clients) during a scenario.
#[derive(Debug, Clone, Copy)]
struct CpuUse {
    server_s: f64,
    client_s: f64,
}

fn cpu_now(server_pid: u32) -> Option<CpuUse> {
    Some(CpuUse {
        server_s: cpu_seconds(&server_pid.to_string())?,
        client_s: cpu_seconds("self")?,
    })
}

/// One request of a scenario.
#[derive(Debug, Clone)]
struct Request {
    /// What the request is, for the per-kind latencies.
    label: &'static str,
    method: &'static str,
    path: String,
    body: Option<Vec<u8>>,
}

/// What a scenario measured.
#[derive(Debug)]
struct Stats {
    /// Requests answered within the window.
    requests: usize,
    /// 2xx answers including the warm-up (what the log must have grown by, for submissions).
    accepted_total: u64,
    /// Answers that were not 2xx, warm-up included.
    errors: usize,
    /// The first non-2xx answer, for the report.
    first_error: Option<String>,
    elapsed: Duration,
    /// Sorted latencies in microseconds.
    latencies_us: Vec<u32>,
    /// The same by request kind, when there are several.
    by_label: std::collections::BTreeMap<&'static str, Vec<u32>>,
    /// Whether a client ran out of pre-signed requests before the time was up.
    ran_out: bool,
    /// CPU used meanwhile by the server and by the clients, if known.
    cpu: Option<CpuUse>,
}

/// The `p`th percentile (nearest rank) of sorted latencies, in milliseconds.
fn percentile_ms(sorted_us: &[u32], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    let i = rank.clamp(1, sorted_us.len()) - 1;
    f64::from(sorted_us[i]) / 1000.0
}

impl Stats {
    fn percentile_ms(&self, p: f64) -> f64 {
        percentile_ms(&self.latencies_us, p)
    }

    fn print(&self, backend: &str, scenario: &str, options: &Options) {
        let rate = self.requests as f64 / self.elapsed.as_secs_f64();
        let max_ms = self
            .latencies_us
            .last()
            .map_or(0.0, |&us| f64::from(us) / 1000.0);
        println!(
            "{backend} {scenario}: {} clients, {} s: {} req/s, p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms, {} errors{}",
            options.clients,
            options.seconds,
            thousands(rate.round() as u64),
            self.percentile_ms(50.0),
            self.percentile_ms(99.0),
            max_ms,
            self.errors,
            if self.ran_out {
                format!(
                    " (ran out of pre-signed requests after {:.1} s)",
                    self.elapsed.as_secs_f64()
                )
            } else {
                String::new()
            }
        );
        if self.by_label.len() > 1 {
            for (label, sorted) in &self.by_label {
                println!(
                    "{backend} {scenario}: {label}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms",
                    thousands(sorted.len() as u64),
                    percentile_ms(sorted, 50.0),
                    percentile_ms(sorted, 99.0),
                    sorted.last().map_or(0.0, |&us| f64::from(us) / 1000.0)
                );
            }
        }
        if let Some(cpu) = self.cpu {
            let elapsed = self.elapsed.as_secs_f64();
            println!(
                "{backend} {scenario}: CPU meanwhile: server {:.2} cores, clients {:.2} cores (of {})",
                cpu.server_s / elapsed,
                cpu.client_s / elapsed,
                std::thread::available_parallelism().map_or(1, |n| n.get())
            );
        }
        if let Some(first) = &self.first_error {
            println!("{backend} {scenario}: first error: {first}");
        }
    }
}

/// `2345` → `2,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs each client through its own queue once (submissions: every event is sent at most once).
fn scenario(
    server: &Server,
    options: &Options,
    queues: Vec<Vec<Vec<u8>>>,
    request: impl Fn(Vec<u8>) -> Request,
) -> anyhow::Result<Stats> {
    let queues: Vec<Vec<Request>> = queues
        .into_iter()
        .map(|q| q.into_iter().map(&request).collect())
        .collect();
    drive(server, options, queues, false)
}

/// Runs each client round and round its queue (reads).
fn scenario_cycling(
    server: &Server,
    options: &Options,
    queues: Vec<Vec<Request>>,
) -> anyhow::Result<Stats> {
    drive(server, options, queues, true)
}

/// What one client thread saw.
#[derive(Debug, Default)]
struct ClientResult {
    latencies_us: Vec<(&'static str, u32)>,
    accepted_total: u64,
    errors: usize,
    first_error: Option<String>,
    ran_out: bool,
}

/// The position of a client's next request in its queue: the queue once, or round and round.
fn next_index(next: &mut usize, len: usize, cycle: bool) -> Option<usize> {
    if *next >= len {
        if !cycle || len == 0 {
            return None;
        }
        *next = 0;
    }
    *next += 1;
    Some(*next - 1)
}

fn drive(
    server: &Server,
    options: &Options,
    queues: Vec<Vec<Request>>,
    cycle: bool,
) -> anyhow::Result<Stats> {
    let addr = server.addr;
    let clients = queues.len();
    let stop = Arc::new(AtomicBool::new(false));
    let ran_out = Arc::new(AtomicUsize::new(0));
    // Every client and the timer meet here after the warm-up.
    let start = Arc::new(Barrier::new(clients + 1));
    let handles: Vec<_> = queues
        .into_iter()
        .map(|queue| {
            let stop = Arc::clone(&stop);
            let start = Arc::clone(&start);
            let ran_out = Arc::clone(&ran_out);
            let client = options.client;
            std::thread::spawn(move || -> anyhow::Result<ClientResult> {
                let mut conn = Connection::open(client, addr);
                let mut out = ClientResult::default();
                let mut next = 0usize;
                let mut send = |request: &Request, out: &mut ClientResult, timed: bool| {
                    let conn = match &mut conn {
                        Ok(conn) => conn,
                        Err(e) => return Err(anyhow!("connecting: {e}")),
                    };
                    let t0 = Instant::now();
                    let (status, body) =
                        conn.send(request.method, &request.path, request.body.as_deref())?;
                    let us = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
                    if (200..300).contains(&status) {
                        out.accepted_total += 1;
                    } else {
                        out.errors += 1;
                        if out.first_error.is_none() {
                            out.first_error = Some(format!(
                                "{} {}: HTTP {status}: {}",
                                request.method,
                                request.path,
                                String::from_utf8_lossy(&body)
                            ));
                        }
                    }
                    if timed {
                        out.latencies_us.push((request.label, us));
                    }
                    Ok(())
                };
                let mut failure = None;
                for _ in 0..WARMUP_REQUESTS_PER_CLIENT {
                    let Some(i) = next_index(&mut next, queue.len(), cycle) else {
                        break;
                    };
                    let request = &queue[i];
                    if let Err(e) = send(request, &mut out, false) {
                        failure = Some(e);
                        break;
                    }
                }
                start.wait();
                if let Some(e) = failure {
                    return Err(e);
                }
                while !stop.load(Ordering::Relaxed) {
                    let Some(i) = next_index(&mut next, queue.len(), cycle) else {
                        out.ran_out = true;
                        ran_out.fetch_add(1, Ordering::Relaxed);
                        stop.store(true, Ordering::Relaxed);
                        break;
                    };
                    send(&queue[i], &mut out, true)?;
                }
                Ok(out)
            })
        })
        .collect();
    start.wait();
    let cpu_before = cpu_now(server.pid);
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs(options.seconds);
    while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, Ordering::Relaxed);
    let mut stats = Stats {
        requests: 0,
        accepted_total: 0,
        errors: 0,
        first_error: None,
        elapsed: Duration::ZERO,
        latencies_us: Vec::new(),
        by_label: std::collections::BTreeMap::new(),
        ran_out: false,
        cpu: None,
    };
    let mut failure = None;
    for handle in handles {
        match handle.join() {
            Ok(Ok(r)) => {
                stats.requests += r.latencies_us.len();
                stats.accepted_total += r.accepted_total;
                stats.errors += r.errors;
                stats.ran_out |= r.ran_out;
                if stats.first_error.is_none() {
                    stats.first_error = r.first_error;
                }
                for (label, us) in r.latencies_us {
                    stats.latencies_us.push(us);
                    stats.by_label.entry(label).or_default().push(us);
                }
            }
            Ok(Err(e)) => failure = failure.or(Some(e)),
            Err(_) => failure = failure.or(Some(anyhow!("a client thread panicked"))),
        }
    }
    stats.elapsed = t0.elapsed();
    stats.cpu = cpu_before.zip(cpu_now(server.pid)).map(|(a, b)| CpuUse {
        server_s: b.server_s - a.server_s,
        client_s: b.client_s - a.client_s,
    });
    if let Some(e) = failure {
        return Err(e.context("a client failed"));
    }
    stats.latencies_us.sort_unstable();
    for sorted in stats.by_label.values_mut() {
        sorted.sort_unstable();
    }
    Ok(stats)
}

// ---- HTTP clients ----

/// One keep-alive connection, hand-written or ureq.
enum Connection {
    Raw(RawConnection),
    Ureq { agent: ureq::Agent, base: String },
}

impl Connection {
    fn open(kind: ClientKind, addr: SocketAddr) -> anyhow::Result<Connection> {
        Ok(match kind {
            ClientKind::Raw => Connection::Raw(RawConnection::open(addr)?),
            ClientKind::Ureq => {
                let config = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(REQUEST_TIMEOUT))
                    .max_idle_connections(1)
                    .max_idle_connections_per_host(1)
                    .build();
                Connection::Ureq {
                    agent: config.into(),
                    base: format!("http://{addr}"),
                }
            }
        })
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> anyhow::Result<(u16, Vec<u8>)> {
        match self {
            Connection::Raw(raw) => raw.send(method, path, body),
            Connection::Ureq { agent, base } => {
                let url = format!("{base}{path}");
                let result = match (method, body) {
                    ("POST", Some(body)) => agent
                        .post(&url)
                        .header("content-type", "application/json")
                        .send(body),
                    ("GET", None) => agent.get(&url).call(),
                    _ => bail!("the ureq client sends GET without and POST with a body"),
                };
                let response = result.with_context(|| format!("{method} {url}"))?;
                let status = response.status().as_u16();
                let body = response
                    .into_body()
                    .read_to_vec()
                    .with_context(|| format!("reading the answer to {method} {url}"))?;
                Ok((status, body))
            }
        }
    }
}

/// A minimal HTTP/1.1 client on one keep-alive connection: enough to measure the server rather
/// than the client (one write per request, Content-Length or chunked answers).
struct RawConnection {
    reader: BufReader<TcpStream>,
    host: String,
    request: Vec<u8>,
    line: String,
}

impl RawConnection {
    fn open(addr: SocketAddr) -> anyhow::Result<RawConnection> {
        let stream = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
        stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
        Ok(RawConnection {
            reader: BufReader::with_capacity(64 * 1024, stream),
            host: addr.to_string(),
            request: Vec::with_capacity(4096),
            line: String::new(),
        })
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> anyhow::Result<(u16, Vec<u8>)> {
        self.request.clear();
        write!(
            self.request,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept-Language: en\r\n",
            self.host
        )?;
        if let Some(body) = body {
            write!(
                self.request,
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            )?;
        }
        self.request.extend_from_slice(b"\r\n");
        if let Some(body) = body {
            self.request.extend_from_slice(body);
        }
        self.reader
            .get_mut()
            .write_all(&self.request)
            .with_context(|| format!("sending {method} {path}"))?;

        let status = {
            let line = self.read_line()?;
            let mut parts = line.splitn(3, ' ');
            match (parts.next(), parts.next()) {
                (Some(version), Some(code)) if version.starts_with("HTTP/1.") => code
                    .parse::<u16>()
                    .with_context(|| format!("status line {line:?}"))?,
                _ => bail!("not an HTTP/1.1 status line: {line:?}"),
            }
        };
        let mut length = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            let line = self.read_line()?;
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                bail!("malformed header line {line:?}");
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>().context("Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let size_line = self.read_line()?;
                let size =
                    usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
                        .with_context(|| format!("chunk size {size_line:?}"))?;
                if size == 0 {
                    // Trailers, then the empty line.
                    while !self.read_line()?.is_empty() {}
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                self.reader.read_exact(&mut body[start..])?;
                ensure!(self.read_line()?.is_empty(), "no CRLF after a chunk");
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            self.reader.read_exact(&mut body)?;
        } else {
            bail!("an answer with neither Content-Length nor chunked encoding");
        }
        ensure!(!close, "the server closed the keep-alive connection");
        Ok((status, body))
    }

    /// One header line without its CRLF.
    fn read_line(&mut self) -> anyhow::Result<String> {
        self.line.clear();
        let n = self.reader.read_line(&mut self.line)?;
        ensure!(n > 0, "the server closed the connection");
        Ok(self.line.trim_end_matches(['\r', '\n']).to_string())
    }
}

// ---- the server process ----

/// A running `gongzhang serve`; SIGTERM and a wait when dropped.
struct Server {
    child: Option<Child>,
    pid: u32,
    addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    fn start(binary: &Path, database: &str, log_key: &Path, dir: &Path) -> anyhow::Result<Server> {
        let log = dir.join("server.log");
        let stderr =
            std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let mut command = Command::new(binary);
        command
            .args(["--lang", "en", "serve", "--database", database, "--log-key"])
            .arg(log_key)
            .args(["--listen", "127.0.0.1:0"]);
        // Every client of this benchmark is 127.0.0.1, where a real district's clients are many
        // addresses: the write limit stays on (each POST is counted) with a burst no run can
        // spend, so that it measures the limiter's cost, not its refusals. A server from before
        // the limit (`--server OLD`) has no such flags.
        let help = Command::new(binary)
            .args(["serve", "--help"])
            .output()
            .with_context(|| format!("running {} serve --help", binary.display()))?;
        if String::from_utf8_lossy(&help.stdout).contains("--write-burst") {
            command.args([
                "--write-burst",
                &u32::MAX.to_string(),
                "--write-interval-ms",
                "1",
            ]);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("no stdout pipe"))?;
        // From here on, dropping the guard stops the server.
        let pid = child.id();
        let mut server = Server {
            child: Some(child),
            pid,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
        };
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent {
                    if let Some(rest) = line.strip_prefix("listening on http://") {
                        let addr = rest.split('/').next().unwrap_or("").to_string();
                        sent = sender.send(addr).is_ok();
                    }
                }
                // Keep draining, so that the server never blocks on a full pipe.
            }
        });
        let addr = match receiver.recv_timeout(SERVER_START_TIMEOUT) {
            Ok(addr) => addr,
            Err(_) => bail!(
                "the server did not print `listening on http://…` within {SERVER_START_TIMEOUT:?}; its log:\n{}",
                server.log_text()
            ),
        };
        server.addr = addr
            .parse()
            .with_context(|| format!("the address the server printed, {addr:?}"))?;
        Ok(server)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, then waits; killed after [`SERVER_STOP_TIMEOUT`]. An error if it did not exit
    /// cleanly.
    fn stop(mut self) -> anyhow::Result<()> {
        let status = self.terminate();
        match status {
            Some(s) if s.success() => Ok(()),
            Some(s) => bail!("the server exited with {s}; its log:\n{}", self.log_text()),
            None => bail!(
                "the server did not stop within {SERVER_STOP_TIMEOUT:?} of SIGTERM and was killed"
            ),
        }
    }

    fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + SERVER_STOP_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return None;
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.terminate();
    }
}

// ---- a throwaway PostgreSQL cluster: the store's test support, shared ----

#[path = "../../store/tests/support/pg.rs"]
mod pg;
