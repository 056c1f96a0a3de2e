//! Small constructors of the ledger's value types. Every literal the generator writes is valid; a
//! failure is a bug in the generator.

use gongzhang_core::ledger::types::{Fen, FundId, Label, Slug};

pub(super) fn fen(v: i64) -> Fen {
    Fen::new(v).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn label(s: &str) -> Label {
    Label::try_from(s).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn slug(s: &str) -> Slug {
    Slug::try_from(s).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn fund(s: &str) -> FundId {
    FundId::try_from(s).unwrap_or_else(|e| panic!("{e}"))
}
