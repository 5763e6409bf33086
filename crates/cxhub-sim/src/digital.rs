//! Digital channels: web chat, social messaging and email.
//!
//! They run after the voice simulation, on the presence it produced: an agent takes
//! chats only while logged in and not paused, up to three at once, and chats do not
//! block calls (agents type while idle between calls, as blended floors do). Email is
//! worked by whoever is available when its turn comes, which is hours later.
//! Conversations still running at the end of the day are reported open or pending, as
//! a snapshot taken at local midnight would show them.

mod email;
mod messaging;

use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Interaction, InteractionStatus, SenderKind, SlaStatus,
};
use cxhub_model::time::Instant;

use crate::Directory;
use crate::queues::Org;
use crate::random::{self, SimRng};
use crate::roster::agent::AgentState;
use crate::timeline::{self, DayClock};

/// Digital volume as a share of the day's calls.
const CHAT_SHARE: f64 = 0.25;
const SOCIAL_SHARE: f64 = 0.12;
const EMAIL_SHARE: f64 = 0.08;
/// How many live chats an agent handles at once.
const MAX_CHATS: usize = 3;
/// How many social threads an agent keeps open at once: customers answer those in
/// minutes, not seconds, so an agent juggles more of them.
const MAX_THREADS: usize = 5;

/// What every conversation needs: the center, the day, and who is free when.
pub(crate) struct Desk<'a> {
    pub org: &'a Org,
    pub directory: &'a Directory,
    pub clock: &'a DayClock,
    states: &'a [AgentState],
    /// Per agent, when each of their open conversations ends, and whether it is a
    /// social thread rather than a live chat.
    active: Vec<Vec<(Instant, bool)>>,
}

/// Simulates the day's chats, social threads and emails on the presence the voice
/// simulation left in `states`.
pub(crate) fn simulate(
    clock: &DayClock,
    org: &Org,
    directory: &Directory,
    states: &[AgentState],
    calls_per_day: u32,
    rng: &mut SimRng,
) -> Vec<Interaction> {
    let base = f64::from(calls_per_day);
    // Weekends lose fewer chats and messages than calls: people write from home.
    let (chat_scale, social_scale, email_scale) = match clock.weekend {
        true => (0.55, 0.75, 0.35),
        false => (clock.volume_scale, clock.volume_scale, clock.volume_scale),
    };
    let mut arrivals: Vec<(Instant, Channel)> = Vec::new();
    for at in clock.arrivals(rng, &timeline::CHAT, base * CHAT_SHARE * chat_scale) {
        arrivals.push((at, Channel::Chat));
    }
    for at in clock.arrivals(rng, &timeline::SOCIAL, base * SOCIAL_SHARE * social_scale) {
        arrivals.push((at, messaging::social_channel(rng)));
    }
    arrivals.sort_by_key(|(at, _)| *at);
    let mut desk = Desk {
        org,
        directory,
        clock,
        states,
        active: vec![Vec::new(); states.len()],
    };
    let mut conversations: Vec<Interaction> = Vec::with_capacity(arrivals.len());
    let platform_index = messaging::PlatformIndex::new(directory);
    for (at, channel) in arrivals {
        conversations.push(messaging::conversation(
            &mut desk,
            &platform_index,
            rng,
            at,
            channel,
        ));
    }
    for at in clock.arrivals(rng, &timeline::EMAIL, base * EMAIL_SHARE * email_scale) {
        conversations.push(email::email(&desk, rng, at));
    }
    conversations
}

