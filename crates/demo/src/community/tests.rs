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

#[test]
fn the_demo_is_pinned_byte_for_byte() {
    // The program ships this log, and the docs and tests quote its figures: a change to the
    // generator must leave 幸福里 as it is (or change this test, the docs and the figures).
    let (demo, _) = demo();
    assert_eq!(demo.entries.len(), 10_912);
    assert_eq!(
        sha256(&demo.jsonl()).to_hex(),
        "d3f1ffc769a2d23902e7ec4e380ad84bbc7f51081597124dddf063defd01f45f"
    );
}

#[test]
fn the_demo_names_are_its_roles() {
    let names = Names::XINGFULI;
    for (n, role) in COMMITTEE.iter().enumerate() {
        assert_eq!(names.committee_member(n + 1), *role);
    }
    assert_eq!(names.treasurer(1), TREASURER);
    assert_eq!(names.treasurer(2), NEW_TREASURER);
    assert_eq!(names.auditor(), AUDITOR);
    assert_eq!(names.log_key_role(), LOG_KEY_ROLE);
    assert_eq!(format!("project:{METER_PROJECT}"), "project:meter-2025");
}

/// Verifies `entries` as a log and replays the rules; returns the ledger.
fn replayed(entries: &[Entry]) -> Ledger {
    let bytes = example::jsonl(entries);
    verify_jsonl(&bytes).unwrap_or_else(|e| panic!("the log does not verify: {e}"));
    let mut ledger = Ledger::new();
    for line in split_lines(&bytes) {
        let entry = Entry::parse(line).unwrap_or_else(|e| panic!("{e}"));
        ledger
            .apply(&entry)
            .unwrap_or_else(|e| panic!("the log breaks a rule on replay: {e}"));
    }
    ledger
}

#[test]
fn a_smaller_community_over_more_years_tells_the_story_every_year() {
    // One building (a twelfth of 幸福里's staff, bills and revenue), five years.
    let size = Size {
        buildings: 1,
        years: 5,
    };
    let mut generator = Generator::new(Names::XINGFULI, size, 3);
    let entries: Vec<Entry> = generator.by_ref().collect();
    generator.g.check_finished();
    let ledger = replayed(&entries);
    let s = generator.summary();
    assert_eq!(ledger.last_closed(), Some(size.last_charged_period()));
    assert_eq!(s.closes.len(), 4 * 5);
    assert_eq!(s.charged_periods.len(), 12 * 5);
    // Audits every January from the third year, and after the last.
    assert_eq!(s.by_kind.get("audit_attested"), Some(&4));
    // Handovers in the second and fourth years, the public revenue moved in the fourth.
    assert_eq!(s.by_kind.get("key_revoked"), Some(&2));
    assert_eq!(s.by_kind.get("funds_transferred"), Some(&1));
    assert_eq!(
        ledger.treasurer(),
        Some(Names::XINGFULI.treasurer(3)).map(|r| signer(&r).public_key())
    );
    // Grants in the first and third years (each finished the year after).
    assert_eq!(s.by_kind.get("grant_received"), Some(&2));
    assert!(ledger.proposals().values().all(|p| p.paid_at.is_some()));
    assert!(ledger.fund_balances().values().all(|b| b.get() >= 0));
    assert_eq!(s.skipped_for_funds, 0);
}

#[test]
fn a_larger_community_streams_and_stops_where_asked() {
    // 26 buildings: three times 幸福里's staff; its monthly bills need approvals.
    let size = Size {
        buildings: 26,
        years: 3,
    };
    let generator = Generator::new(Names::XINGFULI, size, 1).stop_after(6_000);
    let entries: Vec<Entry> = generator.collect();
    assert_eq!(entries.len(), 6_000);
    let ledger = replayed(&entries);
    let households = ledger.households().len();
    assert!(
        (1_150..=1_400).contains(&households),
        "{households} households"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.event().kind() == "expense_approved"),
        "no approvals"
    );
    assert!(ledger.fund_balances().values().all(|b| b.get() >= 0));
}
