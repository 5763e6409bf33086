//! Agent time: presence intervals split at the 15-minute UTC edges the rollups keep, and
//! the per-agent totals of `/v1/analytics/agents` (time in each status and reason,
//! staffed time, handled work and occupancy).

use std::collections::BTreeMap;

use crate::buckets::ROLLUP_MILLIS;
use crate::dictionary::MetricValue;

/// The parts of `[start, end)` in each 15-minute UTC bucket: (bucket start, milliseconds
/// in it), in order. Empty when `end <= start`.
pub fn split(start: i64, end: i64) -> impl Iterator<Item = (i64, i64)> {
    let first = start - start.rem_euclid(ROLLUP_MILLIS);
    let count = if end > start {
        (end - 1 - first).div_euclid(ROLLUP_MILLIS) + 1
    } else {
        0
    };
    (0..count).map(move |step| {
        let bucket = first + step * ROLLUP_MILLIS;
        let part = end.min(bucket + ROLLUP_MILLIS) - start.max(bucket);
        (bucket, part)
    })
}

/// The milliseconds of `[start, end)` that fall in `[from, to)`.
pub fn overlap(start: i64, end: i64, from: i64, to: i64) -> i64 {
    (end.min(to) - start.max(from)).max(0)
}

/// One agent's totals over a bucket: presence time (milliseconds) by status and by status
/// and reason, and the calls and conversations they handled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentTotals {
    pub status_millis: BTreeMap<String, i64>,
    /// Time by status and reason, for intervals that gave a reason.
    pub reason_millis: BTreeMap<String, BTreeMap<String, i64>>,
    /// Time in the statuses the tenant's catalogue marks productive.
    pub staffed_millis: i64,
    /// Answered inbound calls and handled inbound conversations.
    pub handled: u64,
    /// Talk and wrap-up seconds of the answered inbound calls.
    pub handle_secs: u64,
}

impl AgentTotals {
    /// Adds `millis` in `status` (with its reason, if any).
    pub fn add_time(&mut self, status: &str, reason: Option<&str>, millis: i64, productive: bool) {
        if millis == 0 {
            return;
        }
        *self.status_millis.entry(status.to_owned()).or_default() += millis;
        if let Some(reason) = reason.filter(|it| !it.is_empty()) {
            *self
                .reason_millis
                .entry(status.to_owned())
                .or_default()
                .entry(reason.to_owned())
                .or_default() += millis;
        }
        if productive {
            self.staffed_millis += millis;
        }
    }

    pub fn add(&mut self, other: &AgentTotals) {
        for (status, millis) in &other.status_millis {
            *self.status_millis.entry(status.clone()).or_default() += millis;
        }
        for (status, reasons) in &other.reason_millis {
            let mine = self.reason_millis.entry(status.clone()).or_default();
            for (reason, millis) in reasons {
                *mine.entry(reason.clone()).or_default() += millis;
            }
        }
        self.staffed_millis += other.staffed_millis;
        self.handled += other.handled;
        self.handle_secs += other.handle_secs;
    }

    /// `staffed_secs`, `handled`, `handle_secs` and `occupancy_pct`, in the dictionary's
    /// order (`status_secs` and `reason_secs` are maps, given beside these).
    pub fn metrics(&self) -> Vec<(&'static str, MetricValue)> {
        let staffed = secs(self.staffed_millis);
        let occupancy = (self.staffed_millis > 0)
            .then(|| (100.0 * self.handle_secs as f64 / staffed).min(100.0));
        vec![
            ("staffed_secs", MetricValue::Ratio(Some(staffed))),
            ("handled", MetricValue::Count(self.handled)),
            ("handle_secs", MetricValue::Count(self.handle_secs)),
            ("occupancy_pct", MetricValue::Ratio(occupancy)),
        ]
    }
}

/// Milliseconds as seconds, exact to the millisecond.
pub fn secs(millis: i64) -> f64 {
    millis as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const Q: i64 = ROLLUP_MILLIS;

    #[test]
    fn an_interval_is_split_at_quarter_hours() {
        let parts: Vec<_> = split(Q - 1000, 2 * Q + 5).collect();
        assert_eq!(parts, vec![(0, 1000), (Q, Q), (2 * Q, 5)]);
        assert_eq!(split(Q, 2 * Q).collect::<Vec<_>>(), vec![(Q, Q)]);
        assert_eq!(split(5, 5).count(), 0);
        assert_eq!(split(9, 5).count(), 0);
    }

    #[test]
    fn occupancy_is_handle_time_over_staffed_time_capped_at_100() {
        let mut it = AgentTotals::default();
        it.add_time("available", None, 3_600_000, true);
        it.add_time("break", Some("lunch"), 1_800_000, false);
        it.handle_secs = 900;
        let metrics = it.metrics();
        assert_eq!(metrics[0].1, MetricValue::Ratio(Some(3600.0)));
        assert_eq!(metrics[3].1, MetricValue::Ratio(Some(25.0)));
        assert_eq!(it.reason_millis["break"]["lunch"], 1_800_000);
        it.handle_secs = 7200;
        assert_eq!(it.metrics()[3].1, MetricValue::Ratio(Some(100.0)));
        assert_eq!(
            AgentTotals::default().metrics()[3].1,
            MetricValue::Ratio(None)
        );
    }

    proptest! {
        #[test]
        fn the_parts_add_up_to_the_interval(start in -10 * Q..10 * Q, len in 0i64..20 * Q) {
            let parts: Vec<_> = split(start, start + len).collect();
            prop_assert_eq!(parts.iter().map(|it| it.1).sum::<i64>(), len);
            for (bucket, part) in &parts {
                prop_assert_eq!(bucket.rem_euclid(Q), 0);
                prop_assert!(*part > 0 && *part <= Q);
                prop_assert_eq!(*part, overlap(start, start + len, *bucket, bucket + Q));
            }
        }

        #[test]
        fn totals_add_like_their_parts(a in 0i64..1_000_000, b in 0i64..1_000_000) {
            let mut one = AgentTotals::default();
            one.add_time("busy", Some("x"), a, true);
            let mut two = AgentTotals::default();
            two.add_time("busy", Some("x"), b, true);
            let mut both = AgentTotals::default();
            both.add_time("busy", Some("x"), a, true);
            both.add_time("busy", Some("x"), b, true);
            one.add(&two);
            prop_assert_eq!(one, both);
        }
    }
}
