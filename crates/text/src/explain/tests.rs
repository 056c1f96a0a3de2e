//! The messages' tests: every variant explained, in Chinese without Latin letters.

use super::reasons::*;
use super::*;
use crate::Lang;
use crate::names::*;
use gongzhang_core::canonical::CanonicalError;
use gongzhang_core::canonical::parse_canonical;
use gongzhang_core::entry::Entry;
use gongzhang_core::entry::{EntryError, RecordedAt};
use gongzhang_core::hash::Hash;
use gongzhang_core::keys::{AuthorKeyError, PublicKey};
use gongzhang_core::ledger::ReplayError;
use gongzhang_core::ledger::events::{BodyError, Outcome};
use gongzhang_core::ledger::types::Unit;
use gongzhang_core::ledger::types::{Fen, FundId, Matter, Period, Slug};
use gongzhang_core::ledger::{RuleError, Violation};
use gongzhang_core::log::LogError;
use std::collections::BTreeSet;

fn k(byte: u8) -> PublicKey {
    PublicKey([byte; 32])
}
fn fen(v: i64) -> Fen {
    Fen::new(v).unwrap()
}
fn p(y: u16, m: u8) -> Period {
    Period::new(y, m).unwrap()
}
fn unit(s: &str) -> Unit {
    Unit::try_from(s).unwrap()
}
fn fund_id(s: &str) -> FundId {
    FundId::try_from(s).unwrap()
}
fn slug(s: &str) -> Slug {
    Slug::try_from(s).unwrap()
}
fn rule(seq: u64, kind: &str, id: &str, violation: Violation) -> RuleError {
    RuleError {
        seq,
        event_id: id.into(),
        kind: kind.into(),
        violation,
    }
}
fn time(text: &str) -> RecordedAt {
    RecordedAt::parse(text).unwrap()
}
fn zh(e: &impl Explain) -> String {
    e.explain(Lang::Zh)
}

