//! The log entry: one canonical JSON object per line of the published log.
//!
//! ```text
//! {"event":{"body":{…},"id":"…","type":"…"},"prev_hash":"<64 hex>","recorded_at":"2026-01-05T08:00:00.000Z",
//!  "seq":0,"signatures":[{"key":"<64 hex>","sig":"<128 hex>"}],"version":1}
//! ```
//! (on one line, without the line break shown here). [`Entry::parse`] reads one line and checks
//! everything that can be checked from the line alone: canonical form, every field's type and
//! shape, and the limits. What needs the lines before it (sequence, chain, time order, who may
//! sign) is checked by [`crate::log`]; signatures are checked there too, in batches.

use crate::canonical::{self, CanonicalError, to_canonical};
use crate::hash::{Hash, leaf_hash};
use crate::keys::{self, AuthorSigner, PublicKey, SIGNATURE_BYTES};
use serde_json::{Map, Value};
use std::fmt;
use time::{
    OffsetDateTime, PrimitiveDateTime, format_description::FormatItem, macros::format_description,
};

/// The entry format version this code reads and writes.
pub const FORMAT_VERSION: u64 = 1;
/// The largest entry accepted, in bytes (without the line feed). Attachments are stored apart
/// and referenced by hash, so an entry is small; the limit keeps a hostile log from exhausting
/// a verifier's memory with one line.
pub const ENTRY_BYTES_MAX: usize = 64 * 1024;
/// The most author signatures one entry may carry (a committee of up to this many members).
pub const SIGNATURES_MAX: usize = 32;
/// The longest event id, in bytes.
pub const EVENT_ID_BYTES_MAX: usize = 64;
/// The longest event type name, in bytes.
pub const EVENT_TYPE_BYTES_MAX: usize = 64;
/// The longest ledger origin, in bytes.
pub const ORIGIN_BYTES_MAX: usize = 255;
/// The event type of the genesis entry, which opens a ledger.
pub const GENESIS_EVENT_TYPE: &str = "ledger_opened";

const _: () = assert!(SIGNATURES_MAX * (64 + 128 + 20) < ENTRY_BYTES_MAX);

/// The top-level fields of an entry, in canonical (sorted) order.
pub const ENTRY_FIELDS: [&str; 6] = [
    "event",
    "prev_hash",
    "recorded_at",
    "seq",
    "signatures",
    "version",
];
/// The fields of an event, in canonical order.
pub const EVENT_FIELDS: [&str; 3] = ["body", "id", "type"];

/// The format of `recorded_at`: UTC, millisecond precision, always 24 characters.
const TIME_FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Why a line is not a well-formed entry. Each variant names the field concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// Longer than [`ENTRY_BYTES_MAX`].
    #[error("entry is {found_bytes} bytes, more than the limit of {ENTRY_BYTES_MAX}")]
    TooLarge {
        /// Its length.
        found_bytes: usize,
    },
    /// Not canonical JSON.
    #[error("{0}")]
    Canonical(#[from] CanonicalError),
    /// Not a JSON object.
    #[error("an entry must be a JSON object")]
    NotAnObject,
    /// A required field is absent.
    #[error("field `{field}` is missing")]
    MissingField {
        /// Dotted path of the field.
        field: &'static str,
    },
    /// A field this format version does not define.
    #[error("field `{field}` is not part of entry format version {FORMAT_VERSION}")]
    UnknownField {
        /// Dotted path of the field.
        field: String,
    },
    /// A field has the wrong JSON type or shape.
    #[error("field `{field}` is invalid: {expected}")]
    InvalidField {
        /// Dotted path of the field.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// The version number is not one this code reads.
    #[error(
        "entry format version {found} is not supported (this verifier reads version {FORMAT_VERSION})"
    )]
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
    /// A signature field is malformed.
    #[error("signature {index}: {reason}")]
    InvalidSignatureField {
        /// Position in `signatures` (0-based).
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The signatures are not sorted by key, or one key signs twice.
    #[error(
        "signatures must be sorted by key with no key twice (signature {index} breaks the order)"
    )]
    SignaturesNotSorted {
        /// Position of the first signature out of order.
        index: usize,
    },
}

