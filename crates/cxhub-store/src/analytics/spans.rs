//! Rollups over long buckets (`rollup_span` and `rollup_span_row`, SQLite's migration 0010
//! and PostgreSQL's 0008). A bucket of a day or more, in any zone, is summed from the
//! 15-minute rows the first time a report asks for it and kept, with the sum of the
//! versions of the UTC days it meets. Every change to a 15-minute row raises its day's
//! version in the writing transaction, so a kept span is used only while it is still the
//! sum of those rows. A year of days is then a few thousand rows, not a few hundred
//! thousand.

use std::collections::{BTreeMap, HashMap};

use cxhub_analytics::{Bucket, Histogram};
use cxhub_model::time::Instant;

use super::bucket_of;
use super::rollups::{COLUMNS, RollupKey, RollupScan, RollupTotals, histograms, read_row};
use crate::columns::Columns;
use crate::values::{Cell, corrupt};
use crate::{Store, StoreResult, TenantScope};

pub(crate) const DAY_MILLIS: i64 = 86_400_000;

/// Whether a report's buckets are long enough to keep: about a day or more each.
pub(super) fn worth_keeping(buckets: &[Bucket]) -> bool {
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return false;
    };
    let length = last.end.as_millis() - first.start.as_millis();
    length / buckets.len() as i64 >= 20 * 3_600_000
}

/// A kept span: its bucket and the versions' sum it was summed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpanHead {
    pub start: i64,
    pub end: i64,
    pub seen: i64,
}

/// One key's totals over a span (its key's `bucket` is the span's start).
#[derive(Debug, Clone)]
pub(crate) struct SpanRow {
    pub end: i64,
    pub key: RollupKey,
    pub totals: RollupTotals,
}

/// A span to keep, whole.
#[derive(Debug, Clone)]
pub(crate) struct SavedSpan {
    pub head: SpanHead,
    pub rows: Vec<(RollupKey, RollupTotals)>,
}

/// The `rollup_span_row` columns, in the order [`read_span_row`] reads them.
pub(crate) fn span_columns() -> String {
    format!(
        "span_end, {}, waits",
        COLUMNS.replacen("bucket", "span_start", 1)
    )
}

pub(crate) fn read_span_row<'a>(cols: &mut impl Columns<'a>) -> StoreResult<SpanRow> {
    let end = cols.required_int()?;
    let (key, mut totals) = read_row(cols)?;
    totals.calls.answered_waits = decode_waits(&cols.required_text()?)?;
    Ok(SpanRow { end, key, totals })
}

/// A span row's values, in `rollup_span_row`'s column order from `queue` on.
pub(crate) fn span_row_cells(key: &RollupKey, totals: &RollupTotals) -> Vec<Cell> {
    let count = |it: u64| Cell::Int(i64::try_from(it).unwrap_or(i64::MAX));
    let (calls, talks) = (&totals.calls, &totals.conversations);
    let mut cells = vec![
        Cell::Text(key.queue.clone()),
        Cell::Text(key.agent.clone()),
        Cell::Text(key.channel.clone()),
        Cell::Text(key.direction.clone()),
        count(totals.records),
        count(talks.offered),
    ];
    cells.extend(
        [
            calls.answered,
            calls.self_service,
            calls.abandoned,
            calls.short_abandoned,
            calls.answered_in_sl,
            calls.answered_wait_secs,
            calls.answered_talk_secs,
            calls.answered_hold_secs,
            calls.answered_wrap_up_secs,
        ]
        .map(count),
    );
    cells.push(
        calls
            .max_wait_secs
            .map_or(Cell::Null, |it| Cell::Int(i64::from(it))),
    );
    cells.extend(
        [
            calls.outbound_attempted,
            calls.outbound_connected,
            calls.internal,
            talks.handled,
            talks.first_response_secs,
            talks.first_responses,
            talks.resolution_secs,
            talks.resolutions,
            talks.sla_met,
            talks.sla_decided,
        ]
        .map(count),
    );
    cells.push(Cell::Text(encode_waits(&calls.answered_waits)));
    cells
}

