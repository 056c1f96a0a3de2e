//! `gongzhang demo`, the README's first command: it serves the demo community on loopback and
//! prints the commands that check what it serves; running exactly those commands (the
//! downloads done here with an HTTP client, as `curl -sfo FILE URL` would) verifies.

use crate::support::{gongzhang, verifier};
use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How long the demo may take to build its ledger and start listening (debug build).
const START_TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn the_demo_serves_a_ledger_that_its_printed_commands_verify() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = gongzhang()
        .current_dir(dir.path())
        .args(["demo", "--dir", "demo", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting gongzhang demo");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + START_TIMEOUT;
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &String| l.contains("Ctrl-C")) {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => lines.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the demo printed no instructions in time:\n{}",
                    lines.join("\n")
                );
            }
        }
    }
    let result = std::panic::catch_unwind(|| {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let mut downloads = 0;
        let mut verify = None;
        for line in &lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["curl", "-sfo", file, url] => {
                    let body = agent
                        .get(*url)
                        .call()
                        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
                        .into_body()
                        .with_config()
                        .limit(1 << 30)
                        .read_to_vec()
                        .expect("body");
                    std::fs::write(dir.path().join(file), body).expect("write");
                    downloads += 1;
                }
                [
                    "cargo",
                    "run",
                    "-q",
                    "-p",
                    "gongzhang-verify",
                    "--",
                    args @ ..,
                ] => {
                    verify = Some(args.iter().map(ToString::to_string).collect::<Vec<_>>());
                }
                _ => {}
            }
        }
        assert_eq!(
            downloads,
            2,
            "the log and the checkpoint:\n{}",
            lines.join("\n")
        );
        let args = verify.unwrap_or_else(|| panic!("no verify command:\n{}", lines.join("\n")));
        let out = verifier()
            .current_dir(dir.path())
            .args(&args)
            .arg("--no-progress")
            .output()
            .expect("running gongzhang-verify");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains("幸福里小区"), "{report}");
    });
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().expect("wait");
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    assert!(
        status.success(),
        "the demo did not stop gracefully: {status}"
    );
}
