//! Agent time: after presence told as shuffled events with duplicates and late changes,
//! direct upserts of intervals, and new versions that move them, `presence_rollup` equals
//! the intervals split at bucket edges, and every agent report read from it equals one
//! added up from the changes.

use cxhub_analytics::Granularity;
use cxhub_model::directory::PresenceStatus;
use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::{Instant, Zone};
use cxhub_store::analytics::{AgentQuery, Source};
use cxhub_store::pipeline::{folds, read_event};
use cxhub_store::{DirectoryBatch, Store};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

const START: i64 = 1_790_000_000;
const SPAN: i64 = 2 * 86_400;
const USERS: [&str; 3] = ["ann", "bob", "cy"];
const STATUSES: [&str; 4] = ["available", "break", "lunch", "on_call"];

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn at(secs: i64) -> Instant {
    Instant::from_millis(secs * 1000 + 137).unwrap()
}

/// An interval a source gives whole: a start, and an end or none (still open).
fn interval(rng: &mut StdRng, n: usize, version: i64) -> PresenceChange {
    let start = START + rng.random_range(0..SPAN);
    let length = rng.random_range(1..4 * 3600);
    PresenceChange {
        id: None,
        source: key("wfm"),
        external_id: key(&format!("i-{n}")),
        version,
        user_id: key(USERS[rng.random_range(0..USERS.len())]),
        previous_status: None,
        new_status: key(STATUSES[rng.random_range(0..STATUSES.len())]),
        reason: rng.random_bool(0.5).then(|| "coaching".to_owned()),
        at: at(start),
        ended_at: rng.random_bool(0.8).then(|| at(start + length)),
    }
}

async fn story(store: Store, backend: &str, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let context = |step: &str| format!("{backend}, seed {seed}, {step}");
    let scope = store.tenant(&key("acme")).await.unwrap().unwrap().0;
    let on_call = PresenceStatus {
        productive: true,
        ..PresenceStatus::stub(key("on_call"))
    };
    let directory = DirectoryBatch {
        presence_statuses: vec![on_call],
        ..DirectoryBatch::default()
    };
    store.upsert_directory(&scope, directory).await.unwrap();

    let mut events: Vec<Value> = (0..90)
        .map(|n| {
            let user = USERS[rng.random_range(0..USERS.len())];
            let status = STATUSES[rng.random_range(0..STATUSES.len())];
            let mut event = json!({"id": format!("p-{n}"), "type": "presence.changed",
                "at": at(START + rng.random_range(0..SPAN)).to_rfc3339(),
                "user_id": user, "status": status});
            if rng.random_bool(0.3) {
                event["reason"] = json!("lunch");
            }
            event
        })
        .collect();
    events.shuffle(&mut rng);
    let projector = folds::shared();
    let mut intervals: Vec<PresenceChange> = Vec::new();
    let mut step = 0;
    while !events.is_empty() {
        step += 1;
        let take = rng.random_range(1..=events.len().min(20));
        let mut batch: Vec<Value> = events.drain(..take).collect();
        for _ in 0..rng.random_range(0..3) {
            let one = batch[rng.random_range(0..batch.len())].clone();
            batch.push(one);
        }
        let read: Vec<_> = batch.iter().map(|it| read_event(it).unwrap()).collect();
        store
            .ingest_events(&scope, read, projector.clone())
            .await
            .unwrap();

        let mut upserts = Vec::new();
        for _ in 0..rng.random_range(0..3) {
            let n = intervals.len();
            intervals.push(interval(&mut rng, n, 1));
            upserts.push(intervals[n].clone());
        }
        if !intervals.is_empty() && rng.random_bool(0.5) {
            let n = rng.random_range(0..intervals.len());
            let version = intervals[n].version + 1;
            intervals[n] = interval(&mut rng, n, version);
            upserts.push(intervals[n].clone());
        }
        store.upsert_presence(&scope, upserts).await.unwrap();

        let found = store.verify_rollups(&scope).await.unwrap();
        assert!(
            found.differences.is_empty(),
            "{}: {:?}",
            context(&format!("step {step}")),
            found.differences.first()
        );
    }

    // Now is inside the interval, so open statuses are cut there.
    let now = at(START + SPAN / 2);
    for granularity in [
        None,
        Some(Granularity::QuarterHour),
        Some(Granularity::Hour),
        Some(Granularity::Day),
    ] {
        for agents in [vec![], vec![key("bob")], vec![key("ann"), key("cy")]] {
            let query = AgentQuery {
                from: Instant::from_secs(START / 900 * 900 - 3600).unwrap(),
                to: Instant::from_secs(START / 900 * 900 + SPAN + 86_400).unwrap(),
                zone: Zone::parse("Asia/Kathmandu").unwrap(),
                granularity,
                agents: agents.clone(),
                now,
            };
            let rolled = store.agent_report(&scope, query.clone()).await.unwrap();
            let counted = store
                .agent_report_from_records(&scope, query)
                .await
                .unwrap();
            assert_eq!(rolled.source, Source::Rollups, "{}", context("source"));
            assert_eq!(
                rolled.rows,
                counted.rows,
                "{}",
                context(&format!("{granularity:?} {agents:?}"))
            );
            let staffed: i64 = rolled.rows.iter().map(|it| it.totals.staffed_millis).sum();
            // `available` is productive in the default catalogue, `on_call` made so above.
            let productive: i64 = rolled
                .rows
                .iter()
                .flat_map(|it| &it.totals.status_millis)
                .filter(|(status, _)| ["available", "on_call"].contains(&status.as_str()))
                .map(|(_, millis)| millis)
                .sum();
            assert_eq!(staffed, productive, "{}", context("staffed time"));
        }
    }
    let empty = store.verify_rollups(&scope).await.unwrap();
    assert!(empty.rows > 0, "{}", context("rows"));
}

#[tokio::test]
async fn agent_time_equals_the_presence_changes_after_any_sequence_of_writes() {
    for seed in [1, 2] {
        on_each!(|backend, store| {
            tenants!(store, ["acme"]);
            story(Store::from(store.clone()), backend, seed).await;
        });
    }
}
