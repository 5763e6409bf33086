//! `cxhub-bench`: cxhub's figures beside a raw-storage baseline taken in the same run.
//!
//! One command builds a dataset of simulated calls through cxhub's own write path and
//! measures, each next to its baseline (bench/README.md):
//! - ingest: records/s of the bulk upsert, against raw rusqlite inserts of the same rows
//!   (one prepared statement, one transaction, the same schema and indexes);
//! - re-ingest of the same data (0 rows created), against the first load;
//! - `POST /v1/events` in batches of 1000, against raw inserts of the same event rows;
//! - listing over HTTP (native cursors and the three dialects, page 1 and deep pages) at
//!   concurrency 1 and 32, against the store's SQL run directly through rusqlite;
//! - the server's peak RSS.
//!
//! The server runs as a child process (this binary, `serve`), so its memory is its own.

mod analytics;
mod client;
mod dataset;
mod postgres;
mod report;

/// mimalloc rather than the system allocator: a page's rows are decoded on a blocking
/// thread and freed on an async worker, and glibc's per-thread arenas make those
/// cross-thread frees costly (docs/decisions.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant as Clock};

use anyhow::Context;
use clap::Parser;
use cxhub_model::ids::Key;
use cxhub_model::time::Zone;
use cxhub_store::sqlite::baseline;
use cxhub_store::tokens::Role;
use cxhub_store::{DirectoryBatch, NewTenant, Outcome, Store, TenantScope};

use crate::report::{Figure, Report};

#[derive(Parser)]
#[command(about = "cxhub's benchmark: each figure beside a raw-storage baseline of the same run")]
pub(crate) struct Args {
    #[command(subcommand)]
    serve: Option<Serve>,
    /// Calls in the dataset (10000000 for the 10M run).
    #[arg(long, default_value_t = 1_000_000)]
    calls: usize,
    /// Events posted to `POST /v1/events`.
    #[arg(long, default_value_t = 200_000)]
    events: usize,
    /// Requests per listing scenario and concurrency.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Where the databases go (a temporary directory by default, removed at the end).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Append the results to bench/RESULTS.md, with the machine, the date and the commit.
    #[arg(long)]
    record: bool,
    /// Run on PostgreSQL: a `postgres://` URL of a database on a server where the user
    /// may create databases (the run makes `cxhub_bench` and `cxhub_bench_raw` there).
    #[arg(long)]
    db: Option<String>,
}

#[derive(clap::Subcommand)]
enum Serve {
    /// Internal: serve a database for the benchmark's client (prints the address).
    Serve { db: PathBuf },
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    match &args.serve {
        Some(Serve::Serve { db }) => runtime.block_on(serve(db)),
        None => runtime.block_on(run(&args)),
    }
}

/// The child: `cxhub serve` on a free loopback port, until killed.
async fn serve(db: &Path) -> anyhow::Result<()> {
    let store = Store::open(db.to_str().context("a UTF-8 path")?).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening http://{}", listener.local_addr()?);
    cxhub_server::serve(
        listener,
        cxhub_server::AppState::new(store),
        std::future::pending(),
    )
    .await?;
    Ok(())
}

async fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(url) = &args.db {
        return postgres::run(args, url).await;
    }
    let temp = tempfile::tempdir()?;
    let dir = args.dir.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("cxhub.db");
    let raw_db = dir.join("raw.db");
    for path in [&db, &raw_db] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    let mut report = Report::new(args.calls, args.events, args.requests);
    let dataset = dataset::Dataset::new(args.calls);
    eprintln!(
        "dataset: {} calls over {} simulated days ({} agents)",
        args.calls,
        dataset.days_needed(),
        dataset.agents()
    );

    // Ingest: cxhub's bulk upsert, then the raw baseline, then the re-ingest.
    let store = Store::open(db.to_str().context("a UTF-8 path")?).await?;
    let bench = tenant(&store, "bench").await?;
    let events_tenant = tenant(&store, "events").await?;
    let directory = dataset.directory_batch();
    store.upsert_directory(&bench, directory.clone()).await?;
    store
        .upsert_directory(&events_tenant, directory.clone())
        .await?;
    let raw = open_raw(&raw_db, &directory).await?;

    let (ingest, raw_ingest) = ingest(&store, &bench, &raw, &dataset).await?;
    report.add(Figure::rate(
        "bulk upsert (records/s)",
        args.calls,
        ingest,
        raw_ingest,
    ));
    let (read_token, write_token) = reingest_and_tokens(
        &store,
        &bench,
        &events_tenant,
        &dataset,
        &mut report,
        ingest,
        "re-ingest, 0 created (records/s) vs first load",
    )
    .await?;
    drop(store);

    // Events over HTTP, against raw event-row inserts.
    let events = dataset.events(args.events);
    let raw_events = raw_event_inserts(&raw, &events)?;
    let mut server = client::Server::start(&db)?;
    let posted = client::post_events(&server.base, &write_token, &events).await?;
    report.add(Figure::rate(
        "POST /v1/events, batches of 1000 (events/s)",
        events.len(),
        posted,
        raw_events,
    ));

    // Listing.
    let positions = client::deep_positions(&db, bench.pk, args.calls)?;
    let scenarios = client::scenarios(&server.base, &read_token, &dataset, &positions).await?;
    for scenario in &scenarios {
        for concurrency in [1, 32] {
            let http =
                client::measure(&server, &read_token, scenario, concurrency, args.requests).await?;
            let sql = client::measure_raw(&db, bench.pk, scenario, concurrency, args.requests)?;
            report.add(Figure::latency(&scenario.name, concurrency, &http, &sql));
        }
    }
    report.peak_rss_kib = server.peak_rss_kib();

    // Analytics: reports over HTTP beside a full scan; then what the rollups cost ingest.
    let store = Store::open(db.to_str().context("a UTF-8 path")?).await?;
    let reports =
        analytics::reports(&server.base, &read_token, &store, &bench, &dataset, 100).await?;
    drop(store);
    server.stop();
    report.notes.push(reports);
    let upkeep = analytics::upkeep(
        &dir,
        &dataset,
        args.calls.min(200_000),
        args.events.min(50_000),
    )
    .await?;
    report.notes.push(upkeep);

    let text = report.markdown();
    println!("{text}");
    if args.record {
        report::record(&text)?;
        eprintln!("appended to bench/RESULTS.md");
    }
    Ok(())
}

pub(crate) async fn tenant(store: &Store, id: &str) -> anyhow::Result<TenantScope> {
    let key = Key::parse(id).map_err(anyhow::Error::msg)?;
    store
        .create_tenant(NewTenant {
            id: key.clone(),
            name: id.to_owned(),
            timezone: Zone::parse(dataset::ZONE).map_err(anyhow::Error::msg)?,
        })
        .await?;
    let (scope, _) = store.tenant(&key).await?.context("the tenant just made")?;
    Ok(scope)
}

/// The baseline database: the same schema (made by the store's migrations), the same
/// tenants, then a plain connection.
async fn open_raw(path: &Path, directory: &DirectoryBatch) -> anyhow::Result<rusqlite::Connection> {
    let store = Store::open(path.to_str().context("a UTF-8 path")?).await?;
    let scope = tenant(&store, "bench").await?;
    tenant(&store, "events").await?;
    store.upsert_directory(&scope, directory.clone()).await?;
    drop(store);
    Ok(baseline::open(path)?)
}

