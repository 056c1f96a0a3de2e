//! Appending: idempotency, conflicts, refusals, limits, concurrency.

use super::Harness;
use super::fixtures::{
    self, ORIGIN, PAYMENT_TIME, UNITS, at, check_receipt, example_store, payment, reopened_store,
    resubmission, scripted_clock, signed,
};
use gongzhang_core::checkpoint;
use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::keys::AuthorSigner;
use gongzhang_core::ledger::Violation;
use gongzhang_core::log::{LogError, verify_jsonl};
use gongzhang_core::merkle;
use gongzhang_core::note::SignerKey;
use gongzhang_demo::{example, vectors};
use gongzhang_store::store::{ATTACHMENT_BYTES_MAX, SUBMISSIONS_PER_BATCH_MAX};
use gongzhang_store::{AppendError, Backend, Store, StoreError, Submission};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The example ledger's size.
const EXAMPLE_SIZE: u64 = 16;

/// Resubmitting an event that is in the log — alone, or inside a batch with new events —
/// returns the original receipt (same seq, hash and checkpoint) and appends nothing for it,
/// also after a restart.
pub async fn idempotent_resubmission_returns_the_original_receipt<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let first = store
        .append(ORIGIN, payment("pay-1", UNITS[0], 4_262))
        .await
        .expect("append");
    assert_eq!(first.seq, EXAMPLE_SIZE);
    check_receipt(&store, ORIGIN, &first).await;
    let second = store
        .append(ORIGIN, payment("pay-2", UNITS[1], 100))
        .await
        .expect("append");

    let again = store
        .append(ORIGIN, payment("pay-1", UNITS[0], 4_262))
        .await
        .expect("resubmit");
    assert_eq!(again, first, "the original receipt");
    assert_eq!(store.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE + 2);

    let mixed = store
        .append_batch(
            ORIGIN,
            None,
            vec![
                payment("pay-3", UNITS[0], 1),
                payment("pay-2", UNITS[1], 100),
            ],
        )
        .await
        .expect("batch with a resubmission");
    assert_eq!(mixed[0].seq, EXAMPLE_SIZE + 2);
    assert_eq!(mixed[1], second);
    assert_eq!(store.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE + 3);
    drop(store);

    let reopened = reopened_store(h.open().await);
    let after_restart = reopened
        .append(ORIGIN, payment("pay-1", UNITS[0], 4_262))
        .await
        .expect("resubmit after a restart");
    assert_eq!(after_restart, first);
    assert_eq!(reopened.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE + 3);
}

/// The same event twice in one batch is one entry; both get its receipt.
pub async fn same_event_twice_in_one_batch_is_appended_once<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let receipts = store
        .append_batch(
            ORIGIN,
            None,
            vec![
                payment("twice", UNITS[0], 700),
                payment("twice", UNITS[0], 700),
            ],
        )
        .await
        .expect("append");
    assert_eq!(receipts[0], receipts[1]);
    assert_eq!(store.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE + 1);
}

/// An id already used for other content is refused, naming where it was used; nothing is
/// written. In the same batch as its first use, the whole batch is refused.
pub async fn conflicting_event_id_is_refused<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    store
        .append(ORIGIN, payment("pay-1", UNITS[0], 4_262))
        .await
        .expect("append");
    let error = store
        .append(ORIGIN, payment("pay-1", UNITS[0], 4_263))
        .await
        .expect_err("another event under the same id");
    assert!(
        matches!(&error, AppendError::IdempotencyConflict { event_id, first_seq }
            if event_id == "pay-1" && *first_seq == EXAMPLE_SIZE),
        "{error:?}"
    );
    let error = store
        .append_batch(
            ORIGIN,
            None,
            vec![payment("dup", UNITS[0], 1), payment("dup", UNITS[0], 2)],
        )
        .await
        .expect_err("one id, two events");
    assert!(
        matches!(&error, AppendError::IdempotencyConflict { first_seq, .. } if *first_seq == EXAMPLE_SIZE + 1),
        "{error:?}"
    );
    assert_eq!(store.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE + 1);
}

