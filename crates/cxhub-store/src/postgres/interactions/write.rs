//! Writing records: one at a time, or a batch's stored records rewritten together, with
//! their legs, messages and the directory stubs they name.

use std::collections::HashMap;

use cxhub_model::interaction::{Interaction, Message};
use cxhub_model::time::Instant;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::types::ToSql;

use super::{INSERT, StoredRecord, UPDATE, read_messages};
use crate::postgres::rows::PgCols;
use crate::postgres::sql::{MAX_PARAMS, prepared, tuples};
use crate::records::interaction::{self, leg_values, message_values, read_message};
use crate::records::interaction::{LEG_COLUMNS, MESSAGE_COLUMNS};
use crate::values::{Cell, record_id};
use crate::{Outcome, StoreResult, Upserted};

/// The stored record with the interaction's idempotency key, if any.
pub(super) async fn stored(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    it: &Interaction,
) -> StoreResult<Option<StoredRecord>> {
    let stmt = tx
        .prepare_cached(
            "select pk, number, version from interaction
             where tenant_pk = $1 and source = $2 and external_id = $3",
        )
        .await?;
    let row = tx
        .query_opt(
            &stmt,
            &[&tenant_pk, &it.source.as_str(), &it.external_id.as_str()],
        )
        .await?;
    row.map(|row| {
        Ok(StoredRecord {
            pk: row.get(0),
            id: record_id(row.get(1))?,
            version: row.get(2),
            refold_at: None,
        })
    })
    .transpose()
}

/// Writes one record under the tenant's lock, `stored` being what holds its key now;
/// gives the row it is in and what became of it.
pub(super) async fn write_one(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    it: &Interaction,
    now: Instant,
    stored: Option<StoredRecord>,
) -> StoreResult<(i64, Upserted)> {
    let mut row = interaction::values(it, now);
    let Some(stored) = stored else {
        row.push(Cell::Int(tenant_pk));
        let stmt = tx.prepare_cached(&INSERT).await?;
        let inserted = tx.query_one(&stmt, &params(&row)).await?;
        let (pk, number): (i64, i64) = (inserted.get(0), inserted.get(1));
        insert_legs(tx, pk, it).await?;
        insert_messages(tx, pk, it, 0).await?;
        let upserted = Upserted {
            id: record_id(number)?,
            outcome: Outcome::Created,
        };
        return Ok((pk, upserted));
    };
    let outcome = Outcome::of(it.version, Some(stored.version));
    if outcome != Outcome::Updated {
        return Ok((
            stored.pk,
            Upserted {
                id: stored.id,
                outcome,
            },
        ));
    }
    update_row(tx, it, stored.pk, now).await?;
    prepared::execute(
        tx,
        "delete from call_leg where interaction_pk = $1",
        &[&stored.pk],
    )
    .await?;
    let messages = read_messages(tx, stored.pk).await?;
    let kept = interaction::kept_messages(&messages, &it.messages);
    if kept == 0 && !messages.is_empty() {
        prepared::execute(
            tx,
            "delete from message where interaction_pk = $1",
            &[&stored.pk],
        )
        .await?;
    }
    insert_legs(tx, stored.pk, it).await?;
    insert_messages(tx, stored.pk, it, kept).await?;
    Ok((
        stored.pk,
        Upserted {
            id: stored.id,
            outcome,
        },
    ))
}

/// Rewrites the columns of the record in row `pk`; its legs and messages are the caller's.
async fn update_row(
    tx: &Transaction<'_>,
    it: &Interaction,
    pk: i64,
    now: Instant,
) -> StoreResult<()> {
    let mut row = interaction::values(it, now);
    row.push(Cell::Int(pk));
    prepared::execute(tx, &UPDATE, &params(&row)).await?;
    Ok(())
}

/// The stored messages of the records in rows `pks`, by row, in order.
async fn messages_of(
    client: &impl GenericClient,
    pks: &[i64],
) -> StoreResult<HashMap<i64, Vec<Message>>> {
    let sql = format!(
        "select interaction_pk, {MESSAGE_COLUMNS} from message where interaction_pk = any($1)
         order by interaction_pk, seq"
    );
    let mut out: HashMap<i64, Vec<Message>> = HashMap::new();
    for row in prepared::query(client, &sql, &[&pks]).await? {
        let mut cols = PgCols::new(&row);
        let pk = crate::columns::Columns::required_int(&mut cols)?;
        out.entry(pk).or_default().push(read_message(&mut cols)?);
    }
    Ok(out)
}

/// Rewrites stored records in place, each one version on: the rows updated by statements
/// sent together, then the legs replaced and the new messages added by one `COPY` each.
pub(in crate::postgres) async fn rewrite_all(
    tx: &Transaction<'_>,
    items: &[(&Interaction, i64)],
    now: Instant,
) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let updates = items.iter().map(|(it, pk)| update_row(tx, it, *pk, now));
    futures_util::future::try_join_all(updates).await?;
    let pks: Vec<i64> = items.iter().map(|(_, pk)| *pk).collect();
    prepared::execute(
        tx,
        "delete from call_leg where interaction_pk = any($1)",
        &[&pks],
    )
    .await?;
    let mut stored = messages_of(tx, &pks).await?;
    let mut cleared = Vec::new();
    let children: Vec<(i64, &Interaction, usize)> = items
        .iter()
        .map(|(it, pk)| {
            let messages = stored.remove(pk).unwrap_or_default();
            let kept = interaction::kept_messages(&messages, &it.messages);
            if kept == 0 && !messages.is_empty() {
                cleared.push(*pk);
            }
            (*pk, *it, kept)
        })
        .collect();
    if !cleared.is_empty() {
        prepared::execute(
            tx,
            "delete from message where interaction_pk = any($1)",
            &[&cleared],
        )
        .await?;
    }
    crate::postgres::copy_in::legs_and_messages(tx, &children).await
}