/// One of every variant of [`Violation`], some twice (variants with several messages).
fn violations() -> Vec<Violation> {
    use Violation as V;
    vec![
        V::Body(BodyError::UnknownType("meter_read".into())),
        V::Body(BodyError::Invalid {
            kind: "payment_received".into(),
            reason: "missing field `amount_fen`".into(),
        }),
        V::Body(BodyError::Invalid {
            kind: "household_registered".into(),
            reason: "\"3-2\" is not a unit number like 3-2-401".into(),
        }),
        V::GenesisNotSignedByMember { key: k(0x3a) },
        V::GenesisSignedByOutsider { key: k(0x3a) },
        V::InvalidGenesis {
            reason: "opening balances cannot be negative",
        },
        V::InvalidKey {
            key: k(0x3a),
            reason: AuthorKeyError::Weak,
        },
        V::NonCanonicalKey { key: k(0x3a) },
        V::SelfApproval { key: k(0x3a) },
        V::RevokedKey {
            key: k(0x3a),
            revoked_at: 7,
        },
        V::NotTreasurer { key: k(0x3a) },
        V::NoTreasurer,
        V::OneSignerExpected { found: 2 },
        V::NotCommitteeMember { key: k(0x3a) },
        V::QuorumNotMet {
            needed: 2,
            found: 1,
        },
        V::NotAuditor { key: k(0x3a) },
        V::DuplicateEvent {
            id: "hexie-0012".into(),
            first_seq: 11,
        },
        V::ConflictingEventId {
            id: "hexie-0012".into(),
            first_seq: 11,
        },
        V::UnitAlreadyRegistered {
            unit: unit("3-2-401"),
        },
        V::UnknownUnit {
            unit: unit("3-2-401"),
        },
        V::AreaNotPositive {
            unit: unit("3-2-401"),
        },
        V::AmountNotPositive {
            field: "lines.amount_fen",
        },
        V::AmountOutOfRange,
        V::NoFeeSchedule { period: p(2026, 1) },
        V::InvalidFeeSchedule,
        V::UnknownFeeItem {
            period: p(2026, 1),
            item: slug("property_fee"),
        },
        V::ChargeMismatch {
            unit: unit("3-2-401"),
            item: slug("property_fee"),
            period: p(2026, 1),
            stated: fen(4261),
            computed: fen(4262),
        },
        V::DuplicateCharge {
            unit: unit("3-2-401"),
            item: slug("property_fee"),
            period: p(2026, 1),
        },
        V::PeriodBeforeLedger {
            period: p(2025, 12),
            first: p(2026, 1),
        },
        V::UnknownFund {
            fund: fund_id("project:meter"),
        },
        V::FundOverdrawn {
            fund: fund_id("operating"),
            balance: fen(100_000),
            needed: fen(600_000),
        },
        V::NotAProjectFund {
            fund: fund_id("maintenance"),
        },
        V::ProjectMismatch {
            fund: fund_id("project:meter"),
            expected: Some("meter".into()),
            found: None,
        },
        V::ProjectMismatch {
            fund: fund_id("public_revenue"),
            expected: None,
            found: Some("meter".into()),
        },
        V::SameFund,
        V::UnknownProposal {
            id: "hexie-0012".into(),
        },
        V::ProposalWithdrawn {
            id: "hexie-0012".into(),
        },
        V::ProposalAlreadyPaid {
            id: "hexie-0012".into(),
            paid_at: 13,
        },
        V::AlreadyApproved {
            id: "hexie-0012".into(),
            key: k(0x3a),
        },
        V::ApprovalsMissing {
            id: "hexie-0012".into(),
            amount: fen(500_001),
            needed: 2,
            found: 1,
        },
        V::InvoiceIncomplete,
        V::UnknownDecision {
            id: "hexie-0004".into(),
        },
        V::DecisionNotPassed {
            id: "hexie-0004".into(),
        },
        V::DecisionWrongMatter {
            id: "hexie-0004".into(),
            found: Matter::FeeSchedule,
            needed: Matter::UseMaintenanceFund,
        },
        V::DecisionTotalsInconsistent {
            reason: "more yes votes than participants",
        },
        V::DecisionOutcomeMismatch {
            stated: Outcome::Passed,
            computed: Outcome::Rejected,
        },
        V::QuorumExceedsCommittee {
            needed: 4,
            members: 3,
        },
        V::QuorumExceedsCommittee {
            needed: 0,
            members: 3,
        },
        V::InvalidGrant {
            key: k(0x3a),
            reason: "it is already the treasurer",
        },
        V::AlreadyRevoked {
            key: k(0x3a),
            revoked_at: 7,
        },
        V::UnknownReversalTarget {
            id: "hexie-0012".into(),
        },
        V::AlreadyReversed {
            id: "hexie-0012".into(),
            by_seq: 14,
        },
        V::NotReversible {
            kind: "period_closed",
            hint: ": closes are final; correct the entries and let the next close show it",
        },
        V::NotInArrears {
            unit: unit("3-2-401"),
        },
        V::DemandAmountMismatch {
            unit: unit("3-2-401"),
            stated: fen(8000),
            computed: fen(8524),
        },
        V::PeriodNotContiguous {
            expected: p(2026, 2),
            found: p(2026, 3),
        },
        V::InvalidPeriodRange {
            from: p(2026, 1),
            to: p(2026, 6),
        },
        V::InvalidPeriodRange {
            from: p(2026, 3),
            to: p(2026, 1),
        },
        V::PeriodNotEnded { to: p(2026, 1) },
        V::StatementMismatch {
            field: "statement.funds[0].closing_fen".into(),
            stated: "1000000".into(),
            computed: "999900".into(),
        },
        V::AuditBeyondEntry { through_seq: 20 },
        V::LedgerFull {
            what: "entries",
            limit: 1 << 32,
        },
        V::MaintenanceDecisionMissing,
        V::NothingCharged,
        V::DuplicateBudgetLine {
            fund: "operating".try_into().unwrap(),
            category: "cleaning".try_into().unwrap(),
        },
        V::TotalAreaMismatch {
            stated: 1_000_000,
            registered: 987_654,
        },
    ]
}

