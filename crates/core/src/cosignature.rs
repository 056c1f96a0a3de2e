//! Witness cosignatures (`c2sp.org/tlog-cosignature@v1.0.1`, Ed25519 type `0x04`).
//!
//! A cosignature is one more signature line on a checkpoint note, by a witness that checked the
//! checkpoint is consistent with everything it saw before:
//!
//! ```text
//! — witness.example.com/w1 base64(key id ‖ timestamp ‖ Ed25519 signature)
//! ```
//!
//! The key id is `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]`, the timestamp a big-endian
//! `u64` of POSIX seconds (at most 2^63 - 1), and the signature is over
//!
//! ```text
//! cosignature/v1
//! time <timestamp>
//! <the checkpoint note text>
//! ```
//!
//! To [`crate::note::open`] a cosignature line is a signature from an unknown key, so a note
//! opened with the log key alone still opens; [`WitnessPolicy::check`] (or
//! [`crate::checkpoint::open`] with a policy) verifies the cosignatures.

use crate::checkpoint::Checkpoint;
use crate::note::{
    self, ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES, ED25519_SIGNATURE_BYTES, KeyError,
    NoteError, PublicKeyIdentity, SecretKeyIdentity, SignatureLine,
};
use std::fmt;
use std::str::FromStr;

/// Signature type byte of Ed25519 `cosignature/v1` keys (signed-note type registry).
pub const COSIGNATURE_V1_TYPE: u8 = 0x04;
/// The header line of the signed message, for domain separation (without its newline).
pub const COSIGNATURE_V1_HEADER: &str = "cosignature/v1";
/// Length of the timestamp in a cosignature, in bytes.
pub const TIMESTAMP_BYTES: usize = 8;
/// Length of a cosignature after the key id: timestamp and Ed25519 signature, in bytes.
pub const COSIGNATURE_BYTES: usize = TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES;
/// Largest timestamp a cosignature may carry, in seconds since the POSIX epoch (2^63 - 1).
pub const MAX_TIMESTAMP_SECONDS: u64 = i64::MAX as u64;

/// The message a witness signs: `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint
/// note text (with its final newline, without signature lines).
pub fn signed_message(checkpoint_text: &str, timestamp: u64) -> String {
    format!("{COSIGNATURE_V1_HEADER}\ntime {timestamp}\n{checkpoint_text}")
}

/// A trusted witness (cosigner) public key with its name, written
/// `name+keyid+base64(0x04 ‖ public key)`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CosignerKey(PublicKeyIdentity);

impl CosignerKey {
    /// Reads a cosigner verifier key string `name+keyid+base64(0x04 ‖ public key)`.
    pub fn parse(text: &str) -> Result<CosignerKey, KeyError> {
        PublicKeyIdentity::parse(text, COSIGNATURE_V1_TYPE).map(CosignerKey)
    }

    /// Names an Ed25519 witness public key.
    pub fn from_public_key(
        name: &str,
        public_key: &[u8; ED25519_PUBLIC_KEY_BYTES],
    ) -> Result<CosignerKey, KeyError> {
        PublicKeyIdentity::new(name, COSIGNATURE_V1_TYPE, public_key).map(CosignerKey)
    }

    /// The witness name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.0.key_id()
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key_bytes(&self) -> [u8; ED25519_PUBLIC_KEY_BYTES] {
        self.0.public_key_bytes()
    }

    /// Whether `cosignature` is this witness's valid cosignature of `checkpoint_text`.
    pub fn verify(&self, checkpoint_text: &str, cosignature: &Cosignature) -> bool {
        self.0.name() == cosignature.name
            && self.0.key_id() == cosignature.key_id
            && self.0.verify(
                signed_message(checkpoint_text, cosignature.timestamp).as_bytes(),
                &cosignature.signature,
            )
    }
}

impl fmt::Display for CosignerKey {
    /// The verifier key string, `name+keyid+base64(0x04 ‖ public key)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CosignerKey({})", self.0)
    }
}

impl FromStr for CosignerKey {
    type Err = KeyError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CosignerKey::parse(text)
    }
}

/// A witness's private key, written `PRIVATE+KEY+name+keyid+base64(0x04 ‖ seed)` (the form of
/// transparency-dev/formats). Its `Debug` output never shows the seed.
#[derive(Clone)]
pub struct CosignerSigner(SecretKeyIdentity);

