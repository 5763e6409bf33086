//! Values read back from any backend, checked against the model.

use cxhub_model::ids::{Key, RecordId};
use cxhub_model::time::Instant;

use crate::StoreError;

/// A value read back from the database that the model refuses: the file was written by
/// something else or is corrupt.
pub(crate) fn corrupt(detail: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("corrupt value in database: {detail}").into())
}

pub(crate) fn instant(millis: i64) -> Result<Instant, StoreError> {
    Instant::from_millis(millis).ok_or_else(|| corrupt(format!("instant {millis}")))
}

pub(crate) fn record_id(raw: i64) -> Result<RecordId, StoreError> {
    RecordId::new(raw).ok_or_else(|| corrupt(format!("record id {raw}")))
}

/// A small list as the JSON text both backends keep it in.
pub(crate) fn json_strings(values: &[String]) -> String {
    serde_json::to_string(values).expect("a list of strings always serializes")
}

pub(crate) fn json_keys(values: &[Key]) -> String {
    let texts: Vec<&str> = values.iter().map(Key::as_str).collect();
    serde_json::to_string(&texts).expect("a list of strings always serializes")
}
