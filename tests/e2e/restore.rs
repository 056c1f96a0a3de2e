//! A lost server restored from a published copy, with the real binaries: the demo is served,
//! a few events are recorded (the first with its receipt), the log and checkpoint are
//! downloaded as a resident would (the `curl` lines the demo prints), the server is stopped and
//! its database deleted, `gongzhang restore` rebuilds it from the download, and the `gongzhang
//! serve` command it prints serves the same log: same size, same root and checkpoint, the
//! receipt saved before the loss verifies against it with `gongzhang-verify tlog-proof`, and a
//! new append takes the next position. On PostgreSQL the first server is itself restored from
//! the demo's export bundle (attachments included). A downloaded log changed after publication
//! is refused, naming the entry, and leaves the database without the ledger.

use crate::support::{Demo, Server, ok, run, verifier};
use gongzhang_core::checkpoint::Checkpoint;
use gongzhang_core::entry::Entry;
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::note;
use std::path::Path;
use std::time::Duration;

const ORIGIN: &str = "gongzhang.example/xingfuli";
const LEDGER: &str = "gongzhang.example%2Fxingfuli";
/// The demo's log key file, inside the test's directory.
const LOG_KEY: &str = "demo/demo-log.key";
/// Where the resident saves the download (the demo's `curl` lines).
const LOG_FILE: &str = "xingfuli.jsonl";
const CHECKPOINT_FILE: &str = "xingfuli.checkpoint";
/// The receipt kept from the first payment.
const RECEIPT: &str = "receipt.tlog-proof";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn get(url: &str) -> Vec<u8> {
    agent()
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .into_body()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// What the demo printed that the scenario uses.
struct Printed {
    /// The log key (the verifier key string on the notice board).
    key: String,
    /// The demo treasurer's key file and a unit, from the printed `record` command.
    treasurer_key: String,
    unit: String,
}

impl Printed {
    fn read(lines: &[String]) -> Printed {
        let mut key = None;
        let mut record = None;
        for line in lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let Some(at) = words.iter().position(|w| *w == "gongzhang-verify") {
                let rest = &words[at..];
                key = rest
                    .iter()
                    .position(|w| *w == "--key")
                    .and_then(|i| rest.get(i + 1))
                    .map(ToString::to_string);
            }
            if words.contains(&"record") {
                let arg = |name: &str| {
                    words
                        .iter()
                        .position(|w| *w == name)
                        .and_then(|i| words.get(i + 1))
                        .map(ToString::to_string)
                };
                record = Some((arg("--key"), arg("--unit")));
            }
        }
        let all = || lines.join("\n");
        let (treasurer_key, unit) = record.unwrap_or_else(|| panic!("no record line:\n{}", all()));
        Printed {
            key: key.unwrap_or_else(|| panic!("no verify line:\n{}", all())),
            treasurer_key: treasurer_key.unwrap_or_else(|| panic!("no --key:\n{}", all())),
            unit: unit.unwrap_or_else(|| panic!("no --unit:\n{}", all())),
        }
    }
}

/// Records a payment through the server at `base`; returns the entry's seq from the receipt.
fn pay(dir: &Path, base: &str, printed: &Printed, id: &str, receipt: Option<&str>) -> u64 {
    let mut args = vec![
        "record",
        "--server",
        base,
        "--key",
        &printed.treasurer_key,
        "--id",
        id,
        "payment",
        "--unit",
        &printed.unit,
        "--amount",
        "100.00",
        "--channel",
        "wechat",
    ];
    if let Some(file) = receipt {
        args.extend(["--proof", file]);
    }
    let out = ok(dir, &args);
    // `✔ 已记入账本：第 N 条（事件编号 …）`
    out.split("第 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no seq in:\n{out}"))
}

/// The tree head a checkpoint file states.
fn head_of(note_text: &str) -> TreeHead {
    let (text, _) = note::parse(note_text).expect("a signed note");
    Checkpoint::parse(text).expect("a checkpoint").tree_head()
}

/// Downloads the log and the checkpoint as the demo's `curl` lines do; returns the checkpoint.
fn download(dir: &Path, base: &str) -> String {
    let ledger = format!("{base}/api/v1/ledgers/{LEDGER}");
    std::fs::write(dir.join(LOG_FILE), get(&format!("{ledger}/log"))).expect("write the log");
    let checkpoint = get(&format!("{ledger}/checkpoint"));
    std::fs::write(dir.join(CHECKPOINT_FILE), &checkpoint).expect("write the checkpoint");
    String::from_utf8(checkpoint).expect("UTF-8")
}

