//! `bench-verify`: the verifier's benchmark on a large, rule-valid log.
//!
//! ```text
//! cargo build --release -p gongzhang-verify
//! cargo run --release -p gongzhang-testkit --bin bench-verify -- \
//!     [--entries 1000000] [--seed 1] [--dir target/bench-verify] \
//!     [--verifier target/release/gongzhang-verify] [--runs 3] [--threads N]
//! ```
//!
//! 1. Writes (or reuses, when its stamp says it was made by this generator for the same entries
//!    and seed) `DIR/log.jsonl`, `DIR/checkpoint` and `DIR/key.txt`: the large community of
//!    [`gongzhang_testkit::large`], its signed checkpoint and its log key.
//! 2. Measures the bare Ed25519 batch-verification rate on this log's own signatures, in this
//!    run: every entry is parsed and every signed message built first; only
//!    `ed25519_dalek::verify_batch` over batches of 256 is timed, on all cores.
//! 3. Runs the verifier (`VERIFIER LOG --key KEY --checkpoint CP`) as a child process, best of
//!    `--runs` wall-clock times, and reads its peak resident memory from the kernel
//!    (the largest `VmHWM` of its process, read from `/proc` while it runs).
//! 4. Prints a table to paste into `BENCHMARKS.md`, with the machine and the command line.
//!
//! Exits 0 if the verifier verified the log every time, 1 if it did not, 2 on any other error.

use anyhow::{Context as _, bail};
use ed25519_dalek::{Signature, VerifyingKey};
use gongzhang_core::entry::Entry;
use gongzhang_core::keys::event_message;
use gongzhang_core::ledger::Ledger;
use gongzhang_testkit::large;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Signatures per `verify_batch` call.
const BATCH: usize = 256;
/// Signatures parsed before they are verified (bounds this program's memory).
const CHUNK: usize = BATCH * 512;

#[derive(Debug)]
struct Args {
    entries: u64,
    seed: u64,
    dir: PathBuf,
    verifier: PathBuf,
    runs: usize,
    threads: usize,
    /// Also replay the rules in this process and say where their time goes.
    rules: bool,
}

fn usage() -> &'static str {
    "usage: bench-verify [--entries N] [--seed S] [--dir DIR] [--verifier PATH] [--runs R] [--threads T] [--rules]"
}

