//! Building the conditions and pages of list and count queries.

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::StoreResult;
use crate::conditions::Conditions;
use crate::query::PageRequest;
use crate::sqlite::codec;
use crate::values::Cell;

/// The `where` clause of a query over one tenant's rows, with its arguments in order.
pub(crate) struct Where {
    sql: String,
    args: Vec<Value>,
}

impl Where {
    pub(crate) fn tenant(tenant_pk: i64) -> Where {
        Where {
            sql: " where tenant_pk = ?".to_owned(),
            args: vec![Value::Integer(tenant_pk)],
        }
    }

    /// Adds `and <clause>`, whose `?`s take `values` in order.
    fn and_values(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) {
        self.sql.push_str(" and ");
        self.sql.push_str(clause);
        self.args.extend(values);
    }

    /// Counts the rows of `table` that match.
    pub(crate) fn count(self, conn: &Connection, table: &str) -> StoreResult<u64> {
        let sql = format!("select count(*) from {table}{}", self.sql);
        let count: i64 = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(self.args), |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Every row of `select` with these conditions, read with `read`.
    pub(crate) fn rows<T>(
        self,
        conn: &Connection,
        select: &str,
        mut read: impl FnMut(&rusqlite::Row<'_>) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let mut stmt = conn.prepare_cached(&format!("{select}{}", self.sql))?;
        let mut rows = stmt.query(params_from_iter(self.args))?;
        let mut items = Vec::new();
        while let Some(row) = rows.next()? {
            items.push(read(row)?);
        }
        Ok(items)
    }

    /// Runs `select` with these conditions, newest (or oldest) first by `time_column` and
    /// then by record number (the id the store shows), for one page, reading each row with
    /// `read`. Fetches one row more than the limit to learn whether more follow.
    pub(crate) fn page<T>(
        mut self,
        conn: &Connection,
        select: &str,
        time_column: &str,
        page: PageRequest,
        mut read: impl FnMut(&rusqlite::Row<'_>) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let sql = self.page_query(select, time_column, page);
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(self.args))?;
        let mut items = Vec::with_capacity(page.limit + 1);
        while let Some(row) = rows.next()? {
            items.push(read(row)?);
        }
        Ok(items)
    }

    /// The SQL of [`Where::page`]; adds the page's arguments to these conditions' own.
    pub(crate) fn page_query(
        &mut self,
        select: &str,
        time_column: &str,
        page: PageRequest,
    ) -> String {
        let (cmp, order) = page.seek();
        if let Some(after) = page.after {
            // The first term bounds the index range; the second breaks ties on equal instants.
            self.and_values(
                &format!(
                    "{time_column} {} ? and ({time_column} {} ? or number {} ?)",
                    cmp.0, cmp.1, cmp.1
                ),
                [
                    Value::Integer(after.at),
                    Value::Integer(after.at),
                    Value::Integer(after.id),
                ],
            );
        }
        self.args.push(Value::Integer(page.limit as i64 + 1));
        self.args.push(Value::Integer(
            i64::try_from(page.offset).unwrap_or(i64::MAX),
        ));
        format!(
            "{select}{} order by {time_column} {order}, number {order} limit ? offset ?",
            self.sql
        )
    }
}

impl Conditions for Where {
    fn and(&mut self, clause: &str, values: Vec<Cell>) {
        self.and_values(clause, values.into_iter().map(codec::cell));
    }

    fn and_in(&mut self, column: &str, values: Vec<String>) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.and_values(
            &format!("{column} in ({marks})"),
            values.into_iter().map(Value::Text),
        );
    }
}

pub(crate) use crate::query::page_end;
