//! Transparency-log checkpoints (`c2sp.org/tlog-checkpoint@v1.0.0`): the signed note that states
//! a log's origin, tree size and root hash.
//!
//! ```text
//! example.com/behind-the-sofa
//! 20852163
//! CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//!
//! — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
//! ```
//!
//! [`Checkpoint::parse`] is strict, and [`Checkpoint::to_text`] of a parsed checkpoint gives back
//! the exact text. [`open`] checks the log's signature (and optionally a witness policy) before
//! it reads the text.

use crate::cosignature::{CosignatureError, VerifiedCosignature, WitnessPolicy};
use crate::hash::{Hash, HashParseError};
use crate::merkle::TreeHead;
use crate::note::{self, Note, NoteError, SignerKey, VerifierKey};

/// Largest checkpoint text accepted or produced, in bytes. Real checkpoints are about a hundred
/// bytes; the bound keeps a signed checkpoint far below [`note::MAX_NOTE_BYTES`].
pub const MAX_CHECKPOINT_TEXT_BYTES: usize = 64 * 1024;
/// Number of lines every checkpoint has before its extension lines: origin, size, root.
pub const MANDATORY_LINES: usize = 3;

/// Why a decimal number (a tree size, a leaf index) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// The text is empty or has a character other than an ASCII digit (no sign, no spaces).
    #[error("it is not a decimal number of ASCII digits")]
    NotDecimal,
    /// The number has a leading zero (only `0` itself may start with one).
    #[error("it has a leading zero")]
    LeadingZero,
    /// The number does not fit in 64 bits.
    #[error("it is larger than 2^64 - 1")]
    TooLarge,
}

/// Reads an ASCII decimal `u64` with no sign, no spaces and no leading zeros (except `0`).
pub(crate) fn parse_decimal_u64(text: &str) -> Result<u64, DecimalError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::NotDecimal);
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(DecimalError::LeadingZero);
    }
    text.parse::<u64>().map_err(|_| DecimalError::TooLarge)
}

/// Why a checkpoint text could not be read, or a checkpoint could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointParseError {
    /// The text is longer than [`MAX_CHECKPOINT_TEXT_BYTES`].
    #[error("the checkpoint text is {found} bytes long, more than the limit of {max}")]
    TooLarge {
        /// Always [`MAX_CHECKPOINT_TEXT_BYTES`].
        max: usize,
        /// Length in bytes.
        found: usize,
    },
    /// The text does not end with a newline.
    #[error("the checkpoint text does not end with a newline")]
    MissingFinalNewline,
    /// The text has an ASCII control character other than newline.
    #[error("checkpoint line {line} contains the control character {byte:#04x}")]
    ControlCharacter {
        /// 1-based line number.
        line: usize,
        /// The character.
        byte: u8,
    },
    /// Fewer than three lines (origin, size, root).
    #[error("a checkpoint has at least 3 lines (origin, size, root), found {found}")]
    TooFewLines {
        /// Number of lines found.
        found: usize,
    },
    /// A line is empty (the origin, or an extension line).
    #[error("checkpoint line {line} is empty")]
    EmptyLine {
        /// 1-based line number.
        line: usize,
    },
    /// A value given to [`Checkpoint::new`] contains a newline.
    #[error("checkpoint line {line} would contain a newline")]
    NewlineInLine {
        /// 1-based line number the value would occupy.
        line: usize,
    },
    /// The tree size (line 2) is not a canonical decimal number.
    #[error("the tree size on checkpoint line 2: {0}")]
    Size(DecimalError),
    /// The root hash (line 3) is not base64 of 32 bytes.
    #[error("the root hash on checkpoint line 3: {0}")]
    Root(HashParseError),
}

/// A checkpoint: the log's origin, a tree size, the root hash at that size and optional
/// extension lines. Its text is always a valid note text of at most
/// [`MAX_CHECKPOINT_TEXT_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

