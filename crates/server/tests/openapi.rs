//! The OpenAPI document `schemas/openapi.json` against the server: it is OpenAPI 3.1, it
//! documents exactly the routes in [`ROUTES`] with their path parameters, every reference in it
//! resolves, `GET /api/v1/openapi.json` serves it byte for byte, and it names every problem
//! `type` the server can answer.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gongzhang_server::problem::kinds;
use gongzhang_server::{AppState, ROUTES, router};
use gongzhang_store::sqlite::SqliteBackend;
use gongzhang_store::store::Store;
use http_body_util::BodyExt as _;
use serde_json::Value;
use std::collections::BTreeSet;
use tower::ServiceExt as _;

/// The document as checked in, read at test time (the server compiles it in).
fn document_bytes() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/openapi.json");
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn document() -> Value {
    serde_json::from_slice(&document_bytes())
        .unwrap_or_else(|e| panic!("schemas/openapi.json is not valid JSON: {e}"))
}

/// The HTTP methods an OpenAPI path item may hold, lowercase as in `ROUTES`.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every (method, path) the document's `paths` describe.
fn documented_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"]
        .as_object()
        .expect("the document has a `paths` object");
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some() {
                out.insert((method.to_string(), path.clone()));
            }
        }
    }
    out
}

/// Follows a local `$ref` (`#/components/...`), or returns the value itself.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("`{reference}` is not a local reference"));
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("`{reference}` points to nothing"))
        }
        None => value,
    }
}

/// Every string in the document, with the JSON pointer of where it is.
fn strings<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(s) => out.push((at, s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(members) => {
            for (k, v) in members {
                strings(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

#[test]
fn the_document_is_openapi_3_1() {
    let doc = document();
    let version = doc["openapi"]
        .as_str()
        .expect("the document has an `openapi` version string");
    assert!(
        version.starts_with("3.1."),
        "schemas/openapi.json says openapi {version:?}; the API is documented in OpenAPI 3.1.x"
    );
    assert!(
        doc["info"]["title"].is_string() && doc["info"]["version"].is_string(),
        "OpenAPI requires info.title and info.version"
    );
}

#[test]
fn the_document_is_two_space_indented_and_ends_with_a_line_feed() {
    let bytes = document_bytes();
    let text = std::str::from_utf8(&bytes).expect("schemas/openapi.json is UTF-8");
    assert!(
        text.ends_with("}\n"),
        "schemas/openapi.json must end with a line feed"
    );
    let mut previous = 0;
    for (number, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        assert!(
            !line.starts_with('\t') && indent % 2 == 0 && indent <= previous + 2,
            "schemas/openapi.json line {}: not indented by 2 spaces per level",
            number + 1
        );
        previous = indent;
    }
}

#[test]
fn the_document_describes_exactly_the_routes_the_server_has() {
    let doc = document();
    let documented = documented_routes(&doc);
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        served.len(),
        ROUTES.len(),
        "ROUTES lists a (method, path) twice"
    );
    let missing: Vec<String> = served
        .difference(&documented)
        .map(|(m, p)| format!("{} {p}", m.to_uppercase()))
        .collect();
    let extra: Vec<String> = documented
        .difference(&served)
        .map(|(m, p)| format!("{} {p}", m.to_uppercase()))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "schemas/openapi.json and gongzhang_server::ROUTES disagree.\n\
         served but not documented (add them to the document's `paths`): {missing:#?}\n\
         documented but not served (remove them, or add the route to ROUTES and the router): {extra:#?}"
    );
}

#[test]
fn every_path_parameter_is_declared_and_every_operation_answers() {
    let doc = document();
    for (method, path) in documented_routes(&doc) {
        let item = &doc["paths"][&path];
        let operation = &item[&method];
        let mut declared = BTreeSet::new();
        for list in [&item["parameters"], &operation["parameters"]] {
            for p in list.as_array().into_iter().flatten() {
                let p = resolve(&doc, p);
                if p["in"] == "path" {
                    assert_eq!(
                        p["required"], true,
                        "{method} {path}: path parameter {} must be required",
                        p["name"]
                    );
                    declared.insert(p["name"].as_str().expect("a name").to_string());
                }
            }
        }
        let in_template: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_string)
            .collect();
        assert_eq!(
            declared, in_template,
            "{method} {path}: the path parameters declared differ from the template's"
        );
        let responses = operation["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} has no responses"));
        assert!(
            responses.keys().any(|status| status.starts_with('2')),
            "{method} {path} documents no success response"
        );
        for (status, response) in responses {
            let response = resolve(&doc, response);
            if status.starts_with('4') || status.starts_with('5') {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{method} {path} {status}: an error is a problem document (application/problem+json)"
                );
            }
        }
    }
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut all = Vec::new();
    strings(&doc, String::new(), &mut all);
    let mut references = 0;
    for (at, s) in all {
        if at.ends_with("/$ref") {
            references += 1;
            let pointer = s
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{at}: `{s}` is not a local reference"));
            assert!(
                doc.pointer(pointer).is_some(),
                "{at}: `{s}` points to nothing"
            );
        }
    }
    assert!(references > 0, "the walk found no $ref at all");
}