/// Why an event could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The id is empty, too long or uses characters outside `[A-Za-z0-9._:-]`.
    #[error("event id must be 1 to {EVENT_ID_BYTES_MAX} characters of A-Z a-z 0-9 . _ : -")]
    InvalidId,
    /// The type is empty, too long or not `[a-z][a-z0-9_]*`.
    #[error(
        "event type must be 1 to {EVENT_TYPE_BYTES_MAX} characters: a lowercase letter, then lowercase letters, digits or _"
    )]
    InvalidType,
    /// The body holds a float or an integer beyond ±(2^53−1), or nests too deeply.
    #[error("event body is not canonical JSON: {0}")]
    Body(CanonicalError),
}

/// An event: what an entry records. The body's meaning depends on the type; this module only
/// knows the envelope.
#[derive(Clone, PartialEq, Eq)]
pub struct Event {
    id: String,
    kind: String,
    body: Map<String, Value>,
    /// The canonical bytes of the whole event object, which authors sign.
    bytes: Vec<u8>,
}

impl Event {
    /// Makes an event from its author-chosen id, its type and its body.
    pub fn new(id: &str, kind: &str, body: Map<String, Value>) -> Result<Event, EventError> {
        if !valid_event_id(id) {
            return Err(EventError::InvalidId);
        }
        if !valid_event_type(kind) {
            return Err(EventError::InvalidType);
        }
        let mut object = Map::new();
        object.insert("body".into(), Value::Object(body));
        object.insert("id".into(), Value::String(id.into()));
        object.insert("type".into(), Value::String(kind.into()));
        let value = Value::Object(object);
        let bytes = to_canonical(&value);
        // Round-trip through the strict parser so a body with a float or an unsafe integer is
        // refused here, at the author, rather than by every verifier later.
        canonical::parse_canonical(&bytes).map_err(EventError::Body)?;
        let Value::Object(mut object) = value else {
            unreachable!("built as an object above")
        };
        let Some(Value::Object(body)) = object.remove("body") else {
            unreachable!("inserted above")
        };
        Ok(Event {
            id: id.into(),
            kind: kind.into(),
            body,
            bytes,
        })
    }

    /// The author-chosen id, unique within a ledger (resubmitting it is idempotent).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The event type, e.g. `payment_received`.
    pub fn kind(&self) -> &str {
        &self.kind
    }
    /// The type-specific body.
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }
    /// The canonical bytes of the event object (what authors sign, after the context and origin).
    pub fn canonical_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// Signs this event for the ledger `origin`.
    pub fn sign(&self, origin: &str, signer: &AuthorSigner) -> AuthorSignature {
        AuthorSignature {
            key: signer.public_key(),
            signature: signer.sign_event(origin, &self.bytes),
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("id", &self.id)
            .field("type", &self.kind)
            .finish_non_exhaustive()
    }
}

/// One author signature: the author's key and their Ed25519 signature over
/// [`keys::event_message`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AuthorSignature {
    key: PublicKey,
    signature: [u8; SIGNATURE_BYTES],
}

impl AuthorSignature {
    /// A signature as an author submits it: `key` claims to have signed; nothing is verified
    /// here (the store and the verifier check it against the event and the ledger's origin).
    pub fn new(key: PublicKey, signature: [u8; SIGNATURE_BYTES]) -> AuthorSignature {
        AuthorSignature { key, signature }
    }
    /// The signing author's key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }
    /// The 64 signature bytes.
    pub fn signature(&self) -> &[u8; SIGNATURE_BYTES] {
        &self.signature
    }
}

impl fmt::Debug for AuthorSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthorSignature(key {})", self.key)
    }
}

/// A time as recorded in the log: UTC, whole milliseconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordedAt(OffsetDateTime);

