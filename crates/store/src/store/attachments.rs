//! The files a ledger keeps: uploads signed by a key holding a role in the ledger, within its
//! quota, collected when no entry names them in time; attachments restored as they are; reads.

use super::Store;
use crate::backend::{Attachment, Backend, CollectedUploads, StoreError};
use gongzhang_core::attachment::{MediaType, UploadClaim, UploadSignature, UploadSignatureError};
use gongzhang_core::hash::{Hash, sha256};
use gongzhang_core::keys::PublicKey;

/// The largest attachment (a scanned invoice or the minutes of a meeting), in bytes: 20 MiB.
pub const ATTACHMENT_BYTES_MAX: usize = 20 * 1024 * 1024;
/// The bytes one ledger's uploads may hold (files named by its entries and files waiting to be
/// named): 4 GiB, ten years of a large community's scanned invoices at a few hundred a year.
/// Files restored from a published bundle are not uploads and do not count.
pub const UPLOAD_QUOTA_BYTES_PER_LEDGER: u64 = 4 * 1024 * 1024 * 1024;
/// How long an uploaded file may wait for an entry that names it, in milliseconds: a day. Then
/// [`Store::collect_uploads`] removes it (an attachment an entry names is never removed).
pub const UPLOAD_UNNAMED_TTL_MS: i64 = 24 * 60 * 60 * 1000;
const _: () = assert!(ATTACHMENT_BYTES_MAX as u64 <= UPLOAD_QUOTA_BYTES_PER_LEDGER);
/// The longest media type (RFC 6838: 127 characters for each of type and subtype).
pub const MEDIA_TYPE_BYTES_MAX: usize = 255;

/// Why an upload is refused. Nothing is stored when it is.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file is larger than [`ATTACHMENT_BYTES_MAX`].
    #[error("the file is {found_bytes} bytes, more than the limit of {max_bytes}")]
    TooLarge {
        /// Its size.
        found_bytes: usize,
        /// The limit.
        max_bytes: usize,
    },
    /// The file's bytes are not a PDF, JPEG, PNG or WebP.
    #[error(
        "the file is not a PDF, JPEG, PNG or WebP (recognised from its bytes; declared as {declared:?})"
    )]
    UnsupportedType {
        /// The type the request declared, if any.
        declared: Option<String>,
    },
    /// The declared type is not the type of the bytes.
    #[error("the file was declared as {declared} but its bytes are {found}")]
    TypeMismatch {
        /// The type the request declared.
        declared: String,
        /// The type of the bytes.
        found: MediaType,
    },
    /// The upload signature does not hold: bad key, outside the time window, or not over this
    /// file in this ledger.
    #[error(transparent)]
    Signature(#[from] UploadSignatureError),
    /// The signing key holds no role in the ledger.
    #[error(
        "key {key} holds no role in ledger {origin}: only its committee, treasurer and auditor may upload"
    )]
    NoRole {
        /// The key.
        key: PublicKey,
        /// The ledger.
        origin: String,
    },
    /// Storage failed, the ledger is unknown, or the ledger's quota is reached
    /// ([`StoreError::AttachmentQuotaExceeded`]).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadReceipt {
    /// The file's SHA-256, which events name.
    pub sha256: Hash,
    /// Its type, recognised from its bytes.
    pub media_type: MediaType,
    /// Its length.
    pub length_bytes: u64,
    /// Until when (Unix milliseconds) it waits for an entry to name it before it is removed.
    pub unnamed_until_ms: i64,
}

impl<B: Backend> Store<B> {
    /// Stores an upload to the ledger `origin`, authorised by `signature` (a key holding a role in
    /// that ledger, over this file, within the time window of the store's clock): a PDF, JPEG,
    /// PNG or WebP file, recognised from its bytes (and equal to `declared` if the request named
    /// a type), within the ledger's [`UPLOAD_QUOTA_BYTES_PER_LEDGER`]. The file waits
    /// [`UPLOAD_UNNAMED_TTL_MS`] for an entry to name it.
    pub async fn upload_attachment(
        &self,
        origin: &str,
        bytes: Vec<u8>,
        declared: Option<&str>,
        signature: &UploadSignature,
    ) -> Result<UploadReceipt, UploadError> {
        self.admit_upload(origin, signature).await?;
        if bytes.len() > ATTACHMENT_BYTES_MAX {
            return Err(UploadError::TooLarge {
                found_bytes: bytes.len(),
                max_bytes: ATTACHMENT_BYTES_MAX,
            });
        }
        let Some(media_type) = MediaType::sniff(&bytes) else {
            return Err(UploadError::UnsupportedType {
                declared: declared.map(|d| d.chars().take(MEDIA_TYPE_BYTES_MAX).collect()),
            });
        };
        if let Some(declared) = declared {
            if MediaType::from_name(declared) != Some(media_type) {
                return Err(UploadError::TypeMismatch {
                    declared: declared.chars().take(MEDIA_TYPE_BYTES_MAX).collect(),
                    found: media_type,
                });
            }
        }
        let now_ms = self.shared.now().unix_ms();
        let claim = UploadClaim {
            origin,
            sha256: sha256(&bytes),
            media_type,
            length_bytes: bytes.len() as u64,
            signed_at_s: signature.signed_at_s,
        };
        let handle = self.handle(origin).await?;
        let key = signature.verify(&claim, u64::try_from(now_ms / 1000).unwrap_or(0))?;
        let attachment = Attachment {
            sha256: claim.sha256,
            media_type: media_type.as_str().to_string(),
            bytes,
        };
        self.shared
            .backend
            .put_upload(
                handle.shared.id,
                &attachment,
                &key.public(),
                now_ms,
                UPLOAD_QUOTA_BYTES_PER_LEDGER,
            )
            .await?;
        Ok(UploadReceipt {
            sha256: claim.sha256,
            media_type,
            length_bytes: claim.length_bytes,
            unnamed_until_ms: now_ms.saturating_add(UPLOAD_UNNAMED_TTL_MS),
        })
    }

