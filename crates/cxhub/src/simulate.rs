//! `cxhub simulate`: a synthetic contact center.
//!
//! By default the center is told as live events (calls, conversations, presence) and
//! goes through the same path as `POST /v1/events`: stored raw, folded into records.
//! `--bulk` writes the simulated records directly through the batch upserts instead.
//! Tickets and the directory are always written directly.

use anyhow::Context;
use cxhub_model::ids::Key;
use cxhub_model::time::{Instant, Zone};
use cxhub_sim::{Day, SimConfig};
use cxhub_store::pipeline::{Pipeline, Verdict};
use cxhub_store::{DirectoryBatch, NewTenant, Store, TenantScope};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Records per write transaction: large enough to amortize the commit, small enough to
/// keep the writer responsive to a server sharing the database.
const BATCH: usize = 1000;

#[derive(clap::Args)]
pub struct Args {
    /// The tenant to fill; created if missing.
    #[arg(long)]
    tenant: String,
    /// How many days to simulate (1 to 3660).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=3660))]
    days: u32,
    /// The first day (YYYY-MM-DD) in the tenant's zone; defaults to `days` days before today.
    #[arg(long)]
    start: Option<String>,
    /// The random seed: the same seed gives the same center.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many agents work in the center.
    #[arg(long, default_value_t = 20)]
    agents: u32,
    /// Calls on a weekday; weekends have fewer.
    #[arg(long = "calls-per-day", default_value_t = 2000)]
    calls_per_day: u32,
    /// The zone of a tenant this creates.
    #[arg(long, default_value = "UTC")]
    timezone: String,
    /// Write the simulated records directly, skipping the events and their folds.
    #[arg(long)]
    bulk: bool,
    /// Send the events of all the days in one random order, every tenth one twice, as a
    /// network that reorders and retries would; the records must come out the same.
    #[arg(long, conflicts_with = "bulk")]
    shuffle: bool,
}

pub async fn run(store: &Store, args: Args) -> anyhow::Result<()> {
    let tenant_id =
        Key::parse(&args.tenant).map_err(|reason| anyhow::anyhow!("--tenant {reason}"))?;
    let (scope, zone) = tenant_scope(store, &tenant_id, &args.timezone).await?;
    let start = match &args.start {
        Some(text) => text
            .parse::<jiff::civil::Date>()
            .with_context(|| format!("--start `{text}` is not YYYY-MM-DD"))?,
        None => {
            let today = zone.local_of(Instant::now()).date();
            today
                .checked_sub(jiff::Span::new().days(i64::from(args.days)))
                .context("--days reaches too far back")?
        }
    };
    let mut config = SimConfig::new(start, zone);
    config.seed = args.seed;
    config.days = args.days;
    config.agents = args.agents;
    config.calls_per_day = args.calls_per_day;

    let directory = cxhub_sim::directory(&config);
    let batch = DirectoryBatch {
        users: directory.users.clone(),
        queues: directory.queues.clone(),
        contacts: directory.contacts.clone(),
        tags: directory.tags.clone(),
        categories: directory.categories.clone(),
        attributes: directory.attributes.clone(),
        presence_statuses: directory.presence_statuses.clone(),
        extensions: Vec::new(),
    };
    store.upsert_directory(&scope, batch).await?;

    let progress = ProgressBar::new(u64::from(args.days));
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} simulating [{bar:30}] day {pos}/{len} {msg} ({elapsed})",
        )
        .expect("the template is valid")
        .progress_chars("=> "),
    );
    // Off a terminal (a log, CI) the bar is hidden; a line a day, at most one a second,
    // says how far it is instead.
    let plain = !std::io::stderr().is_terminal();
    let mut last_line = std::time::Instant::now();
    let mut totals = Totals::default();
    for day_index in 0..args.days {
        let day = cxhub_sim::simulate_day(&config, &directory, day_index);
        let date = day.date.to_string();
        progress.set_message(date.clone());
        match (args.bulk, args.shuffle) {
            (true, _) => totals.write(store, &scope, day).await?,
            (false, true) => totals.hold(store, &scope, day).await?,
            (false, false) => totals.send(store, &scope, day).await?,
        }
        progress.inc(1);
        let last = day_index + 1 == args.days;
        if plain && (last || last_line.elapsed() >= std::time::Duration::from_secs(1)) {
            last_line = std::time::Instant::now();
            eprintln!(
                "simulating: day {}/{} ({date}), {} calls so far",
                day_index + 1,
                args.days,
                totals.calls
            );
        }
    }
    progress.finish_and_clear();
    if args.shuffle {
        totals.send_shuffled(store, &scope, args.seed).await?;
    }
    eprintln!(
        "simulated {} days from {start} for tenant {tenant_id}: {} calls, {} other interactions, {} presence changes, {} tickets{}",
        args.days,
        totals.calls,
        totals.digital,
        totals.presence,
        totals.tickets,
        match (args.bulk, args.shuffle) {
            (true, _) => " (written directly)".to_owned(),
            (false, true) => format!(", from {} events sent shuffled", totals.events),
            (false, false) => format!(", from {} events", totals.events),
        }
    );
    Ok(())
}

