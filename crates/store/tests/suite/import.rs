//! Importing a published log (a lost server restored from a resident's copy): the copy is
//! verified as the verifier does, written in one transaction, and refused — writing nothing —
//! when any check fails or the database already holds the ledger.

use super::Harness;
use super::fixtures::{
    self, ORIGIN, UNITS, at, demo, example_store, payment, reopened_store, scripted_clock,
};
use gongzhang_core::checkpoint::{self, Checkpoint, CheckpointError};
use gongzhang_core::cosignature::{self, CosignerSigner};
use gongzhang_core::entry::{Entry, Event};
use gongzhang_core::hash::sha256;
use gongzhang_core::ledger::Violation;
use gongzhang_core::log::LogError;
use gongzhang_core::merkle::{self, TreeHead};
use gongzhang_core::note::{self, NoteError, SignerKey};
use gongzhang_core::tlog_proof::{self, TlogProof};
use gongzhang_demo::{example, vectors};
use gongzhang_store::backend::{ImportBatch, ImportStep, StoredEntry};
use gongzhang_store::import::IMPORT_ENTRIES_PER_STEP;
use gongzhang_store::{Backend, ImportError, Store, StoreError};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The log as published and its checkpoint signed by `signer`.
fn published(entries: &[Entry], signer: &SignerKey) -> (Vec<u8>, String) {
    let leaves: Vec<_> = entries.iter().map(Entry::hash).collect();
    let origin = entries[0].event().body()["origin"]
        .as_str()
        .expect("the genesis names the origin")
        .to_string();
    let cp = Checkpoint::new(&origin, leaves.len() as u64, merkle::root(&leaves)).expect("cp");
    (example::jsonl(entries), checkpoint::sign(&cp, signer))
}

async fn import<B: Backend>(
    store: &Store<B>,
    log: Vec<u8>,
    note: &str,
    signer: SignerKey,
) -> Result<gongzhang_store::Imported, ImportError> {
    store
        .import_ledger(std::io::Cursor::new(log), note, signer, &[], |_| {})
        .await
}

/// Nothing of the ledger `origin` is in the database.
async fn nothing_written<B: Backend>(backend: &B, origin: &str) {
    match backend.find_ledger(origin).await.expect("find") {
        None => {}
        Some(id) => assert_eq!(backend.size(id).await.expect("size"), 0, "no entries"),
    }
}

/// The demo community's published log and checkpoint, cosigned by a witness, imported into an
/// empty database: the stored log is the published one byte for byte, the checkpoint is the
/// published note with its cosignature, the projections equal a pure replay's, proofs come from
/// the stored nodes, a restarted store loads and verifies it, and a new append continues it.
pub async fn a_published_log_is_imported_whole<H: Harness>(h: &H) {
    let demo = demo();
    let (log, note) = published(&demo.entries, &demo.log_signer);
    let witness = CosignerSigner::from_seed("witness.example/w", [7; 32]).expect("witness");
    let stranger = CosignerSigner::from_seed("stranger.example/s", [8; 32]).expect("stranger");
    let (text, _) = note::parse(&note).expect("note");
    let cp = Checkpoint::parse(text).expect("checkpoint");
    let line = cosignature::cosign(&cp, &witness, 1_770_700_000).expect("cosign");
    let foreign = cosignature::cosign(&cp, &stranger, 1_770_700_000).expect("cosign");
    let with_witness =
        note::append_signatures(&note, &[line.clone(), foreign.clone()]).expect("append");

    let store = Store::new(h.open().await);
    let reported = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&reported);
    let imported = store
        .import_ledger(
            std::io::Cursor::new(log.clone()),
            &with_witness,
            demo.log_signer.clone(),
            &[witness.verifier()],
            move |n| seen.store(n, Ordering::SeqCst),
        )
        .await
        .expect("the demo imports");
    let size = demo.entries.len() as u64;
    let leaves: Vec<_> = demo.entries.iter().map(Entry::hash).collect();
    let head = TreeHead {
        size,
        root: merkle::root(&leaves),
    };
    assert!(size > 2 * IMPORT_ENTRIES_PER_STEP as u64, "several steps");
    assert_eq!(imported.origin, demo.origin);
    assert_eq!(imported.tree_head, head);
    assert_eq!(imported.genesis_hash, demo.entries[0].hash());
    assert_eq!(imported.cosignatures_kept, vec![line.to_line()]);
    assert_eq!(
        imported.cosignatures_dropped,
        vec![format!("stranger.example/s+{:08x}", stranger.key_id())]
    );
    let named: std::collections::BTreeSet<_> = demo.documents.keys().copied().collect();
    assert_eq!(imported.attachments, named);
    assert_eq!(reported.load(Ordering::SeqCst), size);

    assert_eq!(store.size(&demo.origin).await.expect("size"), size);
    assert!(
        fixtures::jsonl(&store, &demo.origin).await == log,
        "the stored log is the published one, byte for byte"
    );
    let stored_note = store
        .checkpoint(&demo.origin, None)
        .await
        .expect("checkpoint")
        .expect("a checkpoint");
    assert_eq!(
        stored_note,
        note::append_signatures(&note, &[line]).expect("append"),
        "the published note with the witness's cosignature"
    );
    let replayed = fixtures::replayed_rows(&demo.entries);
    assert!(
        store.projections(&demo.origin).await.expect("projections") == replayed,
        "the projections equal a pure replay's"
    );
    assert_eq!(
        store.root(&demo.origin, size).await.expect("root"),
        head.root
    );
    let seq = 4_321;
    let proof = store
        .tlog_proof(&demo.origin, seq, None)
        .await
        .expect("a receipt");
    let proof = TlogProof::parse(&proof).expect("tlog-proof");
    let verified = tlog_proof::verify(
        &proof,
        &demo.entries[seq as usize].hash(),
        &demo.origin,
        &demo.log_signer.verifier(),
        None,
    )
    .expect("the receipt verifies");
    assert_eq!(verified.tree_head(), head);
    drop(store);

    // A restarted server loads and verifies it, and appends after it with the same log key.
    let store = Store::new(h.open().await).with_clock(scripted_clock(
        Vec::new(),
        demo.entries[size as usize - 1].recorded_at(),
    ));
    store
        .add_log_key(&demo.origin, demo.log_signer.clone())
        .expect("log key");
    let loaded = store
        .read_ledger(&demo.origin, Clone::clone)
        .await
        .expect("the imported ledger loads and verifies");
    assert!(loaded == demo.ledger, "the loaded ledger is the demo's");
    let report = store
        .rebuild_projections(&demo.origin)
        .await
        .expect("rebuild");
    assert!(report.matched, "the rebuild agrees with the import");
    let unit = demo
        .ledger
        .households()
        .keys()
        .next()
        .expect("a unit")
        .clone();
    let Some(serde_json::Value::Object(body)) =
        Some(json!({"unit": unit.as_str(), "amount_fen": 100, "channel": "cash"}))
    else {
        unreachable!()
    };
    let event = Event::new("after-import", "payment_received", body).expect("event");
    let treasurer = SignerKey::from_seed(demo.treasurer, example::seed(demo.treasurer))
        .expect("treasurer")
        .author_signer();
    let receipt = store
        .append(
            &demo.origin,
            gongzhang_store::Submission {
                signatures: vec![event.sign(&demo.origin, &treasurer)],
                event,
            },
        )
        .await
        .expect("a new append after the import");
    assert_eq!(receipt.seq, size);
    assert_eq!(receipt.checkpoint.size, size + 1);
}

