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

/// A contact's platform identities as stored: a JSON list of `[channel, id]` pairs.
pub(crate) fn json_platform_ids(ids: &[cxhub_model::directory::PlatformIdentity]) -> String {
    let pairs: Vec<[&str; 2]> = ids
        .iter()
        .map(|it| [it.channel.as_str(), it.platform_id.as_str()])
        .collect();
    serde_json::to_string(&pairs).expect("pairs of strings always serialize")
}

pub(crate) fn json_keys(values: &[Key]) -> String {
    let texts: Vec<&str> = values.iter().map(Key::as_str).collect();
    serde_json::to_string(&texts).expect("a list of strings always serializes")
}

/// A value written to a column, the same for every backend; each converts it to its
/// driver's parameter type. `Null` fits a column of any type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Text(String),
    Flag(bool),
    Real(f64),
    Bytes(Vec<u8>),
}

impl Cell {
    pub(crate) fn text(value: Option<&str>) -> Cell {
        value.map_or(Cell::Null, |it| Cell::Text(it.to_owned()))
    }

    pub(crate) fn key(value: Option<&Key>) -> Cell {
        Cell::text(value.map(Key::as_str))
    }

    pub(crate) fn int(value: Option<i64>) -> Cell {
        value.map_or(Cell::Null, Cell::Int)
    }

    pub(crate) fn secs(value: Option<u32>) -> Cell {
        Cell::int(value.map(i64::from))
    }

    pub(crate) fn at(value: Option<Instant>) -> Cell {
        Cell::int(value.map(Instant::as_millis))
    }

    pub(crate) fn strings(values: &[String]) -> Cell {
        Cell::Text(json_strings(values))
    }
}