impl Desk<'_> {
    /// The first agent among `members` free for a conversation from `from` on, and
    /// when; `None` if nobody is before `until`.
    pub(crate) fn assign(
        &mut self,
        members: &[usize],
        social: bool,
        from: Instant,
        until: Instant,
    ) -> Option<(usize, Instant)> {
        let limit = if social { MAX_THREADS } else { MAX_CHATS };
        let mut now = from;
        while now <= until {
            let mut best: Option<(usize, usize)> = None;
            let mut next = Instant::MAX;
            for &agent in members {
                let Some(available) = self.states[agent].available_from(now) else {
                    continue;
                };
                if available > now {
                    next = next.min(available);
                    continue;
                }
                let ends: Vec<Instant> = self.active[agent]
                    .iter()
                    .filter(|(end, kind)| *end > now && *kind == social)
                    .map(|(end, _)| *end)
                    .collect();
                match ends.len() < limit {
                    true if best.is_none_or(|(load, _)| ends.len() < load) => {
                        best = Some((ends.len(), agent))
                    }
                    true => (),
                    false => next = next.min(ends.iter().copied().min().unwrap_or(Instant::MAX)),
                }
            }
            if let Some((_, agent)) = best {
                return Some((agent, now));
            }
            if next == Instant::MAX {
                return None;
            }
            now = next;
        }
        None
    }

    /// Holds one of `agent`'s conversation slots from `from` until `until`.
    pub(crate) fn hold(&mut self, agent: usize, social: bool, from: Instant, until: Instant) {
        let slots = &mut self.active[agent];
        slots.retain(|(end, _)| *end > from);
        slots.push((until, social));
    }

    /// Who picks up work waiting since `from`, and when: the first agent available,
    /// a few minutes after they become available if they were not at `from`.
    pub(crate) fn first_available(
        &self,
        rng: &mut SimRng,
        from: Instant,
    ) -> Option<(usize, Instant)> {
        let times: Vec<(usize, Instant)> = (0..self.states.len())
            .filter_map(|agent| {
                self.states[agent]
                    .available_from(from)
                    .map(|at| (agent, at))
            })
            .collect();
        let earliest = times.iter().map(|(_, at)| *at).min()?;
        let first: Vec<(usize, Instant)> = times
            .into_iter()
            .filter(|(_, at)| *at == earliest)
            .collect();
        let (agent, at) = *random::pick(rng, &first);
        let settling_in = match at > from {
            true => random::millis(random::uniform(rng, 60.0, 900.0)),
            false => 0,
        };
        Some((agent, at.plus_millis(settling_in)))
    }

    pub(crate) fn agent_id(&self, agent: usize) -> Key {
        self.org.agents[agent].id.clone()
    }
}

/// Reports a conversation as local midnight finds it: the messages written by `end`,
/// open if the customer wrote last, pending (waiting on the customer) if the agent did.
pub(crate) fn snapshot(record: &mut Interaction, end: Instant) {
    record.messages.retain(|it| it.at <= end);
    let waiting_on_customer = record
        .messages
        .last()
        .is_some_and(|it| it.sender == SenderKind::Agent);
    let status = match waiting_on_customer {
        true => ConversationStatus::Pending,
        false => ConversationStatus::Open,
    };
    record.status = InteractionStatus::Conversation(status);
    record.updated_at = record.messages.last().map(|it| it.at);
}

/// Met or breached against `target`; `None` when the queue has no target.
/// A conversation that took longer than its queue's resolution target breached
/// its service level, whatever its first response (docs/metrics.md, "SLA status").
/// One still open at `now` is breached once past the target and otherwise, if its first
/// response met its target, pending until it is resolved.
pub(crate) fn judge_resolution(record: &mut Interaction, target: Option<u32>, now: Instant) {
    let (Some(target), Some(status)) = (target, record.sla_status) else {
        return;
    };
    let took = match record.resolution_secs {
        Some(took) => i64::from(took),
        None => now.secs_since(record.started_at),
    };
    record.sla_status = Some(match () {
        () if took > i64::from(target) => SlaStatus::Breached,
        () if record.resolution_secs.is_none() && status == SlaStatus::Met => SlaStatus::Pending,
        () => status,
    });
}

pub(crate) fn sla(first_response_secs: u32, target: Option<u32>) -> Option<SlaStatus> {
    target.map(|target| match first_response_secs <= target {
        true => SlaStatus::Met,
        false => SlaStatus::Breached,
    })
}
