//! Keyset pagination: every record exactly once, also while records are inserted.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::helpers::{call, spawn_app};

fn at(minute: u32) -> String {
    format!(
        "2026-11-{:02}T{:02}:{:02}:00Z",
        1 + minute / 1440,
        (minute / 60) % 24,
        minute % 60
    )
}

#[tokio::test]
async fn a_walk_returns_every_call_once_while_others_are_inserted() {
    let app = spawn_app().await;
    // 1,200 calls, several sharing each start instant so ties are broken by id.
    let batch: Vec<Value> = (0..1200)
        .map(|idx| call(&format!("c{idx}"), &at(idx / 3)))
        .collect();
    let (status, report) = app
        .post(&app.acme.write, "/v1/calls", &Value::Array(batch))
        .await;
    assert_eq!((status, report["created"].as_u64()), (200, Some(1200)));
    let existing: HashSet<String> = report["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["id"].as_str().unwrap().to_owned())
        .collect();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut inserted = 0;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/calls?limit=97&cursor={cursor}"),
            None => "/v1/calls?limit=97".to_owned(),
        };
        let (status, page) = app.get(&app.acme.read, &path).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|it| it["id"].as_str().unwrap().to_owned()),
        );
        // Between pages, new calls land before, inside and after the walked range.
        let fresh: Vec<Value> = [0, 200, 400, 2000]
            .iter()
            .map(|minute| {
                inserted += 1;
                call(&format!("new{inserted}"), &at(*minute))
            })
            .collect();
        assert_eq!(
            app.post(&app.acme.write, "/v1/calls", &Value::Array(fresh))
                .await
                .0,
            200
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a record came twice");
    for id in &existing {
        assert!(unique.contains(id), "record {id} was skipped");
    }
}

#[tokio::test]
async fn pages_are_newest_first_and_limited() {
    let app = spawn_app().await;
    let batch: Vec<Value> = (0..30)
        .map(|idx| call(&format!("c{idx}"), &at(idx)))
        .collect();
    app.post(&app.acme.write, "/v1/calls", &Value::Array(batch))
        .await;
    let (_, page) = app.get(&app.acme.read, "/v1/calls?limit=10").await;
    let starts: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["started_at"].as_str().unwrap())
        .collect();
    assert_eq!(starts.len(), 10);
    assert!(starts.windows(2).all(|pair| pair[0] >= pair[1]));
    assert_eq!(starts[0], "2026-11-01T00:29:00.000Z");
    let (_, last) = app.get(&app.acme.read, "/v1/calls?limit=30").await;
    assert_eq!(
        last["next_cursor"],
        Value::Null,
        "no cursor once the list is exhausted"
    );
    let (_, default) = app.get(&app.acme.read, "/v1/calls").await;
    assert_eq!(default["data"].as_array().unwrap().len(), 30);
    let _ = json!(null);
}