impl CosignerSigner {
    /// Reads a cosigner signer key string; the key id must match the derived public key.
    pub fn parse(text: &str) -> Result<CosignerSigner, KeyError> {
        SecretKeyIdentity::parse(text, COSIGNATURE_V1_TYPE).map(CosignerSigner)
    }

    /// Names the Ed25519 witness key with this 32-byte seed.
    pub fn from_seed(
        name: &str,
        seed: [u8; ED25519_SEED_BYTES],
    ) -> Result<CosignerSigner, KeyError> {
        SecretKeyIdentity::from_seed(name, COSIGNATURE_V1_TYPE, &seed).map(CosignerSigner)
    }

    /// The witness name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.0.key_id()
    }

    /// The matching cosigner key.
    pub fn verifier(&self) -> CosignerKey {
        CosignerKey(self.0.public())
    }

    /// The signer key string. It is a secret: store it like one.
    pub fn to_private_key_string(&self) -> String {
        self.0.to_private_key_string()
    }
}

impl fmt::Debug for CosignerSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CosignerSigner").field(&self.0).finish()
    }
}

/// Why a checkpoint could not be cosigned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignError {
    /// The timestamp is above 2^63 - 1.
    #[error("the timestamp {found} is above the largest allowed, {max}")]
    TimestampTooLarge {
        /// Always [`MAX_TIMESTAMP_SECONDS`].
        max: u64,
        /// The timestamp given.
        found: u64,
    },
}

/// Cosigns a checkpoint at `timestamp` (POSIX seconds) and returns the signature line to add to
/// the checkpoint note (see [`crate::note::append_signatures`]).
pub fn cosign(
    checkpoint: &Checkpoint,
    signer: &CosignerSigner,
    timestamp: u64,
) -> Result<SignatureLine, CosignError> {
    if timestamp > MAX_TIMESTAMP_SECONDS {
        return Err(CosignError::TimestampTooLarge {
            max: MAX_TIMESTAMP_SECONDS,
            found: timestamp,
        });
    }
    let message = signed_message(&checkpoint.to_text(), timestamp);
    let mut bytes = Vec::with_capacity(COSIGNATURE_BYTES);
    bytes.extend_from_slice(&timestamp.to_be_bytes());
    bytes.extend_from_slice(&signer.0.sign(message.as_bytes()));
    Ok(SignatureLine::from_parts(
        signer.name(),
        signer.key_id(),
        bytes,
    ))
}

/// Why a signature line is not a well-formed `cosignature/v1`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignatureFormatError {
    /// The signature after the key id is not 8 + 64 bytes.
    #[error("a cosignature is {expected} bytes after the key id, found {found}")]
    WrongLength {
        /// Always [`COSIGNATURE_BYTES`].
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// The timestamp is above 2^63 - 1.
    #[error("the cosignature timestamp {found} is above the largest allowed, {max}")]
    TimestampTooLarge {
        /// Always [`MAX_TIMESTAMP_SECONDS`].
        max: u64,
        /// The timestamp found.
        found: u64,
    },
}

/// A signature line read as a `cosignature/v1`, not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    name: String,
    key_id: u32,
    timestamp: u64,
    signature: [u8; ED25519_SIGNATURE_BYTES],
}

impl Cosignature {
    /// Reads the timestamp and signature of a signature line.
    pub fn from_line(line: &SignatureLine) -> Result<Cosignature, CosignatureFormatError> {
        let bytes = line.signature();
        let wrong_length = || CosignatureFormatError::WrongLength {
            expected: COSIGNATURE_BYTES,
            found: bytes.len(),
        };
        if bytes.len() != COSIGNATURE_BYTES {
            return Err(wrong_length());
        }
        let (time, signature) = bytes.split_at(TIMESTAMP_BYTES);
        let time: [u8; TIMESTAMP_BYTES] = time.try_into().map_err(|_| wrong_length())?;
        let signature: [u8; ED25519_SIGNATURE_BYTES] =
            signature.try_into().map_err(|_| wrong_length())?;
        let timestamp = u64::from_be_bytes(time);
        if timestamp > MAX_TIMESTAMP_SECONDS {
            return Err(CosignatureFormatError::TimestampTooLarge {
                max: MAX_TIMESTAMP_SECONDS,
                found: timestamp,
            });
        }
        Ok(Cosignature {
            name: line.name().to_owned(),
            key_id: line.key_id(),
            timestamp,
            signature,
        })
    }

    /// The witness name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The time of cosigning, in POSIX seconds (unverified until checked with a key).
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }
}

