//! Bad input gets 400 (or another 4xx) naming the field and the reason, never a 500.

use serde_json::{Value, json};

use super::helpers::{call, fields, spawn_app};

#[tokio::test]
async fn bad_query_parameters_are_named() {
    let app = spawn_app().await;
    let cases: &[(&str, &[&str])] = &[
        ("/v1/calls?limit=0", &["limit"]),
        ("/v1/calls?limit=501", &["limit"]),
        ("/v1/calls?limit=ten", &["limit"]),
        ("/v1/calls?from=yesterday", &["from"]),
        ("/v1/calls?from=2026-11-20T09:00:00", &["from"]),
        ("/v1/calls?status=", &["status"]),
        ("/v1/calls?limit=+5", &["limit"]),
        ("/v1/calls?cursor=", &["cursor"]),
        ("/v1/calls?status=lost", &["status"]),
        ("/v1/calls?status=open", &["status"]),
        (
            "/v1/calls?direction=sideways&limit=0",
            &["direction", "limit"],
        ),
        ("/v1/calls?channel=chat", &["channel"]),
        ("/v1/calls?agnet=u-7", &["agnet"]),
        ("/v1/calls?cursor=garbage", &["cursor"]),
        ("/v1/calls?include_deleted=maybe", &["include_deleted"]),
        ("/v1/interactions?channel=fax", &["channel"]),
        ("/v1/presence?from=2026-13-01T00:00:00Z", &["from"]),
        ("/v1/tickets?status=done", &["status"]),
        ("/v1/tickets?priority=p1", &["priority"]),
        ("/v1/users?limit=-1", &["limit"]),
        ("/v1/calls/abc", &["id"]),
    ];
    // A `to` not after `from` is an empty range, and a bound past cxhub's years reads as
    // the nearest instant it holds: neither is an error.
    for path in [
        "/v1/calls?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z",
        "/v1/calls?from=0001-01-01T00:00:00Z&to=1969-12-31T23:00:00-05:00",
    ] {
        let (status, body) = app.get(&app.acme.read, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["data"], serde_json::json!([]), "{path}");
    }
    for (path, expected) in cases {
        let (status, body) = app.get(&app.acme.read, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["type"], "urn:cxhub:problem:invalid-input", "{path}");
        let mut got = fields(&body);
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|it| (*it).to_owned()).collect();
        want.sort();
        assert_eq!(got, want, "{path}: {body}");
        assert!(body["detail"].as_str().is_some_and(|it| !it.is_empty()));
    }
}

#[tokio::test]
async fn a_cursor_of_another_list_is_refused() {
    let app = spawn_app().await;
    app.post(
        &app.acme.write,
        "/v1/calls",
        &json!([
            call("a", "2026-11-20T09:00:00Z"),
            call("b", "2026-11-20T09:01:00Z")
        ]),
    )
    .await;
    let (_, page) = app.get(&app.acme.read, "/v1/calls?limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (status, body) = app
        .get(&app.acme.read, &format!("/v1/tickets?cursor={cursor}"))
        .await;
    assert_eq!((status, fields(&body)), (400, vec!["cursor".to_owned()]));
}

#[tokio::test]
async fn bad_bodies_name_the_path_of_the_bad_value() {
    let app = spawn_app().await;
    let good = call("a", "2026-11-20T09:00:00Z");
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut it = good.clone();
        edit(&mut it);
        json!([good.clone(), it])
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(&|it| it["status"] = json!("lost")), "[1].status"),
        (with(&|it| it["status"] = json!("open")), "[1].status"),
        (with(&|it| it["direction"] = json!(7)), "[1].direction"),
        (
            with(&|it| it["started_at"] = json!("noon")),
            "[1].started_at",
        ),
        (
            with(&|it| it["ended_at"] = json!("2026-11-20T08:00:00Z")),
            "[1].ended_at",
        ),
        (with(&|it| it["external_id"] = json!("")), "[1].external_id"),
        (with(&|it| it["agent_id"] = json!(" u-7")), "[1].agent_id"),
        (
            with(&|it| it["call"]["legs"][0]["status"] = json!("ringing")),
            "[1].call.legs[0].status",
        ),
        (
            with(&|it| it["call"]["legs"][0]["ring_at"] = json!("2026-11-20T09:00:30Z")),
            "[1].call.legs[0].answered_at",
        ),
        (
            with(&|it| it["call"]["talk_secs"] = json!(-5)),
            "[1].call.talk_secs",
        ),
        (
            with(&|it| it["call"]["media"] = json!("hologram")),
            "[1].call.media",
        ),
        (with(&|it| it["surprise"] = json!(true)), "[1]"),
        (with(&|it| it["call"] = Value::Null), "[1].call"),
        (with(&|it| it["channel"] = json!("chat")), "[1].channel"),
        (json!({"not": "an array"}), "body"),
    ];
    for (body, field) in cases {
        let (status, problem) = app.post(&app.acme.write, "/v1/calls", &body).await;
        assert_eq!(status, 400, "{field}: {problem}");
        let got = fields(&problem);
        assert!(
            got.iter().any(|it| it == field || it.starts_with(field)),
            "wanted {field}, got {got:?}: {problem}"
        );
    }
    // Nothing of a refused batch was stored, not even its good record.
    assert_eq!(app.walk(&app.acme.read, "/v1/calls").await.len(), 0);
}

