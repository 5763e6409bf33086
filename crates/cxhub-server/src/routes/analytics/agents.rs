//! `/v1/analytics/agents` (time in status, staffed time, handled work and occupancy per
//! agent and bucket) and `/v1/analytics/realtime` (each queue now).

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use cxhub_analytics::MetricValue;
use cxhub_analytics::agents::secs;
use cxhub_analytics::buckets::local_rfc3339;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use cxhub_store::analytics::AgentQuery;
use serde::Deserialize;
use serde::ser::{Serialize, SerializeMap, Serializer};
use utoipa::{IntoParams, ToSchema};

use super::{MetricMap, Span, join_repeats, metrics_param, zone_param};
use crate::AppState;
use crate::auth::CanRead;
use crate::input::{Checker, decode_query};
use crate::json::Json;
use crate::problem::ApiError;

/// The interval, buckets, agents and metrics of an agent report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgentParams {
    /// Start of the interval (RFC 3339), inclusive.
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
    /// Only these agent (user) ids (comma list; the parameter may also repeat).
    agent: Option<String>,
    /// Comma list of metric names (`GET /v1/analytics/metrics`, report `agents`); absent: all.
    metrics: Option<String>,
}

/// An agent report: one entry per bucket and agent, in bucket then agent order.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AgentsBody {
    /// The IANA zone the buckets follow.
    timezone: String,
    /// The granularity asked for; null for one bucket over the interval.
    granularity: Option<String>,
    /// `rollups`: closed presence intervals read from the time kept at write time in
    /// 15-minute UTC buckets; `records`: added up from the presence changes and records.
    #[schema(pattern = "^(rollups|records)$")]
    source: String,
    data: Vec<AgentEntry>,
}

/// One bucket of one agent.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AgentEntry {
    /// RFC 3339 with the zone's offset at that instant.
    start: String,
    end: String,
    group: AgentGroup,
    metrics: AgentMetrics,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AgentGroup {
    /// The user id.
    agent: String,
}

/// The metrics asked for; one left out of `metrics` is absent.
#[derive(Debug, Default, serde::Serialize, ToSchema)]
pub struct AgentMetrics {
    /// Seconds in each presence status, clipped to the bucket (milliseconds as decimals).
    #[serde(skip_serializing_if = "Option::is_none")]
    status_secs: Option<BTreeMap<String, f64>>,
    /// Seconds in each status by reason, for intervals that gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason_secs: Option<BTreeMap<String, BTreeMap<String, f64>>>,
    /// Seconds in the statuses the catalogue marks productive.
    #[serde(skip_serializing_if = "Option::is_none")]
    staffed_secs: Option<f64>,
    /// Inbound calls answered and inbound conversations handled.
    #[serde(skip_serializing_if = "Option::is_none")]
    handled: Option<u64>,
    /// Talk and wrap-up seconds of the inbound calls answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    handle_secs: Option<u64>,
    /// 100 × handle_secs / staffed_secs, at most 100; null when staffed_secs is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    occupancy_pct: Option<Option<f64>>,
}

