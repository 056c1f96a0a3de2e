//! Test data the program does not ship: long generated logs for tests and benchmarks
//! ([`generate`], [`large`]), the verifier's benchmark (`bench-verify`), the writer of the
//! specification's vectors (`write-vectors`) and the ledger benchmarks. What the program ships
//! (the example ledger, the vectors, the demo community) is in `gongzhang-demo`.
//!
//! Everything here is derived from fixed seeds, so running it twice gives the same bytes.

pub mod generate;
pub mod large;
