//! Reading a row's columns in order, the same way on every backend.
//!
//! A backend gives the three primitive reads (text, integer, flag) of its row type; the
//! rest (keys, instants, seconds, the JSON lists, closed vocabularies) and the readers of
//! whole entries built on them (`crate::entries`) are shared, so both backends read a
//! stored value into the same model value.

use cxhub_model::ids::Key;
use cxhub_model::time::Instant;

use crate::StoreResult;
use crate::values::{corrupt, instant};

/// A string of a JSON list, borrowed from the text unless it has escapes (serde's own
/// `Cow<str>` always copies).
#[derive(serde::Deserialize)]
struct Borrowed<'a>(#[serde(borrow)] std::borrow::Cow<'a, str>);

/// The columns of one row, read in order, so a select list and its reader stay in step.
pub(crate) trait Columns<'a> {
    /// The next column's text, borrowed from the row.
    fn text_ref(&mut self) -> StoreResult<Option<&'a str>>;

    fn int(&mut self) -> StoreResult<Option<i64>>;

    /// A boolean column (an integer 0 or 1 in SQLite).
    fn flag(&mut self) -> StoreResult<bool>;

    /// A boolean column that may be null.
    fn opt_flag(&mut self) -> StoreResult<Option<bool>>;

    fn text(&mut self) -> StoreResult<Option<String>> {
        Ok(self.text_ref()?.map(str::to_owned))
    }

    fn required_text(&mut self) -> StoreResult<String> {
        self.text()?.ok_or_else(|| corrupt("missing text"))
    }

    fn required_int(&mut self) -> StoreResult<i64> {
        self.int()?.ok_or_else(|| corrupt("missing integer"))
    }

    /// A small integer (a position).
    fn int32(&mut self) -> StoreResult<i32> {
        let value = self.required_int()?;
        i32::try_from(value).map_err(|_| corrupt(format!("integer {value}")))
    }

    fn key(&mut self) -> StoreResult<Option<Key>> {
        self.text_ref()?
            .map(|it| Key::parse(it).map_err(corrupt))
            .transpose()
    }

    fn required_key(&mut self) -> StoreResult<Key> {
        self.key()?.ok_or_else(|| corrupt("missing key"))
    }

    fn secs(&mut self) -> StoreResult<Option<u32>> {
        self.int()?
            .map(|it| u32::try_from(it).map_err(|_| corrupt(format!("seconds {it}"))))
            .transpose()
    }

    fn at(&mut self) -> StoreResult<Option<Instant>> {
        self.int()?.map(instant).transpose()
    }

    fn required_at(&mut self) -> StoreResult<Instant> {
        self.at()?.ok_or_else(|| corrupt("missing instant"))
    }

    fn strings(&mut self) -> StoreResult<Vec<String>> {
        match self.text_ref()? {
            None => Ok(Vec::new()),
            Some(json) => serde_json::from_str(json).map_err(corrupt),
        }
    }

    fn keys(&mut self) -> StoreResult<Vec<Key>> {
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
    fn parsed<T>(&mut self, parse: impl FnOnce(&str) -> Option<T>) -> StoreResult<Option<T>> {
        match self.text_ref()? {
            None => Ok(None),
            Some(text) => parse(text)
                .map(Some)
                .ok_or_else(|| corrupt(format!("`{text}`"))),
        }
    }

    fn required<T>(&mut self, parse: impl FnOnce(&str) -> Option<T>) -> StoreResult<T> {
        self.parsed(parse)?.ok_or_else(|| corrupt("missing value"))
    }
}
