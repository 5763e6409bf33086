//! Calls agents place themselves: outbound to customers, internal to colleagues.

use cxhub_model::call::{CallStatus, CallType, LegStatus, Media, ReleaseParty};
use cxhub_model::interaction::{Direction, Interaction};
use cxhub_model::time::Instant;

use crate::queues::Topic;
use crate::random::{self, SimRng};
use crate::records::secs_between;
use crate::voice::Floor;
use crate::voice::connected::{self, settle};
use crate::voice::inbound::TRUNKS;
use crate::voice::record::{self, Draft};

/// Outcomes of outbound calls: most are answered, the rest fail in the usual ways.
const OUTBOUND_OUTCOMES: [(CallStatus, f64); 7] = [
    (CallStatus::Ended, 0.58),
    (CallStatus::NotAnswered, 0.16),
    (CallStatus::Busy, 0.07),
    (CallStatus::Unreachable, 0.06),
    (CallStatus::Failed, 0.03),
    (CallStatus::Cancelled, 0.07),
    (CallStatus::Declined, 0.03),
];

/// An agent who is free calls a customer; `None` when nobody is.
pub(super) fn outbound(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    at: Instant,
) -> Option<Interaction> {
    let agent = pick_dialer(floor, rng, at)?;
    let profile = &floor.org.agents[agent];
    let home_queue = profile.queues.first().map(|&idx| &floor.org.queues[idx]);
    let topic = home_queue.map_or(Topic::Sales, |queue| queue.topic);
    let known = random::chance(rng, 0.9);
    let contact = known.then(|| floor.pick_contact(rng)).flatten();
    let contact = contact.map(|idx| &floor.directory.contacts[idx]);
    let number = match contact.and_then(|it| it.phones.first()) {
        Some(number) => number.clone(),
        None => floor.org.home.mobile(rng),
    };
    let hotline = home_queue.map(|queue| queue.hotline.as_str());
    let mut draft = Draft::new(at, Direction::Outbound);
    draft.record.contact_id = contact.map(|it| it.id.clone());
    draft.record.queue_id = home_queue.map(|queue| queue.key.clone());
    assign(&mut draft, &profile.id);
    draft.detail.virtual_number = hotline.map(str::to_owned);
    draft.detail.extension = Some(profile.extension.clone());
    draft.detail.caller = record::staff_party(profile, hotline, floor.org.home.code);
    let name = contact.and_then(|it| it.name.as_deref());
    draft.detail.callee = record::outside_party(&number, name);
    draft.detail.call_type = Some(match random::chance(rng, 0.05) {
        true => CallType::Smartcall,
        false => CallType::Offnet,
    });
    let dial = at.plus_millis(random::millis(random::uniform(rng, 2.0, 6.0)));
    let ring_at = dial.plus_millis(random::millis(random::uniform(rng, 1.5, 5.0)));
    let mut leg = record::leg(&number, None, dial, ring_at);
    leg.trunk = Some(random::weighted(rng, &TRUNKS).to_owned());
    draft.detail.legs.push(leg);
    let busy_until = match random::weighted(rng, &OUTBOUND_OUTCOMES) {
        CallStatus::Ended => answered_outbound(&mut draft, rng, ring_at, topic),
        status => unanswered(&mut draft, rng, status, ring_at),
    };
    floor.agents[agent].occupy(at, busy_until);
    Some(draft.finish())
}

/// A free agent to place a call, sales agents three times as likely as others.
fn pick_dialer(floor: &mut Floor<'_>, rng: &mut SimRng, at: Instant) -> Option<usize> {
    let free = floor.free_to_dial(at);
    if free.is_empty() {
        return None;
    }
    let weights: Vec<(usize, f64)> = free
        .iter()
        .map(|&idx| {
            let home = floor.org.agents[idx].queues.first();
            let sales = home.is_some_and(|&queue| floor.org.queues[queue].topic == Topic::Sales);
            (idx, if sales { 3.0 } else { 1.0 })
        })
        .collect();
    Some(random::weighted(rng, &weights))
}

