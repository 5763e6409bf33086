//! The request of ListCallLogs: decoded in two steps, as the vendor's server does.
//! [`decode`] turns the body into typed values (a wrong type or an unknown enum name is
//! `malformed`), then, after authentication, [`Request::validate`] checks the values and
//! the paging (`invalid_argument`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, TwirpError};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawRequest {
    filter: Option<RawFilter>,
    paging: Option<RawPaging>,
    /// The seed's curl sends filter fields at the top level; they are read as the filter's.
    #[serde(flatten)]
    top: RawFilter,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawFilter {
    call_number: Option<String>,
    call_state: Option<Value>,
    date_from: Option<String>,
    date_to: Option<String>,
    department_id: Option<Value>,
    direction: Option<Value>,
    #[serde(deserialize_with = "object_only")]
    duration: Option<RawDuration>,
    extension_ids: Option<Vec<Value>>,
    external_id: Option<String>,
    external_session_id: Option<String>,
    hotline_ids: Option<Vec<Value>>,
    user_id: Option<Value>,
}

/// Reads `duration` from a JSON object only. At the top level it is read through the
/// flattened filter, which serde buffers past [`crate::strict::Strict`]; there an array
/// would be taken as the struct's fields in order.
fn object_only<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<RawDuration>, D::Error> {
    match Option::<serde_json::Map<String, Value>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(map) => RawDuration::deserialize(Value::Object(map))
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawDuration {
    comparison: Option<Value>,
    value: Option<i64>,
}

/// The request's paging, as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct RawPaging {
    pub after: Option<String>,
    pub before: Option<String>,
    pub limit: Option<i64>,
    pub sort: Option<String>,
}

/// `call_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Unknown,
    Answered,
    NotAnswered,
}

/// Sencloud's `direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenDirection {
    Unknown,
    In,
    Out,
    Ext,
    ExtIn,
    ExtOut,
}

/// `duration.comparison`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    LessThan,
    LessThanOrEqualTo,
    EqualTo,
    GreaterThanOrEqualTo,
    GreaterThan,
}

/// A decoded request, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub call_number: Option<String>,
    pub call_state: CallState,
    pub date_from: Option<Instant>,
    pub date_to: Option<Instant>,
    pub department_id: Option<String>,
    pub direction: SenDirection,
    pub duration: Option<(Comparison, i64)>,
    pub extension_ids: Vec<String>,
    pub external_id: Option<String>,
    pub external_session_id: Option<String>,
    pub hotline_ids: Vec<String>,
    pub user_id: Option<String>,
    pub paging: RawPaging,
}

/// `CallState`'s names and integers (eTop's `call_state` enum).
const CALL_STATES: &[(&str, i64)] = &[("unknown", 0), ("answered", 1), ("not_answered", 2)];
/// `CallDirection`'s names and integers (eTop's `call_direction` enum).
const DIRECTIONS: &[(&str, i64)] = &[
    ("unknown", 0),
    ("in", 3),
    ("out", 9),
    ("ext", 15),
    ("ext_in", 17),
    ("ext_out", 21),
];
/// The duration comparison's names, numbered in the docs' order: its source is not
/// public, so the integers are cxhub's (`docs/mapping.md` §5).
const COMPARISONS: &[(&str, i64)] = &[
    ("unknow", 0),
    ("unknown", 0),
    ("less_than", 1),
    ("less_than_or_equal_to", 2),
    ("equal_to", 3),
    ("greater_than_or_equal_to", 4),
    ("greater_than", 5),
];

