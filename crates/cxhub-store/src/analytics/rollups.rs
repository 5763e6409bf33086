//! Reading the rollups the backends keep at write time (the `rollup` and `rollup_wait`
//! tables, filled by triggers in SQLite's migration 0008 and PostgreSQL's 0006): their
//! conditions and rows, the same on every backend.

use cxhub_analytics::{CallTotals, ConversationTotals, Histogram};

use crate::StoreResult;
use crate::columns::Columns;
use crate::conditions::Conditions;
use crate::values::{Cell, corrupt};

/// The width of a rollup bucket, in milliseconds.
pub(crate) const BUCKET_MILLIS: i64 = 15 * 60 * 1000;

/// Which rollup rows to read: one level, buckets in `[from, to)`, and the filters.
#[derive(Debug, Clone, Default)]
pub(crate) struct RollupScan {
    /// 0: per queue; 1: per queue and agent.
    pub level: i64,
    pub from: i64,
    pub to: i64,
    pub queues: Vec<String>,
    pub agents: Vec<String>,
    pub channels: Vec<String>,
    pub directions: Vec<String>,
}

impl RollupScan {
    /// Adds this scan's conditions to a `where` that names the tenant.
    pub(crate) fn conditions(&self, cond: &mut impl Conditions) {
        cond.and("level = ?", vec![Cell::Int(self.level)]);
        cond.and("bucket >= ?", vec![Cell::Int(self.from)]);
        cond.and("bucket < ?", vec![Cell::Int(self.to)]);
        cond.and_in("queue", self.queues.clone());
        cond.and_in("agent", self.agents.clone());
        cond.and_in("channel", self.channels.clone());
        cond.and_in("direction", self.directions.clone());
    }

    /// The same conditions for `rollup_wait`, which holds inbound voice calls only.
    pub(crate) fn wait_conditions(&self, cond: &mut impl Conditions) {
        cond.and("level = ?", vec![Cell::Int(self.level)]);
        cond.and("bucket >= ?", vec![Cell::Int(self.from)]);
        cond.and("bucket < ?", vec![Cell::Int(self.to)]);
        cond.and_in("queue", self.queues.clone());
        cond.and_in("agent", self.agents.clone());
        cond.and("n <> 0", vec![]);
    }

    /// Whether a row of this level passes the filters (as [`Self::conditions`] says in SQL).
    pub(crate) fn keeps(&self, key: &RollupKey) -> bool {
        let keeps = |wanted: &[String], value: &str| {
            wanted.is_empty() || wanted.iter().any(|it| it == value)
        };
        keeps(&self.queues, &key.queue)
            && keeps(&self.agents, &key.agent)
            && keeps(&self.channels, &key.channel)
            && keeps(&self.directions, &key.direction)
    }

    /// Whether inbound voice calls pass the channel and direction filters.
    pub(crate) fn keeps_inbound_calls(&self) -> bool {
        let keeps = |wanted: &[String], value: &str| {
            wanted.is_empty() || wanted.iter().any(|it| it == value)
        };
        keeps(&self.channels, "voice") && keeps(&self.directions, "inbound")
    }
}

/// The rollup columns, in the order [`read_row`] reads them.
pub(crate) const COLUMNS: &str = "bucket, queue, agent, channel, direction, records, offered, \
    answered, self_service, abandoned, short_abandoned, answered_in_sl, answered_wait_secs, \
    answered_talk_secs, answered_hold_secs, answered_wrap_up_secs, max_wait_secs, \
    outbound_attempted, outbound_connected, internal, handled, first_response_secs, \
    first_responses, resolution_secs, resolutions, sla_met, sla_decided";

/// The `rollup_wait` columns, in the order [`read_wait`] reads them.
pub(crate) const WAIT_COLUMNS: &str = "bucket, queue, agent, bin, n";

/// The key of a rollup row: its bucket's start and its dimensions ('' for none).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct RollupKey {
    pub bucket: i64,
    pub queue: String,
    pub agent: String,
    pub channel: String,
    pub direction: String,
}

/// One rollup row: how many records it holds, and their totals (without the waits'
/// histogram, which `rollup_wait` holds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RollupTotals {
    pub records: u64,
    pub calls: CallTotals,
    pub conversations: ConversationTotals,
}

impl RollupTotals {
    pub(crate) fn add(&mut self, other: &RollupTotals) {
        self.records += other.records;
        self.calls.add(&other.calls);
        self.conversations.add(&other.conversations);
    }
}

