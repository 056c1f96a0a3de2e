//! The `gongzhang` program's parts: keys, recording events, the demo community, serving, export.
//! `main.rs` only turns the command line into calls here and a result into an exit code.

pub mod client;
pub mod demo;
pub mod export;
pub mod init;
pub mod keygen;
pub mod record;
pub mod restore;
pub mod sample;
pub mod serve;
pub mod submit;
pub mod witness;
