//! The klink.cloud dialect under `/api/v1`: the same paths, parameters and JSON as
//! klink's API, so a klink client works against cxhub by changing its base URL.
//! See `docs/dialects/klink.md`.

use std::collections::HashMap;

use crate::json::{Json, Rendered};
use axum::Router;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cxhub_dialects::klink::params::{self, Paging};
use cxhub_dialects::klink::wire::{
    CxLog, CxLogsPage, CxLogsResponse, Directory, PresenceLogItem, PresenceLogResponse,
    TicketObject, TicketsResponse,
};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::time::{Instant, Zone};
use cxhub_store::query::{InteractionFilter, PageRequest, PresenceFilter, TicketFilter};
use cxhub_store::{DirectoryEntries, DirectoryKeys, TenantScope};
use serde::Serialize;

use crate::AppState;
use crate::auth::{CanRead, CanWrite};
use crate::problem::ApiError;

mod directory_routes;
mod tickets;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cx-logs", get(cx_logs))
        .route("/api/v1/user-presence-status-log", get(presence_log))
        .route(
            "/api/v1/tickets",
            get(self::tickets_list).post(tickets::create),
        )
        .route("/api/v1/tickets/form-fields", get(tickets::form_fields))
        .route(
            "/api/v1/tickets/contact/{contact_id}",
            get(tickets::by_contact),
        )
        .route(
            "/api/v1/tickets/{id}",
            axum::routing::patch(tickets::update),
        )
        .route(
            "/api/v1/tickets/{id}/status",
            axum::routing::put(tickets::update_status),
        )
        .route("/api/v1/contacts", get(directory_routes::contacts))
        .route("/api/v1/tags", get(directory_routes::tags))
        .route("/api/v1/categories", get(directory_routes::categories))
        .route("/api/v1/{*rest}", axum::routing::any(unknown_route))
}

/// Paths under `/api/v1` that klink's API has but cxhub does not serve yet, or that do
/// not exist, answer 404 in klink's shape.
async fn unknown_route(uri: axum::http::Uri) -> KlinkError {
    KlinkError::not_found(format!("Cannot {}", uri.path()))
}

/// klink documents no error body; cxhub answers NestJS's shape (which klink's envelopes
/// suggest it runs on), adding the offending parameter as `field`.
#[derive(Debug)]
pub struct KlinkError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KlinkErrorBody {
    status_code: u16,
    error: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl IntoResponse for KlinkError {
    fn into_response(self) -> Response {
        let body = KlinkErrorBody {
            status_code: self.status.as_u16(),
            error: self.status.canonical_reason().unwrap_or("Error"),
            message: self.message,
            field: self.field,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<FieldError> for KlinkError {
    fn from(err: FieldError) -> KlinkError {
        KlinkError {
            status: StatusCode::BAD_REQUEST,
            message: err.to_string(),
            field: Some(err.field),
        }
    }
}

impl From<ApiError> for KlinkError {
    fn from(err: ApiError) -> KlinkError {
        let status = err.status();
        match err {
            ApiError::Invalid(mut fields) if !fields.is_empty() => {
                KlinkError::from(fields.remove(0))
            }
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "klink request failed");
                KlinkError {
                    status,
                    message: "internal server error".to_owned(),
                    field: None,
                }
            }
            other => KlinkError {
                status,
                message: other.detail(),
                field: None,
            },
        }
    }
}

impl From<cxhub_store::StoreError> for KlinkError {
    fn from(err: cxhub_store::StoreError) -> KlinkError {
        KlinkError::from(ApiError::from(err))
    }
}

/// A read-role request, refused in klink's error shape.
pub struct KlinkRead(pub TenantScope);

impl FromRequestParts<AppState> for KlinkRead {
    type Rejection = KlinkError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        CanRead::from_request_parts(parts, state)
            .await
            .map(|it| KlinkRead(it.0))
            .map_err(KlinkError::from)
    }
}

/// A write-role request, refused in klink's error shape.
pub struct KlinkWrite(pub TenantScope);

impl FromRequestParts<AppState> for KlinkWrite {
    type Rejection = KlinkError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        CanWrite::from_request_parts(parts, state)
            .await
            .map(|it| KlinkWrite(it.0))
            .map_err(KlinkError::from)
    }
}

