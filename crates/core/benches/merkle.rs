//! Merkle tree benchmarks: roots and proof verification at a million leaves, and entry hashing.
//!
//! Run with `cargo bench -p gongzhang-core --bench merkle` (add `-- --quick` for a fast pass).

use criterion::{Criterion, criterion_group, criterion_main};
use gongzhang_core::Hash;
use gongzhang_core::hash::leaf_hash;
use gongzhang_core::merkle::{self, MerkleAccumulator, TreeHead};
use std::hint::black_box;

/// A million leaves: the size the project promises to handle comfortably.
const MILLION: usize = 1_000_000;

fn million_leaves() -> Vec<Hash> {
    (0..MILLION as u64)
        .map(|i| leaf_hash(&i.to_le_bytes()))
        .collect()
}

fn head(leaves: &[Hash]) -> TreeHead {
    TreeHead {
        size: leaves.len() as u64,
        root: merkle::root(leaves),
    }
}

/// The whole-tree benchmarks: one iteration hashes a million leaves' worth of nodes.
fn whole_tree(c: &mut Criterion) {
    let leaves = million_leaves();
    c.bench_function("root of 1M leaves", |b| {
        b.iter(|| merkle::root(black_box(&leaves)))
    });
    c.bench_function("accumulator over 1M leaves", |b| {
        b.iter(|| {
            let mut acc = MerkleAccumulator::new();
            for leaf in black_box(&leaves) {
                acc.push(*leaf);
            }
            acc.root()
        })
    });
    // Proof generation over leaves in memory is O(n): each proof hash is recomputed.
    let index = 123_456u64;
    c.bench_function("inclusion proof from 1M in-memory leaves", |b| {
        b.iter(|| merkle::inclusion_proof(black_box(&leaves), black_box(index)))
    });
    c.bench_function("consistency proof 500k -> 1M from in-memory leaves", |b| {
        b.iter(|| merkle::consistency_proof(black_box(&leaves), black_box(500_000)))
    });
}

/// Proof verification in a million-leaf tree: O(log n) node hashes each.
fn proofs(c: &mut Criterion) {
    let leaves = million_leaves();
    let tree = head(&leaves);

    let index = 123_456u64;
    let leaf = leaves[index as usize];
    let inclusion = merkle::inclusion_proof(&leaves, index).expect("inclusion proof");
    tree.verify_inclusion(index, &leaf, &inclusion)
        .expect("inclusion proof verifies");
    c.bench_function("verify inclusion in 1M", |b| {
        b.iter(|| tree.verify_inclusion(black_box(index), black_box(&leaf), black_box(&inclusion)))
    });

    let size1 = 500_000u64;
    let older = head(&leaves[..size1 as usize]);
    let consistency = merkle::consistency_proof(&leaves, size1).expect("consistency proof");
    tree.verify_consistency(&older, &consistency)
        .expect("consistency proof verifies");
    c.bench_function("verify consistency 500k -> 1M", |b| {
        b.iter(|| tree.verify_consistency(black_box(&older), black_box(&consistency)))
    });
}

/// Hashing one entry of typical size.
fn entry_hashing(c: &mut Criterion) {
    let entry: Vec<u8> = (0..400u32).map(|i| b' ' + (i % 94) as u8).collect();
    c.bench_function("leaf_hash of a 400-byte entry", |b| {
        b.iter(|| leaf_hash(black_box(&entry)))
    });
}

criterion_group! {
    name = million;
    config = Criterion::default().sample_size(10);
    targets = whole_tree
}
criterion_group!(small, proofs, entry_hashing);
criterion_main!(million, small);