/// Beijing time, UTC+8 all year (Asia/Shanghai has no daylight saving): how people read a log
/// time, which the log itself keeps in UTC.
pub const BEIJING: time::UtcOffset = time::macros::offset!(+8);

impl RecordedAt {
    /// This time in Beijing time ([`BEIJING`]): its month, its date and its hour as people say
    /// them.
    pub fn in_beijing(self) -> time::OffsetDateTime {
        self.as_offset_date_time().to_offset(BEIJING)
    }

    /// This time's calendar date in Beijing time, `YYYY-MM-DD`: the day a journal dates an
    /// entry by and a page shows.
    pub fn beijing_date(self) -> String {
        let d = self.in_beijing().date();
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }

    /// The earliest time an entry may carry.
    pub const MIN_YEAR: i32 = 2000;

    /// The time `unix_ms` milliseconds after 1970-01-01T00:00:00Z, if it is a representable log
    /// time (years 2000 to 9999).
    pub fn from_unix_ms(unix_ms: i64) -> Option<RecordedAt> {
        let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000).ok()?;
        (Self::MIN_YEAR..=9999)
            .contains(&t.year())
            .then_some(RecordedAt(t))
    }

    /// Reads the exact form `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub fn parse(text: &str) -> Option<RecordedAt> {
        // `YYYY-MM-DDTHH:MM:SS.mmmZ`, read by hand: every entry has one, and the general
        // parser with its print-back check was a tenth of parsing an entry.
        let b = text.as_bytes();
        if b.len() != 24
            || [
                (4, b'-'),
                (7, b'-'),
                (10, b'T'),
                (13, b':'),
                (16, b':'),
                (19, b'.'),
                (23, b'Z'),
            ]
            .iter()
            .any(|&(i, c)| b[i] != c)
        {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<u32> {
            b[from..to].iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        let year = i32::try_from(num(0, 4)?).ok()?;
        if !(Self::MIN_YEAR..=9999).contains(&year) {
            return None;
        }
        let month = time::Month::try_from(u8::try_from(num(5, 7)?).ok()?).ok()?;
        let date =
            time::Date::from_calendar_date(year, month, u8::try_from(num(8, 10)?).ok()?).ok()?;
        // `from_hms_milli` refuses hour 24, minute 60 and second 60 (no leap seconds).
        let clock = time::Time::from_hms_milli(
            u8::try_from(num(11, 13)?).ok()?,
            u8::try_from(num(14, 16)?).ok()?,
            u8::try_from(num(17, 19)?).ok()?,
            u16::try_from(num(20, 23)?).ok()?,
        )
        .ok()?;
        Some(RecordedAt(PrimitiveDateTime::new(date, clock).assume_utc()))
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_ms(&self) -> i64 {
        // INVARIANT: years 2000..=9999 are far inside i64 milliseconds.
        i64::try_from(self.0.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
    }

    /// The time as a `time` value in UTC.
    pub fn as_offset_date_time(&self) -> OffsetDateTime {
        self.0
    }
}

impl fmt::Display for RecordedAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // INVARIANT: formatting a UTC time with four-digit year cannot fail.
        let text = self.0.format(TIME_FORMAT).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl fmt::Debug for RecordedAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordedAt({self})")
    }
}

/// A well-formed entry, parsed from (or sealed into) its canonical bytes. Its signatures are
/// well-formed but not yet verified: see [`crate::log::LogVerifier`].
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    bytes: Vec<u8>,
    hash: Hash,
    seq: u64,
    prev_hash: Hash,
    recorded_at: RecordedAt,
    event: Event,
    signatures: Vec<AuthorSignature>,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("seq", &self.seq)
            .field("hash", &self.hash)
            .field("event", &self.event)
            .finish_non_exhaustive()
    }
}

