//! C2SP signed notes, checkpoints and cosignatures against `tests/vectors/signed-note.json`:
//! keys and notes from the signed-note spec, golang.org/x/mod `sumdb/note` tests, a real
//! sum.golang.org checkpoint (transparency-dev/formats) and the tlog-cosignature example.

use gongzhang_core::checkpoint;
use gongzhang_core::cosignature::Cosignature;
use gongzhang_core::note::{self, KeyError, NoteError, SignerKey, VerifierKey};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vectors {
    #[allow(dead_code)]
    source: String,
    notes: Vec<Vector>,
}

/// One entry of `notes`; which fields are present depends on the source.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Vector {
    from: String,
    verifier_key: Option<String>,
    signer_key: Option<String>,
    other_verifier_key: Option<String>,
    text: Option<String>,
    signed_note: Option<String>,
    bad_verifier_keys: Vec<String>,
    checkpoint_origin: Option<String>,
    cosignature_timestamp: Option<u64>,
}

fn vectors() -> Vec<Vector> {
    let path = gongzhang_tests::external_vectors().join("signed-note.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let vectors: Vectors =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(vectors.notes.len(), 4, "the pinned file has four entries");
    vectors.notes
}

/// The entry whose `from` starts with `prefix`.
fn entry(prefix: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.from.starts_with(prefix))
        .unwrap_or_else(|| panic!("no vector from {prefix}"))
}

fn go_note_entry() -> Vector {
    entry("golang.org/x/mod")
}

fn field(value: &Option<String>, name: &str) -> String {
    value
        .clone()
        .unwrap_or_else(|| panic!("vector field {name} missing"))
}

#[test]
fn good_verifier_keys_parse_and_reformat_byte_identically() {
    let mut count = 0;
    for vector in vectors() {
        for key in [&vector.verifier_key, &vector.other_verifier_key]
            .into_iter()
            .flatten()
        {
            let parsed = VerifierKey::parse(key).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(parsed.to_string(), *key);
            count += 1;
        }
    }
    assert_eq!(count, 4);
    let spec = VerifierKey::parse(&field(
        &entry("C2SP signed-note").verifier_key,
        "verifier_key",
    ))
    .expect("spec key");
    assert_eq!(spec.name(), "example.com/foo");
    assert_eq!(spec.key_id(), 0x530d903a);
}

#[test]
fn bad_verifier_keys_are_rejected_for_their_defect() {
    let bad = go_note_entry().bad_verifier_keys;
    assert_eq!(bad.len(), 2);
    // "wrong length key, with adjusted key hash": 36 bytes of key after the type byte. (The
    // base64 also has non-zero trailing bits; the length is reported as the defect Go names.)
    assert_eq!(
        VerifierKey::parse(&bad[0]),
        Err(KeyError::WrongKeyLength {
            expected: 32,
            found: 36
        })
    );
    // "unknown algorithm, with adjusted key hash": type byte 0x65.
    assert_eq!(
        VerifierKey::parse(&bad[1]),
        Err(KeyError::WrongSignatureType {
            expected: 0x01,
            found: 0x65
        })
    );
}

#[test]
fn every_one_byte_change_or_truncation_of_a_good_key_is_rejected() {
    // The manglings of golang.org/x/mod's TestNewVerifier.
    let key = field(&go_note_entry().verifier_key, "verifier_key");
    let bytes = key.as_bytes();
    for i in 0..=bytes.len() {
        for j in i + 1..=bytes.len() {
            if (i, j) != (0, bytes.len()) {
                let sub = String::from_utf8_lossy(&bytes[i..j]);
                assert!(VerifierKey::parse(&sub).is_err(), "{sub}");
            }
        }
    }
    for i in 0..bytes.len() {
        let mut changed = bytes.to_vec();
        changed[i] = changed[i].wrapping_add(1);
        let changed = String::from_utf8_lossy(&changed);
        assert!(VerifierKey::parse(&changed).is_err(), "{changed}");
    }
}

#[test]
fn signer_key_reproduces_the_go_signature_line() {
    let vector = go_note_entry();
    let skey = field(&vector.signer_key, "signer_key");
    let signer = SignerKey::parse(&skey).expect("signer key");
    assert_eq!(signer.to_private_key_string(), skey);
    assert_eq!(
        signer.verifier().to_string(),
        field(&vector.verifier_key, "verifier_key")
    );

    let text = field(&vector.text, "text");
    let signed = note::sign(&text, &[&signer]).expect("signs");
    let want_line = field(&vector.signed_note, "signed_note")
        .lines()
        .find(|line| line.starts_with("— PeterNeumann "))
        .expect("PeterNeumann line")
        .to_owned();
    assert_eq!(signed, format!("{text}\n{want_line}\n"));
}

