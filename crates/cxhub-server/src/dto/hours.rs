//! A queue's business hours on the wire: its zone, open ranges per weekday as `HH:MM`
//! pairs, and holidays as local dates.

use cxhub_model::directory::BusinessHours;
use cxhub_model::error::FieldError;
use cxhub_model::time::Zone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When a queue is open, in its own zone. Calls that start outside are counted by
/// `hours=outside` in the reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BusinessHoursBody {
    /// IANA zone of the ranges and holidays.
    pub timezone: String,
    /// Open ranges per weekday; a day left out or empty is closed.
    pub weekly: WeeklyBody,
    /// Local dates (`YYYY-MM-DD`) the queue is closed all day.
    #[schema(value_type = Vec<String>, format = Date)]
    pub holidays: Vec<String>,
}

/// Open ranges of each weekday.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WeeklyBody {
    pub mon: Vec<RangeBody>,
    pub tue: Vec<RangeBody>,
    pub wed: Vec<RangeBody>,
    pub thu: Vec<RangeBody>,
    pub fri: Vec<RangeBody>,
    pub sat: Vec<RangeBody>,
    pub sun: Vec<RangeBody>,
}

/// One open range, `[from, to)` in local time.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RangeBody {
    /// `HH:MM`, from `00:00`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub from: String,
    /// `HH:MM`, up to `24:00`.
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub to: String,
}

impl BusinessHoursBody {
    pub fn into_model(self) -> Result<BusinessHours, FieldError> {
        let field = |name: &str| format!("business_hours.{name}");
        let zone = Zone::parse(&self.timezone)
            .map_err(|reason| FieldError::new(field("timezone"), reason))?;
        let mut weekly: [Vec<(u16, u16)>; 7] = Default::default();
        for ((day, ranges), out) in BusinessHours::DAYS
            .iter()
            .zip(self.weekly.days())
            .zip(weekly.iter_mut())
        {
            for (n, range) in ranges.iter().enumerate() {
                let at = |end: &str| field(&format!("weekly.{day}[{n}].{end}"));
                let from = minutes(&range.from, false).ok_or_else(|| {
                    FieldError::new(at("from"), "must be a time HH:MM from 00:00 to 23:59")
                })?;
                let to = minutes(&range.to, true).ok_or_else(|| {
                    FieldError::new(at("to"), "must be a time HH:MM from 00:01 to 24:00")
                })?;
                out.push((from, to));
            }
        }
        let holidays = self
            .holidays
            .iter()
            .enumerate()
            .map(|(n, it)| {
                it.parse::<jiff::civil::Date>().map_err(|_| {
                    FieldError::new(
                        field(&format!("holidays[{n}]")),
                        "must be a date YYYY-MM-DD",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let hours = BusinessHours {
            zone,
            weekly,
            holidays,
        };
        hours.check()?;
        Ok(hours)
    }

    pub fn from_model(hours: &BusinessHours) -> BusinessHoursBody {
        let ranges = |day: usize| {
            hours.weekly[day]
                .iter()
                .map(|(from, to)| RangeBody {
                    from: clock(*from),
                    to: clock(*to),
                })
                .collect()
        };
        BusinessHoursBody {
            timezone: hours.zone.name().to_owned(),
            weekly: WeeklyBody {
                mon: ranges(0),
                tue: ranges(1),
                wed: ranges(2),
                thu: ranges(3),
                fri: ranges(4),
                sat: ranges(5),
                sun: ranges(6),
            },
            holidays: hours.holidays.iter().map(ToString::to_string).collect(),
        }
    }
}

impl WeeklyBody {
    fn days(&self) -> [&Vec<RangeBody>; 7] {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
    }
}

/// `HH:MM` as minutes since midnight; `24:00` only as an end.
fn minutes(text: &str, end: bool) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    let digits = |it: &str| it.len() == 2 && it.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || !digits(minutes) {
        return None;
    }
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = hours * 60 + minutes;
    let fits = minutes < 60 && (total < 1440 || (end && total == 1440));
    fits.then_some(total)
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn times_are_read_as_the_pattern_says() {
        assert_eq!(minutes("09:30", false), Some(570));
        assert_eq!(minutes("24:00", true), Some(1440));
        assert_eq!(minutes("24:00", false), None);
        for bad in ["9:30", "09:60", "25:00", "0930", "09:3a", "+9:30", "24:01"] {
            assert_eq!(minutes(bad, true), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_minute_of_the_day_reads_back(total in 0u16..1440) {
            prop_assert_eq!(minutes(&clock(total), false), Some(total));
        }

        #[test]
        fn the_parse_never_panics(text in ".{0,8}") {
            let _ = minutes(&text, true);
        }
    }
}
