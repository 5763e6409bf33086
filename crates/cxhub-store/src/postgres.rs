//! The PostgreSQL backend, for several stateless servers on one database.
//!
//! Built up a use case at a time behind the same methods as [`crate::sqlite`], each
//! checked by the conformance suite (`crates/cxhub-store/tests/conformance`) on both
//! backends. `Store::open` hands it `postgres://` URLs once every use case is here.
//!
//! Connections come from a deadpool pool over tokio-postgres (`docs/decisions.md`).
//! Migrations run in one transaction under an advisory lock, so servers started
//! together on a new database migrate it once.

mod directory;
mod presence;
mod rows;
mod sql;
mod tenants;
mod tickets;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use tokio_postgres::NoTls;

use crate::{StoreError, StoreResult};

/// The schema, in order; each runs once, recorded in `cxhub_migration`.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("postgres/migrations/0001_tenants.sql")),
    (2, include_str!("postgres/migrations/0002_directory.sql")),
    (3, include_str!("postgres/migrations/0003_records.sql")),
];

/// Any constant shared by every cxhub server: the advisory lock migrations hold.
const MIGRATION_LOCK: i64 = 0x6378_6875_6200;

/// The store on one PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database a `postgres://` URL names and migrates it.
    pub async fn open(url: &str) -> StoreResult<PgStore> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|err| StoreError::UnsupportedUrl(format!("{url}: {err}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(crate::sizing::postgres_pool())
            .build()
            .map_err(database)?;
        let store = PgStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn client(&self) -> StoreResult<deadpool_postgres::Object> {
        self.pool.get().await.map_err(database)
    }

    async fn migrate(&self) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("select pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "create table if not exists cxhub_migration (version integer primary key, applied_at bigint not null)",
        )
        .await?;
        let done: Option<i32> = tx
            .query_one("select max(version) from cxhub_migration", &[])
            .await?
            .get(0);
        for (version, sql) in MIGRATIONS {
            if done.is_some_and(|done| *version <= done) {
                continue;
            }
            tx.batch_execute(sql).await?;
            tx.execute(
                "insert into cxhub_migration (version, applied_at) values ($1, $2)",
                &[version, &cxhub_model::time::Instant::now().as_millis()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Takes the tenant row's lock for the rest of the transaction. Every write takes it
/// first, before the counters and rows the triggers lock, so a tenant's writes are
/// ordered across servers, as SQLite's single writer orders them, and cannot deadlock.
async fn lock_tenant(tx: &Transaction<'_>, tenant_pk: i64) -> StoreResult<()> {
    tx.execute(
        "select 1 from tenant where pk = $1 for update",
        &[&tenant_pk],
    )
    .await?;
    Ok(())
}

/// A read-only transaction that sees one snapshot, for reads of several statements.
async fn snapshot(client: &mut deadpool_postgres::Object) -> StoreResult<Transaction<'_>> {
    Ok(client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

/// Marks the tenant's records as changed, for what other servers cached of its lists.
async fn raise_records_generation(tx: &Transaction<'_>, tenant_pk: i64) -> StoreResult<()> {
    tx.execute(
        "update tenant set records_generation = records_generation + 1 where pk = $1",
        &[&tenant_pk],
    )
    .await?;
    Ok(())
}

/// Creates a stub directory entry a record names, unless the key exists.
async fn ensure(tx: &Transaction<'_>, tenant_pk: i64, table: &str, key: &str) -> StoreResult<()> {
    let sql = match table {
        "user" => "insert into \"user\" (tenant_pk, id) values ($1, $2) on conflict do nothing",
        "queue" => "insert into queue (tenant_pk, id) values ($1, $2) on conflict do nothing",
        "contact" => "insert into contact (tenant_pk, id) values ($1, $2) on conflict do nothing",
        "extension" => {
            "insert into extension (tenant_pk, id) values ($1, $2) on conflict do nothing"
        }
        "tag" => "insert into tag (tenant_pk, id, name) values ($1, $2, $2) on conflict do nothing",
        "category" => {
            "insert into category (tenant_pk, id, name) values ($1, $2, $2) on conflict do nothing"
        }
        other => unreachable!("no stubs for table {other}"),
    };
    tx.execute(sql, &[&tenant_pk, &key]).await?;
    Ok(())
}

fn database(err: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Database(Box::new(err))
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(err: tokio_postgres::Error) -> StoreError {
        database(err)
    }
}