/// Writes a record folded from events: its version is one more than the stored one's
/// (1 when new), since the refold was caused by at least one new event. A record that
/// fails its checks is not written; `None` says so.
pub(in crate::postgres) async fn project(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    mut it: Interaction,
    refold_at: Option<Instant>,
    now: Instant,
) -> StoreResult<Option<Upserted>> {
    if !interaction::fold_is_writable(&it) {
        return Ok(None);
    }
    let row = prepared::query_opt(
        tx,
        "select pk, number, version, refold_at from interaction
             where tenant_pk = $1 and source = $2 and external_id = $3",
        &[&tenant_pk, &it.source.as_str(), &it.external_id.as_str()],
    )
    .await?;
    let (stored, before) = match row {
        None => (None, None),
        Some(row) => {
            let stored = StoredRecord {
                pk: row.get(0),
                id: record_id(row.get(1))?,
                version: row.get(2),
                refold_at: row.get(3),
            };
            (Some(stored), stored.refold_at)
        }
    };
    it.version = stored.map_or(1, |it| it.version.saturating_add(1));
    ensure_references(tx, tenant_pk, std::slice::from_ref(&it)).await?;
    let (pk, upserted) = write_one(tx, tenant_pk, &it, now, stored).await?;
    // A new row starts with none; a stored one keeps its own unless it changed.
    if refold_at.map(Instant::as_millis) != before {
        set_refold_at(tx, pk, refold_at).await?;
    }
    Ok(Some(upserted))
}

/// Sets when the record in row `pk` is to be refolded by the clock.
pub(in crate::postgres) async fn set_refold_at(
    tx: &Transaction<'_>,
    pk: i64,
    at: Option<Instant>,
) -> StoreResult<()> {
    prepared::execute(
        tx,
        "update interaction set refold_at = $1 where pk = $2",
        &[&at.map(Instant::as_millis), &pk],
    )
    .await?;
    Ok(())
}

fn params(cells: &[Cell]) -> Vec<&(dyn ToSql + Sync)> {
    cells.iter().map(|it| it as &(dyn ToSql + Sync)).collect()
}

/// Inserts rows of a child table, as few statements as the parameters allow: each row
/// is the parent's key, its position, then `width` values.
async fn insert_rows(
    tx: &Transaction<'_>,
    table: &str,
    columns: &str,
    width: usize,
    rows: Vec<Cell>,
) -> StoreResult<()> {
    let per_row = width + 2;
    for chunk in rows.chunks(MAX_PARAMS / per_row * per_row) {
        let sql = format!(
            "insert into {table} (interaction_pk, seq, {columns}) values {}",
            tuples(chunk.len() / per_row, per_row, 1, "")
        );
        tx.execute(&sql, &params(chunk)).await?;
    }
    Ok(())
}

/// The rows of the legs of the record in row `pk`, for [`insert_rows`].
fn leg_rows(pk: i64, it: &Interaction, rows: &mut Vec<Cell>) {
    for (seq, leg) in (0_i64..).zip(it.call.iter().flat_map(|call| &call.legs)) {
        rows.extend([Cell::Int(pk), Cell::Int(seq)]);
        rows.extend(leg_values(leg));
    }
}

/// The rows of the messages of the record in row `pk` from index `from` on.
fn message_rows(pk: i64, it: &Interaction, from: usize, rows: &mut Vec<Cell>) {
    for (seq, message) in (0_i64..).zip(&it.messages).skip(from) {
        rows.extend([Cell::Int(pk), Cell::Int(seq)]);
        rows.extend(message_values(message));
    }
}

async fn insert_legs(tx: &Transaction<'_>, pk: i64, it: &Interaction) -> StoreResult<()> {
    let mut rows = Vec::new();
    leg_rows(pk, it, &mut rows);
    insert_rows(tx, "call_leg", LEG_COLUMNS, 11, rows).await
}

/// Inserts the messages from index `from` on (the ones before are stored already).
async fn insert_messages(
    tx: &Transaction<'_>,
    pk: i64,
    it: &Interaction,
    from: usize,
) -> StoreResult<()> {
    let mut rows = Vec::new();
    message_rows(pk, it, from, &mut rows);
    insert_rows(tx, "message", MESSAGE_COLUMNS, 4, rows).await
}

/// Creates stub directory entries for every key the interactions name, a statement per
/// kind of entry. Each kind's new keys are numbered in the order the batch names them,
/// as the SQLite writer numbers them.
pub(in crate::postgres) async fn ensure_references(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    batch: &[Interaction],
) -> StoreResult<()> {
    let mut named: std::collections::BTreeMap<&'static str, Vec<String>> = Default::default();
    for it in batch {
        for (table, key) in interaction::references(it) {
            named
                .entry(table)
                .or_default()
                .push(key.as_str().to_owned());
        }
    }
    crate::postgres::ensure_named(tx, tenant_pk, named).await
}
