//! Helpers for tests that tamper with the demo community's log and run the verifier on it.

use gongzhang_core::Hash;
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::entry::{AuthorSignature, Entry, Event, RecordedAt};
use gongzhang_core::keys::{AuthorSigner, PublicKey};
use gongzhang_core::merkle;
use gongzhang_demo::community::{self as demo, Demo};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The demo community (seed 1), generated once for the whole test binary.
pub fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| demo::community(1))
}

/// The demo's log bytes, as published.
pub fn demo_log() -> &'static [u8] {
    static LOG: OnceLock<Vec<u8>> = OnceLock::new();
    LOG.get_or_init(|| demo().jsonl())
}

/// The demo log key's verifier string, as printed on the notice board.
pub fn log_key() -> String {
    demo::log_signer().verifier().to_string()
}

/// The author signer whose public key is `key` (one of the demo's roles).
pub fn signer_of(key: &PublicKey) -> AuthorSigner {
    demo::ROLES
        .iter()
        .map(|r| demo::signer(r))
        .find(|s| s.public_key() == *key)
        .unwrap_or_else(|| panic!("no demo role holds key {}", key.to_hex()))
}

/// The signatures of `signers` on `event` in the demo ledger.
pub fn sign(event: &Event, signers: &[&AuthorSigner]) -> Vec<AuthorSignature> {
    signers
        .iter()
        .map(|s| event.sign(demo::ORIGIN, s))
        .collect()
}

/// The signatures of the demo `roles` on `event`.
pub fn sign_as(event: &Event, roles: &[&str]) -> Vec<AuthorSignature> {
    let signers: Vec<AuthorSigner> = roles.iter().map(|r| demo::signer(r)).collect();
    sign(event, &signers.iter().collect::<Vec<_>>())
}

/// An event with a JSON body.
pub fn event(id: &str, kind: &str, body: serde_json::Value) -> Event {
    let serde_json::Value::Object(body) = body else {
        panic!("an event body is an object");
    };
    Event::new(id, kind, body).unwrap_or_else(|e| panic!("event {id}: {e}"))
}

/// Appends an entry recording `event` with `signatures` at `at`, chained to the last entry.
pub fn append(
    entries: &mut Vec<Entry>,
    event: Event,
    signatures: Vec<AuthorSignature>,
    at: RecordedAt,
) -> u64 {
    let (seq, prev) = entries
        .last()
        .map_or((0, Hash([0; 32])), |e| (e.seq() + 1, e.hash()));
    let entry = Entry::seal(seq, prev, at, event, signatures)
        .unwrap_or_else(|e| panic!("sealing entry {seq}: {e}"));
    entries.push(entry);
    seq
}

/// Re-seals `entry`'s event and signatures as the next entry of `entries` (same time): what a
/// rewritten history does to every entry after the one it changed. Author signatures cover the
/// event only, so they stay valid.
pub fn rechain(entries: &mut Vec<Entry>, entry: &Entry) -> u64 {
    append(
        entries,
        entry.event().clone(),
        entry.signatures().to_vec(),
        entry.recorded_at(),
    )
}

/// `at` plus `minutes`.
pub fn later(at: RecordedAt, minutes: i64) -> RecordedAt {
    RecordedAt::from_unix_ms(at.unix_ms() + minutes * 60_000).unwrap_or_else(|| panic!("time"))
}

/// The log as published: one line per entry, each ending with a line feed.
pub fn jsonl(entries: &[Entry]) -> Vec<u8> {
    gongzhang_demo::example::jsonl(entries)
}

/// The checkpoint of the demo ledger over `entries`.
pub fn checkpoint_of(entries: &[Entry]) -> Checkpoint {
    let leaves: Vec<Hash> = entries.iter().map(Entry::hash).collect();
    Checkpoint::new(demo::ORIGIN, leaves.len() as u64, merkle::root(&leaves))
        .unwrap_or_else(|e| panic!("checkpoint: {e}"))
}

/// `checkpoint` signed by the demo's real log key.
pub fn signed(checkpoint: &Checkpoint) -> String {
    checkpoint::sign(checkpoint, &demo::log_signer())
}

/// One case's files, in its own directory under the system's temporary directory; removed when
/// the case is dropped (also when an assertion fails).
#[derive(Debug)]
pub struct Case {
    pub name: String,
    dir: PathBuf,
}

