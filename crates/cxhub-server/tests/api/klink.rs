//! The klink dialect over HTTP: the seeds' curls, their shapes, paging and errors.

use std::collections::HashSet;

use cxhub_dialects::shape::mismatches;
use serde_json::{Value, json};

use super::helpers::{TestApp, call, spawn_app, status_and_json};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../cxhub-dialects/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str, zone: Option<&str>) -> (u16, Value) {
    let mut request = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token);
    if let Some(zone) = zone {
        request = request.header("x-client-timezone", zone);
    }
    status_and_json(request.send().await.unwrap()).await
}

fn chat(external_id: &str, started_at: &str) -> Value {
    json!({"source": "chat", "external_id": external_id, "channel": "messenger", "direction": "inbound",
        "status": "closed", "contact_id": "c-1", "agent_id": "u-7", "queue_id": "q-1", "room_id": "room-1",
        "started_at": started_at, "closed_at": started_at, "sla_status": "met", "labels": ["vip"],
        "handled_secs": 300, "first_response_secs": 20})
}

/// Calls and chats across April 2025, one every 6 hours from 2025-03-31T00:00Z.
async fn fill(app: &TestApp) -> usize {
    let directory = json!([{"id": "u-7", "name": "John", "email": "john@example.com"}]);
    app.post(&app.acme.write, "/v1/users", &directory).await;
    app.post(
        &app.acme.write,
        "/v1/contacts",
        &json!([{"id": "c-1", "name": "Mai", "tags": ["t-1"], "phones": ["+6590000000"]}]),
    )
    .await;
    app.post(
        &app.acme.write,
        "/v1/tags",
        &json!([{"id": "t-1", "name": "VIP"}]),
    )
    .await;
    app.post(
        &app.acme.write,
        "/v1/queues",
        &json!([{"id": "q-1", "name": "Support"}]),
    )
    .await;
    let mut records = Vec::new();
    for idx in 0..110 {
        let at = jiff::Timestamp::from_second(1_743_379_200 + idx * 6 * 3600).unwrap();
        let at = format!("{at}");
        records.push(if idx % 2 == 0 {
            call(&format!("c{idx}"), &at)
        } else {
            chat(&format!("m{idx}"), &at)
        });
    }
    let (calls, chats): (Vec<Value>, Vec<Value>) = records
        .into_iter()
        .partition(|it| it.get("channel").is_none());
    assert_eq!(
        app.post(&app.acme.write, "/v1/calls", &Value::Array(calls))
            .await
            .0,
        200
    );
    assert_eq!(
        app.post(&app.acme.write, "/v1/interactions", &Value::Array(chats))
            .await
            .0,
        200
    );
    110
}

#[tokio::test]
async fn the_cx_logs_curl_answers_the_seeds_shape() {
    let app = spawn_app().await;
    fill(&app).await;
    // The seed's curl, with its spaces encoded as an HTTP client would.
    let path =
        "/api/v1/cx-logs?selectedDate=2025/04/01%2000:00:00-2025/04/25%2023:59:00&page&pageSize";
    let (status, body) = get(&app, &app.acme.read, path, Some("Asia/Singapore")).await;
    assert_eq!(status, 200, "{body}");
    let problems = mismatches(&fixture("klink-cx-logs.json"), &body);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        (
            body["cxLogs"]["page"].as_u64(),
            body["cxLogs"]["pageSize"].as_u64()
        ),
        (Some(1), Some(10))
    );
    let log = &body["cxLogs"]["data"][0];
    assert!(log["startedDate"].as_str().unwrap().ends_with("+00"));
    assert_eq!(log["id"].as_str().unwrap().len(), 36);
    let chat = body["cxLogs"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|it| it["channel"] == "messenger")
        .unwrap();
    assert_eq!(chat["agent"]["name"], "John");
    assert_eq!(chat["contact"]["tags"][0]["name"], "VIP");
    assert_eq!(chat["queueName"], "Support");
    // `+` for the spaces reads the same.
    let plus = "/api/v1/cx-logs?selectedDate=2025/04/01+00:00:00-2025/04/25+23:59:00&page&pageSize";
    let (_, same) = get(&app, &app.acme.read, plus, Some("Asia/Singapore")).await;
    assert_eq!(same["cxLogs"]["total"], body["cxLogs"]["total"]);
}

