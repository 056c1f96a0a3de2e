//! Data the `gongzhang` program ships on purpose, generated deterministically from fixed seeds
//! (running it twice gives the same bytes):
//!
//! - [`example`] and [`vectors`]: the specification's example ledger and the files of
//!   `schemas/vectors/`, which `gongzhang sample` writes and verifies;
//! - [`community`]: the demo community 幸福里小区, which `gongzhang demo` serves and
//!   `gongzhang sample` writes.
//!
//! The tests and benchmarks use the same data; what only they need (long generated logs, the
//! verifier's benchmark) is in `gongzhang-testkit`, outside the program's dependencies.

pub mod community;
pub mod example;
pub mod rng;
pub mod vectors;