#[tokio::test]
async fn malformed_json_and_wrong_content_types_are_4xx() {
    let app = spawn_app().await;
    let url = format!("{}/v1/calls", app.base);
    let response = app
        .client
        .post(&url)
        .bearer_auth(&app.acme.write)
        .header("content-type", "application/json")
        .body("[{")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = app
        .client
        .post(&url)
        .bearer_auth(&app.acme.write)
        .header("content-type", "text/csv")
        .body("a,b")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let response = app
        .client
        .put(&url)
        .bearer_auth(&app.acme.write)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let (status, _) = app.get(&app.acme.read, "/v1/nothing-here").await;
    assert_eq!(status, 404);
    let tickets = json!([{"source": "desk", "external_id": "t1", "title": "x",
        "custom_fields": [{"attribute_id": "cf_due", "type": "date", "value": "2025/10/23"}]}]);
    let (status, body) = app.post(&app.acme.write, "/v1/tickets", &tickets).await;
    assert_eq!(
        (status, fields(&body)),
        (400, vec!["[0].custom_fields[0].value".to_owned()]),
        "{body}"
    );
    let tickets = json!([{"source": "desk", "external_id": "t1", "title": "  "}]);
    let (status, body) = app.post(&app.acme.write, "/v1/tickets", &tickets).await;
    assert_eq!(
        (status, fields(&body)),
        (400, vec!["[0].title".to_owned()]),
        "{body}"
    );
}

/// Hostile query strings on every list, native and klink: always an answer below 500.
#[tokio::test]
async fn no_query_gets_a_500() {
    let app = spawn_app().await;
    app.post(
        &app.acme.write,
        "/v1/calls",
        &json!([call("a", "2026-11-20T09:00:00Z")]),
    )
    .await;
    let values = [
        "",
        "%00",
        "%FF%FE",
        "-1",
        "0",
        "99999999999999999999999",
        "1e9",
        "NaN",
        "null",
        "[]",
        "{}",
        "🦀",
        "a%2Cb",
        "2026-11-20T09:00:00Z",
        "2026/11/20%2009:00:00-2026/11/20%2010:00:00",
        "%20",
        "+",
        "'%20or%201=1--",
        "2026/02/30%2000:00:00-2026/02/31%2000:00:00",
        "0001/01/01%2000:00:00-9999/12/31%2023:59:59",
    ];
    let lists = [
        (
            "/v1/calls",
            &[
                "from",
                "to",
                "status",
                "direction",
                "agent",
                "number",
                "limit",
                "cursor",
            ][..],
        ),
        (
            "/v1/interactions",
            &["channel", "status", "contact", "limit", "cursor"][..],
        ),
        ("/v1/presence", &["agent", "status", "from", "cursor"][..]),
        (
            "/v1/tickets",
            &["status", "priority", "agent", "cursor"][..],
        ),
        ("/v1/users", &["limit", "cursor"][..]),
        ("/api/v1/cx-logs", &["selectedDate", "page", "pageSize"][..]),
        (
            "/api/v1/user-presence-status-log",
            &["page", "pageSize", "userId", "selectedDate"][..],
        ),
        ("/api/v1/tickets", &["page", "pageSize", "contactId"][..]),
        ("/api/v1/contacts", &["keyword", "page", "pageSize"][..]),
        ("/api/v1/tags", &["page", "pageSize"][..]),
        (
            "/v1/api/apps/acme/data/call-log",
            &[
                "callID", "callType", "status", "startAt", "endAt", "offset", "limit",
            ][..],
        ),
    ];
    for (path, params) in lists {
        for param in params {
            for value in values {
                let url = format!("{path}?{param}={value}");
                let (status, body) = app.get(&app.acme.read, &url).await;
                assert!(status < 500, "{url}: {status} {body}");
            }
        }
    }
    for zone in ["", "UTC", "Asia/Nowhere", "../../etc/passwd", "+07:00"] {
        let response = app
            .client
            .get(format!(
                "{}/api/v1/cx-logs?selectedDate=2026/11/20%2000:00:00-2026/11/21%2000:00:00",
                app.base
            ))
            .bearer_auth(&app.acme.read)
            .header("x-client-timezone", zone)
            .send()
            .await
            .unwrap();
        assert!(response.status().as_u16() < 500, "zone {zone}");
    }
}

