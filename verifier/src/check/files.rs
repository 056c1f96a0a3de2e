//! The files beside the log: the attachments, each named by its SHA-256, and the export
//! bundle's manifest of SHA-256 sums.

use super::{Checked, Halt, failure};
use crate::inputs::{self, Inputs, ManifestProblem};
use crate::report::{AttachmentInfo, Failure, OutcomeKind, Report};
use gongzhang_core::Hash;
use gongzhang_text::Lang;
use std::collections::BTreeSet;

/// Hashes the attachments directory, if there is one: a file whose content does not have the
/// hash its name says fails; the report counts the files the entries name (`refs`) that are
/// there, missing, and those no entry names.
pub(super) fn check_attachments(
    report: &mut Report,
    inputs: &Inputs,
    refs: &BTreeSet<Hash>,
    lang: Lang,
) -> Checked<()> {
    let Some(dir) = &inputs.attachments else {
        return Ok(());
    };
    let files = inputs::check_attachments(dir)?;
    if let Some((name, named, found)) = files.bad {
        return Err(Halt::failed(
            OutcomeKind::AttachmentMismatch,
            failure(
                "attachment_hash_mismatch",
                None,
                format!(
                    "{} {name}：{} {named}，{} {found}",
                    lang.pick("附件", "attachment"),
                    lang.pick("文件名说它的 SHA-256 是", "its name says SHA-256"),
                    lang.pick("实际是", "its content has")
                ),
                lang.pick(
                    "这份附件（如发票扫描件）在登记之后被替换或改动过。",
                    "this attachment (e.g. a scanned invoice) was replaced or changed after it was recorded.",
                ),
            ),
        ));
    }
    let good: BTreeSet<Hash> = files.good.iter().copied().collect();
    let present = refs.intersection(&good).count();
    report.attachments = Some(AttachmentInfo {
        referenced: refs.len(),
        present,
        missing: refs.len() - present,
        unreferenced: good.difference(refs).count() + files.ignored,
    });
    report.checks.push("attachments");
    Ok(())
}

/// Checks every file the bundle's manifest lists, if there is a manifest.
pub(super) fn check_manifest(report: &mut Report, inputs: &Inputs, lang: Lang) -> Checked<()> {
    let Some(manifest) = &inputs.manifest else {
        return Ok(());
    };
    match inputs::check_manifest(manifest)? {
        Ok(n) => {
            report.manifest_files = Some(n);
            report.checks.push("manifest");
            Ok(())
        }
        Err(problem) => Err(Halt::failed(
            OutcomeKind::ManifestMismatch,
            manifest_failure(problem, lang),
        )),
    }
}

/// A manifest line that does not hold, as the report tells it.
fn manifest_failure(problem: ManifestProblem, lang: Lang) -> Failure {
    let (code, message) = match problem {
        ManifestProblem::Missing { file } => (
            "file_missing",
            format!(
                "{} {file}",
                lang.pick(
                    "清单里列出的文件不在导出包里：",
                    "a file the manifest lists is missing:"
                )
            ),
        ),
        ManifestProblem::Changed {
            file,
            listed,
            found,
        } => (
            "file_changed",
            format!(
                "{file}：{} {listed}，{} {found}",
                lang.pick("清单记录的 SHA-256 是", "the manifest lists SHA-256"),
                lang.pick("实际是", "the file has")
            ),
        ),
        ManifestProblem::BadLine { line } => (
            "bad_manifest_line",
            format!(
                "{} {line} {}",
                lang.pick("清单 SHA256SUMS 第", "line"),
                lang.pick("行格式不对", "of SHA256SUMS is malformed")
            ),
        ),
    };
    failure(
        code,
        None,
        message,
        lang.pick(
            "导出包在街道办导出之后被改动过，或不完整。",
            "the bundle was changed after it was exported, or is incomplete.",
        ),
    )
}
