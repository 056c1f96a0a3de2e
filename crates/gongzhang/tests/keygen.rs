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

#[test]
fn a_witness_key_is_a_cosignature_key_of_type_0x04_and_the_witness_names_a_bad_key_file() {
    use gongzhang_core::cosignature::{CosignerKey, CosignerSigner};
    let d = dir("witness");
    let out = keygen(
        &d,
        &[
            "--witness",
            "--name",
            "jiedao.example/witness",
            "--out",
            "w.key",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let file = std::fs::read_to_string(d.join("w.key")).expect("key file");
    let signer = CosignerSigner::parse(file.trim_end()).expect("a witness private key");
    assert!(SignerKey::parse(file.trim_end()).is_err(), "not a 0x01 key");
    let stdout = text(&out.stdout);
    let line = stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("jiedao.example/witness+"))
        .expect("verifier key line");
    assert_eq!(line, signer.verifier().to_string());
    assert_eq!(
        CosignerKey::parse(line).expect("cosigner key").key_id(),
        signer.key_id()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(d.join("w.key"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The witness refuses to start without a usable key, naming the file.
    let log = "gongzhang.example/x+629660c5+AdunsMB9kQUjEH3hDxMmAJtUHyriWmDLHq4jcjj/Yh0R";
    let witness = |key: &str| {
        Command::new(env!("CARGO_BIN_EXE_gongzhang"))
            .args([
                "witness",
                "--key",
                key,
                "--log",
                log,
                "--listen",
                "127.0.0.1:0",
            ])
            .current_dir(&d)
            .output()
            .expect("gongzhang runs")
    };
    let missing = witness("missing.key");
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("无法读取见证密钥文件 missing.key"),
        "{}",
        text(&missing.stderr)
    );
    std::fs::write(d.join("author.key"), "PRIVATE+KEY+x+00000000+AAAA\n").expect("write");
    let wrong = witness("author.key");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        text(&wrong.stderr).contains("author.key 不是见证密钥文件"),
        "{}",
        text(&wrong.stderr)
    );
}
