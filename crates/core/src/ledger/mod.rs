//! The community ledger: its events, the rules every entry must keep, and the projections
//! (balances, statements, arrears) folded from the log. Pure: the server and the verifier run
//! exactly this code.

pub mod accounts;
pub mod events;
pub mod households;
pub mod rules;
pub mod types;
