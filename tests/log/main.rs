//! The example ledger: the spec's vectors, tampering, schemas, dependency rules.
