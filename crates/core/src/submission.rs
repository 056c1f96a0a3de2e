//! A signed event as an author submits it to a ledger server: the event and its authors'
//! signatures, before the log gives it a position.
//!
//! ```json
//! {"event":{"body":{…},"id":"pay-0001","type":"payment_received"},
//!  "signatures":[{"key":"<64 hex>","sig":"<128 hex>"}]}
//! ```
//!
//! The same object is what `gongzhang record --out` writes and what `POST /api/v1/…/events`
//! takes (a batch is `{"events":[…]}`). Input is parsed strictly ([`canonical::parse_strict`]:
//! duplicate keys, floats and unsafe integers are refused) but need not be canonical: the event's
//! canonical bytes, which the signatures cover, are recomputed from the parsed value. Signatures
//! may come in any order; they are sorted when the entry is sealed. Nothing here checks a
//! signature: that needs the ledger's origin and is the store's and the verifier's job.

use crate::canonical::{self, CanonicalError, to_canonical};
use crate::entry::{
    AuthorSignature, EVENT_FIELDS, Event, EventError, SIGNATURES_MAX, read_signature,
};
use crate::keys::PublicKey;
use serde_json::{Map, Value};

/// The fields of a submitted signed event, in canonical order.
pub const SUBMISSION_FIELDS: [&str; 2] = ["event", "signatures"];

/// An event and the signatures of its authors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedEvent {
    /// The event.
    pub event: Event,
    /// Its authors' signatures, for one ledger's origin.
    pub signatures: Vec<AuthorSignature>,
}

/// Why a submitted signed event is malformed. Each variant names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    /// The bytes are not strict JSON.
    #[error("the signed event is not valid JSON: {0}")]
    Json(CanonicalError),
    /// A value has the wrong JSON type.
    #[error("`{field}` must be {expected}")]
    InvalidField {
        /// The field, e.g. `event.body`.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("`{0}` is missing")]
    MissingField(&'static str),
    /// A field this format does not have.
    #[error("unknown field `{field}` in `{object}`")]
    UnknownField {
        /// The object, e.g. `event`.
        object: &'static str,
        /// The field found.
        field: String,
    },
    /// The event's id, type or body is invalid.
    #[error("`event`: {0}")]
    Event(EventError),
    /// There are no signatures, or more than [`SIGNATURES_MAX`].
    #[error("`signatures` must hold 1 to {SIGNATURES_MAX} signatures, not {found}")]
    SignatureCount {
        /// Signatures found.
        found: usize,
    },
    /// One signature is malformed.
    #[error("`signatures[{index}]`: {reason}")]
    Signature {
        /// Its position.
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two signatures name the same key.
    #[error("`signatures[{index}]`: key {key} signed twice")]
    DuplicateSigner {
        /// Position of the second one.
        index: usize,
        /// The key.
        key: PublicKey,
    },
}

impl SignedEvent {
    /// Signs `event` for the ledger `origin` with each of `signers`.
    pub fn sign(event: Event, origin: &str, signers: &[&crate::keys::AuthorSigner]) -> SignedEvent {
        let signatures = signers.iter().map(|s| event.sign(origin, s)).collect();
        SignedEvent { event, signatures }
    }

    /// Parses a submitted signed event from JSON bytes.
    pub fn parse(bytes: &[u8]) -> Result<SignedEvent, SubmissionError> {
        let value = canonical::parse_strict(bytes).map_err(SubmissionError::Json)?;
        SignedEvent::from_value(value)
    }

    /// Reads a signed event from an already strictly parsed JSON value (one element of a batch).
    pub fn from_value(value: Value) -> Result<SignedEvent, SubmissionError> {
        let Value::Object(mut object) = value else {
            return Err(SubmissionError::InvalidField {
                field: "signed event",
                expected: "an object with `event` and `signatures`",
            });
        };
        if let Some(field) = object
            .keys()
            .find(|k| !SUBMISSION_FIELDS.contains(&k.as_str()))
        {
            return Err(SubmissionError::UnknownField {
                object: "signed event",
                field: field.clone(),
            });
        }
        let event = object
            .remove("event")
            .ok_or(SubmissionError::MissingField("event"))?;
        let signatures = object
            .remove("signatures")
            .ok_or(SubmissionError::MissingField("signatures"))?;
        Ok(SignedEvent {
            event: read_event(event)?,
            signatures: read_signatures(signatures)?,
        })
    }

    /// The signed event as a JSON value (signatures in the order given).
    pub fn to_value(&self) -> Value {
        let signatures = self
            .signatures
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("key".into(), Value::String(s.key().to_hex()));
                m.insert("sig".into(), Value::String(hex::encode(s.signature())));
                Value::Object(m)
            })
            .collect();
        let mut event = Map::new();
        event.insert("body".into(), Value::Object(self.event.body().clone()));
        event.insert("id".into(), Value::String(self.event.id().to_string()));
        event.insert("type".into(), Value::String(self.event.kind().to_string()));
        let mut object = Map::new();
        object.insert("event".into(), Value::Object(event));
        object.insert("signatures".into(), Value::Array(signatures));
        Value::Object(object)
    }

    /// The signed event as canonical JSON bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        to_canonical(&self.to_value())
    }
}

