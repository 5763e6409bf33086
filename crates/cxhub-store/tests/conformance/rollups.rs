//! Rollups: after any sequence of writes (upserts, re-upserts that move a record to
//! another bucket, queue or agent, calls told as events in shuffled batches with
//! duplicates and late arrivals, a queue's new thresholds), every rollup row equals a
//! recomputation from the records, and every report read from them equals one added up
//! from the records.

use cxhub_analytics::{Granularity, Hours};
use cxhub_model::directory::{BusinessHours, Queue};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, SlaStatus,
};
use cxhub_model::time::{Instant, Zone};
use cxhub_store::analytics::{Dimension, Report, ReportQuery, Source};
use cxhub_store::pipeline::{folds, read_event};
use cxhub_store::{DirectoryBatch, Store, TenantScope};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

const START: i64 = 1_790_000_000;
const SPAN: i64 = 2 * 86_400;

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn queue(id: &str, sla: Option<u32>, short: Option<u32>) -> Queue {
    Queue {
        sla_answer_secs: sla,
        short_abandon_secs: short,
        business_hours: match id {
            "q1" => Some(hours("America/New_York", (9 * 60, 17 * 60))),
            "q2" => Some(hours("Asia/Kolkata", (8 * 60 + 15, 20 * 60 + 45))),
            _ => None,
        },
        ..Queue::stub(key(id))
    }
}

/// Open on weekdays in `open`, closed at weekends and on the story's second day.
fn hours(zone: &str, open: (u16, u16)) -> BusinessHours {
    let zone = Zone::parse(zone).unwrap();
    let second_day = zone
        .local_of(Instant::from_secs(START + 86_400).unwrap())
        .date();
    BusinessHours {
        zone,
        weekly: [0, 1, 2, 3, 4, 5, 6].map(|day| if day < 5 { vec![open] } else { Vec::new() }),
        holidays: vec![second_day],
    }
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// One call's events: inbound ones queue, then are answered by an agent, by the IVR, or
/// abandoned; outbound and internal ones ring an agent.
fn call_events(rng: &mut StdRng, n: usize) -> Vec<Value> {
    let id = format!("c-{n}");
    let start = START + rng.random_range(0..SPAN);
    let at = |secs: i64| Instant::from_secs(start + secs).unwrap().to_rfc3339();
    let direction = pick(
        rng,
        &["inbound", "inbound", "inbound", "outbound", "internal"],
    );
    let mut started = json!({"id": format!("{id}-s"), "type": "call.started", "at": at(0),
        "call_id": id, "direction": direction, "from": "+6590000001"});
    let q = pick(rng, &["q1", "q2", "q3", "none"]);
    if q != "none" {
        started["queue_id"] = json!(q);
    }
    let wait = rng.random_range(0..120);
    let talk = rng.random_range(5..600);
    let agent = pick(rng, &["ann", "bob", "cy", "dee"]);
    let mut events = vec![started];
    let ring = |events: &mut Vec<Value>| {
        events.push(
            json!({"id": format!("{id}-r"), "type": "call.leg_ringing", "at": at(1),
            "call_id": id, "leg_id": "l1", "target": "101", "agent_id": agent}),
        );
    };
    match rng.random_range(0..4) {
        0 | 1 => {
            ring(&mut events);
            events.push(json!({"id": format!("{id}-a"), "type": "call.leg_answered",
                "at": at(wait), "call_id": id, "leg_id": "l1"}));
            events.push(json!({"id": format!("{id}-e"), "type": "call.ended",
                "at": at(wait + talk), "call_id": id, "hangup_by": "caller"}));
            if rng.random_bool(0.5) {
                events.push(json!({"id": format!("{id}-w"), "type": "call.wrapup_done",
                    "at": at(wait + talk + rng.random_range(1..90)), "call_id": id}));
            }
        }
        2 => {
            events.push(json!({"id": format!("{id}-a"), "type": "call.answered",
                "at": at(2), "call_id": id}));
            events.push(json!({"id": format!("{id}-e"), "type": "call.ended",
                "at": at(2 + talk), "call_id": id, "hangup_by": "caller"}));
        }
        _ => {
            ring(&mut events);
            events.push(json!({"id": format!("{id}-e"), "type": "call.ended",
                "at": at(wait), "call_id": id, "hangup_by": "caller"}));
        }
    }
    events
}

/// A digital conversation upserted directly, with random metrics.
fn conversation(rng: &mut StdRng, n: usize, version: i64) -> Interaction {
    let channel = [Channel::Chat, Channel::Email][rng.random_range(0..2)];
    let direction =
        [Direction::Inbound, Direction::Inbound, Direction::Outbound][rng.random_range(0..3)];
    let started = Instant::from_secs(START + rng.random_range(0..SPAN)).unwrap();
    let maybe = |rng: &mut StdRng, value: u32| rng.random_bool(0.7).then_some(value);
    let agent = pick(rng, &["ann", "bob", "none"]);
    let q = pick(rng, &["q1", "q2", "none"]);
    let first_response = rng.random_range(1..900);
    let resolution = rng.random_range(60..90_000);
    Interaction {
        version,
        agent_id: (agent != "none").then(|| key(agent)),
        queue_id: (q != "none").then(|| key(q)),
        first_response_secs: maybe(rng, first_response),
        resolution_secs: maybe(rng, resolution),
        sla_status: [None, Some(SlaStatus::Met), Some(SlaStatus::Breached)][rng.random_range(0..3)],
        ..Interaction::new(
            key("web"),
            key(&format!("m-{n}")),
            channel,
            direction,
            InteractionStatus::Conversation(ConversationStatus::Open),
            started,
        )
    }
}

async fn verified(store: &Store, scope: &TenantScope, context: &str) {
    let found = store.verify_rollups(scope).await.unwrap();
    assert!(
        found.differences.is_empty(),
        "{context}: {} differences, first: {:?}",
        found.differences.len(),
        found.differences.first()
    );
}

/// A report, its granularity, group-bys, and queue and agent filters.
type Shape = (
    Report,
    Option<Granularity>,
    &'static [Dimension],
    &'static [&'static str],
    &'static [&'static str],
);

