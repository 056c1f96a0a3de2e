//! Key strings `name+keyid+base64(type ‖ key)` and the named Ed25519 keys they decode to, shared by
//! note keys and witness cosignature keys.

use super::format::SignatureLine;
use super::name::{KeyNameError, check_name};
use super::{
    ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES, ED25519_SIGNATURE_BYTES, KEY_ID_HEX_DIGITS,
    MAX_KEY_NAME_BYTES, SIGNER_KEY_PREFIX, key_id,
};
use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use std::fmt;

/// Base64 decoding that tolerates non-zero trailing bits, as Go's decoder does, so that a mangled
/// key string is read far enough to report its real defect (wrong type, wrong length). A key of
/// the right length (33 bytes: eleven whole base64 groups) has no trailing bits, so every key that
/// is accepted is canonical base64.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// Why a verifier key, signer key or new key could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A signer key string does not start with `PRIVATE+KEY+`.
    #[error("a signer key starts with \"PRIVATE+KEY+\"")]
    MissingPrivateKeyPrefix,
    /// There is no '+' after the name.
    #[error("a key has the form name+keyid+key, but there is no '+' after the name")]
    MissingKeyId,
    /// There is no '+' after the key id.
    #[error("a key has the form name+keyid+key, but there is no '+' after the key id")]
    MissingKeyMaterial,
    /// The key name is not valid.
    #[error("bad key name: {0}")]
    Name(#[from] KeyNameError),
    /// The key id is not 8 lowercase hexadecimal digits.
    #[error("the key id must be 8 lowercase hexadecimal digits")]
    KeyIdNotHex,
    /// The key material is not standard base64 with padding.
    #[error("the key material is not standard base64 with padding")]
    KeyNotBase64,
    /// The key material decodes to nothing.
    #[error("the key material is empty")]
    EmptyKey,
    /// The key id does not match the name and key.
    #[error("the key id is {found:08x}, but the name and key give {computed:08x}")]
    KeyIdMismatch {
        /// The key id written in the key string.
        found: u32,
        /// The key id computed from the name and the (public) key.
        computed: u32,
    },
    /// The key is for another signature type.
    #[error("the key has signature type {found:#04x}, expected {expected:#04x}")]
    WrongSignatureType {
        /// The type this kind of key must have.
        expected: u8,
        /// The type byte found.
        found: u8,
    },
    /// The key (after the type byte) has the wrong length.
    #[error("the key is {found} bytes long, expected {expected}")]
    WrongKeyLength {
        /// Expected length in bytes.
        expected: usize,
        /// Length found in bytes.
        found: usize,
    },
    /// The public key is not the encoding of a point on the Ed25519 curve.
    #[error("the public key is not a point on the Ed25519 curve")]
    NotACurvePoint,
    /// The public key is a non-canonical encoding of its point.
    #[error("the public key is a non-canonical encoding of an Ed25519 point")]
    NonCanonicalPoint,
    /// The public key is a small-order point, for which signatures prove nothing.
    #[error("the public key is a weak (small-order) Ed25519 point")]
    WeakKey,
}

/// The parts of `name+keyid+base64`, decoded but not yet checked against each other.
struct RawKey<'a> {
    name: &'a str,
    key_id: u32,
    /// The type byte.
    signature_type: u8,
    /// The key material after the type byte.
    material: Vec<u8>,
}

/// Splits and decodes `name+keyid+base64`: valid name, 8 lowercase hex digits, non-empty base64.
fn decode_key_string(text: &str) -> Result<RawKey<'_>, KeyError> {
    let (name, rest) = text.split_once('+').ok_or(KeyError::MissingKeyId)?;
    let (id_hex, key64) = rest.split_once('+').ok_or(KeyError::MissingKeyMaterial)?;
    check_name(name, Some(MAX_KEY_NAME_BYTES))?;
    if id_hex.len() != KEY_ID_HEX_DIGITS
        || !id_hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(KeyError::KeyIdNotHex);
    }
    let key_id = u32::from_str_radix(id_hex, 16).map_err(|_| KeyError::KeyIdNotHex)?;
    let mut material = LENIENT_BASE64
        .decode(key64)
        .map_err(|_| KeyError::KeyNotBase64)?;
    if material.is_empty() {
        return Err(KeyError::EmptyKey);
    }
    let signature_type = material.remove(0);
    Ok(RawKey {
        name,
        key_id,
        signature_type,
        material,
    })
}

/// Checks that 32 bytes are a canonical, strong Ed25519 public key.
fn ed25519_public_key(bytes: &[u8; ED25519_PUBLIC_KEY_BYTES]) -> Result<VerifyingKey, KeyError> {
    let point = CompressedEdwardsY(*bytes)
        .decompress()
        .ok_or(KeyError::NotACurvePoint)?;
    if point.compress().as_bytes() != bytes {
        return Err(KeyError::NonCanonicalPoint);
    }
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotACurvePoint)?;
    if key.is_weak() {
        return Err(KeyError::WeakKey);
    }
    Ok(key)
}

/// A named Ed25519 public key of some signature type: the shared body of [`VerifierKey`](super::VerifierKey) and
/// [`crate::cosignature::CosignerKey`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PublicKeyIdentity {
    pub(super) name: String,
    pub(super) key_id: u32,
    signature_type: u8,
    key: VerifyingKey,
}

