//! PostgreSQL rows read through the shared [`Columns`] readers.

use tokio_postgres::Row;
use tokio_postgres::types::{IsNull, ToSql, Type};

use crate::StoreResult;
use crate::columns::Columns;
use crate::values::Cell;

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

    fn opt_flag(&mut self) -> StoreResult<Option<bool>> {
        self.next()
    }
}

/// A shared column value as a parameter: each variant is sent as its own type, checked
/// against the column's, and `Null` fits any column.
impl tokio_postgres::types::ToSql for crate::values::Cell {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        fn checked<T: ToSql>(
            value: &T,
            ty: &Type,
            out: &mut bytes::BytesMut,
        ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
            value.to_sql_checked(ty, out)
        }
        match self {
            Cell::Null => Ok(IsNull::Yes),
            Cell::Int(it) => checked(it, ty, out),
            Cell::Text(it) => checked(it, ty, out),
            Cell::Flag(it) => checked(it, ty, out),
            Cell::Real(it) => checked(it, ty, out),
            Cell::Bytes(it) => checked(it, ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}
