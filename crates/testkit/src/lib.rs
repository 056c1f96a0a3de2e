//! Deterministic example ledgers.
