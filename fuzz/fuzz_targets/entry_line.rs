//! Fuzzes the entry-line parser and the streaming log verifier with arbitrary bytes: they must
//! never panic, and an entry that parses must be canonical (its bytes are exactly what it holds).
#![no_main]

use gongzhang_core::canonical::{parse_canonical, to_canonical};
use gongzhang_core::entry::Entry;
use gongzhang_core::log::verify_jsonl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entry) = Entry::parse(data) {
        assert_eq!(entry.bytes(), data);
        let value = parse_canonical(data).expect("a parsed entry is canonical");
        assert_eq!(to_canonical(&value), data);
    }
    let _ = verify_jsonl(data);
});