impl KlinkError {
    pub fn not_found(message: impl Into<String>) -> KlinkError {
        KlinkError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            field: None,
        }
    }
}

/// The query string as name → value; `&page&pageSize` gives empty values. Parameters
/// klink's docs do not name are ignored, as a klink server would.
fn query_map(query: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The zone `selectedDate` is read in: `x-client-timezone`, else the tenant's (read with
/// the token, so no extra query).
fn client_zone(scope: &TenantScope, headers: &HeaderMap) -> Result<Zone, KlinkError> {
    let header =
        match headers.get("x-client-timezone") {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| {
                KlinkError::from(FieldError::new("x-client-timezone", "is not text"))
            })?),
        };
    if header.is_some_and(|it| !it.trim().is_empty()) {
        return Ok(params::zone(header, &Zone::utc())?);
    }
    Ok(scope.zone.clone())
}

fn range(
    query: &HashMap<String, String>,
    zone: &Zone,
) -> Result<(Option<Instant>, Option<Instant>), KlinkError> {
    match query
        .get("selectedDate")
        .map(String::as_str)
        .filter(|it| !it.trim().is_empty())
    {
        None => Ok((None, None)),
        Some(text) => {
            let (from, to) = params::selected_date(text, zone)?;
            Ok((Some(from), Some(to)))
        }
    }
}

fn optional_key(query: &HashMap<String, String>, name: &str) -> Result<Option<Key>, KlinkError> {
    match query
        .get(name)
        .map(String::as_str)
        .filter(|it| !it.is_empty())
    {
        None => Ok(None),
        Some(text) => Key::parse(text)
            .map(Some)
            .map_err(|reason| KlinkError::from(FieldError::new(name, reason))),
    }
}

fn paging(query: &HashMap<String, String>) -> Result<Paging, KlinkError> {
    Ok(params::paging(
        query.get("page").map(String::as_str),
        query.get("pageSize").map(String::as_str),
    )?)
}

fn page_request(paging: Paging) -> PageRequest {
    PageRequest::offset(paging.offset(), paging.page_size)
}

/// Fetches the directory entries a page names, by key.
async fn directory(
    state: &AppState,
    scope: &TenantScope,
    keys: DirectoryKeys,
) -> Result<Directory, KlinkError> {
    let found: DirectoryEntries = state.store.lookup(scope, keys).await?;
    Ok(Directory {
        tenant: scope.id.to_string(),
        users: found.users,
        contacts: found.contacts,
        queues: found.queues,
        tags: found.tags,
        categories: found.categories,
        attributes: found.attributes,
        statuses: found.presence_statuses,
    })
}

