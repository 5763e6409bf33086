//! Sencloud (eTelecom's shop API): `POST /v1/shop.Sencloud/ListCallLogs`.
//!
//! The request is decoded in two steps, as the vendor's server does: [`decode`] turns the
//! body into typed values (a wrong type or an unknown enum name is `malformed`), then,
//! after authentication, [`Request::validate`] checks the values (`invalid_argument`).
//! See `docs/dialects/sencloud.md` and `docs/mapping.md` §5.

mod call_log;
pub mod ids;
mod request;

pub use call_log::{CallLog, CallTarget, ListCallLogsResponse, PagingOut, call_state, go_time};
pub use request::{
    CallState, Comparison, Cursor, Page, RawPaging, Request, SenDirection, SortField, decode,
};

use serde::{Deserialize, Serialize};

/// The source name records read from Sencloud carry.
pub const SOURCE: &str = "sencloud";
/// Rows per page when `limit` is 0, absent or over the maximum (silently, as the vendor).
pub const MAX_LIMIT: usize = 100;
/// Go's zero time, printed for an absent instant.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A Twirp error body: `{code, msg, meta}`, `meta` omitted when empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwirpError {
    pub code: String,
    pub msg: String,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty", default)]
    pub meta: std::collections::BTreeMap<String, String>,
}

impl TwirpError {
    pub fn new(code: &str, msg: impl Into<String>) -> TwirpError {
        TwirpError {
            code: code.to_owned(),
            msg: msg.into(),
            meta: Default::default(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> TwirpError {
        self.meta.insert(key.to_owned(), value.into());
        self
    }

    fn malformed(cause: impl Into<String>) -> TwirpError {
        TwirpError::new("malformed", "the json request could not be decoded").with("cause", cause)
    }

    fn invalid(msg: impl Into<String>) -> TwirpError {
        TwirpError::new("invalid_argument", msg)
    }

    /// The HTTP status of a Twirp code (vendors.md §3.2).
    pub fn http_status(&self) -> u16 {
        match self.code.as_str() {
            "canceled" | "deadline_exceeded" => 408,
            "invalid_argument" | "malformed" | "out_of_range" => 400,
            "not_found" | "bad_route" => 404,
            "already_exists" | "aborted" => 409,
            "permission_denied" | "resource_exhausted" => 403,
            "unauthenticated" => 401,
            "failed_precondition" => 412,
            "unimplemented" => 501,
            "unavailable" => 503,
            _ => 500,
        }
    }
}
