//! Two `cxhub serve` processes on one PostgreSQL database, driven at once by several
//! clients, must store what one server fed the same events stores.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use common::{Server, cxhub, ok, post, tenant_with_token};
use cxhub_store::testing::TestDb;

/// One simulated day of a small center, as wire events in time order.
fn day_of_events() -> Vec<Value> {
    let zone = cxhub_model::time::Zone::utc();
    let config = cxhub_sim::SimConfig {
        days: 1,
        agents: 8,
        calls_per_day: 150,
        ..cxhub_sim::SimConfig::new(jiff::civil::date(2026, 11, 17), zone)
    };
    let directory = cxhub_sim::directory(&config);
    cxhub_sim::events::day_events(&cxhub_sim::simulate_day(&config, &directory, 0))
}

/// Every page of a native list, walked by cursor.
async fn walk(base: &str, token: &str, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(cursor) => format!("{path}&cursor={cursor}"),
            None => path.to_owned(),
        };
        let (status, body) = common::get(base, token, &url).await;
        assert_eq!(status, 200, "{url}: {body}");
        items.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

/// The records of a list by their source key, without what only says when and how
/// often they were written (`id`, `version`, `updated_at`): those depend on arrival.
async fn records(base: &str, token: &str, path: &str) -> BTreeMap<String, Value> {
    walk(base, token, path)
        .await
        .into_iter()
        .map(|mut it| {
            let object = it.as_object_mut().unwrap();
            for field in ["id", "version", "updated_at"] {
                object.remove(field);
            }
            let key = format!("{}/{}", object["source"], object["external_id"]);
            (key, it)
        })
        .collect()
}

/// Posts a batch of events; answers how many were new.
async fn send(base: &str, token: &str, events: &[Value]) -> u64 {
    let (status, report) = post(base, token, "/v1/events", &json!(events).to_string()).await;
    assert_eq!(status, 200, "{report}");
    report["accepted"].as_u64().unwrap()
}

#[tokio::test]
async fn two_servers_on_one_database_store_what_one_server_stores() {
    let Some(shared) = TestDb::postgres().await else {
        return;
    };
    let events = day_of_events();
    assert!(events.len() > 1000, "{} events", events.len());

    // The reference: one server, fed every event once, in order.
    let alone = TestDb::sqlite();
    let alone_db = Path::new(alone.url());
    let alone_token = tenant_with_token(alone_db, "acme", "write");
    let reference = Server::start(alone_db);
    for chunk in events.chunks(50) {
        send(&reference.base, &alone_token, chunk).await;
    }

    // Two servers on one database. The events go in chunks, out of order, from four
    // clients at once; every third chunk goes to both servers at the same moment.
    let db = Path::new(shared.url());
    let token = tenant_with_token(db, "acme", "write");
    let servers = [Server::start(db), Server::start(db)];
    let bases: Vec<String> = servers.iter().map(|it| it.base.clone()).collect();
    let mut chunks: Vec<(usize, Vec<Value>)> = events
        .chunks(25)
        .map(<[Value]>::to_vec)
        .enumerate()
        .collect();
    // Pairs swapped and halves interleaved: many events arrive after later ones.
    let half = chunks.len() / 2;
    let (front, back) = chunks.split_at_mut(half);
    front.swap_with_slice(&mut back[..half]);
    for pair in chunks.chunks_mut(2) {
        pair.reverse();
    }
    let queue = Arc::new(Mutex::new(VecDeque::from(chunks)));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));

    // A reader watches the calls through both servers while the writes go on: each
    // record's version only goes up.
    let watcher = {
        let (bases, token, done) = (bases.clone(), token.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen: BTreeMap<String, i64> = BTreeMap::new();
            let mut rounds = 0;
            for base in bases.iter().cycle() {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                for call in walk(base, &token, "/v1/calls?limit=500").await {
                    let key = call["external_id"].as_str().unwrap().to_owned();
                    let version = call["version"].as_i64().unwrap();
                    let before = seen.insert(key.clone(), version).unwrap_or(0);
                    assert!(version >= before, "{key}: version {version} after {before}");
                }
                rounds += 1;
                if finished {
                    return rounds;
                }
            }
            unreachable!()
        })
    };
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (queue, bases, token) = (queue.clone(), bases.clone(), token.clone());
        clients.push(tokio::spawn(async move {
            let mut accepted = 0;
            loop {
                let Some((idx, chunk)) = queue.lock().unwrap().pop_front() else {
                    return accepted;
                };
                if idx % 3 == 0 {
                    let (one, other) = tokio::join!(
                        send(&bases[0], &token, &chunk),
                        send(&bases[1], &token, &chunk)
                    );
                    accepted += one + other;
                } else {
                    accepted += send(&bases[idx % 2], &token, &chunk).await;
                }
            }
        }));
    }
    let mut accepted = 0;
    for client in clients {
        accepted += client.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(
        watcher.await.unwrap() > 1,
        "the watcher read during the writes"
    );
    // Each event was stored once, whichever server took it and however often.
    let distinct: BTreeSet<String> = events
        .iter()
        .map(|it| format!("{}/{}", it["source"], it["id"]))
        .collect();
    assert_eq!(accepted, distinct.len() as u64);

    // Tickets created through both servers at once take numbers 1..n, once each.
    let mut creators = Vec::new();
    for idx in 0..24 {
        let (base, token) = (bases[idx % 2].clone(), token.clone());
        creators.push(tokio::spawn(async move {
            let body =
                json!([{"source": "desk", "external_id": format!("t{idx}"), "title": "help"}]);
            let (status, report) = post(&base, &token, "/v1/tickets", &body.to_string()).await;
            assert_eq!(status, 200, "{report}");
        }));
    }
    for creator in creators {
        creator.await.unwrap();
    }
    let numbers: BTreeSet<i64> = walk(&bases[1], &token, "/v1/tickets?limit=500")
        .await
        .iter()
        .map(|it| it["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=24).collect::<BTreeSet<i64>>());

    // The records equal those of the server that was alone, through either server.
    for path in [
        "/v1/calls?limit=500",
        "/v1/interactions?limit=500",
        "/v1/presence?limit=500",
    ] {
        let expected = records(&reference.base, &alone_token, path).await;
        assert!(!expected.is_empty(), "{path}");
        for base in &bases {
            let found = records(base, &token, path).await;
            assert_eq!(found.len(), expected.len(), "{path} on {base}");
            for (key, record) in &expected {
                assert_eq!(found.get(key), Some(record), "{path}: {key}");
            }
        }
    }
    drop(servers);
    ok(&cxhub(db, &["migrate"]));
}
