//! `gongzhang demo`, the README's first command: it serves the demo community on loopback and
//! prints the commands that check what it serves; running exactly those commands (the
//! downloads done here with an HTTP client, as `curl -sfo FILE URL` would) verifies.

use crate::support::{Demo, verifier};
use std::time::Duration;

#[test]
fn the_demo_serves_a_ledger_that_its_printed_commands_verify() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut demo = Demo::start(dir.path(), &[]);
    let lines = demo.lines.clone();
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
    assert!(demo.stop(), "the demo did not stop gracefully");
}
