//! The `cxhub` binary end to end, as a user runs it from the README.

mod common;

use std::collections::HashSet;

use serde_json::Value;

use common::{Server, cxhub, get, ok, tenant_with_token};

#[tokio::test]
async fn a_new_user_simulates_serves_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cxhub.db");
    ok(&cxhub(
        &db,
        &["tenant", "create", "acme", "--timezone", "Asia/Singapore"],
    ));
    let refused = cxhub(&db, &["tenant", "create", "acme"]);
    assert!(
        !refused.status.success(),
        "a second tenant with the same id is refused"
    );
    let refused = cxhub(&db, &["tenant", "create", "bad", "--timezone", "Mars/Base"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("timezone"));

    let summary = ok(&cxhub(
        &db,
        &[
            "simulate",
            "--tenant",
            "demo",
            "--days",
            "2",
            "--calls-per-day",
            "300",
            "--start",
            "2026-11-16",
        ],
    ));
    assert!(
        summary.is_empty(),
        "simulate prints its summary on stderr, not stdout"
    );
    let stdout = ok(&cxhub(
        &db,
        &["token", "create", "--tenant", "demo", "--role", "read"],
    ));
    let token = stdout.trim();
    assert!(
        token.starts_with("cxh_") && !token.contains(char::is_whitespace),
        "stdout is only the token: {stdout:?}"
    );
    let other = ok(&cxhub(
        &db,
        &["token", "create", "--tenant", "acme", "--role", "read"],
    ))
    .trim()
    .to_owned();
    let missing = cxhub(
        &db,
        &["token", "create", "--tenant", "nobody", "--role", "read"],
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no tenant"));
    let listed = ok(&cxhub(&db, &["token", "list", "--tenant", "demo"]));
    assert!(
        listed.contains("demo") && !listed.contains(token),
        "token list never shows secrets"
    );

    let mut server = Server::start(&db);
    let (status, calls) = get(&server.base, token, "/v1/calls?limit=5").await;
    assert_eq!(status, 200);
    let calls = calls["data"].as_array().unwrap().clone();
    assert_eq!(calls.len(), 5);
    assert!(calls.iter().all(|it| it["call"]["legs"].is_array()));
    let (_, abandoned) = get(&server.base, token, "/v1/calls?status=abandoned&limit=500").await;
    assert!(
        !abandoned["data"].as_array().unwrap().is_empty(),
        "a simulated center has abandoned calls"
    );
    let (_, chats) = get(&server.base, token, "/v1/interactions?channel=chat&limit=1").await;
    assert_eq!(chats["data"][0]["channel"], "chat");
    for path in [
        "/v1/presence?limit=1",
        "/v1/tickets?limit=1",
        "/v1/users?limit=1",
        "/v1/queues",
        "/v1/contacts?limit=1",
    ] {
        let (status, body) = get(&server.base, token, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            !body["data"].as_array().unwrap().is_empty(),
            "{path} is empty"
        );
    }
    // klink's seed curls, over the simulated data, answer the seeds' shapes.
    let seeds = [
        (
            "/api/v1/cx-logs?selectedDate=2026/11/16%2000:00:00-2026/11/17%2023:59:00&page&pageSize",
            "klink-cx-logs.json",
            "/cxLogs/total",
        ),
        (
            "/api/v1/user-presence-status-log?page&pageSize",
            "klink-presence-log.json",
            "/total",
        ),
        ("/api/v1/tickets", "klink-tickets.json", "/total"),
    ];
    for (path, fixture, total) in seeds {
        let (status, body) = get(&server.base, token, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let fixture = format!(
            "{}/../cxhub-dialects/tests/fixtures/{fixture}",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut expected: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
        // The tickets seed's second item is an abbreviated copy of the first.
        if let Some(data) = expected.pointer_mut("/data").and_then(Value::as_array_mut) {
            data.truncate(1);
        }
        let problems = cxhub_dialects::shape::mismatches(&expected, &body);
        assert!(problems.is_empty(), "{path}: {problems:#?}");
        assert!(
            body.pointer(total).unwrap().as_u64().unwrap() > 0,
            "{path} is empty"
        );
    }

    // CINNOX's and Sencloud's seed requests, over the same data.
    let fixture = |name: &str| -> Value {
        let path = format!(
            "{}/../cxhub-dialects/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let (status, body) = get(
        &server.base,
        token,
        "/v1/api/apps/demo/data/call-log?offset=0",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(cxhub_dialects::shape::mismatches(&fixture("cinnox-call-log.json"), &body).is_empty());
    assert!(!body["result"].as_array().unwrap().is_empty());
    let response = reqwest::Client::new()
        .post(format!("{}/v1/shop.Sencloud/ListCallLogs", server.base))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(r#"{"extension_ids": ["101"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(
        cxhub_dialects::shape::mismatches(&fixture("sencloud-list-call-logs.json"), &body)
            .is_empty()
    );
    assert!(
        !body["call_logs"].as_array().unwrap().is_empty(),
        "the simulated center has calls on extension 101"
    );

    let (_, others) = get(&server.base, &other, "/v1/calls").await;
    assert!(
        others["data"].as_array().unwrap().is_empty(),
        "another tenant sees none of demo's calls"
    );

    let status = server.terminate();
    assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
}

/// The issue's bar: a walk over 100k simulated calls returns each exactly once.
#[tokio::test]
async fn a_walk_over_100k_simulated_calls_returns_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cxhub.db");
    let output = cxhub(
        &db,
        &[
            "simulate",
            "--tenant",
            "big",
            "--days",
            "50",
            "--calls-per-day",
            "2600",
            "--agents",
            "26",
            "--start",
            "2026-01-05",
            // The walk is what is tested here; the event path is the other test's.
            "--bulk",
        ],
    );
    ok(&output);
    let summary = String::from_utf8_lossy(&output.stderr).into_owned();
    let simulated: usize = summary
        .split("for tenant big: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|it| it.parse().ok())
        .unwrap_or_else(|| panic!("no call count in {summary:?}"));
    assert!(simulated >= 100_000, "only {simulated} calls simulated");
    let token = ok(&cxhub(
        &db,
        &["token", "create", "--tenant", "big", "--role", "read"],
    ))
    .trim()
    .to_owned();

    let server = Server::start(&db);
    let mut seen = HashSet::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/calls?limit=500&cursor={cursor}"),
            None => "/v1/calls?limit=500".to_owned(),
        };
        let (status, page) = get(&server.base, &token, &path).await;
        assert_eq!(status, 200, "{page}");
        for item in page["data"].as_array().unwrap() {
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_owned()),
                "call {} came twice",
                item["id"]
            );
        }
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), simulated, "{pages} pages");
}

