//! A histogram of whole seconds whose quantiles are within 5% of the exact ones.
//!
//! Values below [`EXACT`] seconds have a bin each. Above, bin `k` holds
//! `[⌈EXACT·r^k⌉, ⌈EXACT·r^(k+1)⌉)` with `r = 1.1`, and a quantile that falls in it is
//! answered with the geometric middle of its ends, which is within `√1.1 − 1 < 4.9%` of
//! every value in the bin. Bins are counts, so two histograms add and subtract exactly.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Seconds below which every value has its own bin.
pub const EXACT: u32 = 20;

const RATIO: f64 = 1.1;

/// The lower ends of the geometric bins, from [`EXACT`] up to beyond `u32::MAX`.
static EDGES: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut edges = vec![u64::from(EXACT)];
    let mut edge = f64::from(EXACT);
    while *edges.last().expect("one edge at least") <= u64::from(u32::MAX) {
        edge *= RATIO;
        let next = edge.ceil() as u64;
        if next > *edges.last().expect("one edge at least") {
            edges.push(next);
        }
    }
    edges
});

/// Counts of values by bin; absent bins are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    bins: BTreeMap<u16, u64>,
}

impl Histogram {
    /// The bin that holds `secs`.
    pub fn bin_of(secs: u32) -> u16 {
        if secs < EXACT {
            return secs as u16;
        }
        let geometric = EDGES.partition_point(|edge| *edge <= u64::from(secs)) - 1;
        (EXACT as usize + geometric) as u16
    }

    /// The value a quantile in bin `bin` is answered with.
    pub fn representative(bin: u16) -> u32 {
        if u32::from(bin) < EXACT {
            return u32::from(bin);
        }
        let index = usize::from(bin) - EXACT as usize;
        let low = EDGES[index] as f64;
        let high = (EDGES[index + 1] - 1) as f64;
        (low * high).sqrt().round().min(f64::from(u32::MAX)) as u32
    }

    pub fn add(&mut self, secs: u32) {
        *self.bins.entry(Histogram::bin_of(secs)).or_default() += 1;
    }

    /// Takes one value out; a value that was never added is ignored.
    pub fn remove(&mut self, secs: u32) {
        let bin = Histogram::bin_of(secs);
        if let Some(count) = self.bins.get_mut(&bin) {
            *count -= 1;
            if *count == 0 {
                self.bins.remove(&bin);
            }
        }
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (bin, count) in &other.bins {
            *self.bins.entry(*bin).or_default() += count;
        }
    }

    /// Takes out every value of `other` (which must have been merged in before).
    pub fn subtract(&mut self, other: &Histogram) {
        for (bin, count) in &other.bins {
            if let Some(mine) = self.bins.get_mut(bin) {
                *mine = mine.saturating_sub(*count);
                if *mine == 0 {
                    self.bins.remove(bin);
                }
            }
        }
    }

    pub fn count(&self) -> u64 {
        self.bins.values().sum()
    }

    /// The nearest-rank quantile `q` (in `(0, 1]`): the value at rank `⌈q·n⌉`, within 5%;
    /// `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u32> {
        let count = self.count();
        if count == 0 {
            return None;
        }
        let rank = ((q * count as f64).ceil() as u64).clamp(1, count);
        let mut seen = 0;
        for (bin, n) in &self.bins {
            seen += n;
            if seen >= rank {
                return Some(Histogram::representative(*bin));
            }
        }
        None
    }

    /// The bins and their counts, in bin order, for storing.
    pub fn bins(&self) -> impl Iterator<Item = (u16, u64)> + '_ {
        self.bins.iter().map(|(bin, count)| (*bin, *count))
    }

    pub fn from_bins(bins: impl IntoIterator<Item = (u16, u64)>) -> Histogram {
        Histogram {
            bins: bins.into_iter().filter(|(_, count)| *count > 0).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn exact(values: &mut [u32], q: f64) -> u32 {
        values.sort_unstable();
        let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
        values[rank - 1]
    }

    #[test]
    fn small_values_are_exact_and_bins_cover_u32() {
        for secs in 0..EXACT {
            assert_eq!(Histogram::representative(Histogram::bin_of(secs)), secs);
        }
        assert!(Histogram::bin_of(u32::MAX) as usize <= EDGES.len() + EXACT as usize);
        let mut histogram = Histogram::default();
        assert_eq!(histogram.quantile(0.9), None);
        histogram.add(7);
        assert_eq!(histogram.quantile(0.9), Some(7));
    }

    proptest! {
        /// Every value's bin answers within 5% of it.
        #[test]
        fn a_bin_answers_within_five_percent(secs in any::<u32>()) {
            let answer = f64::from(Histogram::representative(Histogram::bin_of(secs)));
            prop_assert!((answer - f64::from(secs)).abs() <= 0.05 * f64::from(secs));
        }

        /// The 90th percentile is within 5% of the exact nearest-rank one.
        #[test]
        fn quantiles_are_within_five_percent(mut values in proptest::collection::vec(0_u32..100_000, 1..400)) {
            let mut histogram = Histogram::default();
            for value in &values {
                histogram.add(*value);
            }
            let truth = f64::from(exact(&mut values, 0.9));
            let answer = f64::from(histogram.quantile(0.9).unwrap());
            prop_assert!((answer - truth).abs() <= 0.05 * truth);
        }

        /// Adding then taking out a histogram leaves the first as it was.
        #[test]
        fn subtract_undoes_merge(
            a in proptest::collection::vec(0_u32..10_000, 0..50),
            b in proptest::collection::vec(0_u32..10_000, 0..50),
        ) {
            let (mut left, mut right) = (Histogram::default(), Histogram::default());
            a.iter().for_each(|it| left.add(*it));
            b.iter().for_each(|it| right.add(*it));
            let before = left.clone();
            left.merge(&right);
            left.subtract(&right);
            prop_assert_eq!(left, before);
        }
    }
}
