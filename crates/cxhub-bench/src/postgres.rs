//! `cxhub-bench --db postgres://…`: the same measures on PostgreSQL, each beside a raw
//! PostgreSQL baseline of the same run (`COPY` for the writes, the store's listing SQL on
//! plain connections for the pages), the events beside the SQLite figure of the same run,
//! and two servers on one database beside one. The URL names a server and a database the
//! user may create databases next to; the run makes `cxhub_bench` and `cxhub_bench_raw`
//! afresh there.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant as Clock};

use anyhow::Context;
use cxhub_store::postgres::baseline;
use cxhub_store::query::{InteractionFilter, PageRequest};
use cxhub_store::tokens::Role;
use cxhub_store::{Store, TenantScope};

use crate::client::{self, DeepPositions, Measured, Server};
use crate::report::{Figure, Report};
use crate::{Args, dataset, tenant};

pub async fn run(args: &Args, url: &str) -> anyhow::Result<()> {
    let cxhub_url = fresh_database(url, "cxhub_bench").await?;
    let raw_url = fresh_database(url, "cxhub_bench_raw").await?;
    let mut report = Report::new(args.calls, args.events, args.requests);
    let dataset = dataset::Dataset::new(args.calls);
    eprintln!(
        "PostgreSQL: {} calls over {} simulated days",
        args.calls,
        dataset.days_needed()
    );
    let store = Store::open(&cxhub_url).await?;
    let bench = tenant(&store, "bench").await?;
    let events_tenant = tenant(&store, "events").await?;
    let directory = dataset.directory_batch();
    store.upsert_directory(&bench, directory.clone()).await?;
    store
        .upsert_directory(&events_tenant, directory.clone())
        .await?;
    let raw_pk = {
        let raw_store = Store::open(&raw_url).await?;
        let scope = tenant(&raw_store, "bench").await?;
        tenant(&raw_store, "events").await?;
        raw_store
            .upsert_directory(&scope, directory.clone())
            .await?;
        scope.pk
    };
    let mut raw = baseline::connect(&raw_url).await?;
    raw.without_numbering().await?;

    let (ingest, raw_ingest) = ingest(&store, &bench, &mut raw, raw_pk, &dataset).await?;
    report.add(Figure::rate(
        "PostgreSQL bulk upsert vs raw COPY (records/s)",
        args.calls,
        ingest,
        raw_ingest,
    ));
    let (read_token, write_token) = crate::reingest_and_tokens(
        &store,
        &bench,
        &events_tenant,
        &dataset,
        &mut report,
        ingest,
        "PostgreSQL re-ingest, 0 created, vs first load (records/s)",
    )
    .await?;
    drop(store);

    // Events: the same events through a PostgreSQL server and a SQLite one.
    let events = dataset.events(args.events);
    let mut server = Server::start(Path::new(&cxhub_url))?;
    let on_postgres = client::post_events(&server.base, &write_token, &events).await?;
    let on_sqlite = sqlite_events(&dataset, &events).await?;
    report.add(Figure::rate(
        "PostgreSQL POST /v1/events vs the same on SQLite (events/s)",
        events.len(),
        on_postgres,
        on_sqlite,
    ));

    // Listing, against the store's SQL on plain connections, both databases analyzed.
    for url in [&cxhub_url, &raw_url] {
        baseline::connect(url).await?.analyze().await?;
    }
    let deep = client::deep_page(args.calls);
    let positions = DeepPositions {
        voice: walk(&raw, raw_pk, &voice(), deep).await?,
        any: walk(&raw, raw_pk, &InteractionFilter::default(), deep).await?,
    };
    drop(raw);
    let scenarios = client::scenarios(&server.base, &read_token, &dataset, &positions).await?;
    let mut one_server = Vec::new();
    for scenario in &scenarios {
        for concurrency in [1, 32] {
            let postgres_before = postgres_cpu();
            let http =
                client::measure(&server, &read_token, scenario, concurrency, args.requests).await?;
            let postgres = postgres_cpu().saturating_sub(postgres_before);
            let sql = measure_raw(&raw_url, raw_pk, scenario, concurrency, args.requests).await?;
            if concurrency == 32 {
                one_server.push((
                    scenario.name.clone(),
                    http.latencies.len(),
                    http.wall,
                    postgres,
                    http.server_cpu,
                ));
            }
            report.add(Figure::latency(&scenario.name, concurrency, &http, &sql));
        }
    }
    report.peak_rss_kib = server.peak_rss_kib();

    // Two servers on the database, the requests split between them.
    let second = Server::start(Path::new(&cxhub_url))?;
    for (scenario, (name, count, wall, postgres, server_cpu)) in scenarios.iter().zip(&one_server) {
        let half = args.requests / 2;
        let postgres_before = postgres_cpu();
        let started = Clock::now();
        let (first, other) = tokio::join!(
            client::measure(&server, &read_token, scenario, 16, half),
            client::measure(&second, &read_token, scenario, 16, half)
        );
        let two_wall = started.elapsed();
        let two_postgres = postgres_cpu().saturating_sub(postgres_before);
        let (first, other) = (first?, other?);
        let two_count = first.latencies.len() + other.latencies.len();
        let two_servers =
            first.server_cpu.unwrap_or_default() + other.server_cpu.unwrap_or_default();
        report.add(Figure::Rate {
            name: format!("{name}: two servers vs one, pages/s at concurrency 32"),
            per_sec: two_count as f64 / two_wall.as_secs_f64(),
            baseline_per_sec: *count as f64 / wall.as_secs_f64(),
        });
        let share = |postgres: Duration, servers: Duration| {
            100.0 * postgres.as_secs_f64() / (postgres + servers).as_secs_f64().max(f64::EPSILON)
        };
        report.notes.push(format!(
            "{name}, concurrency 32: PostgreSQL took {:.0}% of the CPU that it and one server used, {:.0}% with two servers.",
            share(*postgres, server_cpu.unwrap_or_default()),
            share(two_postgres, two_servers),
        ));
    }
    drop(second);
    server.stop();

    let text = report.markdown();
    println!("{text}");
    if args.record {
        crate::report::record(&text)?;
        eprintln!("appended to bench/RESULTS.md");
    }
    Ok(())
}

