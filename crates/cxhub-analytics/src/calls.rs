//! The totals every voice-call metric is computed from, one call's contribution to them,
//! and the metrics themselves (`crate::dictionary` says what each one means).

use cxhub_model::call::CallStatus;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};

use crate::dictionary::MetricValue;
use crate::histogram::Histogram;

/// A queue's thresholds, from its directory record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueRules {
    /// An answer within this many seconds is within the service level (0 when absent).
    pub sla_answer_secs: Option<u32>,
    /// An abandon before this many seconds is short; without it none is.
    pub short_abandon_secs: Option<u32>,
}

/// Counts and sums over voice calls. Means divide a sum by the count it was taken over,
/// so totals add and subtract exactly; only the longest wait cannot be taken back out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallTotals {
    pub offered: u64,
    pub answered: u64,
    pub self_service: u64,
    pub abandoned: u64,
    pub short_abandoned: u64,
    pub answered_in_sl: u64,
    /// Sums over answered calls, an absent value counting 0.
    pub answered_wait_secs: u64,
    pub answered_talk_secs: u64,
    pub answered_hold_secs: u64,
    pub answered_wrap_up_secs: u64,
    /// The longest wait of an offered call; `None` before any has a wait.
    pub max_wait_secs: Option<u32>,
    /// The waits of answered calls, for percentiles.
    pub answered_waits: Histogram,
    pub outbound_attempted: u64,
    pub outbound_connected: u64,
    pub internal: u64,
}

impl CallTotals {
    /// What one record adds: nothing unless it is a voice call.
    pub fn of(it: &Interaction, rules: QueueRules) -> CallTotals {
        let mut out = CallTotals::default();
        let Some(call) = it.call.as_ref().filter(|_| it.channel == Channel::Voice) else {
            return out;
        };
        match it.direction {
            Direction::Outbound => {
                out.outbound_attempted = 1;
                out.outbound_connected = u64::from(call.answered_at.is_some());
            }
            Direction::Internal => out.internal = 1,
            Direction::Inbound => {
                let wait = call.wait_secs.unwrap_or(0);
                let status = match it.status {
                    InteractionStatus::Call(status) => Some(status),
                    InteractionStatus::Conversation(_) => None,
                };
                out.offered = 1;
                out.max_wait_secs = call.wait_secs;
                let answered = call.answered_at.is_some() && it.agent_id.is_some();
                if answered {
                    out.answered = 1;
                    out.answered_in_sl = u64::from(wait <= rules.sla_answer_secs.unwrap_or(0));
                    out.answered_wait_secs = u64::from(wait);
                    out.answered_talk_secs = u64::from(call.talk_secs.unwrap_or(0));
                    out.answered_hold_secs = u64::from(it.hold_secs.unwrap_or(0));
                    out.answered_wrap_up_secs = u64::from(it.wrap_up_secs.unwrap_or(0));
                    out.answered_waits.add(wait);
                }
                if status == Some(CallStatus::Ended) && it.agent_id.is_none() {
                    out.self_service = 1;
                }
                if status == Some(CallStatus::Abandoned) {
                    out.abandoned = 1;
                    let short = rules.short_abandon_secs.is_some_and(|limit| wait < limit);
                    out.short_abandoned = u64::from(short);
                }
            }
        }
        out
    }

    pub fn add(&mut self, other: &CallTotals) {
        self.each_count(other, |mine, theirs| *mine += theirs);
        self.max_wait_secs = self.max_wait_secs.max(other.max_wait_secs);
        self.answered_waits.merge(&other.answered_waits);
    }

    /// Takes out what `other` added before. Answers whether the longest wait may now be
    /// too long (`other` held it), so that its keeper can read it again from the records.
    #[must_use]
    pub fn subtract(&mut self, other: &CallTotals) -> bool {
        self.each_count(other, |mine, theirs| *mine = mine.saturating_sub(theirs));
        self.answered_waits.subtract(&other.answered_waits);
        other.max_wait_secs.is_some() && other.max_wait_secs >= self.max_wait_secs
    }

    fn each_count(&mut self, other: &CallTotals, mut apply: impl FnMut(&mut u64, u64)) {
        let pairs = [
            (&mut self.offered, other.offered),
            (&mut self.answered, other.answered),
            (&mut self.self_service, other.self_service),
            (&mut self.abandoned, other.abandoned),
            (&mut self.short_abandoned, other.short_abandoned),
            (&mut self.answered_in_sl, other.answered_in_sl),
            (&mut self.answered_wait_secs, other.answered_wait_secs),
            (&mut self.answered_talk_secs, other.answered_talk_secs),
            (&mut self.answered_hold_secs, other.answered_hold_secs),
            (&mut self.answered_wrap_up_secs, other.answered_wrap_up_secs),
            (&mut self.outbound_attempted, other.outbound_attempted),
            (&mut self.outbound_connected, other.outbound_connected),
            (&mut self.internal, other.internal),
        ];
        for (mine, theirs) in pairs {
            apply(mine, theirs);
        }
    }

    /// Every call metric, by name, in the dictionary's order.
    pub fn metrics(&self) -> Vec<(&'static str, MetricValue)> {
        let ratio = |numerator: u64, denominator: u64| {
            MetricValue::Ratio((denominator > 0).then(|| numerator as f64 / denominator as f64))
        };
        let percent = |numerator: u64, denominator: u64| {
            MetricValue::Ratio(
                (denominator > 0).then(|| 100.0 * numerator as f64 / denominator as f64),
            )
        };
        let sl_base = (self.answered + self.abandoned).saturating_sub(self.short_abandoned);
        let counted_abandons = self.abandoned.saturating_sub(self.short_abandoned);
        let abandon_base = self.offered.saturating_sub(self.short_abandoned);
        vec![
            ("offered", MetricValue::Count(self.offered)),
            ("answered", MetricValue::Count(self.answered)),
            ("self_service", MetricValue::Count(self.self_service)),
            ("abandoned", MetricValue::Count(self.abandoned)),
            ("short_abandoned", MetricValue::Count(self.short_abandoned)),
            ("answered_in_sl", MetricValue::Count(self.answered_in_sl)),
            ("service_level_pct", percent(self.answered_in_sl, sl_base)),
            ("abandon_rate_pct", percent(counted_abandons, abandon_base)),
            ("asa_secs", ratio(self.answered_wait_secs, self.answered)),
            (
                "aht_secs",
                ratio(
                    self.answered_talk_secs + self.answered_wrap_up_secs,
                    self.answered,
                ),
            ),
            (
                "avg_talk_secs",
                ratio(self.answered_talk_secs, self.answered),
            ),
            (
                "avg_hold_secs",
                ratio(self.answered_hold_secs, self.answered),
            ),
            (
                "avg_wrap_up_secs",
                ratio(self.answered_wrap_up_secs, self.answered),
            ),
            (
                "max_wait_secs",
                MetricValue::Whole(self.max_wait_secs.map(u64::from)),
            ),
            (
                "wait_p90_secs",
                MetricValue::Whole(self.answered_waits.quantile(0.9).map(u64::from)),
            ),
            (
                "outbound_attempted",
                MetricValue::Count(self.outbound_attempted),
            ),
            (
                "outbound_connected",
                MetricValue::Count(self.outbound_connected),
            ),
            ("internal", MetricValue::Count(self.internal)),
        ]
    }
}

#[cfg(test)]
mod tests;
