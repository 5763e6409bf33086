//! The buckets of an interval in a time zone: quarter hours, half hours, hours, local
//! days, ISO weeks (from Monday) and months, or the whole interval as one bucket.
//!
//! Sub-day buckets are fixed lengths of absolute time aligned to the zone's clock, so
//! the day DST ends has 25 hourly buckets and the day it starts 23. Day, week and month
//! buckets run from local midnight to local midnight, so a DST day is 23 or 25 hours.

use cxhub_model::time::{Instant, Zone};
use jiff::ToSpan;
use jiff::civil::{Date, DateTime};

/// The most buckets one answer may hold.
pub const MAX_BUCKETS: usize = 20_000;

/// Rollups are kept in 15-minute UTC buckets; an edge on this grid can be read from them.
pub const ROLLUP_MILLIS: i64 = 15 * 60 * 1000;

/// How an interval is divided, by its ISO 8601 duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    QuarterHour,
    HalfHour,
    Hour,
    Day,
    Week,
    Month,
}

impl Granularity {
    pub const ALL: [Granularity; 6] = [
        Granularity::QuarterHour,
        Granularity::HalfHour,
        Granularity::Hour,
        Granularity::Day,
        Granularity::Week,
        Granularity::Month,
    ];

    pub fn parse(text: &str) -> Result<Granularity, String> {
        Granularity::ALL
            .into_iter()
            .find(|it| it.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Granularity::ALL.iter().map(|it| it.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::QuarterHour => "PT15M",
            Granularity::HalfHour => "PT30M",
            Granularity::Hour => "PT1H",
            Granularity::Day => "P1D",
            Granularity::Week => "P1W",
            Granularity::Month => "P1M",
        }
    }

    /// The length of a sub-day bucket in minutes; `None` for calendar buckets.
    fn minutes(self) -> Option<i64> {
        match self {
            Granularity::QuarterHour => Some(15),
            Granularity::HalfHour => Some(30),
            Granularity::Hour => Some(60),
            Granularity::Day | Granularity::Week | Granularity::Month => None,
        }
    }
}

/// One bucket, half-open: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub start: Instant,
    pub end: Instant,
}

impl Bucket {
    pub fn contains(&self, at: Instant) -> bool {
        self.start <= at && at < self.end
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketError {
    /// `to` is not after `from`.
    Empty,
    /// More than [`MAX_BUCKETS`] buckets.
    TooMany,
    /// An edge outside the times the zone can name.
    OutOfRange,
}

impl std::fmt::Display for BucketError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BucketError::Empty => write!(f, "`to` must be after `from`"),
            BucketError::TooMany => write!(
                f,
                "the interval holds more than {MAX_BUCKETS} buckets of this granularity"
            ),
            BucketError::OutOfRange => write!(f, "the interval is outside the supported range"),
        }
    }
}

/// The buckets that cover `[from, to)` in `zone`, the first starting at `from` and the
/// last ending at `to` (clipped where the granularity's edges fall outside them); one
/// bucket for the whole interval when `granularity` is `None`.
pub fn buckets(
    from: Instant,
    to: Instant,
    zone: &Zone,
    granularity: Option<Granularity>,
) -> Result<Vec<Bucket>, BucketError> {
    if to <= from {
        return Err(BucketError::Empty);
    }
    let Some(granularity) = granularity else {
        return Ok(vec![Bucket {
            start: from,
            end: to,
        }]);
    };
    let mut edge = first_edge(from, zone, granularity)?;
    let mut out = Vec::new();
    while edge < to {
        let next = next_edge(edge, zone, granularity)?;
        if out.len() == MAX_BUCKETS {
            return Err(BucketError::TooMany);
        }
        out.push(Bucket {
            start: edge.max(from),
            end: next.min(to),
        });
        edge = next;
    }
    Ok(out)
}

/// Whether every edge of these buckets lies on the rollups' 15-minute UTC grid.
pub fn on_rollup_grid(buckets: &[Bucket]) -> bool {
    buckets.iter().all(|it| {
        it.start.as_millis() % ROLLUP_MILLIS == 0 && it.end.as_millis() % ROLLUP_MILLIS == 0
    })
}

/// The edge at or before `at`.
fn first_edge(at: Instant, zone: &Zone, granularity: Granularity) -> Result<Instant, BucketError> {
    let local = zone.local_of(at);
    match granularity.minutes() {
        Some(minutes) => {
            let floored = floor_minutes(local, minutes)?;
            let edge = instant(zone, floored)?;
            // A floor that lands in a gap moves forward past `at`; step back one length.
            Ok(if edge > at {
                Instant::clamped(edge.as_millis() - minutes * 60_000)
            } else {
                edge
            })
        }
        None => {
            let date = local.date();
            let first = match granularity {
                Granularity::Week => date
                    .checked_sub(i64::from(date.weekday().to_monday_zero_offset()).days())
                    .map_err(|_| BucketError::OutOfRange)?,
                Granularity::Month => date.first_of_month(),
                _ => date,
            };
            midnight(zone, first)
        }
    }
}

/// The edge after `edge`.
fn next_edge(edge: Instant, zone: &Zone, granularity: Granularity) -> Result<Instant, BucketError> {
    match granularity.minutes() {
        Some(minutes) => {
            let next = Instant::clamped(edge.as_millis() + minutes * 60_000);
            // Where the zone's offset changed by less than the bucket length (a 30-minute
            // DST shift under hourly buckets), the next edge is the clock's next multiple.
            let local = zone.local_of(next);
            if i64::from(local.minute()) % minutes == 0 {
                return Ok(next);
            }
            let aligned = instant(zone, floor_minutes(local, minutes)?)?;
            Ok(if aligned > edge { aligned } else { next })
        }
        None => {
            let date = zone.local_of(edge).date();
            let span = match granularity {
                Granularity::Day => 1.day(),
                Granularity::Week => 1.week(),
                _ => 1.month(),
            };
            let next = date
                .checked_add(span)
                .map_err(|_| BucketError::OutOfRange)?;
            midnight(zone, next)
        }
    }
}

fn floor_minutes(local: DateTime, minutes: i64) -> Result<DateTime, BucketError> {
    let minute = i64::from(local.minute()) / minutes * minutes;
    local
        .with()
        .minute(i8::try_from(minute).map_err(|_| BucketError::OutOfRange)?)
        .second(0)
        .subsec_nanosecond(0)
        .build()
        .map_err(|_| BucketError::OutOfRange)
}

fn instant(zone: &Zone, local: DateTime) -> Result<Instant, BucketError> {
    zone.instant_of(local).map_err(|_| BucketError::OutOfRange)
}

/// The first instant of a local date (midnight, or the end of a gap that swallows it).
fn midnight(zone: &Zone, date: Date) -> Result<Instant, BucketError> {
    let zoned = date
        .to_zoned(zone.tz().clone())
        .and_then(|it| it.start_of_day())
        .map_err(|_| BucketError::OutOfRange)?;
    Ok(Instant::from_timestamp(zoned.timestamp()))
}

/// `at` as RFC 3339 with the zone's offset at that instant, to the second.
pub fn local_rfc3339(at: Instant, zone: &Zone) -> String {
    at.to_timestamp()
        .to_zoned(zone.tz().clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

#[cfg(test)]
mod tests;