impl Case {
    pub fn new(name: &str) -> Case {
        let dir =
            std::env::temp_dir().join(format!("gongzhang-tamper-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Case {
            name: name.to_string(),
            dir,
        }
    }

    /// Writes a file of this case.
    pub fn write(&self, file: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.join(file);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Writes `log` and a checkpoint over `entries` signed by the real log key; returns the
    /// paths of the log and of the checkpoint.
    pub fn files(&self, log: &[u8], checkpointed: &[Entry]) -> (PathBuf, PathBuf) {
        let log = self.write("log.jsonl", log);
        let cp = self.write("checkpoint", signed(&checkpoint_of(checkpointed)));
        (log, cp)
    }

    /// Runs the verifier on `log` with the real log key and `checkpoint`, once with the default
    /// (zh) report and once with `--json`.
    pub fn verify(&self, log: &Path, checkpoint: &Path, extra: &[&str]) -> Verdict {
        let text = run(log, checkpoint, extra);
        let mut with_json = extra.to_vec();
        with_json.push("--json");
        let json = run(log, checkpoint, &with_json);
        let stdout = String::from_utf8_lossy(&json.stdout).into_owned();
        let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "case {}: --json did not print one JSON object ({e}); exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
                self.name,
                json.status.code(),
                String::from_utf8_lossy(&json.stderr)
            )
        });
        Verdict {
            case: self.name.clone(),
            code: text.status.code(),
            text: String::from_utf8_lossy(&text.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&text.stderr).into_owned(),
            json_code: json.status.code(),
            json: report,
        }
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(log: &Path, checkpoint: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongzhang-verify"))
        .arg(log)
        .arg("--key")
        .arg(log_key())
        .arg("--checkpoint")
        .arg(checkpoint)
        .args(extra)
        .output()
        .expect("the verifier runs")
}

/// The entry a failure names in the JSON report (`failure.seq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seq {
    /// This entry.
    Is(u64),
    /// None (`null`): the failure is not about one entry.
    Null,
    /// Not checked.
    Any,
}

/// What the verifier said, in words and in JSON.
#[derive(Debug)]
pub struct Verdict {
    pub case: String,
    /// Exit code of the run with the zh report.
    pub code: Option<i32>,
    /// The zh report.
    pub text: String,
    pub stderr: String,
    /// Exit code of the run with `--json`.
    pub json_code: Option<i32>,
    /// The JSON report.
    pub json: serde_json::Value,
}

impl Verdict {
    fn context(&self) -> String {
        format!(
            "case {}: exit {:?}\nreport:\n{}\nstderr:\n{}\njson (exit {:?}):\n{}",
            self.case,
            self.code,
            self.text,
            self.stderr,
            self.json_code,
            serde_json::to_string_pretty(&self.json).unwrap_or_default()
        )
    }

    /// The log verified: exit 0, both reports say so.
    pub fn assert_verified(&self) -> &Verdict {
        let cx = self.context();
        assert_eq!(self.code, Some(0), "{cx}");
        assert!(self.text.contains("✔ 核对通过"), "{cx}");
        assert_eq!(self.json_code, Some(0), "{cx}");
        assert_eq!(self.json["report"], "gongzhang-verify/v1", "{cx}");
        assert_eq!(self.json["verified"], true, "{cx}");
        assert_eq!(self.json["outcome"], "verified", "{cx}");
        assert!(self.json["failure"].is_null(), "{cx}");
        self
    }

    /// Verification failed (exit 1) with this outcome, failure code and entry; the zh report
    /// says every one of `phrases`.
    pub fn assert_failed(&self, outcome: &str, code: &str, seq: Seq, phrases: &[&str]) -> &Verdict {
        let cx = self.context();
        assert_eq!(self.code, Some(1), "{cx}");
        assert!(self.text.contains("✘ 核对失败"), "{cx}");
        for phrase in phrases {
            assert!(
                self.text.contains(phrase),
                "the report does not say {phrase:?}\n{cx}"
            );
        }
        assert_eq!(self.json_code, Some(1), "{cx}");
        assert_eq!(self.json["report"], "gongzhang-verify/v1", "{cx}");
        assert_eq!(self.json["verified"], false, "{cx}");
        assert_eq!(self.json["outcome"], outcome, "{cx}");
        let failure = &self.json["failure"];
        assert_eq!(failure["code"], code, "{cx}");
        match seq {
            Seq::Is(seq) => assert_eq!(failure["seq"], seq, "{cx}"),
            Seq::Null => assert!(failure["seq"].is_null(), "{cx}"),
            Seq::Any => {}
        }
        // The JSON's message is the sentence the text report prints.
        let message = failure["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && self.text.contains(message),
            "the JSON message is not in the report\n{cx}"
        );
        self
    }

    /// The JSON report has `value` at `pointer` (RFC 6901, e.g. `/older_checkpoint/size`).
    pub fn json_has(&self, pointer: &str, value: serde_json::Value) -> &Verdict {
        assert_eq!(
            self.json.pointer(pointer),
            Some(&value),
            "{pointer}\n{}",
            self.context()
        );
        self
    }

    /// The zh report says `phrase`.
    pub fn says(&self, phrase: &str) -> &Verdict {
        assert!(
            self.text.contains(phrase),
            "the report does not say {phrase:?}\n{}",
            self.context()
        );
        self
    }
}