    /// What is checked of an upload before its file is read: the ledger exists, the signature's
    /// key is valid and signed within the window of the store's clock, and it holds a role in the
    /// ledger now. [`Store::upload_attachment`] checks it again with the file.
    pub async fn admit_upload(
        &self,
        origin: &str,
        signature: &UploadSignature,
    ) -> Result<(), UploadError> {
        let now_s = u64::try_from(self.shared.now().unix_ms() / 1000).unwrap_or(0);
        let key = signature.admit(now_s)?;
        if !self
            .read_ledger(origin, |l| l.holds_role(&key.public()))
            .await?
        {
            return Err(UploadError::NoRole {
                key: key.public(),
                origin: origin.to_string(),
            });
        }
        Ok(())
    }

    /// The bytes the ledger's uploads hold, against [`UPLOAD_QUOTA_BYTES_PER_LEDGER`].
    pub async fn upload_bytes(&self, origin: &str) -> Result<u64, StoreError> {
        let handle = self.handle(origin).await?;
        self.shared.backend.upload_bytes(handle.shared.id).await
    }

    /// Removes the uploads that no entry named within [`UPLOAD_UNNAMED_TTL_MS`] of the store's
    /// clock, and their files if no other ledger claims them and no entry names them. An
    /// attachment an entry names is never removed. `gongzhang serve` runs this every hour.
    pub async fn collect_uploads(&self) -> Result<CollectedUploads, StoreError> {
        let before_ms = self
            .shared
            .now()
            .unix_ms()
            .saturating_sub(UPLOAD_UNNAMED_TTL_MS);
        self.shared.backend.collect_uploads(before_ms).await
    }

    /// Stores an attachment as it is, with no ledger's claim on it (so it is never collected),
    /// and returns its SHA-256: for a file restored from a published bundle, which an entry
    /// names, by someone with the database in hand. Uploads from people go through
    /// [`Store::upload_attachment`].
    pub async fn put_attachment(
        &self,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Hash, StoreError> {
        if bytes.len() > ATTACHMENT_BYTES_MAX {
            return Err(StoreError::AttachmentTooLarge {
                found_bytes: bytes.len(),
                max_bytes: ATTACHMENT_BYTES_MAX,
            });
        }
        if !valid_media_type(media_type) {
            return Err(StoreError::InvalidMediaType(media_type.to_string()));
        }
        let attachment = Attachment {
            sha256: sha256(&bytes),
            media_type: media_type.to_string(),
            bytes,
        };
        self.shared.backend.put_attachment(&attachment).await?;
        Ok(attachment.sha256)
    }

    /// An attachment by SHA-256.
    pub async fn attachment(&self, sha256: &Hash) -> Result<Option<Attachment>, StoreError> {
        self.shared.backend.attachment(sha256).await
    }
}

/// `type/subtype`, each an RFC 6838 restricted name.
fn valid_media_type(media_type: &str) -> bool {
    let restricted_name = |name: &str| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && name.len() <= 127
            && chars.all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    // Parameters (`; charset=utf-8`) are allowed, so that a text document is served in the
    // encoding it was written in; each is a token `=` token.
    let mut parts = media_type.split(';');
    let essence = parts.next().unwrap_or("");
    media_type.len() <= MEDIA_TYPE_BYTES_MAX
        && essence
            .split_once('/')
            .is_some_and(|(kind, subtype)| restricted_name(kind) && restricted_name(subtype))
        && parts.all(|p| {
            p.trim_start()
                .split_once('=')
                .is_some_and(|(name, value)| restricted_name(name) && restricted_name(value))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        for good in [
            "application/pdf",
            "image/jpeg",
            "image/svg+xml",
            "application/vnd.ms-excel",
            "text/plain; charset=utf-8",
            "text/plain;charset=UTF-8",
        ] {
            assert!(valid_media_type(good), "{good}");
        }
        for bad in [
            "",
            "pdf",
            "/",
            "a/",
            "/b",
            "a/b/c",
            "text/plain; charset",
            "text/plain; charset=",
            "text/plain; =utf-8",
            "text/plain; charset=utf 8",
            "a b/c",
        ] {
            assert!(!valid_media_type(bad), "{bad}");
        }
    }
}
