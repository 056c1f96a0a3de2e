//! SHA-256 hashes as RFC 6962 uses them: leaf hashes, interior node hashes and the 32-byte value
//! that carries them.

use sha2::{Digest, Sha256};
use std::fmt;

/// Length of a SHA-256 hash in bytes.
pub const HASH_BYTES: usize = 32;

/// Domain-separation prefix of a leaf hash (RFC 6962 section 2.1).
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash (RFC 6962 section 2.1).
pub const NODE_PREFIX: u8 = 0x01;

/// A SHA-256 hash: an entry hash, a Merkle node or a Merkle root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; HASH_BYTES]);

/// A hash given as text or bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashParseError {
    /// The value is not exactly 32 bytes long.
    #[error("a hash is {expected} bytes, found {found}")]
    WrongLength {
        /// Always [`HASH_BYTES`].
        expected: usize,
        /// The length that was given.
        found: usize,
    },
    /// The text is not lowercase hexadecimal.
    #[error("a hash is written as 64 lowercase hexadecimal digits")]
    NotLowercaseHex,
    /// The text is not standard base64 with padding.
    #[error("a hash in base64 must be standard base64 with padding")]
    NotBase64,
}

impl Hash {
    /// The hash of the empty string, which RFC 6962 defines as the root of the empty tree.
    pub const EMPTY_TREE_ROOT: Hash = Hash([
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ]);

    /// All zero bytes: the previous-entry hash of the genesis entry.
    pub const ZERO: Hash = Hash([0; HASH_BYTES]);

    /// Reads a hash from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Hash, HashParseError> {
        let array: [u8; HASH_BYTES] =
            bytes.try_into().map_err(|_| HashParseError::WrongLength {
                expected: HASH_BYTES,
                found: bytes.len(),
            })?;
        Ok(Hash(array))
    }

    /// Reads a hash written as 64 lowercase hexadecimal digits, the form used in entries.
    pub fn from_hex(text: &str) -> Result<Hash, HashParseError> {
        if text.len() != 2 * HASH_BYTES {
            return Err(HashParseError::WrongLength {
                expected: HASH_BYTES,
                found: text.len() / 2,
            });
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(HashParseError::NotLowercaseHex);
        }
        let mut out = [0u8; HASH_BYTES];
        hex::decode_to_slice(text, &mut out).map_err(|_| HashParseError::NotLowercaseHex)?;
        Ok(Hash(out))
    }

    /// Reads a hash written in standard padded base64, the form used in checkpoints and proofs.
    pub fn from_base64(text: &str) -> Result<Hash, HashParseError> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| HashParseError::NotBase64)?;
        Hash::from_slice(&bytes)
    }

    /// The hash as 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The hash in standard padded base64.
    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// The bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; HASH_BYTES] {
        &self.0
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// RFC 6962 leaf hash: `SHA-256(0x00 ‖ data)`. The hash of an entry is the leaf hash of its
/// canonical bytes (without the line feed that ends it in a `.jsonl` file).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(data);
    Hash(hasher.finalize().into())
}

/// RFC 6962 interior node hash: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE_PREFIX]);
    hasher.update(left.0);
    hasher.update(right.0);
    Hash(hasher.finalize().into())
}

/// Plain SHA-256 of some bytes (attachments, key ids).
pub fn sha256(data: &[u8]) -> Hash {
    Hash(Sha256::digest(data).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        assert_eq!(sha256(b""), Hash::EMPTY_TREE_ROOT);
    }

    #[test]
    fn leaf_hash_of_empty_leaf_matches_rfc6962_reference() {
        // transparency-dev/merkle testonly: root of the one-leaf tree over the empty leaf.
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn hex_must_be_lowercase_and_exact_length() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_hex(&h.to_hex()), Ok(h));
        assert_eq!(
            Hash::from_hex(&h.to_hex().to_uppercase()),
            Err(HashParseError::NotLowercaseHex)
        );
        assert!(matches!(
            Hash::from_hex("abcd"),
            Err(HashParseError::WrongLength { found: 2, .. })
        ));
        assert_eq!(Hash::from_base64(&h.to_base64()), Ok(h));
    }
}
