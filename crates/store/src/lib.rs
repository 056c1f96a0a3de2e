//! Durable storage of Gongzhang ledgers, in the esrs style but our own: entries are appended in
//! batches after the core's rules accept them, stored as their exact canonical bytes, and the
//! projections, Merkle tree nodes and a signed checkpoint are written in the same transaction.
//!
//! Two backends implement [`backend::Backend`]: SQLite (the embedded default: one file, WAL,
//! `synchronous=FULL`, `BEGIN IMMEDIATE`) and PostgreSQL (many ledgers in one database, every
//! table keyed by ledger id, appenders serialised per ledger). [`Store`] holds the logic they
//! share: validation with `gongzhang_core`, group commit, checkpoints, proofs, rebuild.
//!
//! STATUS: the contract (this file and `backend.rs`) is fixed; the bodies are being written.

pub mod backend;

pub use backend::{Backend, LedgerId, StoreError};
