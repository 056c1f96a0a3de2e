//! Helpers shared by the workspace-level tests.

use std::path::PathBuf;

/// The project root (the folder holding the workspace `Cargo.toml`).
pub fn project_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// `../shared/vectors/` beside the project root: the pinned external test vectors.
pub fn shared_vectors() -> PathBuf {
    let dir = project_root().join("..").join("shared").join("vectors");
    assert!(
        dir.is_dir(),
        "external test vectors not found at {}: they live in ../shared/vectors beside the project",
        dir.display()
    );
    dir
}
