//! RFC 8785 (JCS) vectors from cyberphone/json-canonicalization @ 19d51d7 (testdata/).

use gongzhang_core::canonical::{CanonicalError, parse_canonical, to_canonical};
use gongzhang_tests::external_vectors;
use std::fs;

const FILES: [&str; 6] = [
    "arrays",
    "french",
    "structures",
    "unicode",
    "values",
    "weird",
];

fn read(kind: &str, name: &str) -> Vec<u8> {
    let ext = if kind == "outhex" { "txt" } else { "json" };
    let path = external_vectors()
        .join("jcs")
        .join(kind)
        .join(format!("{name}.{ext}"));
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn hex_bytes(text: &[u8]) -> Vec<u8> {
    let digits: String = String::from_utf8_lossy(text).split_whitespace().collect();
    hex::decode(digits).expect("outhex files are hexadecimal")
}

#[test]
fn every_input_canonicalizes_to_its_output() {
    for name in FILES {
        let input: serde_json::Value =
            serde_json::from_slice(&read("input", name)).expect("input is JSON");
        let expected = read("output", name);
        assert_eq!(
            expected,
            hex_bytes(&read("outhex", name)),
            "{name}: output and outhex agree"
        );
        let got = to_canonical(&input);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "{name}"
        );
        assert_eq!(got, expected, "{name}: bytes");
    }
}

#[test]
fn canonical_outputs_parse_unless_they_hold_floats() {
    for name in FILES {
        let output = read("output", name);
        let result = parse_canonical(&output);
        if name == "values" {
            // 333333333.3333333, 1e+30, 4.5, 0.002, 1e-27: floats are refused in the ledger.
            assert!(
                matches!(
                    result,
                    Err(CanonicalError::Float { .. } | CanonicalError::IntegerOutOfRange { .. })
                ),
                "{name}: {result:?}"
            );
        } else {
            let value = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(to_canonical(&value), output, "{name}");
        }
    }
}

#[test]
fn non_canonical_inputs_are_refused() {
    for name in FILES {
        let input = read("input", name);
        let result = parse_canonical(&input);
        match name {
            // structures.json writes 56.0, values.json several floats.
            "structures" | "values" => assert!(
                matches!(result, Err(CanonicalError::Float { .. })),
                "{name}: {result:?}"
            ),
            _ => assert!(
                matches!(result, Err(CanonicalError::NotCanonical { .. })),
                "{name}: {result:?}"
            ),
        }
    }
}