/// A batch that expects another size is refused with a typed conflict, and nothing is written.
pub async fn stale_expected_size_is_a_conflict<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    store
        .append_batch(ORIGIN, Some(EXAMPLE_SIZE), vec![payment("a", UNITS[0], 1)])
        .await
        .expect("the expected size");
    let error = store
        .append_batch(ORIGIN, Some(EXAMPLE_SIZE), vec![payment("b", UNITS[0], 1)])
        .await
        .expect_err("stale");
    assert!(
        matches!(
            error,
            AppendError::Conflict {
                expected: EXAMPLE_SIZE,
                found
            } if found == EXAMPLE_SIZE + 1
        ),
        "{error:?}"
    );
    assert_eq!(store.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE + 1);
    assert!(
        store
            .entry_by_event(ORIGIN, "b")
            .await
            .expect("read")
            .is_none(),
        "nothing written"
    );
}

/// A rule violation refuses the caller's whole batch, names the entry and the rule, and writes
/// nothing (no entry, node, checkpoint or projection row); the valid events go in afterwards.
pub async fn rule_violation_refuses_the_whole_batch_and_writes_nothing<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let before_rows = store.projections(ORIGIN).await.expect("rows");
    let before_checkpoint = store.checkpoint(ORIGIN, None).await.expect("cp");
    let error = store
        .append_batch(
            ORIGIN,
            None,
            vec![
                payment("ok-1", UNITS[0], 500),
                payment("bad", "9-9-909", 500),
                payment("ok-2", UNITS[1], 500),
            ],
        )
        .await
        .expect_err("an unregistered unit");
    let AppendError::Rule(rule) = &error else {
        panic!("expected a rule error, got {error:?}")
    };
    assert_eq!(rule.seq, EXAMPLE_SIZE + 1, "the entry it would have been");
    assert_eq!(rule.event_id, "bad");
    assert!(
        matches!(rule.violation, Violation::UnknownUnit { .. }),
        "{:?}",
        rule.violation
    );
    assert_eq!(store.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE);
    assert!(
        store
            .entry_by_event(ORIGIN, "ok-1")
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(store.projections(ORIGIN).await.expect("rows"), before_rows);
    assert_eq!(
        store.checkpoint(ORIGIN, None).await.expect("cp"),
        before_checkpoint
    );
    // The in-memory state was not touched either: the valid events follow as if nothing happened.
    let receipts = store
        .append_batch(
            ORIGIN,
            Some(EXAMPLE_SIZE),
            vec![
                payment("ok-1", UNITS[0], 500),
                payment("ok-2", UNITS[1], 500),
            ],
        )
        .await
        .expect("the valid events");
    assert_eq!(receipts[1].seq, EXAMPLE_SIZE + 1);
    let report = store.rebuild_projections(ORIGIN).await.expect("rebuild");
    assert!(report.matched);
}

/// A forged or misdirected signature is refused with the event's position, before anything is
/// sealed; so is a signature over another ledger's origin.
pub async fn bad_signature_is_refused_before_sealing<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let mut forged = payment("forged", UNITS[0], 1);
    let other = payment("other", UNITS[0], 2);
    forged.signatures = other.signatures.clone();
    let error = store
        .append_batch(ORIGIN, None, vec![payment("fine", UNITS[0], 1), forged])
        .await
        .expect_err("forged");
    assert!(
        matches!(&error, AppendError::BadSignature { index: 1, event_id, .. } if event_id == "forged"),
        "{error:?}"
    );
    let mut elsewhere = payment("elsewhere", UNITS[0], 1);
    elsewhere.signatures = vec![
        elsewhere
            .event
            .sign("gongzhang.example/another", &example::signer("treasurer")),
    ];
    let error = store
        .append(ORIGIN, elsewhere)
        .await
        .expect_err("signed for another ledger");
    assert!(
        matches!(error, AppendError::BadSignature { index: 0, .. }),
        "{error:?}"
    );
    // Signed by a valid key that may not sign payments: a rule, not a signature, error.
    let mut stranger = payment("stranger", UNITS[0], 1);
    stranger.signatures = vec![
        stranger
            .event
            .sign(ORIGIN, &AuthorSigner::from_seed([42; 32])),
    ];
    let error = store
        .append(ORIGIN, stranger)
        .await
        .expect_err("not the treasurer");
    assert!(matches!(error, AppendError::Rule(_)), "{error:?}");
    assert_eq!(store.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE);
}

