//! The note keys: [`VerifierKey`] (public, trusted to open notes) and [`SignerKey`] (private,
//! signs them), type `0x01`.

use super::format::SignatureLine;
use super::identity::{KeyError, PublicKeyIdentity, SecretKeyIdentity};
use super::{
    ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES, ED25519_SIGNATURE_BYTES, ED25519_SIGNATURE_TYPE,
};
use std::fmt;
use std::str::FromStr;

/// A trusted Ed25519 note-signing public key with its name, written
/// `name+keyid+base64(0x01 ‖ public key)`.
///
/// Only keys whose id matches their name and key, with type `0x01`, on the curve, canonically
/// encoded and not of small order can be made.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VerifierKey(pub(super) PublicKeyIdentity);

impl VerifierKey {
    /// Reads a verifier key string `name+keyid+base64(0x01 ‖ public key)`.
    pub fn parse(text: &str) -> Result<VerifierKey, KeyError> {
        PublicKeyIdentity::parse(text, ED25519_SIGNATURE_TYPE).map(VerifierKey)
    }

    /// Names an Ed25519 public key.
    pub fn from_public_key(
        name: &str,
        public_key: &[u8; ED25519_PUBLIC_KEY_BYTES],
    ) -> Result<VerifierKey, KeyError> {
        PublicKeyIdentity::new(name, ED25519_SIGNATURE_TYPE, public_key).map(VerifierKey)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.0.key_id()
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key_bytes(&self) -> [u8; ED25519_PUBLIC_KEY_BYTES] {
        self.0.public_key_bytes()
    }

    /// Whether `signature` is a valid (strict) Ed25519 signature of `message` by this key.
    pub fn verify(&self, message: &[u8], signature: &[u8; ED25519_SIGNATURE_BYTES]) -> bool {
        self.0.verify(message, signature)
    }
}

impl fmt::Display for VerifierKey {
    /// The verifier key string, `name+keyid+base64(0x01 ‖ public key)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({})", self.0)
    }
}

impl FromStr for VerifierKey {
    type Err = KeyError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        VerifierKey::parse(text)
    }
}

/// An Ed25519 note-signing private key with its name, written
/// `PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)`. Its `Debug` output never shows the seed.
#[derive(Clone)]
pub struct SignerKey(SecretKeyIdentity);

impl SignerKey {
    /// Reads a signer key string `PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)`; the key id must
    /// match the public key derived from the seed.
    pub fn parse(text: &str) -> Result<SignerKey, KeyError> {
        SecretKeyIdentity::parse(text, ED25519_SIGNATURE_TYPE).map(SignerKey)
    }

    /// Names the Ed25519 key with this 32-byte seed.
    pub fn from_seed(name: &str, seed: [u8; ED25519_SEED_BYTES]) -> Result<SignerKey, KeyError> {
        SecretKeyIdentity::from_seed(name, ED25519_SIGNATURE_TYPE, &seed).map(SignerKey)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.0.key_id()
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey(self.0.public())
    }

    /// The deterministic Ed25519 signature of `message` (RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; ED25519_SIGNATURE_BYTES] {
        self.0.sign(message)
    }

    /// The signer key string. It is a secret: store it like one.
    pub fn to_private_key_string(&self) -> String {
        self.0.to_private_key_string()
    }

    /// The same Ed25519 key as a ledger event signer: a person's key file signs both notes
    /// (cosignatures, checkpoints) and their events.
    pub fn author_signer(&self) -> crate::keys::AuthorSigner {
        crate::keys::AuthorSigner::from_seed(self.0.seed())
    }

    /// The signature line of this key over `text` (which the caller has checked is note text).
    pub(super) fn signature_line(&self, text: &str) -> SignatureLine {
        let mut signature = Vec::with_capacity(ED25519_SIGNATURE_BYTES);
        signature.extend_from_slice(&self.sign(text.as_bytes()));
        SignatureLine {
            name: self.name().to_owned(),
            key_id: self.key_id(),
            signature,
        }
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SignerKey").field(&self.0).finish()
    }
}

#[cfg(test)]
mod author_signer_tests {
    use super::*;

    #[test]
    fn a_signer_key_signs_events_with_the_same_ed25519_key() {
        let key = SignerKey::from_seed("zhang-wei", [9; 32]).unwrap();
        let author = key.author_signer();
        assert_eq!(
            author.public_key().0,
            key.verifier().public_key_bytes(),
            "one key, two uses"
        );
        assert_eq!(
            author.public_key(),
            crate::keys::AuthorSigner::from_seed([9; 32]).public_key()
        );
        // It survives the key file's round trip.
        let again = SignerKey::parse(&key.to_private_key_string()).unwrap();
        assert_eq!(again.author_signer().public_key(), author.public_key());
    }
}
