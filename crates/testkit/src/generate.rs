//! Generated logs of any length: the example ledger's genesis followed by payments with varied
//! amounts, units and channels, all derived from a seed. For tests and benchmarks.

use gongzhang_core::entry::{Entry, Event, RecordedAt};
use gongzhang_core::hash::sha256;
use gongzhang_core::log::LogHead;
use gongzhang_demo::example::{self, ORIGIN};
/// The seeded sequence the generated logs (and the demo community) draw from.
pub use gongzhang_demo::rng::SplitMix64;
use serde_json::{Value, json};

/// Generates a valid log of `n_entries` entries (at least 1: the genesis) from `seed`.
pub fn log(n_entries: usize, seed: u64) -> Vec<Entry> {
    let mut rng = SplitMix64::new(seed);
    let genesis = example::entries().swap_remove(0);
    let mut head = LogHead::empty();
    head.advance(&genesis);
    let mut out = vec![genesis];
    let treasurer = example::signer("treasurer");
    let channels = ["cash", "wechat_pay", "alipay", "bank_transfer"];
    let mut unix_ms = head.last_time().map_or(0, |t| t.unix_ms());
    while out.len() < n_entries {
        unix_ms += i64::try_from(rng.below(600_000)).unwrap_or(0);
        let unit = format!(
            "{}-{}-{}0{}",
            1 + rng.below(12),
            1 + rng.below(4),
            1 + rng.below(6),
            1 + rng.below(4)
        );
        let body = json!({
            "unit": unit,
            "amount_fen": 1 + rng.below(200_000),
            "channel": channels[usize::try_from(rng.below(4)).unwrap_or(0)],
            "periods": ["2026-01", "2026-12"],
        });
        let Value::Object(body) = body else {
            unreachable!("object literal")
        };
        let id = format!("gen-{seed}-{}", out.len());
        let event = Event::new(&id, "payment_received", body)
            .unwrap_or_else(|e| panic!("generated event: {e}"));
        let signature = event.sign(ORIGIN, &treasurer);
        let at = RecordedAt::from_unix_ms(unix_ms)
            .unwrap_or_else(|| panic!("time {unix_ms} out of range"));
        let entry = Entry::seal(head.size(), head.last_hash(), at, event, vec![signature])
            .unwrap_or_else(|e| panic!("generated entry: {e}"));
        head.advance(&entry);
        out.push(entry);
    }
    out
}

/// A stable fingerprint of a generated log, for tests that pin generation.
pub fn fingerprint(entries: &[Entry]) -> String {
    sha256(&example::jsonl(entries)).to_hex()
}
