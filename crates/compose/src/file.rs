//! A file an event names by its SHA-256 (an invoice, minutes, a demand letter, audit findings):
//! checked from its bytes as the ledger will keep it. Reading it is the caller's.

use crate::ATTACHMENT_BYTES_MAX;
use gongzhang_core::Hash;
use gongzhang_core::attachment::MediaType;

/// A file's type and hash, as the event names it and the upload gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attached {
    /// Its type, recognised from its bytes.
    pub media_type: MediaType,
    /// SHA-256 of its bytes.
    pub sha256: Hash,
}

/// Why a file cannot be attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileError {
    /// No bytes.
    Empty,
    /// Larger than [`ATTACHMENT_BYTES_MAX`].
    TooLarge {
        /// Its size.
        bytes: u64,
    },
    /// Not a PDF, JPEG, PNG or WebP file by its bytes: the ledger keeps only these.
    NotAccepted,
}

/// Refuses a file of `bytes` bytes that the ledger would not store: a caller may ask before it
/// reads the file.
pub fn check_size(bytes: u64) -> Result<(), FileError> {
    if bytes > ATTACHMENT_BYTES_MAX as u64 {
        Err(FileError::TooLarge { bytes })
    } else {
        Ok(())
    }
}

impl Attached {
    /// The file of `bytes`, refusing one that is empty, too large or of a type the ledger does
    /// not keep.
    pub fn from_bytes(bytes: &[u8]) -> Result<Attached, FileError> {
        check_size(bytes.len() as u64)?;
        if bytes.is_empty() {
            return Err(FileError::Empty);
        }
        let media_type = MediaType::sniff(bytes).ok_or(FileError::NotAccepted)?;
        Ok(Attached {
            media_type,
            sha256: gongzhang_core::hash::sha256(bytes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_bytes() {
        let pdf = b"%PDF-1.7 invoice";
        assert_eq!(
            Attached::from_bytes(pdf),
            Ok(Attached {
                media_type: MediaType::Pdf,
                sha256: gongzhang_core::hash::sha256(pdf),
            })
        );
        assert_eq!(Attached::from_bytes(b""), Err(FileError::Empty));
        assert_eq!(Attached::from_bytes(b"<html>"), Err(FileError::NotAccepted));
        let large = ATTACHMENT_BYTES_MAX as u64 + 1;
        assert_eq!(check_size(large), Err(FileError::TooLarge { bytes: large }));
        assert_eq!(check_size(ATTACHMENT_BYTES_MAX as u64), Ok(()));
    }
}