/// Checks one line's content: non-empty, no newline, no control character.
fn check_line(line: &str, number: usize) -> Result<(), CheckpointParseError> {
    if line.is_empty() {
        return Err(CheckpointParseError::EmptyLine { line: number });
    }
    if line.contains('\n') {
        return Err(CheckpointParseError::NewlineInLine { line: number });
    }
    if let Some(byte) = line.bytes().find(|&b| b < 0x20) {
        return Err(CheckpointParseError::ControlCharacter { line: number, byte });
    }
    Ok(())
}

impl Checkpoint {
    /// A checkpoint without extension lines. The origin must be non-empty, without newlines or
    /// control characters (the spec recommends a schema-less URL, but does not require one).
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Checkpoint, CheckpointParseError> {
        Checkpoint::with_extensions(origin, size, root, Vec::new())
    }

    /// A checkpoint with extension lines (NOT RECOMMENDED by the spec: monitors cannot audit
    /// them). Each extension line must be non-empty, without newlines or control characters.
    pub fn with_extensions(
        origin: &str,
        size: u64,
        root: Hash,
        extensions: Vec<String>,
    ) -> Result<Checkpoint, CheckpointParseError> {
        check_line(origin, 1)?;
        for (index, line) in extensions.iter().enumerate() {
            check_line(line, MANDATORY_LINES + 1 + index)?;
        }
        let checkpoint = Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        };
        let length = checkpoint.text_len();
        if length > MAX_CHECKPOINT_TEXT_BYTES {
            return Err(CheckpointParseError::TooLarge {
                max: MAX_CHECKPOINT_TEXT_BYTES,
                found: length,
            });
        }
        Ok(checkpoint)
    }

    /// Reads a checkpoint text (the note text, ending in a newline, without signatures).
    ///
    /// The text is not authenticated: use [`open`] on a signed note instead unless the text was
    /// already verified.
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointParseError> {
        if text.len() > MAX_CHECKPOINT_TEXT_BYTES {
            return Err(CheckpointParseError::TooLarge {
                max: MAX_CHECKPOINT_TEXT_BYTES,
                found: text.len(),
            });
        }
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointParseError::MissingFinalNewline)?;
        let lines: Vec<&str> = body.split('\n').collect();
        for (index, line) in lines.iter().enumerate() {
            check_line(line, index + 1)?;
        }
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(CheckpointParseError::TooFewLines { found: lines.len() });
        };
        let size = parse_decimal_u64(size).map_err(CheckpointParseError::Size)?;
        let root = Hash::from_base64(root).map_err(CheckpointParseError::Root)?;
        Ok(Checkpoint {
            origin: (*origin).to_owned(),
            size,
            root,
            extensions: extensions.iter().map(|line| (*line).to_owned()).collect(),
        })
    }

    /// The note text: `origin\nsize\nbase64(root)\n` followed by the extension lines, each
    /// ending in a newline.
    pub fn to_text(&self) -> String {
        let mut text = String::with_capacity(self.text_len());
        text.push_str(&self.origin);
        text.push('\n');
        text.push_str(&self.size.to_string());
        text.push('\n');
        text.push_str(&self.root.to_base64());
        text.push('\n');
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Length of [`Checkpoint::to_text`] in bytes.
    fn text_len(&self) -> usize {
        const ROOT_BASE64_BYTES: usize = 44;
        let size_digits = self.size.to_string().len();
        self.origin.len()
            + 1
            + size_digits
            + 1
            + ROOT_BASE64_BYTES
            + 1
            + self
                .extensions
                .iter()
                .map(|line| line.len() + 1)
                .sum::<usize>()
    }

    /// The log's origin (line 1).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size (line 2).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root hash (line 3).
    pub fn root(&self) -> Hash {
        self.root
    }

    /// The extension lines, without their newlines.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The tree head this checkpoint states.
    pub fn tree_head(&self) -> TreeHead {
        TreeHead {
            size: self.size,
            root: self.root,
        }
    }
}

