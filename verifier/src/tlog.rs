//! `gongzhang-verify tlog-proof`: checks any C2SP tlog-proof against a log's key, so that the
//! proof format is interoperable, not just Gongzhang's.

use crate::report::Lang;
use std::path::PathBuf;
use std::process::ExitCode;

/// Checking one C2SP tlog-proof.
#[derive(Debug, clap::Args)]
pub struct TlogProofArgs {
    /// 日志的验证密钥串 / the log's verifier key string
    #[arg(long)]
    pub key: String,
    /// 日志的 origin（检查点第一行）/ the log's origin (the checkpoint's first line)
    #[arg(long)]
    pub origin: String,
    /// 叶子数据文件 / the file holding the leaf's data
    #[arg(long)]
    pub leaf: PathBuf,
    /// tlog-proof 文件 / the tlog-proof file
    pub proof: PathBuf,
}

/// Runs the subcommand: exit 0 when the proof verifies, 1 when it does not, 2 on bad input.
pub fn main(args: &TlogProofArgs, lang: Lang) -> ExitCode {
    let _ = (args, lang);
    eprintln!("tlog-proof: not yet implemented");
    ExitCode::from(2)
}
