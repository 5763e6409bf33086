//! `cxhub copy` moves a simulated week from SQLite to PostgreSQL: every list answer, in
//! the native API and the three dialects, is the same byte for byte before and after,
//! through the same tokens; and a second run changes nothing.

mod common;

use std::path::Path;

use serde_json::{Value, json};

use common::{Server, cxhub, ok};
use cxhub_store::testing::TestDb;

const WEEK: &str = "selectedDate=2026/11/16%2000:00:00-2026/11/23%2000:00:00";

/// A response's status and body, as sent.
async fn raw(base: &str, token: &str, method: &str, path: &str, body: Option<&Value>) -> String {
    let client = reqwest::Client::new();
    let request = match body {
        Some(body) => client.post(format!("{base}{path}")).json(body),
        None => client.request(method.parse().unwrap(), format!("{base}{path}")),
    };
    let response = request.bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    // klink gives each answer a fresh request id; everything else must match.
    let text = match text.find("\"requestId\":\"") {
        Some(at) => {
            let end = at + text[at..].find("\",").map_or(0, |it| it + 2);
            format!("{}{}", &text[..at], &text[end..])
        }
        None => text,
    };
    format!("{status} {text}")
}

/// Where two answers first differ, with a little of each around it.
fn first_difference(was: &str, is: &str) -> String {
    let at = was
        .bytes()
        .zip(is.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(was.len().min(is.len()));
    let around = |text: &str| {
        let start = text.floor_char_boundary(at.saturating_sub(120));
        let end = text.ceil_char_boundary((at + 120).min(text.len()));
        text[start..end].to_owned()
    };
    format!(
        "at byte {at}:\n  before: {}\n  after:  {}",
        around(was),
        around(is)
    )
}

/// Every list answer a client could ask for: native lists walked to their end, and the
/// dialects' pages.
async fn answers(base: &str, token: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let native = [
        "/v1/calls",
        "/v1/interactions",
        "/v1/presence",
        "/v1/tickets",
        "/v1/users",
        "/v1/queues",
        "/v1/contacts",
        "/v1/extensions",
        "/v1/tags",
        "/v1/categories",
        "/v1/attributes",
        "/v1/presence-statuses",
    ];
    for list in native {
        let mut path = format!("{list}?limit=200");
        loop {
            let answer = raw(base, token, "GET", &path, None).await;
            let next = answer
                .split_once(' ')
                .and_then(|(_, body)| serde_json::from_str::<Value>(body).ok())
                .and_then(|body| body["next_cursor"].as_str().map(str::to_owned));
            out.push((path.clone(), answer));
            match next {
                Some(cursor) => path = format!("{list}?limit=200&cursor={cursor}"),
                None => break,
            }
        }
    }
    let pages = [
        format!("/api/v1/cx-logs?{WEEK}&page=1&pageSize=100"),
        format!("/api/v1/cx-logs?{WEEK}&page=7&pageSize=100"),
        format!("/api/v1/user-presence-status-log?{WEEK}&page=2&pageSize=50"),
        "/api/v1/tickets?page=1&pageSize=50".to_owned(),
        "/api/v1/contacts?page=2&pageSize=20".to_owned(),
        "/api/v1/tags".to_owned(),
        "/v1/api/apps/acme/data/call-log?limit=100&offset=0".to_owned(),
        "/v1/api/apps/acme/data/call-log?limit=100&offset=300".to_owned(),
    ];
    for path in pages {
        let answer = raw(base, token, "GET", &path, None).await;
        out.push((path, answer));
    }
    let sencloud = "/v1/shop.Sencloud/ListCallLogs";
    let first = raw(
        base,
        token,
        "POST",
        sencloud,
        Some(&json!({"paging": {"limit": 50}})),
    )
    .await;
    let next: Value = serde_json::from_str(first.split_once(' ').unwrap().1).unwrap();
    out.push((sencloud.to_owned(), first));
    let body = json!({"paging": {"limit": 50, "after": next["paging"]["next"]}});
    let second = raw(base, token, "POST", sencloud, Some(&body)).await;
    out.push((format!("{sencloud} (second page)"), second));
    out
}

#[tokio::test]
async fn a_simulated_week_moves_to_postgres_and_every_list_answers_the_same() {
    let Some(postgres) = TestDb::postgres().await else {
        return;
    };
    let sqlite = TestDb::sqlite();
    let db = Path::new(sqlite.url());
    let week = [
        "simulate",
        "--tenant",
        "acme",
        "--days",
        "7",
        "--calls-per-day",
        "150",
        "--start",
        "2026-11-16",
    ];
    ok(&cxhub(db, &week));
    ok(&cxhub(
        db,
        &[
            "simulate",
            "--tenant",
            "other",
            "--days",
            "1",
            "--calls-per-day",
            "40",
        ],
    ));
    let token = ok(&cxhub(
        db,
        &["token", "create", "--tenant", "acme", "--role", "read"],
    ));
    let token = token.trim();
    let revoked = ok(&cxhub(
        db,
        &[
            "token", "create", "--tenant", "acme", "--role", "read", "--label", "gone",
        ],
    ));
    let listed = ok(&cxhub(db, &["token", "list", "--tenant", "acme"]));
    let line = listed.lines().find(|it| it.contains("gone")).unwrap();
    let revoked_id = line.split_whitespace().next().unwrap();
    ok(&cxhub(db, &["token", "revoke", revoked_id]));

    let before = {
        let server = Server::start(db);
        assert!(
            raw(&server.base, revoked.trim(), "GET", "/v1/calls", None)
                .await
                .starts_with("401")
        );
        answers(&server.base, token).await
    };
    assert!(before.len() > 30, "{} answers", before.len());
    assert!(
        before.iter().all(|(_, answer)| answer.starts_with("200 ")),
        "{before:?}"
    );

    let target = Path::new(postgres.url());
    let copy = ["copy", "--from", sqlite.url(), "--to", postgres.url()];
    ok(&cxhub(target, &copy));
    // A second run (say, after an interruption) finds everything there and changes nothing.
    ok(&cxhub(target, &copy));

    let server = Server::start(target);
    let after = answers(&server.base, token).await;
    assert_eq!(before.len(), after.len());
    for ((path, was), (_, is)) in before.iter().zip(&after) {
        assert!(was == is, "{path} {}", first_difference(was, is));
    }
    assert!(
        raw(&server.base, revoked.trim(), "GET", "/v1/calls", None)
            .await
            .starts_with("401")
    );
    let other = ok(&cxhub(
        target,
        &["token", "create", "--tenant", "other", "--role", "read"],
    ));
    let (status, calls) = common::get(&server.base, other.trim(), "/v1/calls?limit=5").await;
    assert_eq!(
        (status, calls["data"].as_array().map(Vec::len)),
        (200, Some(5))
    );
}
