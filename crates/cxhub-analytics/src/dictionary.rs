//! The metric dictionary: every metric's name, unit, formula in words and the source it
//! follows, as `GET /v1/analytics/metrics` serves it and `docs/analytics.md` explains it.

/// A metric's value in an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricValue {
    /// A count; zero in an empty bucket.
    Count(u64),
    /// A whole number of seconds; `None` (null) when nothing was measured.
    Whole(Option<u64>),
    /// A mean or a percentage; `None` (null) when its divisor is 0.
    Ratio(Option<f64>),
}

/// One metric of the dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    /// The endpoint that answers it: `calls`, `interactions` or `agents`.
    pub report: &'static str,
    pub unit: &'static str,
    pub formula: &'static str,
    /// Whose definition ours follows, and where it differs.
    pub source: &'static str,
}

const fn metric(
    report: &'static str,
    name: &'static str,
    unit: &'static str,
    formula: &'static str,
    source: &'static str,
) -> Metric {
    Metric {
        name,
        report,
        unit,
        formula,
        source,
    }
}

/// Every metric, calls first, in the order answers list them.
pub const METRICS: &[Metric] = &[
    metric(
        "calls",
        "offered",
        "calls",
        "Inbound voice calls.",
        "Genesys nOffered; Connect CONTACTS_QUEUED counts only queued calls, ours counts every inbound call.",
    ),
    metric(
        "calls",
        "answered",
        "calls",
        "Offered calls with call.answered_at and agent_id both set: an agent took the call (an IVR's answer is self_service).",
        "Genesys tAnswered count; Connect CONTACTS_HANDLED.",
    ),
    metric(
        "calls",
        "self_service",
        "calls",
        "Offered calls with status ended and no agent.",
        "Wazo's closed/IVR-only outcome; Genesys and Connect leave these to flow metrics.",
    ),
    metric(
        "calls",
        "abandoned",
        "calls",
        "Offered calls with status abandoned.",
        "Genesys tAbandon count; Connect CONTACTS_ABANDONED.",
    ),
    metric(
        "calls",
        "short_abandoned",
        "calls",
        "Abandoned calls whose call.wait_secs (0 when absent) is below the queue's short_abandon_secs; none without a threshold.",
        "Genesys tShortAbandon (a fixed 10 s there; ours is the queue's setting).",
    ),
    metric(
        "calls",
        "answered_in_sl",
        "calls",
        "Answered calls whose call.wait_secs (0 when absent) is at most the queue's sla_answer_secs (0 when the queue has none).",
        "Genesys oServiceLevel numerator; Connect SERVICE_LEVEL's answered-within count.",
    ),
    metric(
        "calls",
        "service_level_pct",
        "percent",
        "100 × answered_in_sl / (answered + abandoned − short_abandoned); null when the divisor is 0.",
        "Genesys oServiceLevel with short abandons left out of the divisor; Connect SERVICE_LEVEL counts every contact.",
    ),
    metric(
        "calls",
        "abandon_rate_pct",
        "percent",
        "100 × (abandoned − short_abandoned) / (offered − short_abandoned); null when the divisor is 0.",
        "Connect ABANDONMENT_RATE, with short abandons left out of both sides.",
    ),
    metric(
        "calls",
        "asa_secs",
        "seconds",
        "Mean call.wait_secs of answered calls (absent counts as 0).",
        "Genesys tAnswered mean; Connect AVG_QUEUE_ANSWER_TIME.",
    ),
    metric(
        "calls",
        "aht_secs",
        "seconds",
        "Mean of call.talk_secs + wrap_up_secs (absent counts as 0) over answered calls.",
        "Genesys tHandle (which adds hold; ours counts hold inside talk, as the sources report it); Connect AVG_HANDLE_TIME.",
    ),
    metric(
        "calls",
        "avg_talk_secs",
        "seconds",
        "Mean call.talk_secs of answered calls (absent counts as 0).",
        "Genesys tTalk mean; Connect AVG_TALK_TIME.",
    ),
    metric(
        "calls",
        "avg_hold_secs",
        "seconds",
        "Mean hold_secs of answered calls (absent counts as 0).",
        "Genesys tHeld mean over all answered calls (Genesys averages over held calls only); Connect AVG_HOLD_TIME.",
    ),
    metric(
        "calls",
        "avg_wrap_up_secs",
        "seconds",
        "Mean wrap_up_secs of answered calls (absent counts as 0).",
        "Genesys tAcw mean; Connect AVG_AFTER_CONTACT_WORK_TIME.",
    ),
    metric(
        "calls",
        "max_wait_secs",
        "seconds",
        "The longest call.wait_secs among offered calls; null when none has a wait.",
        "Connect MAX_QUEUED_TIME; Wazo's longest wait.",
    ),
    metric(
        "calls",
        "wait_p90_secs",
        "seconds",
        "The 90th percentile (nearest rank) of call.wait_secs over answered calls, from a histogram exact below 20 s and within 5% above; null when none was answered.",
        "Connect's percentile metrics; Genesys has none for waits.",
    ),
    metric(
        "calls",
        "outbound_attempted",
        "calls",
        "Outbound voice calls.",
        "Genesys nOutbound; Connect CONTACTS_CREATED with initiation method OUTBOUND.",
    ),
    metric(
        "calls",
        "outbound_connected",
        "calls",
        "Outbound voice calls with call.answered_at set.",
        "Genesys nOutboundConnected.",
    ),
    metric(
        "calls",
        "internal",
        "calls",
        "Internal (agent to agent) voice calls.",
        "Wazo's internal calls; Genesys leaves them out of queue metrics.",
    ),
    metric(
        "interactions",
        "offered",
        "interactions",
        "Inbound interactions of any channel.",
        "Genesys nOffered per media type.",
    ),
    metric(
        "interactions",
        "handled",
        "interactions",
        "Offered interactions an agent took: agent_id set (for a call, also call.answered_at).",
        "Genesys tHandle count; Connect CONTACTS_HANDLED.",
    ),
    metric(
        "interactions",
        "first_response_avg_secs",
        "seconds",
        "Mean first_response_secs of offered interactions that have one; null when none has.",
        "Chatwoot's first response time; Genesys tFirstResponse (digital).",
    ),
    metric(
        "interactions",
        "resolution_avg_secs",
        "seconds",
        "Mean resolution_secs of offered interactions that have one; null when none has.",
        "Chatwoot's resolution time; Zendesk's full resolution time uses full_resolution_secs instead.",
    ),
    metric(
        "interactions",
        "sla_met_pct",
        "percent",
        "100 × interactions with sla_status met / those with sla_status met or breached; null when none is decided.",
        "klink.cloud's SLA status per conversation.",
    ),
    metric(
        "agents",
        "status_secs",
        "seconds",
        "Seconds in each presence status (a map by status), each interval clipped to the bucket; an agent's latest status runs until now.",
        "Genesys tAgentRoutingStatus and tOrganizationPresence; Connect has no historical time-in-status (only its real-time API).",
    ),
    metric(
        "agents",
        "reason_secs",
        "seconds",
        "Seconds in each status by the reason the agent gave (a map of maps); intervals without a reason are only in status_secs.",
        "Connect's agent status reasons; Wazo's pause reasons.",
    ),
    metric(
        "agents",
        "staffed_secs",
        "seconds",
        "Seconds in the statuses the tenant's catalogue marks productive.",
        "Genesys tOnQueueTime (we count the productive statuses, not queue membership).",
    ),
    metric(
        "agents",
        "handled",
        "interactions",
        "Inbound calls the agent answered and inbound conversations they handled, by started_at.",
        "Genesys tHandle count; Connect CONTACTS_HANDLED.",
    ),
    metric(
        "agents",
        "handle_secs",
        "seconds",
        "call.talk_secs + wrap_up_secs of the inbound calls the agent answered, by started_at.",
        "Genesys tHandle sum (voice); digital conversations are concurrent, so their time is left out.",
    ),
    metric(
        "agents",
        "occupancy_pct",
        "percent",
        "100 × handle_secs / staffed_secs, at most 100; null when staffed_secs is 0. A call counts in the bucket it started in.",
        "Connect AGENT_OCCUPANCY; Genesys occupancy. Both spread handle time over the buckets it spans; ours does not.",
    ),
];