fn log_errors() -> Vec<LogError> {
    let h1 = Hash([0x5f; 32]);
    let h2 = Hash([0x9a; 32]);
    vec![
        LogError::Malformed {
            seq: 3,
            line: 4,
            error: EntryError::MissingField { field: "event.id" },
        },
        LogError::Malformed {
            seq: 3,
            line: 4,
            error: EntryError::Canonical(CanonicalError::Float {
                text: "42.62".into(),
            }),
        },
        LogError::SeqMismatch {
            expected: 5,
            found: 6,
        },
        LogError::PrevHashMismatch {
            seq: 5,
            expected: h1,
            found: h2,
        },
        LogError::TimeWentBackwards {
            seq: 5,
            previous: time("2026-01-05T08:00:00.000Z"),
            found: time("2026-01-05T07:59:00.000Z"),
        },
        LogError::FirstEntryNotGenesis {
            found_type: "payment_received".into(),
        },
        LogError::GenesisOriginInvalid,
        LogError::SecondGenesis { seq: 5 },
        LogError::OriginMismatch {
            expected: "gongzhang.example/hexie-jiayuan".into(),
            found: "gongzhang.example/other".into(),
        },
        LogError::GenesisHashMismatch {
            expected: h1,
            found: h2,
        },
        LogError::BadSignature {
            seq: 5,
            key: k(0x3a),
        },
        LogError::InvalidKey {
            seq: 5,
            key: k(0x3a),
            reason: AuthorKeyError::Weak,
        },
        LogError::NonCanonicalKey {
            seq: 5,
            key: k(0x3a),
        },
        LogError::Empty,
        LogError::UnterminatedLastLine { seq: 15 },
        LogError::SizeMismatch {
            checkpoint_size: 16,
            log_size: 15,
        },
        LogError::RootMismatch {
            size: 16,
            expected: h1,
            computed: h2,
        },
    ]
}

fn entry_errors() -> Vec<EntryError> {
    vec![
        EntryError::TooLarge { found_bytes: 70000 },
        EntryError::Canonical(CanonicalError::TooDeep),
        EntryError::NotAnObject,
        EntryError::MissingField {
            field: "signatures",
        },
        EntryError::UnknownField {
            field: "hexie".into(),
        },
        EntryError::InvalidField {
            field: "prev_hash",
            expected: "64 lowercase hexadecimal digits",
        },
        EntryError::UnsupportedVersion { found: 2 },
        EntryError::InvalidSignatureField {
            index: 0,
            reason: "`sig` must be 128 lowercase hexadecimal digits",
        },
        EntryError::SignaturesNotSorted { index: 1 },
    ]
}

fn canonical_errors() -> Vec<CanonicalError> {
    vec![
        CanonicalError::NotUtf8 { offset: 1 },
        CanonicalError::Syntax {
            column: 3,
            message: "expected value".into(),
        },
        CanonicalError::DuplicateKey {
            key: "hexie".into(),
        },
        CanonicalError::Float {
            text: "42.62".into(),
        },
        CanonicalError::IntegerOutOfRange {
            text: "9007199254740993".into(),
        },
        CanonicalError::TooDeep,
        CanonicalError::NotCanonical { offset: 5 },
    ]
}

/// Every message in Chinese, with the English one.
fn all_messages() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in violations() {
        out.push((zh(&v), v.to_string()));
        let r = rule(14, "expense_paid", "hexie-0014", v);
        out.push((zh(&r), r.to_string()));
        let replay = ReplayError::Rule(r);
        out.push((zh(&replay), replay.to_string()));
    }
    for e in log_errors() {
        out.push((zh(&e), e.to_string()));
        let replay = ReplayError::Log(e);
        out.push((zh(&replay), replay.to_string()));
    }
    for e in entry_errors() {
        out.push((zh(&e), e.to_string()));
    }
    for e in canonical_errors() {
        out.push((zh(&e), e.to_string()));
    }
    out
}

#[test]
fn english_is_the_display_text() {
    for v in violations() {
        assert_eq!(v.explain(Lang::En), v.to_string());
        let r = rule(3, "payment_received", "hexie-0004", v);
        assert_eq!(r.explain(Lang::En), r.to_string());
        let replay = ReplayError::Rule(r);
        assert_eq!(replay.explain(Lang::En), replay.to_string());
    }
    for e in log_errors() {
        assert_eq!(e.explain(Lang::En), e.to_string());
        let replay = ReplayError::Log(e);
        assert_eq!(replay.explain(Lang::En), replay.to_string());
    }
    for e in entry_errors() {
        assert_eq!(e.explain(Lang::En), e.to_string());
    }
    for e in canonical_errors() {
        assert_eq!(e.explain(Lang::En), e.to_string());
    }
    let body = BodyError::UnknownType("meter_read".into());
    assert_eq!(body.explain(Lang::En), body.to_string());
    assert_eq!(Lang::default(), Lang::Zh);
}

