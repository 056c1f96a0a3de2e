//! The demo community's own checks: it replays, it is deterministic, it tells the whole story.

use super::calendar::{hm, months};
use super::values::fund;
use super::*;
use gongzhang_core::hash::sha256;
use gongzhang_core::log::{split_lines, verify_jsonl};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use time::Weekday;

/// The demo for seed 1, generated once for all the tests, with its generation time.
fn demo() -> &'static (Demo, Duration) {
    static DEMO: OnceLock<(Demo, Duration)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let start = Instant::now();
        let demo = community(1);
        (demo, start.elapsed())
    })
}

fn count(demo: &Demo, kind: &str) -> usize {
    demo.entries
        .iter()
        .filter(|e| e.event().kind() == kind)
        .count()
}

#[test]
fn demo_replays_from_scratch_without_a_violation() {
    let (demo, generated_in) = demo();
    let bytes = demo.jsonl();
    let start = Instant::now();
    let verified =
        verify_jsonl(&bytes).unwrap_or_else(|e| panic!("the demo log does not verify: {e}"));
    assert_eq!(verified.origin, ORIGIN);
    let mut ledger = Ledger::new();
    for line in split_lines(&bytes) {
        let entry = Entry::parse(line).unwrap_or_else(|e| panic!("{e}"));
        ledger
            .apply(&entry)
            .unwrap_or_else(|e| panic!("the demo breaks a rule on replay: {e}"));
    }
    let replayed_in = start.elapsed();
    assert_eq!(ledger.size(), demo.entries.len() as u64);
    assert_eq!(ledger.accounts(), demo.ledger.accounts());
    assert_eq!(ledger.households(), demo.ledger.households());
    assert_eq!(ledger.revoked(), demo.ledger.revoked());
    assert_eq!(ledger.last_closed(), Some(last_charged_period()));
    assert_eq!(ledger.log_key(), demo.log_signer.verifier().to_string());
    eprintln!(
        "demo community (seed 1): {} entries, {} bytes of log; generated in {:.2?}, verified and replayed in {:.2?}; by type: {:?}",
        demo.entries.len(),
        bytes.len(),
        generated_in,
        replayed_in,
        demo.summary.by_kind,
    );
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (demo, _) = demo();
    let again = community(1);
    assert_eq!(sha256(&again.jsonl()), sha256(&demo.jsonl()));
    let other = community(2);
    assert_ne!(sha256(&other.jsonl()), sha256(&demo.jsonl()));
}

#[test]
fn the_demo_has_every_part_of_the_story() {
    let (demo, _) = demo();
    let ledger = &demo.ledger;
    let s = &demo.summary;
    // About 600 households, registered in January 2025.
    let n = ledger.households().len();
    assert!((560..=640).contains(&n), "{n} households");
    assert_eq!(count(demo, "household_registered"), n);
    // 24 months charged, each entry small enough.
    let charged: BTreeSet<Period> = s.charged_periods.iter().copied().collect();
    assert_eq!(
        charged,
        months(first_period(), last_charged_period())
            .into_iter()
            .collect()
    );
    assert!(
        demo.entries
            .iter()
            .all(|e| e.bytes().len() <= gongzhang_core::entry::ENTRY_BYTES_MAX)
    );
    // Quarterly closes, contiguous from the first month.
    assert!(count(demo, "period_closed") >= 8);
    let mut next = first_period();
    for (range, _) in &s.closes {
        assert_eq!(range.from, next);
        next = range.to.next();
    }
    // The handover: the old treasurer key is revoked, the new one is treasurer and signs
    // every treasurer event after it.
    let old = demo.keys[TREASURER];
    let new = demo.keys[NEW_TREASURER];
    assert!(ledger.revoked().contains_key(&old));
    assert_eq!(ledger.treasurer(), Some(new));
    let (granted, revoked) = s.handover.unwrap_or_else(|| panic!("no handover"));
    assert_eq!(ledger.revoked()[&old], revoked);
    assert!(
        demo.entries[usize::try_from(granted).unwrap_or(0)..]
            .iter()
            .all(|e| e.signatures().iter().all(|sig| *sig.key() != old))
    );
    assert!(
        demo.entries[usize::try_from(revoked).unwrap_or(0) + 1..]
            .iter()
            .any(|e| e.signatures().iter().any(|sig| *sig.key() == new))
    );
    // Two reversals, demands, one audit.
    assert_eq!(count(demo, "reversal"), 2);
    assert!(count(demo, "payment_demand_issued") >= 1);
    assert_eq!(count(demo, "audit_attested"), 1);
    // Approvals of large expenditures, the grant and its project spending.
    assert!(count(demo, "expense_approved") >= 3 * 6);
    assert_eq!(count(demo, "grant_received"), 1);
    let project = fund(&format!("project:{METER_PROJECT}"));
    assert!(
        ledger
            .proposals()
            .values()
            .any(|p| p.body.fund == project && p.paid_at.is_some())
    );
    assert!(ledger.proposals().values().all(|p| p.paid_at.is_some()));
    // About 10% of households owe charges more than 6 months old at the end.
    let as_of = last_charged_period();
    let long_overdue = ledger
        .households()
        .values()
        .filter(|h| {
            h.outstanding()
                .iter()
                .any(|o| o.period.months_until(as_of) >= 6)
        })
        .count();
    let share = long_overdue as f64 / n as f64;
    assert!(
        (0.07..=0.13).contains(&share),
        "{long_overdue} of {n} households are more than 6 months behind"
    );
    let last = ledger.statement(PeriodRange {
        from: period(2026, 10),
        to: as_of,
    });
    assert!(last.arrears.age_6_12_fen.is_positive() && last.arrears.age_12_plus_fen.is_positive());
    // No fund below zero; nothing skipped for lack of money.
    assert!(
        ledger.fund_balances().values().all(|b| b.get() >= 0),
        "{:?}",
        ledger.fund_balances()
    );
    assert_eq!(s.skipped_for_funds, 0);
}

#[test]
fn every_document_the_log_names_is_kept_under_its_hash() {
    let (demo, _) = demo();
    fn hashes(value: &serde_json::Value, out: &mut BTreeSet<Hash>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match v.as_str().map(Hash::from_hex) {
                        Some(Ok(h)) if k == "sha256" || k.ends_with("_sha256") => {
                            out.insert(h);
                        }
                        _ => hashes(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| hashes(v, out)),
            _ => {}
        }
    }
    let mut named = BTreeSet::new();
    for e in &demo.entries {
        hashes(
            &serde_json::Value::Object(e.event().body().clone()),
            &mut named,
        );
    }
    let kept: BTreeSet<Hash> = demo.documents.keys().copied().collect();
    assert_eq!(kept, named);
    for (hash, bytes) in &demo.documents {
        assert_eq!(sha256(bytes), *hash);
        assert!(std::str::from_utf8(bytes).is_ok());
    }
}

#[test]
fn times_are_office_hours_in_beijing() {
    let (demo, _) = demo();
    let mut last = None;
    for e in &demo.entries {
        let t = e.recorded_at();
        assert!(last.is_none_or(|l| l <= t));
        last = Some(t);
        let beijing = t
            .as_offset_date_time()
            .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
        let minute = u32::from(beijing.hour()) * 60 + u32::from(beijing.minute());
        assert!(
            (hm(8, 30)..hm(19, 0)).contains(&minute),
            "entry {} at {t}",
            e.seq()
        );
        assert!(
            !matches!(beijing.weekday(), Weekday::Saturday | Weekday::Sunday),
            "entry {} at {t}",
            e.seq()
        );
    }
}
