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

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

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

/// Base64 decoding that tolerates non-zero trailing bits, as Go's decoder does, so that a mangled
/// key string is read far enough to report its real defect (wrong type, wrong length). A key of
/// the right length (33 bytes: eleven whole base64 groups) has no trailing bits, so every key that
/// is accepted is canonical base64.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

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

// ---------------------------------------------------------------------------------------------
// Key names
// ---------------------------------------------------------------------------------------------

/// Why a key name is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyNameError {
    /// The name is empty.
    #[error("the key name is empty")]
    Empty,
    /// The name is longer than [`MAX_KEY_NAME_BYTES`].
    #[error("the key name is {found} bytes long, more than the limit of {max}")]
    TooLong {
        /// Always [`MAX_KEY_NAME_BYTES`].
        max: usize,
        /// Length of the name in bytes.
        found: usize,
    },
    /// The name contains a plus sign.
    #[error("the key name contains '+' at byte {offset}")]
    Plus {
        /// Byte offset of the plus sign in the name.
        offset: usize,
    },
    /// The name contains a Unicode space (White_Space property, as Go's `unicode.IsSpace`).
    #[error("the key name contains the space character U+{codepoint:04X} at byte {offset}")]
    Space {
        /// Byte offset of the space in the name.
        offset: usize,
        /// The space's code point.
        codepoint: u32,
    },
    /// The name contains an ASCII control character.
    #[error("the key name contains the control character {byte:#04x} at byte {offset}")]
    ControlCharacter {
        /// Byte offset of the character in the name.
        offset: usize,
        /// The character.
        byte: u8,
    },
}

