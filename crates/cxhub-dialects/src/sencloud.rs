//! Sencloud (eTelecom's shop API): `POST /v1/shop.Sencloud/ListCallLogs`.
//!
//! The request is decoded in two steps, as the vendor's server does: [`decode`] turns the
//! body into typed values (a wrong type or an unknown enum name is `malformed`), then,
//! after authentication, [`Request::validate`] checks the values (`invalid_argument`).
//! See `docs/dialects/sencloud.md` and `docs/mapping.md` §5.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use cxhub_model::call::{CallDetail, CallLeg, CallStatus, LegStatus, Party};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::text::{Text, text};

/// The source name records read from Sencloud carry.
pub const SOURCE: &str = "sencloud";
/// Rows per page when `limit` is 0, absent or over the maximum (silently, as the vendor).
pub const MAX_LIMIT: usize = 100;
/// Go's zero time, printed for an absent instant.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A Twirp error body: `{code, msg, meta}`, `meta` omitted when empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwirpError {
    pub code: String,
    pub msg: String,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty", default)]
    pub meta: std::collections::BTreeMap<String, String>,
}

impl TwirpError {
    pub fn new(code: &str, msg: impl Into<String>) -> TwirpError {
        TwirpError {
            code: code.to_owned(),
            msg: msg.into(),
            meta: Default::default(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> TwirpError {
        self.meta.insert(key.to_owned(), value.into());
        self
    }

    fn malformed(cause: impl Into<String>) -> TwirpError {
        TwirpError::new("malformed", "the json request could not be decoded").with("cause", cause)
    }

    fn invalid(msg: impl Into<String>) -> TwirpError {
        TwirpError::new("invalid_argument", msg)
    }

    /// The HTTP status of a Twirp code (vendors.md §3.2).
    pub fn http_status(&self) -> u16 {
        match self.code.as_str() {
            "canceled" | "deadline_exceeded" => 408,
            "invalid_argument" | "malformed" | "out_of_range" => 400,
            "not_found" | "bad_route" => 404,
            "already_exists" | "aborted" => 409,
            "permission_denied" | "resource_exhausted" => 403,
            "unauthenticated" => 401,
            "failed_precondition" => 412,
            "unimplemented" => 501,
            "unavailable" => 503,
            _ => 500,
        }
    }
}

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
    duration: Option<RawDuration>,
    extension_ids: Option<Vec<Value>>,
    external_id: Option<String>,
    external_session_id: Option<String>,
    hotline_ids: Option<Vec<Value>>,
    user_id: Option<Value>,
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

/// Decodes a body; an empty body is an empty request.
pub fn decode(body: &[u8]) -> Result<Request, TwirpError> {
    let raw: RawRequest = match body.iter().all(u8::is_ascii_whitespace) {
        true => RawRequest::default(),
        false => {
            serde_json::from_slice(body).map_err(|err| TwirpError::malformed(err.to_string()))?
        }
    };
    let filter = merge(raw.filter.unwrap_or_default(), raw.top);
    let name = |value: &Option<Value>| -> Result<Option<String>, ()> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(_) => Err(()),
        }
    };
    let enum_value = |kind: &str, value: &Option<Value>| {
        name(value).map_err(|()| TwirpError::malformed(format!("invalid {kind} value")))
    };
    let call_state = match enum_value("CallState", &filter.call_state)?.as_deref() {
        None | Some("unknown") | Some("0") => CallState::Unknown,
        Some("answered") => CallState::Answered,
        Some("not_answered") => CallState::NotAnswered,
        Some(other) => {
            return Err(TwirpError::malformed(format!(
                "unrecognized enum CallState value \"{other}\""
            )));
        }
    };
    let direction = match enum_value("CallDirection", &filter.direction)?.as_deref() {
        None | Some("unknown") | Some("0") => SenDirection::Unknown,
        Some("in") | Some("3") => SenDirection::In,
        Some("out") | Some("9") => SenDirection::Out,
        Some("ext") | Some("15") => SenDirection::Ext,
        Some("ext_in") | Some("17") => SenDirection::ExtIn,
        Some("ext_out") | Some("21") => SenDirection::ExtOut,
        Some(other) => {
            return Err(TwirpError::malformed(format!(
                "unrecognized enum CallDirection value \"{other}\""
            )));
        }
    };
    let duration = match filter.duration {
        None => None,
        Some(duration) => {
            let comparison = match enum_value("Comparison", &duration.comparison)?.as_deref() {
                None | Some("unknow") | Some("unknown") | Some("0") => None,
                Some("less_than") => Some(Comparison::LessThan),
                Some("less_than_or_equal_to") => Some(Comparison::LessThanOrEqualTo),
                Some("equal_to") => Some(Comparison::EqualTo),
                Some("greater_than_or_equal_to") => Some(Comparison::GreaterThanOrEqualTo),
                Some("greater_than") => Some(Comparison::GreaterThan),
                Some(other) => {
                    return Err(TwirpError::malformed(format!(
                        "unrecognized enum Comparison value \"{other}\""
                    )));
                }
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
        paging: raw.paging.unwrap_or_default(),
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
    /// `sort=started_at`: oldest first. Otherwise newest first.
    pub ascending: bool,
    /// The row to continue from and whether to go backwards from it (`before`).
    pub cursor: Option<(Cursor, bool)>,
    pub limit: usize,
}

/// A keyset position: the started-at and id of a row, and the sort it was given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub ascending: bool,
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    /// Opaque to clients: base64url (padded) of the sort, the instant and the id.
    pub fn encode(self) -> String {
        let sort = if self.ascending { "a" } else { "d" };
        URL_SAFE.encode(format!("{sort}:{}:{}", self.at, self.id))
    }

    fn decode(text: &str) -> Option<Cursor> {
        let bytes = URL_SAFE.decode(text).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut parts = text.split(':');
        let ascending = match parts.next()? {
            "a" => true,
            "d" => false,
            _ => return None,
        };
        let at = parts.next()?.parse().ok()?;
        let id = parts.next()?.parse().ok()?;
        parts
            .next()
            .is_none()
            .then_some(Cursor { ascending, at, id })
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
        let ascending = match sort {
            "" | "-started_at" => false,
            "started_at" => true,
            _ if sort.contains(',') => {
                return Err(TwirpError::invalid(
                    "paging is invalid (can not sort by more than 1 field)",
                ));
            }
            "id" | "-id" => {
                return Err(TwirpError::invalid(
                    "paging is invalid (can not sort by id)",
                ));
            }
            other => {
                return Err(TwirpError::invalid(format!(
                    "sort by {} is not allowed",
                    other.trim_start_matches('-')
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
        let cursor = match (after, before) {
            (Some(text), _) => Some((text, false)),
            (None, Some(text)) => Some((text, true)),
            (None, None) => None,
        };
        let cursor = match cursor {
            None => None,
            Some((text, backwards)) => {
                let cursor = Cursor::decode(text)
                    .ok_or_else(|| TwirpError::invalid("paging is invalid (invalid cursor)"))?;
                if cursor.ascending != ascending {
                    return Err(TwirpError::invalid(
                        "paging is invalid (sort does not match)",
                    ));
                }
                Some((cursor, backwards))
            }
        };
        Ok(Page {
            ascending,
            cursor,
            limit,
        })
    }
}

/// `{call_logs, paging}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListCallLogsResponse<'a> {
    pub call_logs: Vec<CallLog<'a>>,
    pub paging: PagingOut,
}

/// The paging of an answer: the request's `after`, `before` and `sort` echoed, the
/// effective `limit`, and the cursors of the first (`prev`) and last (`next`) rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PagingOut {
    pub after: String,
    pub before: String,
    pub limit: usize,
    pub next: String,
    pub prev: String,
    pub sort: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CallLog<'a> {
    pub call_state: Text<'a>,
    pub call_status: Text<'a>,
    pub call_targets: Vec<CallTarget<'a>>,
    pub callee: Text<'a>,
    pub caller: Text<'a>,
    pub contact_id: Text<'a>,
    pub created_at: Text<'a>,
    pub direction: Text<'a>,
    pub duration: u32,
    pub ended_at: Text<'a>,
    pub extension_id: Text<'a>,
    pub external_id: Text<'a>,
    pub external_session_id: Text<'a>,
    pub id: Text<'a>,
    pub note: Text<'a>,
    pub recording_urls: Cow<'a, [String]>,
    pub started_at: Text<'a>,
    pub updated_at: Text<'a>,
    pub user_id: Text<'a>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CallTarget<'a> {
    pub add_time: Text<'a>,
    pub answered_time: Text<'a>,
    pub end_reason: Text<'a>,
    pub ended_time: Text<'a>,
    pub fail_code: i32,
    pub ring_duration: u32,
    pub ring_time: Text<'a>,
    pub status: Text<'a>,
    pub target_number: Text<'a>,
    pub trunk_name: Text<'a>,
}

/// Go's `time.Time` in JSON: RFC 3339 with the fraction's trailing zeros trimmed.
/// Written digit by digit (`format!` through jiff was a tenth of a page's time).
pub fn go_time(at: Option<Instant>) -> String {
    let Some(at) = at else {
        return ZERO_TIME.to_owned();
    };
    let mut out = String::with_capacity(24);
    at.push_utc_trimmed(&mut out, b'T');
    out.push('Z');
    out
}

fn parse_go_time(text: &str) -> Option<Instant> {
    (text != ZERO_TIME)
        .then(|| Instant::parse_rfc3339(text).ok())
        .flatten()
}

/// An int64 id on the wire: the key when it is one, else `"0"` (the vendor's zero id).
fn int_id(key: Option<&Key>) -> Text<'_> {
    text(
        key.map(Key::as_str)
            .filter(|it| it.parse::<i64>().is_ok_and(|id| id > 0))
            .unwrap_or("0"),
    )
}

/// A string that Sencloud prints as `""` when absent.
fn or_empty(value: Option<&String>) -> Text<'_> {
    text(value.map_or("", String::as_str))
}

/// `answered` for a connected call, else `not_answered`.
pub fn call_state(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Ended => "answered",
        _ => "not_answered",
    }
}

impl<'a> CallLog<'a> {
    /// The call log of a call; `None` for an interaction that is not a call.
    pub fn from_model(it: &'a Interaction) -> Option<CallLog<'a>> {
        let (InteractionStatus::Call(status), Some(call)) = (it.status, it.call.as_ref()) else {
            return None;
        };
        let direction = match it.direction {
            Direction::Inbound => "in",
            Direction::Outbound => "out",
            Direction::Internal
                if call.extension.is_some() && call.extension == call.callee.number =>
            {
                "ext_in"
            }
            Direction::Internal => "ext_out",
        };
        Some(CallLog {
            call_state: text(call_state(status)),
            call_status: text(if status == CallStatus::Ended {
                "P"
            } else {
                "NS"
            }),
            call_targets: call.legs.iter().map(CallTarget::from_model).collect(),
            callee: or_empty(call.callee.number.as_ref()),
            caller: or_empty(call.caller.number.as_ref()),
            contact_id: int_id(it.contact_id.as_ref()),
            created_at: Cow::Owned(go_time(Some(it.created_at_or_derived()))),
            direction: text(direction),
            duration: call.talk_secs.unwrap_or(0),
            ended_at: Cow::Owned(go_time(it.ended_at)),
            extension_id: text(
                call.extension
                    .as_deref()
                    .filter(|it| it.parse::<i64>().is_ok())
                    .unwrap_or("0"),
            ),
            external_id: text(it.external_id.as_str()),
            external_session_id: or_empty(call.session_id.as_ref()),
            id: Cow::Owned(it.id.map(|id| id.to_string()).unwrap_or_default()),
            note: or_empty(call.note.as_ref()),
            recording_urls: Cow::Borrowed(&call.recordings),
            started_at: Cow::Owned(go_time(Some(it.started_at))),
            updated_at: Cow::Owned(go_time(it.updated_at.or(Some(it.created_at_or_derived())))),
            user_id: int_id(it.agent_id.as_ref()),
        })
    }

    /// Reads a call log as a call of source [`SOURCE`], keyed by its `id`.
    pub fn into_model(self) -> Result<Interaction, FieldError> {
        let some = |text: Text| Some(text.into_owned()).filter(|it| !it.is_empty());
        let key = |field: &str, text: Text| -> Result<Option<Key>, FieldError> {
            some(text)
                .filter(|it| it != "0")
                .map(|it| Key::parse(&it).map_err(|reason| FieldError::new(field, reason)))
                .transpose()
        };
        let started_at = parse_go_time(&self.started_at)
            .ok_or_else(|| FieldError::new("started_at", "is not a time"))?;
        let direction = match &*self.direction {
            "in" => Direction::Inbound,
            "out" => Direction::Outbound,
            "ext" | "ext_in" | "ext_out" => Direction::Internal,
            other => {
                return Err(FieldError::new(
                    "direction",
                    format!("`{other}` is not in, out, ext, ext_in or ext_out"),
                ));
            }
        };
        let status = match &*self.call_state {
            "answered" => CallStatus::Ended,
            _ => CallStatus::NotAnswered,
        };
        let legs = self
            .call_targets
            .into_iter()
            .map(CallTarget::into_model)
            .collect();
        let source = Key::parse(SOURCE).expect("the source name is a valid key");
        let external_id = Key::parse(&self.id).map_err(|reason| FieldError::new("id", reason))?;
        let caller = Party {
            number: some(self.caller),
            ..Party::default()
        };
        let callee = Party {
            number: some(self.callee),
            ..Party::default()
        };
        let call = CallDetail {
            extension: some(self.extension_id).filter(|it| it != "0"),
            recordings: self.recording_urls.into_owned(),
            note: some(self.note),
            session_id: some(self.external_session_id),
            talk_secs: Some(self.duration).filter(|it| *it > 0),
            legs,
            ..CallDetail::new(caller, callee)
        };
        let interaction = Interaction {
            version: parse_go_time(&self.updated_at).map_or(0, Instant::as_millis),
            contact_id: key("contact_id", self.contact_id)?,
            agent_id: key("user_id", self.user_id)?,
            ended_at: parse_go_time(&self.ended_at),
            created_at: parse_go_time(&self.created_at),
            updated_at: parse_go_time(&self.updated_at),
            call: Some(call),
            ..Interaction::new(
                source,
                external_id,
                Channel::Voice,
                direction,
                InteractionStatus::Call(status),
                started_at,
            )
        };
        interaction.check()?;
        Ok(interaction)
    }
}

impl<'a> CallTarget<'a> {
    fn from_model(leg: &'a CallLeg) -> CallTarget<'a> {
        CallTarget {
            add_time: Cow::Owned(go_time(leg.added_at)),
            answered_time: Cow::Owned(go_time(leg.answered_at)),
            end_reason: or_empty(leg.end_reason.as_ref()),
            ended_time: Cow::Owned(go_time(leg.ended_at)),
            fail_code: leg.fail_code.unwrap_or(0),
            ring_duration: leg.ring_secs.unwrap_or(0),
            ring_time: Cow::Owned(go_time(leg.ring_at)),
            status: text(match leg.status {
                LegStatus::Answered => "answered",
                _ => "not_answered",
            }),
            target_number: or_empty(leg.target_number.as_ref()),
            trunk_name: or_empty(leg.trunk.as_ref()),
        }
    }

    fn into_model(self) -> CallLeg {
        let some = |text: Text| Some(text.into_owned()).filter(|it| !it.is_empty());
        CallLeg {
            target_number: some(self.target_number),
            agent_id: None,
            added_at: parse_go_time(&self.add_time),
            ring_at: parse_go_time(&self.ring_time),
            answered_at: parse_go_time(&self.answered_time),
            ended_at: parse_go_time(&self.ended_time),
            ring_secs: Some(self.ring_duration).filter(|it| *it > 0),
            status: match &*self.status {
                "answered" => LegStatus::Answered,
                _ => LegStatus::NotAnswered,
            },
            end_reason: some(self.end_reason),
            fail_code: Some(self.fail_code).filter(|it| *it != 0),
            trunk: some(self.trunk_name),
        }
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
            ascending: false,
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
                ascending: true,
                cursor: None,
                limit: 7
            }
        );
    }

    #[test]
    fn go_times_trim_the_fraction_and_absent_is_the_zero_time() {
        assert_eq!(
            go_time(Instant::parse_rfc3339("2025-12-06T03:38:08.453Z").ok()),
            "2025-12-06T03:38:08.453Z"
        );
        assert_eq!(
            go_time(Instant::parse_rfc3339("2019-08-24T14:15:22Z").ok()),
            "2019-08-24T14:15:22Z"
        );
        assert_eq!(go_time(None), ZERO_TIME);
        assert_eq!(
            go_time(Instant::parse_rfc3339("2019-08-24T14:15:22.5Z").ok()),
            "2019-08-24T14:15:22.5Z"
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
        fn go_times_are_jiffs_display(millis in Instant::MIN.as_millis()..=Instant::MAX.as_millis()) {
            let at = Instant::from_millis(millis).unwrap();
            prop_assert_eq!(go_time(Some(at)), at.to_timestamp().to_string());
        }

        #[test]
        fn cursors_round_trip(ascending: bool, at in 0i64..=253_402_300_799_999, id in 1i64..=i64::MAX) {
            let cursor = Cursor { ascending, at, id };
            prop_assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        }
    }
}
