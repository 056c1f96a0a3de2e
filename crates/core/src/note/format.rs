//! The text format of a signed note: signature lines, and the split of a note into its text and
//! its signature lines, without verifying anything.

use super::name::{KeyNameError, check_name};
use super::{
    KEY_ID_BYTES, MAX_NOTE_BYTES, MAX_SIGNATURE_LINES, MIN_SIGNATURE_BYTES, SIGNATURE_LINE_PREFIX,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

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
    pub(super) name: String,
    pub(super) key_id: u32,
    pub(super) signature: Vec<u8>,
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
pub(super) fn find_control_character(text: &str) -> Option<(usize, u8)> {
    text.bytes()
        .enumerate()
        .find(|&(_, b)| b < 0x20 && b != b'\n')
}

/// Reads the structure of a signed note without verifying anything: returns the text (with its
/// final newline, without the blank line) and the signature lines in order, duplicates included.
///
/// The text MUST NOT be trusted until a signature is verified: use [`open`](super::open) for that.
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
