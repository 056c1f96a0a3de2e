//! The witness protocol (`c2sp.org/tlog-witness`): what a log sends a witness to have a
//! checkpoint cosigned, what the witness answers, and the checks it makes before it cosigns.
//!
//! A log asks with `POST <submission prefix>/add-checkpoint` and a body of
//!
//! ```text
//! old 20852014                                       ← the size the witness last cosigned
//! PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=       ← 0 to 63 consistency proof hashes
//! jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
//!                                                    ← an empty line
//! example.com/behind-the-sofa                        ← the signed checkpoint note
//! 20852163
//! CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//!
//! — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
//! ```
//!
//! ([`AddCheckpoint`]). The witness answers `200` with its `cosignature/v1` lines, or refuses
//! ([`Refusal`], with the status code the protocol gives each case). [`open`] and
//! [`Signed::check`] are the whole decision, pure: the witness's HTTP side opens the request,
//! looks up what it last cosigned for the origin, checks, and persists the new size **only if the stored one is still the one it checked
//! against** (compare-and-swap), before it cosigns — so two concurrent requests can never roll the
//! witness back.

use crate::checkpoint::{Checkpoint, CheckpointParseError, DecimalError, parse_decimal_u64};
use crate::hash::{Hash, HashParseError};
use crate::merkle::{ConsistencyError, TreeHead};
use crate::note::{self, NoteError, VerifierKey};

#[cfg(test)]
mod tests;
use std::collections::BTreeMap;

/// The path of the submission endpoint, after the witness's submission prefix.
pub const ADD_CHECKPOINT_PATH: &str = "/add-checkpoint";
/// The content type of a `409 Conflict` answer, whose body is the witness's latest size.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";
/// The most consistency proof lines a request may carry (a proof in a tree of 2^64 leaves
/// is at most 2 × 64 - 1 hashes long, but the protocol caps it; 63 covers every tree up to 2^63).
pub const MAX_PROOF_LINES: usize = 63;
/// The longest request body accepted, in bytes: the old size line, 63 proof lines, the empty line
/// and a note of at most [`note::MAX_NOTE_BYTES`].
pub const MAX_REQUEST_BYTES: usize =
    OLD_LINE_MAX + MAX_PROOF_LINES * PROOF_LINE_BYTES + 1 + note::MAX_NOTE_BYTES;

/// `old ` + 20 digits + newline.
const OLD_LINE_MAX: usize = 4 + 20 + 1;
/// 44 base64 characters + newline.
const PROOF_LINE_BYTES: usize = 45;

/// An `add-checkpoint` request: the size the log believes the witness last cosigned, a
/// consistency proof from it, and the signed checkpoint note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    old_size: u64,
    proof: Vec<Hash>,
    note: String,
}

/// Why a request body is not an `add-checkpoint` request (answered `400 Bad Request`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The body is longer than [`MAX_REQUEST_BYTES`].
    #[error("the request is {found} bytes long, more than the limit of {max}")]
    TooLarge {
        /// Always [`MAX_REQUEST_BYTES`].
        max: usize,
        /// Length of the body.
        found: usize,
    },
    /// The body is not UTF-8.
    #[error("the request is not UTF-8 text (byte {offset})")]
    NotUtf8 {
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// No empty line separates the old size and proof from the checkpoint.
    #[error("the request has no empty line before the checkpoint")]
    NoEmptyLine,
    /// Line 1 is not `old <size>`.
    #[error("line 1 must be \"old <size>\", found {found:?}")]
    OldSizeLine {
        /// The line (at most 40 characters of it).
        found: String,
    },
    /// The old size is not a canonical decimal number.
    #[error("the old size on line 1: {0}")]
    OldSize(DecimalError),
    /// More than [`MAX_PROOF_LINES`] proof lines.
    #[error("the request has {found} consistency proof lines, more than the limit of {max}")]
    TooManyProofLines {
        /// Always [`MAX_PROOF_LINES`].
        max: usize,
        /// Lines found.
        found: usize,
    },
    /// A proof line is not base64 of 32 bytes.
    #[error("consistency proof line {line}: {error}")]
    ProofLine {
        /// 1-based line number in the request body.
        line: usize,
        /// What is wrong with it.
        error: HashParseError,
    },
}