/// Batch `n` of the kill test: 50 calls of four events each, every id unique to it.
fn kill_batch(n: usize) -> Value {
    let mut events = Vec::new();
    for call in 0..50 {
        let id = format!("k{n}-{call}");
        let at = |secs: u32| format!("2026-11-20T09:{:02}:{:02}Z", secs / 60, secs % 60);
        events.extend([
            serde_json::json!({"id": format!("{id}-1"), "type": "call.started", "at": at(0), "call_id": id,
                "direction": "inbound", "from": "+84901234567", "queue_id": "q-sales"}),
            serde_json::json!({"id": format!("{id}-2"), "type": "call.leg_ringing", "at": at(4), "call_id": id,
                "leg_id": "l-1", "target": "101", "agent_id": "u-7"}),
            serde_json::json!({"id": format!("{id}-3"), "type": "call.leg_answered", "at": at(9), "call_id": id,
                "leg_id": "l-1"}),
            serde_json::json!({"id": format!("{id}-4"), "type": "call.ended", "at": at(189), "call_id": id,
                "hangup_by": "caller"}),
        ]);
    }
    Value::Array(events)
}

/// Four clients post batches until the server dies under them at a random moment
/// (SIGKILL: no shutdown, no flush); answers the batches acknowledged.
async fn post_until_killed(
    db: &std::path::Path,
    token: &str,
    next: &std::sync::Arc<std::sync::atomic::AtomicUsize>,
    kill_after: usize,
) -> Vec<usize> {
    use std::sync::atomic::Ordering;
    let mut server = Server::start(db);
    let first = next.load(Ordering::SeqCst);
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (base, token, next) = (server.base.clone(), token.to_owned(), next.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut acked = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                let sent = client
                    .post(format!("{base}/v1/events"))
                    .bearer_auth(&token)
                    .json(&kill_batch(n))
                    .send()
                    .await;
                let Ok(response) = sent else { return acked };
                if response.status() != 200 {
                    return acked;
                }
                let Ok(report) = response.json::<Value>().await else {
                    return acked;
                };
                assert_eq!(report["accepted"], 200, "{report}");
                acked.push(n);
            }
        }));
    }
    while next.load(Ordering::SeqCst) < first + kill_after {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut acked = Vec::new();
    for client in clients {
        acked.extend(client.await.unwrap());
    }
    acked
}

