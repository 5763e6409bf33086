//! Analytics figures: reports over HTTP (the first asking, then repeated) beside the full
//! scan of the records that computes the same figures; and what keeping the rollups costs
//! the bulk upsert and the events, beside the same loads with the rollup triggers dropped.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant as Clock};

use anyhow::Context;
use cxhub_analytics::{Granularity, Hours};
use cxhub_model::time::{Instant, Zone};
use cxhub_store::analytics::{Dimension, Report, ReportQuery};
use cxhub_store::{Store, TenantScope};

use crate::dataset::{self, Dataset};

/// One report question: its query string and the same question for the store.
struct Question {
    name: &'static str,
    query: String,
    store: ReportQuery,
}

fn questions(dataset: &Dataset) -> anyhow::Result<Vec<Question>> {
    let zone = Zone::parse(dataset::ZONE).map_err(anyhow::Error::msg)?;
    let start = dataset.start();
    let day = |n: i64| start.plus_secs(n * 86_400);
    let question =
        |name, from: Instant, to: Instant, granularity: Option<&str>, group: Option<Dimension>| {
            let mut query = format!(
                "from={}&to={}&timezone={}",
                from.to_rfc3339(),
                to.to_rfc3339(),
                dataset::ZONE
            );
            if let Some(it) = granularity {
                query.push_str(&format!("&granularity={it}"));
            }
            if let Some(it) = group {
                query.push_str(&format!("&group_by={}", it.as_str()));
            }
            let parsed = granularity
                .map(Granularity::parse)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            anyhow::Ok(Question {
                name,
                query,
                store: ReportQuery {
                    report: Report::Calls,
                    from,
                    to,
                    zone: zone.clone(),
                    granularity: parsed,
                    group_by: group.into_iter().collect(),
                    queues: Vec::new(),
                    agents: Vec::new(),
                    channels: Vec::new(),
                    directions: Vec::new(),
                    hours: Hours::All,
                },
            })
        };
    Ok(vec![
        question(
            "a year of days, by queue",
            day(0),
            day(365),
            Some("P1D"),
            Some(Dimension::Queue),
        )?,
        question(
            "a month at 15 minutes",
            day(0),
            day(30),
            Some("PT15M"),
            None,
        )?,
        question(
            "a day, by agent",
            day(7),
            day(8),
            None,
            Some(Dimension::Agent),
        )?,
        question(
            "a day in hours, by agent",
            day(7),
            day(8),
            Some("PT1H"),
            Some(Dimension::Agent),
        )?,
    ])
}

/// Each report: the first request, then `repeats` more (p50, p99), over HTTP; and the full
/// scan of the records for the same question, once, in process. Checks that both give
/// the same figures.
pub async fn reports(
    base: &str,
    token: &str,
    store: &Store,
    scope: &TenantScope,
    dataset: &Dataset,
    repeats: usize,
) -> anyhow::Result<String> {
    let client = reqwest::Client::new();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| report (GET /v1/analytics/calls) | source | first ms | p50 ms | p99 ms | full scan of the records ms | ratio (scan / p99) | same figures |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---|");
    let ms = |it: Duration| it.as_secs_f64() * 1000.0;
    for question in questions(dataset)? {
        let url = format!(
            "{base}/v1/analytics/calls?{}",
            question.query.replace('+', "%2B")
        );
        let get = || async {
            let response = client.get(&url).bearer_auth(token).send().await?;
            anyhow::ensure!(response.status().is_success(), "{}", response.text().await?);
            let body: serde_json::Value = response.json().await?;
            anyhow::Ok(body)
        };
        let started = Clock::now();
        let body = get().await?;
        let first = started.elapsed();
        let mut latencies = Vec::with_capacity(repeats);
        for _ in 0..repeats {
            let started = Clock::now();
            get().await?;
            latencies.push(started.elapsed());
        }
        latencies.sort();
        let at =
            |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
        let started = Clock::now();
        let scanned = store
            .report_from_records(scope, question.store.clone())
            .await?;
        let scan = started.elapsed();
        let rolled = store.report(scope, question.store.clone()).await?;
        let same = rolled.rows == scanned.rows;
        let _ = writeln!(
            out,
            "| {} ({} entries) | {} | {:.1} | {:.2} | {:.2} | {:.0} | {:.0} | {} |",
            question.name,
            body["data"].as_array().map_or(0, Vec::len),
            body["source"].as_str().unwrap_or("?"),
            ms(first),
            ms(at(0.50)),
            ms(at(0.99)),
            ms(scan),
            ms(scan) / ms(at(0.99)).max(f64::EPSILON),
            if same { "yes" } else { "NO" },
        );
        eprintln!("analytics: {} done", question.name);
    }
    Ok(out)
}

