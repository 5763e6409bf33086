//! A batch's new records written with multi-row inserts: a load or a day's import is
//! mostly new records, and one statement per few hundred of them, instead of several
//! round trips each, is most of the difference to PostgreSQL's own `COPY`.

use std::collections::{HashMap, HashSet};

use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;
use deadpool_postgres::Transaction;

use super::{
    COLUMNS, INSERT_COLUMNS, LEG_COLUMNS, MESSAGE_COLUMNS, StoredRecord, insert_rows, leg_rows,
    message_rows, params,
};
use crate::postgres::sql::{MAX_PARAMS, tuples};
use crate::records::interaction;
use crate::values::{Cell, record_id};
use crate::{Outcome, StoreResult, Upserted};

/// What is stored under each key of the batch, read in one query; `None` when a key
/// comes twice in the batch (then each record is written in turn, seeing the one before).
pub(super) async fn stored_all(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    batch: &[Interaction],
) -> StoreResult<Option<HashMap<(String, String), StoredRecord>>> {
    let mut seen = HashSet::with_capacity(batch.len());
    let (mut sources, mut ids) = (Vec::new(), Vec::new());
    for it in batch {
        if !seen.insert((it.source.as_str(), it.external_id.as_str())) {
            return Ok(None);
        }
        sources.push(it.source.as_str());
        ids.push(it.external_id.as_str());
    }
    let rows = tx
        .query(
            "select i.source, i.external_id, i.pk, i.number, i.version from interaction i
             join unnest($2::text[], $3::text[]) k(source, external_id)
             on i.source = k.source and i.external_id = k.external_id where i.tenant_pk = $1",
            &[&tenant_pk, &sources, &ids],
        )
        .await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in &rows {
        let record = StoredRecord {
            pk: row.get(2),
            id: record_id(row.get(3))?,
            version: row.get(4),
        };
        stored.insert((row.get(0), row.get(1)), record);
    }
    Ok(Some(stored))
}

/// Inserts new records, numbered in the order given, with their legs and messages.
pub(super) async fn insert_new(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    items: &[&Interaction],
    now: Instant,
) -> StoreResult<Vec<Upserted>> {
    let width = COLUMNS.len() + 1;
    let mut out = Vec::with_capacity(items.len());
    let (mut legs, mut messages) = (Vec::new(), Vec::new());
    for chunk in items.chunks(MAX_PARAMS / width) {
        let mut cells = Vec::with_capacity(chunk.len() * width);
        for it in chunk {
            cells.extend(interaction::values(it, now));
            cells.push(Cell::Int(tenant_pk));
        }
        let sql = format!(
            "insert into interaction ({}) values {} returning pk, number, source, external_id",
            *INSERT_COLUMNS,
            tuples(chunk.len(), width, 1, "")
        );
        // Matched by key, not by the order rows come back in (which SQL does not promise);
        // the keys of a batch written here are distinct (`stored_all`).
        let rows = tx.query(&sql, &params(&cells)).await?;
        let mut by_key: HashMap<(&str, &str), &tokio_postgres::Row> = HashMap::new();
        for row in &rows {
            by_key.insert((row.get(2), row.get(3)), row);
        }
        for it in chunk {
            let key = (it.source.as_str(), it.external_id.as_str());
            let row = by_key
                .get(&key)
                .ok_or_else(|| crate::values::corrupt("an inserted record not returned"))?;
            let pk: i64 = row.get(0);
            leg_rows(pk, it, &mut legs);
            message_rows(pk, it, 0, &mut messages);
            out.push(Upserted {
                id: record_id(row.get(1))?,
                outcome: Outcome::Created,
            });
        }
    }
    insert_rows(tx, "call_leg", LEG_COLUMNS, 11, legs).await?;
    insert_rows(tx, "message", MESSAGE_COLUMNS, 4, messages).await?;
    Ok(out)
}
