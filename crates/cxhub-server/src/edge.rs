//! What happens at the edge, before and after a handler: a body over the limit is refused
//! from its `Content-Length` without being read, and errors raised outside a handler (a
//! body too large or too slow, a method a path does not take) are answered in the error
//! shape of the API the path belongs to: the native problem+json, klink's NestJS body,
//! CINNOX's `{code, message}` or Sencloud's Twirp error.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cxhub_dialects::sencloud::TwirpError;

use crate::MAX_BODY_BYTES;
use crate::cinnox::CinnoxError;
use crate::json::Json;
use crate::klink::KlinkError;
use crate::problem::ApiError;

/// The API a path belongs to, for its error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Native,
    Klink,
    Cinnox,
    Sencloud,
}

impl Dialect {
    pub fn of(path: &str) -> Dialect {
        if path.starts_with("/api/v1/") || path == "/api/v1" {
            Dialect::Klink
        } else if path.starts_with("/v1/api/") {
            Dialect::Cinnox
        } else if path.starts_with("/v1/shop.Sencloud/") {
            Dialect::Sencloud
        } else {
            Dialect::Native
        }
    }

    /// `err` in this dialect's shape, with `err`'s status.
    pub fn error(self, err: ApiError) -> Response {
        match self {
            Dialect::Native => err.into_response(),
            Dialect::Klink => KlinkError::from(err).into_response(),
            Dialect::Cinnox => CinnoxError::from(err).into_response(),
            Dialect::Sencloud => {
                // Twirp's codes for these; the HTTP status stays the request's own.
                let status = err.status();
                let code = match status {
                    StatusCode::PAYLOAD_TOO_LARGE => "resource_exhausted",
                    StatusCode::REQUEST_TIMEOUT => "deadline_exceeded",
                    StatusCode::SERVICE_UNAVAILABLE => "unavailable",
                    StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_FOUND => "bad_route",
                    _ => "invalid_argument",
                };
                (status, Json(TwirpError::new(code, err.detail()))).into_response()
            }
        }
    }
}

/// The guard every request passes: a declared body over the limit is answered 413 at
/// once, and what the extractors refuse as plain text (a chunked body that outgrew the
/// limit, a body that did not arrive in time) comes back in the path's error shape.
pub async fn guard(request: Request, next: Next) -> Response {
    let dialect = Dialect::of(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|it| it.to_str().ok())
        .and_then(|it| it.parse::<u64>().ok());
    if let Some(length) = declared.filter(|it| *it > MAX_BODY_BYTES as u64) {
        let mut response = dialect.error(ApiError::TooLarge(format!(
            "the body is {length} bytes, over the limit of {MAX_BODY_BYTES}"
        )));
        // The body is not read, so the connection cannot serve another request.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|it| it.to_str().ok())
        .is_some_and(|it| it.starts_with("text/plain"));
    if !plain || !response.status().is_client_error() {
        return response;
    }
    let status = response.status();
    let text = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    };
    dialect.error(rejection(status, &text))
}

/// An extractor's plain-text rejection as an error: its status, a plain message.
pub fn rejection(status: StatusCode, text: &str) -> ApiError {
    let text = text.to_lowercase();
    if status == StatusCode::PAYLOAD_TOO_LARGE || text.contains("length limit") {
        ApiError::TooLarge(format!(
            "the body is over the limit of {MAX_BODY_BYTES} bytes"
        ))
    } else if text.contains("timeout") {
        ApiError::Timeout("the body did not arrive in time".to_owned())
    } else {
        ApiError::field("body", format!("could not be read: {text}"))
    }
}
