//! The JSON Schemas in `schemas/` accept every entry of the example ledger and reject malformed
//! ones; the schemas themselves are valid 2020-12 schemas.

use gongzhang_demo::example;
use gongzhang_testkit::generate;
use gongzhang_tests::project_root;
use serde_json::{Value, json};

fn schema(name: &str) -> Value {
    let path = project_root().join("schemas").join(name);
    serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

/// A change to an entry that the schema must refuse.
type Mutation = Box<dyn Fn(&mut Value)>;

fn entry_validator() -> jsonschema::Validator {
    // Every schema under schemas/ registered by its $id: the envelope refers to the body schemas.
    crate::event_schemas::registered_options()
        .build(&schema("entry.schema.json"))
        .expect("entry schema compiles")
}

#[test]
fn schemas_are_valid_2020_12() {
    for name in ["entry.schema.json", "event.schema.json"] {
        let s = schema(name);
        assert_eq!(
            s["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        jsonschema::meta::validate(&s)
            .unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"));
    }
}

#[test]
fn every_example_and_generated_entry_is_schema_valid() {
    let validator = entry_validator();
    let mut entries = example::entries();
    entries.extend(generate::log(30, 3).into_iter().skip(1));
    for e in &entries {
        let value: Value = serde_json::from_slice(e.bytes()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "entry {} fails the schema: {errors:?}",
            e.seq()
        );
    }
}

#[test]
fn the_schema_rejects_what_the_parser_rejects() {
    let validator = entry_validator();
    let good: Value = serde_json::from_slice(example::entries()[1].bytes()).unwrap();
    assert!(validator.is_valid(&good));
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "unknown top-level member",
            Box::new(|v| {
                v["colour"] = json!(1);
            }),
        ),
        (
            "version 2",
            Box::new(|v| {
                v["version"] = json!(2);
            }),
        ),
        (
            "negative seq",
            Box::new(|v| {
                v["seq"] = json!(-1);
            }),
        ),
        (
            "uppercase hash",
            Box::new(|v| {
                v["prev_hash"] = json!("A".repeat(64));
            }),
        ),
        (
            "time without milliseconds",
            Box::new(|v| {
                v["recorded_at"] = json!("2026-01-02T02:00:00Z");
            }),
        ),
        (
            "no signatures",
            Box::new(|v| {
                v["signatures"] = json!([]);
            }),
        ),
        (
            "short signature",
            Box::new(|v| {
                v["signatures"][0]["sig"] = json!("00");
            }),
        ),
        (
            "bad event type",
            Box::new(|v| {
                v["event"]["type"] = json!("Payment");
            }),
        ),
        (
            "missing event id",
            Box::new(|v| {
                v["event"].as_object_mut().unwrap().remove("id");
            }),
        ),
        (
            "event body not an object",
            Box::new(|v| {
                v["event"]["body"] = json!([]);
            }),
        ),
        (
            "extra event member",
            Box::new(|v| {
                v["event"]["note"] = json!("x");
            }),
        ),
    ];
    for (what, mutate) in cases {
        let mut v = good.clone();
        mutate(&mut v);
        assert!(
            !validator.is_valid(&v),
            "the schema accepts an entry with {what}"
        );
    }
    // Genesis must name a valid origin.
    let mut genesis: Value = serde_json::from_slice(example::entries()[0].bytes()).unwrap();
    assert!(validator.is_valid(&genesis));
    genesis["event"]["body"]["origin"] = json!("has space");
    assert!(!validator.is_valid(&genesis));
}
