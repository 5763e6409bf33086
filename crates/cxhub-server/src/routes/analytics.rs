//! `/v1/analytics`: call and interaction KPIs over an interval, in buckets of a time
//! zone, grouped and filtered; and the metric dictionary that says what each one means.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use cxhub_analytics::{Granularity, METRICS, MetricValue, buckets::local_rfc3339};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction};
use cxhub_model::time::Zone;
use cxhub_store::analytics::{Dimension, Report, ReportQuery, Totals};
use serde::Deserialize;
use serde::ser::{Serialize, SerializeMap, Serializer};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::CanRead;
use crate::input::{Checker, decode_query};
use crate::json::Json;
use crate::problem::ApiError;

/// The interval, buckets, groups, filters and metrics of a report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Start of the interval (RFC 3339), inclusive, on each record's `started_at`.
    #[param(required = true)]
    from: Option<String>,
    /// End of the interval (RFC 3339), exclusive.
    #[param(required = true)]
    to: Option<String>,
    /// IANA time zone of the buckets; default the tenant's.
    timezone: Option<String>,
    /// `PT15M`, `PT30M`, `PT1H`, `P1D`, `P1W` (weeks start on Monday) or `P1M`; absent:
    /// one bucket for the whole interval.
    granularity: Option<String>,
    /// Comma list of `queue`, `agent`, `channel`, `direction`.
    group_by: Option<String>,
    /// Only these queue ids (comma list; the parameter may also repeat).
    queue: Option<String>,
    /// Only these agent (user) ids (comma list; the parameter may also repeat).
    agent: Option<String>,
    /// Only these channels (comma list; the parameter may also repeat).
    channel: Option<String>,
    /// Only these directions (comma list; the parameter may also repeat).
    direction: Option<String>,
    /// Comma list of metric names (`GET /v1/analytics/metrics`); absent: all.
    metrics: Option<String>,
}

/// A report: one entry per bucket and group, in bucket order.
#[derive(Debug, ToSchema)]
pub struct ReportBody {
    /// The IANA zone the buckets follow.
    pub timezone: String,
    /// The granularity asked for; null for one bucket over the interval.
    pub granularity: Option<String>,
    /// `rollups`: read from the totals kept at write time in 15-minute UTC buckets;
    /// `records`: added up from the records themselves, where the zone's bucket edges are
    /// not on that grid or the interval starts before 1970. The figures are the same.
    #[schema(pattern = "^(rollups|records)$")]
    pub source: String,
    pub data: Vec<ReportEntry>,
}

/// One bucket of one group.
#[derive(Debug, ToSchema)]
pub struct ReportEntry {
    /// RFC 3339 with the zone's offset at that instant.
    pub start: String,
    pub end: String,
    /// The group's value of each `group_by` dimension; null where a record has none
    /// (a call without a queue).
    #[schema(value_type = BTreeMap<String, Option<String>>)]
    pub group: Vec<(&'static str, Option<String>)>,
    /// Each metric asked for: counts are integers, means and percentages numbers, and
    /// a mean or a percentile with nothing to measure is null.
    #[schema(value_type = BTreeMap<String, Option<f64>>)]
    pub metrics: Vec<(&'static str, MetricValue)>,
}

impl Serialize for ReportBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("timezone", &self.timezone)?;
        map.serialize_entry("granularity", &self.granularity)?;
        map.serialize_entry("source", &self.source)?;
        map.serialize_entry("data", &self.data)?;
        map.end()
    }
}

impl Serialize for ReportEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Pairs<'a, V>(&'a [(&'static str, V)]);
        impl<V: Serialize> Serialize for Pairs<'_, V> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (name, value) in self.0 {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
        let metrics: Vec<(&'static str, Shown)> = self
            .metrics
            .iter()
            .map(|(name, value)| (*name, Shown(*value)))
            .collect();
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("start", &self.start)?;
        map.serialize_entry("end", &self.end)?;
        map.serialize_entry("group", &Pairs(&self.group))?;
        map.serialize_entry("metrics", &Pairs(&metrics))?;
        map.end()
    }
}

/// A metric value as JSON: an integer, a number, or null.
struct Shown(MetricValue);

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            MetricValue::Count(it) => serializer.serialize_u64(it),
            MetricValue::Whole(it) => it.serialize(serializer),
            MetricValue::Ratio(it) => it.serialize(serializer),
        }
    }
}

