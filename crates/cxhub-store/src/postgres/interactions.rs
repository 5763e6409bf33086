//! Interactions (every channel) with their legs and messages: the store's methods and
//! the writes here; lists and counts in `interactions/list.rs`.

pub(super) mod bulk;
mod list;

use std::sync::LazyLock;

use cxhub_model::ids::RecordId;
use cxhub_model::interaction::{Interaction, Message};
use cxhub_model::time::Instant;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::types::ToSql;

use self::list::{count, list, offset_page};
use super::PgStore;
use super::rows::PgCols;
use super::sql::{MAX_PARAMS, tuples};
use crate::query::{InteractionFilter, Page, PageRequest};
use crate::records::interaction::{
    self, COLUMNS, LEG_COLUMNS, MESSAGE_COLUMNS, PageRows, leg_values, message_values,
    read_interaction, read_leg, read_message,
};
use crate::values::{Cell, record_id};
use crate::{Outcome, StoreError, StoreResult, Upserted};

/// `select pk, number, <COLUMNS> from interaction`.
static SELECT: LazyLock<String> =
    LazyLock::new(|| format!("select pk, number, {} from interaction", COLUMNS.join(", ")));

/// The columns a new row is inserted with: [`COLUMNS`], then `tenant_pk`. Its number
/// comes from the tenant's counter (migration 0003's trigger).
static INSERT_COLUMNS: LazyLock<String> =
    LazyLock::new(|| format!("{}, tenant_pk", COLUMNS.join(", ")));

/// The insert of one new row, giving its key and number.
static INSERT: LazyLock<String> = LazyLock::new(|| {
    let marks: Vec<String> = (1..=COLUMNS.len() + 1).map(|it| format!("${it}")).collect();
    format!(
        "insert into interaction ({}) values ({}) returning pk, number",
        *INSERT_COLUMNS,
        marks.join(", ")
    )
});

/// The update of every column, numbered as [`INSERT`]; the row's key comes last.
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = (1..)
        .zip(COLUMNS)
        .map(|(idx, col)| format!("{col} = ${idx}"))
        .collect();
    format!(
        "update interaction set {} where pk = ${}",
        sets.join(", "),
        COLUMNS.len() + 1
    )
});

