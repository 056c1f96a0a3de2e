//! A log is a sequence of entries: entry `n` has `seq` n and carries the hash of entry `n − 1`
//! (all zero bytes for the genesis entry, `seq` 0); recorded times never go backwards; the
//! genesis entry opens the ledger and names its origin, which every author signature binds.
//!
//! [`LogHead`] is the state needed to append the next entry, shared by whoever writes a log (the
//! store) and whoever checks one ([`LogVerifier`]), so the two apply the same rules.
//! [`LogVerifier`] checks a log as a stream, in memory bounded by the signature batch size, not by
//! the length of the log.

use crate::entry::{Entry, EntryError, GENESIS_EVENT_TYPE, RecordedAt, valid_origin};
use crate::hash::Hash;
use crate::keys::{AuthorKey, AuthorKeyError, PublicKey, SIGNATURE_BYTES, event_message};
use crate::merkle::{MerkleAccumulator, TreeHead};
use ed25519_dalek::Signature;
use std::collections::HashMap;
use std::sync::OnceLock;

/// How many signatures are gathered before they are verified together. Batch verification is
/// about twice as fast as one by one; beyond a few hundred the gain flattens.
pub const SIGNATURE_BATCH_MAX: usize = 256;
/// How many distinct author keys a verifier remembers as already checked. A ledger has a handful
/// of keys; the bound only keeps a hostile log with a new key on every line from growing memory.
pub const KEY_CACHE_ENTRIES_MAX: usize = 4096;

/// Why a log, or the next entry of one, is not valid. Each variant names the entry (`seq`) and the
/// rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// The line at this position is not a well-formed entry.
    #[error("entry {seq} (line {line}) is malformed: {error}")]
    Malformed {
        /// The sequence number the line should have had.
        seq: u64,
        /// 1-based line number in the published log (`seq + 1`).
        line: u64,
        /// What is wrong with it.
        error: EntryError,
    },
    /// An entry is missing, repeated or out of order.
    #[error(
        "entry at position {expected} has sequence number {found}: entries are missing, repeated or out of order"
    )]
    SeqMismatch {
        /// The sequence number the position requires.
        expected: u64,
        /// The one the entry carries.
        found: u64,
    },
    /// The chain is broken: the entry does not carry the hash of the one before it.
    #[error(
        "entry {seq} says the previous entry's hash is {found}, but it is {expected}: the log was changed before this entry"
    )]
    PrevHashMismatch {
        /// The entry.
        seq: u64,
        /// Hash of the entry before it (zero for genesis).
        expected: Hash,
        /// What the entry carries.
        found: Hash,
    },
    /// An entry's recorded time is earlier than the one before it.
    #[error("entry {seq} is recorded at {found}, earlier than the entry before it ({previous})")]
    TimeWentBackwards {
        /// The entry.
        seq: u64,
        /// Time of the entry before it.
        previous: RecordedAt,
        /// Its own time.
        found: RecordedAt,
    },
    /// The first entry does not open a ledger.
    #[error("the first entry must be of type `{GENESIS_EVENT_TYPE}`, found `{found_type}`")]
    FirstEntryNotGenesis {
        /// Its event type.
        found_type: String,
    },
    /// The genesis entry's body has no valid `origin`.
    #[error(
        "the genesis entry must name the ledger's origin in `event.body.origin` (printable ASCII, no spaces or +, at most 255 bytes)"
    )]
    GenesisOriginInvalid,
    /// A ledger is opened a second time inside the log.
    #[error(
        "entry {seq} opens a ledger again: only the first entry may be of type `{GENESIS_EVENT_TYPE}`"
    )]
    SecondGenesis {
        /// The entry.
        seq: u64,
    },
    /// The ledger is not the one the reader trusts.
    #[error("this log is the ledger `{found}`, not the expected `{expected}`")]
    OriginMismatch {
        /// The trusted origin.
        expected: String,
        /// The origin in the genesis entry.
        found: String,
    },
    /// The genesis entry is not the one the reader trusts (e.g. from the notice board).
    #[error(
        "the genesis entry's hash is {found}, not the trusted {expected}: this is a different ledger"
    )]
    GenesisHashMismatch {
        /// The trusted hash.
        expected: Hash,
        /// The hash of the first entry.
        found: Hash,
    },
    /// An author signature does not verify.
    #[error(
        "entry {seq}: the signature by key {key} does not verify: the event was changed after it was signed, or the signature is forged"
    )]
    BadSignature {
        /// The entry.
        seq: u64,
        /// The key whose signature failed.
        key: PublicKey,
    },
    /// A signature names a key that is not a valid Ed25519 key, or a weak one.
    #[error("entry {seq}: the signing key {key} is {reason}")]
    InvalidKey {
        /// The entry.
        seq: u64,
        /// The key.
        key: PublicKey,
        /// Why it is refused.
        reason: AuthorKeyError,
    },
    /// A signature names its key in a non-canonical encoding (RFC 8032 §5.1.3): the same key has
    /// another, canonical, spelling, and a log accepts only that one.
    #[error("entry {seq}: the signing key {key} is not canonically encoded (RFC 8032 §5.1.3)")]
    NonCanonicalKey {
        /// The entry.
        seq: u64,
        /// The key as written.
        key: PublicKey,
    },
    /// The log has no entries.
    #[error("the log is empty")]
    Empty,
    /// The last line has no line feed: the file was cut short (a torn write or an incomplete
    /// download), even if what is there parses.
    #[error("entry {seq} (the last line) does not end with a line feed: the file is incomplete")]
    UnterminatedLastLine {
        /// The last entry.
        seq: u64,
    },
    /// The checkpoint covers a different number of entries than the log has.
    #[error(
        "the checkpoint covers {checkpoint_size} entries but the log has {log_size}: the log is truncated or has entries the checkpoint does not cover"
    )]
    SizeMismatch {
        /// Entries the checkpoint covers.
        checkpoint_size: u64,
        /// Entries in the log.
        log_size: u64,
    },
    /// The Merkle root over the log differs from the checkpoint's.
    #[error(
        "the Merkle root over the log's {size} entries is {computed}, but the checkpoint says {expected}"
    )]
    RootMismatch {
        /// Entries covered.
        size: u64,
        /// The checkpoint's root.
        expected: Hash,
        /// The root computed from the log.
        computed: Hash,
    },
}

