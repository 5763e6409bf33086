//! `/v1/analytics`: call and interaction KPIs over an interval, in buckets of a time
//! zone, grouped and filtered; and the metric dictionary that says what each one means.

pub mod agents;

pub use agents::{
    AgentEntry, AgentGroup, AgentMetrics, AgentsBody, QueueNowBody, RealtimeBody, agents,
    agents_answer, realtime,
};

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use cxhub_analytics::{Granularity, Hours, METRICS, MetricValue, buckets::local_rfc3339};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction};
use cxhub_model::time::{Instant, Zone};
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
    /// `business`: only records that started while their queue was open (by its
    /// `business_hours`; a queue without them is always open); `outside`: the others;
    /// `all` (the default): every record.
    hours: Option<String>,
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
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("start", &self.start)?;
        map.serialize_entry("end", &self.end)?;
        map.serialize_entry("group", &Pairs(&self.group))?;
        map.serialize_entry("metrics", &MetricMap(&self.metrics))?;
        map.end()
    }
}

/// Name and value pairs as a JSON object, in their order.
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

/// Metrics as a JSON object: counts are integers, means and percentages numbers, null
/// where there is nothing to measure.
pub(crate) struct MetricMap<'a>(pub &'a [(&'static str, MetricValue)]);

impl Serialize for MetricMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown: Vec<(&'static str, Shown)> = self
            .0
            .iter()
            .map(|(name, value)| (*name, Shown(*value)))
            .collect();
        Pairs(&shown).serialize(serializer)
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
    let span = Span::check(
        &mut check,
        scope,
        [&q.from, &q.to, &q.timezone, &q.granularity],
    );
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
    let metrics = metrics_param(&mut check, report_name, q.metrics.as_deref());
    let hours = check
        .present("hours", q.hours.as_deref())
        .map_or(Some(Hours::All), |it| {
            let parsed = Hours::parse(it);
            if parsed.is_none() {
                check.reject("hours", "must be business, outside or all");
            }
            parsed
        })
        .unwrap_or_default();
    check.finish()?;
    let (from, to, zone, granularity) = span.complete()?;
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
        hours,
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

/// The interval, zone and granularity every report takes, as checked.
pub(crate) struct Span {
    from: Option<Instant>,
    to: Option<Instant>,
    zone: Option<Zone>,
    granularity: Option<Granularity>,
}

impl Span {
    /// Checks `from`, `to`, `timezone` and `granularity`, in that order.
    pub(crate) fn check(
        check: &mut Checker,
        scope: &cxhub_store::TenantScope,
        [from, to, timezone, granularity]: [&Option<String>; 4],
    ) -> Span {
        let (start, end) = check.range(from.as_deref(), to.as_deref());
        for (field, value) in [("from", from), ("to", to)] {
            if value.is_none() {
                check.reject(field, "is required");
            }
        }
        let zone = zone_param(check, scope, timezone.as_deref());
        let granularity = check
            .present("granularity", granularity.as_deref())
            .and_then(|it| {
                Granularity::parse(it)
                    .map_err(|reason| check.reject("granularity", reason))
                    .ok()
            });
        if let (Some(from), Some(to)) = (start, end)
            && to <= from
        {
            check.reject("to", "must be after `from`");
        }
        Span {
            from: start,
            to: end,
            zone,
            granularity,
        }
    }

    /// The checked values, once the checker found no error.
    pub(crate) fn complete(
        self,
    ) -> Result<(Instant, Instant, Zone, Option<Granularity>), ApiError> {
        match (self.from, self.to, self.zone) {
            (Some(from), Some(to), Some(zone)) => Ok((from, to, zone, self.granularity)),
            _ => Err(ApiError::field("query", "incomplete")),
        }
    }
}

/// The `metrics` parameter: names of `report`'s metrics in the dictionary.
pub(crate) fn metrics_param(
    check: &mut Checker,
    report: &str,
    value: Option<&str>,
) -> Vec<&'static str> {
    let known: Vec<&'static str> = METRICS
        .iter()
        .filter(|it| it.report == report)
        .map(|it| it.name)
        .collect();
    check.list(
        "metrics",
        value,
        |it| known.iter().find(|name| **name == it).copied(),
        "the metrics of GET /v1/analytics/metrics for this report",
    )
}

/// The `timezone` parameter's zone, or the tenant's when it is absent.
pub(crate) fn zone_param(
    check: &mut Checker,
    scope: &cxhub_store::TenantScope,
    timezone: Option<&str>,
) -> Option<Zone> {
    match check.present("timezone", timezone) {
        None => Some(scope.zone.clone()),
        Some(name) => Zone::parse(name)
            .map_err(|reason| check.reject("timezone", reason))
            .ok(),
    }
}

/// The query string with the values of a repeated filter joined into one comma list.
pub(crate) fn join_repeats(query: &str) -> String {
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
