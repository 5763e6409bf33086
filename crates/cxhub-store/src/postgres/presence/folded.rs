//! The presence changes folded from one batch of events, written together: the stored
//! ones read in one query, the new and the changed ones written by one statement each.

use std::collections::{HashMap, HashSet};

use cxhub_model::directory::PresenceStatus;
use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use deadpool_postgres::Transaction;

use super::{COLUMNS, project};
use crate::StoreResult;
use crate::postgres::rows::PgCols;
use crate::postgres::sql::prepared;
use crate::records;

/// Writes the changes folded from one batch of events: unchanged content is a duplicate;
/// otherwise the version is one more than the stored one's (1 when new). The new ones are
/// numbered in the order given.
pub(in crate::postgres) async fn project_all(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    mut changes: Vec<PresenceChange>,
) -> StoreResult<()> {
    let mut keys = HashSet::new();
    if !changes
        .iter()
        .all(|it| keys.insert((it.source.as_str(), it.external_id.as_str())))
    {
        // A key twice: each write must see the one before it.
        for change in changes {
            project(tx, tenant_pk, change).await?;
        }
        return Ok(());
    }
    let stored = stored_all(tx, tenant_pk, &changes).await?;
    // What each change becomes: `None` unwritten, else the row it rewrites, if any.
    let mut writes: Vec<Option<Option<i64>>> = Vec::with_capacity(changes.len());
    for change in &mut changes {
        let found = stored.get(&(change.source.clone(), change.external_id.clone()));
        let version = records::folded_presence_version(found.map(|(_, it)| it), change);
        if let Some(version) = version {
            change.version = version;
        }
        writes.push(version.map(|_| found.map(|(pk, _)| *pk)));
    }
    let written: Vec<(&PresenceChange, Option<i64>)> = changes
        .iter()
        .zip(writes)
        .filter_map(|(it, write)| write.map(|row| (it, row)))
        .collect();
    let fresh: Vec<&PresenceChange> = written
        .iter()
        .filter(|(_, row)| row.is_none())
        .map(|(it, _)| *it)
        .collect();
    let changed: Vec<(i64, &PresenceChange)> = written
        .iter()
        .filter_map(|(it, row)| row.map(|row| (row, *it)))
        .collect();
    let users: Vec<String> = written
        .iter()
        .map(|(it, _)| it.user_id.as_str().to_owned())
        .collect();
    if !users.is_empty() {
        crate::postgres::ensure_all(tx, tenant_pk, "user", users).await?;
    }
    let statuses: Vec<&Key> = written
        .iter()
        .flat_map(|(it, _)| it.previous_status.iter().chain([&it.new_status]))
        .collect();
    ensure_statuses(tx, tenant_pk, statuses).await?;
    insert_fresh(tx, tenant_pk, &fresh).await?;
    update_changed(tx, &changed).await
}

/// The stored change under each key of `changes`, with its row key.
async fn stored_all(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    changes: &[PresenceChange],
) -> StoreResult<HashMap<(Key, Key), (i64, PresenceChange)>> {
    let texts =
        |field: fn(&PresenceChange) -> &str| -> Vec<&str> { changes.iter().map(field).collect() };
    let columns: Vec<String> = COLUMNS.split(", ").map(|it| format!("p.{it}")).collect();
    let sql = format!(
        "select p.pk, {} from presence_change p join unnest($2::text[], $3::text[]) k(source, external_id)
         on p.source = k.source and p.external_id = k.external_id where p.tenant_pk = $1",
        columns.join(", ")
    );
    let rows = prepared::query(
        tx,
        &sql,
        &[
            &tenant_pk,
            &texts(|it| it.source.as_str()),
            &texts(|it| it.external_id.as_str()),
        ],
    )
    .await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in &rows {
        let mut cols = PgCols::new(row);
        let pk = crate::columns::Columns::required_int(&mut cols)?;
        let change = records::read_presence(&mut cols)?;
        let key = (change.source.clone(), change.external_id.clone());
        stored.insert(key, (pk, change));
    }
    Ok(stored)
}

