//! The Gongzhang log format, and the code that proves things about it.
//!
//! This crate is the part that both the server and the standalone verifier trust, so it does no
//! I/O: no files, no network, no clock, no database, no async. Callers hand it bytes and times; it
//! hands back parsed values, hashes, signatures, proofs and typed errors. It holds no wording for
//! people beyond its errors' English `Display`: the Chinese, the names and the formatting are in
//! `gongzhang-text`. About 11,400 lines outside its tests, in 37 files, none over 800: half the
//! C2SP formats and the log, half the community ledger's rule book.
//!
//! - [`canonical`]: RFC 8785 canonical JSON, strictly parsed.
//! - [`hash`]: SHA-256 leaf and node hashes (RFC 6962).
//! - [`keys`]: author keys (checked: on the curve, canonically encoded, not weak) and signing.
//! - [`entry`]: the log entry, its hash and its author signatures.
//! - [`log`]: appending entries to a log and verifying a log as a stream.
//! - [`stream`]: the same verification spread over worker threads.
//! - [`merkle`]: the RFC 6962/9162 Merkle tree, inclusion and consistency proofs.
//! - [`note`], [`checkpoint`], [`cosignature`], [`tlog_proof`]: the C2SP formats for signed
//!   checkpoints, witness cosignatures and portable inclusion proofs.
//! - [`witness`]: the witness protocol (c2sp.org/tlog-witness): the add-checkpoint request and
//!   the checks a witness makes before it cosigns.
//! - [`submission`]: a signed event as an author submits it to a ledger server.
//! - [`attachment`]: the files a ledger keeps (recognised by their bytes) and the signed
//!   authorisation of an upload.
//! - [`manifest`]: the export bundle's `SHA256SUMS` lines.
//! - [`ledger`]: the community ledger: its events ([`ledger::events::EventKind`] their types),
//!   the state after some entries ([`ledger::Ledger`]), the rules every entry keeps (one file
//!   per group of event kinds, refusals as [`ledger::Violation`]), and the reports recomputed
//!   from it (statements, arrears, budget against actual), and the journals for hledger,
//!   ledger-cli and beancount.

pub mod attachment;
pub mod canonical;
pub mod checkpoint;
pub mod cosignature;
pub mod entry;
pub mod hash;
pub mod keys;
pub mod ledger;
pub mod log;
pub mod manifest;
pub mod merkle;
pub mod note;
pub mod stream;
pub mod submission;
pub mod tlog_proof;
pub mod witness;

pub use hash::Hash;