fn voice() -> InteractionFilter {
    client::voice_filter()
}

async fn fresh_database(url: &str, name: &str) -> anyhow::Result<String> {
    baseline::fresh_database(url, name)
        .await
        .with_context(|| format!("could not make database {name} on {url}"))
}

/// Loads every call through `Store::upsert_interactions` in batches of 1000, and the same
/// rows by `COPY` into the raw database a day at a time. Only the writes are timed.
async fn ingest(
    store: &Store,
    scope: &TenantScope,
    raw: &mut baseline::Raw,
    raw_pk: i64,
    dataset: &dataset::Dataset,
) -> anyhow::Result<(Duration, Duration)> {
    let (mut cxhub, mut baseline) = (Duration::ZERO, Duration::ZERO);
    let mut number = 1;
    for day in dataset.days() {
        let batches: Vec<_> = day.chunks(1000).map(<[_]>::to_vec).collect();
        let started = Clock::now();
        for batch in batches {
            store.upsert_interactions(scope, batch).await?;
        }
        cxhub += started.elapsed();
        let started = Clock::now();
        raw.copy_interactions(raw_pk, &day, number).await?;
        baseline += started.elapsed();
        number += day.len() as i64;
    }
    eprintln!("ingest: cxhub {cxhub:?}, raw COPY {baseline:?}");
    Ok((cxhub, baseline))
}

/// The same events through a server on a fresh SQLite file.
async fn sqlite_events(
    dataset: &dataset::Dataset,
    events: &[serde_json::Value],
) -> anyhow::Result<Duration> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("events.db");
    let store = Store::open(db.to_str().context("a UTF-8 path")?).await?;
    let scope = tenant(&store, "events").await?;
    store
        .upsert_directory(&scope, dataset.directory_batch())
        .await?;
    let token = store.create_token(&scope.id, Role::Write, None).await?.1;
    drop(store);
    let server = Server::start(&db)?;
    client::post_events(&server.base, &token, events).await
}

/// The position that starts page `page` of `filter`, walking the store's SQL.
async fn walk(
    raw: &baseline::Raw,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: usize,
) -> anyhow::Result<Option<cxhub_store::query::Position>> {
    let mut after = None;
    for _ in 1..page {
        let found = raw
            .list_interactions(tenant_pk, filter, PageRequest::after(after, 100))
            .await?;
        after = Some(found.next.context("the raw walk ended early")?);
    }
    Ok(after)
}

/// Runs `total` pages of `scenario` through the store's SQL from `concurrency` tasks,
/// each on its own connection (as the server's pool has).
async fn measure_raw(
    url: &str,
    tenant_pk: i64,
    scenario: &client::Scenario,
    concurrency: usize,
    total: usize,
) -> anyhow::Result<Measured> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let pages = Arc::new(scenario.raw.clone());
    let started = Clock::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let raw = baseline::connect(url).await?;
        let (next, pages) = (next.clone(), pages.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total {
                    return anyhow::Ok(latencies);
                }
                let (filter, page) = &pages[n % pages.len()];
                let sent = Clock::now();
                let found = raw.list_interactions(tenant_pk, filter, *page).await?;
                std::hint::black_box(found);
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok(Measured {
        latencies,
        wall: started.elapsed(),
        server_cpu: None,
        client_cpu: None,
    })
}

/// The CPU time every `postgres` process on this machine has used so far.
fn postgres_cpu() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.to_owned();
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
            (comm.trim() == "postgres").then(|| client::cpu_time(&pid))?
        })
        .sum()
}
