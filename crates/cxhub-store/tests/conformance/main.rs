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
    admin_url: String,
    name: String,
}

/// The test server's URL, if there is one.
fn postgres_url() -> Option<String> {
    match std::env::var("CXHUB_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|it| it == "true") => {
            panic!(
                "CI=true but CXHUB_TEST_POSTGRES_URL is unset: the PostgreSQL half must run in CI"
            )
        }
        _ => {
            eprintln!(
                "CXHUB_TEST_POSTGRES_URL is unset: the PostgreSQL half of this test is skipped"
            );
            None
        }
    }
}

impl Postgres {
    /// The URL of this test's own database.
    pub fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }
}

pub async fn postgres() -> Option<Postgres> {
    let admin_url = postgres_url()?;
    let name = format!("cxhub_t_{}_{}", std::process::id(), rand::random::<u32>());
    let (client, connection) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("create database {name}"))
        .await
        .unwrap();
    let url = with_database(&admin_url, &name);
    let store = PgStore::open(&url).await.unwrap();
    Some(Postgres {
        store,
        admin_url,
        name,
    })
}

/// The URL with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |it| it + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // The pool's connections close with the store; then the database can go.
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let Ok((client, connection)) =
                    tokio_postgres::connect(&admin_url, tokio_postgres::NoTls).await
                else {
                    return;
                };
                tokio::spawn(connection);
                let _ = client
                    .batch_execute(&format!("drop database if exists {name} with (force)"))
                    .await;
            });
        })
        .join()
        .ok();
    }
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

mod directory;
mod presence;
mod several_servers;
mod tenants;
mod tickets;
