//! Values read back from any backend, checked against the model.

use cxhub_model::ids::RecordId;
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
