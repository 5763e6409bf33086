//! The directory: users, queues, contacts, tags, categories, attributes and the
//! presence-status catalogue. Upserts replace the entry with the same key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cxhub_model::directory::{Attribute, Category, Contact, PresenceStatus, Queue, Tag, User};
use cxhub_model::ids::Key;
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use super::SqliteStore;
use super::codec::{self, Cols};
use crate::columns::Columns;
use crate::entries::{read_contact, read_entry};
use crate::{
    DirectoryBatch, DirectoryEntries, DirectoryKeys, DirectoryKind, DirectoryPage, KeyPage,
    StoreResult,
};

impl SqliteStore {
    /// Upserts every entry of the batch; returns how many were written.
    pub async fn upsert_directory(
        &self,
        tenant_pk: i64,
        batch: DirectoryBatch,
    ) -> StoreResult<usize> {
        self.write(move |ctx| {
            let conn = ctx.conn();
            for user in &batch.users {
                upsert_user(conn, tenant_pk, user)?;
            }
            for queue in &batch.queues {
                upsert_queue(conn, tenant_pk, queue)?;
            }
            for contact in &batch.contacts {
                upsert_contact(conn, tenant_pk, contact)?;
            }
            for tag in &batch.tags {
                conn.prepare_cached(
                    "insert into tag (tenant_pk, id, name, position, created_at, updated_at) values (?1, ?2, ?3, ?4, ?5, ?6)
                     on conflict (tenant_pk, id) do update set name = excluded.name, position = excluded.position,
                     created_at = coalesce(excluded.created_at, tag.created_at), updated_at = excluded.updated_at",
                )?
                .execute(params![tenant_pk, tag.id.as_str(), tag.name, tag.position, ms(tag.created_at), ms(tag.updated_at)])?;
            }
            for category in &batch.categories {
                conn.prepare_cached(
                    "insert into category (tenant_pk, id, name, parent_id, position, created_at, updated_at)
                     values (?1, ?2, ?3, ?4, ?5, ?6, ?7) on conflict (tenant_pk, id) do update set name = excluded.name,
                     parent_id = excluded.parent_id, position = excluded.position,
                     created_at = coalesce(excluded.created_at, category.created_at), updated_at = excluded.updated_at",
                )?
                .execute(params![
                    tenant_pk,
                    category.id.as_str(),
                    category.name,
                    category.parent_id.as_ref().map(Key::as_str),
                    category.position,
                    ms(category.created_at),
                    ms(category.updated_at)
                ])?;
            }
            for attribute in &batch.attributes {
                upsert_attribute(conn, tenant_pk, attribute)?;
            }
            upsert_statuses(conn, tenant_pk, &batch.presence_statuses)?;
            for extension in &batch.extensions {
                conn.prepare_cached(
                    "insert into extension (tenant_pk, id, user_id, name) values (?1, ?2, ?3, ?4)
                     on conflict (tenant_pk, id) do update set user_id = excluded.user_id, name = excluded.name",
                )?
                .execute(params![
                    tenant_pk,
                    extension.id.as_str(),
                    extension.user_id.as_ref().map(Key::as_str),
                    extension.name
                ])?;
            }
            Ok(batch.len())
        })
        .await
    }

    /// Directory entries by key, from the cache where it holds them at the tenant's
    /// current directory generation, else from the tables (and then kept).
    pub async fn lookup(
        &self,
        tenant_pk: i64,
        mut keys: DirectoryKeys,
    ) -> StoreResult<DirectoryEntries> {
        let cache = self.directory_cache.clone();
        let number_cache = self.number_cache.clone();
        self.read(move |conn| {
            // One snapshot: the generation and the rows read under it agree.
            let tx = conn.unchecked_transaction()?;
            let generation: i64 = tx
                .prepare_cached("select directory_generation from tenant where pk = ?1")?
                .query_row([tenant_pk], |row| row.get(0))?;
            let mut out = DirectoryEntries::default();
            let kinds = keys.take_by_kind();
            let at = Snapshot {
                tenant_pk,
                generation,
            };
            let mut numbers = crate::DirectoryNumbers::default();
            for (kind, ids) in kinds {
                if let Some(numbered) = kind.numbered().filter(|_| keys.numbers) {
                    number_cache.fetch(&tx, tenant_pk, numbered, &ids, &mut numbers)?;
                }
                cache.fetch(&tx, at, kind, ids, &mut out)?;
            }
            if keys.contact_tags {
                let tags: Vec<Key> = out
                    .contacts
                    .values()
                    .flat_map(|it| it.tags.iter())
                    .filter(|it| !out.tags.contains_key(it.as_str()))
                    .cloned()
                    .collect();
                if keys.numbers {
                    number_cache.fetch(
                        &tx,
                        tenant_pk,
                        crate::EntryKind::Tag,
                        &tags,
                        &mut numbers,
                    )?;
                }
                cache.fetch(&tx, at, DirectoryKind::Tags, tags, &mut out)?;
            }
            out.numbers = numbers;
            Ok(out)
        })
        .await
    }