/// Signs a checkpoint with the log's key and returns the signed note.
pub fn sign(checkpoint: &Checkpoint, log_key: &SignerKey) -> String {
    // A checkpoint's text is valid note text by construction (non-empty lines without control
    // characters, final newline) and small enough that one signature keeps it under the note
    // size limit, so the checks of `note::sign` cannot fail.
    note::sign_checked_text(&checkpoint.to_text(), log_key)
}

/// Why a signed checkpoint was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The note is malformed or lacks a valid signature from the log key.
    #[error("the checkpoint note: {0}")]
    Note(NoteError),
    /// The signed text is not a valid checkpoint.
    #[error("the signed checkpoint: {0}")]
    Checkpoint(CheckpointParseError),
    /// The checkpoint is from another log.
    #[error("the checkpoint's origin is {found:?}, expected {expected:?}")]
    OriginMismatch {
        /// The origin the caller trusts.
        expected: String,
        /// The origin on line 1 of the checkpoint.
        found: String,
    },
    /// The witness policy is not satisfied.
    #[error("the checkpoint's cosignatures: {0}")]
    Witnesses(CosignatureError),
}

/// A checkpoint signed by the trusted log key (and, if a policy was given, cosigned by enough
/// witnesses). Only [`open`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCheckpoint {
    checkpoint: Checkpoint,
    note: Note,
    cosignatures: Vec<VerifiedCosignature>,
}

impl OpenedCheckpoint {
    /// The verified checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The verified checkpoint, by value.
    pub fn into_checkpoint(self) -> Checkpoint {
        self.checkpoint
    }

    /// The opened note: its verified log signature and the other (unverified) signature lines.
    pub fn note(&self) -> &Note {
        &self.note
    }

    /// The witness cosignatures that verified under the policy given to [`open`] (empty without
    /// a policy).
    pub fn cosignatures(&self) -> &[VerifiedCosignature] {
        &self.cosignatures
    }

    /// The tree head the checkpoint states.
    pub fn tree_head(&self) -> TreeHead {
        self.checkpoint.tree_head()
    }
}

