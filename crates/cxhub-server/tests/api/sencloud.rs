//! The Sencloud dialect over HTTP: transport, paging and filters.

use std::collections::HashSet;

use cxhub_dialects::shape::mismatches;
use serde_json::{Value, json};

use super::helpers::{TestApp, call, spawn_app, status_and_json};

const PATH: &str = "/v1/shop.Sencloud/ListCallLogs";

async fn rpc(app: &TestApp, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}{PATH}", app.base))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    status_and_json(request.send().await.unwrap()).await
}

/// 45 calls, one a minute; every third internal on extension 205, every fifth unanswered.
async fn fill(app: &TestApp) {
    let mut calls = Vec::new();
    for idx in 0..45 {
        let start = format!("2026-11-20T09:{idx:02}:00Z");
        let mut it = call(&format!("ext-{idx}"), &start);
        it["ended_at"] = json!(format!("2026-11-20T09:{idx:02}:30Z"));
        it["call"]["talk_secs"] = json!(idx * 10);
        it["call"]["session_id"] = json!(format!("sess-{idx}"));
        if idx % 3 == 0 {
            it["direction"] = json!("internal");
            it["call"]["extension"] = json!("205");
            it["call"]["callee"]["number"] = json!("205");
        }
        if idx % 6 == 3 {
            // Extension 205 called 206: the extension is the caller's (ext_out).
            it["call"]["caller"]["number"] = json!("205");
            it["call"]["callee"]["number"] = json!("206");
        }
        if idx % 5 == 0 {
            it["status"] = json!("not_answered");
            it["call"]["legs"] = json!([]);
        }
        calls.push(it);
    }
    assert_eq!(
        app.post(&app.acme.write, "/v1/calls", &Value::Array(calls))
            .await
            .0,
        200
    );
}

