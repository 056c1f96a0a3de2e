//! The street office's console (见证人监督台) on the witness: every log with what it last
//! cosigned and when, the alerts (a split view, a rewritten log, a log silent for a day) with the
//! evidence to download, the overview as CSV for Excel, Chinese first and English on request.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::cosignature::CosignerSigner;
use gongzhang_core::hash::{Hash, leaf_hash};
use gongzhang_core::merkle;
use gongzhang_core::note::SignerKey;
use gongzhang_core::witness::{AddCheckpoint, TrustedLogs};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_witness::{Witness, http};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceExt as _;

const HEXIE: &str = "gongzhang.example/hexie";
const QUIET: &str = "gongzhang.example/quiet";
const NEVER: &str = "gongzhang.example/never";
/// 2026-12-07 08:00 UTC = 16:00 in Beijing.
const T0: u64 = 1_796_630_400;

fn key(origin: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(origin, [seed; 32]).expect("seed")
}

fn body(origin: &str, seed: u8, all: &[Hash], old: u64, size: usize) -> Vec<u8> {
    let proof = if old == 0 {
        Vec::new()
    } else {
        merkle::consistency_proof(&all[..size], old).expect("proof")
    };
    let cp = Checkpoint::new(origin, size as u64, merkle::root(&all[..size])).expect("cp");
    AddCheckpoint::new(old, proof, checkpoint::sign(&cp, &key(origin, seed)))
        .to_body()
        .into_bytes()
}

async fn get(app: &axum::Router, path: &str) -> (StatusCode, String, String) {
    let response = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("answer");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (
        status,
        content_type,
        String::from_utf8(bytes.to_vec()).expect("utf8"),
    )
}

#[tokio::test]
async fn the_console_lists_every_log_with_its_alerts_and_the_evidence() {
    let dir = tempfile::tempdir().expect("dir");
    let state = SqliteBackend::open(dir.path().join("w.sqlite"))
        .await
        .expect("open");
    let mut logs = TrustedLogs::new();
    for (origin, seed) in [(HEXIE, 1), (QUIET, 2), (NEVER, 3)] {
        logs.add(origin, key(origin, seed).verifier());
    }
    let now = Arc::new(AtomicU64::new(T0));
    let clock = Arc::clone(&now);
    let signer = CosignerSigner::from_seed("jiedao.example/witness", [9; 32]).expect("seed");
    let witness = Arc::new(
        Witness::new(signer, logs, state)
            .with_clock(Arc::new(move || clock.load(Ordering::SeqCst))),
    );
    let all: Vec<Hash> = (0..40u8).map(|i| leaf_hash(&[i])).collect();
    let mut fork = all.clone();
    fork[2] = leaf_hash(b"rewritten");
    witness
        .add_checkpoint(&body(QUIET, 2, &all, 0, 5))
        .await
        .expect("quiet");
    // Two days later the community's log is cosigned, then shows the witness a fork.
    now.store(T0 + 2 * 86_400, Ordering::SeqCst);
    witness
        .add_checkpoint(&body(HEXIE, 1, &all, 0, 20))
        .await
        .expect("hexie");
    assert!(
        witness
            .add_checkpoint(&body(HEXIE, 1, &fork, 20, 20))
            .await
            .is_err()
    );
    let app = http::router(Arc::clone(&witness));

    let (status, content_type, html) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(html.contains(r#"<html lang="zh-CN">"#), "{html}");
    assert!(html.contains("共 3 个账本，2 个需要注意"), "{html}");
    // One row per log, in order, with its size and time (Beijing).
    let row = |origin: &str| {
        let at = html
            .find(&format!(r#"data-origin="{origin}""#))
            .unwrap_or_else(|| panic!("no row for {origin}"));
        let end = html[at..].find("</tr>").expect("row end") + at;
        html[at..end].to_owned()
    };
    let hexie = row(HEXIE);
    assert!(
        hexie.contains(r#"data-size="20" data-alerts="1""#),
        "{hexie}"
    );
    assert!(hexie.contains("2026-12-09 16:00"), "{hexie}");
    assert!(hexie.contains("分叉：同一条数却是另一个根"), "{hexie}");
    assert!(hexie.contains(r#"href="/evidence/1""#), "{hexie}");
    let quiet = row(QUIET);
    assert!(
        quiet.contains(r#"data-size="5" data-alerts="1""#),
        "{quiet}"
    );
    assert!(quiet.contains("超过一天没有请求联署"), "{quiet}");
    let never = row(NEVER);
    assert!(
        never.contains(r#"data-alerts="0""#) && never.contains("尚未联署"),
        "{never}"
    );
    assert!(!html.contains("<script"), "no script");

    let (_, _, english) = get(&app, "/?lang=en").await;
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(
        english.contains("Logs watched: 3; needing attention: 2."),
        "{english}"
    );
    assert!(english.contains("split view: another root at a size it cosigned"));

    // The evidence: the checkpoint it cosigned and the signed request that contradicts it.
    let (status, content_type, evidence) = get(&app, "/evidence/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/plain; charset=utf-8");
    let cosigned = String::from_utf8(body(HEXIE, 1, &all, 0, 20)).expect("utf8");
    let cosigned_note = cosigned.strip_prefix("old 0\n\n").expect("note");
    assert!(evidence.contains(cosigned_note), "{evidence}");
    let forked = String::from_utf8(body(HEXIE, 1, &fork, 20, 20)).expect("utf8");
    assert!(evidence.contains(&forked), "{evidence}");
    assert!(evidence.contains("HTTP 409, root_mismatch"), "{evidence}");
    assert_eq!(get(&app, "/evidence/99").await.0, StatusCode::NOT_FOUND);

    // The overview for Excel: BOM, CRLF, one row per log.
    let (status, content_type, csv) = get(&app, "/overview.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert_eq!(
        csv,
        "\u{feff}账本,已联署条数,联署时间（北京时间）,提醒数,小区,资金余额合计（元）,欠费户数,欠费金额（元）,最近结账,待批支出\r\n\
         gongzhang.example/hexie,20,2026-12-09 16:00,1,,,,,,\r\n\
         gongzhang.example/never,,,0,,,,,,\r\n\
         gongzhang.example/quiet,5,2026-12-07 16:00,1,,,,,,\r\n"
    );
    let (status, content_type, _) = get(&app, "/board.css").await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "text/css; charset=utf-8")
    );
}
