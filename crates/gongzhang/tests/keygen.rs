//! `gongzhang keygen`: the key file, its permissions, the printed verifier key, and refusals.

use gongzhang_core::note::{SignerKey, VerifierKey};
use std::path::PathBuf;
use std::process::{Command, Output};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gongzhang-keygen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn keygen(cwd: &PathBuf, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongzhang"))
        .arg("keygen")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("gongzhang runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn writes_a_private_key_only_its_owner_reads_and_prints_the_matching_verifier_key() {
    let d = dir("ok");
    let out = keygen(&d, &["--name", "zhang-wei", "--out", "zw.key"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let file = std::fs::read_to_string(d.join("zw.key")).expect("key file");
    assert!(
        file.ends_with('\n') && file.lines().count() == 1,
        "{file:?}"
    );
    let key = SignerKey::parse(file.trim_end()).expect("a C2SP private key string");
    assert_eq!(key.name(), "zhang-wei");
    let verifier = key.verifier().to_string();
    assert!(verifier.starts_with("zhang-wei+"), "{verifier}");
    // The verifier key is printed on a line of its own, and parses back to the same key.
    let line = stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("zhang-wei+"))
        .expect("verifier key line");
    assert_eq!(line, verifier);
    let parsed = VerifierKey::parse(line).expect("verifier key");
    assert_eq!(parsed.key_id(), key.key_id());
    assert!(
        stdout.contains(&hex::encode(parsed.public_key_bytes())),
        "{stdout}"
    );
    assert!(stdout.contains("不要发给任何人"), "{stdout}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(d.join("zw.key"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A second key is a different key.
    let other = keygen(
        &d,
        &["--name", "zhang-wei", "--out", "zw2.key", "--lang", "en"],
    );
    assert_eq!(other.status.code(), Some(0));
    assert!(text(&other.stdout).contains("hand this verifier key to the committee"));
    let other = std::fs::read_to_string(d.join("zw2.key")).expect("second key");
    assert_ne!(other, file);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn never_replaces_a_key_file() {
    let d = dir("exists");
    assert_eq!(keygen(&d, &["--name", "li-na"]).status.code(), Some(0));
    // The default file is <name>.key in the current directory.
    let before = std::fs::read(d.join("li-na.key")).expect("default path");
    let again = keygen(&d, &["--name", "li-na"]);
    assert_eq!(again.status.code(), Some(1));
    let stderr = text(&again.stderr);
    assert!(
        stderr.contains("li-na.key") && stderr.contains("已经存在"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(d.join("li-na.key")).expect("still there"),
        before
    );
    let en = keygen(&d, &["--name", "li-na", "--lang", "en"]);
    assert_eq!(en.status.code(), Some(1));
    assert!(text(&en.stderr).contains("already exists"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn refuses_a_name_a_key_cannot_have_and_writes_nothing() {
    let d = dir("badname");
    for bad in ["zhang wei", "a+b", ""] {
        let out = keygen(&d, &["--name", bad, "--out", "bad.key"]);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("不能用作密钥名"), "{bad:?}: {stderr}");
        assert!(!d.join("bad.key").exists(), "{bad:?} left a file");
    }
    let _ = std::fs::remove_dir_all(&d);
}