/// The columns [`span_row_cells`] fills, after the tenant, level, start and end.
pub(crate) const SPAN_ROW_INSERT: &str = "tenant_pk, level, span_start, span_end, queue, \
    agent, channel, direction, records, offered, answered, self_service, abandoned, \
    short_abandoned, answered_in_sl, answered_wait_secs, answered_talk_secs, \
    answered_hold_secs, answered_wrap_up_secs, max_wait_secs, outbound_attempted, \
    outbound_connected, internal, handled, first_response_secs, first_responses, \
    resolution_secs, resolutions, sla_met, sla_decided, waits";

fn encode_waits(waits: &Histogram) -> String {
    let pairs: Vec<String> = waits.bins().map(|(bin, n)| format!("{bin}:{n}")).collect();
    pairs.join(",")
}

fn decode_waits(text: &str) -> StoreResult<Histogram> {
    let bad = || corrupt(format!("span waits {text}"));
    let bins = text
        .split(',')
        .filter(|it| !it.is_empty())
        .map(|pair| {
            let (bin, n) = pair.split_once(':').ok_or_else(bad)?;
            Ok((
                bin.parse().map_err(|_| bad())?,
                n.parse().map_err(|_| bad())?,
            ))
        })
        .collect::<StoreResult<Vec<(u16, u64)>>>()?;
    Ok(Histogram::from_bins(bins))
}

impl Store {
    /// Every row of the scan's level in each bucket, unfiltered: from kept spans still
    /// valid, and the others summed from the 15-minute rows and kept.
    pub(super) async fn span_rows(
        &self,
        scope: &TenantScope,
        scan: &RollupScan,
        buckets: &[Bucket],
    ) -> StoreResult<Vec<(usize, RollupKey, RollupTotals)>> {
        let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
            return Ok(Vec::new());
        };
        let (from, to) = (first.start.as_millis(), last.end.as_millis());
        // The versions first: a span summed from rows newer than them is found stale later,
        // never the other way round.
        let versions: HashMap<i64, i64> = self
            .rollup_versions(
                scope,
                from.div_euclid(DAY_MILLIS),
                (to - 1).div_euclid(DAY_MILLIS),
            )
            .await?
            .into_iter()
            .collect();
        let seen = |bucket: &Bucket| -> i64 {
            let days = bucket.start.as_millis().div_euclid(DAY_MILLIS)
                ..=(bucket.end.as_millis() - 1).div_euclid(DAY_MILLIS);
            days.map(|day| versions.get(&day).copied().unwrap_or(0))
                .sum()
        };
        let (heads, rows) = self.rollup_spans(scope, scan.level, from, to).await?;
        let kept: HashMap<(i64, i64), i64> = heads
            .into_iter()
            .map(|it| ((it.start, it.end), it.seen))
            .collect();
        let mut valid: HashMap<(i64, i64), usize> = HashMap::new();
        let mut stale: BTreeMap<usize, i64> = BTreeMap::new();
        for (index, bucket) in buckets.iter().enumerate() {
            let edges = (bucket.start.as_millis(), bucket.end.as_millis());
            let now = seen(bucket);
            match kept.get(&edges) {
                Some(then) if *then == now => {
                    valid.insert(edges, index);
                }
                _ => {
                    stale.insert(index, now);
                }
            }
        }
        let mut out = Vec::new();
        for row in rows {
            if let Some(index) = valid.get(&(row.key.bucket, row.end)) {
                out.push((*index, row.key, row.totals));
            }
        }
        if let Some(saved) = self.sum_spans(scope, scan.level, buckets, &stale).await? {
            for span in &saved {
                let index = bucket_of(buckets, Instant::clamped(span.head.start));
                for (key, totals) in &span.rows {
                    if let Some(index) = index {
                        out.push((index, key.clone(), totals.clone()));
                    }
                }
            }
            self.save_rollup_spans(scope, scan.level, saved).await?;
        }
        Ok(out)
    }

    /// The stale buckets summed from the 15-minute rows, by one scan over their range.
    async fn sum_spans(
        &self,
        scope: &TenantScope,
        level: i64,
        buckets: &[Bucket],
        stale: &BTreeMap<usize, i64>,
    ) -> StoreResult<Option<Vec<SavedSpan>>> {
        let (Some((first, _)), Some((last, _))) = (stale.first_key_value(), stale.last_key_value())
        else {
            return Ok(None);
        };
        let scan = RollupScan {
            level,
            from: buckets[*first].start.as_millis(),
            to: buckets[*last].end.as_millis(),
            ..RollupScan::default()
        };
        let mut waits = histograms(self.rollup_waits(scope, scan.clone()).await?);
        let mut sums: BTreeMap<(usize, RollupKey), RollupTotals> = BTreeMap::new();
        for (key, mut totals) in self.rollup_rows(scope, scan).await? {
            if totals.records == 0 {
                continue;
            }
            let Some(index) = bucket_of(buckets, Instant::clamped(key.bucket)) else {
                continue;
            };
            if !stale.contains_key(&index) {
                continue;
            }
            if let Some(waits) = waits.remove(&key) {
                totals.calls.answered_waits = waits;
            }
            let span_key = RollupKey {
                bucket: buckets[index].start.as_millis(),
                ..key
            };
            sums.entry((index, span_key)).or_default().add(&totals);
        }
        let mut spans: BTreeMap<usize, SavedSpan> = stale
            .iter()
            .map(|(index, seen)| {
                let head = SpanHead {
                    start: buckets[*index].start.as_millis(),
                    end: buckets[*index].end.as_millis(),
                    seen: *seen,
                };
                (
                    *index,
                    SavedSpan {
                        head,
                        rows: Vec::new(),
                    },
                )
            })
            .collect();
        for ((index, key), totals) in sums {
            if let Some(span) = spans.get_mut(&index) {
                span.rows.push((key, totals));
            }
        }
        Ok(Some(spans.into_values().collect()))
    }
}

