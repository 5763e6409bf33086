//! Business hours: whether a queue is open at an instant, by its weekly schedule and
//! holidays in its own zone, and which calls a report keeps for `hours=`.

use cxhub_model::directory::BusinessHours;
use cxhub_model::time::Instant;

use crate::buckets::ROLLUP_MILLIS;

/// Which calls a report counts, by their queue's business hours at `started_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Hours {
    #[default]
    All,
    /// Calls that started while their queue was open (a queue without a schedule, or a
    /// call without a queue, is always open).
    Business,
    /// The others.
    Outside,
}

impl Hours {
    pub const ALL: [Hours; 3] = [Hours::All, Hours::Business, Hours::Outside];

    pub fn parse(text: &str) -> Option<Hours> {
        Hours::ALL.into_iter().find(|it| it.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Hours::All => "all",
            Hours::Business => "business",
            Hours::Outside => "outside",
        }
    }

    /// Whether a call is kept, given whether its queue was open when it started.
    pub fn keeps(self, open: bool) -> bool {
        match self {
            Hours::All => true,
            Hours::Business => open,
            Hours::Outside => !open,
        }
    }
}

/// Whether the queue is open at `at`: not on a holiday, and in one of the day's ranges.
pub fn is_open(hours: &BusinessHours, at: Instant) -> bool {
    let local = hours.zone.local_of(at);
    if hours.holidays.contains(&local.date()) {
        return false;
    }
    let day = usize::from(local.date().weekday().to_monday_zero_offset() as u8);
    let secs =
        i32::from(local.hour()) * 3600 + i32::from(local.minute()) * 60 + i32::from(local.second());
    hours.weekly[day]
        .iter()
        .any(|(from, to)| i32::from(*from) * 60 <= secs && secs < i32::from(*to) * 60)
}

/// Whether the schedule is the same all through the 15-minute UTC bucket that starts at
/// `bucket`: its edges are whole quarter hours and so is the zone's offset there. Then
/// [`is_open`] at the bucket's start holds for all of it, and a rollup row can be kept
/// or left whole.
pub fn constant_over_bucket(hours: &BusinessHours, bucket: i64) -> bool {
    let quarter = |minutes: u16| minutes.is_multiple_of(15);
    let edges = hours
        .weekly
        .iter()
        .flatten()
        .all(|(from, to)| quarter(*from) && quarter(*to));
    let offset = |at: i64| {
        let instant = Instant::clamped(at);
        let seconds = hours.zone.tz().to_offset(instant.to_timestamp()).seconds();
        i64::from(seconds).rem_euclid(ROLLUP_MILLIS / 1000) == 0
    };
    // A change of offset inside the bucket would move its local edges: both ends agree.
    edges && offset(bucket) && offset(bucket + ROLLUP_MILLIS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxhub_model::time::Zone;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn nine_to_five() -> BusinessHours {
        let weekday = vec![(9 * 60, 17 * 60)];
        BusinessHours {
            zone: Zone::parse("America/New_York").unwrap(),
            weekly: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                vec![(9 * 60, 12 * 60), (13 * 60, 17 * 60)],
                Vec::new(),
                Vec::new(),
            ],
            holidays: vec![date(2026, 11, 26)],
        }
    }

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn open_in_the_queue_s_zone_on_working_days_only() {
        let hours = nine_to_five();
        // Monday 2 November 2026, the first day of EST.
        assert!(!is_open(&hours, at("2026-11-02T13:59:59Z")));
        assert!(is_open(&hours, at("2026-11-02T14:00:00Z")));
        assert!(is_open(&hours, at("2026-11-02T21:59:59Z")));
        assert!(!is_open(&hours, at("2026-11-02T22:00:00Z")));
        // Friday's lunch, the weekend, Thanksgiving.
        assert!(!is_open(&hours, at("2026-11-06T17:30:00Z")));
        assert!(!is_open(&hours, at("2026-11-07T15:00:00Z")));
        assert!(!is_open(&hours, at("2026-11-26T15:00:00Z")));
        // In EDT, 9:00 is 13:00 UTC.
        assert!(is_open(&hours, at("2026-10-26T13:00:00Z")));
        assert!(Hours::Business.keeps(true) && Hours::Outside.keeps(false));
        assert!(Hours::All.keeps(false) && !Hours::Business.keeps(false));
        assert_eq!(Hours::parse("outside"), Some(Hours::Outside));
        assert_eq!(Hours::parse("night"), None);
    }

    #[test]
    fn off_grid_edges_or_offsets_cannot_be_read_from_rollups() {
        let mut hours = nine_to_five();
        assert!(constant_over_bucket(
            &hours,
            at("2026-11-02T14:00:00Z").as_millis()
        ));
        hours.weekly[0] = vec![(9 * 60 + 10, 17 * 60)];
        assert!(!constant_over_bucket(
            &hours,
            at("2026-11-02T14:00:00Z").as_millis()
        ));
        let mut kathmandu = nine_to_five();
        kathmandu.zone = Zone::parse("Asia/Kathmandu").unwrap();
        assert!(constant_over_bucket(
            &kathmandu,
            1_790_000_100_000 / 900_000 * 900_000
        ));
        let mut monrovia = nine_to_five();
        // Liberia kept -0:44:30 until 1972.
        monrovia.zone = Zone::parse("Africa/Monrovia").unwrap();
        assert!(!constant_over_bucket(&monrovia, 0));
    }

    proptest! {
        /// On a whole-quarter-hour schedule, a bucket is open all through or not at all.
        #[test]
        fn a_constant_bucket_is_open_or_closed_throughout(
            quarter in 1_700_000_000_000i64 / 900_000..1_800_000_000_000 / 900_000,
            step in 0i64..900,
        ) {
            let hours = nine_to_five();
            let bucket = quarter * 900_000;
            prop_assume!(constant_over_bucket(&hours, bucket));
            let inside = Instant::clamped(bucket + step * 1000);
            prop_assert_eq!(
                is_open(&hours, Instant::clamped(bucket)),
                is_open(&hours, inside)
            );
        }
    }
}
