//! `/v1/presence`: presence changes of users.

use crate::json::{Json, Rendered};
use axum::extract::{RawQuery, State};
use cxhub_model::ids::Key;
use cxhub_store::query::{PageRequest, PresenceFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::{CanRead, CanWrite};
use crate::dto::presence::PresenceBody;
use crate::dto::{List, UpsertReport};
use crate::input::{ApiJson, Checker, decode_query};
use crate::problem::ApiError;
use crate::routes::{convert_batch, page_body, position};

/// Filters of the presence list. The list is newest first.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PresenceQuery {
    /// At or after this RFC 3339 instant.
    from: Option<String>,
    /// Before this RFC 3339 instant.
    to: Option<String>,
    /// The user (agent) id.
    agent: Option<String>,
    /// Changes into these statuses (system names), comma-separated.
    status: Option<String>,
    /// Rows per page, 1 to 500; default 100.
    limit: Option<String>,
    cursor: Option<String>,
}

/// Lists presence changes, newest first.
#[utoipa::path(get, path = "/v1/presence", tag = "presence", params(PresenceQuery),
    responses((status = 200, body = List<PresenceBody>), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list_presence(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Rendered, ApiError> {
    let q: PresenceQuery = decode_query(query.as_deref())?;
    let mut check = Checker::default();
    let (from, to) = check.range(q.from.as_deref(), q.to.as_deref());
    let user_id = check.key("agent", q.agent.as_deref());
    let statuses = check.list(
        "status",
        q.status.as_deref(),
        |it| Key::parse(it).ok(),
        "status system names",
    );
    let limit = check.limit(q.limit.as_deref());
    check.finish()?;
    let after = position("presence", q.cursor.as_deref())?;
    let filter = PresenceFilter {
        from,
        to,
        user_id,
        statuses,
        ..PresenceFilter::default()
    };
    let page = state
        .store
        .list_presence(&scope, filter, PageRequest::after(after, limit))
        .await?;
    Ok(page_body("presence", &page, PresenceBody::from_model))
}

/// Upserts a batch of presence changes.
#[utoipa::path(post, path = "/v1/presence", tag = "presence", request_body = Vec<PresenceBody>,
    responses((status = 200, body = UpsertReport), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn upsert_presence(
    State(state): State<AppState>,
    CanWrite(scope): CanWrite,
    ApiJson(batch): ApiJson<Vec<PresenceBody>>,
) -> Result<Json<UpsertReport>, ApiError> {
    let batch = convert_batch(batch, PresenceBody::into_model)?;
    let results = state.store.upsert_presence(&scope, batch).await?;
    Ok(Json(UpsertReport::from_results(&results)))
}