#[test]
fn chinese_messages_are_chinese() {
    // What may be written in Latin letters: ids, unit numbers, fee item and project codes,
    // ledger origins, and hexadecimal digits of keys and hashes (shown before `…`).
    const ALLOWED: [&str; 10] = [
        "cleaning",
        "hexie-0014",
        "hexie-0012",
        "hexie-0004",
        "gongzhang.example/hexie-jiayuan",
        "gongzhang.example/other",
        "property_fee",
        "meter_read",
        "meter",
        "hexie",
    ];
    const ENGLISH: [&str; 16] = [
        "entry",
        "fund",
        "key",
        "the ",
        "must",
        "signature",
        "proposal",
        "unit",
        "yuan",
        "fen",
        "amount",
        "period",
        "statement",
        "schedule",
        "is not",
        "error",
    ];
    for (zh, en) in all_messages() {
        assert_ne!(zh, en);
        let mut rest = zh.clone();
        for allowed in ALLOWED {
            rest = rest.replace(allowed, "");
        }
        let lower = rest.to_lowercase();
        for word in ENGLISH {
            assert!(!lower.contains(word), "{word:?} in {zh}");
        }
        // Eight hexadecimal digits before an ellipsis.
        while let Some(end) = rest.find('…') {
            let start = rest[..end]
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_ascii_hexdigit())
                .last()
                .map_or(end, |(i, _)| i);
            assert_eq!(end - start, 8, "{zh}");
            rest.replace_range(start..end + '…'.len_utf8(), "");
        }
        assert!(
            !rest.chars().any(|c| c.is_ascii_alphabetic()),
            "Latin letters in {zh}"
        );
        assert!(
            zh.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
                >= 8,
            "{zh}"
        );
        assert!(zh.ends_with('。'), "{zh}");
    }
}

#[test]
fn every_variant_has_a_sample() {
    fn names<T: std::fmt::Debug>(values: &[T]) -> BTreeSet<String> {
        values
            .iter()
            .map(|v| {
                format!("{v:?}")
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect()
            })
            .collect()
    }
    assert_eq!(
        names(&violations()),
        variants(
            include_str!("../../../core/src/ledger/violation.rs"),
            "Violation"
        )
    );
    assert_eq!(
        names(&log_errors()),
        variants(include_str!("../../../core/src/log.rs"), "LogError")
    );
    assert_eq!(
        names(&entry_errors()),
        variants(include_str!("../../../core/src/entry.rs"), "EntryError")
    );
    assert_eq!(
        names(&canonical_errors()),
        variants(
            include_str!("../../../core/src/canonical.rs"),
            "CanonicalError"
        )
    );
}

/// The variant names of `pub enum name` in `source`.
fn variants(source: &str, name: &str) -> BTreeSet<String> {
    let start = source.find(&format!("pub enum {name} {{")).unwrap();
    source[start..]
        .lines()
        .skip(1)
        .take_while(|l| *l != "}")
        .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
        .map(str::trim)
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| l.chars().take_while(char::is_ascii_alphanumeric).collect())
        .collect()
}

/// The string literals that follow `marker` in the code of `source` (before its tests).
fn literals_after(source: &str, marker: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap();
    let mut out = Vec::new();
    for (i, _) in code.match_indices(marker) {
        let rest = code[i + marker.len()..].trim_start();
        if let Some(text) = rest.strip_prefix('"') {
            out.push(text[..text.find('"').unwrap()].to_string());
        }
    }
    out
}