/// The tenant's scope and zone, creating the tenant when it is missing.
async fn tenant_scope(
    store: &Store,
    id: &Key,
    timezone: &str,
) -> anyhow::Result<(TenantScope, Zone)> {
    if let Some((scope, tenant)) = store.tenant(id).await? {
        return Ok((scope, tenant.timezone));
    }
    let zone = Zone::parse(timezone).map_err(|reason| anyhow::anyhow!("--timezone: {reason}"))?;
    store
        .create_tenant(NewTenant {
            id: id.clone(),
            name: id.as_str().to_owned(),
            timezone: zone,
        })
        .await?;
    eprintln!("created tenant {id} ({timezone})");
    let (scope, tenant) = store
        .tenant(id)
        .await?
        .context("the tenant just created is missing")?;
    Ok((scope, tenant.timezone))
}

#[derive(Default)]
struct Totals {
    events: usize,
    calls: usize,
    digital: usize,
    presence: usize,
    tickets: usize,
    /// Events kept to be sent shuffled at the end.
    held: Vec<serde_json::Value>,
}

impl Totals {
    fn count(&mut self, day: &Day) {
        let calls = day
            .interactions
            .iter()
            .filter(|it| it.call.is_some())
            .count();
        self.calls += calls;
        self.digital += day.interactions.len() - calls;
        self.presence += day.presence.len();
        self.tickets += day.tickets.len();
    }

    /// Sends the day as events, in time order, through the event path.
    async fn send(&mut self, store: &Store, scope: &TenantScope, day: Day) -> anyhow::Result<()> {
        self.count(&day);
        let events = cxhub_sim::events::day_events(&day);
        self.events += events.len();
        send_events(store, scope, &events).await?;
        store.upsert_tickets(scope, day.tickets).await?;
        Ok(())
    }

    /// Keeps the day's events for [`Totals::send_shuffled`]; writes its tickets.
    async fn hold(&mut self, store: &Store, scope: &TenantScope, day: Day) -> anyhow::Result<()> {
        self.count(&day);
        self.held.extend(cxhub_sim::events::day_events(&day));
        store.upsert_tickets(scope, day.tickets).await?;
        Ok(())
    }

    /// Writes the day's records directly.
    async fn write(&mut self, store: &Store, scope: &TenantScope, day: Day) -> anyhow::Result<()> {
        self.count(&day);
        let mut interactions = day.interactions;
        while !interactions.is_empty() {
            let rest = interactions.split_off(interactions.len().min(BATCH));
            store.upsert_interactions(scope, interactions).await?;
            interactions = rest;
        }
        store.upsert_presence(scope, day.presence).await?;
        store.upsert_tickets(scope, day.tickets).await?;
        Ok(())
    }

    /// Sends every held event in one random order, every tenth one twice.
    async fn send_shuffled(
        &mut self,
        store: &Store,
        scope: &TenantScope,
        seed: u64,
    ) -> anyhow::Result<()> {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        let mut events = std::mem::take(&mut self.held);
        let again: Vec<serde_json::Value> = events.iter().step_by(10).cloned().collect();
        events.extend(again);
        events.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        self.events += events.len();
        send_events(store, scope, &events).await
    }
}

/// Sends events through the event path in batches; every one must be readable.
async fn send_events(
    store: &Store,
    scope: &TenantScope,
    events: &[serde_json::Value],
) -> anyhow::Result<()> {
    let pipeline = Pipeline::new(store.clone());
    for chunk in events.chunks(BATCH) {
        let verdicts = pipeline
            .ingest(scope, chunk.iter().cloned().map(Ok).collect())
            .await?;
        let refused = verdicts
            .iter()
            .zip(chunk)
            .find_map(|(verdict, value)| match verdict {
                Verdict::Rejected(errors) => Some((value, errors)),
                _ => None,
            });
        if let Some((value, errors)) = refused {
            anyhow::bail!("the simulator made an unreadable event {value}: {errors:?}");
        }
    }
    Ok(())
}
