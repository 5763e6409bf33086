//! Reports over an interval: call and interaction KPIs per bucket and group, the same on
//! every backend. Each record's contribution is `cxhub_analytics`'s, so a report read
//! from records and one read from rollups add up the same numbers.

use std::collections::{BTreeSet, HashMap};

use cxhub_analytics::hours::{Hours, constant_over_bucket, is_open};
use cxhub_analytics::{Bucket, CallTotals, ConversationTotals, Granularity, QueueRules};
use cxhub_model::directory::BusinessHours;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction};
use cxhub_model::time::{Instant, Zone};

use crate::query::{InteractionFilter, PageRequest};
use rollups::{RollupKey, RollupScan, RollupTotals};

mod agents;
mod realtime;
pub(crate) mod rollups;
pub(crate) mod spans;
mod verify;

use crate::{DirectoryKeys, Store, StoreError, StoreResult, TenantScope};
pub use agents::{AgentAnswer, AgentQuery, AgentRow};
pub use realtime::{QueueNow, Realtime};
pub use verify::Verification;

/// Records read per page while a report scans them.
const SCAN_PAGE: usize = 1000;

/// The most entries (buckets × groups) one answer holds.
pub const MAX_ENTRIES: usize = 100_000;

/// Which totals a report adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Voice calls (`/v1/analytics/calls`).
    Calls,
    /// Interactions of every channel (`/v1/analytics/interactions`).
    Interactions,
}

/// What a report may group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Queue,
    Agent,
    Channel,
    Direction,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::Queue,
        Dimension::Agent,
        Dimension::Channel,
        Dimension::Direction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Queue => "queue",
            Dimension::Agent => "agent",
            Dimension::Channel => "channel",
            Dimension::Direction => "direction",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|it| it.as_str() == text)
    }

    /// This dimension's value in a rollup's key ('' there is `None`).
    fn of_key(self, key: &RollupKey) -> Option<String> {
        let value = match self {
            Dimension::Queue => &key.queue,
            Dimension::Agent => &key.agent,
            Dimension::Channel => &key.channel,
            Dimension::Direction => &key.direction,
        };
        (!value.is_empty()).then(|| value.clone())
    }

    /// This dimension's value for a record; `None` where it has none (no queue, no agent).
    fn of(self, it: &Interaction) -> Option<String> {
        match self {
            Dimension::Queue => it.queue_id.as_ref().map(|it| it.as_str().to_owned()),
            Dimension::Agent => it.agent_id.as_ref().map(|it| it.as_str().to_owned()),
            Dimension::Channel => Some(it.channel.as_str().to_owned()),
            Dimension::Direction => Some(it.direction.as_str().to_owned()),
        }
    }
}

/// A report's question.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    pub report: Report,
    /// Records whose `started_at` is in `[from, to)`.
    pub from: Instant,
    pub to: Instant,
    pub zone: Zone,
    /// `None`: one bucket for the whole interval.
    pub granularity: Option<Granularity>,
    pub group_by: Vec<Dimension>,
    /// Only these queues, agents, channels and directions; each list empty for all.
    pub queues: Vec<Key>,
    pub agents: Vec<Key>,
    pub channels: Vec<Channel>,
    pub directions: Vec<Direction>,
    /// Only records that started in (or out of) their queue's business hours.
    pub hours: Hours,
}

/// The totals of one report row.
#[derive(Debug, Clone, PartialEq)]
pub enum Totals {
    Calls(CallTotals),
    Interactions(ConversationTotals),
}

impl Totals {
    /// Adds totals of the same report; a report never mixes the two.
    fn add(&mut self, other: &Totals) {
        match (self, other) {
            (Totals::Calls(sum), Totals::Calls(it)) => sum.add(it),
            (Totals::Interactions(sum), Totals::Interactions(it)) => sum.add(it),
            _ => debug_assert!(false, "one report, one kind of totals"),
        }
    }
}

/// One row: a bucket, a group (one value per `group_by` dimension, in its order) and
/// its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub bucket: Bucket,
    pub group: Vec<Option<String>>,
    pub totals: Totals,
}

/// Where a report's figures were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Read from the rollups kept at write time.
    Rollups,
    /// Added up from the records themselves.
    Records,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Rollups => "rollups",
            Source::Records => "records",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportAnswer {
    pub source: Source,
    /// Every bucket with every group the interval has, in bucket then group order; a
    /// bucket without records has zero totals, so a chart has no holes.
    pub rows: Vec<ReportRow>,
}