/// Checks a key name: non-empty, no Unicode spaces, no '+', no control characters, and at most
/// `max_bytes` long when a limit is given.
fn check_name(name: &str, max_bytes: Option<usize>) -> Result<(), KeyNameError> {
    if name.is_empty() {
        return Err(KeyNameError::Empty);
    }
    if let Some(max) = max_bytes {
        if name.len() > max {
            return Err(KeyNameError::TooLong {
                max,
                found: name.len(),
            });
        }
    }
    for (offset, ch) in name.char_indices() {
        if ch == '+' {
            return Err(KeyNameError::Plus { offset });
        }
        if ch.is_whitespace() {
            return Err(KeyNameError::Space {
                offset,
                codepoint: u32::from(ch),
            });
        }
        if u32::from(ch) < 0x20 {
            return Err(KeyNameError::ControlCharacter {
                offset,
                byte: ch as u8,
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Key strings
// ---------------------------------------------------------------------------------------------

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

/// A named Ed25519 public key of some signature type: the shared body of [`VerifierKey`] and
/// [`crate::cosignature::CosignerKey`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PublicKeyIdentity {
    name: String,
    key_id: u32,
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

/// A named Ed25519 private key of some signature type: the shared body of [`SignerKey`] and
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

/// A trusted Ed25519 note-signing public key with its name, written
/// `name+keyid+base64(0x01 ‖ public key)`.
///
/// Only keys whose id matches their name and key, with type `0x01`, on the curve, canonically
/// encoded and not of small order can be made.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VerifierKey(PublicKeyIdentity);

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
    fn signature_line(&self, text: &str) -> SignatureLine {
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

// ---------------------------------------------------------------------------------------------
// Signature lines
// ---------------------------------------------------------------------------------------------

/// Why a signature line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureLineError {
    /// The line does not start with an em dash (U+2014) and a space.
    #[error("it does not start with an em dash (U+2014) and a space")]
    MissingPrefix,
    /// There is no space between the key name and the signature.
    #[error("there is no space between the key name and the signature")]
    MissingSignature,
    /// The key name is not valid.
    #[error("bad key name: {0}")]
    Name(#[from] KeyNameError),
    /// The signature is not standard, canonical base64 with padding.
    #[error("the signature is not standard base64 with padding")]
    NotBase64,
    /// The decoded signature is shorter than a key id and one byte.
    #[error("the signature is {found} bytes long, at least {min} are needed")]
    TooShort {
        /// Always [`MIN_SIGNATURE_BYTES`].
        min: usize,
        /// Decoded length in bytes.
        found: usize,
    },
}

/// One signature line of a note, parsed but not verified: key name, key id and the signature
/// bytes that follow the key id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignatureLine {
    name: String,
    key_id: u32,
    signature: Vec<u8>,
}

impl SignatureLine {
    /// Reads one signature line, without its final newline: `— <name> <base64>`.
    pub fn parse(line: &str) -> Result<SignatureLine, SignatureLineError> {
        let rest = line
            .strip_prefix(SIGNATURE_LINE_PREFIX)
            .ok_or(SignatureLineError::MissingPrefix)?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or(SignatureLineError::MissingSignature)?;
        check_name(name, None)?;
        let bytes = STANDARD
            .decode(b64)
            .map_err(|_| SignatureLineError::NotBase64)?;
        let too_short = SignatureLineError::TooShort {
            min: MIN_SIGNATURE_BYTES,
            found: bytes.len(),
        };
        if bytes.len() < MIN_SIGNATURE_BYTES {
            return Err(too_short);
        }
        let (id, signature) = bytes.split_first_chunk::<KEY_ID_BYTES>().ok_or(too_short)?;
        let key_id = u32::from_be_bytes(*id);
        Ok(SignatureLine {
            name: name.to_owned(),
            key_id,
            signature: signature.to_vec(),
        })
    }

    /// Builds a line from a name already checked by a key type, its key id and signature bytes.
    pub(crate) fn from_parts(name: &str, key_id: u32, signature: Vec<u8>) -> SignatureLine {
        SignatureLine {
            name: name.to_owned(),
            key_id,
            signature,
        }
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id (the first four signature bytes, big-endian).
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature bytes after the key id.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The line as it appears in a note, with its final newline: `— <name> <base64>\n`.
    pub fn to_line(&self) -> String {
        let mut bytes = Vec::with_capacity(KEY_ID_BYTES + self.signature.len());
        bytes.extend_from_slice(&self.key_id.to_be_bytes());
        bytes.extend_from_slice(&self.signature);
        format!(
            "{SIGNATURE_LINE_PREFIX}{} {}\n",
            self.name,
            STANDARD.encode(bytes)
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Reading notes
// ---------------------------------------------------------------------------------------------

/// Why a signed note could not be read, or was not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note is longer than [`MAX_NOTE_BYTES`].
    #[error("the note is {found} bytes long, more than the limit of {max}")]
    TooLarge {
        /// Always [`MAX_NOTE_BYTES`].
        max: usize,
        /// Length of the note in bytes.
        found: usize,
    },
    /// The note contains an ASCII control character other than newline.
    #[error("the note contains the control character {byte:#04x} at byte {offset}")]
    ControlCharacter {
        /// Byte offset in the note.
        offset: usize,
        /// The character.
        byte: u8,
    },
    /// There is no blank line between the text and the signatures.
    #[error("the note has no blank line separating the text from the signatures")]
    MissingBlankLine,
    /// Nothing follows the last blank line.
    #[error("the note has no signature lines after its last blank line")]
    NoSignatureLines,
    /// The last signature line does not end with a newline.
    #[error("the note does not end with a newline")]
    MissingFinalNewline,
    /// A signature line is malformed.
    #[error("signature line {line}: {source}")]
    SignatureLine {
        /// 1-based number of the line among the signature lines.
        line: usize,
        /// What is wrong with it.
        source: SignatureLineError,
    },
    /// The note has more than [`MAX_SIGNATURE_LINES`] signature lines.
    #[error("the note has more than {max} signature lines")]
    TooManySignatureLines {
        /// Always [`MAX_SIGNATURE_LINES`].
        max: usize,
    },
    /// Two different trusted keys share the name and key id of a signature line.
    #[error(
        "signature line {line}: two different trusted keys are named {name} with key id {key_id:08x}"
    )]
    AmbiguousKey {
        /// 1-based number of the signature line.
        line: usize,
        /// Key name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// A signature by a trusted key does not verify.
    #[error(
        "signature line {line}: the signature by trusted key {name}+{key_id:08x} does not verify"
    )]
    BadSignature {
        /// 1-based number of the signature line.
        line: usize,
        /// Key name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// No signature line is from a trusted key.
    #[error("the note has no signature from a trusted key")]
    NoKnownSignature,
}

/// Checks the spec's character rule: no ASCII control characters other than newline.
fn find_control_character(text: &str) -> Option<(usize, u8)> {
    text.bytes()
        .enumerate()
        .find(|&(_, b)| b < 0x20 && b != b'\n')
}

/// Reads the structure of a signed note without verifying anything: returns the text (with its
/// final newline, without the blank line) and the signature lines in order, duplicates included.
///
/// The text MUST NOT be trusted until a signature is verified: use [`open`] for that.
pub fn parse(note: &str) -> Result<(&str, Vec<SignatureLine>), NoteError> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            max: MAX_NOTE_BYTES,
            found: note.len(),
        });
    }
    if let Some((offset, byte)) = find_control_character(note) {
        return Err(NoteError::ControlCharacter { offset, byte });
    }
    let split = note.rfind("\n\n").ok_or(NoteError::MissingBlankLine)?;
    // Both halves are cut next to ASCII newlines, so these are character boundaries.
    let text = &note[..split + 1];
    let block = &note[split + 2..];
    if block.is_empty() {
        return Err(NoteError::NoSignatureLines);
    }
    let Some(block) = block.strip_suffix('\n') else {
        return Err(NoteError::MissingFinalNewline);
    };
    let mut lines = Vec::new();
    for (index, line) in block.split('\n').enumerate() {
        if index >= MAX_SIGNATURE_LINES {
            return Err(NoteError::TooManySignatureLines {
                max: MAX_SIGNATURE_LINES,
            });
        }
        let parsed = SignatureLine::parse(line).map_err(|source| NoteError::SignatureLine {
            line: index + 1,
            source,
        })?;
        lines.push(parsed);
    }
    Ok((text, lines))
}

/// A signature on an opened note that verified with a trusted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    name: String,
    key_id: u32,
}

impl VerifiedSignature {
    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }
}

