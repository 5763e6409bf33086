//! `POST /v1/events`: batches of live events, folded into calls, conversations and
//! presence intervals.

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::helpers::{TestApp, spawn_app, status_and_json};

/// The issue's four events of call c-1.
fn four() -> Vec<Value> {
    vec![
        json!({"id":"e1","type":"call.started","at":"2026-11-20T09:00:00Z","call_id":"c-1","direction":"inbound",
               "from":"+84901234567","to":"+842873001234","queue_id":"q-sales"}),
        json!({"id":"e2","type":"call.leg_ringing","at":"2026-11-20T09:00:04Z","call_id":"c-1","leg_id":"l-1",
               "target":"101","agent_id":"u-7"}),
        json!({"id":"e3","type":"call.leg_answered","at":"2026-11-20T09:00:09Z","call_id":"c-1","leg_id":"l-1"}),
        json!({"id":"e4","type":"call.ended","at":"2026-11-20T09:03:09Z","call_id":"c-1","hangup_by":"caller",
               "cause":"normal_clearing"}),
    ]
}

async fn post_events(app: &TestApp, events: &[Value]) -> Value {
    let (status, body) = app
        .post(&app.acme.write, "/v1/events", &json!(events))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn post_ndjson(app: &TestApp, body: String) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/v1/events", app.base))
        .bearer_auth(&app.acme.write)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

async fn calls(app: &TestApp) -> Vec<Value> {
    app.walk(&app.acme.read, "/v1/calls?limit=500").await
}

/// Every permutation of `items`.
fn permutations(items: &[Value]) -> Vec<Vec<Value>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for idx in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(idx);
        for mut tail in permutations(&rest) {
            tail.insert(0, first.clone());
            out.push(tail);
        }
    }
    out
}

#[tokio::test]
async fn the_four_events_in_any_order_and_any_number_of_times_give_one_call() {
    let app = spawn_app().await;
    let mut reference: Option<Value> = None;
    for (round, order) in permutations(&four()).into_iter().enumerate() {
        let app = &app;
        // Each order once as one batch, then again split and repeated.
        let body = post_events(app, &order).await;
        let total = body["accepted"].as_u64().unwrap() + body["duplicates"].as_u64().unwrap();
        assert_eq!((total, body["rejected"].as_u64()), (4, Some(0)), "{body}");
        for event in order.iter().rev() {
            post_events(app, &[event.clone(), event.clone()]).await;
        }
        let calls = calls(app).await;
        assert_eq!(calls.len(), 1, "round {round}: {calls:#?}");
        let mut call = calls[0].clone();
        call["version"] = Value::Null;
        call["updated_at"] = Value::Null;
        match &reference {
            None => reference = Some(call),
            Some(reference) => assert_eq!(&call, reference, "round {round}"),
        }
    }
    // Read through the CINNOX dialect, it is the issue's call.
    let (status, body) = app
        .get(&app.acme.read, "/v1/api/apps/acme/data/call-log?callID=c-1")
        .await;
    assert_eq!(status, 200, "{body}");
    let result = body["result"].as_array().unwrap();
    assert_eq!(result.len(), 1, "{body}");
    let call = &result[0];
    assert_eq!(call["status"], "Call Ended");
    assert_eq!(call["callDuration"], 180);
    assert_eq!(call["releaseParty"], "Caller");
}

