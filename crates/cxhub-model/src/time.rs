//! Instants and time zones.
//!
//! cxhub stores every instant as UTC at millisecond precision ([`Instant`]); request
//! parameters are read in a caller's IANA zone ([`Zone`]) and answered in each
//! dialect's own format.

use std::fmt;
use std::str::FromStr;

/// A UTC instant at millisecond precision.
///
/// Milliseconds are what the sources carry (PBX CDRs, vendor APIs) and what the
/// dialects print, so finer precision would be invented and coarser would be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(i64);

impl Instant {
    /// The earliest instant cxhub accepts: 1970-01-01T00:00:00Z.
    pub const MIN: Instant = Instant(0);
    /// The latest instant cxhub accepts: 9999-12-31T23:59:59.999Z.
    pub const MAX: Instant = Instant(253_402_300_799_999);

    /// Milliseconds since the Unix epoch; `None` outside [`Instant::MIN`]..=[`Instant::MAX`].
    pub fn from_millis(millis: i64) -> Option<Instant> {
        (Instant::MIN.0..=Instant::MAX.0)
            .contains(&millis)
            .then_some(Instant(millis))
    }

    pub fn from_secs(secs: i64) -> Option<Instant> {
        secs.checked_mul(1000).and_then(Instant::from_millis)
    }

    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds from `earlier` to `self`, rounded down; negative if `self` is earlier.
    pub fn secs_since(self, earlier: Instant) -> i64 {
        (self.0 - earlier.0).div_euclid(1000)
    }

    /// The instant `secs` seconds later (or earlier when negative), clamped to the range.
    pub fn plus_secs(self, secs: i64) -> Instant {
        self.plus_millis(secs.saturating_mul(1000))
    }

    pub fn plus_millis(self, millis: i64) -> Instant {
        Instant(
            self.0
                .saturating_add(millis)
                .clamp(Instant::MIN.0, Instant::MAX.0),
        )
    }

    pub fn now() -> Instant {
        Instant::from_timestamp(jiff::Timestamp::now())
    }

    /// Truncates a jiff timestamp to milliseconds, clamped to the accepted range.
    pub fn from_timestamp(ts: jiff::Timestamp) -> Instant {
        Instant(ts.as_millisecond().clamp(Instant::MIN.0, Instant::MAX.0))
    }

    pub fn to_timestamp(self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.0).expect("instant range is within jiff's range")
    }

    /// Parses RFC 3339 (`2026-11-20T09:00:00Z`, `2021-03-10T17:07:19+07:00`); sub-millisecond
    /// digits are truncated. An offset is required: a bare local time names no instant.
    pub fn parse_rfc3339(text: &str) -> Result<Instant, String> {
        let ts = jiff::Timestamp::from_str(text)
            .map_err(|_| format!("`{text}` is not an RFC 3339 date-time with an offset"))?;
        let millis = ts.as_millisecond();
        Instant::from_millis(millis).ok_or_else(|| format!("`{text}` is outside 1970..=9999"))
    }

    /// RFC 3339 in UTC with exactly three fraction digits: `2026-03-30T08:30:05.123Z`.
    pub fn to_rfc3339(self) -> String {
        format!("{:.3}", self.to_timestamp())
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}", self.to_timestamp())
    }
}

/// An IANA time zone, validated against the bundled tz database.
#[derive(Clone, PartialEq, Eq)]
pub struct Zone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    /// Reads an IANA name such as `Asia/Singapore` or `UTC`.
    pub fn parse(name: &str) -> Result<Zone, String> {
        let tz = jiff::tz::TimeZone::get(name)
            .map_err(|_| format!("`{name}` is not a known IANA time zone"))?;
        Ok(Zone {
            name: name.to_owned(),
            tz,
        })
    }

    pub fn utc() -> Zone {
        Zone {
            name: "UTC".to_owned(),
            tz: jiff::tz::TimeZone::UTC,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn tz(&self) -> &jiff::tz::TimeZone {
        &self.tz
    }

    /// The instant that a wall-clock time names in this zone. In a DST gap the time is
    /// moved forward by the gap; in a fold the earlier instant is taken (jiff's
    /// "compatible" rule, the one RFC 5545 and Temporal use).
    pub fn instant_of(&self, local: jiff::civil::DateTime) -> Result<Instant, String> {
        let zoned = local
            .to_zoned(self.tz.clone())
            .map_err(|err| format!("`{local}` has no instant in {}: {err}", self.name))?;
        Ok(Instant::from_timestamp(zoned.timestamp()))
    }

    /// The wall-clock time of an instant in this zone.
    pub fn local_of(&self, instant: Instant) -> jiff::civil::DateTime {
        self.tz.to_datetime(instant.to_timestamp())
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc3339_round_trips_at_millisecond_precision() {
        let at = Instant::parse_rfc3339("2026-03-30T08:30:05.123456Z").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-03-30T08:30:05.123Z");
        let at = Instant::parse_rfc3339("2021-03-10T17:07:19+07:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2021-03-10T10:07:19.000Z");
    }

    #[test]
    fn rfc3339_without_offset_is_refused() {
        assert!(Instant::parse_rfc3339("2026-03-30T08:30:05").is_err());
        assert!(Instant::parse_rfc3339("yesterday").is_err());
        assert!(Instant::parse_rfc3339("1969-12-31T23:59:59Z").is_err());
    }

    #[test]
    fn zones_resolve_dst_gaps_forward() {
        let zone = Zone::parse("America/New_York").unwrap();
        // 2026-03-08 02:30 does not exist in New York; it is read as 03:30 EDT = 07:30Z.
        let at = zone
            .instant_of(jiff::civil::date(2026, 3, 8).at(2, 30, 0, 0))
            .unwrap();
        assert_eq!(at.to_rfc3339(), "2026-03-08T07:30:00.000Z");
        assert!(Zone::parse("Mars/Olympus").is_err());
    }

    proptest! {
        #[test]
        fn any_instant_prints_and_parses_back(millis in 0i64..=Instant::MAX.as_millis()) {
            let at = Instant::from_millis(millis).unwrap();
            prop_assert_eq!(Instant::parse_rfc3339(&at.to_rfc3339()), Ok(at));
        }

        #[test]
        fn parser_never_panics(text in "\\PC{0,40}") {
            let _ = Instant::parse_rfc3339(&text);
        }
    }
}
