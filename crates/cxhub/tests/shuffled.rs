//! A simulated month sent as events in one random order, every tenth twice, folds to the
//! KPIs of the same month sent in order, and `cxhub analytics verify` finds its rollups
//! equal to its records.

mod common;

use common::{Server, cxhub, get, ok};

const ZONE: &str = "America/New_York";

#[tokio::test]
async fn a_month_of_shuffled_events_with_duplicates_gives_the_same_kpis() {
    let dir = tempfile::tempdir().unwrap();
    let mut answers = Vec::new();
    for (name, shuffle) in [("ordered.db", false), ("shuffled.db", true)] {
        let db = dir.path().join(name);
        let mut args = vec![
            "simulate",
            "--tenant",
            "acme",
            "--days",
            "31",
            "--calls-per-day",
            "60",
            "--start",
            "2026-10-15",
            "--timezone",
            ZONE,
        ];
        if shuffle {
            args.push("--shuffle");
        }
        let said = cxhub(&db, &args);
        assert!(said.status.success(), "{said:?}");
        if shuffle {
            assert!(
                String::from_utf8_lossy(&said.stderr).contains("sent shuffled"),
                "{said:?}"
            );
        }
        let verify = cxhub(&db, &["analytics", "verify", "--tenant", "acme"]);
        assert!(verify.status.success(), "{name}: {verify:?}");
        assert!(
            String::from_utf8_lossy(&verify.stderr).contains(" 0 differences"),
            "{name}: {verify:?}"
        );
        let token = ok(&cxhub(
            &db,
            &["token", "create", "--tenant", "acme", "--role", "read"],
        ));
        let server = Server::start(&db);
        let (from, to) = ("2026-10-15T00:00:00-04:00", "2026-11-15T00:00:00-05:00");
        let mut bodies = Vec::new();
        for path in [
            format!(
                "/v1/analytics/calls?from={from}&to={to}&timezone={ZONE}&granularity=P1D&group_by=queue"
            ),
            format!(
                "/v1/analytics/calls?from={from}&to={to}&timezone={ZONE}&granularity=PT1H&group_by=agent"
            ),
            format!(
                "/v1/analytics/interactions?from={from}&to={to}&timezone={ZONE}&granularity=P1W&group_by=channel"
            ),
            format!("/v1/analytics/agents?from={from}&to={to}&timezone={ZONE}&granularity=P1D"),
        ] {
            let (status, body) = get(&server.base, token.trim(), &path.replace('+', "%2B")).await;
            assert_eq!(status, 200, "{body}");
            assert!(body["data"].as_array().unwrap().len() > 30, "{path}");
            bodies.push(body);
        }
        answers.push(bodies);
    }
    assert_eq!(answers[0], answers[1]);
}
