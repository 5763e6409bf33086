//! Inbound calls: trunk, IVR, queue, ringing, conversation and wrap-up.

use cxhub_model::call::{
    AbandonStage, CallStatus, CallType, LegStatus, Media, Party, ReleaseParty,
};
use cxhub_model::interaction::{Direction, Interaction, SlaStatus};
use cxhub_model::time::Instant;

use crate::catalog::VIP_EVERY;
use crate::random::{self, SimRng};
use crate::records::secs_between;
use crate::voice::Floor;
use crate::voice::connected;
use crate::voice::record::{self, Draft};
use crate::voice::routing::{self, Routed};

/// Calls that fail on the trunk before reaching the IVR.
const FAILED: f64 = 0.004;
/// Callers who hang up in the IVR menu.
const IVR_ABANDON: f64 = 0.022;
/// Callers served by the IVR alone (opening hours, order status by keypad).
const SELF_SERVICE: f64 = 0.14;
/// Median caller patience in queue; VIP callers wait longer. Patience is log-normal:
/// hardly anyone hangs up in the first seconds after the IVR, and a few wait for minutes.
const PATIENCE_MEDIAN_SECS: f64 = 95.0;
const VIP_PATIENCE_MEDIAN_SECS: f64 = 130.0;
const PATIENCE_SIGMA: f64 = 0.7;
/// The trunks calls arrive and leave on.
pub(super) const TRUNKS: [(&str, f64); 2] = [("trunk-a-primary", 0.85), ("trunk-b-backup", 0.15)];

/// Who is calling.
struct Caller {
    contact: Option<usize>,
    number: String,
    vip: bool,
}

pub(super) fn call(floor: &mut Floor<'_>, rng: &mut SimRng, arrival: Instant) -> Interaction {
    let caller = pick_caller(floor, rng);
    let queue = choose_queue(floor, rng, caller.vip);
    let mut draft = Draft::new(arrival, Direction::Inbound);
    let directory = floor.directory;
    let contact = caller.contact.map(|idx| &directory.contacts[idx]);
    draft.record.contact_id = contact.map(|it| it.id.clone());
    draft.detail.caller =
        record::outside_party(&caller.number, contact.and_then(|it| it.name.as_deref()));
    (draft.detail.call_type, draft.detail.media) = network(rng);
    let Some(queue) = queue else {
        // No voice queue is configured: the number rings nowhere.
        draft.end(
            CallStatus::NotAnswered,
            arrival.plus_secs(20),
            "no_route_destination",
        );
        draft.detail.release_party = Some(ReleaseParty::System);
        return draft.finish();
    };
    let plan = &floor.org.queues[queue];
    draft.record.queue_id = Some(plan.key.clone());
    draft.detail.virtual_number = Some(plan.hotline.clone());
    draft.detail.department = Some(plan.name.clone());
    draft.detail.callee = hotline_party(&plan.hotline, &plan.name);
    let ivr_secs = random::uniform(rng, 8.0, 35.0);
    let roll = random::uniform(rng, 0.0, 1.0);
    if roll < FAILED {
        return failed(draft, rng, arrival);
    }
    if roll < FAILED + IVR_ABANDON {
        let at = arrival.plus_millis(random::millis(random::uniform(rng, 3.0, ivr_secs)));
        draft.end(CallStatus::Abandoned, at, "originator_cancel");
        draft.detail.abandon_stage = Some(AbandonStage::Ivr);
        draft.detail.release_party = Some(ReleaseParty::Caller);
        return draft.finish();
    }
    if roll < FAILED + IVR_ABANDON + SELF_SERVICE {
        return self_service(draft, rng, arrival);
    }
    let queued_at = arrival.plus_millis(random::millis(ivr_secs));
    queued(floor, rng, draft, queue, queued_at, caller.vip)
}

fn pick_caller(floor: &Floor<'_>, rng: &mut SimRng) -> Caller {
    let known = random::chance(rng, 0.88);
    let contact = known.then(|| floor.pick_contact(rng)).flatten();
    let stored = contact.and_then(|idx| floor.directory.contacts[idx].phones.first());
    let number = match stored {
        Some(number) => number.clone(),
        None => crate::names::caller_country(rng, floor.org.home).mobile(rng),
    };
    Caller {
        contact,
        number,
        vip: contact.is_some_and(|idx| idx % VIP_EVERY == 3),
    }
}

/// VIPs mostly dial the VIP line; everyone else picks a menu option by traffic share.
fn choose_queue(floor: &Floor<'_>, rng: &mut SimRng, vip: bool) -> Option<usize> {
    let queues = &floor.org.queues;
    let vip_line = queues
        .iter()
        .position(|it| it.topic == crate::queues::Topic::Care);
    if let Some(line) = vip_line
        && vip
        && random::chance(rng, 0.8)
    {
        return Some(line);
    }
    let weights: Vec<(usize, f64)> = queues
        .iter()
        .enumerate()
        .filter(|(idx, queue)| queue.voice_share > 0.0 && Some(*idx) != vip_line)
        .map(|(idx, queue)| (idx, queue.voice_share))
        .collect();
    match weights.is_empty() {
        true => vip_line.filter(|&idx| queues[idx].voice_share > 0.0),
        false => Some(random::weighted(rng, &weights)),
    }
}

