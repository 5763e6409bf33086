//! A call once an agent answered it: talk, holds, a transfer or a supervisor joining,
//! and wrap-up.

use cxhub_model::call::{CallKind, CallStatus, LegStatus, ReleaseParty};
use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;

use crate::content;
use crate::queues::Topic;
use crate::random::{self, SimRng};
use crate::records::secs_between;
use crate::voice::Floor;
use crate::voice::record::{self, Draft};

const TRANSFER_CHANCE: f64 = 0.05;
const CONFERENCE_CHANCE: f64 = 0.012;

/// Who holds a call at its end, on which leg, and since when.
#[derive(Debug, Clone, Copy)]
struct Holder {
    agent: usize,
    leg: usize,
    since: Instant,
}

/// Completes an inbound call answered by `agent` at `answered_at` on leg `leg`.
pub(super) fn connect(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    mut draft: Draft,
    queue: usize,
    agent: usize,
    answered_at: Instant,
    leg: usize,
) -> Interaction {
    let topic = floor.org.queues[queue].topic;
    let talk = talk_secs(rng, 155.0);
    let (hold_count, hold) = holds(rng, 0.2, talk);
    let mut ended = answered_at.plus_millis(random::millis(talk + hold));
    let mut holder = Holder {
        agent,
        leg,
        since: answered_at,
    };
    if random::chance(rng, TRANSFER_CHANCE) {
        if let Some((to, end)) = transfer(floor, rng, &mut draft, holder, ended) {
            (holder, ended) = (to, end);
        }
    } else if random::chance(rng, CONFERENCE_CHANCE) {
        ended = conference(floor, rng, &mut draft, holder, ended);
    }
    let leg = &mut draft.detail.legs[holder.leg];
    record::close(leg, LegStatus::Answered, ended, "normal_clearing", None);
    let wrap = wrap_up_secs(rng);
    let free_at = ended.plus_millis(random::millis(wrap));
    floor.agents[holder.agent].occupy(holder.since, free_at);
    draft.end(CallStatus::Ended, ended, "normal_clearing");
    let last = &floor.org.agents[holder.agent];
    draft.detail.callee = record::staff_party(last, None, floor.org.home.code);
    draft.detail.extension = Some(last.extension.clone());
    draft.record.first_assignee_id = Some(floor.org.agents[agent].id.clone());
    draft.record.agent_id = Some(last.id.clone());
    draft.record.closed_assignee_id = Some(last.id.clone());
    settle(&mut draft, answered_at, (hold_count, hold), wrap, topic);
    finish(&mut draft, rng, topic);
    draft.finish()
}

/// Hands the call to a ready colleague part-way through (an attended transfer: the
/// first agent drops once the second answers). Returns the new holder and end.
fn transfer(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    draft: &mut Draft,
    from: Holder,
    ended: Instant,
) -> Option<(Holder, Instant)> {
    let at = part_way(rng, from.since, ended, 0.3, 0.7);
    let target = helper(floor, rng, from.agent, at, false)?;
    let picked = add_answered_leg(floor, rng, draft, target, at);
    let new_end = picked.plus_millis(random::millis(talk_secs(rng, 90.0)));
    let first_leg = &mut draft.detail.legs[from.leg];
    record::close(first_leg, LegStatus::Answered, picked, "transferred", None);
    let handover_wrap = random::millis(random::uniform(rng, 10.0, 40.0));
    floor.agents[from.agent].occupy(from.since, picked.plus_millis(handover_wrap));
    draft.detail.transfer_count = 1;
    let holder = Holder {
        agent: target,
        leg: draft.detail.legs.len() - 1,
        since: at,
    };
    Some((holder, new_end))
}

/// A supervisor joins part-way through and stays to the end. Returns the call's end.
fn conference(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    draft: &mut Draft,
    holder: Holder,
    ended: Instant,
) -> Instant {
    let at = part_way(rng, holder.since, ended, 0.2, 0.6);
    let Some(supervisor) = helper(floor, rng, holder.agent, at, true) else {
        return ended;
    };
    let picked = add_answered_leg(floor, rng, draft, supervisor, at);
    let ended = ended.max(picked.plus_secs(60));
    if let Some(joined) = draft.detail.legs.last_mut() {
        record::close(joined, LegStatus::Answered, ended, "normal_clearing", None);
    }
    floor.agents[supervisor].occupy(at, ended.plus_secs(15));
    draft.detail.kind = CallKind::Conference;
    ended
}

