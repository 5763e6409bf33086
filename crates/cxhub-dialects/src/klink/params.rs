//! klink's request parameters, parsed into canonical values with errors naming them.

use cxhub_model::error::FieldError;
use cxhub_model::time::{Instant, Zone};

/// Rows per page when `pageSize` is absent or empty (klink's documented default).
pub const DEFAULT_PAGE_SIZE: usize = 10;
/// The largest `pageSize` cxhub accepts. klink documents none; 100 keeps one page's
/// nested objects cheap to build while a client walking a day of logs needs few pages.
pub const MAX_PAGE_SIZE: usize = 100;

/// A page by number, as klink's lists take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// 1-based.
    pub page: usize,
    pub page_size: usize,
}

impl Paging {
    pub fn offset(self) -> usize {
        (self.page - 1).saturating_mul(self.page_size)
    }

    /// `ceil(total / page_size)`: 0 when there is nothing (klink's seed: 247 / 3 → 83).
    pub fn last_page(self, total: u64) -> u64 {
        total.div_ceil(self.page_size as u64)
    }
}

/// Reads `page` and `pageSize`. An empty value (the docs' curl sends `&page&pageSize`)
/// means the default. klink documents no largest page size, so a larger one is served
/// as [`MAX_PAGE_SIZE`], which the envelope's `pageSize` then reports.
pub fn paging(page: Option<&str>, page_size: Option<&str>) -> Result<Paging, FieldError> {
    let page = match page.map(str::trim).filter(|it| !it.is_empty()) {
        None => 1,
        Some(text) => match text.parse::<usize>() {
            Ok(page) if (1..=10_000_000).contains(&page) => page,
            _ => {
                return Err(FieldError::new(
                    "page",
                    format!("`{text}` is not a page number (an integer from 1)"),
                ));
            }
        },
    };
    let page_size = match page_size.map(str::trim).filter(|it| !it.is_empty()) {
        None => DEFAULT_PAGE_SIZE,
        Some(text)
            if text.bytes().all(|it| it.is_ascii_digit()) && text.bytes().any(|it| it != b'0') =>
        {
            text.parse::<usize>()
                .map_or(MAX_PAGE_SIZE, |it| it.min(MAX_PAGE_SIZE))
        }
        Some(text) => {
            return Err(FieldError::new(
                "pageSize",
                format!("`{text}` is not a page size (an integer from 1)"),
            ));
        }
    };
    Ok(Paging { page, page_size })
}

/// Reads the `x-client-timezone` header, or falls back to the tenant's zone.
pub fn zone(header: Option<&str>, tenant_zone: &Zone) -> Result<Zone, FieldError> {
    match header.map(str::trim).filter(|it| !it.is_empty()) {
        None => Ok(tenant_zone.clone()),
        Some(name) => {
            Zone::parse(name).map_err(|reason| FieldError::new("x-client-timezone", reason))
        }
    }
}

/// Reads `selectedDate`, `YYYY/MM/DD HH:mm:ss-YYYY/MM/DD HH:mm:ss`, as wall-clock times in
/// `zone`. Both ends are inclusive to the second, so the range returned is
/// `[start, end + 1 s)`.
pub fn selected_date(text: &str, zone: &Zone) -> Result<(Instant, Instant), FieldError> {
    let invalid = |reason: String| FieldError::new("selectedDate", reason);
    let text = text.trim();
    let (start, end) = match text.len() == 39 && text.as_bytes()[19] == b'-' {
        true => (&text[..19], &text[20..]),
        false => text.split_once(" - ").ok_or_else(|| {
            invalid(format!(
                "`{text}` is not `YYYY/MM/DD HH:mm:ss-YYYY/MM/DD HH:mm:ss`"
            ))
        })?,
    };
    let read = |side: &str| -> Result<Instant, FieldError> {
        let local = jiff::civil::DateTime::strptime("%Y/%m/%d %H:%M:%S", side.trim())
            .map_err(|_| invalid(format!("`{side}` is not a date-time `YYYY/MM/DD HH:mm:ss`")))?;
        zone.instant_of(local).map_err(invalid)
    };
    let (from, to) = (read(start)?, read(end)?);
    if to < from {
        return Err(invalid("the end is before the start".to_owned()));
    }
    Ok((from, to.plus_secs(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn the_docs_example_reads_in_the_callers_zone() {
        let singapore = Zone::parse("Asia/Singapore").unwrap();
        let (from, to) =
            selected_date("2025/04/01 00:00:00-2025/04/25 23:59:00", &singapore).unwrap();
        assert_eq!(from, at("2025-03-31T16:00:00Z"));
        assert_eq!(to, at("2025-04-25T15:59:01Z"));
    }

    #[test]
    fn a_range_across_a_dst_change_keeps_wall_clock_meaning() {
        let new_york = Zone::parse("America/New_York").unwrap();
        // EST (UTC-5) before 2026-03-08 02:00, EDT (UTC-4) after.
        let (from, to) =
            selected_date("2026/03/07 00:00:00-2026/03/08 23:59:59", &new_york).unwrap();
        assert_eq!(from, at("2026-03-07T05:00:00Z"));
        assert_eq!(to, at("2026-03-09T04:00:00Z"));
        // 02:30 does not exist that day; it is read as 03:30 EDT.
        let (from, _) =
            selected_date("2026/03/08 02:30:00-2026/03/08 04:00:00", &new_york).unwrap();
        assert_eq!(from, at("2026-03-08T07:30:00Z"));
    }

    #[test]
    fn malformed_ranges_name_the_parameter() {
        let utc = Zone::utc();
        for bad in [
            "",
            "2025/04/01",
            "2025-04-01 00:00:00-2025-04-02 00:00:00",
            "2025/04/02 00:00:00-2025/04/01 00:00:00",
            "2025/13/01 00:00:00-2025/13/02 00:00:00",
        ] {
            assert_eq!(
                selected_date(bad, &utc).unwrap_err().field,
                "selectedDate",
                "{bad}"
            );
        }
        assert!(selected_date("2025/04/01 00:00:00 - 2025/04/02 00:00:00", &utc).is_ok());
    }

    #[test]
    fn empty_paging_values_mean_the_defaults() {
        assert_eq!(
            paging(Some(""), Some("")).unwrap(),
            Paging {
                page: 1,
                page_size: 10
            }
        );
        assert_eq!(paging(None, Some("3")).unwrap().page_size, 3);
        assert_eq!(paging(Some("0"), None).unwrap_err().field, "page");
        assert_eq!(paging(None, Some("101")).unwrap().page_size, MAX_PAGE_SIZE);
        assert_eq!(
            paging(None, Some("99999999999999999999999"))
                .unwrap()
                .page_size,
            MAX_PAGE_SIZE
        );
        assert_eq!(paging(None, Some("0")).unwrap_err().field, "pageSize");
        assert_eq!(paging(None, Some("-5")).unwrap_err().field, "pageSize");
        assert_eq!(
            Paging {
                page: 1,
                page_size: 3
            }
            .last_page(247),
            83
        );
        assert_eq!(
            Paging {
                page: 1,
                page_size: 10
            }
            .last_page(0),
            0
        );
        assert_eq!(
            Paging {
                page: 4,
                page_size: 10
            }
            .offset(),
            30
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,60}") {
            let _ = selected_date(&text, &Zone::utc());
            let _ = paging(Some(&text), Some(&text));
        }
    }
}
