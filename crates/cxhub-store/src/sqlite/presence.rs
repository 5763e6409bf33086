//! Presence changes.

use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::codec::{self, Cols};
use super::sql::{Where, page_end};
use super::writer::WriteCtx;
use super::{SqliteStore, directory, upsert_key};
use crate::query::{Page, PageRequest, Position, PresenceFilter};
use crate::{Outcome, StoreResult, Upserted};

/// The first column is the record's number, the id the store shows.
const COLUMNS: &str = "number, source, external_id, version, user_id, previous_status, new_status, reason, at, ended_at";

impl SqliteStore {
    pub async fn upsert_presence(
        &self,
        tenant_pk: i64,
        batch: Vec<PresenceChange>,
    ) -> StoreResult<Vec<Upserted>> {
        self.write(move |ctx| {
            batch
                .iter()
                .map(|change| upsert_one(ctx, tenant_pk, change))
                .collect()
        })
        .await
    }

    /// How many presence changes match `filter`.
    pub async fn count_presence(&self, tenant_pk: i64, filter: PresenceFilter) -> StoreResult<u64> {
        self.read(move |conn| conditions(tenant_pk, &filter).count(conn, "presence_change"))
            .await
    }

    pub async fn list_presence(
        &self,
        tenant_pk: i64,
        filter: PresenceFilter,
        page: PageRequest,
    ) -> StoreResult<Page<PresenceChange>> {
        self.read(move |conn| list(conn, tenant_pk, &filter, page))
            .await
    }
}

/// Writes a change folded from events: unchanged content is a duplicate; otherwise the
/// version is one more than the stored one's (1 when new).
pub(crate) fn project(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    mut change: PresenceChange,
) -> StoreResult<Upserted> {
    let stored = ctx
        .conn()
        .prepare_cached(&format!(
            "select {COLUMNS} from presence_change where tenant_pk = ?1 and source = ?2 and external_id = ?3"
        ))?
        .query_row(
            params![tenant_pk, change.source.as_str(), change.external_id.as_str()],
            |row| Ok(read_row(row)),
        )
        .optional()?
        .transpose()?;
    change.version = match crate::records::folded_presence_version(stored.as_ref(), &change) {
        Some(version) => version,
        None => {
            let id = stored.and_then(|it| it.id);
            return Ok(Upserted {
                id: id.ok_or_else(|| codec::corrupt("a stored change without id"))?,
                outcome: Outcome::Duplicate,
            });
        }
    };
    upsert_one(ctx, tenant_pk, &change)
}

fn upsert_one(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    change: &PresenceChange,
) -> StoreResult<Upserted> {
    ctx.ensure(tenant_pk, "user", change.user_id.as_str())?;
    let conn = ctx.conn();
    for status in change.previous_status.iter().chain([&change.new_status]) {
        directory::ensure_status(conn, tenant_pk, status)?;
    }
    let args = params![
        change.user_id.as_str(),
        change.previous_status.as_ref().map(Key::as_str),
        change.new_status.as_str(),
        change.reason,
        change.at.as_millis(),
        change.version,
        change.ended_at.map(|it| it.as_millis()),
    ];
    match upsert_key(
        conn,
        "presence_change",
        tenant_pk,
        &change.source,
        &change.external_id,
    )? {
        Some(stored) if Outcome::of(change.version, Some(stored.version)) != Outcome::Updated => {
            Ok(Upserted {
                id: stored.id,
                outcome: Outcome::of(change.version, Some(stored.version)),
            })
        }
        Some(stored) => {
            conn.prepare_cached(
                "update presence_change set user_id = ?1, previous_status = ?2, new_status = ?3, reason = ?4,
                 at = ?5, version = ?6, ended_at = ?7 where id = ?8",
            )?
            .execute(params_from_iter(args.iter().copied().chain([&stored.row as &dyn rusqlite::ToSql])))?;
            Ok(Upserted {
                id: stored.id,
                outcome: Outcome::Updated,
            })
        }
        None => {
            // The tenant's next number; the insert trigger raises the counter.
            let number: i64 = conn
                .prepare_cached(
                    "insert into presence_change (user_id, previous_status, new_status, reason, at, version, ended_at,
                     tenant_pk, source, external_id, number) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                     (select next_presence_number from tenant where pk = ?8)) returning number",
                )?
                .query_row(
                    params_from_iter(args.iter().copied().chain([
                        &tenant_pk as &dyn rusqlite::ToSql,
                        &change.source.as_str(),
                        &change.external_id.as_str(),
                    ])),
                    |row| row.get(0),
                )?;
            Ok(Upserted {
                id: codec::record_id(number)?,
                outcome: Outcome::Created,
            })
        }
    }
}

fn read_row(row: &rusqlite::Row<'_>) -> StoreResult<PresenceChange> {
    crate::records::read_presence(&mut Cols::new(row))
}

pub(super) fn conditions(tenant_pk: i64, filter: &PresenceFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    crate::conditions::presence(&mut cond, filter);
    cond
}

fn list(
    conn: &Connection,
    tenant_pk: i64,
    filter: &PresenceFilter,
    page: PageRequest,
) -> StoreResult<Page<PresenceChange>> {
    let select = format!("select {COLUMNS} from presence_change");
    let mut items = conditions(tenant_pk, filter).page(conn, &select, "at", page, read_row)?;
    let next = page_end(&mut items, page.limit, |it| Position {
        at: it.at.as_millis(),
        id: it.id.map_or(0, |id| id.get()),
    });
    Ok(Page { items, next })
}