#[tokio::test]
async fn the_fold_derives_the_call_and_its_leg() {
    let app = spawn_app().await;
    post_events(&app, &four()).await;
    let calls = calls(&app).await;
    let call = &calls[0];
    assert_eq!(call["source"], "events");
    assert_eq!(call["external_id"], "c-1");
    assert_eq!(call["status"], "ended");
    assert_eq!(call["agent_id"], "u-7");
    assert_eq!(call["queue_id"], "q-sales");
    assert_eq!(call["version"], 1);
    assert_eq!(call["call"]["talk_secs"], 180);
    assert_eq!(call["call"]["release_party"], "caller");
    assert_eq!(call["call"]["caller"]["number"], "+84901234567");
    let leg = &call["call"]["legs"][0];
    assert_eq!(
        (&leg["status"], &leg["ring_secs"], &leg["target_number"]),
        (&json!("answered"), &json!(5), &json!("101"))
    );
    // The agent, queue and extension it named exist now, as stubs.
    for path in ["/v1/users/u-7", "/v1/queues/q-sales", "/v1/extensions/101"] {
        let (status, body) = app.get(&app.acme.read, path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
}

#[tokio::test]
async fn a_late_event_refolds_the_call_and_raises_its_version_and_a_duplicate_does_not() {
    let app = spawn_app().await;
    let events = four();
    // Without the answer, the caller hung up on a ringing queue call: an abandon.
    post_events(
        &app,
        &[events[0].clone(), events[1].clone(), events[3].clone()],
    )
    .await;
    let call = calls(&app).await.remove(0);
    assert_eq!(
        (
            &call["status"],
            &call["call"]["abandon_stage"],
            &call["version"]
        ),
        (&json!("abandoned"), &json!("ringing"), &json!(1))
    );
    // The answer arrives late: the call was answered after all.
    let body = post_events(&app, &[events[2].clone()]).await;
    assert_eq!(body["results"][0]["status"], "accepted");
    let call = calls(&app).await.remove(0);
    assert_eq!(
        (
            &call["status"],
            &call["call"]["talk_secs"],
            &call["version"]
        ),
        (&json!("ended"), &json!(180), &json!(2))
    );
    // Sent again, nothing changes.
    let body = post_events(&app, &four()).await;
    assert_eq!(body["duplicates"], 4, "{body}");
    let again = calls(&app).await.remove(0);
    assert_eq!(again, call);
}

#[tokio::test]
async fn a_batch_retried_after_a_dropped_response_is_not_doubled() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(&json!(four())).unwrap();
    // Send the batch on a raw connection and hang up without reading the answer.
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        app.acme.write,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    stream.flush().await.unwrap();
    drop(stream);
    // The client retries; every event is either taken now or known from the first try.
    let report = post_events(&app, &four()).await;
    let taken = report["accepted"].as_u64().unwrap() + report["duplicates"].as_u64().unwrap();
    assert_eq!(taken, 4, "{report}");
    let report = post_events(&app, &four()).await;
    assert_eq!(report["duplicates"], 4, "{report}");
    assert_eq!(calls(&app).await.len(), 1);
    let (status, stored) = app.get(&app.acme.read, "/v1/events?call_id=c-1").await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored.as_array().unwrap().len(), 4, "{stored}");
}

#[tokio::test]
async fn ndjson_batches_are_read_line_by_line_and_a_bad_line_is_rejected_alone() {
    let app = spawn_app().await;
    let mut lines: Vec<String> = four().iter().map(Value::to_string).collect();
    lines.insert(2, "{not json".to_owned());
    lines.insert(
        3,
        json!({"id":"x1","type":"call.exploded","at":"2026-11-20T09:00:00Z","call_id":"c-1"})
            .to_string(),
    );
    lines.push(String::new());
    let (status, body) = post_ndjson(&app, lines.join("\r\n")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["accepted"], &body["rejected"]),
        (&json!(4), &json!(2)),
        "{body}"
    );
    assert_eq!(body["results"][2]["status"], "rejected");
    assert_eq!(body["results"][3]["errors"][0]["field"], "type");
    assert_eq!(body["results"][3]["id"], "x1");
    assert_eq!(calls(&app).await[0]["status"], "ended");
}

