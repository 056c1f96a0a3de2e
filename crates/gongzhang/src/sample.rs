//! `gongzhang sample`: writes the example ledger of the specification and the demo community as
//! files, and verifies them as a resident would.

use anyhow::Context as _;
use gongzhang_core::checkpoint;
use gongzhang_core::ledger::replay_jsonl;
use gongzhang_demo::{community as demo, example, vectors};
use gongzhang_text::Lang;
use std::path::Path;

/// Writes the example ledger and the demo community under `out`, verifies them, and prints the
/// commands that verify them with the standalone verifier.
pub fn sample(out: &Path, lang: Lang) -> anyhow::Result<()> {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for (name, bytes) in vectors::files() {
        let path = out.join(&name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "{} {}",
        t("已写出示例账本：", "wrote the example ledger to"),
        out.display()
    );

    // Verify what was written, reading it back from disk as a resident would.
    let log = std::fs::read(out.join("log.jsonl")).context("reading log.jsonl back")?;
    let note =
        std::fs::read_to_string(out.join("checkpoint")).context("reading checkpoint back")?;
    let log_key = vectors::log_signer().verifier();
    let opened = checkpoint::open(&note, example::ORIGIN, &log_key, None)
        .context("opening the checkpoint")?;
    let (verified, _ledger) =
        replay_jsonl(&log).context("verifying the log and replaying its rules")?;
    verified
        .check_tree_head(&opened.tree_head())
        .context("comparing the log with its checkpoint")?;
    println!(
        "{} {} {}，{} {}",
        t("✔ 核对通过：", "✔ verified:"),
        verified.tree_head.size,
        t("个条目", "entries"),
        t("默克尔根", "Merkle root"),
        verified.tree_head.root
    );
    println!(
        "{} {}",
        t("创世条目哈希：", "genesis entry hash:"),
        verified.genesis_hash
    );
    println!();
    println!(
        "{}",
        t(
            "用独立核对程序再核对一次：",
            "check it again with the standalone verifier:"
        )
    );
    println!(
        "  cargo run -q -p gongzhang-verify -- {}/log.jsonl --checkpoint {}/checkpoint --key {} --genesis-hash {}{}",
        out.display(),
        out.display(),
        log_key,
        verified.genesis_hash,
        lang.pick("", " --lang en")
    );
    write_demo(&out.join("demo"), lang)
}

/// Writes the demo community 幸福里小区 (two years, about 11,000 entries) with its checkpoint, and
/// prints the command that verifies it.
fn write_demo(dir: &Path, lang: Lang) -> anyhow::Result<()> {
    let t = |zh: &'static str, english: &'static str| lang.pick(zh, english);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let demo = demo::community(crate::demo::DEMO_SEED);
    let log = demo.jsonl();
    let note = demo.checkpoint();
    for (name, bytes) in [
        ("log.jsonl", log.as_slice()),
        ("checkpoint", note.as_bytes()),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    println!();
    println!(
        "{} {}（{} {}）",
        t(
            "已写出演示小区幸福里：",
            "wrote the demo community Xingfuli to"
        ),
        dir.display(),
        demo.entries.len(),
        t("个条目", "entries")
    );
    println!(
        "  cargo run -q -p gongzhang-verify -- {}/log.jsonl --checkpoint {}/checkpoint --key {}{}",
        dir.display(),
        dir.display(),
        demo.log_signer.verifier(),
        lang.pick("", " --lang en")
    );
    Ok(())
}