impl LogError {
    /// The entry the error names: its `seq` (for an entry out of place, the position it took),
    /// 0 for what is wrong with the genesis, and `None` for what concerns the whole log (it is
    /// empty, or not the size or root a checkpoint states).
    pub fn seq(&self) -> Option<u64> {
        match self {
            LogError::Malformed { seq, .. }
            | LogError::PrevHashMismatch { seq, .. }
            | LogError::TimeWentBackwards { seq, .. }
            | LogError::SecondGenesis { seq }
            | LogError::BadSignature { seq, .. }
            | LogError::InvalidKey { seq, .. }
            | LogError::NonCanonicalKey { seq, .. }
            | LogError::UnterminatedLastLine { seq } => Some(*seq),
            LogError::SeqMismatch { expected, .. } => Some(*expected),
            LogError::FirstEntryNotGenesis { .. }
            | LogError::GenesisOriginInvalid
            | LogError::OriginMismatch { .. }
            | LogError::GenesisHashMismatch { .. } => Some(0),
            LogError::Empty | LogError::SizeMismatch { .. } | LogError::RootMismatch { .. } => None,
        }
    }
}

/// What must be known about a log to check (or write) its next entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogHead {
    origin: Option<String>,
    size: u64,
    last_hash: Hash,
    last_time: Option<RecordedAt>,
}

impl LogHead {
    /// The head of an empty log: the next entry must be the genesis entry.
    pub fn empty() -> LogHead {
        LogHead::default()
    }

    /// The ledger's origin, once the genesis entry is in.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }
    /// Number of entries so far; also the next entry's `seq`.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// Hash of the last entry (zero when empty): the next entry's `prev_hash`.
    pub fn last_hash(&self) -> Hash {
        self.last_hash
    }
    /// Recorded time of the last entry.
    pub fn last_time(&self) -> Option<RecordedAt> {
        self.last_time
    }

    /// Checks that `entry` may follow this head (sequence, chain, time order, genesis rules) and
    /// returns the ledger origin that its signatures must bind. Signatures are not checked here.
    pub fn check_next<'a>(&'a self, entry: &'a Entry) -> Result<&'a str, LogError> {
        let seq = entry.seq();
        if seq != self.size {
            return Err(LogError::SeqMismatch {
                expected: self.size,
                found: seq,
            });
        }
        if entry.prev_hash() != self.last_hash {
            return Err(LogError::PrevHashMismatch {
                seq,
                expected: self.last_hash,
                found: entry.prev_hash(),
            });
        }
        if let Some(previous) = self.last_time {
            if entry.recorded_at() < previous {
                return Err(LogError::TimeWentBackwards {
                    seq,
                    previous,
                    found: entry.recorded_at(),
                });
            }
        }
        let is_genesis = entry.event().kind() == GENESIS_EVENT_TYPE;
        match &self.origin {
            Some(origin) if !is_genesis => Ok(origin),
            Some(_) => Err(LogError::SecondGenesis { seq }),
            None if !is_genesis => Err(LogError::FirstEntryNotGenesis {
                found_type: entry.event().kind().to_string(),
            }),
            None => genesis_origin(entry),
        }
    }

