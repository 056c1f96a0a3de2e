//! Proofs served from stored Merkle nodes, checkpoints and cosignatures.

use super::Harness;
use super::fixtures::{self, ORIGIN, UNITS, example_store, payment};
use gongzhang_core::checkpoint::Checkpoint;
use gongzhang_core::cosignature::{self, CosignerSigner, WitnessPolicy};
use gongzhang_core::merkle::{self, ProofRequestError, TreeHead};
use gongzhang_core::tlog_proof::{self, TlogProof};
use gongzhang_demo::vectors;
use gongzhang_store::{Backend, CosignError, ProofError, Store};

/// Batch sizes appended after the example ledger: checkpoints at irregular sizes.
const BATCH_SIZES: [usize; 9] = [1, 2, 3, 5, 8, 13, 21, 34, 40];

async fn grown_store<B: Backend>(backend: B) -> Store<B> {
    let store = example_store(backend).await;
    let mut n = 0;
    for size in BATCH_SIZES {
        let batch = (0..size)
            .map(|_| {
                n += 1;
                payment(&format!("p-{n}"), UNITS[n % 2], 100 + n as i64)
            })
            .collect();
        store
            .append_batch(ORIGIN, None, batch)
            .await
            .expect("append");
    }
    store
}

/// For every tree size and a spread of indices, the inclusion proofs made from stored nodes
/// equal those computed over the leaves, and so do the consistency proofs for every pair of
/// sizes; requests outside the log are refused with typed errors.
pub async fn proofs_from_stored_nodes_equal_proofs_from_leaves<H: Harness>(h: &H) {
    let store = grown_store(h.open().await).await;
    let leaves = fixtures::leaves(&store, ORIGIN).await;
    let n = leaves.len() as u64;
    for size in 1..=n {
        let prefix = &leaves[..usize::try_from(size).expect("small")];
        let mut seqs = vec![0, size / 3, size / 2, size - 1];
        seqs.dedup();
        for seq in seqs {
            let from_nodes = store
                .inclusion_proof(ORIGIN, seq, size)
                .await
                .expect("proof");
            let from_leaves = merkle::inclusion_proof(prefix, seq).expect("proof");
            assert_eq!(from_nodes, from_leaves, "inclusion of {seq} in {size}");
        }
        assert_eq!(
            store.root(ORIGIN, size).await.expect("root"),
            merkle::root(prefix),
            "root at {size}"
        );
        for size1 in (1..=size).step_by(7).chain([size]) {
            let from_nodes = store
                .consistency_proof(ORIGIN, size1, size)
                .await
                .expect("proof");
            let from_leaves = merkle::consistency_proof(prefix, size1).expect("proof");
            assert_eq!(from_nodes, from_leaves, "consistency {size1} → {size}");
            let older = TreeHead {
                size: size1,
                root: merkle::root(&prefix[..usize::try_from(size1).expect("small")]),
            };
            TreeHead {
                size,
                root: merkle::root(prefix),
            }
            .verify_consistency(&older, &from_nodes)
            .expect("verifies");
        }
    }
    let (seq, hash, proof) = store
        .inclusion_proof_by_event(ORIGIN, "p-7", None)
        .await
        .expect("by event");
    assert_eq!(hash, leaves[usize::try_from(seq).expect("small")]);
    TreeHead {
        size: n,
        root: merkle::root(&leaves),
    }
    .verify_inclusion(seq, &hash, &proof)
    .expect("verifies");

    assert!(matches!(
        store.inclusion_proof(ORIGIN, n, n).await,
        Err(ProofError::Request(
            ProofRequestError::IndexOutOfRange { .. }
        ))
    ));
    assert!(matches!(
        store.inclusion_proof(ORIGIN, 0, n + 1).await,
        Err(ProofError::BeyondLog { tree_size, size }) if tree_size == n + 1 && size == n
    ));
    assert!(matches!(
        store.consistency_proof(ORIGIN, 0, n).await,
        Err(ProofError::Request(ProofRequestError::BadSizes { .. }))
    ));
    assert!(matches!(
        store
            .inclusion_proof_by_event(ORIGIN, "no-such-event", None)
            .await,
        Err(ProofError::UnknownEvent(_))
    ));
}

