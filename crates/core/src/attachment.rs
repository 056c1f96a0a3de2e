//! Attachments (scanned invoices and receipts, minutes, audit findings): which files a ledger
//! takes, recognised from their bytes, and the signed authorisation of an upload.
//!
//! An upload is authorised like an event: a key that holds a role in the ledger signs a
//! domain-separated message binding the ledger's origin, the file's SHA-256, its media type, its
//! length and the time it was signed ([`upload_message`]). The server accepts the signature only
//! within [`UPLOAD_SIGNATURE_WINDOW_S`] of its own clock, so a captured upload cannot be replayed
//! later, and only for the one file, in the one ledger, that it names.

use crate::hash::Hash;
use crate::keys::{
    AuthorKey, AuthorKeyError, AuthorSigner, PublicKey, SIGNATURE_BYTES, decode_lower_hex,
};
use ed25519_dalek::Signature;
use std::fmt;

/// Domain separation for upload signatures: the first line of every signed upload message, so
/// that it can never be mistaken for an event signature or a checkpoint.
pub const UPLOAD_SIGNATURE_CONTEXT: &[u8] = b"gongzhang/attachment-upload/v1";

/// How far the time in an upload signature may be from the server's clock, either way, in
/// seconds: ten minutes, room for a phone's clock that is a few minutes off.
pub const UPLOAD_SIGNATURE_WINDOW_S: u64 = 600;

/// The scheme name of the `Authorization` header that carries an upload signature.
pub const UPLOAD_AUTHORIZATION_SCHEME: &str = "Gongzhang-Upload";

/// The kinds of file a community's ledger keeps, recognised from their first bytes. Nothing
/// else is stored: a page or a script uploaded as an "invoice" would be served from the notice
/// board's own site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MediaType {
    /// `application/pdf`: starts with `%PDF-`.
    Pdf,
    /// `image/jpeg`: starts with `FF D8 FF`.
    Jpeg,
    /// `image/png`: starts with the eight-byte PNG signature.
    Png,
    /// `image/webp`: a RIFF container of form type `WEBP`.
    Webp,
}

impl MediaType {
    /// Every accepted type, in the order people meet them.
    pub const ALL: [MediaType; 4] = [
        MediaType::Pdf,
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Webp,
    ];

    /// The type the bytes begin with, if it is one the ledger takes.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MediaType::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(MediaType::Webp)
        } else {
            None
        }
    }

    /// The media type's name, e.g. `application/pdf`.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
        }
    }

    /// The usual file name extension, with its dot.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => ".pdf",
            MediaType::Jpeg => ".jpg",
            MediaType::Png => ".png",
            MediaType::Webp => ".webp",
        }
    }

    /// The type named `name` (its essence: parameters after `;` and case are ignored).
    pub fn from_name(name: &str) -> Option<MediaType> {
        let essence = name.split(';').next().unwrap_or_default().trim();
        MediaType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(essence))
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an upload signature covers: one file, for one ledger, at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadClaim<'a> {
    /// The ledger's origin.
    pub origin: &'a str,
    /// SHA-256 of the file's bytes.
    pub sha256: Hash,
    /// The file's type.
    pub media_type: MediaType,
    /// The file's length in bytes.
    pub length_bytes: u64,
    /// When it was signed, in seconds since 1970-01-01 UTC.
    pub signed_at_s: u64,
}

/// The exact bytes an author signs to upload a file:
///
/// ```text
/// "gongzhang/attachment-upload/v1" ‖ LF ‖ origin ‖ LF ‖ sha256 (64 lowercase hex) ‖ LF ‖
/// media type ‖ LF ‖ length (decimal) ‖ LF ‖ signed-at (decimal Unix seconds)
/// ```
///
/// Origins, media types and numbers never contain a line feed, so the layout is unambiguous; the
/// context line differs from the event signature's, so neither can stand for the other.
pub fn upload_message(claim: &UploadClaim<'_>) -> Vec<u8> {
    let mut message = Vec::with_capacity(UPLOAD_SIGNATURE_CONTEXT.len() + claim.origin.len() + 128);
    message.extend_from_slice(UPLOAD_SIGNATURE_CONTEXT);
    for field in [
        claim.origin.to_string(),
        claim.sha256.to_hex(),
        claim.media_type.as_str().to_string(),
        claim.length_bytes.to_string(),
        claim.signed_at_s.to_string(),
    ] {
        message.push(b'\n');
        message.extend_from_slice(field.as_bytes());
    }
    message
}