/// Empty and oversized batches, unknown ledgers and a store without the log key are refused
/// with their own errors.
pub async fn batch_limits_are_enforced<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    assert!(matches!(
        store.append_batch(ORIGIN, None, Vec::new()).await,
        Err(AppendError::EmptyBatch)
    ));
    let too_many: Vec<Submission> = (0..=SUBMISSIONS_PER_BATCH_MAX)
        .map(|i| payment(&format!("many-{i}"), UNITS[0], 1))
        .collect();
    let error = store
        .append_batch(ORIGIN, None, too_many)
        .await
        .expect_err("too many");
    assert!(
        matches!(error, AppendError::BatchTooLarge { found, max: SUBMISSIONS_PER_BATCH_MAX } if found == SUBMISSIONS_PER_BATCH_MAX + 1),
        "{error:?}"
    );
    let error = store
        .append("gongzhang.example/nowhere", payment("x", UNITS[0], 1))
        .await
        .expect_err("no such ledger");
    assert!(matches!(error, AppendError::UnknownLedger(_)), "{error:?}");
    assert!(matches!(
        store.size("gongzhang.example/nowhere").await,
        Err(StoreError::UnknownLedger(_))
    ));
    drop(store);
    let keyless = Store::new(h.open().await);
    let error = keyless
        .append(ORIGIN, payment("x", UNITS[0], 1))
        .await
        .expect_err("no log key");
    assert!(matches!(error, AppendError::NoLogKey(_)), "{error:?}");
}

/// Writers in this test.
const WRITERS: usize = 16;
/// Appends per writer.
const APPENDS_PER_WRITER: usize = 200;
/// Every this many appends, a writer also submits an event the rules refuse.
const INVALID_EVERY: usize = 50;

/// 16 writers × 200 single-event appends at once: group commit gathers them; every receipt
/// names its own entry and a signed checkpoint; the sequence numbers are dense; invalid events
/// mixed in fail alone; the log verifies, its root is the latest checkpoint's, and the
/// projections rebuild equal.
pub async fn concurrent_writers_get_dense_seqs_and_a_verifiable_log<H: Harness>(h: &H) {
    let store = example_store(h.open().await).await;
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut receipts = Vec::with_capacity(APPENDS_PER_WRITER);
            for i in 0..APPENDS_PER_WRITER {
                let unit = UNITS[(writer + i) % UNITS.len()];
                let id = format!("w{writer:02}-{i:03}");
                let amount = 1 + i64::try_from(writer * 1_000 + i).expect("small");
                let receipt = store
                    .append(ORIGIN, payment(&id, unit, amount))
                    .await
                    .unwrap_or_else(|e| panic!("{id}: {e}"));
                receipts.push((id, receipt));
                if i % INVALID_EVERY == 0 {
                    let id = format!("w{writer:02}-{i:03}-bad");
                    let error = store
                        .append(ORIGIN, payment(&id, "9-9-909", 1))
                        .await
                        .expect_err("an unregistered unit");
                    assert!(matches!(error, AppendError::Rule(_)), "{error:?}");
                }
            }
            receipts
        }));
    }
    let mut receipts = Vec::new();
    for task in tasks {
        receipts.extend(task.await.expect("writer"));
    }
    let total = EXAMPLE_SIZE + (WRITERS * APPENDS_PER_WRITER) as u64;
    assert_eq!(store.size(ORIGIN).await.expect("size"), total);
    let seqs: BTreeSet<u64> = receipts.iter().map(|(_, r)| r.seq).collect();
    assert_eq!(
        seqs.len(),
        WRITERS * APPENDS_PER_WRITER,
        "one seq per append"
    );
    assert_eq!(seqs.first(), Some(&EXAMPLE_SIZE));
    assert_eq!(seqs.last(), Some(&(total - 1)), "dense");

    let log = fixtures::jsonl(&store, ORIGIN).await;
    let verified = verify_jsonl(&log).expect("the log verifies");
    let lines: Vec<&[u8]> = gongzhang_core::log::split_lines(&log).collect();
    let checkpoints: BTreeSet<u64> = receipts.iter().map(|(_, r)| r.checkpoint.size).collect();
    let leaves: Vec<_> = lines
        .iter()
        .map(|l| Entry::parse(l).expect("entry").hash())
        .collect();
    for (id, receipt) in &receipts {
        let entry =
            Entry::parse(lines[usize::try_from(receipt.seq).expect("small")]).expect("entry");
        assert_eq!(entry.event().id(), id);
        assert_eq!(entry.hash(), receipt.entry_hash);
        assert!(receipt.checkpoint.size > receipt.seq);
        let size = usize::try_from(receipt.checkpoint.size).expect("small");
        assert_eq!(receipt.checkpoint.root, merkle::root(&leaves[..size]));
    }
    eprintln!(
        "concurrent writers: {} appends in {} group commits",
        receipts.len(),
        checkpoints.len()
    );
    assert!(
        checkpoints.len() < receipts.len(),
        "group commit gathered concurrent appends"
    );
    let latest = store
        .checkpoint(ORIGIN, None)
        .await
        .expect("cp")
        .expect("cp");
    let opened =
        checkpoint::open(&latest, ORIGIN, &vectors::log_signer().verifier(), None).expect("signed");
    verified
        .check_tree_head(&opened.tree_head())
        .expect("the latest checkpoint is the log's root");
    let report = store.rebuild_projections(ORIGIN).await.expect("rebuild");
    assert!(report.matched, "the projections rebuild equal");
}

