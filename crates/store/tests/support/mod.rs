//! Test support shared by the store's test binary and benchmarks.

pub mod pg;