/// A cosignature that verified with a trusted witness key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCosignature {
    name: String,
    key_id: u32,
    timestamp: u64,
}

impl VerifiedCosignature {
    /// The witness name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The time the witness cosigned, in POSIX seconds. The spec lets verifiers reject times in
    /// the future; this crate has no clock, so that check is the caller's.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }
}

/// Why a note's cosignatures were not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignatureError {
    /// The note is malformed.
    #[error("the note: {0}")]
    Note(NoteError),
    /// Two different witness keys share the name and key id of a signature line.
    #[error(
        "signature line {line}: two different witness keys are named {name} with key id {key_id:08x}"
    )]
    AmbiguousKey {
        /// 1-based number of the signature line.
        line: usize,
        /// Witness name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// A signature line from a trusted witness is not a well-formed cosignature.
    #[error("signature line {line}, by witness {name}+{key_id:08x}: {source}")]
    Format {
        /// 1-based number of the signature line.
        line: usize,
        /// Witness name.
        name: String,
        /// Key id.
        key_id: u32,
        /// What is wrong.
        source: CosignatureFormatError,
    },
    /// A cosignature from a trusted witness does not verify.
    #[error(
        "signature line {line}: the cosignature by witness {name}+{key_id:08x} does not verify"
    )]
    BadCosignature {
        /// 1-based number of the signature line.
        line: usize,
        /// Witness name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// Fewer trusted witnesses cosigned than the policy requires.
    #[error("{found} trusted witnesses cosigned, the policy requires {required}")]
    NotEnoughCosignatures {
        /// The policy's threshold.
        required: usize,
        /// Distinct trusted witnesses whose cosignatures verified.
        found: usize,
    },
}

/// Verifies the cosignature lines of a signed note from the given witnesses and returns one
/// entry per witness whose cosignature verified (the first valid line of each).
///
/// Lines from other keys, including the log's own signature, are ignored: this does NOT check
/// the log signature — use [`crate::checkpoint::open`] for that. A line from a trusted witness
/// that is malformed or does not verify rejects the note.
pub fn verify_cosignatures(
    signed_note: &str,
    witnesses: &[CosignerKey],
) -> Result<Vec<VerifiedCosignature>, CosignatureError> {
    let (text, lines) = note::parse(signed_note).map_err(CosignatureError::Note)?;
    let mut verified: Vec<VerifiedCosignature> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let mut candidates = witnesses.iter().filter(|key| key.0.matches(line));
        let Some(key) = candidates.next() else {
            continue;
        };
        if candidates.any(|other| other != key) {
            return Err(CosignatureError::AmbiguousKey {
                line: number,
                name: line.name().to_owned(),
                key_id: line.key_id(),
            });
        }
        let cosignature =
            Cosignature::from_line(line).map_err(|source| CosignatureError::Format {
                line: number,
                name: line.name().to_owned(),
                key_id: line.key_id(),
                source,
            })?;
        if !key.verify(text, &cosignature) {
            return Err(CosignatureError::BadCosignature {
                line: number,
                name: cosignature.name,
                key_id: cosignature.key_id,
            });
        }
        if !verified
            .iter()
            .any(|v| v.name == cosignature.name && v.key_id == cosignature.key_id)
        {
            verified.push(VerifiedCosignature {
                name: cosignature.name,
                key_id: cosignature.key_id,
                timestamp: cosignature.timestamp,
            });
        }
    }
    Ok(verified)
}

/// Why a witness policy could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The threshold is more than the number of witnesses, so it can never be met.
    #[error("the policy requires {threshold} cosignatures but lists only {witnesses} witnesses")]
    ThresholdTooHigh {
        /// Required cosignatures.
        threshold: usize,
        /// Witnesses listed.
        witnesses: usize,
    },
    /// The same witness (name and key id) is listed twice.
    #[error("the witness {name}+{key_id:08x} is listed twice")]
    DuplicateWitness {
        /// Witness name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// Two witnesses share a public key. The Ed25519 cosignature does not commit to the name, so
    /// one key would count as two witnesses.
    #[error("the witnesses {first} and {second} share a public key")]
    SharedPublicKey {
        /// Name of the first witness with the key.
        first: String,
        /// Name of the second.
        second: String,
    },
}

/// A count-based witness policy: at least `threshold` of these witnesses must have cosigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessPolicy {
    witnesses: Vec<CosignerKey>,
    threshold: usize,
}