/// `recorded_at` comes from the clock but never goes backwards, even if the clock does.
pub async fn times_never_go_backwards<H: Harness>(h: &H) {
    let entries = example::entries();
    let store = Store::new(h.open().await).with_clock(scripted_clock(
        vec![at("2026-03-01T00:00:00.000Z")],
        at("2026-02-20T00:00:00.000Z"),
    ));
    store
        .create_ledger(entries[0].clone(), vectors::log_signer())
        .await
        .expect("create");
    store
        .append_batch(
            ORIGIN,
            None,
            vec![
                signed(
                    "r1",
                    "household_registered",
                    serde_json::json!({"unit": "1-1-101", "area_centi_m2": 8_523}),
                ),
                signed(
                    "r2",
                    "household_registered",
                    serde_json::json!({"unit": "1-1-102", "area_centi_m2": 8_523}),
                ),
            ],
        )
        .await
        .expect("append");
    let lines = store.entries(ORIGIN, 1, 3).await.expect("entries");
    let times: Vec<String> = lines
        .iter()
        .map(|l| Entry::parse(l).expect("entry").recorded_at().to_string())
        .collect();
    assert_eq!(
        times,
        ["2026-03-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]
    );
}

/// The genesis is verified (signatures, rules, the log key it names); creating the same ledger
/// twice returns the same receipt; another genesis for the same origin is refused.
pub async fn genesis_is_checked_and_idempotent<H: Harness>(h: &H) {
    let entries = example::entries();
    let store = Store::new(h.open().await);
    let error = store
        .create_ledger(entries[1].clone(), vectors::log_signer())
        .await
        .expect_err("not a genesis");
    assert!(matches!(error, AppendError::Log(_)), "{error:?}");
    let first = store
        .create_ledger(entries[0].clone(), vectors::log_signer())
        .await
        .expect("create");
    let again = store
        .create_ledger(entries[0].clone(), vectors::log_signer())
        .await
        .expect("create again");
    assert_eq!(first, again);
    check_receipt(&store, ORIGIN, &first).await;
    // A different genesis for the same origin (another time).
    let other = Entry::seal(
        0,
        gongzhang_core::Hash::ZERO,
        at("2026-01-01T02:00:00.000Z"),
        entries[0].event().clone(),
        entries[0].signatures().to_vec(),
    )
    .expect("seal");
    let error = store
        .create_ledger(other, vectors::log_signer())
        .await
        .expect_err("another genesis");
    assert!(matches!(error, AppendError::LedgerExists(_)), "{error:?}");
    // A genesis whose signature does not verify.
    let line = String::from_utf8(entries[0].bytes().to_vec()).expect("utf-8");
    let tampered = line.replacen("和谐家园小区", "和谐家园小区二期", 1);
    let tampered = Entry::parse(tampered.as_bytes()).expect("still well-formed");
    let error = Store::new(h.open().await)
        .create_ledger(tampered, vectors::log_signer())
        .await
        .expect_err("bad signature");
    assert!(
        matches!(
            error,
            AppendError::Log(LogError::BadSignature { seq: 0, .. })
        ),
        "{error:?}"
    );
}

/// The log key must be the one the genesis names, named by the origin.
pub async fn log_key_must_match_the_genesis<H: Harness>(h: &H) {
    let entries = example::entries();
    let store = Store::new(h.open().await);
    let wrong = SignerKey::from_seed(ORIGIN, [7; 32]).expect("key");
    let error = store
        .create_ledger(entries[0].clone(), wrong.clone())
        .await
        .expect_err("not the genesis's log key");
    assert!(
        matches!(error, AppendError::LogKeyMismatch { .. }),
        "{error:?}"
    );
    let misnamed = SignerKey::from_seed("another.example/log", [7; 32]).expect("key");
    assert!(matches!(
        store.add_log_key(ORIGIN, misnamed),
        Err(AppendError::LogKeyMismatch { .. })
    ));
    drop(store);
    let store = example_store(h.open().await).await;
    drop(store);
    let reopened = Store::new(h.open().await);
    reopened.add_log_key(ORIGIN, wrong).expect("named right");
    let error = reopened
        .append(ORIGIN, payment("x", UNITS[0], 1))
        .await
        .expect_err("the genesis names another key");
    assert!(
        matches!(error, AppendError::LogKeyMismatch { .. }),
        "{error:?}"
    );
}

/// Attachments are stored by SHA-256 (twice is once), bounded in size, typed.
pub async fn attachments_are_content_addressed_and_bounded<H: Harness>(h: &H) {
    let store = Store::new(h.open().await);
    let scan = b"%PDF-1.7 fapiao 044002600111-00012345".to_vec();
    let hash = store
        .put_attachment("application/pdf", scan.clone())
        .await
        .expect("store");
    assert_eq!(hash, gongzhang_core::hash::sha256(&scan));
    assert_eq!(
        store
            .put_attachment("application/pdf", scan.clone())
            .await
            .expect("again"),
        hash
    );
    let stored = store
        .attachment(&hash)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.bytes, scan);
    assert_eq!(stored.media_type, "application/pdf");
    assert!(
        store
            .attachment(&gongzhang_core::hash::sha256(b"nothing"))
            .await
            .expect("read")
            .is_none()
    );
    let error = store
        .put_attachment("image/jpeg", vec![0; ATTACHMENT_BYTES_MAX + 1])
        .await
        .expect_err("too large");
    assert!(
        matches!(error, StoreError::AttachmentTooLarge { found_bytes, max_bytes: ATTACHMENT_BYTES_MAX } if found_bytes == ATTACHMENT_BYTES_MAX + 1),
        "{error:?}"
    );
    for bad in [
        "",
        "pdf",
        "application/",
        "/pdf",
        "text/plain; charset",
        "text/plain;",
        "text/plain; =utf-8",
        "图片/jpeg",
    ] {
        let error = store
            .put_attachment(bad, b"x".to_vec())
            .await
            .expect_err("bad media type");
        assert!(
            matches!(error, StoreError::InvalidMediaType(_)),
            "{bad}: {error:?}"
        );
    }
    // A text document keeps its charset, so that it is served in the encoding it was written in.
    let text = "业主大会表决结果公告".as_bytes().to_vec();
    let sha = store
        .put_attachment("text/plain; charset=utf-8", text.clone())
        .await
        .expect("a media type with a parameter");
    let stored = store.attachment(&sha).await.expect("read").expect("stored");
    assert_eq!(
        (stored.media_type.as_str(), stored.bytes),
        ("text/plain; charset=utf-8", text)
    );
}

