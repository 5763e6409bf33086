//! Agent reports (`/v1/analytics/agents`): time in each presence status and reason,
//! staffed time, handled work and occupancy, per user and bucket. Closed presence
//! intervals come from `presence_rollup` (or the changes themselves), an agent's open
//! interval runs until `now`, and handled work comes from the call and interaction
//! reports grouped by agent.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use cxhub_analytics::{AgentTotals, Bucket, Granularity};
use cxhub_model::ids::Key;
use cxhub_model::interaction::Direction;
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::{Instant, Zone};

use super::rollups::PresenceScan;
use super::{
    Dimension, MAX_ENTRIES, Report, ReportQuery, SCAN_PAGE, Source, Totals, bucket_of, buckets_of,
    invalid,
};
use crate::query::{PageRequest, PresenceFilter};
use crate::{DirectoryKind, KeyPage, Store, StoreResult, TenantScope};

/// An agent report's question.
#[derive(Debug, Clone)]
pub struct AgentQuery {
    pub from: Instant,
    pub to: Instant,
    pub zone: Zone,
    pub granularity: Option<Granularity>,
    /// Only these users; empty for every user with time or work in the interval.
    pub agents: Vec<Key>,
    /// Where an agent's latest status, not yet left, stops counting.
    pub now: Instant,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    pub bucket: Bucket,
    pub agent: String,
    pub totals: AgentTotals,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentAnswer {
    pub source: Source,
    /// Every bucket with every agent, in bucket then agent order.
    pub rows: Vec<AgentRow>,
}

/// Totals by bucket index and user.
type AgentSums = BTreeMap<(usize, String), AgentTotals>;

impl Store {
    /// Answers an agent report from the rollups where every bucket edge is on their
    /// 15-minute UTC grid, and otherwise from the presence changes and records.
    pub async fn agent_report(
        &self,
        scope: &TenantScope,
        query: AgentQuery,
    ) -> StoreResult<AgentAnswer> {
        let buckets = agent_buckets(&query)?;
        let rollups =
            query.from.as_millis() >= 0 && cxhub_analytics::buckets::on_rollup_grid(&buckets);
        self.agent_answer(scope, &query, &buckets, rollups).await
    }

    /// The same report read from the changes and records whatever the zone: the tests'
    /// reference and the benchmark's baseline.
    pub async fn agent_report_from_records(
        &self,
        scope: &TenantScope,
        query: AgentQuery,
    ) -> StoreResult<AgentAnswer> {
        let buckets = agent_buckets(&query)?;
        self.agent_answer(scope, &query, &buckets, false).await
    }

    async fn agent_answer(
        &self,
        scope: &TenantScope,
        query: &AgentQuery,
        buckets: &[Bucket],
        rollups: bool,
    ) -> StoreResult<AgentAnswer> {
        let productive = self.productive_statuses(scope).await?;
        let mut sums = AgentSums::new();
        let mut time = PresenceAdder {
            buckets,
            productive: &productive,
            agents: &query.agents,
            sums: &mut sums,
        };
        if rollups {
            self.rollup_presence(scope, query, &mut time).await?;
        } else {
            self.record_presence(scope, query, &mut time).await?;
        }
        self.handled_work(scope, query, buckets, rollups, &mut sums)
            .await?;
        let mut agents: BTreeSet<String> = sums.keys().map(|(_, it)| it.clone()).collect();
        agents.extend(query.agents.iter().map(|it| it.as_str().to_owned()));
        if buckets.len().saturating_mul(agents.len()) > MAX_ENTRIES {
            return Err(invalid(
                "granularity",
                format!(
                    "{} buckets of {} agents exceed the {MAX_ENTRIES} entries an answer holds; \
                     ask for a coarser granularity, fewer agents or a shorter interval",
                    buckets.len(),
                    agents.len()
                ),
            ));
        }
        let mut rows = Vec::with_capacity(buckets.len() * agents.len());
        for (index, bucket) in buckets.iter().enumerate() {
            for agent in &agents {
                rows.push(AgentRow {
                    bucket: *bucket,
                    agent: agent.clone(),
                    totals: sums.remove(&(index, agent.clone())).unwrap_or_default(),
                });
            }
        }
        let source = if rollups {
            Source::Rollups
        } else {
            Source::Records
        };
        Ok(AgentAnswer { source, rows })
    }

    /// Closed intervals from `presence_rollup`, then the open ones up to `now`.
    async fn rollup_presence(
        &self,
        scope: &TenantScope,
        query: &AgentQuery,
        time: &mut PresenceAdder<'_>,
    ) -> StoreResult<()> {
        let (Some(first), Some(last)) = (time.buckets.first(), time.buckets.last()) else {
            return Ok(());
        };
        let scan = PresenceScan {
            from: first.start.as_millis(),
            to: last.end.as_millis(),
            users: query
                .agents
                .iter()
                .map(|it| it.as_str().to_owned())
                .collect(),
        };
        for row in self.presence_rollup_rows(scope, scan).await? {
            if let Some(index) = bucket_of(time.buckets, Instant::clamped(row.bucket)) {
                time.add(index, &row.user, &row.status, &row.reason, row.millis);
            }
        }
        let filter = PresenceFilter {
            to: Some(last.end.min(query.now)),
            open: true,
            ..self.presence_filter(query)
        };
        self.each_change(scope, filter, |change| {
            time.add_interval(change, query.now);
        })
        .await
    }

