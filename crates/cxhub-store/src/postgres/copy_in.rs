//! Rows written by binary `COPY`: the fastest way into PostgreSQL, for a batch's new
//! records (and the benchmark's raw baseline, which writes the same rows).

use std::collections::HashMap;

use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;
use deadpool_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use crate::StoreResult;
use crate::copy::{Kind, TABLES, Table};
use crate::records::interaction::{leg_values, message_values, values};
use crate::values::Cell;

fn table(name: &str) -> &'static Table {
    TABLES
        .iter()
        .find(|it| it.name == name)
        .expect("a copied table")
}

fn type_of(kind: Kind) -> Type {
    match kind {
        Kind::Int => Type::INT8,
        Kind::Text => Type::TEXT,
        Kind::Flag => Type::BOOL,
        Kind::Real => Type::FLOAT8,
        Kind::Bytes => Type::BYTEA,
    }
}

/// `COPY`s rows of `name`'s copied columns (`crate::copy::TABLES`) followed by one more
/// column, `last`, a `bigint` (the tenant, or the parent's row key).
pub(super) async fn rows(
    tx: &Transaction<'_>,
    name: &str,
    last: &str,
    rows: Vec<Vec<Cell>>,
) -> StoreResult<u64> {
    let spec = table(name);
    let mut types: Vec<Type> = spec.columns().map(|(_, kind)| type_of(kind)).collect();
    types.push(Type::INT8);
    let sql = format!(
        "copy \"{name}\" ({}, {last}) from stdin binary",
        spec.column_list("")
    );
    let mut writer = std::pin::pin!(BinaryCopyInWriter::new(tx.copy_in(&sql).await?, &types));
    for row in &rows {
        let params: Vec<&(dyn ToSql + Sync)> =
            row.iter().map(|it| it as &(dyn ToSql + Sync)).collect();
        writer.as_mut().write(&params).await?;
    }
    Ok(writer.as_mut().finish().await?)
}

/// `COPY`s interactions numbered from `first`, then their legs and messages; gives each
/// number's row key.
pub(super) async fn interactions(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    items: &[&Interaction],
    first: i64,
    now: Instant,
) -> StoreResult<HashMap<i64, i64>> {
    // Each table's rows are made before its `COPY` starts: an iterator of borrowing
    // closures held across the writes would make the future not `Send`.
    let records: Vec<Vec<Cell>> = (first..)
        .zip(items)
        .map(|(number, it)| {
            let mut row = vec![Cell::Int(number)];
            row.extend(values(it, now));
            row.extend([Cell::Null, Cell::Int(tenant_pk)]);
            row
        })
        .collect();
    rows(tx, "interaction", "tenant_pk", records).await?;
    let last = first + items.len() as i64;
    let pks: HashMap<i64, i64> = tx
        .query(
            "select number, pk from interaction where tenant_pk = $1 and number >= $2 and number < $3",
            &[&tenant_pk, &first, &last],
        )
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let children: Vec<(i64, &Interaction, usize)> = (first..)
        .zip(items)
        .map(|(number, it)| (pks.get(&number).copied().unwrap_or_default(), *it, 0))
        .collect();
    legs_and_messages(tx, &children).await?;
    Ok(pks)
}

/// `COPY`s the legs of each record, and its messages from the index given on, under the
/// row key given.
pub(super) async fn legs_and_messages(
    tx: &Transaction<'_>,
    items: &[(i64, &Interaction, usize)],
) -> StoreResult<()> {
    let mut legs = Vec::new();
    let mut messages = Vec::new();
    for (pk, it, from) in items {
        for (seq, leg) in (0_i64..).zip(it.call.iter().flat_map(|call| &call.legs)) {
            let mut row = vec![Cell::Int(seq)];
            row.extend(leg_values(leg));
            row.push(Cell::Int(*pk));
            legs.push(row);
        }
        for (seq, message) in (0_i64..).zip(&it.messages).skip(*from) {
            let mut row = vec![Cell::Int(seq)];
            row.extend(message_values(message));
            row.push(Cell::Int(*pk));
            messages.push(row);
        }
    }
    if !legs.is_empty() {
        rows(tx, "call_leg", "interaction_pk", legs).await?;
    }
    if !messages.is_empty() {
        rows(tx, "message", "interaction_pk", messages).await?;
    }
    Ok(())
}
