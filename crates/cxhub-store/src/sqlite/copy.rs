//! A tenant's rows read and written table by table, for `crate::copy`.

use cxhub_model::time::Instant;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, params, params_from_iter};

use super::{SqliteStore, codec, listing};
use crate::StoreResult;
use crate::copy::{Dialect, Kind, PAGE, Paging, Rows, Table};
use crate::values::{Cell, corrupt};

impl SqliteStore {
    pub(crate) async fn count_rows(
        &self,
        tenant_pk: i64,
        table: &'static Table,
    ) -> StoreResult<u64> {
        let sql = table.count_sql(&SQLITE);
        self.read(move |conn| {
            let count: i64 = conn.query_row(&sql, [tenant_pk], |row| row.get(0))?;
            Ok(count.unsigned_abs())
        })
        .await
    }

    pub(crate) async fn dump_rows(
        &self,
        tenant_pk: i64,
        table: &'static Table,
        after: Option<i64>,
    ) -> StoreResult<Rows> {
        self.read(move |conn| dump(conn, tenant_pk, table, after.unwrap_or(0)))
            .await
    }

    pub(crate) async fn load_rows(
        &self,
        tenant_pk: i64,
        table: &'static Table,
        page: Rows,
    ) -> StoreResult<()> {
        self.write(move |ctx| {
            ctx.forget_all();
            load(ctx.conn(), tenant_pk, table, page)
        })
        .await
    }

    pub(crate) async fn finish_load(&self, tenant_pk: i64, created_at: Instant) -> StoreResult<()> {
        self.write(move |ctx| {
            let conn = ctx.conn();
            conn.execute(
                "update tenant set created_at = ?1, directory_generation = directory_generation + 1
                 where pk = ?2",
                params![created_at.as_millis(), tenant_pk],
            )?;
            listing::raise(conn, tenant_pk)
        })
        .await
    }
}

const SQLITE: Dialect = Dialect {
    row_key: "id",
    reference: "_id",
    mark: |n| format!("?{n}"),
};

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

fn dump(conn: &Connection, tenant_pk: i64, table: &Table, after: i64) -> StoreResult<Rows> {
    let mut stmt = conn.prepare(&table.dump_sql(&SQLITE))?;
    let args = [tenant_pk, after, PAGE];
    let mut rows = stmt.query(params_from_iter(&args[..table.dump_params()]))?;
    let kinds: Vec<Kind> = table.columns().map(|(_, kind)| kind).collect();
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        let cells = kinds
            .iter()
            .enumerate()
            .map(|(idx, kind)| cell(row.get_ref(idx + 1)?, *kind));
        read.push((row.get(0)?, cells.collect::<StoreResult<Vec<Cell>>>()?));
    }
    let highest = match table.highest_sql(&SQLITE) {
        Some(sql) => conn.query_row(&sql, [tenant_pk], |row| row.get(0))?,
        None => 0,
    };
    Ok(table.page(after, read, highest))
}

fn cell(value: ValueRef<'_>, kind: Kind) -> StoreResult<Cell> {
    Ok(match (value, kind) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Integer(it), Kind::Flag) => Cell::Flag(it != 0),
        (ValueRef::Integer(it), Kind::Real) => Cell::Real(it as f64),
        (ValueRef::Integer(it), _) => Cell::Int(it),
        (ValueRef::Real(it), _) => Cell::Real(it),
        (ValueRef::Text(it), _) => Cell::Text(String::from_utf8(it.to_vec()).map_err(corrupt)?),
        (ValueRef::Blob(it), _) => Cell::Bytes(it.to_vec()),
    })
}

fn load(conn: &Connection, tenant_pk: i64, table: &Table, page: Rows) -> StoreResult<()> {
    let name = quoted(table.name);
    let width = table.columns().count();
    let marks: Vec<String> = (2..width + 2).map(|it| format!("?{it}")).collect();
    if let Paging::Child { parent } = table.paging {
        if let Some((after, through)) = page.parents {
            conn.execute(
                &format!(
                    "delete from {name} where {parent}_id in
                     (select id from {parent} where tenant_pk = ?1 and number > ?2 and number <= ?3)"
                ),
                params![tenant_pk, after, through],
            )?;
        }
        let mut parent_row = conn.prepare_cached(&format!(
            "select id from {parent} where tenant_pk = ?1 and number = ?2"
        ))?;
        let mut insert = conn.prepare(&format!(
            "insert into {name} ({parent}_id, {}) values (?1, {})",
            table.column_list(""),
            marks.join(", ")
        ))?;
        for row in page.rows {
            let mut cells = row.into_iter();
            let Some(Cell::Int(number)) = cells.next() else {
                return Err(corrupt("a child row without its record's number"));
            };
            let id: i64 = parent_row.query_row(params![tenant_pk, number], |row| row.get(0))?;
            let values = std::iter::once(Value::Integer(id)).chain(cells.map(codec::cell));
            insert.execute(params_from_iter(values))?;
        }
        return Ok(());
    }
    let key = table.key.expect("a tenant's table has a key");
    let on_conflict = match table.overwrite {
        true => format!("do update set {}", table.updates()),
        false => "do nothing".to_owned(),
    };
    let mut insert = conn.prepare(&format!(
        "insert into {name} (tenant_pk, {}) values (?1, {}) on conflict ({key}) {on_conflict}",
        table.column_list(""),
        marks.join(", ")
    ))?;
    for row in page.rows {
        let values =
            std::iter::once(Value::Integer(tenant_pk)).chain(row.into_iter().map(codec::cell));
        insert.execute(params_from_iter(values))?;
    }
    Ok(())
}
