//! Author keys: the Ed25519 keys with which people (committee members, the treasurer, the street
//! office's auditor) sign the events they record, and the domain-separated message they sign.

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use std::fmt;

/// Domain separation for author signatures: the first line of every signed message, so that an
/// author signature can never be mistaken for a signature of any other protocol or version.
pub const EVENT_SIGNATURE_CONTEXT: &[u8] = b"gongzhang/event-signature/v1";

/// Length of an Ed25519 public key in bytes.
pub const PUBLIC_KEY_BYTES: usize = 32;
/// Length of an Ed25519 signature in bytes.
pub const SIGNATURE_BYTES: usize = 64;

/// An Ed25519 public key as an entry writes it: 32 bytes, not yet known to be a valid key.
/// Comparing keys (is this the treasurer's key?) needs only the bytes; verifying a signature needs
/// an [`AuthorKey`], which a verifier makes once per distinct key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey(pub [u8; PUBLIC_KEY_BYTES]);

impl PublicKey {
    /// Reads a key written as 64 lowercase hexadecimal digits, the form used in entries.
    pub fn from_hex(text: &str) -> Option<PublicKey> {
        decode_lower_hex::<PUBLIC_KEY_BYTES>(text).map(PublicKey)
    }
    /// The key as 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// An author's Ed25519 public key, known to be a valid point in its one canonical encoding that is
/// not weak (of small order).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AuthorKey {
    public: PublicKey,
    key: VerifyingKey,
}

/// Why some bytes are not an author key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthorKeyError {
    /// Not a point on the curve.
    #[error("not a valid Ed25519 public key")]
    NotOnCurve,
    /// A small-order key, for which signatures prove nothing.
    #[error("a weak (small-order) Ed25519 key, which is refused")]
    Weak,
    /// A point written in a non-canonical encoding (RFC 8032 §5.1.3: y ≥ p, or x = 0 with the
    /// sign bit set). The same point has a canonical encoding too, so accepting this one would let
    /// one person's key appear under two strings.
    #[error(
        "a non-canonical encoding of an Ed25519 public key (RFC 8032 §5.1.3), which is refused"
    )]
    NonCanonical,
}

impl AuthorKey {
    /// Checks a public key, refusing invalid, non-canonical and weak keys.
    pub fn from_public(public: PublicKey) -> Result<AuthorKey, AuthorKeyError> {
        let point = CompressedEdwardsY(public.0)
            .decompress()
            .ok_or(AuthorKeyError::NotOnCurve)?;
        // curve25519-dalek reduces y modulo p and accepts x = 0 with the sign bit set; encoding the
        // point again gives its one canonical form, which must be the bytes we were given.
        if point.compress().0 != public.0 {
            return Err(AuthorKeyError::NonCanonical);
        }
        let key = VerifyingKey::from_bytes(&public.0).map_err(|_| AuthorKeyError::NotOnCurve)?;
        if key.is_weak() {
            return Err(AuthorKeyError::Weak);
        }
        Ok(AuthorKey { public, key })
    }

    /// The key's bytes.
    pub fn public(&self) -> PublicKey {
        self.public
    }

    /// The key for ed25519-dalek, with its point already decompressed.
    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Debug for AuthorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthorKey({})", self.public.to_hex())
    }
}

/// Decodes exactly `N` bytes from lowercase hexadecimal.
pub(crate) fn decode_lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
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
        AuthorSigner {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The public key that checks this signer's signatures.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }

    /// Signs `message` as it is: for messages of their own domain (an upload authorisation,
    /// [`crate::attachment::upload_message`]) that begin with their own context line.
    pub(crate) fn sign_bytes(&self, message: &[u8]) -> [u8; SIGNATURE_BYTES] {
        self.key.sign(message).to_bytes()
    }

    /// Signs the author message for `event_bytes` in the ledger named by `origin`.
    pub fn sign_event(&self, origin: &str, event_bytes: &[u8]) -> [u8; SIGNATURE_BYTES] {
        self.key
            .sign(&event_message(origin, event_bytes))
            .to_bytes()
    }
}

impl fmt::Debug for AuthorSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorSigner")
            .field("public_key", &self.public_key())
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
        assert_eq!(
            AuthorKey::from_public(PublicKey(identity)),
            Err(AuthorKeyError::Weak)
        );
        assert_eq!(
            AuthorKey::from_public(PublicKey([0u8; 32])),
            Err(AuthorKeyError::Weak)
        );
        // y = 2 is not on the curve.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert_eq!(
            AuthorKey::from_public(PublicKey(two)),
            Err(AuthorKeyError::NotOnCurve)
        );
        assert_eq!(PublicKey::from_hex("00"), None);
        let good = AuthorSigner::from_seed([7; 32]).public_key();
        assert_eq!(PublicKey::from_hex(&good.to_hex()), Some(good));
        assert_eq!(PublicKey::from_hex(&good.to_hex().to_uppercase()), None);
        assert!(AuthorKey::from_public(good).is_ok());
    }

    #[test]
    fn non_canonical_encodings_are_refused() {
        // y = 3 + p: a valid point whose canonical encoding is 03 00 … 00.
        let mut high = [0xff; 32];
        high[0] = 0xf0;
        high[31] = 0x7f;
        let mut canonical = [0u8; 32];
        canonical[0] = 3;
        assert_eq!(
            AuthorKey::from_public(PublicKey(high)),
            Err(AuthorKeyError::NonCanonical)
        );
        assert!(AuthorKey::from_public(PublicKey(canonical)).is_ok());
        // The sign bit set on that canonical y is another valid point, and canonical.
        let mut negated = canonical;
        negated[31] = 0x80;
        assert!(AuthorKey::from_public(PublicKey(negated)).is_ok());
        // x = 0 with the sign bit set (the identity, y = 1): non-canonical before it is weak.
        let mut identity_signed = [0u8; 32];
        identity_signed[0] = 1;
        identity_signed[31] = 0x80;
        assert_eq!(
            AuthorKey::from_public(PublicKey(identity_signed)),
            Err(AuthorKeyError::NonCanonical)
        );
    }

    #[test]
    fn event_message_layout_is_exact() {
        assert_eq!(
            event_message("example.org/x", b"{}"),
            b"gongzhang/event-signature/v1\nexample.org/x\n{}".to_vec()
        );
    }
}
