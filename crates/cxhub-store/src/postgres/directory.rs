//! The directory: upserts of every kind, and directory numbers.

use std::collections::HashMap;

use cxhub_model::directory::{Contact, DirectoryNumbers, EntryKind, PresenceStatus};
use cxhub_model::ids::Key;
use deadpool_postgres::{GenericClient, Transaction};

mod upsert;

use super::PgStore;
use super::rows::PgCols;
use crate::columns::Columns;
use crate::entries;
use crate::{
    DirectoryBatch, DirectoryEntries, DirectoryKeys, DirectoryKind, DirectoryPage, KeyPage,
    StoreResult,
};

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
        let written = upsert::batch(&tx, tenant_pk, &batch).await?;
        tx.commit().await?;
        Ok(written)
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
    upsert::statuses(tx, tenant_pk, statuses).await
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