#[tokio::test]
async fn walking_the_pages_covers_the_range_once_and_total_agrees() {
    let app = spawn_app().await;
    fill(&app).await;
    let range = "selectedDate=2025/04/01%2000:00:00-2025/04/20%2023:59:59";
    let mut seen = HashSet::new();
    let mut total = None;
    for page in 1.. {
        let path = format!("/api/v1/cx-logs?{range}&page={page}&pageSize=7");
        let (status, body) = get(&app, &app.acme.read, &path, Some("UTC")).await;
        assert_eq!(status, 200, "{body}");
        total = body["cxLogs"]["total"].as_u64();
        let data = body["cxLogs"]["data"].as_array().unwrap();
        if data.is_empty() {
            assert_eq!(
                page as u64,
                body["cxLogs"]["lastPage"].as_u64().unwrap() + 1
            );
            break;
        }
        for log in data {
            assert!(
                seen.insert(log["id"].as_str().unwrap().to_owned()),
                "{} twice",
                log["id"]
            );
        }
    }
    // 20 days at 4 a day, from 2025-04-01T00:00Z through 2025-04-20T18:00Z.
    assert_eq!((seen.len(), total), (80, Some(80)));
}

#[tokio::test]
async fn the_range_is_read_in_the_callers_zone_across_dst() {
    let app = spawn_app().await;
    let records = json!([
        call("before", "2026-03-07T04:59:59Z"),
        call("first", "2026-03-07T05:00:00Z"),
        call("last", "2026-03-09T03:59:59Z"),
        call("after", "2026-03-09T04:00:00Z"),
    ]);
    app.post(&app.acme.write, "/v1/calls", &records).await;
    // New York: EST until 2026-03-08 02:00, EDT after; the day ends at 04:00Z, not 05:00Z.
    let path = "/api/v1/cx-logs?selectedDate=2026/03/07%2000:00:00-2026/03/08%2023:59:59";
    let (_, body) = get(&app, &app.acme.read, path, Some("America/New_York")).await;
    assert_eq!(body["cxLogs"]["total"], 2, "{body}");
    // Singapore (UTC+8, no DST): the tenant's own zone applies when the header is absent.
    let records = json!([
        call("sg-in", "2026-03-31T16:00:00Z"),
        call("sg-out", "2026-03-31T15:59:59Z")
    ]);
    app.post(&app.acme.write, "/v1/calls", &records).await;
    let path = "/api/v1/cx-logs?selectedDate=2026/04/01%2000:00:00-2026/04/01%2023:59:59";
    let (_, body) = get(&app, &app.acme.read, path, None).await;
    assert_eq!(body["cxLogs"]["total"], 1, "{body}");
}

