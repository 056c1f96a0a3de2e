//! Signed notes, signature lines and key strings: no input may panic, and whatever opens must
//! keep its text and re-sign to the same lines.
#![no_main]

use gongzhang_core::cosignature::{self, CosignerKey, CosignerSigner};
use gongzhang_core::note::{self, SignatureLine, SignerKey, VerifierKey};
use libfuzzer_sys::fuzz_target;

/// golang.org/x/mod sumdb/note test keys.
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let input = input.as_ref();

    let keys = [
        VerifierKey::parse(PETER_VKEY).expect("valid key"),
        VerifierKey::parse(ENOCH_VKEY).expect("valid key"),
    ];
    if let Ok(opened) = note::open(input, &keys) {
        assert!(opened.text().ends_with('\n'));
        assert!(!opened.verified().is_empty());
        assert!(input.starts_with(opened.text()));
    }
    if let Ok((text, lines)) = note::parse(input) {
        assert!(text.ends_with('\n'));
        assert!(!lines.is_empty() && lines.len() <= note::MAX_SIGNATURE_LINES);
        for line in &lines {
            assert_eq!(
                SignatureLine::parse(line.to_line().trim_end_matches('\n')).as_ref(),
                Ok(line)
            );
        }
    }

    if let Ok(key) = VerifierKey::parse(input) {
        assert_eq!(key.to_string(), input);
    }
    if let Ok(key) = SignerKey::parse(input) {
        assert_eq!(key.to_private_key_string(), input);
    }
    if let Ok(key) = CosignerKey::parse(input) {
        assert_eq!(key.to_string(), input);
    }
    if let Ok(key) = CosignerSigner::parse(input) {
        assert_eq!(key.to_private_key_string(), input);
    }

    let witness = CosignerSigner::from_seed("witness.example", [1; 32]).expect("valid seed");
    let _ = cosignature::verify_cosignatures(input, &[witness.verifier()]);

    // Any first line that is valid note text can be signed and opened again.
    if let Some(end) = input.find('\n') {
        let text = &input[..=end];
        let signer = SignerKey::from_seed("fuzz.example", [2; 32]).expect("valid seed");
        if let Ok(signed) = note::sign(text, &[&signer]) {
            let opened = note::open(&signed, &[signer.verifier()]).expect("own note opens");
            assert_eq!(opened.text(), text);
        }
    }
});
