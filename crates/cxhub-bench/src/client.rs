//! The load side: the server as a child process, a small tokio client, and the same
//! pages read straight through rusqlite for the baseline.
//!
//! The client shares the 2 cores with the server; its own cost (reqwest, JSON parsing
//! of every answer is skipped: bodies are read as bytes) is part of every HTTP figure,
//! and is measured: the CPU time of both processes during each run is read from /proc.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant as Clock};

use anyhow::Context;
use cxhub_model::call::CallStatus;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, InteractionStatus};
use cxhub_store::query::{InteractionFilter, PageRequest, Position};
use cxhub_store::sqlite::baseline;
use serde_json::{Value, json};

use crate::dataset::Dataset;

/// The server, as a child process of this binary.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db: &Path) -> anyhow::Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .arg(db)
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().context("the child's stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let base = line
            .trim()
            .strip_prefix("listening ")
            .with_context(|| format!("the server said {line:?}"))?
            .to_owned();
        Ok(Server { child, base })
    }

    /// The server's peak resident set (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Posts the events in batches of 1000, four requests in flight (as several sources
/// would); returns the wall time. Every event must be accepted.
pub async fn post_events(base: &str, token: &str, events: &[Value]) -> anyhow::Result<Duration> {
    let client = reqwest::Client::new();
    let batches: Vec<Vec<u8>> = events
        .chunks(1000)
        .map(|chunk| serde_json::to_vec(chunk).expect("JSON values serialize"))
        .collect();
    let batches = Arc::new(batches);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Clock::now();
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (client, batches, next) = (client.clone(), batches.clone(), next.clone());
        let (url, token) = (format!("{base}/v1/events"), token.to_owned());
        workers.push(tokio::spawn(async move {
            let mut accepted = 0;
            loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(body) = batches.get(index) else {
                    return anyhow::Ok(accepted);
                };
                let response = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await?;
                anyhow::ensure!(response.status() == 200, "events: {}", response.status());
                let report: Value = response.json().await?;
                accepted += report["accepted"].as_u64().unwrap_or(0);
            }
        }));
    }
    let mut accepted = 0;
    for worker in workers {
        accepted += worker.await??;
    }
    let elapsed = started.elapsed();
    anyhow::ensure!(
        accepted as usize == events.len(),
        "only {accepted} of {} events accepted",
        events.len()
    );
    eprintln!("events: {} in {elapsed:?}", events.len());
    Ok(elapsed)
}

/// One HTTP request of a scenario.
#[derive(Debug, Clone)]
pub enum Request {
    Get(String),
    Post(String, Value),
}

/// A listing scenario: HTTP requests to cycle through, and the pages the same rows
/// come from in the store's SQL.
pub struct Scenario {
    pub name: String,
    pub requests: Vec<Request>,
    pub raw: Vec<(InteractionFilter, PageRequest)>,
}

/// How deep the deep pages go: page 1000, or half-way on a small dataset.
pub fn deep_page(calls: usize) -> usize {
    (calls / 100 / 2).clamp(2, 1000)
}

fn voice() -> InteractionFilter {
    InteractionFilter {
        channels: vec![Channel::Voice],
        ..InteractionFilter::default()
    }
}

/// Where the deep page starts in the store's SQL: for the voice calls and for every
/// interaction (found by walking the baseline once).
pub struct DeepPositions {
    pub voice: Option<Position>,
    pub any: Option<Position>,
}

/// The two deep positions, walking a SQLite baseline file.
pub fn deep_positions(db: &Path, tenant_pk: i64, calls: usize) -> anyhow::Result<DeepPositions> {
    let deep = deep_page(calls);
    Ok(DeepPositions {
        voice: walk_raw(db, tenant_pk, &voice(), deep)?,
        any: walk_raw(db, tenant_pk, &InteractionFilter::default(), deep)?,
    })
}

pub fn voice_filter() -> InteractionFilter {
    voice()
}

