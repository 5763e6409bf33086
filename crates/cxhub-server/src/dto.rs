//! The native API's wire types and their conversions to and from the model.
//!
//! Only this module knows the native JSON. Each body type is used both to read an upsert
//! and to answer a list or get; fields the server assigns (`id`, `number`) are ignored on
//! input. Instants are RFC 3339 in UTC with milliseconds; absent values are `null`.

pub mod directory;
pub mod hours;
pub mod interaction;
pub mod presence;
pub mod ticket;

use std::borrow::Cow;

pub use cxhub_dialects::text::{Text, opt_key_text, opt_text, owned, text};
use cxhub_model::error::FieldError;
use cxhub_model::ids::{Key, Version};
use cxhub_model::time::Instant;
use cxhub_store::{Outcome, Upserted};
use serde::Serialize;
use utoipa::ToSchema;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// What a batch upsert did, record by record, in the batch's order.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpsertReport {
    pub data: Vec<UpsertResult>,
    pub created: usize,
    pub updated: usize,
    /// Records whose stored version equals the one sent; nothing changed.
    pub duplicate: usize,
    /// Records whose stored version is newer than the one sent; nothing changed.
    pub stale: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UpsertResult {
    pub id: String,
    /// `created`, `updated`, `duplicate` or `stale`.
    pub outcome: String,
}

impl UpsertReport {
    pub fn from_results(results: &[Upserted]) -> UpsertReport {
        let count = |outcome: Outcome| results.iter().filter(|it| it.outcome == outcome).count();
        UpsertReport {
            data: results
                .iter()
                .map(|it| UpsertResult {
                    id: it.id.to_string(),
                    outcome: it.outcome.as_str().to_owned(),
                })
                .collect(),
            created: count(Outcome::Created),
            updated: count(Outcome::Updated),
            duplicate: count(Outcome::Duplicate),
            stale: count(Outcome::Stale),
        }
    }
}

/// What a directory upsert did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryReport {
    /// Entries written (created or replaced).
    pub written: usize,
}

pub(crate) fn key(field: &str, value: &str) -> Result<Key, FieldError> {
    Key::parse(value).map_err(|reason| FieldError::new(field, reason))
}

pub(crate) fn opt_key(field: &str, value: Option<&str>) -> Result<Option<Key>, FieldError> {
    value.map(|it| key(field, it)).transpose()
}

pub(crate) fn keys(field: &str, values: &[String]) -> Result<Vec<Key>, FieldError> {
    values
        .iter()
        .enumerate()
        .map(|(idx, it)| key(&format!("{field}[{idx}]"), it))
        .collect()
}

pub(crate) fn instant(field: &str, value: &str) -> Result<Instant, FieldError> {
    if value.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    Instant::parse_rfc3339(value).map_err(|reason| FieldError::new(field, reason))
}

pub(crate) fn opt_instant(field: &str, value: Option<&str>) -> Result<Option<Instant>, FieldError> {
    value.map(|it| instant(field, it)).transpose()
}

pub(crate) fn enum_value<T>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    expected: &str,
) -> Result<T, FieldError> {
    if value.is_empty() {
        return Err(FieldError::new(
            field,
            format!("is required; one of {expected}"),
        ));
    }
    parse(value)
        .ok_or_else(|| FieldError::new(field, format!("`{value}` is not one of {expected}")))
}

pub(crate) fn opt_enum<T>(
    field: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, FieldError> {
    value
        .map(|it| enum_value(field, it, parse, expected))
        .transpose()
}

pub(crate) fn rfc3339(at: Option<Instant>) -> Option<String> {
    at.map(Instant::to_rfc3339)
}

pub(crate) fn strings(keys: &[Key]) -> Vec<String> {
    keys.iter().map(|it| it.as_str().to_owned()).collect()
}

pub(crate) fn key_string(key: Option<&Key>) -> Option<String> {
    key.map(|it| it.as_str().to_owned())
}

pub(crate) fn owned_rfc3339(at: Option<Instant>) -> Option<Text<'static>> {
    rfc3339(at).map(Cow::Owned)
}

/// The version an upsert carries: `version` when the source keeps a counter, else the
/// milliseconds of `updated_at`, else 0 (so a resend of an unversioned record is a
/// duplicate). A source should use one of the two consistently.
pub(crate) fn version_of(
    version: Option<i64>,
    updated_at: Option<Instant>,
) -> Result<Version, FieldError> {
    match (version, updated_at) {
        (Some(version), _) if version < 0 => {
            Err(FieldError::new("version", "must not be negative"))
        }
        (Some(version), _) => Ok(version),
        (None, Some(updated_at)) => Ok(updated_at.as_millis()),
        (None, None) => Ok(0),
    }
}

/// A seconds field: a non-negative integer of at most 32 bits.
pub(crate) fn secs(field: &str, value: Option<i64>) -> Result<Option<u32>, FieldError> {
    value
        .map(|it| {
            u32::try_from(it).map_err(|_| {
                FieldError::new(
                    field,
                    "must be a whole number of seconds from 0 to 4294967295",
                )
            })
        })
        .transpose()
}
