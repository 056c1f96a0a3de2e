//! Compose is pure, like the core it builds on: no files, network, clock, environment, processes
//! or async, so that the console and the import can call it anywhere and the CLI's tests pin it.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("compose sources") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn compose_source_does_no_io() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 5, "found the compose sources: {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read source");
        for needle in [
            "std::fs",
            "std::net",
            "std::io",
            "std::env",
            "std::time::SystemTime",
            "std::process",
            "OffsetDateTime::now",
            "async fn",
            "println!",
            "eprintln!",
        ] {
            assert!(
                !text.contains(needle),
                "{} uses {needle}: compose does no I/O",
                path.display()
            );
        }
    }
}

#[test]
fn compose_depends_on_the_core_and_the_words_alone() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("read Cargo.toml");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    let names: Vec<&str> = dependencies
        .lines()
        .filter_map(|l| l.split(['.', ' ', '=']).next())
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .collect();
    assert_eq!(names, ["gongzhang-core", "gongzhang-text"]);
}
