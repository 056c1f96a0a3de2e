use super::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;

const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn peter() -> VerifierKey {
    VerifierKey::parse(PETER_VKEY).expect("good key")
}

fn enoch() -> VerifierKey {
    VerifierKey::parse(ENOCH_VKEY).expect("good key")
}

fn two_signature_note() -> String {
    format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}")
}

#[test]
fn verifier_key_round_trips_with_exact_fields() {
    let key = peter();
    assert_eq!(key.name(), "PeterNeumann");
    assert_eq!(key.key_id(), 0xc74f20a3);
    assert_eq!(key.to_string(), PETER_VKEY);
    assert_eq!(PETER_VKEY.parse::<VerifierKey>(), Ok(key.clone()));
    assert_eq!(
        VerifierKey::from_public_key("PeterNeumann", &key.public_key_bytes()),
        Ok(key)
    );
}

#[test]
fn key_id_is_sha256_of_name_newline_type_and_key() {
    let key = peter();
    assert_eq!(
        key_id("PeterNeumann", 0x01, &key.public_key_bytes()),
        0xc74f20a3
    );
    assert_ne!(
        key_id("PeterNeumann", 0x04, &key.public_key_bytes()),
        0xc74f20a3
    );
}

#[test]
fn verifier_key_rejects_each_defect_with_its_own_error() {
    let cases: &[(&str, KeyError)] = &[
        ("PeterNeumann", KeyError::MissingKeyId),
        ("PeterNeumann+c74f20a3", KeyError::MissingKeyMaterial),
        ("+c74f20a3+ARpc", KeyError::Name(KeyNameError::Empty)),
        (
            "Peter Neumann+c74f20a3+ARpc",
            KeyError::Name(KeyNameError::Space {
                offset: 5,
                codepoint: 0x20,
            }),
        ),
        (
            "Peter\u{a0}Neumann+c74f20a3+ARpc",
            KeyError::Name(KeyNameError::Space {
                offset: 5,
                codepoint: 0xa0,
            }),
        ),
        (
            "Peter\u{1}+c74f20a3+ARpc",
            KeyError::Name(KeyNameError::ControlCharacter { offset: 5, byte: 1 }),
        ),
        (
            "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            KeyError::KeyIdNotHex,
        ),
        (
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            KeyError::KeyIdNotHex,
        ),
        (
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
            KeyError::KeyNotBase64,
        ),
        ("PeterNeumann+c74f20a3+", KeyError::EmptyKey),
        (
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            KeyError::KeyIdMismatch {
                found: 0xc74f20a4,
                computed: 0xc74f20a3,
            },
        ),
        (
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
            KeyError::WrongKeyLength {
                expected: 32,
                found: 36,
            },
        ),
        (
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            KeyError::WrongSignatureType {
                expected: 0x01,
                found: 0x65,
            },
        ),
    ];
    for (text, want) in cases {
        assert_eq!(VerifierKey::parse(text).as_ref(), Err(want), "{text}");
    }
}

fn vkey_for(name: &str, key: &[u8; 32]) -> String {
    let mut bytes = vec![0x01];
    bytes.extend_from_slice(key);
    format!(
        "{name}+{:08x}+{}",
        key_id(name, 0x01, key),
        STANDARD.encode(bytes)
    )
}

#[test]
fn verifier_key_rejects_weak_off_curve_and_non_canonical_points() {
    // The identity point (y = 1) has order 1.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        VerifierKey::parse(&vkey_for("weak", &identity)),
        Err(KeyError::WeakKey)
    );
    assert_eq!(
        VerifierKey::from_public_key("weak", &identity),
        Err(KeyError::WeakKey)
    );
    // y = 2 is not the y coordinate of any curve point.
    let mut off_curve = [0u8; 32];
    off_curve[0] = 2;
    assert_eq!(
        VerifierKey::parse(&vkey_for("off", &off_curve)),
        Err(KeyError::NotACurvePoint)
    );
    // y = p + 1 (non-canonical spelling of y = 1).
    let mut non_canonical = [0xffu8; 32];
    non_canonical[0] = 0xee;
    non_canonical[31] = 0x7f;
    assert_eq!(
        VerifierKey::parse(&vkey_for("noncanon", &non_canonical)),
        Err(KeyError::NonCanonicalPoint)
    );
}

#[test]
fn signer_key_round_trips_and_derives_the_verifier() {
    let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
    assert_eq!(signer.name(), "PeterNeumann");
    assert_eq!(signer.key_id(), 0xc74f20a3);
    assert_eq!(signer.to_private_key_string(), PETER_SKEY);
    assert_eq!(signer.verifier(), peter());
}