/// The placing agent owns the call from start to end.
fn assign(draft: &mut Draft, agent: &cxhub_model::ids::Key) {
    draft.record.agent_id = Some(agent.clone());
    draft.record.first_assignee_id = Some(agent.clone());
    draft.record.closed_assignee_id = Some(agent.clone());
}

/// Plays out an answered outbound call; returns when the agent is free again.
fn answered_outbound(
    draft: &mut Draft,
    rng: &mut SimRng,
    ring_at: Instant,
    topic: Topic,
) -> Instant {
    let ring = random::lognormal(rng, 9.0, 0.5).clamp(2.0, 40.0);
    let answered = ring_at.plus_millis(random::millis(ring));
    let talk = connected::talk_secs(rng, 130.0);
    let holds = connected::holds(rng, 0.1, talk);
    let ended = answered.plus_millis(random::millis(talk + holds.1));
    let leg = &mut draft.detail.legs[0];
    record::answer(leg, answered);
    record::close(leg, LegStatus::Answered, ended, "normal_clearing", None);
    let wrap = connected::wrap_up_secs(rng);
    draft.end(CallStatus::Ended, ended, "normal_clearing");
    settle(draft, answered, holds, wrap, topic);
    connected::finish(draft, rng, topic);
    ended.plus_millis(random::millis(wrap))
}

/// How a call the far end never answered ends: its leg's outcome, ring-time range in
/// seconds, SIP reason and code, and who released it.
fn unanswered_outcome(
    rng: &mut SimRng,
    status: CallStatus,
) -> (LegStatus, (f64, f64), &'static str, i32, ReleaseParty) {
    match status {
        CallStatus::NotAnswered => (
            LegStatus::NotAnswered,
            (30.0, 45.0),
            "no_answer",
            480,
            ReleaseParty::System,
        ),
        CallStatus::Busy => (
            LegStatus::Busy,
            (0.0, 2.0),
            "user_busy",
            486,
            ReleaseParty::Callee,
        ),
        CallStatus::Unreachable if random::chance(rng, 0.5) => (
            LegStatus::Failed,
            (0.0, 3.0),
            "subscriber_absent",
            480,
            ReleaseParty::System,
        ),
        CallStatus::Unreachable => (
            LegStatus::Failed,
            (0.0, 2.0),
            "unallocated_number",
            404,
            ReleaseParty::System,
        ),
        CallStatus::Failed => (
            LegStatus::Failed,
            (0.0, 2.0),
            "network_out_of_order",
            503,
            ReleaseParty::System,
        ),
        CallStatus::Declined => (
            LegStatus::Declined,
            (2.0, 12.0),
            "call_rejected",
            603,
            ReleaseParty::Callee,
        ),
        _ => (
            LegStatus::Cancelled,
            (8.0, 25.0),
            "originator_cancel",
            487,
            ReleaseParty::Caller,
        ),
    }
}

/// Ends a call the far end never answered, with the SIP outcome of its one leg;
/// returns when the caller is free again.
fn unanswered(
    draft: &mut Draft,
    rng: &mut SimRng,
    status: CallStatus,
    ring_at: Instant,
) -> Instant {
    let (leg_status, (low, high), reason, code, release) = unanswered_outcome(rng, status);
    let end = ring_at.plus_millis(random::millis(random::uniform(rng, low, high)));
    if let Some(leg) = draft.detail.legs.last_mut() {
        record::close(leg, leg_status, end, reason, Some(code));
    }
    draft.end(status, end, reason);
    draft.detail.release_party = Some(release);
    end.plus_millis(random::millis(random::uniform(rng, 5.0, 20.0)))
}

