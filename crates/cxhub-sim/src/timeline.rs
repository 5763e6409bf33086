//! The simulated day in the tenant's zone, and when contacts arrive in it.
//!
//! Arrivals are a non-homogeneous Poisson process: each local minute gets an expected
//! count from an hourly profile (interpolated between hour midpoints so the rate has no
//! steps), a Poisson draw decides how many arrive, and each lands uniformly inside its
//! minute. Local minutes become instants through the zone, so DST days are handled by
//! [`cxhub_model::time::Zone::instant_of`].

use cxhub_model::time::{Instant, Zone};
use jiff::civil::{Date, Weekday};

use crate::SimConfig;
use crate::random::{self, SimRng};

const MINUTES_PER_DAY: usize = 24 * 60;

/// Relative arrival weights for each local hour, 00:00 to 23:00.
pub(crate) type Profile = [f64; 24];

/// Weekday calls: near zero at night, a ramp from 08:00, peaks at 10-11 and 14-15.
pub(crate) const VOICE_WEEKDAY: Profile = [
    0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 1.0, 3.0, 6.5, 9.0, 10.5, 10.0, 7.0, 7.5, 9.5, 9.3, 8.0, 6.0,
    4.0, 2.8, 1.8, 1.0, 0.6, 0.4,
];
/// Weekend calls start later and are flatter.
pub(crate) const VOICE_WEEKEND: Profile = [
    0.4, 0.3, 0.2, 0.2, 0.2, 0.4, 0.8, 2.0, 4.5, 7.0, 8.5, 9.0, 8.5, 8.0, 8.5, 8.5, 7.5, 6.0, 4.5,
    3.2, 2.2, 1.4, 0.8, 0.5,
];
/// Agents dial out in office hours, away from the lunch dip.
pub(crate) const OUTBOUND: Profile = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 3.0, 8.0, 8.0, 7.0, 3.5, 6.0, 8.0, 8.5, 8.0, 6.0, 3.0,
    1.0, 0.3, 0.0, 0.0, 0.0,
];
/// Chats lean later into the evening than calls.
pub(crate) const CHAT: Profile = [
    0.4, 0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 2.2, 5.0, 7.5, 9.0, 9.0, 7.5, 8.0, 9.0, 9.0, 8.2, 7.0,
    5.5, 4.5, 3.8, 2.8, 1.6, 0.9,
];
/// Social messages keep coming in the evening.
pub(crate) const SOCIAL: Profile = [
    1.2, 0.8, 0.5, 0.4, 0.4, 0.6, 1.2, 2.5, 4.5, 6.0, 7.0, 7.2, 7.0, 7.2, 7.5, 7.5, 7.5, 7.2, 7.0,
    7.0, 6.5, 5.5, 4.0, 2.5,
];
/// Email trickles in at night too.
pub(crate) const EMAIL: Profile = [
    1.0, 0.8, 0.6, 0.5, 0.5, 0.7, 1.5, 3.5, 6.5, 8.0, 8.0, 7.5, 6.5, 6.8, 7.2, 7.0, 6.5, 5.5, 4.5,
    3.8, 3.2, 2.6, 2.0, 1.4,
];

/// One simulated day: its local date and where it lies in time.
#[derive(Debug, Clone)]
pub(crate) struct DayClock {
    pub date: Date,
    /// Local midnight starting the day.
    pub start: Instant,
    /// Local midnight ending the day; records still open then are reported open.
    pub end: Instant,
    /// Local midnight after the run's last day, the "now" that ticket ages count to.
    pub run_end: Instant,
    pub weekend: bool,
    /// The day's volume relative to an average weekday.
    pub volume_scale: f64,
    /// The instant of each local minute, 00:00 to 24:00 inclusive.
    minutes: Vec<Instant>,
}

impl DayClock {
    pub(crate) fn new(config: &SimConfig, day_index: u32) -> DayClock {
        let date = add_days(config.start, i64::from(day_index));
        let zone = config.zone.clone();
        let next = add_days(date, 1);
        let midnight = |day: Date| local_instant(&zone, day, 0);
        let minutes: Vec<Instant> = (0..MINUTES_PER_DAY)
            .map(|minute| local_instant(&zone, date, minute as i64 * 60))
            .chain(std::iter::once(midnight(next)))
            .collect();
        let run_end = midnight(add_days(config.start, i64::from(config.days.max(1))));
        let weekday = date.weekday();
        DayClock {
            date,
            start: minutes[0],
            end: minutes[MINUTES_PER_DAY],
            run_end: run_end.max(minutes[MINUTES_PER_DAY]),
            weekend: matches!(weekday, Weekday::Saturday | Weekday::Sunday),
            volume_scale: weekday_scale(weekday),
            minutes,
        }
    }

