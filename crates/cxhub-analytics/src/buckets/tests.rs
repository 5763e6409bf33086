use proptest::prelude::*;

use super::*;

fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap()
}

fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap()
}

fn hours(bucket: &Bucket) -> i64 {
    (bucket.end.as_millis() - bucket.start.as_millis()) / 3_600_000
}

#[test]
fn the_day_dst_ends_has_25_hours_and_the_day_it_starts_23() {
    let ny = zone("America/New_York");
    // 2026-11-01: clocks go back from 02:00 EDT to 01:00 EST.
    let (from, to) = (
        at("2026-11-01T00:00:00-04:00"),
        at("2026-11-02T00:00:00-05:00"),
    );
    let hourly = buckets(from, to, &ny, Some(Granularity::Hour)).unwrap();
    assert_eq!(hourly.len(), 25);
    assert!(hourly.iter().all(|it| hours(it) == 1));
    let labels: Vec<String> = hourly[..3]
        .iter()
        .map(|it| local_rfc3339(it.start, &ny))
        .collect();
    assert_eq!(
        labels,
        [
            "2026-11-01T00:00:00-04:00",
            "2026-11-01T01:00:00-04:00",
            "2026-11-01T01:00:00-05:00"
        ]
    );
    let daily = buckets(from, to, &ny, Some(Granularity::Day)).unwrap();
    assert_eq!(daily.len(), 1);
    assert_eq!(hours(&daily[0]), 25);

    // 2026-03-08: clocks go forward from 02:00 EST to 03:00 EDT.
    let (from, to) = (
        at("2026-03-08T00:00:00-05:00"),
        at("2026-03-09T00:00:00-04:00"),
    );
    assert_eq!(
        buckets(from, to, &ny, Some(Granularity::Hour))
            .unwrap()
            .len(),
        23
    );
    assert_eq!(
        buckets(from, to, &ny, Some(Granularity::QuarterHour))
            .unwrap()
            .len(),
        92
    );
    let daily = buckets(from, to, &ny, Some(Granularity::Day)).unwrap();
    assert_eq!(hours(&daily[0]), 23);
}

#[test]
fn weeks_start_on_monday_and_months_on_the_first() {
    let utc = Zone::utc();
    // Wednesday 2026-12-02 to Wednesday 2026-12-16.
    let weeks = buckets(
        at("2026-12-02T00:00:00Z"),
        at("2026-12-16T00:00:00Z"),
        &utc,
        Some(Granularity::Week),
    )
    .unwrap();
    let starts: Vec<String> = weeks.iter().map(|it| it.start.to_rfc3339()).collect();
    assert_eq!(starts.len(), 3);
    // The first is clipped to `from`; the others start on Mondays.
    assert!(starts[0].starts_with("2026-12-02T00:00:00"));
    assert!(starts[1].starts_with("2026-12-07T00:00:00"));
    assert!(starts[2].starts_with("2026-12-14T00:00:00"));

    let months = buckets(
        at("2026-01-15T00:00:00Z"),
        at("2026-04-01T00:00:00Z"),
        &utc,
        Some(Granularity::Month),
    )
    .unwrap();
    let days: Vec<i64> = months.iter().map(|it| hours(it) / 24).collect();
    assert_eq!(days, [17, 28, 31]);
}

#[test]
fn days_follow_local_midnights() {
    let sg = zone("Asia/Singapore");
    let days = buckets(
        at("2026-12-01T00:00:00+08:00"),
        at("2026-12-03T00:00:00+08:00"),
        &sg,
        Some(Granularity::Day),
    )
    .unwrap();
    let starts: Vec<String> = days.iter().map(|it| local_rfc3339(it.start, &sg)).collect();
    assert_eq!(
        starts,
        ["2026-12-01T00:00:00+08:00", "2026-12-02T00:00:00+08:00"]
    );
    assert!(on_rollup_grid(&days));
}

#[test]
fn hours_of_a_half_hour_zone_stay_on_its_clock_and_on_the_grid() {
    let kolkata = zone("Asia/Kolkata");
    let hourly = buckets(
        at("2026-12-01T00:00:00+05:30"),
        at("2026-12-01T03:00:00+05:30"),
        &kolkata,
        Some(Granularity::Hour),
    )
    .unwrap();
    assert_eq!(hourly.len(), 3);
    assert!(
        hourly
            .iter()
            .all(|it| local_rfc3339(it.start, &kolkata).contains(":00:00+05:30"))
    );
    assert!(on_rollup_grid(&hourly));
}

#[test]
fn an_offset_off_the_quarter_hour_grid_is_said_so() {
    // Liberia kept -0:44:30 until 1972.
    let monrovia = zone("Africa/Monrovia");
    let days = buckets(
        at("1970-01-01T00:00:00Z"),
        at("1970-01-03T00:00:00Z"),
        &monrovia,
        Some(Granularity::Day),
    )
    .unwrap();
    assert!(!on_rollup_grid(&days));
}

#[test]
fn no_granularity_is_one_bucket_and_bad_intervals_are_refused() {
    let utc = Zone::utc();
    let (from, to) = (at("2026-01-01T00:07:00Z"), at("2026-02-01T00:00:00Z"));
    assert_eq!(
        buckets(from, to, &utc, None).unwrap(),
        [Bucket {
            start: from,
            end: to
        }]
    );
    assert_eq!(buckets(to, from, &utc, None), Err(BucketError::Empty));
    let decade = at("2036-01-01T00:00:00Z");
    assert_eq!(
        buckets(from, decade, &utc, Some(Granularity::QuarterHour)),
        Err(BucketError::TooMany)
    );
    assert_eq!(Granularity::parse("PT1H"), Ok(Granularity::Hour));
    assert!(Granularity::parse("PT2H").unwrap_err().contains("PT15M"));
}

const ZONES: [&str; 6] = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
];

proptest! {
    /// Buckets tile the interval: contiguous, in order, none empty, and none longer than
    /// the granularity allows.
    #[test]
    fn buckets_tile_the_interval(
        zone_index in 0..ZONES.len(),
        start in 1_600_000_000_000_i64..1_900_000_000_000,
        length in 1_i64..40 * 86_400_000,
        granularity in proptest::sample::select(Granularity::ALL.to_vec()),
    ) {
        let zone = zone(ZONES[zone_index]);
        let (from, to) = (Instant::clamped(start), Instant::clamped(start + length));
        let found = buckets(from, to, &zone, Some(granularity)).unwrap();
        prop_assert_eq!(found.first().unwrap().start, from);
        prop_assert_eq!(found.last().unwrap().end, to);
        let longest = match granularity.minutes() {
            Some(minutes) => minutes * 60_000,
            None => 32 * 86_400_000,
        };
        for pair in found.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start);
        }
        for bucket in &found {
            prop_assert!(bucket.start < bucket.end);
            prop_assert!(bucket.end.as_millis() - bucket.start.as_millis() <= longest);
        }
    }
}
