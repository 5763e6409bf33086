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
        let millis = Instant::parse_rfc3339_saturating(text)?;
        Instant::from_millis(millis).ok_or_else(|| format!("`{text}` is outside 1970..=9999"))
    }

    /// Like [`Instant::parse_rfc3339`], but gives milliseconds even before 1970 or after
    /// 9999: a filter's bound there means the nearest instant cxhub holds
    /// ([`Instant::clamped`]), since no record lies outside.
    pub fn parse_rfc3339_saturating(text: &str) -> Result<i64, String> {
        let year_digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if year_digits > 4 || text.starts_with(['+', '-']) {
            return Err(format!("`{text}` has a year outside 1970..=9999"));
        }
        // RFC 3339's offset hour is 00 to 23; jiff takes up to 25.
        let offset_hour = text
            .len()
            .checked_sub(6)
            .and_then(|at| text.get(at..))
            .filter(|it| it.starts_with(['+', '-']) && it.as_bytes()[3] == b':')
            .and_then(|it| it[1..3].parse::<u8>().ok());
        if offset_hour.is_some_and(|hour| hour > 23) {
            return Err(format!("`{text}` has an offset outside -23:59..=+23:59"));
        }
        let ts = jiff::Timestamp::from_str(text)
            .map_err(|_| format!("`{text}` is not an RFC 3339 date-time with an offset"))?;
        Ok(ts.as_millisecond())
    }

    /// The instant nearest to `millis` that cxhub holds.
    pub fn clamped(millis: i64) -> Instant {
        Instant(millis.clamp(Instant::MIN.0, Instant::MAX.0))
    }

    /// RFC 3339 in UTC with exactly three fraction digits: `2026-03-30T08:30:05.123Z`.
    pub fn to_rfc3339(self) -> String {
        let mut out = String::with_capacity(24);
        self.push_utc_millis(&mut out, b'T');
        out.push('Z');
        out
    }

    /// Appends `2026-03-30T08:30:05.123`: [`Instant::push_utc_date_time`] and the three
    /// digits of milliseconds.
    pub fn push_utc_millis(self, out: &mut String, separator: u8) {
        self.push_utc_date_time(out, separator);
        out.push('.');
        push_padded(out, self.millis_of_second(), 3);
    }

    /// Appends `2026-03-30T08:30:05.12`: [`Instant::push_utc_date_time`] and a fraction
    /// only when it is not zero, without trailing zeros (PostgreSQL's and Go's form).
    pub fn push_utc_trimmed(self, out: &mut String, separator: u8) {
        self.push_utc_date_time(out, separator);
        let mut millis = self.millis_of_second();
        if millis != 0 {
            let mut digits = 3;
            while millis.is_multiple_of(10) {
                millis /= 10;
                digits -= 1;
            }
            out.push('.');
            push_padded(out, millis, digits);
        }
    }

    /// Appends `2026-03-30T08:30:05` (UTC, `separator` between the date and the time):
    /// the fixed-width part that the dialects' formats share. Written digit by digit,
    /// since a page of records formats hundreds of instants and `format!` was a tenth
    /// of a page's server time. `separator` must be ASCII.
    pub fn push_utc_date_time(self, out: &mut String, separator: u8) {
        let civil = jiff::tz::Offset::UTC.to_datetime(self.to_timestamp());
        let mut text = *b"0000-00-00T00:00:00";
        // Within 1970..=9999 (Instant's range), every field is non-negative.
        let field = |value: i16| u32::try_from(value).unwrap_or(0);
        put_digits(&mut text[0..4], field(civil.year()));
        put_digits(&mut text[5..7], field(civil.month().into()));
        put_digits(&mut text[8..10], field(civil.day().into()));
        put_digits(&mut text[11..13], field(civil.hour().into()));
        put_digits(&mut text[14..16], field(civil.minute().into()));
        put_digits(&mut text[17..19], field(civil.second().into()));
        if separator.is_ascii() {
            text[10] = separator;
        }
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }

    /// The milliseconds within the second, 0..=999.
    pub fn millis_of_second(self) -> u32 {
        // Instants are never negative, so this is the remainder and fits.
        u32::try_from(self.0.rem_euclid(1000)).unwrap_or(0)
    }
}

/// Appends `value` in decimal, zero-padded on the left to `width` digits (at most 10).
pub fn push_padded(out: &mut String, value: u32, width: usize) {
    let len = value.checked_ilog10().unwrap_or(0) as usize + 1;
    let mut digits = [b'0'; 10];
    let used = len.max(width.min(digits.len()));
    put_digits(&mut digits[..used], value);
    out.push_str(std::str::from_utf8(&digits[..used]).unwrap_or_default());
}

/// Writes the low `slot.len()` decimal digits of `value` into `slot`, zero-padded.
fn put_digits(slot: &mut [u8], mut value: u32) {
    for byte in slot.iter_mut().rev() {
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
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
    fn rfc3339_offsets_and_years_keep_to_the_rfc() {
        assert_eq!(
            Instant::parse_rfc3339("2026-11-20T09:00:00+23:59"),
            Instant::parse_rfc3339("2026-11-19T09:01:00Z")
        );
        let too_far = Instant::parse_rfc3339("2026-11-20T09:00:00+24:00").unwrap_err();
        assert!(too_far.contains("offset"), "{too_far}");
        let year = Instant::parse_rfc3339("10000-01-01T00:00:00Z").unwrap_err();
        assert!(year.contains("year outside 1970..=9999"), "{year}");
        assert!(Instant::parse_rfc3339("+002026-01-01T00:00:00Z").is_err());
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
        fn the_digit_writer_prints_what_jiff_prints(millis in 0i64..=Instant::MAX.as_millis()) {
            let at = Instant::from_millis(millis).unwrap();
            prop_assert_eq!(at.to_rfc3339(), format!("{:.3}", at.to_timestamp()));
        }

        #[test]
        fn padded_digits_keep_every_digit(value in any::<u32>(), width in 0usize..=10) {
            let mut out = String::new();
            push_padded(&mut out, value, width);
            prop_assert_eq!(out, format!("{value:0width$}"));
        }

        #[test]
        fn parser_never_panics(text in "\\PC{0,40}") {
            let _ = Instant::parse_rfc3339(&text);
        }
    }
}
