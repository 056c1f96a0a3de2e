//! The example ledger and generated logs: verification, tampering, schemas, the spec's vectors,
//! and the dependency rules between crates.

#![allow(clippy::unwrap_used)] // A test that cannot read its vectors should stop loudly.

mod dependencies;
mod event_schemas;
mod journal;
mod model;
mod rules;
mod schemas;
mod tamper;
mod vectors;
