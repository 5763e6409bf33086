//! The call fold: every event of one call → one voice interaction.
//!
//! The rules are defined, with their sources, in `docs/metrics.md` ("Calls"). In short:
//! events are put in a canonical order (time, then a fixed rank of event types, then id),
//! duplicates by event id are dropped, and the record is computed from what remains.

use cxhub_model::call::{
    AbandonStage, CallDetail, CallLeg, CallStatus, CallType, LegStatus, Location, Media, Party,
    ReleaseParty,
};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus, SlaStatus};
use cxhub_model::time::Instant;

/// One event of a call, as a source sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    /// The source's event id: the idempotency key.
    pub id: Key,
    pub at: Instant,
    pub kind: CallEventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CallEventKind {
    Started {
        direction: Direction,
        from: Option<String>,
        to: Option<String>,
        queue_id: Option<Key>,
        contact_id: Option<Key>,
        /// The agent placing an outbound call.
        agent_id: Option<Key>,
        virtual_number: Option<String>,
        extension: Option<String>,
        /// What else the source knows of the call and its parties.
        info: Box<CallInfo>,
    },
    Queued {
        queue_id: Option<Key>,
    },
    Dequeued,
    LegRinging {
        leg_id: Key,
        target: Option<String>,
        agent_id: Option<Key>,
    },
    LegAnswered {
        leg_id: Key,
    },
    /// The platform itself answered: an IVR, an auto attendant, voicemail.
    Answered,
    LegEnded {
        leg_id: Key,
        reason: Option<String>,
        fail_code: Option<i32>,
    },
    Hold,
    Unhold,
    Transferred {
        to: Option<String>,
    },
    RecordingReady {
        url: String,
    },
    Ended {
        hangup_by: Option<ReleaseParty>,
        cause: Option<String>,
        /// How the call was classified (`after_hours`, `queue_full`, a wrap-up code).
        disposition: Option<String>,
    },
    WrapupDone {
        form_id: Option<String>,
    },
}

/// The optional descriptions a `call.started` may carry: caller-ID names, countries,
/// the network and the media, the department (hotline) called.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CallInfo {
    pub from_name: Option<String>,
    pub to_name: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub from_country: Option<String>,
    pub to_country: Option<String>,
    pub call_type: Option<CallType>,
    pub media: Option<Media>,
    pub department: Option<String>,
}

impl CallEventKind {
    /// The order of event types that share an instant: a call starts before it rings,
    /// a leg rings before it is answered, and the call ends after its legs.
    fn rank(&self) -> u8 {
        match self {
            CallEventKind::Started { .. } => 0,
            CallEventKind::Queued { .. } => 1,
            CallEventKind::LegRinging { .. } => 2,
            CallEventKind::LegAnswered { .. } | CallEventKind::Answered => 3,
            CallEventKind::Dequeued => 4,
            CallEventKind::Hold => 5,
            CallEventKind::Unhold => 6,
            CallEventKind::Transferred { .. } => 7,
            CallEventKind::LegEnded { .. } => 8,
            CallEventKind::Ended { .. } => 9,
            CallEventKind::RecordingReady { .. } => 10,
            CallEventKind::WrapupDone { .. } => 11,
        }
    }
}

/// Settings of the fold.
#[derive(Debug, Clone, Copy)]
pub struct FoldConfig {
    /// A call with no `call.ended` and no event for this long is closed at its last
    /// event, released by the system with cause `timeout`.
    pub unended_timeout_secs: i64,
}

impl FoldConfig {
    /// Four hours: longer than any real call, as XiVO's reporting treats longer ones as
    /// unterminated (shared/reference/domain.md §7).
    pub const DEFAULT: FoldConfig = FoldConfig {
        unended_timeout_secs: 4 * 3600,
    };
}

