//! The shapes of the native API's query and path parameters. The handlers read every
//! parameter as text and parse it with [`crate::input::Checker`]; this pass states in the
//! document exactly what each parse takes, from the same vocabularies and limits, so a
//! request the document allows is never refused and one it forbids is never taken.

use cxhub_dialects::cursor;
use cxhub_model::call::CallStatus;
use cxhub_model::interaction::{Channel, ConversationStatus, Direction};
use cxhub_model::ticket::{Priority, TicketStatus};
use serde_json::{Value, json};
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::{RefOr, Schema};

use crate::input::{MAX_LIMIT, MAX_TEXT_CHARS};
use cxhub_model::ids::MAX_KEY_LEN;

/// Control characters (Unicode's Cc), which no key or text filter takes.
const CONTROL: &str = "\\x00-\\x1f\\x7f-\\x9f";
/// What Rust's `str::trim` takes off (Unicode's White_Space).
const SPACE: &str = "\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

pub struct Params;

impl utoipa::Modify for Params {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                shape_operation(path, operation);
            }
        }
    }
}

fn shape_operation(path: &str, operation: &mut Operation) {
    let Some(parameters) = operation.parameters.as_mut() else {
        return;
    };
    // `/v1/calls` lists voice only and refuses a `channel` filter.
    if path == "/v1/calls" {
        parameters.retain(|it| !matches!(it, RefOr::T(it) if it.name == "channel"));
    }
    for parameter in parameters.iter_mut() {
        let RefOr::T(parameter) = parameter else {
            continue;
        };
        if let Some(shape) = shape(path, parameter) {
            let schema: Schema = serde_json::from_value(shape).expect("a valid schema");
            parameter.schema = Some(RefOr::T(schema));
        }
    }
}

/// The list a path's `cursor` belongs to: its last segment, as cursors name lists.
fn list_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or("")
}

fn shape(path: &str, parameter: &Parameter) -> Option<Value> {
    let name = parameter.name.as_str();
    if matches!(parameter.parameter_in, ParameterIn::Path) {
        return (name == "id").then(|| path_id(path));
    }
    if let Some(report) = path.strip_prefix("/v1/analytics/")
        && let Some(shape) = analytics(report, name)
    {
        return Some(shape);
    }
    let shape = match name {
        "from" | "to" => json!({"type": "string", "format": "date-time"}),
        "limit" => json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
        "include_deleted" => json!({"type": "boolean"}),
        "cursor"
            if path.starts_with("/v1/calls")
                || path.starts_with("/v1/interactions")
                || path.starts_with("/v1/presence")
                    && !path.starts_with("/v1/presence-statuses")
                || path.starts_with("/v1/tickets") =>
        {
            pattern(&cursor::position_pattern(list_of(path)))
        }
        "cursor" => pattern(&cursor::key_pattern(list_of(path))),
        "agent" | "queue" | "contact" | "call_id" | "conversation_id" | "user_id" | "source" => {
            key()
        }
        "number" | "extension" => pattern(&format!("^[^{CONTROL}\\ufffd]{{1,{MAX_TEXT_CHARS}}}$")),
        "direction" => one_or_more(&words(Direction::ALL.iter().map(|it| it.as_str()))),
        "channel" => one_or_more(&words(Channel::ALL.iter().map(|it| it.as_str()))),
        "priority" => one_or_more(&words(Priority::ALL.iter().map(|it| it.as_str()))),
        "status" if path == "/v1/calls" => {
            one_or_more(&words(CallStatus::ALL.iter().map(|it| it.as_str())))
        }
        "status" if path == "/v1/interactions" => one_or_more(&words(
            CallStatus::ALL
                .iter()
                .map(|it| it.as_str())
                .chain(ConversationStatus::ALL.iter().map(|it| it.as_str())),
        )),
        "status" if path == "/v1/tickets" => {
            one_or_more(&words(TicketStatus::ALL.iter().map(|it| it.as_str())))
        }
        // Presence statuses are the tenant's own system names: keys without commas.
        "status" => one_or_more(&format!(
            "[^,{SPACE}{CONTROL}](?:[^,{CONTROL}]*[^,{SPACE}{CONTROL}])?"
        )),
        _ => return None,
    };
    Some(shape)
}

