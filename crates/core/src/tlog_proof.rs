//! Portable, offline-verifiable inclusion proofs (`c2sp.org/tlog-proof@v1`).
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6
//! index 73894
//! gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
//! B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
//!
//! example.com/fancylog
//! 109482
//! sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=
//!
//! — example.com/fancylog hI2DJw…
//! — witness1.example mJirIklj…
//! ```
//!
//! The header line, an optional `extra` line (opaque, unauthenticated base64 data), the leaf
//! index, the RFC 6962 inclusion proof (one base64 hash per line, from the leaf's sibling up), an
//! empty line, and the log's checkpoint note verbatim, with any witness cosignatures.
//!
//! The proof does not carry the leaf: the caller supplies the leaf hash (for Gongzhang, the entry
//! hash `SHA-256(0x00 ‖ entry bytes)`) to [`verify`].

use crate::checkpoint::{self, Checkpoint, CheckpointError, CheckpointParseError, DecimalError};
use crate::cosignature::{VerifiedCosignature, WitnessPolicy};
use crate::hash::{Hash, HashParseError};
use crate::merkle::{InclusionError, TreeHead};
use crate::note::{self, NoteError, VerifierKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The first line of every proof (without its newline).
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";
/// The prefix of the optional extra-data line.
pub const EXTRA_PREFIX: &str = "extra ";
/// The prefix of the index line.
pub const INDEX_PREFIX: &str = "index ";
/// Most inclusion-proof hashes accepted: the height of a tree of 2^64 leaves.
pub const MAX_PROOF_HASHES: usize = 64;
/// Largest extra data accepted or written, in decoded bytes.
pub const MAX_EXTRA_BYTES: usize = 64 * 1024;
/// Largest proof text accepted, in bytes: room for the largest signed note
/// ([`note::MAX_NOTE_BYTES`]), the largest extra data in base64 and a full inclusion proof.
pub const MAX_PROOF_BYTES: usize = 2 * note::MAX_NOTE_BYTES;
/// Length of a SHA-256 hash in standard padded base64, in characters.
const HASH_BASE64_CHARS: usize = 44;

/// Why a proof text could not be read, or a proof could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofParseError {
    /// The text is longer than [`MAX_PROOF_BYTES`].
    #[error("the proof is {found} bytes long, more than the limit of {max}")]
    TooLarge {
        /// Always [`MAX_PROOF_BYTES`].
        max: usize,
        /// Length in bytes.
        found: usize,
    },
    /// The first line is not `c2sp.org/tlog-proof@v1`.
    #[error("the first line is not \"c2sp.org/tlog-proof@v1\"")]
    BadHeader,
    /// No empty line separates the proof from the checkpoint.
    #[error("no empty line separates the inclusion proof from the checkpoint")]
    MissingBlankLine,
    /// The `extra` line is present but has no data.
    #[error("the extra line (line 2) has no data; omit the line instead")]
    EmptyExtra,
    /// The extra data is not standard base64 with padding.
    #[error("the extra data on line 2 is not standard base64 with padding")]
    ExtraNotBase64,
    /// The extra data is larger than [`MAX_EXTRA_BYTES`].
    #[error("the extra data is {found} bytes, more than the limit of {max}")]
    ExtraTooLarge {
        /// Always [`MAX_EXTRA_BYTES`].
        max: usize,
        /// Size of the data, in bytes (estimated from the base64 length when reading).
        found: usize,
    },
    /// The line after the header (and the extra line, if any) is not `index N`.
    #[error("line {line} should be \"index N\"")]
    MissingIndex {
        /// 1-based line number.
        line: usize,
    },
    /// The index is not a canonical decimal number.
    #[error("the index on line {line}: {source}")]
    Index {
        /// 1-based line number.
        line: usize,
        /// What is wrong with the number.
        source: DecimalError,
    },
    /// A proof line is not base64 of 32 bytes.
    #[error("proof hash on line {line}: {source}")]
    ProofHash {
        /// 1-based line number.
        line: usize,
        /// What is wrong with the hash.
        source: HashParseError,
    },
    /// More proof hashes than [`MAX_PROOF_HASHES`].
    #[error("the inclusion proof has more than {max} hashes")]
    TooManyHashes {
        /// Always [`MAX_PROOF_HASHES`].
        max: usize,
    },
    /// The checkpoint after the empty line is not a well-formed signed note.
    #[error("the checkpoint note: {0}")]
    CheckpointNote(NoteError),
    /// The checkpoint's text is not a valid checkpoint.
    #[error("the checkpoint: {0}")]
    Checkpoint(CheckpointParseError),
}