/// Every report shape answers the same from the rollups as from the records.
async fn reports_agree(store: &Store, scope: &TenantScope, context: &str) {
    let shapes: &[Shape] = &[
        (Report::Calls, None, &[], &[], &[]),
        (
            Report::Calls,
            Some(Granularity::Hour),
            &[Dimension::Queue],
            &[],
            &[],
        ),
        (
            Report::Calls,
            Some(Granularity::Day),
            &[Dimension::Agent],
            &[],
            &[],
        ),
        (
            Report::Calls,
            Some(Granularity::Day),
            &[Dimension::Queue, Dimension::Agent, Dimension::Direction],
            &[],
            &[],
        ),
        (
            Report::Calls,
            Some(Granularity::HalfHour),
            &[],
            &["q1", "q3"],
            &[],
        ),
        (
            Report::Calls,
            Some(Granularity::Day),
            &[Dimension::Queue],
            &[],
            &["ann", "cy"],
        ),
        (
            Report::Interactions,
            Some(Granularity::Day),
            &[Dimension::Channel],
            &[],
            &[],
        ),
        (
            Report::Interactions,
            None,
            &[Dimension::Channel, Dimension::Agent],
            &["q2"],
            &[],
        ),
    ];
    for ((report, granularity, group_by, queues, agents), hours) in shapes
        .iter()
        .flat_map(|shape| Hours::ALL.iter().map(move |hours| (shape, hours)))
    {
        let query = ReportQuery {
            report: *report,
            // On the 15-minute grid, so the rollups answer.
            from: Instant::from_secs(START / 900 * 900 - 86_400).unwrap(),
            to: Instant::from_secs(START / 900 * 900 + SPAN + 86_400).unwrap(),
            zone: Zone::parse("America/New_York").unwrap(),
            granularity: *granularity,
            group_by: group_by.to_vec(),
            queues: queues.iter().map(|it| key(it)).collect(),
            agents: agents.iter().map(|it| key(it)).collect(),
            channels: Vec::new(),
            directions: Vec::new(),
            hours: *hours,
        };
        let rolled = store.report(scope, query.clone()).await.unwrap();
        let counted = store.report_from_records(scope, query).await.unwrap();
        assert_eq!(rolled.source, Source::Rollups, "{context}");
        assert_eq!(
            rolled.rows, counted.rows,
            "{context}: {report:?} {granularity:?} {group_by:?} {queues:?} {agents:?} {hours:?}"
        );
    }
}

