//! The dependency rules of ARCHITECTURE.md: core does no I/O and pulls in no runtime; the words
//! (gongzhang-text) and the composition of events (gongzhang-compose) rest on core alone; the
//! verifier depends on core and the words alone, never on tokio, sqlx or axum.

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

/// Checks that `package` pulls in no runtime, database or web framework, and depends on exactly
/// `workspace_crates` among ours (itself first, each once, in `cargo tree` order).
fn assert_trusted(package: &str, workspace_crates: &[&str]) {
    let names = crate_names(&tree(package));
    for forbidden in FORBIDDEN_IN_TRUSTED_CODE {
        assert!(
            !names.iter().any(|n| n == forbidden),
            "{package} must not depend on {forbidden}"
        );
    }
    let mut ours: Vec<&str> = Vec::new();
    for name in names.iter().map(String::as_str) {
        if name.starts_with("gongzhang") && !ours.contains(&name) {
            ours.push(name);
        }
    }
    assert_eq!(
        ours, workspace_crates,
        "{package}'s dependencies among the workspace crates"
    );
}

#[test]
fn verifier_depends_on_core_and_the_words_alone() {
    assert_trusted(
        "gongzhang-verify",
        &["gongzhang-verify", "gongzhang-core", "gongzhang-text"],
    );
}

#[test]
fn the_words_and_the_composition_of_events_rest_on_core_alone() {
    assert_trusted("gongzhang-text", &["gongzhang-text", "gongzhang-core"]);
    assert_trusted(
        "gongzhang-compose",
        &["gongzhang-compose", "gongzhang-core", "gongzhang-text"],
    );
}

#[test]
fn core_depends_on_nothing_of_ours_and_no_runtime() {
    assert_trusted("gongzhang-core", &["gongzhang-core"]);
}

/// Our crates `package` depends on, in `cargo tree` order (itself first, each once).
fn ours(package: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in crate_names(&tree(package)) {
        if name.starts_with("gongzhang") && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[test]
fn dependencies_point_one_way_core_store_server_gongzhang() {
    // The store knows nothing of HTTP, the server nothing of the command line or the test kit.
    assert_eq!(
        ours("gongzhang-store"),
        ["gongzhang-store", "gongzhang-core"]
    );
    assert_eq!(
        ours("gongzhang-server"),
        [
            "gongzhang-server",
            "gongzhang-core",
            "gongzhang-store",
            "gongzhang-text"
        ]
    );
    // The witness is the server's sibling: it serves HTTP over the store's database and needs
    // nothing of the command line (which depends on it).
    assert_eq!(
        ours("gongzhang-witness"),
        [
            "gongzhang-witness",
            "gongzhang-core",
            "gongzhang-server",
            "gongzhang-store",
            "gongzhang-text"
        ]
    );
    let store = crate_names(&tree("gongzhang-store"));
    assert!(
        !store.iter().any(|n| n == "axum"),
        "the store must not depend on axum"
    );
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("core src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_and_compose_sources_do_no_io() {
    let mut files = Vec::new();
    rust_files(&project_root().join("crates/core/src"), &mut files);
    assert!(files.len() > 10, "found the core sources: {files:?}");
    let core_files = files.len();
    rust_files(&project_root().join("crates/compose/src"), &mut files);
    assert!(
        files.len() > core_files + 5,
        "found compose's sources: {files:?}"
    );
    for path in files {
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
                "{} uses {needle}: core and compose do no I/O",
                path.display()
            );
        }
    }
}
