//! Published statements against the ones recomputed from the log.

use super::{Checked, Halt, display_name, failure};
use crate::inputs::{self, Inputs};
use crate::report::{OutcomeKind, Report, StatementInfo};
use gongzhang_core::ledger::events::Statement;
use gongzhang_core::ledger::{Ledger, first_difference};
use gongzhang_text::Lang;
use std::path::PathBuf;

/// Reads the published statements (given with `--statement`, or a bundle's); one that is not a
/// period statement is an input error.
pub(super) fn read(inputs: &Inputs) -> anyhow::Result<Vec<(PathBuf, Statement)>> {
    inputs
        .statements
        .iter()
        .map(|p| Ok((p.clone(), inputs::read_statement(p)?)))
        .collect()
}

/// Checks each published statement against the one the ledger gives for its period.
pub(super) fn check(
    report: &mut Report,
    statements: &[(PathBuf, Statement)],
    ledger: &Ledger,
    lang: Lang,
) -> Checked<()> {
    for (path, published) in statements {
        let recomputed = ledger.statement(published.period);
        let a = serde_json::to_value(published).unwrap_or_default();
        let b = serde_json::to_value(&recomputed).unwrap_or_default();
        if let Some((at, was, is)) = first_difference("", &a, &b) {
            return Err(Halt::failed(
                OutcomeKind::StatementMismatch,
                failure(
                    "statement_differs",
                    None,
                    format!(
                        "{} {}（{} — {}）{} {}：{} {was}，{} {is}",
                        lang.pick("公示报表", "the published statement"),
                        display_name(path),
                        published.period.from,
                        published.period.to,
                        lang.pick("在", "differs at"),
                        at.trim_start_matches('.'),
                        lang.pick("公示的是", "published"),
                        lang.pick("日志算出的是", "the log gives")
                    ),
                    lang.pick(
                        "贴出来的报表与经过签名的日志不一致：以日志为准，请向业委会询问。",
                        "the posted statement disagrees with the signed log: the log is authoritative; ask the committee.",
                    ),
                ),
            ));
        }
        report.statements.push(StatementInfo {
            file: display_name(path),
            period: format!("{} — {}", published.period.from, published.period.to),
        });
    }
    if !statements.is_empty() {
        report.checks.push("statements");
    }
    Ok(())
}
