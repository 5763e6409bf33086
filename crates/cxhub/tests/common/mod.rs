//! What the binary's end-to-end tests share: running `cxhub` commands on a database
//! file, a `cxhub serve` on a free port, and HTTP calls to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub fn cxhub(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cxhub"))
        .args(args)
        .env("CXHUB_DB", db)
        .env_remove("CXHUB_LISTEN")
        .output()
        .unwrap()
}

pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Creates tenant `tenant` and a token of `role` for it; answers the token.
pub fn tenant_with_token(db: &Path, tenant: &str, role: &str) -> String {
    ok(&cxhub(db, &["tenant", "create", tenant]));
    ok(&cxhub(
        db,
        &["token", "create", "--tenant", tenant, "--role", role],
    ))
    .trim()
    .to_owned()
}

/// A running `cxhub serve` on a free port, stopped with SIGTERM when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db: &Path) -> Server {
        Server::start_with(db, &[])
    }

    /// `cxhub serve` with more flags.
    pub fn start_with(db: &Path, flags: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cxhub"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(flags)
            .env("CXHUB_DB", db)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("serve exited before listening")
                .unwrap();
            if let Some(at) = line.find("listening on http://") {
                // The log line is JSON by default, text with CXHUB_LOG_FORMAT=text.
                let rest = &line[at + "listening on ".len()..];
                let end = rest
                    .find(|it: char| it.is_whitespace() || it == '"')
                    .unwrap_or(rest.len());
                break rest[..end].to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if line.contains("panicked") || line.contains("ERROR") {
                    eprintln!("cxhub serve: {line}");
                }
            }
        });
        Server { child, base }
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn get(base: &str, token: &str, path: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// POSTs a JSON body and answers the status and the JSON reply.
pub async fn post(base: &str, token: &str, path: &str, body: &str) -> (u16, Value) {
    send(reqwest::Method::POST, base, token, path, body).await
}

/// Sends a JSON body with `method` and answers the status and the JSON reply.
pub async fn send(
    method: reqwest::Method,
    base: &str,
    token: &str,
    path: &str,
    body: &str,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}