impl Store {
    /// Answers a report from the rollups where every bucket edge is on their 15-minute
    /// UTC grid, and otherwise by reading the records of the interval.
    pub async fn report(
        &self,
        scope: &TenantScope,
        query: ReportQuery,
    ) -> StoreResult<ReportAnswer> {
        let buckets = query.buckets()?;
        let calendars = self.calendars(scope, query.hours).await?;
        let rollups =
            query.from.as_millis() >= 0 && cxhub_analytics::buckets::on_rollup_grid(&buckets);
        let rolled = match rollups {
            true => {
                self.sum_rollups(scope, &query, &buckets, &calendars)
                    .await?
            }
            false => None,
        };
        let (source, sums) = match rolled {
            Some(sums) => (Source::Rollups, sums),
            None => (
                Source::Records,
                self.sum_records(scope, &query, &buckets, &calendars)
                    .await?,
            ),
        };
        answer(source, sums, &buckets, &query)
    }

    /// Answers a report by reading the records whatever the zone: the full scan that
    /// rollups replace, kept as the benchmark's baseline and the tests' reference.
    pub async fn report_from_records(
        &self,
        scope: &TenantScope,
        query: ReportQuery,
    ) -> StoreResult<ReportAnswer> {
        let buckets = query.buckets()?;
        let calendars = self.calendars(scope, query.hours).await?;
        let sums = self
            .sum_records(scope, &query, &buckets, &calendars)
            .await?;
        answer(Source::Records, sums, &buckets, &query)
    }

