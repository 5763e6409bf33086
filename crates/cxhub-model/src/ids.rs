//! Identifiers.
//!
//! Two kinds exist, on purpose:
//! - a [`RecordId`] names a record (interaction, presence change, ticket). cxhub assigns
//!   it; sources name their records by `(source, external_id)` instead, which is the
//!   idempotency key of every upsert.
//! - a [`Key`] names what records refer to (user, queue, contact, tag, category,
//!   attribute). The source chooses it (`u-7`, `q-sales`, a vendor UUID), so records
//!   can name an agent before cxhub has heard of it.

use std::fmt;

use smol_str::SmolStr;

/// The id cxhub gives a record: positive, unique within its kind and tenant. Each tenant's
/// records of a kind are counted 1, 2, 3… in the order they were stored, so an id says
/// nothing of other tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(i64);

impl RecordId {
    pub fn new(raw: i64) -> Option<RecordId> {
        (raw > 0).then_some(RecordId(raw))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// Reads the decimal form used on the wire.
    pub fn parse(text: &str) -> Option<RecordId> {
        match text.as_bytes().first() {
            Some(b'0'..=b'9') => text.parse().ok().and_then(RecordId::new),
            _ => None,
        }
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The longest key or external id accepted, in characters.
pub const MAX_KEY_LEN: usize = 200;

/// A source-chosen identifier: 1 to 200 characters of printable text without surrounding
/// whitespace. Keys are compared exactly (case-sensitive).
///
/// Held as a `SmolStr`: keys of up to 23 bytes (`u-7`, `q-sales`, an Asterisk uniqueid)
/// live inline, longer ones in a shared `Arc<str>`. A record names ten or more keys, and
/// reading a page of records or folding events copies them often; as `String`s each was
/// an allocation and a free.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(SmolStr);

impl Key {
    pub fn parse(text: &str) -> Result<Key, String> {
        if text.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if text.len() > MAX_KEY_LEN && text.chars().count() > MAX_KEY_LEN {
            return Err(format!("must be at most {MAX_KEY_LEN} characters"));
        }
        if text.trim() != text {
            return Err("must not start or end with whitespace".to_owned());
        }
        if text.chars().any(char::is_control) {
            return Err("must not contain control characters".to_owned());
        }
        Ok(Key(SmolStr::new(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into()
    }
}

/// Lets maps keyed by [`Key`] be read with a `&str`; a key hashes and compares as its text.
impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The idempotency key of a record: which source sent it, and that source's id for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    pub source: Key,
    pub external_id: Key,
}

/// Where a record stands in the history of its source's updates.
///
/// The newest version wins: an upsert whose version is lower than the stored one is
/// stale and changes nothing; an equal version is a duplicate and changes nothing.
/// A source that keeps a revision counter sends it as the version; one that keeps an
/// updated-at sends that, and cxhub uses its milliseconds.
pub type Version = i64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_are_positive_decimals() {
        assert_eq!(RecordId::parse("42").map(RecordId::get), Some(42));
        assert_eq!(RecordId::parse("0"), None);
        assert_eq!(RecordId::parse("-4"), None);
        assert_eq!(RecordId::parse("+4"), None);
        assert_eq!(RecordId::parse("4x"), None);
        assert_eq!(RecordId::parse("99999999999999999999"), None);
    }

    #[test]
    fn keys_refuse_blank_and_control_text() {
        assert!(Key::parse("u-7").is_ok());
        assert!(Key::parse("").is_err());
        assert!(Key::parse(" u").is_err());
        assert!(Key::parse("a\nb").is_err());
        assert!(Key::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn keys_compare_hash_and_read_back_as_their_text_inline_or_not() {
        use std::collections::HashMap;
        // 23 bytes is SmolStr's inline limit; 24 and 200 are kept on the heap.
        for text in ["u-7", &"k".repeat(23), &"k".repeat(24), &"k".repeat(200)] {
            let key = Key::parse(text).unwrap();
            assert_eq!(key.as_str(), text);
            assert_eq!(key.to_string(), text);
            assert_eq!(key.clone().into_string(), text);
            assert_eq!(format!("{key:?}"), format!("Key({text:?})"));
            let map = HashMap::from([(key.clone(), 1)]);
            assert_eq!(map.get(text), Some(&1), "a &str finds its key");
        }
        let (short, long) = (
            Key::parse("a").unwrap(),
            Key::parse(&"b".repeat(30)).unwrap(),
        );
        assert!(short < long);
        // The order is the text's, byte by byte.
        assert!(Key::parse("a-2").unwrap() > Key::parse("a-10").unwrap());
    }
}
