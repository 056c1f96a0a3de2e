//! The street office's and the residents' committee's witnesses, with the real binaries: two
//! `gongzhang witness` processes, a `gongzhang serve` that asks both for cosignatures, appends
//! through the command line, and `gongzhang-verify --witnesses-required 2` on the downloaded log
//! and on a payer's receipt; the server's database restored from an older copy gets no
//! cosignature and an alert on the street office's console.

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
    let log_vkey = open_ledger(dir);
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
    let street_line = street.to_string();
    let committee_line = committee.to_string();
    let serve_args = [
        "--database",
        "ledger.sqlite",
        "--log-key",
        "log.key",
        "--witness",
        street_line.as_str(),
        "--witness-url",
        witnesses[0].url.as_str(),
        "--witness",
        committee_line.as_str(),
        "--witness-url",
        witnesses[1].url.as_str(),
    ];
    let mut server = Server::start(dir, &serve_args);
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
    // The database as it is now, copied aside while the server is stopped: the "older copy" it
    // will later be restored from.
    assert!(server.stop(), "the server stops gracefully");
    let backup = dir.join("backup");
    std::fs::create_dir(&backup).expect("mkdir");
    let database_files = ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"];
    for file in database_files {
        if dir.join(file).exists() {
            std::fs::copy(dir.join(file), backup.join(file)).expect("copy");
        }
    }
    let mut server = Server::start(dir, &serve_args);
    let remote = ["--server", server.base.as_str()];
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

    // gongzhang-verify on the download, counting the cosignatures of `witnesses`.
    let verify = |witnesses: [&CosignerKey; 2], extra: &[&str]| {
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
                &witnesses[0].to_string(),
                "--witness",
                &witnesses[1].to_string(),
            ])
            .args(["--witnesses-required", "2"])
            .args(extra)
            .output()
            .expect("gongzhang-verify runs")
    };
    let out = verify([&street, &committee], &["--receipt", "cosigned.tlog-proof"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A third witness nobody asked cannot be counted.
    let stranger = witness_key(dir, "stranger.example/witness", "stranger.key");
    let out = verify([&street, &stranger], &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The database restored from the older copy: the log now signs a smaller tree than the
    // witnesses cosigned. They cosign nothing and the street office's console says so.
    assert!(server.stop(), "the server stops gracefully");
    for file in database_files {
        let _ = std::fs::remove_file(dir.join(file));
        if backup.join(file).exists() {
            std::fs::copy(backup.join(file), dir.join(file)).expect("restore");
        }
    }
    let mut server = Server::start(dir, &serve_args);
    let started = Instant::now();
    loop {
        let (html, row) = console_row(&witnesses[0].url);
        if row.contains("比见证人联署过的还小") {
            assert!(row.contains(r#"data-size="3""#), "{row}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "no rollback alert on the console within 40 s: {html}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, note) = get(&format!(
        "{}/api/v1/ledgers/{segment}/checkpoint",
        server.base
    ));
    // The log serves its restored, smaller tree; the witness stayed at what it cosigned (above).
    assert!(note.starts_with(&format!("{ORIGIN}\n2\n")), "{note}");

    assert!(server.stop(), "the server stops gracefully");
    for w in &mut witnesses {
        assert!(w.stop(), "a witness stops gracefully");
    }
}

/// Opens the example community's ledger in `dir` (`ledger.sqlite`, `log.key`, the treasurer's
/// key): the log key's verifier line.
fn open_ledger(dir: &Path) -> String {
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
    key(dir, "log").verifier().to_string()
}

/// The witness console at `url`: the page, and the row of the ledger's last cosignature.
fn console_row(url: &str) -> (String, String) {
    let (status, html) = get(&format!("{url}/"));
    assert_eq!(status, 200, "{html}");
    let row = html
        .split("<tr ")
        .find(|r| r.contains(&format!(r#"data-origin="{ORIGIN}""#)))
        .unwrap_or_default()
        .to_owned();
    (html, row)
}

/// A port on 127.0.0.1 free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Answers every HTTP request on `listener` with 200 and `body`, until the process ends.
fn serve_forever(listener: std::net::TcpListener, body: String) {
    use std::io::{Read as _, Write as _};
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/jsonl\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
}

/// An insider with the database, the treasurer's key and the log key appends an entry the
/// ledger's rules refuse (a payment from a unit that does not exist), bypassing the server, and
/// signs a checkpoint over it. The street office's verifying witness fetches the entry, refuses
/// to cosign with the rule and the entry, and its console shows the alert.
pub fn a_forged_entry_gets_no_cosignature_from_the_verifying_witness(dir: &Path) {
    use gongzhang_core::checkpoint::{self, Checkpoint};
    use gongzhang_core::entry::{Entry, Event, RecordedAt};
    use gongzhang_core::merkle;
    use gongzhang_core::witness::AddCheckpoint;
    let log_vkey = open_ledger(dir);
    let street = witness_key(dir, "jiedao.example/witness", "street.key");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut witness = WitnessProcess::start(
        dir,
        &[
            "--key",
            "street.key",
            "--state",
            "street.sqlite",
            "--log",
            &format!("{log_vkey}={base}"),
        ],
    );
    let street_line = street.to_string();
    let mut server = Server::start_on(
        dir,
        &[
            "--database",
            "ledger.sqlite",
            "--log-key",
            "log.key",
            "--witness",
            street_line.as_str(),
            "--witness-url",
            witness.url.as_str(),
        ],
        &format!("127.0.0.1:{port}"),
    );
    ok(
        dir,
        &[
            "record",
            "--server",
            &base,
            "--key",
            "treasurer.key",
            "household",
            "--unit",
            "1-1-101",
            "--area",
            "80.00",
        ],
    );
    // The verifying witness has checked and cosigned the genuine log.
    let segment = gongzhang_server::ledger_segment(ORIGIN);
    let api = format!("{base}/api/v1/ledgers/{segment}");
    let started = Instant::now();
    while !verify_cosignatures(
        &get(&format!("{api}/checkpoint")).1,
        std::slice::from_ref(&street),
    )
    .is_ok_and(|v| v.len() == 1 && get(&format!("{api}/checkpoint")).1.contains("\n2\n"))
    {
        assert!(started.elapsed() < Duration::from_secs(40), "not cosigned");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, log) = get(&format!("{api}/log"));
    assert!(server.stop(), "the server stops gracefully");

    // The insider's entry and checkpoint.
    let entries: Vec<Entry> = log
        .lines()
        .map(|l| Entry::parse(l.as_bytes()).expect("entry"))
        .collect();
    let last = entries.last().expect("entries");
    let size = entries.len() as u64;
    let serde_json::Value::Object(body) =
        serde_json::json!({"unit": "9-9-999", "amount_fen": 50_000, "channel": "cash"})
    else {
        unreachable!()
    };
    let event = Event::new("forged-1", "payment_received", body).expect("event");
    let signature = event.sign(ORIGIN, &key(dir, "treasurer").author_signer());
    let at = RecordedAt::from_unix_ms(last.recorded_at().unix_ms() + 1000).expect("time");
    let forged = Entry::seal(size, last.hash(), at, event, vec![signature]).expect("seal");
    let mut leaves: Vec<_> = entries.iter().map(Entry::hash).collect();
    leaves.push(forged.hash());
    let cp = Checkpoint::new(ORIGIN, size + 1, merkle::root(&leaves)).expect("checkpoint");
    let note = checkpoint::sign(&cp, &key(dir, "log"));
    let proof = merkle::consistency_proof(&leaves, size).expect("proof");
    // The insider's server publishes the forged entry where the witness looks.
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("the server's port");
    serve_forever(
        listener,
        format!(
            "{}\n",
            String::from_utf8(forged.bytes().to_vec()).expect("utf8")
        ),
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .post(&format!("{}/add-checkpoint", witness.url))
        .send(AddCheckpoint::new(size, proof, note).to_body().as_bytes())
        .expect("the witness answers");
    let status = response.status().as_u16();
    let answer = response.into_body().read_to_string().expect("body");
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer.starts_with(&format!("entry {size} of the log fails")),
        "{answer}"
    );
    assert!(
        answer.contains("9-9-999"),
        "the rule names the unit: {answer}"
    );
    let (_, row) = console_row(&witness.url);
    assert!(row.contains("账本的条目未通过核对"), "{row}");
    assert!(
        row.contains(r#"data-size="2""#),
        "still at the genuine tree: {row}"
    );

    // The console on a phone, in headless Chromium: one h1, nothing wider than the screen but
    // the scrolling tables, no script, the board's stylesheet, no console errors.
    let browser = crate::webdriver::Browser::start(375, 812);
    for (lang, query) in [("zh-CN", ""), ("en", "?lang=en")] {
        browser.open(&format!("{}/{query}", witness.url));
        let facts = browser.script(
            r#"return {
                lang: document.documentElement.lang,
                h1: document.querySelectorAll('h1').length,
                scroll_width: document.documentElement.scrollWidth,
                external: document.querySelectorAll('script,iframe,img[src^=http]').length,
                stylesheets: document.styleSheets.length,
                alerts: document.querySelectorAll('li.alert').length,
                books: document.querySelectorAll('#books tbody tr').length,
            };"#,
        );
        assert_eq!(facts["lang"], lang, "{facts}");
        assert_eq!(facts["h1"], 1, "{facts}");
        assert!(
            facts["scroll_width"].as_u64().is_some_and(|w| w <= 375),
            "{facts}"
        );
        assert_eq!(facts["external"], 0, "{facts}");
        assert_eq!(facts["stylesheets"], 1, "{facts}");
        assert_eq!(facts["alerts"], 1, "{facts}");
        assert_eq!(facts["books"], 1, "{facts}");
        let problems: Vec<(String, String)> = browser
            .console()
            .into_iter()
            .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
            .collect();
        assert!(problems.is_empty(), "console: {problems:?}");
    }
    let png = browser.full_page_screenshot();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let exe = std::env::current_exe().expect("test binary");
    if let Some(target) = exe.parent().and_then(Path::parent).and_then(Path::parent) {
        let shots = target.join("board-screenshots");
        std::fs::create_dir_all(&shots).expect("screenshot dir");
        std::fs::write(shots.join("witness-console-375-en.png"), png).expect("write");
    }
    assert!(witness.stop(), "the witness stops gracefully");
}
