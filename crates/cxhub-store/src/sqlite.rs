//! The SQLite backend, cxhub's embedded default.
//!
//! - One writer thread owns the only read-write connection. Write jobs queue to it; it
//!   runs every job waiting at that moment in one transaction (each in a savepoint, so a
//!   failed job undoes only itself), commits, and only then answers the callers. That is
//!   group commit: one fsync for many concurrent requests.
//! - Reads run on a small pool of read-only connections in `spawn_blocking`. WAL mode lets
//!   them read while the writer writes.
//! - `synchronous=FULL`: a commit is on disk before the caller hears of it, so nothing
//!   acknowledged is lost even on power loss. Batching keeps the fsync cost per row small.

pub mod baseline;
mod codec;
mod copy;
mod directory;
mod events;
mod interactions;
mod listing;
mod numbers;
#[cfg(test)]
mod plans;
mod presence;
mod rollups;
mod sql;
mod tickets;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cxhub_model::directory::{PresenceStatus, Tenant};
use cxhub_model::ids::Key;
use cxhub_model::time::{Instant, Zone};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::tokens::{self, Grant, Role, TokenInfo};
use crate::{NewTenant, StoreError, StoreResult, TenantScope};

use self::writer::{WriteCtx, Writer};

/// The migrations, in order; `PRAGMA user_version` counts how many were applied.
const MIGRATIONS: &[&str] = &[
    include_str!("sqlite/migrations/0001_init.sql"),
    include_str!("sqlite/migrations/0002_events.sql"),
    include_str!("sqlite/migrations/0003_listing.sql"),
    include_str!("sqlite/migrations/0004_generations.sql"),
    include_str!("sqlite/migrations/0005_directory_generation.sql"),
    include_str!("sqlite/migrations/0006_directory_numbers.sql"),
    include_str!("sqlite/migrations/0007_record_numbers.sql"),
    include_str!("sqlite/migrations/0008_rollups.sql"),
    include_str!("sqlite/migrations/0009_agent_time_and_hours.sql"),
    include_str!("sqlite/migrations/0010_rollup_spans.sql"),
];