/// Hostile Sencloud bodies: always an answer below 500.
#[tokio::test]
async fn no_sencloud_body_gets_a_500() {
    let app = spawn_app().await;
    app.post(
        &app.acme.write,
        "/v1/calls",
        &json!([call("a", "2026-11-20T09:00:00Z")]),
    )
    .await;
    let bodies = [
        "",
        "null",
        "[]",
        "\"x\"",
        "{\"filter\": null}",
        "{\"filter\": []}",
        "{\"paging\": {\"limit\": 1e99}}",
        "{\"paging\": {\"limit\": 9223372036854775807}}",
        "{\"paging\": {\"after\": \"%%%\"}}",
        "{\"paging\": {\"before\": \"ZDox\"}}",
        "{\"filter\": {\"direction\": 99}}",
        "{\"filter\": {\"direction\": true}}",
        "{\"filter\": {\"duration\": {\"comparison\": \"less_than\", \"value\": -5}}}",
        "{\"filter\": {\"extension_ids\": [null, {}, 1]}}",
        "{\"filter\": {\"user_id\": \" \"}}",
        "{\"filter\": {\"date_from\": \"0001-01-01T00:00:00Z\", \"date_to\": \"9999-12-31T23:59:59Z\"}}",
        "{\"extension_ids\": \"101\"}",
    ];
    for body in bodies {
        let response = app
            .client
            .post(format!("{}/v1/shop.Sencloud/ListCallLogs", app.base))
            .bearer_auth(&app.acme.read)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert!(status < 500, "{body}: {status} {text}");
    }
}

/// Sends `body` as it is, JSON or not, and answers the status and the problem.
async fn send_raw(
    app: &super::helpers::TestApp,
    method: reqwest::Method,
    path: &str,
    body: &str,
) -> (u16, Value) {
    let response = app
        .client
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(&app.acme.admin)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    super::helpers::status_and_json(response).await
}

#[tokio::test]
async fn arrays_are_not_objects_and_reasons_name_no_rust_types() {
    let app = spawn_app().await;
    let cases = [
        (
            reqwest::Method::PATCH,
            "/v1/tenant",
            r#"["Renamed"]"#,
            "body",
        ),
        (
            reqwest::Method::POST,
            "/v1/tags",
            r#"[["id", "name"]]"#,
            "[0]",
        ),
        (
            reqwest::Method::POST,
            "/v1/calls",
            r#"[{"source": "pbx", "call": ["x"]}]"#,
            "[0].call",
        ),
        (
            reqwest::Method::POST,
            "/api/v1/tickets",
            r#"["Late order"]"#,
            "body",
        ),
        (
            reqwest::Method::POST,
            "/v1/tags",
            r#"[{"id": "t", "name": "n"}] trailing"#,
            "body",
        ),
        (
            reqwest::Method::POST,
            "/v1/tags",
            r#"[{"id": "t", "name": "#,
            "[0].name",
        ),
        (reqwest::Method::PATCH, "/v1/tenant", r#"{"na"#, "body"),
        (reqwest::Method::PATCH, "/v1/tenant", "{", "body"),
    ];
    for (method, path, body, field) in cases {
        let (status, problem) = send_raw(&app, method, path, body).await;
        assert_eq!(status, 400, "{path} {body}: {problem}");
        let named = problem["field"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| fields(&problem).first().cloned());
        assert_eq!(named.as_deref(), Some(field), "{path} {body}: {problem}");
        let text = problem.to_string();
        assert!(
            !text.contains("struct") && !text.contains("Input") && !text.contains("Dto"),
            "{path} {body}: {problem}"
        );
    }
    let (_, tenant) = app.get(&app.acme.read, "/v1/tenant").await;
    assert_eq!(tenant["name"], "acme", "the array renamed nothing");
}

#[tokio::test]
async fn forged_cursors_control_characters_and_offsets_keep_to_their_rules() {
    let app = spawn_app().await;
    let forged = "v1.calls.-1.-1";
    for path in [
        format!("/v1/calls?cursor={forged}"),
        "/v1/calls?number=%00%ff".to_owned(),
        "/v1/calls?number=%ff".to_owned(),
        "/v1/calls?from=10000-01-01T00:00:00Z".to_owned(),
        "/v1/calls?from=2026-11-20T09:00:00%2B24:00".to_owned(),
    ] {
        let (status, problem) = app.get(&app.acme.read, &path).await;
        assert_eq!(status, 400, "{path}: {problem}");
    }
    let (_, problem) = app
        .get(&app.acme.read, "/v1/calls?from=10000-01-01T00:00:00Z")
        .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("year outside"),
        "{problem}"
    );
    // RFC 3339 offsets run to ±23:59; a `+` sent unencoded arrives as a space.
    for from in [
        "2026-11-20T09:00:00%2B23:59",
        "2026-11-20T09:00:00+23:59",
        "2026-11-20T09:00:00-23:59",
    ] {
        let (status, body) = app
            .get(&app.acme.read, &format!("/v1/calls?from={from}"))
            .await;
        assert_eq!(status, 200, "{from}: {body}");
    }
}
