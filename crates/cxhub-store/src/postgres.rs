//! The PostgreSQL backend, for several stateless servers on one database.
//!
//! Built up a use case at a time behind the same methods as [`crate::sqlite`], each
//! checked by the conformance suite (`crates/cxhub-store/tests/conformance`) on both
//! backends. `Store::open` hands it `postgres://` URLs once every use case is here.
//!
//! Connections come from a deadpool pool over tokio-postgres (`docs/decisions.md`).
//! Migrations run in one transaction under an advisory lock, so servers started
//! together on a new database migrate it once.

pub mod baseline;
mod copy;
mod copy_in;
mod directory;
mod events;
mod interactions;
mod presence;
mod rollups;
mod rows;
mod sql;
mod tenants;
mod tickets;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use tokio_postgres::NoTls;

use crate::{StoreError, StoreResult};
use sql::prepared;

/// The schema, in order; each runs once, recorded in `cxhub_migration`.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("postgres/migrations/0001_tenants.sql")),
    (2, include_str!("postgres/migrations/0002_directory.sql")),
    (3, include_str!("postgres/migrations/0003_records.sql")),
    (
        4,
        include_str!("postgres/migrations/0004_imported_numbers.sql"),
    ),
    (
        5,
        include_str!("postgres/migrations/0005_directory_statement_triggers.sql"),
    ),
    (6, include_str!("postgres/migrations/0006_rollups.sql")),
    (
        7,
        include_str!("postgres/migrations/0007_agent_time_and_hours.sql"),
    ),
    (8, include_str!("postgres/migrations/0008_rollup_spans.sql")),
];

/// Any constant shared by every cxhub server: the advisory lock migrations hold.
const MIGRATION_LOCK: i64 = 0x6378_6875_6200;

/// The store on one PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// Counts and offset bookmarks, filed under the tenant's records generation.
    listing: std::sync::Arc<crate::listing::Listing>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database a `postgres://` URL names and migrates it.
    pub async fn open(url: &str) -> StoreResult<PgStore> {
        let pool = pool(url, crate::sizing::postgres_pool())?;
        let store = PgStore {
            pool,
            listing: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The connection pool's figures, for `/metrics`.
    pub fn pool_metrics(&self) -> PoolMetrics {
        PoolMetrics(self.pool.clone())
    }

    async fn client(&self) -> StoreResult<deadpool_postgres::Object> {
        self.pool.get().await.map_err(database)
    }

    async fn migrate(&self) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("select pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        // Created only when missing: `create table if not exists` would log a notice at
        // every start.
        let exists: bool = tx
            .query_one("select to_regclass('cxhub_migration') is not null", &[])
            .await?
            .get(0);
        if !exists {
            tx.batch_execute(
                "create table cxhub_migration (version integer primary key, applied_at bigint not null)",
            )
            .await?;
        }
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

/// A pool of at most `size` connections to the database `url` names.
fn pool(url: &str, size: usize) -> StoreResult<Pool> {
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
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(database)
}

/// Takes the tenant row's lock for the rest of the transaction. Every write takes it
/// first, before the counters and rows the triggers lock, so a tenant's writes are
/// ordered across servers, as SQLite's single writer orders them, and cannot deadlock.
async fn lock_tenant(tx: &Transaction<'_>, tenant_pk: i64) -> StoreResult<()> {
    prepared::execute(
        tx,
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

/// The tenant's records generation, as of the caller's snapshot (`crate::listing`).
async fn records_generation(tx: &Transaction<'_>, tenant_pk: i64) -> StoreResult<u64> {
    let generation: i64 = prepared::query_one(
        tx,
        "select records_generation from tenant where pk = $1",
        &[&tenant_pk],
    )
    .await?
    .get(0);
    Ok(generation.unsigned_abs())
}

/// Marks the tenant's records as changed, for what other servers cached of its lists.
async fn raise_records_generation(tx: &Transaction<'_>, tenant_pk: i64) -> StoreResult<()> {
    prepared::execute(
        tx,
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
    prepared::execute(tx, sql, &[&tenant_pk, &key]).await?;
    Ok(())
}

/// Creates stub entries in `table` for the keys that have none, in the order given
/// (which is the order their directory numbers follow), in one statement.
async fn ensure_all(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    table: &str,
    mut keys: Vec<String>,
) -> StoreResult<()> {
    let mut seen = std::collections::HashSet::new();
    keys.retain(|it| seen.insert(it.clone()));
    let (target, name) = match table {
        "user" => ("\"user\" (tenant_pk, id)", ""),
        "queue" => ("queue (tenant_pk, id)", ""),
        "contact" => ("contact (tenant_pk, id)", ""),
        "extension" => ("extension (tenant_pk, id)", ""),
        "tag" => ("tag (tenant_pk, id, name)", ", key"),
        "category" => ("category (tenant_pk, id, name)", ", key"),
        other => unreachable!("no stubs for table {other}"),
    };
    let sql = format!(
        "insert into {target} select $1, key{name} from unnest($2::text[]) with ordinality as k(key, ord)
         order by ord on conflict do nothing"
    );
    prepared::execute(tx, &sql, &[&tenant_pk, &keys]).await?;
    Ok(())
}

/// Stubs for every key named, a statement per table, the statements sent together.
async fn ensure_named(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    named: std::collections::BTreeMap<&'static str, Vec<String>>,
) -> StoreResult<()> {
    let all = named
        .into_iter()
        .map(|(table, keys)| ensure_all(tx, tenant_pk, table, keys));
    futures_util::future::try_join_all(all).await?;
    Ok(())
}

fn database(err: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Database(Box::new(err))
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(err: tokio_postgres::Error) -> StoreError {
        // PostgreSQL's text cannot hold U+0000 (SQLite's can): input with it is refused
        // as invalid, whether written or given as a filter.
        if err.code() == Some(&tokio_postgres::error::SqlState::CHARACTER_NOT_IN_REPERTOIRE) {
            return StoreError::Invalid(cxhub_model::error::FieldError::new(
                "text",
                "must not contain U+0000 (NUL), which PostgreSQL cannot store",
            ));
        }
        database(err)
    }
}

/// The connection pool's size and idle connections, read at each scrape.
#[derive(Debug)]
pub struct PoolMetrics(Pool);

impl prometheus_client::collector::Collector for PoolMetrics {
    fn encode(
        &self,
        mut encoder: prometheus_client::encoding::DescriptorEncoder,
    ) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeMetric;
        use prometheus_client::metrics::MetricType;
        use prometheus_client::metrics::gauge::ConstGauge;
        let status = self.0.status();
        let figures = [
            (
                "cxhub_postgres_pool_connections",
                "Connections the pool holds",
                status.size,
            ),
            (
                "cxhub_postgres_pool_idle",
                "Connections of the pool not in use",
                status.available,
            ),
            (
                "cxhub_postgres_pool_max",
                "Connections the pool may hold",
                status.max_size,
            ),
        ];
        for (name, help, value) in figures {
            let metric = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
            ConstGauge::new(i64::try_from(value).unwrap_or(i64::MAX)).encode(metric)?;
        }
        Ok(())
    }
}
