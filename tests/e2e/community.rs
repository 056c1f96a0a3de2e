//! One community's first month, end to end, on a given database: keys made with `keygen`, the
//! ledger opened with `init`, `serve` on a free loopback port, events recorded through the
//! command line and through the HTTP API, bad requests refused with their documented status
//! and nothing appended, a graceful stop that answers the append in flight, a record straight
//! into the database, then `export` and the standalone verifier on the bundle — which passes,
//! and fails once a byte of it is changed.

use crate::support::{Server, ok, run, verifier};
use gongzhang_core::checkpoint::Checkpoint;
use gongzhang_core::cosignature::{CosignerSigner, cosign};
use gongzhang_core::entry::Event;
use gongzhang_core::keys::AuthorSigner;
use gongzhang_core::note::SignerKey;
use gongzhang_core::submission::SignedEvent;
use serde_json::{Value, json};
use std::path::Path;
use time::{Duration as TimeDuration, OffsetDateTime};

const ORIGIN: &str = "gongzhang.example/e2e-garden";
const LEDGER: &str = "gongzhang.example%2Fe2e-garden";

/// The month before this one, in Beijing time: the ledger's first month, so that it has ended
/// and can be closed.
fn last_month() -> String {
    let now = OffsetDateTime::now_utc() + TimeDuration::hours(8);
    let (year, month) = match u8::from(now.month()) {
        1 => (now.year() - 1, 12),
        m => (now.year(), m - 1),
    };
    format!("{year:04}-{month:02}")
}

fn key(dir: &Path, name: &str) -> SignerKey {
    let text = std::fs::read_to_string(dir.join(format!("{name}.key")))
        .unwrap_or_else(|e| panic!("reading {name}.key: {e}"));
    SignerKey::parse(text.trim_end()).unwrap_or_else(|e| panic!("{name}.key: {e}"))
}

struct Http {
    agent: ureq::Agent,
    base: String,
}

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Http {
    fn new(base: &str) -> Http {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(60)))
            .build();
        Http {
            agent: config.into(),
            base: base.to_string(),
        }
    }

    fn answer(response: ureq::http::Response<ureq::Body>) -> Answer {
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .expect("body");
        Answer { status, body }
    }

    fn get(&self, path: &str) -> Answer {
        let url = format!("{}{path}", self.base);
        Http::answer(
            self.agent
                .get(&url)
                .call()
                .unwrap_or_else(|e| panic!("GET {url}: {e}")),
        )
    }

    fn post(&self, path: &str, body: &[u8]) -> Answer {
        let url = format!("{}{path}", self.base);
        Http::answer(
            self.agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body)
                .unwrap_or_else(|e| panic!("POST {url}: {e}")),
        )
    }

    fn size(&self) -> u64 {
        self.get(&format!("/api/v1/ledgers/{LEDGER}")).json()["size"]
            .as_u64()
            .expect("size")
    }
}

fn payment(id: &str, unit: &str, amount_fen: i64) -> Event {
    let Value::Object(body) =
        json!({"unit": unit, "amount_fen": amount_fen, "channel": "bank_transfer"})
    else {
        unreachable!()
    };
    Event::new(id, "payment_received", body).expect("event")
}

