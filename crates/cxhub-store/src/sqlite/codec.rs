//! Conversions between model values and SQLite values.

use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use rusqlite::Row;
use rusqlite::types::Value;

use crate::StoreError;
pub(crate) use crate::columns::Columns;

pub(crate) use crate::values::{corrupt, instant, record_id};

/// A shared column value as SQLite's (a flag is an integer, 0 or 1).
pub(crate) fn cell(cell: crate::values::Cell) -> Value {
    use crate::values::Cell;
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(it) => Value::Integer(it),
        Cell::Text(it) => Value::Text(it),
        Cell::Flag(it) => Value::Integer(it.into()),
        Cell::Real(it) => Value::Real(it),
        Cell::Bytes(it) => Value::Blob(it),
    }
}

pub(crate) fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |it| Value::Text(it.to_owned()))
}

pub(crate) fn key(value: Option<&Key>) -> Value {
    text(value.map(Key::as_str))
}

pub(crate) fn int(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}

pub(crate) fn at(value: Option<Instant>) -> Value {
    int(value.map(Instant::as_millis))
}

pub(crate) fn strings(values: &[String]) -> Value {
    Value::Text(crate::values::json_strings(values))
}

pub(crate) fn keys(values: &[Key]) -> Value {
    Value::Text(crate::values::json_keys(values))
}

/// Reads the columns of a row in order (see [`Columns`]).
pub(crate) struct Cols<'a, 'b> {
    row: &'a Row<'b>,
    idx: usize,
}

impl<'a, 'b> Cols<'a, 'b> {
    pub(crate) fn new(row: &'a Row<'b>) -> Cols<'a, 'b> {
        Cols { row, idx: 0 }
    }

    pub(crate) fn get<T: rusqlite::types::FromSql>(&mut self) -> Result<T, StoreError> {
        let value = self.row.get(self.idx)?;
        self.idx += 1;
        Ok(value)
    }
}

impl<'a> Columns<'a> for Cols<'a, '_> {
    fn text_ref(&mut self) -> Result<Option<&'a str>, StoreError> {
        let idx = self.idx;
        self.idx += 1;
        self.row
            .get_ref(idx)?
            .as_str_or_null()
            .map_err(|err| corrupt(format!("column {idx}: {err}")))
    }

    fn int(&mut self) -> Result<Option<i64>, StoreError> {
        self.get()
    }

    fn flag(&mut self) -> Result<bool, StoreError> {
        self.get()
    }

    fn opt_flag(&mut self) -> Result<Option<bool>, StoreError> {
        self.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`round_trip`] read back.
    struct ReadBack {
        strings: Vec<String>,
        keys: Vec<Key>,
        null: Option<Key>,
        parsed: Option<String>,
    }

    /// Writes the values as one row's columns and reads them back through [`Cols`].
    fn round_trip(texts: &[String]) -> ReadBack {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let keys: Vec<Key> = texts.iter().filter_map(|it| Key::parse(it).ok()).collect();
        let first = keys.first().cloned();
        let (read_keys, strings, key, null, parsed) = conn
            .query_row(
                "select ?1, ?2, ?3, ?4, ?5",
                rusqlite::params![
                    super::keys(&keys),
                    super::strings(texts),
                    first.as_ref().map(Key::as_str),
                    Option::<&str>::None,
                    texts.first(),
                ],
                |row| {
                    let mut cols = Cols::new(row);
                    Ok((
                        cols.keys().unwrap(),
                        cols.strings().unwrap(),
                        cols.key().unwrap(),
                        cols.key().unwrap(),
                        cols.parsed(|it| Some(it.to_owned())).unwrap(),
                    ))
                },
            )
            .unwrap();
        assert_eq!(read_keys, keys);
        assert_eq!(key, first);
        ReadBack {
            strings,
            keys: read_keys,
            null,
            parsed,
        }
    }

    #[test]
    fn escaped_and_plain_keys_read_back() {
        let texts = ["plain", "quote \" and \\ slash", "ünïcødé ✓", "tab-free"]
            .map(str::to_owned)
            .to_vec();
        let read = round_trip(&texts);
        assert_eq!(read.keys.len(), 4);
        assert_eq!(read.keys[1].as_str(), "quote \" and \\ slash");
        assert_eq!(read.strings, texts);
        assert_eq!(read.null, None);
        assert_eq!(read.parsed.as_deref(), Some("plain"));
    }

    #[test]
    fn a_column_of_the_wrong_type_is_corrupt_not_a_panic() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let read = conn
            .query_row("select 42", [], |row| Ok(Cols::new(row).key()))
            .unwrap();
        let err = format!("{:?}", read.unwrap_err());
        assert!(
            err.contains("corrupt value") && err.contains("column 0"),
            "{err}"
        );
    }

    proptest! {
        #[test]
        fn any_strings_read_back(texts in proptest::collection::vec("\\PC{0,12}|[\"\\\\/\\u{0}-\\u{1f}]{1,4}", 0..6)) {
            let read = round_trip(&texts);
            prop_assert_eq!(&read.strings, &texts);
            prop_assert_eq!(read.null, None);
            prop_assert_eq!(read.parsed, texts.first().cloned());
        }
    }
}
