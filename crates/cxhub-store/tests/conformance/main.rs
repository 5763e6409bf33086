//! The store's conformance suite: one story per use case, run on every backend.
//!
//! SQLite always runs, on a fresh file. PostgreSQL runs when `CXHUB_TEST_POSTGRES_URL`
//! names a server (`.ci/run` starts one), each test on a database of its own, dropped
//! afterwards; without it the PostgreSQL half is skipped with a message, except in CI,
//! where a missing URL fails the suite. Each story is written once against the
//! backends' common methods, through [`on_each!`].

use cxhub_store::postgres::PgStore;
use cxhub_store::sqlite::SqliteStore;

/// A SQLite store on a fresh file, kept while the store lives.
pub struct Sqlite {
    pub store: SqliteStore,
    _dir: tempfile::TempDir,
}

pub async fn sqlite() -> Sqlite {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cxhub.db"))
        .await
        .unwrap();
    Sqlite { store, _dir: dir }
}

/// A PostgreSQL store on a database of its own, dropped with this value.
pub struct Postgres {
    pub store: PgStore,
    db: cxhub_store::testing::TestDb,
}

impl Postgres {
    /// The URL of this test's own database.
    pub fn url(&self) -> String {
        self.db.url().to_owned()
    }
}

pub async fn postgres() -> Option<Postgres> {
    let db = cxhub_store::testing::TestDb::postgres().await?;
    let store = PgStore::open(db.url()).await.unwrap();
    Some(Postgres { store, db })
}

/// Runs `$body` once per backend, with `$store` bound to that backend's store and
/// `$backend` to its name (for assertion messages).
macro_rules! on_each {
    (|$backend:ident, $store:ident| $body:block) => {{
        {
            let held = $crate::sqlite().await;
            let $backend = "sqlite";
            let $store = &held.store;
            $body
        }
        if let Some(held) = $crate::postgres().await {
            let $backend = "postgres";
            let $store = &held.store;
            $body
        }
    }};
}

/// Creates tenants (UTC) on a store; gives their keys in the store (`pk`), in order.
macro_rules! tenants {
    ($store:expr, [$($id:expr),+]) => {{
        let mut pks = Vec::new();
        $(
            $store
                .create_tenant(cxhub_store::NewTenant {
                    id: cxhub_model::ids::Key::parse($id).unwrap(),
                    name: $id.to_owned(),
                    timezone: cxhub_model::time::Zone::utc(),
                })
                .await
                .unwrap();
            let id = cxhub_model::ids::Key::parse($id).unwrap();
            pks.push($store.tenant(id).await.unwrap().unwrap().0.pk);
        )+
        pks
    }};
}

mod agent_time;
mod directory;
mod events;
mod interactions;
mod presence;
mod rollups;
mod several_servers;
mod tenants;
mod tickets;