impl AddCheckpoint {
    /// A request for `note` (a signed checkpoint) with a consistency proof from `old_size`.
    pub fn new(old_size: u64, proof: Vec<Hash>, note: String) -> AddCheckpoint {
        AddCheckpoint {
            old_size,
            proof,
            note,
        }
    }

    /// Reads a request body. The note is only split off here; [`check`] reads it.
    pub fn parse(body: &[u8]) -> Result<AddCheckpoint, RequestError> {
        if body.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::TooLarge {
                max: MAX_REQUEST_BYTES,
                found: body.len(),
            });
        }
        let text = std::str::from_utf8(body).map_err(|e| RequestError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        // The header has no empty line, and neither does a checkpoint before its signatures:
        // the first empty line ends the header.
        let (head, note) = if let Some(rest) = text.strip_prefix('\n') {
            ("", rest)
        } else {
            let at = text.find("\n\n").ok_or(RequestError::NoEmptyLine)?;
            (&text[..at], &text[at + 2..])
        };
        let mut lines = head.split('\n');
        let first = lines.next().unwrap_or_default();
        let size = first
            .strip_prefix("old ")
            .ok_or_else(|| RequestError::OldSizeLine {
                found: first.chars().take(40).collect(),
            })?;
        let old_size = parse_decimal_u64(size).map_err(RequestError::OldSize)?;
        let proof_lines: Vec<&str> = lines.collect();
        if proof_lines.len() > MAX_PROOF_LINES {
            return Err(RequestError::TooManyProofLines {
                max: MAX_PROOF_LINES,
                found: proof_lines.len(),
            });
        }
        let proof = proof_lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                Hash::from_base64(line)
                    .map_err(|error| RequestError::ProofLine { line: i + 2, error })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AddCheckpoint {
            old_size,
            proof,
            note: note.to_owned(),
        })
    }

    /// The request body.
    pub fn to_body(&self) -> String {
        let mut body = String::with_capacity(
            OLD_LINE_MAX + self.proof.len() * PROOF_LINE_BYTES + 1 + self.note.len(),
        );
        body.push_str("old ");
        body.push_str(&self.old_size.to_string());
        body.push('\n');
        for hash in &self.proof {
            body.push_str(&hash.to_base64());
            body.push('\n');
        }
        body.push('\n');
        body.push_str(&self.note);
        body
    }

    /// The size the log believes the witness last cosigned.
    pub fn old_size(&self) -> u64 {
        self.old_size
    }

    /// The consistency proof from the old size to the checkpoint's.
    pub fn proof(&self) -> &[Hash] {
        &self.proof
    }

    /// The signed checkpoint note, as sent.
    pub fn note(&self) -> &str {
        &self.note
    }
}

/// Reads the body of a `409 Conflict` answer: the witness's latest size, in decimal, and a newline.
pub fn parse_size_body(body: &[u8]) -> Result<u64, DecimalError> {
    let text = std::str::from_utf8(body).map_err(|_| DecimalError::NotDecimal)?;
    let digits = text.strip_suffix('\n').ok_or(DecimalError::NotDecimal)?;
    parse_decimal_u64(digits)
}

/// The body of a `409 Conflict` answer.
pub fn size_body(size: u64) -> String {
    format!("{size}\n")
}

/// The logs a witness cosigns for: each origin with the keys it trusts for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedLogs {
    by_origin: BTreeMap<String, Vec<VerifierKey>>,
}

impl TrustedLogs {
    /// No logs.
    pub fn new() -> TrustedLogs {
        TrustedLogs::default()
    }

    /// Trusts `key` for checkpoints of `origin` (several keys may sign for one origin; adding a
    /// key twice keeps one).
    pub fn add(&mut self, origin: &str, key: VerifierKey) {
        let keys = self.by_origin.entry(origin.to_owned()).or_default();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }

    /// The keys trusted for `origin`, if it is known.
    pub fn keys(&self, origin: &str) -> Option<&[VerifierKey]> {
        self.by_origin.get(origin).map(Vec::as_slice)
    }

    /// The known origins, in order.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.by_origin.keys().map(String::as_str)
    }

    /// How many origins are known.
    pub fn len(&self) -> usize {
        self.by_origin.len()
    }

    /// Whether no origin is known.
    pub fn is_empty(&self) -> bool {
        self.by_origin.is_empty()
    }
}

/// Why a witness does not cosign, with the HTTP status the protocol gives it ([`Refusal::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `400`: the body is not an `add-checkpoint` request.
    #[error("{0}")]
    Malformed(RequestError),
    /// `400`: the note or its checkpoint cannot be read.
    #[error("the checkpoint note: {0}")]
    Note(NoteError),
    /// `400`: the signed text is not a checkpoint.
    #[error("the checkpoint: {0}")]
    Checkpoint(CheckpointParseError),
    /// `404`: the witness does not know the checkpoint's origin.
    #[error("this witness does not know the log {origin:?}")]
    UnknownOrigin {
        /// Line 1 of the checkpoint (at most 200 characters of it).
        origin: String,
    },
    /// `403`: no signature by a key trusted for the origin verifies.
    #[error("no signature on the checkpoint verifies with a key trusted for {origin:?}: {error}")]
    NotSigned {
        /// The checkpoint's origin.
        origin: String,
        /// What the note check found.
        error: NoteError,
    },
    /// `400`: the old size is larger than the checkpoint's.
    #[error("the old size {old_size} is larger than the checkpoint's size {size}")]
    OldSizeAboveSize {
        /// The request's old size.
        old_size: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// `409` (body: the latest size): the old size is not the size the witness last cosigned.
    #[error("the old size {old_size} is not the size this witness last cosigned, {latest}")]
    OldSizeMismatch {
        /// The request's old size.
        old_size: u64,
        /// The size the witness last cosigned (0 if none).
        latest: u64,
    },
    /// `409` (body: the latest size): the checkpoint has the size the witness last cosigned but
    /// another root — two different trees under one origin, both signed by the log.
    #[error("the checkpoint's size is {size}, which this witness cosigned with another root")]
    RootMismatch {
        /// The size.
        size: u64,
        /// The root the witness cosigned.
        witnessed: Hash,
        /// The root in the checkpoint.
        submitted: Hash,
    },
    /// `422`: the consistency proof does not prove that the checkpoint extends what the witness
    /// last cosigned.
    #[error("the consistency proof from size {old_size} does not verify: {error}")]
    BadProof {
        /// The old size.
        old_size: u64,
        /// What the proof check found.
        error: ConsistencyError,
    },
    /// `422`: a proof was sent from size 0, where the proof must be empty.
    #[error("the consistency proof from size 0 must be empty, found {found} lines")]
    ProofFromZero {
        /// Lines sent.
        found: usize,
    },
}

impl Refusal {
    /// The HTTP status code the protocol gives this refusal.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Malformed(_)
            | Refusal::Note(_)
            | Refusal::Checkpoint(_)
            | Refusal::OldSizeAboveSize { .. } => 400,
            Refusal::NotSigned { .. } => 403,
            Refusal::UnknownOrigin { .. } => 404,
            Refusal::OldSizeMismatch { .. } | Refusal::RootMismatch { .. } => 409,
            Refusal::BadProof { .. } | Refusal::ProofFromZero { .. } => 422,
        }
    }

    /// For a `409`, the size the witness last cosigned (the answer's body).
    pub fn latest_size(&self) -> Option<u64> {
        match self {
            Refusal::OldSizeMismatch { latest, .. } => Some(*latest),
            Refusal::RootMismatch { size, .. } => Some(*size),
            _ => None,
        }
    }

    /// Whether the log signed this checkpoint and it still does not extend what the witness
    /// cosigned: possible evidence that the log shows different trees to different people, to
    /// keep (the protocol allows logging it) even though it is not cosigned.
    pub fn is_evidence(&self) -> bool {
        matches!(
            self,
            Refusal::RootMismatch { .. } | Refusal::BadProof { .. } | Refusal::ProofFromZero { .. }
        )
    }
}

