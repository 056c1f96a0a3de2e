//! RFC 8785 (JCS) canonical JSON, parsed strictly.
//!
//! Every line of the published log must already be in canonical form: the stored and published
//! bytes are exactly the canonical bytes, so a line is accepted only if re-encoding what it says
//! gives back the same bytes. Before that comparison the parser refuses, each with its own error,
//! what canonical JSON could otherwise hide: duplicate keys (the encoder would keep one silently),
//! floats (money is integer fen), and integers beyond ±(2^53−1) (which IEEE doubles, and so
//! JavaScript and RFC 8785 itself, cannot carry exactly).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// The largest integer a canonical number may hold: 2^53 − 1.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;
/// The deepest nesting of arrays and objects accepted (serde_json's own limit is 128).
pub const NESTING_DEPTH_MAX: usize = 64;

/// Why some bytes are not a canonical JSON text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// The bytes are not UTF-8.
    #[error("not valid UTF-8 at byte {offset}")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The text is not JSON.
    #[error("not valid JSON at column {column}: {message}")]
    Syntax {
        /// 1-based column (in characters) where the parser stopped.
        column: usize,
        /// The parser's description.
        message: String,
    },
    /// An object has the same key twice.
    #[error("duplicate key \"{key}\" in an object")]
    DuplicateKey {
        /// The repeated key.
        key: String,
    },
    /// A number has a fraction or exponent.
    #[error("number {text} is not an integer: amounts are integer fen and floats are refused")]
    Float {
        /// The number as written.
        text: String,
    },
    /// An integer is outside ±(2^53−1).
    #[error("integer {text} is outside ±(2^53−1) and cannot be represented exactly")]
    IntegerOutOfRange {
        /// The number as written.
        text: String,
    },
    /// Arrays and objects nest deeper than [`NESTING_DEPTH_MAX`].
    #[error("nesting deeper than {NESTING_DEPTH_MAX} levels")]
    TooDeep,
    /// The JSON is valid but not written in its canonical form.
    #[error("not in RFC 8785 canonical form: first difference at byte {offset}")]
    NotCanonical {
        /// Offset of the first byte that differs from the canonical encoding.
        offset: usize,
    },
}

/// Parses `bytes` as JSON, refusing duplicate keys, floats and unsafe integers, and requires that
/// they are exactly the RFC 8785 canonical encoding of the value they hold.
pub fn parse_canonical(bytes: &[u8]) -> Result<Value, CanonicalError> {
    let value = parse_strict(bytes)?;
    let mut canonical = Vec::with_capacity(bytes.len());
    write_strict_canonical(&value, &mut canonical);
    if canonical != bytes {
        let offset = canonical
            .iter()
            .zip(bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(canonical.len().min(bytes.len()));
        return Err(CanonicalError::NotCanonical { offset });
    }
    Ok(value)
}

/// Parses `bytes` as JSON with the same refusals as [`parse_canonical`], but accepts any
/// whitespace and key order. Used for input that people write by hand.
pub fn parse_strict(bytes: &[u8]) -> Result<Value, CanonicalError> {
    let text = std::str::from_utf8(bytes).map_err(|e| CanonicalError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let strict = StrictValue::deserialize(&mut deserializer).map_err(|e| classify(&e))?;
    deserializer.end().map_err(|e| classify(&e))?;
    Ok(strict.0)
}

/// The RFC 8785 canonical encoding of `value`.
///
/// Values built by this crate hold only strings, integers within ±(2^53−1), booleans, null,
/// arrays and objects, for which the encoding cannot fail.
pub fn to_canonical(value: &Value) -> Vec<u8> {
    // INVARIANT: serde_json_canonicalizer fails only on numbers it cannot represent (NaN and
    // infinities), which serde_json::Value cannot hold.
    #[allow(clippy::expect_used)]
    serde_json_canonicalizer::to_vec(value).expect("a serde_json::Value always canonicalizes")
}

/// Appends the RFC 8785 encoding of a value that [`parse_strict`] produced (strings, integers
/// within ±(2^53−1), booleans, null, arrays, objects): the hot path of reading a log, about ten
/// times faster than the general encoder because it needs no number formatting. Integers print
/// as decimal digits (RFC 8785 prints every integer below 2^53 without exponent); strings escape
/// only `"`, `\\` and control characters, as ECMAScript's `JSON.stringify` does; object keys are
/// sorted by their UTF-16 code units. Equal to [`to_canonical`] on such values (property-tested).
pub fn write_strict_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.extend_from_slice(i.to_string().as_bytes());
            } else {
                // Not produced by parse_strict; fall back to the general encoder.
                out.extend_from_slice(&to_canonical(value));
            }
        }
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_strict_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            // serde_json's map iterates in UTF-8 byte order, which equals UTF-16 order unless a
            // key holds characters both above U+FFFF and in U+E000..=U+FFFF territory.
            if map.keys().all(|k| k.is_ascii()) {
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(k, out);
                    out.push(b':');
                    write_strict_canonical(v, out);
                }
            } else {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
                for (i, (k, v)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(k, out);
                    out.push(b':');
                    write_strict_canonical(v, out);
                }
            }
            out.push(b'}');
        }
    }
}