fn ids(body: &Value) -> Vec<String> {
    body["call_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["external_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_seed_curl_answers_the_seeds_shape() {
    let app = spawn_app().await;
    fill(&app).await;
    let (status, body) = rpc(&app, Some(&app.acme.read), r#"{"extension_ids": ["101"]}"#).await;
    assert_eq!(status, 200, "{body}");
    let path = format!(
        "{}/../cxhub-dialects/tests/fixtures/sencloud-list-call-logs.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let problems = mismatches(&expected, &body);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        body["call_logs"].as_array().unwrap().len(),
        30,
        "the calls on extension 101"
    );
    assert_eq!(
        body["paging"],
        json!({"after": ".", "before": "", "limit": 100, "next": body["paging"]["next"], "prev": body["paging"]["prev"], "sort": ""})
    );
    assert_eq!(
        body["call_logs"][0]["external_id"], "ext-44",
        "newest first"
    );
}

#[tokio::test]
async fn the_transport_checks_in_the_vendors_order() {
    let app = spawn_app().await;
    let url = format!("{}{PATH}", app.base);
    let response = app
        .client
        .get(&url)
        .bearer_auth(&app.acme.read)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"code": "bad_route", "msg": "unsupported method \"GET\" (only POST is allowed)", "meta": {"invalid_route": "GET /v1/shop.Sencloud/ListCallLogs"}})
    );
    let (status, body) =
        status_and_json(app.client.post(&url).body("{}").send().await.unwrap()).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (404, Some("unexpected Content-Type: \"\""))
    );
    let response = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(status_and_json(response).await.1["code"], "bad_route");
    let response = app
        .client
        .post(&url)
        .header("content-type", "Application/JSON; charset=utf-8")
        .bearer_auth(&app.acme.read)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "parameters after ; are ignored, case-insensitive"
    );
    let response = app
        .client
        .post(format!("{}/v1/shop.Sencloud/Foo", app.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_json(response).await.1["msg"],
        "no handler for path \"/shop.Sencloud/Foo\""
    );
    // A bad body without a token is malformed (400), not unauthenticated: decoding comes first.
    let (status, body) = rpc(&app, None, "{").await;
    assert_eq!(
        (status, body["code"].as_str(), body["msg"].as_str()),
        (
            400,
            Some("malformed"),
            Some("the json request could not be decoded")
        )
    );
    assert!(body["meta"]["cause"].is_string());
    let (status, body) = rpc(&app, None, r#"{"filter": {"call_state": "x"}}"#).await;
    assert_eq!(
        (status, body["meta"]["cause"].as_str()),
        (400, Some("unrecognized enum CallState value \"x\""))
    );
    let (status, body) = rpc(&app, None, "{}").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    assert!(body.get("meta").is_none(), "meta is omitted when empty");
    let (status, body) = rpc(
        &app,
        Some("cxh_wrong"),
        r#"{"filter": {"date_from": "2021-03-10T17:07:19+07:00"}}"#,
    )
    .await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = rpc(
        &app,
        Some(&app.acme.read),
        r#"{"filter": {"date_from": "2021-03-10T17:07:19+07:00"}}"#,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str(), body["msg"].as_str()),
        (
            400,
            Some("invalid_argument"),
            Some("must provide both DateFrom and DateTo")
        )
    );
}

#[tokio::test]
async fn paging_walks_forward_with_next_and_back_with_prev() {
    let app = spawn_app().await;
    fill(&app).await;
    let mut forward = Vec::new();
    let mut pages = Vec::new();
    let mut body = json!({"paging": {"limit": 7}});
    loop {
        let (status, page) = rpc(&app, Some(&app.acme.read), &body.to_string()).await;
        assert_eq!(status, 200, "{page}");
        if page["call_logs"].as_array().unwrap().is_empty() {
            assert_eq!(
                (
                    page["paging"]["next"].as_str(),
                    page["paging"]["prev"].as_str()
                ),
                (Some(""), Some(""))
            );
            break;
        }
        forward.extend(ids(&page));
        pages.push(page["paging"].clone());
        body = json!({"paging": {"limit": 7, "after": page["paging"]["next"]}});
    }
    assert_eq!(forward.len(), 45);
    assert_eq!(forward.iter().collect::<HashSet<_>>().len(), 45);
    // From the last page, `prev` as `before` walks back to the first.
    let mut backward = Vec::new();
    let mut before = pages.last().unwrap()["prev"].clone();
    backward.extend(forward[42..].iter().cloned());
    loop {
        let (status, page) = rpc(
            &app,
            Some(&app.acme.read),
            &json!({"paging": {"limit": 7, "before": before}}).to_string(),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let got = ids(&page);
        if got.is_empty() {
            break;
        }
        backward.splice(0..0, got);
        before = page["paging"]["prev"].clone();
    }
    assert_eq!(
        backward, forward,
        "walking back with prev gives the same rows in the same order"
    );
    // The page says: pass `prev` into `after` for the previous page. A cursor carries its
    // way, so `prev` goes back as `after` too, and `next` goes on as `before`.
    let page = async |paging: Value| {
        let (status, page) = rpc(
            &app,
            Some(&app.acme.read),
            &json!({"paging": paging}).to_string(),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        page
    };
    let second = &pages[1];
    let back = page(json!({"limit": 7, "after": second["prev"]})).await;
    assert_eq!(ids(&back), forward[..7], "prev as after");
    let back = page(json!({"limit": 7, "before": second["prev"]})).await;
    assert_eq!(ids(&back), forward[..7], "prev as before");
    let on = page(json!({"limit": 7, "before": pages[0]["next"]})).await;
    assert_eq!(ids(&on), forward[7..14], "next as before");
    // Oldest first with sort=started_at.
    let (_, oldest) = rpc(
        &app,
        Some(&app.acme.read),
        r#"{"paging": {"limit": 3, "sort": "started_at"}}"#,
    )
    .await;
    assert_eq!(ids(&oldest), ["ext-0", "ext-1", "ext-2"]);
    assert_eq!(oldest["paging"]["sort"], "started_at");
    let mismatch = json!({"paging": {"after": oldest["paging"]["next"], "sort": "-started_at"}});
    let (status, body) = rpc(&app, Some(&app.acme.read), &mismatch.to_string()).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (400, Some("paging is invalid (sort does not match)"))
    );
    for (paging, limit) in [
        (json!({"limit": 0}), 100),
        (json!({"limit": 1000}), 100),
        (json!({"limit": 5}), 5),
    ] {
        let (_, body) = rpc(
            &app,
            Some(&app.acme.read),
            &json!({"paging": paging}).to_string(),
        )
        .await;
        assert_eq!(body["paging"]["limit"], limit);
    }
    for (paging, msg) in [
        (json!({"limit": -1}), "invalid limit"),
        (json!({"after": "x", "before": "y"}), "paging is invalid"),
        (
            json!({"after": "bm9wZQ=="}),
            "paging is invalid (invalid cursor)",
        ),
        (
            json!({"sort": "started_at,id"}),
            "paging is invalid (can not sort by more than 1 field)",
        ),
    ] {
        let (status, body) = rpc(
            &app,
            Some(&app.acme.read),
            &json!({"paging": paging}).to_string(),
        )
        .await;
        assert_eq!((status, body["msg"].as_str()), (400, Some(msg)), "{paging}");
    }
}

#[tokio::test]
async fn sorts_by_each_field_the_docs_name_and_pages_in_it() {
    let app = spawn_app().await;
    fill(&app).await;
    // Calls that end in the reverse order of their starts: created_at (the end) sorts
    // them the other way round from started_at.
    let mut late = Vec::new();
    for idx in 0..5 {
        let mut it = call(&format!("late-{idx}"), &format!("2026-11-21T09:0{idx}:00Z"));
        it["ended_at"] = json!(format!("2026-11-21T10:0{}:00Z", 9 - idx));
        late.push(it);
    }
    app.post(&app.acme.write, "/v1/calls", &Value::Array(late))
        .await;
    for (sort, first) in [
        ("-created_at", "late-0"),
        ("created_at", "ext-0"),
        ("-started_at", "late-4"),
        ("-updated_at", "late-4"),
    ] {
        let mut seen = Vec::new();
        let mut after = json!(".");
        loop {
            let body = json!({"paging": {"limit": 4, "sort": sort, "after": after}});
            let (status, page) = rpc(&app, Some(&app.acme.read), &body.to_string()).await;
            assert_eq!(status, 200, "{sort}: {page}");
            if ids(&page).is_empty() {
                break;
            }
            seen.extend(ids(&page));
            after = page["paging"]["next"].clone();
        }
        assert_eq!((seen.len(), seen[0].as_str()), (50, first), "{sort}");
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 50, "{sort}");
    }
}

#[tokio::test]
async fn enums_take_their_names_and_integers() {
    let app = spawn_app().await;
    fill(&app).await;
    let count = async |filter: Value| {
        let body = json!({"filter": filter, "paging": {"limit": 100}});
        let (status, body) = rpc(&app, Some(&app.acme.read), &body.to_string()).await;
        (
            status,
            body["call_logs"].as_array().map(Vec::len),
            body["meta"]["cause"].clone(),
        )
    };
    assert_eq!(count(json!({"call_state": 1})).await.1, Some(36));
    assert_eq!(count(json!({"call_state": 2})).await.1, Some(9));
    assert_eq!(count(json!({"call_state": 0})).await.1, Some(45));
    assert_eq!(count(json!({"direction": 3})).await.1, Some(30));
    assert_eq!(
        count(json!({"duration": {"comparison": 5, "value": 400}}))
            .await
            .1,
        Some(4)
    );
    for (filter, cause) in [
        (
            json!({"call_state": 7}),
            "unrecognized enum CallState value 7",
        ),
        (
            json!({"call_state": 1.5}),
            "cannot unmarshal `1.5` into enum CallState",
        ),
        (
            json!({"direction": "1"}),
            "unrecognized enum CallDirection value \"1\"",
        ),
    ] {
        assert_eq!(
            count(filter.clone()).await,
            (400, None, json!(cause)),
            "{filter}"
        );
    }
}

#[tokio::test]
async fn every_filter_selects_its_calls() {
    let app = spawn_app().await;
    fill(&app).await;
    let count = async |filter: Value| -> usize {
        let (status, body) = rpc(
            &app,
            Some(&app.acme.read),
            &json!({"filter": filter, "paging": {"limit": 100}}).to_string(),
        )
        .await;
        assert_eq!(status, 200, "{filter}: {body}");
        body["call_logs"].as_array().unwrap().len()
    };
    assert_eq!(count(json!({"call_number": "205"})).await, 15);
    assert_eq!(count(json!({"call_number": "+84901234567"})).await, 38);
    assert_eq!(count(json!({"call_state": "answered"})).await, 36);
    assert_eq!(count(json!({"call_state": "not_answered"})).await, 9);
    for direction in [json!("ext"), json!(15)] {
        assert_eq!(
            count(json!({"direction": direction})).await,
            15,
            "{direction}"
        );
    }
    // The extension's side tells them apart: the callee's is ext_in, else ext_out.
    let sides = [
        (json!("ext_in"), 8),
        (json!(17), 8),
        (json!("ext_out"), 7),
        (json!(21), 7),
    ];
    for (direction, expected) in sides {
        assert_eq!(
            count(json!({"direction": direction})).await,
            expected,
            "{direction}"
        );
    }
    assert_eq!(count(json!({"direction": "in"})).await, 30);
    assert_eq!(count(json!({"extension_ids": ["205", "999"]})).await, 15);
    assert_eq!(count(json!({"hotline_ids": ["+842873001234"]})).await, 45);
    assert_eq!(count(json!({"external_id": "ext-7"})).await, 1);
    assert_eq!(count(json!({"external_session_id": "sess-8"})).await, 1);
    assert_eq!(count(json!({"user_id": "u-7"})).await, 45);
    assert_eq!(count(json!({"user_id": "0"})).await, 45, "0 is no filter");
    assert_eq!(
        count(json!({"duration": {"comparison": "less_than_or_equal_to", "value": 100}})).await,
        11
    );
    assert_eq!(
        count(json!({"duration": {"comparison": "greater_than", "value": 400}})).await,
        4
    );
    assert_eq!(
        count(json!({"duration": {"comparison": "unknow", "value": 1}})).await,
        45
    );
    // Dates apply to the record's creation at the source: the call's end.
    let window =
        json!({"date_from": "2026-11-20T16:10:30+07:00", "date_to": "2026-11-20T16:12:30+07:00"});
    assert_eq!(
        count(window).await,
        3,
        "ends 09:10:30, 09:11:30 and 09:12:30 UTC, inclusive"
    );
    let (_, theirs) = rpc(&app, Some(&app.globex.read), "{}").await;
    assert_eq!(
        theirs["call_logs"].as_array().unwrap().len(),
        0,
        "another tenant sees none"
    );
}
