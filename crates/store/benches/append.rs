//! Store benchmarks on SQLite, durability on (WAL, `synchronous=FULL`): appends per second with
//! one writer and with 32 concurrent writers (group commit), loading and rebuilding the demo
//! community, and proof latency in a 1,000,000-entry log.
//!
//! Run with `cargo bench -p gongzhang-store --bench append`. The 1,000,000-entry database is
//! built once (about a minute) into `target/tmp/gongzhang-store-bench/` and reused.
//!
//! The same appends and proofs run on PostgreSQL too (`postgres/mod.rs`, a throwaway cluster;
//! its 1,000,000-entry log is rebuilt on every run): `-- postgres` runs only those.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::merkle::MerkleAccumulator;
use gongzhang_demo::{community as demo, example, vectors};
use gongzhang_store::backend::{CommitBatch, ProjectionRows, StoredCheckpoint, StoredEntry};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::{Backend, Clock, Store, Submission};
use gongzhang_testkit::generate;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod postgres;

/// Concurrent writers in the group-commit benchmark.
const WRITERS: u64 = 32;
/// Entries in the large log.
const MILLION: usize = 1_000_000;
/// Entries per transaction when the large log is built.
const BUILD_BATCH: usize = 10_000;
/// Proofs timed one by one for the latency percentiles.
const PROOF_SAMPLES: u64 = 10_000;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}

fn bench_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gongzhang-store-bench");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// A directory of this process's own (removed when dropped): two benchmark runs at once (or a
/// run beside a test) must never share a database file.
fn run_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(bench_dir())
        .unwrap_or_else(|e| panic!("a directory in {}: {e}", bench_dir().display()))
}