fn write_string(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0a => b"\\n",
            0x0c => b"\\f",
            0x0d => b"\\r",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Our errors travel through serde_json's error type as custom messages with a tag, so that they
/// can be told apart from syntax errors afterwards.
const TAG_DUPLICATE: &str = "gongzhang-duplicate-key:";
const TAG_FLOAT: &str = "gongzhang-float:";
const TAG_RANGE: &str = "gongzhang-integer-range:";
const TAG_DEPTH: &str = "gongzhang-too-deep";

fn classify(error: &serde_json::Error) -> CanonicalError {
    let message = error.to_string();
    // serde_json appends " at line L column C" to custom messages; cut it off.
    let bare = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message.as_str(),
    };
    if let Some(key) = bare.strip_prefix(TAG_DUPLICATE) {
        CanonicalError::DuplicateKey {
            key: key.to_string(),
        }
    } else if let Some(text) = bare.strip_prefix(TAG_FLOAT) {
        CanonicalError::Float {
            text: text.to_string(),
        }
    } else if let Some(text) = bare.strip_prefix(TAG_RANGE) {
        CanonicalError::IntegerOutOfRange {
            text: text.to_string(),
        }
    } else if bare == TAG_DEPTH || message.contains("recursion limit exceeded") {
        CanonicalError::TooDeep
    } else {
        CanonicalError::Syntax {
            column: error.column(),
            message: bare.to_string(),
        }
    }
}

/// A `serde_json::Value` that refuses duplicate keys, floats and unsafe integers while it is
/// being read, and limits nesting.
struct StrictValue(Value);

struct StrictVisitor {
    depth: usize,
}

struct Seeded(usize);

impl<'de> de::DeserializeSeed<'de> for Seeded {
    type Value = StrictValue;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<StrictValue, D::Error> {
        deserializer.deserialize_any(StrictVisitor { depth: self.0 })
    }
}

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor { depth: 0 })
    }
}