#[test]
fn every_reason_the_code_gives_has_chinese() {
    let rules = concat!(
        include_str!("../../../core/src/ledger/rules/mod.rs"),
        include_str!("../../../core/src/ledger/rules/signers.rs"),
        include_str!("../../../core/src/ledger/rules/genesis.rs"),
        include_str!("../../../core/src/ledger/rules/roles.rs"),
        include_str!("../../../core/src/ledger/rules/households.rs"),
        include_str!("../../../core/src/ledger/rules/charges.rs"),
        include_str!("../../../core/src/ledger/rules/payments.rs"),
        include_str!("../../../core/src/ledger/rules/funds.rs"),
        include_str!("../../../core/src/ledger/rules/expenses.rs"),
        include_str!("../../../core/src/ledger/rules/decisions.rs"),
        include_str!("../../../core/src/ledger/rules/closes.rs"),
        include_str!("../../../core/src/ledger/rules/reversals.rs"),
    );
    let reasons = literals_after(rules, "reason: ");
    assert!(reasons.len() >= 9, "{reasons:?}");
    for r in reasons {
        assert!(
            genesis_reason(&r).or(grant_reason(&r)).is_some(),
            "no Chinese for {r:?}"
        );
    }
    let totals = literals_after(rules, "bad(");
    assert_eq!(totals.len(), 4);
    for r in totals {
        assert!(totals_reason(&r).is_some(), "no Chinese for {r:?}");
    }
    for f in literals_after(rules, "AmountNotPositive { field: ") {
        assert!(!field_path(&f).is_ascii(), "no Chinese for {f:?}");
    }
    let entry = include_str!("../../../core/src/entry.rs");
    let expected = literals_after(entry, "expected: ");
    assert!(!expected.is_empty());
    for x in expected {
        assert!(entry_expected(&x).is_some(), "no Chinese for {x:?}");
    }
    // invalid("field", "expected"): the second literal.
    let code = entry.split("#[cfg(test)]").next().unwrap();
    let mut calls = 0;
    for (i, _) in code.match_indices("invalid(") {
        let args = &code[i + "invalid(".len()..];
        let args = &args[..args.find(')').unwrap()];
        let literals: Vec<&str> = args.split('"').skip(1).step_by(2).collect();
        if let [field, x] = literals[..] {
            calls += 1;
            assert_ne!(entry_field(field), field, "no Chinese for {field:?}");
            assert!(entry_expected(x).is_some(), "no Chinese for {x:?}");
        }
    }
    assert!(calls >= 7, "{calls}");
    for f in literals_after(entry, "MissingField { field: ")
        .into_iter()
        .chain(literals_after(entry, "field: "))
        .filter(|f| !f.contains(' '))
    {
        assert_ne!(entry_field(&f), f, "no Chinese for {f:?}");
    }
    let bad = literals_after(entry, "bad(");
    assert!(bad.len() >= 6, "{bad:?}");
    for r in bad {
        assert!(signature_reason(&r).is_some(), "no Chinese for {r:?}");
    }
}

#[test]
fn every_event_type_has_a_chinese_name() {
    use gongzhang_core::ledger::events::{EVENT_TYPES, EventKind};
    let names: BTreeSet<&str> = EventKind::ALL.iter().map(|k| kind_zh(*k)).collect();
    assert_eq!(names.len(), EVENT_TYPES.len());
    assert_eq!(kind_label("meter_read"), "“meter_read”类");
    assert_eq!(kind_label("period_closed"), "结账");
}

#[test]
fn the_chinese_and_english_hints_for_what_cannot_be_reversed_cover_the_same_kinds() {
    use gongzhang_core::ledger::events::EventKind;
    for kind in EventKind::ALL {
        let Violation::NotReversible { hint, .. } = Violation::not_reversible(kind) else {
            unreachable!()
        };
        assert_eq!(
            hint.is_empty(),
            not_reversible_hint(kind).is_empty(),
            "{kind}: English {hint:?}, Chinese {:?}",
            not_reversible_hint(kind)
        );
    }
}

#[test]
fn approvals_missing() {
    let v = Violation::ApprovalsMissing {
        id: "hexie-0012".into(),
        amount: fen(500_001),
        needed: 2,
        found: 1,
    };
    assert_eq!(
        zh(&v),
        "这笔支出 5000.01 元超过了需要审批的金额，还需要 2 位业委会委员批准，目前只有 1 位。请先请委员批准，再付款。"
    );
    assert_eq!(
        zh(&rule(14, "expense_paid", "hexie-0014", v)),
        "第 14 条记录（付款，编号 hexie-0014）：这笔支出 5000.01 元超过了需要审批的金额，还需要 2 位业委会委员批准，目前只有 1 位。请先请委员批准，再付款。"
    );
}

#[test]
fn fund_overdrawn() {
    let v = Violation::FundOverdrawn {
        fund: fund_id("operating"),
        balance: fen(100_000),
        needed: fen(600_000),
    };
    assert_eq!(
        zh(&v),
        "物业费资金只剩 1000.00 元，不够支付 6000.00 元。任何一项资金都不能透支，请先核实资金来源或减少金额。"
    );
    let v = Violation::FundOverdrawn {
        fund: fund_id("project:meter"),
        balance: fen(5),
        needed: fen(1_000_000),
    };
    assert_eq!(
        zh(&v),
        "专项资金（meter）只剩 0.05 元，不够支付 10000.00 元。任何一项资金都不能透支，请先核实资金来源或减少金额。"
    );
}

