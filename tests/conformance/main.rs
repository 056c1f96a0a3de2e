//! Conformance against the external vectors in `../shared/vectors/` (see its README for sources).

mod jcs;
mod merkle;
mod signed_note;
