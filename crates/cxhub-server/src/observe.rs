//! What operators see: `GET /metrics` in Prometheus's text format, and one log line per
//! request (method, route, status, latency, tenant; never a secret or a body).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::AppState;
use crate::edge::Dialect;

/// The server's figures and the registry they are read from.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    events: Family<EventLabels, Counter>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: String,
    dialect: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    dialect: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    outcome: String,
}

impl Metrics {
    /// The server's metrics, with the store's registered beside them.
    pub fn new(store: &cxhub_store::Store) -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let events = Family::<EventLabels, Counter>::default();
        registry.register(
            "cxhub_http_requests",
            "HTTP requests answered, by route, method, status and dialect",
            requests.clone(),
        );
        registry.register(
            "cxhub_http_request_duration_seconds",
            "Time from a request's arrival to its answer, by route and dialect",
            latency.clone(),
        );
        registry.register(
            "cxhub_events",
            "Live events received, by outcome: accepted, duplicate or rejected",
            events.clone(),
        );
        store.register_metrics(&mut registry);
        Metrics {
            registry,
            requests,
            latency,
            events,
        }
    }

    /// Counts the events of one batch by outcome.
    pub fn events(&self, accepted: u64, duplicate: u64, rejected: u64) {
        for (outcome, count) in [
            ("accepted", accepted),
            ("duplicate", duplicate),
            ("rejected", rejected),
        ] {
            self.events
                .get_or_create(&EventLabels {
                    outcome: outcome.to_owned(),
                })
                .inc_by(count);
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

/// 0.5 ms to 8 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_5, 2.0, 15))
}

/// `GET /metrics`: every figure, in Prometheus's text format (version 0.0.4).
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, description = "every figure, in Prometheus's text format 0.0.4",
        content_type = "text/plain; version=0.0.4; charset=utf-8", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The tenant a request was authenticated for, filled in by the auth extractors so the
/// request's log line can name it.
#[derive(Debug, Clone, Default)]
pub struct RequestTenant(Arc<OnceLock<String>>);

impl RequestTenant {
    pub fn set(&self, tenant: &str) {
        let _ = self.0.set(tenant.to_owned());
    }
}

/// Counts, times and logs every request.
pub async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |it| it.as_str().to_owned());
    let dialect = match Dialect::of(&path) {
        Dialect::Native => "native",
        Dialect::Klink => "klink",
        Dialect::Cinnox => "cinnox",
        Dialect::Sencloud => "sencloud",
    };
    let tenant = RequestTenant::default();
    request.extensions_mut().insert(tenant.clone());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let metrics = &state.metrics;
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.clone(),
            method: method.to_string(),
            status: status.to_string(),
            dialect: dialect.to_owned(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
            dialect: dialect.to_owned(),
        })
        .observe(elapsed.as_secs_f64());
    let tenant = tenant.0.get().map_or("", String::as_str);
    let latency_ms = (elapsed.as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    tracing::info!(
        target: "cxhub::request",
        %method,
        route,
        path,
        status,
        latency_ms,
        tenant,
        dialect,
        "request"
    );
    response
}