#[derive(Debug, Clone)]
struct Leg {
    id: Key,
    target: Option<String>,
    agent_id: Option<Key>,
    ring_at: Option<Instant>,
    answered_at: Option<Instant>,
    ended_at: Option<Instant>,
    reason: Option<String>,
    fail_code: Option<i32>,
}

/// Puts events in canonical order and drops repeated ids (the first in that order wins).
pub fn canonical(events: &[CallEvent]) -> Vec<CallEvent> {
    crate::canonical(
        events,
        |a, b| (a.at, a.kind.rank(), &a.id, &a.kind).cmp(&(b.at, b.kind.rank(), &b.id, &b.kind)),
        |it| &it.id,
    )
}

/// Folds every known event of call `call_id` into its record, as of `now` (which only
/// matters for the timeout rule). `None` when there is no event.
pub fn fold_call(
    source: &Key,
    call_id: &Key,
    events: &[CallEvent],
    now: Instant,
    config: FoldConfig,
) -> Option<Interaction> {
    let events = canonical(events);
    let first_at = events.first()?.at;
    let last_at = events.last()?.at;
    let mut state = State::default();
    for event in &events {
        state.apply(event);
    }
    let timed_out = state.ended.is_none() && now.secs_since(last_at) >= config.unended_timeout_secs;
    if timed_out {
        state.ended = Some((
            last_at,
            Some(ReleaseParty::System),
            Some("timeout".to_owned()),
        ));
    }
    Some(state.finish(source, call_id, first_at, last_at, events.len()))
}

#[derive(Default)]
struct State {
    started: Option<(Instant, CallEventKind)>,
    queue_id: Option<Key>,
    queued_at: Option<Instant>,
    dequeued_at: Option<Instant>,
    legs: Vec<Leg>,
    hold_since: Option<Instant>,
    hold_millis: i64,
    hold_count: u32,
    transfers: u32,
    recordings: Vec<String>,
    ended: Option<(Instant, Option<ReleaseParty>, Option<String>)>,
    wrapup: Option<(Instant, Option<String>)>,
    disposition: Option<String>,
    system_answered_at: Option<Instant>,
}

impl State {
    fn leg(&mut self, id: &Key) -> &mut Leg {
        let idx = match self.legs.iter().position(|it| &it.id == id) {
            Some(idx) => idx,
            None => {
                self.legs.push(Leg {
                    id: id.clone(),
                    target: None,
                    agent_id: None,
                    ring_at: None,
                    answered_at: None,
                    ended_at: None,
                    reason: None,
                    fail_code: None,
                });
                self.legs.len() - 1
            }
        };
        &mut self.legs[idx]
    }

    fn apply(&mut self, event: &CallEvent) {
        let at = event.at;
        match &event.kind {
            started @ CallEventKind::Started { queue_id, .. } => {
                self.queue_id = self.queue_id.clone().or_else(|| queue_id.clone());
                self.started.get_or_insert((at, started.clone()));
            }
            CallEventKind::Queued { queue_id } => {
                self.queue_id = queue_id.clone().or_else(|| self.queue_id.clone());
                self.queued_at.get_or_insert(at);
            }
            CallEventKind::Dequeued => {
                self.dequeued_at.get_or_insert(at);
            }
            CallEventKind::LegRinging {
                leg_id,
                target,
                agent_id,
            } => {
                let leg = self.leg(leg_id);
                leg.ring_at.get_or_insert(at);
                leg.target = leg.target.clone().or_else(|| target.clone());
                leg.agent_id = leg.agent_id.clone().or_else(|| agent_id.clone());
            }
            CallEventKind::LegAnswered { leg_id } => {
                self.leg(leg_id).answered_at.get_or_insert(at);
            }
            CallEventKind::Answered => {
                self.system_answered_at.get_or_insert(at);
            }
            CallEventKind::LegEnded {
                leg_id,
                reason,
                fail_code,
            } => {
                let leg = self.leg(leg_id);
                leg.ended_at.get_or_insert(at);
                leg.reason = leg.reason.clone().or_else(|| reason.clone());
                leg.fail_code = leg.fail_code.or(*fail_code);
            }
            CallEventKind::Hold => {
                if self.hold_since.is_none() {
                    self.hold_since = Some(at);
                    self.hold_count += 1;
                }
            }
            CallEventKind::Unhold => {
                if let Some(since) = self.hold_since.take() {
                    self.hold_millis += at.as_millis() - since.as_millis();
                }
            }
            CallEventKind::Transferred { .. } => self.transfers += 1,
            CallEventKind::RecordingReady { url } => {
                if !self.recordings.contains(url) {
                    self.recordings.push(url.clone());
                }
            }
            CallEventKind::Ended {
                hangup_by,
                cause,
                disposition,
            } => {
                self.ended.get_or_insert((at, *hangup_by, cause.clone()));
                self.disposition = self.disposition.clone().or_else(|| disposition.clone());
            }
            CallEventKind::WrapupDone { form_id } => {
                self.wrapup.get_or_insert((at, form_id.clone()));
            }
        }
    }

