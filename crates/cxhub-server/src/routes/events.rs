//! `/v1/events`: live events, folded into calls, conversations and presence.
//!
//! A batch is a JSON array of events (`application/json`) or one event per line
//! (`application/x-ndjson`). Each event is read on its own: a bad one is rejected with
//! its reasons and the rest go on. The accepted events are stored and their records
//! refolded in one transaction, and the answer is sent after it commits.

use crate::json::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use cxhub_ingest::event;
use cxhub_model::error::FieldError;
use cxhub_model::event::SubjectKind;
use cxhub_model::ids::Key;
use cxhub_store::events::{StoredEvent, Subject};
use cxhub_store::pipeline::Verdict;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{CanRead, CanWrite};
use crate::input::{Checker, decode_query};
use crate::problem::ApiError;

/// The most events one request may carry.
pub const MAX_EVENTS: usize = 10_000;

/// What became of each event of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventsReport {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: usize,
    /// One entry per event, in the order sent.
    pub results: Vec<EventResult>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventResult {
    /// The event's position in the batch, from 0: its index in the JSON array, or its
    /// line number for NDJSON (blank lines count as lines).
    pub index: usize,
    /// The event's `id`, when it had a readable one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `accepted` (new: stored and folded), `duplicate` (its source and id were seen
    /// before; nothing changed) or `rejected` (not stored; see `errors`).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::problem::ProblemField>,
}

/// Takes a batch of events.
#[utoipa::path(post, path = "/v1/events", tag = "events",
    request_body(description = "Events as a JSON array, or one per line as NDJSON; at most 10,000. \
        Each is checked on its own: one that is not an event is reported `rejected` in the answer.",
        content((Vec<serde_json::Value> = "application/json"), (String = "application/x-ndjson"))),
    responses((status = 200, body = EventsReport), (status = 400, body = crate::problem::Problem),
        (status = 413, body = crate::problem::Problem), (status = 415, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn post_events(
    State(state): State<AppState>,
    CanWrite(scope): CanWrite,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<EventsReport>, ApiError> {
    let items = split(&headers, &body)?;
    if items.len() > MAX_EVENTS {
        return Err(ApiError::TooLarge(format!(
            "a batch holds at most {MAX_EVENTS} events; this one has {}",
            items.len()
        )));
    }
    let ids: Vec<Option<String>> = items
        .iter()
        .map(|(_, item)| {
            let id = item.as_ref().ok()?.get("id")?.as_str()?;
            Some(id.to_owned())
        })
        .collect();
    let indexes: Vec<usize> = items.iter().map(|(index, _)| *index).collect();
    let verdicts = state
        .events
        .ingest(&scope, items.into_iter().map(|(_, item)| item).collect())
        .await?;
    let results: Vec<EventResult> = verdicts
        .into_iter()
        .zip(indexes.into_iter().zip(ids))
        .map(|(verdict, (index, id))| {
            let (status, errors) = match verdict {
                Verdict::Accepted => ("accepted", Vec::new()),
                Verdict::Duplicate => ("duplicate", Vec::new()),
                Verdict::Rejected(errors) => ("rejected", errors),
            };
            EventResult {
                index,
                id,
                status,
                errors: errors.into_iter().map(problem_field).collect(),
            }
        })
        .collect();
    let count = |status: &str| results.iter().filter(|it| it.status == status).count();
    let report = EventsReport {
        accepted: count("accepted"),
        duplicates: count("duplicate"),
        rejected: count("rejected"),
        results,
    };
    state.metrics.events(
        report.accepted as u64,
        report.duplicates as u64,
        report.rejected as u64,
    );
    Ok(Json(report))
}

fn problem_field(err: FieldError) -> crate::problem::ProblemField {
    crate::problem::ProblemField {
        field: err.field,
        reason: err.reason,
    }
}

/// An event of a batch, by its position, or why it could not be read as JSON.
type Item = (usize, Result<Value, Vec<FieldError>>);

/// The events of a body: the elements of a JSON array (or one object), or the lines of
/// NDJSON. A line that is not JSON is one rejected event; a JSON body that is not JSON
/// rejects the request.
fn split(headers: &HeaderMap, body: &[u8]) -> Result<Vec<Item>, ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|it| it.to_str().ok())
        .and_then(|it| it.split(';').next())
        .map(|it| it.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media.as_str() {
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines" => Ok(body
            .split(|it| *it == b'\n')
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
            .enumerate()
            .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
            .map(|(index, line)| {
                let value = serde_json::from_slice(line).map_err(|err| {
                    vec![FieldError::new("", format!("the line is not JSON: {err}"))]
                });
                (index, value)
            })
            .collect()),
        "application/json" => {
            let value: Value = serde_json::from_slice(body)
                .map_err(|err| ApiError::field("body", format!("the body is not JSON: {err}")))?;
            match value {
                Value::Array(items) => Ok(items.into_iter().map(Ok).enumerate().collect()),
                Value::Object(_) => Ok(vec![(0, Ok(value))]),
                _ => Err(ApiError::field(
                    "body",
                    "must be a JSON array of events (or one event object)",
                )),
            }
        }
        _ => Err(ApiError::UnsupportedMediaType),
    }
}

/// Which subject's raw events to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// A call's id, as its events name it.
    call_id: Option<String>,
    /// A conversation's id.
    conversation_id: Option<String>,
    /// A user, for their presence events.
    user_id: Option<String>,
    /// The events' source; default `events`.
    source: Option<String>,
}

/// A stored event, as it was received.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredEventBody {
    /// Arrival order, tenant-wide.
    pub seq: i64,
    pub received_at: String,
    /// The event as it was accepted: the same JSON values, re-serialized (key order and
    /// spacing are not kept).
    #[schema(value_type = Object)]
    pub event: Value,
}

/// Reads back the raw events of one call, conversation or user, in time order.
#[utoipa::path(get, path = "/v1/events", tag = "events", params(EventsQuery),
    responses((status = 200, body = Vec<StoredEventBody>), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list_events(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<StoredEventBody>>, ApiError> {
    let q: EventsQuery = decode_query(query.as_deref())?;
    let mut check = Checker::default();
    let named = [
        (SubjectKind::Call, "call_id", q.call_id.as_deref()),
        (
            SubjectKind::Conversation,
            "conversation_id",
            q.conversation_id.as_deref(),
        ),
        (SubjectKind::Presence, "user_id", q.user_id.as_deref()),
    ];
    let given: Vec<_> = named
        .iter()
        .filter_map(|(kind, field, value)| value.map(|it| (*kind, *field, it)))
        .collect();
    let subject = match given.as_slice() {
        [(kind, field, value)] => check.key(field, Some(value)).map(|id| (*kind, id)),
        _ => {
            check.reject(
                "call_id",
                "give exactly one of call_id, conversation_id and user_id",
            );
            None
        }
    };
    let source = check
        .key("source", q.source.as_deref())
        .unwrap_or_else(|| Key::parse(event::DEFAULT_SOURCE).expect("a valid key"));
    check.finish()?;
    let Some((kind, id)) = subject else {
        return Err(ApiError::field("call_id", "a subject is required"));
    };
    let events = state
        .store
        .subject_events(&scope, Subject { kind, source, id })
        .await?;
    Ok(Json(events.into_iter().map(stored_body).collect()))
}

fn stored_body(stored: StoredEvent) -> StoredEventBody {
    StoredEventBody {
        seq: stored.seq,
        received_at: stored.received_at.to_rfc3339(),
        event: serde_json::from_str(&stored.body).unwrap_or(Value::String(stored.body)),
    }
}
