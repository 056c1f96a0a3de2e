//! Author keys: the Ed25519 keys with which people (committee members, the treasurer, the street
//! office's auditor) sign the events they record, and the domain-separated message they sign.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use std::fmt;

/// Domain separation for author signatures: the first line of every signed message, so that an
/// author signature can never be mistaken for a signature of any other protocol or version.
pub const EVENT_SIGNATURE_CONTEXT: &[u8] = b"gongzhang/event-signature/v1";

/// Length of an Ed25519 public key in bytes.
pub const PUBLIC_KEY_BYTES: usize = 32;
/// Length of an Ed25519 signature in bytes.
pub const SIGNATURE_BYTES: usize = 64;

/// An author's Ed25519 public key, known not to be weak (of small order).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AuthorKey([u8; PUBLIC_KEY_BYTES]);

/// Why some text or bytes are not an author key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorKeyError {
    /// Not 64 lowercase hexadecimal digits.
    #[error("an author key is 64 lowercase hexadecimal digits")]
    NotHex,
    /// Not a point on the curve.
    #[error("the author key is not a valid Ed25519 public key")]
    NotOnCurve,
    /// A small-order key, for which signatures prove nothing.
    #[error("the author key is a weak (small-order) Ed25519 key and is refused")]
    Weak,
}

impl AuthorKey {
    /// Reads a key from its 32 bytes, refusing invalid and weak keys.
    pub fn from_bytes(bytes: [u8; PUBLIC_KEY_BYTES]) -> Result<AuthorKey, AuthorKeyError> {
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| AuthorKeyError::NotOnCurve)?;
        if key.is_weak() {
            return Err(AuthorKeyError::Weak);
        }
        Ok(AuthorKey(bytes))
    }

    /// Reads a key written as 64 lowercase hexadecimal digits, the form used in entries.
    pub fn from_hex(text: &str) -> Result<AuthorKey, AuthorKeyError> {
        Self::from_bytes(decode_lower_hex::<PUBLIC_KEY_BYTES>(text).ok_or(AuthorKeyError::NotHex)?)
    }

    /// The key as 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_BYTES] {
        &self.0
    }

    /// The key for ed25519-dalek.
    pub(crate) fn verifying_key(&self) -> VerifyingKey {
        // INVARIANT: the bytes were checked to decompress when the AuthorKey was made.
        VerifyingKey::from_bytes(&self.0).unwrap_or_else(|_| unreachable!("checked at creation"))
    }
}

impl fmt::Debug for AuthorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthorKey({})", self.to_hex())
    }
}

impl fmt::Display for AuthorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Decodes exactly `N` bytes from lowercase hexadecimal.
pub(crate) fn decode_lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// A private author key that signs events. Its Debug output never shows the key.
pub struct AuthorSigner {
    key: SigningKey,
}

impl AuthorSigner {
    /// The signer whose Ed25519 seed (RFC 8032 private key) is `seed`.
    pub fn from_seed(seed: [u8; 32]) -> AuthorSigner {
        AuthorSigner { key: SigningKey::from_bytes(&seed) }
    }

    /// The public key that checks this signer's signatures.
    pub fn author_key(&self) -> AuthorKey {
        // INVARIANT: a key derived from a seed is a multiple of the base point, never weak.
        AuthorKey::from_bytes(self.key.verifying_key().to_bytes())
            .unwrap_or_else(|_| unreachable!("derived keys are never weak"))
    }

    /// Signs the author message for `event_bytes` in the ledger named by `origin`.
    pub fn sign_event(&self, origin: &str, event_bytes: &[u8]) -> [u8; SIGNATURE_BYTES] {
        self.key.sign(&event_message(origin, event_bytes)).to_bytes()
    }
}

impl fmt::Debug for AuthorSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorSigner")
            .field("author_key", &self.author_key())
            .finish_non_exhaustive()
    }
}

/// The exact bytes an author signs for an event:
/// `"gongzhang/event-signature/v1" ‖ 0x0A ‖ origin ‖ 0x0A ‖ canonical event bytes`.
///
/// The origin binds the signature to one ledger, so a signed event cannot be replayed into another
/// community's log. Origins never contain a line feed, so the layout is unambiguous.
pub fn event_message(origin: &str, event_bytes: &[u8]) -> Vec<u8> {
    let mut message =
        Vec::with_capacity(EVENT_SIGNATURE_CONTEXT.len() + origin.len() + event_bytes.len() + 2);
    message.extend_from_slice(EVENT_SIGNATURE_CONTEXT);
    message.push(b'\n');
    message.extend_from_slice(origin.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(event_bytes);
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_invalid_keys_are_refused() {
        // The identity point (y = 1) is of small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(AuthorKey::from_bytes(identity), Err(AuthorKeyError::Weak));
        assert_eq!(AuthorKey::from_bytes([0u8; 32]), Err(AuthorKeyError::Weak));
        assert_eq!(AuthorKey::from_hex("00"), Err(AuthorKeyError::NotHex));
        let good = AuthorSigner::from_seed([7; 32]).author_key();
        assert_eq!(AuthorKey::from_hex(&good.to_hex()), Ok(good));
        assert_eq!(AuthorKey::from_hex(&good.to_hex().to_uppercase()), Err(AuthorKeyError::NotHex));
    }

    #[test]
    fn event_message_layout_is_exact() {
        assert_eq!(
            event_message("example.org/x", b"{}"),
            b"gongzhang/event-signature/v1\nexample.org/x\n{}".to_vec()
        );
    }
}