#[test]
fn charge_mismatch() {
    let v = Violation::ChargeMismatch {
        unit: unit("3-2-401"),
        item: slug("property_fee"),
        period: p(2026, 1),
        stated: fen(4261),
        computed: fen(4262),
    };
    assert_eq!(
        zh(&rule(6, "charges_assessed", "hexie-0007", v)),
        "第 6 条记录（记应缴费用，编号 hexie-0007）：2026年1月，房号 3-2-401 的“property_fee”按公示的收费标准应为 42.62 元，这里写的是 42.61 元。收费必须与公示的标准一致（明码标价），请改为 42.62 元。"
    );
}

#[test]
fn revoked_key() {
    let key =
        PublicKey::from_hex("3ae63f54d15cea96ee5e0802dbcaf6e62b06baca48fc9b84279256d0b202d51b")
            .unwrap();
    let v = Violation::RevokedKey { key, revoked_at: 9 };
    assert_eq!(
        zh(&v),
        "密钥 3ae63f54… 已在第 9 条被注销，之后不能再签任何记录。请改用业委会重新授权的新密钥。"
    );
}

#[test]
fn statement_mismatch() {
    let v = Violation::StatementMismatch {
        field: "statement.funds[0].closing_fen".into(),
        stated: "1000000".into(),
        computed: "999900".into(),
    };
    assert_eq!(
        zh(&v),
        "结账报表里的“资金表第 1 行的本期结余”写的是 10000.00 元，但按账本记录算出来应为 9999.00 元。请用程序算出的报表重新结账。"
    );
    let v = Violation::StatementMismatch {
        field: "statement.funds[1].fund".into(),
        stated: "\"maintenance\"".into(),
        computed: "\"public_revenue\"".into(),
    };
    assert_eq!(
        zh(&v),
        "结账报表里的“资金表第 2 行的资金”写的是“维修资金”，但按账本记录算出来应为“公共收益”。请用程序算出的报表重新结账。"
    );
    let v = Violation::StatementMismatch {
        field: "statement.arrears.units_in_arrears".into(),
        stated: "3".into(),
        computed: "4".into(),
    };
    assert_eq!(
        zh(&v),
        "结账报表里的“欠费户数”写的是 3，但按账本记录算出来应为 4。请用程序算出的报表重新结账。"
    );
    let v = Violation::StatementMismatch {
        field: "statement.spending.length".into(),
        stated: "absent".into(),
        computed: "2".into(),
    };
    assert_eq!(
        zh(&v),
        "结账报表里的“支出表的行数”写的是（没有），但按账本记录算出来应为 2。请用程序算出的报表重新结账。"
    );
}

#[test]
fn quorum_not_met() {
    let v = Violation::QuorumNotMet {
        needed: 3,
        found: 1,
    };
    assert_eq!(
        zh(&v),
        "这件事需要 3 位业委会委员共同签名，目前只有 1 位，还差 2 位。请其他委员签名后再提交。"
    );
}

#[test]
fn not_treasurer_and_no_treasurer() {
    assert_eq!(
        zh(&Violation::NotTreasurer { key: k(0xab) }),
        "这类记录只能由现任出纳签名，密钥 abababab… 不是现任出纳。请用出纳的密钥签名。"
    );
    assert_eq!(
        zh(&Violation::NoTreasurer),
        "现在没有出纳：原来的出纳密钥已被注销，还没有指定新出纳。请业委会先为新出纳的密钥授权。"
    );
    assert_eq!(
        zh(&Violation::NotAuditor { key: k(0x01) }),
        "这类记录只能由街道办审计签名，密钥 01010101… 不是现任街道办审计。"
    );
}

#[test]
fn units_and_months() {
    assert_eq!(
        zh(&Violation::UnknownUnit {
            unit: unit("3-2-401")
        }),
        "房号 3-2-401 还没有登记。请检查房号是否写错；如果是新登记的房屋，请先登记。"
    );
    assert_eq!(
        zh(&Violation::NoFeeSchedule { period: p(2026, 1) }),
        "2026年1月还没有生效的收费标准，不能收取这个月的费用。请先由业委会公布经业主大会通过的收费标准。"
    );
    assert_eq!(
        zh(&Violation::PeriodNotEnded { to: p(2026, 12) }),
        "2026年12月还没有过完（按北京时间），要等2026年12月结束后才能结账。"
    );
    assert_eq!(
        zh(&Violation::DemandAmountMismatch {
            unit: unit("12-1-1501"),
            stated: fen(8000),
            computed: fen(8524),
        }),
        "房号 12-1-1501 目前欠费 85.24 元，催缴通知上写的是 80.00 元。请按实际欠费 85.24 元填写。"
    );
}

