//! Opaque cursors for the native lists.
//!
//! A cursor is base64url of `v1:<list>:<time>:<id>`: the keyset position after the last
//! row of a page, and the list it belongs to, so a calls cursor is refused by the tickets
//! list. Clients must treat it as opaque; the form may change.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cxhub_store::query::Position;

use crate::problem::ApiError;

pub fn encode(list: &str, position: Position) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{list}:{}:{}", position.at, position.id))
}

pub fn decode(list: &str, cursor: &str) -> Result<Position, ApiError> {
    let invalid = || ApiError::field("cursor", "is not a cursor this list gave out");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.split(':');
    let (Some("v1"), Some(kind), Some(at), Some(id), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid());
    };
    if kind != list {
        return Err(ApiError::field(
            "cursor",
            format!("belongs to the {kind} list, not {list}"),
        ));
    }
    // Positions are of real rows: an instant cxhub can hold and a positive id.
    let (Ok(at), Ok(id)) = (at.parse::<i64>(), id.parse::<i64>()) else {
        return Err(invalid());
    };
    if cxhub_model::time::Instant::from_millis(at).is_none() || id < 1 {
        return Err(invalid());
    }
    Ok(Position { at, id })
}

/// A cursor over keys (the directory lists).
pub fn encode_key(list: &str, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{list}:{key}"))
}

pub fn decode_key(list: &str, cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::field("cursor", "is not a cursor this list gave out");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let rest = text.strip_prefix("v1:").ok_or_else(invalid)?;
    let (kind, key) = rest.split_once(':').ok_or_else(invalid)?;
    if kind != list {
        return Err(ApiError::field(
            "cursor",
            format!("belongs to the {kind} list, not {list}"),
        ));
    }
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_lists() {
        let position = Position {
            at: 1_700_000_000_123,
            id: 42,
        };
        let cursor = encode("calls", position);
        assert_eq!(decode("calls", &cursor).unwrap(), position);
        assert!(decode("tickets", &cursor).is_err());
        assert!(decode("calls", "not-a-cursor").is_err());
        let forged = URL_SAFE_NO_PAD.encode("v1:calls:-1:-1");
        assert!(decode("calls", &forged).is_err(), "a forged position");
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
    }
}