#[tokio::test]
async fn each_bad_event_is_rejected_with_its_fields_named() {
    let app = spawn_app().await;
    let batch = json!([
        {"type":"call.started","at":"2026-11-20T09:00:00Z","call_id":"c-9"},
        {"id":"b2","type":"call.started","at":"yesterday","call_id":"c-9"},
        {"id":"b3","type":"call.leg_ringing","at":"2026-11-20T09:00:00Z","call_id":"c-9"},
        {"id":"b4","type":"call.ended","at":"2026-11-20T09:00:00Z","call_id":"c-9","hangup_by":"nobody"},
        {"id":"b5","type":"call.started","at":"2026-11-20T09:00:00Z"},
        {"id":"b6","type":"presence.changed","at":"2026-11-20T09:00:00Z","user_id":"u-1"},
        {"id":"b7","type":"conversation.message","at":"2026-11-20T09:00:00Z","conversation_id":"m-1","sender":"agent"},
        {"id":"b8","type":"call.leg_ended","at":"2026-11-20T09:00:00Z","call_id":"c-9","leg_id":"l","fail_code":"abc"},
        {"id":"b9","type":"conversation.started","at":"2026-11-20T09:00:00Z","conversation_id":"m-1","channel":"voice"},
        {"id":"b10","type":"call.started","at":"2026-11-20T09:00:00Z","call_id":7},
        [1, 2],
        {"id":"ok","type":"call.started","at":"2026-11-20T09:00:00Z","call_id":"c-9"}
    ]);
    let (status, body) = app.post(&app.acme.write, "/v1/events", &batch).await;
    assert_eq!(status, 200, "{body}");
    let fields: Vec<Vec<String>> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            it["errors"].as_array().map_or_else(Vec::new, |errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap().to_owned())
                    .collect()
            })
        })
        .collect();
    let expected: Vec<Vec<&str>> = vec![
        vec!["id"],
        vec!["at"],
        vec!["leg_id"],
        vec!["hangup_by"],
        vec!["call_id"],
        vec!["status"],
        vec!["agent_id"],
        vec!["fail_code"],
        vec!["channel"],
        vec!["call_id"],
        vec![""],
        vec![],
    ];
    assert_eq!(fields, expected, "{body:#}");
    assert_eq!(
        (&body["accepted"], &body["rejected"]),
        (&json!(1), &json!(11))
    );
    for result in body["results"].as_array().unwrap() {
        for error in result["errors"].as_array().into_iter().flatten() {
            assert!(!error["reason"].as_str().unwrap().is_empty());
        }
    }
}

