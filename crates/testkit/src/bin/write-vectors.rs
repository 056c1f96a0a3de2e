//! Writes `schemas/vectors/` from the example ledger: `cargo run -p gongzhang-testkit --bin write-vectors`.
//! The test `tests/log/vectors.rs` checks that the committed files equal what this writes.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/vectors"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in gongzhang_demo::vectors::files() {
        std::fs::write(dir.join(&name), bytes)?;
        println!("wrote {}", dir.join(&name).display());
    }
    Ok(())
}