impl Entry {
    /// Reads one entry from its line (without the line feed).
    pub fn parse(line: &[u8]) -> Result<Entry, EntryError> {
        if line.len() > ENTRY_BYTES_MAX {
            return Err(EntryError::TooLarge {
                found_bytes: line.len(),
            });
        }
        let value = canonical::parse_canonical(line)?;
        let Value::Object(mut object) = value else {
            return Err(EntryError::NotAnObject);
        };
        if let Some(field) = object.keys().find(|k| !ENTRY_FIELDS.contains(&k.as_str())) {
            return Err(EntryError::UnknownField {
                field: field.clone(),
            });
        }
        let version = take_u64(&mut object, "version")?;
        if version != FORMAT_VERSION {
            return Err(EntryError::UnsupportedVersion { found: version });
        }
        let seq = take_u64(&mut object, "seq")?;
        let prev_hash = Hash::from_hex(&take_string(&mut object, "prev_hash")?)
            .map_err(|_| invalid("prev_hash", "64 lowercase hexadecimal digits"))?;
        let recorded_at =
            RecordedAt::parse(&take_string(&mut object, "recorded_at")?).ok_or_else(|| {
                invalid(
                    "recorded_at",
                    "a UTC time written YYYY-MM-DDTHH:MM:SS.mmmZ, years 2000 to 9999",
                )
            })?;
        let (id, kind, body) = parse_event(
            object
                .remove("event")
                .ok_or(EntryError::MissingField { field: "event" })?,
        )?;
        let signatures = parse_signatures(object.remove("signatures").ok_or(
            EntryError::MissingField {
                field: "signatures",
            },
        )?)?;
        // Only now, with every member after `event` checked, does `event_slice` find its end.
        let event = event_of_line(id, kind, body, event_slice(line));
        Ok(Entry {
            hash: leaf_hash(line),
            bytes: line.to_vec(),
            seq,
            prev_hash,
            recorded_at,
            event,
            signatures,
        })
    }

    /// Builds the entry that records `event` at position `seq` after the entry whose hash is
    /// `prev_hash`. The signatures are sorted into canonical order; they must come from
    /// distinct keys.
    pub fn seal(
        seq: u64,
        prev_hash: Hash,
        recorded_at: RecordedAt,
        event: Event,
        mut signatures: Vec<AuthorSignature>,
    ) -> Result<Entry, EntryError> {
        signatures.sort_by_key(|s| s.key);
        let sig_values: Vec<Value> = signatures
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("key".into(), Value::String(s.key.to_hex()));
                m.insert("sig".into(), Value::String(hex::encode(s.signature)));
                Value::Object(m)
            })
            .collect();
        let event_value: Value =
            serde_json::from_slice(&event.bytes).map_err(|_| EntryError::InvalidField {
                field: "event",
                expected: "an event object",
            })?;
        let mut object = Map::new();
        object.insert("event".into(), event_value);
        object.insert("prev_hash".into(), Value::String(prev_hash.to_hex()));
        object.insert("recorded_at".into(), Value::String(recorded_at.to_string()));
        object.insert("seq".into(), Value::from(seq));
        object.insert("signatures".into(), Value::Array(sig_values));
        object.insert("version".into(), Value::from(FORMAT_VERSION));
        let bytes = to_canonical(&Value::Object(object));
        // Parsing what we wrote applies every check (limits, signature order, key validity)
        // in one place, so a sealed entry is exactly as valid as a parsed one.
        Entry::parse(&bytes)
    }

    /// The canonical bytes: exactly the line in the published log, without its line feed.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// The entry hash, `SHA-256(0x00 ‖ bytes)`: the Merkle leaf and the next entry's `prev_hash`.
    pub fn hash(&self) -> Hash {
        self.hash
    }
    /// Position in the log, from 0 (the genesis entry).
    pub fn seq(&self) -> u64 {
        self.seq
    }
    /// Hash of the entry before this one; all zero bytes for the genesis entry.
    pub fn prev_hash(&self) -> Hash {
        self.prev_hash
    }
    /// When the log recorded the entry (UTC).
    pub fn recorded_at(&self) -> RecordedAt {
        self.recorded_at
    }
    /// The event recorded.
    pub fn event(&self) -> &Event {
        &self.event
    }
    /// The author signatures, sorted by key.
    pub fn signatures(&self) -> &[AuthorSignature] {
        &self.signatures
    }
}

