//! The example ledger of the specification: a dozen entries of different kinds for the imaginary
//! community 和谐家园 (Hexie Jiayuan), signed with keys derived from fixed seeds.

use gongzhang_core::entry::{AuthorSignature, Entry, Event, RecordedAt};
use gongzhang_core::hash::{Hash, sha256};
use gongzhang_core::keys::AuthorSigner;
use gongzhang_core::ledger::Ledger;
use gongzhang_core::ledger::types::PeriodRange;
use gongzhang_core::log::LogHead;
use serde_json::{Map, Value, json};

/// The example ledger's origin.
pub const ORIGIN: &str = "gongzhang.example/hexie-jiayuan";

/// The seed of an example key: `SHA-256("gongzhang example seed v1: " ‖ role)`.
pub fn seed(role: &str) -> [u8; 32] {
    sha256(format!("gongzhang example seed v1: {role}").as_bytes()).0
}

/// The roles that hold example keys, in the order the vectors list them.
pub const ROLES: [&str; 5] = [
    "committee-1",
    "committee-2",
    "committee-3",
    "treasurer",
    "auditor",
];

/// The author signer of an example role.
pub fn signer(role: &str) -> AuthorSigner {
    AuthorSigner::from_seed(seed(role))
}

/// One entry of the example ledger, before it is sealed: when, what, and who signs.
struct Step {
    at: &'static str,
    id: &'static str,
    kind: &'static str,
    body: Value,
    signers: &'static [&'static str],
}