impl WitnessPolicy {
    /// A policy requiring `threshold` of `witnesses`. A threshold of 0 requires nothing (but
    /// still rejects notes with bad cosignatures from listed witnesses).
    pub fn new(
        witnesses: Vec<CosignerKey>,
        threshold: usize,
    ) -> Result<WitnessPolicy, PolicyError> {
        for (index, witness) in witnesses.iter().enumerate() {
            for earlier in &witnesses[..index] {
                if earlier.name() == witness.name() && earlier.key_id() == witness.key_id() {
                    return Err(PolicyError::DuplicateWitness {
                        name: witness.name().to_owned(),
                        key_id: witness.key_id(),
                    });
                }
                if earlier.public_key_bytes() == witness.public_key_bytes() {
                    return Err(PolicyError::SharedPublicKey {
                        first: earlier.name().to_owned(),
                        second: witness.name().to_owned(),
                    });
                }
            }
        }
        if threshold > witnesses.len() {
            return Err(PolicyError::ThresholdTooHigh {
                threshold,
                witnesses: witnesses.len(),
            });
        }
        Ok(WitnessPolicy {
            witnesses,
            threshold,
        })
    }

    /// The listed witnesses.
    pub fn witnesses(&self) -> &[CosignerKey] {
        &self.witnesses
    }