fn read_event(value: Value) -> Result<Event, SubmissionError> {
    let Value::Object(mut object) = value else {
        return Err(SubmissionError::InvalidField {
            field: "event",
            expected: "an object with `body`, `id` and `type`",
        });
    };
    if let Some(field) = object.keys().find(|k| !EVENT_FIELDS.contains(&k.as_str())) {
        return Err(SubmissionError::UnknownField {
            object: "event",
            field: field.clone(),
        });
    }
    let id = match object.remove("id") {
        Some(Value::String(id)) => id,
        Some(_) => {
            return Err(SubmissionError::InvalidField {
                field: "event.id",
                expected: "a string",
            });
        }
        None => return Err(SubmissionError::MissingField("event.id")),
    };
    let kind = match object.remove("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => {
            return Err(SubmissionError::InvalidField {
                field: "event.type",
                expected: "a string",
            });
        }
        None => return Err(SubmissionError::MissingField("event.type")),
    };
    let body = match object.remove("body") {
        Some(Value::Object(body)) => body,
        Some(_) => {
            return Err(SubmissionError::InvalidField {
                field: "event.body",
                expected: "an object",
            });
        }
        None => return Err(SubmissionError::MissingField("event.body")),
    };
    Event::new(&id, &kind, body).map_err(SubmissionError::Event)
}

