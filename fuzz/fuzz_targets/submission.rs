//! Submitted signed events, the server's main untrusted input (`POST …/events`, and each element
//! of `{"events":[…]}` in `POST …/events/batch`): no input may panic, every signed event that
//! parses must write back to canonical bytes that parse to the same signed event, and reading its
//! body as a ledger event must return, not panic.
#![no_main]

use gongzhang_core::canonical::{parse_canonical, parse_strict};
use gongzhang_core::ledger::events::LedgerEvent;
use gongzhang_core::submission::SignedEvent;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check(signed: &SignedEvent) {
    let bytes = signed.to_bytes();
    assert!(parse_canonical(&bytes).is_ok(), "to_bytes is canonical");
    assert_eq!(SignedEvent::parse(&bytes).as_ref(), Ok(signed));
    let _ = LedgerEvent::from_event(&signed.event);
}

fuzz_target!(|data: &[u8]| {
    // One signed event, as `POST /api/v1/ledgers/{origin}/events` reads it.
    if let Ok(signed) = SignedEvent::parse(data) {
        check(&signed);
    }
    // A batch, as `POST …/events/batch` reads it: each element of `events` on its own.
    if let Ok(Value::Object(mut batch)) = parse_strict(data)
        && let Some(Value::Array(events)) = batch.remove("events")
    {
        for value in events {
            if let Ok(signed) = SignedEvent::from_value(value) {
                check(&signed);
            }
        }
    }
});