fn parse_args() -> anyhow::Result<Args> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut args = Args {
        entries: 1_000_000,
        seed: 1,
        dir: PathBuf::from("target/bench-verify"),
        verifier: PathBuf::from("target/release/gongzhang-verify"),
        runs: 3,
        threads,
        rules: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{}", usage());
            std::process::exit(0);
        }
        if flag == "--rules" {
            args.rules = true;
            continue;
        }
        let value = it
            .next()
            .with_context(|| format!("{flag} needs a value\n{}", usage()))?;
        let number = || -> anyhow::Result<u64> {
            value
                .replace('_', "")
                .parse()
                .with_context(|| format!("{flag} {value:?} is not a number"))
        };
        match flag.as_str() {
            "--entries" => args.entries = number()?.max(1),
            "--seed" => args.seed = number()?,
            "--dir" => args.dir = PathBuf::from(&value),
            "--verifier" => args.verifier = PathBuf::from(&value),
            "--runs" => args.runs = usize::try_from(number()?.max(1)).unwrap_or(1),
            "--threads" => args.threads = usize::try_from(number()?.max(1)).unwrap_or(1),
            _ => bail!("unknown option {flag}\n{}", usage()),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("bench-verify: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The files of one generated log.
struct Files {
    log: PathBuf,
    checkpoint: PathBuf,
    key: String,
    bytes: u64,
}

fn run() -> anyhow::Result<bool> {
    let args = parse_args()?;
    let command: Vec<String> = std::env::args().skip(1).collect();
    println!(
        "command: cargo run --release -p gongzhang-testkit --bin bench-verify -- {}",
        command.join(" ")
    );
    print_machine(&args);

    let files = ensure_log(&args)?;
    println!();

    let bare = bare_batch_verify(&files.log, args.threads)?;
    println!(
        "bare Ed25519 batch verification ({} threads, batches of {BATCH}; load average {}): {} signatures of {} entries in {:.2} s: {:.0} signatures/s, {:.0} entries/s (parsing and building the messages first took {:.2} s, not counted)",
        args.threads,
        load_average(),
        bare.signatures,
        bare.entries,
        secs(bare.verify),
        bare.signatures as f64 / secs(bare.verify),
        bare.entries as f64 / secs(bare.verify),
        secs(bare.parse),
    );
    println!();

    if args.rules {
        rules_breakdown(&files.log)?;
        println!();
    }

    let verified = run_verifier(&args, &files, &bare)?;
    Ok(verified)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64().max(1e-9)
}

fn print_machine(args: &Args) {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .map(|l| l.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "machine: nproc {nproc}; CPU {model}; memory {memory}; Linux {}; {rustc}; bare-rate threads {}; load average {}",
        kernel.trim(),
        args.threads,
        load_average(),
    );
}

/// The 1, 5 and 15 minute load averages (other work on the machine skews the figures).
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

// ---------------------------------------------------------------------------------------------
// The log.

fn stamp(args: &Args) -> String {
    format!(
        "gongzhang-testkit large log\ngenerator {}\norigin {}\nentries {}\nseed {}\n",
        large::GENERATOR_VERSION,
        large::ORIGIN,
        args.entries,
        args.seed
    )
}

/// The log, checkpoint and key in `--dir`: reused if the stamp matches, otherwise generated.
fn ensure_log(args: &Args) -> anyhow::Result<Files> {
    fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating the directory {}", args.dir.display()))?;
    let log = args.dir.join("log.jsonl");
    let checkpoint = args.dir.join("checkpoint");
    let key_path = args.dir.join("key.txt");
    let stamp_path = args.dir.join("stamp");
    let want = stamp(args);
    if let Ok(found) = fs::read_to_string(&stamp_path) {
        let bytes = found
            .strip_prefix(&want)
            .and_then(|rest| rest.trim().strip_prefix("bytes "))
            .and_then(|n| n.trim().parse::<u64>().ok());
        let size = fs::metadata(&log).map(|m| m.len()).ok();
        if let (Some(bytes), Some(size)) = (bytes, size) {
            if bytes == size && checkpoint.exists() {
                let key = fs::read_to_string(&key_path)
                    .with_context(|| format!("reading {}", key_path.display()))?
                    .trim()
                    .to_string();
                println!(
                    "log: reusing {} ({} entries, seed {}, {:.1} MB; delete {} to generate it again)",
                    log.display(),
                    args.entries,
                    args.seed,
                    bytes as f64 / 1e6,
                    stamp_path.display()
                );
                return Ok(Files {
                    log,
                    checkpoint,
                    key,
                    bytes,
                });
            }
        }
    }
    // Generate: into a temporary file first, so that a cut-short run is never reused.
    let _ = fs::remove_file(&stamp_path);
    let tmp = args.dir.join("log.jsonl.tmp");
    let file = fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    println!(
        "log: generating {} entries (seed {}, {} households) into {} …",
        args.entries,
        args.seed,
        large::households_for(args.entries),
        log.display()
    );
    let start = Instant::now();
    let written = large::write_jsonl(args.entries, args.seed, &mut out)
        .with_context(|| format!("writing {}", tmp.display()))?;
    drop(out);
    let took = start.elapsed();
    fs::rename(&tmp, &log).with_context(|| format!("renaming to {}", log.display()))?;
    fs::write(&checkpoint, &written.checkpoint)
        .with_context(|| format!("writing {}", checkpoint.display()))?;
    fs::write(&key_path, format!("{}\n", written.log_key))
        .with_context(|| format!("writing {}", key_path.display()))?;
    fs::write(&stamp_path, format!("{want}bytes {}\n", written.bytes))
        .with_context(|| format!("writing {}", stamp_path.display()))?;
    let s = &written.summary;
    println!(
        "log: generated {} entries ({} signatures, {} households, months {} to {}, last entry {}) in {:.1} s ({:.0} entries/s): {:.1} MB, {:.0} bytes an entry",
        written.entries,
        s.signatures,
        s.households,
        s.charged.map_or("-".into(), |c| c.0.to_string()),
        s.charged.map_or("-".into(), |c| c.1.to_string()),
        s.last_time.map_or("-".into(), |t| t.to_string()),
        secs(took),
        written.entries as f64 / secs(took),
        written.bytes as f64 / 1e6,
        written.bytes as f64 / written.entries as f64,
    );
    println!(
        "log: entries by type: {:?}; proposals skipped for lack of funds: {}",
        s.by_kind, s.skipped_for_funds
    );
    Ok(Files {
        log,
        checkpoint,
        key: written.log_key,
        bytes: written.bytes,
    })
}

// ---------------------------------------------------------------------------------------------
// The bare batch-verification rate.

struct Bare {
    entries: u64,
    signatures: u64,
    /// Time spent in `verify_batch` (wall clock of the parallel sections).
    verify: Duration,
    /// Time spent reading, parsing and building messages.
    parse: Duration,
}

/// Signatures waiting to be verified, as `verify_batch` takes them.
#[derive(Default)]
struct Chunk {
    messages: Vec<Vec<u8>>,
    signatures: Vec<Signature>,
    keys: Vec<VerifyingKey>,
}

/// Reads the next line of `log` into `line` and returns it without its line feed; `None` at the
/// end of the file.
fn read_line<'a>(
    reader: &mut impl BufRead,
    line: &'a mut Vec<u8>,
    log: &Path,
) -> anyhow::Result<Option<&'a [u8]>> {
    line.clear();
    let n = reader
        .read_until(b'\n', line)
        .with_context(|| format!("reading {}", log.display()))?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(line.strip_suffix(b"\n").unwrap_or(line)))
}

