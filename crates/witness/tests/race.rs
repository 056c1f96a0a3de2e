//! The rollback race of c2sp.org/tlog-witness, forced: two requests both read the witness's
//! tree before either persists. Only the compare-and-swap keeps the second from rolling the
//! witness back (or cosigning a fork of what the first cosigned).

use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::cosignature::CosignerSigner;
use gongzhang_core::hash::{Hash, leaf_hash};
use gongzhang_core::merkle::{self, TreeHead};
use gongzhang_core::note::SignerKey;
use gongzhang_core::witness::{AddCheckpoint, Refusal, TrustedLogs};
use gongzhang_store::backend::StoreError;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::witness::{WitnessHead, WitnessRefusal, WitnessState};
use gongzhang_witness::{AddError, Witness};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Barrier;

const ORIGIN: &str = "gongzhang.example/hexie";

/// A state whose first two reads of a log's tree wait for each other.
struct Stalling<S> {
    inner: S,
    reads: AtomicUsize,
    barrier: Barrier,
}

impl<S: WitnessState> WitnessState for Stalling<S> {
    async fn witness_head(&self, origin: &str) -> Result<Option<WitnessHead>, StoreError> {
        let read = self.inner.witness_head(origin).await;
        if self.reads.fetch_add(1, Ordering::SeqCst) < 2 {
            self.barrier.wait().await;
        }
        read
    }
    async fn witness_heads(&self) -> Result<Vec<WitnessHead>, StoreError> {
        self.inner.witness_heads().await
    }
    async fn advance_witness_head(
        &self,
        expected: Option<TreeHead>,
        new: &WitnessHead,
    ) -> Result<bool, StoreError> {
        self.inner.advance_witness_head(expected, new).await
    }
    async fn add_witness_refusal(&self, refusal: &WitnessRefusal) -> Result<(), StoreError> {
        self.inner.add_witness_refusal(refusal).await
    }
    async fn witness_refusals(
        &self,
        origin: Option<&str>,
        limit: u32,
    ) -> Result<Vec<WitnessRefusal>, StoreError> {
        self.inner.witness_refusals(origin, limit).await
    }
}

fn request(all: &[Hash], old: u64, size: usize, key: &SignerKey) -> Vec<u8> {
    let proof = if old == 0 {
        Vec::new()
    } else {
        merkle::consistency_proof(&all[..size], old).expect("proof")
    };
    let cp = Checkpoint::new(ORIGIN, size as u64, merkle::root(&all[..size])).expect("cp");
    AddCheckpoint::new(old, proof, checkpoint::sign(&cp, key))
        .to_body()
        .into_bytes()
}

async fn race(first: usize, second: usize, fork_second: bool) {
    let dir = tempfile::tempdir().expect("dir");
    let state = SqliteBackend::open(dir.path().join("w.sqlite"))
        .await
        .expect("open");
    let key = SignerKey::from_seed(ORIGIN, [7; 32]).expect("seed");
    let mut logs = TrustedLogs::new();
    logs.add(ORIGIN, key.verifier());
    let signer = CosignerSigner::from_seed("jiedao.example/witness", [3; 32]).expect("seed");
    let all: Vec<Hash> = (0..64).map(|i| leaf_hash(&[i])).collect();
    let mut fork = all.clone();
    fork[12] = leaf_hash(b"fork");
    let plain = Witness::new(signer.clone(), logs.clone(), state.clone());
    plain
        .add_checkpoint(&request(&all, 0, 10, &key))
        .await
        .expect("first");
    let witness = Witness::new(
        signer,
        logs,
        Stalling {
            inner: state.clone(),
            reads: AtomicUsize::new(0),
            barrier: Barrier::new(2),
        },
    );
    let a = request(&all, 10, first, &key);
    let b = request(if fork_second { &fork } else { &all }, 10, second, &key);
    let (ra, rb) = tokio::join!(witness.add_checkpoint(&a), witness.add_checkpoint(&b));
    let stored = state
        .witness_head(ORIGIN)
        .await
        .expect("read")
        .expect("head");
    match (ra, rb) {
        (Ok(_), Err(AddError::Refused(Refusal::OldSizeMismatch { old_size, latest }))) => {
            assert_eq!((old_size, latest), (10, first as u64));
            assert_eq!(stored.head.size, first as u64);
            assert_eq!(stored.head.root, merkle::root(&all[..first]));
        }
        (Err(AddError::Refused(Refusal::OldSizeMismatch { old_size, latest })), Ok(_)) => {
            assert_eq!((old_size, latest), (10, second as u64));
            assert_eq!(stored.head.size, second as u64);
        }
        (ra, rb) => panic!("exactly one of two racing requests is cosigned: {ra:?} {rb:?}"),
    }
}

#[tokio::test]
async fn a_smaller_tree_checked_at_the_same_time_never_rolls_the_witness_back() {
    race(40, 20, false).await;
    race(20, 40, false).await;
}

#[tokio::test]
async fn two_forks_checked_at_the_same_time_are_never_both_cosigned() {
    race(30, 30, true).await;
}
