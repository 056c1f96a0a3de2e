//! `gongzhang-verify tlog-proof`: checks any C2SP tlog-proof (`c2sp.org/tlog-proof@v1`) against a
//! log's verifier key, so that the proof format is interoperable, not just Gongzhang's.
//!
//! Exit codes: 0 the proof verifies, 1 it does not (the report names why), 2 usage or input error
//! (unreadable or oversized files, a malformed key, a proof text that does not parse).

mod inputs;
mod render;
mod zh;

use gongzhang_text::Lang;
use inputs::Inputs;
use render::{render_failure, render_verified};
use std::path::PathBuf;
use std::process::ExitCode;

/// Largest leaf file read, in bytes. Leaves of transparency logs are records of a few hundred
/// bytes to a few kilobytes (a Gongzhang entry is at most `entry::ENTRY_BYTES_MAX`); the bound
/// only keeps a wrong file (a disk image, a device) from filling memory.
pub const MAX_LEAF_BYTES: usize = 64 << 20;

/// Checking one C2SP tlog-proof.
#[derive(Debug, clap::Args)]
pub struct TlogProofArgs {
    /// 日志的验证密钥串（C2SP signed-note 格式：名称+密钥ID+密钥）/ the log's verifier key string (C2SP signed-note: name+keyid+key)
    #[arg(long, value_name = "VKEY")]
    pub key: String,
    /// 日志的 origin（检查点第一行）/ the log's origin (the checkpoint's first line)
    #[arg(long)]
    pub origin: String,
    /// 叶子数据文件（原样，不多不少；公账条目不含行尾换行）/ the file holding the leaf's exact data (a Gongzhang entry without its line feed)
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "leaf_hash",
        conflicts_with = "leaf_hash"
    )]
    pub leaf: Option<PathBuf>,
    /// 叶子哈希 SHA-256(0x00 ‖ 数据)，64 位十六进制（或 base64），代替 --leaf / the leaf hash SHA-256(0x00 ‖ data) in hex (or base64), instead of --leaf
    #[arg(long, value_name = "HEX")]
    pub leaf_hash: Option<String>,
    /// 见证人的联署公钥（可重复）/ a witness's cosigner key (repeatable)
    #[arg(long = "witness", value_name = "KEY")]
    pub witnesses: Vec<String>,
    /// 至少需要几位见证人联署（默认：所给的全部）/ how many witnesses must have cosigned (default: all given)
    #[arg(long, value_name = "N", requires = "witnesses")]
    pub witnesses_required: Option<usize>,
    /// tlog-proof 文件 / the tlog-proof file
    pub proof: PathBuf,
}

/// Runs the subcommand: exit 0 when the proof verifies, 1 when it does not, 2 on bad input.
pub fn main(args: &TlogProofArgs, lang: Lang) -> ExitCode {
    let inputs = match Inputs::read(args, lang) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("{}: {message}", lang.pick("输入错误", "input error"));
            return ExitCode::from(2);
        }
    };
    match inputs.verify(&inputs.leaf.hash) {
        Ok(verified) => {
            print!("{}", render_verified(&inputs, &verified, lang));
            ExitCode::SUCCESS
        }
        Err(error) => {
            print!("{}", render_failure(&inputs, &error, lang));
            ExitCode::from(1)
        }
    }
}

/// `name+keyid`, as key strings and signature lines name a key.
fn key_label(name: &str, key_id: u32) -> String {
    format!("{name}+{key_id:08x}")
}