/// The arguments after `gongzhang serve` in the command `restore` printed.
fn serve_args(restored: &str) -> Vec<String> {
    let line = restored
        .lines()
        .find_map(|l| l.trim().strip_prefix("gongzhang serve "))
        .unwrap_or_else(|| panic!("no serve command in:\n{restored}"));
    line.split_whitespace()
        .map(|w| w.trim_matches('\'').to_string())
        .collect()
}

/// Runs `gongzhang restore args…` and checks what it says it restored; returns the arguments
/// of the `gongzhang serve` command it printed, and all it printed.
fn restore(dir: &Path, args: &[&str], head: TreeHead) -> (Vec<String>, String) {
    let mut argv = vec!["restore"];
    argv.extend_from_slice(args);
    argv.extend(["--log-key", LOG_KEY, "--no-progress"]);
    let out = ok(dir, &argv);
    assert!(out.contains(&format!("已恢复账本： {ORIGIN}")), "{out}");
    assert!(out.contains(&format!("条目数 {}\n", head.size)), "{out}");
    assert!(
        out.contains(&format!("检查点指纹 {}\n", head.fingerprint())),
        "{out}"
    );
    assert!(
        out.contains(&format!("检查点根哈希 {}\n", head.root)),
        "{out}"
    );
    (serve_args(&out), out)
}

/// The restored server serves exactly the downloaded log: the same checkpoint (size, root,
/// signature), the receipt kept from before the loss verifies against its entry, and a new
/// payment becomes entry `size`, growing the log by exactly one.
fn check_restored(dir: &Path, server: &Server, printed: &Printed, checkpoint: &str, seq: u64) {
    let ledger = format!("{}/api/v1/ledgers/{LEDGER}", server.base);
    let served = String::from_utf8(get(&format!("{ledger}/checkpoint"))).expect("UTF-8");
    assert_eq!(served, checkpoint, "the restored server signs nothing new");
    let head = head_of(checkpoint);
    let info: serde_json::Value = serde_json::from_slice(&get(&ledger)).expect("the ledger's JSON");
    assert_eq!(info["size"], head.size);
    assert!(
        get(&format!("{ledger}/log")) == std::fs::read(dir.join(LOG_FILE)).expect("log"),
        "the served log is the download, byte for byte"
    );

    let leaf = get(&format!("{ledger}/entries/{seq}"));
    assert_eq!(
        Entry::parse(&leaf).expect("an entry").seq(),
        seq,
        "the receipt's entry"
    );
    std::fs::write(dir.join("leaf.json"), &leaf).expect("write the leaf");
    let out = verifier()
        .current_dir(dir)
        .args([
            "tlog-proof",
            "--key",
            &printed.key,
            "--origin",
            ORIGIN,
            "--leaf",
            "leaf.json",
            RECEIPT,
        ])
        .output()
        .expect("running gongzhang-verify tlog-proof");
    assert_eq!(
        out.status.code(),
        Some(0),
        "the receipt kept from before the loss verifies:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let next = pay(dir, &server.base, printed, "after-restore", None);
    assert_eq!(next, head.size, "the new entry follows the restored log");
    let grown = String::from_utf8(get(&format!("{ledger}/checkpoint"))).expect("UTF-8");
    assert_eq!(head_of(&grown).size, head.size + 1);
}

/// Changes the amount of the entry at `seq` in the downloaded log (its signature then fails).
fn tamper(dir: &Path, seq: u64) -> &'static str {
    let log = std::fs::read_to_string(dir.join(LOG_FILE)).expect("log");
    let line = log
        .lines()
        .nth(usize::try_from(seq).expect("small"))
        .expect("the line");
    let changed = line.replacen("\"amount_fen\":10000", "\"amount_fen\":1000", 1);
    assert_ne!(changed, line, "the payment's amount is in the line");
    std::fs::write(dir.join("tampered.jsonl"), log.replacen(line, &changed, 1)).expect("write");
    "tampered.jsonl"
}

/// The demo served, a few events recorded, the download, and the demo stopped: returns what it
/// printed, the downloaded checkpoint and the receipt's seq.
fn serve_record_download(dir: &Path) -> (Printed, String, u64) {
    let mut demo = Demo::start(dir, &[]);
    let printed = Printed::read(&demo.lines);
    let seq = pay(dir, &demo.base, &printed, "before-loss-1", Some(RECEIPT));
    pay(dir, &demo.base, &printed, "before-loss-2", None);
    pay(dir, &demo.base, &printed, "before-loss-3", None);
    let checkpoint = download(dir, &demo.base);
    assert!(demo.stop(), "the demo stops gracefully");
    (printed, checkpoint, seq)
}

