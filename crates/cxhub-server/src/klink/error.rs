//! klink's error shape, and the extractors that refuse in it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use cxhub_model::error::FieldError;
use cxhub_store::TenantScope;
use serde::Serialize;

use crate::AppState;
use crate::auth::{CanRead, CanWrite};
use crate::json::Json;
use crate::problem::ApiError;

/// Paths under `/api/v1` that klink's API has but cxhub does not serve yet, or that do
/// not exist, answer 404 as klink's NestJS server does: `Cannot GET /api/v1/channels`.
pub(super) async fn unknown_route(method: Method, uri: axum::http::Uri) -> KlinkError {
    KlinkError::not_found(format!("Cannot {method} {}", uri.path()))
}

/// A method a served path does not take: 405 in the same shape.
pub(super) async fn wrong_method(method: Method, uri: axum::http::Uri) -> KlinkError {
    KlinkError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: format!("Cannot {method} {}", uri.path()),
        field: None,
    }
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
