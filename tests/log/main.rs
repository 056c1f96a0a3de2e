//! The example ledger and generated logs: verification, tampering, schemas, the spec's vectors,
//! and the dependency rules between crates.

mod dependencies;
mod schemas;
mod tamper;
mod vectors;