pub(crate) fn read_row<'a>(cols: &mut impl Columns<'a>) -> StoreResult<(RollupKey, RollupTotals)> {
    let key = RollupKey {
        bucket: cols.required_int()?,
        queue: cols.required_text()?,
        agent: cols.required_text()?,
        channel: cols.required_text()?,
        direction: cols.required_text()?,
    };
    let mut count = || -> StoreResult<u64> {
        let value = cols.required_int()?;
        u64::try_from(value).map_err(|_| corrupt(format!("rollup count {value}")))
    };
    let records = count()?;
    let mut calls = CallTotals {
        offered: count()?,
        answered: count()?,
        self_service: count()?,
        abandoned: count()?,
        short_abandoned: count()?,
        answered_in_sl: count()?,
        answered_wait_secs: count()?,
        answered_talk_secs: count()?,
        answered_hold_secs: count()?,
        answered_wrap_up_secs: count()?,
        ..CallTotals::default()
    };
    calls.max_wait_secs = cols
        .int()?
        .map(|it| u32::try_from(it).map_err(|_| corrupt(format!("rollup wait {it}"))))
        .transpose()?;
    let mut count = || -> StoreResult<u64> {
        let value = cols.required_int()?;
        u64::try_from(value).map_err(|_| corrupt(format!("rollup count {value}")))
    };
    calls.outbound_attempted = count()?;
    calls.outbound_connected = count()?;
    calls.internal = count()?;
    let handled = count()?;
    let conversations = ConversationTotals {
        // Every inbound record is offered on both reports (a call is one on either).
        offered: calls.offered,
        handled,
        first_response_secs: count()?,
        first_responses: count()?,
        resolution_secs: count()?,
        resolutions: count()?,
        sla_met: count()?,
        sla_decided: count()?,
    };
    if key.channel != "voice" {
        // `offered` counts inbound records of every channel; only voice ones are calls.
        calls.offered = 0;
    }
    Ok((
        key,
        RollupTotals {
            records,
            calls,
            conversations,
        },
    ))
}

/// One histogram bin's count of a rollup bucket's answered waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WaitCount {
    pub bucket: i64,
    pub queue: String,
    pub agent: String,
    pub bin: u16,
    pub n: u64,
}

pub(crate) fn read_wait<'a>(cols: &mut impl Columns<'a>) -> StoreResult<WaitCount> {
    let bucket = cols.required_int()?;
    let queue = cols.required_text()?;
    let agent = cols.required_text()?;
    let bin = cols.required_int()?;
    let n = cols.required_int()?;
    Ok(WaitCount {
        bucket,
        queue,
        agent,
        bin: u16::try_from(bin).map_err(|_| corrupt(format!("wait bin {bin}")))?,
        n: u64::try_from(n).map_err(|_| corrupt(format!("wait count {n}")))?,
    })
}

/// The waits of `counts` as histograms, by the key they belong to (voice, inbound).
pub(crate) fn histograms(
    counts: Vec<WaitCount>,
) -> std::collections::HashMap<RollupKey, Histogram> {
    let mut bins: std::collections::HashMap<RollupKey, Vec<(u16, u64)>> = Default::default();
    for it in counts {
        let key = RollupKey {
            bucket: it.bucket,
            queue: it.queue,
            agent: it.agent,
            channel: "voice".to_owned(),
            direction: "inbound".to_owned(),
        };
        bins.entry(key).or_default().push((it.bin, it.n));
    }
    bins.into_iter()
        .map(|(key, bins)| (key, Histogram::from_bins(bins)))
        .collect()
}

/// Which agent-time rows to read (`presence_rollup`): buckets in `[from, to)`, and the users.
#[derive(Debug, Clone, Default)]
pub(crate) struct PresenceScan {
    pub from: i64,
    pub to: i64,
    pub users: Vec<String>,
}

impl PresenceScan {
    pub(crate) fn conditions(&self, cond: &mut impl Conditions) {
        cond.and("bucket >= ?", vec![Cell::Int(self.from)]);
        cond.and("bucket < ?", vec![Cell::Int(self.to)]);
        cond.and_in("user_id", self.users.clone());
        cond.and("millis <> 0", vec![]);
    }
}

/// The `presence_rollup` columns, in the order [`read_presence`] reads them.
pub(crate) const PRESENCE_COLUMNS: &str = "bucket, user_id, status, reason, millis";

/// One bucket's time of one user in one status and reason ('' for none).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PresenceTime {
    pub bucket: i64,
    pub user: String,
    pub status: String,
    pub reason: String,
    pub millis: i64,
}

pub(crate) fn read_presence<'a>(cols: &mut impl Columns<'a>) -> StoreResult<PresenceTime> {
    Ok(PresenceTime {
        bucket: cols.required_int()?,
        user: cols.required_text()?,
        status: cols.required_text()?,
        reason: cols.required_text()?,
        millis: cols.required_int()?,
    })
}

/// Inbound calls in a queue now, not answered and not ended, per queue ('' for none):
/// how many, and when the longest waiting one was queued. Parameters: tenant, now.
pub(crate) fn waiting_sql(placeholder: impl Fn(usize) -> String) -> String {
    format!(
        "select coalesce(queue_id, ''), count(*), min(queued_at) from interaction \
         where tenant_pk = {} and ended_at is null and deleted_at is null \
           and channel = 'voice' and direction = 'inbound' and answered_at is null \
           and queued_at is not null and queued_at <= {} \
         group by 1",
        placeholder(1),
        placeholder(2)
    )
}

/// One queue's waiting calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Waiting {
    pub queue: String,
    pub calls: u64,
    pub oldest_queued_at: i64,
}

pub(crate) fn read_waiting<'a>(cols: &mut impl Columns<'a>) -> StoreResult<Waiting> {
    let queue = cols.required_text()?;
    let calls = cols.required_int()?;
    Ok(Waiting {
        queue,
        calls: u64::try_from(calls).map_err(|_| corrupt(format!("waiting count {calls}")))?,
        oldest_queued_at: cols.required_int()?,
    })
}
