//! The directory: upserts of every kind, and directory numbers.

use std::collections::HashMap;

use cxhub_model::directory::{Contact, DirectoryNumbers, EntryKind, PresenceStatus};
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use deadpool_postgres::{GenericClient, Transaction};

use super::PgStore;
use super::rows::PgCols;
use crate::columns::Columns;
use crate::entries;
use crate::values::{json_keys, json_strings};
use crate::{
    DirectoryBatch, DirectoryEntries, DirectoryKeys, DirectoryKind, DirectoryPage, KeyPage,
    StoreResult,
};

fn ms(at: Option<Instant>) -> Option<i64> {
    at.map(Instant::as_millis)
}

fn wide(value: Option<u32>) -> Option<i64> {
    value.map(i64::from)
}

impl PgStore {
    /// Upserts every entry of the batch in one transaction; returns how many were written.
    pub async fn upsert_directory(
        &self,
        tenant_pk: i64,
        batch: DirectoryBatch,
    ) -> StoreResult<usize> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The tenant row first, as the directory triggers take it (no deadlock between
        // a batch's kinds and another server's).
        tx.execute(
            "select 1 from tenant where pk = $1 for update",
            &[&tenant_pk],
        )
        .await?;
        let user = tx
            .prepare_cached(
                "insert into \"user\" as u (tenant_pk, id, name, first_name, last_name, email, phone, address, extension,
                 auth_provider, auth_provider_id, created_at, updated_at, deleted_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                 on conflict (tenant_pk, id) do update set name = excluded.name, first_name = excluded.first_name,
                 last_name = excluded.last_name, email = excluded.email, phone = excluded.phone,
                 address = excluded.address, extension = excluded.extension, auth_provider = excluded.auth_provider,
                 auth_provider_id = excluded.auth_provider_id, created_at = coalesce(excluded.created_at, u.created_at),
                 updated_at = excluded.updated_at, deleted_at = excluded.deleted_at",
            )
            .await?;
        for it in &batch.users {
            tx.execute(
                &user,
                &[
                    &tenant_pk,
                    &it.id.as_str(),
                    &it.name,
                    &it.first_name,
                    &it.last_name,
                    &it.email,
                    &it.phone,
                    &it.address,
                    &it.extension,
                    &it.auth_provider,
                    &it.auth_provider_id,
                    &ms(it.created_at),
                    &ms(it.updated_at),
                    &ms(it.deleted_at),
                ],
            )
            .await?;
        }
        let queue = tx
            .prepare_cached(
                "insert into queue as q (tenant_pk, id, name, sla_answer_secs, sla_target_pct, sla_first_response_secs,
                 sla_resolution_secs, short_abandon_secs, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 on conflict (tenant_pk, id) do update set name = excluded.name,
                 sla_answer_secs = excluded.sla_answer_secs, sla_target_pct = excluded.sla_target_pct,
                 sla_first_response_secs = excluded.sla_first_response_secs,
                 sla_resolution_secs = excluded.sla_resolution_secs, short_abandon_secs = excluded.short_abandon_secs,
                 created_at = coalesce(excluded.created_at, q.created_at), updated_at = excluded.updated_at",
            )
            .await?;
        for it in &batch.queues {
            tx.execute(
                &queue,
                &[
                    &tenant_pk,
                    &it.id.as_str(),
                    &it.name,
                    &wide(it.sla_answer_secs),
                    &it.sla_target_pct.map(i64::from),
                    &wide(it.sla_first_response_secs),
                    &wide(it.sla_resolution_secs),
                    &wide(it.short_abandon_secs),
                    &ms(it.created_at),
                    &ms(it.updated_at),
                ],
            )
            .await?;
        }
        let contact = tx
            .prepare_cached(
                "insert into contact as c (tenant_pk, id, name, phones, emails, address, channel, notes, contact_number,
                 company_id, profile_url, social_profile_url, tags, platform_ids, created_at, updated_at, deleted_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                 on conflict (tenant_pk, id) do update set name = excluded.name, phones = excluded.phones,
                 emails = excluded.emails, address = excluded.address, channel = excluded.channel,
                 notes = excluded.notes, contact_number = excluded.contact_number, company_id = excluded.company_id,
                 profile_url = excluded.profile_url, social_profile_url = excluded.social_profile_url,
                 tags = excluded.tags, platform_ids = excluded.platform_ids,
                 created_at = coalesce(excluded.created_at, c.created_at), updated_at = excluded.updated_at,
                 deleted_at = excluded.deleted_at",
            )
            .await?;
        for it in &batch.contacts {
            let platform_ids: Vec<[&str; 2]> = it
                .platform_ids
                .iter()
                .map(|it| [it.channel.as_str(), it.platform_id.as_str()])
                .collect();
            let platform_ids =
                serde_json::to_string(&platform_ids).expect("pairs of strings always serialize");
            tx.execute(
                &contact,
                &[
                    &tenant_pk,
                    &it.id.as_str(),
                    &it.name,
                    &json_strings(&it.phones),
                    &json_strings(&it.emails),
                    &it.address,
                    &it.channel,
                    &it.notes,
                    &it.contact_number,
                    &it.company_id,
                    &it.profile_url,
                    &it.social_profile_url,
                    &json_keys(&it.tags),
                    &platform_ids,
                    &ms(it.created_at),
                    &ms(it.updated_at),
                    &ms(it.deleted_at),
                ],
            )
            .await?;
        }
        let tag = tx
            .prepare_cached(
                "insert into tag as t (tenant_pk, id, name, position, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6)
                 on conflict (tenant_pk, id) do update set name = excluded.name, position = excluded.position,
                 created_at = coalesce(excluded.created_at, t.created_at), updated_at = excluded.updated_at",
            )
            .await?;
        for it in &batch.tags {
            tx.execute(
                &tag,
                &[
                    &tenant_pk,
                    &it.id.as_str(),
                    &it.name,
                    &i64::from(it.position),
                    &ms(it.created_at),
                    &ms(it.updated_at),
                ],
            )
            .await?;
        }
        let category = tx
            .prepare_cached(
                "insert into category as c (tenant_pk, id, name, parent_id, position, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7)
                 on conflict (tenant_pk, id) do update set name = excluded.name, parent_id = excluded.parent_id,
                 position = excluded.position, created_at = coalesce(excluded.created_at, c.created_at),
                 updated_at = excluded.updated_at",
            )
            .await?;
        for it in &batch.categories {
            tx.execute(
                &category,
                &[
                    &tenant_pk,
                    &it.id.as_str(),
                    &it.name,
                    &it.parent_id.as_ref().map(Key::as_str),
                    &i64::from(it.position),
                    &ms(it.created_at),
                    &ms(it.updated_at),
                ],
            )
            .await?;
        }
        let attribute = tx
            .prepare_cached(
                "insert into attribute as a (tenant_pk, id, system_name, display_name, kind, position, is_default,
                 is_archived, is_required, is_unique, group_id, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 on conflict (tenant_pk, id) do update set system_name = excluded.system_name,
                 display_name = excluded.display_name, kind = excluded.kind, position = excluded.position,
                 is_default = excluded.is_default, is_archived = excluded.is_archived,
                 is_required = excluded.is_required, is_unique = excluded.is_unique, group_id = excluded.group_id,
                 created_at = coalesce(excluded.created_at, a.created_at), updated_at = excluded.updated_at",
            )
            .await?;
        for it in &batch.attributes {
            tx.execute(
                &attribute,
                &[
                    &tenant_pk,
                    &it.id.as_str(),
                    &it.system_name,
                    &it.display_name,
                    &it.kind.as_str(),
                    &i64::from(it.position),
                    &it.is_default,
                    &it.is_archived,
                    &it.is_required,
                    &it.is_unique,
                    &it.group_id,
                    &ms(it.created_at),
                    &ms(it.updated_at),
                ],
            )
            .await?;
        }
        upsert_statuses(&tx, tenant_pk, &batch.presence_statuses).await?;
        let extension = tx
            .prepare_cached(
                "insert into extension (tenant_pk, id, user_id, name) values ($1, $2, $3, $4)
                 on conflict (tenant_pk, id) do update set user_id = excluded.user_id, name = excluded.name",
            )
            .await?;
        for it in &batch.extensions {
            tx.execute(
                &extension,
                &[
                    &tenant_pk,
                    &it.id.as_str(),
                    &it.user_id.as_ref().map(Key::as_str),
                    &it.name,
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(batch.users.len()
            + batch.queues.len()
            + batch.contacts.len()
            + batch.tags.len()
            + batch.categories.len()
            + batch.attributes.len()
            + batch.presence_statuses.len()
            + batch.extensions.len())
    }

    /// The numbers of these entries; keys without one are left out.
    pub async fn numbers(
        &self,
        tenant_pk: i64,
        wanted: Vec<(EntryKind, Key)>,
    ) -> StoreResult<DirectoryNumbers> {
        numbers(&self.client().await?, tenant_pk, wanted).await
    }

    /// One page of a kind, in key order (byte order, as SQLite compares text).
    pub async fn list_directory(
        &self,
        tenant_pk: i64,
        kind: DirectoryKind,
        page: KeyPage,
    ) -> StoreResult<DirectoryPage> {
        list(&self.client().await?, tenant_pk, kind, &page).await
    }

    /// Directory entries by key, read in one snapshot.
    pub async fn lookup(
        &self,
        tenant_pk: i64,
        mut keys: DirectoryKeys,
    ) -> StoreResult<DirectoryEntries> {
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let mut out = DirectoryEntries::default();
        let mut wanted = Vec::new();
        let kinds = keys.take_by_kind();
        for (kind, ids) in kinds {
            if let Some(numbered) = kind.numbered() {
                wanted.extend(ids.iter().map(|it| (numbered, it.clone())));
            }
            by_keys(&tx, tenant_pk, kind, ids, &mut out).await?;
        }
        if keys.contact_tags {
            let tags: Vec<Key> = out
                .contacts
                .values()
                .flat_map(|it| it.tags.iter())
                .filter(|it| !out.tags.contains_key(it.as_str()))
                .cloned()
                .collect();
            wanted.extend(tags.iter().map(|it| (EntryKind::Tag, it.clone())));
            by_keys(&tx, tenant_pk, DirectoryKind::Tags, tags, &mut out).await?;
        }
        if keys.numbers {
            out.numbers = numbers(&tx, tenant_pk, wanted).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Contacts whose name, phone, email or id contains `keyword` (any contact when
    /// `None`), in id order, with the count of all that match. Matching folds ASCII
    /// letters only, as SQLite's `like` does.
    pub async fn search_contacts(
        &self,
        tenant_pk: i64,
        keyword: Option<String>,
        offset: usize,
        limit: usize,
    ) -> StoreResult<(Vec<Contact>, u64)> {
        let pattern = keyword.map(|keyword| {
            let escaped = keyword
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let fold = |column: &str| {
            format!(
                "translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
            )
        };
        let matches = ["name", "phones", "emails", "id"]
            .map(|column| format!("{} like {} escape '\\'", fold(column), fold("$2")))
            .join(" or ");
        let condition =
            format!("tenant_pk = $1 and deleted_at is null and ($2::text is null or {matches})");
        let (_, _, columns) = entries::source(DirectoryKind::Contacts);
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let total: i64 = tx
            .query_one(
                &format!("select count(*) from contact where {condition}"),
                &[&tenant_pk, &pattern],
            )
            .await?
            .get(0);
        let rows = tx
            .query(
                &format!(
                    "select {columns} from contact where {condition}
                     order by id collate \"C\" limit $3 offset $4"
                ),
                &[
                    &tenant_pk,
                    &pattern,
                    &i64::try_from(limit).unwrap_or(i64::MAX),
                    &i64::try_from(offset).unwrap_or(i64::MAX),
                ],
            )
            .await?;
        tx.commit().await?;
        let contacts = rows
            .iter()
            .map(|row| {
                let mut cols = PgCols::new(row);
                let id = cols.required_key()?;
                entries::read_contact(id, &mut cols)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((contacts, u64::try_from(total).unwrap_or(0)))
    }

    /// The key of the entry of `kind` with number `num`, if there is one.
    pub async fn key_by_number(
        &self,
        tenant_pk: i64,
        kind: EntryKind,
        num: i64,
    ) -> StoreResult<Option<Key>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "select key from directory_number where tenant_pk = $1 and kind = $2 and num = $3",
                &[&tenant_pk, &kind.as_str(), &num],
            )
            .await?;
        Ok(row.and_then(|row| Key::parse(row.get(0)).ok()))
    }
}

/// Adds or replaces presence statuses of the tenant's catalogue.
pub(super) async fn upsert_statuses(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    statuses: &[PresenceStatus],
) -> StoreResult<()> {
    let upsert = tx
        .prepare_cached(
            "insert into presence_status (tenant_pk, system_name, display_name, emoji, productive)
             values ($1, $2, $3, $4, $5) on conflict (tenant_pk, system_name) do update set
             display_name = excluded.display_name, emoji = excluded.emoji, productive = excluded.productive",
        )
        .await?;
    for status in statuses {
        tx.execute(
            &upsert,
            &[
                &tenant_pk,
                &status.system_name.as_str(),
                &status.display_name,
                &status.emoji,
                &status.productive,
            ],
        )
        .await?;
    }
    Ok(())
}

async fn numbers(
    client: &impl GenericClient,
    tenant_pk: i64,
    wanted: Vec<(EntryKind, Key)>,
) -> StoreResult<DirectoryNumbers> {
    let mut by_kind: HashMap<EntryKind, Vec<&str>> = HashMap::new();
    for (kind, key) in &wanted {
        by_kind.entry(*kind).or_default().push(key.as_str());
    }
    let select = client
        .prepare_cached(
            "select key, num from directory_number where tenant_pk = $1 and kind = $2 and key = any($3)",
        )
        .await?;
    let mut out = DirectoryNumbers::default();
    for (kind, keys) in by_kind {
        for row in client
            .query(&select, &[&tenant_pk, &kind.as_str(), &keys])
            .await?
        {
            if let Ok(key) = Key::parse(row.get(0)) {
                out.insert(kind, key, row.get(1));
            }
        }
    }
    Ok(out)
}

/// The queues with these keys (for their service targets, in a fold).
pub(super) async fn queues(
    client: &impl GenericClient,
    tenant_pk: i64,
    ids: Vec<Key>,
) -> StoreResult<std::collections::HashMap<Key, std::sync::Arc<cxhub_model::directory::Queue>>> {
    let mut out = DirectoryEntries::default();
    by_keys(client, tenant_pk, DirectoryKind::Queues, ids, &mut out).await?;
    Ok(out.queues)
}

/// The entries of `kind` with these keys, added to `out`.
async fn by_keys(
    client: &impl GenericClient,
    tenant_pk: i64,
    kind: DirectoryKind,
    mut ids: Vec<Key>,
    out: &mut DirectoryEntries,
) -> StoreResult<()> {
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let page = KeyPage {
        after: None,
        limit: ids.len(),
        ids: Some(ids),
    };
    out.add_page(list(client, tenant_pk, kind, &page).await?);
    Ok(())
}

/// One page of a kind, in key byte order.
async fn list(
    client: &impl GenericClient,
    tenant_pk: i64,
    kind: DirectoryKind,
    page: &KeyPage,
) -> StoreResult<DirectoryPage> {
    let (table, key_column, columns) = entries::source(kind);
    let limit = i64::try_from(page.limit)
        .unwrap_or(i64::MAX)
        .saturating_add(1);
    let ids: Option<Vec<&str>> = page
        .ids
        .as_ref()
        .map(|ids| ids.iter().map(Key::as_str).collect());
    let sql = format!(
        "select {columns} from {table} where tenant_pk = $1
         and ($2::text is null or {key_column} > $2 collate \"C\")
         and ($3::text[] is null or {key_column} = any($3))
         order by {key_column} collate \"C\" limit $4"
    );
    let select = client.prepare_cached(&sql).await?;
    let rows = client
        .query(&select, &[&tenant_pk, &page.after, &ids, &limit])
        .await?;
    let mut out = DirectoryPage::default();
    let mut keys = Vec::new();
    for row in &rows {
        let mut cols = PgCols::new(row);
        let key = cols.required_key()?;
        keys.push(key.as_str().to_owned());
        entries::read_entry(&mut out, kind, key, &mut cols)?;
    }
    if keys.len() > page.limit {
        keys.truncate(page.limit);
        out.truncate(page.limit);
        out.next = keys.last().cloned();
    }
    Ok(out)
}
