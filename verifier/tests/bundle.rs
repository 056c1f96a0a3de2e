//! Export bundles, receipts, published statements, attachments, the manifest, standard input,
//! the genesis hash as the only trust anchor, and the `--json` report against its schema.

use gongzhang_core::hash::sha256;
use gongzhang_core::ledger::replay_jsonl;
use gongzhang_core::ledger::types::PeriodRange;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas/vectors")
}

fn keys() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(vectors().join("keys.json")).expect("keys.json"))
        .expect("json")
}

fn log_key() -> String {
    keys()["log"]["verifier_key"]
        .as_str()
        .expect("log key")
        .to_string()
}

fn verify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongzhang-verify"))
        .args(args)
        .output()
        .expect("the verifier runs")
}

fn json_of(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON object");
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas/verify-report.schema.json"),
        )
        .expect("schema"),
    )
    .expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{report:#}");
    report
}

/// A bundle as `gongzhang export` writes it: the log, the checkpoint, the published statement
/// of the example's closed period, the invoice scan, and SHA256SUMS over all of them.
struct Bundle {
    dir: PathBuf,
}

impl Bundle {
    fn new(name: &str) -> Bundle {
        let dir = std::env::temp_dir().join(format!(
            "gongzhang-verify-bundle-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("statements")).expect("dir");
        std::fs::create_dir_all(dir.join("attachments")).expect("dir");
        let log = std::fs::read(vectors().join("log.jsonl")).expect("log");
        std::fs::write(dir.join("log.jsonl"), &log).expect("write");
        std::fs::copy(vectors().join("checkpoint"), dir.join("checkpoint")).expect("copy");
        let (_, ledger) = replay_jsonl(&log).expect("the example replays");
        let closed = ledger.last_closed().expect("the example closes a period");
        let first = ledger.first_period().expect("a first period");
        let statement = ledger.statement(PeriodRange {
            from: first,
            to: closed,
        });
        std::fs::write(
            dir.join("statements")
                .join(format!("{first}_{closed}.json")),
            serde_json::to_vec_pretty(&statement).expect("json"),
        )
        .expect("write");
        let scan = b"example invoice scan";
        std::fs::write(
            dir.join("attachments")
                .join(format!("{}.pdf", sha256(scan).to_hex())),
            scan,
        )
        .expect("write");
        let bundle = Bundle { dir };
        bundle.write_manifest();
        bundle
    }

    fn path(&self) -> &str {
        self.dir.to_str().expect("utf-8")
    }

    fn write_manifest(&self) {
        let mut lines = String::new();
        let mut files = Vec::new();
        for sub in ["", "statements", "attachments"] {
            for e in std::fs::read_dir(self.dir.join(sub)).expect("list") {
                let p = e.expect("entry").path();
                if p.is_file() && p.file_name().is_some_and(|n| n != "SHA256SUMS") {
                    files.push(p);
                }
            }
        }
        files.sort();
        for p in files {
            let rel = p.strip_prefix(&self.dir).expect("inside");
            lines.push_str(&format!(
                "{}  {}\n",
                sha256(&std::fs::read(&p).expect("read")).to_hex(),
                rel.display()
            ));
        }
        std::fs::write(self.dir.join("SHA256SUMS"), lines).expect("write");
    }
}

impl Drop for Bundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_whole_bundle_verifies_and_the_json_report_follows_its_schema() {
    let bundle = Bundle::new("whole");
    let out = verify(&[bundle.path(), "--key", &log_key(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json_of(&out);
    assert_eq!(report["verified"], true);
    assert_eq!(report["outcome"], "verified");
    assert_eq!(report["failure"], serde_json::Value::Null);
    assert_eq!(
        report["checks"],
        serde_json::json!([
            "format",
            "chain",
            "signatures",
            "ledger_rules",
            "checkpoint",
            "log_key",
            "statements",
            "attachments",
            "manifest"
        ])
    );
    assert_eq!(report["ledger"]["entries"], 16);
    assert_eq!(
        report["ledger"]["origin"],
        "gongzhang.example/hexie-jiayuan"
    );
    assert_eq!(report["checkpoint"]["size"], 16);
    // Three documents are referenced (a decision, an invoice, audit findings); one is present.
    assert_eq!(
        report["attachments"],
        serde_json::json!({"referenced": 3, "present": 1, "missing": 2, "unreferenced": 0})
    );
    assert_eq!(report["manifest_files"], 4);
    assert_eq!(report["statements"].as_array().map(Vec::len), Some(1));
    // The fund balances in the report are the replayed ledger's, to the fen.
    let (_, ledger) =
        replay_jsonl(&std::fs::read(vectors().join("log.jsonl")).expect("log")).expect("replay");
    for (fund, balance) in ledger.fund_balances() {
        let row = report["ledger"]["funds"]
            .as_array()
            .expect("funds")
            .iter()
            .find(|f| f["fund"] == fund.as_str())
            .expect("fund listed");
        assert_eq!(row["balance_fen"], i64::from(balance), "{fund:?}");
    }

    // The text report says the same in Chinese.
    let out = verify(&[bundle.path(), "--key", &log_key()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("公示报表一致："), "{text}");
    assert!(text.contains("附件：核对一致 1 / 3，缺少 2"), "{text}");
    assert!(text.contains("清单中核对的文件数： 4"), "{text}");
}

#[test]
fn a_published_statement_that_differs_by_one_fen_is_named() {
    let bundle = Bundle::new("statement");
    let folder = bundle.dir.join("statements");
    let file = std::fs::read_dir(&folder)
        .expect("list")
        .next()
        .expect("one statement")
        .expect("entry")
        .path();
    let mut statement: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    let closing = statement["funds"][0]["closing_fen"]
        .as_i64()
        .expect("closing");
    statement["funds"][0]["closing_fen"] = serde_json::json!(closing + 1);
    std::fs::write(&file, serde_json::to_vec(&statement).expect("json")).expect("write");
    bundle.write_manifest();
    let out = verify(&[bundle.path(), "--key", &log_key(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    assert_eq!(report["outcome"], "statement_mismatch");
    assert_eq!(report["failure"]["code"], "statement_differs");
    let message = report["failure"]["message"].as_str().expect("message");
    assert!(
        message.contains("funds[0].closing_fen")
            && message.contains(&format!("公示的是 {}", closing + 1))
            && message.contains(&format!("日志算出的是 {closing}")),
        "{message}"
    );
}

#[test]
fn an_altered_attachment_and_an_altered_bundle_file_are_caught() {
    let bundle = Bundle::new("attachment");
    let scan = bundle
        .dir
        .join("attachments")
        .join(format!("{}.pdf", sha256(b"example invoice scan").to_hex()));
    std::fs::write(&scan, b"example invoice scan, edited").expect("write");
    bundle.write_manifest();
    let out = verify(&[bundle.path(), "--key", &log_key(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    assert_eq!(report["outcome"], "attachment_mismatch");
    assert_eq!(report["failure"]["code"], "attachment_hash_mismatch");

    // A file changed after the manifest was written.
    let bundle = Bundle::new("manifest");
    let statements = bundle.dir.join("statements");
    let file = std::fs::read_dir(&statements)
        .expect("list")
        .next()
        .expect("one")
        .expect("entry")
        .path();
    let mut text = std::fs::read(&file).expect("read");
    text.push(b'\n');
    std::fs::write(&file, text).expect("write");
    let out = verify(&[bundle.path(), "--key", &log_key(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    assert_eq!(report["outcome"], "manifest_mismatch");
    assert_eq!(report["failure"]["code"], "file_changed");
    std::fs::remove_file(&file).expect("remove");
    let out = verify(&[bundle.path(), "--key", &log_key(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["failure"]["code"], "file_missing");
}

#[test]
fn a_receipt_proves_its_entry_and_a_receipt_from_elsewhere_is_refused() {
    let bundle = Bundle::new("receipt");
    let receipt = vectors().join("entry-6.tlog-proof");
    let out = verify(&[
        bundle.path(),
        "--key",
        &log_key(),
        "--receipt",
        receipt.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let report = json_of(&out);
    assert_eq!(report["receipts"][0]["seq"], 6);
    assert_eq!(
        report["receipts"][0]["entry"]["event_type"],
        "payment_received"
    );
    assert!(
        report["checks"]
            .as_array()
            .expect("checks")
            .contains(&serde_json::json!("receipts"))
    );

    // A receipt for an entry the log does not have (the log was cut, or the receipt edited).
    let text = std::fs::read_to_string(&receipt).expect("receipt");
    let mut lines: Vec<&str> = text.lines().collect();
    let index_line = lines
        .iter()
        .position(|l| l.starts_with("index "))
        .expect("index");
    lines[index_line] = "index 40";
    let beyond = bundle.dir.join("beyond.tlog-proof");
    std::fs::write(&beyond, lines.join("\n") + "\n").expect("write");
    let out = verify(&[
        bundle.path(),
        "--key",
        &log_key(),
        "--receipt",
        beyond.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    assert_eq!(report["outcome"], "receipt_rejected");
    assert_eq!(report["failure"]["code"], "receipt_beyond_log");

    // Not a tlog-proof at all: an input error.
    let junk = bundle.dir.join("junk.tlog-proof");
    std::fs::write(&junk, "hello\n").expect("write");
    let out = verify(&[
        bundle.path(),
        "--key",
        &log_key(),
        "--receipt",
        junk.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("junk.tlog-proof"));
}

#[test]
fn the_genesis_hash_alone_is_a_trust_anchor_and_stdin_works() {
    let log = std::fs::read(vectors().join("log.jsonl")).expect("log");
    let (verified, _) = replay_jsonl(&log).expect("replay");
    let genesis = verified.genesis_hash.to_hex();
    let checkpoint = vectors().join("checkpoint");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongzhang-verify"))
        .args([
            "-",
            "--checkpoint",
            checkpoint.to_str().expect("utf-8"),
            "--genesis-hash",
            &genesis,
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&log)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let report = json_of(&out);
    assert_eq!(report["ledger"]["genesis_hash"], genesis.as_str());
    assert!(
        report["checks"]
            .as_array()
            .expect("checks")
            .contains(&serde_json::json!("genesis_hash"))
    );

    // A log key that is not the one the genesis names is refused even though it signed the
    // checkpoint: the genesis pins the log key.
    let other =
        gongzhang_core::note::SignerKey::from_seed(gongzhang_demo::example::ORIGIN, [7; 32])
            .expect("key");
    let dir =
        std::env::temp_dir().join(format!("gongzhang-verify-otherkey-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let cp = gongzhang_core::checkpoint::Checkpoint::new(
        gongzhang_demo::example::ORIGIN,
        verified.tree_head.size,
        verified.tree_head.root,
    )
    .expect("checkpoint");
    let cp_path = dir.join("checkpoint");
    std::fs::write(&cp_path, gongzhang_core::checkpoint::sign(&cp, &other)).expect("write");
    let out = verify(&[
        vectors().join("log.jsonl").to_str().expect("utf-8"),
        "--checkpoint",
        cp_path.to_str().expect("utf-8"),
        "--key",
        &other.verifier().to_string(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    assert_eq!(report["outcome"], "checkpoint_rejected");
    assert_eq!(report["failure"]["code"], "log_key_mismatch");
    // Neither --key nor --genesis-hash: a usage error.
    let out = verify(&[
        vectors().join("log.jsonl").to_str().expect("utf-8"),
        "--checkpoint",
        cp_path.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}
