//! The Sencloud dialect: `POST /v1/shop.Sencloud/ListCallLogs`, over Sencloud's
//! Twirp-style transport. Requests are checked in the vendor's order: HTTP method,
//! content type, route, JSON decoding, authentication, then the values; each failure
//! answers `{code, msg, meta}` with the code's HTTP status. See
//! `docs/dialects/sencloud.md`.

use crate::json::{Json, Rendered};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use cxhub_dialects::sencloud::{
    self, CallLog, CallState, Comparison, Cursor, ListCallLogsResponse, PagingOut, SenDirection,
    TwirpError,
};
use cxhub_model::call::CallStatus;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Direction, InteractionStatus};
use cxhub_store::query::{self, InteractionFilter, PageRequest, Position};

use crate::AppState;
use crate::auth::CanRead;
use crate::problem::ApiError;

const SERVICE: &str = "shop.Sencloud";

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/shop.Sencloud/{method}", any(handle))
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
    let filter = filter(&request);
    let (after, backwards) = match page.cursor {
        Some((cursor, backwards)) => (
            Some(Position {
                at: cursor.at,
                id: cursor.id,
            }),
            backwards,
        ),
        None => (None, false),
    };
    // Going backwards from a cursor reads the other way from it, then turns the rows round.
    let request_page = PageRequest {
        after,
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
    let cursor = |it: &cxhub_model::interaction::Interaction| {
        let id = it.id.map_or(0, |id| id.get());
        Cursor {
            ascending: page.ascending,
            at: it.started_at.as_millis(),
            id,
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
        next: rows.last().map(cursor).unwrap_or_default(),
        prev: rows.first().map(cursor).unwrap_or_default(),
        sort: paging_in.sort.clone().unwrap_or_default(),
    };
    Ok(Rendered::new(&ListCallLogsResponse {
        call_logs: rows.iter().filter_map(CallLog::from_model).collect(),
        paging,
    }))
}

/// The canonical filter of a request (vendors.md §3.4).
fn filter(request: &sencloud::Request) -> InteractionFilter {
    let key = |text: &Option<String>| text.as_deref().and_then(|it| Key::parse(it).ok());
    let statuses = match request.call_state {
        CallState::Unknown => Vec::new(),
        CallState::Answered => vec![CallStatus::Ended],
        CallState::NotAnswered => CallStatus::ALL
            .iter()
            .copied()
            .filter(|it| *it != CallStatus::Ended)
            .collect(),
    };
    let directions = match request.direction {
        SenDirection::Unknown => Vec::new(),
        SenDirection::In => vec![Direction::Inbound],
        SenDirection::Out => vec![Direction::Outbound],
        SenDirection::Ext | SenDirection::ExtIn | SenDirection::ExtOut => vec![Direction::Internal],
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
    InteractionFilter {
        number: request.call_number.clone(),
        statuses: statuses.into_iter().map(InteractionStatus::Call).collect(),
        directions,
        created_from: request.date_from,
        created_until: request.date_to,
        department: request.department_id.clone(),
        talk_secs,
        extensions: request.extension_ids.clone(),
        virtual_numbers: request.hotline_ids.clone(),
        external_id: request.external_id.clone(),
        session_id: request.external_session_id.clone(),
        agent_id: key(&request.user_id),
        ..InteractionFilter::calls()
    }
}
