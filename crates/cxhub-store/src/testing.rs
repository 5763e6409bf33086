//! Databases for the workspace's tests, on either backend.
//!
//! SQLite runs on a fresh file. PostgreSQL runs when `CXHUB_TEST_POSTGRES_URL` names a
//! server (`.ci/run` starts one): each [`TestDb`] is a database of its own, dropped
//! with it. Without the URL the PostgreSQL half is skipped with a message, except in CI
//! (`CI=true`), where a missing URL fails the test instead of skipping it.

/// A database for one test, removed when dropped.
pub struct TestDb {
    url: String,
    /// The server's URL and the database's name, for PostgreSQL.
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// The URL to open it with (`Store::open`, `cxhub serve --db`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// A SQLite file in a fresh directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("cxhub.db").display());
        TestDb {
            url,
            postgres: None,
            _dir: Some(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a message) where no test server is
    /// named outside CI.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_url()?;
        let name = format!("cxhub_t_{}_{}", std::process::id(), rand::random::<u32>());
        let (client, connection) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
            .await
            .expect("the test PostgreSQL server accepts connections");
        tokio::spawn(connection);
        client
            .batch_execute(&format!("create database {name}"))
            .await
            .expect("a test database can be created");
        Some(TestDb {
            url: with_database(&admin_url, &name),
            postgres: Some((admin_url, name)),
            _dir: None,
        })
    }
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

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // On a thread of its own: the test's runtime may be shutting down. The stores'
        // connections are closed by now, or `with (force)` closes them.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
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