/// A note whose text carries at least one valid signature from a trusted key. Only [`open`]
/// makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    text: String,
    verified: Vec<VerifiedSignature>,
    unverified: Vec<SignatureLine>,
}

impl Note {
    /// The signed text, with its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The trusted keys whose signatures verified, once each, in order of first appearance.
    pub fn verified(&self) -> &[VerifiedSignature] {
        &self.verified
    }

    /// The signature lines from keys that were not given to [`open`], in order, identical lines
    /// once. They were not checked and prove nothing.
    pub fn unverified(&self) -> &[SignatureLine] {
        &self.unverified
    }
}

/// Reads a signed note and verifies it against trusted `verifiers`.
///
/// Every signature line whose key name and key id match a trusted key is verified, and any that
/// fails rejects the whole note. Lines from other keys are kept in [`Note::unverified`]. At least
/// one signature from a trusted key is required.
pub fn open(note: &str, verifiers: &[VerifierKey]) -> Result<Note, NoteError> {
    let (text, lines) = parse(note)?;
    let mut verified: Vec<VerifiedSignature> = Vec::new();
    let mut unverified: Vec<SignatureLine> = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let number = index + 1;
        let mut candidates = verifiers.iter().filter(|key| key.0.matches(&line));
        let Some(key) = candidates.next() else {
            if !unverified.contains(&line) {
                unverified.push(line);
            }
            continue;
        };
        if candidates.any(|other| other != key) {
            return Err(NoteError::AmbiguousKey {
                line: number,
                name: line.name,
                key_id: line.key_id,
            });
        }
        let good = <&[u8; ED25519_SIGNATURE_BYTES]>::try_from(line.signature())
            .is_ok_and(|signature| key.verify(text.as_bytes(), signature));
        if !good {
            return Err(NoteError::BadSignature {
                line: number,
                name: line.name,
                key_id: line.key_id,
            });
        }
        if !verified
            .iter()
            .any(|v| v.name == line.name && v.key_id == line.key_id)
        {
            verified.push(VerifiedSignature {
                name: line.name,
                key_id: line.key_id,
            });
        }
    }
    if verified.is_empty() {
        return Err(NoteError::NoKnownSignature);
    }
    Ok(Note {
        text: text.to_owned(),
        verified,
        unverified,
    })
}