/// A request whose checkpoint is signed by a key the witness trusts for its origin: what is left
/// to check needs what the witness last cosigned for that origin ([`Signed::check`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    checkpoint: Checkpoint,
    text: String,
    old_size: u64,
    proof: Vec<Hash>,
}

/// Reads a request's checkpoint and checks its signature: the origin must be known (`404`), a
/// trusted key must have signed it (`403`), and it must be a checkpoint (`400`).
pub fn open(request: &AddCheckpoint, logs: &TrustedLogs) -> Result<Signed, Refusal> {
    let (text, _) = note::parse(&request.note).map_err(Refusal::Note)?;
    let origin = text.split('\n').next().unwrap_or_default();
    let keys = logs.keys(origin).ok_or_else(|| Refusal::UnknownOrigin {
        origin: origin.chars().take(200).collect(),
    })?;
    let opened = note::open(&request.note, keys).map_err(|error| match error {
        NoteError::NoKnownSignature
        | NoteError::BadSignature { .. }
        | NoteError::AmbiguousKey { .. } => Refusal::NotSigned {
            origin: origin.to_owned(),
            error,
        },
        other => Refusal::Note(other),
    })?;
    let checkpoint = Checkpoint::parse(opened.text()).map_err(Refusal::Checkpoint)?;
    Ok(Signed {
        text: opened.text().to_owned(),
        checkpoint,
        old_size: request.old_size,
        proof: request.proof.clone(),
    })
}

impl Signed {
    /// The checkpoint's origin.
    pub fn origin(&self) -> &str {
        self.checkpoint.origin()
    }

    /// The signed checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The checkpoint text as signed: what a cosignature covers.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The rest of the decision, given what the witness last cosigned for the origin (`None`:
    /// nothing yet), in the protocol's order: the old size must not exceed the checkpoint's
    /// (`400`) and must be the size last cosigned (`409`); the proof must verify from what was
    /// last cosigned (`422`; empty from size 0); at an equal size the roots must agree (`409`).
    /// Returns the state to persist in place of `latest` before cosigning.
    pub fn check(&self, latest: Option<TreeHead>) -> Result<TreeHead, Refusal> {
        let head = self.checkpoint.tree_head();
        if self.old_size > head.size {
            return Err(Refusal::OldSizeAboveSize {
                old_size: self.old_size,
                size: head.size,
            });
        }
        let latest_size = latest.map_or(0, |w| w.size);
        if self.old_size != latest_size {
            return Err(Refusal::OldSizeMismatch {
                old_size: self.old_size,
                latest: latest_size,
            });
        }
        match latest {
            None => {
                if !self.proof.is_empty() {
                    return Err(Refusal::ProofFromZero {
                        found: self.proof.len(),
                    });
                }
            }
            Some(witnessed) if witnessed.size == head.size => {
                if !self.proof.is_empty() {
                    return Err(Refusal::BadProof {
                        old_size: self.old_size,
                        error: ConsistencyError::WrongProofLength {
                            size1: head.size,
                            size2: head.size,
                            expected: 0,
                            found: self.proof.len(),
                        },
                    });
                }
                if witnessed.root != head.root {
                    return Err(Refusal::RootMismatch {
                        size: head.size,
                        witnessed: witnessed.root,
                        submitted: head.root,
                    });
                }
            }
            Some(witnessed) => {
                head.verify_consistency(&witnessed, &self.proof)
                    .map_err(|error| Refusal::BadProof {
                        old_size: self.old_size,
                        error,
                    })?;
            }
        }
        Ok(head)
    }
}