pub async fn scenarios(
    base: &str,
    token: &str,
    dataset: &Dataset,
    positions: &DeepPositions,
) -> anyhow::Result<Vec<Scenario>> {
    let client = reqwest::Client::new();
    let deep = deep_page(dataset.calls());
    let start = dataset.start();
    let days = i64::from(dataset.days_needed().saturating_sub(2).max(1));
    // Twenty one-day windows spread over the dataset.
    let windows: Vec<_> = (0..20)
        .map(|n| {
            let from = start.plus_secs(86_400 * (n * days / 20));
            (from, from.plus_secs(86_400))
        })
        .collect();
    let agents: Vec<String> = dataset.agent_ids().into_iter().take(20).collect();
    let page = |after: Option<Position>| PageRequest::after(after, 100);
    let mut out = vec![
        Scenario {
            name: "native /v1/calls, a one-day window".to_owned(),
            requests: windows
                .iter()
                .map(|(from, to)| {
                    Request::Get(format!(
                        "/v1/calls?limit=100&from={}&to={}",
                        from.to_rfc3339(),
                        to.to_rfc3339()
                    ))
                })
                .collect(),
            raw: windows
                .iter()
                .map(|(from, to)| {
                    let filter = InteractionFilter {
                        from: Some(*from),
                        to: Some(*to),
                        ..voice()
                    };
                    (filter, page(None))
                })
                .collect(),
        },
        Scenario {
            name: "native /v1/calls, one agent".to_owned(),
            requests: agents
                .iter()
                .map(|agent| Request::Get(format!("/v1/calls?limit=100&agent={agent}")))
                .collect(),
            raw: agents
                .iter()
                .map(|agent| {
                    let filter = InteractionFilter {
                        agent_id: Key::parse(agent).ok(),
                        ..voice()
                    };
                    (filter, page(None))
                })
                .collect(),
        },
        Scenario {
            name: "native /v1/calls, status abandoned".to_owned(),
            requests: vec![Request::Get(
                "/v1/calls?limit=100&status=abandoned".to_owned(),
            )],
            raw: vec![(
                InteractionFilter {
                    statuses: vec![InteractionStatus::Call(CallStatus::Abandoned)],
                    ..voice()
                },
                page(None),
            )],
        },
    ];
    // The deep pages: cursors found by walking once, over HTTP and in SQL.
    let native_cursor = walk_native(&client, base, token, deep).await?;
    let sencloud_cursor = walk_sencloud(&client, base, token, deep).await?;
    let (voice_position, any_position) = (positions.voice, positions.any);
    let first = |filter: InteractionFilter| vec![(filter, page(None))];
    let at = |filter: InteractionFilter, position: Option<Position>| vec![(filter, page(position))];
    out.extend([
        Scenario {
            name: format!("native /v1/calls, page {deep} by cursor"),
            requests: vec![Request::Get(format!(
                "/v1/calls?limit=100&cursor={native_cursor}"
            ))],
            raw: at(voice(), voice_position),
        },
        Scenario {
            name: "klink cx-logs, page 1".to_owned(),
            requests: vec![Request::Get(
                "/api/v1/cx-logs?page=1&pageSize=100".to_owned(),
            )],
            raw: first(InteractionFilter::default()),
        },
        Scenario {
            name: format!("klink cx-logs, page {deep}"),
            requests: vec![Request::Get(format!(
                "/api/v1/cx-logs?page={deep}&pageSize=100"
            ))],
            raw: at(InteractionFilter::default(), any_position),
        },
        Scenario {
            name: "CINNOX call-log, offset 0".to_owned(),
            requests: vec![Request::Get(
                "/v1/api/apps/bench/data/call-log?offset=0&limit=100".to_owned(),
            )],
            raw: first(voice()),
        },
        Scenario {
            name: format!("CINNOX call-log, offset {}", (deep - 1) * 100),
            requests: vec![Request::Get(format!(
                "/v1/api/apps/bench/data/call-log?offset={}&limit=100",
                (deep - 1) * 100
            ))],
            raw: at(voice(), voice_position),
        },
        Scenario {
            name: "Sencloud ListCallLogs, first page".to_owned(),
            requests: vec![Request::Post(
                "/v1/shop.Sencloud/ListCallLogs".to_owned(),
                json!({"paging": {"limit": 100}}),
            )],
            raw: first(voice()),
        },
        Scenario {
            name: format!("Sencloud ListCallLogs, page {deep} by cursor"),
            requests: vec![Request::Post(
                "/v1/shop.Sencloud/ListCallLogs".to_owned(),
                json!({"paging": {"limit": 100, "after": sencloud_cursor}}),
            )],
            raw: at(voice(), voice_position),
        },
    ]);
    Ok(out)
}

/// The cursor of page `page` of `/v1/calls`, found by walking to it.
async fn walk_native(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    page: usize,
) -> anyhow::Result<String> {
    let mut cursor = String::new();
    for _ in 1..page {
        let url = match cursor.is_empty() {
            true => format!("{base}/v1/calls?limit=100"),
            false => format!("{base}/v1/calls?limit=100&cursor={cursor}"),
        };
        let body: Value = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        cursor = body["next_cursor"]
            .as_str()
            .context("the walk ended early")?
            .to_owned();
    }
    Ok(cursor)
}

