//! Interactions (every channel) with their call detail, legs and messages: the store's
//! methods and the writes here; the row in `row.rs`, legs and messages in
//! `children.rs`, lists and counts in `list.rs`.

mod children;
pub(super) mod list;
mod row;

use cxhub_model::ids::RecordId;
use cxhub_model::interaction::{Interaction, Message};
use cxhub_model::time::Instant;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use self::children::{insert_children, insert_legs, insert_messages, read_messages, with_legs};
use self::list::{count, list, offset_page};
use self::row::{INSERT, INSERT_NEW, SELECT, UPDATE, UPDATE_INDEXED, read_row, values};
use super::codec;
use super::listing;
use super::writer::WriteCtx;
use super::{SqliteStore, StoredRecord, row_of, upsert_key};
use crate::query::{InteractionFilter, Page, PageRequest};
use crate::{Outcome, StoreError, StoreResult, Upserted};

impl SqliteStore {
    pub async fn upsert_interactions(
        &self,
        tenant_pk: i64,
        batch: Vec<Interaction>,
    ) -> StoreResult<Vec<Upserted>> {
        self.write(move |ctx| {
            let now = Instant::now();
            let mut out = Vec::with_capacity(batch.len());
            for (idx, interaction) in batch.iter().enumerate() {
                interaction
                    .check()
                    .map_err(|err| StoreError::Invalid(err.within(&format!("[{idx}]"))))?;
                out.push(upsert_one(ctx, tenant_pk, interaction, now)?);
            }
            if out.iter().any(|it| it.outcome.changed()) {
                listing::raise(ctx.conn(), tenant_pk)?;
            }
            Ok(out)
        })
        .await
    }

    /// One page: after a keyset position, or at an offset. An offset page starts from the
    /// nearest bookmark before it (`listing.rs`) and leaves bookmarks at its start and
    /// its end, so walking pages in order, or asking for one page again, costs a seek.
    pub async fn list_interactions(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Interaction>> {
        if page.after.is_some() {
            return self
                .read(move |conn| list(conn, tenant_pk, &filter, page))
                .await;
        }
        let listing = self.listing.clone();
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let generation = listing::generation(&tx, tenant_pk)?;
            let found = offset_page(&tx, &listing, generation, tenant_pk, &filter, page)?;
            tx.commit()?;
            Ok(found)
        })
        .await
    }

    /// How many interactions match `filter`; counted once per write generation.
    pub async fn count_interactions(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
    ) -> StoreResult<u64> {
        let listing = self.listing.clone();
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let generation = listing::generation(&tx, tenant_pk)?;
            let count = count(&tx, &listing, generation, tenant_pk, &filter)?;
            tx.commit()?;
            Ok(count)
        })
        .await
    }

    /// A page at an offset and the count of all that match, of one snapshot: what a
    /// dialect that prints a total with each page (klink) needs, in one read.
    pub async fn list_interactions_counted(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<(Page<Interaction>, u64)> {
        let listing = self.listing.clone();
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let generation = listing::generation(&tx, tenant_pk)?;
            let total = count(&tx, &listing, generation, tenant_pk, &filter)?;
            let found = match page.after {
                Some(_) => list(&tx, tenant_pk, &filter, page)?,
                None => offset_page(&tx, &listing, generation, tenant_pk, &filter, page)?,
            };
            tx.commit()?;
            Ok((found, total))
        })
        .await
    }

    pub async fn interaction(
        &self,
        tenant_pk: i64,
        id: RecordId,
    ) -> StoreResult<Option<Interaction>> {
        self.read(move |conn| {
            let sql = format!("{} where tenant_pk = ?1 and number = ?2", *SELECT);
            let mut stmt = conn.prepare_cached(&sql)?;
            let found = stmt
                .query_row(params![tenant_pk, id.get()], |row| Ok(read_row(row)))
                .optional()?;
            let Some(interaction) = found.transpose()? else {
                return Ok(None);
            };
            Ok(Some(with_legs(conn, interaction)?))
        })
        .await
    }

    pub async fn messages(
        &self,
        tenant_pk: i64,
        id: RecordId,
    ) -> StoreResult<Option<Vec<Message>>> {
        self.read(
            move |conn| match row_of(conn, "interaction", tenant_pk, id)? {
                None => Ok(None),
                Some(row) => read_messages(conn, row).map(Some),
            },
        )
        .await
    }
}

