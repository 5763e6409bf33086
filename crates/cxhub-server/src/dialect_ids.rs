//! Ids that a dialect printed for a directory entry, read back into the entry's key.
//!
//! klink prints UUIDs and Sencloud int64s, each made from the entry's directory number
//! unless the key already had the vendor's form (`cxhub_dialects::klink::ids`,
//! `cxhub_dialects::sencloud::ids`). An id in cxhub's derived form names the entry with
//! that number; any other id is taken as the key itself, so vendor ids pulled from the
//! vendor, and cxhub's own keys, work too.

use cxhub_model::directory::EntryKind;
use cxhub_model::ids::Key;
use cxhub_store::{StoreResult, TenantScope};

use crate::AppState;

/// What an id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The entry with this key.
    Found(Key),
    /// An id in cxhub's derived form whose number no entry has.
    NoSuchEntry,
    /// Not an id at all (empty, too long, control characters): why.
    NotAnId(String),
}

/// Reads `text` as an id of an entry of `kind`; `derived` recognises the dialect's
/// derived form and gives the number in it.
pub async fn resolve(
    state: &AppState,
    scope: &TenantScope,
    kind: EntryKind,
    text: &str,
    derived: fn(EntryKind, &str) -> Option<i64>,
) -> StoreResult<Resolved> {
    if let Some(num) = derived(kind, text) {
        return Ok(match state.store.key_by_number(scope, kind, num).await? {
            Some(key) => Resolved::Found(key),
            None => Resolved::NoSuchEntry,
        });
    }
    Ok(match Key::parse(text) {
        Ok(key) => Resolved::Found(key),
        Err(reason) => Resolved::NotAnId(reason),
    })
}

/// An id used as a filter: the key it names, or `None` when it names no entry (a filter
/// that then matches nothing); an id that is not one is an error naming `field`.
pub async fn filter_key(
    state: &AppState,
    scope: &TenantScope,
    kind: EntryKind,
    text: &str,
    derived: fn(EntryKind, &str) -> Option<i64>,
) -> Result<Option<Key>, FilterKeyError> {
    match resolve(state, scope, kind, text, derived).await {
        Ok(Resolved::Found(key)) => Ok(Some(key)),
        Ok(Resolved::NoSuchEntry) => Ok(None),
        Ok(Resolved::NotAnId(reason)) => Err(FilterKeyError::NotAnId(reason)),
        Err(err) => Err(FilterKeyError::Store(err)),
    }
}

/// Why [`filter_key`] failed.
#[derive(Debug)]
pub enum FilterKeyError {
    NotAnId(String),
    Store(cxhub_store::StoreError),
}
