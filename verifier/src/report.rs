//! The report a resident reads: zh-CN by default, English with `--lang en`.

use gongzhang_core::entry::RecordedAt;
use gongzhang_core::ledger::rules::{Ledger, RuleError};
use gongzhang_core::log::{LogError, VerifiedLog};
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::messages::Explain as _;
use std::fmt::Write as _;
use time::UtcOffset;

/// The report's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// 简体中文
    Zh,
    /// English
    En,
}

impl Lang {
    /// The same language for the core's messages.
    pub fn core(self) -> gongzhang_core::messages::Lang {
        match self {
            Lang::Zh => gongzhang_core::messages::Lang::Zh,
            Lang::En => gongzhang_core::messages::Lang::En,
        }
    }

    /// The text in this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// What verification concluded.
#[derive(Debug)]
pub enum Outcome {
    /// Everything checked.
    Verified {
        /// What the log established.
        log: VerifiedLog,
        /// The ledger it holds.
        ledger: Box<Ledger>,
        /// Witnesses whose cosignatures verified: (name, time in seconds since 1970 UTC).
        cosignatures: Vec<(String, u64)>,
        /// The older checkpoint the log was shown to extend.
        older: Option<TreeHead>,
    },
    /// The log is not an extension of a checkpoint saved before: history was rewritten.
    HistoryRewritten {
        /// The saved checkpoint's tree head.
        saved: TreeHead,
        /// The log's tree head at the saved size (`None`: the log is shorter than the saved one).
        found: Option<TreeHead>,
    },
    /// An entry breaks a ledger rule.
    RuleBroken {
        /// The first rule broken.
        error: RuleError,
    },
    /// The checkpoint is not signed by the log key or is malformed.
    CheckpointRejected(String),
    /// The log failed a check.
    LogRejected {
        /// The first failure.
        error: LogError,
    },
}

impl Outcome {
    /// Whether the log verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Outcome::Verified { .. })
    }
}

/// Times are UTC in the log and shown in Beijing time (UTC+8, Asia/Shanghai has no DST).
fn beijing(t: RecordedAt) -> String {
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    let local = t.as_offset_date_time().to_offset(offset);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}