/// Writes a record folded from events: its version is one more than the stored one's
/// (1 when new), since the refold was caused by at least one new event. A record that
/// fails its checks is not written; `None` says so.
pub(crate) fn project(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    mut it: Interaction,
    refold_at: Option<Instant>,
    now: Instant,
) -> StoreResult<Option<Upserted>> {
    if !crate::records::interaction::fold_is_writable(&it) {
        return Ok(None);
    }
    let stored: Option<(i64, i64, i64, Option<i64>)> = ctx
        .conn()
        .prepare_cached(
            "select id, number, version, refold_at from interaction where tenant_pk = ?1 and source = ?2
             and external_id = ?3",
        )?
        .query_row(
            params![tenant_pk, it.source.as_str(), it.external_id.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let existing = stored
        .map(|(row, number, version, _)| {
            codec::record_id(number).map(|id| StoredRecord { row, id, version })
        })
        .transpose()?;
    it.version = existing.map_or(1, |it| it.version.saturating_add(1));
    let (row, upserted) = write_one(ctx, tenant_pk, &it, now, Stored::Known(existing))?;
    // A new row starts with none; a stored one keeps its own unless it changed.
    let before = stored.and_then(|(_, _, _, at)| at);
    if refold_at.map(Instant::as_millis) != before {
        set_refold_at(ctx.conn(), row, refold_at)?;
    }
    Ok(Some(upserted))
}

/// Sets when the record in `row` is to be refolded by the clock.
pub(crate) fn set_refold_at(conn: &Connection, row: i64, at: Option<Instant>) -> StoreResult<()> {
    conn.prepare_cached("update interaction set refold_at = ?1 where id = ?2")?
        .execute(params![at.map(Instant::as_millis), row])?;
    Ok(())
}

/// What the writer knows of a record's idempotency key before writing it.
#[derive(Clone, Copy)]
enum Stored {
    /// Nothing yet: try the insert, and look the key up only if it is taken.
    Unknown,
    /// Looked up already: the stored record, if any.
    Known(Option<StoredRecord>),
}

fn upsert_one(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    it: &Interaction,
    now: Instant,
) -> StoreResult<Upserted> {
    write_one(ctx, tenant_pk, it, now, Stored::Unknown).map(|(_, upserted)| upserted)
}

/// Writes one record; gives the row it is in and what became of it.
fn write_one(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    it: &Interaction,
    now: Instant,
    stored: Stored,
) -> StoreResult<(i64, Upserted)> {
    ensure_references(ctx, tenant_pk, it)?;
    let conn = ctx.conn();
    let mut row = values(it, now);
    let existing = match stored {
        Stored::Known(existing) => existing,
        Stored::Unknown => {
            // New records are the common case (a first load, live ingest).
            let tenant = Value::Integer(tenant_pk);
            let inserted = conn
                .prepare_cached(&INSERT_NEW)?
                .query_row(
                    params_from_iter(std::iter::once(&tenant).chain(&row)),
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            if let Some((row, number)) = inserted {
                return created(conn, row, number, it);
            }
            upsert_key(conn, "interaction", tenant_pk, &it.source, &it.external_id)?
        }
    };
    match existing {
        Some(stored) if Outcome::of(it.version, Some(stored.version)) != Outcome::Updated => Ok((
            stored.row,
            Upserted {
                id: stored.id,
                outcome: Outcome::of(it.version, Some(stored.version)),
            },
        )),
        Some(stored) => {
            row.push(Value::Integer(stored.row));
            conn.prepare_cached(&UPDATE)?
                .execute(params_from_iter(&row))?;
            conn.prepare_cached(&UPDATE_INDEXED)?
                .execute(params_from_iter(&row))?;
            conn.prepare_cached("delete from call_leg where interaction_id = ?1")?
                .execute([stored.row])?;
            let messages = read_messages(conn, stored.row)?;
            let kept = crate::records::interaction::kept_messages(&messages, &it.messages);
            if kept == 0 && !messages.is_empty() {
                conn.prepare_cached("delete from message where interaction_id = ?1")?
                    .execute([stored.row])?;
            }
            insert_legs(conn, stored.row, it)?;
            insert_messages(conn, stored.row, it, kept)?;
            Ok((
                stored.row,
                Upserted {
                    id: stored.id,
                    outcome: Outcome::Updated,
                },
            ))
        }
        None => {
            row.insert(0, Value::Integer(tenant_pk));
            let (row, number) = conn
                .prepare_cached(&INSERT)?
                .query_row(params_from_iter(row), |row| Ok((row.get(0)?, row.get(1)?)))?;
            created(conn, row, number, it)
        }
    }
}

/// Inserts the legs and messages of a record just inserted in `row` with `number`.
fn created(
    conn: &Connection,
    row: i64,
    number: i64,
    it: &Interaction,
) -> StoreResult<(i64, Upserted)> {
    insert_children(conn, row, it)?;
    let upserted = Upserted {
        id: codec::record_id(number)?,
        outcome: Outcome::Created,
    };
    Ok((row, upserted))
}

/// Creates stub directory entries for every key the interaction names.
fn ensure_references(ctx: &mut WriteCtx, tenant_pk: i64, it: &Interaction) -> StoreResult<()> {
    for (table, key) in crate::records::interaction::references(it) {
        ctx.ensure(tenant_pk, table, key.as_str())?;
    }
    Ok(())
}

/// The raw-storage baseline of the benchmark: the same rows into the same table and
/// indexes through one prepared statement, without the idempotency lookup, the version
/// check, the directory stubs or the writer thread. The caller owns the transaction.
pub(crate) fn insert_raw(
    conn: &Connection,
    tenant_pk: i64,
    items: &[Interaction],
) -> StoreResult<()> {
    let now = Instant::now();
    let mut insert = conn.prepare_cached(&INSERT)?;
    for it in items {
        let mut row = values(it, now);
        row.insert(0, Value::Integer(tenant_pk));
        let inserted: i64 = insert.query_row(params_from_iter(row), |row| row.get(0))?;
        insert_children(conn, inserted, it)?;
    }
    Ok(())
}

/// One page of interactions by the store's own SQL, on the caller's connection: the
/// listing baseline of the benchmark.
pub(crate) fn list_raw(
    conn: &Connection,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    list(conn, tenant_pk, filter, page)
}