fn integer<E: de::Error>(value: i128) -> Result<StrictValue, E> {
    if value.unsigned_abs() > MAX_SAFE_INTEGER as u128 {
        return Err(E::custom(format!("{TAG_RANGE}{value}")));
    }
    // INVARIANT: |value| ≤ 2^53−1 fits an i64.
    let small = i64::try_from(value).map_err(|_| E::custom(format!("{TAG_RANGE}{value}")))?;
    Ok(StrictValue(Value::Number(Number::from(small))))
}

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<StrictValue, E> {
        integer(i128::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<StrictValue, E> {
        integer(i128::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<StrictValue, E> {
        // serde_json hands over integers too large for u64/i64 as floats too. Any number of
        // that magnitude is out of range, whichever way it was written; below it, a float is a
        // fraction or an exponent, which amounts never use.
        if !v.is_finite() || v.abs() >= 9.2e18 {
            Err(E::custom(format!("{TAG_RANGE}{v}")))
        } else {
            Err(E::custom(format!("{TAG_FLOAT}{v}")))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        if self.depth >= NESTING_DEPTH_MAX {
            return Err(de::Error::custom(TAG_DEPTH));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seeded(self.depth + 1))? {
            items.push(item.0);
        }
        Ok(StrictValue(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
        if self.depth >= NESTING_DEPTH_MAX {
            return Err(de::Error::custom(TAG_DEPTH));
        }
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seeded(self.depth + 1))?;
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("{TAG_DUPLICATE}{key}")));
            }
            object.insert(key, value.0);
        }
        Ok(StrictValue(Value::Object(object)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_and_returns_value() {
        let v = parse_canonical(br#"{"a":1,"b":[true,null,"x"]}"#).unwrap();
        assert_eq!(v["a"], 1);
    }

    #[test]
    fn refuses_each_cause_with_its_own_error() {
        assert_eq!(
            parse_canonical(br#"{"a":1,"a":2}"#),
            Err(CanonicalError::DuplicateKey { key: "a".into() })
        );
        assert!(matches!(
            parse_canonical(br#"{"a":1.5}"#),
            Err(CanonicalError::Float { .. })
        ));
        assert_eq!(
            parse_canonical(br#"{"a":1e3}"#),
            Err(CanonicalError::Float {
                text: "1000".into()
            })
        );
        assert_eq!(
            parse_canonical(br#"{"a":56.0}"#),
            Err(CanonicalError::Float { text: "56".into() })
        );
        assert!(matches!(
            parse_canonical(b"100000000000000000000"),
            Err(CanonicalError::IntegerOutOfRange { .. })
        ));
        assert_eq!(
            parse_canonical(b"9007199254740992"),
            Err(CanonicalError::IntegerOutOfRange {
                text: "9007199254740992".into()
            })
        );
        assert_eq!(
            parse_canonical(b"-9007199254740992"),
            Err(CanonicalError::IntegerOutOfRange {
                text: "-9007199254740992".into()
            })
        );
        assert!(parse_canonical(b"9007199254740991").is_ok());
        assert!(parse_canonical(b"-9007199254740991").is_ok());
        assert_eq!(
            parse_canonical(br#"{"b":1,"a":2}"#),
            Err(CanonicalError::NotCanonical { offset: 2 })
        );
        assert_eq!(
            parse_canonical(br#"{"a": 1}"#),
            Err(CanonicalError::NotCanonical { offset: 5 })
        );
        assert_eq!(
            parse_canonical(b"\"\xff\""),
            Err(CanonicalError::NotUtf8 { offset: 1 })
        );
        assert!(matches!(
            parse_canonical(b"{\"a\":"),
            Err(CanonicalError::Syntax { .. })
        ));
        assert!(matches!(
            parse_canonical(b"{} {}"),
            Err(CanonicalError::Syntax { .. })
        ));
        assert!(matches!(
            parse_canonical(br#""\ud800""#),
            Err(CanonicalError::Syntax { .. })
        ));
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing_the_stack() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(
            parse_canonical(deep.as_bytes()),
            Err(CanonicalError::TooDeep)
        );
        let ok = "[".repeat(NESTING_DEPTH_MAX) + &"]".repeat(NESTING_DEPTH_MAX);
        assert!(parse_canonical(ok.as_bytes()).is_ok());
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        // U+1F600 is F0 9F 98 80 in UTF-8 (after U+E000's EE 80 80) but D83D DE00 in UTF-16
        // (before E000): RFC 8785 orders by UTF-16, so it comes first.
        let v: Value = serde_json::json!({"\u{1F600}": 1, "\u{E000}": 2});
        let out = String::from_utf8(to_canonical(&v)).unwrap();
        assert_eq!(out, "{\"\u{1F600}\":1,\"\u{E000}\":2}");
    }

    fn strict_values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).prop_map(|i| Value::Number(i.into())),
            any::<String>().prop_map(Value::String),
            "[\\x00-\\x1f\"\\\\a\u{e000}\u{1f600}\u{2028}]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(
                    "[a-z\u{e000}\u{1f600}\u{7f}\\x01]{0,4}",
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn the_fast_writer_sorts_astral_keys_by_utf16() {
        let v: Value = serde_json::json!({"\u{E000}": 2, "\u{1F600}": 1, "a": "\u{1}\n\"\\"});
        let mut out = Vec::new();
        write_strict_canonical(&v, &mut out);
        assert_eq!(out, to_canonical(&v));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"a\":\"\\u0001\\n\\\"\\\\\",\"\u{1F600}\":1,\"\u{E000}\":2}"
        );
    }

    proptest::proptest! {
        #[test]
        fn the_fast_writer_equals_the_general_encoder(value in strict_values()) {
            let mut fast = Vec::new();
            write_strict_canonical(&value, &mut fast);
            proptest::prop_assert_eq!(&fast, &to_canonical(&value));
            // And what it writes parses back as canonical, to the same value.
            proptest::prop_assert_eq!(parse_canonical(&fast).unwrap(), value);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = parse_canonical(&bytes);
        }
    }
}
