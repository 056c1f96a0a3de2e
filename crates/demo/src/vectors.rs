//! The files of `schemas/vectors/`: the example ledger with everything an independent verifier
//! needs to test itself against (keys, log, per-entry intermediate values, checkpoints, proofs).
//!
//! [`files`] is pure: the `write-vectors` binary writes its output, and a test checks that the
//! committed files are byte for byte what it returns.

use crate::example::{self, ORIGIN, ROLES};
use gongzhang_core::checkpoint::{self, Checkpoint};
use gongzhang_core::cosignature::{self, CosignerSigner};
use gongzhang_core::entry::Entry;
use gongzhang_core::hash::Hash;
use gongzhang_core::keys::event_message;
use gongzhang_core::merkle;
use gongzhang_core::note::{self, SignerKey};
use gongzhang_core::tlog_proof::TlogProof;
use serde_json::{Value, json};

/// Name of the example witness key (the street office's).
pub const WITNESS_NAME: &str = "witness.gongzhang.example/street-office";
/// When the witness cosigned the latest checkpoint: 2026-02-03T03:00:00Z.
pub const COSIGNATURE_TIMESTAMP: u64 = 1_770_087_600;
/// Size of the older checkpoint.
pub const OLDER_SIZE: u64 = 7;
/// The entry whose inclusion proof is a vector.
pub const PROOF_ENTRY: u64 = 6;

/// A valid Ed25519 point written non-canonically: y = 3 + p (RFC 8032 §5.1.3 requires y < p).
/// Its canonical spelling is [`NON_CANONICAL_KEY_CANONICAL_HEX`]; every verifier must refuse
/// this one wherever a key enters.
pub const NON_CANONICAL_KEY_HEX: &str =
    "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";
/// The canonical encoding of the point [`NON_CANONICAL_KEY_HEX`] spells (y = 3, x even).
pub const NON_CANONICAL_KEY_CANONICAL_HEX: &str =
    "0300000000000000000000000000000000000000000000000000000000000000";

/// The public keys a verifier must refuse, each with the reason code it is refused for
/// (`keys-refused.json`).
pub fn refused_keys() -> Value {
    let ff = "ff".repeat(30);
    json!([
        {
            "key_hex": NON_CANONICAL_KEY_HEX,
            "refused_as": "non_canonical",
            "why": "y = 3 + p: a valid point, but y >= p; its canonical encoding is the next field",
            "canonical_hex": NON_CANONICAL_KEY_CANONICAL_HEX,
        },
        {
            "key_hex": format!("f0{ff}ff"),
            "refused_as": "non_canonical",
            "why": "y = 3 + p with the sign bit set: the same point as 03…80, written with y >= p",
            "canonical_hex": format!("03{}80", "00".repeat(30)),
        },
        {
            "key_hex": format!("01{}80", "00".repeat(30)),
            "refused_as": "non_canonical",
            "why": "y = 1 (so x = 0) with the sign bit set: x = 0 has no negative, RFC 8032 §5.1.3 step 4",
            "canonical_hex": format!("01{}", "00".repeat(31)),
        },
        {
            "key_hex": format!("ed{ff}7f"),
            "refused_as": "non_canonical",
            "why": "y = p, which is 0 written with y >= p (and a small-order point besides)",
            "canonical_hex": "00".repeat(32),
        },
        {
            "key_hex": format!("01{}", "00".repeat(31)),
            "refused_as": "weak",
            "why": "the identity point (y = 1): small order, its signatures prove nothing",
        },
        {
            "key_hex": "00".repeat(32),
            "refused_as": "weak",
            "why": "y = 0: a point of order 4",
        },
        {
            "key_hex": format!("02{}", "00".repeat(31)),
            "refused_as": "not_on_curve",
            "why": "y = 2 gives no x on the curve",
        },
    ])
}

/// The log's signing key: named by the origin, seed from role `log`.
pub fn log_signer() -> SignerKey {
    // INVARIANT: the origin is a valid key name (no spaces or +).
    SignerKey::from_seed(ORIGIN, example::seed("log")).unwrap_or_else(|e| panic!("log key: {e}"))
}

/// The example witness's cosigning key.
pub fn witness_signer() -> CosignerSigner {
    CosignerSigner::from_seed(WITNESS_NAME, example::seed("witness"))
        .unwrap_or_else(|e| panic!("witness key: {e}"))
}

fn checkpoint_for(entries: &[Entry]) -> Checkpoint {
    let leaves = example::leaves(entries);
    Checkpoint::new(ORIGIN, leaves.len() as u64, merkle::root(&leaves))
        .unwrap_or_else(|e| panic!("checkpoint: {e}"))
}