/// Per agent: time in each presence status and reason, staffed time, handled work and
/// occupancy. An agent's latest status, not yet left, counts until now.
#[utoipa::path(get, path = "/v1/analytics/agents", tag = "analytics", params(AgentParams),
    responses((status = 200, body = AgentsBody), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn agents(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Json<AgentsBody>, ApiError> {
    agents_answer(
        &state.store,
        &scope,
        query.as_deref().unwrap_or(""),
        Instant::now(),
    )
    .await
    .map(Json)
}

/// An agent report's answer to a query string, with open statuses counted until `now`.
pub async fn agents_answer(
    store: &cxhub_store::Store,
    scope: &cxhub_store::TenantScope,
    query: &str,
    now: Instant,
) -> Result<AgentsBody, ApiError> {
    let joined = join_repeats(query);
    let q: AgentParams = decode_query(Some(&joined))?;
    let mut check = Checker::default();
    let span = Span::check(
        &mut check,
        scope,
        [&q.from, &q.to, &q.timezone, &q.granularity],
    );
    let agents = check.list(
        "agent",
        q.agent.as_deref(),
        |it| Key::parse(it).ok(),
        "user ids",
    );
    let metrics = metrics_param(&mut check, "agents", q.metrics.as_deref());
    check.finish()?;
    let (from, to, zone, granularity) = span.complete()?;
    let answer = store
        .agent_report(
            scope,
            AgentQuery {
                from,
                to,
                zone: zone.clone(),
                granularity,
                agents,
                now,
            },
        )
        .await?;
    let wants = |name: &str| metrics.is_empty() || metrics.contains(&name);
    let data = answer
        .rows
        .into_iter()
        .map(|row| {
            let totals = &row.totals;
            let mut shown = AgentMetrics::default();
            if wants("status_secs") {
                let map = totals.status_millis.iter();
                shown.status_secs = Some(map.map(|(k, v)| (k.clone(), secs(*v))).collect());
            }
            if wants("reason_secs") {
                let map = totals.reason_millis.iter().map(|(status, reasons)| {
                    let reasons = reasons.iter().map(|(k, v)| (k.clone(), secs(*v)));
                    (status.clone(), reasons.collect())
                });
                shown.reason_secs = Some(map.collect());
            }
            for (name, value) in totals.metrics() {
                if !wants(name) {
                    continue;
                }
                match (name, value) {
                    ("staffed_secs", MetricValue::Ratio(it)) => shown.staffed_secs = it,
                    ("handled", MetricValue::Count(it)) => shown.handled = Some(it),
                    ("handle_secs", MetricValue::Count(it)) => shown.handle_secs = Some(it),
                    ("occupancy_pct", MetricValue::Ratio(it)) => shown.occupancy_pct = Some(it),
                    _ => {}
                }
            }
            AgentEntry {
                start: local_rfc3339(row.bucket.start, &zone),
                end: local_rfc3339(row.bucket.end, &zone),
                group: AgentGroup { agent: row.agent },
                metrics: shown,
            }
        })
        .collect();
    Ok(AgentsBody {
        timezone: zone.name().to_owned(),
        granularity: granularity.map(|it| it.as_str().to_owned()),
        source: answer.source.as_str().to_owned(),
        data,
    })
}

/// The zone of the real-time view's day.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RealtimeParams {
    /// IANA time zone whose day `today` covers; default the tenant's.
    timezone: Option<String>,
}

/// Each queue now, and the agents by status.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RealtimeBody {
    /// When this view was taken (RFC 3339, UTC).
    now: String,
    timezone: String,
    /// Today in the zone: local midnight to the next, with the zone's offsets.
    today_start: String,
    today_end: String,
    /// Where today's totals were read from: `rollups` or `records`.
    #[schema(pattern = "^(rollups|records)$")]
    source: String,
    /// Queues with calls waiting or calls today, by id; calls without a queue under null.
    queues: Vec<QueueNowBody>,
    /// How many agents are in each presence status now (each user's latest status).
    agents: BTreeMap<String, u64>,
}

/// One queue now.
#[derive(Debug, ToSchema)]
pub struct QueueNowBody {
    /// The queue id; null for calls in no queue.
    queue: Option<String>,
    /// Inbound calls queued and neither answered nor ended.
    waiting: u64,
    /// Seconds the longest waiting call has waited; null when none waits.
    longest_wait_secs: Option<u64>,
    /// Today's call metrics so far, as `GET /v1/analytics/calls` gives them.
    #[schema(value_type = BTreeMap<String, Option<f64>>)]
    today: Vec<(&'static str, MetricValue)>,
}

impl Serialize for QueueNowBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("queue", &self.queue)?;
        map.serialize_entry("waiting", &self.waiting)?;
        map.serialize_entry("longest_wait_secs", &self.longest_wait_secs)?;
        map.serialize_entry("today", &MetricMap(&self.today))?;
        map.end()
    }
}

/// Each queue now: calls waiting and the longest wait, today's running call totals in
/// the zone, and how many agents are in each presence status.
#[utoipa::path(get, path = "/v1/analytics/realtime", tag = "analytics", params(RealtimeParams),
    responses((status = 200, body = RealtimeBody), (status = 400, body = crate::problem::Problem)),
    security(("bearer" = [])))]
pub async fn realtime(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
    RawQuery(query): RawQuery,
) -> Result<Json<RealtimeBody>, ApiError> {
    let q: RealtimeParams = decode_query(query.as_deref())?;
    let mut check = Checker::default();
    let zone = zone_param(&mut check, &scope, q.timezone.as_deref());
    check.finish()?;
    let zone = zone.ok_or_else(|| ApiError::field("timezone", "incomplete"))?;
    let now = state.store.realtime(&scope, &zone, Instant::now()).await?;
    Ok(Json(RealtimeBody {
        now: now.now.to_rfc3339(),
        timezone: zone.name().to_owned(),
        today_start: local_rfc3339(now.today.start, &zone),
        today_end: local_rfc3339(now.today.end, &zone),
        source: now.source.as_str().to_owned(),
        queues: now
            .queues
            .into_iter()
            .map(|it| QueueNowBody {
                queue: it.queue,
                waiting: it.waiting,
                longest_wait_secs: it.longest_wait_secs,
                today: it.today.metrics(),
            })
            .collect(),
        agents: now.agents,
    }))
}
