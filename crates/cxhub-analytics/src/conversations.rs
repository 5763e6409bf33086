//! The totals of interactions of every channel (`/v1/analytics/interactions`): what was
//! offered and handled, first responses, resolutions and the SLA, per channel when asked.

use cxhub_model::interaction::{Channel, Direction, Interaction, SlaStatus};

use crate::dictionary::MetricValue;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationTotals {
    /// Inbound interactions.
    pub offered: u64,
    /// Offered ones an agent took (for a call: answered by an agent).
    pub handled: u64,
    /// First response seconds summed over the offered ones that have one, and how many.
    pub first_response_secs: u64,
    pub first_responses: u64,
    /// Resolution seconds summed over the offered ones that have one, and how many.
    pub resolution_secs: u64,
    pub resolutions: u64,
    /// Offered ones whose SLA was met, and those whose SLA was decided (met or breached).
    pub sla_met: u64,
    pub sla_decided: u64,
}

impl ConversationTotals {
    /// What one record adds: nothing unless it is inbound.
    pub fn of(it: &Interaction) -> ConversationTotals {
        let mut out = ConversationTotals::default();
        if it.direction != Direction::Inbound {
            return out;
        }
        out.offered = 1;
        let took = match (it.channel, &it.call) {
            (Channel::Voice, Some(call)) => call.answered_at.is_some(),
            (Channel::Voice, None) => false,
            _ => true,
        };
        out.handled = u64::from(took && it.agent_id.is_some());
        if let Some(secs) = it.first_response_secs {
            out.first_response_secs = u64::from(secs);
            out.first_responses = 1;
        }
        if let Some(secs) = it.resolution_secs {
            out.resolution_secs = u64::from(secs);
            out.resolutions = 1;
        }
        match it.sla_status {
            Some(SlaStatus::Met) => (out.sla_met, out.sla_decided) = (1, 1),
            Some(SlaStatus::Breached) => out.sla_decided = 1,
            _ => {}
        }
        out
    }

    pub fn add(&mut self, other: &ConversationTotals) {
        self.each(other, |mine, theirs| *mine += theirs);
    }

    pub fn subtract(&mut self, other: &ConversationTotals) {
        self.each(other, |mine, theirs| *mine = mine.saturating_sub(theirs));
    }

    fn each(&mut self, other: &ConversationTotals, mut apply: impl FnMut(&mut u64, u64)) {
        let pairs = [
            (&mut self.offered, other.offered),
            (&mut self.handled, other.handled),
            (&mut self.first_response_secs, other.first_response_secs),
            (&mut self.first_responses, other.first_responses),
            (&mut self.resolution_secs, other.resolution_secs),
            (&mut self.resolutions, other.resolutions),
            (&mut self.sla_met, other.sla_met),
            (&mut self.sla_decided, other.sla_decided),
        ];
        for (mine, theirs) in pairs {
            apply(mine, theirs);
        }
    }

    /// Every interaction metric, by name, in the dictionary's order.
    pub fn metrics(&self) -> Vec<(&'static str, MetricValue)> {
        let mean = |sum: u64, count: u64| {
            MetricValue::Ratio((count > 0).then(|| sum as f64 / count as f64))
        };
        vec![
            ("offered", MetricValue::Count(self.offered)),
            ("handled", MetricValue::Count(self.handled)),
            (
                "first_response_avg_secs",
                mean(self.first_response_secs, self.first_responses),
            ),
            (
                "resolution_avg_secs",
                mean(self.resolution_secs, self.resolutions),
            ),
            (
                "sla_met_pct",
                MetricValue::Ratio(
                    (self.sla_decided > 0)
                        .then(|| 100.0 * self.sla_met as f64 / self.sla_decided as f64),
                ),
            ),
        ]
    }
}
