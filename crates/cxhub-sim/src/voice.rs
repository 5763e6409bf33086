//! Voice: a discrete-event simulation of one day of calls.
//!
//! Calls are processed in the order they start. Each agent has a busy-until instant
//! and a shift whose pauses become real as the simulation reaches them, so a caller
//! processed later finds the agents as earlier callers left them: the queue is served
//! first come, first served. Outbound and internal calls are placed by agents who are
//! ready at that moment; when nobody is, the call is retried a few minutes later.

mod connected;
mod dialing;
mod inbound;
mod record;
mod routing;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;

use crate::Directory;
use crate::queues::Org;
use crate::random::{self, SimRng};
use crate::roster::agent::AgentState;
use crate::timeline::{self, DayClock};

/// Shares of the day's calls by direction.
const INBOUND_SHARE: f64 = 0.85;
const OUTBOUND_SHARE: f64 = 0.12;
const INTERNAL_SHARE: f64 = 0.03;

/// How often, and how long after, an agent-placed call is retried when nobody is ready.
const DIAL_RETRIES: u8 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Inbound,
    Outbound { tries: u8 },
    Internal { tries: u8 },
}

/// What every call needs to see: the center, the day and the agents' states.
pub(crate) struct Floor<'a> {
    pub org: &'a Org,
    pub directory: &'a Directory,
    pub agents: &'a mut [AgentState],
    /// Per queue, when each caller still in it leaves; for the queue-full check.
    waiting: Vec<BinaryHeap<Reverse<Instant>>>,
}

/// Calls waiting to be placed, earliest first; the number keeps equal instants in
/// the order they were scheduled.
type Events = BinaryHeap<Reverse<(Instant, u64, Kind)>>;

/// Simulates the day's calls; `agents` are left as the day ended.
pub(crate) fn simulate(
    clock: &DayClock,
    org: &Org,
    directory: &Directory,
    agents: &mut [AgentState],
    calls_per_day: u32,
    rng: &mut SimRng,
) -> Vec<Interaction> {
    let mut events = schedule(clock, calls_per_day, rng);
    let mut floor = Floor {
        org,
        directory,
        agents,
        waiting: vec![BinaryHeap::new(); org.queues.len()],
    };
    let mut calls = Vec::with_capacity(events.len());
    let mut seq = events.len() as u64;
    while let Some(Reverse((at, _, kind))) = events.pop() {
        let placed = match kind {
            Kind::Inbound => Some(inbound::call(&mut floor, rng, at)),
            Kind::Outbound { .. } => dialing::outbound(&mut floor, rng, at),
            Kind::Internal { .. } => dialing::internal(&mut floor, rng, at),
        };
        match (placed, kind.retried()) {
            (Some(call), _) => calls.push(call),
            (None, Some(retry)) => {
                let retry_at = at.plus_millis(random::millis(random::uniform(rng, 120.0, 480.0)));
                seq += 1;
                events.push(Reverse((retry_at, seq, retry)));
            }
            (None, None) => (),
        }
    }
    calls
}

/// The day's call attempts: inbound and internal calls follow the day's call curve,
/// outbound calls the office hours of the agents who place them.
fn schedule(clock: &DayClock, calls_per_day: u32, rng: &mut SimRng) -> Events {
    let expected = f64::from(calls_per_day) * clock.volume_scale;
    let inbound_profile = match clock.weekend {
        true => &timeline::VOICE_WEEKEND,
        false => &timeline::VOICE_WEEKDAY,
    };
    let plan = [
        (inbound_profile, INBOUND_SHARE, Kind::Inbound),
        (
            &timeline::OUTBOUND,
            OUTBOUND_SHARE,
            Kind::Outbound { tries: 0 },
        ),
        (inbound_profile, INTERNAL_SHARE, Kind::Internal { tries: 0 }),
    ];
    let mut events = Events::new();
    for (profile, share, kind) in plan {
        for at in clock.arrivals(rng, profile, expected * share) {
            let seq = events.len() as u64;
            events.push(Reverse((at, seq, kind)));
        }
    }
    events
}

impl Kind {
    /// The same call tried again later, unless it was tried enough or is inbound.
    fn retried(self) -> Option<Kind> {
        match self {
            Kind::Outbound { tries } if tries < DIAL_RETRIES => {
                Some(Kind::Outbound { tries: tries + 1 })
            }
            Kind::Internal { tries } if tries < DIAL_RETRIES => {
                Some(Kind::Internal { tries: tries + 1 })
            }
            _ => None,
        }
    }
}

impl Floor<'_> {
    /// Brings every agent's pauses up to `now`, and lists those ready for a call.
    pub(crate) fn ready_agents(&mut self, now: Instant, among: &[usize]) -> Vec<usize> {
        let mut ready = Vec::new();
        for &agent_idx in among {
            let state = &mut self.agents[agent_idx];
            state.advance(now);
            if state.ready(now) {
                ready.push(agent_idx);
            }
        }
        ready
    }

    /// Agents free to place a call of their own at `now`: ready, and with no caller
    /// waiting in any of their queues (nobody dials out while customers queue).
    pub(crate) fn free_to_dial(&mut self, now: Instant) -> Vec<usize> {
        let everyone: Vec<usize> = (0..self.agents.len()).collect();
        let mut free = self.ready_agents(now, &everyone);
        free.retain(|&agent| {
            let queues = &self.org.agents[agent].queues;
            queues.iter().all(|&queue| self.waiting_at(queue, now) == 0)
        });
        free
    }

    /// A customer who calls or is called; `None` for a stranger.
    pub(crate) fn pick_contact(&self, rng: &mut SimRng) -> Option<usize> {
        crate::catalog::pick_contact(rng, self.directory)
    }

    /// How many callers wait in `queue` at `now`, after `now`'s leavers have gone.
    fn queue_length(&mut self, queue: usize, now: Instant) -> usize {
        let heap = &mut self.waiting[queue];
        while heap.peek().is_some_and(|Reverse(leave)| *leave <= now) {
            heap.pop();
        }
        heap.len()
    }

    /// How many callers wait in `queue` at `now`, without forgetting anyone: `now` may
    /// be earlier than the last call processed.
    fn waiting_at(&self, queue: usize, now: Instant) -> usize {
        self.waiting[queue]
            .iter()
            .filter(|Reverse(leave)| *leave > now)
            .count()
    }

    fn leave_queue_at(&mut self, queue: usize, at: Instant) {
        self.waiting[queue].push(Reverse(at));
    }
}
