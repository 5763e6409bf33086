//! The CINNOX dialect: `GET /v1/api/apps/{appID}/data/call-log`, with CINNOX's
//! `{code, message}` errors. The `appID` is the tenant id: a token answers only for its
//! own tenant's app. See `docs/dialects/cinnox.md`.

use crate::json::{Json, Rendered};
use crate::route_table::{Routes, at};
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use cxhub_dialects::cinnox::{self, CallLogItem, CallLogResponse, ErrorBody};
use cxhub_store::query::{InteractionFilter, PageRequest};

use crate::AppState;
use crate::auth::CanRead;
use crate::problem::ApiError;

/// CINNOX's route; the rest of `/v1/api` answers CINNOX's 404.
pub fn routes() -> Routes {
    Routes::default()
        .route(at("/v1/api/apps/{app_id}/data/call-log").get(call_log))
        .map_router(|router| router.route("/v1/api/{*rest}", any(method_not_found)))
}

/// An error answered in CINNOX's shape with an HTTP status.
pub struct CinnoxError(StatusCode, ErrorBody);

impl IntoResponse for CinnoxError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

impl From<ApiError> for CinnoxError {
    fn from(err: ApiError) -> CinnoxError {
        let status = err.status();
        if let ApiError::Internal(cause) = &err {
            tracing::error!(error = %cause, "cinnox request failed");
        }
        // CINNOX's table has no codes for auth or server failures; the HTTP status serves.
        let code = match status {
            StatusCode::INTERNAL_SERVER_ERROR => 6_451_001,
            other => i64::from(other.as_u16()),
        };
        CinnoxError(
            status,
            ErrorBody {
                code,
                message: err.detail(),
            },
        )
    }
}

impl From<cxhub_store::StoreError> for CinnoxError {
    fn from(err: cxhub_store::StoreError) -> CinnoxError {
        CinnoxError::from(ApiError::from(err))
    }
}

async fn call_log(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    RawQuery(query): RawQuery,
    parts: axum::http::request::Parts,
) -> Result<Rendered, CinnoxError> {
    let mut parts = parts;
    let CanRead(scope) = CanRead::from_request_parts(&mut parts, &state)
        .await
        .map_err(CinnoxError::from)?;
    if app_id != scope.id.as_str() {
        let message = format!("the token does not belong to app {app_id}");
        return Err(CinnoxError(
            StatusCode::FORBIDDEN,
            ErrorBody { code: 403, message },
        ));
    }
    let params = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let query =
        cinnox::parse_query(&params).map_err(|body| CinnoxError(StatusCode::BAD_REQUEST, body))?;
    let filter = InteractionFilter {
        external_id: query.call_id,
        call_types: query.call_type.into_iter().collect(),
        statuses: query
            .status
            .map(cxhub_model::interaction::InteractionStatus::Call)
            .into_iter()
            .collect(),
        from: query.range.map(|(from, _)| from),
        to: query.range.map(|(_, to)| to),
        ..InteractionFilter::calls()
    };
    let page = state
        .store
        .list_interactions(
            &scope,
            filter,
            PageRequest::offset(query.offset, query.limit),
        )
        .await?;
    Ok(Rendered::new(&CallLogResponse {
        code: 0,
        result: page
            .items
            .iter()
            .filter_map(CallLogItem::from_model)
            .collect(),
    }))
}

/// Unknown paths under `/v1/api`, as CINNOX answers them.
async fn method_not_found(method: Method, uri: Uri) -> CinnoxError {
    let message = format!("method not found, method: {method} url: {}", uri.path());
    CinnoxError(
        StatusCode::NOT_FOUND,
        ErrorBody {
            code: 6_450_001,
            message,
        },
    )
}
