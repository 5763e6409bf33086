//! The opaque cursors of cxhub's own lists (the native API's `next_cursor`).
//!
//! A cursor is base64url of `v1:<list>:<time>:<id>`: the keyset position after the last
//! row of a page, and the list it belongs to, so a calls cursor is refused by the tickets
//! list. Directory lists page by key: `v1:<list>:<key>`. Clients treat them as opaque.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cxhub_model::time::Instant;

/// Why a cursor is refused: the client's words for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorError {
    /// Not a cursor this server gave out (or one naming no real position).
    NotOurs,
    /// A cursor of another list.
    OtherList(String),
}

impl std::fmt::Display for CursorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CursorError::NotOurs => f.write_str("is not a cursor this list gave out"),
            CursorError::OtherList(kind) => write!(f, "belongs to the {kind} list"),
        }
    }
}

/// The cursor after the row at `(at, id)` of `list`.
pub fn encode(list: &str, at: i64, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{list}:{at}:{id}"))
}

/// The `(at, id)` position a cursor of `list` names: an instant cxhub can hold and a
/// positive id, as every real row has.
pub fn decode(list: &str, cursor: &str) -> Result<(i64, i64), CursorError> {
    let text = decoded(cursor)?;
    let mut parts = text.split(':');
    let (Some("v1"), Some(kind), Some(at), Some(id), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(CursorError::NotOurs);
    };
    if kind != list {
        return Err(CursorError::OtherList(kind.to_owned()));
    }
    let (Ok(at), Ok(id)) = (at.parse::<i64>(), id.parse::<i64>()) else {
        return Err(CursorError::NotOurs);
    };
    if Instant::from_millis(at).is_none() || id < 1 {
        return Err(CursorError::NotOurs);
    }
    Ok((at, id))
}

/// A cursor over keys (the directory lists).
pub fn encode_key(list: &str, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{list}:{key}"))
}

pub fn decode_key(list: &str, cursor: &str) -> Result<String, CursorError> {
    let text = decoded(cursor)?;
    let rest = text.strip_prefix("v1:").ok_or(CursorError::NotOurs)?;
    let (kind, key) = rest.split_once(':').ok_or(CursorError::NotOurs)?;
    if kind != list {
        return Err(CursorError::OtherList(kind.to_owned()));
    }
    Ok(key.to_owned())
}

fn decoded(cursor: &str) -> Result<String, CursorError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| CursorError::NotOurs)?;
    String::from_utf8(bytes).map_err(|_| CursorError::NotOurs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_lists() {
        let cursor = encode("calls", 1_700_000_000_123, 42);
        assert_eq!(decode("calls", &cursor), Ok((1_700_000_000_123, 42)));
        assert_eq!(
            decode("tickets", &cursor),
            Err(CursorError::OtherList("calls".to_owned()))
        );
        assert!(decode("calls", "not-a-cursor").is_err());
        let forged = URL_SAFE_NO_PAD.encode("v1:calls:-1:-1");
        assert_eq!(
            decode("calls", &forged),
            Err(CursorError::NotOurs),
            "a forged position"
        );
        assert_eq!(
            decode_key("users", &encode_key("users", "u:7")).unwrap(),
            "u:7"
        );
    }

    proptest! {
        #[test]
        fn decoding_garbage_never_panics(text in "\\PC{0,60}") {
            let _ = decode("calls", &text);
            let _ = decode_key("users", &text);
        }

        #[test]
        fn every_real_position_round_trips(at in 0i64..=253_402_300_799_999, id in 1i64..=i64::MAX) {
            prop_assert_eq!(decode("calls", &encode("calls", at, id)), Ok((at, id)));
        }
    }
}
