//! A directory batch upserted a kind at a time, by multi-row statements: each statement
//! fires the directory's triggers once (migration 0005), whatever its number of rows.

use std::collections::HashSet;

use cxhub_model::directory::PresenceStatus;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use crate::postgres::sql::{MAX_PARAMS, tuples};
use crate::values::{Cell, json_keys, json_platform_ids, json_strings};
use crate::{DirectoryBatch, StoreResult};

fn text(value: &Option<String>) -> Cell {
    value.clone().map_or(Cell::Null, Cell::Text)
}

fn key(value: &Key) -> Cell {
    Cell::Text(value.as_str().to_owned())
}

fn opt_key(value: &Option<Key>) -> Cell {
    value.as_ref().map_or(Cell::Null, key)
}

fn ms(at: Option<Instant>) -> Cell {
    at.map_or(Cell::Null, |it| Cell::Int(it.as_millis()))
}

fn int(value: Option<u32>) -> Cell {
    value.map_or(Cell::Null, |it| Cell::Int(i64::from(it)))
}

/// One kind's upsert: the statement up to `values` (its columns start with `tenant_pk`
/// and the key), and its `on conflict` clause.
struct Upsert {
    head: &'static str,
    conflict: &'static str,
}

const USER: Upsert = Upsert {
    head: "insert into \"user\" as u (tenant_pk, id, name, first_name, last_name, email, phone, address, extension,
           auth_provider, auth_provider_id, created_at, updated_at, deleted_at)",
    conflict: "on conflict (tenant_pk, id) do update set name = excluded.name, first_name = excluded.first_name,
           last_name = excluded.last_name, email = excluded.email, phone = excluded.phone,
           address = excluded.address, extension = excluded.extension, auth_provider = excluded.auth_provider,
           auth_provider_id = excluded.auth_provider_id, created_at = coalesce(excluded.created_at, u.created_at),
           updated_at = excluded.updated_at, deleted_at = excluded.deleted_at",
};

const QUEUE: Upsert = Upsert {
    head: "insert into queue as q (tenant_pk, id, name, sla_answer_secs, sla_target_pct, sla_first_response_secs,
           sla_resolution_secs, short_abandon_secs, created_at, updated_at, business_hours)",
    conflict: "on conflict (tenant_pk, id) do update set name = excluded.name,
           business_hours = excluded.business_hours, sla_answer_secs = excluded.sla_answer_secs, sla_target_pct = excluded.sla_target_pct,
           sla_first_response_secs = excluded.sla_first_response_secs,
           sla_resolution_secs = excluded.sla_resolution_secs, short_abandon_secs = excluded.short_abandon_secs,
           created_at = coalesce(excluded.created_at, q.created_at), updated_at = excluded.updated_at",
};

const CONTACT: Upsert = Upsert {
    head: "insert into contact as c (tenant_pk, id, name, phones, emails, address, channel, notes, contact_number,
           company_id, profile_url, social_profile_url, tags, platform_ids, created_at, updated_at, deleted_at)",
    conflict: "on conflict (tenant_pk, id) do update set name = excluded.name, phones = excluded.phones,
           emails = excluded.emails, address = excluded.address, channel = excluded.channel,
           notes = excluded.notes, contact_number = excluded.contact_number, company_id = excluded.company_id,
           profile_url = excluded.profile_url, social_profile_url = excluded.social_profile_url,
           tags = excluded.tags, platform_ids = excluded.platform_ids,
           created_at = coalesce(excluded.created_at, c.created_at), updated_at = excluded.updated_at,
           deleted_at = excluded.deleted_at",
};

const TAG: Upsert = Upsert {
    head: "insert into tag as t (tenant_pk, id, name, position, created_at, updated_at)",
    conflict: "on conflict (tenant_pk, id) do update set name = excluded.name, position = excluded.position,
           created_at = coalesce(excluded.created_at, t.created_at), updated_at = excluded.updated_at",
};

const CATEGORY: Upsert = Upsert {
    head: "insert into category as c (tenant_pk, id, name, parent_id, position, created_at, updated_at)",
    conflict: "on conflict (tenant_pk, id) do update set name = excluded.name, parent_id = excluded.parent_id,
           position = excluded.position, created_at = coalesce(excluded.created_at, c.created_at),
           updated_at = excluded.updated_at",
};

const ATTRIBUTE: Upsert = Upsert {
    head: "insert into attribute as a (tenant_pk, id, system_name, display_name, kind, position, is_default,
           is_archived, is_required, is_unique, group_id, created_at, updated_at)",
    conflict: "on conflict (tenant_pk, id) do update set system_name = excluded.system_name,
           display_name = excluded.display_name, kind = excluded.kind, position = excluded.position,
           is_default = excluded.is_default, is_archived = excluded.is_archived,
           is_required = excluded.is_required, is_unique = excluded.is_unique, group_id = excluded.group_id,
           created_at = coalesce(excluded.created_at, a.created_at), updated_at = excluded.updated_at",
};

const STATUS: Upsert = Upsert {
    head: "insert into presence_status (tenant_pk, system_name, display_name, emoji, productive)",
    conflict: "on conflict (tenant_pk, system_name) do update set
           display_name = excluded.display_name, emoji = excluded.emoji, productive = excluded.productive",
};

const EXTENSION: Upsert = Upsert {
    head: "insert into extension (tenant_pk, id, user_id, name)",
    conflict: "on conflict (tenant_pk, id) do update set user_id = excluded.user_id, name = excluded.name",
};

