//! Key names: what a name on a key string or a signature line may contain.

/// Why a key name is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyNameError {
    /// The name is empty.
    #[error("the key name is empty")]
    Empty,
    /// The name is longer than [`MAX_KEY_NAME_BYTES`](super::MAX_KEY_NAME_BYTES).
    #[error("the key name is {found} bytes long, more than the limit of {max}")]
    TooLong {
        /// Always [`MAX_KEY_NAME_BYTES`](super::MAX_KEY_NAME_BYTES).
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
pub(super) fn check_name(name: &str, max_bytes: Option<usize>) -> Result<(), KeyNameError> {
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