    fn finish(
        mut self,
        source: &Key,
        call_id: &Key,
        first_at: Instant,
        last_at: Instant,
        n_events: usize,
    ) -> Interaction {
        let (direction, from, to, contact_id, caller_agent, virtual_number, extension, info) =
            match self.started.take() {
                Some((
                    _,
                    CallEventKind::Started {
                        direction,
                        from,
                        to,
                        contact_id,
                        agent_id,
                        virtual_number,
                        extension,
                        info,
                        ..
                    },
                )) => (
                    direction,
                    from,
                    to,
                    contact_id,
                    agent_id,
                    virtual_number,
                    extension,
                    *info,
                ),
                _ => (
                    Direction::Inbound,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    CallInfo::default(),
                ),
            };
        let started_at = first_at;
        let agent_answered_at = self.legs.iter().filter_map(|it| it.answered_at).min();
        // The platform's answer (an IVR) makes the call answered only if it never went
        // on to a queue or a phone: one that did is decided by what happened there.
        let routed_on = self.queued_at.is_some() || !self.legs.is_empty();
        let system_answer = self.system_answered_at.filter(|_| !routed_on);
        let answered_at = agent_answered_at.into_iter().chain(system_answer).min();
        let ended_at = self
            .ended
            .as_ref()
            .map(|(at, ..)| (*at).max(answered_at.unwrap_or(*at)));
        let call_end = ended_at.unwrap_or(last_at);
        if let Some(since) = self.hold_since.take() {
            self.hold_millis += call_end.as_millis() - since.as_millis();
        }
        let (hangup_by, cause) = self
            .ended
            .as_ref()
            .map_or((None, None), |(_, by, cause)| (*by, cause.clone()));
        let legs: Vec<CallLeg> = self
            .legs
            .iter()
            .map(|leg| finish_leg(leg, call_end, answered_at.is_some(), ended_at.is_some()))
            .collect();
        let queued = Queued {
            in_queue: self.queued_at.is_some(),
            for_queue: self.queue_id.is_some(),
        };
        let (status, abandon_stage) = outcome(
            direction,
            answered_at.is_some(),
            hangup_by,
            cause.as_deref(),
            queued,
            &self.legs,
            &legs,
            call_end,
        );
        // Who has the call at its end: of the answered legs still up when it ended, the
        // first answered (a supervisor who joins later is helping, not taking it); when
        // every answered leg dropped early (a transfer out), the last answered.
        let up_at_end = |leg: &&Leg| leg.ended_at.is_none_or(|end| end >= call_end);
        let answered_legs = || self.legs.iter().filter(|it| it.answered_at.is_some());
        let answering = answered_legs()
            .filter(up_at_end)
            .min_by_key(|it| it.answered_at)
            .or_else(|| answered_legs().max_by_key(|it| it.answered_at));
        let first_answering = self
            .legs
            .iter()
            .filter(|it| it.answered_at.is_some())
            .min_by_key(|it| it.answered_at);
        let answering_agent = answering.and_then(|it| it.agent_id.clone());
        // An agent who places a call owns it (outbound and internal); an inbound call
        // belongs to the agent who answered it last (after transfers).
        let placed = direction != Direction::Inbound && caller_agent.is_some();
        let agent_id = match placed {
            true => caller_agent.clone(),
            false => answering_agent.clone(),
        };
        // The colleague an internal call was for: who answered, else who it rang first.
        let internal_target = answering_agent.or_else(|| {
            self.legs
                .iter()
                .filter(|it| it.ring_at.is_some())
                .min_by_key(|it| it.ring_at)
                .and_then(|it| it.agent_id.clone())
        });
        let talk_secs = answered_at
            .zip(ended_at)
            .map(|(answered, ended)| secs(ended.secs_since(answered)));
        let hold_secs = secs(self.hold_millis.div_euclid(1000));
        let wrap_up_secs = self
            .wrapup
            .as_ref()
            .zip(ended_at)
            .map(|((at, _), ended)| secs(at.secs_since(ended)));
        let wait_secs = self.queued_at.map(|queued| {
            secs(
                self.dequeued_at
                    .or(answered_at)
                    .unwrap_or(call_end)
                    .secs_since(queued),
            )
        });
        let staff = |agent: Option<Key>| Party {
            is_staff: agent.is_some(),
            staff_id: agent,
            ..Party::default()
        };
        let (mut caller, mut callee) = match direction {
            Direction::Outbound => (staff(caller_agent.clone()), Party::default()),
            Direction::Internal => (staff(caller_agent.clone()), staff(internal_target)),
            _ => (Party::default(), staff(agent_id.clone())),
        };
        // An outside party's country is also where it was (by number).
        let place = |party: &Party, code: &Option<String>| Location {
            region_code: code.clone().filter(|_| !party.is_staff),
            ..Location::default()
        };
        caller.location = place(&caller, &info.from_country);
        caller.number = from;
        caller.display_name = info.from_name;
        caller.country = info.from_country;
        callee.location = place(&callee, &info.to_country);
        callee.number = to;
        callee.display_name = info.to_name;
        callee.country = info.to_country;
        let call = CallDetail {
            call_type: info.call_type,
            media: info.media.unwrap_or(Media::Audio),
            department: info.department,
            virtual_number,
            extension,
            bye_reason: cause,
            release_party: hangup_by,
            recordings: self.recordings,
            answered_at,
            queued_at: self.queued_at,
            wait_secs,
            talk_secs,
            hold_count: self.hold_count,
            transfer_count: self.transfers,
            abandon_stage,
            legs,
            ..CallDetail::new(caller, callee)
        };
        // Handled and hold time are an agent's: a call only the platform answered has none.
        let handled_secs = talk_secs.filter(|_| agent_answered_at.is_some());
        Interaction {
            version: i64::try_from(n_events).unwrap_or(i64::MAX),
            queue_id: self.queue_id,
            contact_id,
            agent_id: agent_id.clone(),
            first_assignee_id: match placed {
                true => caller_agent,
                false => first_answering.and_then(|it| it.agent_id.clone()),
            },
            closed_assignee_id: agent_id.filter(|_| placed || answered_at.is_some()),
            ended_at,
            handled_secs,
            full_handled_secs: handled_secs.map(|handled| handled + wrap_up_secs.unwrap_or(0)),
            wrap_up_form_id: self.wrapup.and_then(|(_, form)| form),
            wrap_up_secs,
            hold_secs: agent_answered_at.map(|_| hold_secs),
            disposition: self.disposition,
            updated_at: Some(last_at),
            call: Some(call),
            ..Interaction::new(
                source.clone(),
                call_id.clone(),
                Channel::Voice,
                direction,
                InteractionStatus::Call(status),
                started_at,
            )
        }
    }
}