fn read_signatures(value: Value) -> Result<Vec<AuthorSignature>, SubmissionError> {
    let Value::Array(items) = value else {
        return Err(SubmissionError::InvalidField {
            field: "signatures",
            expected: "an array",
        });
    };
    if items.is_empty() || items.len() > SIGNATURES_MAX {
        return Err(SubmissionError::SignatureCount { found: items.len() });
    }
    let mut out: Vec<AuthorSignature> = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let signature =
            read_signature(item).map_err(|reason| SubmissionError::Signature { index, reason })?;
        if out.iter().any(|s| s.key() == signature.key()) {
            return Err(SubmissionError::DuplicateSigner {
                index,
                key: *signature.key(),
            });
        }
        out.push(signature);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::AuthorSigner;
    use serde_json::json;

    fn event() -> Event {
        let Value::Object(body) = json!({"unit": "3-2-401", "amount_fen": 36000}) else {
            unreachable!()
        };
        Event::new("pay-1", "payment_received", body).expect("valid event")
    }

    #[test]
    fn a_signed_event_round_trips_through_its_json() {
        let a = AuthorSigner::from_seed([1; 32]);
        let b = AuthorSigner::from_seed([2; 32]);
        let signed = SignedEvent::sign(event(), "gongzhang.example/x", &[&a, &b]);
        let parsed = SignedEvent::parse(&signed.to_bytes()).expect("parses");
        assert_eq!(parsed, signed);
        assert_eq!(parsed.event.canonical_bytes(), event().canonical_bytes());
    }

    #[test]
    fn whitespace_and_key_order_do_not_change_the_signed_bytes() {
        let a = AuthorSigner::from_seed([1; 32]);
        let signed = SignedEvent::sign(event(), "o", &[&a]);
        let sig = hex::encode(signed.signatures[0].signature());
        let text = format!(
            r#"{{ "signatures": [ {{"sig": "{sig}", "key": "{}"}} ],
                 "event": {{"type": "payment_received", "id": "pay-1",
                            "body": {{"amount_fen": 36000, "unit": "3-2-401"}}}} }}"#,
            a.public_key().to_hex()
        );
        assert_eq!(SignedEvent::parse(text.as_bytes()), Ok(signed));
    }

    #[test]
    fn malformed_signed_events_name_the_field() {
        let key = "ab".repeat(32);
        let sig = "cd".repeat(64);
        let ev = r#"{"body":{},"id":"e1","type":"reversal"}"#;
        let cases: Vec<(String, SubmissionError)> = vec![
            (
                "[]".into(),
                SubmissionError::InvalidField {
                    field: "signed event",
                    expected: "an object with `event` and `signatures`",
                },
            ),
            (
                format!(r#"{{"signatures":[{{"key":"{key}","sig":"{sig}"}}]}}"#),
                SubmissionError::MissingField("event"),
            ),
            (
                format!(r#"{{"event":{ev},"signatures":[],"extra":1}}"#),
                SubmissionError::UnknownField {
                    object: "signed event",
                    field: "extra".into(),
                },
            ),
            (
                format!(r#"{{"event":{ev},"signatures":[]}}"#),
                SubmissionError::SignatureCount { found: 0 },
            ),
            (
                format!(
                    r#"{{"event":{{"body":{{}},"id":"e 1","type":"reversal"}},"signatures":[{{"key":"{key}","sig":"{sig}"}}]}}"#
                ),
                SubmissionError::Event(EventError::InvalidId),
            ),
            (
                format!(
                    r#"{{"event":{{"body":[],"id":"e1","type":"reversal"}},"signatures":[{{"key":"{key}","sig":"{sig}"}}]}}"#
                ),
                SubmissionError::InvalidField {
                    field: "event.body",
                    expected: "an object",
                },
            ),
            (
                format!(r#"{{"event":{ev},"signatures":[{{"key":"{key}","sig":"cd"}}]}}"#),
                SubmissionError::Signature {
                    index: 0,
                    reason: "`sig` must be 128 lowercase hexadecimal digits",
                },
            ),
            (
                format!(
                    r#"{{"event":{ev},"signatures":[{{"key":"{key}","sig":"{sig}"}},{{"key":"{key}","sig":"{sig}"}}]}}"#
                ),
                SubmissionError::DuplicateSigner {
                    index: 1,
                    key: PublicKey::from_hex(&key).expect("hex"),
                },
            ),
            (
                format!(r#"{{"event":{ev},"event":{ev},"signatures":[]}}"#),
                SubmissionError::Json(CanonicalError::DuplicateKey {
                    key: "event".into(),
                }),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(SignedEvent::parse(text.as_bytes()), Err(expected), "{text}");
        }
    }

    #[test]
    fn a_float_amount_is_refused_before_anyone_signs_it() {
        let text = r#"{"event":{"body":{"amount_fen":360.5},"id":"e1","type":"payment_received"},"signatures":[]}"#;
        assert!(matches!(
            SignedEvent::parse(text.as_bytes()),
            Err(SubmissionError::Json(CanonicalError::Float { .. }))
        ));
    }
}