fn steps() -> Vec<Step> {
    let key = |role: &str| Value::String(signer(role).public_key().to_hex());
    let doc = |text: &str| Value::String(sha256(text.as_bytes()).to_hex());
    vec![
        Step {
            at: "2026-01-01T01:00:00.000Z",
            id: "hexie-0001",
            kind: "ledger_opened",
            body: json!({
                "origin": ORIGIN,
                "community": "和谐家园小区",
                "log_key": crate::vectors::log_signer().verifier().to_string(),
                "committee": [key("committee-1"), key("committee-2"), key("committee-3")],
                "treasurer": key("treasurer"),
                "auditor": key("auditor"),
                "governance": {"approval_threshold_fen": 500_000, "approvals_required": 2},
                "first_period": "2026-01",
                "opening_balances": [{"fund": "operating", "amount_fen": 1_000_000}],
            }),
            signers: &["committee-1", "committee-2", "committee-3"],
        },
        Step {
            at: "2026-01-02T02:00:00.000Z",
            id: "hexie-0002",
            kind: "household_registered",
            body: json!({"unit": "1-1-101", "area_centi_m2": 8_523}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-02T02:01:30.250Z",
            id: "hexie-0003",
            kind: "household_registered",
            body: json!({"unit": "3-2-401", "area_centi_m2": 10_250}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-03T06:00:00.000Z",
            id: "hexie-0004",
            kind: "owners_decision",
            body: json!({
                "matter": "fee_schedule",
                "title": "物业费标准：每月每平方米 0.50 元",
                "totals": {
                    "total_area_centi_m2": 18_773, "total_owners": 2,
                    "participating_area_centi_m2": 18_773, "participating_owners": 2,
                    "yes_area_centi_m2": 18_773, "yes_owners": 2
                },
                "outcome": "passed",
                "document_sha256": doc("2025年12月业主大会表决结果"),
            }),
            signers: &["committee-1", "committee-2"],
        },
        Step {
            at: "2026-01-03T06:05:00.000Z",
            id: "hexie-0005",
            kind: "fee_schedule_adopted",
            body: json!({"items": [{"item": "property_fee", "name": "物业费", "basis": "per_m2", "rate_fen": 50}], "from_period": "2026-01", "decision": "hexie-0004"}),
            signers: &["committee-1", "committee-2"],
        },
        Step {
            at: "2026-01-05T00:30:00.000Z",
            id: "hexie-0006",
            kind: "charges_assessed",
            body: json!({"period": "2026-01", "charges": [{"unit": "1-1-101", "item": "property_fee", "amount_fen": 4_262}, {"unit": "3-2-401", "item": "property_fee", "amount_fen": 5_125}]}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-06T03:15:00.000Z",
            id: "hexie-0007",
            kind: "payment_received",
            body: json!({"unit": "3-2-401", "amount_fen": 61_500, "channel": "wechat_pay", "periods": ["2026-01"]}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-08T01:00:00.000Z",
            id: "hexie-0008",
            kind: "expense_proposed",
            body: json!({"payee": "明亮保洁服务部", "category": "cleaning", "fund": "operating", "amount_fen": 600_000, "description": "2026年1月楼道保洁"}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-08T09:20:00.000Z",
            id: "hexie-0009",
            kind: "expense_approved",
            body: json!({"proposal": "hexie-0008"}),
            signers: &["committee-1"],
        },
        Step {
            at: "2026-01-09T10:05:00.000Z",
            id: "hexie-0010",
            kind: "expense_approved",
            body: json!({"proposal": "hexie-0008"}),
            signers: &["committee-3"],
        },
        Step {
            at: "2026-01-10T02:00:00.000Z",
            id: "hexie-0011",
            kind: "expense_paid",
            body: json!({"proposal": "hexie-0008", "channel": "bank_transfer", "invoice": {"kind": "fapiao", "number": "044002600111-00012345", "sha256": sha256(b"example invoice scan").to_hex()}}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-12T08:00:00.000Z",
            id: "hexie-0012",
            kind: "payment_received",
            body: json!({"unit": "1-1-101", "amount_fen": 4_626, "channel": "cash"}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-12T08:10:00.000Z",
            id: "hexie-0013",
            kind: "reversal",
            body: json!({"reverses": "hexie-0012", "reason": "金额录错：应为 42.62 元"}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-01-12T08:11:00.000Z",
            id: "hexie-0014",
            kind: "payment_received",
            body: json!({"unit": "1-1-101", "amount_fen": 4_262, "channel": "cash", "periods": ["2026-01"]}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-02-01T02:00:00.000Z",
            id: "hexie-0015",
            kind: "period_closed",
            // The statement is recomputed from the ledger when the entry is built.
            body: json!({"period": {"from": "2026-01", "to": "2026-01"}}),
            signers: &["treasurer"],
        },
        Step {
            at: "2026-02-03T02:00:00.000Z",
            id: "hexie-0016",
            kind: "audit_attested",
            body: json!({"through_seq": 14, "findings_sha256": doc("审计意见：2026年1月账目相符。"), "opinion": "账目相符"}),
            signers: &["auditor"],
        },
    ]
}

/// The example ledger's entries, in order.
pub fn entries() -> Vec<Entry> {
    let mut head = LogHead::empty();
    let mut ledger = Ledger::new();
    let mut out = Vec::new();
    for step in steps() {
        let body = if step.kind == "period_closed" {
            let range: PeriodRange = serde_json::from_value(step.body["period"].clone())
                .unwrap_or_else(|e| panic!("example period: {e}"));
            json!({"statement": ledger.statement(range)})
        } else {
            step.body
        };
        let Value::Object(body) = body else {
            unreachable!("every example body is an object")
        };
        let entry = seal(&head, step.at, step.id, step.kind, body, step.signers);
        head.check_next(&entry)
            .unwrap_or_else(|e| panic!("example entry {} breaks the log rules: {e}", step.id));
        ledger
            .apply(&entry)
            .unwrap_or_else(|e| panic!("example entry {} breaks the ledger rules: {e}", step.id));
        head.advance(&entry);
        out.push(entry);
    }
    out
}

fn seal(
    head: &LogHead,
    at: &str,
    id: &str,
    kind: &str,
    body: Map<String, Value>,
    signers: &[&str],
) -> Entry {
    let event = Event::new(id, kind, body).unwrap_or_else(|e| panic!("example event {id}: {e}"));
    let signatures: Vec<AuthorSignature> = signers
        .iter()
        .map(|r| event.sign(ORIGIN, &signer(r)))
        .collect();
    let recorded_at = RecordedAt::parse(at).unwrap_or_else(|| panic!("example time {at}"));
    Entry::seal(
        head.size(),
        head.last_hash(),
        recorded_at,
        event,
        signatures,
    )
    .unwrap_or_else(|e| panic!("example entry {id}: {e}"))
}

/// The example log as published: one entry per line, each ending with a line feed.
pub fn jsonl(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend_from_slice(e.bytes());
        out.push(b'\n');
    }
    out
}

/// The entry hashes (Merkle leaves) of `entries`.
pub fn leaves(entries: &[Entry]) -> Vec<Hash> {
    entries.iter().map(Entry::hash).collect()
}
