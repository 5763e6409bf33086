//! Directory numbers: per tenant and kind, from 1, assigned by triggers when an entry is
//! first created (migration 0006). Dialects print vendor-shaped ids from them and read
//! those ids back. A number never changes once assigned, so what is read is kept without
//! a generation; only found numbers are kept, never a key's absence.

use std::collections::HashMap;
use std::sync::Mutex;

use cxhub_model::ids::Key;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::SqliteStore;
use crate::{DirectoryNumbers, EntryKind, StoreResult};

/// How many numbers the cache holds at most, over all tenants (a few MB).
const CACHE_NUMBERS: usize = 100_000;

#[derive(Default)]
pub(super) struct NumberCache {
    inner: Mutex<Kept>,
}

/// The numbers kept, by tenant and kind, and how many there are.
#[derive(Default)]
struct Kept {
    by_kind: HashMap<(i64, EntryKind), HashMap<Key, i64>>,
    count: usize,
}

impl NumberCache {
    /// Adds the numbers of `keys` (of `kind`) to `out`: kept ones from the cache, the rest
    /// from the table on `conn`. Keys without a number are left out.
    pub(super) fn fetch(
        &self,
        conn: &Connection,
        tenant_pk: i64,
        kind: EntryKind,
        keys: &[Key],
        out: &mut DirectoryNumbers,
    ) -> StoreResult<()> {
        let name = kind.as_str();
        let mut missing = Vec::new();
        {
            let inner = self.lock();
            let kept = inner.by_kind.get(&(tenant_pk, kind));
            for key in keys {
                match kept.and_then(|it| it.get(key.as_str())) {
                    Some(num) => out.insert(kind, key.clone(), *num),
                    None => missing.push(key.clone()),
                }
            }
        }
        missing.sort();
        missing.dedup();
        let mut read = Vec::new();
        for chunk in missing.chunks(500) {
            let sql = format!(
                "select key, num from directory_number where tenant_pk = ? and kind = ? and key in ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut args = vec![Value::Integer(tenant_pk), Value::Text(name.to_owned())];
            args.extend(chunk.iter().map(|it| Value::Text(it.as_str().to_owned())));
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(args))?;
            while let Some(row) = rows.next()? {
                let key: String = row.get(0)?;
                let num: i64 = row.get(1)?;
                if let Ok(key) = Key::parse(&key) {
                    read.push((key, num));
                }
            }
        }
        if read.is_empty() {
            return Ok(());
        }
        let mut inner = self.lock();
        if inner.count + read.len() > CACHE_NUMBERS {
            inner.by_kind.clear();
            inner.count = 0;
        }
        let Kept { by_kind, count } = &mut *inner;
        let kept = by_kind.entry((tenant_pk, kind)).or_default();
        for (key, num) in read {
            if kept.insert(key.clone(), num).is_none() {
                *count += 1;
            }
            out.insert(kind, key, num);
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // Entries are whole or absent; a panicking holder leaves nothing half-written.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SqliteStore {
    /// The numbers of these entries; keys without one are left out.
    pub async fn numbers(
        &self,
        tenant_pk: i64,
        wanted: Vec<(EntryKind, Key)>,
    ) -> StoreResult<DirectoryNumbers> {
        let cache = self.number_cache.clone();
        self.read(move |conn| {
            let mut by_kind: HashMap<EntryKind, Vec<Key>> = HashMap::new();
            for (kind, key) in wanted {
                by_kind.entry(kind).or_default().push(key);
            }
            let mut out = DirectoryNumbers::default();
            for (kind, keys) in by_kind {
                cache.fetch(conn, tenant_pk, kind, &keys, &mut out)?;
            }
            Ok(out)
        })
        .await
    }

    /// The key of the entry of `kind` with number `num`, if there is one.
    pub async fn key_by_number(
        &self,
        tenant_pk: i64,
        kind: EntryKind,
        num: i64,
    ) -> StoreResult<Option<Key>> {
        let name = kind.as_str();
        self.read(move |conn| {
            let key: Option<String> = conn
                .prepare_cached(
                    "select key from directory_number where tenant_pk = ?1 and kind = ?2 and num = ?3",
                )?
                .query_row(params![tenant_pk, name, num], |row| row.get(0))
                .optional()?;
            Ok(key.and_then(|it| Key::parse(&it).ok()))
        })
        .await
    }
}
