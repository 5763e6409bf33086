//! PostgreSQL rows read through the shared [`Columns`] readers.

use tokio_postgres::Row;

use crate::StoreResult;
use crate::columns::Columns;

/// Reads the columns of a row in order.
pub(super) struct PgCols<'a> {
    row: &'a Row,
    idx: usize,
}

impl<'a> PgCols<'a> {
    pub(super) fn new(row: &'a Row) -> PgCols<'a> {
        PgCols { row, idx: 0 }
    }

    fn next<T: tokio_postgres::types::FromSql<'a>>(&mut self) -> StoreResult<T> {
        let value = self.row.try_get(self.idx)?;
        self.idx += 1;
        Ok(value)
    }
}

impl<'a> Columns<'a> for PgCols<'a> {
    fn text_ref(&mut self) -> StoreResult<Option<&'a str>> {
        self.next()
    }

    fn int(&mut self) -> StoreResult<Option<i64>> {
        self.next()
    }

    fn flag(&mut self) -> StoreResult<bool> {
        self.next()
    }
}