    /// Contacts whose name, phone, email or id contains `keyword` (any contact when
    /// `None`), in id order, with the count of all that match.
    pub async fn search_contacts(
        &self,
        tenant_pk: i64,
        keyword: Option<String>,
        offset: usize,
        limit: usize,
    ) -> StoreResult<(Vec<Contact>, u64)> {
        self.read(move |conn| {
            let columns = "id, name, phones, emails, address, channel, notes, contact_number, company_id, profile_url, \
                           social_profile_url, tags, platform_ids, created_at, updated_at, deleted_at";
            let mut condition = "tenant_pk = ?1 and deleted_at is null".to_owned();
            let mut args = vec![Value::Integer(tenant_pk)];
            if let Some(keyword) = keyword {
                let escaped = keyword.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                condition.push_str(
                    " and (name like ?2 escape '\\' or phones like ?2 escape '\\' or emails like ?2 escape '\\' \
                     or id like ?2 escape '\\')",
                );
                args.push(Value::Text(format!("%{escaped}%")));
            }
            let total: i64 = conn
                .prepare_cached(&format!("select count(*) from contact where {condition}"))?
                .query_row(params_from_iter(args.iter()), |row| row.get(0))?;
            let sql = format!("select {columns} from contact where {condition} order by id limit {limit} offset {offset}");
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(args.iter()))?;
            let mut contacts = Vec::new();
            while let Some(row) = rows.next()? {
                let mut cols = Cols::new(row);
                let id = cols.required_key()?;
                contacts.push(read_contact(id, &mut cols)?);
            }
            Ok((contacts, u64::try_from(total).unwrap_or(0)))
        })
        .await
    }

    pub async fn list_directory(
        &self,
        tenant_pk: i64,
        kind: DirectoryKind,
        page: KeyPage,
    ) -> StoreResult<DirectoryPage> {
        self.read(move |conn| list(conn, tenant_pk, kind, &page))
            .await
    }
}

fn ms(at: Option<cxhub_model::time::Instant>) -> Option<i64> {
    at.map(cxhub_model::time::Instant::as_millis)
}

fn upsert_user(conn: &Connection, tenant_pk: i64, user: &User) -> StoreResult<()> {
    conn.prepare_cached(
        "insert into user (tenant_pk, id, name, first_name, last_name, email, phone, address, extension, auth_provider,
         auth_provider_id, created_at, updated_at, deleted_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
         ?13, ?14) on conflict (tenant_pk, id) do update set name = excluded.name, first_name = excluded.first_name,
         last_name = excluded.last_name, email = excluded.email, phone = excluded.phone, address = excluded.address,
         extension = excluded.extension, auth_provider = excluded.auth_provider,
         auth_provider_id = excluded.auth_provider_id, created_at = coalesce(excluded.created_at, user.created_at),
         updated_at = excluded.updated_at, deleted_at = excluded.deleted_at",
    )?
    .execute(params![
        tenant_pk,
        user.id.as_str(),
        user.name,
        user.first_name,
        user.last_name,
        user.email,
        user.phone,
        user.address,
        user.extension,
        user.auth_provider,
        user.auth_provider_id,
        ms(user.created_at),
        ms(user.updated_at),
        ms(user.deleted_at),
    ])?;
    Ok(())
}

fn upsert_queue(conn: &Connection, tenant_pk: i64, queue: &Queue) -> StoreResult<()> {
    conn.prepare_cached(
        "insert into queue (tenant_pk, id, name, sla_answer_secs, sla_target_pct, sla_first_response_secs,
         sla_resolution_secs, short_abandon_secs, created_at, updated_at, business_hours)
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         on conflict (tenant_pk, id) do update set name = excluded.name, sla_answer_secs = excluded.sla_answer_secs,
         sla_target_pct = excluded.sla_target_pct, sla_first_response_secs = excluded.sla_first_response_secs,
         sla_resolution_secs = excluded.sla_resolution_secs, short_abandon_secs = excluded.short_abandon_secs,
         created_at = coalesce(excluded.created_at, queue.created_at), updated_at = excluded.updated_at,
         business_hours = excluded.business_hours",
    )?
    .execute(params![
        tenant_pk,
        queue.id.as_str(),
        queue.name,
        queue.sla_answer_secs,
        queue.sla_target_pct,
        queue.sla_first_response_secs,
        queue.sla_resolution_secs,
        queue.short_abandon_secs,
        ms(queue.created_at),
        ms(queue.updated_at),
        queue.business_hours.as_ref().map(crate::hours::to_text),
    ])?;
    Ok(())
}