/// The parameters of a report that differ from the lists': lists of keys, the zone,
/// the granularity, the groups and the report's metrics.
fn analytics(report: &str, name: &str) -> Option<Value> {
    let shape = match name {
        // Keys without commas, as `Checker::list` splits them.
        "agent" | "queue" => one_or_more(&format!(
            "[^,{SPACE}{CONTROL}](?:[^,{CONTROL}]*[^,{SPACE}{CONTROL}])?"
        )),
        "timezone" => {
            let mut names: Vec<String> = jiff::tz::db()
                .available()
                .map(|it| it.to_string())
                .collect();
            names.sort();
            json!({"type": "string", "enum": names})
        }
        "granularity" => {
            let names: Vec<&str> = cxhub_analytics::Granularity::ALL
                .iter()
                .map(|it| it.as_str())
                .collect();
            json!({"type": "string", "enum": names})
        }
        "group_by" => one_or_more(&words(
            cxhub_store::analytics::Dimension::ALL
                .iter()
                .map(|it| it.as_str()),
        )),
        "hours" => json!({"type": "string", "enum": ["business", "outside", "all"]}),
        "metrics" => one_or_more(&words(
            cxhub_analytics::METRICS
                .iter()
                .filter(|it| it.report == report)
                .map(|it| it.name),
        )),
        _ => return None,
    };
    Some(shape)
}

/// A record's number, or a directory entry's or token's key.
fn path_id(path: &str) -> Value {
    let records = ["/v1/calls/", "/v1/interactions/", "/v1/tickets/"];
    match records.iter().any(|it| path.starts_with(it)) {
        true => json!({"type": "integer", "minimum": 1, "maximum": i64::MAX}),
        false => key(),
    }
}

/// A key (`cxhub_model::ids::Key`): 1 to 200 characters, no control characters, no
/// white space at either end.
pub(super) fn key() -> Value {
    let edge = format!("[^{SPACE}{CONTROL}]");
    pattern(&format!(
        "^{edge}(?:[^{CONTROL}]{{0,{}}}{edge})?$",
        MAX_KEY_LEN - 2
    ))
}

fn pattern(pattern: &str) -> Value {
    json!({"type": "string", "pattern": pattern})
}

fn words<'a>(words: impl Iterator<Item = &'a str>) -> String {
    format!("(?:{})", words.collect::<Vec<_>>().join("|"))
}

/// A comma-separated list of `item`, with spaces around each item allowed.
fn one_or_more(item: &str) -> Value {
    pattern(&format!("^ *{item} *(?:, *{item} *)*$"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &Value, text: &str) -> bool {
        let pattern = pattern["pattern"].as_str().unwrap();
        regex_lite::Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn a_key_pattern_takes_what_key_parse_takes() {
        let shape = key();
        for text in [
            "u-7",
            "a b",
            "x",
            &"k".repeat(200),
            "é".repeat(200).as_str(),
        ] {
            assert!(matches(&shape, text), "{text}");
            assert!(cxhub_model::ids::Key::parse(text).is_ok(), "{text}");
        }
        for text in ["", " u", "u ", "a\u{0}b", &"k".repeat(201), "\u{3000}x"] {
            assert!(!matches(&shape, text), "{text:?}");
            assert!(cxhub_model::ids::Key::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn lists_take_their_vocabulary_with_spaces_around_items() {
        let shape = one_or_more(&words(Direction::ALL.iter().map(|it| it.as_str())));
        assert!(matches(&shape, "inbound"));
        assert!(matches(&shape, "inbound, outbound"));
        assert!(!matches(&shape, "inbound,"));
        assert!(!matches(&shape, "\tinbound"));
        assert!(!matches(&shape, "sideways"));
    }

    #[test]
    fn cursors_belong_to_their_list() {
        assert_eq!(list_of("/v1/presence-statuses"), "presence-statuses");
        assert_eq!(list_of("/v1/calls"), "calls");
    }
}
