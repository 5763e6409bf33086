//! `/v1/analytics/agents` against what a client computes from `/v1/presence` and
//! `/v1/calls` on its own, across New York's DST change; and `/v1/analytics/realtime` and
//! the call KPIs moving at once when live and late events arrive.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::{Server, cxhub, get, ok, post, tenant_with_token};
use jiff::Timestamp;
use serde_json::{Value, json};

const ZONE: &str = "America/New_York";

/// Every item of a list, read page by page.
async fn all(base: &str, token: &str, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = format!(
            "{path}{}limit=500{cursor}",
            if path.contains('?') { '&' } else { '?' }
        );
        let (status, body) = get(base, token, &page.replace('+', "%2B")).await;
        assert_eq!(status, 200, "{body}");
        out.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return out,
        }
    }
}

fn millis(text: &str) -> i64 {
    text.parse::<Timestamp>().unwrap().as_millisecond()
}

#[tokio::test]
async fn agent_time_equals_what_a_client_computes_from_the_presence_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("agents.db");
    ok(&cxhub(
        &db,
        &[
            "simulate",
            "--tenant",
            "acme",
            "--days",
            "8",
            "--calls-per-day",
            "80",
            "--start",
            "2026-10-28",
            "--timezone",
            ZONE,
        ],
    ));
    let token = ok(&cxhub(
        &db,
        &["token", "create", "--tenant", "acme", "--role", "read"],
    ));
    let token = token.trim();
    let server = Server::start(&db);
    let base = server.base.as_str();

    let changes = all(base, token, "/v1/presence").await;
    assert!(changes.len() > 50, "{} changes", changes.len());
    let productive: HashSet<String> = all(base, token, "/v1/presence-statuses")
        .await
        .iter()
        .filter(|it| it["productive"] == true)
        .map(|it| it["system_name"].as_str().unwrap().to_owned())
        .collect();
    let calls = all(base, token, "/v1/calls").await;

    let plans = [
        (
            "2026-10-28T00:00:00-04:00",
            "2026-11-05T00:00:00-05:00",
            "P1D",
        ),
        (
            "2026-11-01T00:00:00-04:00",
            "2026-11-02T00:00:00-05:00",
            "PT1H",
        ),
        // Off the rollups' grid: answered from the changes.
        (
            "2026-10-29T00:07:30-04:00",
            "2026-10-31T00:07:30-04:00",
            "PT1H",
        ),
    ];
    for (from, to, granularity) in plans {
        let path = format!(
            "/v1/analytics/agents?from={from}&to={to}&timezone={ZONE}&granularity={granularity}"
        );
        let (status, body) = get(base, token, &path.replace('+', "%2B")).await;
        assert_eq!(status, 200, "{body}");
        let source = if from.contains("00:07:30") {
            "records"
        } else {
            "rollups"
        };
        assert_eq!(body["source"], source, "{path}");
        let entries = body["data"].as_array().unwrap();
        if granularity == "PT1H" && from.starts_with("2026-11-01") {
            let agents: HashSet<&str> = entries
                .iter()
                .map(|it| it["group"]["agent"].as_str().unwrap())
                .collect();
            assert_eq!(entries.len(), 25 * agents.len(), "the 25-hour day");
        }
        let mut handled_calls = 0;
        for entry in entries {
            let (start, end) = (
                millis(entry["start"].as_str().unwrap()),
                millis(entry["end"].as_str().unwrap()),
            );
            let agent = entry["group"]["agent"].as_str().unwrap();
            let context = format!("{granularity} {} {agent}", entry["start"]);
            // Time in each status: every interval of this agent, clipped to the bucket.
            let mut want: BTreeMap<String, i64> = BTreeMap::new();
            for change in changes.iter().filter(|it| it["user_id"] == agent) {
                let at = millis(change["at"].as_str().unwrap());
                // Open intervals run until now, long after the simulated days.
                let until = change["ended_at"].as_str().map_or(i64::MAX, millis);
                let part = until.min(end) - at.max(start);
                if part > 0 {
                    let status = change["new_status"].as_str().unwrap().to_owned();
                    *want.entry(status).or_default() += part;
                }
            }
            let metrics = &entry["metrics"];
            let got: BTreeMap<String, i64> = metrics["status_secs"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), (v.as_f64().unwrap() * 1000.0).round() as i64))
                .collect();
            assert_eq!(got, want, "{context}");
            let staffed: i64 = want
                .iter()
                .filter(|(status, _)| productive.contains(*status))
                .map(|(_, it)| it)
                .sum();
            let staffed_secs = metrics["staffed_secs"].as_f64().unwrap();
            assert_eq!((staffed_secs * 1000.0).round() as i64, staffed, "{context}");
            // Handle time: the agent's answered inbound calls that started in the bucket.
            let (mut handled, mut handle) = (0, 0);
            for call in &calls {
                let started = millis(call["started_at"].as_str().unwrap());
                if call["agent_id"] == agent
                    && call["direction"] == "inbound"
                    && !call["call"]["answered_at"].is_null()
                    && (start..end).contains(&started)
                {
                    handled += 1;
                    handle += call["call"]["talk_secs"].as_u64().unwrap_or(0)
                        + call["wrap_up_secs"].as_u64().unwrap_or(0);
                }
            }
            handled_calls += handled;
            assert_eq!(metrics["handle_secs"].as_u64(), Some(handle), "{context}");
            assert!(metrics["handled"].as_u64().unwrap() >= handled, "{context}");
            let occupancy = metrics["occupancy_pct"].as_f64();
            if staffed == 0 {
                assert_eq!(occupancy, None, "{context}");
            } else {
                let expected = (100.0 * handle as f64 / (staffed as f64 / 1000.0)).min(100.0);
                assert!((occupancy.unwrap() - expected).abs() < 1e-9, "{context}");
            }
        }
        assert!(handled_calls > 0, "{path}");
    }

    // Fewer metrics and one agent; bad input names the parameter.
    let one = &all(base, token, "/v1/users").await[0]["id"];
    let path = format!(
        "/v1/analytics/agents?from=2026-10-28T04:00:00Z&to=2026-10-29T04:00:00Z&agent={}&metrics=handled,occupancy_pct",
        one.as_str().unwrap()
    );
    let (status, body) = get(base, token, &path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 1, "{body}");
    let metrics = body["data"][0]["metrics"].as_object().unwrap();
    let names: Vec<&String> = metrics.keys().collect();
    assert_eq!(names, ["handled", "occupancy_pct"]);
    for (query, field) in [
        ("from=2026-10-28T00:00:00Z", "to"),
        (
            "from=2026-10-28T00:00:00Z&to=2026-10-29T00:00:00Z&metrics=offered",
            "metrics",
        ),
        (
            "from=2026-10-28T00:00:00Z&to=2026-10-29T00:00:00Z&granularity=P2D",
            "granularity",
        ),
    ] {
        let (status, body) = get(base, token, &format!("/v1/analytics/agents?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.to_string().contains(field), "{query}: {body}");
    }
    let verify = cxhub(&db, &["analytics", "verify", "--tenant", "acme"]);
    assert!(verify.status.success(), "{verify:?}");
}

/// One call's event.
fn event(id: &str, kind: &str, at: Timestamp, extra: Value) -> Value {
    let mut event = extra;
    for (name, value) in [("id", id), ("type", kind), ("call_id", "c1")] {
        event[name] = json!(value);
    }
    event["at"] = json!(at.to_string());
    event
}

#[tokio::test]
async fn live_and_late_events_move_the_real_time_view_and_the_kpis_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let token = tenant_with_token(&db, "acme", "write");
    let server = Server::start(&db);
    let base = server.base.as_str();
    let now = Timestamp::now();
    let ago = |secs: i64| now - jiff::SignedDuration::from_secs(secs);
    let token = token.as_str();
    let send = |events: Vec<Value>| {
        let body = Value::Array(events).to_string();
        async move {
            let (status, reply) = post(base, token, "/v1/events", &body).await;
            assert_eq!(status, 200, "{reply}");
        }
    };
    send(vec![
        event(
            "s",
            "call.started",
            ago(90),
            json!({"direction": "inbound", "queue_id": "sales"}),
        ),
        event("q", "call.queued", ago(80), json!({"queue_id": "sales"})),
        json!({"id": "p1", "type": "presence.changed", "at": ago(600).to_string(),
            "user_id": "ann", "status": "available"}),
        json!({"id": "p2", "type": "presence.changed", "at": ago(500).to_string(),
            "user_id": "bob", "status": "break"}),
    ])
    .await;

    let (status, view) = get(base, token, "/v1/analytics/realtime").await;
    assert_eq!(status, 200, "{view}");
    let sales = &view["queues"][0];
    assert_eq!(sales["queue"], "sales", "{view}");
    assert_eq!(sales["waiting"], 1, "{view}");
    let waited = sales["longest_wait_secs"].as_u64().unwrap();
    assert!((80..200).contains(&waited), "{view}");
    assert_eq!(sales["today"]["offered"], 1, "{view}");
    assert_eq!(
        view["agents"],
        json!({"available": 1, "break": 1}),
        "{view}"
    );

    // The caller gives up: no longer waiting, abandoned.
    send(vec![event(
        "e",
        "call.ended",
        ago(10),
        json!({"hangup_by": "caller"}),
    )])
    .await;
    let (_, view) = get(base, token, "/v1/analytics/realtime").await;
    assert_eq!(view["queues"][0]["waiting"], 0, "{view}");
    assert_eq!(view["queues"][0]["today"]["abandoned"], 1, "{view}");
    let kpis = format!(
        "/v1/analytics/calls?from={}&to={}&metrics=offered,answered,abandoned,asa_secs",
        ago(86_400).to_string().replace('+', "%2B"),
        (now + jiff::SignedDuration::from_secs(3600))
            .to_string()
            .replace('+', "%2B"),
    );
    let (_, before) = get(base, token, &kpis).await;
    assert_eq!(before["data"][0]["metrics"]["abandoned"], 1, "{before}");

    // Late events say an agent answered after 30 s: the KPIs change at once.
    send(vec![
        event(
            "r",
            "call.leg_ringing",
            ago(65),
            json!({"leg_id": "l1", "agent_id": "ann"}),
        ),
        event("a", "call.leg_answered", ago(50), json!({"leg_id": "l1"})),
    ])
    .await;
    let (_, after) = get(base, token, &kpis).await;
    let metrics = &after["data"][0]["metrics"];
    assert_eq!(
        (
            &metrics["offered"],
            &metrics["answered"],
            &metrics["abandoned"]
        ),
        (&json!(1), &json!(1), &json!(0)),
        "{after}"
    );
    assert_eq!(metrics["asa_secs"], 30.0, "{after}");
    let verify = cxhub(&db, &["analytics", "verify", "--tenant", "acme"]);
    assert!(verify.status.success(), "{verify:?}");
}

