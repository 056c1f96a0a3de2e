#![allow(clippy::unwrap_used)] // A benchmark that cannot build its input should stop loudly.
//! Entry and signature benchmarks: parsing an entry line, Ed25519 `verify_strict` one by one
//! against batch verification (the same 256 signatures), and the whole log verifier per entry.
//!
//! Run with `cargo bench -p gongzhang-core --bench entries`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::hash::Hash;
use gongzhang_core::keys::AuthorSigner;
use gongzhang_core::log::{
    KeyCache, LogVerifier, SIGNATURE_BATCH_MAX, SignatureCheck, verify_signatures,
};
use serde_json::{Value, json};
use std::hint::black_box;

const ORIGIN: &str = "gongzhang.example/bench";

fn event(seq: u64) -> Event {
    let body = if seq == 0 {
        json!({"origin": ORIGIN})
    } else {
        json!({"unit": format!("{}-{}-{}01", seq % 12 + 1, seq % 4 + 1, seq % 6 + 1), "amount_fen": 36_000 + seq % 1000, "channel": "wechat_pay", "periods": ["2026-01", "2026-12"]})
    };
    let Value::Object(body) = body else {
        unreachable!("object literal")
    };
    let kind = if seq == 0 {
        "ledger_opened"
    } else {
        "payment_received"
    };
    Event::new(&format!("bench-{seq}"), kind, body).unwrap()
}

/// A log of `n` entries: the genesis, then payments signed by one of 16 authors in turn.
fn log(n: usize) -> Vec<Entry> {
    let signers: Vec<AuthorSigner> = (0..16u8)
        .map(|i| AuthorSigner::from_seed([i + 1; 32]))
        .collect();
    let mut out: Vec<Entry> = Vec::with_capacity(n);
    let mut prev = Hash::ZERO;
    for seq in 0..n as u64 {
        let event = event(seq);
        let signature = event.sign(ORIGIN, &signers[seq as usize % signers.len()]);
        let at = RecordedAt::from_unix_ms(1_767_225_600_000 + seq as i64 * 1000).unwrap();
        let entry = Entry::seal(seq, prev, at, event, vec![signature]).unwrap();
        prev = entry.hash();
        out.push(entry);
    }
    out
}

fn signatures(c: &mut Criterion) {
    let entries = log(SIGNATURE_BATCH_MAX + 1);
    let checks: Vec<SignatureCheck> = entries[1..]
        .iter()
        .flat_map(|e| SignatureCheck::for_entry(ORIGIN, e, &mut KeyCache::default()).unwrap())
        .collect();
    assert_eq!(checks.len(), SIGNATURE_BATCH_MAX);
    let mut group = c.benchmark_group("ed25519 (256 signatures)");
    group.throughput(Throughput::Elements(checks.len() as u64));
    group.bench_function("verify_strict one by one", |b| {
        b.iter(|| assert!(checks.iter().all(|c| black_box(c).verify_strict())))
    });
    group.bench_function("batch", |b| {
        b.iter(|| verify_signatures(black_box(&checks)).unwrap())
    });
    group.finish();
}

fn entries_and_log(c: &mut Criterion) {
    let entries = log(2_000);
    let line = entries[1].bytes().to_vec();
    let mut group = c.benchmark_group("entries");
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        format!("parse one entry line ({} bytes)", line.len()),
        |b| b.iter(|| Entry::parse(black_box(&line)).unwrap()),
    );
    group.bench_function("entry hash (leaf hash of the line)", |b| {
        b.iter(|| gongzhang_core::hash::leaf_hash(black_box(&line)))
    });
    group.finish();
    let mut group = c.benchmark_group("log verifier");
    group.throughput(Throughput::Elements(entries.len() as u64));
    group.sample_size(10);
    group.bench_function("verify 2000 entries, one core", |b| {
        b.iter(|| {
            let mut v = LogVerifier::new();
            for e in &entries {
                v.push(e.bytes()).unwrap();
            }
            v.finish().unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, signatures, entries_and_log);
criterion_main!(benches);
