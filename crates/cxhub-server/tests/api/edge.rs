//! The edge: bodies over the limit, slow clients, too many connections, wrong methods,
//! each answered in the error shape of the API the path belongs to.

use std::time::{Duration, Instant};

use cxhub_server::serve::Limits;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::helpers::{spawn_app, spawn_app_with};

/// Sends raw bytes and reads until the server closes or `wait` passes.
async fn raw(base: &str, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The JSON body of a raw answer.
fn body(answer: &str) -> Value {
    let at = answer.find("\r\n\r\n").expect("a whole answer") + 4;
    serde_json::from_str(&answer[at..]).unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_unread_in_each_dialects_shape() {
    let app = spawn_app().await;
    let token = &app.acme.write;
    let cases = [
        (
            "POST /v1/events",
            "type",
            json!("urn:cxhub:problem:too-large"),
        ),
        ("POST /api/v1/tickets", "statusCode", json!(413)),
        (
            "POST /v1/shop.Sencloud/ListCallLogs",
            "code",
            json!("resource_exhausted"),
        ),
        ("POST /v1/api/apps/acme/data/call-log", "code", json!(413)),
    ];
    for (line, key, expected) in cases {
        let request = format!(
            "{line} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\n\
             content-type: application/json\r\ncontent-length: 1000000000\r\n\r\n[]"
        );
        let started = Instant::now();
        let answer = raw(&app.base, request.as_bytes(), Duration::from_secs(5)).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{line}: {answer}");
        assert_eq!(body(&answer)[key], expected, "{line}: {answer}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "answered without reading"
        );
    }
}

#[tokio::test]
async fn a_wrong_method_is_a_405_with_allow_in_the_paths_shape() {
    let app = spawn_app().await;
    let response = app
        .client
        .put(format!("{}/v1/calls", app.base))
        .bearer_auth(&app.acme.read)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        (&problem["type"], &problem["status"]),
        (&json!("urn:cxhub:problem:method-not-allowed"), &json!(405))
    );
    let response = app
        .client
        .post(format!("{}/v1/api/apps/acme/data/call-log", app.base))
        .bearer_auth(&app.acme.read)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 405, "CINNOX's shape: {body}");
}

fn quick() -> Limits {
    Limits {
        header_timeout: Duration::from_millis(500),
        body_timeout: Duration::from_millis(800),
        max_connections: 3,
        shutdown_grace: Duration::from_millis(500),
    }
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_do_not_hold_the_server() {
    let app = spawn_app_with(quick()).await;
    // Half a request line and no more: the connection is closed after the header timeout.
    let started = Instant::now();
    let answer = raw(
        &app.base,
        b"GET /healthz HTTP/1.1\r\nhost:",
        Duration::from_secs(5),
    )
    .await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(3),
        "closed after {waited:?}: {answer}"
    );
    // A body that never arrives whole: 408 in the path's shape.
    let request = format!(
        "POST /v1/calls HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n[",
        app.acme.write
    );
    let answer = raw(&app.base, request.as_bytes(), Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(body(&answer)["type"], "urn:cxhub:problem:timeout");
    let request = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n{{",
        app.acme.write
    );
    let answer = raw(&app.base, request.as_bytes(), Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(body(&answer)["statusCode"], 408, "klink's shape: {answer}");
}

#[tokio::test]
async fn past_the_connection_limit_a_client_gets_a_503_and_the_rest_are_served() {
    let app = spawn_app_with(Limits {
        header_timeout: Duration::from_secs(5),
        ..quick()
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let answer = raw(
        &app.base,
        b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n",
        Duration::from_secs(2),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert_eq!(body(&answer)["type"], "urn:cxhub:problem:unavailable");
    drop(held);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "served again once the others closed"
    );
}