/// A parsed `tlog-proof`, not yet verified. Every part is well-formed; nothing is trusted until
/// [`verify`] succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    extra: Option<Vec<u8>>,
    index: u64,
    hashes: Vec<Hash>,
    checkpoint_note: String,
}

/// Checks that a signed checkpoint note is well-formed (its signatures are checked by
/// [`verify`]).
fn check_checkpoint_note(note_text: &str) -> Result<(), TlogProofParseError> {
    let (text, _) = note::parse(note_text).map_err(TlogProofParseError::CheckpointNote)?;
    Checkpoint::parse(text).map_err(TlogProofParseError::Checkpoint)?;
    Ok(())
}

impl TlogProof {
    /// Assembles a proof from its parts, in the order of the text: optional extra data, the leaf
    /// index, its inclusion proof and the signed checkpoint note (with any cosignatures).
    pub fn new(
        extra: Option<Vec<u8>>,
        index: u64,
        hashes: Vec<Hash>,
        checkpoint_note: String,
    ) -> Result<TlogProof, TlogProofParseError> {
        if let Some(data) = &extra {
            if data.is_empty() {
                return Err(TlogProofParseError::EmptyExtra);
            }
            if data.len() > MAX_EXTRA_BYTES {
                return Err(TlogProofParseError::ExtraTooLarge {
                    max: MAX_EXTRA_BYTES,
                    found: data.len(),
                });
            }
        }
        if hashes.len() > MAX_PROOF_HASHES {
            return Err(TlogProofParseError::TooManyHashes {
                max: MAX_PROOF_HASHES,
            });
        }
        check_checkpoint_note(&checkpoint_note)?;
        Ok(TlogProof {
            extra,
            index,
            hashes,
            checkpoint_note,
        })
    }

    /// Reads a proof strictly: exact header, optional non-empty canonical `extra`, canonical
    /// decimal index, 32-byte canonical base64 hashes, one empty line, a well-formed signed
    /// checkpoint note.
    pub fn parse(text: &str) -> Result<TlogProof, TlogProofParseError> {
        if text.len() > MAX_PROOF_BYTES {
            return Err(TlogProofParseError::TooLarge {
                max: MAX_PROOF_BYTES,
                found: text.len(),
            });
        }
        let split = text
            .find("\n\n")
            .ok_or(TlogProofParseError::MissingBlankLine)?;
        // Cut next to ASCII newlines: character boundaries.
        let head = &text[..split];
        let checkpoint_note = &text[split + 2..];
        let mut lines = head
            .split('\n')
            .enumerate()
            .map(|(index, line)| (index + 1, line));

        match lines.next() {
            Some((_, HEADER)) => {}
            _ => return Err(TlogProofParseError::BadHeader),
        }
        let Some((mut number, mut line)) = lines.next() else {
            return Err(TlogProofParseError::MissingIndex { line: 2 });
        };
        let mut extra = None;
        if let Some(b64) = line.strip_prefix(EXTRA_PREFIX) {
            extra = Some(decode_extra(b64)?);
            (number, line) = lines
                .next()
                .ok_or(TlogProofParseError::MissingIndex { line: 3 })?;
        }
        let digits = line
            .strip_prefix(INDEX_PREFIX)
            .ok_or(TlogProofParseError::MissingIndex { line: number })?;
        let index =
            checkpoint::parse_decimal_u64(digits).map_err(|source| TlogProofParseError::Index {
                line: number,
                source,
            })?;

        let mut hashes = Vec::new();
        for (number, line) in lines {
            if hashes.len() == MAX_PROOF_HASHES {
                return Err(TlogProofParseError::TooManyHashes {
                    max: MAX_PROOF_HASHES,
                });
            }
            let hash =
                Hash::from_base64(line).map_err(|source| TlogProofParseError::ProofHash {
                    line: number,
                    source,
                })?;
            hashes.push(hash);
        }
        check_checkpoint_note(checkpoint_note)?;
        Ok(TlogProof {
            extra,
            index,
            hashes,
            checkpoint_note: checkpoint_note.to_owned(),
        })
    }

