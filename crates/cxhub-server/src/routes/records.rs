//! `/v1/calls` and `/v1/interactions`: calls are the voice interactions.

use crate::json::{Json, Rendered};
use axum::extract::{Path, RawQuery, State};
use cxhub_model::call::CallStatus;
use cxhub_model::interaction::{Channel, Direction, InteractionStatus};
use cxhub_store::query::{InteractionFilter, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::{CanRead, CanWrite};
use crate::dto::interaction::{InteractionBody, MessageBody};
use crate::dto::{List, UpsertReport};
use crate::input::{ApiJson, Checker, decode_query};
use crate::problem::ApiError;
use crate::routes::{convert_batch, page_body, position, record_id};

/// Filters of the call and interaction lists. Lists are newest first.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InteractionQuery {
    /// Started at or after this RFC 3339 instant.
    from: Option<String>,
    /// Started before this RFC 3339 instant.
    to: Option<String>,
    /// `inbound`, `outbound`, `internal`; comma-separated for several.
    direction: Option<String>,
    /// Call statuses (`ended`, `not_answered`, …) or conversation statuses (`open`, …); comma-separated.
    status: Option<String>,
    /// Interactions only: `voice`, `chat`, `email`, …; comma-separated.
    channel: Option<String>,
    /// The handling agent's user id.
    agent: Option<String>,
    queue: Option<String>,
    contact: Option<String>,
    /// A phone number, matched exactly against the caller's and the callee's.
    number: Option<String>,
    /// The center's extension on the call.
    extension: Option<String>,
    /// `true` to include soft-deleted records.
    include_deleted: Option<String>,
    /// Rows per page, 1 to 500; default 100.
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Parses the query of a list; `list` is `calls` or `interactions`.
fn parse_query(
    list: &str,
    query: Option<&str>,
) -> Result<(InteractionFilter, PageRequest), ApiError> {
    let q: InteractionQuery = decode_query(query)?;
    let mut check = Checker::default();
    let (from, to) = check.range(q.from.as_deref(), q.to.as_deref());
    let mut filter = match list {
        "calls" => InteractionFilter::calls(),
        _ => InteractionFilter::default(),
    };
    match (list, q.channel.as_deref()) {
        ("calls", Some(_)) => check.reject(
            "channel",
            "is not a filter of /v1/calls, which lists voice only",
        ),
        ("calls", None) => (),
        (_, channel) => {
            filter.channels = check.list("channel", channel, Channel::parse, &Channel::expected())
        }
    }
    let status_vocabulary = match list {
        "calls" => CallStatus::expected(),
        _ => format!("{}, open, pending, closed, missed", CallStatus::expected()),
    };
    filter.from = from;
    filter.to = to;
    filter.directions = check.list(
        "direction",
        q.direction.as_deref(),
        Direction::parse,
        &Direction::expected(),
    );
    filter.statuses = match list {
        "calls" => check.list(
            "status",
            q.status.as_deref(),
            |it| CallStatus::parse(it).map(InteractionStatus::Call),
            &status_vocabulary,
        ),
        _ => check.list(
            "status",
            q.status.as_deref(),
            InteractionStatus::parse_any,
            &status_vocabulary,
        ),
    };
    filter.agent_id = check.key("agent", q.agent.as_deref());
    filter.queue_id = check.key("queue", q.queue.as_deref());
    filter.contact_id = check.key("contact", q.contact.as_deref());
    filter.number = check.text("number", q.number.as_deref());
    filter.extension = check.text("extension", q.extension.as_deref());
    filter.include_deleted = check.boolean("include_deleted", q.include_deleted.as_deref());
    let limit = check.limit(q.limit.as_deref());
    check.finish()?;
    let after = position(list, q.cursor.as_deref())?;
    Ok((filter, PageRequest::after(after, limit)))
}

async fn list(
    state: &AppState,
    scope: &cxhub_store::TenantScope,
    list: &str,
    query: Option<&str>,
) -> Result<Rendered, ApiError> {
    let (filter, page) = parse_query(list, query)?;
    let page = state.store.list_interactions(scope, filter, page).await?;
    Ok(page_body(list, &page, InteractionBody::from_model))
}

/// Lists calls (voice interactions) with their legs, newest first.
#[utoipa::path(get, path = "/v1/calls", tag = "calls", params(InteractionQuery),
    responses((status = 200, body = List<InteractionBody>), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list_calls(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Rendered, ApiError> {
    list(&state, &scope, "calls", query.as_deref()).await
}

/// Lists interactions of every channel, newest first.
#[utoipa::path(get, path = "/v1/interactions", tag = "interactions", params(InteractionQuery),
    responses((status = 200, body = List<InteractionBody>), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list_interactions(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Rendered, ApiError> {
    list(&state, &scope, "interactions", query.as_deref()).await
}

/// Gets one call with its legs.
#[utoipa::path(get, path = "/v1/calls/{id}", tag = "calls", params(("id" = String, Path)),
    responses((status = 200, body = InteractionBody), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn get_call(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    Path(id): Path<String>,
) -> Result<Rendered, ApiError> {
    let found = state.store.interaction(&scope, record_id(&id)?).await?;
    match found {
        Some(it) if it.channel == Channel::Voice => {
            Ok(Rendered::new(&InteractionBody::from_model(&it)))
        }
        _ => Err(ApiError::NotFound(format!("no call with id {id}"))),
    }
}

/// Gets one interaction.
#[utoipa::path(get, path = "/v1/interactions/{id}", tag = "interactions", params(("id" = String, Path)),
    responses((status = 200, body = InteractionBody), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn get_interaction(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    Path(id): Path<String>,
) -> Result<Rendered, ApiError> {
    match state.store.interaction(&scope, record_id(&id)?).await? {
        Some(it) => Ok(Rendered::new(&InteractionBody::from_model(&it))),
        None => Err(ApiError::NotFound(format!("no interaction with id {id}"))),
    }
}

/// The messages of a digital conversation, oldest first.
#[utoipa::path(get, path = "/v1/interactions/{id}/messages", tag = "interactions", params(("id" = String, Path)),
    responses((status = 200, body = List<MessageBody>), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn interaction_messages(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    Path(id): Path<String>,
) -> Result<Json<List<MessageBody>>, ApiError> {
    match state.store.messages(&scope, record_id(&id)?).await? {
        Some(messages) => Ok(Json(List {
            data: messages.iter().map(MessageBody::from_model).collect(),
            next_cursor: None,
        })),
        None => Err(ApiError::NotFound(format!("no interaction with id {id}"))),
    }
}

/// Upserts a batch of calls. `channel` defaults to `voice` and must be `voice`.
#[utoipa::path(post, path = "/v1/calls", tag = "calls", request_body = Vec<InteractionBody>,
    responses((status = 200, body = UpsertReport), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn upsert_calls(
    State(state): State<AppState>,
    CanWrite(scope): CanWrite,
    ApiJson(batch): ApiJson<Vec<InteractionBody<'static>>>,
) -> Result<Json<UpsertReport>, ApiError> {
    let batch = convert_batch(batch, |body| match body.channel.as_deref() {
        None | Some("voice") => body.into_model(Some(Channel::Voice)),
        Some(_) => Err(cxhub_model::error::FieldError::new(
            "channel",
            "must be voice on /v1/calls; use /v1/interactions",
        )),
    })?;
    let results = state.store.upsert_interactions(&scope, batch).await?;
    Ok(Json(UpsertReport::from_results(&results)))
}

/// Upserts a batch of interactions of any channel.
#[utoipa::path(post, path = "/v1/interactions", tag = "interactions", request_body = Vec<InteractionBody>,
    responses((status = 200, body = UpsertReport), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn upsert_interactions(
    State(state): State<AppState>,
    CanWrite(scope): CanWrite,
    ApiJson(batch): ApiJson<Vec<InteractionBody<'static>>>,
) -> Result<Json<UpsertReport>, ApiError> {
    let batch = convert_batch(batch, |body| body.into_model(None))?;
    let results = state.store.upsert_interactions(&scope, batch).await?;
    Ok(Json(UpsertReport::from_results(&results)))
}