/// A log changed after publication is refused naming the entry and the cause, and nothing is
/// written: a flipped amount (bad signature), a dropped entry (broken chain), a log shorter than
/// its checkpoint, an entry that breaks a rule, a checkpoint the key did not sign, and a key the
/// genesis does not name.
pub async fn a_tampered_log_is_refused_and_nothing_is_written<H: Harness>(h: &H) {
    let entries = example::entries();
    let signer = vectors::log_signer();
    let store = Store::new(h.open().await);
    let (log, note) = published(&entries, &signer);

    // A changed amount: the signature no longer verifies.
    let text = String::from_utf8(log.clone()).expect("utf-8");
    let target = entries
        .iter()
        .position(|e| e.event().kind() == "payment_received")
        .expect("a payment");
    let line = text.lines().nth(target).expect("line");
    let amount = entries[target].event().body()["amount_fen"]
        .as_i64()
        .expect("amount");
    let changed = line.replacen(
        &format!("\"amount_fen\":{amount}"),
        &format!("\"amount_fen\":{}", amount + 1),
        1,
    );
    assert_ne!(changed, line);
    let tampered = text.replacen(line, &changed, 1).into_bytes();
    let error = import(&store, tampered, &note, signer.clone())
        .await
        .expect_err("tampered");
    assert!(
        matches!(&error, ImportError::Log(LogError::BadSignature { seq, .. }) if *seq == target as u64),
        "{error:?}"
    );
    nothing_written(store.backend(), ORIGIN).await;

    // An entry dropped from the middle: the chain breaks at it.
    let mut dropped: Vec<Entry> = entries.clone();
    dropped.remove(5);
    let error = import(&store, example::jsonl(&dropped), &note, signer.clone())
        .await
        .expect_err("dropped");
    assert!(
        matches!(
            &error,
            ImportError::Log(LogError::SeqMismatch {
                expected: 5,
                found: 6
            })
        ),
        "{error:?}"
    );
    nothing_written(store.backend(), ORIGIN).await;

    // A log cut short (an interrupted download): its size differs from the checkpoint's.
    let error = import(
        &store,
        example::jsonl(&entries[..10]),
        &note,
        signer.clone(),
    )
    .await
    .expect_err("short");
    assert!(
        matches!(
            &error,
            ImportError::Log(LogError::SizeMismatch {
                checkpoint_size: 16,
                log_size: 10
            })
        ),
        "{error:?}"
    );
    nothing_written(store.backend(), ORIGIN).await;

    // A well-signed entry that breaks a rule (a payment by a unit that is not registered).
    let last = &entries[entries.len() - 1];
    let Some(serde_json::Value::Object(body)) =
        Some(json!({"unit": "9-9-909", "amount_fen": 100, "channel": "cash"}))
    else {
        unreachable!()
    };
    let event = Event::new("ghost", "payment_received", body).expect("event");
    let signature = event.sign(ORIGIN, &example::signer("treasurer"));
    let ghost = Entry::seal(
        entries.len() as u64,
        last.hash(),
        at(fixtures::PAYMENT_TIME),
        event,
        vec![signature],
    )
    .expect("seal");
    let mut with_ghost = entries.clone();
    with_ghost.push(ghost);
    let (log_ghost, note_ghost) = published(&with_ghost, &signer);
    let error = import(&store, log_ghost, &note_ghost, signer.clone())
        .await
        .expect_err("rule");
    assert!(
        matches!(&error, ImportError::Rule(rule) if rule.seq == 16
            && matches!(rule.violation, Violation::UnknownUnit { .. })),
        "{error:?}"
    );
    nothing_written(store.backend(), ORIGIN).await;

    // The checkpoint signed by another key: the key given did not sign it.
    let other = SignerKey::from_seed(ORIGIN, [9; 32]).expect("key");
    let (_, other_note) = published(&entries, &other);
    let error = import(&store, log.clone(), &other_note, signer.clone())
        .await
        .expect_err("unsigned");
    assert!(
        matches!(
            &error,
            ImportError::Checkpoint(CheckpointError::Note(NoteError::NoKnownSignature))
        ),
        "{error:?}"
    );
    // The key signed the checkpoint, but the genesis names another log key.
    let error = import(&store, log, &other_note, other.clone())
        .await
        .expect_err("not the genesis's key");
    assert!(
        matches!(&error, ImportError::LogKeyNotGenesis { genesis, given }
            if *genesis == signer.verifier().to_string() && *given == other.verifier().to_string()),
        "{error:?}"
    );
    nothing_written(store.backend(), ORIGIN).await;
    assert!(store.origins().await.expect("origins").is_empty());
}

