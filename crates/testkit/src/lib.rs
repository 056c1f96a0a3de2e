//! Deterministic example ledgers: the small one whose files are the specification's test vectors
//! (`schemas/vectors/`), and larger generated logs for tests and benchmarks.
//!
//! Everything here is derived from fixed seeds, so running it twice gives the same bytes.

pub mod demo;
pub mod example;
pub mod generate;
pub mod large;
pub mod vectors;
