//! A server per test, with two tenants and a token of each role for each.

use cxhub_model::ids::Key;
use cxhub_model::time::Zone;
use cxhub_server::AppState;
use cxhub_store::tokens::Role;
use cxhub_store::{NewTenant, Store};
use serde_json::{Value, json};

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub acme: Tokens,
    pub globex: Tokens,
    /// The server's database, removed with the app.
    pub db: cxhub_store::testing::TestDb,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub struct Tokens {
    pub read: String,
    pub write: String,
    pub admin: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(cxhub_server::serve::Limits::default()).await
}

/// A server with other limits (timeouts, connections, shutdown grace).
pub async fn spawn_app_with(limits: cxhub_server::serve::Limits) -> TestApp {
    let db = test_db().await;
    let store = Store::open(db.url()).await.unwrap();
    let acme = tenant(&store, "acme", "Asia/Singapore").await;
    let globex = tenant(&store, "globex", "America/New_York").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    // The server runs until the test's `TestApp` is dropped.
    tokio::spawn(cxhub_server::serve_with(
        listener,
        AppState::new(store),
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    TestApp {
        base,
        client: reqwest::Client::new(),
        acme,
        globex,
        db,
        _shutdown: shutdown,
    }
}

/// This binary runs every test on one backend: `api` on SQLite, `api_postgres` (the same
/// tests, `Cargo.toml`) on PostgreSQL where a test server is named.
const ON_POSTGRES: bool = matches!(env!("CARGO_CRATE_NAME").as_bytes(), b"api_postgres");

/// A fresh database of this binary's backend. Without a PostgreSQL test server (outside
/// CI) the PostgreSQL binary's tests run on SQLite, and say so.
pub async fn test_db() -> cxhub_store::testing::TestDb {
    if ON_POSTGRES && let Some(db) = cxhub_store::testing::TestDb::postgres().await {
        return db;
    }
    cxhub_store::testing::TestDb::sqlite()
}

async fn tenant(store: &Store, id: &str, zone: &str) -> Tokens {
    let key = Key::parse(id).unwrap();
    store
        .create_tenant(NewTenant {
            id: key.clone(),
            name: id.to_owned(),
            timezone: Zone::parse(zone).unwrap(),
        })
        .await
        .unwrap();
    let token = async |role| store.create_token(&key, role, None).await.unwrap().1;
    Tokens {
        read: token(Role::Read).await,
        write: token(Role::Write).await,
        admin: token(Role::Admin).await,
    }
}

impl TestApp {
    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> u16 {
        let response = self
            .client
            .delete(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    }

    /// Walks a list to its end, page by page, and returns every item.
    pub async fn walk(&self, token: &str, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let separator = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(cursor) => format!("{path}{separator}cursor={cursor}"),
                None => path.to_owned(),
            };
            let (status, body) = self.get(token, &url).await;
            assert_eq!(status, 200, "{body}");
            items.extend(body["data"].as_array().unwrap().iter().cloned());
            match body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }
}

pub async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// A complete inbound call: two ring-all legs, one answered.
pub fn call(external_id: &str, started_at: &str) -> Value {
    json!({
        "source": "pbx",
        "external_id": external_id,
        "direction": "inbound",
        "status": "ended",
        "agent_id": "u-7",
        "queue_id": "q-sales",
        "contact_id": "c-1",
        "started_at": started_at,
        "call": {
            "caller": {"number": "+84901234567", "display_name": "Nguyen Van A", "country": "VN"},
            "callee": {"number": "101", "staff_id": "u-7", "is_staff": true},
            "virtual_number": "+842873001234",
            "extension": "101",
            "call_type": "offnet",
            "release_party": "caller",
            "bye_reason": "normal_clearing",
            "talk_secs": 180,
            "legs": [
                {"target_number": "101", "agent_id": "u-7", "status": "answered",
                 "ring_at": started_at, "answered_at": started_at, "ring_secs": 5},
                {"target_number": "102", "agent_id": "u-8", "status": "cancelled", "ring_at": started_at, "ring_secs": 5}
            ]
        }
    })
}

/// The `error[].field` names of a problem body.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or_else(Vec::new, |errors| {
            errors
                .iter()
                .map(|it| it["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
}