/// The round trip on SQLite, and the refusal of a tampered download.
pub fn on_sqlite(dir: &Path) {
    let (printed, checkpoint, seq) = serve_record_download(dir);
    let head = head_of(&checkpoint);
    // The server is lost: its database is gone.
    for file in ["demo.sqlite", "demo.sqlite-wal", "demo.sqlite-shm"] {
        let _ = std::fs::remove_file(dir.join("demo").join(file));
    }
    assert!(!dir.join("demo/demo.sqlite").exists());

    // A copy changed after publication is refused, naming the entry.
    let tampered = tamper(dir, seq);
    let out = run(
        dir,
        &[
            "restore",
            "--log",
            tampered,
            "--checkpoint",
            CHECKPOINT_FILE,
            "--log-key",
            LOG_KEY,
            "--database",
            "demo/demo.sqlite",
            "--no-progress",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("第 {seq} 条记录上")) && stderr.contains("签名对不上"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "restore refused, nothing written: entry {seq}: the signature"
        )),
        "{stderr}"
    );

    // The download restores — into the same database, which the refusal left without the
    // ledger (a database holding it would be refused).
    let (args, _) = restore(
        dir,
        &[
            "--log",
            LOG_FILE,
            "--checkpoint",
            CHECKPOINT_FILE,
            "--database",
            "demo/demo.sqlite",
        ],
        head,
    );
    assert_eq!(
        args,
        ["--database", "demo/demo.sqlite", "--log-key", LOG_KEY],
        "the printed serve command"
    );
    let again = run(
        dir,
        &[
            "restore",
            "--log",
            LOG_FILE,
            "--checkpoint",
            CHECKPOINT_FILE,
            "--log-key",
            LOG_KEY,
            "--database",
            "demo/demo.sqlite",
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("数据库里已经有账本"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = Server::start(dir, &args);
    check_restored(dir, &server, &printed, &checkpoint, seq);
    assert!(server.stop(), "the restored server stops gracefully");
}

/// The round trip on PostgreSQL: the first server's database is restored from the demo's
/// export bundle (with its attachments), then lost and restored from a resident's download.
pub fn on_postgres(dir: &Path, url: &str, admin_url: &str) {
    let mut demo = Demo::start(dir, &[]);
    let printed = Printed::read(&demo.lines);
    ok(
        dir,
        &[
            "export",
            "--database",
            "demo/demo.sqlite",
            "--out",
            "bundle",
        ],
    );
    assert!(demo.stop(), "the demo stops gracefully");
    let bundle_checkpoint = std::fs::read_to_string(dir.join("bundle/checkpoint")).expect("cp");
    // A bundle changed after export is refused before anything is written.
    let keys = dir.join("bundle/keys.txt");
    let original = std::fs::read(&keys).expect("keys.txt");
    std::fs::write(&keys, [original.as_slice(), b" "].concat()).expect("change keys.txt");
    let refused = run(
        dir,
        &["restore", "bundle", "--log-key", LOG_KEY, "--database", url],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("导出包里的 keys.txt 在导出之后被改动过"),
        "{stderr}"
    );
    std::fs::write(&keys, original).expect("put keys.txt back");
    let (args, out) = restore(
        dir,
        &["bundle", "--database", url],
        head_of(&bundle_checkpoint),
    );
    let attachments: Vec<_> = std::fs::read_dir(dir.join("bundle/attachments"))
        .expect("attachments")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    assert!(!attachments.is_empty(), "the demo names documents");
    assert!(
        out.contains(&format!("附件：已存入 {}  缺少 0\n", attachments.len())),
        "{out}"
    );

    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = Server::start(dir, &args);
    // Every attachment came along, byte for byte.
    for name in &attachments {
        let hash = name.split('.').next().expect("a hash");
        let served = get(&format!("{}/api/v1/attachments/{hash}", server.base));
        let file = std::fs::read(dir.join("bundle/attachments").join(name)).expect("read");
        assert!(served == file, "attachment {name}");
    }
    let seq = pay(dir, &server.base, &printed, "before-loss-1", Some(RECEIPT));
    pay(dir, &server.base, &printed, "before-loss-2", None);
    let checkpoint = download(dir, &server.base);
    assert!(server.stop(), "the server stops gracefully");

    // The server is lost: its database is dropped and an empty one made in its place.
    let name = url
        .split('?')
        .next()
        .and_then(|base| base.rsplit_once('/'))
        .map(|(_, name)| name.to_string())
        .expect("a database name");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        use sqlx::Connection as _;
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("connect as the administrator");
        for statement in [
            format!("DROP DATABASE {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(&statement)
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
    });

    let (args, _) = restore(
        dir,
        &[
            "--log",
            LOG_FILE,
            "--checkpoint",
            CHECKPOINT_FILE,
            "--database",
            url,
        ],
        head_of(&checkpoint),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = Server::start(dir, &args);
    check_restored(dir, &server, &printed, &checkpoint, seq);
    assert!(server.stop(), "the restored server stops gracefully");
}