impl Store {
    /// Every kept span still valid, against its sum from the 15-minute rows now: how many
    /// were compared, and a line for each row that differs.
    pub(super) async fn verify_spans(
        &self,
        scope: &TenantScope,
    ) -> StoreResult<(u64, Vec<String>)> {
        let versions: HashMap<i64, i64> = self
            .rollup_versions(scope, 0, i64::MAX / DAY_MILLIS)
            .await?
            .into_iter()
            .collect();
        let (mut compared, mut differences) = (0, Vec::new());
        for level in [0, 1] {
            let (heads, rows) = self.rollup_spans(scope, level, 0, i64::MAX).await?;
            let mut kept: BTreeMap<(i64, i64), BTreeMap<RollupKey, RollupTotals>> = BTreeMap::new();
            for row in rows {
                kept.entry((row.key.bucket, row.end))
                    .or_default()
                    .insert(row.key, row.totals);
            }
            for head in heads {
                let now: i64 = (head.start.div_euclid(DAY_MILLIS)
                    ..=(head.end - 1).div_euclid(DAY_MILLIS))
                    .map(|day| versions.get(&day).copied().unwrap_or(0))
                    .sum();
                if now != head.seen {
                    // Stale: summed again when next asked for.
                    continue;
                }
                compared += 1;
                let bucket = Bucket {
                    start: Instant::clamped(head.start),
                    end: Instant::clamped(head.end),
                };
                let stale = BTreeMap::from([(0, head.seen)]);
                let summed = self.sum_spans(scope, level, &[bucket], &stale).await?;
                let want: BTreeMap<RollupKey, RollupTotals> = summed
                    .into_iter()
                    .flatten()
                    .flat_map(|it| it.rows)
                    .collect();
                let got = kept.remove(&(head.start, head.end)).unwrap_or_default();
                if got != want {
                    differences.push(format!(
                        "span level {level} [{}, {}): kept {} rows, the 15-minute rows sum to {} that differ",
                        head.start,
                        head.end,
                        got.len(),
                        want.len()
                    ));
                }
            }
        }
        Ok((compared, differences))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_back_as_written() {
        let waits = Histogram::from_bins([(0, 3), (17, 1), (60, 12)]);
        assert_eq!(decode_waits(&encode_waits(&waits)).unwrap(), waits);
        assert_eq!(decode_waits("").unwrap(), Histogram::default());
        assert!(decode_waits("1:x").is_err());
    }
}
