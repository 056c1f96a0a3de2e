//! `gongzhang`: the ledger's server and command line. So far: `gongzhang keygen` makes a person's
//! signing key; `gongzhang sample` writes the example ledger of the specification and the demo
//! community, and verifies them.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use gongzhang_core::checkpoint;
use gongzhang_core::ledger::replay_jsonl;
use gongzhang_testkit::{demo, example, vectors};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod keygen;

/// 公账：小区公共账目，无法悄悄改写 / Gongzhang: community accounts that cannot be quietly rewritten
#[derive(Debug, Parser)]
#[command(name = "gongzhang", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 生成自己的签名密钥（只有本人可读的文件），并显示交给业委会的公钥 / make your signing key
    /// (a file only you can read) and show the verifier key to hand to the committee
    Keygen {
        /// 密钥名，例如姓名拼音 zhang-wei / key name, e.g. zhang-wei
        #[arg(long)]
        name: String,
        /// 密钥文件（默认 <name>.key，已存在则拒绝）/ key file (default <name>.key; never replaced)
        #[arg(long)]
        out: Option<PathBuf>,
        /// 显示语言 / language
        #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
        lang: String,
    },
    /// 写出示例账本（和谐家园小区）并核对 / write the example ledger and verify it
    Sample {
        /// 输出目录 / output directory
        #[arg(long, default_value = "gongzhang-sample")]
        out: PathBuf,
        /// 显示语言 / language
        #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
        lang: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Keygen { name, out, lang } => {
            let en = lang == "en";
            let path = out.unwrap_or_else(|| keygen::default_path(&name));
            match keygen::keygen(&name, &path, en) {
                Ok(key) => {
                    print_new_key(&key, en);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: {e:#}", if en { "error" } else { "错误" });
                    ExitCode::FAILURE
                }
            }
        }
        Command::Sample { out, lang } => match sample(&out, lang == "en") {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}: {e:#}", if lang == "en" { "error" } else { "错误" });
                ExitCode::FAILURE
            }
        },
    }
}

fn print_new_key(key: &keygen::NewKey, en: bool) {
    let t = |zh: &'static str, english: &'static str| if en { english } else { zh };
    println!(
        "{} {}",
        t("已生成签名密钥：", "wrote your signing key to"),
        key.path.display()
    );
    println!(
        "{}",
        t(
            "这个文件就是你的签名权：只存放在你自己的电脑或 U 盘上，不要发给任何人，也不要放进群聊。",
            "this file is your power to sign: keep it on your own computer or USB stick; never send it to anyone or post it in a group chat."
        )
    );
    println!();
    println!(
        "{}",
        t(
            "把下面这行公钥交给业委会（写进账本，大家用它核对你的签名）：",
            "hand this verifier key to the committee (it goes into the ledger; everyone checks your signatures with it):"
        )
    );
    println!("  {}", key.verifier);
    println!(
        "{} {}",
        t("公钥（十六进制）：", "public key (hex):"),
        key.public_hex
    );
}

fn sample(out: &Path, en: bool) -> anyhow::Result<()> {
    let t = |zh: &'static str, english: &'static str| if en { english } else { zh };
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
        if en { " --lang en" } else { "" }
    );
    write_demo(&out.join("demo"), en)
}

/// Writes the demo community 幸福里小区 (two years, about 11,000 entries) with its checkpoint, and
/// prints the command that verifies it.
fn write_demo(dir: &Path, en: bool) -> anyhow::Result<()> {
    let t = |zh: &'static str, english: &'static str| if en { english } else { zh };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let demo = demo::community(1);
    let log = demo.jsonl();
    let mut tree = gongzhang_core::merkle::MerkleAccumulator::default();
    for entry in &demo.entries {
        tree.push(entry.hash());
    }
    let head = tree.tree_head();
    let cp = checkpoint::Checkpoint::new(&demo.origin, head.size, head.root)
        .context("making the demo's checkpoint")?;
    let note = checkpoint::sign(&cp, &demo.log_signer);
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
        head.size,
        t("个条目", "entries")
    );
    println!(
        "  cargo run -q -p gongzhang-verify -- {}/log.jsonl --checkpoint {}/checkpoint --key {}{}",
        dir.display(),
        dir.display(),
        demo.log_signer.verifier(),
        if en { " --lang en" } else { "" }
    );
    Ok(())
}
