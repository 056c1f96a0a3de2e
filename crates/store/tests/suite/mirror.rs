//! A witness's mirror of someone else's log: imported with the log's public key alone, extended
//! with what the log publishes next (checked as an append is, from the kept state), and a refused
//! extension — a tampered line, a checkpoint that does not match — writes nothing.

use super::Harness;
use super::fixtures::{ORIGIN, UNITS, example_store, payment};
use gongzhang_demo::vectors;
use gongzhang_store::import::ImportError;
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::{Backend, Store};

/// Lines `from..to` of the source's log, as published.
async fn lines<B: Backend>(source: &Store<B>, from: u64, to: u64) -> Vec<u8> {
    source.jsonl(ORIGIN, from, to).await.expect("jsonl")
}

async fn checkpoint_at<B: Backend>(source: &Store<B>, size: u64) -> String {
    source
        .checkpoint(ORIGIN, Some(size))
        .await
        .expect("read")
        .expect("a checkpoint at that size")
}

pub async fn a_mirror_follows_the_log_and_refuses_what_does_not_check<H: Harness>(h: &H) {
    let source = example_store(SqliteBackend::open_in_memory().await.expect("sqlite")).await;
    let first = source.size(ORIGIN).await.expect("size");
    for (i, unit) in [UNITS[0], UNITS[1], UNITS[0]].into_iter().enumerate() {
        source
            .append(ORIGIN, payment(&format!("m-{i}"), unit, 100 + i as i64))
            .await
            .expect("append");
    }
    let log_key = vectors::log_signer().verifier();
    let mirror = Store::new(h.open().await);
    let imported = mirror
        .import_published(
            std::io::Cursor::new(lines(&source, 0, first).await),
            &checkpoint_at(&source, first).await,
            &log_key,
            &[],
            |_| {},
        )
        .await
        .expect("import");
    assert_eq!(imported.tree_head.size, first);

    // Two more entries, up to the log's checkpoint over them.
    let head = mirror
        .extend_mirror(
            &log_key,
            &lines(&source, first, first + 2).await,
            &checkpoint_at(&source, first + 2).await,
            &[],
        )
        .await
        .expect("extend");
    assert_eq!(head.size, first + 2);
    assert_eq!(
        head.root,
        source.root(ORIGIN, first + 2).await.expect("root")
    );
    assert_eq!(
        mirror.checkpoint(ORIGIN, None).await.expect("read"),
        Some(checkpoint_at(&source, first + 2).await),
        "the log's own signed note is kept"
    );

    // A tampered line: refused at its entry, nothing written.
    let good = lines(&source, first + 2, first + 3).await;
    let text = String::from_utf8(good.clone()).expect("utf8");
    let tampered = text.replacen("\"amount_fen\":102", "\"amount_fen\":9102", 1);
    assert_ne!(tampered, text, "the line was changed");
    let refused = mirror
        .extend_mirror(
            &log_key,
            tampered.as_bytes(),
            &checkpoint_at(&source, first + 3).await,
            &[],
        )
        .await
        .expect_err("tampered");
    match refused {
        ImportError::Log(error) => assert_eq!(error.seq(), Some(first + 2), "{error}"),
        other => panic!("expected a log error at the entry, got {other}"),
    }
    assert_eq!(mirror.size(ORIGIN).await.expect("size"), first + 2);

    // The right line with a checkpoint of another size: refused, nothing written.
    let refused = mirror
        .extend_mirror(
            &log_key,
            &good,
            &checkpoint_at(&source, first + 2).await,
            &[],
        )
        .await
        .expect_err("size");
    assert!(
        matches!(refused, ImportError::Log(gongzhang_core::log::LogError::SizeMismatch { checkpoint_size, log_size }) if checkpoint_size == first + 2 && log_size == first + 3),
        "{refused}"
    );
    // A checkpoint signed by another key: refused before anything is read.
    let stranger = gongzhang_core::note::SignerKey::from_seed(ORIGIN, [42; 32]).expect("key");
    let forged_cp = gongzhang_core::checkpoint::sign(
        &gongzhang_core::checkpoint::Checkpoint::new(
            ORIGIN,
            first + 3,
            source.root(ORIGIN, first + 3).await.expect("root"),
        )
        .expect("checkpoint"),
        &stranger,
    );
    assert!(matches!(
        mirror.extend_mirror(&log_key, &good, &forged_cp, &[]).await,
        Err(ImportError::Checkpoint(_))
    ));
    assert_eq!(mirror.size(ORIGIN).await.expect("size"), first + 2);

    // After the refusals the state is reloaded and the honest extension goes through; the
    // mirror's projections are the source's.
    let head = mirror
        .extend_mirror(
            &log_key,
            &good,
            &checkpoint_at(&source, first + 3).await,
            &[],
        )
        .await
        .expect("extend");
    assert_eq!(head.size, first + 3);
    assert_eq!(
        mirror.fund_balances(ORIGIN).await.expect("mirror"),
        source.fund_balances(ORIGIN).await.expect("source")
    );
    assert_eq!(
        mirror.projections(ORIGIN).await.expect("mirror"),
        source.projections(ORIGIN).await.expect("source")
    );
}