/// The triggers that keep the rollups; dropped for the cost baseline.
const ROLLUP_TRIGGERS: &[&str] = &[
    "interaction_rollup_insert",
    "interaction_rollup_update",
    "interaction_rollup_delete",
    "presence_rollup_insert",
    "presence_rollup_update",
    "presence_rollup_delete",
    "rollup_changed_insert",
    "rollup_changed_update",
    "rollup_changed_delete",
];

/// The bulk upsert of `calls` calls and the in-process ingest of `events` events, into a
/// fresh database kept by the triggers and into one without them.
pub async fn upkeep(
    dir: &Path,
    dataset: &Dataset,
    calls: usize,
    events: usize,
) -> anyhow::Result<String> {
    let mut timings = Vec::new();
    for (name, keep) in [("with", true), ("without", false)] {
        let path = dir.join(format!("upkeep-{name}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let store = Store::open(path.to_str().context("a UTF-8 path")?).await?;
        if !keep {
            let conn = rusqlite::Connection::open(&path)?;
            for trigger in ROLLUP_TRIGGERS {
                conn.execute_batch(&format!("drop trigger {trigger}"))?;
            }
        }
        let bench = crate::tenant(&store, "bench").await?;
        let live = crate::tenant(&store, "events").await?;
        let directory = dataset.directory_batch();
        store.upsert_directory(&bench, directory.clone()).await?;
        store.upsert_directory(&live, directory).await?;
        let mut loaded = Duration::ZERO;
        let mut left = calls;
        for day in dataset.days() {
            let day: Vec<_> = day.into_iter().take(left).collect();
            left -= day.len();
            let batches: Vec<_> = day.chunks(1000).map(<[_]>::to_vec).collect();
            let started = Clock::now();
            for batch in batches {
                store.upsert_interactions(&bench, batch).await?;
            }
            loaded += started.elapsed();
            if left == 0 {
                break;
            }
        }
        let mut batches: Vec<Vec<_>> = Vec::new();
        for chunk in dataset.events(events).chunks(1000) {
            let batch = chunk
                .iter()
                .map(|it| {
                    cxhub_store::pipeline::read_event(it).map_err(|err| anyhow::anyhow!("{err:?}"))
                })
                .collect::<anyhow::Result<_>>()?;
            batches.push(batch);
        }
        let projector = cxhub_store::pipeline::folds::shared();
        let started = Clock::now();
        for batch in batches {
            store.ingest_events(&live, batch, projector.clone()).await?;
        }
        let ingested = started.elapsed();
        eprintln!("upkeep {name} rollups: calls {loaded:?}, events {ingested:?}");
        timings.push((loaded, ingested));
    }
    let rate = |count: usize, took: Duration| count as f64 / took.as_secs_f64().max(f64::EPSILON);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| rollup upkeep | with rollups /s | without /s | ratio |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|");
    let (with, without) = (timings[0], timings[1]);
    for (name, count, kept, bare) in [
        (
            "bulk upsert, batches of 1000 (records/s)",
            calls,
            with.0,
            without.0,
        ),
        (
            "events, in process, batches of 1000 (events/s)",
            events,
            with.1,
            without.1,
        ),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {:.0} | {:.0} | {:.2} |",
            rate(count, kept),
            rate(count, bare),
            rate(count, kept) / rate(count, bare)
        );
    }
    Ok(out)
}
