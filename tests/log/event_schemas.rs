//! The event body schemas (`schemas/events/`) describe exactly what the Rust parser
//! (`LedgerEvent::from_event`) reads: one schema per event type, each accepting the bodies the
//! Rust structs write and refusing what the parser refuses (a missing or unknown member, a wrong
//! enum value, a bad pattern, a float …), and both refusing `null` in an optional member (absent or a value, one spelling only).
//! The one deliberate difference: the money amounts the ledger rules require to be positive have
//! `minimum: 1` in the schemas (fee rates `minimum: 0`), while the parser reads any fen and leaves
//! the refusal to the rules.

use gongzhang_core::entry::{Event, EventError};
use gongzhang_core::keys::PublicKey;
use gongzhang_core::ledger::events::{
    ArrearsSummary, AuditAttested, BodyError, BudgetAdopted, BudgetLine, CategoryAmount, Charge,
    ChargesAssessed, EVENT_TYPES, ExpenseApproved, ExpensePaid, ExpenseProposed, FeeItem,
    FeeScheduleAdopted, FundAmount, FundStatement, FundsTransferred, Governance, GrantReceived,
    HashHex, HouseholdCorrected, HouseholdRegistered, IncomeReceived, Invoice, KeyHex, KeyRevoked,
    LedgerEvent, LedgerOpened, OwnersDecision, PaymentDemandIssued, PaymentReceived, PeriodClosed,
    Reversal, RoleGranted, Statement, VoteTotals,
};
use gongzhang_core::ledger::types::{
    Channel, FEN_MAX, FeeBasis, Fen, FundId, InvoiceKind, Label, Matter, Period, PeriodRange, Role,
    Slug, Unit,
};
use gongzhang_tests::project_root;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

const BASE: &str = "https://gongzhang.example/schemas/v1/";
const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

// ---------------------------------------------------------------------------------------------
// The schema files and validators.

/// Every schema file under `schemas/` and `schemas/events/`: (path relative to `schemas/`, value).
fn schema_files() -> Vec<(String, Value)> {
    let root = project_root().join("schemas");
    let mut files = Vec::new();
    for dir in ["", "events"] {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("schemas/{dir}: {e}"))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".schema.json"))
            .collect();
        names.sort();
        for name in names {
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let bytes = std::fs::read(root.join(&rel)).unwrap();
            let value: Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("schemas/{rel} is not JSON: {e}"));
            files.push((rel, value));
        }
    }
    files
}

/// The event types that have a schema in `schemas/events/`.
fn event_schema_types() -> BTreeSet<String> {
    schema_files()
        .into_iter()
        .filter_map(|(rel, _)| {
            rel.strip_prefix("events/")?
                .strip_suffix(".schema.json")
                .map(String::from)
        })
        .filter(|t| t != "common")
        .collect()
}

/// Validation options with every schema file registered under its `$id`, so that any of them
/// can `$ref` any other without a network.
pub(crate) fn registered_options() -> jsonschema::ValidationOptions {
    let mut options = jsonschema::options().with_draft(jsonschema::Draft::Draft202012);
    for (rel, schema) in schema_files() {
        let id = schema["$id"]
            .as_str()
            .unwrap_or_else(|| panic!("schemas/{rel} has no $id"))
            .to_string();
        let resource = jsonschema::Resource::from_contents(schema)
            .unwrap_or_else(|e| panic!("schemas/{rel} is not a resource: {e}"));
        options = options.with_resource(id, resource);
    }
    options
}

/// A validator for the schema whose `$id` is `BASE` + `rel`.
fn validator(rel: &str) -> jsonschema::Validator {
    registered_options()
        .build(&json!({ "$ref": format!("{BASE}{rel}") }))
        .unwrap_or_else(|e| panic!("{rel} does not compile: {e}"))
}

/// The validators of every body schema, by event type, and the envelope's.
struct Validators {
    bodies: BTreeMap<&'static str, jsonschema::Validator>,
    envelope: jsonschema::Validator,
}

impl Validators {
    fn new() -> Validators {
        let bodies = EVENT_TYPES
            .iter()
            .map(|&t| (t, validator(&format!("events/{t}.schema.json"))))
            .collect();
        Validators {
            bodies,
            envelope: validator("event.schema.json"),
        }
    }

    /// The schema's errors for `body` as a `kind` event, checked both on its own and inside an
    /// event envelope (which must agree).
    fn errors(&self, kind: &str, body: &Value) -> Vec<String> {
        let errors: Vec<String> = self.bodies[kind]
            .iter_errors(body)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        let envelope = json!({ "body": body, "id": "e-1", "type": kind });
        assert_eq!(
            self.envelope.is_valid(&envelope),
            errors.is_empty(),
            "the envelope schema and the {kind} body schema disagree on {body}"
        );
        errors
    }

    fn accepts(&self, kind: &str, body: &Value) -> bool {
        self.errors(kind, body).is_empty()
    }
}

/// How the Rust side refused a body, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// `Event::new` refused it: not canonical JSON (a float, an integer beyond ±(2^53−1)).
    Canonical,
    /// `LedgerEvent::from_event` refused it with `BodyError::Invalid`.
    Body,
}