/// A queue that opens at 08:05: its buckets cannot be kept or left whole, so a question
/// by hours is answered from the records, and still agrees with them.
async fn business_hours_off_the_grid(store: &Store, scope: &TenantScope, context: &str) {
    let mut q3 = queue("q3", Some(45), Some(10));
    q3.business_hours = Some(hours("Europe/London", (8 * 60 + 5, 18 * 60)));
    let batch = DirectoryBatch {
        queues: vec![q3],
        ..DirectoryBatch::default()
    };
    store.upsert_directory(scope, batch).await.unwrap();
    let query = ReportQuery {
        report: Report::Calls,
        from: Instant::from_secs(START / 900 * 900).unwrap(),
        to: Instant::from_secs(START / 900 * 900 + SPAN).unwrap(),
        zone: Zone::utc(),
        granularity: Some(Granularity::Hour),
        group_by: vec![Dimension::Queue],
        queues: Vec::new(),
        agents: Vec::new(),
        channels: Vec::new(),
        directions: Vec::new(),
        hours: Hours::Outside,
    };
    let answer = store.report(scope, query.clone()).await.unwrap();
    assert_eq!(answer.source, Source::Records, "{context}");
    let all = ReportQuery {
        hours: Hours::All,
        ..query.clone()
    };
    assert_eq!(
        store.report(scope, all).await.unwrap().source,
        Source::Rollups
    );
    let counted = store.report_from_records(scope, query).await.unwrap();
    assert_eq!(answer.rows, counted.rows, "{context}");
}

async fn story(store: Store, backend: &str, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let context = |step: &str| format!("{backend}, seed {seed}, {step}");
    let id = key("acme");
    let scope = store.tenant(&id).await.unwrap().unwrap().0;
    let directory = |queues: Vec<Queue>| DirectoryBatch {
        queues,
        ..DirectoryBatch::default()
    };
    store
        .upsert_directory(
            &scope,
            directory(vec![
                queue("q1", Some(20), Some(5)),
                queue("q2", Some(30), None),
                queue("q3", None, None),
            ]),
        )
        .await
        .unwrap();

    let mut events: Vec<Value> = (0..60).flat_map(|n| call_events(&mut rng, n)).collect();
    events.shuffle(&mut rng);
    let projector = folds::shared();
    let mut conversations: Vec<Interaction> = Vec::new();
    let mut step = 0;
    while !events.is_empty() {
        step += 1;
        let take = rng.random_range(1..=events.len().min(40));
        let mut batch: Vec<Value> = events.drain(..take).collect();
        // Duplicates: events already sent, sent again.
        let again = rng.random_range(0..3);
        for _ in 0..again {
            let one = batch[rng.random_range(0..batch.len())].clone();
            batch.push(one);
        }
        let read: Vec<_> = batch.iter().map(|it| read_event(it).unwrap()).collect();
        store
            .ingest_events(&scope, read, projector.clone())
            .await
            .unwrap();

        // New conversations, and new versions of earlier ones that move them.
        let mut upserts = Vec::new();
        for _ in 0..rng.random_range(0..6) {
            let n = conversations.len();
            conversations.push(conversation(&mut rng, n, 1));
            upserts.push(conversations[n].clone());
        }
        if !conversations.is_empty() && rng.random_bool(0.5) {
            let n = rng.random_range(0..conversations.len());
            let version = conversations[n].version + 1;
            conversations[n] = conversation(&mut rng, n, version);
            upserts.push(conversations[n].clone());
        }
        store.upsert_interactions(&scope, upserts).await.unwrap();

        if step == 3 {
            // New thresholds: q1's calls are counted again, q3 gets some.
            store
                .upsert_directory(
                    &scope,
                    directory(vec![
                        queue("q1", Some(10), Some(8)),
                        queue("q3", Some(45), Some(10)),
                    ]),
                )
                .await
                .unwrap();
        }
        verified(&store, &scope, &context(&format!("step {step}"))).await;
        if step % 3 == 2 {
            // Spans kept now must be found stale after the writes that follow.
            reports_agree(&store, &scope, &context(&format!("step {step}"))).await;
        }
    }
    reports_agree(&store, &scope, &context("the end")).await;
    // Again, from the spans the first asking kept.
    reports_agree(&store, &scope, &context("the end, kept")).await;
    business_hours_off_the_grid(&store, &scope, &context("off the grid")).await;
    let found = store.verify_rollups(&scope).await.unwrap();
    assert_eq!(
        found.records,
        60 + conversations.len() as u64,
        "{}",
        context("every record was compared")
    );
    assert!(found.rows >= found.records / 2, "{}", context("rows"));
}

#[tokio::test]
async fn rollups_equal_the_records_after_any_sequence_of_writes() {
    for seed in [1, 2, 3] {
        on_each!(|backend, store| {
            tenants!(store, ["acme"]);
            story(Store::from(store.clone()), backend, seed).await;
        });
    }
}
