//! Opening a signed note: verifying its signatures against trusted keys.

use super::ED25519_SIGNATURE_BYTES;
use super::format::{NoteError, SignatureLine, parse};
use super::keys::VerifierKey;

/// A signature on an opened note that verified with a trusted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub(super) name: String,
    pub(super) key_id: u32,
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