    /// Adds up the records of the interval, a page at a time.
    async fn sum_records(
        &self,
        scope: &TenantScope,
        query: &ReportQuery,
        buckets: &[Bucket],
        calendars: &Calendars,
    ) -> StoreResult<Sums> {
        let mut sums = Sums::default();
        let mut rules: HashMap<Key, QueueRules> = HashMap::new();
        let filter = scan_filter(query);
        let mut after = None;
        loop {
            let page = self
                .list_interactions(scope, filter.clone(), PageRequest::after(after, SCAN_PAGE))
                .await?;
            let kept: Vec<&Interaction> = page
                .items
                .iter()
                .filter(|it| query.keeps(it) && query.hours.keeps(open_at(calendars, it)))
                .collect();
            self.learn_rules(scope, &kept, &mut rules).await?;
            for it in kept {
                let Some(index) = bucket_of(buckets, it.started_at) else {
                    continue;
                };
                let group: Vec<Option<String>> =
                    query.group_by.iter().map(|dim| dim.of(it)).collect();
                sums.add(index, group, contribution(query.report, it, &rules));
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(sums)
    }

    /// Adds up the rollup rows of the interval: per queue, or per queue and agent when
    /// the question names agents. `None` when a queue's business hours change inside a
    /// rollup bucket, so only the records can say which calls were in them.
    async fn sum_rollups(
        &self,
        scope: &TenantScope,
        query: &ReportQuery,
        buckets: &[Bucket],
        calendars: &Calendars,
    ) -> StoreResult<Option<Sums>> {
        let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
            return Ok(Some(Sums::default()));
        };
        let names = |keys: &[Key]| keys.iter().map(|it| it.as_str().to_owned()).collect();
        let by_agent = query.group_by.contains(&Dimension::Agent) || !query.agents.is_empty();
        let channels = match query.report {
            Report::Calls => vec![Channel::Voice.as_str().to_owned()],
            Report::Interactions => query
                .channels
                .iter()
                .map(|it| it.as_str().to_owned())
                .collect(),
        };
        let scan = RollupScan {
            level: i64::from(by_agent),
            from: first.start.as_millis(),
            to: last.end.as_millis(),
            queues: names(&query.queues),
            agents: names(&query.agents),
            channels,
            directions: query
                .directions
                .iter()
                .map(|it| it.as_str().to_owned())
                .collect(),
        };
        if calendars.is_empty() && spans::worth_keeping(buckets) {
            let rows = self.span_rows(scope, &scan, buckets).await?;
            let mut sums = Sums::default();
            for (index, key, totals) in rows {
                if scan.keeps(&key) {
                    sums.add_rollup(query, index, &key, totals);
                }
            }
            return Ok(Some(sums));
        }
        let mut waits = if query.report == Report::Calls && scan.keeps_inbound_calls() {
            rollups::histograms(self.rollup_waits(scope, scan.clone()).await?)
        } else {
            HashMap::new()
        };
        let mut sums = Sums::default();
        for (key, mut totals) in self.rollup_rows(scope, scan).await? {
            if totals.records == 0 {
                continue;
            }
            let open = match calendars.get(&key.queue) {
                Some(hours) if !constant_over_bucket(hours, key.bucket) => return Ok(None),
                Some(hours) => is_open(hours, Instant::clamped(key.bucket)),
                None => true,
            };
            if !query.hours.keeps(open) {
                continue;
            }
            let Some(index) = bucket_of(buckets, Instant::clamped(key.bucket)) else {
                continue;
            };
            if let Some(waits) = waits.remove(&key) {
                totals.calls.answered_waits = waits;
            }
            sums.add_rollup(query, index, &key, totals);
        }
        Ok(Some(sums))
    }

    /// The business hours of the tenant's queues that have them, when a report asks by
    /// hours; none for `Hours::All`.
    async fn calendars(&self, scope: &TenantScope, hours: Hours) -> StoreResult<Calendars> {
        let mut out = Calendars::new();
        if hours == Hours::All {
            return Ok(out);
        }
        let mut after = None;
        loop {
            let page = crate::KeyPage {
                after,
                limit: SCAN_PAGE,
                ids: None,
            };
            let page = self
                .list_directory(scope, crate::DirectoryKind::Queues, page)
                .await?;
            for queue in page.queues {
                if let Some(hours) = queue.business_hours {
                    out.insert(queue.id.as_str().to_owned(), hours);
                }
            }
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// Adds the thresholds of the queues these records name that are not known yet.
    async fn learn_rules(
        &self,
        scope: &TenantScope,
        records: &[&Interaction],
        rules: &mut HashMap<Key, QueueRules>,
    ) -> StoreResult<()> {
        let missing: BTreeSet<&Key> = records
            .iter()
            .filter_map(|it| it.queue_id.as_ref())
            .filter(|it| !rules.contains_key(*it))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let keys = DirectoryKeys {
            queues: missing.iter().map(|it| (*it).clone()).collect(),
            ..DirectoryKeys::default()
        };
        let found = self.lookup(scope, keys).await?;
        for key in missing {
            let queue = found.queues.get(key);
            let rule = QueueRules {
                sla_answer_secs: queue.and_then(|it| it.sla_answer_secs),
                short_abandon_secs: queue.and_then(|it| it.short_abandon_secs),
            };
            rules.insert(key.clone(), rule);
        }
        Ok(())
    }
}

impl ReportQuery {
    fn buckets(&self) -> StoreResult<Vec<Bucket>> {
        buckets_of(self.from, self.to, &self.zone, self.granularity)
    }

    /// Whether a record passes the filters the store's list did not apply.
    fn keeps(&self, it: &Interaction) -> bool {
        let keeps = |wanted: &[Key], value: &Option<Key>| {
            wanted.is_empty() || value.as_ref().is_some_and(|it| wanted.contains(it))
        };
        keeps(&self.queues, &it.queue_id) && keeps(&self.agents, &it.agent_id)
    }
}

/// The list filter a report scans with: its interval, channels and directions, and a
/// queue or agent when it names one (several are filtered by [`ReportQuery::keeps`]).
fn scan_filter(query: &ReportQuery) -> InteractionFilter {
    let mut filter = InteractionFilter {
        from: Some(query.from),
        to: Some(query.to),
        channels: query.channels.clone(),
        directions: query.directions.clone(),
        ..InteractionFilter::default()
    };
    if query.report == Report::Calls {
        filter.channels = vec![Channel::Voice];
    }
    if let [queue] = query.queues.as_slice() {
        filter.queue_id = Some(queue.clone());
    }
    if let [agent] = query.agents.as_slice() {
        filter.agent_id = Some(agent.clone());
    }
    filter
}

/// Business hours by queue id, for the queues that have them.
type Calendars = HashMap<String, BusinessHours>;

/// Whether a record's queue was open when it started (always, without a schedule).
fn open_at(calendars: &Calendars, it: &Interaction) -> bool {
    it.queue_id
        .as_ref()
        .and_then(|queue| calendars.get(queue.as_str()))
        .is_none_or(|hours| is_open(hours, it.started_at))
}

/// Totals by bucket and group, and every group seen.
#[derive(Default)]
struct Sums {
    groups: BTreeSet<Vec<Option<String>>>,
    totals: HashMap<(usize, Vec<Option<String>>), Totals>,
}

impl Sums {
    /// Adds a rollup row (its waits attached) to bucket `index`, in its group.
    fn add_rollup(
        &mut self,
        query: &ReportQuery,
        index: usize,
        key: &RollupKey,
        totals: RollupTotals,
    ) {
        let group: Vec<Option<String>> = query.group_by.iter().map(|dim| dim.of_key(key)).collect();
        let part = match query.report {
            Report::Calls => Totals::Calls(totals.calls),
            Report::Interactions => Totals::Interactions(totals.conversations),
        };
        self.add(index, group, part);
    }

    fn add(&mut self, bucket: usize, group: Vec<Option<String>>, part: Totals) {
        if !self.groups.contains(&group) {
            self.groups.insert(group.clone());
        }
        match self.totals.entry((bucket, group)) {
            std::collections::hash_map::Entry::Occupied(mut it) => it.get_mut().add(&part),
            std::collections::hash_map::Entry::Vacant(it) => {
                it.insert(part);
            }
        }
    }

    /// Every bucket with every group, empty totals where nothing fell.
    fn rows(mut self, buckets: &[Bucket], query: &ReportQuery) -> Vec<ReportRow> {
        if query.group_by.is_empty() {
            self.groups.insert(Vec::new());
        }
        let mut rows = Vec::with_capacity(buckets.len() * self.groups.len());
        for (index, bucket) in buckets.iter().enumerate() {
            for group in &self.groups {
                let totals = self
                    .totals
                    .remove(&(index, group.clone()))
                    .unwrap_or_else(|| empty(query.report));
                rows.push(ReportRow {
                    bucket: *bucket,
                    group: group.clone(),
                    totals,
                });
            }
        }
        rows
    }
}

fn empty(report: Report) -> Totals {
    match report {
        Report::Calls => Totals::Calls(CallTotals::default()),
        Report::Interactions => Totals::Interactions(ConversationTotals::default()),
    }
}

fn contribution(report: Report, it: &Interaction, rules: &HashMap<Key, QueueRules>) -> Totals {
    match report {
        Report::Calls => {
            let queue = it.queue_id.as_ref().and_then(|it| rules.get(it)).copied();
            Totals::Calls(CallTotals::of(it, queue.unwrap_or_default()))
        }
        Report::Interactions => Totals::Interactions(ConversationTotals::of(it)),
    }
}

/// The buckets of `[from, to)` in `zone`, or the field error that says why there are none.
fn buckets_of(
    from: Instant,
    to: Instant,
    zone: &Zone,
    granularity: Option<Granularity>,
) -> StoreResult<Vec<Bucket>> {
    cxhub_analytics::buckets(from, to, zone, granularity)
        .map_err(|err| invalid("granularity", err.to_string()))
}

/// The index of the bucket that holds `at`; the buckets are in order and contiguous.
fn bucket_of(buckets: &[Bucket], at: Instant) -> Option<usize> {
    let index = buckets.partition_point(|it| it.end <= at);
    buckets
        .get(index)
        .filter(|it| it.contains(at))
        .map(|_| index)
}

/// The answer of `sums`, unless it holds more entries than an answer may.
fn answer(
    source: Source,
    sums: Sums,
    buckets: &[Bucket],
    query: &ReportQuery,
) -> StoreResult<ReportAnswer> {
    let groups = sums.groups.len().max(1);
    if buckets.len().saturating_mul(groups) > MAX_ENTRIES {
        return Err(invalid(
            "granularity",
            format!(
                "{} buckets of {groups} groups exceed the {MAX_ENTRIES} entries an answer holds; \
                 ask for a coarser granularity, fewer groups or a shorter interval",
                buckets.len()
            ),
        ));
    }
    Ok(ReportAnswer {
        source,
        rows: sums.rows(buckets, query),
    })
}

fn invalid(field: &str, reason: String) -> StoreError {
    StoreError::Invalid(cxhub_model::error::FieldError::new(field, reason))
}
