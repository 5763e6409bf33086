//! `/v1/tickets`.

use crate::json::{Json, Rendered};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use cxhub_model::ticket::{Priority, TicketStatus};
use cxhub_model::time::Instant;
use cxhub_store::query::{PageRequest, TicketFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::{CanRead, CanWrite};
use crate::dto::ticket::TicketBody;
use crate::dto::{List, UpsertReport};
use crate::input::{ApiJson, Checker, decode_query};
use crate::problem::ApiError;
use crate::routes::{convert_batch, page_body, position, record_id};

/// Filters of the ticket list. The list is newest first by creation.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Created at or after this RFC 3339 instant.
    from: Option<String>,
    /// Created before this RFC 3339 instant.
    to: Option<String>,
    /// `open`, `in_progress`, `pending`, `resolved`, `closed`; comma-separated.
    status: Option<String>,
    /// `low`, `medium`, `high`, `urgent`; comma-separated.
    priority: Option<String>,
    /// The assignee's user id.
    agent: Option<String>,
    contact: Option<String>,
    /// `true` to include soft-deleted tickets.
    include_deleted: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// Lists tickets, newest first.
#[utoipa::path(get, path = "/v1/tickets", tag = "tickets", params(TicketQuery),
    responses((status = 200, body = List<TicketBody>), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list_tickets(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Rendered, ApiError> {
    let q: TicketQuery = decode_query(query.as_deref())?;
    let mut check = Checker::default();
    let (from, to) = check.range(q.from.as_deref(), q.to.as_deref());
    let filter = TicketFilter {
        from,
        to,
        statuses: check.list(
            "status",
            q.status.as_deref(),
            TicketStatus::parse,
            &TicketStatus::expected(),
        ),
        priorities: check.list(
            "priority",
            q.priority.as_deref(),
            Priority::parse,
            &Priority::expected(),
        ),
        assignee_id: check.key("agent", q.agent.as_deref()),
        contact_id: check.key("contact", q.contact.as_deref()),
        include_deleted: check.boolean("include_deleted", q.include_deleted.as_deref()),
    };
    let limit = check.limit(q.limit.as_deref());
    check.finish()?;
    let after = position("tickets", q.cursor.as_deref())?;
    let page = state
        .store
        .list_tickets(&scope, filter, PageRequest::after(after, limit))
        .await?;
    Ok(page_body("tickets", &page, TicketBody::from_model))
}

/// Gets one ticket, deleted or not.
#[utoipa::path(get, path = "/v1/tickets/{id}", tag = "tickets", params(("id" = String, Path)),
    responses((status = 200, body = TicketBody), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn get_ticket(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    Path(id): Path<String>,
) -> Result<Json<TicketBody>, ApiError> {
    match state.store.ticket(&scope, record_id(&id)?).await? {
        Some(ticket) => Ok(Json(TicketBody::from_model(&ticket))),
        None => Err(ApiError::NotFound(format!("no ticket with id {id}"))),
    }
}

/// Soft-deletes a ticket: it is kept with `deleted_at` set and hidden from lists.
#[utoipa::path(delete, path = "/v1/tickets/{id}", tag = "tickets", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn delete_ticket(
    State(state): State<AppState>,
    CanWrite(scope): CanWrite,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match state
        .store
        .delete_ticket(&scope, record_id(&id)?, Instant::now())
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(cxhub_store::StoreError::NotFound) => {
            Err(ApiError::NotFound(format!("no ticket with id {id}")))
        }
        Err(err) => Err(err.into()),
    }
}

/// Upserts a batch of tickets. New tickets get the tenant's next number.
#[utoipa::path(post, path = "/v1/tickets", tag = "tickets", request_body = Vec<TicketBody>,
    responses((status = 200, body = UpsertReport), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn upsert_tickets(
    State(state): State<AppState>,
    CanWrite(scope): CanWrite,
    ApiJson(batch): ApiJson<Vec<TicketBody>>,
) -> Result<Json<UpsertReport>, ApiError> {
    let now = Instant::now();
    let batch = convert_batch(batch, |body| body.into_model(now))?;
    let results = state.store.upsert_tickets(&scope, batch).await?;
    Ok(Json(UpsertReport::from_results(&results)))
}
