//! Record ids count each tenant's own records: every id and cursor a tenant is shown
//! (native ids, klink's ticket UUIDs and numbers) is the same whether or not another
//! tenant writes in between, so none of them reveals another tenant's volume.

use serde_json::{Value, json};

use super::helpers::{TestApp, call, spawn_app};

fn native_ticket(external_id: &str) -> Value {
    json!([{"source": "desk", "external_id": external_id, "title": format!("ticket {external_id}")}])
}

async fn klink_ticket(app: &TestApp, token: &str, title: &str) -> Value {
    let response = app
        .client
        .post(format!("{}/api/v1/tickets", app.base))
        .bearer_auth(token)
        .json(&json!({"title": title, "status": "open", "priority": "low"}))
        .send()
        .await
        .unwrap();
    let (status, body) = super::helpers::status_and_json(response).await;
    assert_eq!(status, 201, "{body}");
    body
}

/// globex writes records of every kind, by the native API and klink's.
async fn globex_writes(app: &TestApp, round: usize) {
    let token = &app.globex.write;
    klink_ticket(app, token, &format!("globex {round}")).await;
    let tickets = [
        native_ticket(&format!("g{round}-a")),
        native_ticket(&format!("g{round}-b")),
    ];
    for body in tickets {
        assert_eq!(app.post(token, "/v1/tickets", &body).await.0, 200);
    }
    let calls = json!([
        call(&format!("g{round}-1"), "2026-11-20T09:00:00Z"),
        call(&format!("g{round}-2"), "2026-11-20T09:00:00Z"),
        call(&format!("g{round}-3"), "2026-11-20T09:05:00Z"),
    ]);
    assert_eq!(app.post(token, "/v1/calls", &calls).await.0, 200);
    let presence = json!([{"source": "pbx", "external_id": format!("g{round}"), "user_id": "u-9",
        "new_status": "available", "at": "2026-11-20T08:00:00Z"}]);
    assert_eq!(app.post(token, "/v1/presence", &presence).await.0, 200);
}

/// What acme is shown as it creates tickets (by klink and natively) and calls, with
/// globex writing before each of its writes when `busy`, then as it lists them.
async fn acme_is_shown(busy: bool) -> Vec<Value> {
    let app = spawn_app().await;
    let mut shown = Vec::new();
    for round in 0..3 {
        if busy {
            globex_writes(&app, round).await;
        }
        let created = klink_ticket(&app, &app.acme.write, &format!("acme {round}")).await;
        shown.push(created["data"]["id"].clone());
        shown.push(created["data"]["ticketNumber"].clone());
        if busy {
            globex_writes(&app, round).await;
        }
        let body = native_ticket(&format!("a{round}"));
        let (_, report) = app.post(&app.acme.write, "/v1/tickets", &body).await;
        shown.push(report["data"][0]["id"].clone());
        if busy {
            globex_writes(&app, round).await;
        }
        let body = json!([call(&format!("a{round}"), "2026-11-20T09:00:00Z")]);
        let (_, report) = app.post(&app.acme.write, "/v1/calls", &body).await;
        shown.push(report["data"][0]["id"].clone());
    }
    // The calls share a start, so their cursor holds an id.
    let (_, page) = app.get(&app.acme.read, "/v1/calls?limit=2").await;
    shown.extend(
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| it["id"].clone()),
    );
    shown.push(page["next_cursor"].clone());
    let (_, page) = app.get(&app.acme.read, "/v1/tickets").await;
    shown.extend(
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| it["id"].clone()),
    );
    let (_, page) = app.get(&app.acme.read, "/api/v1/tickets").await;
    shown.extend(
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| it["id"].clone()),
    );
    shown
}

#[tokio::test]
async fn a_tenants_ids_do_not_move_when_another_tenant_writes() {
    let alone = acme_is_shown(false).await;
    let busy = acme_is_shown(true).await;
    assert_eq!(alone, busy);
    // acme's first ticket (by klink) is ticket 1 and its second (native) is 2, however
    // many globex wrote before them; its first call is 1.
    assert_eq!(
        alone[..4],
        [
            json!("00000003-0000-8000-8000-000000000001"),
            json!(1),
            json!("2"),
            json!("1")
        ]
    );
}
