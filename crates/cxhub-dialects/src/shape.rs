//! Compares the shape of a JSON answer with a vendor's documented example: the same keys
//! at every level, and the same JSON type wherever both sides hold a value. A `null` on
//! either side matches any type (the field is nullable); an array's elements are each
//! compared with the example's first element. Used by the golden tests of every dialect.

use serde_json::Value;

/// Every difference, as `path: what`; empty when the shapes agree.
pub fn mismatches(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare("$", expected, actual, &mut out);
    out
}

fn compare(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Null, _) | (_, Value::Null) => (),
        (Value::Object(want), Value::Object(got)) => {
            for key in want.keys().filter(|it| !got.contains_key(*it)) {
                out.push(format!("{path}.{key}: missing"));
            }
            for key in got.keys().filter(|it| !want.contains_key(*it)) {
                out.push(format!("{path}.{key}: not in the vendor's shape"));
            }
            for (key, value) in want {
                if let Some(other) = got.get(key) {
                    compare(&format!("{path}.{key}"), value, other, out);
                }
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            if let Some(first) = want.first() {
                for (idx, item) in got.iter().enumerate() {
                    compare(&format!("{path}[{idx}]"), first, item, out);
                }
            }
        }
        _ if kind(expected) == kind(actual) => (),
        _ => out.push(format!(
            "{path}: {} where the vendor has {}",
            kind(actual),
            kind(expected)
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_are_named_by_path() {
        let want = json!({"a": 1, "b": {"c": "x"}, "d": [{"e": true}], "f": null});
        assert!(mismatches(&want, &json!({"a": 2, "b": {"c": null}, "d": [], "f": 3})).is_empty());
        let got = json!({"a": "1", "b": {"z": 1}, "d": [{"e": 1}], "f": null});
        assert_eq!(
            mismatches(&want, &got),
            [
                "$.a: string where the vendor has number",
                "$.b.c: missing",
                "$.b.z: not in the vendor's shape",
                "$.d[0].e: number where the vendor has boolean",
            ]
        );
    }
}