#[test]
fn two_signature_note_opens_with_either_or_both_keys() {
    let vector = go_note_entry();
    let signed = field(&vector.signed_note, "signed_note");
    let text = field(&vector.text, "text");
    let peter = VerifierKey::parse(&field(&vector.verifier_key, "verifier_key")).expect("key");
    let enoch = VerifierKey::parse(&field(&vector.other_verifier_key, "other")).expect("key");

    let opened = note::open(&signed, std::slice::from_ref(&peter)).expect("opens with Peter");
    assert_eq!(opened.text(), text);
    assert_eq!(opened.verified().len(), 1);
    assert_eq!(
        (opened.verified()[0].name(), opened.verified()[0].key_id()),
        ("PeterNeumann", 0xc74f20a3)
    );
    assert_eq!(opened.unverified().len(), 1);
    assert_eq!(
        (
            opened.unverified()[0].name(),
            opened.unverified()[0].key_id()
        ),
        ("EnochRoot", 0xaf0cfe78)
    );

    let opened = note::open(&signed, &[peter.clone(), enoch.clone()]).expect("opens with both");
    let verified: Vec<_> = opened
        .verified()
        .iter()
        .map(|v| (v.name(), v.key_id()))
        .collect();
    assert_eq!(
        verified,
        [("PeterNeumann", 0xc74f20a3), ("EnochRoot", 0xaf0cfe78)]
    );
    assert!(opened.unverified().is_empty());

    assert_eq!(note::open(&signed, &[]), Err(NoteError::NoKnownSignature));
}

#[test]
fn flipping_a_byte_of_a_known_signature_is_a_bad_signature() {
    let vector = go_note_entry();
    let signed = field(&vector.signed_note, "signed_note");
    let peter = VerifierKey::parse(&field(&vector.verifier_key, "verifier_key")).expect("key");
    let enoch = VerifierKey::parse(&field(&vector.other_verifier_key, "other")).expect("key");
    let (_, lines) = note::parse(&signed).expect("parses");
    let text_len = signed.find("\n\n").expect("blank line") + 2;
    // Flip one bit of the signature bytes (past the key id) of each line in turn, re-encoding
    // so that only the signature changes.
    for (index, line) in lines.iter().enumerate() {
        let mut bytes = line.key_id().to_be_bytes().to_vec();
        bytes.extend_from_slice(line.signature());
        bytes[10] ^= 0x01;
        use base64::Engine as _;
        let changed_line = format!(
            "— {} {}",
            line.name(),
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        );
        let mut all: Vec<String> = lines
            .iter()
            .map(|l| l.to_line().trim_end().to_owned())
            .collect();
        all[index] = changed_line;
        let note = format!("{}{}\n", &signed[..text_len], all.join("\n"));
        assert_eq!(
            note::open(&note, &[peter.clone(), enoch.clone()]),
            Err(NoteError::BadSignature {
                line: index + 1,
                name: line.name().to_owned(),
                key_id: line.key_id()
            })
        );
    }
    // Changing the text breaks both signatures; the first is reported.
    let tampered = signed.replacen("cryptography", "Cryptography", 1);
    assert!(matches!(
        note::open(&tampered, &[peter, enoch]),
        Err(NoteError::BadSignature { line: 1, .. })
    ));
}

#[test]
fn real_sum_golang_org_checkpoint_opens() {
    let vector = entry("transparency-dev/formats");
    let key = VerifierKey::parse(&field(&vector.verifier_key, "verifier_key")).expect("key");
    let origin = field(&vector.checkpoint_origin, "checkpoint_origin");
    assert_eq!(origin, "go.sum database tree");
    let signed = field(&vector.signed_note, "signed_note");
    let opened = checkpoint::open(&signed, &origin, &key, None).expect("opens");
    assert_eq!(opened.checkpoint().origin(), "go.sum database tree");
    assert_eq!(opened.checkpoint().size(), 6476701);
    assert_eq!(
        opened.checkpoint().root().to_base64(),
        "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="
    );
    assert!(opened.checkpoint().extensions().is_empty());
    assert_eq!(
        checkpoint::open(&signed, "go.sum database", &key, None),
        Err(checkpoint::CheckpointError::OriginMismatch {
            expected: "go.sum database".into(),
            found: "go.sum database tree".into()
        })
    );
}

#[test]
fn cosignature_example_reads_timestamp_1679315147() {
    let vector = entry("C2SP tlog-cosignature");
    let signed = field(&vector.signed_note, "signed_note");
    let (text, lines) = note::parse(&signed).expect("parses");
    let checkpoint = checkpoint::Checkpoint::parse(text).expect("a checkpoint");
    assert_eq!(checkpoint.origin(), "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size(), 20852163);
    assert_eq!(lines.len(), 2);
    let witness_line = lines
        .iter()
        .find(|line| line.name() == "witness.example.com/w1")
        .expect("witness line");
    let cosignature = Cosignature::from_line(witness_line).expect("a cosignature/v1");
    assert_eq!(Some(cosignature.timestamp()), vector.cosignature_timestamp);
    assert_eq!(cosignature.timestamp(), 1679315147);
    assert_eq!(cosignature.key_id(), 0x8d66cf3f);
}