fn invalid(field: &'static str, expected: &'static str) -> EntryError {
    EntryError::InvalidField { field, expected }
}

fn take_u64(object: &mut Map<String, Value>, field: &'static str) -> Result<u64, EntryError> {
    match object.remove(field) {
        None => Err(EntryError::MissingField { field }),
        Some(v) => v.as_u64().ok_or(invalid(field, "a non-negative integer")),
    }
}

fn take_string(object: &mut Map<String, Value>, field: &'static str) -> Result<String, EntryError> {
    match object.remove(field) {
        None => Err(EntryError::MissingField { field }),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(invalid(field, "a string")),
    }
}

/// The bytes of the `event` object inside a canonical entry line.
///
/// RFC 8785 is compositional: the canonical encoding of an object contains the canonical encoding
/// of each member value verbatim. `event` sorts first, so the line starts `{"event":` and the
/// event object runs up to the top-level `,"prev_hash":"`. That text can also occur inside the
/// event (as a key of a nested object) but never after it, because the members that follow
/// (`prev_hash`, `recorded_at`, `seq`, `signatures`, `version`) hold only hashes, times, numbers
/// and hexadecimal signatures: so the last occurrence is the top-level one. That holds only once
/// those members have been checked (a signature object with a `prev_hash` member would end the
/// slice inside `signatures`), so call this last.
fn event_slice(line: &[u8]) -> &[u8] {
    const START: &[u8] = b"{\"event\":";
    const END: &[u8] = b",\"prev_hash\":\"";
    let end = line
        .windows(END.len())
        .rposition(|w| w == END)
        .unwrap_or(line.len());
    line.get(START.len()..end).unwrap_or_default()
}

/// The event's id, type and body, each checked.
fn parse_event(value: Value) -> Result<(String, String, Map<String, Value>), EntryError> {
    let Value::Object(mut object) = value else {
        return Err(invalid("event", "an object"));
    };
    if let Some(field) = object.keys().find(|k| !EVENT_FIELDS.contains(&k.as_str())) {
        return Err(EntryError::UnknownField {
            field: format!("event.{field}"),
        });
    }
    let id = match object.remove("id") {
        None => return Err(EntryError::MissingField { field: "event.id" }),
        Some(Value::String(s)) if valid_event_id(&s) => s,
        Some(_) => {
            return Err(invalid(
                "event.id",
                "1 to 64 characters of A-Z a-z 0-9 . _ : -",
            ));
        }
    };
    let kind = match object.remove("type") {
        None => {
            return Err(EntryError::MissingField {
                field: "event.type",
            });
        }
        Some(Value::String(s)) if valid_event_type(&s) => s,
        Some(_) => {
            return Err(invalid(
                "event.type",
                "a lowercase name: [a-z][a-z0-9_]*, at most 64 characters",
            ));
        }
    };
    let body = match object.remove("body") {
        None => {
            return Err(EntryError::MissingField {
                field: "event.body",
            });
        }
        Some(Value::Object(m)) => m,
        Some(_) => return Err(invalid("event.body", "an object")),
    };
    Ok((id, kind, body))
}

/// The event of an entry line, from its checked parts and the slice of the line that holds it.
fn event_of_line(id: String, kind: String, body: Map<String, Value>, bytes: &[u8]) -> Event {
    // The line was canonical and every member was checked, so the event is valid; its canonical
    // bytes are the slice of the line that holds it.
    debug_assert_eq!(
        bytes,
        to_canonical(&Value::Object({
            let mut m = Map::new();
            m.insert("body".into(), Value::Object(body.clone()));
            m.insert("id".into(), Value::String(id.clone()));
            m.insert("type".into(), Value::String(kind.clone()));
            m
        }))
        .as_slice()
    );
    Event {
        id,
        kind,
        body,
        bytes: bytes.to_vec(),
    }
}