/// Reads `body` as a `kind` event the way the ledger does; `None` if it is accepted.
fn parser_refusal(kind: &str, body: &Value) -> Option<Refusal> {
    let Value::Object(map) = body.clone() else {
        panic!("a body is an object")
    };
    let event = match Event::new("e-1", kind, map) {
        Ok(event) => event,
        Err(EventError::Body(_)) => return Some(Refusal::Canonical),
        Err(e) => panic!("unexpected envelope error for {kind}: {e}"),
    };
    match LedgerEvent::from_event(&event) {
        Ok(parsed) => {
            assert_eq!(parsed.kind(), kind);
            None
        }
        Err(BodyError::Invalid { kind: k, reason }) => {
            assert_eq!(k, kind);
            assert!(!reason.is_empty());
            Some(Refusal::Body)
        }
        Err(e) => panic!("unexpected parser error for {kind}: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Sample events, built from the Rust structs.

fn fen(v: i64) -> Fen {
    Fen::new(v).unwrap()
}
fn period(s: &str) -> Period {
    Period::try_from(s.to_string()).unwrap()
}
fn unit(s: &str) -> Unit {
    Unit::try_from(s).unwrap()
}
fn slug(s: &str) -> Slug {
    Slug::try_from(s).unwrap()
}
fn label(s: &str) -> Label {
    Label::try_from(s).unwrap()
}
fn fund(s: &str) -> FundId {
    FundId::try_from(s).unwrap()
}
/// The example ledger's keys (docs/log-format.md section 12).
fn key(i: usize) -> KeyHex {
    const KEYS: [&str; 5] = [
        "97c1e78e03c365e6cf4c3d8b8bf9d5b91065b2cfb504b9db79acc3e34b56fdf8",
        "88fd07077fe50d461101eaa46118e6960fcb494a716de6340316d0374299d070",
        "0cdf54fea9c0afd913aa4e9e2d0aedc20b2c3046fa3ee4e413e13aad837e7f0e",
        "3ae63f54d15cea96ee5e0802dbcaf6e62b06baca48fc9b84279256d0b202d51b",
        "6ba8f94a35adb325cabaad1b3c6e77dfb23836e866d6a52c13741e1ebaff31f5",
    ];
    KeyHex(PublicKey::from_hex(KEYS[i]).unwrap())
}
fn sha(byte: u8) -> HashHex {
    HashHex(gongzhang_core::Hash::from_hex(&format!("{byte:02x}").repeat(32)).unwrap())
}

fn genesis() -> LedgerOpened {
    LedgerOpened {
        origin: "gongzhang.example/hexie-jiayuan".into(),
        community: label("和谐家园小区"),
        log_key:
            "gongzhang.example/hexie-jiayuan+538e94e8+AcQyDRYQ9ApwG1SUhTa4EunAKzRpiVEmr2PyxocRL3ad"
                .into(),
        committee: vec![key(0), key(1), key(2)],
        treasurer: key(3),
        auditor: key(4),
        governance: Governance {
            approval_threshold_fen: fen(500_000),
            approvals_required: 2,
        },
        first_period: period("2026-01"),
        opening_balances: vec![
            FundAmount {
                fund: fund("operating"),
                amount_fen: fen(1_234_500),
            },
            FundAmount {
                fund: fund("maintenance"),
                amount_fen: fen(88_000_000),
            },
        ],
    }
}

fn statement() -> Statement {
    Statement {
        period: PeriodRange {
            from: period("2026-01"),
            to: period("2026-03"),
        },
        funds: vec![FundStatement {
            fund: fund("operating"),
            opening_fen: fen(1_234_500),
            received_fen: fen(66_126),
            spent_fen: fen(600_000),
            transferred_fen: fen(-10_000),
            closing_fen: fen(690_626),
        }],
        charged: vec![CategoryAmount {
            fund: fund("operating"),
            category: slug("property_fee"),
            amount_fen: fen(9_387),
        }],
        income: vec![CategoryAmount {
            fund: fund("operating"),
            category: slug("property_fee"),
            amount_fen: fen(66_126),
        }],
        spending: vec![CategoryAmount {
            fund: fund("operating"),
            category: slug("cleaning"),
            amount_fen: fen(600_000),
        }],
        arrears: ArrearsSummary {
            units_in_arrears: 1,
            total_fen: fen(4_262),
            age_0_3_fen: fen(4_262),
            age_3_6_fen: fen(0),
            age_6_12_fen: fen(0),
            age_12_plus_fen: fen(0),
        },
    }
}

/// At least one valid event of every type, with optional members both present and absent.
fn samples() -> Vec<LedgerEvent> {
    use LedgerEvent as E;
    vec![
        E::LedgerOpened(genesis()),
        E::LedgerOpened(LedgerOpened {
            opening_balances: vec![],
            ..genesis()
        }),
        E::RoleGranted(RoleGranted {
            role: Role::Treasurer,
            key: key(1),
        }),
        E::RoleGranted(RoleGranted {
            role: Role::CommitteeMember,
            key: key(3),
        }),
        E::KeyRevoked(KeyRevoked {
            key: key(2),
            reason: label("手机丢失 (lost phone)"),
        }),
        E::HouseholdRegistered(HouseholdRegistered {
            unit: unit("3-2-401"),
            area_centi_m2: 10_250,
        }),
        E::HouseholdRegistered(HouseholdRegistered {
            unit: unit("A12-10-1203"),
            area_centi_m2: 8_523,
        }),
        E::HouseholdCorrected(HouseholdCorrected {
            unit: unit("3-2-401"),
            area_centi_m2: 10_205,
            reason: label("产权证面积为 102.05 ㎡"),
        }),
        E::FeeScheduleAdopted(FeeScheduleAdopted {
            items: vec![
                FeeItem {
                    item: slug("property_fee"),
                    name: label("物业费"),
                    basis: FeeBasis::PerM2,
                    rate_fen: fen(50),
                },
                FeeItem {
                    item: slug("garbage_fee"),
                    name: label("垃圾清运费"),
                    basis: FeeBasis::PerHousehold,
                    rate_fen: fen(800),
                },
            ],
            from_period: period("2026-01"),
            decision: "hexie-owners-2025-12".into(),
        }),
        E::ChargesAssessed(ChargesAssessed {
            period: period("2026-01"),
            charges: vec![
                Charge {
                    unit: unit("1-1-101"),
                    item: slug("property_fee"),
                    amount_fen: fen(4_262),
                },
                Charge {
                    unit: unit("3-2-401"),
                    item: slug("garbage_fee"),
                    amount_fen: fen(800),
                },
            ],
        }),
        E::PaymentReceived(PaymentReceived {
            unit: unit("3-2-401"),
            amount_fen: fen(61_500),
            channel: Channel::WechatPay,
            periods: vec![period("2026-01"), period("2026-12")],
        }),
        E::PaymentReceived(PaymentReceived {
            unit: unit("1-1-101"),
            amount_fen: fen(4_262),
            channel: Channel::Cash,
            periods: vec![],
        }),
        E::IncomeReceived(IncomeReceived {
            fund: fund("public_revenue"),
            category: slug("advertising"),
            payer: label("分众传媒"),
            amount_fen: fen(120_000),
            channel: Channel::BankTransfer,
        }),
        E::GrantReceived(GrantReceived {
            fund: fund("project:meter-2026"),
            grantor: label("区住房和城乡建设局"),
            purpose: label("老旧小区改造：水表更换"),
            amount_fen: fen(30_000_000),
        }),
        E::ExpenseProposed(ExpenseProposed {
            payee: label("明亮保洁服务部"),
            category: slug("cleaning"),
            fund: fund("operating"),
            amount_fen: fen(600_000),
            description: label("2026年1月楼道保洁"),
            project: None,
            decision: None,
        }),
        E::ExpenseProposed(ExpenseProposed {
            payee: label("安居防水工程有限公司"),
            category: slug("repairs"),
            fund: fund("maintenance"),
            amount_fen: fen(4_680_000),
            description: label("3号楼屋面防水"),
            project: None,
            decision: Some("hexie-owners-2026-06".into()),
        }),
        E::ExpenseProposed(ExpenseProposed {
            payee: label("宏达水电安装公司"),
            category: slug("renovation"),
            fund: fund("project:meter-2026"),
            amount_fen: fen(12_000_000),
            description: label("水表更换 一期"),
            project: Some(slug("meter-2026")),
            decision: None,
        }),
        E::ExpenseApproved(ExpenseApproved {
            proposal: "hexie-0007".into(),
        }),
        E::ExpensePaid(ExpensePaid {
            proposal: "hexie-0007".into(),
            channel: Channel::BankTransfer,
            invoice: Invoice {
                kind: InvoiceKind::Fapiao,
                number: Some(label("044002600111-00012345")),
                sha256: Some(sha(0xff)),
            },
        }),
        E::ExpensePaid(ExpensePaid {
            proposal: "hexie-0042".into(),
            channel: Channel::Cash,
            invoice: Invoice {
                kind: InvoiceKind::None,
                number: None,
                sha256: None,
            },
        }),
        E::FundsTransferred(FundsTransferred {
            from_fund: fund("public_revenue"),
            to_fund: fund("maintenance"),
            amount_fen: fen(10_000),
            decision: "hexie-owners-2026-03".into(),
        }),
        E::OwnersDecision(OwnersDecision {
            matter: Matter::FeeSchedule,
            title: label("2026年物业费收费标准"),
            totals: VoteTotals {
                total_area_centi_m2: 1_000_000,
                total_owners: 100,
                participating_area_centi_m2: 700_000,
                participating_owners: 70,
                yes_area_centi_m2: 400_000,
                yes_owners: 40,
            },
            outcome: gongzhang_core::ledger::events::Outcome::Passed,
            document_sha256: sha(0x5f),
        }),
        E::Reversal(Reversal {
            reverses: "hexie-0011".into(),
            reason: label("金额录错：应为 42.62 元"),
        }),
        E::PaymentDemandIssued(PaymentDemandIssued {
            unit: unit("1-1-101"),
            amount_fen: fen(4_262),
            document_sha256: sha(0x12),
        }),
        E::PeriodClosed(PeriodClosed {
            statement: statement(),
        }),
        E::PeriodClosed(PeriodClosed {
            statement: Statement {
                period: PeriodRange {
                    from: period("2026-04"),
                    to: period("2026-04"),
                },
                funds: vec![],
                charged: vec![],
                income: vec![],
                spending: vec![],
                arrears: ArrearsSummary::default(),
            },
        }),
        E::AuditAttested(AuditAttested {
            through_seq: 11,
            findings_sha256: sha(0x5f),
            opinion: label("账实相符"),
        }),
        E::BudgetAdopted(BudgetAdopted {
            year: 2026,
            lines: vec![BudgetLine {
                fund: fund("operating"),
                category: slug("cleaning"),
                amount_fen: fen(7_200_000),
            }],
            decision: "hexie-owners-2026-01".into(),
        }),
    ]
}

/// The first sample of `kind`, as a JSON body.
fn sample_body(kind: &str) -> Value {
    samples()
        .into_iter()
        .find(|e| e.kind() == kind)
        .map(|e| Value::Object(e.body_json()))
        .unwrap_or_else(|| panic!("no sample {kind}"))
}

// ---------------------------------------------------------------------------------------------
// Editing JSON by pointer.

/// Sets the member or array element at `pointer` (its parent must exist).
fn put(v: &mut Value, pointer: &str, value: Value) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    match v
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"))
    {
        Value::Object(map) => {
            map.insert(last.to_string(), value);
        }
        Value::Array(items) => items[last.parse::<usize>().unwrap()] = value,
        other => panic!("{parent} is {other}"),
    }
}

/// Removes the member at `pointer`.
fn remove(v: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let map = v
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object {parent}"));
    assert!(map.remove(last).is_some(), "no member {pointer}");
}

/// Every (pointer, value) under `v`, objects' members and arrays' elements, depth first.
fn members(v: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{at}/{k}");
                out.push((p.clone(), child.clone()));
                members(child, &p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push((p.clone(), child.clone()));
                members(child, &p, out);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The files.

#[test]
fn there_is_one_body_schema_per_event_type() {
    let expected: BTreeSet<String> = EVENT_TYPES.iter().map(|t| t.to_string()).collect();
    let found = event_schema_types();
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "schemas/events/ must hold exactly one schema per event type (and common.schema.json): \
         missing {missing:?}, unexpected {extra:?}"
    );
    let all: BTreeSet<String> = schema_files().into_iter().map(|(rel, _)| rel).collect();
    assert!(all.contains("events/common.schema.json"));
}

#[test]
fn every_schema_file_is_a_valid_2020_12_schema_with_its_id() {
    let files = schema_files();
    // entry, event envelope, verify-report; common; one per event type.
    assert_eq!(files.len(), 3 + 1 + EVENT_TYPES.len());
    for (rel, schema) in &files {
        assert_eq!(schema["$schema"], DRAFT, "schemas/{rel}");
        assert_eq!(schema["$id"], format!("{BASE}{rel}"), "schemas/{rel}");
        jsonschema::meta::validate(schema)
            .unwrap_or_else(|e| panic!("schemas/{rel} is not a valid 2020-12 schema: {e}"));
        // Every one compiles with its references resolved.
        validator(rel);
    }
}

/// Walks a schema: every object schema refuses unknown members and lists its required members
/// among its properties, and every description is non-empty.
fn check_objects_are_closed(rel: &str, at: &str, s: &Value) {
    let Value::Object(map) = s else {
        return;
    };
    if map.get("type") == Some(&json!("object")) {
        assert_eq!(
            map.get("additionalProperties"),
            Some(&json!(false)),
            "schemas/{rel}{at}: additionalProperties must be false"
        );
        let props = map["properties"].as_object().unwrap();
        for r in map["required"].as_array().unwrap() {
            assert!(
                props.contains_key(r.as_str().unwrap()),
                "schemas/{rel}{at}: required {r} is not a property"
            );
        }
    }
    if let Some(d) = map.get("description") {
        assert!(
            d.as_str().is_some_and(|d| !d.trim().is_empty()),
            "schemas/{rel}{at}: empty description"
        );
    }
    for (k, v) in map {
        match (k.as_str(), v) {
            // Maps from names to schemas.
            ("properties" | "$defs", Value::Object(named)) => {
                for (name, sub) in named {
                    check_objects_are_closed(rel, &format!("{at}/{k}/{name}"), sub);
                }
            }
            // Lists of schemas.
            ("anyOf" | "allOf" | "oneOf", Value::Array(subs)) => {
                for (i, sub) in subs.iter().enumerate() {
                    check_objects_are_closed(rel, &format!("{at}/{k}/{i}"), sub);
                }
            }
            (_, Value::Object(_)) => check_objects_are_closed(rel, &format!("{at}/{k}"), v),
            _ => {}
        }
    }
}

#[test]
fn every_object_in_every_body_schema_is_closed() {
    for (rel, schema) in schema_files() {
        if rel.starts_with("events/") {
            check_objects_are_closed(&rel, "", &schema);
        }
    }
}

#[test]
fn the_envelope_dispatches_every_type_to_its_body_schema() {
    let envelope = schema_files()
        .into_iter()
        .find(|(rel, _)| rel == "event.schema.json")
        .unwrap()
        .1;
    let listed: Vec<&str> = envelope["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(listed, EVENT_TYPES, "the envelope's type enum");
    let mut dispatched = BTreeMap::new();
    for clause in envelope["allOf"].as_array().unwrap() {
        let t = clause["if"]["properties"]["type"]["const"]
            .as_str()
            .unwrap();
        let r = clause["then"]["properties"]["body"]["$ref"]
            .as_str()
            .unwrap();
        assert!(dispatched.insert(t, r).is_none(), "{t} dispatched twice");
    }
    for t in EVENT_TYPES {
        assert_eq!(
            dispatched.get(t).copied(),
            Some(format!("{BASE}events/{t}.schema.json").as_str()),
            "body of {t}"
        );
    }
    assert_eq!(dispatched.len(), EVENT_TYPES.len());

    // An unknown type is refused by the envelope and by the parser.
    let validators = Validators::new();
    let unknown = json!({ "body": {}, "id": "e-1", "type": "payment" });
    assert!(!validators.envelope.is_valid(&unknown));
    let event = Event::new("e-1", "payment", Map::new()).unwrap();
    assert_eq!(
        LedgerEvent::from_event(&event),
        Err(BodyError::UnknownType("payment".into()))
    );
    // The genesis origin rule is kept.
    let mut genesis =
        json!({ "body": sample_body("ledger_opened"), "id": "e-1", "type": "ledger_opened" });
    assert!(validators.envelope.is_valid(&genesis));
    genesis["body"]["origin"] = json!("has space");
    assert!(!validators.envelope.is_valid(&genesis));
}

// ---------------------------------------------------------------------------------------------
// Valid bodies.

#[test]
fn every_body_the_structs_write_is_schema_valid_and_reads_back() {
    let validators = Validators::new();
    let samples = samples();
    let covered: BTreeSet<&str> = samples.iter().map(LedgerEvent::kind).collect();
    assert_eq!(
        covered,
        EVENT_TYPES.into_iter().collect::<BTreeSet<_>>(),
        "a sample of every type"
    );
    for (i, sample) in samples.iter().enumerate() {
        let kind = sample.kind();
        let body = Value::Object(sample.body_json());
        let errors = validators.errors(kind, &body);
        assert!(
            errors.is_empty(),
            "sample {i} ({kind}) fails its schema: {errors:?}\n{body}"
        );
        let event = sample.to_event(&format!("sample-{i}")).unwrap();
        assert_eq!(
            LedgerEvent::from_event(&event).as_ref(),
            Ok(sample),
            "{kind}"
        );
    }
}

#[test]
fn optional_members_may_be_omitted_but_not_null_for_both() {
    let validators = Validators::new();
    // `#[serde(default)]` lists may be omitted.
    for (kind, pointer) in [
        ("ledger_opened", "/opening_balances"),
        ("payment_received", "/periods"),
    ] {
        let mut body = sample_body(kind);
        remove(&mut body, pointer);
        assert!(validators.accepts(kind, &body), "{kind} without {pointer}");
        assert_eq!(
            parser_refusal(kind, &body),
            None,
            "{kind} without {pointer}"
        );
    }
    // `Option` members are absent or hold a value: an explicit null is refused by both, so that
    // an event has one spelling only.
    let mut proposal = samples()
        .into_iter()
        .find_map(|e| match e {
            LedgerEvent::ExpenseProposed(p) if p.project.is_some() => {
                Some(Value::Object(LedgerEvent::ExpenseProposed(p).body_json()))
            }
            _ => None,
        })
        .unwrap();
    let mut without = proposal.clone();
    remove(&mut without, "/project");
    assert!(validators.accepts("expense_proposed", &without));
    assert_eq!(parser_refusal("expense_proposed", &without), None);
    put(&mut proposal, "/project", Value::Null);
    assert!(!validators.accepts("expense_proposed", &proposal));
    assert!(parser_refusal("expense_proposed", &proposal).is_some());
    let mut paid = sample_body("expense_paid");
    put(&mut paid, "/invoice/number", Value::Null);
    assert!(!validators.accepts("expense_paid", &paid));
    assert!(parser_refusal("expense_paid", &paid).is_some());
}

// ---------------------------------------------------------------------------------------------
// The schemas refuse what the parser refuses.

/// For every member of every sample body, at any depth: removing it, setting it to null, giving
/// it a value of another JSON type, and adding an unknown member to any object — the schema and
/// the parser agree each time.
#[test]
fn schema_and_parser_agree_on_every_structural_mutation() {
    let validators = Validators::new();
    let mut refused_by_parser: BTreeMap<&str, usize> = BTreeMap::new();
    for sample in samples() {
        let kind = sample.kind();
        let body = Value::Object(sample.body_json());
        let mut points = vec![(String::new(), body.clone())];
        members(&body, "", &mut points);
        for (pointer, value) in points {
            let mut mutations: Vec<(String, Value)> = Vec::new();
            let is_member = pointer
                .rsplit_once('/')
                .is_some_and(|(parent, _)| body.pointer(parent).is_some_and(Value::is_object));
            if is_member {
                let mut v = body.clone();
                remove(&mut v, &pointer);
                mutations.push((format!("without {pointer}"), v));
            }
            if !pointer.is_empty() {
                let other = match &value {
                    Value::String(_) => json!(42),
                    Value::Number(_) => json!("42"),
                    Value::Array(_) => json!({}),
                    Value::Object(_) => json!([]),
                    Value::Bool(_) | Value::Null => json!("x"),
                };
                for (what, replacement) in [("null", Value::Null), ("of another type", other)] {
                    let mut v = body.clone();
                    put(&mut v, &pointer, replacement);
                    mutations.push((format!("{pointer} {what}"), v));
                }
            }
            if value.is_object() {
                let mut v = body.clone();
                put(&mut v, &format!("{pointer}/colour"), json!("red"));
                mutations.push((format!("an unknown member in {pointer:?}"), v));
            }
            for (what, v) in mutations {
                let schema_ok = validators.accepts(kind, &v);
                let refusal = parser_refusal(kind, &v);
                assert_eq!(
                    schema_ok,
                    refusal.is_none(),
                    "{kind} {what}: schema {} but parser {refusal:?}\n{v}",
                    if schema_ok { "accepts" } else { "refuses" },
                );
                if refusal == Some(Refusal::Body) {
                    *refused_by_parser.entry(kind).or_default() += 1;
                }
            }
        }
    }
    for t in EVENT_TYPES {
        assert!(
            refused_by_parser.get(t).copied().unwrap_or(0) >= 2,
            "{t}: too few structural mutations refused"
        );
    }
}

/// A change to a body that both the schema and the parser must refuse.
struct Bad {
    kind: &'static str,
    what: &'static str,
    pointer: &'static str,
    value: Value,
}

fn bad(kind: &'static str, what: &'static str, pointer: &'static str, value: Value) -> Bad {
    Bad {
        kind,
        what,
        pointer,
        value,
    }
}

/// Wrong enum values, bad patterns, floats and out-of-range integers, for every type.
#[rustfmt::skip]
fn bad_values() -> Vec<Bad> {
    let long = "长".repeat(201);
    vec![
        bad("ledger_opened", "uppercase key", "/committee/0", json!("97C1E78E03C365E6CF4C3D8B8BF9D5B91065B2CFB504B9DB79ACC3E34B56FDF8")),
        bad("ledger_opened", "short key", "/treasurer", json!("3ae63f54")),
        bad("ledger_opened", "negative K", "/governance/approvals_required", json!(-1)),
        bad("ledger_opened", "K beyond u32", "/governance/approvals_required", json!(4_294_967_296_i64)),
        bad("ledger_opened", "month 13", "/first_period", json!("2026-13")),
        bad("ledger_opened", "year 1999", "/first_period", json!("1999-12")),
        bad("ledger_opened", "unknown fund", "/opening_balances/0/fund", json!("savings")),
        bad("ledger_opened", "float threshold", "/governance/approval_threshold_fen", json!(5000.5)),
        bad("ledger_opened", "community with a newline", "/community", json!("和谐\n家园")),
        bad("role_granted", "unknown role", "/role", json!("chair")),
        bad("role_granted", "capitalised role", "/role", json!("Treasurer")),
        bad("role_granted", "key with 63 digits", "/key", json!("0".repeat(63))),
        bad("key_revoked", "reason with a leading space", "/reason", json!(" lost phone")),
        bad("key_revoked", "empty reason", "/reason", json!("")),
        bad("key_revoked", "reason ending in an ideographic space", "/reason", json!("丢失\u{3000}")),
        bad("household_registered", "room of 2 digits", "/unit", json!("3-2-41")),
        bad("household_registered", "lowercase building", "/unit", json!("a-1-101")),
        bad("household_registered", "area as a float", "/area_centi_m2", json!(85.23)),
        bad("household_registered", "area beyond 2^53−1", "/area_centi_m2", json!(FEN_MAX as u64 + 1)),
        bad("household_corrected", "unit with a space", "/unit", json!("3-2-401 ")),
        bad("household_corrected", "reason of 201 characters", "/reason", json!(long)),
        bad("fee_schedule_adopted", "unknown basis", "/items/0/basis", json!("per_unit")),
        bad("fee_schedule_adopted", "capitalised item", "/items/0/item", json!("Property_fee")),
        bad("fee_schedule_adopted", "month 00", "/from_period", json!("2026-00")),
        bad("fee_schedule_adopted", "float rate", "/items/0/rate_fen", json!(0.5)),
        bad("charges_assessed", "two-digit year", "/period", json!("26-01")),
        bad("charges_assessed", "item with a space", "/charges/0/item", json!("property fee")),
        bad("charges_assessed", "float amount", "/charges/0/amount_fen", json!(42.62)),
        bad("payment_received", "unknown channel", "/channel", json!("paypal")),
        bad("payment_received", "bad month in periods", "/periods/0", json!("2026-1")),
        bad("payment_received", "float amount", "/amount_fen", json!(615.5)),
        bad("payment_received", "amount beyond 2^53−1", "/amount_fen", json!(FEN_MAX as u64 + 1)),
        bad("income_received", "capitalised fund", "/fund", json!("Operating")),
        bad("income_received", "project without slug", "/fund", json!("project:")),
        bad("income_received", "category with uppercase", "/category", json!("Ads")),
        bad("grant_received", "project slug with uppercase", "/fund", json!("project:Meter")),
        bad("grant_received", "grantor with a tab", "/grantor", json!("区\t住建局")),
        bad("expense_proposed", "unknown fund", "/fund", json!("projects:meter")),
        bad("expense_proposed", "project with a colon", "/project", json!("project:meter")),
        bad("expense_proposed", "description ending in a space", "/description", json!("保洁 ")),
        bad("expense_proposed", "float amount", "/amount_fen", json!(6000.01)),
        bad("expense_approved", "proposal as a number", "/proposal", json!(7)),
        bad("expense_paid", "unknown invoice kind", "/invoice/kind", json!("vat")),
        bad("expense_paid", "uppercase invoice hash", "/invoice/sha256", json!("FF".repeat(32))),
        bad("expense_paid", "empty invoice number", "/invoice/number", json!("")),
        bad("expense_paid", "unknown channel", "/channel", json!("cheque")),
        bad("funds_transferred", "unknown source fund", "/from_fund", json!("reserve")),
        bad("funds_transferred", "float amount", "/amount_fen", json!(1.5)),
        bad("owners_decision", "unknown matter", "/matter", json!("elect_chair")),
        bad("owners_decision", "unknown outcome", "/outcome", json!("approved")),
        bad("owners_decision", "negative owners", "/totals/yes_owners", json!(-1)),
        bad("owners_decision", "owners beyond u32", "/totals/total_owners", json!(4_294_967_296_i64)),
        bad("owners_decision", "short document hash", "/document_sha256", json!("5f83")),
        bad("reversal", "reason ending in a no-break space", "/reason", json!("录错\u{a0}")),
        bad("reversal", "reverses as an array", "/reverses", json!(["hexie-0011"])),
        bad("payment_demand_issued", "entrance of 3 digits", "/unit", json!("1-100-101")),
        bad("payment_demand_issued", "hash of 65 digits", "/document_sha256", json!("1".repeat(65))),
        bad("period_closed", "month 13", "/statement/period/from", json!("2026-13")),
        bad("period_closed", "negative unit count", "/statement/arrears/units_in_arrears", json!(-1)),
        bad("period_closed", "unknown fund", "/statement/funds/0/fund", json!("petty_cash")),
        bad("period_closed", "category with a dot", "/statement/spending/0/category", json!("clean.ing")),
        bad("period_closed", "float closing", "/statement/funds/0/closing_fen", json!(6906.26)),
        bad("audit_attested", "negative seq", "/through_seq", json!(-1)),
        bad("audit_attested", "opinion with a control character", "/opinion", json!("账实\u{7f}相符")),
        bad("budget_adopted", "year beyond u16", "/year", json!(65536)),
        bad("budget_adopted", "negative year", "/year", json!(-2026)),
        bad("budget_adopted", "category with uppercase", "/lines/0/category", json!("Repairs")),
        bad("budget_adopted", "year as text", "/year", json!("2026")),
    ]
}

#[test]
fn schema_and_parser_refuse_bad_values_of_every_type() {
    let validators = Validators::new();
    let cases = bad_values();
    let mut by_parser: BTreeSet<&str> = BTreeSet::new();
    for case in &cases {
        let mut body = sample_body(case.kind);
        let parent = case.pointer.rsplit_once('/').unwrap().0;
        assert!(body.pointer(parent).is_some(), "{}: no {parent}", case.kind);
        put(&mut body, case.pointer, case.value.clone());
        assert!(
            !validators.accepts(case.kind, &body),
            "the {} schema accepts {}: {body}",
            case.kind,
            case.what
        );
        let refusal = parser_refusal(case.kind, &body);
        assert!(
            refusal.is_some(),
            "the parser accepts a {} with {}: {body}",
            case.kind,
            case.what
        );
        if refusal == Some(Refusal::Body) {
            by_parser.insert(case.kind);
        }
    }
    for t in EVENT_TYPES {
        assert!(
            by_parser.contains(t),
            "{t}: no bad value refused by from_event"
        );
    }
}

/// Values at the edges of the integer ranges are accepted by both.
#[test]
fn schema_and_parser_accept_the_edges_of_integer_ranges() {
    let validators = Validators::new();
    for (kind, pointer, value) in [
        ("payment_received", "/amount_fen", json!(FEN_MAX)),
        ("charges_assessed", "/charges/0/amount_fen", json!(-FEN_MAX)),
        ("charges_assessed", "/charges/0/amount_fen", json!(0)),
        (
            "ledger_opened",
            "/governance/approvals_required",
            json!(4_294_967_295_u32),
        ),
        ("ledger_opened", "/governance/approvals_required", json!(0)),
        (
            "owners_decision",
            "/totals/total_owners",
            json!(4_294_967_295_u32),
        ),
        ("budget_adopted", "/year", json!(65535)),
        ("budget_adopted", "/year", json!(0)),
        ("audit_attested", "/through_seq", json!(FEN_MAX)),
        ("household_registered", "/area_centi_m2", json!(FEN_MAX)),
        ("ledger_opened", "/first_period", json!("9999-12")),
        ("ledger_opened", "/first_period", json!("2000-01")),
        ("key_revoked", "/reason", json!("长".repeat(200))),
        ("key_revoked", "/reason", json!("😀")),
        ("household_registered", "/unit", json!("ABCD-99-9999")),
        (
            "income_received",
            "/fund",
            json!(format!("project:a{}", "-".repeat(63))),
        ),
    ] {
        let mut body = sample_body(kind);
        put(&mut body, pointer, value.clone());
        let errors = validators.errors(kind, &body);
        assert!(errors.is_empty(), "{kind} {pointer} = {value}: {errors:?}");
        assert_eq!(
            parser_refusal(kind, &body),
            None,
            "{kind} {pointer} = {value}"
        );
    }
}

/// The deliberate difference: the schemas state that amounts of money moved, and fee rates,
/// cannot be zero or negative (rates: negative); the parser reads them, and the ledger rules
/// refuse them.
#[test]
fn the_schema_alone_refuses_amounts_the_rules_refuse() {
    let validators = Validators::new();
    for (kind, pointer, value) in [
        ("payment_received", "/amount_fen", 0),
        ("payment_received", "/amount_fen", -100),
        ("income_received", "/amount_fen", 0),
        ("grant_received", "/amount_fen", 0),
        ("expense_proposed", "/amount_fen", -1),
        ("funds_transferred", "/amount_fen", 0),
        ("fee_schedule_adopted", "/items/0/rate_fen", -1),
    ] {
        let mut body = sample_body(kind);
        put(&mut body, pointer, json!(value));
        assert!(
            !validators.accepts(kind, &body),
            "{kind} {pointer} = {value}"
        );
        assert_eq!(
            parser_refusal(kind, &body),
            None,
            "{kind} {pointer} = {value}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The shared string types: the schema's pattern and the Rust type accept the same strings.

/// The validator of a definition of `common.schema.json`, built once.
fn def_validator(name: &str) -> &'static jsonschema::Validator {
    static DEFS: std::sync::OnceLock<BTreeMap<&'static str, jsonschema::Validator>> =
        std::sync::OnceLock::new();
    let defs = DEFS.get_or_init(|| {
        [
            "label", "unit", "slug", "fund", "period", "key_hex", "hash_hex",
        ]
        .into_iter()
        .map(|d| {
            (
                d,
                validator(&format!("events/common.schema.json#/$defs/{d}")),
            )
        })
        .collect()
    });
    &defs[name]
}

/// Strings around the label rules: white space and control characters at both ends and inside,
/// CJK, astral characters, lengths around 200.
fn label_text() -> impl Strategy<Value = String> {
    let interesting = prop::sample::select(vec![
        ' ', '\t', '\n', '\r', '\u{0}', '\u{1f}', '\u{7f}', '\u{85}', '\u{9f}', '\u{a0}',
        '\u{1680}', '\u{2000}', '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}', '\u{202f}',
        '\u{205f}', '\u{3000}', '\u{feff}', 'a', '中', '😀', '-',
    ]);
    let ch = prop_oneof![3 => interesting, 1 => any::<char>()];
    prop_oneof![
        prop::collection::vec(ch.clone(), 0..6),
        prop::collection::vec(ch, 195..205),
    ]
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn label_pattern_matches_the_rust_type(text in label_text()) {
        let v = def_validator("label");
        prop_assert_eq!(v.is_valid(&json!(text)), Label::try_from(text.as_str()).is_ok(), "{:?}", text);
    }

    #[test]
    fn unit_pattern_matches_the_rust_type(
        text in prop_oneof!["[0-9A-Za-z]{0,5}-[0-9]{0,3}-[0-9]{2,5}", "[0-9A-Z -]{0,14}", any::<String>()]
    ) {
        let v = def_validator("unit");
        prop_assert_eq!(v.is_valid(&json!(text)), Unit::try_from(text.as_str()).is_ok(), "{:?}", text);
    }

    #[test]
    fn slug_and_fund_patterns_match_the_rust_types(
        text in prop_oneof![
            "[a-zA-Z0-9_:-]{0,8}",
            "[a-z][a-z0-9_-]{60,66}",
            "(project:)?[a-z0-9_-]{0,66}",
            "(operating|public_revenue|maintenance|project)[:a-z_ ]{0,2}",
            any::<String>(),
        ]
    ) {
        let slug = def_validator("slug");
        prop_assert_eq!(slug.is_valid(&json!(text)), Slug::try_from(text.as_str()).is_ok(), "slug {:?}", text);
        let fund = def_validator("fund");
        prop_assert_eq!(fund.is_valid(&json!(text)), FundId::try_from(text.as_str()).is_ok(), "fund {:?}", text);
    }

    #[test]
    fn period_pattern_matches_the_rust_type(
        text in prop_oneof!["[0-9]{4}-[0-9]{2}", "[0-9]{3,5}-[0-9]{1,3}", "[0-9 -]{0,9}"]
    ) {
        let v = def_validator("period");
        prop_assert_eq!(v.is_valid(&json!(text)), Period::try_from(text.clone()).is_ok(), "{:?}", text);
    }

    #[test]
    fn key_and_hash_patterns_match_the_rust_types(
        text in prop_oneof!["[0-9a-f]{64}", "[0-9a-f]{62,66}", "[0-9a-gA-F]{64}"]
    ) {
        let key = def_validator("key_hex");
        prop_assert_eq!(key.is_valid(&json!(text)), PublicKey::from_hex(&text).is_some(), "key {:?}", text);
        let hash = def_validator("hash_hex");
        prop_assert_eq!(
            hash.is_valid(&json!(text)),
            gongzhang_core::Hash::from_hex(&text).is_ok(),
            "hash {:?}", text
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The example ledger and the specification's examples.

/// Every entry of the example ledger (the spec's vectors) and of a generated log is valid against
/// the entry schema with the body schemas, and reads as a ledger event.
#[test]
fn every_example_and_generated_entry_is_valid_against_the_body_schemas() {
    let validator = registered_options()
        .build(&json!({ "$ref": format!("{BASE}entry.schema.json") }))
        .expect("entry schema compiles");
    let mut entries = gongzhang_demo::example::entries();
    entries.extend(gongzhang_testkit::generate::log(30, 3).into_iter().skip(1));
    let mut kinds = BTreeSet::new();
    for e in &entries {
        let value: Value = serde_json::from_slice(e.bytes()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|err| format!("{err} at {}", err.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "entry {} fails the schemas: {errors:?}",
            e.seq()
        );
        let event = LedgerEvent::from_event(e.event()).unwrap();
        kinds.insert(event.kind());
    }
    assert!(
        kinds.len() >= 10,
        "the example ledger shows many event types: {kinds:?}"
    );
}

/// `docs/events.md` gives one example body per event type (the first JSON block of its
/// section); each is canonical JSON, valid against its schema and read by the parser.
#[test]
fn the_examples_in_the_events_spec_are_valid() {
    let path = project_root().join("docs").join("events.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let validators = Validators::new();
    let mut seen = Vec::new();
    for section in text.split("\n### ").skip(1) {
        let heading = section.lines().next().unwrap();
        let Some(kind) = heading.split('`').nth(1) else {
            continue;
        };
        let start = section
            .find("```json\n")
            .unwrap_or_else(|| panic!("section {heading:?} has no JSON example"))
            + "```json\n".len();
        let end = start + section[start..].find("\n```").unwrap();
        let example = &section[start..end];
        let body = gongzhang_core::canonical::parse_canonical(example.as_bytes())
            .unwrap_or_else(|e| panic!("the {kind} example is not canonical JSON: {e}"));
        let errors = validators.errors(kind, &body);
        assert!(
            errors.is_empty(),
            "the {kind} example fails its schema: {errors:?}"
        );
        assert_eq!(parser_refusal(kind, &body), None, "the {kind} example");
        seen.push(kind.to_string());
    }
    assert_eq!(seen, EVENT_TYPES, "one section per event type, in order");
}