/// Upserts every entry of the batch, kind by kind, the caller holding the tenant's lock;
/// answers how many were written.
pub(in crate::postgres) async fn batch(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    batch: &DirectoryBatch,
) -> StoreResult<usize> {
    let users = batch.users.iter().map(|it| {
        (
            &it.id,
            vec![
                text(&it.name),
                text(&it.first_name),
                text(&it.last_name),
                text(&it.email),
                text(&it.phone),
                text(&it.address),
                text(&it.extension),
                text(&it.auth_provider),
                text(&it.auth_provider_id),
                ms(it.created_at),
                ms(it.updated_at),
                ms(it.deleted_at),
            ],
        )
    });
    rows(tx, tenant_pk, &USER, users).await?;
    let queues = batch.queues.iter().map(|it| {
        (
            &it.id,
            vec![
                text(&it.name),
                int(it.sla_answer_secs),
                it.sla_target_pct
                    .map_or(Cell::Null, |it| Cell::Int(i64::from(it))),
                int(it.sla_first_response_secs),
                int(it.sla_resolution_secs),
                int(it.short_abandon_secs),
                ms(it.created_at),
                ms(it.updated_at),
                it.business_hours
                    .as_ref()
                    .map_or(Cell::Null, |it| Cell::Text(crate::hours::to_text(it))),
            ],
        )
    });
    rows(tx, tenant_pk, &QUEUE, queues).await?;
    let contacts = batch.contacts.iter().map(|it| {
        (
            &it.id,
            vec![
                text(&it.name),
                Cell::Text(json_strings(&it.phones)),
                Cell::Text(json_strings(&it.emails)),
                text(&it.address),
                text(&it.channel),
                text(&it.notes),
                it.contact_number.map_or(Cell::Null, Cell::Int),
                text(&it.company_id),
                text(&it.profile_url),
                text(&it.social_profile_url),
                Cell::Text(json_keys(&it.tags)),
                Cell::Text(json_platform_ids(&it.platform_ids)),
                ms(it.created_at),
                ms(it.updated_at),
                ms(it.deleted_at),
            ],
        )
    });
    rows(tx, tenant_pk, &CONTACT, contacts).await?;
    let tags = batch.tags.iter().map(|it| {
        (
            &it.id,
            vec![
                Cell::Text(it.name.clone()),
                Cell::Int(i64::from(it.position)),
                ms(it.created_at),
                ms(it.updated_at),
            ],
        )
    });
    rows(tx, tenant_pk, &TAG, tags).await?;
    let categories = batch.categories.iter().map(|it| {
        (
            &it.id,
            vec![
                Cell::Text(it.name.clone()),
                opt_key(&it.parent_id),
                Cell::Int(i64::from(it.position)),
                ms(it.created_at),
                ms(it.updated_at),
            ],
        )
    });
    rows(tx, tenant_pk, &CATEGORY, categories).await?;
    let attributes = batch.attributes.iter().map(|it| {
        (
            &it.id,
            vec![
                Cell::Text(it.system_name.clone()),
                Cell::Text(it.display_name.clone()),
                Cell::Text(it.kind.as_str().to_owned()),
                Cell::Int(i64::from(it.position)),
                Cell::Flag(it.is_default),
                Cell::Flag(it.is_archived),
                Cell::Flag(it.is_required),
                Cell::Flag(it.is_unique),
                text(&it.group_id),
                ms(it.created_at),
                ms(it.updated_at),
            ],
        )
    });
    rows(tx, tenant_pk, &ATTRIBUTE, attributes).await?;
    statuses(tx, tenant_pk, &batch.presence_statuses).await?;
    let extensions = batch
        .extensions
        .iter()
        .map(|it| (&it.id, vec![opt_key(&it.user_id), text(&it.name)]));
    rows(tx, tenant_pk, &EXTENSION, extensions).await?;
    Ok(batch.len())
}

/// Upserts presence statuses, each keyed by its system name.
pub(in crate::postgres) async fn statuses(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    statuses: &[PresenceStatus],
) -> StoreResult<()> {
    let rows_of = statuses.iter().map(|it| {
        (
            &it.system_name,
            vec![
                Cell::Text(it.display_name.clone()),
                Cell::Text(it.emoji.clone()),
                Cell::Flag(it.productive),
            ],
        )
    });
    rows(tx, tenant_pk, &STATUS, rows_of).await
}

/// Writes rows of one kind, each its key and then its other values in column order, in
/// statements of as many rows as the parameters allow, in the order given. A key that
/// comes again starts a new statement: one statement may not change a row twice, and the
/// later entry must win, as it does on SQLite.
async fn rows<'a>(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    upsert: &Upsert,
    entries: impl Iterator<Item = (&'a Key, Vec<Cell>)>,
) -> StoreResult<()> {
    let mut cells: Vec<Cell> = Vec::new();
    let mut keys: HashSet<&Key> = HashSet::new();
    let mut width = 0;
    for (id, values) in entries {
        width = values.len() + 2;
        let full = cells.len() + width > MAX_PARAMS / width * width;
        if full || keys.contains(id) {
            write(tx, upsert, width, std::mem::take(&mut cells)).await?;
            keys.clear();
        }
        keys.insert(id);
        cells.push(Cell::Int(tenant_pk));
        cells.push(key(id));
        cells.extend(values);
    }
    if !cells.is_empty() {
        write(tx, upsert, width, cells).await?;
    }
    Ok(())
}

async fn write(
    tx: &Transaction<'_>,
    upsert: &Upsert,
    width: usize,
    cells: Vec<Cell>,
) -> StoreResult<()> {
    let sql = format!(
        "{} values {} {}",
        upsert.head,
        tuples(cells.len() / width, width, 1, ""),
        upsert.conflict
    );
    let args: Vec<&(dyn ToSql + Sync)> = cells.iter().map(|it| it as &(dyn ToSql + Sync)).collect();
    tx.execute(&sql, &args).await?;
    Ok(())
}
