//! The Sencloud dialect: `POST /v1/shop.Sencloud/ListCallLogs`, over Sencloud's
//! Twirp-style transport. Requests are checked in the vendor's order: HTTP method,
//! content type, route, JSON decoding, authentication, then the values; each failure
//! answers `{code, msg, meta}` with the code's HTTP status. See
//! `docs/dialects/sencloud.md`.

use crate::json::{Json, Rendered};
use crate::route_table::{Routes, at};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxhub_dialects::sencloud::{
    self, CallLog, CallState, Comparison, Cursor, ListCallLogsResponse, PagingOut, SenDirection,
    SortField, TwirpError,
};
use cxhub_model::call::CallStatus;
use cxhub_model::directory::{DirectoryNumbers, EntryKind};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Direction, Interaction, InteractionStatus};
use cxhub_store::TenantScope;
use cxhub_store::query::{self, ExtensionSide, InteractionFilter, OrderBy, PageRequest, Position};

use crate::AppState;
use crate::auth::CanRead;
use crate::dialect_ids::{self, FilterKeyError};
use crate::problem::ApiError;

const SERVICE: &str = "shop.Sencloud";

/// Sencloud's one route: every method name under the service, checked by `handle`.
pub fn routes() -> Routes {
    Routes::default().route(at("/v1/shop.Sencloud/{method}").any(handle))
}

/// The vendor's default message for `unauthenticated`.
const UNAUTHENTICATED: &str = "Vui lòng đăng nhập (hoặc đăng ký nếu chưa có tài khoản).";

pub struct Twirp(TwirpError);

impl IntoResponse for Twirp {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.0)).into_response()
    }
}

impl From<ApiError> for Twirp {
    fn from(err: ApiError) -> Twirp {
        let twirp = match &err {
            ApiError::Unauthorized(_) => TwirpError::new("unauthenticated", UNAUTHENTICATED),
            ApiError::Forbidden(detail) => TwirpError::new("permission_denied", detail.clone()),
            ApiError::Invalid(_) => TwirpError::new("invalid_argument", err.detail()),
            ApiError::NotFound(detail) => TwirpError::new("not_found", detail.clone()),
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "sencloud request failed");
                TwirpError::new("internal", "Internal service error")
            }
            _ => TwirpError::new("invalid_argument", err.detail()),
        };
        Twirp(twirp)
    }
}

impl From<cxhub_store::StoreError> for Twirp {
    fn from(err: cxhub_store::StoreError) -> Twirp {
        Twirp::from(ApiError::from(err))
    }
}

fn bad_route(msg: String, route: String) -> Twirp {
    Twirp(TwirpError::new("bad_route", msg).with("invalid_route", route))
}

async fn handle(
    State(state): State<AppState>,
    Path(method_name): Path<String>,
    mut parts: Parts,
    body: Bytes,
) -> Result<Rendered, Twirp> {
    let route = format!("{} /v1/{SERVICE}/{method_name}", parts.method);
    if parts.method != Method::POST {
        return Err(bad_route(
            format!(
                "unsupported method \"{}\" (only POST is allowed)",
                parts.method
            ),
            route,
        ));
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|it| it.to_str().ok())
        .unwrap_or("");
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media_type != "application/json" {
        return Err(bad_route(
            format!("unexpected Content-Type: \"{content_type}\""),
            route,
        ));
    }
    if method_name != "ListCallLogs" {
        return Err(bad_route(
            format!("no handler for path \"/{SERVICE}/{method_name}\""),
            route,
        ));
    }
    let request = sencloud::decode(&body).map_err(Twirp)?;
    let CanRead(scope) = CanRead::from_request_parts(&mut parts, &state).await?;
    let page = request.validate().map_err(Twirp)?;
    let Some(mut filter) = filter(&state, &scope, &request).await? else {
        return Ok(render(&request, &page, &[], &DirectoryNumbers::default()));
    };
    filter.order_by = order_by(page.field);
    // A `prev` cursor goes back: it reads the other way from its row, then turns the
    // rows round. A `next` cursor goes on.
    let backwards = page.cursor.is_some_and(|it| it.backwards);
    let request_page = PageRequest {
        after: page.cursor.map(|cursor| Position {
            at: cursor.at,
            id: cursor.id,
        }),
        offset: 0,
        limit: page.limit,
        ascending: page.ascending != backwards,
    };
    let mut rows = state
        .store
        .list_interactions(&scope, filter, request_page)
        .await?
        .items;
    if backwards {
        rows.reverse();
    }
    let mut wanted = Vec::new();
    for it in &rows {
        wanted.extend(it.agent_id.iter().map(|key| (EntryKind::User, key.clone())));
        wanted.extend(
            it.contact_id
                .iter()
                .map(|key| (EntryKind::Contact, key.clone())),
        );
        let extension = it.call.as_ref().and_then(|call| call.extension.as_deref());
        wanted.extend(
            extension
                .and_then(|it| Key::parse(it).ok())
                .map(|key| (EntryKind::Extension, key)),
        );
    }
    wanted.retain(|(_, key)| !sencloud::ids::is_plain_int_id(key.as_str()));
    let numbers = match wanted.is_empty() {
        true => DirectoryNumbers::default(),
        false => state.store.numbers(&scope, wanted).await?,
    };
    Ok(render(&request, &page, &rows, &numbers))
}