fn upsert_contact(conn: &Connection, tenant_pk: i64, contact: &Contact) -> StoreResult<()> {
    let platform_ids = crate::values::json_platform_ids(&contact.platform_ids);
    conn.prepare_cached(
        "insert into contact (tenant_pk, id, name, phones, emails, address, channel, notes, contact_number, company_id,
         profile_url, social_profile_url, tags, platform_ids, created_at, updated_at, deleted_at) values (?1, ?2, ?3, ?4,
         ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) on conflict (tenant_pk, id) do update set
         name = excluded.name, phones = excluded.phones, emails = excluded.emails, address = excluded.address,
         channel = excluded.channel, notes = excluded.notes, contact_number = excluded.contact_number,
         company_id = excluded.company_id, profile_url = excluded.profile_url,
         social_profile_url = excluded.social_profile_url, tags = excluded.tags, platform_ids = excluded.platform_ids,
         created_at = coalesce(excluded.created_at, contact.created_at), updated_at = excluded.updated_at,
         deleted_at = excluded.deleted_at",
    )?
    .execute(params_from_iter([
        Value::Integer(tenant_pk),
        Value::Text(contact.id.as_str().to_owned()),
        codec::text(contact.name.as_deref()),
        codec::strings(&contact.phones),
        codec::strings(&contact.emails),
        codec::text(contact.address.as_deref()),
        codec::text(contact.channel.as_deref()),
        codec::text(contact.notes.as_deref()),
        codec::int(contact.contact_number),
        codec::text(contact.company_id.as_deref()),
        codec::text(contact.profile_url.as_deref()),
        codec::text(contact.social_profile_url.as_deref()),
        codec::keys(&contact.tags),
        Value::Text(platform_ids),
        codec::at(contact.created_at),
        codec::at(contact.updated_at),
        codec::at(contact.deleted_at),
    ]))?;
    Ok(())
}

fn upsert_attribute(conn: &Connection, tenant_pk: i64, attribute: &Attribute) -> StoreResult<()> {
    conn.prepare_cached(
        "insert into attribute (tenant_pk, id, system_name, display_name, kind, position, is_default, is_archived,
         is_required, is_unique, group_id, created_at, updated_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
         ?12, ?13) on conflict (tenant_pk, id) do update set system_name = excluded.system_name,
         display_name = excluded.display_name, kind = excluded.kind, position = excluded.position,
         is_default = excluded.is_default, is_archived = excluded.is_archived, is_required = excluded.is_required,
         is_unique = excluded.is_unique, group_id = excluded.group_id,
         created_at = coalesce(excluded.created_at, attribute.created_at), updated_at = excluded.updated_at",
    )?
    .execute(params![
        tenant_pk,
        attribute.id.as_str(),
        attribute.system_name,
        attribute.display_name,
        attribute.kind.as_str(),
        attribute.position,
        attribute.is_default,
        attribute.is_archived,
        attribute.is_required,
        attribute.is_unique,
        attribute.group_id,
        ms(attribute.created_at),
        ms(attribute.updated_at),
    ])?;
    Ok(())
}

pub(crate) fn upsert_statuses(
    conn: &Connection,
    tenant_pk: i64,
    statuses: &[PresenceStatus],
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "insert into presence_status (tenant_pk, system_name, display_name, emoji, productive) values (?1, ?2, ?3, ?4, ?5)
         on conflict (tenant_pk, system_name) do update set display_name = excluded.display_name,
         emoji = excluded.emoji, productive = excluded.productive",
    )?;
    for status in statuses {
        stmt.execute(params![
            tenant_pk,
            status.system_name.as_str(),
            status.display_name,
            status.emoji,
            status.productive
        ])?;
    }
    Ok(())
}

