//! Conformance against the external vectors in `tests/vectors/` (see its README for sources).

#![allow(clippy::unwrap_used)] // A test that cannot read its vectors should stop loudly.

mod jcs;
mod merkle;
mod signed_note;
