//! The real-time view (`/v1/analytics/realtime`): each queue now, with the calls waiting
//! in it and the longest wait, today's running call totals in the tenant's zone, and how
//! many agents are in each presence status.

use std::collections::{BTreeMap, HashMap};

use cxhub_analytics::{Bucket, CallTotals};
use cxhub_model::ids::Key;
use cxhub_model::time::{Instant, Zone};

use super::{Dimension, Report, ReportQuery, Source, Totals};
use crate::query::{PageRequest, PresenceFilter};
use crate::{Store, StoreError, StoreResult, TenantScope};

/// One queue now ('' in no queue's name: calls that have none).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueNow {
    pub queue: Option<String>,
    /// Inbound calls queued and neither answered nor ended.
    pub waiting: u64,
    /// How long the longest of them has waited; `None` when none waits.
    pub longest_wait_secs: Option<u64>,
    /// Today's calls so far (started since local midnight).
    pub today: CallTotals,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Realtime {
    pub now: Instant,
    /// Today in the zone: local midnight to the next.
    pub today: Bucket,
    /// Where today's totals were read from.
    pub source: Source,
    /// Queues with calls waiting or calls today, by queue id (no queue first).
    pub queues: Vec<QueueNow>,
    /// Agents by their current status: each user's latest change not yet left.
    pub agents: BTreeMap<String, u64>,
}

impl Store {
    pub async fn realtime(
        &self,
        scope: &TenantScope,
        zone: &Zone,
        now: Instant,
    ) -> StoreResult<Realtime> {
        let today = day_of(now, zone)?;
        let totals = self
            .report(
                scope,
                ReportQuery {
                    report: Report::Calls,
                    from: today.start,
                    to: today.end,
                    zone: zone.clone(),
                    granularity: None,
                    group_by: vec![Dimension::Queue],
                    queues: Vec::new(),
                    agents: Vec::new(),
                    channels: Vec::new(),
                    directions: Vec::new(),
                    hours: cxhub_analytics::Hours::All,
                },
            )
            .await?;
        let mut queues: BTreeMap<Option<String>, QueueNow> = BTreeMap::new();
        let entry = |queues: &mut BTreeMap<Option<String>, QueueNow>, queue: Option<String>| {
            queues.entry(queue.clone()).or_insert_with(|| QueueNow {
                queue,
                waiting: 0,
                longest_wait_secs: None,
                today: CallTotals::default(),
            });
        };
        for row in totals.rows {
            let (Some(queue), Totals::Calls(calls)) = (row.group.into_iter().next(), row.totals)
            else {
                continue;
            };
            entry(&mut queues, queue.clone());
            if let Some(it) = queues.get_mut(&queue) {
                it.today = calls;
            }
        }
        for waiting in self.waiting_calls(scope, now.as_millis()).await? {
            let queue = Some(waiting.queue).filter(|it| !it.is_empty());
            entry(&mut queues, queue.clone());
            if let Some(it) = queues.get_mut(&queue) {
                it.waiting = waiting.calls;
                let waited = (now.as_millis() - waiting.oldest_queued_at).max(0) / 1000;
                it.longest_wait_secs = u64::try_from(waited).ok();
            }
        }
        Ok(Realtime {
            now,
            today,
            source: totals.source,
            queues: queues.into_values().collect(),
            agents: self.agents_now(scope, now).await?,
        })
    }

    /// How many users are in each status: each user's latest open change at or before now.
    async fn agents_now(
        &self,
        scope: &TenantScope,
        now: Instant,
    ) -> StoreResult<BTreeMap<String, u64>> {
        let filter = PresenceFilter {
            to: Some(now.plus_millis(1)),
            open: true,
            ..PresenceFilter::default()
        };
        let mut latest: HashMap<Key, (Instant, String)> = HashMap::new();
        let mut after = None;
        loop {
            let page = self
                .list_presence(scope, filter.clone(), PageRequest::after(after, 1000))
                .await?;
            for it in page.items {
                let status = it.new_status.as_str().to_owned();
                match latest.get(&it.user_id) {
                    Some((at, _)) if *at > it.at => {}
                    _ => {
                        latest.insert(it.user_id, (it.at, status));
                    }
                }
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let mut counts = BTreeMap::new();
        for (_, status) in latest.into_values() {
            *counts.entry(status).or_default() += 1;
        }
        Ok(counts)
    }
}

/// The local day in `zone` that holds `now`.
fn day_of(now: Instant, zone: &Zone) -> StoreResult<Bucket> {
    let here = now.to_timestamp().to_zoned(zone.tz().clone());
    let bounds = here.start_of_day().and_then(|start| {
        let end = start.tomorrow()?.start_of_day()?;
        Ok((start, end))
    });
    let (start, end) = bounds.map_err(|err| {
        StoreError::Invalid(cxhub_model::error::FieldError::new(
            "timezone",
            format!("has no day around now: {err}"),
        ))
    })?;
    Ok(Bucket {
        start: Instant::from_timestamp(start.timestamp()),
        end: Instant::from_timestamp(end.timestamp()),
    })
}