/// The whole scenario on `database` (a SQLite file name inside `dir`, or a `postgres://` URL).
pub fn first_month(dir: &Path, database: &str) {
    let month = last_month();
    for name in ["wang", "li", "zhao", "treasurer", "auditor"] {
        ok(dir, &["keygen", "--name", name]);
    }
    let treasurer = key(dir, "treasurer");
    let auditor = key(dir, "auditor");
    let db = ["--database", database];
    let out = ok(
        dir,
        &[
            &["init"][..],
            &db[..],
            &[
                "--origin",
                ORIGIN,
                "--community",
                "端到端花园小区",
                "--committee-key",
                "wang.key",
                "--committee-key",
                "li.key",
                "--committee-key",
                "zhao.key",
                "--treasurer",
                &treasurer.verifier().to_string(),
                "--auditor",
                &auditor.author_signer().public_key().to_hex(),
                "--approval-threshold",
                "500.00",
                "--approvals-required",
                "2",
                "--first-period",
                &month,
                "--opening",
                "operating=1,000.00",
                "--log-key",
                "log.key",
            ],
        ]
        .concat(),
    );
    assert!(out.contains("账本已建立"), "{out}");
    let log_key = key(dir, "log");
    assert_eq!(log_key.name(), ORIGIN);

    let witness = CosignerSigner::from_seed("street-office.example/e2e", [5; 32]).expect("witness");
    let mut server = Server::start(
        dir,
        &[
            &db[..],
            &[
                "--log-key",
                "log.key",
                "--witness",
                &witness.verifier().to_string(),
            ],
        ]
        .concat(),
    );
    let http = Http::new(&server.base);
    let remote = ["--server", server.base.as_str()];
    let record = |keys: &[&str], args: &[&str]| -> String {
        let mut argv: Vec<&str> = vec!["record"];
        argv.extend_from_slice(&remote);
        for k in keys {
            argv.extend_from_slice(&["--key", k]);
        }
        argv.extend_from_slice(args);
        ok(dir, &argv)
    };

    // The treasurer registers the units; the committee records the owners' vote and the fee
    // schedule it adopted; the month is charged from the schedule.
    for (unit, area) in [
        ("1-1-101", "85.23"),
        ("1-1-102", "90.00"),
        ("3-2-401", "102.50"),
    ] {
        record(
            &["treasurer.key"],
            &["household", "--unit", unit, "--area", area],
        );
    }
    std::fs::write(
        dir.join("minutes.pdf"),
        "%PDF-1.7 业主大会表决结果：同意收费标准",
    )
    .expect("minutes");
    record(
        &["wang.key", "li.key"],
        &[
            "--id",
            "decision-fees",
            "decision",
            "--matter",
            "fee_schedule",
            "--title",
            "2026 年收费标准",
            "--total-owners",
            "3",
            "--participating-area",
            "277.73",
            "--participating-owners",
            "3",
            "--yes-area",
            "187.73",
            "--yes-owners",
            "2",
            "--minutes",
            "minutes.pdf",
        ],
    );
    record(
        &["wang.key", "li.key"],
        &[
            "fee-schedule",
            "--item",
            "property_fee:物业费:per_m2:0.50",
            "--item",
            "garbage_fee:垃圾清运费:per_household:10.00",
            "--from",
            &month,
            "--decision",
            "decision-fees",
        ],
    );
    record(&["treasurer.key"], &["charges", "--period", &month]);
    // 3-2-401 pays and keeps the receipt with its inclusion proof.
    let out = record(
        &["treasurer.key"],
        &[
            "--id",
            "pay-3-2-401",
            "--proof",
            "receipt.tlog-proof",
            "payment",
            "--unit",
            "3-2-401",
            "--amount",
            "61.25",
            "--channel",
            "微信",
        ],
    );
    assert!(out.contains("已记入账本"), "{out}");
    // A mistaken payment, reversed.
    record(
        &["treasurer.key"],
        &[
            "--id",
            "pay-typo",
            "payment",
            "--unit",
            "1-1-101",
            "--amount",
            "4262",
            "--channel",
            "cash",
        ],
    );
    record(
        &["treasurer.key"],
        &["reverse", "--event", "pay-typo", "--reason", "金额记错"],
    );
    // A large expenditure: proposed, approved by two members, paid with its invoice scan.
    record(
        &["treasurer.key"],
        &[
            "--id",
            "exp-cleaning",
            "expense",
            "--payee",
            "洁美保洁公司",
            "--category",
            "cleaning",
            "--amount",
            "600.00",
            "--description",
            "十一月保洁",
        ],
    );
    let early = run(
        dir,
        &[
            "record",
            remote[0],
            remote[1],
            "--key",
            "treasurer.key",
            "pay",
            "--proposal",
            "exp-cleaning",
            "--channel",
            "bank",
            "--invoice",
            "none",
        ],
    );
    assert!(
        !early.status.success(),
        "a large expenditure was paid without approvals"
    );
    record(&["wang.key"], &["approve", "--proposal", "exp-cleaning"]);
    // The second approval is signed on another computer: saved, then submitted.
    record(
        &["li.key"],
        &[
            "--id",
            "approve-li",
            "--out",
            "approve-li.json",
            "approve",
            "--proposal",
            "exp-cleaning",
        ],
    );
    ok(dir, &["submit", "approve-li.json", remote[0], remote[1]]);
    std::fs::write(dir.join("invoice.pdf"), b"%PDF-1.4 fapiao 12345678").expect("invoice");
    record(
        &["treasurer.key"],
        &[
            "pay",
            "--proposal",
            "exp-cleaning",
            "--channel",
            "bank",
            "--invoice",
            "发票",
            "--number",
            "12345678",
            "--invoice-file",
            "invoice.pdf",
        ],
    );

    // Through the API: a batch from the treasurer's own program.
    let t: AuthorSigner = treasurer.author_signer();
    let batch = json!({"events": [
        SignedEvent::sign(payment("api-pay-1", "1-1-102", 5_500), ORIGIN, &[&t]).to_value(),
        SignedEvent::sign(payment("api-pay-2", "1-1-101", 5_262), ORIGIN, &[&t]).to_value(),
    ]});
    let answer = http.post(
        &format!("/api/v1/ledgers/{LEDGER}/events/batch"),
        batch.to_string().as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["receipts"][1]["event_id"], "api-pay-2");

    // Every kind of bad request: its status and problem type, and nothing appended.
    let size = http.size();
    let events = format!("/api/v1/ledgers/{LEDGER}/events");
    let auditor_signer = auditor.author_signer();
    let bad: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "malformed",
            b"{\"event\":".to_vec(),
            400,
            "urn:gongzhang:problem:malformed-request",
        ),
        (
            "signed for another ledger",
            SignedEvent::sign(
                payment("bad-1", "1-1-101", 100),
                "gongzhang.example/other",
                &[&t],
            )
            .to_bytes(),
            403,
            "urn:gongzhang:problem:bad-signature",
        ),
        (
            "not the treasurer",
            SignedEvent::sign(payment("bad-2", "1-1-101", 100), ORIGIN, &[&auditor_signer])
                .to_bytes(),
            403,
            "urn:gongzhang:problem:unauthorised-key",
        ),
        (
            "a reused id",
            SignedEvent::sign(payment("pay-3-2-401", "3-2-401", 1), ORIGIN, &[&t]).to_bytes(),
            409,
            "urn:gongzhang:problem:idempotency-conflict",
        ),
        (
            "an unknown unit",
            SignedEvent::sign(payment("bad-3", "9-9-999", 100), ORIGIN, &[&t]).to_bytes(),
            422,
            "urn:gongzhang:problem:rule-violation",
        ),
        (
            "too large",
            vec![b' '; 200_000],
            413,
            "urn:gongzhang:problem:too-large",
        ),
    ];
    for (what, body, status, kind) in bad {
        let answer = http.post(&events, &body);
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        assert_eq!(answer.json()["type"], kind, "{what}");
        assert_eq!(http.size(), size, "{what} appended something");
    }
    // The same submission again gets its original receipt.
    let again = http.post(
        &events,
        &SignedEvent::sign(payment("api-pay-1", "1-1-102", 5_500), ORIGIN, &[&t]).to_bytes(),
    );
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(http.size(), size);

    // The street office witnesses the checkpoint.
    let note = http
        .get(&format!("/api/v1/ledgers/{LEDGER}/checkpoint"))
        .body;
    let checkpoint = Checkpoint::parse(
        note.split("\n\n")
            .next()
            .map(|b| format!("{b}\n"))
            .as_deref()
            .unwrap_or(""),
    )
    .expect("checkpoint text");
    let line = cosign(&checkpoint, &witness, 1_764_700_000).expect("cosign");
    let answer = http.post(
        &format!("/api/v1/ledgers/{LEDGER}/checkpoint/cosignatures"),
        json!({"size": checkpoint.size(), "cosignature": line.to_line()})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);

    // A stop while an append is in flight: the append is answered, the server exits 0.
    // The batch is signed before the clock starts, so that the 30 ms are the request's alone
    // (signing 200 events in a debug build on a busy machine took longer, and the stop came
    // before the request).
    let pending = {
        let base = server.base.clone();
        let t = treasurer.author_signer();
        let events: Vec<Value> = (0..200)
            .map(|i| {
                SignedEvent::sign(payment(&format!("late-{i}"), "1-1-102", 1), ORIGIN, &[&t])
                    .to_value()
            })
            .collect();
        let body = json!({"events": events}).to_string();
        std::thread::spawn(move || {
            Http::new(&base).post(
                &format!("/api/v1/ledgers/{LEDGER}/events/batch"),
                body.as_bytes(),
            )
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(30));
    assert!(server.stop(), "the server did not stop gracefully");
    let late = pending.join().expect("the late batch's thread");
    assert_eq!(
        late.status, 200,
        "the append in flight was not answered: {}",
        late.body
    );

    // With the server stopped, the treasurer closes the month straight into the database.
    let out = ok(
        dir,
        &[
            &["record"][..],
            &db[..],
            &[
                "--log-key",
                "log.key",
                "--key",
                "treasurer.key",
                "close",
                "--period",
                &month,
            ],
        ]
        .concat(),
    );
    assert!(out.contains("已记入账本"), "{out}");

    // The export bundle verifies with the key from the notice board, receipt and witness too.
    ok(
        dir,
        &[&["export"][..], &db[..], &["--out", "bundle"]].concat(),
    );
    let check = |bundle: &str| {
        verifier()
            .current_dir(dir)
            .args([
                bundle,
                "--key",
                &log_key.verifier().to_string(),
                "--receipt",
                "receipt.tlog-proof",
                "--json",
                "--no-progress",
            ])
            .output()
            .expect("running gongzhang-verify")
    };
    let passed = check("bundle");
    assert_eq!(
        passed.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&passed.stdout),
        String::from_utf8_lossy(&passed.stderr)
    );
    let report: Value = serde_json::from_slice(&passed.stdout).expect("JSON report");
    assert_eq!(report["verified"], true);
    // Everything recorded: up to the bad requests, the 200 late events and the close.
    assert_eq!(
        report["checkpoint"]["size"],
        size + 200 + 1,
        "the bundle holds every entry"
    );
    assert_eq!(report["receipts"].as_array().map(Vec::len), Some(1));
    // The minutes and the invoice scan, uploaded by `record`, exported and checked.
    assert_eq!(
        (
            &report["attachments"]["referenced"],
            &report["attachments"]["present"],
            &report["attachments"]["missing"]
        ),
        (&json!(2), &json!(2), &json!(0)),
        "{}",
        report["attachments"]
    );

    // One byte changed in the bundle's log: exit 1.
    copy_dir(&dir.join("bundle"), &dir.join("tampered"));
    let log = dir.join("tampered/log.jsonl");
    let mut bytes = std::fs::read(&log).expect("log");
    // A digit of 3-2-401's payment of 61.25 yuan becomes another digit.
    let at = bytes
        .windows(b"\"amount_fen\":6125,".len())
        .position(|w| w == b"\"amount_fen\":6125,")
        .expect("the payment is in the log")
        + b"\"amount_fen\":".len();
    bytes[at] = b'9';
    std::fs::write(&log, bytes).expect("write");
    let failed = check("tampered");
    assert_eq!(
        failed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&failed.stdout)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
