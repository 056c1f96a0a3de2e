//! Receipts: tlog-proofs a resident was given, checked against the log. The entry a receipt
//! proves must be in this log, and the checkpoint it carries must be this log's history.

use super::checkpoints::history_failure;
use super::pass::VerifiedLedger;
use super::{Checked, Halt, code_of, display_name, failure};
use crate::inputs;
use crate::report::{self, EntryInfo, OutcomeKind, ReceiptInfo, Report};
use anyhow::Context as _;
use gongzhang_core::Hash;
use gongzhang_core::checkpoint;
use gongzhang_core::entry::Entry;
use gongzhang_core::merkle::{MerkleAccumulator, TreeHead};
use gongzhang_core::note::VerifierKey;
use gongzhang_core::tlog_proof::{self, TlogProof};
use gongzhang_text::Lang;
use std::path::PathBuf;

/// A receipt read from a file, and what the log showed about it.
pub(super) struct Receipt {
    pub(super) file: String,
    pub(super) proof: TlogProof,
    pub(super) checkpoint: Option<TreeHead>,
    pub(super) leaf: Option<Hash>,
    pub(super) head_at_size: Option<TreeHead>,
    pub(super) entry: Option<EntryInfo>,
}

/// Reads and parses the receipts given with `--receipt`; one that is not a tlog-proof is an
/// input error.
pub(super) fn read(paths: &[PathBuf]) -> anyhow::Result<Vec<Receipt>> {
    let mut receipts = Vec::new();
    for path in paths {
        let text = inputs::read_small(path, tlog_proof::MAX_PROOF_BYTES as u64, "the receipt")?;
        let proof = TlogProof::parse(&text)
            .with_context(|| format!("the receipt {} is not a tlog-proof", path.display()))?;
        let checkpoint = checkpoint::Checkpoint::parse(
            proof
                .checkpoint_note()
                .split("\n\n")
                .next()
                .map(|body| format!("{body}\n"))
                .unwrap_or_default()
                .as_str(),
        )
        .ok()
        .map(|c| c.tree_head());
        receipts.push(Receipt {
            file: display_name(path),
            proof,
            checkpoint,
            leaf: None,
            head_at_size: None,
            entry: None,
        });
    }
    Ok(receipts)
}

impl Receipt {
    /// Notes what the log shows about this receipt at `entry`: the leaf it proves, and the
    /// log's tree head at the size of the receipt's checkpoint.
    pub(super) fn observe(&mut self, entry: &Entry, tree: &MerkleAccumulator, lang: Lang) {
        if self.proof.index() == entry.seq() {
            self.leaf = Some(entry.hash());
            self.entry = Some(report::describe(entry, lang));
        }
        if self.checkpoint.is_some_and(|c| c.size == tree.size()) {
            self.head_at_size = Some(tree.tree_head());
        }
    }
}

/// Checks every receipt against the log: the entry is in this log, and the receipt's checkpoint
/// is this log's history.
pub(super) fn check(
    report: &mut Report,
    receipts: &[Receipt],
    log: &VerifiedLedger,
    key: Option<&VerifierKey>,
    lang: Lang,
) -> Checked<()> {
    let named = VerifierKey::parse(log.ledger.log_key()).ok();
    let log_key = named.as_ref().or(key);
    for r in receipts {
        let Some(log_key) = log_key else { break };
        let info = check_one(r, log, log_key, lang)?;
        report.receipts.push(info);
    }
    if !receipts.is_empty() {
        report.checks.push("receipts");
    }
    Ok(())
}

/// Checks one receipt.
fn check_one(
    r: &Receipt,
    log: &VerifiedLedger,
    log_key: &VerifierKey,
    lang: Lang,
) -> Checked<ReceiptInfo> {
    let fail = |code: &str, message: String, meaning: &str| {
        let mut f = failure(code, Some(r.proof.index()), message, meaning);
        f.entry = r.entry.clone();
        Halt::failed(OutcomeKind::ReceiptRejected, f)
    };
    let Some(leaf) = r.leaf else {
        return Err(fail(
            "receipt_beyond_log",
            format!(
                "{} {}：{} {} {}",
                lang.pick("收据", "receipt"),
                r.file,
                lang.pick("证明的是第", "proves entry"),
                r.proof.index(),
                lang.pick("条，但日志里没有这一条", "but the log has no such entry")
            ),
            lang.pick(
                "你缴费时拿到的收据所证明的记录不在公布的日志里：日志被删减了。",
                "the record your receipt proves is not in the published log: entries were removed.",
            ),
        ));
    };
    let proven = tlog_proof::verify(&r.proof, &leaf, &log.origin, log_key, None).map_err(|e| {
        fail(
            &code_of(&e),
            format!("{} {}：{e}", lang.pick("收据", "receipt"), r.file),
            lang.pick(
                "这张收据不是这个账本签发的，或它证明的记录与日志里的不同。",
                "this receipt was not issued by this ledger, or the record it proves differs from the log's.",
            ),
        )
    })?;
    let head = proven.tree_head();
    if head.size > log.log.tree_head.size {
        return Err(Halt::failed(
            OutcomeKind::HistoryRewritten,
            history_failure(head, None, lang),
        ));
    }
    if r.head_at_size != Some(head) {
        return Err(Halt::failed(
            OutcomeKind::HistoryRewritten,
            history_failure(head, r.head_at_size, lang),
        ));
    }
    Ok(ReceiptInfo {
        file: r.file.clone(),
        seq: r.proof.index(),
        checkpoint_size: head.size,
        entry: r.entry.clone(),
    })
}