/// `GET /api/v1/cx-logs`: CX logs of every channel, newest first.
async fn cx_logs(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Rendered, KlinkError> {
    let query = query_map(query.as_deref());
    let zone = client_zone(&scope, &headers)?;
    let (from, to) = range(&query, &zone)?;
    let paging = paging(&query)?;
    let filter = InteractionFilter {
        from,
        to,
        ..InteractionFilter::default()
    };
    let (page, total) = state
        .store
        .list_interactions_counted(&scope, filter, page_request(paging))
        .await?;
    let mut keys = DirectoryKeys {
        contact_tags: true,
        ..DirectoryKeys::default()
    };
    for it in &page.items {
        keys.users.extend(
            [&it.agent_id, &it.first_assignee_id, &it.closed_assignee_id]
                .into_iter()
                .flatten()
                .cloned(),
        );
        keys.contacts.extend(it.contact_id.iter().cloned());
        keys.queues.extend(it.queue_id.iter().cloned());
    }
    let directory = directory(&state, &scope, keys).await?;
    Ok(Rendered::new(&CxLogsResponse {
        request_id: cxhub_dialects::klink::ids::request_id(),
        cx_logs: CxLogsPage {
            data: page
                .items
                .iter()
                .map(|it| CxLog::from_model(it, &directory))
                .collect(),
            total,
            page: paging.page,
            page_size: paging.page_size,
            last_page: paging.last_page(total),
        },
    }))
}

/// `GET /api/v1/user-presence-status-log`: agents' presence changes, newest first.
/// Beyond klink's documented `page` and `pageSize`, takes `userId` and `selectedDate`.
async fn presence_log(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<PresenceLogResponse>, KlinkError> {
    let query = query_map(query.as_deref());
    let paging = paging(&query)?;
    let user_id = optional_key(&query, "userId")?;
    let (from, to) = match query.contains_key("selectedDate") {
        true => range(&query, &client_zone(&scope, &headers)?)?,
        false => (None, None),
    };
    let filter = PresenceFilter {
        from,
        to,
        user_id,
        statuses: Vec::new(),
    };
    let total = state.store.count_presence(&scope, filter.clone()).await?;
    let page = state
        .store
        .list_presence(&scope, filter, page_request(paging))
        .await?;
    let mut keys = DirectoryKeys::default();
    for change in &page.items {
        keys.users.push(change.user_id.clone());
        keys.presence_statuses
            .extend(change.previous_status.iter().cloned());
        keys.presence_statuses.push(change.new_status.clone());
    }
    let directory = directory(&state, &scope, keys).await?;
    Ok(Json(PresenceLogResponse {
        data: page
            .items
            .iter()
            .map(|it| PresenceLogItem::from_model(it, &directory))
            .collect(),
        page: paging.page,
        page_size: paging.page_size,
        total,
        last_page: paging.last_page(total),
    }))
}

/// `GET /api/v1/tickets`: tickets, newest first. Takes `contactId` to filter by contact.
async fn tickets_list(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
    RawQuery(query): RawQuery,
) -> Result<Rendered, KlinkError> {
    let query = query_map(query.as_deref());
    let contact_id = optional_key(&query, "contactId")?;
    ticket_page(&state, &scope, &query, contact_id).await
}

/// One page of tickets, optionally of one contact, in klink's envelope.
async fn ticket_page(
    state: &AppState,
    scope: &TenantScope,
    query: &HashMap<String, String>,
    contact_id: Option<Key>,
) -> Result<Rendered, KlinkError> {
    let paging = paging(query)?;
    let filter = TicketFilter {
        contact_id,
        ..TicketFilter::default()
    };
    let total = state.store.count_tickets(scope, filter.clone()).await?;
    let page = state
        .store
        .list_tickets(scope, filter, page_request(paging))
        .await?;
    let directory = ticket_directory(state, scope, &page.items).await?;
    Ok(Rendered::new(&TicketsResponse {
        total,
        page: paging.page,
        page_size: paging.page_size,
        last_page: paging.last_page(total),
        data: page
            .items
            .iter()
            .map(|it| TicketObject::from_model(it, &directory))
            .collect(),
    }))
}

/// The directory entries a set of tickets names.
async fn ticket_directory(
    state: &AppState,
    scope: &TenantScope,
    tickets: &[cxhub_model::ticket::Ticket],
) -> Result<Directory, KlinkError> {
    let mut keys = DirectoryKeys::default();
    for ticket in tickets {
        keys.users.extend(
            [&ticket.assignee_id, &ticket.creator_id]
                .into_iter()
                .flatten()
                .cloned(),
        );
        keys.contacts.extend(ticket.contact_id.iter().cloned());
        keys.tags.extend(ticket.tags.iter().cloned());
        keys.categories.extend(ticket.categories.iter().cloned());
        keys.attributes.extend(
            ticket
                .custom_fields
                .iter()
                .map(|it| it.attribute_id.clone()),
        );
    }
    directory(state, scope, keys).await
}