/// Renders the report.
pub fn render(outcome: &Outcome, lang: Lang) -> String {
    let mut out = String::new();
    match outcome {
        Outcome::Verified {
            log,
            ledger,
            cosignatures,
            older,
        } => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "✔ 核对通过：账本完整，未被改动。",
                    "✔ Verified: the ledger is whole and unaltered."
                )
            );
            let _ = writeln!(out, "  {} {}", lang.pick("账本：", "ledger:"), log.origin);
            let _ = writeln!(
                out,
                "  {} {}",
                lang.pick("条目数：", "entries:"),
                log.tree_head.size
            );
            let _ = writeln!(
                out,
                "  {} {} — {} ({})",
                lang.pick("时间范围：", "period:"),
                beijing(log.first_time),
                beijing(log.last_time),
                lang.pick("北京时间", "Beijing time")
            );
            let _ = writeln!(
                out,
                "  {} {}",
                lang.pick("创世条目哈希：", "genesis entry hash:"),
                log.genesis_hash
            );
            let _ = writeln!(
                out,
                "  {} {}",
                lang.pick(
                    "检查点根哈希（与公告栏核对）：",
                    "checkpoint root hash (compare with the notice board):"
                ),
                log.tree_head.root
            );
            if let Some(saved) = older {
                let _ = writeln!(
                    out,
                    "  {} {}",
                    lang.pick(
                        "与你以前保存的检查点一致（只增加、没有改写），当时的条目数：",
                        "consistent with the checkpoint you saved before (it only grew, nothing was rewritten); its size:"
                    ),
                    saved.size
                );
            }
            for (name, at) in cosignatures {
                let when = i64::try_from(*at)
                    .ok()
                    .and_then(|s| s.checked_mul(1000))
                    .and_then(RecordedAt::from_unix_ms)
                    .map_or_else(|| at.to_string(), beijing);
                let _ = writeln!(
                    out,
                    "  {} {name}（{when}）",
                    lang.pick("见证人联署：", "cosigned by witness:")
                );
            }
            let _ = writeln!(
                out,
                "  {}",
                lang.pick("各项资金余额（元）：", "fund balances (yuan):")
            );
            for (fund, balance) in ledger.fund_balances() {
                let _ = writeln!(
                    out,
                    "    {:>14}  {}",
                    balance.to_string(),
                    fund_name(fund.as_str(), lang)
                );
            }
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "  已核对：每行格式规范、序号连续、哈希链完整、每个签名有效、每笔记录符合账本规则（授权、不透支、明码标价、结账报表与日志一致），默克尔根与日志公钥签名的检查点一致。",
                    "  Checked: every line canonical, sequence dense, hash chain intact, every signature valid, every entry within the ledger rules (authorisation, no overdraft, posted standard, period closes equal to the log), Merkle root equal to the checkpoint signed by the log key."
                )
            );
        }
        Outcome::RuleBroken { error } => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "✘ 核对失败：有一笔记录违反了账本规则。",
                    "✘ Verification failed: an entry breaks the ledger's rules."
                )
            );
            let _ = writeln!(
                out,
                "  {} {}",
                lang.pick("第一个问题：", "first problem:"),
                error.explain(lang.core())
            );
            let _ = writeln!(
                out,
                "  {}",
                lang.pick(
                    "这意味着：签名和哈希链都没问题，但这笔记录本不该被接受（例如未经授权、资金透支、金额与公示标准不符）。",
                    "what it means: signatures and chain are fine, but this entry should never have been accepted (unauthorised, overdrawn, or not the posted standard)."
                )
            );
        }
        Outcome::HistoryRewritten { saved, found } => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "✘ 核对失败：账本的历史被改写过。",
                    "✘ Verification failed: the ledger's history was rewritten."
                )
            );
            match found {
                Some(now) => {
                    let _ = writeln!(
                        out,
                        "  {} {}: {} ≠ {}",
                        lang.pick(
                            "你以前保存的检查点与现在日志的前面部分不一致。条目数",
                            "the checkpoint you saved differs from the start of the log now. Size"
                        ),
                        saved.size,
                        saved.root,
                        now.root
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  {} {}",
                        lang.pick(
                            "你以前保存的检查点包括的条目比现在的日志还多：日志被删减了。保存的条目数：",
                            "the checkpoint you saved covers more entries than the log has now: entries were removed. Saved size:"
                        ),
                        saved.size
                    );
                }
            }
        }
        Outcome::CheckpointRejected(reason) => {
            let _ = writeln!(out, "{}", lang.pick("✘ 核对失败：检查点不是由这个账本的日志密钥签名的，或格式有误。", "✘ Verification failed: the checkpoint is not signed by this ledger's log key, or is malformed."));
            let _ = writeln!(out, "  {} {reason}", lang.pick("原因：", "reason:"));
        }
        Outcome::LogRejected { error } => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "✘ 核对失败：日志与检查点不符，或日志被改动过。",
                    "✘ Verification failed: the log does not match the checkpoint, or was altered."
                )
            );
            let _ = writeln!(
                out,
                "  {} {}",
                lang.pick("第一个问题：", "first problem:"),
                error.explain(lang.core())
            );
        }
    }
    out
}

fn fund_name(fund: &str, lang: Lang) -> String {
    match fund {
        "operating" => lang
            .pick("物业费（运营资金）", "operating fund")
            .to_string(),
        "public_revenue" => lang.pick("公共收益", "public revenue").to_string(),
        "maintenance" => lang.pick("维修资金", "maintenance fund").to_string(),
        other => match lang {
            Lang::Zh => format!("专项资金 {}", other.trim_start_matches("project:")),
            Lang::En => format!("restricted fund {}", other.trim_start_matches("project:")),
        },
    }
}