/// An upload signature as the `Authorization` header carries it:
/// `Gongzhang-Upload key=<64 hex>, signed-at=<Unix seconds>, sig=<128 hex>`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct UploadSignature {
    /// The signing key.
    pub key: PublicKey,
    /// When it was signed, in seconds since 1970-01-01 UTC.
    pub signed_at_s: u64,
    /// The Ed25519 signature over [`upload_message`].
    pub signature: [u8; SIGNATURE_BYTES],
}

impl fmt::Debug for UploadSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSignature")
            .field("key", &self.key)
            .field("signed_at_s", &self.signed_at_s)
            .finish_non_exhaustive()
    }
}

/// Why an upload's `Authorization` header cannot be read. Each variant names the part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadHeaderError {
    /// The header does not start with the scheme.
    #[error("the Authorization header must start with `{UPLOAD_AUTHORIZATION_SCHEME} `")]
    Scheme,
    /// A parameter is missing.
    #[error("the Authorization header has no `{0}=` parameter")]
    Missing(&'static str),
    /// A parameter is not `name=value`, is unknown, or appears twice.
    #[error(
        "the Authorization header's parameter `{0}` is not one of key, signed-at, sig (each once)"
    )]
    Parameter(String),
    /// `key` is not 64 lowercase hexadecimal digits.
    #[error("`key` must be 64 lowercase hexadecimal digits")]
    Key,
    /// `signed-at` is not a decimal number of seconds.
    #[error("`signed-at` must be Unix seconds in decimal digits")]
    SignedAt,
    /// `sig` is not 128 lowercase hexadecimal digits.
    #[error("`sig` must be 128 lowercase hexadecimal digits")]
    Sig,
}

/// The largest `Authorization` header an upload may carry, in bytes; the real one is about 250.
pub const UPLOAD_HEADER_BYTES_MAX: usize = 512;

impl UploadSignature {
    /// Signs `claim` with `signer`.
    pub fn sign(claim: &UploadClaim<'_>, signer: &AuthorSigner) -> UploadSignature {
        UploadSignature {
            key: signer.public_key(),
            signed_at_s: claim.signed_at_s,
            signature: signer.sign_bytes(&upload_message(claim)),
        }
    }

    /// The header value.
    pub fn to_header(&self) -> String {
        format!(
            "{UPLOAD_AUTHORIZATION_SCHEME} key={}, signed-at={}, sig={}",
            self.key.to_hex(),
            self.signed_at_s,
            hex::encode(self.signature)
        )
    }

    /// Reads a header value, strictly: the scheme, then `key`, `signed-at` and `sig`, each once,
    /// separated by commas (spaces around them are allowed).
    pub fn parse_header(value: &str) -> Result<UploadSignature, UploadHeaderError> {
        if value.len() > UPLOAD_HEADER_BYTES_MAX {
            return Err(UploadHeaderError::Parameter("(too long)".into()));
        }
        let rest = value
            .strip_prefix(UPLOAD_AUTHORIZATION_SCHEME)
            .and_then(|r| r.strip_prefix(' '))
            .ok_or(UploadHeaderError::Scheme)?;
        let (mut key, mut signed_at, mut sig) = (None, None, None);
        for part in rest.split(',') {
            let part = part.trim();
            let Some((name, v)) = part.split_once('=') else {
                return Err(UploadHeaderError::Parameter(
                    part.chars().take(32).collect(),
                ));
            };
            let slot = match name {
                "key" => &mut key,
                "signed-at" => &mut signed_at,
                "sig" => &mut sig,
                _ => {
                    return Err(UploadHeaderError::Parameter(
                        name.chars().take(32).collect(),
                    ));
                }
            };
            if slot.replace(v).is_some() {
                return Err(UploadHeaderError::Parameter(name.to_string()));
            }
        }
        let key = key.ok_or(UploadHeaderError::Missing("key"))?;
        let signed_at = signed_at.ok_or(UploadHeaderError::Missing("signed-at"))?;
        let sig = sig.ok_or(UploadHeaderError::Missing("sig"))?;
        let key = PublicKey::from_hex(key).ok_or(UploadHeaderError::Key)?;
        if signed_at.is_empty()
            || signed_at.len() > 19
            || !signed_at.bytes().all(|b| b.is_ascii_digit())
            || (signed_at.len() > 1 && signed_at.starts_with('0'))
        {
            return Err(UploadHeaderError::SignedAt);
        }
        let signed_at_s = signed_at
            .parse::<u64>()
            .map_err(|_| UploadHeaderError::SignedAt)?;
        let signature = decode_lower_hex::<SIGNATURE_BYTES>(sig).ok_or(UploadHeaderError::Sig)?;
        Ok(UploadSignature {
            key,
            signed_at_s,
            signature,
        })
    }
}