/// Every `type` URI of `problem::kinds`.
const KINDS: [&str; 15] = [
    kinds::MALFORMED,
    kinds::BAD_SIGNATURE,
    kinds::UNAUTHORISED_KEY,
    kinds::IDEMPOTENCY_CONFLICT,
    kinds::SIZE_CONFLICT,
    kinds::LEDGER_EXISTS,
    kinds::TOO_LARGE,
    kinds::RULE_VIOLATION,
    kinds::NOT_FOUND,
    kinds::UNSUPPORTED_MEDIA_TYPE,
    kinds::UNAUTHENTICATED,
    kinds::RATE_LIMITED,
    kinds::TIMEOUT,
    kinds::UNAVAILABLE,
    kinds::INTERNAL,
];

/// The prefix every problem `type` shares.
const KIND_PREFIX: &str = "urn:gongzhang:problem:";

/// The problem URIs written in `src/problem.rs`: catches a kind added there but not to
/// [`KINDS`] (and so perhaps not to the document).
fn kinds_in_source() -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/problem.rs");
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    source
        .match_indices(&format!("\"{KIND_PREFIX}"))
        .map(|(i, _)| {
            let rest = &source[i + 1..];
            rest[..rest.find('"').expect("a closed string literal")].to_string()
        })
        .collect()
}

#[test]
fn the_document_names_every_problem_type_and_no_other() {
    let listed: BTreeSet<String> = KINDS.iter().map(|k| k.to_string()).collect();
    assert_eq!(
        kinds_in_source(),
        listed,
        "src/problem.rs defines problem types this test's KINDS does not list (or the reverse)"
    );
    let doc = document();
    let enumerated: BTreeSet<String> = doc["components"]["schemas"]["ProblemType"]["oneOf"]
        .as_array()
        .expect("components.schemas.ProblemType lists the types in `oneOf`")
        .iter()
        .map(|t| {
            t["const"]
                .as_str()
                .expect("each with a `const`")
                .to_string()
        })
        .collect();
    let missing: Vec<&String> = listed.difference(&enumerated).collect();
    assert!(
        missing.is_empty(),
        "components.schemas.ProblemType does not list the problem types {missing:?}"
    );
    let mut all = Vec::new();
    strings(&doc, String::new(), &mut all);
    for (at, s) in all {
        if s.starts_with(KIND_PREFIX) {
            assert!(
                listed.contains(s),
                "{at}: `{s}` is not one of problem::kinds"
            );
        }
    }
}

#[tokio::test]
async fn the_server_serves_the_document_byte_for_byte() {
    let backend = SqliteBackend::open_in_memory()
        .await
        .expect("an in-memory database");
    let app = router(AppState {
        store: Store::new(backend),
        witnesses: Vec::new(),
        board: Default::default(),
    });
    let response = app
        .oneshot(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .expect("a request"),
        )
        .await
        .expect("the router answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the body")
        .to_bytes();
    assert!(
        body[..] == document_bytes()[..],
        "GET /api/v1/openapi.json does not serve schemas/openapi.json as it is on disk \
         ({} bytes served, {} on disk)",
        body.len(),
        document_bytes().len()
    );
}
