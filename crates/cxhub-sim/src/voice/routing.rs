//! Offering a queued call to agents until one answers or the caller gives up.

use cxhub_model::call::{AbandonStage, CallLeg, LegStatus};
use cxhub_model::time::Instant;

use crate::queues::Ring;
use crate::random::{self, SimRng};
use crate::voice::Floor;
use crate::voice::record;

/// The longest a caller is kept in queue before the system ends the call.
const MAX_QUEUE_SECS: i64 = 15 * 60;
/// How long an agent who let a call ring out is skipped ("ring, no answer" penalty).
const RONA_PENALTY_MS: i64 = 30_000;
/// The pause between one target ringing out and the next one ringing.
const REROUTE_MS: i64 = 1_000;

/// How a queued call left the queue.
#[derive(Debug, Clone, Copy)]
pub(super) enum Routed {
    /// `leg` is the index of the answering leg.
    Answered {
        agent: usize,
        at: Instant,
        leg: usize,
    },
    Abandoned {
        at: Instant,
        stage: AbandonStage,
    },
    /// The system ended the call after the longest queue time.
    TimedOut {
        at: Instant,
    },
}

pub(super) struct Routing {
    pub outcome: Routed,
    pub legs: Vec<CallLeg>,
}

/// What a ringing agent does.
#[derive(Debug, Clone, Copy)]
enum Response {
    /// Answers after this many milliseconds of ringing.
    Answer(i64),
    Decline(i64),
    /// The phone refuses at once (do-not-disturb, a personal call on the device).
    Busy,
    NoAnswer,
}

fn respond(rng: &mut SimRng, timeout_ms: i64) -> Response {
    let roll = random::uniform(rng, 0.0, 1.0);
    match roll {
        r if r < 0.925 => {
            let delay = random::millis(random::lognormal(rng, 4.5, 0.5).max(1.0));
            match delay < timeout_ms {
                true => Response::Answer(delay),
                false => Response::NoAnswer,
            }
        }
        r if r < 0.965 => Response::NoAnswer,
        r if r < 0.985 => Response::Decline(random::millis(random::uniform(rng, 2.0, 8.0))),
        _ => Response::Busy,
    }
}

/// Rings agents of `queue` from `queued_at` until someone answers, the caller's
/// patience runs out at `patience_end`, or the queue gives up.
pub(super) fn route(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    queue: usize,
    queued_at: Instant,
    patience_end: Instant,
) -> Routing {
    let plan = &floor.org.queues[queue];
    let members = plan.members.clone();
    let overflow_at = queued_at.plus_secs(i64::from(plan.overflow_secs));
    let ring = plan.ring;
    let timeout_ms = i64::from(plan.ring_timeout_secs) * 1000;
    let give_up = queued_at.plus_secs(MAX_QUEUE_SECS);
    let mut legs = Vec::new();
    let mut now = queued_at;
    loop {
        if now >= patience_end {
            let outcome = Routed::Abandoned {
                at: patience_end,
                stage: AbandonStage::Queue,
            };
            return Routing { outcome, legs };
        }
        if now >= give_up {
            let outcome = Routed::TimedOut { at: give_up };
            return Routing { outcome, legs };
        }
        let pool = match now >= overflow_at {
            true => floor.org.voice_agents.as_slice(),
            false => members.as_slice(),
        };
        let ready = floor.ready_agents(now, pool);
        if ready.is_empty() {
            let next = pool
                .iter()
                .filter_map(|&agent| floor.agents[agent].ready_from(now))
                .min()
                .unwrap_or(Instant::MAX);
            let next = match now < overflow_at {
                true => next.min(overflow_at),
                false => next,
            };
            now = next.max(now.plus_millis(1)).min(patience_end.min(give_up));
            continue;
        }
        let step = match ring {
            Ring::LongestIdle => {
                let agent = *ready
                    .iter()
                    .min_by_key(|&&agent| (floor.agents[agent].idle_since(now), agent))
                    .expect("ready is not empty");
                ring_one(floor, rng, agent, now, patience_end, timeout_ms, &mut legs)
            }
            Ring::All => ring_all(floor, rng, &ready, now, patience_end, timeout_ms, &mut legs),
        };
        match step {
            Ok(outcome) => return Routing { outcome, legs },
            Err(next) => now = next,
        }
    }
}