#[test]
fn decisions() {
    assert_eq!(
        zh(&Violation::DecisionWrongMatter {
            id: "hexie-0004".into(),
            found: Matter::FeeSchedule,
            needed: Matter::UseMaintenanceFund,
        }),
        "业主大会决定 hexie-0004 表决的是“制定收费标准”，这里需要的是关于“使用维修资金”的决定。请引用正确的决定。"
    );
    assert_eq!(
        zh(&Violation::DecisionOutcomeMismatch {
            stated: Outcome::Passed,
            computed: Outcome::Rejected,
        }),
        "表决结果记为“通过”，但按计票数字和《民法典》第二百七十八条的规定，结果应为“未通过”。请核对计票结果。"
    );
    let all = [
        Matter::RaiseMaintenanceFund,
        Matter::Rebuild,
        Matter::ChangeCommonUse,
        Matter::UseMaintenanceFund,
        Matter::FeeSchedule,
        Matter::ElectCommittee,
        Matter::FundTransfer,
        Matter::Budget,
        Matter::Other,
    ];
    let names: BTreeSet<&str> = all.iter().map(|m| matter(*m)).collect();
    assert_eq!(names.len(), all.len());
}

#[test]
fn project_mismatch() {
    assert_eq!(
        zh(&Violation::ProjectMismatch {
            fund: fund_id("project:meter"),
            expected: Some("meter".into()),
            found: Some("roof".into()),
        }),
        "从专项资金（meter）支出，项目必须是“meter”，这里写的是“roof”。专项资金只能用于它自己的项目。"
    );
}

#[test]
fn self_approval_period_ranges_and_torn_files() {
    assert_eq!(
        zh(&Violation::SelfApproval { key: k(0x3a) }),
        "密钥 3a3a3a3a… 是提出这笔支出的人，不能自己批准自己的申请。请由其他业委会委员批准。"
    );
    assert_eq!(
        zh(&Violation::InvalidPeriodRange {
            from: p(2026, 2),
            to: p(2026, 4),
        }),
        "一次结账只能是一个月，或者一个完整的季度（1月到3月、4月到6月、7月到9月、10月到12月），从2026年2月到2026年4月都不是。请改正结账的月份。"
    );
    assert_eq!(
        zh(&LogError::UnterminatedLastLine { seq: 15 }),
        "账本文件的最后一行（第 15 条记录）没有正常结尾：文件不完整，可能没有下载完或保存时被中断了。请重新下载完整的账本文件再核对。"
    );
}

#[test]
fn not_reversible() {
    assert_eq!(
        zh(&Violation::NotReversible {
            kind: "period_closed",
            hint: "",
        }),
        "“结账”这类记录不能撤销。结账后不能更改；请改正有关记录，下次结账时会反映出来。"
    );
}

#[test]
fn invalid_genesis_and_grant() {
    assert_eq!(
        zh(&Violation::InvalidGenesis {
            reason: "opening balances cannot be negative"
        }),
        "开账记录的内容不对：开账余额不能是负数。请改正后由全体委员重新签名。"
    );
    assert_eq!(
        zh(&Violation::InvalidGrant {
            key: k(0x3a),
            reason: "the key is revoked"
        }),
        "不能给密钥 3a3a3a3a… 授予这个角色：这把密钥已被注销，请让本人换一把新密钥再授权。"
    );
    assert_eq!(
        zh(&Violation::QuorumExceedsCommittee {
            needed: 4,
            members: 3
        }),
        "需要 4 位委员批准，但业委会只有 3 位委员，这样以后任何事都批不下来。请先增补委员，或减少需要批准的人数。"
    );
}

#[test]
fn body_errors() {
    assert_eq!(
        zh(&Violation::Body(BodyError::Invalid {
            kind: "payment_received".into(),
            reason: "missing field `amount_fen`".into(),
        })),
        "这条收到业主缴费记录的内容填写不对：缺少“金额”。请对照填写要求改正后重新提交。"
    );
    assert_eq!(
        zh(&Violation::Body(BodyError::Invalid {
            kind: "household_registered".into(),
            reason: "\"3-2\" is not a unit number like 3-2-401".into(),
        })),
        "这条登记房屋记录的内容填写不对：房号“3-2”的写法不对，应写成“楼号-单元号-房号”，例如 3-2-401。请对照填写要求改正后重新提交。"
    );
    assert_eq!(
        zh(&Violation::AmountNotPositive {
            field: "lines.amount_fen"
        }),
        "预算明细中的金额必须大于零。请填写正确的金额。"
    );
}