    /// Moves the head past `entry`, which [`LogHead::check_next`] accepted.
    pub fn advance(&mut self, entry: &Entry) {
        assert_eq!(entry.seq(), self.size, "advance() only after check_next()");
        if self.origin.is_none() {
            self.origin = genesis_origin(entry).ok().map(str::to_string);
        }
        self.size += 1;
        self.last_hash = entry.hash();
        self.last_time = Some(entry.recorded_at());
    }
}

fn genesis_origin(entry: &Entry) -> Result<&str, LogError> {
    match entry.event().body().get("origin").and_then(|v| v.as_str()) {
        Some(origin) if valid_origin(origin) => Ok(origin),
        _ => Err(LogError::GenesisOriginInvalid),
    }
}

/// One author signature waiting to be verified.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    /// The entry it belongs to.
    pub seq: u64,
    /// The signing key, already checked to be valid and not weak.
    pub key: AuthorKey,
    /// The signature.
    pub signature: [u8; SIGNATURE_BYTES],
    /// The exact signed message ([`event_message`]).
    pub message: Vec<u8>,
}

/// Turns the public keys of entries into checked [`AuthorKey`]s, remembering the answer: a log has
/// few distinct keys, and checking one costs about as much as verifying a signature.
#[derive(Debug, Default)]
pub struct KeyCache {
    keys: HashMap<PublicKey, Result<AuthorKey, AuthorKeyError>>,
}

impl KeyCache {
    /// The checked key for `public`.
    pub fn get(&mut self, public: PublicKey) -> Result<AuthorKey, AuthorKeyError> {
        if let Some(known) = self.keys.get(&public) {
            return *known;
        }
        if self.keys.len() >= KEY_CACHE_ENTRIES_MAX {
            self.keys.clear();
        }
        let checked = AuthorKey::from_public(public);
        self.keys.insert(public, checked);
        checked
    }
}

impl SignatureCheck {
    /// The checks for every signature on `entry` in the ledger `origin`.
    pub fn for_entry(
        origin: &str,
        entry: &Entry,
        keys: &mut KeyCache,
    ) -> Result<Vec<SignatureCheck>, LogError> {
        let message = event_message(origin, entry.event().canonical_bytes());
        entry
            .signatures()
            .iter()
            .map(|s| {
                let key = keys.get(*s.key()).map_err(|reason| match reason {
                    AuthorKeyError::NonCanonical => LogError::NonCanonicalKey {
                        seq: entry.seq(),
                        key: *s.key(),
                    },
                    reason => LogError::InvalidKey {
                        seq: entry.seq(),
                        key: *s.key(),
                        reason,
                    },
                })?;
                Ok(SignatureCheck {
                    seq: entry.seq(),
                    key,
                    signature: *s.signature(),
                    message: message.clone(),
                })
            })
            .collect()
    }

    /// `verify_strict` on this one signature.
    pub fn verify_strict(&self) -> bool {
        let signature = Signature::from_bytes(&self.signature);
        self.key
            .verifying_key()
            .verify_strict(&self.message, &signature)
            .is_ok()
    }

    /// Whether R might be of small order: the one check `verify_strict` makes that batch
    /// verification does not (keys were checked by [`KeyCache`]). A point is of small order only
    /// if its y-coordinate is one of five values (0, 1, −1 and ±y of the points of order 8), or
    /// a non-canonical encoding of 0 or 1; comparing bytes costs nothing next to decompressing R.
    fn r_may_be_small_order(&self) -> bool {
        let mut y = [0u8; 32];
        y.copy_from_slice(&self.signature[..32]);
        y[31] &= 0x7f;
        small_order_y_encodings().contains(&y)
    }
}

/// The y-coordinate encodings (sign bit cleared) of the eight points of small order, plus the
/// non-canonical encodings `p` and `p + 1` of y = 0 and y = 1.
fn small_order_y_encodings() -> &'static [[u8; 32]] {
    static SET: OnceLock<Vec<[u8; 32]>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set: Vec<[u8; 32]> = curve25519_dalek::constants::EIGHT_TORSION
            .iter()
            .map(|p| {
                let mut y = p.compress().to_bytes();
                y[31] &= 0x7f;
                y
            })
            .collect();
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        set.push(p);
        p[0] = 0xee;
        set.push(p);
        set.sort_unstable();
        set.dedup();
        set
    })
}

