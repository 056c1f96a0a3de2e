//! Helpers shared by the workspace-level tests.

use std::path::PathBuf;

/// The project root (the folder holding the workspace `Cargo.toml`).
pub fn project_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// `tests/vectors/`: the pinned external test vectors (sources and licences in its README).
pub fn external_vectors() -> PathBuf {
    let dir = project_root().join("tests").join("vectors");
    assert!(
        dir.is_dir(),
        "external test vectors not found at {}: they are part of the repository",
        dir.display()
    );
    dir
}