/// Killed at random moments during concurrent ingest, ten times over: every batch the
/// server acknowledged is there whole, one it did not is whole or absent, and posting
/// every batch again stores nothing twice.
#[tokio::test]
async fn acknowledged_events_survive_kills_during_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cxhub.db");
    let token = tenant_with_token(&db, "acme", "admin");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
        | 1;
    let mut state = seed;
    let mut random = move |below: u64| {
        // xorshift64: enough to spread the kills; the seed is in every failure message.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut acked = Vec::new();
    for _ in 0..10 {
        let kill_after = 2 + random(12) as usize;
        acked.extend(post_until_killed(&db, &token, &next, kill_after).await);
    }
    let sent = next.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        acked.len() >= 10,
        "seed {seed}: only {} batches acknowledged",
        acked.len()
    );
    assert!(
        sent > acked.len(),
        "seed {seed}: no batch was in flight at a kill"
    );

    let server = Server::start(&db);
    let stored = async |n: usize| {
        let mut counts = Vec::new();
        for call in [0, 49] {
            let path = format!("/v1/events?call_id=k{n}-{call}");
            let (status, events) = get(&server.base, &token, &path).await;
            assert_eq!(status, 200, "{events}");
            counts.push(events.as_array().unwrap().len());
        }
        counts
    };
    for n in 0..sent {
        let counts = stored(n).await;
        match acked.contains(&n) {
            true => assert_eq!(
                counts,
                [4, 4],
                "seed {seed}: acknowledged batch {n} lost events"
            ),
            false => assert!(
                counts == [0, 0] || counts == [4, 4],
                "seed {seed}: batch {n} was half stored: {counts:?}"
            ),
        }
    }
    // Every batch again, as a client retrying after the kills would: nothing doubles.
    let client = reqwest::Client::new();
    for n in 0..sent {
        let response = client
            .post(format!("{}/v1/events", server.base))
            .bearer_auth(&token)
            .json(&kill_batch(n))
            .send()
            .await
            .unwrap();
        let report: Value = response.json().await.unwrap();
        assert_eq!(
            report["accepted"].as_u64().unwrap() + report["duplicates"].as_u64().unwrap(),
            200,
            "{report}"
        );
        if acked.contains(&n) {
            assert_eq!(
                report["duplicates"], 200,
                "seed {seed}: batch {n} was stored again"
            );
        }
    }
    for n in 0..sent {
        assert_eq!(
            stored(n).await,
            [4, 4],
            "seed {seed}: batch {n} after the re-post"
        );
    }
    // And the calls folded from them are there, once each.
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/calls?limit=500&cursor={cursor}"),
            None => "/v1/calls?limit=500".to_owned(),
        };
        let (status, page) = get(&server.base, &token, &path).await;
        assert_eq!(status, 200, "{page}");
        for call in page["data"].as_array().unwrap() {
            assert_eq!(call["status"], "ended");
            assert!(seen.insert(call["external_id"].as_str().unwrap().to_owned()));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), sent * 50, "seed {seed}: every call once");
}

/// SIGTERM while a client holds a request open: the server waits the grace period for it,
/// then closes it and exits, instead of "shutting down" for as long as the client likes.
#[tokio::test]
async fn shutdown_is_bounded_by_its_grace_period() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cxhub.db");
    let token = tenant_with_token(&db, "acme", "write");
    let mut server = Server::start_with(&db, &["--shutdown-grace", "1"]);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = format!(
        "POST /v1/calls HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: 1000\r\n\r\n[",
        token
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let status = server.terminate();
    assert!(status.success(), "{status}");
    let took = started.elapsed();
    assert!(
        took >= std::time::Duration::from_millis(900) && took < std::time::Duration::from_secs(5),
        "exited after {took:?}"
    );
}

