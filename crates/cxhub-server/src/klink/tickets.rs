//! klink's ticket writes and form fields.
//!
//! - `POST /api/v1/tickets` creates a ticket and answers `201 {success: true, data}`. A
//!   client may send an `Idempotency-Key` header: a retried create with the same key
//!   answers the ticket created the first time instead of creating another.
//! - `PATCH /api/v1/tickets/{id}` changes the fields it names; `PUT
//!   /api/v1/tickets/{id}/status` changes the status. Both answer `{success: true, data}`.
//! - `GET /api/v1/tickets/contact/{contactId}` lists one contact's tickets.
//! - `GET /api/v1/tickets/form-fields` lists the tenant's ticket attributes.

use std::collections::HashMap;

use crate::json::{Json, Rendered};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use cxhub_dialects::klink::ids::{Kind, parse_entry_uuid, parse_record_uuid, request_id};
use cxhub_dialects::klink::input::{StatusInput, TicketInput};
use cxhub_dialects::klink::wire::{AttributeObject, TicketObject};
use cxhub_model::directory::{Attribute, EntryKind};
use cxhub_model::error::FieldError;
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::ticket::{Priority, Ticket, TicketStatus};
use cxhub_model::time::Instant;
use cxhub_store::{DirectoryKeys, DirectoryKind, KeyPage, StoreError, TenantScope};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    KlinkError, KlinkRead, KlinkWrite, directory, id_filter, query_map, ticket_directory,
    ticket_page,
};
use crate::AppState;
use crate::dialect_ids::{self, Resolved};
use crate::input::decode_json;

/// The source of tickets created through klink's API.
const SOURCE: &str = "klink-api";

#[derive(Serialize)]
pub struct Written<'a> {
    success: bool,
    data: TicketObject<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormFields {
    request_id: String,
    data: Vec<AttributeObject>,
}

fn body<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> Result<T, KlinkError> {
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|it| it.to_str().ok())
        .is_some_and(|it| it.to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(FieldError::new("Content-Type", "must be application/json").into());
    }
    decode_json(bytes).map_err(KlinkError::from)
}

/// The tenant's ticket attributes, in position order.
async fn attributes(state: &AppState, scope: &TenantScope) -> Result<Vec<Attribute>, KlinkError> {
    let page = state
        .store
        .list_directory(
            scope,
            DirectoryKind::Attributes,
            KeyPage {
                after: None,
                limit: 10_000,
                ids: None,
            },
        )
        .await?;
    let mut attributes = page.attributes;
    attributes.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
    Ok(attributes)
}

async fn written(
    state: &AppState,
    scope: &TenantScope,
    ticket: Ticket,
) -> Result<Rendered, KlinkError> {
    let directory = ticket_directory(state, scope, std::slice::from_ref(&ticket)).await?;
    Ok(Rendered::new(&Written {
        success: true,
        data: TicketObject::from_model(&ticket, &directory),
    }))
}

/// The body's ids (klink's UUIDs, or keys) as the keys of the entries they name. An id
/// in cxhub's derived form that names no entry is refused, naming its field.
async fn resolve_ids(
    state: &AppState,
    scope: &TenantScope,
    mut input: TicketInput,
) -> Result<TicketInput, KlinkError> {
    async fn one(
        state: &AppState,
        scope: &TenantScope,
        kind: EntryKind,
        field: String,
        text: &mut String,
    ) -> Result<(), KlinkError> {
        match dialect_ids::resolve(state, scope, kind, text, parse_entry_uuid).await? {
            Resolved::Found(key) => *text = key.into_string(),
            Resolved::NoSuchEntry => {
                let what = kind.as_str();
                return Err(FieldError::new(field, format!("`{text}` names no {what}")).into());
            }
            // Left as it is: the model's check names the field and the reason.
            Resolved::NotAnId(_) => {}
        }
        Ok(())
    }
    let singles = [
        (EntryKind::Contact, "contact_id", input.contact_id.as_mut()),
        (EntryKind::User, "assignee_id", input.assignee_id.as_mut()),
        (EntryKind::User, "creator_id", input.creator_id.as_mut()),
    ];
    for (kind, field, text) in singles {
        if let Some(text) = text {
            one(state, scope, kind, field.to_owned(), text).await?;
        }
    }
    let lists = [
        (EntryKind::Tag, "tags", input.tags.as_mut()),
        (EntryKind::Category, "categories", input.categories.as_mut()),
    ];
    for (kind, field, list) in lists {
        for (idx, text) in list.into_iter().flatten().enumerate() {
            one(state, scope, kind, format!("{field}[{idx}]"), text).await?;
        }
    }
    Ok(input)
}

