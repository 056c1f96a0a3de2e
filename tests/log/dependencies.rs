//! The dependency rules of ARCHITECTURE.md: core does no I/O and pulls in no runtime; the
//! verifier depends on core alone, never on tokio, sqlx or axum.

use gongzhang_tests::project_root;
use std::process::Command;

fn tree(package: &str) -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "-p",
            package,
        ])
        .current_dir(project_root())
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree -p {package} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("cargo tree prints UTF-8")
}

fn crate_names(tree: &str) -> Vec<String> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

const FORBIDDEN_IN_TRUSTED_CODE: [&str; 7] = [
    "tokio", "sqlx", "axum", "hyper", "reqwest", "mio", "rusqlite",
];

#[test]
fn verifier_has_no_runtime_database_or_web_framework() {
    let names = crate_names(&tree("gongzhang-verify"));
    assert!(
        names.contains(&"gongzhang-core".to_string()),
        "the verifier depends on core: {names:?}"
    );
    for forbidden in FORBIDDEN_IN_TRUSTED_CODE {
        assert!(
            !names.iter().any(|n| n == forbidden),
            "gongzhang-verify must not depend on {forbidden}"
        );
    }
    let workspace_crates: Vec<_> = names
        .iter()
        .filter(|n| n.starts_with("gongzhang"))
        .collect();
    assert_eq!(
        workspace_crates,
        ["gongzhang-verify", "gongzhang-core"],
        "the verifier depends on core alone"
    );
}

#[test]
fn core_has_no_runtime_database_or_web_framework() {
    let names = crate_names(&tree("gongzhang-core"));
    for forbidden in FORBIDDEN_IN_TRUSTED_CODE {
        assert!(
            !names.iter().any(|n| n == forbidden),
            "gongzhang-core must not depend on {forbidden}"
        );
    }
    let workspace_crates: Vec<_> = names
        .iter()
        .filter(|n| n.starts_with("gongzhang"))
        .collect();
    assert_eq!(
        workspace_crates,
        ["gongzhang-core"],
        "core depends on no other workspace crate"
    );
}

#[test]
fn core_source_does_no_io() {
    let src = project_root().join("crates/core/src");
    for entry in std::fs::read_dir(&src).expect("core src") {
        let path = entry.expect("dir entry").path();
        let text = std::fs::read_to_string(&path).expect("read source");
        for needle in [
            "std::fs",
            "std::net",
            "std::io::stdin",
            "std::env",
            "std::time::SystemTime",
            "std::process",
            "OffsetDateTime::now",
            "async fn",
        ] {
            assert!(
                !text.contains(needle),
                "{} uses {needle}: core does no I/O",
                path.display()
            );
        }
    }
}
