//! The strings of wire values.
//!
//! An answer's wire value borrows its strings from the records and directory entries it
//! is built from, so that a page is not copied string by string before it is serialized;
//! a value read from a request or an import owns them.

use std::borrow::Cow;

use cxhub_model::ids::Key;

/// A string of a wire value: borrowed when answering, owned when read.
pub type Text<'a> = Cow<'a, str>;

/// A borrowed string.
pub fn text(it: &str) -> Text<'_> {
    Cow::Borrowed(it)
}

/// A borrowed optional string.
pub fn opt_text(it: Option<&String>) -> Option<Text<'_>> {
    it.map(|it| Cow::Borrowed(it.as_str()))
}

/// A borrowed optional key.
pub fn opt_key_text(key: Option<&Key>) -> Option<Text<'_>> {
    key.map(|it| Cow::Borrowed(it.as_str()))
}

/// An optional string as read, owned.
pub fn owned(it: Option<Text<'_>>) -> Option<String> {
    it.map(Cow::into_owned)
}