fn ticket_id(text: &str) -> Result<RecordId, KlinkError> {
    parse_record_uuid(Kind::Ticket, text)
        .ok_or_else(|| KlinkError::not_found(format!("ticket {text} not found")))
}

pub async fn create(
    State(state): State<AppState>,
    KlinkWrite(scope): KlinkWrite,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<(StatusCode, Rendered), KlinkError> {
    let input = resolve_ids(&state, &scope, body(&headers, &bytes)?).await?;
    let external_id = match headers.get("idempotency-key").map(|it| it.to_str()) {
        None => request_id(),
        Some(Ok(key)) => Key::parse(key)
            .map_err(|reason| FieldError::new("Idempotency-Key", reason))?
            .into_string(),
        Some(Err(_)) => return Err(FieldError::new("Idempotency-Key", "is not text").into()),
    };
    let now = Instant::now();
    let mut ticket = Ticket {
        id: None,
        number: None,
        source: Key::parse(SOURCE).expect("the source name is a valid key"),
        external_id: Key::parse(&external_id)
            .map_err(|reason| FieldError::new("Idempotency-Key", reason))?,
        version: 1,
        title: String::new(),
        description: None,
        ticket_type: None,
        channel: None,
        priority: Priority::Medium,
        status: TicketStatus::Open,
        contact_id: None,
        creator_id: None,
        assignee_id: None,
        reason_to_assign: None,
        tags: Vec::new(),
        categories: Vec::new(),
        custom_fields: Vec::new(),
        created_at: now,
        updated_at: Some(now),
        deleted_at: None,
    };
    input.apply(&mut ticket, &attributes(&state, &scope).await?, true)?;
    let results = state.store.upsert_tickets(&scope, vec![ticket]).await?;
    let stored = state
        .store
        .ticket(&scope, results[0].id)
        .await?
        .ok_or_else(|| KlinkError::not_found("ticket vanished"))?;
    Ok((StatusCode::CREATED, written(&state, &scope, stored).await?))
}

async fn edit(
    state: &AppState,
    scope: &TenantScope,
    id: &str,
    input: TicketInput,
) -> Result<Rendered, KlinkError> {
    let record_id = ticket_id(id)?;
    let attributes = attributes(state, scope).await?;
    let edit = Box::new(move |ticket: &mut Ticket| input.apply(ticket, &attributes, false));
    match state.store.edit_ticket(scope, record_id, edit).await {
        Ok(ticket) => written(state, scope, ticket).await,
        Err(StoreError::NotFound) => Err(KlinkError::not_found(format!("ticket {id} not found"))),
        Err(err) => Err(err.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    KlinkWrite(scope): KlinkWrite,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Rendered, KlinkError> {
    let input = resolve_ids(&state, &scope, body(&headers, &bytes)?).await?;
    edit(&state, &scope, &id, input).await
}

pub async fn update_status(
    State(state): State<AppState>,
    KlinkWrite(scope): KlinkWrite,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Rendered, KlinkError> {
    let input: StatusInput = body(&headers, &bytes)?;
    edit(
        &state,
        &scope,
        &id,
        TicketInput {
            status: Some(input.status),
            ..TicketInput::default()
        },
    )
    .await
}

pub async fn by_contact(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
    Path(contact_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Rendered, KlinkError> {
    let query: HashMap<String, String> = query_map(query.as_deref());
    let contact = id_filter(
        &state,
        &scope,
        EntryKind::Contact,
        "contactId",
        Some(&contact_id),
    )
    .await?;
    ticket_page(&state, &scope, &query, contact).await
}

pub async fn form_fields(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
) -> Result<Json<FormFields>, KlinkError> {
    let attributes = attributes(&state, &scope).await?;
    let keys = DirectoryKeys {
        attributes: attributes.iter().map(|it| it.id.clone()).collect(),
        ..DirectoryKeys::default()
    };
    let directory = directory(&state, &scope, keys).await?;
    Ok(Json(FormFields {
        request_id: request_id(),
        data: attributes
            .iter()
            .map(|it| AttributeObject::from_model(it, &directory))
            .collect(),
    }))
}