/// The `after` cursor of page `page` of Sencloud's ListCallLogs.
async fn walk_sencloud(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    page: usize,
) -> anyhow::Result<String> {
    let mut after = ".".to_owned();
    for _ in 1..page {
        let body: Value = client
            .post(format!("{base}/v1/shop.Sencloud/ListCallLogs"))
            .bearer_auth(token)
            .json(&json!({"paging": {"limit": 100, "after": after}}))
            .send()
            .await?
            .json()
            .await?;
        after = body["paging"]["next"]
            .as_str()
            .filter(|it| !it.is_empty())
            .context("the Sencloud walk ended early")?
            .to_owned();
    }
    Ok(after)
}

/// The position that starts page `page` of `filter`, walking the store's SQL.
fn walk_raw(
    db: &Path,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: usize,
) -> anyhow::Result<Option<Position>> {
    let conn = baseline::open(db)?;
    let mut after = None;
    for _ in 1..page {
        let found =
            baseline::list_interactions(&conn, tenant_pk, filter, PageRequest::after(after, 100))?;
        after = Some(found.next.context("the raw walk ended early")?);
    }
    Ok(after)
}

/// Latencies of one scenario at one concurrency, the wall time of the run, and the CPU
/// time the server and the client (this process) used during it.
pub struct Measured {
    pub latencies: Vec<Duration>,
    pub wall: Duration,
    pub server_cpu: Option<Duration>,
    pub client_cpu: Option<Duration>,
}

/// The CPU time (user and system, all threads) a process has used so far, from
/// `/proc/<pid>/stat`, whose times are in clock ticks of 1/100 s (Linux's `USER_HZ`).
pub fn cpu_time(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces: count fields after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn cpu_since(pid: &str, before: Option<Duration>) -> Option<Duration> {
    Some(cpu_time(pid)?.saturating_sub(before?))
}

/// Runs `total` requests of `scenario` over HTTP from `concurrency` tasks.
pub async fn measure(
    server: &Server,
    token: &str,
    scenario: &Scenario,
    concurrency: usize,
    total: usize,
) -> anyhow::Result<Measured> {
    let base = server.base.as_str();
    let server_pid = server.child.id().to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    // Warm the connections and the page cache.
    for request in scenario.requests.iter().take(4) {
        send(&client, base, token, request).await?;
    }
    let requests = Arc::new(scenario.requests.clone());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (server_before, client_before) = (cpu_time(&server_pid), cpu_time("self"));
    let started = Clock::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, requests, next) = (client.clone(), requests.clone(), next.clone());
        let (base, token) = (base.to_owned(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total {
                    return anyhow::Ok(latencies);
                }
                let request = &requests[n % requests.len()];
                let sent = Clock::now();
                send(&client, &base, &token, request).await?;
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok(Measured {
        latencies,
        wall: started.elapsed(),
        server_cpu: cpu_since(&server_pid, server_before),
        client_cpu: cpu_since("self", client_before),
    })
}

async fn send(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    request: &Request,
) -> anyhow::Result<()> {
    let builder = match request {
        Request::Get(path) => client.get(format!("{base}{path}")),
        Request::Post(path, body) => client.post(format!("{base}{path}")).json(body),
    };
    let response = builder.bearer_auth(token).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    anyhow::ensure!(
        status == 200,
        "{request:?}: {status} {}",
        String::from_utf8_lossy(&body)
    );
    Ok(())
}

/// Runs `total` pages of `scenario` through the store's SQL on `concurrency` threads,
/// each with its own connection (as the server's read pool has).
pub fn measure_raw(
    db: &Path,
    tenant_pk: i64,
    scenario: &Scenario,
    concurrency: usize,
    total: usize,
) -> anyhow::Result<Measured> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let before = cpu_time("self");
    let started = Clock::now();
    let latencies = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<Vec<Duration>> {
                    let conn = baseline::open(db)?;
                    let mut latencies = Vec::new();
                    loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if n >= total {
                            return Ok(latencies);
                        }
                        let (filter, page) = &scenario.raw[n % scenario.raw.len()];
                        let sent = Clock::now();
                        let found = baseline::list_interactions(&conn, tenant_pk, filter, *page)?;
                        std::hint::black_box(found);
                        latencies.push(sent.elapsed());
                    }
                })
            })
            .collect();
        let mut all = Vec::with_capacity(total);
        for worker in workers {
            all.extend(worker.join().expect("a benchmark thread panicked")?);
        }
        anyhow::Ok(all)
    })?;
    Ok(Measured {
        latencies,
        wall: started.elapsed(),
        server_cpu: None,
        client_cpu: cpu_since("self", before),
    })
}