/// Opens a signed checkpoint: checks the log's signature with `log_key`, then that the text is a
/// checkpoint for `origin`, then, if a witness policy is given, that enough witnesses cosigned
/// it. Signature lines from other keys (such as witnesses not in the policy) are ignored.
///
/// The log key's name need not equal the origin (the spec only recommends it; sum.golang.org's
/// key is `sum.golang.org`, its origin `go.sum database tree`).
pub fn open(
    signed_note: &str,
    origin: &str,
    log_key: &VerifierKey,
    witnesses: Option<&WitnessPolicy>,
) -> Result<OpenedCheckpoint, CheckpointError> {
    let note =
        note::open(signed_note, std::slice::from_ref(log_key)).map_err(CheckpointError::Note)?;
    let checkpoint = Checkpoint::parse(note.text()).map_err(CheckpointError::Checkpoint)?;
    if checkpoint.origin() != origin {
        return Err(CheckpointError::OriginMismatch {
            expected: origin.to_owned(),
            found: checkpoint.origin,
        });
    }
    let cosignatures = match witnesses {
        Some(policy) => policy
            .check(signed_note)
            .map_err(CheckpointError::Witnesses)?,
        None => Vec::new(),
    };
    Ok(OpenedCheckpoint {
        checkpoint,
        note,
        cosignatures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosignature::{CosignerSigner, cosign};
    use proptest::prelude::*;

    const ORIGIN: &str = "example.com/behind-the-sofa";
    const TEXT: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    const GO_SUM_KEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
    const GO_SUM_NOTE: &str = "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";

    fn log_signer() -> SignerKey {
        SignerKey::from_seed(ORIGIN, [1; 32]).expect("good seed")
    }

    #[test]
    fn parse_reads_the_spec_example_exactly() {
        let checkpoint = Checkpoint::parse(TEXT).expect("parses");
        assert_eq!(checkpoint.origin(), ORIGIN);
        assert_eq!(checkpoint.size(), 20852163);
        assert_eq!(
            checkpoint.root().to_hex(),
            "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62"
        );
        assert!(checkpoint.extensions().is_empty());
        assert_eq!(checkpoint.to_text(), TEXT);
        assert_eq!(
            checkpoint.tree_head(),
            TreeHead {
                size: 20852163,
                root: checkpoint.root()
            }
        );
        assert_eq!(checkpoint.text_len(), TEXT.len());
    }

    #[test]
    fn extension_lines_round_trip() {
        let text = format!("{TEXT}ext one\n+ext two\n");
        let checkpoint = Checkpoint::parse(&text).expect("parses");
        assert_eq!(checkpoint.extensions(), ["ext one", "+ext two"]);
        assert_eq!(checkpoint.to_text(), text);
        assert_eq!(checkpoint.text_len(), text.len());
    }

    #[test]
    fn parse_rejects_each_defect_with_its_own_error() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        let cases: Vec<(String, CheckpointParseError)> = vec![
            (
                TEXT.trim_end().to_owned(),
                CheckpointParseError::MissingFinalNewline,
            ),
            ("".to_owned(), CheckpointParseError::MissingFinalNewline),
            ("\n".to_owned(), CheckpointParseError::EmptyLine { line: 1 }),
            (
                "o\n5\n".to_owned(),
                CheckpointParseError::TooFewLines { found: 2 },
            ),
            (
                format!("\n5\n{root}\n"),
                CheckpointParseError::EmptyLine { line: 1 },
            ),
            (
                format!("o\n5\n{root}\n\n"),
                CheckpointParseError::EmptyLine { line: 4 },
            ),
            (
                format!("o\n5\n{root}\n\nx\n"),
                CheckpointParseError::EmptyLine { line: 4 },
            ),
            (
                format!("o\t\n5\n{root}\n"),
                CheckpointParseError::ControlCharacter { line: 1, byte: 9 },
            ),
            (
                format!("o\n5\r\n{root}\n"),
                CheckpointParseError::ControlCharacter { line: 2, byte: 13 },
            ),
            (
                format!("o\n05\n{root}\n"),
                CheckpointParseError::Size(DecimalError::LeadingZero),
            ),
            (
                format!("o\n00\n{root}\n"),
                CheckpointParseError::Size(DecimalError::LeadingZero),
            ),
            (
                format!("o\n+5\n{root}\n"),
                CheckpointParseError::Size(DecimalError::NotDecimal),
            ),
            (
                format!("o\n-5\n{root}\n"),
                CheckpointParseError::Size(DecimalError::NotDecimal),
            ),
            (
                format!("o\n 5\n{root}\n"),
                CheckpointParseError::Size(DecimalError::NotDecimal),
            ),
            (
                format!("o\n5 \n{root}\n"),
                CheckpointParseError::Size(DecimalError::NotDecimal),
            ),
            (
                format!("o\n0x5\n{root}\n"),
                CheckpointParseError::Size(DecimalError::NotDecimal),
            ),
            (
                format!("o\n١\n{root}\n"),
                CheckpointParseError::Size(DecimalError::NotDecimal),
            ),
            (
                format!("o\n18446744073709551616\n{root}\n"),
                CheckpointParseError::Size(DecimalError::TooLarge),
            ),
            (
                "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n".to_owned(),
                CheckpointParseError::Root(HashParseError::NotBase64),
            ),
            (
                "o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n".to_owned(),
                CheckpointParseError::Root(HashParseError::NotBase64),
            ),
            (
                "o\n5\nAAAA\n".to_owned(),
                CheckpointParseError::Root(HashParseError::WrongLength {
                    expected: 32,
                    found: 3,
                }),
            ),
            (
                format!("o\n5\n{}\n", crate::hash::Hash::ZERO.to_hex()),
                CheckpointParseError::Root(HashParseError::WrongLength {
                    expected: 32,
                    found: 48,
                }),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Checkpoint::parse(&text), Err(want), "{text:?}");
        }
        let huge = format!("{TEXT}{}\n", "x".repeat(MAX_CHECKPOINT_TEXT_BYTES));
        assert_eq!(
            Checkpoint::parse(&huge),
            Err(CheckpointParseError::TooLarge {
                max: MAX_CHECKPOINT_TEXT_BYTES,
                found: huge.len()
            })
        );
    }

    #[test]
    fn size_boundaries_parse() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        let zero = Checkpoint::parse(&format!("o\n0\n{root}\n")).expect("size 0");
        assert_eq!(zero.size(), 0);
        let max = Checkpoint::parse(&format!("o\n18446744073709551615\n{root}\n")).expect("max");
        assert_eq!(max.size(), u64::MAX);
    }

    #[test]
    fn new_checks_origin_and_extensions() {
        let root = Hash::ZERO;
        assert_eq!(
            Checkpoint::new("", 1, root),
            Err(CheckpointParseError::EmptyLine { line: 1 })
        );
        assert_eq!(
            Checkpoint::new("a\nb", 1, root),
            Err(CheckpointParseError::NewlineInLine { line: 1 })
        );
        assert_eq!(
            Checkpoint::new("a\u{7}", 1, root),
            Err(CheckpointParseError::ControlCharacter { line: 1, byte: 7 })
        );
        assert_eq!(
            Checkpoint::with_extensions("a", 1, root, vec!["x".into(), String::new()]),
            Err(CheckpointParseError::EmptyLine { line: 5 })
        );
        assert_eq!(
            Checkpoint::new(&"o".repeat(MAX_CHECKPOINT_TEXT_BYTES), 1, root),
            Err(CheckpointParseError::TooLarge {
                max: MAX_CHECKPOINT_TEXT_BYTES,
                found: MAX_CHECKPOINT_TEXT_BYTES + 48
            })
        );
        let made = Checkpoint::new(
            ORIGIN,
            20852163,
            Checkpoint::parse(TEXT).expect("ok").root(),
        )
        .expect("valid");
        assert_eq!(made.to_text(), TEXT);
    }

    #[test]
    fn sign_and_open_round_trip() {
        let signer = log_signer();
        let checkpoint = Checkpoint::parse(TEXT).expect("parses");
        let signed = sign(&checkpoint, &signer);
        assert!(signed.starts_with(&format!("{TEXT}\n— {ORIGIN} ")));
        let opened = open(&signed, ORIGIN, &signer.verifier(), None).expect("opens");
        assert_eq!(opened.checkpoint(), &checkpoint);
        assert_eq!(opened.tree_head().size, 20852163);
        assert_eq!(opened.note().verified().len(), 1);
        assert!(opened.cosignatures().is_empty());
    }

    #[test]
    fn open_reads_a_real_sum_golang_org_checkpoint() {
        let key = VerifierKey::parse(GO_SUM_KEY).expect("good key");
        let opened = open(GO_SUM_NOTE, "go.sum database tree", &key, None).expect("opens");
        assert_eq!(opened.checkpoint().size(), 6476701);
        assert_eq!(
            opened.checkpoint().root().to_base64(),
            "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="
        );
    }

    #[test]
    fn open_rejects_wrong_origin_wrong_key_and_bad_text() {
        let signer = log_signer();
        let signed = sign(&Checkpoint::parse(TEXT).expect("parses"), &signer);
        assert_eq!(
            open(&signed, "example.com/other", &signer.verifier(), None),
            Err(CheckpointError::OriginMismatch {
                expected: "example.com/other".into(),
                found: ORIGIN.into()
            })
        );
        let other = SignerKey::from_seed(ORIGIN, [2; 32]).expect("good seed");
        assert_eq!(
            open(&signed, ORIGIN, &other.verifier(), None),
            Err(CheckpointError::Note(NoteError::NoKnownSignature))
        );
        let not_a_checkpoint = note::sign("hello\n", &[&signer]).expect("signs");
        assert_eq!(
            open(&not_a_checkpoint, ORIGIN, &signer.verifier(), None),
            Err(CheckpointError::Checkpoint(
                CheckpointParseError::TooFewLines { found: 1 }
            ))
        );
        let tampered = signed.replacen("20852163", "20852164", 1);
        assert!(matches!(
            open(&tampered, ORIGIN, &signer.verifier(), None),
            Err(CheckpointError::Note(NoteError::BadSignature {
                line: 1,
                ..
            }))
        ));
    }

    #[test]
    fn open_accepts_cosignature_lines_and_checks_a_policy() {
        let signer = log_signer();
        let checkpoint = Checkpoint::parse(TEXT).expect("parses");
        let witness = CosignerSigner::from_seed("witness.example/w1", [3; 32]).expect("seed");
        let line = cosign(&checkpoint, &witness, 1679315147).expect("cosigns");
        let signed =
            note::append_signatures(&sign(&checkpoint, &signer), &[line]).expect("appends");
        // Without a policy the cosignature is just an unknown signature line.
        let opened = open(&signed, ORIGIN, &signer.verifier(), None).expect("opens");
        assert_eq!(opened.note().unverified().len(), 1);
        // With a policy it is verified.
        let policy = WitnessPolicy::new(vec![witness.verifier()], 1).expect("policy");
        let opened = open(&signed, ORIGIN, &signer.verifier(), Some(&policy)).expect("opens");
        assert_eq!(opened.cosignatures().len(), 1);
        assert_eq!(opened.cosignatures()[0].timestamp(), 1679315147);
        // A policy the note does not meet.
        let unsigned = sign(&checkpoint, &signer);
        assert_eq!(
            open(&unsigned, ORIGIN, &signer.verifier(), Some(&policy)),
            Err(CheckpointError::Witnesses(
                CosignatureError::NotEnoughCosignatures {
                    required: 1,
                    found: 0
                }
            ))
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_input(text in any::<String>()) {
            let _ = Checkpoint::parse(&text);
            let key = log_signer().verifier();
            let _ = open(&text, ORIGIN, &key, None);
        }

        #[test]
        fn never_panics_on_checkpoint_shaped_input(text in "[a-zA-Z0-9+/=\n.\\- ]{0,120}") {
            if let Ok(checkpoint) = Checkpoint::parse(&text) {
                prop_assert_eq!(checkpoint.to_text(), text);
            }
        }

        #[test]
        fn never_panics_on_mutated_checkpoints(pos in any::<usize>(), byte in 0u8..0x80, delete in any::<bool>()) {
            let mut bytes = TEXT.as_bytes().to_vec();
            let pos = pos % bytes.len();
            if delete { bytes.remove(pos); } else { bytes[pos] = byte; }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Ok(checkpoint) = Checkpoint::parse(&text) {
                prop_assert_eq!(checkpoint.to_text(), text.clone());
            }
            let signed = format!("{text}\n— {ORIGIN} AAAAAAA=\n");
            let _ = open(&signed, ORIGIN, &log_signer().verifier(), None);
        }

        #[test]
        fn made_checkpoints_round_trip(origin in "[a-z./]{1,30}", size in any::<u64>(), root in any::<[u8; 32]>()) {
            let checkpoint = Checkpoint::new(&origin, size, Hash(root)).expect("valid");
            prop_assert_eq!(Checkpoint::parse(&checkpoint.to_text()), Ok(checkpoint.clone()));
            prop_assert_eq!(checkpoint.text_len(), checkpoint.to_text().len());
        }
    }
}
