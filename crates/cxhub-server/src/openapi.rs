//! The OpenAPI document, generated from the handlers' annotations and the wire types.

use std::sync::LazyLock;

mod bodies;
mod errors;
mod params;

use bodies::Bodies;
use errors::Errors;
use params::Params;

use crate::json::Rendered;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto::directory::{
    AttributeBody, CategoryBody, ContactBody, ExtensionBody, PlatformIdBody, PresenceStatusBody,
    QueueBody, TagBody, UserBody,
};
use crate::dto::interaction::{CallBody, InteractionBody, LegBody, MessageBody, PartyBody};
use crate::dto::presence::PresenceBody;
use crate::dto::ticket::{CustomFieldBody, TicketBody};
use crate::dto::{DirectoryReport, UpsertReport, UpsertResult};
use crate::problem::{Problem, ProblemField};
use crate::routes::{analytics, directory, events, presence, records, tenant, tickets};

#[derive(OpenApi)]
#[openapi(
    info(title = "cxhub native API", description = "Contact-center records: calls with legs, omnichannel interactions, presence and tickets."),
    paths(
        crate::healthz, crate::observe::metrics,
        records::list_calls, records::get_call, records::upsert_calls,
        records::list_interactions, records::get_interaction, records::interaction_messages, records::upsert_interactions,
        events::post_events, events::list_events,
        presence::list_presence, presence::upsert_presence,
        analytics::calls, analytics::interactions, analytics::metrics, analytics::agents::agents,
        analytics::agents::realtime,
        tickets::list_tickets, tickets::get_ticket, tickets::delete_ticket, tickets::upsert_tickets,
        directory::list_users, directory::get_user, directory::upsert_users,
        directory::list_queues, directory::get_queue, directory::upsert_queues,
        directory::list_contacts, directory::get_contact, directory::upsert_contacts,
        directory::list_tags, directory::get_tag, directory::upsert_tags,
        directory::list_extensions, directory::get_extension, directory::upsert_extensions,
        directory::list_categories, directory::get_category, directory::upsert_categories,
        directory::list_attributes, directory::get_attribute, directory::upsert_attributes,
        directory::list_presence_statuses, directory::get_presence_status, directory::upsert_presence_statuses,
        tenant::get_tenant, tenant::patch_tenant, tenant::list_tokens, tenant::create_token, tenant::revoke_token,
    ),
    components(schemas(
        InteractionBody, CallBody, PartyBody, LegBody, MessageBody, PresenceBody, TicketBody, CustomFieldBody,
        UserBody, QueueBody, crate::dto::hours::BusinessHoursBody, crate::dto::hours::WeeklyBody,
        crate::dto::hours::RangeBody, ContactBody, PlatformIdBody, TagBody, ExtensionBody, CategoryBody, AttributeBody, PresenceStatusBody,
        UpsertReport, UpsertResult, DirectoryReport, Problem, ProblemField,
        events::EventsReport, events::EventResult, events::StoredEventBody,
        tenant::TenantBody, tenant::TenantPatch, tenant::TokenBody, tenant::NewToken,
        analytics::ReportBody, analytics::ReportEntry, analytics::MetricsBody, analytics::MetricBody,
        analytics::AgentsBody, analytics::AgentEntry, analytics::AgentMetrics, analytics::AgentGroup,
        analytics::RealtimeBody, analytics::QueueNowBody,
    )),
    modifiers(&BearerAuth, &Params, &Bodies, &Errors),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document, built and serialized once: building it walks every annotated handler
/// and schema, about 1.3 ms of CPU a request for 61 KB that never change while the server
/// runs.
static DOCUMENT: LazyLock<Rendered> = LazyLock::new(|| Rendered::new(&ApiDoc::openapi()));

/// `GET /openapi.json`.
pub async fn document() -> Rendered {
    DOCUMENT.clone()
}

/// The vendor dialects' documents, written by hand from their seeds and checked against
/// the server by schemathesis in CI (`.ci/schemathesis`): `/openapi/{dialect}.json`.
const VENDOR_DOCUMENTS: [(&str, &str); 3] = [
    ("klink.json", include_str!("../openapi/klink.json")),
    ("cinnox.json", include_str!("../openapi/cinnox.json")),
    ("sencloud.json", include_str!("../openapi/sencloud.json")),
];

/// `GET /openapi/{name}`: one vendor dialect's document.
pub async fn vendor_document(
    axum::extract::Path(name): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match VENDOR_DOCUMENTS.iter().find(|(it, _)| *it == name) {
        Some((_, text)) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            *text,
        )
            .into_response(),
        None => crate::problem::ApiError::NotFound(format!("no document {name}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;
    use axum::response::IntoResponse;

    use super::*;

    #[tokio::test]
    async fn the_kept_document_is_the_one_built_now() {
        let served = to_bytes(document().await.into_response().into_body(), usize::MAX)
            .await
            .unwrap();
        let built = serde_json::to_vec(&ApiDoc::openapi()).unwrap();
        assert_eq!(served, built);
        // A second answer, from the kept copy, is the same.
        let again = to_bytes(document().await.into_response().into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(again, served);
    }

    #[test]
    fn parameters_are_typed_and_bounded_as_the_server_reads_them() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let param = |path: &str, name: &str| {
            let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
            params.iter().find(|it| it["name"] == name).cloned()
        };
        assert_eq!(param("/v1/calls", "channel"), None, "the server refuses it");
        assert!(param("/v1/interactions", "channel").is_some());
        let limit = param("/v1/calls", "limit").unwrap();
        assert_eq!(limit["schema"]["type"], "integer");
        assert_eq!(limit["schema"]["maximum"], 500);
        assert_eq!(
            param("/v1/tickets", "from").unwrap()["schema"]["format"],
            "date-time"
        );
        assert_eq!(
            param("/v1/calls/{id}", "id").unwrap()["schema"]["minimum"],
            1
        );
        let cursor = param("/v1/calls", "cursor").unwrap();
        assert!(
            cursor["schema"]["pattern"]
                .as_str()
                .unwrap()
                .contains("calls")
        );
        let value = &doc["components"]["schemas"]["CustomFieldBody"]["properties"]["value"];
        assert_eq!(
            value["type"],
            serde_json::json!(["string", "number", "boolean"])
        );
    }

    #[test]
    fn the_vendor_documents_are_openapi_3_1() {
        for (name, text) in VENDOR_DOCUMENTS {
            let doc: serde_json::Value = serde_json::from_str(text).expect(name);
            assert_eq!(doc["openapi"], "3.1.0", "{name}");
            assert!(!doc["paths"].as_object().unwrap().is_empty(), "{name}");
        }
    }

    #[test]
    fn every_error_an_operation_can_give_is_stated_as_a_problem() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                operations += 1;
                let responses = operation["responses"].as_object().unwrap();
                let secured = operation["security"]
                    .as_array()
                    .is_some_and(|it| !it.is_empty());
                let mut needed = Vec::new();
                if secured {
                    needed.extend(["401", "403"]);
                }
                if operation.get("requestBody").is_some() {
                    needed.extend(["400", "408", "413", "415"]);
                }
                if path.contains('{') {
                    needed.extend(["400", "404"]);
                }
                for status in needed {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
                for (status, response) in responses {
                    if status.starts_with('4') || status.starts_with('5') {
                        let types: Vec<&String> =
                            response["content"].as_object().unwrap().keys().collect();
                        assert_eq!(
                            types,
                            ["application/problem+json"],
                            "{method} {path} {status}"
                        );
                    }
                }
            }
        }
        assert!(operations > 40, "{operations} operations");
    }
}
