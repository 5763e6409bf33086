//! A queue's business hours as the `business_hours` column holds them: JSON text with the
//! zone, the weekly ranges in minutes (Monday first) and the holidays.

use cxhub_model::directory::BusinessHours;
use cxhub_model::time::Zone;
use serde_json::{Value, json};

use crate::StoreResult;
use crate::values::corrupt;

pub(crate) fn to_text(hours: &BusinessHours) -> String {
    let holidays: Vec<String> = hours.holidays.iter().map(ToString::to_string).collect();
    json!({
        "timezone": hours.zone.name(),
        "weekly": hours.weekly,
        "holidays": holidays,
    })
    .to_string()
}

pub(crate) fn from_text(text: &str) -> StoreResult<BusinessHours> {
    let bad = |what: &str| corrupt(format!("business hours {what}: {text}"));
    let value: Value = serde_json::from_str(text).map_err(|_| bad("not JSON"))?;
    let zone = value["timezone"]
        .as_str()
        .and_then(|it| Zone::parse(it).ok())
        .ok_or_else(|| bad("zone"))?;
    let weekly: [Vec<(u16, u16)>; 7] =
        serde_json::from_value(value["weekly"].clone()).map_err(|_| bad("ranges"))?;
    let holidays = value["holidays"]
        .as_array()
        .ok_or_else(|| bad("holidays"))?
        .iter()
        .map(|it| {
            it.as_str()
                .and_then(|it| it.parse().ok())
                .ok_or_else(|| bad("holiday"))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(BusinessHours {
        zone,
        weekly,
        holidays,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_back_as_written() {
        let hours = BusinessHours {
            zone: Zone::parse("Europe/Paris").unwrap(),
            weekly: [
                vec![(540, 1020)],
                vec![(0, 1440)],
                Vec::new(),
                vec![(480, 720), (780, 1080)],
                Vec::new(),
                Vec::new(),
                vec![(600, 615)],
            ],
            holidays: vec![jiff::civil::date(2026, 12, 25)],
        };
        assert_eq!(from_text(&to_text(&hours)).unwrap(), hours);
        assert!(from_text("{}").is_err());
    }
}