#[tokio::test]
async fn business_hours_split_the_calls_in_two() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hours.db");
    ok(&cxhub(
        &db,
        &[
            "simulate",
            "--tenant",
            "acme",
            "--days",
            "9",
            "--calls-per-day",
            "120",
            "--start",
            "2026-10-28",
            "--timezone",
            ZONE,
        ],
    ));
    let token = ok(&cxhub(
        &db,
        &["token", "create", "--tenant", "acme", "--role", "admin"],
    ));
    let token = token.trim();
    let server = Server::start(&db);
    let base = server.base.as_str();

    // Every queue opens 09:00 to 17:30 on weekdays in New York, and closes on 3 November.
    let hours = json!({"timezone": ZONE, "holidays": ["2026-11-03"],
        "weekly": {"mon": [{"from": "09:00", "to": "17:30"}], "tue": [{"from": "09:00", "to": "17:30"}],
                   "wed": [{"from": "09:00", "to": "17:30"}], "thu": [{"from": "09:00", "to": "17:30"}],
                   "fri": [{"from": "09:00", "to": "12:00"}, {"from": "13:00", "to": "17:30"}]}});
    let queues: Vec<Value> = all(base, token, "/v1/queues")
        .await
        .into_iter()
        .map(|mut it| {
            it["business_hours"] = hours.clone();
            it
        })
        .collect();
    let (status, reply) = post(base, token, "/v1/queues", &Value::Array(queues).to_string()).await;
    assert_eq!(status, 200, "{reply}");
    let (_, queue) = get(base, token, "/v1/queues?limit=1").await;
    assert_eq!(
        queue["data"][0]["business_hours"]["weekly"]["fri"][1]["from"],
        "13:00"
    );
    let bad = json!([{"id": "late", "business_hours": {"timezone": ZONE,
        "weekly": {"sat": [{"from": "10:00", "to": "25:00"}]}}}]);
    let (status, reply) = post(base, token, "/v1/queues", &bad.to_string()).await;
    assert_eq!(status, 400, "{reply}");
    assert!(
        reply
            .to_string()
            .contains("business_hours.weekly.sat[0].to"),
        "{reply}"
    );

    let tz = jiff::tz::TimeZone::get(ZONE).unwrap();
    let (from, to) = ("2026-10-28T00:00:00-04:00", "2026-11-06T00:00:00-05:00");
    let calls = all(base, token, &format!("/v1/calls?from={from}&to={to}")).await;
    let open = |call: &Value| {
        let at: Timestamp = call["started_at"].as_str().unwrap().parse().unwrap();
        let local = at.to_zoned(tz.clone());
        let minute = i32::from(local.hour()) * 60 + i32::from(local.minute());
        let day = local.weekday().to_monday_zero_offset();
        let ranges: &[(i32, i32)] = match day {
            0..=3 => &[(540, 1050)],
            4 => &[(540, 720), (780, 1050)],
            _ => &[],
        };
        call["queue_id"].is_null()
            || (local.date() != jiff::civil::date(2026, 11, 3)
                && ranges.iter().any(|(a, b)| (*a..*b).contains(&minute)))
    };
    let report = |hours: &str| {
        format!(
            "/v1/analytics/calls?from={from}&to={to}&timezone={ZONE}&granularity=P1D&group_by=queue&hours={hours}&metrics=offered,answered"
        )
        .replace('+', "%2B")
    };
    let (_, every) = get(base, token, &report("all")).await;
    let (_, inside) = get(base, token, &report("business")).await;
    let (_, outside) = get(base, token, &report("outside")).await;
    assert_eq!(inside["source"], "rollups", "{inside}");
    // Entries by bucket and queue: a group with nothing in one half is not in its answer.
    let offered = |body: &Value| -> BTreeMap<(String, String), u64> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| {
                let key = (it["start"].to_string(), it["group"]["queue"].to_string());
                (key, it["metrics"]["offered"].as_u64().unwrap())
            })
            .collect()
    };
    let (every, inside_counts, outside_counts) =
        (offered(&every), offered(&inside), offered(&outside));
    for (key, all_of_them) in &every {
        let half = |counts: &BTreeMap<(String, String), u64>| counts.get(key).copied().unwrap_or(0);
        assert_eq!(
            *all_of_them,
            half(&inside_counts) + half(&outside_counts),
            "{key:?}"
        );
    }
    assert!(
        inside_counts
            .keys()
            .chain(outside_counts.keys())
            .all(|it| every.contains_key(it))
    );
    let inbound = |call: &&Value| call["direction"] == "inbound";
    let want_inside = calls.iter().filter(inbound).filter(|it| open(it)).count() as u64;
    let want_outside = calls.iter().filter(inbound).filter(|it| !open(it)).count() as u64;
    assert_eq!(inside_counts.values().sum::<u64>(), want_inside);
    assert_eq!(outside_counts.values().sum::<u64>(), want_outside);
    assert!(
        want_inside > 50 && want_outside > 50,
        "{want_inside} {want_outside}"
    );

    let (status, reply) = get(base, token, &report("night")).await;
    assert_eq!(status, 400, "{reply}");
    assert!(reply.to_string().contains("hours"), "{reply}");
    let printed = ok(&cxhub(
        &db,
        &[
            "report",
            "--tenant",
            "acme",
            "--from",
            from,
            "--to",
            to,
            "--timezone",
            ZONE,
            "--granularity",
            "P1D",
            "--group-by",
            "queue",
            "--hours",
            "business",
            "--metrics",
            "offered,answered",
            "--format",
            "json",
        ],
    ));
    assert_eq!(serde_json::from_str::<Value>(&printed).unwrap(), inside);
}