fn parse_signatures(value: Value) -> Result<Vec<AuthorSignature>, EntryError> {
    let Value::Array(items) = value else {
        return Err(invalid("signatures", "an array"));
    };
    if items.is_empty() || items.len() > SIGNATURES_MAX {
        return Err(invalid("signatures", "an array of 1 to 32 signatures"));
    }
    let mut out: Vec<AuthorSignature> = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let signature = read_signature(item)
            .map_err(|reason| EntryError::InvalidSignatureField { index, reason })?;
        if let Some(last) = out.last() {
            if last.key >= signature.key {
                return Err(EntryError::SignaturesNotSorted { index });
            }
        }
        out.push(signature);
    }
    Ok(out)
}

/// Reads one `{"key": hex, "sig": hex}` signature object (of an entry, or of a submission);
/// the error says what is wrong with it.
pub(crate) fn read_signature(item: Value) -> Result<AuthorSignature, &'static str> {
    // Every reason is a literal passed to `bad`, which the messages' test finds and checks has
    // a Chinese explanation.
    let bad = |reason: &'static str| reason;
    let Value::Object(mut m) = item else {
        return Err(bad("not an object"));
    };
    if m.len() != 2 {
        return Err(bad("a signature has exactly the fields `key` and `sig`"));
    }
    let Some(Value::String(key)) = m.remove("key") else {
        return Err(bad("`key` must be a string"));
    };
    let Some(Value::String(sig)) = m.remove("sig") else {
        return Err(bad("`sig` must be a string"));
    };
    let key = PublicKey::from_hex(&key)
        .ok_or_else(|| bad("`key` must be 64 lowercase hexadecimal digits"))?;
    let signature = keys::decode_lower_hex::<SIGNATURE_BYTES>(&sig)
        .ok_or_else(|| bad("`sig` must be 128 lowercase hexadecimal digits"))?;
    Ok(AuthorSignature { key, signature })
}

