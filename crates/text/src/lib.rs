//! Gongzhang's words for people, in one place: Chinese (zh-CN) first, English available.
//!
//! The trusted crates (`gongzhang-core` and the rule book in it) return typed errors and typed
//! values; this crate turns them into what a treasurer, a committee member, a resident or an
//! auditor reads. It holds no rule: changing a word here cannot change what a log proves.
//!
//! - [`Lang`]: the one language type every page, report and command line uses.
//! - [`explain`]: every error a person can meet, explained ([`Explain`]), and its stable code.
//! - [`names`]: the names of funds, categories, roles, owners' matters and event kinds; keys,
//!   months and times as people read them.
//! - [`format`]: amounts in yuan from integer fen, log times in Beijing time, short keys.
//! - [`api`]: what the ledger server's API says when it refuses a request.
//! - [`csv`]: a period statement as a CSV file that Excel opens correctly.

pub mod api;
pub mod csv;
pub mod explain;
pub mod format;
pub mod lang;
pub mod names;

pub use explain::{Explain, code_of};
pub use lang::Lang;