/// A tlog-proof for an entry, at the checkpoint of its batch and at the latest, verifies with
/// the log key; asking at a size where no checkpoint was signed is a typed error.
pub async fn tlog_proofs_verify_against_signed_checkpoints<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let receipts = store
        .append_batch(
            ORIGIN,
            None,
            (0..5)
                .map(|i| payment(&format!("t-{i}"), UNITS[0], 10 + i))
                .collect(),
        )
        .await
        .expect("append");
    store
        .append(ORIGIN, payment("later", UNITS[1], 5))
        .await
        .expect("append");
    let log_key = vectors::log_signer().verifier();
    for receipt in &receipts {
        for size in [Some(receipt.checkpoint.size), None] {
            let text = store
                .tlog_proof(ORIGIN, receipt.seq, size)
                .await
                .expect("proof");
            let proof = TlogProof::parse(&text).expect("well-formed");
            let verified = tlog_proof::verify(&proof, &receipt.entry_hash, ORIGIN, &log_key, None)
                .expect("verifies");
            assert_eq!(verified.index(), receipt.seq);
        }
    }
    assert!(matches!(
        store.tlog_proof(ORIGIN, 0, Some(3)).await,
        Err(ProofError::NoCheckpoint(3))
    ));
}

/// A witness's cosignature is verified before it is stored, published with the checkpoint and
/// carried by tlog-proofs; a line from an unknown key or a forged one is refused.
pub async fn cosignatures_are_verified_then_published<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let receipt = store
        .append(ORIGIN, payment("c-1", UNITS[0], 1))
        .await
        .expect("append");
    let size = receipt.checkpoint.size;
    let checkpoint = Checkpoint::new(ORIGIN, size, receipt.checkpoint.root).expect("checkpoint");
    let witness = vectors::witness_signer();
    let line = cosignature::cosign(&checkpoint, &witness, 1_770_700_000).expect("cosign");
    let witnesses = [witness.verifier()];
    store
        .add_cosignature(ORIGIN, size, &line.to_line(), &witnesses)
        .await
        .expect("a valid cosignature");
    store
        .add_cosignature(ORIGIN, size, &line.to_line(), &witnesses)
        .await
        .expect("twice is once");
    let published = store
        .checkpoint(ORIGIN, Some(size))
        .await
        .expect("read")
        .expect("stored");
    assert!(published.ends_with(&line.to_line()));
    assert_eq!(published.matches(&line.to_line()).count(), 1);
    let policy = WitnessPolicy::new(witnesses.to_vec(), 1).expect("policy");
    let text = store
        .tlog_proof(ORIGIN, receipt.seq, Some(size))
        .await
        .expect("proof");
    let proof = TlogProof::parse(&text).expect("parse");
    tlog_proof::verify(
        &proof,
        &receipt.entry_hash,
        ORIGIN,
        &vectors::log_signer().verifier(),
        Some(&policy),
    )
    .expect("verifies with the witness policy");

    let stranger = CosignerSigner::from_seed("witness.example/stranger", [5; 32]).expect("key");
    let foreign = cosignature::cosign(&checkpoint, &stranger, 1_770_700_000).expect("cosign");
    assert!(matches!(
        store
            .add_cosignature(ORIGIN, size, &foreign.to_line(), &witnesses)
            .await,
        Err(CosignError::UnknownWitness { .. })
    ));
    // The witness's line for another checkpoint does not verify for this one.
    let other = Checkpoint::new(ORIGIN, size + 1, receipt.checkpoint.root).expect("checkpoint");
    let misplaced = cosignature::cosign(&other, &witness, 1_770_700_000).expect("cosign");
    assert!(matches!(
        store
            .add_cosignature(ORIGIN, size, &misplaced.to_line(), &witnesses)
            .await,
        Err(CosignError::Invalid(_))
    ));
    assert!(matches!(
        store
            .add_cosignature(ORIGIN, size, "not a signature line", &witnesses)
            .await,
        Err(CosignError::Line(_))
    ));
    assert!(matches!(
        store
            .add_cosignature(ORIGIN, 3, &line.to_line(), &witnesses)
            .await,
        Err(CosignError::NoCheckpoint(3))
    ));
    let published_again = store
        .checkpoint(ORIGIN, Some(size))
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(published_again, published, "refused lines are not stored");
}

