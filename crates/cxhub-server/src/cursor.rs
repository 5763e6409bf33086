//! The native lists' opaque cursors (`cxhub_dialects::cursor`), as store positions, with
//! a refused cursor a 400 naming `cursor`.

use cxhub_dialects::cursor::{self, CursorError};
use cxhub_store::query::Position;

use crate::problem::ApiError;

fn refused(list: &str, err: &CursorError) -> ApiError {
    let reason = match err {
        CursorError::OtherList(_) => format!("{err}, not {list}"),
        CursorError::NotOurs => err.to_string(),
    };
    ApiError::field("cursor", reason)
}

pub fn encode(list: &str, position: Position) -> String {
    cursor::encode(list, position.at, position.id)
}

pub fn decode(list: &str, text: &str) -> Result<Position, ApiError> {
    cursor::decode(list, text)
        .map(|(at, id)| Position { at, id })
        .map_err(|err| refused(list, &err))
}

pub fn encode_key(list: &str, key: &str) -> String {
    cursor::encode_key(list, key)
}

pub fn decode_key(list: &str, text: &str) -> Result<String, ApiError> {
    cursor::decode_key(list, text).map_err(|err| refused(list, &err))
}
