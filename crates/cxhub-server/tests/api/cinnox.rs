//! The CINNOX dialect over HTTP.

use std::collections::HashSet;

use cxhub_dialects::shape::mismatches;
use serde_json::{Value, json};

use super::helpers::{TestApp, call, spawn_app};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../cxhub-dialects/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const BASE: &str = "/v1/api/apps/acme/data/call-log";

async fn fill(app: &TestApp) {
    let mut calls = Vec::new();
    for idx in 0..57 {
        let mut it = call(
            &format!("call-{idx}"),
            &format!("2026-11-20T{:02}:{:02}:00Z", 8 + idx / 60, idx % 60),
        );
        if idx % 5 == 0 {
            it["status"] = json!("not_answered");
            it["call"]["legs"] = json!([]);
            it["call"]["talk_secs"] = Value::Null;
        }
        if idx % 7 == 0 {
            it["call"]["call_type"] = json!("onnet");
        }
        calls.push(it);
    }
    assert_eq!(
        app.post(&app.acme.write, "/v1/calls", &Value::Array(calls))
            .await
            .0,
        200
    );
    let chat = json!([{"source": "chat", "external_id": "chat-1", "channel": "chat", "direction": "inbound",
        "status": "closed", "started_at": "2026-11-20T09:00:00Z"}]);
    app.post(&app.acme.write, "/v1/interactions", &chat).await;
}

#[tokio::test]
async fn the_seed_curl_answers_the_seeds_shape() {
    let app = spawn_app().await;
    fill(&app).await;
    let (status, body) = app.get(&app.acme.read, &format!("{BASE}?offset=0")).await;
    assert_eq!(status, 200, "{body}");
    let problems = mismatches(&fixture("cinnox-call-log.json"), &body);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(body["code"], 0);
    assert_eq!(
        body["result"].as_array().unwrap().len(),
        57,
        "calls only, default limit 100"
    );
    let one = &body["result"][0];
    assert_eq!(
        (one["callID"].as_str(), one["status"].as_str()),
        (Some("call-56"), Some("Call Ended"))
    );
    assert_eq!(
        (one["callDuration"].as_u64(), one["releaseParty"].as_str()),
        (Some(180), Some("Caller"))
    );
    assert_eq!(one["callerInfo"]["phoneNumber"], 84901234567u64);
}

#[tokio::test]
async fn every_filter_selects_its_calls() {
    let app = spawn_app().await;
    fill(&app).await;
    let count = async |query: &str| -> usize {
        let (status, body) = app.get(&app.acme.read, &format!("{BASE}?{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
        body["result"].as_array().unwrap().len()
    };
    assert_eq!(count("callID=call-3").await, 1);
    assert_eq!(count("callType=onnet").await, 9);
    assert_eq!(count("status=Not%20Answered").await, 12);
    assert_eq!(count("status=Call+Ended&callType=onnet").await, 7);
    assert_eq!(
        count("startAt=2026-11-20T08:10:00.000Z&endAt=2026-11-20T08:20:00.000Z").await,
        10
    );
    assert_eq!(
        count("callType=&status=").await,
        57,
        "empty values are no filter"
    );
}

#[tokio::test]
async fn an_offset_walk_returns_every_call_once() {
    let app = spawn_app().await;
    fill(&app).await;
    let mut seen = HashSet::new();
    for offset in (0..).step_by(10) {
        let (status, body) = app
            .get(&app.acme.read, &format!("{BASE}?offset={offset}&limit=10"))
            .await;
        assert_eq!(status, 200);
        let result = body["result"].as_array().unwrap();
        if result.is_empty() {
            break;
        }
        for item in result {
            assert!(seen.insert(item["hid"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(seen.len(), 57);
    let (status, past) = app
        .get(&app.acme.read, &format!("{BASE}?offset=1000"))
        .await;
    assert_eq!(
        (status, past["result"].as_array().map(Vec::len)),
        (200, Some(0)),
        "past the end is empty, not an error"
    );
}

#[tokio::test]
async fn every_listed_error_is_produced() {
    let app = spawn_app().await;
    let cases = [
        (
            "startAt=2022-11-07T00:00:00.000Z",
            "missing one of startAt, endAt",
        ),
        (
            "endAt=2022-11-07T00:00:00.000Z",
            "missing one of startAt, endAt",
        ),
        (
            "startAt=2022-11-08T00:00:00.000Z&endAt=2022-11-07T00:00:00.000Z",
            "endAt is prior to startAt",
        ),
        ("offset=-1", "negative offset"),
        ("limit=-5", "negative limit"),
        ("limit=501", "exceed maximum limit 500"),
        ("offset=abc", "Bad query"),
        ("startAt=yesterday&endAt=today", "Bad query"),
        ("callType=pstn", "Bad query"),
        ("status=Lost", "Bad query"),
    ];
    for (query, message) in cases {
        let (status, body) = app.get(&app.acme.read, &format!("{BASE}?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], 6451000, "{query}");
        assert!(
            body["message"].as_str().unwrap().starts_with(message),
            "{query}: {body}"
        );
        assert!(mismatches(&fixture("cinnox-error.json"), &body).is_empty());
    }
}

#[tokio::test]
async fn another_tenants_app_and_bad_tokens_are_refused() {
    let app = spawn_app().await;
    fill(&app).await;
    let (status, body) = app.get(&app.globex.read, &format!("{BASE}?offset=0")).await;
    assert_eq!((status, body["code"].as_i64()), (403, Some(403)), "{body}");
    assert!(body.get("result").is_none());
    let (status, body) = app
        .get(&app.globex.read, "/v1/api/apps/globex/data/call-log")
        .await;
    assert_eq!(
        (status, body["result"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (status, body) = app.get("cxh_nope", &format!("{BASE}?offset=0")).await;
    assert_eq!((status, body["code"].as_i64()), (401, Some(401)), "{body}");
    let (status, body) = app.get(&app.acme.read, "/v1/api/apps/acme/data/sms").await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (404, Some(6450001)),
        "{body}"
    );
}