/// Verifies signatures as one Ed25519 batch, falling back to one by one when the batch fails so
/// that the first bad signature is named. Accepts exactly what `verify_strict` accepts.
pub fn verify_signatures(checks: &[SignatureCheck]) -> Result<(), LogError> {
    let first_bad = || {
        checks
            .iter()
            .find(|c| !c.verify_strict())
            .map_or(Ok(()), |c| {
                Err(LogError::BadSignature {
                    seq: c.seq,
                    key: c.key.public(),
                })
            })
    };
    if checks.is_empty() {
        return Ok(());
    }
    if checks.iter().any(SignatureCheck::r_may_be_small_order) {
        return first_bad();
    }
    let messages: Vec<&[u8]> = checks.iter().map(|c| c.message.as_slice()).collect();
    let signatures: Vec<Signature> = checks
        .iter()
        .map(|c| Signature::from_bytes(&c.signature))
        .collect();
    let keys: Vec<_> = checks.iter().map(|c| *c.key.verifying_key()).collect();
    match ed25519_dalek::verify_batch(&messages, &signatures, &keys) {
        Ok(()) => Ok(()),
        Err(_) => first_bad(),
    }
}

/// What a successful verification established about a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLog {
    /// The ledger's origin, from the genesis entry.
    pub origin: String,
    /// Hash of the genesis entry: the ledger's fingerprint for the notice board.
    pub genesis_hash: Hash,
    /// Size and Merkle root of the log.
    pub tree_head: TreeHead,
    /// Recorded time of the first and of the last entry.
    pub first_time: RecordedAt,
    /// Recorded time of the last entry.
    pub last_time: RecordedAt,
}

impl VerifiedLog {
    /// Checks that a checkpoint's tree head is exactly this log's: same size, same root.
    pub fn check_tree_head(&self, checkpoint: &TreeHead) -> Result<(), LogError> {
        if checkpoint.size != self.tree_head.size {
            return Err(LogError::SizeMismatch {
                checkpoint_size: checkpoint.size,
                log_size: self.tree_head.size,
            });
        }
        if checkpoint.root != self.tree_head.root {
            return Err(LogError::RootMismatch {
                size: checkpoint.size,
                expected: checkpoint.root,
                computed: self.tree_head.root,
            });
        }
        Ok(())
    }
}

/// Sequence, chain, time order and genesis rules ([`LogHead::check_next`]), plus what the reader
/// trusts about the genesis entry (its origin, its hash); returns the origin signatures bind.
pub(crate) fn check_position(
    head: &LogHead,
    entry: &Entry,
    expected_origin: Option<&str>,
    expected_genesis: Option<Hash>,
) -> Result<String, LogError> {
    let origin = head.check_next(entry)?.to_string();
    if entry.seq() == 0 {
        if let Some(expected) = expected_origin {
            if expected != origin {
                return Err(LogError::OriginMismatch {
                    expected: expected.to_string(),
                    found: origin,
                });
            }
        }
        if let Some(expected) = expected_genesis {
            if expected != entry.hash() {
                return Err(LogError::GenesisHashMismatch {
                    expected,
                    found: entry.hash(),
                });
            }
        }
    }
    Ok(origin)
}

/// Checks a log as a stream of lines: structure, sequence, chain, time order, genesis rules and
/// author signatures (in batches), while it builds the Merkle root.
///
/// [`LogVerifier::push`] returns each entry once its line and its place in the chain are checked;
/// its signatures are verified in the next batch, so a caller that acts on entries (projections)
/// must treat them as provisional until [`LogVerifier::finish`] succeeds. Errors are reported for
/// the earliest failing entry: before a chain error is returned, the signatures of the entries
/// before it are verified.
#[derive(Debug, Default)]
pub struct LogVerifier {
    head: LogHead,
    tree: MerkleAccumulator,
    pending: Vec<SignatureCheck>,
    keys: KeyCache,
    expected_origin: Option<String>,
    expected_genesis: Option<Hash>,
    genesis_hash: Option<Hash>,
    first_time: Option<RecordedAt>,
}

impl LogVerifier {
    /// A verifier for a log read from its first line.
    pub fn new() -> LogVerifier {
        LogVerifier::default()
    }

    /// Requires the ledger to have this origin (e.g. the checkpoint's origin line).
    pub fn expect_origin(mut self, origin: &str) -> LogVerifier {
        self.expected_origin = Some(origin.to_string());
        self
    }

    /// Requires the genesis entry to have this hash (e.g. printed on the notice board).
    pub fn expect_genesis_hash(mut self, hash: Hash) -> LogVerifier {
        self.expected_genesis = Some(hash);
        self
    }

