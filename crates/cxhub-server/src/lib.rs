//! cxhub's HTTP server.
//!
//! [`router`] builds the whole API as a value over an [`AppState`]; [`serve`] runs it on a
//! listener the caller bound until a shutdown future completes, so tests own their port
//! and their server's lifetime.
//!
//! Layout:
//! - [`routes`]: one module per resource of the native API under `/v1`.
//! - [`dto`]: the native wire types and their conversions to and from the model.
//! - [`auth`]: bearer tokens to tenant scope and role, as extractors.
//! - [`input`]: bodies and query strings into typed values, naming bad fields.
//! - [`json`]: JSON answers, serialized into one buffer.
//! - [`problem`]: errors as `application/problem+json`.
//! - [`cursor`]: opaque keyset cursors.
//! - [`openapi`]: the OpenAPI document, generated from the handlers and wire types.

pub mod auth;
pub mod cinnox;
pub mod cursor;
pub mod dialect_ids;
pub mod dto;
pub mod edge;
pub mod input;
pub mod json;
pub mod klink;
pub mod observe;
pub mod openapi;
pub mod problem;
pub mod route_table;
pub mod routes;
pub mod sencloud;
pub mod serve;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use cxhub_store::Store;
use cxhub_store::pipeline::{Pipeline, SWEEP_EVERY_SECS};
use route_table::at;
use tokio::net::TcpListener;

use crate::problem::ApiError;
use crate::routes::{analytics, directory, events, presence, records, tenant, tickets};

/// The largest request body accepted: a full batch of large records fits.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The event pipeline over the same store.
    pub events: Pipeline,
    pub metrics: std::sync::Arc<observe::Metrics>,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        let metrics = std::sync::Arc::new(observe::Metrics::new(&store));
        let events = Pipeline::new(store.clone());
        AppState {
            store,
            events,
            metrics,
        }
    }
}

/// The whole HTTP API.
pub fn router(state: AppState) -> Router {
    routes()
        .into_router()
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(edge::guard))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state)
}

/// Every route the server has, native and dialects', as a list and a router.
pub fn routes() -> route_table::Routes {
    route_table::Routes::default()
        .route(at("/healthz").get(healthz))
        .route(at("/metrics").get(observe::metrics))
        .route(at("/openapi.json").get(openapi::document))
        .route(at("/openapi/{name}").get(openapi::vendor_document))
        .route(
            at("/v1/tenant")
                .get(tenant::get_tenant)
                .patch(tenant::patch_tenant),
        )
        .route(
            at("/v1/tokens")
                .get(tenant::list_tokens)
                .post(tenant::create_token),
        )
        .route(at("/v1/tokens/{id}").delete(tenant::revoke_token))
        .route(
            at("/v1/calls")
                .get(records::list_calls)
                .post(records::upsert_calls),
        )
        .route(at("/v1/calls/{id}").get(records::get_call))
        .route(
            at("/v1/interactions")
                .get(records::list_interactions)
                .post(records::upsert_interactions),
        )
        .route(at("/v1/interactions/{id}").get(records::get_interaction))
        .route(at("/v1/interactions/{id}/messages").get(records::interaction_messages))
        .route(
            at("/v1/events")
                .get(events::list_events)
                .post(events::post_events),
        )
        .route(at("/v1/analytics/calls").get(analytics::calls))
        .route(at("/v1/analytics/interactions").get(analytics::interactions))
        .route(at("/v1/analytics/metrics").get(analytics::metrics))
        .route(at("/v1/analytics/agents").get(analytics::agents))
        .route(at("/v1/analytics/realtime").get(analytics::realtime))
        .route(
            at("/v1/presence")
                .get(presence::list_presence)
                .post(presence::upsert_presence),
        )
        .route(
            at("/v1/tickets")
                .get(tickets::list_tickets)
                .post(tickets::upsert_tickets),
        )
        .route(
            at("/v1/tickets/{id}")
                .get(tickets::get_ticket)
                .delete(tickets::delete_ticket),
        )
        .route(
            at("/v1/users")
                .get(directory::list_users)
                .post(directory::upsert_users),
        )
        .route(at("/v1/users/{id}").get(directory::get_user))
        .route(
            at("/v1/queues")
                .get(directory::list_queues)
                .post(directory::upsert_queues),
        )
        .route(at("/v1/queues/{id}").get(directory::get_queue))
        .route(
            at("/v1/contacts")
                .get(directory::list_contacts)
                .post(directory::upsert_contacts),
        )
        .route(at("/v1/contacts/{id}").get(directory::get_contact))
        .route(
            at("/v1/extensions")
                .get(directory::list_extensions)
                .post(directory::upsert_extensions),
        )
        .route(at("/v1/extensions/{id}").get(directory::get_extension))
        .route(
            at("/v1/tags")
                .get(directory::list_tags)
                .post(directory::upsert_tags),
        )
        .route(at("/v1/tags/{id}").get(directory::get_tag))
        .route(
            at("/v1/categories")
                .get(directory::list_categories)
                .post(directory::upsert_categories),
        )
        .route(at("/v1/categories/{id}").get(directory::get_category))
        .route(
            at("/v1/attributes")
                .get(directory::list_attributes)
                .post(directory::upsert_attributes),
        )
        .route(at("/v1/attributes/{id}").get(directory::get_attribute))
        .route(
            at("/v1/presence-statuses")
                .get(directory::list_presence_statuses)
                .post(directory::upsert_presence_statuses),
        )
        .route(at("/v1/presence-statuses/{id}").get(directory::get_presence_status))
        .merge(klink::routes())
        .merge(cinnox::routes())
        .merge(sencloud::routes())
}

/// Serves the API on `listener` with the default [`serve::Limits`] until `shutdown`
/// completes, then finishes the requests in flight (for at most the grace period).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, serve::Limits::default(), shutdown).await
}

/// [`serve`], with other limits.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    limits: serve::Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = tokio::spawn(sweep(state.events.clone()));
    let served = serve::serve_with(listener, router(state), limits, shutdown).await;
    sweeper.abort();
    served
}

/// Applies the clock-based rules of the folds (a call's timeout, a conversation's
/// overdue target) to records no new event has touched.
async fn sweep(events: Pipeline) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(SWEEP_EVERY_SECS));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let now = cxhub_model::time::Instant::now();
        match events.sweep(now).await {
            Ok(0) => {}
            Ok(changed) => tracing::info!(changed, "records refolded by the clock"),
            Err(err) => tracing::warn!(error = %err, "the refold sweep failed"),
        }
    }
}

/// Liveness: answers when the server runs.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, description = "the server is up")))]
async fn healthz() -> json::Json<serde_json::Value> {
    json::Json(serde_json::json!({ "status": "ok" }))
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    edge::Dialect::of(uri.path()).error(ApiError::NotFound(format!("no route for {}", uri.path())))
}

/// A path served under other methods (axum adds their `Allow` header).
async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let detail = format!("{method} is not allowed on {}", uri.path());
    edge::Dialect::of(uri.path()).error(ApiError::MethodNotAllowed(detail))
}