#[derive(Clone)]
pub struct SqliteStore {
    path: std::path::PathBuf,
    readers: Arc<ReaderPool>,
    writer: Writer,
    /// Write generations, counts and offset bookmarks (see `listing.rs`).
    listing: Arc<crate::listing::Listing>,
    /// Directory entries that lookups read, per tenant generation (see `directory.rs`).
    directory_cache: Arc<directory::Cache>,
    /// Directory numbers read so far (see `numbers.rs`).
    number_cache: Arc<numbers::NumberCache>,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database file at `path`.
    pub async fn open(path: &Path) -> StoreResult<SqliteStore> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || SqliteStore::open_blocking(&path))
            .await
            .map_err(|err| StoreError::Database(Box::new(err)))?
    }

    fn open_blocking(path: &Path) -> StoreResult<SqliteStore> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        // Checkpoint every 64 MiB of WAL rather than every 4 MiB: a large batch then does
        // not copy its pages into the database file on (nearly) every commit.
        conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
        migrate(&mut conn)?;
        let writer = Writer::start(conn)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            readers: Arc::new(ReaderPool::new(path.to_owned())),
            writer,
            listing: Arc::new(crate::listing::Listing::default()),
            directory_cache: Arc::new(directory::Cache::default()),
            number_cache: Arc::new(numbers::NumberCache::default()),
        })
    }

    /// The writer's figures, for `/metrics`.
    pub fn writer_stats(&self) -> writer::WriterStats {
        self.writer.stats.clone()
    }

    /// The bytes the database takes on disk: its file and its write-ahead log.
    pub fn size_bytes(&self) -> u64 {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        [self.path.as_os_str(), wal.as_os_str()]
            .into_iter()
            .filter_map(|it| std::fs::metadata(it).ok())
            .map(|it| it.len())
            .sum()
    }

    /// Runs `read` on a pooled read-only connection, off the async threads.
    async fn read<R, F>(&self, read: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<R> + Send + 'static,
    {
        let pool = self.readers.clone();
        // At most as many reads at once as the pool has connections: the others wait here, not in blocking threads
        // each opening a connection with its own page cache.
        let permit = pool
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|err| StoreError::Database(Box::new(err)))?;
        tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let result = read(&conn);
            pool.give_back(conn);
            drop(permit);
            result
        })
        .await
        .map_err(|err| StoreError::Database(Box::new(err)))?
    }

    async fn write<R, F>(&self, job: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut WriteCtx) -> StoreResult<R> + Send + 'static,
    {
        self.writer.run(job).await
    }

    pub async fn create_tenant(&self, tenant: NewTenant) -> StoreResult<Tenant> {
        cxhub_model::directory::Tenant::check_id(tenant.id.as_str()).map_err(|reason| {
            StoreError::Invalid(cxhub_model::error::FieldError::new("id", reason))
        })?;
        self.write(move |ctx| {
            let conn = ctx.conn();
            let exists: Option<i64> = conn
                .query_row(
                    "select pk from tenant where id = ?1",
                    [tenant.id.as_str()],
                    |row| row.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Conflict(format!("tenant {}", tenant.id)));
            }
            let created_at = Instant::now();
            conn.execute(
                "insert into tenant (id, name, timezone, created_at) values (?1, ?2, ?3, ?4)",
                params![
                    tenant.id.as_str(),
                    tenant.name,
                    tenant.timezone.name(),
                    created_at.as_millis()
                ],
            )?;
            let pk = conn.last_insert_rowid();
            directory::upsert_statuses(conn, pk, &PresenceStatus::defaults())?;
            Ok(Tenant {
                id: tenant.id,
                name: tenant.name,
                timezone: tenant.timezone,
                created_at,
            })
        })
        .await
    }

    pub async fn tenant(&self, id: Key) -> StoreResult<Option<(TenantScope, Tenant)>> {
        self.read(move |conn| {
            let row = conn
                .query_row(
                    "select pk, name, timezone, created_at from tenant where id = ?1",
                    [id.as_str()],
                    |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, i64>(3)?,
                        ))
                    },
                )
                .optional()?;
            let Some((pk, name, timezone, created_at)) = row else {
                return Ok(None);
            };
            let tenant = Tenant {
                id: id.clone(),
                name,
                timezone: Zone::parse(&timezone).map_err(codec::corrupt)?,
                created_at: codec::instant(created_at)?,
            };
            let scope = TenantScope {
                pk,
                id,
                zone: tenant.timezone.clone(),
            };
            Ok(Some((scope, tenant)))
        })
        .await
    }

    pub async fn list_tenants(&self) -> StoreResult<Vec<Key>> {
        self.read(|conn| {
            let mut stmt = conn.prepare("select id from tenant order by id")?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            rows.map(|it| Key::parse(&it?).map_err(codec::corrupt))
                .collect()
        })
        .await
    }

    pub async fn update_tenant(
        &self,
        scope: TenantScope,
        name: Option<String>,
        zone: Option<Zone>,
    ) -> StoreResult<Tenant> {
        self.write(move |ctx| {
            let conn = ctx.conn();
            if let Some(name) = &name {
                conn.execute(
                    "update tenant set name = ?1 where pk = ?2",
                    params![name, scope.pk],
                )?;
            }
            if let Some(zone) = &zone {
                conn.execute(
                    "update tenant set timezone = ?1 where pk = ?2",
                    params![zone.name(), scope.pk],
                )?;
            }
            let (name, timezone, created_at) = conn.query_row(
                "select name, timezone, created_at from tenant where pk = ?1",
                [scope.pk],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                    ))
                },
            )?;
            Ok(Tenant {
                id: scope.id,
                name,
                timezone: Zone::parse(&timezone).map_err(codec::corrupt)?,
                created_at: codec::instant(created_at)?,
            })
        })
        .await
    }

    pub async fn create_token(
        &self,
        tenant: Key,
        role: Role,
        label: Option<String>,
    ) -> StoreResult<(TokenInfo, String)> {
        self.write(move |ctx| {
            let conn = ctx.conn();
            let pk: Option<i64> =
                conn.query_row("select pk from tenant where id = ?1", [tenant.as_str()], |row| row.get(0)).optional()?;
            let Some(pk) = pk else { return Err(StoreError::NotFound) };
            let (token, id) = tokens::generate();
            let created_at = Instant::now();
            conn.execute(
                "insert into api_token (id, tenant_pk, role, hash, label, created_at) values (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, pk, role.as_str(), tokens::hash(&token).as_slice(), label, created_at.as_millis()],
            )?;
            Ok((TokenInfo { id, tenant, role, label, created_at, revoked_at: None }, token))
        })
        .await
    }

    pub async fn list_tokens(&self, tenant: Option<Key>) -> StoreResult<Vec<TokenInfo>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "select t.id, n.id, t.role, t.label, t.created_at, t.revoked_at from api_token t
                 join tenant n on n.pk = t.tenant_pk where ?1 is null or n.id = ?1 order by t.created_at, t.id",
            )?;
            let mut rows = stmt.query([tenant.as_ref().map(Key::as_str)])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let role: String = row.get(2)?;
                out.push(TokenInfo {
                    id: row.get(0)?,
                    tenant: Key::parse(&row.get::<_, String>(1)?).map_err(codec::corrupt)?,
                    role: Role::parse(&role).ok_or_else(|| codec::corrupt(format!("role {role}")))?,
                    label: row.get(3)?,
                    created_at: codec::instant(row.get(4)?)?,
                    revoked_at: row.get::<_, Option<i64>>(5)?.map(codec::instant).transpose()?,
                });
            }
            Ok(out)
        })
        .await
    }

    pub async fn revoke_token(&self, id: String, tenant: Option<Key>) -> StoreResult<()> {
        self.write(move |ctx| {
            let changed = ctx.conn().execute(
                "update api_token set revoked_at = coalesce(revoked_at, ?1)
                 where id = ?2 and (?3 is null or tenant_pk = (select pk from tenant where id = ?3))",
                params![Instant::now().as_millis(), id, tenant.as_ref().map(Key::as_str)],
            )?;
            match changed {
                0 => Err(StoreError::NotFound),
                _ => Ok(()),
            }
        })
        .await
    }

    pub async fn authenticate(&self, hash: [u8; 32]) -> StoreResult<Option<Grant>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "select t.id, t.role, n.pk, n.id, n.timezone from api_token t join tenant n on n.pk = t.tenant_pk
                 where t.hash = ?1 and t.revoked_at is null",
            )?;
            let row = stmt
                .query_row([hash.as_slice()], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                    ))
                })
                .optional()?;
            let Some((token_id, role, pk, tenant, zone)) = row else { return Ok(None) };
            let role = Role::parse(&role).ok_or_else(|| codec::corrupt(format!("role {role}")))?;
            let id = Key::parse(&tenant).map_err(codec::corrupt)?;
            let zone = Zone::parse(&zone).map_err(codec::corrupt)?;
            Ok(Some(Grant { scope: TenantScope { pk, id, zone }, role, token_id }))
        })
        .await
    }
}

