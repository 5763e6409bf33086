//! The shapes of the native API's body fields that serde reads as plain strings and the
//! handlers then parse: keys, instants and closed vocabularies. Like [`super::params`],
//! it states in the document what the parse takes, from the same rules.

use serde_json::{Value, json};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Components, RefOr};

use super::params::key;

/// The fields each body type reads as a key (`cxhub_model::ids::Key`), as its
/// `into_model` does.
const KEYS: &[(&str, &[&str])] = &[
    ("UserBody", &["id"]),
    ("QueueBody", &["id"]),
    ("ContactBody", &["id"]),
    ("TagBody", &["id"]),
    ("ExtensionBody", &["id", "user_id"]),
    ("CategoryBody", &["id", "parent_id"]),
    ("AttributeBody", &["id"]),
    ("PresenceStatusBody", &["system_name"]),
    (
        "InteractionBody",
        &[
            "source",
            "external_id",
            "contact_id",
            "queue_id",
            "agent_id",
            "first_assignee_id",
            "closed_assignee_id",
        ],
    ),
    ("PartyBody", &["staff_id"]),
    ("LegBody", &["agent_id"]),
    ("MessageBody", &["agent_id"]),
    (
        "PresenceBody",
        &[
            "source",
            "external_id",
            "user_id",
            "previous_status",
            "new_status",
        ],
    ),
    (
        "TicketBody",
        &[
            "source",
            "external_id",
            "contact_id",
            "creator_id",
            "assignee_id",
        ],
    ),
    ("CustomFieldBody", &["attribute_id"]),
];

/// The fields each body type cannot do without: serde fills a missing one with its
/// default (`""`), which the parse then refuses.
const REQUIRED: &[(&str, &[&str])] = &[
    ("UserBody", &["id"]),
    ("QueueBody", &["id"]),
    ("ContactBody", &["id"]),
    ("TagBody", &["id", "name"]),
    ("ExtensionBody", &["id"]),
    ("CategoryBody", &["id", "name"]),
    (
        "AttributeBody",
        &["id", "system_name", "display_name", "type"],
    ),
    ("PresenceStatusBody", &["system_name", "display_name"]),
    (
        "InteractionBody",
        &["source", "external_id", "direction", "status", "started_at"],
    ),
    ("MessageBody", &["at"]),
    (
        "PresenceBody",
        &["source", "external_id", "user_id", "new_status", "at"],
    ),
    ("TicketBody", &["source", "external_id"]),
    ("CustomFieldBody", &["attribute_id", "value"]),
    ("NewToken", &["role"]),
];

/// The blank-refusing fields (`non_empty`): some character `str::trim` keeps.
const NOT_BLANK: &str =
    "[^\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

pub struct Bodies;

impl utoipa::Modify for Bodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, keys) in KEYS {
            for field in *keys {
                reshape(components, name, field, |nullable| {
                    with_null(key(), nullable)
                });
            }
        }
        // Every `…_at` field of a body is an RFC 3339 instant.
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for name in names {
            let fields = properties(components, &name);
            for field in fields.iter().filter(|it| it.ends_with("_at")) {
                reshape(components, &name, field, |nullable| {
                    with_null(json!({"type": "string", "format": "date-time"}), nullable)
                });
            }
        }
        for name in components.schemas.keys().cloned().collect::<Vec<_>>() {
            for field in properties(components, &name) {
                bound_number(components, &name, &field);
            }
        }
        reshape(components, "QueueBody", "sla_target_pct", |nullable| {
            with_null(
                json!({"type": "integer", "minimum": 0, "maximum": 100}),
                nullable,
            )
        });
        events_body(openapi);
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let zones: Vec<String> = jiff::tz::db()
            .available()
            .map(|it| it.to_string())
            .collect();
        reshape(components, "TenantPatch", "timezone", |nullable| {
            with_null(json!({"type": "string", "enum": zones}), nullable)
        });
        let not_blank = [
            ("TenantPatch", "name"),
            ("TagBody", "name"),
            ("CategoryBody", "name"),
            ("AttributeBody", "system_name"),
            ("AttributeBody", "display_name"),
            ("PresenceStatusBody", "display_name"),
        ];
        for (name, field) in not_blank {
            reshape(components, name, field, |nullable| {
                with_null(json!({"type": "string", "pattern": NOT_BLANK}), nullable)
            });
        }
        for (name, fields) in REQUIRED {
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*name) else {
                panic!("no component {name}");
            };
            for field in *fields {
                assert!(object.properties.contains_key(*field), "{name}.{field}");
                if !object.required.iter().any(|it| it == field) {
                    object.required.push((*field).to_owned());
                }
            }
        }
        reshape(
            components,
            "NewToken",
            "role",
            |_| json!({"type": "string", "enum": ["read", "write", "admin"]}),
        );
    }
}