    /// The proof text, ready to store as a `.tlog-proof` file.
    pub fn to_text(&self) -> String {
        let mut text = String::with_capacity(
            HEADER.len()
                + 32
                + (HASH_BASE64_CHARS + 1) * self.hashes.len()
                + self.checkpoint_note.len(),
        );
        text.push_str(HEADER);
        text.push('\n');
        if let Some(extra) = &self.extra {
            text.push_str(EXTRA_PREFIX);
            text.push_str(&STANDARD.encode(extra));
            text.push('\n');
        }
        text.push_str(INDEX_PREFIX);
        text.push_str(&self.index.to_string());
        text.push('\n');
        for hash in &self.hashes {
            text.push_str(&hash.to_base64());
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.checkpoint_note);
        text
    }

    /// The opaque extra data. It is NOT authenticated by anything in the proof.
    pub fn extra(&self) -> Option<&[u8]> {
        self.extra.as_deref()
    }

    /// The claimed leaf index (proved only by [`verify`]).
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The inclusion proof hashes, from the leaf's sibling up.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// The signed checkpoint note, verbatim (unverified).
    pub fn checkpoint_note(&self) -> &str {
        &self.checkpoint_note
    }
}

/// Decodes the extra data, bounding the work by the base64 length first.
fn decode_extra(b64: &str) -> Result<Vec<u8>, TlogProofParseError> {
    if b64.is_empty() {
        return Err(TlogProofParseError::EmptyExtra);
    }
    let estimate = b64.len() / 4 * 3;
    if estimate > MAX_EXTRA_BYTES + 3 {
        return Err(TlogProofParseError::ExtraTooLarge {
            max: MAX_EXTRA_BYTES,
            found: estimate,
        });
    }
    let data = STANDARD
        .decode(b64)
        .map_err(|_| TlogProofParseError::ExtraNotBase64)?;
    if data.len() > MAX_EXTRA_BYTES {
        return Err(TlogProofParseError::ExtraTooLarge {
            max: MAX_EXTRA_BYTES,
            found: data.len(),
        });
    }
    Ok(data)
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofError {
    /// The checkpoint is not signed by the log, is for another origin, or does not meet the
    /// witness policy.
    #[error("{0}")]
    Checkpoint(CheckpointError),
    /// The inclusion proof does not prove the leaf at the index in the checkpoint's tree.
    #[error("the inclusion proof: {0}")]
    Inclusion(InclusionError),
}

/// What a verified proof establishes: the leaf is at `index` in the tree the log signed (and the
/// policy's witnesses cosigned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    index: u64,
    tree_head: TreeHead,
    cosignatures: Vec<VerifiedCosignature>,
}

impl VerifiedProof {
    /// The leaf index.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The signed tree head the leaf is included in.
    pub fn tree_head(&self) -> TreeHead {
        self.tree_head
    }

    /// The witness cosignatures that satisfied the policy (empty without a policy).
    pub fn cosignatures(&self) -> &[VerifiedCosignature] {
        &self.cosignatures
    }
}