#[test]
fn body_reasons_from_serde() {
    use gongzhang_core::entry::Event;
    use gongzhang_core::ledger::events::LedgerEvent;
    let body = |json: &str| match serde_json::from_str(json).unwrap() {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    let reason = |kind: &str, json: &str| {
        let event = Event::new("hexie-0100", kind, body(json)).unwrap();
        match LedgerEvent::from_event(&event) {
            Err(BodyError::Invalid { reason, .. }) => body_reason(&reason),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        reason("payment_received", r#"{"unit":"3-2-401","channel":"cash"}"#),
        "缺少“金额”"
    );
    assert_eq!(
        reason(
            "household_registered",
            r#"{"unit":"3-2","area_centi_m2":8523}"#
        ),
        "房号“3-2”的写法不对，应写成“楼号-单元号-房号”，例如 3-2-401"
    );
    assert_eq!(
        reason("charges_assessed", r#"{"period":"2026-13","charges":[]}"#),
        "月份“2026-13”的写法不对，应写成 2026-01 这样"
    );
    assert_eq!(
        reason(
            "payment_received",
            r#"{"unit":"3-2-401","amount_fen":100,"channel":"cheque"}"#
        ),
        "“cheque”不是可以选的值"
    );
    assert_eq!(
        reason(
            "household_registered",
            r#"{"unit":"3-2-401","area_centi_m2":8523,"owner":"x"}"#
        ),
        "多了程序不认识的一项“owner”"
    );
    assert_eq!(
        reason(
            "household_registered",
            r#"{"unit":"3-2-401","area_centi_m2":"85"}"#
        ),
        "有一项内容的类型不对，例如该填数字的地方填了文字"
    );
}

#[test]
fn log_errors_in_chinese() {
    assert_eq!(
        zh(&LogError::BadSignature {
            seq: 5,
            key: k(0x3a)
        }),
        "第 5 条记录上密钥 3a3a3a3a… 的签名对不上：记录内容在签名之后被改动过，或者签名是伪造的。请重新下载原始账本文件再核对；如果问题还在，请立即向业委会和街道办报告。"
    );
    assert_eq!(
        zh(&LogError::TimeWentBackwards {
            seq: 5,
            previous: time("2026-01-05T08:00:00.000Z"),
            found: time("2026-01-05T07:59:59.250Z"),
        }),
        "第 5 条记录的时间（北京时间 2026年1月5日 15:59:59.250）早于前一条（北京时间 2026年1月5日 16:00:00）：记录时间不能倒退，可能有记录被插入或改动过。请重新下载原始账本文件再核对；如果问题还在，请立即向业委会和街道办报告。"
    );
    assert_eq!(
        zh(&LogError::Malformed {
            seq: 3,
            line: 4,
            error: EntryError::Canonical(CanonicalError::Float {
                text: "42.62".into()
            }),
        }),
        "账本文件第 4 行（第 3 条记录）有问题：数字 42.62 带有小数。金额要以“分”为单位写成整数，例如 42.62 元写成 4262。账本文件可能损坏了，或被人手工改过。请不要手工修改账本文件；请重新下载原始文件再核对，问题仍在时请联系系统维护人员。"
    );
    assert_eq!(
        zh(&LogError::SizeMismatch {
            checkpoint_size: 16,
            log_size: 15
        }),
        "检查点担保的是 16 条记录，但账本文件里有 15 条：账本文件被截短了，或者多出了检查点没有担保的记录。请重新下载最新的账本文件和检查点再核对。"
    );
}

#[test]
fn real_errors_from_the_parser() {
    // Errors made by the code, not by hand, read as the samples do.
    let e = parse_canonical(br#"{"a":1,"a":2}"#).unwrap_err();
    assert!(zh(&e).starts_with("同一项“a”写了两次。"), "{}", zh(&e));
    let e = Entry::parse(b"[]").unwrap_err();
    assert!(
        zh(&e).starts_with("这一行不是一条完整的记录。"),
        "{}",
        zh(&e)
    );
    let e = Entry::parse(br#"{"version":2}"#).unwrap_err();
    assert_eq!(
        zh(&e),
        "记录的格式版本是第 2 版，这个程序只认识第 1 版。请把程序更新到最新版本后再核对。"
    );
}