/// Adds a status a change names to the catalogue, described from its name alone.
pub(crate) fn ensure_status(
    conn: &Connection,
    tenant_pk: i64,
    system_name: &Key,
) -> StoreResult<()> {
    let stub = PresenceStatus::stub(system_name.clone());
    conn.prepare_cached(
        "insert into presence_status (tenant_pk, system_name, display_name, emoji, productive)
         values (?1, ?2, ?3, '', 0) on conflict do nothing",
    )?
    .execute(params![
        tenant_pk,
        stub.system_name.as_str(),
        stub.display_name
    ])?;
    Ok(())
}

/// One queue of the tenant, if it exists. A plain statement of its own: the general
/// list's `in (...)` gets re-planned on every new binding.
pub(crate) fn queue(conn: &Connection, tenant_pk: i64, id: &Key) -> StoreResult<Option<Queue>> {
    let mut stmt = conn.prepare_cached(
        "select id, name, sla_answer_secs, sla_target_pct, sla_first_response_secs, sla_resolution_secs,
         short_abandon_secs, created_at, updated_at, business_hours from queue where tenant_pk = ?1 and id = ?2",
    )?;
    let mut rows = stmt.query(params![tenant_pk, id.as_str()])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut out = DirectoryPage::default();
    let mut cols = Cols::new(row);
    let key = cols.required_key()?;
    read_entry(&mut out, DirectoryKind::Queues, key, &mut cols)?;
    Ok(out.queues.pop())
}

fn list(
    conn: &Connection,
    tenant_pk: i64,
    kind: DirectoryKind,
    page: &KeyPage,
) -> StoreResult<DirectoryPage> {
    let (table, key_column, columns) = crate::entries::source(kind);
    let mut sql = format!("select {columns} from {table} where tenant_pk = ?");
    let mut args = vec![Value::Integer(tenant_pk)];
    if let Some(after) = &page.after {
        sql.push_str(&format!(" and {key_column} > ?"));
        args.push(Value::Text(after.clone()));
    }
    if let Some(ids) = &page.ids {
        sql.push_str(" and ");
        sql.push_str(&format!(
            "{key_column} in ({})",
            vec!["?"; ids.len()].join(", ")
        ));
        args.extend(ids.iter().map(|it| Value::Text(it.as_str().to_owned())));
    }
    sql.push_str(&format!(" order by {key_column} limit ?"));
    args.push(Value::Integer(page.limit as i64 + 1));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut out = DirectoryPage::default();
    let mut keys = Vec::new();
    while let Some(row) = rows.next()? {
        let mut cols = Cols::new(row);
        let key = cols.required_key()?;
        keys.push(key.as_str().to_owned());
        read_entry(&mut out, kind, key, &mut cols)?;
    }
    if keys.len() > page.limit {
        keys.truncate(page.limit);
        out.truncate(page.limit);
        out.next = keys.last().cloned();
    }
    Ok(out)
}

/// How many entries the directory cache holds at most, over all tenants. A page of 100
/// records names a few hundred; contacts run to a few hundred bytes each, so this is a
/// few MB.
const CACHE_ENTRIES: usize = 20_000;

/// Directory entries that lookups have read, per tenant, each set valid at one directory
/// generation (raised by triggers with every change to a directory table; see migration
/// 0005). Keys found to have no entry are kept too, as `None`.
#[derive(Default)]
pub(super) struct Cache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    tenants: HashMap<i64, TenantEntries>,
    entries: usize,
}

struct TenantEntries {
    generation: i64,
    kinds: HashMap<DirectoryKind, HashMap<Key, Option<Entry>>>,
    entries: usize,
}

#[derive(Clone)]
enum Entry {
    User(Arc<User>),
    Queue(Arc<Queue>),
    Contact(Arc<Contact>),
    Tag(Arc<Tag>),
    Category(Arc<Category>),
    Attribute(Arc<Attribute>),
    Status(Arc<PresenceStatus>),
}

impl Entry {
    fn add_to(self, key: Key, out: &mut DirectoryEntries) {
        match self {
            Entry::User(it) => {
                out.users.insert(key, it);
            }
            Entry::Queue(it) => {
                out.queues.insert(key, it);
            }
            Entry::Contact(it) => {
                out.contacts.insert(key, it);
            }
            Entry::Tag(it) => {
                out.tags.insert(key, it);
            }
            Entry::Category(it) => {
                out.categories.insert(key, it);
            }
            Entry::Attribute(it) => {
                out.attributes.insert(key, it);
            }
            Entry::Status(it) => {
                out.presence_statuses.insert(key, it);
            }
        }
    }
}

/// The tenant and directory generation a read transaction sees.
#[derive(Clone, Copy)]
struct Snapshot {
    tenant_pk: i64,
    generation: i64,
}