/// A free agent calls a colleague's extension; `None` when nobody is free.
pub(super) fn internal(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    at: Instant,
) -> Option<Interaction> {
    let free = floor.free_to_dial(at);
    if free.is_empty() || floor.agents.len() < 2 {
        return None;
    }
    let caller = *random::pick(rng, &free);
    let dial = at.plus_millis(random::millis(random::uniform(rng, 1.0, 3.0)));
    let ring_at = dial.plus_millis(random::between(rng, 200, 800));
    let callee = pick_callee(floor, rng, caller, ring_at);
    let status = random::weighted(rng, callee_outcomes(floor, callee, ring_at));
    let (from, to) = (&floor.org.agents[caller], &floor.org.agents[callee]);
    let mut draft = Draft::new(at, Direction::Internal);
    draft.detail.call_type = Some(CallType::Onnet);
    draft.detail.caller = record::staff_party(from, None, floor.org.home.code);
    draft.detail.callee = record::staff_party(to, None, floor.org.home.code);
    draft.detail.extension = Some(from.extension.clone());
    assign(&mut draft, &from.id);
    let leg = record::leg(&to.extension, Some(&to.id), dial, ring_at);
    draft.detail.legs.push(leg);
    let free_at = match status {
        CallStatus::Ended => {
            let free_at = answered_internal(&mut draft, rng, ring_at);
            floor.agents[callee].occupy(dial, free_at);
            free_at
        }
        _ => unanswered(&mut draft, rng, status, ring_at),
    };
    floor.agents[caller].occupy(at, free_at);
    Some(draft.finish())
}

/// Mostly a colleague who is at work today; now and then someone who is not.
fn pick_callee(floor: &Floor<'_>, rng: &mut SimRng, caller: usize, at: Instant) -> usize {
    let on_shift: Vec<usize> = (0..floor.agents.len())
        .filter(|&idx| idx != caller && floor.agents[idx].logged_in(at))
        .collect();
    if on_shift.is_empty() || random::chance(rng, 0.1) {
        let other = random::index(rng, floor.agents.len() - 1);
        return if other >= caller { other + 1 } else { other };
    }
    *random::pick(rng, &on_shift)
}

/// What a colleague's phone does, given what they are doing at `at`.
fn callee_outcomes(
    floor: &mut Floor<'_>,
    callee: usize,
    at: Instant,
) -> &'static [(CallStatus, f64)] {
    let state = &mut floor.agents[callee];
    state.advance(at);
    if state.ready(at) {
        &[
            (CallStatus::Ended, 0.86),
            (CallStatus::Declined, 0.07),
            (CallStatus::NotAnswered, 0.05),
            (CallStatus::Cancelled, 0.02),
        ]
    } else if state.logged_in(at) && state.busy_until > at {
        &[(CallStatus::Busy, 0.75), (CallStatus::NotAnswered, 0.25)]
    } else if state.logged_in(at) {
        &[(CallStatus::NotAnswered, 0.6), (CallStatus::Declined, 0.4)]
    } else {
        &[(CallStatus::Unreachable, 1.0)]
    }
}

/// Plays out a colleague answering; returns when both are free again.
fn answered_internal(draft: &mut Draft, rng: &mut SimRng, ring_at: Instant) -> Instant {
    let ring = random::lognormal(rng, 4.0, 0.5).clamp(1.0, 20.0);
    let answered = ring_at.plus_millis(random::millis(ring));
    let ended = answered.plus_millis(random::millis(connected::talk_secs(rng, 70.0)));
    let leg = &mut draft.detail.legs[0];
    record::answer(leg, answered);
    record::close(leg, LegStatus::Answered, ended, "normal_clearing", None);
    draft.end(CallStatus::Ended, ended, "normal_clearing");
    draft.detail.answered_at = Some(answered);
    draft.detail.talk_secs = Some(secs_between(answered, ended));
    draft.record.handled_secs = draft.detail.talk_secs;
    draft.record.full_handled_secs = draft.detail.talk_secs;
    draft.record.hold_secs = Some(0);
    draft.detail.release_party = Some(match random::chance(rng, 0.5) {
        true => ReleaseParty::Caller,
        false => ReleaseParty::Callee,
    });
    if random::chance(rng, 0.1) {
        draft.detail.media = Media::Video;
    }
    ended.plus_millis(random::millis(random::uniform(rng, 0.0, 15.0)))
}
