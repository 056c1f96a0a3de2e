//! Signing a text into a signed note.

use super::format::find_control_character;
use super::keys::SignerKey;
use super::{MAX_NOTE_BYTES, MAX_SIGNATURE_LINES};

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