    /// The instant of a local wall time given in (fractional) minutes after midnight.
    /// Times past 24:00 run on from the next midnight.
    pub(crate) fn at_minute(&self, minute: f64) -> Instant {
        let minute = minute.max(0.0);
        let whole = minute.floor() as usize;
        let offset = random::millis((minute - minute.floor()) * 60.0);
        match self.minutes.get(whole) {
            Some(&base) if whole < MINUTES_PER_DAY => base.plus_millis(offset),
            _ => self
                .end
                .plus_millis(random::millis((minute - MINUTES_PER_DAY as f64) * 60.0)),
        }
    }

    /// Arrival instants for one day of a channel expecting `expected` contacts in total,
    /// in time order.
    pub(crate) fn arrivals(
        &self,
        rng: &mut SimRng,
        profile: &Profile,
        expected: f64,
    ) -> Vec<Instant> {
        let rates = minute_rates(profile);
        let mut arrivals = Vec::with_capacity(expected.max(0.0) as usize + 16);
        for (minute, rate) in rates.iter().enumerate() {
            let count = random::poisson(rng, rate * expected);
            let base = self.minutes[minute];
            let span = self.minutes[minute + 1].as_millis() - base.as_millis();
            for _ in 0..count {
                let offset = random::between(rng, 0, span.max(1) - 1);
                arrivals.push(base.plus_millis(offset));
            }
        }
        arrivals.sort();
        arrivals
    }
}

/// The share of a day's arrivals expected in each local minute; sums to one.
fn minute_rates(profile: &Profile) -> Vec<f64> {
    let mut rates: Vec<f64> = (0..MINUTES_PER_DAY)
        .map(|minute| {
            // Interpolate between the midpoints of the hours around this minute.
            let hour = (minute as f64 + 0.5) / 60.0 - 0.5;
            let below = hour.floor();
            let weight = hour - below;
            let at = |idx: f64| profile[(idx.rem_euclid(24.0)) as usize];
            at(below) * (1.0 - weight) + at(below + 1.0) * weight
        })
        .collect();
    let total: f64 = rates.iter().sum();
    if total > 0.0 {
        for rate in &mut rates {
            *rate /= total;
        }
    }
    rates
}

/// Mondays are busiest and Fridays quieter; weekends carry about 40% of a weekday.
fn weekday_scale(weekday: Weekday) -> f64 {
    match weekday {
        Weekday::Monday => 1.10,
        Weekday::Tuesday => 1.02,
        Weekday::Wednesday => 1.0,
        Weekday::Thursday => 0.98,
        Weekday::Friday => 0.92,
        Weekday::Saturday => 0.42,
        Weekday::Sunday => 0.36,
    }
}

fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .expect("simulated dates stay within jiff's range")
}

/// The instant of `secs` seconds after local midnight of `date`.
fn local_instant(zone: &Zone, date: Date, secs: i64) -> Instant {
    let local = date.at(
        (secs / 3600) as i8,
        ((secs / 60) % 60) as i8,
        (secs % 60) as i8,
        0,
    );
    zone.instant_of(local)
        .expect("simulated dates lie within the supported range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_rates_follow_the_profile() {
        let rates = minute_rates(&VOICE_WEEKDAY);
        assert!((rates.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(rates[10 * 60 + 30] > rates[3 * 60] * 20.0);
    }

    #[test]
    fn a_dst_day_has_its_own_length() {
        let mut config = SimConfig::new(
            jiff::civil::date(2026, 3, 8),
            Zone::parse("America/New_York").unwrap(),
        );
        config.days = 1;
        let clock = DayClock::new(&config, 0);
        assert_eq!(clock.end.secs_since(clock.start), 23 * 3600);
        assert!(clock.at_minute(150.0) >= clock.at_minute(120.0));
    }
}
