//! The verifier as a resident runs it: exit codes 0 (verified), 1 (failed), 2 (usage or input).

use std::path::PathBuf;
use std::process::{Command, Output};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas/vectors")
}

fn log_key() -> String {
    let keys: serde_json::Value =
        serde_json::from_slice(&std::fs::read(vectors().join("keys.json")).expect("keys.json"))
            .expect("json");
    keys["log"]["verifier_key"]
        .as_str()
        .expect("log key")
        .to_string()
}

fn run(log: &std::path::Path, key: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongzhang-verify"))
        .arg(log)
        .args([
            "--checkpoint",
            vectors().join("checkpoint").to_str().expect("utf-8 path"),
            "--key",
            key,
        ])
        .args(extra)
        .output()
        .expect("the verifier runs")
}

#[test]
fn the_example_log_verifies_with_exit_code_0() {
    let out = run(&vectors().join("log.jsonl"), &log_key(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("核对通过"), "{stdout}");
    assert!(stdout.contains("条目数： 16"), "{stdout}");
    let out = run(&vectors().join("log.jsonl"), &log_key(), &["--lang", "en"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Verified"));
}

#[test]
fn a_tampered_log_fails_with_exit_code_1_naming_the_entry() {
    let log = std::fs::read_to_string(vectors().join("log.jsonl")).expect("log");
    let tampered = log.replacen("\"amount_fen\":61500", "\"amount_fen\":91500", 1);
    let dir = std::env::temp_dir().join(format!("gongzhang-verify-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("log.jsonl");
    std::fs::write(&path, tampered).expect("write");
    let out = run(&path, &log_key(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("核对失败") && stdout.contains("第 6 条"),
        "{stdout}"
    );
    assert!(stdout.contains("签名对不上"), "{stdout}");
    let out = run(&path, &log_key(), &["--lang", "en"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("entry 6: the signature by key"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_wrong_genesis_hash_fails_and_bad_input_is_exit_code_2() {
    let log = vectors().join("log.jsonl");
    let out = run(&log, &log_key(), &["--genesis-hash", &"ab".repeat(32)]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&log, "not-a-key", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--key"));
    let out = run(&vectors().join("missing.jsonl"), &log_key(), &[]);
    assert_eq!(out.status.code(), Some(2));
}

/// A log whose chain and signatures are perfect but whose entry 9 pays a large expenditure with
/// one committee approval instead of two: only the ledger rules can catch it.
#[test]
fn a_log_that_breaks_a_ledger_rule_fails_with_exit_code_1() {
    use gongzhang_core::checkpoint::{self, Checkpoint};
    use gongzhang_core::entry::{Entry, Event, RecordedAt};
    use gongzhang_core::merkle;
    use gongzhang_demo::{example, vectors as v};

    let mut entries: Vec<Entry> = example::entries().into_iter().take(9).collect();
    let last = entries.last().expect("nine entries");
    let body = serde_json::json!({"proposal": "hexie-0008", "channel": "bank_transfer", "invoice": {"kind": "fapiao", "number": "F-1", "sha256": "ab".repeat(32)}});
    let serde_json::Value::Object(body) = body else {
        unreachable!()
    };
    let event = Event::new("paid-too-early", "expense_paid", body).expect("event");
    let signature = event.sign(example::ORIGIN, &example::signer("treasurer"));
    let at = RecordedAt::from_unix_ms(last.recorded_at().unix_ms() + 60_000).expect("time");
    entries.push(Entry::seal(9, last.hash(), at, event, vec![signature]).expect("entry"));
    let leaves = example::leaves(&entries);
    let cp = Checkpoint::new(example::ORIGIN, leaves.len() as u64, merkle::root(&leaves))
        .expect("checkpoint");
    let dir = std::env::temp_dir().join(format!("gongzhang-verify-rule-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("log.jsonl"), example::jsonl(&entries)).expect("write log");
    std::fs::write(
        dir.join("checkpoint"),
        checkpoint::sign(&cp, &v::log_signer()),
    )
    .expect("write checkpoint");
    let out = Command::new(env!("CARGO_BIN_EXE_gongzhang-verify"))
        .arg(dir.join("log.jsonl"))
        .args([
            "--checkpoint",
            dir.join("checkpoint").to_str().expect("utf-8"),
            "--key",
            &log_key(),
        ])
        .output()
        .expect("the verifier runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("违反了账本规则"), "{stdout}");
    assert!(
        stdout.contains("还需要 2 位业委会委员批准，目前只有 1 位"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn verify_with(extra: &[&str]) -> (Option<i32>, String) {
    let out = run(&vectors().join("log.jsonl"), &log_key(), extra);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Writes a checkpoint of `size` with `root`, signed by the example's real log key.
fn signed_checkpoint_file(name: &str, size: u64, root: gongzhang_core::Hash) -> std::path::PathBuf {
    use gongzhang_core::checkpoint::{self, Checkpoint};
    let cp = Checkpoint::new(gongzhang_demo::example::ORIGIN, size, root).expect("checkpoint");
    let dir = std::env::temp_dir().join(format!("gongzhang-verify-older-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(
        &path,
        checkpoint::sign(&cp, &gongzhang_demo::vectors::log_signer()),
    )
    .expect("write");
    path
}

#[test]
fn an_older_checkpoint_proves_the_log_only_grew_or_catches_a_rewrite() {
    let older = vectors().join("checkpoint.7");
    let (code, stdout) = verify_with(&["--older-checkpoint", older.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("与你以前保存的检查点一致（只增加、没有改写）： 7 · "),
        "{stdout}"
    );
    // A forked history: a size-7 checkpoint the real log key signed over other entries.
    let forked = signed_checkpoint_file("forked.7", 7, gongzhang_core::Hash([9; 32]));
    let (code, stdout) = verify_with(&["--older-checkpoint", forked.to_str().expect("utf-8")]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("账本的历史被改写过") && stdout.contains("条目数 7"),
        "{stdout}"
    );
    // A saved checkpoint larger than the log now: entries were removed.
    let longer = signed_checkpoint_file("longer.40", 40, gongzhang_core::Hash([9; 32]));
    let (code, stdout) = verify_with(&[
        "--older-checkpoint",
        longer.to_str().expect("utf-8"),
        "--lang",
        "en",
    ]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("entries were removed. Saved size: 40"),
        "{stdout}"
    );
}

#[test]
fn an_older_checkpoint_of_size_zero_is_an_input_error() {
    // docs/log-format.md §7: consistency from size 0 is an error, as in transparency-dev/merkle.
    let empty = signed_checkpoint_file("empty.0", 0, gongzhang_core::merkle::root(&[]));
    let out = run(
        &vectors().join("log.jsonl"),
        &log_key(),
        &["--older-checkpoint", empty.to_str().expect("utf-8")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("输入错误: --older-checkpoint 给的检查点条目数为 0"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn witnesses_are_required_and_named() {
    let keys: serde_json::Value =
        serde_json::from_slice(&std::fs::read(vectors().join("keys.json")).expect("keys.json"))
            .expect("json");
    let witness = keys["witness"]["verifier_key"]
        .as_str()
        .expect("witness key")
        .to_string();
    let (code, stdout) = verify_with(&["--witness", &witness]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("见证人联署： witness.gongzhang.example/street-office（2026-02-03 11:00）"),
        "{stdout}"
    );
    // A witness who did not cosign: the policy (all given witnesses) is not met.
    let stranger =
        gongzhang_core::cosignature::CosignerSigner::from_seed("witness.example/resident", [5; 32])
            .expect("signer")
            .verifier()
            .to_string();
    let (code, stdout) = verify_with(&["--witness", &witness, "--witness", &stranger]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("见证人的联署不够或无效"), "{stdout}");
    let (code, stdout) = verify_with(&[
        "--witness",
        &witness,
        "--witness",
        &stranger,
        "--witnesses-required",
        "1",
    ]);
    assert_eq!(code, Some(0), "{stdout}");
}