    /// Every change whose interval meets the report's, clipped to it.
    async fn record_presence(
        &self,
        scope: &TenantScope,
        query: &AgentQuery,
        time: &mut PresenceAdder<'_>,
    ) -> StoreResult<()> {
        let (Some(first), Some(last)) = (time.buckets.first(), time.buckets.last()) else {
            return Ok(());
        };
        let filter = PresenceFilter {
            to: Some(last.end),
            ends_after: Some(first.start),
            ..self.presence_filter(query)
        };
        self.each_change(scope, filter, |change| {
            time.add_interval(change, query.now);
        })
        .await
    }

    fn presence_filter(&self, query: &AgentQuery) -> PresenceFilter {
        PresenceFilter {
            user_id: match query.agents.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            },
            ..PresenceFilter::default()
        }
    }

    async fn each_change(
        &self,
        scope: &TenantScope,
        filter: PresenceFilter,
        mut each: impl FnMut(&PresenceChange),
    ) -> StoreResult<()> {
        let mut after = None;
        loop {
            let page = self
                .list_presence(scope, filter.clone(), PageRequest::after(after, SCAN_PAGE))
                .await?;
            page.items.iter().for_each(&mut each);
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Answered calls with their talk and wrap-up, and handled conversations, by agent.
    async fn handled_work(
        &self,
        scope: &TenantScope,
        query: &AgentQuery,
        buckets: &[Bucket],
        rollups: bool,
        sums: &mut AgentSums,
    ) -> StoreResult<()> {
        for report in [Report::Calls, Report::Interactions] {
            let work = ReportQuery {
                report,
                from: query.from,
                to: query.to,
                zone: query.zone.clone(),
                granularity: query.granularity,
                group_by: vec![Dimension::Agent],
                queues: Vec::new(),
                agents: query.agents.clone(),
                channels: Vec::new(),
                directions: vec![Direction::Inbound],
                hours: cxhub_analytics::Hours::All,
            };
            let answer = if rollups {
                self.report(scope, work).await?
            } else {
                self.report_from_records(scope, work).await?
            };
            for row in answer.rows {
                let (Some(Some(agent)), Some(index)) =
                    (row.group.first(), bucket_of(buckets, row.bucket.start))
                else {
                    continue;
                };
                let entry = sums.entry((index, agent.clone()));
                match &row.totals {
                    Totals::Calls(it) if it.answered > 0 => {
                        entry.or_default().handle_secs +=
                            it.answered_talk_secs + it.answered_wrap_up_secs;
                    }
                    Totals::Interactions(it) if it.handled > 0 => {
                        entry.or_default().handled += it.handled;
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The system names of the tenant's productive statuses.
    async fn productive_statuses(&self, scope: &TenantScope) -> StoreResult<HashSet<String>> {
        let mut names = HashSet::new();
        let mut after = None;
        loop {
            let page = self
                .list_directory(
                    scope,
                    DirectoryKind::PresenceStatuses,
                    KeyPage {
                        after,
                        limit: SCAN_PAGE,
                        ids: None,
                    },
                )
                .await?;
            names.extend(
                page.presence_statuses
                    .iter()
                    .filter(|it| it.productive)
                    .map(|it| it.system_name.as_str().to_owned()),
            );
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(names),
            }
        }
    }
}

fn agent_buckets(query: &AgentQuery) -> StoreResult<Vec<Bucket>> {
    buckets_of(query.from, query.to, &query.zone, query.granularity)
}

/// Adds presence time to the sums of the buckets it falls in.
struct PresenceAdder<'a> {
    buckets: &'a [Bucket],
    productive: &'a HashSet<String>,
    agents: &'a [Key],
    sums: &'a mut AgentSums,
}

impl PresenceAdder<'_> {
    fn add(&mut self, index: usize, user: &str, status: &str, reason: &str, millis: i64) {
        let productive = self.productive.contains(status);
        self.sums
            .entry((index, user.to_owned()))
            .or_default()
            .add_time(status, Some(reason), millis, productive);
    }

    /// A change's interval, `[at, ended_at)` or `[at, now)` while open, clipped to each
    /// bucket it meets.
    fn add_interval(&mut self, change: &PresenceChange, now: Instant) {
        if !self.agents.is_empty() && !self.agents.contains(&change.user_id) {
            return;
        }
        let start = change.at.as_millis();
        let end = change.ended_at.unwrap_or(now).as_millis();
        let first = self
            .buckets
            .partition_point(|it| it.end.as_millis() <= start);
        for index in first..self.buckets.len() {
            let bucket = self.buckets[index];
            if bucket.start.as_millis() >= end {
                break;
            }
            let millis = cxhub_analytics::agents::overlap(
                start,
                end,
                bucket.start.as_millis(),
                bucket.end.as_millis(),
            );
            let reason = change.reason.as_deref().unwrap_or("");
            self.add(
                index,
                change.user_id.as_str(),
                change.new_status.as_str(),
                reason,
                millis,
            );
        }
    }
}