/// An instant between `low` and `high` of the way from `start` to `end`.
fn part_way(rng: &mut SimRng, start: Instant, end: Instant, low: f64, high: f64) -> Instant {
    let span = (end.as_millis() - start.as_millis()) as f64;
    start.plus_millis((span * random::uniform(rng, low, high)) as i64)
}

/// Rings `agent` into a running call at `at` and returns when they picked up.
fn add_answered_leg(
    floor: &Floor<'_>,
    rng: &mut SimRng,
    draft: &mut Draft,
    agent: usize,
    at: Instant,
) -> Instant {
    let profile = &floor.org.agents[agent];
    let ring_at = at.plus_millis(300);
    let picked = ring_at.plus_millis(random::millis(random::uniform(rng, 3.0, 10.0)));
    let mut leg = record::leg(&profile.extension, Some(&profile.id), at, ring_at);
    record::answer(&mut leg, picked);
    draft.detail.legs.push(leg);
    picked
}

/// A ready colleague of `agent` at `at` to transfer to, or a supervisor to join.
fn helper(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    agent: usize,
    at: Instant,
    supervisor: bool,
) -> Option<usize> {
    let candidates: Vec<usize> = (0..floor.agents.len())
        .filter(|&idx| idx != agent && (!supervisor || floor.org.agents[idx].supervisor))
        .collect();
    let ready = floor.ready_agents(at, &candidates);
    (!ready.is_empty()).then(|| *random::pick(rng, &ready))
}

/// Fills the timing fields of a connected call that ended at its `ended_at`;
/// `holds` is (count, seconds).
pub(super) fn settle(
    draft: &mut Draft,
    answered_at: Instant,
    holds: (u32, f64),
    wrap: f64,
    topic: Topic,
) {
    let ended = draft.record.ended_at.unwrap_or(answered_at);
    let talk = secs_between(answered_at, ended);
    let wrap = wrap.round() as u32;
    draft.detail.answered_at = Some(answered_at);
    // Talk is connected time, answer to end, as the model defines it; holds happen
    // inside it, so handled time (talk plus hold) is that same connected time.
    draft.detail.talk_secs = Some(talk);
    draft.detail.hold_count = holds.0;
    draft.record.hold_secs = Some(holds.1.round() as u32);
    draft.record.handled_secs = Some(talk);
    draft.record.wrap_up_secs = Some(wrap);
    draft.record.wrap_up_form_id = Some(content::wrap_up_form(topic).to_owned());
    draft.record.full_handled_secs = Some(talk + wrap);
    draft.record.updated_at = Some(ended.plus_secs(i64::from(wrap)));
}

/// Sets what every connected call with a customer has: release, bye reason,
/// disposition, labels and the state of its analysis.
pub(super) fn finish(draft: &mut Draft, rng: &mut SimRng, topic: Topic) {
    // A few connected calls drop on the network rather than end normally.
    let bye = match random::chance(rng, 0.005) {
        true => "network_out_of_order",
        false => "normal_clearing",
    };
    draft.detail.bye_reason = Some(bye.to_owned());
    draft.detail.release_party = Some(match random::chance(rng, 0.55) {
        true => ReleaseParty::Caller,
        false => ReleaseParty::Callee,
    });
    draft.record.disposition = Some(content::disposition(rng, topic).to_owned());
    draft.record.labels = content::labels(rng, topic);
    let analysis = random::weighted(
        rng,
        &[("processed", 0.85), ("pending", 0.1), ("failed", 0.05)],
    );
    draft.record.analysis_status = Some(analysis.to_owned());
}

/// A connected call's talk time: log-normal around `median` seconds, never under 15 s.
pub(super) fn talk_secs(rng: &mut SimRng, median: f64) -> f64 {
    random::lognormal(rng, median, 0.6).clamp(15.0, 3600.0)
}

/// Hold periods of a call, if any: (count, total seconds), at most half the talk time.
pub(super) fn holds(rng: &mut SimRng, chance: f64, talk: f64) -> (u32, f64) {
    if !random::chance(rng, chance) {
        return (0, 0.0);
    }
    let count = random::weighted(rng, &[(1_u32, 0.7), (2, 0.22), (3, 0.08)]);
    let total: f64 = (0..count).map(|_| random::lognormal(rng, 45.0, 0.6)).sum();
    (count, total.min(talk * 0.5).max(5.0))
}

/// Wrap-up after a call: 20 s to two minutes, mostly under a minute.
pub(super) fn wrap_up_secs(rng: &mut SimRng) -> f64 {
    (20.0 + random::lognormal(rng, 22.0, 0.6)).min(120.0)
}
