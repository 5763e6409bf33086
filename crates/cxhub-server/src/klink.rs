//! The klink.cloud dialect under `/api/v1`: the same paths, parameters and JSON as
//! klink's API, so a klink client works against cxhub by changing its base URL.
//! See `docs/dialects/klink.md`.

use std::collections::HashMap;

use crate::json::{Json, Rendered};
use crate::route_table::{Routes, at};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use cxhub_dialects::klink::ids::parse_entry_uuid;
use cxhub_dialects::klink::params::{self, Paging};
use cxhub_dialects::klink::wire::{
    CxLog, CxLogsPage, CxLogsResponse, Directory, PresenceLogItem, PresenceLogResponse,
    TicketObject, TicketsResponse,
};
use cxhub_model::directory::EntryKind;
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::time::{Instant, Zone};
use cxhub_store::query::{InteractionFilter, PageRequest, PresenceFilter, TicketFilter};
use cxhub_store::{DirectoryEntries, DirectoryKeys, TenantScope};

use crate::AppState;
use crate::dialect_ids::{self, FilterKeyError};

mod directory_routes;
mod error;
mod tickets;

pub use error::{KlinkError, KlinkRead, KlinkWrite};
use error::{unknown_route, wrong_method};

/// klink's routes; the rest of `/api/v1` answers klink's 404.
pub fn routes() -> Routes {
    Routes::default()
        .route(at("/api/v1/cx-logs").get(cx_logs))
        .route(at("/api/v1/user-presence-status-log").get(presence_log))
        .route(
            at("/api/v1/tickets")
                .get(self::tickets_list)
                .post(tickets::create),
        )
        .route(at("/api/v1/tickets/form-fields").get(tickets::form_fields))
        .route(at("/api/v1/tickets/contact/{contact_id}").get(tickets::by_contact))
        .route(at("/api/v1/tickets/{id}").patch(tickets::update))
        .route(at("/api/v1/tickets/{id}/status").put(tickets::update_status))
        .route(at("/api/v1/contacts").get(directory_routes::contacts))
        .route(at("/api/v1/tags").get(directory_routes::tags))
        .route(at("/api/v1/categories").get(directory_routes::categories))
        .map_router(|router| {
            // A path served under another method: 405, in the shape below.
            router
                .method_not_allowed_fallback(wrong_method)
                .route("/api/v1/{*rest}", axum::routing::any(unknown_route))
        })
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

/// What an id parameter asks for.
enum IdFilter {
    /// No such parameter: no filter.
    Any,
    /// The entry with this key.
    Key(Key),
    /// An id that names no entry: nothing matches.
    Nothing,
}

/// Reads an id of an entry of `kind` (klink's UUID, or a key) as a filter.
async fn id_filter(
    state: &AppState,
    scope: &TenantScope,
    kind: EntryKind,
    name: &str,
    text: Option<&str>,
) -> Result<IdFilter, KlinkError> {
    let Some(text) = text.filter(|it| !it.is_empty()) else {
        return Ok(IdFilter::Any);
    };
    match dialect_ids::filter_key(state, scope, kind, text, parse_entry_uuid).await {
        Ok(Some(key)) => Ok(IdFilter::Key(key)),
        Ok(None) => Ok(IdFilter::Nothing),
        Err(FilterKeyError::NotAnId(reason)) => Err(FieldError::new(name, reason).into()),
        Err(FilterKeyError::Store(err)) => Err(err.into()),
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
    let keys = DirectoryKeys {
        numbers: true,
        ..keys
    };
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
        numbers: found.numbers,
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
    let user = query.get("userId").map(String::as_str);
    let user_id = match id_filter(&state, &scope, EntryKind::User, "userId", user).await? {
        IdFilter::Any => None,
        IdFilter::Key(key) => Some(key),
        IdFilter::Nothing => {
            return Ok(Json(PresenceLogResponse {
                data: Vec::new(),
                page: paging.page,
                page_size: paging.page_size,
                total: 0,
                last_page: 0,
            }));
        }
    };
    // The header is checked whether or not a range is asked for, as on cx-logs.
    let zone = client_zone(&scope, &headers)?;
    let (from, to) = range(&query, &zone)?;
    let filter = PresenceFilter {
        from,
        to,
        user_id,
        statuses: Vec::new(),
        ..PresenceFilter::default()
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
    let contact = query.get("contactId").map(String::as_str);
    let contact = id_filter(&state, &scope, EntryKind::Contact, "contactId", contact).await?;
    ticket_page(&state, &scope, &query, contact).await
}

/// One page of tickets, optionally of one contact, in klink's envelope.
async fn ticket_page(
    state: &AppState,
    scope: &TenantScope,
    query: &HashMap<String, String>,
    contact: IdFilter,
) -> Result<Rendered, KlinkError> {
    let paging = paging(query)?;
    let contact_id = match contact {
        IdFilter::Any => None,
        IdFilter::Key(key) => Some(key),
        IdFilter::Nothing => {
            return Ok(Rendered::new(&TicketsResponse {
                total: 0,
                page: paging.page,
                page_size: paging.page_size,
                last_page: 0,
                data: Vec::new(),
            }));
        }
    };
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