/// A receipt asked for without a size is made at the latest checkpoint a witness cosigned, when
/// that checkpoint covers the entry (so a payer's receipt carries the street office's
/// cosignature), and at the latest checkpoint otherwise.
pub async fn receipts_use_the_latest_cosigned_checkpoint_that_covers_the_entry<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let witness = vectors::witness_signer();
    let witnesses = [witness.verifier()];
    let policy = WitnessPolicy::new(witnesses.to_vec(), 1).expect("policy");
    let log_key = vectors::log_signer().verifier();
    let cosign = |size: u64, root| {
        let checkpoint = Checkpoint::new(ORIGIN, size, root).expect("checkpoint");
        cosignature::cosign(&checkpoint, &witness, 1_770_700_000)
            .expect("cosign")
            .to_line()
    };
    let first = store
        .append(ORIGIN, payment("w-1", UNITS[0], 1))
        .await
        .expect("append");
    let cosigned = first.checkpoint.size;
    store
        .add_cosignature(
            ORIGIN,
            cosigned,
            &cosign(cosigned, first.checkpoint.root),
            &witnesses,
        )
        .await
        .expect("cosignature");
    let second = store
        .append(ORIGIN, payment("w-2", UNITS[1], 2))
        .await
        .expect("append");
    assert_eq!(second.checkpoint.size, cosigned + 1);
    let size_of = |text: &str| {
        let proof = TlogProof::parse(text).expect("parse");
        let (signed, _) = gongzhang_core::note::parse(proof.checkpoint_note()).expect("note");
        Checkpoint::parse(signed).expect("checkpoint").size()
    };
    // The first payment: the cosigned checkpoint, which verifies under the witness policy.
    let text = store
        .tlog_proof(ORIGIN, first.seq, None)
        .await
        .expect("proof");
    assert_eq!(size_of(&text), cosigned);
    let proof = TlogProof::parse(&text).expect("parse");
    tlog_proof::verify(&proof, &first.entry_hash, ORIGIN, &log_key, Some(&policy))
        .expect("cosigned receipt");
    // The second is not under it yet: the latest checkpoint, without cosignatures.
    let text = store
        .tlog_proof(ORIGIN, second.seq, None)
        .await
        .expect("proof");
    assert_eq!(size_of(&text), second.checkpoint.size);
    let proof = TlogProof::parse(&text).expect("parse");
    assert!(
        tlog_proof::verify(&proof, &second.entry_hash, ORIGIN, &log_key, Some(&policy)).is_err()
    );
    // Once the witness cosigns the newer checkpoint, both receipts move to it.
    store
        .add_cosignature(
            ORIGIN,
            second.checkpoint.size,
            &cosign(second.checkpoint.size, second.checkpoint.root),
            &witnesses,
        )
        .await
        .expect("cosignature");
    for receipt in [&first, &second] {
        let text = store
            .tlog_proof(ORIGIN, receipt.seq, None)
            .await
            .expect("proof");
        assert_eq!(size_of(&text), second.checkpoint.size);
    }
    assert_eq!(
        store.latest_cosigned(ORIGIN).await.expect("read"),
        Some((second.checkpoint.size, vec![witness.name().to_owned()]))
    );
}