/// An enum as protobuf's JSON mapping sends it: its name or its integer; `""` and
/// `null` are the zero value. Unknown names and integers are `malformed`, with the
/// vendor's causes.
fn enum_of(kind: &str, value: &Option<Value>, names: &[(&str, i64)]) -> Result<i64, TwirpError> {
    match value {
        None | Some(Value::Null) => Ok(0),
        Some(Value::String(text)) if text.is_empty() => Ok(0),
        Some(Value::String(text)) => names
            .iter()
            .find(|(name, _)| name == text)
            .map(|(_, value)| *value)
            .ok_or_else(|| {
                TwirpError::malformed(format!("unrecognized enum {kind} value \"{text}\""))
            }),
        Some(Value::Number(number)) => match number.as_i64() {
            Some(value) if names.iter().any(|(_, it)| *it == value) => Ok(value),
            Some(value) => Err(TwirpError::malformed(format!(
                "unrecognized enum {kind} value {value}"
            ))),
            None => Err(TwirpError::malformed(format!(
                "cannot unmarshal `{number}` into enum {kind}"
            ))),
        },
        Some(other) => Err(TwirpError::malformed(format!(
            "cannot unmarshal `{other}` into enum {kind}"
        ))),
    }
}

/// Decodes a body; an empty body is an empty request.
pub fn decode(body: &[u8]) -> Result<Request, TwirpError> {
    let raw: RawRequest = match body.iter().all(u8::is_ascii_whitespace) {
        true => RawRequest::default(),
        // Structs from JSON objects only, as Go's decoder reads them (`crate::strict`).
        false => {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            RawRequest::deserialize(crate::strict::Strict(&mut deserializer))
                .and_then(|raw| deserializer.end().map(|()| raw))
                .map_err(|err| TwirpError::malformed(err.to_string()))?
        }
    };
    // A top-level field the filter's overrides is still read, so a bad value is refused
    // wherever it stands.
    read(raw.top.clone(), RawPaging::default())?;
    read(
        merge(raw.filter.unwrap_or_default(), raw.top),
        raw.paging.unwrap_or_default(),
    )
}

/// Reads one filter's fields into a request.
fn read(filter: RawFilter, paging: RawPaging) -> Result<Request, TwirpError> {
    let name = |value: &Option<Value>| -> Result<Option<String>, ()> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(_) => Err(()),
        }
    };
    let call_state = match enum_of("CallState", &filter.call_state, CALL_STATES)? {
        1 => CallState::Answered,
        2 => CallState::NotAnswered,
        _ => CallState::Unknown,
    };
    let direction = match enum_of("CallDirection", &filter.direction, DIRECTIONS)? {
        3 => SenDirection::In,
        9 => SenDirection::Out,
        15 => SenDirection::Ext,
        17 => SenDirection::ExtIn,
        21 => SenDirection::ExtOut,
        _ => SenDirection::Unknown,
    };
    let duration = match filter.duration {
        None => None,
        Some(duration) => {
            let comparison = match enum_of("Comparison", &duration.comparison, COMPARISONS)? {
                1 => Some(Comparison::LessThan),
                2 => Some(Comparison::LessThanOrEqualTo),
                3 => Some(Comparison::EqualTo),
                4 => Some(Comparison::GreaterThanOrEqualTo),
                5 => Some(Comparison::GreaterThan),
                _ => None,
            };
            comparison.map(|it| (it, duration.value.unwrap_or(0)))
        }
    };
    let time = |field: &str, value: &Option<String>| -> Result<Option<Instant>, TwirpError> {
        match value.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => Instant::parse_rfc3339(text).map(Some).map_err(|_| {
                TwirpError::malformed(format!("{field}: parsing time \"{text}\" as RFC3339"))
            }),
        }
    };
    let ids = |field: &str, values: &Option<Vec<Value>>| -> Result<Vec<String>, TwirpError> {
        let mut out = Vec::new();
        for value in values.iter().flatten() {
            match name(&Some(value.clone())) {
                Ok(Some(text)) => out.push(text),
                Ok(None) => (),
                Err(()) => {
                    return Err(TwirpError::malformed(format!(
                        "{field}: an id must be a string or a number"
                    )));
                }
            }
        }
        Ok(out)
    };
    let id = |field: &str, value: &Option<Value>| -> Result<Option<String>, TwirpError> {
        let text = name(value).map_err(|()| {
            TwirpError::malformed(format!("{field}: an id must be a string or a number"))
        })?;
        match text.filter(|it| it != "0") {
            Some(text) if Key::parse(&text).is_err() => Err(TwirpError::malformed(format!(
                "{field}: `{text}` is not an id"
            ))),
            other => Ok(other),
        }
    };
    Ok(Request {
        call_number: filter.call_number.filter(|it| !it.is_empty()),
        call_state,
        date_from: time("date_from", &filter.date_from)?,
        date_to: time("date_to", &filter.date_to)?,
        department_id: id("department_id", &filter.department_id)?,
        direction,
        duration,
        extension_ids: ids("extension_ids", &filter.extension_ids)?,
        external_id: filter.external_id.filter(|it| !it.is_empty()),
        external_session_id: filter.external_session_id.filter(|it| !it.is_empty()),
        hotline_ids: ids("hotline_ids", &filter.hotline_ids)?,
        user_id: id("user_id", &filter.user_id)?,
        paging,
    })
}