/// One array per column of the changes written, for `unnest`.
struct Columns<'a> {
    user_id: Vec<&'a str>,
    previous_status: Vec<Option<&'a str>>,
    new_status: Vec<&'a str>,
    reason: Vec<Option<&'a str>>,
    at: Vec<i64>,
    version: Vec<i64>,
    ended_at: Vec<Option<i64>>,
}

impl<'a> Columns<'a> {
    fn of(changes: impl Iterator<Item = &'a PresenceChange>) -> Columns<'a> {
        let mut out = Columns {
            user_id: Vec::new(),
            previous_status: Vec::new(),
            new_status: Vec::new(),
            reason: Vec::new(),
            at: Vec::new(),
            version: Vec::new(),
            ended_at: Vec::new(),
        };
        for it in changes {
            out.user_id.push(it.user_id.as_str());
            out.previous_status
                .push(it.previous_status.as_ref().map(Key::as_str));
            out.new_status.push(it.new_status.as_str());
            out.reason.push(it.reason.as_deref());
            out.at.push(it.at.as_millis());
            out.version.push(it.version);
            out.ended_at.push(it.ended_at.map(|at| at.as_millis()));
        }
        out
    }

    /// The arrays in column order, as statement arguments.
    fn args(&self) -> [Arg<'_>; 7] {
        [
            &self.user_id,
            &self.previous_status,
            &self.new_status,
            &self.reason,
            &self.at,
            &self.version,
            &self.ended_at,
        ]
    }
}

type Arg<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);

async fn insert_fresh(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    fresh: &[&PresenceChange],
) -> StoreResult<()> {
    if fresh.is_empty() {
        return Ok(());
    }
    let cols = Columns::of(fresh.iter().copied());
    let sources: Vec<&str> = fresh.iter().map(|it| it.source.as_str()).collect();
    let ids: Vec<&str> = fresh.iter().map(|it| it.external_id.as_str()).collect();
    prepared::execute(
        tx,
        "insert into presence_change (user_id, previous_status, new_status, reason, at, version, ended_at,
         tenant_pk, source, external_id)
         select u, p, n, r, a, v, e, $1, s, x from unnest($2::text[], $3::text[], $4::text[], $5::text[],
         $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[])
         with ordinality as k(u, p, n, r, a, v, e, s, x, ord) order by ord",
        &[&[&tenant_pk as Arg], &cols.args()[..], &[&sources, &ids]].concat(),
    )
    .await?;
    Ok(())
}

async fn update_changed(
    tx: &Transaction<'_>,
    changed: &[(i64, &PresenceChange)],
) -> StoreResult<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let cols = Columns::of(changed.iter().map(|(_, it)| *it));
    let pks: Vec<i64> = changed.iter().map(|(pk, _)| *pk).collect();
    prepared::execute(
        tx,
        "update presence_change c set user_id = u.u, previous_status = u.p, new_status = u.n, reason = u.r,
         at = u.a, version = u.v, ended_at = u.e
         from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],
         $7::bigint[], $8::bigint[]) u(pk, u, p, n, r, a, v, e) where c.pk = u.pk",
        &[&[&pks as Arg], &cols.args()[..]].concat(),
    )
    .await?;
    Ok(())
}

/// Adds the statuses changes name to the catalogue, each described from its name alone.
async fn ensure_statuses(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    names: Vec<&Key>,
) -> StoreResult<()> {
    let mut seen = HashSet::new();
    let stubs: Vec<PresenceStatus> = names
        .into_iter()
        .filter(|it| seen.insert(*it))
        .map(|it| PresenceStatus::stub(it.clone()))
        .collect();
    if stubs.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = stubs.iter().map(|it| it.system_name.as_str()).collect();
    let shown: Vec<&str> = stubs.iter().map(|it| it.display_name.as_str()).collect();
    prepared::execute(
        tx,
        "insert into presence_status (tenant_pk, system_name, display_name, emoji, productive)
         select $1, n, d, '', false from unnest($2::text[], $3::text[]) with ordinality as k(n, d, ord)
         order by ord on conflict do nothing",
        &[&tenant_pk, &names, &shown],
    )
    .await?;
    Ok(())
}
