//! Durable storage of Gongzhang ledgers, in the esrs style but our own: entries are appended in
//! batches after the core's rules accept them, stored as their exact canonical bytes, and the
//! projections, Merkle tree nodes and a signed checkpoint are written in the same transaction.
//!
//! Two backends implement [`backend::Backend`]: SQLite ([`sqlite::SqliteBackend`], the embedded
//! default: one file, WAL, `synchronous=FULL`, `BEGIN IMMEDIATE`) and PostgreSQL
//! ([`postgres::PostgresBackend`]: many ledgers in one database, every table keyed by ledger id,
//! appenders serialised per ledger). [`Store`] holds the logic they share: validation with
//! `gongzhang_core`, group commit, checkpoints, proofs from stored Merkle nodes, projections and
//! their rebuild.
//!
//! ```no_run
//! # async fn example(genesis: gongzhang_core::entry::Entry,
//! #     log_key: gongzhang_core::note::SignerKey,
//! #     submission: gongzhang_store::Submission) -> Result<(), Box<dyn std::error::Error>> {
//! use gongzhang_store::{Store, sqlite::SqliteBackend};
//! let store = Store::new(SqliteBackend::open("ledgers.sqlite").await?);
//! let origin = "gongzhang.example/hexie-jiayuan";
//! store.create_ledger(genesis, log_key).await?; // or, on restart: store.add_log_key(origin, key)
//! let receipt = store.append(origin, submission).await?; // durable when it returns
//! let proof = store.tlog_proof(origin, receipt.seq, Some(receipt.checkpoint.size)).await?;
//! # Ok(()) }
//! ```

pub mod backend;
pub mod import;
pub mod postgres;
mod sql;
pub mod sqlite;
pub mod store;
pub mod witness;

pub use backend::{Backend, LedgerId, StoreError};
pub use import::{ImportError, Imported};
pub use store::{
    AppendError, Clock, CosignError, ProofError, RebuildReport, Receipt, Store, Submission,
};
pub use witness::{WitnessHead, WitnessRefusal, WitnessState};
