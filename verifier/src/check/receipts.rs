//! Receipts: tlog-proofs a resident was given, checked against the log.

use crate::report::EntryInfo;
use gongzhang_core::Hash;
use gongzhang_core::merkle::TreeHead;
use gongzhang_core::tlog_proof::TlogProof;

/// A receipt read from a file, and what the log showed about it.
pub(super) struct Receipt {
    pub(super) file: String,
    pub(super) proof: TlogProof,
    pub(super) checkpoint: Option<TreeHead>,
    pub(super) leaf: Option<Hash>,
    pub(super) head_at_size: Option<TreeHead>,
    pub(super) entry: Option<EntryInfo>,
}
