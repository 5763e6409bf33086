//! The cross-tenant probe: every route of the router (read from it, so a new route is
//! probed too), every method, with another tenant's tokens of every role and the first
//! tenant's ids. No answer may hold the first tenant's data, and nothing of it may change.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::helpers::{TestApp, spawn_app, status_and_json};

/// In every id and name of acme's data, so any leak of it is seen in an answer.
const MARK: &str = "acmesecret";

/// Fills acme with one of everything, named with [`MARK`], and answers the values the
/// routes' path parameters take, by route path and parameter.
async fn fill(app: &TestApp) -> HashMap<(&'static str, &'static str), String> {
    let post = async |path: &str, body: Value| {
        let (status, answer) = app.post(&app.acme.admin, path, &body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    };
    let m = |it: &str| format!("{MARK}-{it}");
    post("/v1/users", json!([{"id": m("user"), "name": m("name")}])).await;
    post("/v1/queues", json!([{"id": m("queue"), "name": m("name")}])).await;
    post(
        "/v1/contacts",
        json!([{"id": m("contact"), "name": m("name")}]),
    )
    .await;
    post("/v1/tags", json!([{"id": m("tag"), "name": m("name")}])).await;
    post(
        "/v1/categories",
        json!([{"id": m("category"), "name": m("name")}]),
    )
    .await;
    post(
        "/v1/attributes",
        json!([{"id": m("attribute"), "system_name": m("field"), "display_name": m("name"), "type": "text"}]),
    )
    .await;
    post(
        "/v1/extensions",
        json!([{"id": m("ext"), "name": m("name")}]),
    )
    .await;
    post(
        "/v1/presence-statuses",
        json!([{"system_name": m("status"), "display_name": m("name")}]),
    )
    .await;
    let mut call = super::helpers::call(&m("call"), "2026-11-20T09:00:00Z");
    call["agent_id"] = json!(m("user"));
    call["contact_id"] = json!(m("contact"));
    let calls = post("/v1/calls", json!([call])).await;
    let chat = json!([{"source": "chat", "external_id": m("chat"), "channel": "chat", "direction": "inbound",
        "status": "closed", "started_at": "2026-11-20T09:00:00Z", "contact_id": m("contact"),
        "messages": [{"at": "2026-11-20T09:00:01Z", "sender": "contact", "body": m("message")}]}]);
    let chats = post("/v1/interactions", chat).await;
    let tickets = post(
        "/v1/tickets",
        json!([{"source": "desk", "external_id": m("ticket"), "title": m("title"), "contact_id": m("contact")}]),
    )
    .await;
    post(
        "/v1/presence",
        json!([{"source": "pbx", "external_id": m("presence"), "user_id": m("user"),
            "new_status": m("status"), "at": "2026-11-20T08:00:00Z"}]),
    )
    .await;
    let event = json!([{"id": m("event"), "type": "call.started", "at": "2026-11-20T10:00:00Z",
        "call_id": m("live"), "direction": "inbound", "from": "+84901234567", "to": "101"}]);
    post("/v1/events", event).await;
    let (_, tokens) = app.get(&app.acme.admin, "/v1/tokens").await;
    let (_, tickets_klink) = app.get(&app.acme.read, "/api/v1/tickets").await;
    let (_, logs) = app.get(&app.acme.read, "/api/v1/cx-logs").await;
    let contact_uuid = logs["cxLogs"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|it| it["contactId"].as_str())
        .find(|it| !it.is_empty())
        .expect("a log with the contact")
        .to_owned();
    let id = |answer: &Value| answer["data"][0]["id"].as_str().unwrap().to_owned();
    HashMap::from([
        (("/v1/calls/{id}", "id"), id(&calls)),
        (("/v1/interactions/{id}", "id"), id(&chats)),
        (("/v1/interactions/{id}/messages", "id"), id(&chats)),
        (("/v1/tickets/{id}", "id"), id(&tickets)),
        (("/v1/tokens/{id}", "id"), id(&tokens)),
        (("/v1/users/{id}", "id"), m("user")),
        (("/v1/queues/{id}", "id"), m("queue")),
        (("/v1/contacts/{id}", "id"), m("contact")),
        (("/v1/tags/{id}", "id"), m("tag")),
        (("/v1/categories/{id}", "id"), m("category")),
        (("/v1/attributes/{id}", "id"), m("attribute")),
        (("/v1/extensions/{id}", "id"), m("ext")),
        (("/v1/presence-statuses/{id}", "id"), m("status")),
        (("/api/v1/tickets/{id}", "id"), id(&tickets_klink)),
        (("/api/v1/tickets/{id}/status", "id"), id(&tickets_klink)),
        (
            ("/api/v1/tickets/contact/{contact_id}", "contact_id"),
            contact_uuid,
        ),
        (
            ("/v1/api/apps/{app_id}/data/call-log", "app_id"),
            "acme".to_owned(),
        ),
        (
            ("/v1/shop.Sencloud/{method}", "method"),
            "ListCallLogs".to_owned(),
        ),
        (("/openapi/{name}", "name"), "klink.json".to_owned()),
    ])
}

/// The route's path with its parameters filled from `values`; a parameter the probe does
/// not know fails the test, so a new route's parameter gets a value here.
fn fill_path(path: &'static str, values: &HashMap<(&'static str, &'static str), String>) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        let name = &rest[open + 1..close];
        let value = values
            .iter()
            .find(|((route, param), _)| *route == path && *param == name)
            .map(|(_, value)| value)
            .unwrap_or_else(|| panic!("the probe has no value for {{{name}}} of {path}"));
        out.push_str(&rest[..open]);
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A list answer with no rows, in any of the APIs' envelopes.
fn empty_list(answer: &Value) -> bool {
    ["/data", "/call_logs", "/result", "/cxLogs/data"]
        .iter()
        .filter_map(|it| answer.pointer(it))
        .any(|it| it.as_array().is_some_and(Vec::is_empty))
}

/// What acme sees of its own data, to compare before and after the probe.
async fn acme_view(app: &TestApp) -> Vec<Value> {
    let mut view = Vec::new();
    for path in [
        "/v1/calls",
        "/v1/interactions",
        "/v1/tickets",
        "/v1/users",
        "/v1/contacts",
        "/v1/tags",
        "/v1/presence",
        "/v1/tokens",
    ] {
        let (status, mut body) = app.get(&app.acme.admin, path).await;
        assert_eq!(status, 200, "{path}");
        // Reading the token list marks nothing, but the tokens' last use would; drop it.
        if let Some(items) = body["data"].as_array_mut() {
            for item in items {
                if let Some(object) = item.as_object_mut() {
                    object.remove("last_used_at");
                }
            }
        }
        view.push(body);
    }
    view
}

#[tokio::test]
async fn another_tenants_tokens_reach_none_of_a_tenants_data_on_any_route() {
    let app = spawn_app().await;
    let values = fill(&app).await;
    let before = acme_view(&app).await;
    let routes = cxhub_server::routes();
    assert!(routes.list().len() > 30, "the router lists its routes");
    let mut probed = 0;
    for route in routes.list() {
        let url = format!("{}{}", app.base, fill_path(route.path, &values));
        let names_acme = route.path.contains('{');
        for method in &route.methods {
            for token in [&app.globex.read, &app.globex.write, &app.globex.admin] {
                let body = match method.as_str() {
                    "POST" if route.path.starts_with("/api/") => {
                        json!({"title": "probe", "contact_id": values[&("/api/v1/tickets/contact/{contact_id}", "contact_id")]})
                    }
                    "POST" if route.path.starts_with("/v1/shop.Sencloud") => json!({}),
                    "POST" => json!([]),
                    _ => json!({"title": "probe", "name": "probe", "status": "closed"}),
                };
                let request = app
                    .client
                    .request(
                        reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
                        &url,
                    )
                    .bearer_auth(token)
                    .json(&body);
                let (status, answer) = status_and_json(request.send().await.unwrap()).await;
                probed += 1;
                // An error may echo the id asked for; anything else of acme's is a leak.
                let mut text = answer.to_string();
                for ((path, _), value) in &values {
                    if *path == route.path {
                        text = text.replace(value.as_str(), "<asked>");
                    }
                }
                assert!(
                    !text.contains(MARK),
                    "{method} {} with globex's token shows acme's data: {text}",
                    route.path
                );
                assert!(status < 500, "{method} {}: {status} {text}", route.path);
                // A path that names acme's record is refused; one that filters a list by
                // acme's id answers an empty list. (Two paths name no tenant's data: a
                // Twirp method and a vendor's OpenAPI document.)
                let names_no_data = ["/v1/shop.Sencloud/{method}", "/openapi/{name}"];
                if names_acme && !names_no_data.contains(&route.path) {
                    assert!(
                        matches!(status, 400 | 403 | 404 | 405)
                            || (status == 200 && empty_list(&answer)),
                        "{method} {} on acme's id answered {status}: {text}",
                        route.path
                    );
                }
            }
        }
    }
    assert!(probed > 100, "{probed} requests");
    assert_eq!(
        acme_view(&app).await,
        before,
        "the probe changed acme's data"
    );
}
