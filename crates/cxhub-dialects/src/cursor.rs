//! The cursors of cxhub's own lists (the native API's `next_cursor`).
//!
//! A cursor is `v1.<list>.<time>.<id>`: the keyset position after the last row of a
//! page, and the list it belongs to, so a calls cursor is refused by the tickets list.
//! Directory lists page by key: `v1.<list>.<key>`. Clients treat them as opaque. They are
//! plain text, not base64, so that the OpenAPI document can state exactly which cursors
//! a list takes (a pattern; see `PATTERN_*`).

use cxhub_model::time::Instant;

/// The longest time a cursor carries, in digits (Instant::MAX has 15).
const AT_DIGITS: usize = 15;
/// The longest id a cursor carries, in digits (below i64::MAX's 19).
const ID_DIGITS: usize = 18;

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

/// The regular expression of every cursor `decode(list, …)` takes.
pub fn position_pattern(list: &str) -> String {
    format!(
        "^v1\\.{list}\\.(0|[1-9][0-9]{{0,{}}})\\.[1-9][0-9]{{0,{}}}$",
        AT_DIGITS - 1,
        ID_DIGITS - 1
    )
}

/// The regular expression of every cursor `decode_key(list, …)` takes.
pub fn key_pattern(list: &str) -> String {
    format!("^v1\\.{list}\\.[\\s\\S]+$")
}

/// The cursor after the row at `(at, id)` of `list`.
pub fn encode(list: &str, at: i64, id: i64) -> String {
    format!("v1.{list}.{at}.{id}")
}

/// The `(at, id)` position a cursor of `list` names: a time within what cxhub holds (a
/// later one reads as the latest) and a positive id, as every real row has. Numbers are
/// written as `encode` writes them: digits, no sign, no leading zero.
pub fn decode(list: &str, cursor: &str) -> Result<(i64, i64), CursorError> {
    let rest = of_list(list, cursor)?;
    let (at, id) = rest.split_once('.').ok_or(CursorError::NotOurs)?;
    let (Some(at), Some(id)) = (number(at, AT_DIGITS), number(id, ID_DIGITS)) else {
        return Err(CursorError::NotOurs);
    };
    if id < 1 {
        return Err(CursorError::NotOurs);
    }
    Ok((at.min(Instant::MAX.as_millis()), id))
}

/// A cursor over keys (the directory lists).
pub fn encode_key(list: &str, key: &str) -> String {
    format!("v1.{list}.{key}")
}

pub fn decode_key(list: &str, cursor: &str) -> Result<String, CursorError> {
    match of_list(list, cursor)? {
        "" => Err(CursorError::NotOurs),
        key => Ok(key.to_owned()),
    }
}

/// What follows `v1.<list>.` in a cursor of `list`.
fn of_list<'a>(list: &str, cursor: &'a str) -> Result<&'a str, CursorError> {
    let rest = cursor.strip_prefix("v1.").ok_or(CursorError::NotOurs)?;
    let (kind, rest) = rest.split_once('.').ok_or(CursorError::NotOurs)?;
    if kind != list {
        return Err(CursorError::OtherList(kind.to_owned()));
    }
    Ok(rest)
}

/// Digits as `encode` writes them, at most `digits` of them.
fn number(text: &str, digits: usize) -> Option<i64> {
    let canonical = !text.is_empty()
        && text.len() <= digits
        && text.bytes().all(|it| it.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
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
        for forged in [
            "v1.calls.-1.-1",
            "v1.calls.1.0",
            "v1.calls.01.1",
            "v1.calls.+1.1",
        ] {
            assert_eq!(
                decode("calls", forged),
                Err(CursorError::NotOurs),
                "{forged}"
            );
        }
        assert_eq!(
            decode_key("users", &encode_key("users", "u.7")).unwrap(),
            "u.7"
        );
        assert_eq!(decode_key("users", "v1.users."), Err(CursorError::NotOurs));
    }

    proptest! {
        #[test]
        fn decoding_garbage_never_panics(text in "\\PC{0,60}") {
            let _ = decode("calls", &text);
            let _ = decode_key("users", &text);
        }

        #[test]
        fn every_real_position_round_trips(at in 0i64..=253_402_300_799_999, id in 1i64..=999_999_999_999_999_999) {
            prop_assert_eq!(decode("calls", &encode("calls", at, id)), Ok((at, id)));
        }

        #[test]
        fn the_pattern_states_exactly_what_decodes(text in "v1\\.calls\\.[-+0-9]{0,17}\\.[-+0-9]{0,19}") {
            let pattern = regex_lite::Regex::new(&position_pattern("calls")).unwrap();
            prop_assert_eq!(pattern.is_match(&text), decode("calls", &text).is_ok(), "{}", text);
        }
    }
}
