//! The street office's and the residents' committee's witnesses, with the real binaries: two
//! `gongzhang witness` processes, a `gongzhang serve` that asks both for cosignatures, appends
//! through the command line, and `gongzhang-verify --witnesses-required 2` on the downloaded log
//! and on a payer's receipt.

use super::support::{Server, WitnessProcess, ok, verifier};
use gongzhang_core::cosignature::{CosignerKey, verify_cosignatures};
use gongzhang_core::note::SignerKey;
use std::path::Path;
use std::time::{Duration, Instant};

const ORIGIN: &str = "gongzhang.example/witnessed";

fn key(dir: &Path, name: &str) -> SignerKey {
    let text = std::fs::read_to_string(dir.join(format!("{name}.key")))
        .unwrap_or_else(|e| panic!("reading {name}.key: {e}"));
    SignerKey::parse(text.trim_end()).unwrap_or_else(|e| panic!("{name}.key: {e}"))
}

/// Makes a witness key with `gongzhang keygen --witness`: its verifier key line, as printed.
fn witness_key(dir: &Path, name: &str, file: &str) -> CosignerKey {
    let out = ok(dir, &["keygen", "--witness", "--name", name, "--out", file]);
    let line = out
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&format!("{name}+")))
        .unwrap_or_else(|| panic!("no key line in {out}"));
    CosignerKey::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .read_to_string()
        .unwrap_or_else(|e| panic!("reading {url}: {e}"));
    (status, body)
}

pub fn two_witnesses_cosign(dir: &Path) {
    for name in ["wang", "li", "treasurer", "auditor"] {
        ok(dir, &["keygen", "--name", name]);
    }
    let treasurer = key(dir, "treasurer");
    let auditor = key(dir, "auditor");
    ok(
        dir,
        &[
            "init",
            "--database",
            "ledger.sqlite",
            "--origin",
            ORIGIN,
            "--community",
            "见证花园",
            "--committee-key",
            "wang.key",
            "--committee-key",
            "li.key",
            "--treasurer",
            &treasurer.verifier().to_string(),
            "--auditor",
            &auditor.author_signer().public_key().to_hex(),
            "--approval-threshold",
            "500.00",
            "--approvals-required",
            "2",
            "--first-period",
            "2026-11",
            "--log-key",
            "log.key",
        ],
    );
    let log_vkey = key(dir, "log").verifier().to_string();
    let street = witness_key(dir, "jiedao.example/witness", "street.key");
    let committee = witness_key(dir, "juweihui.example/witness", "committee.key");
    let mut witnesses: Vec<WitnessProcess> = [
        ("street.key", "street.sqlite"),
        ("committee.key", "committee.sqlite"),
    ]
    .iter()
    .map(|(k, state)| {
        WitnessProcess::start(dir, &["--key", k, "--state", state, "--log", &log_vkey])
    })
    .collect();
    let mut server = Server::start(
        dir,
        &[
            "--database",
            "ledger.sqlite",
            "--log-key",
            "log.key",
            "--witness",
            &street.to_string(),
            "--witness-url",
            &witnesses[0].url,
            "--witness",
            &committee.to_string(),
            "--witness-url",
            &witnesses[1].url,
        ],
    );
    let remote = ["--server", server.base.as_str()];
    ok(
        dir,
        &[
            &["record"][..],
            &remote,
            &[
                "--key",
                "treasurer.key",
                "household",
                "--unit",
                "1-1-101",
                "--area",
                "80.00",
            ],
        ]
        .concat(),
    );
    ok(
        dir,
        &[
            &["record"][..],
            &remote,
            &[
                "--key",
                "treasurer.key",
                "income",
                "--fund",
                "public_revenue",
                "--category",
                "advertising",
                "--payer",
                "某广告公司",
                "--amount",
                "12.00",
                "--channel",
                "bank",
            ],
        ]
        .concat(),
    );

    // Both witnesses' cosignatures arrive on the latest checkpoint, which the API serves.
    let segment = gongzhang_server::ledger_segment(ORIGIN);
    let api = format!("{}/api/v1/ledgers/{segment}", server.base);
    let keys = [street.clone(), committee.clone()];
    let started = Instant::now();
    let checkpoint = loop {
        let (status, note) = get(&format!("{api}/checkpoint"));
        assert_eq!(status, 200, "{note}");
        if verify_cosignatures(&note, &keys).is_ok_and(|v| v.len() == 2) {
            break note;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "not cosigned by both witnesses within 40 s: {note}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let size: u64 = checkpoint
        .lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .expect("size line");
    assert_eq!(size, 3, "genesis, household, income");
    std::fs::write(dir.join("checkpoint"), &checkpoint).expect("write");
    let (status, log) = get(&format!("{api}/log"));
    assert_eq!(status, 200);
    std::fs::write(dir.join("log.jsonl"), log).expect("write");
    // A receipt asked for without a size is made at the checkpoint both witnesses cosigned.
    let (status, receipt) = get(&format!("{api}/entries/2/tlog-proof"));
    assert_eq!(status, 200, "{receipt}");
    std::fs::write(dir.join("cosigned.tlog-proof"), receipt).expect("write");

    let verify = |extra: &[&str]| {
        verifier()
            .current_dir(dir)
            .args([
                "log.jsonl",
                "--key",
                &log_vkey,
                "--checkpoint",
                "checkpoint",
            ])
            .args([
                "--witness",
                &street.to_string(),
                "--witness",
                &committee.to_string(),
            ])
            .args(extra)
            .output()
            .expect("gongzhang-verify runs")
    };
    let out = verify(&[
        "--witnesses-required",
        "2",
        "--receipt",
        "cosigned.tlog-proof",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A third witness nobody asked cannot be counted.
    let stranger = witness_key(dir, "stranger.example/witness", "stranger.key");
    let out = verifier()
        .current_dir(dir)
        .args([
            "log.jsonl",
            "--key",
            &log_vkey,
            "--checkpoint",
            "checkpoint",
        ])
        .args([
            "--witness",
            &street.to_string(),
            "--witness",
            &stranger.to_string(),
        ])
        .args(["--witnesses-required", "2"])
        .output()
        .expect("gongzhang-verify runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    assert!(server.stop(), "the server stops gracefully");
    for w in &mut witnesses {
        assert!(w.stop(), "a witness stops gracefully");
    }
}
