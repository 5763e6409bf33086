//! Conversions between model values and SQLite values.

use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use rusqlite::Row;
use rusqlite::types::Value;

use crate::StoreError;

pub(crate) use crate::values::{corrupt, instant, record_id};

pub(crate) fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |it| Value::Text(it.to_owned()))
}

pub(crate) fn key(value: Option<&Key>) -> Value {
    text(value.map(Key::as_str))
}

pub(crate) fn int(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}

pub(crate) fn secs(value: Option<u32>) -> Value {
    int(value.map(i64::from))
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

/// A string of a JSON list, borrowed from the text unless it has escapes (serde's own
/// `Cow<str>` always copies).
#[derive(serde::Deserialize)]
struct Borrowed<'a>(#[serde(borrow)] std::borrow::Cow<'a, str>);

/// Reads the columns of a row in order, so a select list and its reader stay in step.
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

    pub(crate) fn text(&mut self) -> Result<Option<String>, StoreError> {
        self.get()
    }

    /// The next column's text, borrowed from the row: for values parsed into something
    /// else, which would otherwise be copied into a `String` first only to be dropped.
    pub(crate) fn text_ref(&mut self) -> Result<Option<&'a str>, StoreError> {
        let idx = self.idx;
        self.idx += 1;
        self.row
            .get_ref(idx)?
            .as_str_or_null()
            .map_err(|err| corrupt(format!("column {idx}: {err}")))
    }

    pub(crate) fn key(&mut self) -> Result<Option<Key>, StoreError> {
        self.text_ref()?
            .map(|it| Key::parse(it).map_err(corrupt))
            .transpose()
    }

    pub(crate) fn required_key(&mut self) -> Result<Key, StoreError> {
        self.key()?.ok_or_else(|| corrupt("missing key"))
    }

    pub(crate) fn int(&mut self) -> Result<Option<i64>, StoreError> {
        self.get()
    }

    pub(crate) fn secs(&mut self) -> Result<Option<u32>, StoreError> {
        self.int()?
            .map(|it| u32::try_from(it).map_err(|_| corrupt(format!("seconds {it}"))))
            .transpose()
    }

    pub(crate) fn at(&mut self) -> Result<Option<Instant>, StoreError> {
        self.int()?.map(instant).transpose()
    }

    pub(crate) fn required_at(&mut self) -> Result<Instant, StoreError> {
        self.at()?.ok_or_else(|| corrupt("missing instant"))
    }

    pub(crate) fn strings(&mut self) -> Result<Vec<String>, StoreError> {
        match self.text_ref()? {
            None => Ok(Vec::new()),
            Some(json) => serde_json::from_str(json).map_err(corrupt),
        }
    }

    pub(crate) fn keys(&mut self) -> Result<Vec<Key>, StoreError> {
        match self.text_ref()? {
            None => Ok(Vec::new()),
            Some(json) => serde_json::from_str::<Vec<Borrowed<'_>>>(json)
                .map_err(corrupt)?
                .iter()
                .map(|it| Key::parse(&it.0).map_err(corrupt))
                .collect(),
        }
    }

    /// Reads a closed-vocabulary value with the enum's own parser.
    pub(crate) fn parsed<T>(
        &mut self,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        match self.text_ref()? {
            None => Ok(None),
            Some(text) => parse(text)
                .map(Some)
                .ok_or_else(|| corrupt(format!("`{text}`"))),
        }
    }

    pub(crate) fn required<T>(
        &mut self,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        self.parsed(parse)?.ok_or_else(|| corrupt("missing value"))
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