/// The store's order of a Sencloud sort field.
fn order_by(field: SortField) -> OrderBy {
    match field {
        SortField::StartedAt => OrderBy::StartedAt,
        SortField::CreatedAt => OrderBy::CreatedAt,
        SortField::UpdatedAt => OrderBy::UpdatedAt,
    }
}

/// The answer: the page's call logs and `paging`, whose `prev` and `next` are the
/// cursors of the first row (going back) and the last (going on).
fn render(
    request: &sencloud::Request,
    page: &sencloud::Page,
    rows: &[Interaction],
    numbers: &DirectoryNumbers,
) -> Rendered {
    let order = order_by(page.field);
    let cursor = |it: &Interaction, backwards: bool| {
        let position = Position::of(order, it);
        Cursor {
            field: page.field,
            ascending: page.ascending,
            backwards,
            at: position.at,
            id: position.id,
        }
        .encode()
    };
    let paging_in = &request.paging;
    let neither = paging_in.after.as_deref().unwrap_or("").is_empty()
        && paging_in.before.as_deref().unwrap_or("").is_empty();
    let paging = PagingOut {
        after: if neither {
            ".".to_owned()
        } else {
            paging_in.after.clone().unwrap_or_default()
        },
        before: paging_in.before.clone().unwrap_or_default(),
        limit: page.limit,
        next: rows.last().map(|it| cursor(it, false)).unwrap_or_default(),
        prev: rows.first().map(|it| cursor(it, true)).unwrap_or_default(),
        sort: paging_in.sort.clone().unwrap_or_default(),
    };
    Rendered::new(&ListCallLogsResponse {
        call_logs: rows
            .iter()
            .filter_map(|it| CallLog::from_model(it, numbers))
            .collect(),
        paging,
    })
}

/// The canonical filter of a request (vendors.md §3.4); `None` when it names an entry
/// that does not exist, so nothing matches.
async fn filter(
    state: &AppState,
    scope: &TenantScope,
    request: &sencloud::Request,
) -> Result<Option<InteractionFilter>, Twirp> {
    let statuses = match request.call_state {
        CallState::Unknown => Vec::new(),
        CallState::Answered => vec![CallStatus::Ended],
        CallState::NotAnswered => CallStatus::ALL
            .iter()
            .copied()
            .filter(|it| *it != CallStatus::Ended)
            .collect(),
    };
    let (directions, extension_side) = match request.direction {
        SenDirection::Unknown => (Vec::new(), None),
        SenDirection::In => (vec![Direction::Inbound], None),
        SenDirection::Out => (vec![Direction::Outbound], None),
        SenDirection::Ext => (vec![Direction::Internal], None),
        SenDirection::ExtIn => (vec![Direction::Internal], Some(ExtensionSide::Callee)),
        SenDirection::ExtOut => (vec![Direction::Internal], Some(ExtensionSide::Caller)),
    };
    let talk_secs = request.duration.map(|(comparison, value)| {
        let comparison = match comparison {
            Comparison::LessThan => query::Comparison::Less,
            Comparison::LessThanOrEqualTo => query::Comparison::LessOrEqual,
            Comparison::EqualTo => query::Comparison::Equal,
            Comparison::GreaterThanOrEqualTo => query::Comparison::GreaterOrEqual,
            Comparison::GreaterThan => query::Comparison::Greater,
        };
        (comparison, u32::try_from(value.max(0)).unwrap_or(u32::MAX))
    });
    let agent_id = match &request.user_id {
        None => None,
        Some(id) => match entry_key(state, scope, EntryKind::User, "user_id", id).await? {
            Some(key) => Some(key),
            None => return Ok(None),
        },
    };
    let mut extensions = Vec::new();
    for id in &request.extension_ids {
        let key = entry_key(state, scope, EntryKind::Extension, "extension_ids", id).await?;
        extensions.extend(key.map(Key::into_string));
    }
    if extensions.is_empty() && !request.extension_ids.is_empty() {
        return Ok(None);
    }
    // A hotline's id is its number's digits (as CINNOX's `virtualNumber` prints it), or
    // the number as cxhub holds it.
    let virtual_numbers = request
        .hotline_ids
        .iter()
        .flat_map(|id| {
            let digits = !id.is_empty() && id.bytes().all(|it| it.is_ascii_digit());
            [Some(id.clone()), digits.then(|| format!("+{id}"))]
        })
        .flatten()
        .collect();
    Ok(Some(InteractionFilter {
        number: request.call_number.clone(),
        statuses: statuses.into_iter().map(InteractionStatus::Call).collect(),
        directions,
        extension_side,
        created_from: request.date_from,
        created_until: request.date_to,
        department: request.department_id.clone(),
        talk_secs,
        extensions,
        virtual_numbers,
        external_id: request.external_id.clone(),
        session_id: request.external_session_id.clone(),
        agent_id,
        ..InteractionFilter::calls()
    }))
}

/// The key of the entry an id names: a derived int64 by its number, else the id as the
/// key; `None` when a derived id names no entry.
async fn entry_key(
    state: &AppState,
    scope: &TenantScope,
    kind: EntryKind,
    field: &str,
    id: &str,
) -> Result<Option<Key>, Twirp> {
    match dialect_ids::filter_key(state, scope, kind, id, sencloud::ids::parse_int_id).await {
        Ok(key) => Ok(key),
        Err(FilterKeyError::NotAnId(reason)) => Err(Twirp(TwirpError::new(
            "invalid_argument",
            format!("{field}: {reason}"),
        ))),
        Err(FilterKeyError::Store(err)) => Err(err.into()),
    }
}
