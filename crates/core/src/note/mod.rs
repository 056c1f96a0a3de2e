//! C2SP signed notes (`c2sp.org/signed-note@v1.0.0`) with Ed25519 signatures (type `0x01`).
//!
//! A signed note is a text ending in a newline, a blank line, and one or more signature lines
//! `— <key name> base64(key id ‖ signature)`:
//!
//! ```text
//! If you think cryptography is the answer to your problem,
//! then you don't know what your problem is.
//!
//! — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=
//! ```
//!
//! Keys are written as *verifier keys* `name+keyid+base64(type ‖ public key)` and *signer keys*
//! `PRIVATE+KEY+name+keyid+base64(type ‖ seed)`, the forms of golang.org/x/mod/sumdb/note.
//!
//! Reading is at least as strict as the Go implementation: valid UTF-8 (by type), no control
//! characters but newline, at most [`MAX_SIGNATURE_LINES`] signature lines, canonical base64.
//! Signatures from unknown keys are kept but not trusted; a signature from a known key that does
//! not verify rejects the whole note. Witness cosignatures (type `0x04`, see
//! [`crate::cosignature`]) are ordinary signature lines here, unknown to [`open`].
//!
//! The parts: key names (`name.rs`), key strings and the named keys shared with cosignatures
//! (`identity.rs`), [`VerifierKey`] and [`SignerKey`] (`keys.rs`), the text format of signature
//! lines and notes (`format.rs`), [`open`] (`open.rs`) and [`sign`] (`sign.rs`).

mod format;
mod identity;
mod keys;
mod name;
mod open;
mod sign;

pub use format::{NoteError, SignatureLine, SignatureLineError, append_signatures, parse};
pub use identity::KeyError;
pub(crate) use identity::{PublicKeyIdentity, SecretKeyIdentity};
pub use keys::{SignerKey, VerifierKey};
pub use name::KeyNameError;
pub use open::{Note, VerifiedSignature, open};
pub(crate) use sign::sign_checked_text;
pub use sign::{SignError, sign};

use sha2::{Digest, Sha256};

/// Signature type byte of plain Ed25519 note signatures.
pub const ED25519_SIGNATURE_TYPE: u8 = 0x01;
/// Length of the key id at the start of every signature, in bytes.
pub const KEY_ID_BYTES: usize = 4;
/// Number of lowercase hexadecimal digits of a key id in a key string.
pub const KEY_ID_HEX_DIGITS: usize = 2 * KEY_ID_BYTES;
/// Length of an Ed25519 public key, in bytes.
pub const ED25519_PUBLIC_KEY_BYTES: usize = 32;
/// Length of an Ed25519 private key seed, in bytes.
pub const ED25519_SEED_BYTES: usize = 32;
/// Length of an Ed25519 signature, in bytes.
pub const ED25519_SIGNATURE_BYTES: usize = 64;
/// Shortest decoded signature accepted on a signature line, in bytes: a key id and at least one
/// byte of signature (as in the Go implementation).
pub const MIN_SIGNATURE_BYTES: usize = KEY_ID_BYTES + 1;
/// Most signature lines a note may carry (the Go implementation's limit; the spec requires at
/// least 16).
pub const MAX_SIGNATURE_LINES: usize = 100;
/// Largest signed note accepted or produced, in bytes.
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// Longest key name accepted in a key string or for a new key, in bytes. Names on signature
/// lines of unknown keys are only bounded by [`MAX_NOTE_BYTES`].
pub const MAX_KEY_NAME_BYTES: usize = 1024;
/// The text that starts every signature line: em dash (U+2014) and space.
pub const SIGNATURE_LINE_PREFIX: &str = "\u{2014} ";
/// The text that starts every signer (private) key string.
pub const SIGNER_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// The key id of a key: the first four bytes, big-endian, of
/// `SHA-256(name ‖ 0x0A ‖ signature type ‖ public key)`.
pub fn key_id(name: &str, signature_type: u8, public_key: &[u8]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', signature_type]);
    hasher.update(public_key);
    let [a, b, c, d, ..]: [u8; 32] = hasher.finalize().into();
    u32::from_be_bytes([a, b, c, d])
}

#[cfg(test)]
mod tests;