impl PublicKeyIdentity {
    /// Reads `name+keyid+base64(type ‖ key)`.
    pub(crate) fn parse(text: &str, signature_type: u8) -> Result<Self, KeyError> {
        let raw = decode_key_string(text)?;
        let computed = key_id(raw.name, raw.signature_type, &raw.material);
        if computed != raw.key_id {
            return Err(KeyError::KeyIdMismatch {
                found: raw.key_id,
                computed,
            });
        }
        if raw.signature_type != signature_type {
            return Err(KeyError::WrongSignatureType {
                expected: signature_type,
                found: raw.signature_type,
            });
        }
        let material: &[u8; ED25519_PUBLIC_KEY_BYTES] = raw
            .material
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::WrongKeyLength {
                expected: ED25519_PUBLIC_KEY_BYTES,
                found: raw.material.len(),
            })?;
        let key = ed25519_public_key(material)?;
        Ok(Self {
            name: raw.name.to_owned(),
            key_id: raw.key_id,
            signature_type,
            key,
        })
    }

    /// Names a public key.
    pub(crate) fn new(
        name: &str,
        signature_type: u8,
        public_key: &[u8; ED25519_PUBLIC_KEY_BYTES],
    ) -> Result<Self, KeyError> {
        check_name(name, Some(MAX_KEY_NAME_BYTES))?;
        let key = ed25519_public_key(public_key)?;
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, signature_type, public_key),
            signature_type,
            key,
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn key_id(&self) -> u32 {
        self.key_id
    }

    pub(crate) fn public_key_bytes(&self) -> [u8; ED25519_PUBLIC_KEY_BYTES] {
        self.key.to_bytes()
    }

    /// Verifies an Ed25519 signature with the strict rules (canonical S, no small-order R).
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; ED25519_SIGNATURE_BYTES]) -> bool {
        self.key
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }

    /// The same public key under another name and key id, to test collisions that honest keys
    /// cannot produce.
    #[cfg(test)]
    pub(crate) fn with_forged_id(mut self, name: &str, key_id: u32) -> Self {
        self.name = name.to_owned();
        self.key_id = key_id;
        self
    }

    /// Whether a signature line names this key (same name and key id).
    pub(crate) fn matches(&self, line: &SignatureLine) -> bool {
        self.name == line.name && self.key_id == line.key_id
    }
}

impl fmt::Display for PublicKeyIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(1 + ED25519_PUBLIC_KEY_BYTES);
        bytes.push(self.signature_type);
        bytes.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(bytes)
        )
    }
}

impl fmt::Debug for PublicKeyIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// A named Ed25519 private key of some signature type: the shared body of [`SignerKey`](super::SignerKey) and
/// [`crate::cosignature::CosignerSigner`]. Its `Debug` never shows the seed.
#[derive(Clone)]
pub(crate) struct SecretKeyIdentity {
    name: String,
    key_id: u32,
    signature_type: u8,
    key: SigningKey,
}

impl SecretKeyIdentity {
    /// Reads `PRIVATE+KEY+name+keyid+base64(type ‖ seed)`.
    pub(crate) fn parse(text: &str, signature_type: u8) -> Result<Self, KeyError> {
        let rest = text
            .strip_prefix(SIGNER_KEY_PREFIX)
            .ok_or(KeyError::MissingPrivateKeyPrefix)?;
        let raw = decode_key_string(rest)?;
        if raw.signature_type != signature_type {
            return Err(KeyError::WrongSignatureType {
                expected: signature_type,
                found: raw.signature_type,
            });
        }
        let seed: [u8; ED25519_SEED_BYTES] =
            raw.material
                .as_slice()
                .try_into()
                .map_err(|_| KeyError::WrongKeyLength {
                    expected: ED25519_SEED_BYTES,
                    found: raw.material.len(),
                })?;
        let key = SigningKey::from_bytes(&seed);
        let computed = key_id(raw.name, signature_type, key.verifying_key().as_bytes());
        if computed != raw.key_id {
            return Err(KeyError::KeyIdMismatch {
                found: raw.key_id,
                computed,
            });
        }
        Ok(Self {
            name: raw.name.to_owned(),
            key_id: raw.key_id,
            signature_type,
            key,
        })
    }

    /// Names a private key given by its seed.
    pub(crate) fn from_seed(
        name: &str,
        signature_type: u8,
        seed: &[u8; ED25519_SEED_BYTES],
    ) -> Result<Self, KeyError> {
        check_name(name, Some(MAX_KEY_NAME_BYTES))?;
        let key = SigningKey::from_bytes(seed);
        let public = key.verifying_key();
        if public.is_weak() {
            return Err(KeyError::WeakKey);
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, signature_type, public.as_bytes()),
            signature_type,
            key,
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn key_id(&self) -> u32 {
        self.key_id
    }

    pub(crate) fn public(&self) -> PublicKeyIdentity {
        PublicKeyIdentity {
            name: self.name.clone(),
            key_id: self.key_id,
            signature_type: self.signature_type,
            key: self.key.verifying_key(),
        }
    }

    /// The deterministic RFC 8032 Ed25519 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; ED25519_SIGNATURE_BYTES] {
        self.key.sign(message).to_bytes()
    }

    /// The Ed25519 seed. Handle with care.
    pub(crate) fn seed(&self) -> [u8; ED25519_SEED_BYTES] {
        *self.key.as_bytes()
    }

    /// The secret key string. Handle with care.
    pub(crate) fn to_private_key_string(&self) -> String {
        let mut bytes = Vec::with_capacity(1 + ED25519_SEED_BYTES);
        bytes.push(self.signature_type);
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{SIGNER_KEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(bytes)
        )
    }
}

impl fmt::Debug for SecretKeyIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .field("signature_type", &self.signature_type)
            .field("seed", &"<redacted>")
            .finish()
    }
}