/// Why an upload signature is not accepted. Whether the key may upload to the ledger (holds a
/// role there) is the ledger's question, asked by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadSignatureError {
    /// The key is not a valid, canonical, strong Ed25519 key.
    #[error("the upload's signing key {key} is {reason}")]
    InvalidKey {
        /// The key.
        key: PublicKey,
        /// Why it is refused.
        reason: AuthorKeyError,
    },
    /// Signed too long ago, or too far in the future (a replay, or a clock far off).
    #[error(
        "the upload was signed at {signed_at_s} (Unix seconds), more than {UPLOAD_SIGNATURE_WINDOW_S} s from the server's time {now_s}"
    )]
    OutsideWindow {
        /// When it says it was signed.
        signed_at_s: u64,
        /// The server's time.
        now_s: u64,
    },
    /// The signature does not verify for this file in this ledger.
    #[error("the upload signature by {key} does not verify for this file in this ledger")]
    BadSignature {
        /// The key.
        key: PublicKey,
    },
}

impl UploadSignature {
    /// What can be checked before the file is read, at the server's time `now_s`: a valid key,
    /// signed within the window. A server admits the upload's body only after this (and after
    /// asking the ledger whether the key holds a role), so a stranger cannot make it buffer files.
    pub fn admit(&self, now_s: u64) -> Result<AuthorKey, UploadSignatureError> {
        let key = AuthorKey::from_public(self.key).map_err(|reason| {
            UploadSignatureError::InvalidKey {
                key: self.key,
                reason,
            }
        })?;
        if self.signed_at_s.abs_diff(now_s) > UPLOAD_SIGNATURE_WINDOW_S {
            return Err(UploadSignatureError::OutsideWindow {
                signed_at_s: self.signed_at_s,
                now_s,
            });
        }
        Ok(key)
    }

    /// Checks the signature for `claim` (whose `signed_at_s` must be this signature's) at the
    /// server's time `now_s`: [`UploadSignature::admit`], then a strict Ed25519 verification.
    pub fn verify(
        &self,
        claim: &UploadClaim<'_>,
        now_s: u64,
    ) -> Result<AuthorKey, UploadSignatureError> {
        let key = self.admit(now_s)?;
        let claim = UploadClaim {
            signed_at_s: self.signed_at_s,
            ..*claim
        };
        key.verifying_key()
            .verify_strict(
                &upload_message(&claim),
                &Signature::from_bytes(&self.signature),
            )
            .map_err(|_| UploadSignatureError::BadSignature { key: self.key })?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(origin: &str) -> UploadClaim<'_> {
        UploadClaim {
            origin,
            sha256: crate::hash::sha256(b"%PDF-1.7 invoice"),
            media_type: MediaType::Pdf,
            length_bytes: 16,
            signed_at_s: 1_780_000_000,
        }
    }

