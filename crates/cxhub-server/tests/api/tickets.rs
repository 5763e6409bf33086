//! Tickets: gap-free numbers under concurrent creates, typed custom fields, soft delete.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::helpers::spawn_app;

fn ticket(external_id: &str) -> Value {
    json!({"source": "desk", "external_id": external_id, "title": format!("ticket {external_id}")})
}

#[tokio::test]
async fn concurrent_creates_get_consecutive_numbers_without_gaps() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let client = app.client.clone();
        let url = format!("{}/v1/tickets", app.base);
        let token = app.acme.write.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..5 {
                let batch: Vec<Value> = (0..5)
                    .map(|idx| ticket(&format!("w{worker}-r{round}-{idx}")))
                    .collect();
                let response = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&batch)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // A resend of tickets already numbered takes no number.
    app.post(&app.acme.write, "/v1/tickets", &json!([ticket("w0-r0-0")]))
        .await;
    let numbers: BTreeSet<i64> = app
        .walk(&app.acme.read, "/v1/tickets?limit=500")
        .await
        .iter()
        .map(|it| it["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=200).collect::<BTreeSet<i64>>());
    // Another tenant counts from 1.
    let (_, report) = app
        .post(&app.globex.write, "/v1/tickets", &json!([ticket("g1")]))
        .await;
    let id = report["data"][0]["id"].as_str().unwrap();
    assert_eq!(
        app.get(&app.globex.read, &format!("/v1/tickets/{id}"))
            .await
            .1["number"],
        1
    );
}

#[tokio::test]
async fn custom_fields_keep_their_types_and_deleted_tickets_hide() {
    let app = spawn_app().await;
    let attributes = json!([
        {"id": "cf_due", "system_name": "cf_due", "display_name": "Due", "type": "date"},
        {"id": "cf_total", "system_name": "cf_total", "display_name": "Total", "type": "number"}
    ]);
    assert_eq!(
        app.post(&app.acme.write, "/v1/attributes", &attributes)
            .await
            .0,
        200
    );
    let mut body = ticket("t1");
    body["tags"] = json!(["vip"]);
    body["categories"] = json!(["billing"]);
    body["priority"] = json!("high");
    body["custom_fields"] = json!([
        {"attribute_id": "cf_due", "type": "date", "value": "2025-10-23"},
        {"attribute_id": "cf_total", "value": 12.5},
        {"attribute_id": "cf_note", "value": "first seen here"}
    ]);
    let (status, report) = app
        .post(&app.acme.write, "/v1/tickets", &json!([body]))
        .await;
    assert_eq!(status, 200, "{report}");
    let id = report["data"][0]["id"].as_str().unwrap().to_owned();
    let (_, got) = app.get(&app.acme.read, &format!("/v1/tickets/{id}")).await;
    assert_eq!(got["tags"], json!(["vip"]));
    assert_eq!(got["priority"], "high");
    let fields = got["custom_fields"].as_array().unwrap();
    assert!(
        fields.contains(&json!({"attribute_id": "cf_due", "type": "date", "value": "2025-10-23"})),
        "{got}"
    );
    assert!(
        fields.contains(&json!({"attribute_id": "cf_total", "type": "number", "value": 12.5})),
        "{got}"
    );
    assert!(
        fields.contains(
            &json!({"attribute_id": "cf_note", "type": "text", "value": "first seen here"})
        ),
        "{got}"
    );
    // A value of the wrong type for a known attribute is refused.
    let mut wrong = ticket("t2");
    wrong["custom_fields"] = json!([{"attribute_id": "cf_total", "value": "twelve"}]);
    let (status, problem) = app
        .post(&app.acme.write, "/v1/tickets", &json!([wrong]))
        .await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "[0].custom_fields[0].value");

    assert_eq!(
        app.delete(&app.acme.write, &format!("/v1/tickets/{id}"))
            .await,
        204
    );
    assert_eq!(app.walk(&app.acme.read, "/v1/tickets").await.len(), 0);
    let all = app
        .walk(&app.acme.read, "/v1/tickets?include_deleted=true")
        .await;
    assert_eq!(all.len(), 1);
    assert!(all[0]["deleted_at"].is_string());
    assert_eq!(
        app.get(&app.acme.read, &format!("/v1/tickets/{id}"))
            .await
            .0,
        200,
        "a deleted ticket can still be read"
    );
}