    /// How many of them must cosign.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// Verifies the note's cosignatures from the listed witnesses and checks that at least
    /// [`WitnessPolicy::threshold`] distinct witnesses cosigned. Does not check the log
    /// signature.
    pub fn check(&self, signed_note: &str) -> Result<Vec<VerifiedCosignature>, CosignatureError> {
        let verified = verify_cosignatures(signed_note, &self.witnesses)?;
        if verified.len() < self.threshold {
            return Err(CosignatureError::NotEnoughCosignatures {
                required: self.threshold,
                found: verified.len(),
            });
        }
        Ok(verified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint;
    use crate::note::{SignerKey, append_signatures};
    use proptest::prelude::*;

    /// The example of tlog-cosignature v1.0.1.
    const SPEC_NOTE: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    const SPEC_TEXT: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    fn witness(n: u8) -> CosignerSigner {
        CosignerSigner::from_seed(&format!("witness.example/w{n}"), [n; 32]).expect("seed")
    }

    fn log() -> SignerKey {
        SignerKey::from_seed("example.com/behind-the-sofa", [100; 32]).expect("seed")
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint::parse(SPEC_TEXT).expect("parses")
    }

    /// The log's note with cosignatures from the given witnesses at the given times.
    fn cosigned(witnesses: &[(&CosignerSigner, u64)]) -> String {
        let lines: Vec<_> = witnesses
            .iter()
            .map(|(w, t)| cosign(&checkpoint(), w, *t).expect("cosigns"))
            .collect();
        append_signatures(&checkpoint::sign(&checkpoint(), &log()), &lines).expect("appends")
    }

    #[test]
    fn signed_message_matches_the_spec_example() {
        assert_eq!(
            signed_message(SPEC_TEXT, 1679315147),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        );
    }

    #[test]
    fn the_spec_example_cosignature_has_timestamp_1679315147() {
        let (text, lines) = note::parse(SPEC_NOTE).expect("parses");
        assert_eq!(text, SPEC_TEXT);
        let cosignature = Cosignature::from_line(&lines[1]).expect("a cosignature");
        assert_eq!(cosignature.name(), "witness.example.com/w1");
        assert_eq!(cosignature.key_id(), 0x8d66cf3f);
        assert_eq!(cosignature.timestamp(), 1679315147);
        // The log's own line is a plain Ed25519 signature, too short to be a cosignature.
        assert_eq!(
            Cosignature::from_line(&lines[0]),
            Err(CosignatureFormatError::WrongLength {
                expected: 72,
                found: 64
            })
        );
    }

    #[test]
    fn cosigner_keys_use_type_4_and_round_trip() {
        let signer = witness(1);
        let key = signer.verifier();
        let text = key.to_string();
        assert!(text.starts_with("witness.example/w1+"));
        assert_eq!(CosignerKey::parse(&text), Ok(key.clone()));
        assert_eq!(
            key.key_id(),
            note::key_id("witness.example/w1", 0x04, &key.public_key_bytes())
        );
        assert_eq!(
            CosignerSigner::parse(&signer.to_private_key_string()).map(|s| s.verifier()),
            Ok(key.clone())
        );
        // A type-4 key is not a note verifier key, and the reverse.
        assert_eq!(
            note::VerifierKey::parse(&text),
            Err(KeyError::WrongSignatureType {
                expected: 0x01,
                found: 0x04
            })
        );
        assert_eq!(
            CosignerKey::parse(&log().verifier().to_string()),
            Err(KeyError::WrongSignatureType {
                expected: 0x04,
                found: 0x01
            })
        );
        assert!(!format!("{signer:?}").contains(&signer.to_private_key_string()[30..]));
    }

    #[test]
    fn cosign_writes_key_id_timestamp_and_signature() {
        let w = witness(1);
        let line = cosign(&checkpoint(), &w, 1679315147).expect("cosigns");
        assert_eq!(line.name(), "witness.example/w1");
        assert_eq!(line.key_id(), w.key_id());
        assert_eq!(line.signature().len(), 72);
        assert_eq!(&line.signature()[..8], &1679315147u64.to_be_bytes());
        let cosignature = Cosignature::from_line(&line).expect("reads back");
        assert!(w.verifier().verify(SPEC_TEXT, &cosignature));
        assert!(!w.verifier().verify("other\n1\nAAAA\n", &cosignature));
        assert!(!witness(2).verifier().verify(SPEC_TEXT, &cosignature));
        assert_eq!(
            cosign(&checkpoint(), &w, 1 << 63),
            Err(CosignError::TimestampTooLarge {
                max: MAX_TIMESTAMP_SECONDS,
                found: 1 << 63
            })
        );
        assert!(cosign(&checkpoint(), &w, MAX_TIMESTAMP_SECONDS).is_ok());
    }

    #[test]
    fn note_open_with_the_log_key_ignores_cosignatures() {
        let note = cosigned(&[(&witness(1), 10), (&witness(2), 20)]);
        let opened = note::open(&note, &[log().verifier()]).expect("opens");
        assert_eq!(opened.verified().len(), 1);
        assert_eq!(opened.unverified().len(), 2);
    }

    #[test]
    fn verify_cosignatures_returns_timestamps_of_trusted_witnesses() {
        let (w1, w2, w3) = (witness(1), witness(2), witness(3));
        let note = cosigned(&[(&w1, 10), (&w2, 20), (&w3, 30)]);
        let verified = verify_cosignatures(&note, &[w3.verifier(), w1.verifier()]).expect("ok");
        let got: Vec<_> = verified.iter().map(|v| (v.name(), v.timestamp())).collect();
        assert_eq!(
            got,
            [("witness.example/w1", 10), ("witness.example/w3", 30)]
        );
    }

    #[test]
    fn policy_counts_distinct_trusted_witnesses() {
        let (w1, w2, w3) = (witness(1), witness(2), witness(3));
        let keys = vec![w1.verifier(), w2.verifier(), w3.verifier()];
        let two_of_three = WitnessPolicy::new(keys.clone(), 2).expect("policy");
        // The same witness twice counts once.
        let note = cosigned(&[(&w1, 10), (&w1, 11)]);
        assert_eq!(
            two_of_three.check(&note),
            Err(CosignatureError::NotEnoughCosignatures {
                required: 2,
                found: 1
            })
        );
        let note = cosigned(&[(&w1, 10), (&w3, 30)]);
        assert_eq!(two_of_three.check(&note).map(|v| v.len()), Ok(2));
        assert_eq!(
            WitnessPolicy::new(keys.clone(), 0)
                .expect("policy")
                .check(&note)
                .map(|v| v.len()),
            Ok(2)
        );
    }

    #[test]
    fn policy_rejects_bad_cosignatures_from_listed_witnesses() {
        let (w1, w2) = (witness(1), witness(2));
        let policy = WitnessPolicy::new(vec![w1.verifier(), w2.verifier()], 1).expect("policy");
        // w2's line signed over a different checkpoint.
        let other =
            Checkpoint::new("example.com/behind-the-sofa", 5, crate::hash::Hash::ZERO).expect("ok");
        let wrong = cosign(&other, &w2, 5).expect("cosigns");
        let note = append_signatures(&cosigned(&[(&w1, 10)]), &[wrong]).expect("appends");
        assert_eq!(
            policy.check(&note),
            Err(CosignatureError::BadCosignature {
                line: 3,
                name: "witness.example/w2".into(),
                key_id: w2.key_id()
            })
        );
        // A listed witness's line of the wrong length.
        let short = SignatureLine::from_parts(w2.name(), w2.key_id(), vec![0; 64]);
        let note = append_signatures(&cosigned(&[(&w1, 10)]), &[short]).expect("appends");
        assert_eq!(
            policy.check(&note),
            Err(CosignatureError::Format {
                line: 3,
                name: "witness.example/w2".into(),
                key_id: w2.key_id(),
                source: CosignatureFormatError::WrongLength {
                    expected: 72,
                    found: 64
                }
            })
        );
        // A listed witness's line with a timestamp above 2^63 - 1.
        let mut bytes = u64::MAX.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0; 64]);
        let late = SignatureLine::from_parts(w2.name(), w2.key_id(), bytes);
        let note = append_signatures(&cosigned(&[(&w1, 10)]), &[late]).expect("appends");
        assert!(matches!(
            policy.check(&note),
            Err(CosignatureError::Format {
                line: 3,
                source: CosignatureFormatError::TimestampTooLarge {
                    found: u64::MAX,
                    ..
                },
                ..
            })
        ));
        // Malformed lines from unknown keys are ignored.
        let junk = SignatureLine::from_parts("someone.else", 7, vec![1; 3]);
        let note = append_signatures(&cosigned(&[(&w1, 10)]), &[junk]).expect("appends");
        assert_eq!(policy.check(&note).map(|v| v.len()), Ok(1));
        assert_eq!(
            policy.check("junk"),
            Err(CosignatureError::Note(NoteError::MissingBlankLine))
        );
    }

