//! `gongzhang export` on the demo community in SQLite, checked by the real `gongzhang-verify`:
//! the bundle verifies; a byte flipped in the log, an attachment or a statement fails for the
//! cause expected; the CSV opens in Excel; an existing directory is never written into; the
//! manifest lists every file.
//!
//! One test function runs every check in sequence, so the demo is loaded once (loading ~11k
//! entries into SQLite takes seconds in a debug build).

use gongzhang::export::{self, ExportSummary};
use gongzhang_core::Hash;
use gongzhang_core::hash::sha256;
use gongzhang_demo::community::{self as demo, Demo};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The demo community in a SQLite store, with every document but `withheld` as an attachment.
async fn load(path: &Path, withheld: Hash) -> (Store<SqliteBackend>, Demo) {
    let backend = SqliteBackend::open(path)
        .await
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let (store, demo) = gongzhang::demo::load_entries(backend)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    for (hash, bytes) in &demo.documents {
        if *hash == withheld {
            continue;
        }
        let stored = store
            .put_attachment(gongzhang::demo::DOCUMENT_MEDIA_TYPE, bytes.clone())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored, *hash);
    }
    (store, demo)
}

/// Builds `gongzhang-verify` and returns its path beside this test binary's directory
/// (…/target/debug/deps/export-xxxx → …/target/debug/gongzhang-verify).
fn verifier() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "gongzhang-verify"])
        .status()
        .unwrap_or_else(|e| panic!("running cargo build: {e}"));
    assert!(status.success(), "cargo build -p gongzhang-verify failed");
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("the test binary: {e}"));
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| panic!("{} is not in target/<profile>/deps", exe.display()));
    let path = profile_dir.join(format!("gongzhang-verify{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// Runs the verifier on a bundle directory: its exit code and its JSON report.
fn verify(verifier: &Path, bundle: &Path, key: &str) -> (i32, serde_json::Value) {
    let output = Command::new(verifier)
        .arg(bundle)
        .args(["--key", key, "--json", "--no-progress"])
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", verifier.display()));
    let code = output.status.code().unwrap_or(-1);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the report is not JSON ({e}); exit {code}; stdout {}; stderr {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, report)
}

/// Every file under `dir`, as paths relative to it with `/`, sorted.
fn files(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap_or_else(|e| panic!("{e}"));
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect();
                out.insert(parts.join("/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) {
    for file in files(from) {
        let target = to.join(&file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::copy(from.join(&file), &target).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

/// Yuan with two decimals from integer fen, computed here independently of the exporter.
fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Reads an RFC 4180 CSV text (after its BOM) into rows of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a CR not followed by LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("a bare LF ends a CSV row: Excel wants CRLF"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last row has no CRLF"
    );
    rows
}

/// Replaces the last digit of the first integer after `marker` at or after byte `from` with
/// another digit: the JSON stays valid and canonical, the value changes.
fn change_number_after(bytes: &mut [u8], marker: &[u8], from: usize) -> usize {
    let at = bytes[from..]
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap_or_else(|| panic!("no {:?}", String::from_utf8_lossy(marker)))
        + from
        + marker.len();
    let mut end = at;
    while bytes[end] == b' ' || bytes[end] == b'-' {
        end += 1;
    }
    while bytes[end].is_ascii_digit() {
        end += 1;
    }
    let last = end - 1;
    assert!(bytes[last].is_ascii_digit(), "no number after the marker");
    bytes[last] = if bytes[last] == b'9' {
        b'8'
    } else {
        bytes[last] + 1
    };
    last
}

/// The verifier, the bundle and where tampered copies of it go.
#[derive(Debug)]
struct Tamper<'a> {
    verifier: &'a Path,
    bundle: &'a Path,
    scratch: &'a Path,
    key: &'a str,
}

impl Tamper<'_> {
    /// Flips one byte of `file` in a copy of the bundle and expects the verifier to fail with
    /// `code`.
    fn expect(&self, name: &str, file: &str, tamper: impl FnOnce(&mut Vec<u8>), code: &str) {
        let Tamper {
            verifier,
            bundle,
            scratch,
            key,
        } = *self;
        let copy = scratch.join(name);
        copy_dir(bundle, &copy);
        let path = copy.join(file);
        let mut bytes = read(&path);
        let before = bytes.clone();
        tamper(&mut bytes);
        assert_eq!(bytes.len(), before.len());
        assert_eq!(
            bytes.iter().zip(&before).filter(|(a, b)| a != b).count(),
            1,
            "{name}: exactly one byte changes"
        );
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let (exit, report) = verify(verifier, &copy, key);
        assert_eq!(exit, 1, "{name}: {report}");
        assert_eq!(report["verified"], false, "{name}");
        assert_eq!(report["failure"]["code"], code, "{name}: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_bundle_verifies_and_its_tampered_copies_do_not() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // One document stays out of the store: the export lists it as missing.
    let withheld = *demo::community(gongzhang::demo::DEMO_SEED)
        .documents
        .keys()
        .next()
        .unwrap_or_else(|| panic!("the demo names no documents"));
    let (store, demo) = load(&tmp.path().join("ledger.sqlite"), withheld).await;
    let key = demo.log_signer.verifier().to_string();
    let exports = tmp.path().join("exports");
    let bundle = exports.join("bundle");
    let summary = export::export(&store, &demo.origin, &bundle)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));

    summary_matches_the_store(&summary, &demo, &store, withheld).await;
    let verifier = verifier();
    verifies(&verifier, &bundle, &key, &demo);
    let scratch = tmp.path().join("tampered");
    tampered_copies_fail(&Tamper {
        verifier: &verifier,
        bundle: &bundle,
        scratch: &scratch,
        key: &key,
    });
    csv_opens_in_excel(&bundle);
    keys_are_listed(&bundle, &demo);
    manifest_lists_every_file(&bundle);
    existing_directories_are_refused(&store, &demo, &bundle, &exports).await;
}

async fn summary_matches_the_store(
    summary: &ExportSummary,
    demo: &Demo,
    store: &Store<SqliteBackend>,
    withheld: Hash,
) {
    let n = demo.entries.len() as u64;
    assert_eq!(summary.entries, n);
    assert_eq!(summary.tree_size, n);
    let root = store
        .root(&demo.origin, n)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.checkpoint_root, root);
    assert_eq!(summary.attachments_missing, vec![withheld]);
    assert_eq!(summary.attachments_written, demo.documents.len() - 1);
    assert_eq!(summary.statements_written, demo.summary.closes.len());
    assert!(summary.statements_written >= 8, "two years of quarters");
    // log, checkpoint, keys, README, two journals, two files per statement, the attachments and
    // the manifest.
    assert_eq!(
        summary.files_written,
        7 + 2 * summary.statements_written + summary.attachments_written
    );
    assert_eq!(files(&summary.dir).len(), summary.files_written);
    // The log is the demo's, byte for byte.
    assert_eq!(read(&summary.dir.join(export::BUNDLE_LOG)), demo.jsonl());
}

fn verifies(verifier: &Path, bundle: &Path, key: &str, demo: &Demo) {
    let (exit, report) = verify(verifier, bundle, key);
    assert_eq!(exit, 0, "{report}");
    assert_eq!(report["verified"], true);
    let checks: BTreeSet<&str> = report["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"))
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    for check in [
        "checkpoint",
        "log_key",
        "statements",
        "attachments",
        "manifest",
    ] {
        assert!(checks.contains(check), "{check} not checked: {report}");
    }
    assert_eq!(
        report["statements"].as_array().map(Vec::len),
        Some(demo.summary.closes.len()),
        "{report}"
    );
    let attachments = &report["attachments"];
    assert_eq!(attachments["referenced"], demo.documents.len(), "{report}");
    assert_eq!(attachments["present"], demo.documents.len() - 1);
    assert_eq!(attachments["missing"], 1);
    assert_eq!(attachments["unreferenced"], 0);
    assert_eq!(report["checkpoint"]["size"], demo.entries.len());
    assert_eq!(
        report["manifest_files"].as_u64(),
        Some(files(bundle).len() as u64 - 1)
    );
}

fn tampered_copies_fail(t: &Tamper<'_>) {
    let bundle = t.bundle;
    // An amount in the middle of the log: the author's signature no longer covers the event.
    let log = read(&bundle.join(export::BUNDLE_LOG));
    let middle = log.len() / 2;
    t.expect(
        "log",
        export::BUNDLE_LOG,
        |bytes| {
            change_number_after(bytes, b"\"amount_fen\":", middle);
        },
        "bad_signature",
    );
    let attachment = files(bundle)
        .into_iter()
        .find(|f| f.starts_with("attachments/"))
        .unwrap_or_else(|| panic!("no attachment exported"));
    t.expect(
        "attachment",
        &attachment,
        |bytes| bytes[0] ^= 0x01,
        "attachment_hash_mismatch",
    );
    let statement = files(bundle)
        .into_iter()
        .find(|f| f.starts_with("statements/") && f.ends_with(".json"))
        .unwrap_or_else(|| panic!("no statement exported"));
    t.expect(
        "statement",
        &statement,
        |bytes| {
            change_number_after(bytes, b"\"closing_fen\":", 0);
        },
        "statement_differs",
    );
}

fn csv_opens_in_excel(bundle: &Path) {
    let statements = bundle.join(export::BUNDLE_STATEMENTS);
    let json_files: Vec<String> = files(&statements)
        .into_iter()
        .filter(|f| f.ends_with(".json"))
        .collect();
    assert!(!json_files.is_empty());
    for json_file in json_files {
        let stem = json_file.trim_end_matches(".json");
        let csv = read(&statements.join(format!("{stem}.csv")));
        assert!(csv.starts_with(b"\xef\xbb\xbf"), "{stem}.csv has no BOM");
        let text = String::from_utf8(csv[3..].to_vec()).unwrap_or_else(|e| panic!("{e}"));
        let rows = parse_csv(&text);
        assert!(rows[0][0].starts_with("期间"), "{:?}", rows[0]);
        assert!(rows.iter().all(|r| r.len() == rows[0].len()));
        let statement: serde_json::Value =
            serde_json::from_slice(&read(&statements.join(&json_file)))
                .unwrap_or_else(|e| panic!("{e}"));
        let funds = statement["funds"]
            .as_array()
            .unwrap_or_else(|| panic!("{statement}"));
        assert!(!funds.is_empty());
        for fund in funds {
            let code = fund["fund"].as_str().unwrap_or_default();
            let closing = fund["closing_fen"]
                .as_i64()
                .unwrap_or_else(|| panic!("{fund}"));
            let row = rows
                .iter()
                .find(|r| r[2] == "closing" && r[4] == code)
                .unwrap_or_else(|| panic!("{stem}.csv has no closing row for {code}"));
            assert_eq!(row[1], "期末余额");
            assert_eq!(row[7], yuan(closing), "{stem}.csv, fund {code}");
        }
        let operating = rows
            .iter()
            .find(|r| r[2] == "closing" && r[4] == "operating")
            .unwrap_or_else(|| panic!("{stem}.csv: no operating fund"));
        assert_eq!(operating[3], "物业费资金");
        let spending = rows
            .iter()
            .find(|r| r[2] == "spending" && r[6] == "cleaning");
        if let Some(row) = spending {
            assert_eq!(row[5], "保洁");
        }
        let total = rows
            .iter()
            .find(|r| r[2] == "arrears" && r[6] == "total")
            .unwrap_or_else(|| panic!("{stem}.csv: no arrears total"));
        assert_eq!(
            total[7],
            yuan(statement["arrears"]["total_fen"].as_i64().unwrap_or(-1))
        );
        assert_eq!(
            total[8],
            statement["arrears"]["units_in_arrears"].to_string()
        );
    }
}

fn keys_are_listed(bundle: &Path, demo: &Demo) {
    let text = String::from_utf8(read(&bundle.join(export::BUNDLE_KEYS)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains(&demo.log_signer.verifier().to_string()));
    assert!(text.contains(&demo.entries[0].hash().to_hex()));
    assert!(text.contains(&demo.origin));
    for role in demo::ROLES {
        let hex = demo.keys[role].to_hex();
        assert!(text.contains(&hex), "{role} ({hex}) is not in keys.txt");
    }
    let revoked = text
        .lines()
        .find(|l| l.contains(&demo.keys[demo::TREASURER].to_hex()))
        .unwrap_or_default();
    assert!(revoked.contains("revoked by entry"), "{revoked}");
}

fn manifest_lists_every_file(bundle: &Path) {
    let manifest = String::from_utf8(read(&bundle.join(export::BUNDLE_MANIFEST)))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut listed = Vec::new();
    for line in manifest.lines() {
        let (hex, name) = line
            .split_once("  ")
            .unwrap_or_else(|| panic!("not a sha256sum line: {line:?}"));
        let hash = Hash::from_hex(hex).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        assert_eq!(sha256(&read(&bundle.join(name))), hash, "{name}");
        listed.push(name.to_string());
    }
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "the manifest is sorted");
    let mut all = files(bundle);
    assert!(all.remove(export::BUNDLE_MANIFEST));
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), all);
}

async fn existing_directories_are_refused(
    store: &Store<SqliteBackend>,
    demo: &Demo,
    bundle: &Path,
    exports: &Path,
) {
    let snapshot = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        files(dir)
            .into_iter()
            .map(|f| {
                let bytes = read(&dir.join(&f));
                (f, bytes)
            })
            .collect()
    };
    let before = snapshot(bundle);
    let error = export::export(store, &demo.origin, bundle)
        .await
        .expect_err("exporting into an existing bundle must fail");
    let message = format!("{error:#}");
    assert!(message.contains("already exists"), "{message}");
    assert!(message.contains("已存在"), "{message}");
    assert_eq!(snapshot(bundle), before, "the existing bundle changed");
    // An empty directory is refused too (a rename would silently replace it).
    let empty = exports.join("empty");
    std::fs::create_dir(&empty).unwrap_or_else(|e| panic!("{e}"));
    assert!(export::export(store, &demo.origin, &empty).await.is_err());
    assert!(files(&empty).is_empty());
    // No temporary directory is left behind.
    let names: BTreeSet<String> = std::fs::read_dir(exports)
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["bundle".to_string(), "empty".to_string()].into());
}
