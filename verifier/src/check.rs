//! The checks, in one streaming pass over the log, then the checks that need the whole ledger
//! (the checkpoint's root, receipts, published statements, attachments, the bundle's manifest).
//!
//! [`run`] reads every input first (one that cannot be read or parsed is an input error, exit
//! code 2), then checks in a fixed order and stops at the first failure (exit code 1): the
//! checkpoint with the log key given ([`checkpoints`]), the log and the ledger's rules in one
//! streaming pass ([`pass`]), then receipts, published statements, attachments and the bundle's
//! manifest. What was checked before a failure stays in the report.

mod anchors;
mod checkpoints;
mod files;
mod lines;
mod pass;
mod receipts;
mod statements;
mod summary;

use crate::Args;
use crate::inputs;
use crate::report::{Failure, OutcomeKind, Report};
use anchors::Anchors;
use gongzhang_text::Lang;
use std::path::Path;

use gongzhang_text::Explain;
pub use gongzhang_text::code_of;

/// Why the checks stopped before the end.
enum Halt {
    /// A check failed; the report says which (exit code 1).
    Failed(OutcomeKind, Box<Failure>),
    /// An input could not be read or makes no sense (exit code 2).
    Input(anyhow::Error),
}

impl Halt {
    /// A failed check.
    fn failed(outcome: OutcomeKind, failure: Failure) -> Halt {
        Halt::Failed(outcome, Box::new(failure))
    }
}

impl From<anyhow::Error> for Halt {
    fn from(error: anyhow::Error) -> Halt {
        Halt::Input(error)
    }
}

/// The result of a step: its value, or why the checks stop there.
type Checked<T> = Result<T, Halt>;

/// A failure as the report tells it, not yet naming an entry.
fn failure(code: impl Into<String>, seq: Option<u64>, message: String, meaning: &str) -> Failure {
    Failure {
        code: code.into(),
        seq,
        message,
        meaning: meaning.to_string(),
        entry: None,
    }
}

/// Runs every check. `Err` is a usage or input error (exit code 2); a failed check is a report.
pub fn run(args: &Args, lang: Lang) -> anyhow::Result<Report> {
    let mut report = Report::new();
    match check_all(args, lang, &mut report) {
        Ok(()) => {
            report.verified = true;
            report.outcome = OutcomeKind::Verified;
            Ok(report)
        }
        Err(Halt::Failed(outcome, failure)) => Ok(report.fail(outcome, *failure)),
        Err(Halt::Input(error)) => Err(error),
    }
}

/// The steps in their order; each records in `report` what it checked.
fn check_all(args: &Args, lang: Lang, report: &mut Report) -> Checked<()> {
    let inputs = inputs::resolve(args)?;
    let anchors = Anchors::read(args, &inputs, lang)?;
    let mut receipts = receipts::read(&args.receipts)?;
    let statements = statements::read(&inputs)?;
    let opened = checkpoints::open_with_given_key(&anchors, lang)?;
    let log = pass::verify_log(args, &inputs, &anchors, opened, &mut receipts, lang)?;
    summary::record(report, &anchors, &log, lang);
    receipts::check(report, &receipts, &log, anchors.key.as_ref(), lang)?;
    statements::check(report, &statements, &log.ledger, lang)?;
    files::check_attachments(report, &inputs, &log.refs, lang)?;
    files::check_manifest(report, &inputs, lang)?;
    Ok(())
}

/// A file's name without its folder, as the report names it.
fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    )
}
