//! A tenant's rows read and written table by table, for `crate::copy`: each page is
//! written with multi-row inserts in one transaction that holds the tenant's lock.

use std::collections::HashMap;

use cxhub_model::time::Instant;
use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use super::PgStore;
use super::sql::{MAX_PARAMS, tuples};
use crate::StoreResult;
use crate::copy::{Dialect, Kind, PAGE, Paging, Rows, Table};
use crate::values::{Cell, corrupt};

impl PgStore {
    pub(crate) async fn count_rows(
        &self,
        tenant_pk: i64,
        table: &'static Table,
    ) -> StoreResult<u64> {
        let client = self.client().await?;
        let count: i64 = client
            .query_one(&table.count_sql(&POSTGRES), &[&tenant_pk])
            .await?
            .get(0);
        Ok(count.unsigned_abs())
    }

    pub(crate) async fn dump_rows(
        &self,
        tenant_pk: i64,
        table: &'static Table,
        after: Option<i64>,
    ) -> StoreResult<Rows> {
        let after = after.unwrap_or(0);
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let args: [&(dyn ToSql + Sync); 3] = [&tenant_pk, &after, &PAGE];
        let found = tx
            .query(&table.dump_sql(&POSTGRES), &args[..table.dump_params()])
            .await?;
        let kinds: Vec<Kind> = table.columns().map(|(_, kind)| kind).collect();
        let mut read = Vec::with_capacity(found.len());
        for row in &found {
            let cells = kinds
                .iter()
                .enumerate()
                .map(|(idx, kind)| cell(row, idx + 1, *kind));
            read.push((row.try_get(0)?, cells.collect::<StoreResult<Vec<Cell>>>()?));
        }
        let highest = match table.highest_sql(&POSTGRES) {
            Some(sql) => tx.query_one(&sql, &[&tenant_pk]).await?.get(0),
            None => 0,
        };
        tx.commit().await?;
        Ok(table.page(after, read, highest))
    }

    pub(crate) async fn load_rows(
        &self,
        tenant_pk: i64,
        table: &'static Table,
        page: Rows,
    ) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        match table.paging {
            Paging::Child { parent } => load_children(&tx, tenant_pk, table, parent, page).await?,
            _ => load_rows(&tx, tenant_pk, table, page.rows).await?,
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn finish_load(&self, tenant_pk: i64, created_at: Instant) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        // Directory numbers came with the rows; each kind's counter follows its highest.
        tx.execute(
            "insert into directory_counter as c (tenant_pk, kind, next_num)
             select tenant_pk, kind, max(num) + 1 from directory_number where tenant_pk = $1 group by tenant_pk, kind
             on conflict (tenant_pk, kind) do update set next_num = greatest(c.next_num, excluded.next_num)",
            &[&tenant_pk],
        )
        .await?;
        tx.execute(
            "update tenant set created_at = $1, directory_generation = directory_generation + 1
             where pk = $2",
            &[&created_at.as_millis(), &tenant_pk],
        )
        .await?;
        super::raise_records_generation(&tx, tenant_pk).await?;
        tx.commit().await?;
        Ok(())
    }
}

const POSTGRES: Dialect = Dialect {
    row_key: "pk",
    reference: "_pk",
    mark: |n| format!("${n}"),
};

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

fn cell(row: &tokio_postgres::Row, idx: usize, kind: Kind) -> StoreResult<Cell> {
    let cell = match kind {
        Kind::Int => row.try_get::<_, Option<i64>>(idx)?.map(Cell::Int),
        Kind::Text => row.try_get::<_, Option<String>>(idx)?.map(Cell::Text),
        Kind::Flag => row.try_get::<_, Option<bool>>(idx)?.map(Cell::Flag),
        Kind::Real => row.try_get::<_, Option<f64>>(idx)?.map(Cell::Real),
        Kind::Bytes => row.try_get::<_, Option<Vec<u8>>>(idx)?.map(Cell::Bytes),
    };
    Ok(cell.unwrap_or(Cell::Null))
}

async fn load_rows(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    table: &Table,
    rows: Vec<Vec<Cell>>,
) -> StoreResult<()> {
    let width = table.columns().count();
    let key = table.key.expect("a tenant's table has a key");
    let on_conflict = match table.overwrite {
        true => format!("do update set {}", table.updates()),
        false => "do nothing".to_owned(),
    };
    for chunk in rows.chunks((MAX_PARAMS / width).max(1)) {
        let sql = format!(
            "insert into {} (tenant_pk, {}) values {} on conflict ({key}) {on_conflict}",
            quoted(table.name),
            table.column_list(""),
            tuples(chunk.len(), width, 2, "$1, ")
        );
        let mut args: Vec<&(dyn ToSql + Sync)> = vec![&tenant_pk];
        args.extend(chunk.iter().flatten().map(|it| it as &(dyn ToSql + Sync)));
        tx.execute(&sql, &args).await?;
    }
    Ok(())
}

/// Replaces the children of the records in the page's range with its rows.
async fn load_children(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    table: &Table,
    parent: &str,
    page: Rows,
) -> StoreResult<()> {
    let name = quoted(table.name);
    let Some((after, through)) = page.parents else {
        return Err(corrupt("a page of children without its records' range"));
    };
    let parents: HashMap<i64, i64> = tx
        .query(
            &format!(
                "select number, pk from {parent} where tenant_pk = $1 and number > $2 and number <= $3"
            ),
            &[&tenant_pk, &after, &through],
        )
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let pks: Vec<i64> = parents.values().copied().collect();
    tx.execute(
        &format!("delete from {name} where {parent}_pk = any($1)"),
        &[&pks],
    )
    .await?;
    let width = table.columns().count() + 1;
    let mut rows = Vec::with_capacity(page.rows.len());
    for row in page.rows {
        let mut cells = row.into_iter();
        let Some(Cell::Int(number)) = cells.next() else {
            return Err(corrupt("a child row without its record's number"));
        };
        let pk = parents
            .get(&number)
            .ok_or_else(|| corrupt(format!("no {parent} {number} for its {}", table.name)))?;
        rows.push(
            std::iter::once(Cell::Int(*pk))
                .chain(cells)
                .collect::<Vec<_>>(),
        );
    }
    for chunk in rows.chunks(MAX_PARAMS / width) {
        let sql = format!(
            "insert into {name} ({parent}_pk, {}) values {}",
            table.column_list(""),
            tuples(chunk.len(), width, 1, "")
        );
        let args: Vec<&(dyn ToSql + Sync)> = chunk
            .iter()
            .flatten()
            .map(|it| it as &(dyn ToSql + Sync))
            .collect();
        tx.execute(&sql, &args).await?;
    }
    Ok(())
}