/// Loads every call through `Store::upsert_interactions` in batches of 1000, and the
/// same rows through the raw baseline in one transaction. Only the writes are timed.
async fn ingest(
    store: &Store,
    scope: &TenantScope,
    raw: &rusqlite::Connection,
    dataset: &dataset::Dataset,
) -> anyhow::Result<(Duration, Duration)> {
    let (mut cxhub, mut baseline) = (Duration::ZERO, Duration::ZERO);
    raw.execute_batch("begin")?;
    for day in dataset.days() {
        // Batches are made before the clock starts: a client sends owned records.
        let batches: Vec<_> = day.chunks(1000).map(<[_]>::to_vec).collect();
        let started = Clock::now();
        for batch in batches {
            store.upsert_interactions(scope, batch).await?;
        }
        cxhub += started.elapsed();
        let started = Clock::now();
        baseline::insert_interactions(raw, scope.pk, &day)?;
        baseline += started.elapsed();
    }
    let started = Clock::now();
    raw.execute_batch("commit")?;
    baseline += started.elapsed();
    eprintln!("ingest: cxhub {cxhub:?}, raw {baseline:?}");
    Ok((cxhub, baseline))
}

/// Sends the calls again and reports it beside the first load (`ingest`), then makes
/// the read token of the listing and the write token of the events.
pub(crate) async fn reingest_and_tokens(
    store: &Store,
    bench: &TenantScope,
    events_tenant: &TenantScope,
    dataset: &dataset::Dataset,
    report: &mut Report,
    ingest: Duration,
    name: &str,
) -> anyhow::Result<(String, String)> {
    let (again, created) = reingest(store, bench, dataset).await?;
    anyhow::ensure!(created == 0, "re-ingest created {created} records");
    report.add(Figure::rate(name, dataset.calls(), again, ingest));
    let read_token = store.create_token(&bench.id, Role::Read, None).await?.1;
    let write_token = store
        .create_token(&events_tenant.id, Role::Write, None)
        .await?
        .1;
    Ok((read_token, write_token))
}

/// Sends the same calls again; returns the time and how many records were created.
async fn reingest(
    store: &Store,
    scope: &TenantScope,
    dataset: &dataset::Dataset,
) -> anyhow::Result<(Duration, usize)> {
    let mut elapsed = Duration::ZERO;
    let mut created = 0;
    for day in dataset.days() {
        let batches: Vec<_> = day.chunks(1000).map(<[_]>::to_vec).collect();
        let started = Clock::now();
        for batch in batches {
            let outcomes = store.upsert_interactions(scope, batch).await?;
            created += outcomes
                .iter()
                .filter(|it| it.outcome == Outcome::Created)
                .count();
        }
        elapsed += started.elapsed();
    }
    eprintln!("re-ingest: {elapsed:?}");
    Ok((elapsed, created))
}

/// The raw baseline of the events: the same rows into the `event` table.
fn raw_event_inserts(
    raw: &rusqlite::Connection,
    events: &[serde_json::Value],
) -> anyhow::Result<Duration> {
    let rows: Vec<_> = events
        .iter()
        .map(|event| {
            let text = |name: &str| event[name].as_str().unwrap_or_default().to_owned();
            let (kind, subject) = ["call_id", "conversation_id", "user_id"]
                .iter()
                .zip(["call", "conversation", "presence"])
                .find_map(|(field, kind)| event[*field].as_str().map(|it| (kind, it)))
                .unwrap_or(("call", ""));
            let at = cxhub_model::time::Instant::parse_rfc3339(&text("at"))
                .map_or(0, |it| it.as_millis());
            (
                text("source"),
                text("id"),
                kind.to_owned(),
                subject.to_owned(),
                text("type"),
                at,
                event.to_string(),
            )
        })
        .collect();
    let tenant_pk: i64 = raw.query_row("select pk from tenant where id = 'events'", [], |row| {
        row.get(0)
    })?;
    let started = Clock::now();
    raw.execute_batch("begin")?;
    for chunk in rows.chunks(1000) {
        baseline::insert_events(raw, tenant_pk, chunk)?;
    }
    raw.execute_batch("commit")?;
    Ok(started.elapsed())
}