fn merge(inner: RawFilter, top: RawFilter) -> RawFilter {
    RawFilter {
        call_number: inner.call_number.or(top.call_number),
        call_state: inner.call_state.or(top.call_state),
        date_from: inner.date_from.or(top.date_from),
        date_to: inner.date_to.or(top.date_to),
        department_id: inner.department_id.or(top.department_id),
        direction: inner.direction.or(top.direction),
        duration: inner.duration.or(top.duration),
        extension_ids: inner.extension_ids.or(top.extension_ids),
        external_id: inner.external_id.or(top.external_id),
        external_session_id: inner.external_session_id.or(top.external_session_id),
        hotline_ids: inner.hotline_ids.or(top.hotline_ids),
        user_id: inner.user_id.or(top.user_id),
    }
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// The column the rows are in order of.
    pub field: SortField,
    /// Oldest first (`sort` without `-`). Otherwise newest first.
    pub ascending: bool,
    /// The row to continue from; the cursor says which way (`next` forwards, `prev`
    /// backwards), whether it came as `after` or as `before`.
    pub cursor: Option<Cursor>,
    pub limit: usize,
}

/// The columns call logs can be sorted by (the vendor's whitelist, less `id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    StartedAt,
    CreatedAt,
    UpdatedAt,
}

impl SortField {
    fn letter(self) -> char {
        match self {
            SortField::StartedAt => 's',
            SortField::CreatedAt => 'c',
            SortField::UpdatedAt => 'u',
        }
    }

    fn from_letter(letter: char) -> Option<SortField> {
        match letter {
            's' => Some(SortField::StartedAt),
            'c' => Some(SortField::CreatedAt),
            'u' => Some(SortField::UpdatedAt),
            _ => None,
        }
    }
}

/// A keyset position: a row's sort value and id, the sort it was given for, and which
/// way it leads: a `next` cursor forwards, a `prev` cursor backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub field: SortField,
    pub ascending: bool,
    pub backwards: bool,
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    /// Opaque to clients: base64url (padded) of `{a|d}{s|c|u}{n|p}:{at}:{id}`.
    pub fn encode(self) -> String {
        let order = if self.ascending { 'a' } else { 'd' };
        let way = if self.backwards { 'p' } else { 'n' };
        let field = self.field.letter();
        URL_SAFE.encode(format!("{order}{field}{way}:{}:{}", self.at, self.id))
    }

    /// Reads a cursor; also the `{a|d}:{at}:{id}` form of earlier versions, a forward
    /// cursor by start.
    fn decode(text: &str) -> Option<Cursor> {
        let bytes = URL_SAFE.decode(text).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut parts = text.split(':');
        let head: Vec<char> = parts.next()?.chars().collect();
        let (ascending, field, backwards) = match head.as_slice() {
            [order] => (*order, SortField::StartedAt, false),
            [order, field, way] => (
                *order,
                SortField::from_letter(*field)?,
                match way {
                    'n' => false,
                    'p' => true,
                    _ => return None,
                },
            ),
            _ => return None,
        };
        let ascending = match ascending {
            'a' => true,
            'd' => false,
            _ => return None,
        };
        let at = parts.next()?.parse().ok()?;
        let id = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Cursor {
            field,
            ascending,
            backwards,
            at,
            id,
        })
    }
}