fn secs(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// A leg's instants made monotonic (events may carry skewed clocks), and its outcome.
fn finish_leg(leg: &Leg, call_end: Instant, call_answered: bool, call_ended: bool) -> CallLeg {
    let ring_at = leg.ring_at;
    let answered_at = leg.answered_at.map(|it| it.max(ring_at.unwrap_or(it)));
    let floor = answered_at.or(ring_at);
    // A leg still ringing when the call ended stopped with the call.
    let ended_at = leg
        .ended_at
        .or(call_ended.then_some(call_end))
        .map(|it| it.max(floor.unwrap_or(it)));
    let status = match answered_at {
        Some(_) => LegStatus::Answered,
        None => match classify(leg.reason.as_deref(), leg.fail_code) {
            Some(status) => status,
            None if leg.ended_at.is_none() || call_answered => LegStatus::Cancelled,
            None => LegStatus::NotAnswered,
        },
    };
    CallLeg {
        target_number: leg.target.clone(),
        agent_id: leg.agent_id.clone(),
        added_at: ring_at,
        ring_at,
        answered_at,
        ended_at,
        ring_secs: ring_at.and_then(|ring| {
            answered_at
                .or(ended_at)
                .map(|end| secs(end.secs_since(ring)))
        }),
        status,
        end_reason: leg.reason.clone(),
        fail_code: leg.fail_code,
        trunk: None,
    }
}

/// A leg's outcome from its SIP code or its end reason; `None` when neither says.
fn classify(reason: Option<&str>, fail_code: Option<i32>) -> Option<LegStatus> {
    // A SIP code can be ambiguous (480 is both "no answer" and "subscriber absent");
    // a reason that names an unreachable destination settles it.
    if unreachable(reason) {
        return Some(LegStatus::Failed);
    }
    if let Some(code) = fail_code {
        return Some(match code {
            486 | 600 => LegStatus::Busy,
            603 | 403 => LegStatus::Declined,
            408 | 480 => LegStatus::NotAnswered,
            487 => LegStatus::Cancelled,
            _ => LegStatus::Failed,
        });
    }
    let reason = reason?.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|word| reason.contains(word));
    match () {
        () if has(&["busy"]) => Some(LegStatus::Busy),
        () if has(&["declin", "reject"]) => Some(LegStatus::Declined),
        () if has(&[
            "no_answer",
            "noanswer",
            "no answer",
            "timeout",
            "no_user_response",
            "not_answered",
        ]) =>
        {
            Some(LegStatus::NotAnswered)
        }
        () if has(&["cancel", "lose_race", "answered_elsewhere", "pickup"]) => {
            Some(LegStatus::Cancelled)
        }
        () if has(&[
            "fail",
            "error",
            "congestion",
            "unavailable",
            "unreachable",
            "unallocated",
            "no_route",
        ]) =>
        {
            Some(LegStatus::Failed)
        }
        () => None,
    }
}