/// Verifies a proof: the checkpoint must be signed by `log_key` for `origin` (and meet the
/// witness policy, if one is given), and the inclusion proof must lead from `leaf_hash` at the
/// proof's index to the checkpoint's root.
pub fn verify(
    proof: &TlogProof,
    leaf_hash: &Hash,
    origin: &str,
    log_key: &VerifierKey,
    witnesses: Option<&WitnessPolicy>,
) -> Result<VerifiedProof, TlogProofError> {
    let opened = checkpoint::open(&proof.checkpoint_note, origin, log_key, witnesses)
        .map_err(TlogProofError::Checkpoint)?;
    let tree_head = opened.tree_head();
    tree_head
        .verify_inclusion(proof.index, leaf_hash, &proof.hashes)
        .map_err(TlogProofError::Inclusion)?;
    Ok(VerifiedProof {
        index: proof.index,
        tree_head,
        cosignatures: opened.cosignatures().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosignature::{CosignerSigner, cosign};
    use crate::hash::leaf_hash;
    use crate::merkle;
    use crate::note::SignerKey;
    use proptest::prelude::*;

    const ORIGIN: &str = "example.com/gongzhang";

    fn log_key() -> SignerKey {
        SignerKey::from_seed(ORIGIN, [9; 32]).expect("seed")
    }

    fn leaves(n: u8) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&[i])).collect()
    }

    fn signed_checkpoint(leaves: &[Hash]) -> String {
        let cp = Checkpoint::new(ORIGIN, leaves.len() as u64, merkle::root(leaves)).expect("cp");
        checkpoint::sign(&cp, &log_key())
    }

    fn proof_for(leaves: &[Hash], index: u64) -> TlogProof {
        let hashes = merkle::inclusion_proof(leaves, index).expect("in range");
        TlogProof::new(None, index, hashes, signed_checkpoint(leaves)).expect("valid")
    }

    /// A fixed, hand-checkable proof text: leaf 2 of a 3-leaf tree.
    fn fixed_text() -> String {
        let l = leaves(3);
        format!(
            "c2sp.org/tlog-proof@v1\nindex 2\n{}\n\n{}",
            crate::hash::node_hash(&l[0], &l[1]).to_base64(),
            signed_checkpoint(&l)
        )
    }

    #[test]
    fn writes_the_spec_layout() {
        let l = leaves(3);
        let proof = proof_for(&l, 2);
        assert_eq!(proof.to_text(), fixed_text());
        let with_extra = TlogProof::new(
            Some(b"hi".to_vec()),
            2,
            proof.hashes().to_vec(),
            signed_checkpoint(&l),
        )
        .expect("valid");
        assert!(
            with_extra
                .to_text()
                .starts_with("c2sp.org/tlog-proof@v1\nextra aGk=\nindex 2\n")
        );
        assert_eq!(
            TlogProof::parse(&with_extra.to_text()),
            Ok(with_extra.clone())
        );
        assert_eq!(with_extra.extra(), Some(&b"hi"[..]));
    }

    #[test]
    fn round_trips_and_verifies_every_leaf() {
        let l = leaves(7);
        for index in 0..7 {
            let proof = proof_for(&l, index);
            let parsed = TlogProof::parse(&proof.to_text()).expect("parses");
            assert_eq!(parsed, proof);
            assert_eq!(parsed.to_text(), proof.to_text());
            let verified = verify(
                &parsed,
                &l[index as usize],
                ORIGIN,
                &log_key().verifier(),
                None,
            )
            .expect("verifies");
            assert_eq!(verified.index(), index);
            assert_eq!(
                verified.tree_head(),
                TreeHead {
                    size: 7,
                    root: merkle::root(&l)
                }
            );
        }
    }

    #[test]
    fn verify_rejects_wrong_leaf_index_origin_key_and_policy() {
        let l = leaves(5);
        let proof = proof_for(&l, 1);
        let key = log_key().verifier();
        assert!(matches!(
            verify(&proof, &l[2], ORIGIN, &key, None),
            Err(TlogProofError::Inclusion(
                InclusionError::RootMismatch { .. }
            ))
        ));
        let moved = TlogProof::new(
            None,
            3,
            proof.hashes().to_vec(),
            proof.checkpoint_note().to_owned(),
        )
        .expect("valid");
        assert!(matches!(
            verify(&moved, &l[1], ORIGIN, &key, None),
            Err(TlogProofError::Inclusion(_))
        ));
        let beyond = TlogProof::new(
            None,
            5,
            proof.hashes().to_vec(),
            proof.checkpoint_note().to_owned(),
        )
        .expect("valid");
        assert_eq!(
            verify(&beyond, &l[1], ORIGIN, &key, None),
            Err(TlogProofError::Inclusion(InclusionError::IndexOutOfRange {
                index: 5,
                size: 5
            }))
        );
        assert!(matches!(
            verify(&proof, &l[1], "example.com/other", &key, None),
            Err(TlogProofError::Checkpoint(
                CheckpointError::OriginMismatch { .. }
            ))
        ));
        let stranger = SignerKey::from_seed(ORIGIN, [10; 32])
            .expect("seed")
            .verifier();
        assert_eq!(
            verify(&proof, &l[1], ORIGIN, &stranger, None),
            Err(TlogProofError::Checkpoint(CheckpointError::Note(
                NoteError::NoKnownSignature
            )))
        );
        let witness = CosignerSigner::from_seed("witness.example", [11; 32]).expect("seed");
        let policy = WitnessPolicy::new(vec![witness.verifier()], 1).expect("policy");
        assert!(matches!(
            verify(&proof, &l[1], ORIGIN, &key, Some(&policy)),
            Err(TlogProofError::Checkpoint(CheckpointError::Witnesses(_)))
        ));
    }

    #[test]
    fn verify_with_a_witnessed_checkpoint() {
        let l = leaves(4);
        let cp = Checkpoint::new(ORIGIN, 4, merkle::root(&l)).expect("cp");
        let witness = CosignerSigner::from_seed("witness.example", [11; 32]).expect("seed");
        let line = cosign(&cp, &witness, 1_700_000_000).expect("cosigns");
        let note =
            note::append_signatures(&checkpoint::sign(&cp, &log_key()), &[line]).expect("appends");
        let proof = TlogProof::new(None, 3, merkle::inclusion_proof(&l, 3).expect("ok"), note)
            .expect("valid");
        let policy = WitnessPolicy::new(vec![witness.verifier()], 1).expect("policy");
        let verified =
            verify(&proof, &l[3], ORIGIN, &log_key().verifier(), Some(&policy)).expect("verifies");
        assert_eq!(verified.cosignatures().len(), 1);
        assert_eq!(verified.cosignatures()[0].timestamp(), 1_700_000_000);
        let reparsed = TlogProof::parse(&proof.to_text()).expect("parses");
        assert_eq!(reparsed, proof);
    }

    #[test]
    fn a_one_leaf_tree_has_an_empty_proof() {
        let l = leaves(1);
        let proof = proof_for(&l, 0);
        assert!(
            proof
                .to_text()
                .starts_with("c2sp.org/tlog-proof@v1\nindex 0\n\n")
        );
        assert_eq!(
            TlogProof::parse(&proof.to_text()).map(|p| p.hashes().len()),
            Ok(0)
        );
        assert!(verify(&proof, &l[0], ORIGIN, &log_key().verifier(), None).is_ok());
    }

    #[test]
    fn parse_rejects_each_defect_with_its_own_error() {
        let good = fixed_text();
        let cp = signed_checkpoint(&leaves(3));
        let hash = Hash::ZERO.to_base64();
        let cases: Vec<(String, TlogProofParseError)> = vec![
            (
                good.replacen("@v1", "@v2", 1),
                TlogProofParseError::BadHeader,
            ),
            (format!(" {good}"), TlogProofParseError::BadHeader),
            (
                good.replacen("\n\n", "\n", 1).replace("\n\n", "\n"),
                TlogProofParseError::MissingBlankLine,
            ),
            (
                format!("c2sp.org/tlog-proof@v1\n\n{cp}"),
                TlogProofParseError::MissingIndex { line: 2 },
            ),
            (format!("\n\n{cp}"), TlogProofParseError::BadHeader),
            (
                format!("c2sp.org/tlog-proof@v1\nextra \nindex 1\n\n{cp}"),
                TlogProofParseError::EmptyExtra,
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nextra aGk\nindex 1\n\n{cp}"),
                TlogProofParseError::ExtraNotBase64,
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nextra aGk=\n\n{cp}"),
                TlogProofParseError::MissingIndex { line: 3 },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nextra aGk=\nextra aGk=\nindex 1\n\n{cp}"),
                TlogProofParseError::MissingIndex { line: 3 },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex 1\nextra aGk=\n\n{cp}"),
                TlogProofParseError::ProofHash {
                    line: 3,
                    source: HashParseError::NotBase64,
                },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nIndex 1\n\n{cp}"),
                TlogProofParseError::MissingIndex { line: 2 },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex  1\n\n{cp}"),
                TlogProofParseError::Index {
                    line: 2,
                    source: DecimalError::NotDecimal,
                },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex 01\n\n{cp}"),
                TlogProofParseError::Index {
                    line: 2,
                    source: DecimalError::LeadingZero,
                },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex -1\n\n{cp}"),
                TlogProofParseError::Index {
                    line: 2,
                    source: DecimalError::NotDecimal,
                },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\n{cp}"),
                TlogProofParseError::Index {
                    line: 2,
                    source: DecimalError::TooLarge,
                },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex 1\n{hash}\nAAAA\n\n{cp}"),
                TlogProofParseError::ProofHash {
                    line: 4,
                    source: HashParseError::WrongLength {
                        expected: 32,
                        found: 3,
                    },
                },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex 1\n{hash} \n\n{cp}"),
                TlogProofParseError::ProofHash {
                    line: 3,
                    source: HashParseError::NotBase64,
                },
            ),
            (
                format!("c2sp.org/tlog-proof@v1\r\nindex 1\n\n{cp}"),
                TlogProofParseError::BadHeader,
            ),
            (
                format!(
                    "c2sp.org/tlog-proof@v1\nindex 1\n{}\n{cp}",
                    format!("{hash}\n").repeat(65)
                ),
                TlogProofParseError::TooManyHashes { max: 64 },
            ),
            (
                format!(
                    "c2sp.org/tlog-proof@v1\nindex 1\n\nhello\n\n— {}",
                    &cp[cp.find("— ").map_or(0, |i| i + 4)..]
                ),
                TlogProofParseError::Checkpoint(CheckpointParseError::TooFewLines { found: 1 }),
            ),
            (
                format!("c2sp.org/tlog-proof@v1\nindex 1\n\n{}", cp.trim_end()),
                TlogProofParseError::CheckpointNote(NoteError::MissingFinalNewline),
            ),
            (String::new(), TlogProofParseError::MissingBlankLine),
        ];
        for (text, want) in cases {
            assert_eq!(TlogProof::parse(&text), Err(want), "{text:?}");
        }
        let huge = format!(
            "c2sp.org/tlog-proof@v1\nextra {}\nindex 1\n\n{cp}",
            "A".repeat(4 * MAX_EXTRA_BYTES)
        );
        assert!(matches!(
            TlogProof::parse(&huge),
            Err(TlogProofParseError::ExtraTooLarge {
                max: MAX_EXTRA_BYTES,
                ..
            })
        ));
        let too_long = format!("{}\n\n", "x".repeat(MAX_PROOF_BYTES));
        assert_eq!(
            TlogProof::parse(&too_long),
            Err(TlogProofParseError::TooLarge {
                max: MAX_PROOF_BYTES,
                found: MAX_PROOF_BYTES + 2
            })
        );
        let exactly = format!(
            "c2sp.org/tlog-proof@v1\nextra {}\nindex 1\n\n{cp}",
            STANDARD.encode(vec![7; MAX_EXTRA_BYTES])
        );
        assert!(TlogProof::parse(&exactly).is_ok());
    }

    #[test]
    fn new_checks_its_parts() {
        let cp = signed_checkpoint(&leaves(3));
        assert_eq!(
            TlogProof::new(Some(vec![]), 0, vec![], cp.clone()),
            Err(TlogProofParseError::EmptyExtra)
        );
        assert_eq!(
            TlogProof::new(Some(vec![0; MAX_EXTRA_BYTES + 1]), 0, vec![], cp.clone()),
            Err(TlogProofParseError::ExtraTooLarge {
                max: MAX_EXTRA_BYTES,
                found: MAX_EXTRA_BYTES + 1
            })
        );
        assert_eq!(
            TlogProof::new(None, 0, vec![Hash::ZERO; 65], cp.clone()),
            Err(TlogProofParseError::TooManyHashes { max: 64 })
        );
        assert_eq!(
            TlogProof::new(None, 0, vec![], "junk".to_owned()),
            Err(TlogProofParseError::CheckpointNote(
                NoteError::MissingBlankLine
            ))
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_input(text in any::<String>()) {
            if let Ok(proof) = TlogProof::parse(&text) {
                let _ = verify(&proof, &Hash::ZERO, ORIGIN, &log_key().verifier(), None);
            }
        }

        #[test]
        fn never_panics_on_mutated_proofs(ops in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..5)) {
            let l = leaves(3);
            let mut bytes = fixed_text().into_bytes();
            for (pos, value, op) in ops {
                if bytes.is_empty() { break; }
                let pos = pos % bytes.len();
                match op { 0 => bytes[pos] = value, 1 => { bytes.remove(pos); } _ => bytes.insert(pos, value) }
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Ok(proof) = TlogProof::parse(&text) {
                prop_assert_eq!(TlogProof::parse(&proof.to_text()), Ok(proof.clone()));
                if let Ok(verified) = verify(&proof, &l[2], ORIGIN, &log_key().verifier(), None) {
                    prop_assert_eq!(verified.index(), 2);
                    prop_assert_eq!(verified.tree_head().root, merkle::root(&l));
                }
            }
        }
    }
}