impl Cache {
    /// Adds the entries of `kind` named by `ids` to `out`: those the cache holds at this
    /// snapshot's generation from it, the rest from the tables in the caller's read
    /// transaction, which are then kept unless a newer generation got there first.
    fn fetch(
        &self,
        conn: &Connection,
        at: Snapshot,
        kind: DirectoryKind,
        mut ids: Vec<Key>,
        out: &mut DirectoryEntries,
    ) -> StoreResult<()> {
        ids.sort();
        ids.dedup();
        let missing: Vec<Key> = {
            let mut inner = self.lock();
            match inner.current(at) {
                None => ids,
                Some(tenant) => {
                    let mut missing = Vec::new();
                    let kept = tenant.kinds.get(&kind);
                    for id in ids {
                        match kept.and_then(|it| it.get(id.as_str())) {
                            Some(Some(entry)) => entry.clone().add_to(id, out),
                            Some(None) => {}
                            None => missing.push(id),
                        }
                    }
                    missing
                }
            }
        };
        if missing.is_empty() {
            return Ok(());
        }
        let mut read: Vec<(Key, Option<Entry>)> = Vec::with_capacity(missing.len());
        // SQLite takes at most 32766 parameters; a page never names that many.
        for chunk in missing.chunks(500) {
            let page = KeyPage {
                after: None,
                limit: chunk.len(),
                ids: Some(chunk.to_vec()),
            };
            let mut found = entries(list(conn, at.tenant_pk, kind, &page)?);
            for id in chunk {
                let entry = found.remove(id.as_str());
                read.push((id.clone(), entry));
            }
        }
        let mut inner = self.lock();
        inner.keep(at, kind, &read);
        drop(inner);
        for (id, entry) in read {
            if let Some(entry) = entry {
                entry.add_to(id, out);
            }
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        // The cache holds no invariant a panicking holder could break half-way that a
        // later reader would trust: entries are whole or absent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl CacheInner {
    /// The tenant's entries if the cache holds them at `at`'s generation. A newer
    /// generation drops what was kept at an older one; an older snapshot (a reader that
    /// began before a change another reader has seen) neither reads nor keeps.
    fn current(&mut self, at: Snapshot) -> Option<&TenantEntries> {
        let stale = self
            .tenants
            .get(&at.tenant_pk)
            .is_some_and(|it| it.generation < at.generation);
        if stale && let Some(old) = self.tenants.remove(&at.tenant_pk) {
            self.entries -= old.entries;
        }
        self.tenants
            .get(&at.tenant_pk)
            .filter(|it| it.generation == at.generation)
    }

    fn keep(&mut self, at: Snapshot, kind: DirectoryKind, read: &[(Key, Option<Entry>)]) {
        if self.current(at).is_none() && self.tenants.contains_key(&at.tenant_pk) {
            return;
        }
        if self.entries + read.len() > CACHE_ENTRIES {
            self.tenants.clear();
            self.entries = 0;
        }
        let tenant = self
            .tenants
            .entry(at.tenant_pk)
            .or_insert_with(|| TenantEntries {
                generation: at.generation,
                kinds: HashMap::new(),
                entries: 0,
            });
        let kept = tenant.kinds.entry(kind).or_default();
        for (id, entry) in read {
            if kept.insert(id.clone(), entry.clone()).is_none() {
                tenant.entries += 1;
                self.entries += 1;
            }
        }
    }
}

/// A page's entries, by key.
fn entries(page: DirectoryPage) -> HashMap<Key, Entry> {
    let mut out = HashMap::new();
    out.extend(
        page.users
            .into_iter()
            .map(|it| (it.id.clone(), Entry::User(Arc::new(it)))),
    );
    out.extend(
        page.queues
            .into_iter()
            .map(|it| (it.id.clone(), Entry::Queue(Arc::new(it)))),
    );
    out.extend(
        page.contacts
            .into_iter()
            .map(|it| (it.id.clone(), Entry::Contact(Arc::new(it)))),
    );
    out.extend(
        page.tags
            .into_iter()
            .map(|it| (it.id.clone(), Entry::Tag(Arc::new(it)))),
    );
    out.extend(
        page.categories
            .into_iter()
            .map(|it| (it.id.clone(), Entry::Category(Arc::new(it)))),
    );
    out.extend(
        page.attributes
            .into_iter()
            .map(|it| (it.id.clone(), Entry::Attribute(Arc::new(it)))),
    );
    out.extend(
        page.presence_statuses
            .into_iter()
            .map(|it| (it.system_name.clone(), Entry::Status(Arc::new(it)))),
    );
    out
}