fn bare_batch_verify(log: &Path, threads: usize) -> anyhow::Result<Bare> {
    let file = fs::File::open(log).with_context(|| format!("opening {}", log.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut bare = Bare {
        entries: 0,
        signatures: 0,
        verify: Duration::ZERO,
        parse: Duration::ZERO,
    };
    let mut keys: HashMap<[u8; 32], VerifyingKey> = HashMap::new();
    let mut chunk = Chunk::default();
    let mut line = Vec::new();
    let mut origin: Option<String> = None;
    let mut parse_start = Instant::now();
    while let Some(bytes) = read_line(&mut reader, &mut line, log)? {
        let entry = Entry::parse(bytes)
            .with_context(|| format!("entry {} of {}", bare.entries, log.display()))?;
        if origin.is_none() {
            let o = entry
                .event()
                .body()
                .get("origin")
                .and_then(|v| v.as_str())
                .context("the genesis names no origin")?;
            origin = Some(o.to_string());
        }
        let origin = origin.as_deref().unwrap_or_default();
        let message = event_message(origin, entry.event().canonical_bytes());
        for s in entry.signatures() {
            let public = s.key().0;
            let key = match keys.get(&public) {
                Some(k) => *k,
                None => {
                    let k = VerifyingKey::from_bytes(&public)
                        .with_context(|| format!("entry {}: key {}", entry.seq(), s.key()))?;
                    keys.insert(public, k);
                    k
                }
            };
            chunk.messages.push(message.clone());
            chunk.signatures.push(Signature::from_bytes(s.signature()));
            chunk.keys.push(key);
        }
        bare.entries += 1;
        if chunk.signatures.len() >= CHUNK {
            bare.parse += parse_start.elapsed();
            bare.signatures += chunk.signatures.len() as u64;
            bare.verify += verify_chunk(&chunk, threads)?;
            chunk = Chunk::default();
            parse_start = Instant::now();
        }
    }
    bare.parse += parse_start.elapsed();
    bare.signatures += chunk.signatures.len() as u64;
    bare.verify += verify_chunk(&chunk, threads)?;
    Ok(bare)
}

/// Verifies a chunk in batches of [`BATCH`] on `threads` threads; returns the wall-clock time.
fn verify_chunk(chunk: &Chunk, threads: usize) -> anyhow::Result<Duration> {
    let messages: Vec<&[u8]> = chunk.messages.iter().map(Vec::as_slice).collect();
    let n = messages.len();
    let batches: Vec<(usize, usize)> = (0..n)
        .step_by(BATCH)
        .map(|start| (start, (start + BATCH).min(n)))
        .collect();
    let start = Instant::now();
    let failed = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (batches, messages) = (&batches, &messages);
                scope.spawn(move || {
                    batches
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .filter(|(a, b)| {
                            ed25519_dalek::verify_batch(
                                &messages[*a..*b],
                                &chunk.signatures[*a..*b],
                                &chunk.keys[*a..*b],
                            )
                            .is_err()
                        })
                        .count()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(usize::MAX))
            .fold(0usize, usize::saturating_add)
    });
    let took = start.elapsed();
    if failed > 0 {
        bail!("{failed} batches of the log's signatures did not verify");
    }
    Ok(took)
}

// ---------------------------------------------------------------------------------------------
// Where the rules' time and memory go (`--rules`).

fn rules_breakdown(log: &Path) -> anyhow::Result<()> {
    let file = fs::File::open(log).with_context(|| format!("opening {}", log.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let rss_before = self_rss_kib();
    let mut ledger = Ledger::new();
    let mut by_kind: BTreeMap<String, (u64, Duration)> = BTreeMap::new();
    let mut parse = Duration::ZERO;
    let mut line = Vec::new();
    while let Some(bytes) = read_line(&mut reader, &mut line, log)? {
        let start = Instant::now();
        let entry = Entry::parse(bytes).context("an entry of the log")?;
        parse += start.elapsed();
        let start = Instant::now();
        ledger
            .apply(&entry)
            .with_context(|| format!("the rules, at entry {}", entry.seq()))?;
        let took = start.elapsed();
        let slot = by_kind
            .entry(entry.event().kind().to_string())
            .or_insert((0, Duration::ZERO));
        slot.0 += 1;
        slot.1 += took;
    }
    let apply: Duration = by_kind.values().map(|(_, d)| *d).sum();
    let rss_after = self_rss_kib();
    println!(
        "rules alone (this process, one thread): Entry::parse {:.2} s, Ledger::apply {:.2} s ({:.0} entries/s)",
        secs(parse),
        secs(apply),
        ledger.size() as f64 / secs(apply)
    );
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by_key(|(_, (_, d))| std::cmp::Reverse(*d));
    for (kind, (n, d)) in kinds.iter().take(8) {
        println!(
            "  {kind:>24}: {n:>8} entries, {:>7.2} s, {:>9.1} µs each",
            secs(*d),
            d.as_secs_f64() * 1e6 / *n as f64
        );
    }
    let households = ledger.households();
    let charges: usize = households.values().map(|h| h.charge_count()).sum();
    let payments: usize = households.values().map(|h| h.payment_count()).sum();
    let periods: usize = households.values().map(|h| h.named_month_count()).sum();
    println!(
        "  the ledger after {} entries holds: {} households with {charges} charge records and {payments} payment records (naming {periods} months), {} proposals, one record per event id ({}), {} accounts",
        ledger.size(),
        households.len(),
        ledger.proposals().len(),
        ledger.size(),
        ledger.accounts().len(),
    );
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        println!(
            "  this process's resident memory grew by {:.1} MB while replaying (the ledger, less what the allocator returned)",
            (after - before) / 1024.0
        );
    }
    Ok(())
}

/// This process's resident set size (KiB), from /proc.
fn self_rss_kib() -> Option<f64> {
    fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------------
// The verifier.

fn run_verifier(args: &Args, files: &Files, bare: &Bare) -> anyhow::Result<bool> {
    if !args.verifier.exists() {
        bail!(
            "no verifier at {} (build it with `cargo build --release -p gongzhang-verify`, or give --verifier)",
            args.verifier.display()
        );
    }
    println!(
        "verifier: {} {} --key {} --checkpoint {}",
        args.verifier.display(),
        files.log.display(),
        shell_quote(&files.key),
        files.checkpoint.display()
    );
    let mut times = Vec::new();
    let mut peak_kib: f64 = 0.0;
    for run in 1..=args.runs {
        let start = Instant::now();
        let (output, max_rss_kib) = run_measured(
            Command::new(&args.verifier)
                .arg(&files.log)
                .arg("--key")
                .arg(&files.key)
                .arg("--checkpoint")
                .arg(&files.checkpoint),
        )
        .with_context(|| format!("running {}", args.verifier.display()))?;
        let took = start.elapsed();
        if let Some(kib) = max_rss_kib {
            peak_kib = peak_kib.max(kib);
        }
        if !output.status.success() {
            println!(
                "verifier run {run}: FAILED ({}) after {:.2} s",
                output.status,
                secs(took)
            );
            print_tail("stdout", &output.stdout);
            print_tail("stderr", &output.stderr);
            return Ok(false);
        }
        println!(
            "verifier run {run}: {:.2} s, {:.0} entries/s; peak RSS {}; load average {}",
            secs(took),
            args.entries as f64 / secs(took),
            max_rss_kib.map_or("unknown".into(), |k| format!("{:.1} MB", k / 1024.0)),
            load_average(),
        );
        if run == args.runs {
            print_head("verifier report", &output.stdout, 12);
        }
        times.push(took);
    }
    let best = times.iter().min().copied().unwrap_or_default();
    let rate = args.entries as f64 / secs(best);
    let bare_rate = bare.entries as f64 / secs(bare.verify);
    let bare_sigs = bare.signatures as f64 / secs(bare.verify);
    println!();
    println!(
        "| entries | log MB | verifier s (best of {}) | entries/s | peak RSS MB | bare batch-verify entries/s (signatures/s) | verifier / bare | threads |",
        args.runs
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {:.0} | {:.2} | {:.0} | {} | {:.0} ({:.0}) | {:.2} | {} |",
        args.entries,
        files.bytes as f64 / 1e6,
        secs(best),
        rate,
        if peak_kib > 0.0 {
            format!("{:.1}", peak_kib / 1024.0)
        } else {
            "unknown".into()
        },
        bare_rate,
        bare_sigs,
        rate / bare_rate,
        args.threads,
    );
    println!(
        "(all runs: {}; peak RSS is the largest VmHWM of the verifier's own process over the runs, in MiB; the bare rate is ed25519_dalek::verify_batch alone on this log's {} signatures)",
        times
            .iter()
            .map(|t| format!("{:.2} s", secs(*t)))
            .collect::<Vec<_>>()
            .join(", "),
        bare.signatures
    );
    Ok(true)
}

/// Runs `command` to the end, collecting its output, and its peak resident set size (KiB): the
/// `VmHWM` of its own process in `/proc`, read every 20 ms while it runs. (Not
/// `getrusage(RUSAGE_CHILDREN)`: on Linux a child's maxrss starts with its parent's resident
/// size at exec, so a large benchmark process would hide a small verifier.)
fn run_measured(command: &mut Command) -> std::io::Result<(std::process::Output, Option<f64>)> {
    use std::io::Read as _;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut out);
            }
            out
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak: Option<f64> = None;
    let status = loop {
        if let Some(kib) = fs::read_to_string(&status_file).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        }) {
            peak = Some(peak.map_or(kib, |p| p.max(kib)));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    Ok((output, peak))
}

fn shell_quote(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./+:=".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn print_tail(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(20);
    println!("--- {what} (last {} lines) ---", lines.len() - from);
    for l in &lines[from..] {
        println!("{l}");
    }
}

fn print_head(what: &str, bytes: &[u8], n: usize) {
    let text = String::from_utf8_lossy(bytes);
    println!("--- {what} (first lines) ---");
    for l in text.lines().take(n) {
        println!("{l}");
    }
    let _ = std::io::stdout().flush();
}