#[tokio::test]
async fn bodies_that_are_not_batches_get_a_problem() {
    let app = spawn_app().await;
    let send = |content_type: &'static str, body: &'static str| {
        app.client
            .post(format!("{}/v1/events", app.base))
            .bearer_auth(&app.acme.write)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, body) = status_and_json(send("application/json", "[{").await.unwrap()).await;
    assert_eq!((status, &body["errors"][0]["field"]), (400, &json!("body")));
    let (status, _) = status_and_json(send("application/json", "42").await.unwrap()).await;
    assert_eq!(status, 400);
    let (status, _) = status_and_json(send("text/plain", "[]").await.unwrap()).await;
    assert_eq!(status, 415);
    let (status, body) = app.post(&app.acme.read, "/v1/events", &json!(four())).await;
    assert_eq!(status, 403, "a read token may not post events: {body}");
    let (status, body) = app.get(&app.acme.read, "/v1/events").await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn another_tenant_sees_neither_the_events_nor_their_call() {
    let app = spawn_app().await;
    post_events(&app, &four()).await;
    let (status, stored) = app.get(&app.globex.read, "/v1/events?call_id=c-1").await;
    assert_eq!((status, stored), (200, json!([])));
    let (_, body) = app.get(&app.globex.read, "/v1/calls").await;
    assert_eq!(body["data"], json!([]));
    // The same ids in the other tenant are new there.
    let (_, body) = app
        .post(&app.globex.write, "/v1/events", &json!(four()))
        .await;
    assert_eq!(body["accepted"], 4);
}

#[tokio::test]
async fn presence_changes_become_intervals_even_when_they_come_out_of_order() {
    let app = spawn_app().await;
    let change = |id: &str, at: &str, status: &str| json!({"id": id, "type": "presence.changed", "at": at, "user_id": "u-3", "status": status, "reason": "r"});
    post_events(
        &app,
        &[
            change("p3", "2026-11-20T10:00:00Z", "available"),
            change("p1", "2026-11-20T08:00:00Z", "available"),
        ],
    )
    .await;
    // A late change between the two.
    post_events(&app, &[change("p2", "2026-11-20T09:30:00Z", "lunch")]).await;
    let mut items = app.walk(&app.acme.read, "/v1/presence?agent=u-3").await;
    items.reverse();
    let got: Vec<(String, Value, Value, Value, Value)> = items
        .iter()
        .map(|it| {
            (
                it["external_id"].as_str().unwrap().to_owned(),
                it["previous_status"].clone(),
                it["new_status"].clone(),
                it["ended_at"].clone(),
                it["duration_secs"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "p1".to_owned(),
                Value::Null,
                json!("available"),
                json!("2026-11-20T09:30:00.000Z"),
                json!(5400)
            ),
            (
                "p2".to_owned(),
                json!("available"),
                json!("lunch"),
                json!("2026-11-20T10:00:00.000Z"),
                json!(1800)
            ),
            (
                "p3".to_owned(),
                json!("lunch"),
                json!("available"),
                Value::Null,
                Value::Null
            ),
        ]
    );
    // p1 and p3 were refolded when p2 came: their versions rose.
    let versions: Vec<&Value> = items.iter().map(|it| &it["version"]).collect();
    assert_eq!(versions, vec![&json!(2), &json!(1), &json!(2)]);
}

/// The clock rules without a new event: the sweep refolds a call whose end never came
/// once its timeout passes, and a conversation whose target passes while it waits.
#[tokio::test]
async fn the_sweep_closes_a_call_that_never_ended_and_breaches_an_overdue_conversation() {
    use cxhub_model::directory::Queue;
    use cxhub_model::ids::Key;
    use cxhub_model::time::{Instant, Zone};
    use cxhub_store::pipeline::folds as projector;
    use cxhub_store::pipeline::read_event;
    use cxhub_store::query::{InteractionFilter, PageRequest};
    use cxhub_store::{DirectoryBatch, NewTenant, Store};

    let db = super::helpers::test_db().await;
    let store = Store::open(db.url()).await.unwrap();
    let tenant = Key::parse("acme").unwrap();
    store
        .create_tenant(NewTenant {
            id: tenant.clone(),
            name: "acme".to_owned(),
            timezone: Zone::utc(),
        })
        .await
        .unwrap();
    let (scope, _) = store.tenant(&tenant).await.unwrap().unwrap();
    let queue = Queue {
        sla_first_response_secs: Some(60),
        ..Queue::stub(Key::parse("q-chat").unwrap())
    };
    store
        .upsert_directory(
            &scope,
            DirectoryBatch {
                queues: vec![queue],
                ..DirectoryBatch::default()
            },
        )
        .await
        .unwrap();
    // Recent events, so nothing is overdue yet when they arrive.
    let now = Instant::now();
    let at = |secs: i64| now.plus_secs(secs).to_rfc3339();
    let events = [
        json!({"id":"s1","type":"call.started","at":at(-20),"call_id":"open-call"}),
        json!({"id":"s2","type":"call.leg_ringing","at":at(-18),"call_id":"open-call","leg_id":"l","agent_id":"u-1"}),
        json!({"id":"s3","type":"call.leg_answered","at":at(-15),"call_id":"open-call","leg_id":"l"}),
        json!({"id":"s4","type":"conversation.started","at":at(-10),"conversation_id":"waiting","channel":"chat","queue_id":"q-chat"}),
        json!({"id":"s5","type":"conversation.message","at":at(-10),"conversation_id":"waiting","sender":"contact"}),
    ];
    let batch = events.iter().map(|it| read_event(it).unwrap()).collect();
    store
        .ingest_events(&scope, batch, projector::shared())
        .await
        .unwrap();
    let records = async || {
        let page = store
            .list_interactions(
                &scope,
                InteractionFilter::default(),
                PageRequest::after(None, 10),
            )
            .await
            .unwrap();
        let find = |id: &str| {
            page.items
                .iter()
                .find(|it| it.external_id.as_str() == id)
                .unwrap()
                .clone()
        };
        (find("open-call"), find("waiting"))
    };
    let (call, chat) = records().await;
    assert_eq!((call.ended_at, call.version), (None, 1));
    assert_eq!(chat.sla_status.map(|it| it.as_str()), Some("pending"));

    // Nothing is due yet.
    assert_eq!(store.refold_due(now, projector::shared()).await.unwrap(), 0);
    // A minute later the chat's first-response target has passed.
    let changed = store
        .refold_due(now.plus_secs(61), projector::shared())
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let (call, chat) = records().await;
    assert_eq!(
        (chat.sla_status.map(|it| it.as_str()), chat.version),
        (Some("breached"), 2)
    );
    assert_eq!(call.ended_at, None);
    // Four hours after its last event, the call is closed by the timeout rule.
    let changed = store
        .refold_due(now.plus_secs(4 * 3600 + 5), projector::shared())
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let (call, _) = records().await;
    let detail = call.call.as_ref().unwrap();
    assert_eq!(
        (
            call.status.as_str(),
            detail.release_party.map(|it| it.as_str()),
            detail.bye_reason.as_deref(),
            call.version
        ),
        ("ended", Some("system"), Some("timeout"), 2)
    );
    // Nothing more is due.
    assert_eq!(
        store
            .refold_due(now.plus_secs(9 * 3600), projector::shared())
            .await
            .unwrap(),
        0
    );
}

/// Another process on the same file (`cxhub simulate` while `cxhub serve` runs) adds a
/// call: klink's total, which the server remembers per write generation, must count it,
/// and the offset pages must show it.
#[tokio::test]
async fn a_call_written_by_another_process_is_counted_and_listed() {
    let app = spawn_app().await;
    post_events(&app, &four()).await;
    let path = "/api/v1/cx-logs?page=1&pageSize=10";
    let (status, before) = app.get(&app.acme.read, path).await;
    assert_eq!(
        (status, &before["cxLogs"]["total"]),
        (200, &json!(1)),
        "{before}"
    );
    let other = cxhub_store::Store::open(app.db.url()).await.unwrap();
    let acme = cxhub_model::ids::Key::parse("acme").unwrap();
    let (scope, _) = other.tenant(&acme).await.unwrap().unwrap();
    let events: Vec<_> = four()
        .iter()
        .map(|event| {
            let mut event = event.clone();
            event["id"] = json!(format!("other-{}", event["id"].as_str().unwrap()));
            event["call_id"] = json!("c-2");
            cxhub_store::pipeline::read_event(&event).unwrap()
        })
        .collect();
    other
        .ingest_events(&scope, events, cxhub_store::pipeline::folds::shared())
        .await
        .unwrap();
    drop(other);
    let (_, after) = app.get(&app.acme.read, path).await;
    assert_eq!(after["cxLogs"]["total"], 2, "{after}");
    assert_eq!(
        after["cxLogs"]["data"].as_array().unwrap().len(),
        2,
        "{after}"
    );
}

/// The server keeps an open call's events in memory between batches. When another
/// process writes to the same database file (a second `cxhub` on it), what it kept may
/// be out of date: it must notice, and fold from the table again.
#[tokio::test]
async fn events_stored_by_another_process_are_folded_in() {
    let app = spawn_app().await;
    let events = four();
    // The server folds the call from its first two events, and keeps them.
    post_events(&app, &events[..2]).await;
    // Another store on the same file takes the answer.
    let other = cxhub_store::Store::open(app.db.url()).await.unwrap();
    let acme = cxhub_model::ids::Key::parse("acme").unwrap();
    let (scope, _) = other.tenant(&acme).await.unwrap().unwrap();
    let answered = cxhub_store::pipeline::read_event(&events[2]).unwrap();
    other
        .ingest_events(
            &scope,
            vec![answered],
            cxhub_store::pipeline::folds::shared(),
        )
        .await
        .unwrap();
    drop(other);
    // The server then gets the end: the call it folds must have been answered.
    post_events(&app, &events[3..]).await;
    let calls = calls(&app).await;
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0]["status"], "ended", "{:#}", calls[0]);
    assert_eq!(calls[0]["call"]["talk_secs"], 180, "{:#}", calls[0]);
    assert_eq!(calls[0]["version"], 3, "{:#}", calls[0]);
}