#[test]
fn signer_key_debug_hides_the_seed() {
    let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
    let debug = format!("{signer:?}");
    assert!(debug.contains("<redacted>"), "{debug}");
    assert!(!debug.contains("AYEKFALV"), "{debug}");
    assert!(!debug.contains("129"), "{debug}"); // first seed byte 0x81
}

#[test]
fn signer_key_rejects_each_defect_with_its_own_error() {
    let cases: &[(&str, KeyError)] = &[
        (
            "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            KeyError::MissingPrivateKeyPrefix,
        ),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            KeyError::KeyIdMismatch {
                found: 0xc74f20a4,
                computed: 0xc74f20a3,
            },
        ),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a3+BIEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            KeyError::WrongSignatureType {
                expected: 0x01,
                found: 0x04,
            },
        ),
        (
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKA==",
            KeyError::WrongKeyLength {
                expected: 32,
                found: 30,
            },
        ),
    ];
    for (text, want) in cases {
        assert_eq!(SignerKey::parse(text).err().as_ref(), Some(want), "{text}");
    }
}

#[test]
fn sign_reproduces_the_go_signature() {
    let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
    assert_eq!(sign(TEXT, &[&signer]), Ok(format!("{TEXT}\n{PETER_SIG}")));
    assert_eq!(
        sign_checked_text(TEXT, &signer),
        format!("{TEXT}\n{PETER_SIG}")
    );
}

#[test]
fn sign_rejects_bad_text_and_signer_lists() {
    let signer = SignerKey::parse(PETER_SKEY).expect("good signer key");
    assert_eq!(sign("", &[&signer]), Err(SignError::MissingFinalNewline));
    assert_eq!(sign("abc", &[&signer]), Err(SignError::MissingFinalNewline));
    assert_eq!(
        sign("a\tb\n", &[&signer]),
        Err(SignError::ControlCharacter { offset: 1, byte: 9 })
    );
    assert_eq!(sign(TEXT, &[]), Err(SignError::NoSigners));
    assert_eq!(
        sign(TEXT, &[&signer, &signer]),
        Err(SignError::DuplicateSigner {
            name: "PeterNeumann".into(),
            key_id: 0xc74f20a3
        })
    );
    let many = vec![&signer; MAX_SIGNATURE_LINES + 1];
    assert_eq!(
        sign(TEXT, &many),
        Err(SignError::TooManySigners {
            max: 100,
            found: 101
        })
    );
    let big = "x".repeat(MAX_NOTE_BYTES) + "\n";
    assert!(matches!(
        sign(&big, &[&signer]),
        Err(SignError::TooLarge {
            max: MAX_NOTE_BYTES,
            ..
        })
    ));
}

#[test]
fn sign_allows_empty_lines_inside_the_text() {
    let signer = SignerKey::from_seed("example.com/poem", [7; 32]).expect("good seed");
    let text = "Ognuno sta solo sul cuor della terra\n\ned è subito sera.\n\n";
    let note = sign(text, &[&signer]).expect("signable");
    let opened = open(&note, &[signer.verifier()]).expect("opens");
    assert_eq!(opened.text(), text);
}

#[test]
fn open_with_one_known_key_keeps_the_other_unverified() {
    let note = open(&two_signature_note(), &[peter()]).expect("opens");
    assert_eq!(note.text(), TEXT);
    assert_eq!(
        note.verified(),
        &[VerifiedSignature {
            name: "PeterNeumann".into(),
            key_id: 0xc74f20a3
        }]
    );
    assert_eq!(note.unverified().len(), 1);
    assert_eq!(note.unverified()[0].name(), "EnochRoot");
    assert_eq!(note.unverified()[0].key_id(), 0xaf0cfe78);
    assert_eq!(note.unverified()[0].to_line(), ENOCH_SIG);
}

#[test]
fn open_with_both_keys_verifies_both() {
    let note = open(&two_signature_note(), &[enoch(), peter()]).expect("opens");
    let names: Vec<_> = note
        .verified()
        .iter()
        .map(|v| (v.name(), v.key_id()))
        .collect();
    assert_eq!(
        names,
        [("PeterNeumann", 0xc74f20a3), ("EnochRoot", 0xaf0cfe78)]
    );
    assert!(note.unverified().is_empty());
}

#[test]
fn open_without_known_keys_fails() {
    assert_eq!(
        open(&two_signature_note(), &[]),
        Err(NoteError::NoKnownSignature)
    );
}