/// Whether a cause names a destination that could not be reached at all.
fn unreachable(cause: Option<&str>) -> bool {
    let cause = cause.unwrap_or("").to_ascii_lowercase();
    [
        "unreachable",
        "unallocated",
        "no_route",
        "subscriber_absent",
        "not_registered",
        "unregistered",
        "offline",
    ]
    .iter()
    .any(|word| cause.contains(word))
}

/// How far an inbound call got towards a queue: it waited in one (`call.queued`), or
/// its events named one (the queue it was routed for).
#[derive(Debug, Clone, Copy)]
struct Queued {
    in_queue: bool,
    for_queue: bool,
}

/// The call's outcome (docs/metrics.md, "Call status").
#[allow(clippy::too_many_arguments)]
fn outcome(
    direction: Direction,
    answered: bool,
    hangup_by: Option<ReleaseParty>,
    cause: Option<&str>,
    queued: Queued,
    raw_legs: &[Leg],
    legs: &[CallLeg],
    call_end: Instant,
) -> (CallStatus, Option<AbandonStage>) {
    if answered {
        return (CallStatus::Ended, None);
    }
    let caller_left = hangup_by == Some(ReleaseParty::Caller)
        || cause.is_some_and(|it| it.to_ascii_lowercase().contains("originator_cancel"));
    if caller_left {
        let ringing_at_end = raw_legs
            .iter()
            .any(|it| it.ring_at.is_some() && it.ended_at.is_none_or(|end| end >= call_end));
        let routed = queued.in_queue || queued.for_queue;
        return match direction {
            Direction::Inbound if routed && ringing_at_end => {
                (CallStatus::Abandoned, Some(AbandonStage::Ringing))
            }
            Direction::Inbound if queued.in_queue => {
                (CallStatus::Abandoned, Some(AbandonStage::Queue))
            }
            // Named a queue but never reached it nor rang anyone: still in the IVR.
            Direction::Inbound if raw_legs.is_empty() => {
                (CallStatus::Abandoned, Some(AbandonStage::Ivr))
            }
            // Between the legs of a queue's ring sequence.
            Direction::Inbound if routed => (CallStatus::Abandoned, Some(AbandonStage::Queue)),
            _ => (CallStatus::Cancelled, None),
        };
    }
    // The caller did not give up: the targets decided. The leg that ended last speaks for
    // the call; among legs that ended together the stronger outcome wins.
    let strength = |status: LegStatus| match status {
        LegStatus::Declined => 5,
        LegStatus::Busy => 4,
        LegStatus::Failed => 3,
        LegStatus::NotAnswered => 2,
        LegStatus::Cancelled => 1,
        LegStatus::Answered => 0,
    };
    let deciding = legs
        .iter()
        .max_by_key(|it| (it.ended_at, strength(it.status)))
        .map(|it| it.status);
    let status = match deciding {
        Some(LegStatus::Busy) => CallStatus::Busy,
        Some(LegStatus::Declined) => CallStatus::Declined,
        Some(LegStatus::Failed)
            if unreachable(cause)
                || legs.iter().any(|it| unreachable(it.end_reason.as_deref())) =>
        {
            CallStatus::Unreachable
        }
        Some(LegStatus::Failed) => CallStatus::Failed,
        Some(_) => CallStatus::NotAnswered,
        None => match classify(cause, None) {
            Some(LegStatus::Busy) => CallStatus::Busy,
            Some(LegStatus::Declined) => CallStatus::Declined,
            _ if unreachable(cause) => CallStatus::Unreachable,
            Some(LegStatus::Failed) => CallStatus::Failed,
            _ => CallStatus::NotAnswered,
        },
    };
    (status, None)
}

