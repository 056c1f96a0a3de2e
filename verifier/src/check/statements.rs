//! Published statements against the ones recomputed from the log.

use std::collections::BTreeSet;

/// The first place two JSON values differ, as a path and the two values.
pub(super) fn first_difference(
    path: &str,
    published: &serde_json::Value,
    recomputed: &serde_json::Value,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    match (published, recomputed) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| {
                first_difference(
                    &format!("{path}.{k}"),
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                )
            })
        }
        (Value::Array(a), Value::Array(b)) => (0..a.len().max(b.len())).find_map(|i| {
            first_difference(
                &format!("{path}[{i}]"),
                a.get(i).unwrap_or(&Value::Null),
                b.get(i).unwrap_or(&Value::Null),
            )
        }),
        (a, b) if a == b => None,
        (a, b) => Some((path.to_string(), a.to_string(), b.to_string())),
    }
}