/// Settings every connection gets.
fn configure(conn: &Connection) -> StoreResult<()> {
    conn.pragma_update(None, "foreign_keys", "on")?;
    conn.pragma_update(None, "synchronous", "full")?;
    conn.pragma_update(None, "busy_timeout", 10_000)?;
    // 64 MiB of page cache per connection (negative means KiB).
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "memory")?;
    // The query planner stability guarantee: a statement's plan never depends on the
    // values bound to it. Without it, SQLite marks a statement for re-preparing whenever
    // its planner peeked at a bound value (an `=` term it estimated, a LIMIT), and
    // `sqlite3_clear_bindings`, which rusqlite calls each time a cached statement goes
    // back to the cache, then expires it: every cached statement was parsed and planned
    // again on every use (18% of the writer's time on `POST /v1/events`). The plans lose
    // nothing: the store runs no ANALYZE, so there are no statistics to read values against.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let applied: usize = conn
        .pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))?
        .try_into()
        .unwrap_or(0);
    if applied > MIGRATIONS.len() {
        return Err(StoreError::Database(
            format!(
                "database schema version {applied} is newer than this cxhub ({})",
                MIGRATIONS.len()
            )
            .into(),
        ));
    }
    for (idx, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (idx + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = idx + 1, "applied migration");
    }
    Ok(())
}