/// A queue's voice service targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallTargets {
    /// Answer within this many seconds of queueing.
    pub answer_secs: Option<u32>,
    /// Callers who leave within this many seconds are short abandons: not counted.
    pub short_abandon_secs: Option<u32>,
}

/// The service-level status of a folded call against its queue's targets
/// (docs/metrics.md, "Call service level"): only calls that waited in a queue count.
/// Answered within the target is met, answered later is breached; a caller who left
/// within the short-abandon time is not counted; any other unanswered call is breached;
/// a call still waiting is pending.
pub fn call_sla(call: &Interaction, targets: CallTargets) -> Option<SlaStatus> {
    let target = targets.answer_secs?;
    let detail = call.call.as_ref()?;
    detail.queued_at?;
    let wait = detail.wait_secs.unwrap_or(0);
    if detail.answered_at.is_some() {
        return Some(match wait <= target {
            true => SlaStatus::Met,
            false => SlaStatus::Breached,
        });
    }
    if call.ended_at.is_none() {
        return Some(SlaStatus::Pending);
    }
    let short = call.status == InteractionStatus::Call(CallStatus::Abandoned)
        && targets
            .short_abandon_secs
            .is_some_and(|limit| wait <= limit);
    (!short).then_some(SlaStatus::Breached)
}
