//! Interactions (every channel) with their legs and messages: the store's methods and
//! the writes here; lists and counts in `interactions/list.rs`.

pub(super) mod bulk;
mod list;
mod write;

use std::sync::LazyLock;

use cxhub_model::ids::RecordId;
use cxhub_model::interaction::{Interaction, Message};
use cxhub_model::time::Instant;
use deadpool_postgres::GenericClient;

use self::list::{count, list, offset_page};
pub(super) use self::write::{ensure_references, project, rewrite_all, set_refold_at};
use self::write::{stored, write_one};
use super::PgStore;
use super::rows::PgCols;
use crate::postgres::sql::prepared;
use crate::query::{InteractionFilter, Page, PageRequest};
use crate::records::interaction::{
    COLUMNS, LEG_COLUMNS, MESSAGE_COLUMNS, PageRows, read_interaction, read_leg, read_message,
};
use crate::{StoreError, StoreResult, Upserted};

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
        let row = prepared::query_opt(&tx, &sql, &[&tenant_pk, &id.get()]).await?;
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

/// The legs of the calls in rows `pks`, as (row key, leg), in leg order.
async fn legs(
    client: &impl GenericClient,
    pks: &[i64],
) -> StoreResult<Vec<(i64, cxhub_model::call::CallLeg)>> {
    let sql = format!(
        "select interaction_pk, {LEG_COLUMNS} from call_leg where interaction_pk = any($1)
         order by interaction_pk, seq"
    );
    let rows = prepared::query(client, &sql, &[&pks]).await?;
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
    let rows = prepared::query(client, &sql, &[&pk]).await?;
    rows.iter()
        .map(|row| read_message(&mut PgCols::new(row)))
        .collect()
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