#[tokio::test]
async fn another_tenant_sees_none_of_it() {
    let app = spawn_app().await;
    fill(&app).await;
    app.post(
        &app.acme.write,
        "/v1/tickets",
        &json!([{"source": "desk", "external_id": "t1", "title": "x"}]),
    )
    .await;
    let presence = json!([{"source": "pbx", "external_id": "p1", "user_id": "u-7", "new_status": "away", "at": "2025-04-01T00:00:00Z"}]);
    app.post(&app.acme.write, "/v1/presence", &presence).await;
    for (path, count) in [
        ("/api/v1/cx-logs?page&pageSize", "/cxLogs/total"),
        ("/api/v1/user-presence-status-log?page&pageSize", "/total"),
        ("/api/v1/tickets", "/total"),
    ] {
        let (_, mine) = get(&app, &app.acme.read, path, None).await;
        assert!(mine.pointer(count).unwrap().as_u64().unwrap() > 0, "{path}");
        let (status, theirs) = get(&app, &app.globex.read, path, None).await;
        assert_eq!(
            (status, theirs.pointer(count).unwrap().as_u64()),
            (200, Some(0)),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_presence_log_curl_answers_the_seeds_shape() {
    let app = spawn_app().await;
    app.post(
        &app.acme.write,
        "/v1/users",
        &json!([{"id": "u-7", "name": "NangXmue"}]),
    )
    .await;
    let changes = json!([
        {"source": "pbx", "external_id": "p1", "user_id": "u-7", "previous_status": "away", "new_status": "available", "reason": "x", "at": "2025-10-21T10:56:47.836Z"},
        {"source": "pbx", "external_id": "p2", "user_id": "u-7", "previous_status": "available", "new_status": "in_meeting", "at": "2026-02-12T04:46:24.491Z"},
        {"source": "pbx", "external_id": "p3", "user_id": "u-8", "previous_status": "available", "new_status": "in_meeting", "reason": "x", "at": "2025-11-11T04:08:14.860Z"}
    ]);
    app.post(&app.acme.write, "/v1/presence", &changes).await;
    let (status, body) = get(
        &app,
        &app.acme.read,
        "/api/v1/user-presence-status-log?page&pageSize",
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let problems = mismatches(&fixture("klink-presence-log.json"), &body);
    assert!(problems.is_empty(), "{problems:#?}");
    let at: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["createdAt"].as_str().unwrap())
        .collect();
    assert_eq!(
        at,
        [
            "2026-02-12T04:46:24.491Z",
            "2025-11-11T04:08:14.860Z",
            "2025-10-21T10:56:47.836Z"
        ]
    );
    assert_eq!(body["data"][0]["reason"], "");
    assert_eq!(body["data"][0]["newPresenceStatus"]["emoji"], "🗓️");
    assert_eq!(body["data"][2]["user"]["name"], "NangXmue");
    let (_, page) = get(
        &app,
        &app.acme.read,
        "/api/v1/user-presence-status-log?page=1&pageSize=2",
        None,
    )
    .await;
    assert_eq!(
        (page["total"].as_u64(), page["lastPage"].as_u64()),
        (Some(3), Some(2))
    );
    let (_, mine) = get(
        &app,
        &app.acme.read,
        "/api/v1/user-presence-status-log?userId=u-8",
        None,
    )
    .await;
    assert_eq!(mine["total"], 1);
    let path =
        "/api/v1/user-presence-status-log?selectedDate=2025/11/01%2000:00:00-2025/12/31%2023:59:59";
    let (_, ranged) = get(&app, &app.acme.read, path, Some("UTC")).await;
    assert_eq!(ranged["total"], 1);
}

#[tokio::test]
async fn the_tickets_curl_answers_the_seeds_shape() {
    let app = spawn_app().await;
    app.post(
        &app.acme.write,
        "/v1/attributes",
        &json!([{"id": "cf_due", "system_name": "cf_due", "display_name": "Due", "type": "date"}]),
    )
    .await;
    let tickets = json!([
        {"source": "desk", "external_id": "t1", "title": "Refund", "contact_id": "c-1", "creator_id": "u-7", "assignee_id": "u-7",
         "tags": ["vip"], "categories": ["billing"], "custom_fields": [{"attribute_id": "cf_due", "type": "date", "value": "2025-10-23"}]},
        {"source": "desk", "external_id": "t2", "title": "Other", "contact_id": "c-2"}
    ]);
    assert_eq!(
        app.post(&app.acme.write, "/v1/tickets", &tickets).await.0,
        200
    );
    let (status, body) = get(&app, &app.acme.read, "/api/v1/tickets", None).await;
    assert_eq!(status, 200, "{body}");
    let expected = fixture("klink-tickets.json");
    let problems = mismatches(
        &json!({"total": expected["total"], "page": 1, "pageSize": 10, "lastPage": 1, "data": [expected["data"][0]]}),
        &body,
    );
    assert!(problems.is_empty(), "{problems:#?}");
    let (_, by_contact) = get(&app, &app.acme.read, "/api/v1/tickets?contactId=c-1", None).await;
    assert_eq!(by_contact["total"], 1);
    assert_eq!(
        by_contact["data"][0]["customFields"][0]["dateValue"],
        "2025-10-23"
    );
    assert_eq!(by_contact["data"][0]["ticketNumber"], 1);
}

#[tokio::test]
async fn bad_input_gets_a_400_in_klinks_shape_naming_the_parameter() {
    let app = spawn_app().await;
    let cases = [
        (
            "/api/v1/cx-logs?selectedDate=2025/04/01",
            Some("UTC"),
            "selectedDate",
        ),
        (
            "/api/v1/cx-logs?selectedDate=2025/04/02%2000:00:00-2025/04/01%2000:00:00",
            Some("UTC"),
            "selectedDate",
        ),
        (
            "/api/v1/cx-logs?selectedDate=2025/04/01%2000:00:00-2025/04/02%2000:00:00",
            Some("Mars/Base"),
            "x-client-timezone",
        ),
        ("/api/v1/cx-logs?pageSize=0", None, "pageSize"),
        ("/api/v1/cx-logs?page=0", None, "page"),
        ("/api/v1/cx-logs?page=abc", None, "page"),
        ("/api/v1/tickets?pageSize=-1", None, "pageSize"),
        (
            "/api/v1/user-presence-status-log?userId=%20x",
            None,
            "userId",
        ),
    ];
    for (path, zone, field) in cases {
        let (status, body) = get(&app, &app.acme.read, path, zone).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(
            (body["statusCode"].as_u64(), body["error"].as_str()),
            (Some(400), Some("Bad Request")),
            "{body}"
        );
        assert_eq!(body["field"], field, "{path}: {body}");
        assert!(body["message"].as_str().unwrap().contains(field));
    }
    let (status, body) = get(&app, "cxh_wrong", "/api/v1/cx-logs", None).await;
    assert_eq!(
        (status, body["statusCode"].as_u64()),
        (401, Some(401)),
        "{body}"
    );
    // klink's NestJS server: `Cannot <METHOD> <path>`, 404 for an unknown path and 405
    // for a method the path does not take.
    let (status, body) = get(&app, &app.acme.read, "/api/v1/channels", None).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"statusCode": 404, "message": "Cannot GET /api/v1/channels", "error": "Not Found"})
        )
    );
    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/cx-logs"),
        (reqwest::Method::DELETE, "/api/v1/tickets"),
        (reqwest::Method::GET, "/api/v1/tickets/x/status"),
    ] {
        let (status, body) =
            send(&app, method.clone(), &app.acme.read, path, &json!({}), None).await;
        assert_eq!(
            (status, body),
            (
                405,
                json!({"statusCode": 405, "message": format!("Cannot {method} {path}"), "error": "Method Not Allowed"})
            )
        );
    }
}