impl Request {
    /// Checks the values, with the vendor's `invalid_argument` messages.
    pub fn validate(&self) -> Result<Page, TwirpError> {
        match (self.date_from, self.date_to) {
            (Some(_), None) | (None, Some(_)) => {
                return Err(TwirpError::invalid("must provide both DateFrom and DateTo"));
            }
            (Some(from), Some(to)) if to < from => {
                return Err(TwirpError::invalid("date_to must be after date_from"));
            }
            _ => (),
        }
        let paging = &self.paging;
        let limit = match paging.limit.unwrap_or(0) {
            limit if limit < 0 => return Err(TwirpError::invalid("invalid limit")),
            0 => MAX_LIMIT,
            limit => (limit as usize).min(MAX_LIMIT),
        };
        let sort = paging.sort.as_deref().unwrap_or("").trim();
        let (ascending, name) = match sort.strip_prefix('-') {
            Some(name) => (false, name),
            None => (!sort.is_empty(), sort),
        };
        let field = match name {
            "" | "started_at" => SortField::StartedAt,
            "created_at" => SortField::CreatedAt,
            "updated_at" => SortField::UpdatedAt,
            _ if name.contains(',') => {
                return Err(TwirpError::invalid(
                    "paging is invalid (can not sort by more than 1 field)",
                ));
            }
            "id" => {
                return Err(TwirpError::invalid(
                    "paging is invalid (can not sort by id)",
                ));
            }
            other => {
                return Err(TwirpError::invalid(format!(
                    "sort by {other} is not allowed"
                )));
            }
        };
        let after_given = paging.after.as_deref().is_some_and(|it| !it.is_empty());
        let before = paging.before.as_deref().filter(|it| !it.is_empty());
        if after_given && before.is_some() {
            return Err(TwirpError::invalid("paging is invalid"));
        }
        let after = paging
            .after
            .as_deref()
            .filter(|it| !it.is_empty() && *it != ".");
        let cursor = match after.or(before) {
            None => None,
            Some(text) => {
                let cursor = Cursor::decode(text)
                    .ok_or_else(|| TwirpError::invalid("paging is invalid (invalid cursor)"))?;
                if (cursor.field, cursor.ascending) != (field, ascending) {
                    return Err(TwirpError::invalid(
                        "paging is invalid (sort does not match)",
                    ));
                }
                Some(cursor)
            }
        };
        Ok(Page {
            field,
            ascending,
            cursor,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_seed_curl_body_reads_its_top_level_filter() {
        let request = decode(br#"{"extension_ids": ["101"]}"#).unwrap();
        assert_eq!(request.extension_ids, ["101"]);
        let request =
            decode(br#"{"filter": {"extension_ids": [101], "direction": 3, "call_state": ""}}"#)
                .unwrap();
        assert_eq!(
            (request.extension_ids.as_slice(), request.direction),
            (&["101".to_owned()][..], SenDirection::In)
        );
        assert_eq!(request.call_state, CallState::Unknown);
    }

    #[test]
    fn a_bad_top_level_field_is_refused_where_the_filter_overrides_it() {
        let body = br#"{"filter": {"call_state": "answered"}, "call_state": "nope"}"#;
        assert!(decode(body).unwrap_err().meta["cause"].contains("CallState"));
        let body = br#"{"filter": {"date_from": ""}, "date_from": "yesterday"}"#;
        assert!(decode(body).unwrap_err().meta["cause"].contains("date_from"));
        let body = br#"{"filter": {"call_state": "answered"}, "call_state": ""}"#;
        assert_eq!(decode(body).unwrap().call_state, CallState::Answered);
    }

    #[test]
    fn decoding_errors_are_malformed() {
        let err = decode(br#"{"filter": {"call_state": "x"}}"#).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.meta["cause"].as_str()),
            ("malformed", "unrecognized enum CallState value \"x\"")
        );
        assert_eq!(decode(b"{").unwrap_err().code, "malformed");
        assert_eq!(
            decode(br#"{"filter": {"call_number": 5}}"#)
                .unwrap_err()
                .code,
            "malformed"
        );
        assert_eq!(
            decode(br#"{"filter": {"date_from": "yesterday"}}"#)
                .unwrap_err()
                .code,
            "malformed"
        );
    }

    #[test]
    fn validation_uses_the_vendors_messages() {
        let msg = |body: &str| decode(body.as_bytes()).unwrap().validate().unwrap_err().msg;
        assert_eq!(
            msg(r#"{"filter": {"date_from": "2021-03-10T17:07:19+07:00"}}"#),
            "must provide both DateFrom and DateTo"
        );
        assert_eq!(
            msg(
                r#"{"filter": {"date_from": "2021-03-10T17:07:19+07:00", "date_to": "2021-03-09T17:07:19+07:00"}}"#
            ),
            "date_to must be after date_from"
        );
        assert_eq!(msg(r#"{"paging": {"limit": -1}}"#), "invalid limit");
        assert_eq!(
            msg(r#"{"paging": {"after": "x", "before": "y"}}"#),
            "paging is invalid"
        );
        assert_eq!(
            msg(r#"{"paging": {"sort": "started_at,id"}}"#),
            "paging is invalid (can not sort by more than 1 field)"
        );
        assert_eq!(
            msg(r#"{"paging": {"sort": "-id"}}"#),
            "paging is invalid (can not sort by id)"
        );
        assert_eq!(
            msg(r#"{"paging": {"sort": "duration"}}"#),
            "sort by duration is not allowed"
        );
        assert_eq!(
            msg(r#"{"paging": {"after": "garbage"}}"#),
            "paging is invalid (invalid cursor)"
        );
        let descending = Cursor {
            field: SortField::StartedAt,
            ascending: false,
            backwards: false,
            at: 1,
            id: 2,
        }
        .encode();
        assert_eq!(
            msg(&format!(
                r#"{{"paging": {{"after": "{descending}", "sort": "started_at"}}}}"#
            )),
            "paging is invalid (sort does not match)"
        );
    }

    #[test]
    fn limits_clamp_and_defaults_apply() {
        let page = |body: &str| decode(body.as_bytes()).unwrap().validate().unwrap();
        assert_eq!(
            page("{}"),
            Page {
                field: SortField::StartedAt,
                ascending: false,
                cursor: None,
                limit: 100
            }
        );
        assert_eq!(page(r#"{"paging": {"limit": 0, "after": "."}}"#).limit, 100);
        assert_eq!(page(r#"{"paging": {"limit": 1000}}"#).limit, 100);
        assert_eq!(
            page(r#"{"paging": {"limit": 7, "sort": "started_at"}}"#),
            Page {
                field: SortField::StartedAt,
                ascending: true,
                cursor: None,
                limit: 7
            }
        );
    }

    proptest! {
        #[test]
        fn decoding_never_panics(body in "\\PC{0,80}") {
            if let Ok(request) = decode(body.as_bytes()) {
                let _ = request.validate();
            }
        }

        #[test]
        fn cursors_round_trip(ascending: bool, backwards: bool, field in 0usize..3, at in 0i64..=253_402_300_799_999, id in 1i64..=i64::MAX) {
            let field = [SortField::StartedAt, SortField::CreatedAt, SortField::UpdatedAt][field];
            let cursor = Cursor { field, ascending, backwards, at, id };
            prop_assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        }
    }
}
