//! The native API's errors, as RFC 9457 `application/problem+json`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxhub_model::error::FieldError;
use cxhub_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// An error the native API answers with. Each variant's doc names its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `400 Bad Request`: one or more inputs are not acceptable; each names its field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// `401 Unauthorized`: no bearer token, or one cxhub does not know.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// `403 Forbidden`: the token's role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// `404 Not Found`: nothing by that id in the caller's tenant.
    #[error("not found: {0}")]
    NotFound(String),
    /// `409 Conflict`: what is to be created exists already.
    #[error("conflict: {0}")]
    Conflict(String),
    /// `413 Payload Too Large`: the body is over the limit.
    #[error("payload too large: {0}")]
    TooLarge(String),
    /// `415 Unsupported Media Type`: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// `500 Internal Server Error`: logged with its cause, never shown to the client.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::Invalid(vec![FieldError::new(field, reason)])
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::NotFound => ApiError::NotFound("no such record".to_owned()),
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} already exists")),
            StoreError::Invalid(field) => ApiError::Invalid(vec![field]),
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(err: FieldError) -> ApiError {
        ApiError::Invalid(vec![err])
    }
}

/// The body of every native error.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URN naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For invalid input: each offending field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field's path: a query parameter name, or a body path such as `[3].call.legs[0].status`.
    pub field: String,
    pub reason: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, detail, errors) = match self {
            ApiError::Invalid(fields) => {
                let detail = fields
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                let errors = fields
                    .into_iter()
                    .map(|it| ProblemField {
                        field: it.field,
                        reason: it.reason,
                    })
                    .collect();
                (StatusCode::BAD_REQUEST, "invalid-input", detail, errors)
            }
            ApiError::Unauthorized(detail) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                detail.to_owned(),
                vec![],
            ),
            ApiError::Forbidden(detail) => (StatusCode::FORBIDDEN, "forbidden", detail, vec![]),
            ApiError::NotFound(detail) => (StatusCode::NOT_FOUND, "not-found", detail, vec![]),
            ApiError::Conflict(detail) => (StatusCode::CONFLICT, "conflict", detail, vec![]),
            ApiError::TooLarge(detail) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too-large", detail, vec![])
            }
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "the body must be JSON with content-type application/json".to_owned(),
                vec![],
            ),
            ApiError::Internal(err) => {
                tracing::error!(error = %err, cause = ?err.source(), "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "an internal error occurred".to_owned(),
                    vec![],
                )
            }
        };
        let body = Problem {
            kind: format!("urn:cxhub:problem:{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        };
        let mut response = (status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