#[test]
fn open_rejects_a_bad_signature_from_a_known_key() {
    let bad = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert_eq!(
        open(&bad, &[peter()]),
        Err(NoteError::BadSignature {
            line: 1,
            name: "PeterNeumann".into(),
            key_id: 0xc74f20a3
        })
    );
    // A second, corrupted copy after a good one is still checked.
    let flipped = PETER_SIG.replace("x08go/ZJ", "x08go/ZK");
    let note = format!("{TEXT}\n{PETER_SIG}{flipped}");
    assert_eq!(
        open(&note, &[peter()]),
        Err(NoteError::BadSignature {
            line: 2,
            name: "PeterNeumann".into(),
            key_id: 0xc74f20a3
        })
    );
    // A signature of the wrong length from a known key is a bad signature.
    let short = SignatureLine::from_parts("PeterNeumann", 0xc74f20a3, vec![1, 2, 3]).to_line();
    assert_eq!(
        open(&format!("{TEXT}\n{short}"), &[peter()]),
        Err(NoteError::BadSignature {
            line: 1,
            name: "PeterNeumann".into(),
            key_id: 0xc74f20a3
        })
    );
}

#[test]
fn open_ignores_unknown_keys_that_share_only_the_name_or_the_id() {
    let same_name = SignatureLine::from_parts("PeterNeumann", 0x01020304, vec![9; 64]).to_line();
    let same_id = SignatureLine::from_parts("Impostor", 0xc74f20a3, vec![9; 64]).to_line();
    let note = open(
        &format!("{TEXT}\n{same_name}{PETER_SIG}{same_id}"),
        &[peter()],
    )
    .expect("opens");
    assert_eq!(note.verified().len(), 1);
    assert_eq!(note.unverified().len(), 2);
}

#[test]
fn open_drops_duplicate_lines() {
    let note = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}");
    let opened = open(&note, &[peter()]).expect("opens");
    assert_eq!(opened.verified().len(), 1);
    assert_eq!(opened.unverified().len(), 1);
}

#[test]
fn open_rejects_two_different_keys_with_the_same_name_and_id() {
    // Not constructible with honest keys; forge the collision by hand.
    let mut impostor = enoch();
    impostor.0.name = "PeterNeumann".into();
    impostor.0.key_id = 0xc74f20a3;
    let note = format!("{TEXT}\n{PETER_SIG}");
    assert_eq!(
        open(&note, &[peter(), impostor]),
        Err(NoteError::AmbiguousKey {
            line: 1,
            name: "PeterNeumann".into(),
            key_id: 0xc74f20a3
        })
    );
    // The same key listed twice is not ambiguous.
    assert!(open(&note, &[peter(), peter()]).is_ok());
}

#[test]
fn open_enforces_the_signature_line_limit() {
    let note = format!("{TEXT}\n{}", PETER_SIG.repeat(MAX_SIGNATURE_LINES));
    assert!(open(&note, &[peter()]).is_ok());
    let note = format!("{TEXT}\n{}", PETER_SIG.repeat(MAX_SIGNATURE_LINES + 1));
    assert_eq!(
        open(&note, &[peter()]),
        Err(NoteError::TooManySignatureLines { max: 100 })
    );
}

