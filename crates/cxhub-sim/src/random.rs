//! Seeding and the few distributions the simulator draws from.
//!
//! Every stream is a ChaCha8 generator seeded from the run's seed, the day and a stream
//! number, so each day (and each concern within a day) can be generated on its own and
//! a change to one concern does not shift the random numbers of another.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) type SimRng = ChaCha8Rng;

/// The independent random streams of one day.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    Directory = 1,
    Roster = 2,
    Voice = 3,
    Digital = 4,
    Tickets = 5,
}

/// SplitMix64's finaliser: spreads consecutive inputs over the whole 64-bit range.
pub(crate) fn splitmix64(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator of one stream of one day. The directory uses day `u32::MAX`, which
/// no simulated day reaches.
pub(crate) fn stream(seed: u64, day_index: u32, stream: Stream) -> SimRng {
    let day_part = splitmix64(u64::from(day_index));
    let stream_part = splitmix64((stream as u64) << 40);
    ChaCha8Rng::seed_from_u64(seed ^ day_part ^ stream_part)
}

pub(crate) fn chance(rng: &mut SimRng, probability: f64) -> bool {
    rng.random::<f64>() < probability
}

/// A uniform draw from `low..high`; `low` when the range is empty.
pub(crate) fn uniform(rng: &mut SimRng, low: f64, high: f64) -> f64 {
    match high > low {
        true => low + rng.random::<f64>() * (high - low),
        false => low,
    }
}

/// A uniform integer from `low..=high`; `low` when the range is empty.
pub(crate) fn between(rng: &mut SimRng, low: i64, high: i64) -> i64 {
    match high > low {
        true => rng.random_range(low..=high),
        false => low,
    }
}

pub(crate) fn index(rng: &mut SimRng, len: usize) -> usize {
    match len {
        0 | 1 => 0,
        _ => rng.random_range(0..len),
    }
}

pub(crate) fn exponential(rng: &mut SimRng, mean: f64) -> f64 {
    let unit: f64 = rng.random();
    -mean * (1.0 - unit).ln()
}

/// A standard normal draw (Box-Muller).
pub(crate) fn normal(rng: &mut SimRng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Log-normal with the given median; `sigma` is the spread of its logarithm. Handling
/// times of real contact centers are close to log-normal: most are short, a few long.
pub(crate) fn lognormal(rng: &mut SimRng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A Poisson count with mean `lambda`: Knuth's product method for small means, a rounded
/// normal for large ones, where the two are indistinguishable for our purposes.
pub(crate) fn poisson(rng: &mut SimRng, lambda: f64) -> u32 {
    if lambda <= 0.0 || !lambda.is_finite() {
        return 0;
    }
    if lambda > 40.0 {
        let draw = lambda + lambda.sqrt() * normal(rng);
        return draw.round().clamp(0.0, f64::from(u32::MAX)) as u32;
    }
    let limit = (-lambda).exp();
    let mut product: f64 = rng.random();
    let mut count = 0;
    while product > limit {
        product *= rng.random::<f64>();
        count += 1;
    }
    count
}

/// Picks one of `items` with probability proportional to its weight; the last item when
/// all weights are zero.
pub(crate) fn weighted<T: Copy>(rng: &mut SimRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, weight)| weight.max(0.0)).sum();
    let mut target = rng.random::<f64>() * total;
    for (item, weight) in items {
        target -= weight.max(0.0);
        if target < 0.0 {
            return *item;
        }
    }
    items
        .last()
        .expect("weighted choice needs at least one item")
        .0
}

pub(crate) fn pick<'a, T>(rng: &mut SimRng, items: &'a [T]) -> &'a T {
    &items[index(rng, items.len())]
}

/// Picks one of `items` by value.
pub(crate) fn pick_copy<T: Copy>(rng: &mut SimRng, items: &[T]) -> T {
    items[index(rng, items.len())]
}

/// Seconds as whole milliseconds, for adding to instants.
pub(crate) fn millis(secs: f64) -> i64 {
    (secs * 1000.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_day_and_concern() {
        let mut a = stream(1, 0, Stream::Voice);
        let mut b = stream(1, 1, Stream::Voice);
        let mut c = stream(1, 0, Stream::Digital);
        let first: u64 = a.random();
        assert_ne!(first, b.random::<u64>());
        assert_ne!(first, c.random::<u64>());
        assert_eq!(first, stream(1, 0, Stream::Voice).random::<u64>());
    }

    #[test]
    fn poisson_mean_is_close() {
        let mut rng = stream(7, 0, Stream::Voice);
        for lambda in [0.3, 4.0, 80.0] {
            let total: u32 = (0..4000).map(|_| poisson(&mut rng, lambda)).sum();
            let mean = f64::from(total) / 4000.0;
            assert!(
                (mean - lambda).abs() < lambda * 0.08 + 0.05,
                "{lambda}: {mean}"
            );
        }
    }
}
