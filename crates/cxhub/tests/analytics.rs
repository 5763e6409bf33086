//! `/v1/analytics/calls` against what a client computes from `/v1/calls` on its own: a
//! simulated month in New York, across the first Sunday of November (25 hours long), at
//! every granularity, ungrouped and grouped by queue and by agent; and the sums of
//! buckets and groups.

mod common;

use std::collections::{BTreeMap, HashMap};

use common::{Server, cxhub, get, ok};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use serde_json::Value;

const ZONE: &str = "America/New_York";

/// Every call of `[from, to)`, read page by page.
async fn all_calls(base: &str, token: &str, from: &str, to: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/v1/calls?from={from}&to={to}&limit=500{cursor}");
        let (status, body) = get(base, token, &path.replace('+', "%2B")).await;
        assert_eq!(status, 200, "{body}");
        out.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return out,
        }
    }
}

/// The start of the bucket that holds `at`, as the API writes it: local time with the
/// offset in force then, and no earlier than `from` (the first bucket is clipped to the
/// interval). Computed here without cxhub's code.
fn bucket_start(at: &Zoned, granularity: &str, from: &Zoned) -> String {
    let floor = |minutes: i8| {
        let local: DateTime = at.datetime();
        let floored = local
            .with()
            .minute(local.minute() / minutes * minutes)
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .unwrap();
        // The floor keeps the offset of `at`: transitions fall on whole hours, so a
        // bucket never spans one.
        floored
            .to_zoned(TimeZone::fixed(at.offset()))
            .unwrap()
            .timestamp()
            .to_zoned(at.time_zone().clone())
    };
    let midnight = |date: jiff::civil::Date| date.to_zoned(at.time_zone().clone()).unwrap();
    let start = match granularity {
        "PT15M" => floor(15),
        "PT30M" => floor(30),
        "PT1H" => floor(60),
        "P1D" => midnight(at.date()),
        "P1W" => midnight(
            at.date()
                .checked_sub(i64::from(at.date().weekday().to_monday_zero_offset()).days())
                .unwrap(),
        ),
        "P1M" => midnight(at.date().first_of_month()),
        other => panic!("{other}"),
    };
    let start = if start.timestamp() < from.timestamp() {
        from.clone()
    } else {
        start
    };
    start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[derive(Default)]
struct Expected {
    offered: u64,
    answered: u64,
    self_service: u64,
    abandoned: u64,
    short_abandoned: u64,
    answered_in_sl: u64,
    waits: Vec<u64>,
    talk_plus_wrap: u64,
    talk: u64,
    hold: u64,
    wrap: u64,
    max_wait: Option<u64>,
    outbound_attempted: u64,
    outbound_connected: u64,
    internal: u64,
}

impl Expected {
    fn add(&mut self, call: &Value, queues: &HashMap<String, (u64, Option<u64>)>) {
        let secs = |value: &Value| value.as_u64().unwrap_or(0);
        let detail = &call["call"];
        match call["direction"].as_str().unwrap() {
            "outbound" => {
                self.outbound_attempted += 1;
                self.outbound_connected += u64::from(!detail["answered_at"].is_null());
                return;
            }
            "internal" => {
                self.internal += 1;
                return;
            }
            _ => {}
        }
        let (sla, short) = call["queue_id"]
            .as_str()
            .and_then(|it| queues.get(it))
            .copied()
            .unwrap_or((0, None));
        let wait = secs(&detail["wait_secs"]);
        let has_agent = !call["agent_id"].is_null();
        self.offered += 1;
        if let Some(wait) = detail["wait_secs"].as_u64() {
            self.max_wait = self.max_wait.max(Some(wait));
        }
        if !detail["answered_at"].is_null() && has_agent {
            self.answered += 1;
            self.answered_in_sl += u64::from(wait <= sla);
            self.waits.push(wait);
            self.talk += secs(&detail["talk_secs"]);
            self.hold += secs(&call["hold_secs"]);
            self.wrap += secs(&call["wrap_up_secs"]);
            self.talk_plus_wrap += secs(&detail["talk_secs"]) + secs(&call["wrap_up_secs"]);
        }
        let status = call["status"].as_str().unwrap();
        self.self_service += u64::from(status == "ended" && !has_agent);
        if status == "abandoned" {
            self.abandoned += 1;
            self.short_abandoned += u64::from(short.is_some_and(|limit| wait < limit));
        }
    }

    /// Checks an entry's metrics against these totals.
    fn check(&self, metrics: &Value, context: &str) {
        let count = |name: &str, want: u64| {
            assert_eq!(
                metrics[name].as_u64(),
                Some(want),
                "{name} at {context}: {metrics}"
            );
        };
        count("offered", self.offered);
        count("answered", self.answered);
        count("self_service", self.self_service);
        count("abandoned", self.abandoned);
        count("short_abandoned", self.short_abandoned);
        count("answered_in_sl", self.answered_in_sl);
        count("outbound_attempted", self.outbound_attempted);
        count("outbound_connected", self.outbound_connected);
        count("internal", self.internal);
        let ratio = |name: &str, numerator: u64, denominator: u64, scale: f64| {
            let got = metrics[name].as_f64();
            match denominator {
                0 => assert!(metrics[name].is_null(), "{name} at {context}: {metrics}"),
                _ => {
                    let want = scale * numerator as f64 / denominator as f64;
                    assert!(
                        (got.unwrap() - want).abs() < 1e-9,
                        "{name} at {context}: {got:?} != {want}"
                    );
                }
            }
        };
        let sl_base = self.answered + self.abandoned - self.short_abandoned;
        ratio("service_level_pct", self.answered_in_sl, sl_base, 100.0);
        ratio(
            "abandon_rate_pct",
            self.abandoned - self.short_abandoned,
            self.offered - self.short_abandoned,
            100.0,
        );
        ratio("asa_secs", self.waits.iter().sum(), self.answered, 1.0);
        ratio("aht_secs", self.talk_plus_wrap, self.answered, 1.0);
        ratio("avg_talk_secs", self.talk, self.answered, 1.0);
        ratio("avg_hold_secs", self.hold, self.answered, 1.0);
        ratio("avg_wrap_up_secs", self.wrap, self.answered, 1.0);
        assert_eq!(
            metrics["max_wait_secs"].as_u64(),
            self.max_wait,
            "max_wait_secs at {context}"
        );
        let mut waits = self.waits.clone();
        waits.sort_unstable();
        match waits.len() {
            0 => assert!(
                metrics["wait_p90_secs"].is_null(),
                "wait_p90_secs at {context}"
            ),
            n => {
                let exact = waits[(0.9 * n as f64).ceil() as usize - 1] as f64;
                let got = metrics["wait_p90_secs"].as_f64().unwrap();
                assert!(
                    (got - exact).abs() <= 0.05 * exact,
                    "wait_p90_secs at {context}: {got} vs {exact}"
                );
            }
        }
    }
}

/// The report's entries by (start, group value).
fn entries(body: &Value, dimension: Option<&str>) -> BTreeMap<(String, String), Value> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            let group = dimension.map_or(String::new(), |name| {
                it["group"][name].as_str().unwrap_or("-").to_owned()
            });
            (
                (it["start"].as_str().unwrap().to_owned(), group),
                it["metrics"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_call_metric_equals_what_a_client_computes_from_the_calls() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("analytics.db");
    ok(&cxhub(
        &db,
        &[
            "simulate",
            "--tenant",
            "acme",
            "--days",
            "31",
            "--calls-per-day",
            "90",
            "--start",
            "2026-10-15",
            "--timezone",
            ZONE,
        ],
    ));
    let token = ok(&cxhub(
        &db,
        &["token", "create", "--tenant", "acme", "--role", "read"],
    ));
    let token = token.trim();
    let server = Server::start(&db);
    let base = server.base.as_str();

    let (status, queues) = get(base, token, "/v1/queues?limit=500").await;
    assert_eq!(status, 200);
    let queues: HashMap<String, (u64, Option<u64>)> = queues["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            let sla = it["sla_answer_secs"].as_u64().unwrap_or(0);
            (
                it["id"].as_str().unwrap().to_owned(),
                (sla, it["short_abandon_secs"].as_u64()),
            )
        })
        .collect();
    let tz = TimeZone::get(ZONE).unwrap();

    // A month at day, week and month buckets; two days around the DST change at the
    // sub-day ones.
    let month = ("2026-10-15T00:00:00-04:00", "2026-11-15T00:00:00-05:00");
    let change = ("2026-10-31T00:00:00-04:00", "2026-11-02T00:00:00-05:00");
    // Edges off the rollups' 15-minute grid: answered from the records.
    let off_grid = ("2026-10-20T00:07:30-04:00", "2026-10-27T00:07:30-04:00");
    let plans = [
        (off_grid, "P1D"),
        (month, "P1D"),
        (month, "P1W"),
        (month, "P1M"),
        (change, "PT15M"),
        (change, "PT30M"),
        (change, "PT1H"),
    ];
    let total_offered = |body: &Value| -> u64 {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| it["metrics"]["offered"].as_u64().unwrap())
            .sum()
    };
    for ((from, to), granularity) in plans {
        let calls = all_calls(base, token, from, to).await;
        let first = from.parse::<Timestamp>().unwrap().to_zoned(tz.clone());
        assert!(calls.len() > 20, "{} calls in {from}..{to}", calls.len());
        for dimension in [None, Some("queue"), Some("agent")] {
            let mut path = format!(
                "/v1/analytics/calls?from={from}&to={to}&timezone={ZONE}&granularity={granularity}"
            );
            if let Some(name) = dimension {
                path.push_str(&format!("&group_by={name}"));
            }
            let (status, body) = get(base, token, &path.replace('+', "%2B")).await;
            assert_eq!(status, 200, "{body}");
            let source = if from == off_grid.0 {
                "records"
            } else {
                "rollups"
            };
            assert_eq!(body["source"], source, "{path}");
            let got = entries(&body, dimension);
            let mut want: BTreeMap<(String, String), Expected> = BTreeMap::new();
            for call in &calls {
                let started: Timestamp = call["started_at"].as_str().unwrap().parse().unwrap();
                let start = bucket_start(&started.to_zoned(tz.clone()), granularity, &first);
                let group = dimension.map_or(String::new(), |name| {
                    call[format!("{name}_id")]
                        .as_str()
                        .unwrap_or("-")
                        .to_owned()
                });
                want.entry((start, group)).or_default().add(call, &queues);
            }
            for (key, expected) in &want {
                let metrics = got
                    .get(key)
                    .unwrap_or_else(|| panic!("no entry {key:?} for {granularity}"));
                expected.check(metrics, &format!("{granularity} {key:?}"));
            }
            // Every other entry is an empty bucket of a group, with nothing in it.
            for (key, metrics) in &got {
                if !want.contains_key(key) {
                    Expected::default().check(metrics, &format!("{granularity} empty {key:?}"));
                }
            }
            // Groups add up to the ungrouped figure.
            let offered: u64 = want.values().map(|it| it.offered).sum();
            assert_eq!(total_offered(&body), offered, "{granularity} {dimension:?}");
        }
        if granularity == "PT1H" {
            let (_, body) = get(
                base,
                token,
                &format!(
                    "/v1/analytics/calls?from={from}&to={to}&timezone={ZONE}&granularity=PT1H"
                )
                .replace('+', "%2B"),
            )
            .await;
            // 24 hours, then the 25 of the day the clocks go back.
            assert_eq!(body["data"].as_array().unwrap().len(), 49);
        }
    }

    // Sums: the days of the month add up to the month, and the hours of a day to the day.
    let whole = |from: &str, to: &str, granularity: Option<&str>| {
        let mut path = format!(
            "/v1/analytics/calls?from={from}&to={to}&timezone={ZONE}&metrics=offered,answered,abandoned"
        );
        if let Some(it) = granularity {
            path.push_str(&format!("&granularity={it}"));
        }
        path.replace('+', "%2B")
    };
    let (_, total) = get(base, token, &whole(month.0, month.1, None)).await;
    let (_, days) = get(base, token, &whole(month.0, month.1, Some("P1D"))).await;
    assert_eq!(total["data"].as_array().unwrap().len(), 1);
    assert_eq!(days["data"].as_array().unwrap().len(), 31);
    for name in ["offered", "answered", "abandoned"] {
        let sum: u64 = days["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| it["metrics"][name].as_u64().unwrap())
            .sum();
        assert_eq!(
            Some(sum),
            total["data"][0]["metrics"][name].as_u64(),
            "{name}"
        );
    }
    assert_eq!(total["data"][0]["metrics"].as_object().unwrap().len(), 3);
    let day = ("2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00");
    let (_, one_day) = get(base, token, &whole(day.0, day.1, None)).await;
    let (_, hours) = get(base, token, &whole(day.0, day.1, Some("PT1H"))).await;
    assert_eq!(hours["data"].as_array().unwrap().len(), 25);
    assert_eq!(total_offered(&hours), total_offered(&one_day));

    // Bad input names the parameter.
    for (query, field) in [
        ("from=2026-10-15T00:00:00Z", "to"),
        (
            "from=2026-10-15T00:00:00Z&to=2026-10-16T00:00:00Z&granularity=PT2H",
            "granularity",
        ),
        (
            "from=2026-10-15T00:00:00Z&to=2026-10-16T00:00:00Z&timezone=Mars/Base",
            "timezone",
        ),
        (
            "from=2026-10-15T00:00:00Z&to=2026-10-16T00:00:00Z&metrics=nope",
            "metrics",
        ),
        (
            "from=2026-10-15T00:00:00Z&to=2026-10-16T00:00:00Z&group_by=colour",
            "group_by",
        ),
        ("from=2026-10-16T00:00:00Z&to=2026-10-15T00:00:00Z", "to"),
    ] {
        let (status, body) = get(base, token, &format!("/v1/analytics/calls?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.to_string().contains(field), "{query}: {body}");
    }
    let (status, dictionary) = get(base, token, "/v1/analytics/metrics").await;
    assert_eq!(status, 200);
    assert!(
        dictionary["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|it| it["name"] == "service_level_pct")
    );

    // The command line prints the API's figures, and finds the rollups equal to the
    // records after a month sent as events.
    let path = format!(
        "/v1/analytics/calls?from={}&to={}&timezone={ZONE}&granularity=P1D&group_by=queue",
        month.0, month.1
    );
    let (_, api) = get(base, token, &path.replace('+', "%2B")).await;
    let args = [
        "report",
        "--tenant",
        "acme",
        "--from",
        month.0,
        "--to",
        month.1,
        "--timezone",
        ZONE,
        "--granularity",
        "P1D",
        "--group-by",
        "queue",
    ];
    let json = ok(&cxhub(&db, &[&args[..], &["--format", "json"]].concat()));
    assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), api);
    let csv = ok(&cxhub(&db, &[&args[..], &["--format", "csv"]].concat()));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("start,end,queue,offered,answered,self_service,"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 1 + api["data"].as_array().unwrap().len());
    let table = ok(&cxhub(&db, &args));
    assert!(
        table.lines().next().unwrap().starts_with("start "),
        "{table}"
    );
    let verify = cxhub(&db, &["analytics", "verify", "--tenant", "acme"]);
    assert!(verify.status.success(), "{verify:?}");
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains(" 0 differences"),
        "{verify:?}"
    );
}