/// Two stores (two server processes) on one database: the one whose cached state is stale is
/// refused with a typed conflict when it commits, writes nothing, reloads, and its retry goes in.
pub async fn two_stores_on_one_database_conflict_then_reload<H: Harness>(h: &H) {
    let first = example_store(h.open().await).await;
    first.fund_balances(ORIGIN).await.expect("loaded");
    let second = reopened_store(h.open().await);
    let receipt = second
        .append(ORIGIN, payment("second-1", UNITS[0], 1))
        .await
        .expect("the second store appends");
    assert_eq!(receipt.seq, EXAMPLE_SIZE);
    let error = first
        .append(ORIGIN, payment("first-1", UNITS[1], 1))
        .await
        .expect_err("stale state");
    assert!(
        matches!(error, AppendError::Conflict { expected: EXAMPLE_SIZE, found } if found == EXAMPLE_SIZE + 1),
        "{error:?}"
    );
    let retry = first
        .append(ORIGIN, payment("first-1", UNITS[1], 1))
        .await
        .expect("after reloading");
    assert_eq!(retry.seq, EXAMPLE_SIZE + 1);
    let log = fixtures::jsonl(&second, ORIGIN).await;
    verify_jsonl(&log).expect("one chain");
    assert_eq!(second.size(ORIGIN).await.expect("size"), EXAMPLE_SIZE + 2);
}