/// A database that holds the ledger is refused, before and inside the import's transaction,
/// and keeps what it had.
pub async fn an_existing_ledger_is_refused<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    store
        .append(ORIGIN, payment("kept", UNITS[0], 1))
        .await
        .expect("append");
    let entries = example::entries();
    let (log, note) = published(&entries, &vectors::log_signer());
    let error = import(&store, log, &note, vectors::log_signer())
        .await
        .expect_err("exists");
    assert!(
        matches!(&error, ImportError::LedgerExists { origin, size: 17 } if origin == ORIGIN),
        "{error:?}"
    );
    // The backend's own check, for an import that passed the early one (two restores at once).
    let (steps, receiver) = tokio::sync::mpsc::channel(1);
    drop(steps);
    let error = store
        .backend()
        .import_ledger(ORIGIN, receiver)
        .await
        .expect_err("exists");
    assert!(
        matches!(&error, StoreError::LedgerExists { size: 17, .. }),
        "{error:?}"
    );
    drop(store);
    let store = reopened_store(h.open().await);
    assert_eq!(store.size(ORIGIN).await.expect("size"), 17);
    store.fund_balances(ORIGIN).await.expect("still loads");
}

/// An import that stops part-way (its steps end before `Finish`: the verifier refused a later
/// entry, or the process died) leaves nothing behind, and the same import run again completes.
pub async fn an_interrupted_import_leaves_nothing_and_can_be_run_again<H: Harness>(h: &H) {
    let entries = example::entries();
    let backend = h.open().await;
    let (steps, receiver) = tokio::sync::mpsc::channel(1);
    let first: Vec<StoredEntry> = entries[..8]
        .iter()
        .map(|e| StoredEntry {
            seq: e.seq(),
            hash: e.hash(),
            event_id: e.event().id().to_string(),
            event_hash: sha256(e.event().canonical_bytes()),
            bytes: e.bytes().to_vec(),
        })
        .collect();
    let writer = tokio::spawn(async move { backend.import_ledger(ORIGIN, receiver).await });
    steps
        .send(ImportStep::Entries(ImportBatch {
            entries: first,
            ..ImportBatch::default()
        }))
        .await
        .expect("the writer takes the step");
    drop(steps);
    let error = writer.await.expect("join").expect_err("aborted");
    assert!(matches!(error, StoreError::ImportAborted), "{error:?}");

    let store = Store::new(h.open().await);
    assert!(store.origins().await.expect("origins").is_empty());
    let (log, note) = published(&entries, &vectors::log_signer());
    let imported = import(&store, log, &note, vectors::log_signer())
        .await
        .expect("the import run again completes");
    assert_eq!(imported.tree_head.size, 16);
    assert_eq!(store.size(ORIGIN).await.expect("size"), 16);
    store.fund_balances(ORIGIN).await.expect("loads");
}
