//! Ids in both directions: each id a dialect prints, given back wherever that dialect
//! takes an id (a filter, a path, a body), names the same record or entry again.
//!
//! Ids no endpoint of their dialect takes are not here: klink's `queueId`, `entityId`,
//! `wrapUpFormId` and attribute and status ids; Sencloud's `id` and `contact_id`;
//! CINNOX's `hid` and `eid`.

use serde_json::{Value, json};

use super::{is_uuid, simulated_week};
use crate::common::{get, post, send};

const SENCLOUD: &str = "/v1/shop.Sencloud/ListCallLogs";

/// Every value of `field` in a Sencloud answer.
fn column<'a>(answer: &'a Value, field: &str) -> Vec<&'a str> {
    answer["call_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it[field].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn every_id_a_dialect_prints_names_its_record_when_given_back() {
    let week = simulated_week();
    let (base, read, write) = (
        week.server.base.as_str(),
        week.read.as_str(),
        week.write.as_str(),
    );

    // klink: a CX log's agent and contact.
    let (_, logs) = get(base, read, "/api/v1/cx-logs?pageSize=100").await;
    let log = logs["cxLogs"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|it| it["agentId"] != "" && it["contactId"] != "")
        .expect("a log with an agent and a contact")
        .clone();
    let agent = log["agentId"].as_str().unwrap();
    let contact = log["contactId"].as_str().unwrap();
    assert!(is_uuid(agent) && is_uuid(contact));
    let path = format!("/api/v1/user-presence-status-log?userId={agent}&pageSize=100");
    let (status, changes) = get(base, read, &path).await;
    assert_eq!(status, 200, "{changes}");
    let users: Vec<&Value> = changes["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| &it["user"]["id"])
        .collect();
    assert!(!users.is_empty(), "the agent's presence changes: {path}");
    assert!(users.iter().all(|it| *it == agent), "{path}");

    // A ticket created through klink with klink's ids of the contact, the agent, a tag
    // and a category prints the same ids, and is found by them.
    let (_, tags) = get(base, read, "/api/v1/tags").await;
    let tag = tags["data"][0]["id"].as_str().unwrap().to_owned();
    let (_, categories) = get(base, read, "/api/v1/categories").await;
    let category = categories["data"][0]["id"].as_str().unwrap().to_owned();
    assert!(is_uuid(&tag) && is_uuid(&category));
    let body = json!({"title": "Round trip", "contact_id": contact, "assigneeId": agent,
        "tags": [tag], "categories": [category]});
    let (status, created) = post(base, write, "/api/v1/tickets", &body.to_string()).await;
    assert_eq!(status, 201, "{created}");
    let ticket = &created["data"];
    assert_eq!(
        (
            &ticket["contactId"],
            &ticket["assigneeId"],
            &ticket["assignee"]["id"]
        ),
        (&json!(contact), &json!(agent), &json!(agent))
    );
    assert_eq!(
        (&ticket["tags"][0]["id"], &ticket["categories"][0]["id"]),
        (&json!(tag), &json!(category))
    );
    let id = ticket["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/tickets?contactId={contact}&pageSize=100"),
        format!("/api/v1/tickets/contact/{contact}?pageSize=100"),
    ] {
        let (status, found) = get(base, read, &path).await;
        assert_eq!(status, 200, "{found}");
        let found = found["data"].as_array().unwrap();
        assert!(found.iter().any(|it| it["id"] == id), "{path}");
        assert!(found.iter().all(|it| it["contactId"] == contact), "{path}");
    }
    let patch = json!({"creatorId": agent}).to_string();
    let path = format!("/api/v1/tickets/{id}");
    let (status, patched) = send(reqwest::Method::PATCH, base, write, &path, &patch).await;
    assert_eq!(
        (status, &patched["data"]["creatorId"]),
        (200, &json!(agent))
    );
    // A derived id that names no entry: nothing matches, and a body naming it is refused.
    let nobody = "00000005-0000-8000-8000-0000000fffff";
    let (status, none) = get(base, read, &format!("/api/v1/tickets?contactId={nobody}")).await;
    assert_eq!((status, &none["total"]), (200, &json!(0)));
    let body = json!({"title": "x", "contact_id": nobody}).to_string();
    let (status, refused) = post(base, write, "/api/v1/tickets", &body).await;
    assert_eq!(
        (status, &refused["field"]),
        (400, &json!("contact_id")),
        "{refused}"
    );

    // Sencloud: the agent's and the extension's ids, as strings and as numbers.
    let (_, page) = post(base, read, SENCLOUD, r#"{"paging": {"limit": 100}}"#).await;
    let log = page["call_logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|it| it["user_id"] != "0")
        .expect("a call with an agent")
        .clone();
    let user = log["user_id"].as_str().unwrap();
    let number: i64 = user.parse().unwrap();
    for filter in [json!({"user_id": user}), json!({"user_id": number})] {
        let body = json!({"filter": filter, "paging": {"limit": 100}}).to_string();
        let (status, found) = post(base, read, SENCLOUD, &body).await;
        assert_eq!(status, 200, "{found}");
        let users = column(&found, "user_id");
        assert!(
            !users.is_empty() && users.iter().all(|it| *it == user),
            "{filter}"
        );
    }
    let extension = log["extension_id"].as_str().unwrap();
    let body = json!({"filter": {"extension_ids": [extension]}}).to_string();
    let (_, found) = post(base, read, SENCLOUD, &body).await;
    let extensions = column(&found, "extension_id");
    assert!(!extensions.is_empty() && extensions.iter().all(|it| *it == extension));
    for field in ["external_id", "external_session_id"] {
        let value = log[field].as_str().unwrap();
        if value.is_empty() {
            continue;
        }
        let body = json!({"filter": {field: value}}).to_string();
        let (_, found) = post(base, read, SENCLOUD, &body).await;
        assert_eq!(column(&found, field), [value], "{field}");
    }
    let body = json!({"filter": {"user_id": "9000000000000099999"}}).to_string();
    let (status, none) = post(base, read, SENCLOUD, &body).await;
    assert_eq!(
        (status, column(&none, "id").len()),
        (200, 0),
        "an unknown derived id"
    );

    // An extension that is not a number gets a derived int64, which finds its call.
    let call = json!([{"source": "pbx", "external_id": "sip-1", "direction": "inbound",
        "status": "ended", "started_at": "2026-11-30T09:00:00Z",
        "call": {"caller": {"number": "+84901234567"}, "callee": {"number": "sip:alice"},
                 "extension": "sip:alice", "talk_secs": 60}}]);
    let (status, _) = post(base, write, "/v1/calls", &call.to_string()).await;
    assert_eq!(status, 200);
    let body = json!({"filter": {"external_id": "sip-1"}}).to_string();
    let (_, found) = post(base, read, SENCLOUD, &body).await;
    let extension = column(&found, "extension_id")[0].to_owned();
    assert!(
        extension.starts_with("92") && extension.parse::<i64>().is_ok(),
        "{extension}"
    );
    let body = json!({"filter": {"extension_ids": [extension]}}).to_string();
    let (_, found) = post(base, read, SENCLOUD, &body).await;
    assert_eq!(column(&found, "external_id"), ["sip-1"]);

    // CINNOX: a call's `callID`, and its `virtualNumber` as a Sencloud hotline id.
    let (_, calls) = get(base, read, "/v1/api/apps/demo/data/call-log?limit=50").await;
    let call = calls["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|it| it["virtualNumber"].as_u64() > Some(0))
        .expect("a call to a hotline");
    let path = format!(
        "/v1/api/apps/demo/data/call-log?callID={}",
        call["callID"].as_str().unwrap()
    );
    let (_, found) = get(base, read, &path).await;
    assert_eq!(found["result"].as_array().unwrap().len(), 1);
    assert_eq!(found["result"][0]["hid"], call["hid"]);
    let hotline = call["virtualNumber"].as_u64().unwrap().to_string();
    let body =
        json!({"filter": {"hotline_ids": [hotline], "external_id": call["callID"]}}).to_string();
    let (_, found) = post(base, read, SENCLOUD, &body).await;
    assert_eq!(
        column(&found, "external_id"),
        [call["callID"].as_str().unwrap()]
    );
}
