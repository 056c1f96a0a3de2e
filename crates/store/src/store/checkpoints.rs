//! Signed checkpoints as published (the log's note with its witnesses' cosignature lines) and
//! the cosignatures witnesses add.

use super::Store;
use crate::backend::{Backend, LedgerId, StoreError, StoredCheckpoint};
use gongzhang_core::cosignature::{self, CosignatureError, CosignerKey};
use gongzhang_core::note::{self, NoteError, SignatureLine, SignatureLineError};

/// Why a cosignature was not added.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    /// No checkpoint was signed at this size.
    #[error("no checkpoint was signed at size {0}")]
    NoCheckpoint(u64),
    /// The line is not a signature line.
    #[error("the cosignature line: {0}")]
    Line(SignatureLineError),
    /// The line is not from one of the given witnesses.
    #[error("the cosignature by {name}+{key_id:08x} is not from a known witness")]
    UnknownWitness {
        /// Key name on the line.
        name: String,
        /// Key id on the line.
        key_id: u32,
    },
    /// The cosignature does not verify (or is malformed).
    #[error("{0}")]
    Invalid(CosignatureError),
    /// The note cannot take another signature line.
    #[error("{0}")]
    Note(NoteError),
    /// The database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl<B: Backend> Store<B> {
    /// The signed checkpoint at `size` (the latest if `None`) with the witnesses' cosignature
    /// lines appended: the `checkpoint` file as published.
    pub async fn checkpoint(
        &self,
        origin: &str,
        size: Option<u64>,
    ) -> Result<Option<String>, StoreError> {
        let id = self.ledger_id(origin).await?;
        let stored = self.shared.backend.checkpoint(id, size).await?;
        Ok(stored.map(|c| note_with_cosignatures(&c)))
    }

    /// Adds a witness's cosignature line (`— name base64`, with or without its line feed) to
    /// the checkpoint at `size`, after verifying it with `witnesses`. Adding it twice is a no-op.
    pub async fn add_cosignature(
        &self,
        origin: &str,
        size: u64,
        line: &str,
        witnesses: &[CosignerKey],
    ) -> Result<(), CosignError> {
        let id = self.ledger_id(origin).await?;
        let stored = self
            .shared
            .backend
            .checkpoint(id, Some(size))
            .await?
            .ok_or(CosignError::NoCheckpoint(size))?;
        let line = SignatureLine::parse(line.strip_suffix('\n').unwrap_or(line))
            .map_err(CosignError::Line)?;
        // The published note must still take the line (at most 100 signature lines).
        note::append_signatures(
            &note_with_cosignatures(&stored),
            std::slice::from_ref(&line),
        )
        .map_err(CosignError::Note)?;
        // Verify the new line alone over the log's note (earlier lines were verified when added).
        let alone = note::append_signatures(&stored.note, std::slice::from_ref(&line))
            .map_err(CosignError::Note)?;
        let verified =
            cosignature::verify_cosignatures(&alone, witnesses).map_err(CosignError::Invalid)?;
        if !verified
            .iter()
            .any(|v| v.name() == line.name() && v.key_id() == line.key_id())
        {
            return Err(CosignError::UnknownWitness {
                name: line.name().to_string(),
                key_id: line.key_id(),
            });
        }
        self.shared
            .backend
            .add_cosignature(id, size, &line.to_line())
            .await?;
        Ok(())
    }
}

/// Cosignature lines looked at to find the latest cosigned checkpoint: a few witnesses
/// cosigning every couple of seconds leave about two lines a checkpoint, so this covers the last
/// few hundred checkpoints.
pub const RECENT_COSIGNATURES_READ: u32 = 512;

impl<B: Backend> Store<B> {
    /// The latest checkpoint witnesses cosigned, with the names of those who did: of the recently
    /// cosigned checkpoints, the one with the most witnesses, and of those the largest. `None`
    /// when no witness has cosigned lately.
    pub async fn latest_cosigned(
        &self,
        origin: &str,
    ) -> Result<Option<(u64, Vec<String>)>, StoreError> {
        let id = self.ledger_id(origin).await?;
        Ok(best_cosigned(&self.cosigned_recently(id).await?, 0))
    }

    /// The recently cosigned checkpoints, largest first: (size, witness names, sorted).
    pub(super) async fn cosigned_recently(
        &self,
        id: LedgerId,
    ) -> Result<Vec<(u64, Vec<String>)>, StoreError> {
        let lines = self
            .shared
            .backend
            .recent_cosignatures(id, RECENT_COSIGNATURES_READ)
            .await?;
        let mut groups: Vec<(u64, Vec<String>)> = Vec::new();
        for (size, line) in lines {
            let Ok(line) = SignatureLine::parse(line.trim_end_matches('\n')) else {
                continue;
            };
            match groups.last_mut() {
                Some((at, names)) if *at == size => names.push(line.name().to_owned()),
                _ => groups.push((size, vec![line.name().to_owned()])),
            }
        }
        for (_, names) in &mut groups {
            names.sort();
            names.dedup();
        }
        Ok(groups)
    }
}

/// Of `groups` (size, witnesses), those above `above` entries: the one with the most witnesses,
/// and of those the largest.
pub(super) fn best_cosigned(
    groups: &[(u64, Vec<String>)],
    above: u64,
) -> Option<(u64, Vec<String>)> {
    groups
        .iter()
        .filter(|(size, _)| *size > above)
        .max_by_key(|(size, names)| (names.len(), *size))
        .cloned()
}

pub(super) fn note_with_cosignatures(checkpoint: &StoredCheckpoint) -> String {
    let mut note = checkpoint.note.clone();
    for line in &checkpoint.cosignatures {
        note.push_str(line);
        if !line.ends_with('\n') {
            note.push('\n');
        }
    }
    note
}