/// Adds signature lines (for example witness cosignatures) to the end of a signed note, after
/// checking its structure. Lines identical to one already present are not repeated.
pub fn append_signatures(note: &str, lines: &[SignatureLine]) -> Result<String, NoteError> {
    let (_, existing) = parse(note)?;
    let mut out = note.to_owned();
    let mut count = existing.len();
    let mut added: Vec<&SignatureLine> = Vec::new();
    for line in lines {
        if existing.contains(line) || added.contains(&line) {
            continue;
        }
        count += 1;
        if count > MAX_SIGNATURE_LINES {
            return Err(NoteError::TooManySignatureLines {
                max: MAX_SIGNATURE_LINES,
            });
        }
        out.push_str(&line.to_line());
        added.push(line);
    }
    if out.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            max: MAX_NOTE_BYTES,
            found: out.len(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Signing notes
// ---------------------------------------------------------------------------------------------

/// Why a text could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The text is empty or does not end with a newline.
    #[error("the text to sign does not end with a newline")]
    MissingFinalNewline,
    /// The text contains an ASCII control character other than newline.
    #[error("the text to sign contains the control character {byte:#04x} at byte {offset}")]
    ControlCharacter {
        /// Byte offset in the text.
        offset: usize,
        /// The character.
        byte: u8,
    },
    /// No signer was given.
    #[error("a note needs at least one signer")]
    NoSigners,
    /// More signers than a note may carry signature lines.
    #[error("{found} signers, but a note carries at most {max} signatures")]
    TooManySigners {
        /// Always [`MAX_SIGNATURE_LINES`].
        max: usize,
        /// Number of signers given.
        found: usize,
    },
    /// The same key (name and key id) was given twice.
    #[error("the signer {name}+{key_id:08x} was given twice")]
    DuplicateSigner {
        /// Key name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// The signed note would be longer than [`MAX_NOTE_BYTES`].
    #[error("the signed note would be {found} bytes long, more than the limit of {max}")]
    TooLarge {
        /// Always [`MAX_NOTE_BYTES`].
        max: usize,
        /// Length the note would have, in bytes.
        found: usize,
    },
}

/// Checks that `text` can be the text of a signed note: ends with a newline, no control
/// characters other than newline. (Empty lines inside the text are allowed by the spec.)
pub(crate) fn check_text(text: &str) -> Result<(), SignError> {
    if !text.ends_with('\n') {
        return Err(SignError::MissingFinalNewline);
    }
    if let Some((offset, byte)) = find_control_character(text) {
        return Err(SignError::ControlCharacter { offset, byte });
    }
    Ok(())
}

/// Signs `text` with each signer, in order, and returns the signed note
/// `text ‖ "\n" ‖ signature lines`.
pub fn sign(text: &str, signers: &[&SignerKey]) -> Result<String, SignError> {
    check_text(text)?;
    if signers.is_empty() {
        return Err(SignError::NoSigners);
    }
    if signers.len() > MAX_SIGNATURE_LINES {
        return Err(SignError::TooManySigners {
            max: MAX_SIGNATURE_LINES,
            found: signers.len(),
        });
    }
    for (index, signer) in signers.iter().enumerate() {
        if signers[..index]
            .iter()
            .any(|other| other.name() == signer.name() && other.key_id() == signer.key_id())
        {
            return Err(SignError::DuplicateSigner {
                name: signer.name().to_owned(),
                key_id: signer.key_id(),
            });
        }
    }
    let mut out = String::with_capacity(text.len() + 1 + 128 * signers.len());
    out.push_str(text);
    out.push('\n');
    for signer in signers {
        out.push_str(&signer.signature_line(text).to_line());
        if out.len() > MAX_NOTE_BYTES {
            return Err(SignError::TooLarge {
                max: MAX_NOTE_BYTES,
                found: out.len(),
            });
        }
    }
    Ok(out)
}

/// Signs text that the caller's own type guarantees is valid note text, with one key.
pub(crate) fn sign_checked_text(text: &str, signer: &SignerKey) -> String {
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str(text);
    out.push('\n');
    out.push_str(&signer.signature_line(text).to_line());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                        then you don't know what your problem is.\n";
    const PETER_SIG: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const ENOCH_SIG: &str = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    fn peter() -> VerifierKey {
        VerifierKey::parse(PETER_VKEY).expect("good key")
    }

    fn enoch() -> VerifierKey {
        VerifierKey::parse(ENOCH_VKEY).expect("good key")
    }

    fn two_signature_note() -> String {
        format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}")
    }

    #[test]
    fn verifier_key_round_trips_with_exact_fields() {
        let key = peter();
        assert_eq!(key.name(), "PeterNeumann");
        assert_eq!(key.key_id(), 0xc74f20a3);
        assert_eq!(key.to_string(), PETER_VKEY);
        assert_eq!(PETER_VKEY.parse::<VerifierKey>(), Ok(key.clone()));
        assert_eq!(
            VerifierKey::from_public_key("PeterNeumann", &key.public_key_bytes()),
            Ok(key)
        );
    }

    #[test]
    fn key_id_is_sha256_of_name_newline_type_and_key() {
        let key = peter();
        assert_eq!(
            key_id("PeterNeumann", 0x01, &key.public_key_bytes()),
            0xc74f20a3
        );
        assert_ne!(
            key_id("PeterNeumann", 0x04, &key.public_key_bytes()),
            0xc74f20a3
        );
    }

    #[test]
    fn verifier_key_rejects_each_defect_with_its_own_error() {
        let cases: &[(&str, KeyError)] = &[
            ("PeterNeumann", KeyError::MissingKeyId),
            ("PeterNeumann+c74f20a3", KeyError::MissingKeyMaterial),
            ("+c74f20a3+ARpc", KeyError::Name(KeyNameError::Empty)),
            (
                "Peter Neumann+c74f20a3+ARpc",
                KeyError::Name(KeyNameError::Space {
                    offset: 5,
                    codepoint: 0x20,
                }),
            ),
            (
                "Peter\u{a0}Neumann+c74f20a3+ARpc",
                KeyError::Name(KeyNameError::Space {
                    offset: 5,
                    codepoint: 0xa0,
                }),
            ),
            (
                "Peter\u{1}+c74f20a3+ARpc",
                KeyError::Name(KeyNameError::ControlCharacter { offset: 5, byte: 1 }),
            ),
            (
                "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                KeyError::KeyIdNotHex,
            ),
            (
                "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                KeyError::KeyIdNotHex,
            ),
            (
                "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
                KeyError::KeyNotBase64,
            ),
            ("PeterNeumann+c74f20a3+", KeyError::EmptyKey),
            (
                "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                KeyError::KeyIdMismatch {
                    found: 0xc74f20a4,
                    computed: 0xc74f20a3,
                },
            ),
            (
                "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
                KeyError::WrongKeyLength {
                    expected: 32,
                    found: 36,
                },
            ),
            (
                "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                KeyError::WrongSignatureType {
                    expected: 0x01,
                    found: 0x65,
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(VerifierKey::parse(text).as_ref(), Err(want), "{text}");
        }
    }

    fn vkey_for(name: &str, key: &[u8; 32]) -> String {
        let mut bytes = vec![0x01];
        bytes.extend_from_slice(key);
        format!(
            "{name}+{:08x}+{}",
            key_id(name, 0x01, key),
            STANDARD.encode(bytes)
        )
    }

    #[test]
    fn verifier_key_rejects_weak_off_curve_and_non_canonical_points() {
        // The identity point (y = 1) has order 1.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            VerifierKey::parse(&vkey_for("weak", &identity)),
            Err(KeyError::WeakKey)
        );
        assert_eq!(
            VerifierKey::from_public_key("weak", &identity),
            Err(KeyError::WeakKey)
        );
        // y = 2 is not the y coordinate of any curve point.
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert_eq!(
            VerifierKey::parse(&vkey_for("off", &off_curve)),
            Err(KeyError::NotACurvePoint)
        );
        // y = p + 1 (non-canonical spelling of y = 1).
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        assert_eq!(
            VerifierKey::parse(&vkey_for("noncanon", &non_canonical)),
            Err(KeyError::NonCanonicalPoint)
        );
    }

    #[test]
    fn signer_key_round_trips_and_derives_the_verifier() {
        let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
        assert_eq!(signer.name(), "PeterNeumann");
        assert_eq!(signer.key_id(), 0xc74f20a3);
        assert_eq!(signer.to_private_key_string(), PETER_SKEY);
        assert_eq!(signer.verifier(), peter());
    }

    #[test]
    fn signer_key_debug_hides_the_seed() {
        let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
        let debug = format!("{signer:?}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(!debug.contains("AYEKFALV"), "{debug}");
        assert!(!debug.contains("129"), "{debug}"); // first seed byte 0x81
    }

    #[test]
    fn signer_key_rejects_each_defect_with_its_own_error() {
        let cases: &[(&str, KeyError)] = &[
            (
                "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                KeyError::MissingPrivateKeyPrefix,
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                KeyError::KeyIdMismatch {
                    found: 0xc74f20a4,
                    computed: 0xc74f20a3,
                },
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a3+BIEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                KeyError::WrongSignatureType {
                    expected: 0x01,
                    found: 0x04,
                },
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKA==",
                KeyError::WrongKeyLength {
                    expected: 32,
                    found: 30,
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(SignerKey::parse(text).err().as_ref(), Some(want), "{text}");
        }
    }

    #[test]
    fn sign_reproduces_the_go_signature() {
        let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
        assert_eq!(sign(TEXT, &[&signer]), Ok(format!("{TEXT}\n{PETER_SIG}")));
        assert_eq!(
            sign_checked_text(TEXT, &signer),
            format!("{TEXT}\n{PETER_SIG}")
        );
    }

    #[test]
    fn sign_rejects_bad_text_and_signer_lists() {
        let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
        assert_eq!(sign("", &[&signer]), Err(SignError::MissingFinalNewline));
        assert_eq!(sign("abc", &[&signer]), Err(SignError::MissingFinalNewline));
        assert_eq!(
            sign("a\tb\n", &[&signer]),
            Err(SignError::ControlCharacter { offset: 1, byte: 9 })
        );
        assert_eq!(sign(TEXT, &[]), Err(SignError::NoSigners));
        assert_eq!(
            sign(TEXT, &[&signer, &signer]),
            Err(SignError::DuplicateSigner {
                name: "PeterNeumann".into(),
                key_id: 0xc74f20a3
            })
        );
        let many = vec![&signer; MAX_SIGNATURE_LINES + 1];
        assert_eq!(
            sign(TEXT, &many),
            Err(SignError::TooManySigners {
                max: 100,
                found: 101
            })
        );
        let big = "x".repeat(MAX_NOTE_BYTES) + "\n";
        assert!(matches!(
            sign(&big, &[&signer]),
            Err(SignError::TooLarge {
                max: MAX_NOTE_BYTES,
                ..
            })
        ));
    }

    #[test]
    fn sign_allows_empty_lines_inside_the_text() {
        let signer = SignerKey::from_seed("example.com/poem", [7; 32]).expect("good seed");
        let text = "Ognuno sta solo sul cuor della terra\n\ned è subito sera.\n\n";
        let note = sign(text, &[&signer]).expect("signable");
        let opened = open(&note, &[signer.verifier()]).expect("opens");
        assert_eq!(opened.text(), text);
    }

    #[test]
    fn open_with_one_known_key_keeps_the_other_unverified() {
        let note = open(&two_signature_note(), &[peter()]).expect("opens");
        assert_eq!(note.text(), TEXT);
        assert_eq!(
            note.verified(),
            &[VerifiedSignature {
                name: "PeterNeumann".into(),
                key_id: 0xc74f20a3
            }]
        );
        assert_eq!(note.unverified().len(), 1);
        assert_eq!(note.unverified()[0].name(), "EnochRoot");
        assert_eq!(note.unverified()[0].key_id(), 0xaf0cfe78);
        assert_eq!(note.unverified()[0].to_line(), ENOCH_SIG);
    }

    #[test]
    fn open_with_both_keys_verifies_both() {
        let note = open(&two_signature_note(), &[enoch(), peter()]).expect("opens");
        let names: Vec<_> = note
            .verified()
            .iter()
            .map(|v| (v.name(), v.key_id()))
            .collect();
        assert_eq!(
            names,
            [("PeterNeumann", 0xc74f20a3), ("EnochRoot", 0xaf0cfe78)]
        );
        assert!(note.unverified().is_empty());
    }

    #[test]
    fn open_without_known_keys_fails() {
        assert_eq!(
            open(&two_signature_note(), &[]),
            Err(NoteError::NoKnownSignature)
        );
    }

    #[test]
    fn open_rejects_a_bad_signature_from_a_known_key() {
        let bad = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
        assert_eq!(
            open(&bad, &[peter()]),
            Err(NoteError::BadSignature {
                line: 1,
                name: "PeterNeumann".into(),
                key_id: 0xc74f20a3
            })
        );
        // A second, corrupted copy after a good one is still checked.
        let flipped = PETER_SIG.replace("x08go/ZJ", "x08go/ZK");
        let note = format!("{TEXT}\n{PETER_SIG}{flipped}");
        assert_eq!(
            open(&note, &[peter()]),
            Err(NoteError::BadSignature {
                line: 2,
                name: "PeterNeumann".into(),
                key_id: 0xc74f20a3
            })
        );
        // A signature of the wrong length from a known key is a bad signature.
        let short = SignatureLine::from_parts("PeterNeumann", 0xc74f20a3, vec![1, 2, 3]).to_line();
        assert_eq!(
            open(&format!("{TEXT}\n{short}"), &[peter()]),
            Err(NoteError::BadSignature {
                line: 1,
                name: "PeterNeumann".into(),
                key_id: 0xc74f20a3
            })
        );
    }

    #[test]
    fn open_ignores_unknown_keys_that_share_only_the_name_or_the_id() {
        let same_name =
            SignatureLine::from_parts("PeterNeumann", 0x01020304, vec![9; 64]).to_line();
        let same_id = SignatureLine::from_parts("Impostor", 0xc74f20a3, vec![9; 64]).to_line();
        let note = open(
            &format!("{TEXT}\n{same_name}{PETER_SIG}{same_id}"),
            &[peter()],
        )
        .expect("opens");
        assert_eq!(note.verified().len(), 1);
        assert_eq!(note.unverified().len(), 2);
    }

    #[test]
    fn open_drops_duplicate_lines() {
        let note = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}");
        let opened = open(&note, &[peter()]).expect("opens");
        assert_eq!(opened.verified().len(), 1);
        assert_eq!(opened.unverified().len(), 1);
    }

    #[test]
    fn open_rejects_two_different_keys_with_the_same_name_and_id() {
        // Not constructible with honest keys; forge the collision by hand.
        let mut impostor = enoch();
        impostor.0.name = "PeterNeumann".into();
        impostor.0.key_id = 0xc74f20a3;
        let note = format!("{TEXT}\n{PETER_SIG}");
        assert_eq!(
            open(&note, &[peter(), impostor]),
            Err(NoteError::AmbiguousKey {
                line: 1,
                name: "PeterNeumann".into(),
                key_id: 0xc74f20a3
            })
        );
        // The same key listed twice is not ambiguous.
        assert!(open(&note, &[peter(), peter()]).is_ok());
    }

    #[test]
    fn open_enforces_the_signature_line_limit() {
        let note = format!("{TEXT}\n{}", PETER_SIG.repeat(MAX_SIGNATURE_LINES));
        assert!(open(&note, &[peter()]).is_ok());
        let note = format!("{TEXT}\n{}", PETER_SIG.repeat(MAX_SIGNATURE_LINES + 1));
        assert_eq!(
            open(&note, &[peter()]),
            Err(NoteError::TooManySignatureLines { max: 100 })
        );
    }

    #[test]
    fn parse_rejects_each_malformation_with_its_own_error() {
        let peter_line = PETER_SIG.trim_end_matches('\n');
        let cases: Vec<(String, NoteError)> = vec![
            (TEXT.to_owned(), NoteError::MissingBlankLine),
            (format!("{TEXT}\n"), NoteError::NoSignatureLines),
            (
                format!("{TEXT}\n{peter_line}"),
                NoteError::MissingFinalNewline,
            ),
            (
                format!("\x01{TEXT}\n{PETER_SIG}"),
                NoteError::ControlCharacter { offset: 0, byte: 1 },
            ),
            (
                format!("{TEXT}\n\r{PETER_SIG}"),
                NoteError::ControlCharacter {
                    offset: TEXT.len() + 1,
                    byte: 13,
                },
            ),
            (
                format!(
                    "{TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
                ),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::NotBase64,
                },
            ),
            (
                format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
                NoteError::SignatureLine {
                    line: 2,
                    source: SignatureLineError::MissingPrefix,
                },
            ),
            (
                format!("{TEXT}\n{PETER_SIG}— NoSignature\n"),
                NoteError::SignatureLine {
                    line: 2,
                    source: SignatureLineError::MissingSignature,
                },
            ),
            (
                format!("{TEXT}\n—  AAAAAAA=\n"),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::Name(KeyNameError::Empty),
                },
            ),
            (
                format!("{TEXT}\n— a+b AAAAAAA=\n"),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::Name(KeyNameError::Plus { offset: 1 }),
                },
            ),
            (
                format!("{TEXT}\n— a\u{2003}b AAAAAAA=\n"),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::Name(KeyNameError::Space {
                        offset: 1,
                        codepoint: 0x2003,
                    }),
                },
            ),
            (
                format!("{TEXT}\n— name AAAAAA==\n"),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::TooShort { min: 5, found: 4 },
                },
            ),
            (
                format!("{TEXT}\n— name \n"),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::TooShort { min: 5, found: 0 },
                },
            ),
            (
                // Non-canonical base64: the last digit has unused bits set.
                format!("{TEXT}\n— name AAAAAAB=\n"),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::NotBase64,
                },
            ),
            (
                format!("{TEXT}\n- name AAAAAAA=\n"),
                NoteError::SignatureLine {
                    line: 1,
                    source: SignatureLineError::MissingPrefix,
                },
            ),
        ];
        for (note, want) in cases {
            assert_eq!(parse(&note).err(), Some(want), "{note:?}");
        }
        let huge = "x\n".repeat(MAX_NOTE_BYTES / 2 + 1);
        assert_eq!(
            parse(&huge).err(),
            Some(NoteError::TooLarge {
                max: MAX_NOTE_BYTES,
                found: MAX_NOTE_BYTES + 2
            })
        );
    }

    #[test]
    fn parse_splits_at_the_last_blank_line() {
        let note = format!("a\n\nb\n\n\n{PETER_SIG}");
        let (text, lines) = parse(&note).expect("parses");
        assert_eq!(text, "a\n\nb\n\n");
        assert_eq!(lines.len(), 1);
        let note = format!("\n\n{PETER_SIG}");
        let (text, _) = parse(&note).expect("parses");
        assert_eq!(text, "\n");
    }

    #[test]
    fn append_signatures_adds_new_lines_once() {
        let note = format!("{TEXT}\n{PETER_SIG}");
        let enoch_line = SignatureLine::parse(ENOCH_SIG.trim_end()).expect("line");
        let peter_line = SignatureLine::parse(PETER_SIG.trim_end()).expect("line");
        let both = append_signatures(&note, &[enoch_line.clone(), peter_line, enoch_line])
            .expect("appends");
        assert_eq!(both, two_signature_note());
        assert_eq!(
            append_signatures("junk", &[]),
            Err(NoteError::MissingBlankLine)
        );
    }

    fn mutate(base: &str, ops: &[(usize, u8, u8)]) -> String {
        let mut bytes = base.as_bytes().to_vec();
        for &(pos, op, value) in ops {
            if bytes.is_empty() {
                bytes.push(value);
                continue;
            }
            let pos = pos % bytes.len();
            match op % 4 {
                0 => bytes[pos] = value,
                1 => {
                    bytes.remove(pos);
                }
                2 => bytes.insert(pos, value),
                _ => bytes.truncate(pos),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_input(text in any::<String>()) {
            let _ = parse(&text);
            let _ = open(&text, &[peter()]);
            let _ = VerifierKey::parse(&text);
            let _ = SignerKey::parse(&text);
            let _ = SignatureLine::parse(&text);
        }

        #[test]
        fn never_panics_on_note_shaped_input(text in "[a-z+/=\n— ]{0,200}") {
            let _ = open(&text, &[peter(), enoch()]);
            let _ = VerifierKey::parse(&text);
        }

        #[test]
        fn never_panics_on_mutated_notes(ops in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
            let note = mutate(&two_signature_note(), &ops);
            let result = open(&note, &[peter(), enoch()]);
            if note != two_signature_note() {
                // Any change to an opened note must either fail or leave the text and both
                // signatures intact (e.g. appending nothing but a valid duplicate).
                if let Ok(opened) = result {
                    prop_assert_eq!(opened.text(), TEXT);
                }
            }
            let _ = VerifierKey::parse(&mutate(PETER_VKEY, &ops));
            let _ = SignerKey::parse(&mutate(PETER_SKEY, &ops));
        }

        #[test]
        fn signed_notes_open(text in "[a-zA-Z0-9 \n]{0,100}\n", seed in any::<[u8; 32]>()) {
            let signer = SignerKey::from_seed("example.com/prop", seed).expect("good seed");
            let note = sign(&text, &[&signer]).expect("valid text");
            let opened = open(&note, &[signer.verifier()]).expect("opens");
            prop_assert_eq!(opened.text(), text.as_str());
        }
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