    #[test]
    fn files_are_recognised_by_their_bytes() {
        assert_eq!(MediaType::sniff(b"%PDF-1.4\n"), Some(MediaType::Pdf));
        assert_eq!(
            MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(
            MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaType::Png)
        );
        assert_eq!(
            MediaType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(MediaType::Webp)
        );
        // A RIFF file of another form (a WAV sound), an HTML page, SVG, nothing.
        assert_eq!(MediaType::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(MediaType::sniff(b"<!DOCTYPE html><script>"), None);
        assert_eq!(MediaType::sniff(b"<svg xmlns="), None);
        assert_eq!(MediaType::sniff(b""), None);
        assert_eq!(MediaType::sniff(b"%PDF"), None);
        assert_eq!(
            MediaType::from_name("Application/PDF; q=1"),
            Some(MediaType::Pdf)
        );
        assert_eq!(MediaType::from_name("text/html"), None);
    }

    #[test]
    fn the_upload_message_layout_is_exact() {
        let c = claim("example.org/x");
        let expected = format!(
            "gongzhang/attachment-upload/v1\nexample.org/x\n{}\napplication/pdf\n16\n1780000000",
            c.sha256.to_hex()
        );
        assert_eq!(upload_message(&c), expected.into_bytes());
    }

    #[test]
    fn a_signature_verifies_for_its_file_ledger_and_time_only() {
        let signer = AuthorSigner::from_seed([5; 32]);
        let c = claim("example.org/x");
        let s = UploadSignature::sign(&c, &signer);
        let now = c.signed_at_s + 30;
        assert_eq!(
            s.verify(&c, now).map(|k| k.public()),
            Ok(signer.public_key())
        );
        let bad = Err(UploadSignatureError::BadSignature {
            key: signer.public_key(),
        });
        assert_eq!(s.verify(&claim("example.org/other"), now), bad);
        let other_file = UploadClaim {
            sha256: crate::hash::sha256(b"other"),
            ..c
        };
        assert_eq!(s.verify(&other_file, now), bad);
        let other_type = UploadClaim {
            media_type: MediaType::Png,
            ..c
        };
        assert_eq!(s.verify(&other_type, now), bad);
        let other_length = UploadClaim {
            length_bytes: 17,
            ..c
        };
        assert_eq!(s.verify(&other_length, now), bad);
        // The window, at its edges.
        let edge = c.signed_at_s + UPLOAD_SIGNATURE_WINDOW_S;
        assert!(s.verify(&c, edge).is_ok());
        assert_eq!(
            s.verify(&c, edge + 1),
            Err(UploadSignatureError::OutsideWindow {
                signed_at_s: c.signed_at_s,
                now_s: edge + 1
            })
        );
        assert!(
            s.verify(&c, c.signed_at_s - UPLOAD_SIGNATURE_WINDOW_S)
                .is_ok()
        );
        assert!(matches!(
            s.verify(&c, c.signed_at_s - UPLOAD_SIGNATURE_WINDOW_S - 1),
            Err(UploadSignatureError::OutsideWindow { .. })
        ));
        // An event signature over the same bytes is not an upload signature.
        let as_event = signer.sign_event("example.org/x", &upload_message(&c));
        let forged = UploadSignature {
            signature: as_event,
            ..s
        };
        assert_eq!(forged.verify(&c, now), bad);
    }

    #[test]
    fn the_header_round_trips_and_is_read_strictly() {
        let signer = AuthorSigner::from_seed([5; 32]);
        let s = UploadSignature::sign(&claim("example.org/x"), &signer);
        let header = s.to_header();
        assert_eq!(UploadSignature::parse_header(&header), Ok(s));
        let key = signer.public_key().to_hex();
        let sig = hex::encode(s.signature);
        for (value, error) in [
            (format!("Bearer key={key}"), UploadHeaderError::Scheme),
            (
                format!("Gongzhang-Upload key={key}, sig={sig}"),
                UploadHeaderError::Missing("signed-at"),
            ),
            (
                format!("Gongzhang-Upload key={key}, signed-at=1, signed-at=2, sig={sig}"),
                UploadHeaderError::Parameter("signed-at".into()),
            ),
            (
                format!("Gongzhang-Upload key={key}, signed-at=01, sig={sig}"),
                UploadHeaderError::SignedAt,
            ),
            (
                format!("Gongzhang-Upload key={key}, signed-at=99999999999999999999, sig={sig}"),
                UploadHeaderError::SignedAt,
            ),
            (
                format!(
                    "Gongzhang-Upload key={}, signed-at=1, sig={sig}",
                    key.to_uppercase()
                ),
                UploadHeaderError::Key,
            ),
            (
                format!("Gongzhang-Upload key={key}, signed-at=1, sig=00"),
                UploadHeaderError::Sig,
            ),
            (
                format!("Gongzhang-Upload key={key}, signed-at=1, sig={sig}, extra=1"),
                UploadHeaderError::Parameter("extra".into()),
            ),
        ] {
            assert_eq!(UploadSignature::parse_header(&value), Err(error), "{value}");
        }
    }
}