/// Mostly the phone network; some web and app calls, a few of them with video.
fn network(rng: &mut SimRng) -> (Option<CallType>, Media) {
    let call_type = random::weighted(
        rng,
        &[
            (CallType::Offnet, 0.88),
            (CallType::Onnet, 0.09),
            (CallType::Smartcall, 0.03),
        ],
    );
    let video = call_type == CallType::Onnet && random::chance(rng, 0.25);
    (
        Some(call_type),
        if video { Media::Video } else { Media::Audio },
    )
}

fn hotline_party(hotline: &str, queue_name: &str) -> Party {
    let mut party = record::outside_party(hotline, Some(queue_name));
    party.service_id = Some("ivr-main".to_owned());
    party
}

fn failed(mut draft: Draft, rng: &mut SimRng, arrival: Instant) -> Interaction {
    let end = arrival.plus_millis(random::millis(random::uniform(rng, 0.5, 3.0)));
    let target = draft.detail.virtual_number.clone().unwrap_or_default();
    let mut leg = record::leg(&target, None, arrival, arrival);
    leg.trunk = Some(random::weighted(rng, &TRUNKS).to_owned());
    record::close(
        &mut leg,
        LegStatus::Failed,
        end,
        "service_unavailable",
        Some(503),
    );
    draft.detail.legs.push(leg);
    draft.end(CallStatus::Failed, end, "network_out_of_order");
    draft.detail.release_party = Some(ReleaseParty::System);
    draft.finish()
}

fn self_service(mut draft: Draft, rng: &mut SimRng, arrival: Instant) -> Interaction {
    let answered = arrival.plus_secs(1);
    let end = answered.plus_millis(random::millis(random::uniform(rng, 40.0, 180.0)));
    draft.end(CallStatus::Ended, end, "normal_clearing");
    draft.detail.answered_at = Some(answered);
    draft.detail.talk_secs = Some(secs_between(answered, end));
    draft.detail.release_party = Some(ReleaseParty::Caller);
    draft.record.disposition = Some("self_service".to_owned());
    draft.finish()
}

/// Queues the call, unless the queue is closed or full, and routes it to an agent.
fn queued(
    floor: &mut Floor<'_>,
    rng: &mut SimRng,
    mut draft: Draft,
    queue: usize,
    queued_at: Instant,
    vip: bool,
) -> Interaction {
    if let Some((status, (low, high), bye, disposition)) = refusal(floor, queue, queued_at) {
        // A closed-hours announcement or a busy tone, then the system hangs up.
        let end = queued_at.plus_millis(random::millis(random::uniform(rng, low, high)));
        draft.end(status, end, bye);
        draft.detail.release_party = Some(ReleaseParty::System);
        draft.record.disposition = Some(disposition.to_owned());
        return draft.finish();
    }
    draft.detail.queued_at = Some(queued_at);
    let median = match vip {
        true => VIP_PATIENCE_MEDIAN_SECS,
        false => PATIENCE_MEDIAN_SECS,
    };
    let patience = random::lognormal(rng, median, PATIENCE_SIGMA);
    let patience_end = queued_at.plus_millis(random::millis(patience));
    let routing = routing::route(floor, rng, queue, queued_at, patience_end);
    draft.detail.legs = routing.legs;
    let left_at = match routing.outcome {
        Routed::Answered { at, .. } | Routed::Abandoned { at, .. } | Routed::TimedOut { at } => at,
    };
    floor.leave_queue_at(queue, left_at);
    let wait = secs_between(queued_at, left_at);
    draft.detail.wait_secs = Some(wait);
    let plan = &floor.org.queues[queue];
    let (sla_answer, short_abandon) = (plan.sla_answer_secs, plan.short_abandon_secs);
    match routing.outcome {
        Routed::Answered { agent, at, leg } => {
            draft.record.sla_status = sla_answer.map(|target| match wait <= target {
                true => SlaStatus::Met,
                false => SlaStatus::Breached,
            });
            connected::connect(floor, rng, draft, queue, agent, at, leg)
        }
        Routed::Abandoned { at, stage } => {
            draft.end(CallStatus::Abandoned, at, "originator_cancel");
            draft.detail.abandon_stage = Some(stage);
            draft.detail.release_party = Some(ReleaseParty::Caller);
            // Short abandons do not count against the service level.
            let short = short_abandon.is_some_and(|limit| wait <= limit);
            draft.record.sla_status =
                (!short && sla_answer.is_some()).then_some(SlaStatus::Breached);
            draft.finish()
        }
        Routed::TimedOut { at } => {
            draft.end(CallStatus::NotAnswered, at, "queue_timeout");
            draft.detail.release_party = Some(ReleaseParty::System);
            draft.record.sla_status = sla_answer.map(|_| SlaStatus::Breached);
            draft.finish()
        }
    }
}

/// Why a call cannot even wait in `queue` at `at`: nobody of the queue is logged in
/// (after hours), or too many callers already wait. Gives the call's status, how
/// long the announcement lasts (seconds), the bye reason and the disposition.
fn refusal(
    floor: &mut Floor<'_>,
    queue: usize,
    at: Instant,
) -> Option<(CallStatus, (f64, f64), &'static str, &'static str)> {
    let members = floor.org.queues[queue].members.clone();
    floor.ready_agents(at, &members);
    let open = members
        .iter()
        .any(|&agent| floor.agents[agent].logged_in(at));
    if !open {
        let closed = (
            CallStatus::NotAnswered,
            (12.0, 25.0),
            "outside_business_hours",
            "after_hours",
        );
        return Some(closed);
    }
    let capacity = (members.len() * 2).max(6);
    let full = floor.queue_length(queue, at) >= capacity;
    full.then_some((CallStatus::Busy, (1.0, 3.0), "user_busy", "queue_full"))
}
