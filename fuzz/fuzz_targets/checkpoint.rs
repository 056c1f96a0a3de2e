//! Checkpoint texts and signed checkpoints: no input may panic, and every checkpoint that parses
//! must write back to the exact same text.
#![no_main]

use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::cosignature::{CosignerSigner, WitnessPolicy};
use gongzhang_core::note::{SignerKey, VerifierKey};
use libfuzzer_sys::fuzz_target;

/// The sum.golang.org key (transparency-dev/formats test data).
const GO_SUM_KEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let input = input.as_ref();

    if let Ok(parsed) = Checkpoint::parse(input) {
        assert_eq!(parsed.to_text(), input);
        assert_eq!(parsed.tree_head().size, parsed.size());
        // A parsed checkpoint can be signed and opened again.
        let signer = SignerKey::from_seed("fuzz.example", [3; 32]).expect("valid seed");
        let signed = checkpoint::sign(&parsed, &signer);
        let opened = checkpoint::open(&signed, parsed.origin(), &signer.verifier(), None)
            .expect("own checkpoint opens");
        assert_eq!(opened.checkpoint(), &parsed);
    }

    let key = VerifierKey::parse(GO_SUM_KEY).expect("valid key");
    let _ = checkpoint::open(input, "go.sum database tree", &key, None);
    let witness = CosignerSigner::from_seed("witness.example", [4; 32]).expect("valid seed");
    let policy = WitnessPolicy::new(vec![witness.verifier()], 1).expect("valid policy");
    let _ = checkpoint::open(input, "go.sum database tree", &key, Some(&policy));
});