#[test]
fn bad_arguments_are_refused_and_token_list_lines_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cxhub.db");
    let refused = cxhub(&db, &["tenant", "create", "bad id/with space"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a tenant id"));
    let refused = cxhub(&db, &["simulate", "--tenant", "demo", "--days", "0"]);
    assert!(!refused.status.success(), "zero days simulate nothing");
    let simulated = cxhub(
        &db,
        &[
            "simulate",
            "--tenant",
            "demo",
            "--days",
            "2",
            "--calls-per-day",
            "20",
        ],
    );
    let said = String::from_utf8_lossy(&simulated.stderr);
    assert!(
        said.contains("simulating: day 2/2"),
        "progress off a terminal: {said}"
    );
    ok(&cxhub(
        &db,
        &["tenant", "create", "a-rather-long-tenant-id"],
    ));
    ok(&cxhub(&db, &["tenant", "create", "b"]));
    for tenant in ["a-rather-long-tenant-id", "b"] {
        let args = [
            "token", "create", "--tenant", tenant, "--role", "admin", "--label", "ci",
        ];
        ok(&cxhub(&db, &args));
    }
    let listed = ok(&cxhub(&db, &["token", "list"]));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    let column = |line: &str, word: &str| line.find(word).unwrap();
    let role = column(lines[0], "role");
    assert_eq!(column(lines[1], "admin"), role, "{listed}");
    assert_eq!(column(lines[2], "admin"), role, "{listed}");
}

/// What an operator sees: a JSON log line for each request, and live figures at
/// `/metrics`.
#[tokio::test]
async fn every_request_is_logged_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cxhub.db");
    let token = tenant_with_token(&db, "acme", "write");
    let token = token.as_str();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cxhub"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("CXHUB_DB", &db)
        .env_remove("CXHUB_LOG_FORMAT")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines_in, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if lines_in.send(line).is_err() {
                return;
            }
        }
    });
    let first = lines.recv().unwrap();
    let started: Value = serde_json::from_str(&first).expect("JSON log lines");
    let message = started["message"].as_str().unwrap();
    let base = message[message.find("http://").unwrap()..].to_owned();
    let events = r#"[{"id":"e1","type":"call.started","at":"2026-11-20T09:00:00Z","call_id":"c-1","direction":"inbound","from":"+84901234567","to":"101"},{"id":"bad"}]"#;
    let (status, _) = common::post(&base, token, "/v1/events", events).await;
    assert_eq!(status, 200);
    let (status, _) = get(&base, token, "/v1/calls/12345").await;
    assert_eq!(status, 404);
    let metrics = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    for expected in [
        r#"cxhub_http_requests_total{route="/v1/events",method="POST",status="200",dialect="native"} 1"#,
        r#"cxhub_http_requests_total{route="/v1/calls/{id}",method="GET",status="404",dialect="native"} 1"#,
        r#"cxhub_events_total{outcome="accepted"} 1"#,
        r#"cxhub_events_total{outcome="rejected"} 1"#,
        "cxhub_http_request_duration_seconds_bucket",
        "cxhub_writer_commit_seconds_count",
        // A gauge, live: the clock sweep's first job may still be queued at the scrape.
        "cxhub_writer_queue_depth ",
        "cxhub_database_size_bytes",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    let mut logged = Vec::new();
    while logged.len() < 3 {
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        let line: Value = serde_json::from_str(&line).unwrap();
        if line["message"] == "request" {
            logged.push(line);
        }
    }
    assert_eq!(
        (
            &logged[0]["route"],
            &logged[0]["status"],
            &logged[0]["tenant"]
        ),
        (
            &Value::from("/v1/events"),
            &Value::from(200),
            &Value::from("acme")
        )
    );
    assert!(logged[0]["latency_ms"].is_number());
    assert_eq!(
        (&logged[1]["status"], &logged[2]["route"]),
        (&Value::from(404), &Value::from("/metrics"))
    );
    let text = logged.iter().map(Value::to_string).collect::<String>();
    assert!(!text.contains(token), "no secrets in the log");
    let _ = child.kill();
    let _ = child.wait();
}