/// A fresh database file `name` in `dir`.
async fn fresh(dir: &Path, name: &str) -> SqliteBackend {
    let path = dir.join(name);
    SqliteBackend::open(&path)
        .await
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

fn scripted_clock(times: Vec<RecordedAt>, after: RecordedAt) -> Clock {
    let times = Mutex::new(VecDeque::from(times));
    Arc::new(move || {
        times
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or(after)
    })
}

fn resubmission(entry: &Entry) -> Submission {
    Submission {
        event: entry.event().clone(),
        signatures: entry.signatures().to_vec(),
    }
}

/// The example ledger in a fresh database file `name` in `dir`.
async fn example_store(dir: &Path, name: &str) -> Store<SqliteBackend> {
    example_store_on(fresh(dir, name).await).await
}

/// The example ledger in a store over `backend` (an empty database); later entries are recorded
/// on 2026-02-10.
async fn example_store_on<B: Backend>(backend: B) -> Store<B> {
    let entries = example::entries();
    let after = RecordedAt::parse("2026-02-10T08:00:00.000Z").unwrap_or_else(|| unreachable!());
    let times = entries[1..].iter().map(Entry::recorded_at).collect();
    let store = Store::new(backend).with_clock(scripted_clock(times, after));
    store
        .create_ledger(entries[0].clone(), vectors::log_signer())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .append_batch(
            example::ORIGIN,
            None,
            entries[1..].iter().map(resubmission).collect(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// `n` payments by the example's units, signed by its treasurer (made before the timer starts).
fn payments(n: u64) -> Vec<Submission> {
    let treasurer = example::signer("treasurer");
    (0..n)
        .map(|_| {
            let i = NEXT_ID.fetch_add(1, Ordering::Relaxed);
            let unit = if i % 2 == 0 { "1-1-101" } else { "3-2-401" };
            let Value::Object(body) =
                json!({"unit": unit, "amount_fen": 1 + i % 100_000, "channel": "cash"})
            else {
                unreachable!()
            };
            let event = Event::new(&format!("bench-{i}"), "payment_received", body)
                .unwrap_or_else(|e| panic!("{e}"));
            let signature = event.sign(example::ORIGIN, &treasurer);
            Submission {
                event,
                signatures: vec![signature],
            }
        })
        .collect()
}

/// Appends `work` one event per append, each after the one before: the time it took.
async fn append_one_by_one<B: Backend>(store: &Store<B>, work: Vec<Submission>) -> Duration {
    let started = Instant::now();
    for submission in work {
        store
            .append(example::ORIGIN, submission)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    started.elapsed()
}

/// `work` dealt out in turn to [`WRITERS`] writers.
fn shares(work: Vec<Submission>) -> Vec<Vec<Submission>> {
    let mut shares: Vec<Vec<Submission>> = (0..WRITERS).map(|_| Vec::new()).collect();
    for (i, s) in work.into_iter().enumerate() {
        shares[i % WRITERS as usize].push(s);
    }
    shares
}

/// Appends each share from its own task, one event per append, all at once (group commit
/// gathers them into shared transactions): the time until every append has returned.
async fn append_concurrently<B: Backend>(
    store: &Store<B>,
    shares: Vec<Vec<Submission>>,
) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = shares
        .into_iter()
        .map(|share| {
            let store = store.clone();
            tokio::spawn(async move {
                for submission in share {
                    store
                        .append(example::ORIGIN, submission)
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap_or_else(|e| panic!("{e}"));
    }
    started.elapsed()
}

fn appends(c: &mut Criterion) {
    let dir = run_dir();
    let rt = runtime();
    let mut group = c.benchmark_group("sqlite appends, durable");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));

    // Set up inside the closures: criterion only calls those its filter selects.
    let mut one_writer = None;
    group.bench_function("1 writer, one event per append", |b| {
        let store = one_writer
            .get_or_insert_with(|| rt.block_on(example_store(dir.path(), "one-writer.sqlite")));
        b.iter_custom(|iters| {
            let work = payments(iters);
            rt.block_on(append_one_by_one(store, work))
        })
    });

    let mut many_writers = None;
    group.bench_function("32 writers, one event per append (group commit)", |b| {
        let store: &Store<SqliteBackend> = many_writers
            .get_or_insert_with(|| rt.block_on(example_store(dir.path(), "32-writers.sqlite")));
        b.iter_custom(|iters| {
            let shares = shares(payments(iters));
            rt.block_on(append_concurrently(store, shares))
        })
    });
    if let Some(store) = &many_writers {
        let (entries, commits): (i64, i64) = rt
            .block_on(
                sqlx::query_as(
                    "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM checkpoints)",
                )
                .fetch_one(store.backend().pool()),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "32 writers: {entries} entries in {commits} commits ({:.1} entries per commit)",
            entries as f64 / commits as f64
        );
    }
    group.finish();
}

/// The demo community appended to a fresh store on `backend`, in batches as large as a caller may
/// send, each entry recorded at the demo's own time; prints the append rate.
async fn append_demo<B: Backend>(
    backend: impl std::future::Future<Output = B>,
    demo: &demo::Demo,
    label: &str,
) -> Store<B> {
    let times = demo.entries[1..].iter().map(Entry::recorded_at).collect();
    let last = demo.entries[demo.entries.len() - 1].recorded_at();
    let store = Store::new(backend.await).with_clock(scripted_clock(times, last));
    store
        .create_ledger(demo.entries[0].clone(), demo.log_signer.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    for chunk in demo.entries[1..].chunks(gongzhang_store::store::SUBMISSIONS_PER_BATCH_MAX) {
        store
            .append_batch(&demo.origin, None, chunk.iter().map(resubmission).collect())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let elapsed = started.elapsed();
    let n = demo.entries.len();
    eprintln!(
        "{label}: demo community appended in batches of {}: {n} entries in {elapsed:.2?} ({:.0} entries/s)",
        gongzhang_store::store::SUBMISSIONS_PER_BATCH_MAX,
        n as f64 / elapsed.as_secs_f64()
    );
    store
}

fn rebuild(c: &mut Criterion) {
    let dir = run_dir();
    let rt = runtime();
    let demo = demo::community(1);
    let n = demo.entries.len() as u64;
    let store = rt.block_on(append_demo(
        fresh(dir.path(), "demo.sqlite"),
        &demo,
        "sqlite",
    ));
    let mut group = c.benchmark_group(format!("demo community ({n} entries)"));
    group.throughput(Throughput::Elements(n));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("rebuild projections (verify, replay, replace rows)", |b| {
        b.iter(|| {
            rt.block_on(store.rebuild_projections(&demo.origin))
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.bench_function("load on first use (read, verify, replay)", |b| {
        b.iter(|| {
            // A new store over the same database: nothing cached.
            let reopened = Store::new(store.backend().clone());
            rt.block_on(reopened.fund_balances(&demo.origin))
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.finish();
}

/// The 1,000,000-entry log (the example's genesis and generated payments), built once through
/// `commit_batch` in large batches, with its Merkle nodes and a checkpoint per batch.
async fn million() -> Store<SqliteBackend> {
    let path = bench_dir().join("million.sqlite");
    let done = bench_dir().join("million.done");
    if !done.exists() {
        let started = Instant::now();
        let entries = generate::log(MILLION, 1);
        eprintln!("generated {MILLION} entries in {:.2?}", started.elapsed());
        // Built under a name of this process's own, then renamed into place: a concurrent run
        // builds its own copy rather than writing into this one.
        let building = bench_dir().join(format!("million.sqlite.{}", std::process::id()));
        let backend = SqliteBackend::open(&building)
            .await
            .unwrap_or_else(|e| panic!("open {}: {e}", building.display()));
        write_log(&backend, &entries).await;
        backend.close().await;
        std::fs::rename(&building, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        std::fs::write(&done, b"").unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "built the {MILLION}-entry database in {:.2?}",
            started.elapsed()
        );
    }
    Store::new(
        SqliteBackend::open(&path)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

/// Writes pre-sealed `entries` (the example's origin) into a fresh ledger through
/// `commit_batch`, in batches of [`BUILD_BATCH`] with their Merkle nodes and a signed checkpoint
/// per batch: how both backends' 1,000,000-entry logs are built.
async fn write_log<B: Backend>(backend: &B, entries: &[Entry]) {
    let id = backend
        .create_ledger(example::ORIGIN)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let key = vectors::log_signer();
    let mut frontier = MerkleAccumulator::new();
    for chunk in entries.chunks(BUILD_BATCH) {
        let expected = frontier.size();
        let mut nodes = Vec::new();
        let stored: Vec<StoredEntry> = chunk
            .iter()
            .map(|e| {
                frontier.push_completing(e.hash(), &mut nodes);
                StoredEntry::from(e)
            })
            .collect();
        let head = frontier.tree_head();
        let cp = Checkpoint::new(example::ORIGIN, head.size, head.root)
            .unwrap_or_else(|e| panic!("{e}"));
        let batch = CommitBatch {
            entries: stored,
            nodes,
            projections: ProjectionRows::default(),
            checkpoint: StoredCheckpoint {
                size: head.size,
                root: head.root,
                note: checkpoint::sign(&cp, &key),
                cosignatures: Vec::new(),
            },
            attachment_refs: Vec::new(),
        };
        backend
            .commit_batch(id, expected, &batch)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Latency percentiles of [`PROOF_SAMPLES`] single inclusion proofs of random entries (drawn
/// from `rng`) in the [`MILLION`]-entry log, one at a time, printed once.
fn print_percentiles<B: Backend>(
    rt: &tokio::runtime::Runtime,
    store: &Store<B>,
    rng: &mut generate::SplitMix64,
    label: &str,
) {
    let size = MILLION as u64;
    let mut times: Vec<Duration> = rt.block_on(async {
        let mut times = Vec::new();
        for _ in 0..PROOF_SAMPLES {
            let seq = rng.below(size);
            let started = Instant::now();
            let proof = store
                .inclusion_proof(example::ORIGIN, seq, size)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            times.push(started.elapsed());
            black_box(proof);
        }
        times
    });
    times.sort();
    let pick = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize];
    eprintln!(
        "{label}: inclusion proof in a {size}-entry log, {PROOF_SAMPLES} random entries one at a \
         time: p50 {:.1?}, p90 {:.1?}, p99 {:.1?}",
        pick(0.5),
        pick(0.9),
        pick(0.99)
    );
}

/// Criterion's figures for inclusion, consistency and tlog-proofs of random entries and sizes
/// (drawn from `rng`) in the [`MILLION`]-entry log, in the group `name`. `open` gives the store
/// (built when first asked for, so that a filter leaving these out costs nothing).
fn proof_benches<B: Backend>(
    c: &mut Criterion,
    name: &str,
    rt: &tokio::runtime::Runtime,
    rng: &mut generate::SplitMix64,
    mut open: impl FnMut(&mut generate::SplitMix64) -> Store<B>,
) {
    let size = MILLION as u64;
    let mut group = c.benchmark_group(name);
    group.bench_function("inclusion proof of a random entry", |b| {
        let store = open(rng);
        b.iter(|| {
            let seq = rng.below(size);
            rt.block_on(store.inclusion_proof(example::ORIGIN, seq, size))
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.bench_function("consistency proof from a random size", |b| {
        let store = open(rng);
        b.iter(|| {
            let size1 = 1 + rng.below(size - 1);
            rt.block_on(store.consistency_proof(example::ORIGIN, size1, size))
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.bench_function(
        "tlog-proof (proof and signed checkpoint) of a random entry",
        |b| {
            let store = open(rng);
            b.iter(|| {
                let seq = rng.below(size);
                rt.block_on(store.tlog_proof(example::ORIGIN, seq, None))
                    .unwrap_or_else(|e| panic!("{e}"))
            })
        },
    );
    group.finish();
}

fn proofs(c: &mut Criterion) {
    let rt = runtime();
    let mut rng = generate::SplitMix64::new(7);
    // Built (once, on disk) only when one of these benchmarks is selected.
    let mut million_store: Option<Store<SqliteBackend>> = None;
    let open = |_: &mut generate::SplitMix64| -> Store<SqliteBackend> {
        million_store
            .get_or_insert_with(|| {
                let store = rt.block_on(million());
                print_percentiles(&rt, &store, &mut generate::SplitMix64::new(11), "sqlite");
                store
            })
            .clone()
    };
    let name = format!("proofs from stored nodes, {MILLION} entries");
    proof_benches(c, &name, &rt, &mut rng, open);
}

criterion_group!(
    benches,
    appends,
    rebuild,
    proofs,
    postgres::appends,
    postgres::rebuild,
    postgres::proofs
);
criterion_main!(benches);