#[tokio::test]
async fn a_page_size_over_the_largest_is_served_at_the_largest_and_reported() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/cx-logs?pageSize=200",
        "/api/v1/user-presence-status-log?pageSize=200",
        "/api/v1/tickets?pageSize=100000000000000000000000",
    ] {
        let (status, body) = get(&app, &app.acme.read, path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        let size = body
            .pointer("/cxLogs/pageSize")
            .unwrap_or(&body["pageSize"]);
        assert_eq!(size, 100, "{path}: {body}");
    }
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: &Value,
    key: Option<&str>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    status_and_json(request.send().await.unwrap()).await
}

async fn attributes(app: &TestApp) {
    let attributes = json!([
        {"id": "a-track", "system_name": "cf_trackingid", "display_name": "Tracking id", "type": "text", "position": 1},
        {"id": "a-date", "system_name": "cf_date", "display_name": "Due", "type": "date", "position": 2, "is_required": true}
    ]);
    assert_eq!(
        app.post(&app.acme.write, "/v1/attributes", &attributes)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn creating_a_ticket_answers_201_with_the_seeds_item_shape() {
    let app = spawn_app().await;
    attributes(&app).await;
    let body = json!({"title": "Late order", "description": "Order 17 is late", "status": "open", "priority": "high",
        "contact_id": "c-1", "channel": "email", "tags": ["tag-1"],
        "customFields": {"cf_trackingid": "Id-1001", "cf_date": "2025-10-23"}});
    let (status, created) = send(
        &app,
        reqwest::Method::POST,
        &app.acme.write,
        "/api/v1/tickets",
        &body,
        Some("retry-1"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["success"], true);
    let expected = fixture("klink-tickets.json");
    let problems = mismatches(&expected["data"][0], &created["data"]);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(created["data"]["ticketNumber"], 1);
    let fields = created["data"]["customFields"].as_array().unwrap();
    assert!(fields.iter().any(|it| it["attribute"]["systemName"] == "cf_date" && it["dateValue"] == "2025-10-23"));

    // A retry with the same Idempotency-Key is not doubled.
    let (status, again) = send(
        &app,
        reqwest::Method::POST,
        &app.acme.write,
        "/api/v1/tickets",
        &body,
        Some("retry-1"),
    )
    .await;
    assert_eq!(
        (status, &again["data"]["id"]),
        (201, &created["data"]["id"])
    );
    let (_, list) = get(&app, &app.acme.read, "/api/v1/tickets", None).await;
    assert_eq!(list["total"], 1);

    // By contact, and in the native API.
    let (_, mine) = get(&app, &app.acme.read, "/api/v1/tickets/contact/c-1", None).await;
    assert_eq!(mine["data"][0]["id"], created["data"]["id"]);
    let (_, none) = get(&app, &app.acme.read, "/api/v1/tickets/contact/c-2", None).await;
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn bad_ticket_bodies_are_named() {
    let app = spawn_app().await;
    attributes(&app).await;
    let cases = [
        (
            json!({"title": "x", "customFields": {"cf_date": "2025/10/23"}}),
            "customFields.cf_date",
        ),
        (json!({"title": "x"}), "customFields.cf_date"),
        (
            json!({"title": "x", "customFields": {"cf_date": "2025-10-23", "cf_nope": 1}}),
            "customFields.cf_nope",
        ),
        (json!({"customFields": {"cf_date": "2025-10-23"}}), "title"),
        (
            json!({"title": "x", "priority": "p0", "customFields": {"cf_date": "2025-10-23"}}),
            "priority",
        ),
        (json!({"title": "x", "unknown": 1}), "unknown"),
        (json!({"title": 5}), "title"),
    ];
    for (body, field) in cases {
        let (status, error) = send(
            &app,
            reqwest::Method::POST,
            &app.acme.write,
            "/api/v1/tickets",
            &body,
            None,
        )
        .await;
        assert_eq!(status, 400, "{body}: {error}");
        assert!(
            error["field"].as_str().unwrap().starts_with(field),
            "{body}: {error}"
        );
        assert_eq!(error["statusCode"], 400);
    }
    let (status, _) = send(
        &app,
        reqwest::Method::POST,
        &app.acme.read,
        "/api/v1/tickets",
        &json!({"title": "x"}),
        None,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_ticket_updates_with_patch_and_put_status() {
    let app = spawn_app().await;
    attributes(&app).await;
    let body = json!({"title": "Late order", "customFields": {"cf_date": "2025-10-23", "cf_trackingid": "A"}});
    let (_, created) = send(
        &app,
        reqwest::Method::POST,
        &app.acme.write,
        "/api/v1/tickets",
        &body,
        None,
    )
    .await;
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let patch =
        json!({"priority": "urgent", "assigneeId": "u-7", "customFields": {"cf_trackingid": null}});
    let (status, patched) = send(
        &app,
        reqwest::Method::PATCH,
        &app.acme.write,
        &format!("/api/v1/tickets/{id}"),
        &patch,
        None,
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    // klink's id of user u-7: the UUID of its directory number.
    assert_eq!(
        (
            patched["data"]["priority"].as_str(),
            patched["data"]["assigneeId"].as_str(),
            patched["data"]["assignee"]["id"].as_str(),
        ),
        (
            Some("urgent"),
            Some("00000004-0000-8000-8000-000000000001"),
            Some("00000004-0000-8000-8000-000000000001")
        )
    );
    assert_eq!(
        patched["data"]["title"], "Late order",
        "fields not named stay"
    );
    assert_eq!(
        patched["data"]["customFields"].as_array().unwrap().len(),
        1,
        "a null value removes the field"
    );
    let path = format!("/api/v1/tickets/{id}/status");
    let (status, resolved) = send(
        &app,
        reqwest::Method::PUT,
        &app.acme.write,
        &path,
        &json!({"status": "resolved"}),
        None,
    )
    .await;
    assert_eq!(
        (status, resolved["data"]["status"].as_str()),
        (200, Some("resolved"))
    );
    assert_eq!(
        resolved["data"]["ticketNumber"],
        created["data"]["ticketNumber"]
    );
    let (status, error) = send(
        &app,
        reqwest::Method::PUT,
        &app.acme.write,
        &path,
        &json!({"status": "done"}),
        None,
    )
    .await;
    assert_eq!((status, error["field"].as_str()), (400, Some("status")));
    // Unknown ids and other tenants' tickets are 404.
    let missing = "/api/v1/tickets/00000003-0000-8000-8000-0000000003e7";
    assert_eq!(
        send(
            &app,
            reqwest::Method::PATCH,
            &app.acme.write,
            missing,
            &patch,
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(
            &app,
            reqwest::Method::PATCH,
            &app.acme.write,
            "/api/v1/tickets/nonsense",
            &patch,
            None
        )
        .await
        .0,
        404
    );
    let theirs = format!("/api/v1/tickets/{id}");
    assert_eq!(
        send(
            &app,
            reqwest::Method::PATCH,
            &app.globex.write,
            &theirs,
            &patch,
            None
        )
        .await
        .0,
        404
    );
    // Concurrent edits queue: none is lost.
    let mut tasks = Vec::new();
    for idx in 0..6 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/tickets/{id}", app.base);
        let token = app.acme.write.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"tags": [format!("t{idx}")]});
            client
                .patch(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let (_, native) = app.get(&app.acme.read, "/v1/tickets?limit=1").await;
    assert_eq!(
        native["data"][0]["version"], 9,
        "1 create + 2 edits + 6 concurrent edits"
    );
}

#[tokio::test]
async fn form_fields_contacts_tags_and_categories_list() {
    let app = spawn_app().await;
    attributes(&app).await;
    let (status, fields) = get(&app, &app.acme.read, "/api/v1/tickets/form-fields", None).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = fields["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["systemName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cf_trackingid", "cf_date"]);
    let contacts = json!([
        {"id": "c-1", "name": "Kyaw Zin", "phones": ["+959111"]},
        {"id": "c-2", "name": "Aung Kyaw", "emails": ["aung@example.com"]},
        {"id": "c-3", "name": "Mai", "tags": ["t-1"]}
    ]);
    app.post(&app.acme.write, "/v1/contacts", &contacts).await;
    for (keyword, expected) in [
        ("kyaw", 2),
        ("Kya", 2),
        ("yaw", 2),
        ("aw", 2),
        ("959", 1),
        ("example.com", 1),
        ("zz", 0),
        ("%", 0),
    ] {
        let (status, found) = get(
            &app,
            &app.acme.read,
            &format!("/api/v1/contacts?keyword={keyword}"),
            None,
        )
        .await;
        assert_eq!(
            (status, found["total"].as_u64()),
            (200, Some(expected)),
            "{keyword}: {found}"
        );
    }
    let (_, all) = get(
        &app,
        &app.acme.read,
        "/api/v1/contacts?page=2&pageSize=2",
        None,
    )
    .await;
    assert_eq!(
        (
            all["total"].as_u64(),
            all["lastPage"].as_u64(),
            all["data"][0]["id"].as_str(),
            all["data"][0]["contactNumber"].as_i64(),
        ),
        // c-3 was the third contact: klink's id and number come from its directory number.
        (
            Some(3),
            Some(2),
            Some("00000005-0000-8000-8000-000000000003"),
            Some(3)
        )
    );
    app.post(&app.acme.write, "/v1/tags", &json!([{"id": "t-1", "name": "VIP", "position": 2}, {"id": "t-2", "name": "Angry", "position": 1}])).await;
    let (_, tags) = get(&app, &app.acme.read, "/api/v1/tags", None).await;
    assert_eq!(
        (tags["total"].as_u64(), tags["data"][0]["name"].as_str()),
        (Some(2), Some("Angry"))
    );
    app.post(
        &app.acme.write,
        "/v1/categories",
        &json!([{"id": "billing", "name": "Billing"}]),
    )
    .await;
    let (_, categories) = get(&app, &app.acme.read, "/api/v1/categories", None).await;
    assert_eq!(categories["data"][0]["name"], "Billing");
    let (_, theirs) = get(&app, &app.globex.read, "/api/v1/contacts", None).await;
    assert_eq!(theirs["total"], 0);
}
