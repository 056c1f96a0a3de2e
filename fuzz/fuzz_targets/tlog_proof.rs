//! tlog-proof files: no input may panic, every proof that parses must write back to the same
//! proof, and verification of any parsed proof must return, not panic.
#![no_main]

use gongzhang_core::Hash;
use gongzhang_core::note::SignerKey;
use gongzhang_core::tlog_proof::{self, TlogProof};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let input = input.as_ref();

    if let Ok(proof) = TlogProof::parse(input) {
        assert_eq!(proof.to_text(), input);
        assert_eq!(TlogProof::parse(&proof.to_text()).as_ref(), Ok(&proof));
        let signer = SignerKey::from_seed("fuzz.example", [5; 32]).expect("valid seed");
        let _ = tlog_proof::verify(
            &proof,
            &Hash::ZERO,
            "fuzz.example",
            &signer.verifier(),
            None,
        );
    }
});
