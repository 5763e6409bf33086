//! Reading request input into typed values, with errors that name the field.
//!
//! Bodies go through [`ApiJson`]: a JSON content type is required and a decoding error
//! names the path of the bad value (`[3].call.legs[0].status`). Query strings are read
//! into a struct of optional strings that refuses unknown parameters, and then each
//! parameter is parsed by a [`Checker`], which collects every bad parameter at once.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use serde::de::DeserializeOwned;

use crate::problem::ApiError;

use cxhub_dialects::strict;

/// The most rows a list returns per page.
pub const MAX_LIMIT: usize = 500;
/// The longest free-text filter, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Rows per page when the client gives no `limit`.
pub const DEFAULT_LIMIT: usize = 100;

/// A JSON body, decoded with field paths in its errors.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|it| it.to_str().ok())
            .and_then(|it| it.split(';').next())
            .map(|it| {
                let it = it.trim().to_ascii_lowercase();
                it == "application/json" || it.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|err| crate::edge::rejection(err.status(), &err.body_text()))?;
        decode_json(&bytes).map(ApiJson)
    }
}

/// Decodes JSON, naming the path of the first bad value. Structs are read from JSON
/// objects only ([`strict`]), and the reason names JSON's types, not Rust's.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value =
        serde_path_to_error::deserialize(strict::Strict(&mut deserializer)).map_err(|err| {
            let path = err.path().to_string();
            let field = match path.as_str() {
                "." | "?" | "" => "body".to_owned(),
                _ => path,
            };
            ApiError::field(field, plain_reason(&err.into_inner().to_string()))
        })?;
    // Nothing but whitespace may follow the value.
    deserializer
        .end()
        .map_err(|err| ApiError::field("body", err.to_string()))?;
    Ok(value)
}

/// serde's reason with the Rust type names it carries put in JSON's words:
/// "expected struct TicketInput with 13 elements" → "expected an object".
fn plain_reason(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(at) = rest.find("expected struct ") {
        out.push_str(&rest[..at]);
        out.push_str("expected an object");
        rest = &rest[at + "expected struct ".len()..];
        let name_end = rest
            .find(|it: char| !(it.is_alphanumeric() || it == '_'))
            .unwrap_or(rest.len());
        rest = &rest[name_end..];
        if let Some(tail) = rest.strip_prefix(" with ") {
            // "with 13 elements"
            let words_end = tail
                .find(" elements")
                .map_or(0, |it| it + " elements".len());
            rest = &tail[words_end..];
        }
    }
    out.push_str(rest);
    out
}

/// Reads a query string into `T` (a struct of optional strings that denies unknown fields).
pub fn decode_query<T: DeserializeOwned>(query: Option<&str>) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded_parse(query.unwrap_or("")));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        match path.as_str() {
            "." => ApiError::field("query", message),
            _ => ApiError::field(path, message),
        }
    })
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// Parses query parameters one by one and collects every error.
#[derive(Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn fail<T>(&mut self, field: &str, reason: impl Into<String>) -> Option<T> {
        self.errors.push(FieldError::new(field, reason));
        None
    }

    /// Records a parameter that is not acceptable for a reason of the caller's.
    pub fn reject(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(FieldError::new(field, reason));
    }

    /// Ends checking: all parsed, or a 400 naming every bad parameter.
    pub fn finish(self) -> Result<(), ApiError> {
        match self.errors.is_empty() {
            true => Ok(()),
            false => Err(ApiError::Invalid(self.errors)),
        }
    }

    /// An RFC 3339 instant; one before 1970 or after 9999 reads as the nearest instant
    /// cxhub holds, as no record lies outside. A `+` offset sent unencoded in a query string arrives as a
    /// space (`09:00:00 07:00`); it is read as the `+` it was.
    pub fn instant(&mut self, field: &str, value: Option<&str>) -> Option<Instant> {
        let value = self.present(field, value)?;
        let restored;
        let value = match value.len().checked_sub(6).and_then(|at| value.get(at..)) {
            Some(offset) if offset.starts_with(' ') && offset.as_bytes()[3] == b':' => {
                restored = format!("{}+{}", &value[..value.len() - 6], &offset[1..]);
                restored.as_str()
            }
            _ => value,
        };
        match Instant::parse_rfc3339_saturating(value) {
            Ok(millis) => Some(Instant::clamped(millis)),
            Err(reason) => self.fail(field, reason),
        }
    }

    pub fn key(&mut self, field: &str, value: Option<&str>) -> Option<Key> {
        let value = self.present(field, value)?;
        match Key::parse(value) {
            Ok(key) => Some(key),
            Err(reason) => self.fail(field, reason),
        }
    }

    /// Free text: at most 200 characters, no control characters (`%00`), valid UTF-8 (a
    /// query's invalid bytes arrive as U+FFFD).
    pub fn text(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = self.present(field, value)?;
        if value.chars().count() > MAX_TEXT_CHARS {
            return self.fail(
                field,
                format!("must be at most {MAX_TEXT_CHARS} characters"),
            );
        }
        if value
            .chars()
            .any(|it| it.is_control() || it == char::REPLACEMENT_CHARACTER)
        {
            return self.fail(
                field,
                "must be text without control characters or invalid UTF-8",
            );
        }
        Some(value.to_owned())
    }

    pub fn boolean(&mut self, field: &str, value: Option<&str>) -> bool {
        match self.present(field, value) {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => self
                .fail(field, format!("`{other}` is not true or false"))
                .unwrap_or(false),
        }
    }

    /// `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
    pub fn limit(&mut self, value: Option<&str>) -> usize {
        let Some(value) = self.present("limit", value) else {
            return DEFAULT_LIMIT;
        };
        let digits = value.bytes().all(|it| it.is_ascii_digit());
        match value.parse::<usize>() {
            Ok(limit) if digits && (1..=MAX_LIMIT).contains(&limit) => limit,
            _ => self
                .fail("limit", format!("must be an integer from 1 to {MAX_LIMIT}"))
                .unwrap_or(DEFAULT_LIMIT),
        }
    }

    /// A comma-separated list of closed-vocabulary values; spaces around an item are
    /// dropped.
    pub fn list<T>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Vec<T> {
        let Some(value) = self.present(field, value) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in value.split(',').map(|it| it.trim_matches(' ')) {
            match parse(item) {
                Some(it) => out.push(it),
                None => {
                    return self
                        .fail(field, format!("`{item}` is not one of {expected}"))
                        .unwrap_or_default();
                }
            }
        }
        out
    }

    /// `from` and `to`. A `to` not after `from` names an empty range, which lists nothing.
    pub fn range(
        &mut self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> (Option<Instant>, Option<Instant>) {
        (self.instant("from", from), self.instant("to", to))
    }

    /// A parameter's value, if given. An empty one (`?status=`) is refused: it is more
    /// often a client's empty variable than a wish for no filter.
    pub fn present<'v>(&mut self, field: &str, value: Option<&'v str>) -> Option<&'v str> {
        match value {
            Some("") => self.fail(field, "must not be empty; leave the parameter out instead"),
            other => other,
        }
    }
}