#[test]
fn parse_rejects_each_malformation_with_its_own_error() {
    let peter_line = PETER_SIG.trim_end_matches('\n');
    let cases: Vec<(String, NoteError)> = vec![
        (TEXT.to_owned(), NoteError::MissingBlankLine),
        (format!("{TEXT}\n"), NoteError::NoSignatureLines),
        (
            format!("{TEXT}\n{peter_line}"),
            NoteError::MissingFinalNewline,
        ),
        (
            format!("\x01{TEXT}\n{PETER_SIG}"),
            NoteError::ControlCharacter { offset: 0, byte: 1 },
        ),
        (
            format!("{TEXT}\n\r{PETER_SIG}"),
            NoteError::ControlCharacter {
                offset: TEXT.len() + 1,
                byte: 13,
            },
        ),
        (
            format!(
                "{TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
            ),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::NotBase64,
            },
        ),
        (
            format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
            NoteError::SignatureLine {
                line: 2,
                source: SignatureLineError::MissingPrefix,
            },
        ),
        (
            format!("{TEXT}\n{PETER_SIG}— NoSignature\n"),
            NoteError::SignatureLine {
                line: 2,
                source: SignatureLineError::MissingSignature,
            },
        ),
        (
            format!("{TEXT}\n—  AAAAAAA=\n"),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::Name(KeyNameError::Empty),
            },
        ),
        (
            format!("{TEXT}\n— a+b AAAAAAA=\n"),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::Name(KeyNameError::Plus { offset: 1 }),
            },
        ),
        (
            format!("{TEXT}\n— a\u{2003}b AAAAAAA=\n"),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::Name(KeyNameError::Space {
                    offset: 1,
                    codepoint: 0x2003,
                }),
            },
        ),
        (
            format!("{TEXT}\n— name AAAAAA==\n"),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::TooShort { min: 5, found: 4 },
            },
        ),
        (
            format!("{TEXT}\n— name \n"),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::TooShort { min: 5, found: 0 },
            },
        ),
        (
            // Non-canonical base64: the last digit has unused bits set.
            format!("{TEXT}\n— name AAAAAAB=\n"),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::NotBase64,
            },
        ),
        (
            format!("{TEXT}\n- name AAAAAAA=\n"),
            NoteError::SignatureLine {
                line: 1,
                source: SignatureLineError::MissingPrefix,
            },
        ),
    ];
    for (note, want) in cases {
        assert_eq!(parse(&note).err(), Some(want), "{note:?}");
    }
    let huge = "x\n".repeat(MAX_NOTE_BYTES / 2 + 1);
    assert_eq!(
        parse(&huge).err(),
        Some(NoteError::TooLarge {
            max: MAX_NOTE_BYTES,
            found: MAX_NOTE_BYTES + 2
        })
    );
}

#[test]
fn parse_splits_at_the_last_blank_line() {
    let note = format!("a\n\nb\n\n\n{PETER_SIG}");
    let (text, lines) = parse(&note).expect("parses");
    assert_eq!(text, "a\n\nb\n\n");
    assert_eq!(lines.len(), 1);
    let note = format!("\n\n{PETER_SIG}");
    let (text, _) = parse(&note).expect("parses");
    assert_eq!(text, "\n");
}

#[test]
fn append_signatures_adds_new_lines_once() {
    let note = format!("{TEXT}\n{PETER_SIG}");
    let enoch_line = SignatureLine::parse(ENOCH_SIG.trim_end()).expect("line");
    let peter_line = SignatureLine::parse(PETER_SIG.trim_end()).expect("line");
    let both =
        append_signatures(&note, &[enoch_line.clone(), peter_line, enoch_line]).expect("appends");
    assert_eq!(both, two_signature_note());
    assert_eq!(
        append_signatures("junk", &[]),
        Err(NoteError::MissingBlankLine)
    );
}

fn mutate(base: &str, ops: &[(usize, u8, u8)]) -> String {
    let mut bytes = base.as_bytes().to_vec();
    for &(pos, op, value) in ops {
        if bytes.is_empty() {
            bytes.push(value);
            continue;
        }
        let pos = pos % bytes.len();
        match op % 4 {
            0 => bytes[pos] = value,
            1 => {
                bytes.remove(pos);
            }
            2 => bytes.insert(pos, value),
            _ => bytes.truncate(pos),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_input(text in any::<String>()) {
        let _ = parse(&text);
        let _ = open(&text, &[peter()]);
        let _ = VerifierKey::parse(&text);
        let _ = SignerKey::parse(&text);
        let _ = SignatureLine::parse(&text);
    }

    #[test]
    fn never_panics_on_note_shaped_input(text in "[a-z+/=\n— ]{0,200}") {
        let _ = open(&text, &[peter(), enoch()]);
        let _ = VerifierKey::parse(&text);
    }

    #[test]
    fn never_panics_on_mutated_notes(ops in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        let note = mutate(&two_signature_note(), &ops);
        let result = open(&note, &[peter(), enoch()]);
        if note != two_signature_note() {
            // Any change to an opened note must either fail or leave the text and both
            // signatures intact (e.g. appending nothing but a valid duplicate).
            if let Ok(opened) = result {
                prop_assert_eq!(opened.text(), TEXT);
            }
        }
        let _ = VerifierKey::parse(&mutate(PETER_VKEY, &ops));
        let _ = SignerKey::parse(&mutate(PETER_SKEY, &ops));
    }

    #[test]
    fn signed_notes_open(text in "[a-zA-Z0-9 \n]{0,100}\n", seed in any::<[u8; 32]>()) {
        let signer = SignerKey::from_seed("example.com/prop", seed).expect("good seed");
        let note = sign(&text, &[&signer]).expect("valid text");
        let opened = open(&note, &[signer.verifier()]).expect("opens");
        prop_assert_eq!(opened.text(), text.as_str());
    }
}