/// The signed, cosigned checkpoint over all of `entries`.
pub fn signed_checkpoint(entries: &[Entry]) -> String {
    let cp = checkpoint_for(entries);
    let signed = checkpoint::sign(&cp, &log_signer());
    let line = cosignature::cosign(&cp, &witness_signer(), COSIGNATURE_TIMESTAMP)
        .unwrap_or_else(|e| panic!("cosign: {e}"));
    note::append_signatures(&signed, &[line]).unwrap_or_else(|e| panic!("append cosignature: {e}"))
}

fn b64(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_base64).collect()
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_else(|e| panic!("json: {e}"));
    out.push(b'\n');
    out
}

/// Every file of `schemas/vectors/`, as (name, bytes), in a fixed order.
pub fn files() -> Vec<(String, Vec<u8>)> {
    let entries = example::entries();
    let leaves = example::leaves(&entries);
    let mut out = Vec::new();

    let roles: Vec<Value> = ROLES
        .iter()
        .map(|role| {
            json!({
                "role": role,
                "seed_hex": hex_of(&example::seed(role)),
                "public_key_hex": example::signer(role).public_key().to_hex(),
            })
        })
        .collect();
    out.push((
        "keys.json".to_string(),
        pretty(&json!({
            "origin": ORIGIN,
            "seed_rule": "seed = SHA-256(\"gongzhang example seed v1: \" + role); the log key's role is \"log\", the witness's \"witness\"",
            "authors": roles,
            "log": {
                "signer_key": log_signer().to_private_key_string(),
                "verifier_key": log_signer().verifier().to_string(),
            },
            "witness": {
                "signer_key": witness_signer().to_private_key_string(),
                "verifier_key": witness_signer().verifier().to_string(),
                "cosignature_timestamp": COSIGNATURE_TIMESTAMP,
            },
            "genesis_entry_hash": entries[0].hash().to_hex(),
        })),
    ));

    out.push(("log.jsonl".to_string(), example::jsonl(&entries)));

    let per_entry: Vec<Value> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let event = String::from_utf8_lossy(e.event().canonical_bytes()).into_owned();
            json!({
                "seq": e.seq(),
                "type": e.event().kind(),
                "entry_hash_hex": e.hash().to_hex(),
                "event_bytes": event,
                "signed_message_hex": hex_of(&event_message(ORIGIN, e.event().canonical_bytes())),
                "tree_root_after_hex": merkle::root(&leaves[..=i]).to_hex(),
            })
        })
        .collect();
    out.push(("entries.json".to_string(), pretty(&Value::Array(per_entry))));

    out.push((
        "checkpoint".to_string(),
        signed_checkpoint(&entries).into_bytes(),
    ));
    let older = &entries[..OLDER_SIZE as usize];
    out.push((
        format!("checkpoint.{OLDER_SIZE}"),
        checkpoint::sign(&checkpoint_for(older), &log_signer()).into_bytes(),
    ));

    let consistency = merkle::consistency_proof(&leaves, OLDER_SIZE)
        .unwrap_or_else(|e| panic!("consistency proof: {e}"));
    out.push((
        format!("consistency-{OLDER_SIZE}-{}.json", entries.len()),
        pretty(&json!({
            "size1": OLDER_SIZE,
            "size2": entries.len(),
            "root1": merkle::root(&leaves[..OLDER_SIZE as usize]).to_base64(),
            "root2": merkle::root(&leaves).to_base64(),
            "proof": b64(&consistency),
        })),
    ));

    let inclusion = merkle::inclusion_proof(&leaves, PROOF_ENTRY)
        .unwrap_or_else(|e| panic!("inclusion proof: {e}"));
    let proof = TlogProof::new(None, PROOF_ENTRY, inclusion, signed_checkpoint(&entries))
        .unwrap_or_else(|e| panic!("tlog-proof: {e}"));
    out.push((
        format!("entry-{PROOF_ENTRY}.tlog-proof"),
        proof.to_text().into_bytes(),
    ));
    out.push((
        "keys-refused.json".to_string(),
        pretty(&json!({
            "about": "Ed25519 public keys every Gongzhang verifier refuses wherever a key enters (genesis, role grants, signatures' key): not a curve point, a non-canonical encoding (RFC 8032 section 5.1.3), or a weak (small-order) key. See docs/log-format.md section 5.",
            "keys": refused_keys(),
        })),
    ));
    out
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
