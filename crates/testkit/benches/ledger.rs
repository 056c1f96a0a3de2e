//! Ledger benchmarks on the demo community (about 600 households, two years, ~11k entries):
//! verifying and replaying the whole log, the rules alone, a quarter's statement, the journals.
//!
//! Run with `cargo bench -p gongzhang-testkit --bench ledger`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::journal::journals;
use gongzhang_core::ledger::replay_jsonl;
use gongzhang_core::ledger::types::{Period, PeriodRange};
use gongzhang_core::log::verify_jsonl;
use gongzhang_demo::community as demo;
use std::hint::black_box;

fn ledger(c: &mut Criterion) {
    let demo = demo::community(1);
    let log = demo.jsonl();
    let n = demo.entries.len() as u64;
    let mut group = c.benchmark_group(format!("demo community ({n} entries, {} bytes)", log.len()));
    group.sample_size(10);
    group.throughput(Throughput::Elements(n));
    group.bench_function("verify log only (format, chain, signatures, Merkle)", |b| {
        b.iter(|| verify_jsonl(black_box(&log)).map(|v| v.tree_head.size))
    });
    group.bench_function(
        "verify and replay the rules (what gongzhang-verify does)",
        |b| b.iter(|| replay_jsonl(black_box(&log)).map(|(v, _)| v.tree_head.size)),
    );
    group.bench_function("rules only (Ledger::apply on parsed entries)", |b| {
        b.iter(|| {
            let mut ledger = Ledger::new();
            for e in &demo.entries {
                ledger
                    .apply(e)
                    .map(|_| ())
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            ledger.size()
        })
    });
    group.bench_function("journals (hledger/ledger and beancount)", |b| {
        b.iter(|| journals(black_box(&demo.entries)).map(|j| j.journal.len()))
    });
    group.finish();
    let quarter = PeriodRange {
        from: Period::new(2026, 10).unwrap_or_else(|| unreachable!()),
        to: Period::new(2026, 12).unwrap_or_else(|| unreachable!()),
    };
    c.bench_function("statement of a quarter (600 households)", |b| {
        b.iter(|| demo.ledger.statement(black_box(quarter)))
    });
}

criterion_group!(benches, ledger);
criterion_main!(benches);