/// The bounds serde and the parse put on a number that utoipa states too loosely: an
/// unsigned 32-bit field (utoipa says `int32`), seconds and counts read by
/// `dto::secs` (0 to 2^32 - 1), and versions (not negative).
fn bound_number(components: &mut Components, name: &str, field: &str) {
    let Some(RefOr::T(Schema::Object(object))) = components.schemas.get(name) else {
        return;
    };
    let old = serde_json::to_value(&object.properties[field]).expect("a schema serializes");
    let unsigned = old["format"] == "int32" && old["minimum"] == 0;
    let seconds = old["format"] == "int64"
        && (field.ends_with("_secs") || field == "hold_count" || field == "transfer_count");
    let (minimum, maximum) = match (unsigned || seconds, field == "version") {
        (true, _) => (0, Some(u32::MAX)),
        (false, true) => (0, None),
        (false, false) => return,
    };
    let mut new = old;
    if let Some(new) = new.as_object_mut() {
        new.remove("format");
        new.insert("minimum".to_owned(), json!(minimum));
        if let Some(maximum) = maximum {
            new.insert("maximum".to_owned(), json!(maximum));
        }
    }
    let schema: Schema = serde_json::from_value(new).expect("a valid schema");
    if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
        object.properties.insert(field.to_owned(), RefOr::T(schema));
    }
}

/// `POST /v1/events` takes a JSON array of events or one event object; each item is
/// checked on its own and a bad one is reported in the answer, so any item is taken.
fn events_body(openapi: &mut utoipa::openapi::OpenApi) {
    let Some(item) = openapi.paths.paths.get_mut("/v1/events") else {
        return;
    };
    let Some(RefOr::T(body)) = item.post.as_mut().and_then(|it| it.request_body.as_mut()) else {
        return;
    };
    if let Some(RefOr::T(content)) = body.content.get_mut("application/json") {
        let schema: Schema =
            serde_json::from_value(json!({"type": ["array", "object"], "items": {}}))
                .expect("a valid schema");
        content.schema = Some(RefOr::T(schema));
    }
}

fn properties(components: &Components, name: &str) -> Vec<String> {
    match components.schemas.get(name) {
        Some(RefOr::T(Schema::Object(object))) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Replaces the schema of `field` of component `name` with `shape(nullable)`, keeping
/// its description and whether it took `null`.
fn reshape(
    components: &mut Components,
    name: &str,
    field: &str,
    shape: impl FnOnce(bool) -> Value,
) {
    let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) else {
        panic!("no component {name}");
    };
    let Some(old) = object.properties.get(field) else {
        panic!("no field {field} in {name}");
    };
    let old = serde_json::to_value(old).expect("a schema serializes");
    let nullable = old["type"]
        .as_array()
        .is_some_and(|it| it.iter().any(|it| it == "null"));
    let mut new = shape(nullable);
    for kept in ["description", "readOnly"] {
        if let Some(value) = old.get(kept) {
            new[kept] = value.clone();
        }
    }
    let schema: Schema = serde_json::from_value(new).expect("a valid schema");
    object.properties.insert(field.to_owned(), RefOr::T(schema));
}

/// `shape`, taking `null` too when the field did.
fn with_null(mut shape: Value, nullable: bool) -> Value {
    if nullable {
        let kind = shape["type"].clone();
        shape["type"] = json!([kind, "null"]);
        if let Some(values) = shape["enum"].as_array_mut() {
            values.push(Value::Null);
        }
    }
    shape
}