/// Rings one agent. `Err` carries when to try the next one.
fn ring_one(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    agent: usize,
    now: Instant,
    patience_end: Instant,
    timeout_ms: i64,
    legs: &mut Vec<CallLeg>,
) -> Result<Routed, Instant> {
    let profile = &floor.org.agents[agent];
    let ring_at = now.plus_millis(random::between(rng, 100, 600));
    let mut leg = record::leg(&profile.extension, Some(&profile.id), now, ring_at);
    let (status, end, reason, code) = match respond(rng, timeout_ms) {
        Response::Answer(delay) => {
            let at = ring_at.plus_millis(delay);
            if at <= patience_end {
                record::answer(&mut leg, at);
                legs.push(leg);
                let leg = legs.len() - 1;
                return Ok(Routed::Answered { agent, at, leg });
            }
            (LegStatus::Cancelled, at, "originator_cancel", Some(487))
        }
        Response::Decline(delay) => (
            LegStatus::Declined,
            ring_at.plus_millis(delay),
            "call_rejected",
            Some(603),
        ),
        Response::Busy => (LegStatus::Busy, ring_at, "user_busy", Some(486)),
        Response::NoAnswer => (
            LegStatus::NotAnswered,
            ring_at.plus_millis(timeout_ms),
            "no_answer",
            Some(480),
        ),
    };
    if end > patience_end {
        let stop = patience_end.max(ring_at);
        record::close(
            &mut leg,
            LegStatus::Cancelled,
            stop,
            "originator_cancel",
            Some(487),
        );
        legs.push(leg);
        floor.agents[agent].occupy(now, stop);
        return Ok(Routed::Abandoned {
            at: stop,
            stage: AbandonStage::Ringing,
        });
    }
    record::close(&mut leg, status, end, reason, code);
    legs.push(leg);
    let penalty = match status {
        LegStatus::NotAnswered => RONA_PENALTY_MS,
        _ => 0,
    };
    floor.agents[agent].occupy(now, end.plus_millis(penalty));
    Err(end.plus_millis(REROUTE_MS))
}

/// How a round of ring-all ended, from one leg's point of view.
#[derive(Debug, Clone, Copy)]
enum Ending {
    /// This leg answered.
    Won,
    /// The caller hung up first.
    CallerLeft,
    /// Another leg answered.
    OtherWon,
    /// Nobody answered before the ring timeout.
    Timeout,
}

/// A ring-all leg's status, end, reason and SIP code when the round stopped at `stop`.
fn leg_outcome(
    response: Response,
    ending: Ending,
    ring_at: Instant,
    stop: Instant,
) -> (LegStatus, Instant, &'static str, Option<i32>) {
    match (response, ending) {
        (_, Ending::Won) => (LegStatus::Answered, stop, "", None),
        (Response::Decline(delay), _) if ring_at.plus_millis(delay) < stop => (
            LegStatus::Declined,
            ring_at.plus_millis(delay),
            "call_rejected",
            Some(603),
        ),
        (Response::Busy, _) => (LegStatus::Busy, ring_at, "user_busy", Some(486)),
        (_, Ending::CallerLeft) => (LegStatus::Cancelled, stop, "originator_cancel", Some(487)),
        (_, Ending::OtherWon) => (LegStatus::Cancelled, stop, "answered_elsewhere", None),
        (_, Ending::Timeout) => (LegStatus::NotAnswered, stop, "no_answer", Some(480)),
    }
}

/// Rings every ready agent at once; the first to answer takes the call.
fn ring_all(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    ready: &[usize],
    now: Instant,
    patience_end: Instant,
    timeout_ms: i64,
    legs: &mut Vec<CallLeg>,
) -> Result<Routed, Instant> {
    let ring_at = now.plus_millis(random::between(rng, 100, 600));
    let responses: Vec<(usize, Response)> = ready
        .iter()
        .map(|&agent| (agent, respond(rng, timeout_ms)))
        .collect();
    let winner = responses
        .iter()
        .filter_map(|&(agent, response)| match response {
            Response::Answer(delay) => Some((ring_at.plus_millis(delay), agent)),
            _ => None,
        })
        .min();
    let decided_at = winner.map_or(ring_at.plus_millis(timeout_ms), |(at, _)| at);
    let abandoned = patience_end < decided_at;
    let stop = match abandoned {
        true => patience_end.max(ring_at),
        false => decided_at,
    };
    let first_leg = legs.len();
    let mut answered_leg = None;
    for &(agent, response) in &responses {
        let profile = &floor.org.agents[agent];
        let mut leg = record::leg(&profile.extension, Some(&profile.id), now, ring_at);
        let won = !abandoned && winner.is_some_and(|(_, it)| it == agent);
        let ending = match (won, abandoned, winner.is_some()) {
            (true, _, _) => Ending::Won,
            (false, true, _) => Ending::CallerLeft,
            (false, false, true) => Ending::OtherWon,
            (false, false, false) => Ending::Timeout,
        };
        let (status, end, reason, code) = leg_outcome(response, ending, ring_at, stop);
        if won {
            record::answer(&mut leg, stop);
            answered_leg = Some(legs.len());
        } else {
            record::close(&mut leg, status, end, reason, code);
            let penalty = match status {
                LegStatus::NotAnswered => RONA_PENALTY_MS,
                _ => 0,
            };
            floor.agents[agent].occupy(now, end.plus_millis(penalty));
        }
        legs.push(leg);
    }
    debug_assert!(legs.len() > first_leg);
    // A caller who leaves after every phone already refused (busy, declined) left from
    // the queue, not from a ringing phone.
    let still_ringing = legs[first_leg..]
        .iter()
        .any(|leg| leg.ended_at.is_none_or(|end| end >= stop));
    let stage = match still_ringing {
        true => AbandonStage::Ringing,
        false => AbandonStage::Queue,
    };
    match (abandoned, winner, answered_leg) {
        (true, _, _) => Ok(Routed::Abandoned { at: stop, stage }),
        (false, Some((at, agent)), Some(leg)) => Ok(Routed::Answered { agent, at, leg }),
        _ => Err(stop.plus_millis(REROUTE_MS)),
    }
}