    /// Entries accepted so far.
    pub fn size(&self) -> u64 {
        self.head.size()
    }

    /// The tree head over the entries accepted so far (their signatures may still be pending).
    pub fn tree_head(&self) -> TreeHead {
        self.tree.tree_head()
    }

    /// Checks the next line of the log (without its line feed).
    pub fn push(&mut self, line: &[u8]) -> Result<Entry, LogError> {
        let seq = self.head.size();
        let entry = match Entry::parse(line) {
            Ok(entry) => entry,
            Err(error) => {
                self.flush()?;
                return Err(LogError::Malformed {
                    seq,
                    line: seq + 1,
                    error,
                });
            }
        };
        let origin = match self.check(&entry) {
            Ok(origin) => origin,
            Err(error) => {
                self.flush()?;
                return Err(error);
            }
        };
        match SignatureCheck::for_entry(&origin, &entry, &mut self.keys) {
            Ok(checks) => self.pending.extend(checks),
            Err(error) => {
                self.flush()?;
                return Err(error);
            }
        }
        self.head.advance(&entry);
        self.tree.push(entry.hash());
        if seq == 0 {
            self.genesis_hash = Some(entry.hash());
            self.first_time = Some(entry.recorded_at());
        }
        if self.pending.len() >= SIGNATURE_BATCH_MAX {
            self.flush()?;
        }
        Ok(entry)
    }

    fn check(&self, entry: &Entry) -> Result<String, LogError> {
        check_position(
            &self.head,
            entry,
            self.expected_origin.as_deref(),
            self.expected_genesis,
        )
    }

    /// Verifies the signatures gathered so far.
    pub fn flush(&mut self) -> Result<(), LogError> {
        let result = verify_signatures(&self.pending);
        self.pending.clear();
        result
    }

    /// Verifies the remaining signatures and returns what the log established.
    pub fn finish(mut self) -> Result<VerifiedLog, LogError> {
        self.flush()?;
        let (Some(genesis_hash), Some(first_time), Some(last_time), Some(origin)) = (
            self.genesis_hash,
            self.first_time,
            self.head.last_time(),
            self.head.origin(),
        ) else {
            return Err(LogError::Empty);
        };
        Ok(VerifiedLog {
            origin: origin.to_string(),
            genesis_hash,
            tree_head: self.tree.tree_head(),
            first_time,
            last_time,
        })
    }
}

/// Verifies a whole log given as one `.jsonl` text: every line ends with a line feed, and there
/// is no blank line. Returns the error for the earliest failing entry.
pub fn verify_jsonl(log: &[u8]) -> Result<VerifiedLog, LogError> {
    let mut verifier = LogVerifier::new();
    for line in split_lines(log) {
        verifier.push(line)?;
    }
    check_terminated(log, verifier.size())?;
    verifier.finish()
}

/// A non-empty log must end with a line feed; called after its lines were checked, so that a torn
/// last line is reported as malformed when it is, and as unterminated when it parses.
pub fn check_terminated(log: &[u8], entries: u64) -> Result<(), LogError> {
    if !log.is_empty() && !log.ends_with(b"\n") {
        return Err(LogError::UnterminatedLastLine {
            seq: entries.saturating_sub(1),
        });
    }
    Ok(())
}

/// Splits a `.jsonl` text into lines without their line feeds. A final line without a line feed
/// (a torn write) is still returned, so that it is checked and reported, not silently dropped;
/// [`check_terminated`] then refuses it if it parsed.
pub fn split_lines(log: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = log.strip_suffix(b"\n").unwrap_or(log);
    body.split(|b| *b == b'\n').filter(move |_| !log.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_order_y_set_has_the_seven_encodings() {
        // y ∈ {0, 1, −1, y8, −y8} and the non-canonical p, p + 1.
        assert_eq!(small_order_y_encodings().len(), 7);
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(small_order_y_encodings().contains(&one));
    }

    #[test]
    fn an_error_names_its_entry_the_genesis_or_none() {
        assert_eq!(LogError::SecondGenesis { seq: 7 }.seq(), Some(7));
        let out_of_place = LogError::SeqMismatch {
            expected: 4,
            found: 5,
        };
        assert_eq!(out_of_place.seq(), Some(4));
        assert_eq!(LogError::GenesisOriginInvalid.seq(), Some(0));
        assert_eq!(LogError::Empty.seq(), None);
        let size = LogError::SizeMismatch {
            checkpoint_size: 3,
            log_size: 2,
        };
        assert_eq!(size.seq(), None);
    }
}