/// Whether `id` is a valid event id: 1 to 64 characters of `[A-Za-z0-9._:-]`.
pub fn valid_event_id(id: &str) -> bool {
    (1..=EVENT_ID_BYTES_MAX).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Whether `kind` is a valid event type: `[a-z][a-z0-9_]*`, at most 64 characters.
pub fn valid_event_type(kind: &str) -> bool {
    let bytes = kind.as_bytes();
    (1..=EVENT_TYPE_BYTES_MAX).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

/// Whether `origin` is a valid ledger origin: 1 to 255 bytes of printable ASCII other than space
/// and `+` (so that it is also a valid C2SP checkpoint origin and signed-note key name), such as
/// `gongzhang.example/hexie-garden`.
pub fn valid_origin(origin: &str) -> bool {
    (1..=ORIGIN_BYTES_MAX).contains(&origin.len())
        && origin.bytes().all(|b| b.is_ascii_graphic() && b != b'+')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    fn sample() -> Entry {
        let signer = AuthorSigner::from_seed([1; 32]);
        let event = Event::new(
            "evt-1",
            "ledger_opened",
            body(json!({"origin": "example.org/x"})),
        )
        .unwrap();
        let sig = event.sign("example.org/x", &signer);
        Entry::seal(
            0,
            Hash::ZERO,
            RecordedAt::from_unix_ms(1_767_225_600_000).unwrap(),
            event,
            vec![sig],
        )
        .unwrap()
    }

    #[test]
    fn sealed_entry_round_trips_and_has_exact_layout() {
        let e = sample();
        let text = std::str::from_utf8(e.bytes()).unwrap();
        assert!(text.starts_with(r#"{"event":{"body":{"origin":"example.org/x"},"id":"evt-1","type":"ledger_opened"},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","recorded_at":"2026-01-01T00:00:00.000Z","seq":0,"signatures":[{"key":""#), "{text}");
        assert!(text.ends_with(r#""}],"version":1}"#));
        assert_eq!(Entry::parse(e.bytes()).unwrap(), e);
        assert_eq!(e.hash(), leaf_hash(e.bytes()));
    }

    #[test]
    fn each_malformation_has_its_own_error() {
        let e = sample();
        let text = std::str::from_utf8(e.bytes()).unwrap();
        let with = |from: &str, to: &str| Entry::parse(text.replacen(from, to, 1).as_bytes());
        assert_eq!(
            with(r#""version":1"#, r#""version":2"#),
            Err(EntryError::UnsupportedVersion { found: 2 })
        );
        assert_eq!(
            with(r#""seq":0"#, r#""seq":-1"#),
            Err(invalid("seq", "a non-negative integer"))
        );
        assert!(matches!(
            with(r#""seq":0"#, r#""seq":0.5"#),
            Err(EntryError::Canonical(CanonicalError::Float { .. }))
        ));
        assert!(matches!(
            with("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00Z"),
            Err(EntryError::InvalidField {
                field: "recorded_at",
                ..
            })
        ));
        assert!(matches!(
            with("2026-01-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z"),
            Err(EntryError::InvalidField {
                field: "recorded_at",
                ..
            })
        ));
        assert!(matches!(
            with(r#""prev_hash":"0"#, r#""prev_hash":"A"#),
            Err(EntryError::InvalidField {
                field: "prev_hash",
                ..
            })
        ));
        assert_eq!(
            with(r#""event":{"#, r#""color":1,"event":{"#),
            Err(EntryError::UnknownField {
                field: "color".into()
            })
        );
        assert_eq!(
            with(r#""type":"ledger_opened""#, r#""type":"Ledger""#),
            Err(invalid(
                "event.type",
                "a lowercase name: [a-z][a-z0-9_]*, at most 64 characters"
            ))
        );
        assert!(matches!(
            with(r#""signatures":[{"key":""#, r#""signatures":[{"key":"00"#),
            Err(EntryError::InvalidSignatureField { index: 0, .. })
        ));
        assert!(matches!(
            Entry::parse(&[b' '; ENTRY_BYTES_MAX + 1]),
            Err(EntryError::TooLarge { .. })
        ));
        assert_eq!(Entry::parse(b"[]"), Err(EntryError::NotAnObject));
    }

    /// Regression (found by `fuzz/` `entry_line`): a signature object with a `prev_hash` member
    /// (`{"key":…,"prev_hash":…}` sorts canonically) made the event's slice end inside
    /// `signatures`, and the debug assertion that the slice is the event's canonical bytes
    /// panicked. The line is refused for its signature instead.
    #[test]
    fn a_prev_hash_member_inside_a_signature_is_refused_not_a_panic() {
        let e = sample();
        let text = std::str::from_utf8(e.bytes()).unwrap();
        let line = text.replacen(r#"","sig":""#, r#"","prev_hash":""#, 1);
        assert_ne!(line, text);
        assert_eq!(
            Entry::parse(line.as_bytes()),
            Err(EntryError::InvalidSignatureField {
                index: 0,
                reason: "`sig` must be a string"
            })
        );
    }

    #[test]
    fn duplicate_signer_is_refused() {
        let signer = AuthorSigner::from_seed([1; 32]);
        let event = Event::new("e", "x", Map::new()).unwrap();
        let sig = event.sign("o", &signer);
        assert_eq!(*sig.key(), signer.public_key());
        assert_eq!(
            Entry::seal(
                1,
                Hash::ZERO,
                RecordedAt::from_unix_ms(1_767_225_600_000).unwrap(),
                event,
                vec![sig, sig]
            ),
            Err(EntryError::SignaturesNotSorted { index: 1 })
        );
    }

    #[test]
    fn event_ids_types_and_origins() {
        assert!(valid_event_id("0193f3a2-7c1e-7a00-8000-000000000001"));
        assert!(!valid_event_id(""));
        assert!(!valid_event_id("has space"));
        assert!(!valid_event_id(&"a".repeat(65)));
        assert!(valid_event_type("payment_received"));
        assert!(!valid_event_type("_x") && !valid_event_type("1x") && !valid_event_type("aB"));
        assert!(valid_origin("gongzhang.example/hexie-garden"));
        assert!(
            !valid_origin("a b")
                && !valid_origin("a+b")
                && !valid_origin("")
                && !valid_origin("小区")
        );
        assert_eq!(
            Event::new("e", "x", body(json!({"a": 1.5}))),
            Err(EventError::Body(CanonicalError::Float {
                text: "1.5".into()
            }))
        );
    }

    #[test]
    fn recorded_at_is_exact() {
        let t = RecordedAt::parse("2026-11-25T12:00:00.123Z").unwrap();
        assert_eq!(t.unix_ms(), 1_795_608_000_123);
        assert_eq!(RecordedAt::from_unix_ms(t.unix_ms()), Some(t));
        assert_eq!(RecordedAt::parse("2026-11-25T12:00:60.000Z"), None);
        assert_eq!(RecordedAt::parse("1999-12-31T23:59:59.999Z"), None);
        assert_eq!(RecordedAt::parse("2026-11-25t12:00:00.123Z"), None);
        for bad in [
            "2026-02-29T12:00:00.000Z",
            "2026-13-01T12:00:00.000Z",
            "2026-00-01T12:00:00.000Z",
            "2026-11-00T12:00:00.000Z",
            "2026-11-25T24:00:00.000Z",
            "2026-11-25T23:60:00.000Z",
            "+026-11-25T12:00:00.000Z",
            "2026-11-25T12:00:00.1234",
            "2026-11-25 12:00:00.123Z",
            "2026-11-25T12:00:00.12Z",
            "２026-11-25T12:00:00.12Z",
        ] {
            assert_eq!(RecordedAt::parse(bad), None, "{bad}");
        }
        assert!(RecordedAt::parse("2028-02-29T23:59:59.999Z").is_some());
        assert!(RecordedAt::parse("9999-12-31T23:59:59.999Z").is_some());
    }

    /// The general parser the hand-written one replaced: parse, then print back the same.
    fn reference_parse(text: &str) -> Option<RecordedAt> {
        if text.len() != 24 {
            return None;
        }
        let t = PrimitiveDateTime::parse(text, TIME_FORMAT)
            .ok()?
            .assume_utc();
        let parsed = RecordedAt(t);
        (parsed.to_string() == text && (RecordedAt::MIN_YEAR..=9999).contains(&t.year()))
            .then_some(parsed)
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = Entry::parse(&bytes);
        }

        #[test]
        fn recorded_at_parses_as_the_general_parser_did(
            ms in 946_684_800_000i64..253_402_300_800_000,
            pos in 0usize..24,
            byte in proptest::num::u8::ANY,
        ) {
            let text = RecordedAt::from_unix_ms(ms).map(|t| t.to_string()).unwrap_or_default();
            proptest::prop_assert_eq!(RecordedAt::parse(&text), reference_parse(&text));
            proptest::prop_assert!(RecordedAt::parse(&text).is_some());
            // And any one byte changed: both accept it, or both refuse it.
            let mut bytes = text.into_bytes();
            bytes[pos] = byte;
            if let Ok(changed) = String::from_utf8(bytes) {
                proptest::prop_assert_eq!(RecordedAt::parse(&changed), reference_parse(&changed));
            }
        }

        #[test]
        fn any_flipped_byte_changes_parse_or_hash(pos in 0usize..600, bit in 0u8..8) {
            let e = sample();
            let mut bytes = e.bytes().to_vec();
            let pos = pos % bytes.len();
            bytes[pos] ^= 1 << bit;
            if let Ok(other) = Entry::parse(&bytes) { proptest::prop_assert_ne!(other.hash(), e.hash()); }
        }
    }
}