    #[test]
    fn policy_construction_rejects_unsatisfiable_or_double_counting_lists() {
        let (w1, w2) = (witness(1), witness(2));
        assert_eq!(
            WitnessPolicy::new(vec![w1.verifier()], 2),
            Err(PolicyError::ThresholdTooHigh {
                threshold: 2,
                witnesses: 1
            })
        );
        assert_eq!(
            WitnessPolicy::new(vec![w1.verifier(), w2.verifier(), w1.verifier()], 1),
            Err(PolicyError::DuplicateWitness {
                name: "witness.example/w1".into(),
                key_id: w1.key_id()
            })
        );
        let alias =
            CosignerKey::from_public_key("alias.example", &w1.verifier().public_key_bytes())
                .expect("key");
        assert_eq!(
            WitnessPolicy::new(vec![w1.verifier(), alias], 2),
            Err(PolicyError::SharedPublicKey {
                first: "witness.example/w1".into(),
                second: "alias.example".into()
            })
        );
    }

    #[test]
    fn ambiguous_witness_keys_are_rejected() {
        let (w1, w2) = (witness(1), witness(2));
        // Same name and key id as w1 but w2's public key: not constructible from honest keys.
        let forged = CosignerKey(w2.verifier().0.with_forged_id(w1.name(), w1.key_id()));
        let note = cosigned(&[(&w1, 10)]);
        assert_eq!(
            verify_cosignatures(&note, &[w1.verifier(), forged]),
            Err(CosignatureError::AmbiguousKey {
                line: 2,
                name: "witness.example/w1".into(),
                key_id: w1.key_id()
            })
        );
        // The same key listed twice is not ambiguous.
        assert!(verify_cosignatures(&note, &[w1.verifier(), w1.verifier()]).is_ok());
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_input(text in any::<String>()) {
            let _ = verify_cosignatures(&text, &[witness(1).verifier()]);
            let _ = CosignerKey::parse(&text);
            let _ = CosignerSigner::parse(&text);
            if let Ok(line) = SignatureLine::parse(&text) {
                let _ = Cosignature::from_line(&line);
            }
        }

        #[test]
        fn never_panics_on_mutated_cosigned_notes(pos in any::<usize>(), byte in any::<u8>(), delete in any::<bool>()) {
            let w1 = witness(1);
            let original = cosigned(&[(&w1, 10)]);
            let mut bytes = original.as_bytes().to_vec();
            let pos = pos % bytes.len();
            if delete { bytes.remove(pos); } else { bytes[pos] = byte; }
            let note = String::from_utf8_lossy(&bytes).into_owned();
            let policy = WitnessPolicy::new(vec![w1.verifier()], 1).expect("policy");
            if let Ok(verified) = policy.check(&note) {
                prop_assert_eq!(verified.len(), 1);
                prop_assert_eq!(verified[0].timestamp(), 10);
            }
        }
    }
}