/// Call KPIs: inbound voice calls by outcome, service level, abandonment, speed of
/// answer, handle times and waits, and outbound and internal counts.
#[utoipa::path(get, path = "/v1/analytics/calls", tag = "analytics", params(ReportParams),
    responses((status = 200, body = ReportBody), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn calls(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Json<ReportBody>, ApiError> {
    report(state, scope, Report::Calls, query).await
}

/// Interaction KPIs over every channel: offered, handled, first response, resolution
/// and SLA.
#[utoipa::path(get, path = "/v1/analytics/interactions", tag = "analytics", params(ReportParams),
    responses((status = 200, body = ReportBody), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn interactions(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Json<ReportBody>, ApiError> {
    report(state, scope, Report::Interactions, query).await
}

async fn report(
    state: AppState,
    scope: cxhub_store::TenantScope,
    report: Report,
    query: Option<String>,
) -> Result<Json<ReportBody>, ApiError> {
    answer(&state.store, &scope, report, query.as_deref().unwrap_or(""))
        .await
        .map(Json)
}

/// A report's answer to a query string, as the API gives it (`cxhub report` prints the
/// same).
pub async fn answer(
    store: &cxhub_store::Store,
    scope: &cxhub_store::TenantScope,
    report: Report,
    query: &str,
) -> Result<ReportBody, ApiError> {
    let joined = join_repeats(query);
    let q: ReportParams = decode_query(Some(&joined))?;
    let mut check = Checker::default();
    let (from, to) = check.range(q.from.as_deref(), q.to.as_deref());
    for (field, value) in [("from", &q.from), ("to", &q.to)] {
        if value.is_none() {
            check.reject(field, "is required");
        }
    }
    let zone = match check.present("timezone", q.timezone.as_deref()) {
        None => Some(scope.zone.clone()),
        Some(name) => Zone::parse(name)
            .map_err(|reason| check.reject("timezone", reason))
            .ok(),
    };
    let granularity = check
        .present("granularity", q.granularity.as_deref())
        .and_then(|it| {
            Granularity::parse(it)
                .map_err(|reason| check.reject("granularity", reason))
                .ok()
        });
    let group_by = check.list(
        "group_by",
        q.group_by.as_deref(),
        Dimension::parse,
        "queue, agent, channel, direction",
    );
    let queues = check.list(
        "queue",
        q.queue.as_deref(),
        |it| Key::parse(it).ok(),
        "queue ids",
    );
    let agents = check.list(
        "agent",
        q.agent.as_deref(),
        |it| Key::parse(it).ok(),
        "user ids",
    );
    let channels = check.list(
        "channel",
        q.channel.as_deref(),
        Channel::parse,
        "the channels",
    );
    let directions = check.list(
        "direction",
        q.direction.as_deref(),
        Direction::parse,
        "inbound, outbound, internal",
    );
    let report_name = match report {
        Report::Calls => "calls",
        Report::Interactions => "interactions",
    };
    let known: Vec<&'static str> = METRICS
        .iter()
        .filter(|it| it.report == report_name)
        .map(|it| it.name)
        .collect();
    let metrics = check.list(
        "metrics",
        q.metrics.as_deref(),
        |it| known.iter().find(|name| **name == it).copied(),
        "the metrics of GET /v1/analytics/metrics for this report",
    );
    if let (Some(from), Some(to)) = (from, to)
        && to <= from
    {
        check.reject("to", "must be after `from`");
    }
    check.finish()?;
    let (Some(from), Some(to), Some(zone)) = (from, to, zone) else {
        return Err(ApiError::field("query", "incomplete"));
    };
    let query = ReportQuery {
        report,
        from,
        to,
        zone: zone.clone(),
        granularity,
        group_by: group_by.clone(),
        queues,
        agents,
        channels,
        directions,
    };
    let answer = store.report(scope, query).await?;
    let data = answer
        .rows
        .into_iter()
        .map(|row| {
            let all = match &row.totals {
                Totals::Calls(it) => it.metrics(),
                Totals::Interactions(it) => it.metrics(),
            };
            ReportEntry {
                start: local_rfc3339(row.bucket.start, &zone),
                end: local_rfc3339(row.bucket.end, &zone),
                group: group_by
                    .iter()
                    .map(|it| it.as_str())
                    .zip(row.group)
                    .collect(),
                metrics: all
                    .into_iter()
                    .filter(|(name, _)| metrics.is_empty() || metrics.contains(name))
                    .collect(),
            }
        })
        .collect();
    Ok(ReportBody {
        timezone: zone.name().to_owned(),
        granularity: granularity.map(|it| it.as_str().to_owned()),
        source: answer.source.as_str().to_owned(),
        data,
    })
}

/// The query string with the values of a repeated filter joined into one comma list.
fn join_repeats(query: &str) -> String {
    const REPEATABLE: [&str; 4] = ["queue", "agent", "channel", "direction"];
    let mut joined: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if REPEATABLE.contains(&name.as_ref()) {
            joined
                .entry(name.into_owned())
                .or_default()
                .push(value.into_owned());
        } else {
            out.append_pair(&name, &value);
        }
    }
    for (name, values) in joined {
        out.append_pair(&name, &values.join(","));
    }
    out.finish()
}

/// One metric of the dictionary.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct MetricBody {
    name: &'static str,
    /// The report that answers it: `calls` or `interactions`.
    report: &'static str,
    /// `calls`, `interactions`, `seconds` or `percent`.
    unit: &'static str,
    /// How it is computed, in words.
    formula: &'static str,
    /// Whose definition it follows, and where ours differs.
    source: &'static str,
}

/// The metric dictionary.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct MetricsBody {
    data: Vec<MetricBody>,
}

/// Every metric the reports answer, with its unit, formula and source.
#[utoipa::path(get, path = "/v1/analytics/metrics", tag = "analytics",
    responses((status = 200, body = MetricsBody)),
    security(("bearer" = [])))]
pub async fn metrics(CanRead(_): CanRead) -> Json<MetricsBody> {
    let data = METRICS
        .iter()
        .map(|it| MetricBody {
            name: it.name,
            report: it.report,
            unit: it.unit,
            formula: it.formula,
            source: it.source,
        })
        .collect();
    Json(MetricsBody { data })
}
