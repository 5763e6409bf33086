//! The figures, their ratios to the baseline, and the markdown they are printed and
//! recorded as.

use std::fmt::Write as _;
use std::time::Duration;

use crate::client::Measured;

pub enum Figure {
    Rate {
        name: String,
        per_sec: f64,
        baseline_per_sec: f64,
    },
    Latency {
        name: String,
        concurrency: usize,
        http: Stats,
        sql: Stats,
    },
}

pub struct Stats {
    pub p50: Duration,
    pub p99: Duration,
    pub per_sec: f64,
    /// CPU time per request of the server, and of the client (for the SQL baseline, of
    /// the threads that ran it).
    pub server_cpu: Option<Duration>,
    pub client_cpu: Option<Duration>,
}

impl Stats {
    fn of(measured: &Measured) -> Stats {
        let mut sorted = measured.latencies.clone();
        sorted.sort();
        let at = |q: f64| {
            sorted
                .get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        let per_request = |cpu: Option<Duration>| {
            cpu.map(|it| it / u32::try_from(sorted.len().max(1)).unwrap_or(u32::MAX))
        };
        Stats {
            p50: at(0.50),
            p99: at(0.99),
            per_sec: sorted.len() as f64 / measured.wall.as_secs_f64().max(f64::EPSILON),
            server_cpu: per_request(measured.server_cpu),
            client_cpu: per_request(measured.client_cpu),
        }
    }
}

impl Figure {
    pub fn rate(name: &str, count: usize, cxhub: Duration, baseline: Duration) -> Figure {
        let rate = |took: Duration| count as f64 / took.as_secs_f64().max(f64::EPSILON);
        Figure::Rate {
            name: name.to_owned(),
            per_sec: rate(cxhub),
            baseline_per_sec: rate(baseline),
        }
    }

    pub fn latency(name: &str, concurrency: usize, http: &Measured, sql: &Measured) -> Figure {
        Figure::Latency {
            name: name.to_owned(),
            concurrency,
            http: Stats::of(http),
            sql: Stats::of(sql),
        }
    }
}

pub struct Report {
    calls: usize,
    events: usize,
    requests: usize,
    figures: Vec<Figure>,
    pub peak_rss_kib: Option<u64>,
    /// Lines printed after the tables.
    pub notes: Vec<String>,
}

impl Report {
    pub fn new(calls: usize, events: usize, requests: usize) -> Report {
        Report {
            calls,
            events,
            requests,
            figures: Vec::new(),
            peak_rss_kib: None,
            notes: Vec::new(),
        }
    }

    pub fn add(&mut self, figure: Figure) {
        self.figures.push(figure);
    }

    pub fn markdown(&self) -> String {
        let ms = |it: Duration| format!("{:.2}", it.as_secs_f64() * 1000.0);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} calls; {} events; {} requests per listing scenario and concurrency.\n",
            self.calls, self.events, self.requests
        );
        let _ = writeln!(out, "| write path | cxhub /s | baseline /s | ratio |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for figure in &self.figures {
            if let Figure::Rate {
                name,
                per_sec,
                baseline_per_sec,
            } = figure
            {
                let _ = writeln!(
                    out,
                    "| {name} | {per_sec:.0} | {baseline_per_sec:.0} | {:.2} |",
                    per_sec / baseline_per_sec
                );
            }
        }
        let _ = writeln!(
            out,
            "\n| listing, 100 rows a page | conc. | HTTP p50 ms | HTTP p99 ms | HTTP pages/s | SQL p50 ms | SQL p99 ms | SQL pages/s | pages/s ratio | CPU ms/page: server, client, SQL |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        let cpu = |it: Option<Duration>| {
            it.map_or("?".to_owned(), |it| {
                format!("{:.2}", it.as_secs_f64() * 1000.0)
            })
        };
        for figure in &self.figures {
            if let Figure::Latency {
                name,
                concurrency,
                http,
                sql,
            } = figure
            {
                let _ = writeln!(
                    out,
                    "| {name} | {concurrency} | {} | {} | {:.0} | {} | {} | {:.0} | {:.2} | {}, {}, {} |",
                    ms(http.p50),
                    ms(http.p99),
                    http.per_sec,
                    ms(sql.p50),
                    ms(sql.p99),
                    sql.per_sec,
                    http.per_sec / sql.per_sec,
                    cpu(http.server_cpu),
                    cpu(http.client_cpu),
                    cpu(sql.client_cpu),
                );
            }
        }
        let rss = self.peak_rss_kib.map_or("unknown".to_owned(), |kib| {
            format!("{:.1} MiB", kib as f64 / 1024.0)
        });
        let _ = writeln!(out, "\nServer peak RSS (VmHWM): {rss}.");
        for note in &self.notes {
            let _ = writeln!(out, "\n{note}");
        }
        out
    }
}

/// Appends a run to bench/RESULTS.md with the date, the commit and the machine.
pub fn record(text: &str) -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(&root)
        .output()
        .ok()
        .map(|it| String::from_utf8_lossy(&it.stdout).trim().to_owned())
        .unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|it| {
            it.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|it| it.lines().next().map(str::to_owned))
        .unwrap_or_default();
    let date = jiff::Zoned::now().strftime("%Y-%m-%d %H:%M %Z").to_string();
    let mut entry = String::new();
    let _ = writeln!(entry, "\n## {date}, commit {commit}\n");
    let _ = writeln!(
        entry,
        "Machine: {cores} cores, {cpu}; {}.\n",
        memory.replace("  ", " ")
    );
    entry.push_str(text);
    let path = root.join("bench/RESULTS.md");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    std::io::Write::write_all(&mut file, entry.as_bytes())?;
    Ok(())
}
