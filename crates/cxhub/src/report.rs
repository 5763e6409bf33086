//! `cxhub report` and `cxhub analytics verify`: the API's reports on the command line,
//! and a tenant's rollups checked against its records.

use anyhow::bail;
use clap::{Subcommand, ValueEnum};
use cxhub_analytics::MetricValue;
use cxhub_model::ids::Key;
use cxhub_server::routes::analytics::ReportBody;
use cxhub_store::Store;
use cxhub_store::analytics::Report;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    tenant: String,
    /// `calls` (voice KPIs) or `interactions` (every channel).
    #[arg(long, value_enum, default_value_t = Kind::Calls)]
    report: Kind,
    /// RFC 3339; records whose `started_at` is in `[from, to)`.
    #[arg(long)]
    from: String,
    #[arg(long)]
    to: String,
    /// An IANA zone; the tenant's by default.
    #[arg(long)]
    timezone: Option<String>,
    /// PT15M, PT30M, PT1H, P1D, P1W or P1M; one bucket for the interval when absent.
    #[arg(long)]
    granularity: Option<String>,
    /// A comma list of queue, agent, channel, direction.
    #[arg(long)]
    group_by: Option<String>,
    /// Only these queues, agents, channels or directions (comma lists).
    #[arg(long)]
    queue: Option<String>,
    #[arg(long)]
    agent: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    #[arg(long)]
    direction: Option<String>,
    /// A comma list of metric names (`GET /v1/analytics/metrics`); all when absent.
    #[arg(long)]
    metrics: Option<String>,
    /// `business`, `outside` or `all`: calls by their queue's business hours.
    #[arg(long)]
    hours: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Calls,
    Interactions,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Subcommand)]
pub enum AnalyticsCommand {
    /// Recompute a tenant's rollups from its records and print every difference; exits
    /// non-zero when there is one.
    Verify {
        #[arg(long)]
        tenant: String,
    },
}

async fn scope(store: &Store, tenant: &str) -> anyhow::Result<cxhub_store::TenantScope> {
    let id = Key::parse(tenant).map_err(|reason| anyhow::anyhow!("--tenant {reason}"))?;
    match store.tenant(&id).await? {
        Some((scope, _)) => Ok(scope),
        None => bail!("no tenant `{id}`"),
    }
}

pub async fn run(store: &Store, args: Args) -> anyhow::Result<()> {
    let scope = scope(store, &args.tenant).await?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("from", &args.from)
        .append_pair("to", &args.to);
    let optional = [
        ("timezone", &args.timezone),
        ("granularity", &args.granularity),
        ("group_by", &args.group_by),
        ("queue", &args.queue),
        ("agent", &args.agent),
        ("channel", &args.channel),
        ("direction", &args.direction),
        ("metrics", &args.metrics),
        ("hours", &args.hours),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    let report = match args.report {
        Kind::Calls => Report::Calls,
        Kind::Interactions => Report::Interactions,
    };
    let body = cxhub_server::routes::analytics::answer(store, &scope, report, &query.finish())
        .await
        .map_err(|err| anyhow::anyhow!("{}", err.detail()))?;
    if args.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&body)?);
        return Ok(());
    }
    let rows = table(&body);
    match args.format {
        Format::Csv => {
            let mut out = csv::Writer::from_writer(std::io::stdout());
            for row in rows {
                out.write_record(row)?;
            }
            out.flush()?;
        }
        _ => print_aligned(&rows),
    }
    Ok(())
}

/// The answer as rows of text: a header (start, end, each group dimension, each metric
/// in the dictionary's order), then one row per entry; null is empty.
fn table(body: &ReportBody) -> Vec<Vec<String>> {
    let mut header = vec!["start".to_owned(), "end".to_owned()];
    if let Some(first) = body.data.first() {
        header.extend(first.group.iter().map(|(name, _)| (*name).to_owned()));
        header.extend(first.metrics.iter().map(|(name, _)| (*name).to_owned()));
    }
    let value = |value: &MetricValue| match *value {
        MetricValue::Count(it) => it.to_string(),
        MetricValue::Whole(it) => it.map_or_else(String::new, |it| it.to_string()),
        MetricValue::Ratio(it) => it.map_or_else(String::new, |it| format!("{it:.2}")),
    };
    let mut rows = vec![header];
    for entry in &body.data {
        let mut row = vec![entry.start.clone(), entry.end.clone()];
        row.extend(
            entry
                .group
                .iter()
                .map(|(_, it)| it.clone().unwrap_or_default()),
        );
        row.extend(entry.metrics.iter().map(|(_, it)| value(it)));
        rows.push(row);
    }
    rows
}

fn print_aligned(rows: &[Vec<String>]) {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|col| {
            rows.iter()
                .map(|row| row[col].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
}

pub async fn analytics(store: &Store, command: AnalyticsCommand) -> anyhow::Result<()> {
    match command {
        AnalyticsCommand::Verify { tenant } => {
            let scope = scope(store, &tenant).await?;
            let found = store.verify_rollups(&scope).await?;
            for line in &found.differences {
                println!("{line}");
            }
            eprintln!(
                "{} records, {} rollup rows: {} differences",
                found.records,
                found.rows,
                found.differences.len()
            );
            if !found.differences.is_empty() {
                bail!("the rollups differ from the records");
            }
            Ok(())
        }
    }
}
