//! klink's time formats.
//!
//! klink mixes formats by field: ISO 8601 with milliseconds and `Z` for `createdAt`,
//! PostgreSQL's text form for `startedDate` (`2026-03-30 08:30:00.000+00`) and
//! `closedAt` (`2026-03-30 09:15:20+00`). All are printed in UTC.

use cxhub_model::time::Instant;

/// `2026-03-30T08:30:05.123Z`.
pub fn iso(at: Instant) -> String {
    at.to_rfc3339()
}

/// `2026-03-30 08:30:00.000+00`: PostgreSQL text with three fraction digits.
pub fn pg_millis(at: Instant) -> String {
    let mut out = String::with_capacity(26);
    at.push_utc_millis(&mut out, b' ');
    out.push_str("+00");
    out
}

/// `2026-03-30 09:15:20+00`: PostgreSQL `timestamptz` text, with a fraction only when it
/// is not zero and without trailing zeros (`09:15:20.12+00`).
pub fn pg(at: Instant) -> String {
    let mut out = String::with_capacity(26);
    at.push_utc_trimmed(&mut out, b' ');
    out.push_str("+00");
    out
}

/// Reads any of klink's forms back: ISO 8601 or PostgreSQL text with a `+00`-style offset.
pub fn parse(text: &str) -> Option<Instant> {
    if let Ok(at) = Instant::parse_rfc3339(text) {
        return Some(at);
    }
    // PostgreSQL prints `+00`; RFC 3339 needs `+00:00` and a `T`.
    let (body, offset) = text
        .rsplit_once(['+', '-'])
        .filter(|(body, _)| body.len() >= 19)?;
    let sign = &text[body.len()..=body.len()];
    let offset = match offset.len() {
        2 => format!("{offset}:00"),
        _ => offset.to_owned(),
    };
    Instant::parse_rfc3339(&format!("{}{sign}{offset}", body.replacen(' ', "T", 1))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms_match_the_docs() {
        let at = Instant::parse_rfc3339("2026-03-30T08:30:00Z").unwrap();
        assert_eq!(pg_millis(at), "2026-03-30 08:30:00.000+00");
        assert_eq!(pg(at.plus_secs(2720)), "2026-03-30 09:15:20+00");
        assert_eq!(pg(at.plus_millis(120)), "2026-03-30 08:30:00.12+00");
        assert_eq!(iso(at.plus_millis(5123)), "2026-03-30T08:30:05.123Z");
    }

    proptest! {
        #[test]
        fn forms_match_jiffs_strftime(millis in 0i64..=253_402_300_799_999) {
            let at = Instant::from_millis(millis).unwrap();
            let utc = at.to_timestamp().to_zoned(jiff::tz::TimeZone::UTC);
            prop_assert_eq!(pg_millis(at), format!("{}+00", utc.strftime("%Y-%m-%d %H:%M:%S%.3f")));
            let base = utc.strftime("%Y-%m-%d %H:%M:%S").to_string();
            let expected = match millis % 1000 {
                0 => format!("{base}+00"),
                ms => format!("{base}.{}+00", format!("{ms:03}").trim_end_matches('0')),
            };
            prop_assert_eq!(pg(at), expected);
        }

        #[test]
        fn every_form_reads_back(millis in 0i64..=253_402_300_799_999) {
            let at = Instant::from_millis(millis).unwrap();
            prop_assert_eq!(parse(&iso(at)), Some(at));
            prop_assert_eq!(parse(&pg_millis(at)), Some(at));
            prop_assert_eq!(parse(&pg(at)), Some(at));
        }
    }
}