impl PgStore {
    pub async fn upsert_interactions(
        &self,
        tenant_pk: i64,
        batch: Vec<Interaction>,
    ) -> StoreResult<Vec<Upserted>> {
        for (idx, interaction) in batch.iter().enumerate() {
            interaction
                .check()
                .map_err(|err| StoreError::Invalid(err.within(&format!("[{idx}]"))))?;
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        ensure_references(&tx, tenant_pk, &batch).await?;
        let now = Instant::now();
        let mut out = Vec::with_capacity(batch.len());
        match bulk::stored_all(&tx, tenant_pk, &batch).await? {
            Some(stored) => {
                // Records stored before are compared and written one by one; the new
                // ones, in one go, numbered in the batch's order (as on SQLite).
                let mut fresh = Vec::new();
                for (idx, it) in batch.iter().enumerate() {
                    let key = (
                        it.source.as_str().to_owned(),
                        it.external_id.as_str().to_owned(),
                    );
                    match stored.get(&key) {
                        Some(found) => {
                            let written = write_one(&tx, tenant_pk, it, now, Some(*found)).await?;
                            out.push(Some(written.1));
                        }
                        None => {
                            fresh.push(idx);
                            out.push(None);
                        }
                    }
                }
                let items: Vec<&Interaction> = fresh.iter().map(|idx| &batch[*idx]).collect();
                let created = bulk::insert_new(&tx, tenant_pk, &items, now).await?;
                for (idx, (_, upserted)) in fresh.into_iter().zip(created) {
                    out[idx] = Some(upserted);
                }
            }
            None => {
                for interaction in &batch {
                    let stored = stored(&tx, tenant_pk, interaction).await?;
                    out.push(Some(
                        write_one(&tx, tenant_pk, interaction, now, stored).await?.1,
                    ));
                }
            }
        }
        let out: Vec<Upserted> = out.into_iter().flatten().collect();
        if out.iter().any(|it| it.outcome.changed()) {
            super::raise_records_generation(&tx, tenant_pk).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// One page: after a keyset position, or at an offset from the nearest bookmark
    /// before it (`crate::listing`).
    pub async fn list_interactions(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Interaction>> {
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let found = match page.after {
            Some(_) => list(&tx, tenant_pk, &filter, page).await?,
            None => {
                let generation = super::records_generation(&tx, tenant_pk).await?;
                offset_page(&tx, &self.listing, generation, tenant_pk, &filter, page).await?
            }
        };
        tx.commit().await?;
        Ok(found)
    }

    /// How many interactions match `filter`; counted once per write generation.
    pub async fn count_interactions(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
    ) -> StoreResult<u64> {
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let generation = super::records_generation(&tx, tenant_pk).await?;
        let found = count(&tx, &self.listing, generation, tenant_pk, &filter).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// A page and the count of all that match, of one snapshot.
    pub async fn list_interactions_counted(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<(Page<Interaction>, u64)> {
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let generation = super::records_generation(&tx, tenant_pk).await?;
        let total = count(&tx, &self.listing, generation, tenant_pk, &filter).await?;
        let found = match page.after {
            Some(_) => list(&tx, tenant_pk, &filter, page).await?,
            None => offset_page(&tx, &self.listing, generation, tenant_pk, &filter, page).await?,
        };
        tx.commit().await?;
        Ok((found, total))
    }

    pub async fn interaction(
        &self,
        tenant_pk: i64,
        id: RecordId,
    ) -> StoreResult<Option<Interaction>> {
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let sql = format!("{} where tenant_pk = $1 and number = $2", *SELECT);
        let row = tx.query_opt(&sql, &[&tenant_pk, &id.get()]).await?;
        let found = match row {
            None => None,
            Some(row) => {
                let (pk, mut it) = read_interaction(&mut PgCols::new(&row))?;
                if let Some(call) = it.call.as_mut() {
                    call.legs = legs(&tx, &[pk])
                        .await?
                        .into_iter()
                        .map(|(_, leg)| leg)
                        .collect();
                }
                Some(it)
            }
        };
        tx.commit().await?;
        Ok(found)
    }

    pub async fn messages(
        &self,
        tenant_pk: i64,
        id: RecordId,
    ) -> StoreResult<Option<Vec<Message>>> {
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let row = tx
            .query_opt(
                "select pk from interaction where tenant_pk = $1 and number = $2",
                &[&tenant_pk, &id.get()],
            )
            .await?;
        let found = match row {
            None => None,
            Some(row) => Some(read_messages(&tx, row.get(0)).await?),
        };
        tx.commit().await?;
        Ok(found)
    }
}

/// One page of interactions by the listing SQL, on the caller's connection: the listing
/// baseline of the benchmark.
pub(super) async fn list_raw(
    client: &impl GenericClient,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    list(client, tenant_pk, filter, page).await
}

/// A stored record's row key, id and version.
#[derive(Clone, Copy)]
pub(super) struct StoredRecord {
    pk: i64,
    id: RecordId,
    version: i64,
    /// When the clock refolds it (for folded records).
    refold_at: Option<i64>,
}

/// The stored record with the interaction's idempotency key, if any.
async fn stored(
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
async fn write_one(
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
    row.push(Cell::Int(stored.pk));
    let stmt = tx.prepare_cached(&UPDATE).await?;
    tx.execute(&stmt, &params(&row)).await?;
    tx.execute(
        "delete from call_leg where interaction_pk = $1",
        &[&stored.pk],
    )
    .await?;
    let messages = read_messages(tx, stored.pk).await?;
    let kept = interaction::kept_messages(&messages, &it.messages);
    if kept == 0 && !messages.is_empty() {
        tx.execute(
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

/// Writes a record folded from events: its version is one more than the stored one's
/// (1 when new), since the refold was caused by at least one new event. A record that
/// fails its checks is not written; `None` says so.
pub(super) async fn project(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    mut it: Interaction,
    refold_at: Option<Instant>,
    now: Instant,
) -> StoreResult<Option<Upserted>> {
    if !interaction::fold_is_writable(&it) {
        return Ok(None);
    }
    let row = tx
        .query_opt(
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
pub(super) async fn set_refold_at(
    tx: &Transaction<'_>,
    pk: i64,
    at: Option<Instant>,
) -> StoreResult<()> {
    tx.execute(
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

/// The legs of the calls in rows `pks`, as (row key, leg), in leg order.
async fn legs(
    client: &impl GenericClient,
    pks: &[i64],
) -> StoreResult<Vec<(i64, cxhub_model::call::CallLeg)>> {
    let sql = format!(
        "select interaction_pk, {LEG_COLUMNS} from call_leg where interaction_pk = any($1)
         order by interaction_pk, seq"
    );
    let rows = client.query(&sql, &[&pks]).await?;
    rows.iter()
        .map(|row| {
            let mut cols = PgCols::new(row);
            let pk = crate::columns::Columns::required_int(&mut cols)?;
            Ok((pk, read_leg(&mut cols)?))
        })
        .collect()
}

async fn read_messages(client: &impl GenericClient, pk: i64) -> StoreResult<Vec<Message>> {
    let sql =
        format!("select {MESSAGE_COLUMNS} from message where interaction_pk = $1 order by seq");
    let rows = client.query(&sql, &[&pk]).await?;
    rows.iter()
        .map(|row| read_message(&mut PgCols::new(row)))
        .collect()
}

/// Creates stub directory entries for every key the interactions name, a statement per
/// kind of entry. Each kind's new keys are numbered in the order the batch names them,
/// as the SQLite writer numbers them.
pub(super) async fn ensure_references(
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
    for (table, keys) in named {
        super::ensure_all(tx, tenant_pk, table, keys).await?;
    }
    Ok(())
}

/// Rows read for a page, with their legs read in one query.
async fn with_page_legs(
    client: &impl GenericClient,
    rows: Vec<(i64, Interaction)>,
) -> StoreResult<Vec<Interaction>> {
    let mut page = PageRows::new(rows);
    let calls = page.call_rows();
    if !calls.is_empty() {
        for (pk, leg) in legs(client, &calls).await? {
            page.add_leg(pk, leg);
        }
    }
    Ok(page.into_items())
}