/// Read-only connections, opened on demand and reused.
struct ReaderPool {
    path: PathBuf,
    /// How many connections to keep, from the machine (`crate::sizing`).
    size: usize,
    /// Page cache of each, in KiB (the writer keeps 64 MiB).
    cache_kib: i64,
    idle: Mutex<Vec<Connection>>,
    /// One per connection the pool may have open.
    permits: Arc<tokio::sync::Semaphore>,
}

impl ReaderPool {
    fn new(path: PathBuf) -> ReaderPool {
        let size = crate::sizing::sqlite_readers();
        ReaderPool {
            path,
            size,
            cache_kib: crate::sizing::sqlite_reader_cache_kib(size),
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(tokio::sync::Semaphore::new(size)),
        }
    }

    fn take(&self) -> StoreResult<Connection> {
        if let Some(conn) = self.idle.lock().expect("reader pool lock").pop() {
            return Ok(conn);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        configure(&conn)?;
        // Readers keep a smaller cache: the OS page cache holds the file anyway, and
        // each connection's cache is private memory.
        conn.pragma_update(None, "cache_size", -self.cache_kib)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().expect("reader pool lock");
        if idle.len() < self.size {
            idle.push(conn);
        }
    }
}

/// A stored record as a write sees it: the row it is in (for joins and updates, never
/// shown), the id the store shows for it (its per-tenant number), and its version.
#[derive(Debug, Clone, Copy)]
struct StoredRecord {
    row: i64,
    id: cxhub_model::ids::RecordId,
    version: i64,
}

/// The record stored under an idempotency key, if any.
/// `table` is one of the record tables, which all carry `(tenant_pk, source, external_id)`.
fn upsert_key(
    conn: &Connection,
    table: &'static str,
    tenant_pk: i64,
    source: &Key,
    external_id: &Key,
) -> StoreResult<Option<StoredRecord>> {
    let sql = format!(
        "select id, number, version from {table} where tenant_pk = ?1 and source = ?2 and external_id = ?3"
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row(
            params![tenant_pk, source.as_str(), external_id.as_str()],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get(2)?)),
        )
        .optional()?;
    found
        .map(|(row, number, version)| {
            Ok(StoredRecord {
                row,
                id: codec::record_id(number)?,
                version,
            })
        })
        .transpose()
}

/// The row of the tenant's record whose id (its per-tenant number) is `id`, if any.
/// `table` is one of the record tables.
fn row_of(
    conn: &Connection,
    table: &'static str,
    tenant_pk: i64,
    id: cxhub_model::ids::RecordId,
) -> StoreResult<Option<i64>> {
    let sql = format!("select id from {table} where tenant_pk = ?1 and number = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![tenant_pk, id.get()], |row| row.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use rusqlite::{Connection, StatementStatus};

    use super::configure;

    /// A cached statement whose planner peeked at a bound value is not parsed and
    /// planned again each time it comes back from the cache (see `configure`).
    #[test]
    fn cached_statements_are_not_prepared_again() {
        let conn = Connection::open_in_memory().unwrap();
        configure(&conn).unwrap();
        conn.execute_batch(
            "create table t (a integer not null, b integer not null, c text, primary key (a, b)) without rowid;
             insert into t values (1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z');",
        )
        .unwrap();
        let sql = "select c from t where a = ?1 order by b";
        let mut reprepared = 0;
        for a in [1, 2, 1, 2] {
            let mut stmt = conn.prepare_cached(sql).unwrap();
            let rows: Vec<String> = stmt
                .query_map([a], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(!rows.is_empty());
            reprepared = stmt.get_status(StatementStatus::RePrepare);
        }
        assert_eq!(reprepared, 0);
    }
}
