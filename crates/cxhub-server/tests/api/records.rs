//! Upserts (idempotent, newest version wins) and every filter of the lists.

use serde_json::{Value, json};

use super::helpers::{call, spawn_app};

#[tokio::test]
async fn a_resent_upsert_is_reported_as_duplicate_and_not_doubled() {
    let app = spawn_app().await;
    let batch = json!([
        call("a", "2026-11-20T09:00:00Z"),
        call("b", "2026-11-20T09:05:00Z")
    ]);
    let (status, first) = app.post(&app.acme.write, "/v1/calls", &batch).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["created"].as_u64(), first["duplicate"].as_u64()),
        (Some(2), Some(0))
    );
    let (_, again) = app.post(&app.acme.write, "/v1/calls", &batch).await;
    assert_eq!(
        (again["created"].as_u64(), again["duplicate"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(first["data"][0]["id"], again["data"][0]["id"]);
    assert_eq!(app.walk(&app.acme.read, "/v1/calls").await.len(), 2);
}

#[tokio::test]
async fn the_newest_version_wins() {
    let app = spawn_app().await;
    let mut v2 = call("a", "2026-11-20T09:00:00Z");
    v2["version"] = json!(2);
    v2["disposition"] = json!("sale");
    assert_eq!(
        app.post(&app.acme.write, "/v1/calls", &json!([v2])).await.1["created"],
        1
    );
    let mut v1 = call("a", "2026-11-20T09:00:00Z");
    v1["version"] = json!(1);
    v1["disposition"] = json!("old");
    let (_, report) = app.post(&app.acme.write, "/v1/calls", &json!([v1])).await;
    assert_eq!(report["data"][0]["outcome"], "stale");
    let mut v3 = call("a", "2026-11-20T09:00:00Z");
    v3["version"] = json!(3);
    v3["disposition"] = json!("callback");
    v3["call"]["legs"] = json!([]);
    let (_, report) = app.post(&app.acme.write, "/v1/calls", &json!([v3])).await;
    assert_eq!(report["data"][0]["outcome"], "updated");
    let id = report["data"][0]["id"].as_str().unwrap();
    let (_, stored) = app.get(&app.acme.read, &format!("/v1/calls/{id}")).await;
    assert_eq!(stored["disposition"], "callback");
    assert_eq!(stored["version"], 3);
    assert_eq!(
        stored["call"]["legs"].as_array().unwrap().len(),
        0,
        "an update replaces the legs"
    );
}

#[tokio::test]
async fn a_call_reads_back_as_written() {
    let app = spawn_app().await;
    let sent = call("a", "2026-11-20T09:00:00Z");
    let (_, report) = app.post(&app.acme.write, "/v1/calls", &json!([sent])).await;
    let id = report["data"][0]["id"].as_str().unwrap();
    let (status, got) = app.get(&app.acme.read, &format!("/v1/calls/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(got["id"], id);
    assert_eq!(got["channel"], "voice");
    assert_eq!(got["call"]["caller"]["number"], "+84901234567");
    assert_eq!(got["call"]["callee"]["is_staff"], true);
    assert_eq!(got["call"]["legs"][1]["status"], "cancelled");
    assert_eq!(got["call"]["talk_secs"], 180);
    assert_eq!(
        got["created_at"], "2026-11-20T09:00:00.000Z",
        "created_at defaults to the start of an open call"
    );
    // Agents, queues and contacts named by a record exist from then on.
    for path in [
        "/v1/users/u-7",
        "/v1/users/u-8",
        "/v1/queues/q-sales",
        "/v1/contacts/c-1",
    ] {
        assert_eq!(app.get(&app.acme.read, path).await.0, 200, "{path}");
    }
}

/// Stores six calls that differ in one attribute each and returns their ids by name.
async fn fixture(app: &super::helpers::TestApp) -> Vec<(String, String)> {
    let mut calls = Vec::new();
    let mut named = |name: &str, at: &str, edit: &dyn Fn(&mut Value)| {
        let mut it = call(name, at);
        edit(&mut it);
        calls.push((name.to_owned(), it));
    };
    named("plain", "2026-11-20T09:00:00Z", &|_| ());
    named("outbound", "2026-11-20T10:00:00Z", &|it| {
        it["direction"] = json!("outbound")
    });
    named("busy", "2026-11-20T11:00:00Z", &|it| {
        it["status"] = json!("busy");
        it["call"]["legs"] = json!([]);
    });
    named("other-agent", "2026-11-20T12:00:00Z", &|it| {
        it["agent_id"] = json!("u-9")
    });
    named("other-queue", "2026-11-20T13:00:00Z", &|it| {
        it["queue_id"] = json!("q-support");
        it["contact_id"] = json!("c-2");
        it["call"]["caller"]["number"] = json!("+6590000000");
        it["call"]["callee"]["number"] = json!("205");
        it["call"]["extension"] = json!("205");
    });
    named("early", "2026-11-19T09:00:00Z", &|_| ());
    let body: Vec<Value> = calls.iter().map(|(_, it)| it.clone()).collect();
    let (status, report) = app
        .post(&app.acme.write, "/v1/calls", &Value::Array(body))
        .await;
    assert_eq!(status, 200, "{report}");
    let chat = json!([{"source": "chat", "external_id": "chat-1", "channel": "chat", "direction": "inbound",
        "status": "open", "agent_id": "u-7", "queue_id": "q-sales", "contact_id": "c-1", "started_at": "2026-11-20T09:30:00Z"}]);
    assert_eq!(
        app.post(&app.acme.write, "/v1/interactions", &chat).await.0,
        200
    );
    calls
        .iter()
        .zip(report["data"].as_array().unwrap())
        .map(|((name, _), it)| (name.clone(), it["id"].as_str().unwrap().to_owned()))
        .collect()
}

async fn names(app: &super::helpers::TestApp, path: &str) -> Vec<String> {
    let items = app.walk(&app.acme.read, path).await;
    items
        .iter()
        .map(|it| it["external_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_filter_selects_exactly_its_records() {
    let app = spawn_app().await;
    fixture(&app).await;
    let cases: &[(&str, &[&str])] = &[
        (
            "/v1/calls",
            &[
                "other-queue",
                "other-agent",
                "busy",
                "outbound",
                "plain",
                "early",
            ],
        ),
        (
            "/v1/calls?from=2026-11-20T00:00:00Z",
            &["other-queue", "other-agent", "busy", "outbound", "plain"],
        ),
        (
            "/v1/calls?from=2026-11-20T10:00:00Z&to=2026-11-20T12:00:00Z",
            &["busy", "outbound"],
        ),
        ("/v1/calls?to=2026-11-20T00:00:00%2B00:00", &["early"]),
        ("/v1/calls?direction=outbound", &["outbound"]),
        ("/v1/calls?status=busy", &["busy"]),
        (
            "/v1/calls?status=busy,ended&direction=outbound",
            &["outbound"],
        ),
        ("/v1/calls?agent=u-9", &["other-agent"]),
        ("/v1/calls?queue=q-support", &["other-queue"]),
        ("/v1/calls?contact=c-2", &["other-queue"]),
        ("/v1/calls?number=%2B6590000000", &["other-queue"]),
        (
            "/v1/calls?number=101",
            &["other-agent", "busy", "outbound", "plain", "early"],
        ),
        ("/v1/calls?extension=205", &["other-queue"]),
        ("/v1/interactions?channel=chat", &["chat-1"]),
        ("/v1/interactions?status=open", &["chat-1"]),
        (
            "/v1/interactions?agent=u-7&from=2026-11-20T09:00:00Z&to=2026-11-20T10:00:00Z",
            &["chat-1", "plain"],
        ),
        (
            "/v1/interactions?channel=voice,chat&queue=q-support",
            &["other-queue"],
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(names(&app, path).await, *expected, "{path}");
        let small_pages = format!(
            "{path}{}limit=1",
            if path.contains('?') { '&' } else { '?' }
        );
        assert_eq!(names(&app, &small_pages).await, *expected, "{small_pages}");
    }
}

#[tokio::test]
async fn presence_changes_list_by_agent_and_time_newest_first() {
    let app = spawn_app().await;
    let changes = json!([
        {"source": "pbx", "external_id": "p1", "user_id": "u-7", "previous_status": "offline", "new_status": "available", "at": "2026-11-20T08:00:00Z"},
        {"source": "pbx", "external_id": "p2", "user_id": "u-7", "previous_status": "available", "new_status": "lunch", "reason": "lunch", "at": "2026-11-20T12:00:00Z"},
        {"source": "pbx", "external_id": "p3", "user_id": "u-8", "previous_status": "offline", "new_status": "focus_time", "at": "2026-11-20T09:00:00Z"}
    ]);
    let (status, report) = app.post(&app.acme.write, "/v1/presence", &changes).await;
    assert_eq!(
        (status, report["created"].as_u64()),
        (200, Some(3)),
        "{report}"
    );
    assert_eq!(
        app.post(&app.acme.write, "/v1/presence", &changes).await.1["duplicate"],
        3
    );
    let ids = |items: Vec<Value>| {
        items
            .iter()
            .map(|it| it["external_id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app.walk(&app.acme.read, "/v1/presence").await),
        ["p2", "p3", "p1"]
    );
    assert_eq!(
        ids(app.walk(&app.acme.read, "/v1/presence?agent=u-7").await),
        ["p2", "p1"]
    );
    assert_eq!(
        ids(app
            .walk(
                &app.acme.read,
                "/v1/presence?from=2026-11-20T08:30:00Z&to=2026-11-20T10:00:00Z"
            )
            .await),
        ["p3"]
    );
    assert_eq!(
        ids(app.walk(&app.acme.read, "/v1/presence?status=lunch").await),
        ["p2"]
    );
    // A status named first by a change joins the catalogue, described from its name.
    let (status, focus) = app
        .get(&app.acme.read, "/v1/presence-statuses/focus_time")
        .await;
    assert_eq!(
        (status, focus["display_name"].as_str()),
        (200, Some("Focus time"))
    );
}

#[tokio::test]
async fn directory_entries_upsert_list_and_get() {
    let app = spawn_app().await;
    let users = json!([{"id": "u-1", "name": "Mai", "email": "mai@example.com", "extension": "101"}, {"id": "u-2", "name": "Linh"}]);
    let (status, report) = app.post(&app.acme.write, "/v1/users", &users).await;
    assert_eq!(
        (status, report["written"].as_u64()),
        (200, Some(2)),
        "{report}"
    );
    let renamed = json!([{"id": "u-1", "name": "Mai Tran"}]);
    app.post(&app.acme.write, "/v1/users", &renamed).await;
    let (_, user) = app.get(&app.acme.read, "/v1/users/u-1").await;
    assert_eq!(user["name"], "Mai Tran");
    let listed = app.walk(&app.acme.read, "/v1/users?limit=1").await;
    assert_eq!(listed.len(), 2);
    let queues =
        json!([{"id": "q-1", "name": "Sales", "sla_answer_secs": 20, "sla_target_pct": 80}]);
    assert_eq!(
        app.post(&app.acme.write, "/v1/queues", &queues).await.0,
        200
    );
    assert_eq!(
        app.get(&app.acme.read, "/v1/queues/q-1").await.1["sla_target_pct"],
        80
    );
    let statuses = app.walk(&app.acme.read, "/v1/presence-statuses").await;
    assert!(
        statuses
            .iter()
            .any(|it| it["system_name"] == "in_meeting" && it["emoji"] == "🗓️")
    );
}
