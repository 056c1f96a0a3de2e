//! The same benchmarks on PostgreSQL, against a throwaway cluster started from the machine's
//! binaries (`tests/support/pg.rs`: Unix socket, durability on — `fsync = on`,
//! `synchronous_commit = on`), one fresh database per benchmark.
//!
//! Everything expensive (the cluster, the 1,000,000-entry log) is set up on first use inside the
//! benchmark closures, so a filter that leaves out the PostgreSQL benchmarks costs nothing.
//! `cargo bench -p gongzhang-store --bench append -- postgres` runs only these.

#[path = "../../tests/support/pg.rs"]
mod pg;

use super::{
    BUILD_BATCH, MILLION, append_concurrently, append_one_by_one, payments, print_percentiles,
    proof_benches, runtime, shares,
};
use criterion::{Criterion, Throughput};
use gongzhang_store::Store;
use gongzhang_store::postgres::PostgresBackend;
use gongzhang_testkit::generate;
use std::cell::OnceCell;
use std::time::{Duration, Instant};

/// A backend on a fresh database in the shared throwaway cluster.
async fn fresh() -> PostgresBackend {
    let url = pg::fresh_database().await;
    PostgresBackend::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"))
}

/// The example ledger in a fresh database; later entries are recorded on 2026-02-10.
async fn example_store() -> Store<PostgresBackend> {
    super::example_store_on(fresh().await).await
}

/// Appends per second, one event per append: one writer, then [`WRITERS`](super::WRITERS) concurrent writers
/// (group commit gathers them into shared transactions).
pub fn appends(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("postgres appends, durable");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));

    let one = OnceCell::new();
    group.bench_function("1 writer, one event per append", |b| {
        let store: &Store<PostgresBackend> = one.get_or_init(|| rt.block_on(example_store()));
        b.iter_custom(|iters| {
            let work = payments(iters);
            rt.block_on(append_one_by_one(store, work))
        })
    });

    let many = OnceCell::new();
    group.bench_function("32 writers, one event per append (group commit)", |b| {
        let store: &Store<PostgresBackend> = many.get_or_init(|| rt.block_on(example_store()));
        b.iter_custom(|iters| {
            let shares = shares(payments(iters));
            rt.block_on(append_concurrently(store, shares))
        })
    });
    group.finish();
}

/// The 1,000,000-entry log (the example's genesis and generated payments) in a fresh database,
/// written through `commit_batch` in batches of [`BUILD_BATCH`] with their Merkle nodes and a
/// checkpoint per batch.
async fn million() -> Store<PostgresBackend> {
    let started = Instant::now();
    let entries = generate::log(MILLION, 1);
    eprintln!("generated {MILLION} entries in {:.2?}", started.elapsed());
    let started = Instant::now();
    let backend = fresh().await;
    super::write_log(&backend, &entries).await;
    let elapsed = started.elapsed();
    eprintln!(
        "wrote the {MILLION}-entry log to PostgreSQL in {elapsed:.2?} ({:.0} entries/s in batches of {BUILD_BATCH})",
        MILLION as f64 / elapsed.as_secs_f64()
    );
    sqlx::query("VACUUM ANALYZE")
        .execute(backend.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Store::new(backend)
}

/// Proof latency in the 1,000,000-entry log: percentiles of single inclusion proofs, then
/// criterion's figures for inclusion, consistency and tlog-proofs.
pub fn proofs(c: &mut Criterion) {
    let rt = runtime();
    let mut rng = generate::SplitMix64::new(7);
    let store = OnceCell::new();
    let open = |rng: &mut generate::SplitMix64| -> Store<PostgresBackend> {
        store
            .get_or_init(|| {
                let store = rt.block_on(million());
                print_percentiles(&rt, &store, rng, "postgres");
                store
            })
            .clone()
    };
    let name = format!("postgres proofs from stored nodes, {MILLION} entries");
    proof_benches(c, &name, &rt, &mut rng, open);
}

/// The demo community appended to PostgreSQL, then its projections rebuilt and the ledger loaded
/// by a fresh store, as the SQLite `rebuild` benchmark does.
pub fn rebuild(c: &mut Criterion) {
    let rt = runtime();
    let demo = gongzhang_demo::community::community(1);
    let n = demo.entries.len() as u64;
    let store = OnceCell::new();
    let setup = || rt.block_on(super::append_demo(fresh(), &demo, "postgres"));
    let mut group = c.benchmark_group(format!("postgres demo community ({n} entries)"));
    group.throughput(Throughput::Elements(n));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("rebuild projections (verify, replay, replace rows)", |b| {
        let store = store.get_or_init(setup);
        b.iter(|| {
            rt.block_on(store.rebuild_projections(&demo.origin))
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.bench_function("load on first use (read, verify, replay)", |b| {
        let store = store.get_or_init(setup);
        b.iter(|| {
            let reopened = Store::new(store.backend().clone());
            rt.block_on(reopened.fund_balances(&demo.origin))
                .unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.finish();
}
