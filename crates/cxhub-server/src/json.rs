//! JSON answers, serialized straight into one buffer.
//!
//! `axum::Json` writes through a `BytesMut` writer that starts at 128 bytes; a page of
//! 100 call records is 50–160 KB of JSON, and every small write then pays `BufMut`'s
//! checks. [`Json`] serializes into a plain `Vec` and hands it to the body without a
//! copy.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A JSON answer (`application/json`), as `axum::Json` is, for every type it answers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

/// The buffer's first size: most answers fit, and a page grows it a few times.
const FIRST_SIZE: usize = 8 * 1024;

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        Rendered::new(&self.0).into_response()
    }
}

/// A JSON answer serialized where it was built, for wire values that borrow from the
/// records and directory entries of the handler (so that a page is not copied string by
/// string into owned values first). A clone shares the bytes, so an answer that never
/// changes can be serialized once and kept.
#[derive(Debug, Clone)]
pub struct Rendered(Result<Bytes, Arc<serde_json::Error>>);

impl Rendered {
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Rendered {
        let mut buf = Vec::with_capacity(FIRST_SIZE);
        Rendered(match serde_json::to_writer(&mut buf, value) {
            Ok(()) => Ok(Bytes::from(buf)),
            Err(err) => Err(Arc::new(err)),
        })
    }
}

impl IntoResponse for Rendered {
    fn into_response(self) -> Response {
        match self.0 {
            Ok(buf) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                buf,
            )
                .into_response(),
            Err(err) => {
                // Only a type whose Serialize fails gets here: a bug, not bad input.
                tracing::error!(error = %err, "an answer did not serialize");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;

    use super::*;

    #[tokio::test]
    async fn answers_json_with_its_content_type() {
        let response = Json(serde_json::json!({"a": [1, 2], "b": "é\"x"})).into_response();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"a":[1,2],"b":"é\"x"}"#
        );
    }
}
