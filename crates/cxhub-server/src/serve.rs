//! The accept loop: HTTP/1 and HTTP/2 on one listener, with the limits that keep one
//! client from holding the server: a deadline for a request's headers and one for its
//! body, a cap on open connections (past it a connection gets a 503 and is closed), and a
//! bounded graceful shutdown (requests in flight get a grace period, then the rest close).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The limits of [`serve_with`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The time a client has to send a request's headers.
    pub header_timeout: Duration,
    /// The time a client has to send a request's whole body.
    pub body_timeout: Duration,
    /// Connections open at once; more are answered 503 and closed.
    pub max_connections: usize,
    /// How long requests in flight may run on after shutdown begins.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Room for the database's files and the log beside the connections: the process's
/// open-file limit less a margin, at most 10,000.
fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            let line = limits.lines().find(|it| it.starts_with("Max open files"))?;
            line.split_whitespace().nth(3)?.parse::<usize>().ok()
        })
        .unwrap_or(1024);
    soft.saturating_sub(64).clamp(16, 10_000)
}

/// The answer to a connection past the limit, written before it is closed.
fn busy() -> Vec<u8> {
    let body = r#"{"type":"urn:cxhub:problem:unavailable","title":"Service Unavailable","status":503,"detail":"too many connections; retry shortly"}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyDeadlineLayer::new(
        limits.body_timeout,
    ));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.header_timeout));
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (mut stream, _) = match accepted {
            Ok(it) => it,
            Err(err) => {
                // Out of descriptors or a connection reset before it was taken: the next
                // accept may succeed once others close.
                tracing::warn!(error = %err, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tokio::spawn(async move {
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), stream.write_all(&busy())).await;
            });
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection closed with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(
                open = limits.max_connections - open.available_permits(),
                "closing the connections still open after the shutdown grace period"
            );
        }
    }
    Ok(())
}