/// The example store with a clock that can be moved forward after the example is loaded.
async fn example_store_with_clock<B: Backend>(
    backend: B,
) -> (Store<B>, Arc<std::sync::atomic::AtomicI64>) {
    use std::sync::atomic::{AtomicI64, Ordering};
    let entries = example::entries();
    let times = std::sync::Mutex::new(
        entries[1..]
            .iter()
            .map(Entry::recorded_at)
            .collect::<std::collections::VecDeque<_>>(),
    );
    let now = Arc::new(AtomicI64::new(at(PAYMENT_TIME).unix_ms()));
    let clock_now = Arc::clone(&now);
    let store = Store::new(backend).with_clock(Arc::new(move || {
        times
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or_else(|| {
                RecordedAt::from_unix_ms(clock_now.load(Ordering::SeqCst)).expect("a log time")
            })
    }));
    store
        .create_ledger(entries[0].clone(), vectors::log_signer())
        .await
        .expect("genesis");
    store
        .append_batch(
            ORIGIN,
            Some(1),
            entries[1..].iter().map(resubmission).collect(),
        )
        .await
        .expect("the example ledger");
    (store, now)
}

/// An upload of `bytes` to the example ledger signed by `role` at the store's time `now_ms`.
async fn upload<B: Backend>(
    store: &Store<B>,
    bytes: &[u8],
    now_ms: i64,
    role: &str,
) -> Result<gongzhang_store::store::UploadReceipt, gongzhang_store::store::UploadError> {
    use gongzhang_core::attachment::{MediaType, UploadClaim, UploadSignature};
    let media_type = MediaType::sniff(bytes).expect("a file the ledger keeps");
    let signature = UploadSignature::sign(
        &UploadClaim {
            origin: ORIGIN,
            sha256: gongzhang_core::hash::sha256(bytes),
            media_type,
            length_bytes: bytes.len() as u64,
            signed_at_s: u64::try_from(now_ms / 1000).expect("time"),
        },
        &example::signer(role),
    );
    store
        .upload_attachment(ORIGIN, bytes.to_vec(), None, &signature)
        .await
}

