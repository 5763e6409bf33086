//! Tokens, roles and tenant isolation on every endpoint.

use serde_json::json;

use super::helpers::{call, spawn_app};

const READ_PATHS: &[&str] = &[
    "/v1/calls",
    "/v1/interactions",
    "/v1/presence",
    "/v1/tickets",
    "/v1/users",
    "/v1/queues",
    "/v1/contacts",
    "/v1/tags",
    "/v1/categories",
    "/v1/attributes",
    "/v1/presence-statuses",
    "/v1/extensions",
    "/v1/events?call_id=c-1",
    "/v1/tenant",
];

#[tokio::test]
async fn no_token_or_a_bad_token_gets_401_everywhere() {
    let app = spawn_app().await;
    for path in READ_PATHS {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let (status, _) = app.get("cxh_not-a-real-token", path).await;
        assert_eq!(status, 401, "{path}");
    }
    let response = app
        .client
        .get(format!("{}/v1/calls", app.base))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_wrong_role_gets_403() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            &app.acme.read,
            "/v1/calls",
            &json!([call("1", "2026-11-20T09:00:00Z")]),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    for path in [
        "/v1/interactions",
        "/v1/presence",
        "/v1/tickets",
        "/v1/users",
        "/v1/queues",
        "/v1/contacts",
    ] {
        let (status, _) = app.post(&app.acme.read, path, &json!([])).await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, _) = app.get(&app.acme.write, "/v1/tokens").await;
    assert_eq!(status, 403);
    let (status, _) = app.get(&app.acme.admin, "/v1/tokens").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_revoked_token_stops_working() {
    let app = spawn_app().await;
    let (status, created) = app
        .post(
            &app.acme.admin,
            "/v1/tokens",
            &json!({"role": "read", "label": "bi"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&token, "/v1/calls").await.0, 200);
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&app.acme.admin, &format!("/v1/tokens/{id}"))
            .await,
        204
    );
    assert_eq!(app.get(&token, "/v1/calls").await.0, 401);
    // Another tenant's admin cannot revoke acme's tokens.
    assert_eq!(
        app.delete(&app.globex.admin, &format!("/v1/tokens/{id}"))
            .await,
        404
    );
}

#[tokio::test]
async fn another_tenants_records_are_404_and_never_listed() {
    let app = spawn_app().await;
    let (status, report) = app
        .post(
            &app.acme.write,
            "/v1/calls",
            &json!([call("1", "2026-11-20T09:00:00Z")]),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let call_id = report["data"][0]["id"].as_str().unwrap().to_owned();
    let chat = json!([{"source": "chat", "external_id": "x1", "channel": "chat", "direction": "inbound",
        "status": "closed", "started_at": "2026-11-20T09:00:00Z",
        "messages": [{"at": "2026-11-20T09:00:01Z", "sender": "contact", "body": "hi"}]}]);
    let (_, report) = app.post(&app.acme.write, "/v1/interactions", &chat).await;
    let chat_id = report["data"][0]["id"].as_str().unwrap().to_owned();
    let ticket =
        json!([{"source": "desk", "external_id": "t1", "title": "refund", "contact_id": "c-1"}]);
    let (_, report) = app.post(&app.acme.write, "/v1/tickets", &ticket).await;
    let ticket_id = report["data"][0]["id"].as_str().unwrap().to_owned();
    let presence = json!([{"source": "pbx", "external_id": "p1", "user_id": "u-7", "new_status": "available", "at": "2026-11-20T08:00:00Z"}]);
    assert_eq!(
        app.post(&app.acme.write, "/v1/presence", &presence).await.0,
        200
    );

    for path in [
        format!("/v1/calls/{call_id}"),
        format!("/v1/interactions/{call_id}"),
        format!("/v1/interactions/{chat_id}"),
        format!("/v1/interactions/{chat_id}/messages"),
        format!("/v1/tickets/{ticket_id}"),
        "/v1/users/u-7".to_owned(),
        "/v1/queues/q-sales".to_owned(),
        "/v1/contacts/c-1".to_owned(),
    ] {
        assert_eq!(app.get(&app.acme.read, &path).await.0, 200, "acme {path}");
        let (status, body) = app.get(&app.globex.read, &path).await;
        assert_eq!(status, 404, "globex {path}: {body}");
    }
    assert_eq!(
        app.delete(&app.globex.write, &format!("/v1/tickets/{ticket_id}"))
            .await,
        404
    );
    for path in [
        "/v1/calls",
        "/v1/interactions",
        "/v1/presence",
        "/v1/tickets",
        "/v1/users",
        "/v1/queues",
        "/v1/contacts",
    ] {
        let (status, body) = app.get(&app.globex.read, path).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["data"].as_array().unwrap().len(),
            0,
            "globex sees acme's {path}"
        );
    }
    // The same source key in another tenant is another record, which is that tenant's
    // first: ids count each tenant's records, so it has the id acme's first call has.
    let (_, report) = app
        .post(
            &app.globex.write,
            "/v1/calls",
            &json!([call("1", "2026-11-20T09:00:00Z")]),
        )
        .await;
    assert_eq!(report["created"], 1);
    assert_eq!(report["data"][0]["id"], json!(call_id));
    let (status, body) = app
        .get(&app.globex.read, &format!("/v1/interactions/{chat_id}"))
        .await;
    assert_eq!(status, 404, "acme's second record is not globex's: {body}");
}

#[tokio::test]
async fn healthz_and_openapi_need_no_token() {
    let app = spawn_app().await;
    let (status, body) = super::helpers::status_and_json(
        app.client
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, doc) = super::helpers::status_and_json(
        app.client
            .get(format!("{}/openapi.json", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    for path in [
        "/v1/calls",
        "/v1/calls/{id}",
        "/v1/interactions",
        "/v1/presence",
        "/v1/tickets",
        "/v1/users",
        "/v1/queues",
        "/v1/contacts",
    ] {
        assert!(doc["paths"][path].is_object(), "openapi lacks {path}");
    }
    assert!(doc["components"]["schemas"]["InteractionBody"].is_object());
}
