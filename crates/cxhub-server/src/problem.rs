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
    /// `405 Method Not Allowed`: the path takes other methods (listed in `Allow`).
    #[error("method not allowed: {0}")]
    MethodNotAllowed(String),
    /// `408 Request Timeout`: the body did not arrive in time.
    #[error("request timeout: {0}")]
    Timeout(String),
    /// `409 Conflict`: what is to be created exists already.
    #[error("conflict: {0}")]
    Conflict(String),
    /// `413 Payload Too Large`: the body is over the limit.
    #[error("payload too large: {0}")]
    TooLarge(String),
    /// `415 Unsupported Media Type`: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// `503 Service Unavailable`: the server is at its connection limit or shutting down.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// `500 Internal Server Error`: logged with its cause, never shown to the client.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::Invalid(vec![FieldError::new(field, reason)])
    }
}

impl ApiError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The human-readable detail, without internal causes.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Invalid(fields) => fields
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            ApiError::Unauthorized(detail) => (*detail).to_owned(),
            ApiError::Forbidden(detail)
            | ApiError::NotFound(detail)
            | ApiError::Conflict(detail)
            | ApiError::MethodNotAllowed(detail)
            | ApiError::Timeout(detail)
            | ApiError::Unavailable(detail)
            | ApiError::TooLarge(detail) => detail.clone(),
            ApiError::UnsupportedMediaType => {
                "the body must be JSON with content-type application/json".to_owned()
            }
            ApiError::Internal(_) => "an internal error occurred".to_owned(),
        }
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
        let status = self.status();
        let detail = self.detail();
        let kind = match &self {
            ApiError::Invalid(_) => "invalid-input",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::Conflict(_) => "conflict",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::Timeout(_) => "timeout",
            ApiError::TooLarge(_) => "too-large",
            ApiError::UnsupportedMediaType => "unsupported-media-type",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(err) => {
                tracing::error!(error = %err, cause = ?err.source(), "request failed");
                "internal"
            }
        };
        let errors = match self {
            ApiError::Invalid(fields) => fields
                .into_iter()
                .map(|it| ProblemField {
                    field: it.field,
                    reason: it.reason,
                })
                .collect(),
            _ => Vec::new(),
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