/// Uploads are signed, counted against the ledger's quota, and collected a day later unless an
/// entry names them; an attachment an entry names is never collected, whoever uploaded it.
pub async fn uploads_are_counted_and_collected_unless_an_entry_names_them<H: Harness>(h: &H) {
    use gongzhang_store::backend::CollectedUploads;
    use gongzhang_store::store::{UPLOAD_UNNAMED_TTL_MS, UploadError};
    use std::sync::atomic::Ordering;
    let (store, now) = example_store_with_clock(h.open().await).await;
    let t0 = now.load(Ordering::SeqCst);
    let findings = b"%PDF-1.7 audit findings: accounts agree".to_vec();
    let stray = b"\x89PNG\r\n\x1a\n a photo uploaded by mistake".to_vec();
    let named = upload(&store, &findings, t0, "auditor")
        .await
        .expect("findings");
    assert_eq!(named.unnamed_until_ms, t0 + UPLOAD_UNNAMED_TTL_MS);
    upload(&store, &stray, t0, "treasurer")
        .await
        .expect("stray");
    assert_eq!(
        store.upload_bytes(ORIGIN).await.expect("usage"),
        (findings.len() + stray.len()) as u64
    );
    // Uploading the same file again costs nothing more.
    upload(&store, &stray, t0, "treasurer")
        .await
        .expect("again");
    assert_eq!(
        store.upload_bytes(ORIGIN).await.expect("usage"),
        (findings.len() + stray.len()) as u64
    );
    // A key whose role was never granted may not upload.
    let refused = upload(&store, b"%PDF-1.7 x", t0, "stranger").await;
    assert!(
        matches!(refused, Err(UploadError::NoRole { .. })),
        "{refused:?}"
    );

    // The auditor attests, naming the findings.
    let latest = store.size(ORIGIN).await.expect("size") - 1;
    let Value::Object(body) = json!({"through_seq": latest, "findings_sha256": named.sha256.to_hex(), "opinion": "账目相符"})
    else {
        unreachable!()
    };
    let event = Event::new("audit-1", "audit_attested", body).expect("event");
    let signature = example::signer("auditor").sign_event(ORIGIN, event.canonical_bytes());
    store
        .append(
            ORIGIN,
            Submission {
                event,
                signatures: vec![gongzhang_core::entry::AuthorSignature::new(
                    example::signer("auditor").public_key(),
                    signature,
                )],
            },
        )
        .await
        .expect("the attestation");

    // Nothing is collected before a day has passed.
    now.store(t0 + UPLOAD_UNNAMED_TTL_MS - 1, Ordering::SeqCst);
    assert_eq!(
        store.collect_uploads().await.expect("collect"),
        CollectedUploads::default()
    );
    // After a day: the stray photo goes, the findings an entry names stay.
    now.store(t0 + UPLOAD_UNNAMED_TTL_MS + 1, Ordering::SeqCst);
    assert_eq!(
        store.collect_uploads().await.expect("collect"),
        CollectedUploads {
            uploads: 1,
            attachments: 1,
            bytes: stray.len() as u64
        }
    );
    let stray_hash = gongzhang_core::hash::sha256(&stray);
    assert!(store.attachment(&stray_hash).await.expect("read").is_none());
    assert_eq!(
        store
            .attachment(&named.sha256)
            .await
            .expect("read")
            .expect("kept")
            .bytes,
        findings
    );
    assert_eq!(
        store.upload_bytes(ORIGIN).await.expect("usage"),
        findings.len() as u64
    );
    // And never later, on this store or a restarted one (which re-derives the references).
    let reopened = reopened_store(h.open().await);
    reopened.read_ledger(ORIGIN, |_| ()).await.expect("load");
    now.store(t0 + 30 * UPLOAD_UNNAMED_TTL_MS, Ordering::SeqCst);
    assert_eq!(
        store.collect_uploads().await.expect("collect"),
        CollectedUploads::default()
    );
    assert!(
        store
            .attachment(&named.sha256)
            .await
            .expect("read")
            .is_some()
    );
}

/// The quota is checked in the same transaction as the write: past it nothing is stored.
pub async fn the_upload_quota_refuses_what_would_pass_it<H: Harness>(h: &H) {
    use gongzhang_store::backend::Attachment;
    let store = example_store(h.open().await).await;
    let backend = h.open().await;
    let id = backend
        .find_ledger(ORIGIN)
        .await
        .expect("find")
        .expect("the example ledger");
    let key = example::signer("treasurer").public_key();
    let file = |n: u8| Attachment {
        sha256: gongzhang_core::hash::sha256(&[b'%', b'P', b'D', b'F', b'-', n]),
        media_type: "application/pdf".to_string(),
        bytes: vec![b'%', b'P', b'D', b'F', b'-', n],
    };
    backend
        .put_upload(id, &file(1), &key, 0, 12)
        .await
        .expect("6 of 12 bytes");
    backend
        .put_upload(id, &file(2), &key, 0, 12)
        .await
        .expect("12 of 12 bytes");
    // The same file again is not more bytes.
    backend
        .put_upload(id, &file(2), &key, 5, 12)
        .await
        .expect("the same file again");
    let error = backend
        .put_upload(id, &file(3), &key, 0, 12)
        .await
        .expect_err("past the quota");
    assert!(
        matches!(
            error,
            StoreError::AttachmentQuotaExceeded {
                used_bytes: 12,
                adding_bytes: 6,
                quota_bytes: 12
            }
        ),
        "{error:?}"
    );
    assert!(
        store
            .attachment(&file(3).sha256)
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(store.upload_bytes(ORIGIN).await.expect("usage"), 12);
}
