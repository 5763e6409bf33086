//! The call fold: outcomes, metrics, the timeout rule, and order independence.

use cxhub_ingest::call::{CallEvent, CallEventKind, FoldConfig, fold_call};
use cxhub_model::call::{AbandonStage, CallStatus, LegStatus, ReleaseParty};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Direction, Interaction, InteractionStatus};
use cxhub_model::time::Instant;
use proptest::prelude::*;

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

/// Seconds after 2026-11-20T09:00:00Z.
fn at(secs: i64) -> Instant {
    Instant::parse_rfc3339("2026-11-20T09:00:00Z")
        .unwrap()
        .plus_secs(secs)
}

fn event(id: &str, secs: i64, kind: CallEventKind) -> CallEvent {
    CallEvent {
        id: key(id),
        at: at(secs),
        kind,
    }
}

fn started(direction: Direction, queue: Option<&str>) -> CallEventKind {
    CallEventKind::Started {
        direction,
        from: Some("+84901234567".to_owned()),
        to: Some("+842873001234".to_owned()),
        queue_id: queue.map(key),
        contact_id: None,
        agent_id: None,
        virtual_number: None,
        extension: None,
        info: Box::default(),
    }
}

fn ringing(leg: &str, agent: &str) -> CallEventKind {
    CallEventKind::LegRinging {
        leg_id: key(leg),
        target: Some("101".to_owned()),
        agent_id: Some(key(agent)),
    }
}

fn leg_ended(leg: &str, reason: Option<&str>, code: Option<i32>) -> CallEventKind {
    CallEventKind::LegEnded {
        leg_id: key(leg),
        reason: reason.map(str::to_owned),
        fail_code: code,
    }
}

fn ended(by: Option<ReleaseParty>, cause: &str) -> CallEventKind {
    CallEventKind::Ended {
        hangup_by: by,
        cause: Some(cause.to_owned()),
        disposition: None,
    }
}

fn fold(events: &[CallEvent]) -> Interaction {
    let it = fold_call(
        &key("events"),
        &key("c-1"),
        events,
        at(100_000),
        FoldConfig::DEFAULT,
    )
    .unwrap();
    it.check().unwrap();
    it
}

fn status(it: &Interaction) -> CallStatus {
    match it.status {
        InteractionStatus::Call(status) => status,
        other => panic!("not a call status: {other:?}"),
    }
}

/// The issue's example: started, ringing, answered, ended by the caller.
fn example() -> Vec<CallEvent> {
    vec![
        event("e1", 0, started(Direction::Inbound, Some("q-sales"))),
        event("e2", 4, ringing("l-1", "u-7")),
        event("e3", 9, CallEventKind::LegAnswered { leg_id: key("l-1") }),
        event(
            "e4",
            189,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]
}

#[test]
fn the_issue_example_is_one_ended_call_of_180_seconds() {
    let it = fold(&example());
    it.check().unwrap();
    let call = it.call.as_ref().unwrap();
    assert_eq!(status(&it), CallStatus::Ended);
    assert_eq!(
        (call.talk_secs, call.release_party),
        (Some(180), Some(ReleaseParty::Caller))
    );
    assert_eq!(
        (call.legs.len(), call.legs[0].status, call.legs[0].ring_secs),
        (1, LegStatus::Answered, Some(5))
    );
    assert_eq!(it.agent_id.as_ref().map(Key::as_str), Some("u-7"));
    assert_eq!(it.version, 4);
}

#[test]
fn a_caller_leaving_gives_abandoned_with_its_stage_or_cancelled() {
    let queue_abandon = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event(
            "b",
            5,
            CallEventKind::Queued {
                queue_id: Some(key("q-1")),
            },
        ),
        event(
            "c",
            65,
            ended(Some(ReleaseParty::Caller), "originator_cancel"),
        ),
    ]);
    assert_eq!(
        (
            status(&queue_abandon),
            queue_abandon.call.as_ref().unwrap().abandon_stage
        ),
        (CallStatus::Abandoned, Some(AbandonStage::Queue))
    );
    assert_eq!(queue_abandon.call.as_ref().unwrap().wait_secs, Some(60));
    let ringing_abandon = fold(&[
        event("a", 0, started(Direction::Inbound, Some("q-1"))),
        event("b", 5, ringing("l-1", "u-1")),
        event(
            "c",
            12,
            ended(Some(ReleaseParty::Caller), "originator_cancel"),
        ),
    ]);
    assert_eq!(
        ringing_abandon.call.as_ref().unwrap().abandon_stage,
        Some(AbandonStage::Ringing)
    );
    assert_eq!(
        ringing_abandon.call.as_ref().unwrap().legs[0].status,
        LegStatus::Cancelled
    );
    let ivr_abandon = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event(
            "c",
            30,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    assert_eq!(
        ivr_abandon.call.as_ref().unwrap().abandon_stage,
        Some(AbandonStage::Ivr)
    );
    let cancelled = fold(&[
        event("a", 0, started(Direction::Outbound, None)),
        event("b", 1, ringing("l-1", "u-1")),
        event(
            "c",
            8,
            ended(Some(ReleaseParty::Caller), "originator_cancel"),
        ),
    ]);
    assert_eq!(
        (
            status(&cancelled),
            cancelled.call.as_ref().unwrap().abandon_stage
        ),
        (CallStatus::Cancelled, None)
    );
}

#[test]
fn the_targets_decide_when_the_caller_did_not_leave() {
    let with_leg = |reason: Option<&str>, code: Option<i32>, cause: &str| {
        fold(&[
            event("a", 0, started(Direction::Outbound, None)),
            event("b", 1, ringing("l-1", "u-1")),
            event("c", 20, leg_ended("l-1", reason, code)),
            event("d", 20, ended(Some(ReleaseParty::Callee), cause)),
        ])
    };
    assert_eq!(
        status(&with_leg(None, Some(486), "user_busy")),
        CallStatus::Busy
    );
    assert_eq!(
        status(&with_leg(Some("call_rejected"), None, "call_rejected")),
        CallStatus::Declined
    );
    assert_eq!(
        status(&with_leg(Some("no_answer"), None, "no_answer")),
        CallStatus::NotAnswered
    );
    assert_eq!(
        status(&with_leg(None, Some(503), "service_unavailable")),
        CallStatus::Failed
    );
    assert_eq!(
        status(&with_leg(None, Some(404), "unallocated_number")),
        CallStatus::Unreachable
    );
    let no_leg = fold(&[
        event("a", 0, started(Direction::Outbound, None)),
        event("b", 2, ended(None, "unallocated_number")),
    ]);
    assert_eq!(status(&no_leg), CallStatus::Unreachable);
    let no_leg = fold(&[
        event("a", 0, started(Direction::Outbound, None)),
        event("b", 2, ended(None, "network_out_of_order")),
    ]);
    assert_eq!(status(&no_leg), CallStatus::NotAnswered);
}

#[test]
fn a_ring_all_is_one_call_with_a_leg_per_target() {
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, Some("q-1"))),
        event("b", 2, ringing("l-1", "u-1")),
        event("c", 2, ringing("l-2", "u-2")),
        event("d", 2, ringing("l-3", "u-3")),
        event("e", 7, CallEventKind::LegAnswered { leg_id: key("l-2") }),
        event("f", 7, leg_ended("l-1", Some("lose_race"), None)),
        event("g", 7, leg_ended("l-3", None, None)),
        event(
            "h",
            67,
            ended(Some(ReleaseParty::Callee), "normal_clearing"),
        ),
    ]);
    let legs: Vec<LegStatus> = it
        .call
        .as_ref()
        .unwrap()
        .legs
        .iter()
        .map(|leg| leg.status)
        .collect();
    assert_eq!(
        legs,
        [
            LegStatus::Cancelled,
            LegStatus::Answered,
            LegStatus::Cancelled
        ]
    );
    assert_eq!(
        (status(&it), it.agent_id.as_ref().map(Key::as_str)),
        (CallStatus::Ended, Some("u-2"))
    );
}

#[test]
fn holds_transfers_recordings_and_wrap_up_are_measured() {
    let mut events = example();
    events.extend([
        event("h1", 20, CallEventKind::Hold),
        event("h2", 50, CallEventKind::Unhold),
        event("h3", 100, CallEventKind::Hold),
        event(
            "t1",
            120,
            CallEventKind::Transferred {
                to: Some("102".to_owned()),
            },
        ),
        event(
            "r1",
            190,
            CallEventKind::RecordingReady {
                url: "https://rec/1.wav".to_owned(),
            },
        ),
        event(
            "w1",
            249,
            CallEventKind::WrapupDone {
                form_id: Some("wf-1".to_owned()),
            },
        ),
    ]);
    let it = fold(&events);
    let call = it.call.as_ref().unwrap();
    // The second hold is still open at the end (189 s): 30 + 89 seconds.
    assert_eq!(
        (it.hold_secs, call.hold_count, call.transfer_count),
        (Some(119), 2, 1)
    );
    assert_eq!(
        (it.wrap_up_secs, it.handled_secs, it.full_handled_secs),
        (Some(60), Some(180), Some(240))
    );
    assert_eq!(call.recordings, ["https://rec/1.wav"]);
    assert_eq!(it.wrap_up_form_id.as_deref(), Some("wf-1"));
}

#[test]
fn a_call_without_an_end_is_closed_by_the_timeout_rule() {
    let events = &example()[..3];
    let open = fold_call(
        &key("events"),
        &key("c-1"),
        events,
        at(3600),
        FoldConfig::DEFAULT,
    )
    .unwrap();
    assert_eq!(open.ended_at, None, "still within the timeout: open");
    let closed = fold_call(
        &key("events"),
        &key("c-1"),
        events,
        at(9 + 4 * 3600),
        FoldConfig::DEFAULT,
    )
    .unwrap();
    assert_eq!(closed.ended_at, Some(at(9)));
    assert_eq!(
        closed.call.as_ref().unwrap().release_party,
        Some(ReleaseParty::System)
    );
    assert_eq!(
        closed.call.as_ref().unwrap().bye_reason.as_deref(),
        Some("timeout")
    );
}

proptest! {
    /// Any order and any number of copies of a call's events fold to the same record.
    #[test]
    fn permutations_and_duplicates_fold_alike(order in Just((0..10usize).collect::<Vec<_>>()).prop_shuffle(), copies in proptest::collection::vec(0..10usize, 0..10)) {
        let mut all = example();
        all.extend([
            event("h1", 20, CallEventKind::Hold),
            event("h2", 50, CallEventKind::Unhold),
            event("r1", 190, CallEventKind::RecordingReady { url: "https://rec/1.wav".to_owned() }),
            event("w1", 249, CallEventKind::WrapupDone { form_id: None }),
            event("l2", 4, ringing("l-2", "u-8")),
            event("l2e", 9, leg_ended("l-2", Some("lose_race"), None)),
        ]);
        let ordered = fold(&all);
        let mut shuffled: Vec<CallEvent> = order.iter().map(|idx| all[*idx].clone()).collect();
        shuffled.extend(copies.iter().map(|idx| all[*idx].clone()));
        prop_assert_eq!(fold(&shuffled), ordered);
    }
}

// ---- service level ------------------------------------------------------------------
//
// Each rule of docs/metrics.md ("Call service level") names the test here that checks it.

use cxhub_ingest::call::{CallInfo, CallTargets, call_sla};
use cxhub_model::call::{CallType, Media};
use cxhub_model::interaction::SlaStatus;

/// Answer within 20 seconds of queueing; callers who leave within 5 are short abandons.
const TARGETS: CallTargets = CallTargets {
    answer_secs: Some(20),
    short_abandon_secs: Some(5),
};

fn queued(queue: &str) -> CallEventKind {
    CallEventKind::Queued {
        queue_id: Some(key(queue)),
    }
}

/// An inbound call queued at 5 s and answered by u-1 at `answer` s, ended at 300 s.
fn answered_after(answer: i64) -> Interaction {
    fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 5, queued("q-1")),
        event("c", 5, ringing("l-1", "u-1")),
        event(
            "d",
            answer,
            CallEventKind::LegAnswered { leg_id: key("l-1") },
        ),
        event(
            "e",
            300,
            ended(Some(ReleaseParty::Callee), "normal_clearing"),
        ),
    ])
}

/// An inbound call queued at 5 s whose caller hung up at `left` s.
fn abandoned_after(left: i64) -> Interaction {
    fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 5, queued("q-1")),
        event(
            "c",
            left,
            ended(Some(ReleaseParty::Caller), "originator_cancel"),
        ),
    ])
}

#[test]
fn sla_is_met_when_answered_within_the_target() {
    let it = answered_after(15);
    assert_eq!(it.call.as_ref().unwrap().wait_secs, Some(10));
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Met));
    // Exactly the target is within it.
    let it = answered_after(25);
    assert_eq!(it.call.as_ref().unwrap().wait_secs, Some(20));
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Met));
}

#[test]
fn sla_is_breached_when_answered_after_the_target() {
    let it = answered_after(26);
    assert_eq!(it.call.as_ref().unwrap().wait_secs, Some(21));
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Breached));
}

#[test]
fn sla_counts_the_wait_until_dequeued() {
    // Taken out of the queue at 15 s (to an agent's direct line), answered at 40 s: the
    // wait is 10 s, within the target.
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 5, queued("q-1")),
        event("c", 15, CallEventKind::Dequeued),
        event("d", 16, ringing("l-1", "u-1")),
        event("e", 40, CallEventKind::LegAnswered { leg_id: key("l-1") }),
        event(
            "f",
            100,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    assert_eq!(it.call.as_ref().unwrap().wait_secs, Some(10));
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Met));
}

#[test]
fn a_short_abandon_is_not_counted() {
    let it = abandoned_after(9);
    assert_eq!(status(&it), CallStatus::Abandoned);
    assert_eq!(it.call.as_ref().unwrap().wait_secs, Some(4));
    assert_eq!(call_sla(&it, TARGETS), None);
    // Exactly the short-abandon time is still short.
    assert_eq!(call_sla(&abandoned_after(10), TARGETS), None);
    // Without a short-abandon time every abandon counts.
    let no_short = CallTargets {
        short_abandon_secs: None,
        ..TARGETS
    };
    assert_eq!(
        call_sla(&abandoned_after(9), no_short),
        Some(SlaStatus::Breached)
    );
}

#[test]
fn an_abandon_after_the_short_abandon_time_is_breached() {
    // Still inside the answer target, but the caller was not answered.
    let it = abandoned_after(11);
    assert_eq!(it.call.as_ref().unwrap().wait_secs, Some(6));
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Breached));
    let it = abandoned_after(65);
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Breached));
}

#[test]
fn any_other_unanswered_queued_call_is_breached() {
    // The agent's phone rang out after 2 s in queue: not an abandon, so never short.
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 5, queued("q-1")),
        event("c", 5, ringing("l-1", "u-1")),
        event("d", 7, leg_ended("l-1", Some("no_answer"), None)),
        event("e", 7, ended(Some(ReleaseParty::System), "no_answer")),
    ]);
    assert_eq!(status(&it), CallStatus::NotAnswered);
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Breached));
}

#[test]
fn a_queued_call_closed_by_the_timeout_is_breached() {
    let events = [
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 5, queued("q-1")),
    ];
    let it = fold_call(
        &key("events"),
        &key("c-1"),
        &events,
        at(5 + 4 * 3600),
        FoldConfig::DEFAULT,
    )
    .unwrap();
    assert_eq!(
        (it.ended_at, it.call.as_ref().unwrap().bye_reason.as_deref()),
        (Some(at(5)), Some("timeout"))
    );
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Breached));
}

#[test]
fn a_call_still_waiting_is_pending() {
    let events = [
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 5, queued("q-1")),
        event("c", 6, ringing("l-1", "u-1")),
    ];
    // Well past the answer target, but the call is neither answered nor ended.
    let it = fold_call(
        &key("events"),
        &key("c-1"),
        &events,
        at(600),
        FoldConfig::DEFAULT,
    )
    .unwrap();
    assert_eq!(it.ended_at, None);
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Pending));
    // Answered and still talking: decided at the answer.
    let mut talking = events.to_vec();
    talking.push(event(
        "d",
        10,
        CallEventKind::LegAnswered { leg_id: key("l-1") },
    ));
    let it = fold_call(
        &key("events"),
        &key("c-1"),
        &talking,
        at(600),
        FoldConfig::DEFAULT,
    )
    .unwrap();
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Met));
}

#[test]
fn a_call_that_never_queued_has_no_sla() {
    // Straight to an agent.
    let direct = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 1, ringing("l-1", "u-1")),
        event("c", 60, CallEventKind::LegAnswered { leg_id: key("l-1") }),
        event(
            "d",
            90,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    assert_eq!(call_sla(&direct, TARGETS), None);
    // Its start names a queue, but no `call.queued` says when it entered it: no wait.
    let named = fold(&example());
    assert_eq!(named.queue_id.as_ref().map(Key::as_str), Some("q-sales"));
    assert_eq!(named.call.as_ref().unwrap().wait_secs, None);
    assert_eq!(call_sla(&named, TARGETS), None);
}

#[test]
fn a_queue_without_an_answer_target_gives_no_sla() {
    let none = CallTargets {
        answer_secs: None,
        short_abandon_secs: Some(5),
    };
    assert_eq!(call_sla(&answered_after(15), none), None);
    assert_eq!(call_sla(&abandoned_after(65), none), None);
    assert_eq!(call_sla(&answered_after(15), CallTargets::default()), None);
}

// ---- what call.started and call.ended describe --------------------------------------

fn described(direction: Direction, agent: Option<&str>) -> CallEventKind {
    CallEventKind::Started {
        direction,
        from: Some("+84901234567".to_owned()),
        to: Some("+6561234567".to_owned()),
        queue_id: None,
        contact_id: Some(key("ct-1")),
        agent_id: agent.map(key),
        virtual_number: Some("+842873001234".to_owned()),
        extension: Some("101".to_owned()),
        info: Box::new(CallInfo {
            from_name: Some("Nguyen Van A".to_owned()),
            to_name: Some("Acme Support".to_owned()),
            from_country: Some("VN".to_owned()),
            to_country: Some("SG".to_owned()),
            call_type: Some(CallType::Offnet),
            media: Some(Media::Video),
            department: Some("Sales".to_owned()),
        }),
    }
}

#[test]
fn call_info_lands_on_the_parties_and_the_detail() {
    let it = fold(&[
        event("a", 0, described(Direction::Inbound, None)),
        event("b", 2, ringing("l-1", "u-7")),
        event("c", 5, CallEventKind::LegAnswered { leg_id: key("l-1") }),
        event(
            "d",
            65,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    let call = it.call.as_ref().unwrap();
    assert_eq!(
        (
            call.call_type,
            call.media,
            call.department.as_deref(),
            call.virtual_number.as_deref(),
            call.extension.as_deref()
        ),
        (
            Some(CallType::Offnet),
            Media::Video,
            Some("Sales"),
            Some("+842873001234"),
            Some("101")
        )
    );
    assert_eq!(it.contact_id.as_ref().map(Key::as_str), Some("ct-1"));
    // The caller is the outside party: its country is also where it was.
    let caller = &call.caller;
    assert_eq!(
        (
            caller.number.as_deref(),
            caller.display_name.as_deref(),
            caller.country.as_deref(),
            caller.location.region_code.as_deref(),
            caller.is_staff
        ),
        (
            Some("+84901234567"),
            Some("Nguyen Van A"),
            Some("VN"),
            Some("VN"),
            false
        )
    );
    // The callee is the agent who answered: staff, whose country says nothing of where
    // they were.
    let callee = &call.callee;
    assert_eq!(
        (
            callee.number.as_deref(),
            callee.display_name.as_deref(),
            callee.country.as_deref(),
            callee.location.region_code.as_deref(),
            callee.is_staff,
            callee.staff_id.as_ref().map(Key::as_str)
        ),
        (
            Some("+6561234567"),
            Some("Acme Support"),
            Some("SG"),
            None,
            true,
            Some("u-7")
        )
    );
}

#[test]
fn call_info_of_an_outbound_call_makes_the_caller_the_staff() {
    let it = fold(&[
        event("a", 0, described(Direction::Outbound, Some("u-1"))),
        event("b", 1, ringing("l-1", "u-1")),
        event("c", 8, CallEventKind::LegAnswered { leg_id: key("l-1") }),
        event(
            "d",
            68,
            ended(Some(ReleaseParty::Callee), "normal_clearing"),
        ),
    ]);
    let call = it.call.as_ref().unwrap();
    assert_eq!(
        (
            call.caller.is_staff,
            call.caller.staff_id.as_ref().map(Key::as_str),
            call.caller.country.as_deref(),
            call.caller.location.region_code.as_deref()
        ),
        (true, Some("u-1"), Some("VN"), None)
    );
    assert_eq!(
        (
            call.callee.is_staff,
            call.callee.country.as_deref(),
            call.callee.location.region_code.as_deref()
        ),
        (false, Some("SG"), Some("SG"))
    );
}

#[test]
fn without_call_info_the_call_is_audio_with_nothing_described() {
    let it = fold(&example());
    let call = it.call.as_ref().unwrap();
    assert_eq!(
        (call.call_type, call.media, call.department.as_deref()),
        (None, Media::Audio, None)
    );
    assert_eq!(
        (
            call.caller.display_name.as_deref(),
            call.caller.country.as_deref(),
            call.caller.location.region_code.as_deref()
        ),
        (None, None, None)
    );
}

#[test]
fn the_disposition_comes_from_call_ended() {
    let with_disposition = |disposition: Option<&str>| CallEventKind::Ended {
        hangup_by: Some(ReleaseParty::System),
        cause: Some("normal_clearing".to_owned()),
        disposition: disposition.map(str::to_owned),
    };
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 3, with_disposition(Some("after_hours"))),
    ]);
    assert_eq!(it.disposition.as_deref(), Some("after_hours"));
    assert_eq!(fold(&example()).disposition, None);
    // A second call.ended does not move the end, but may give the disposition the
    // first left out; of two that give one, the first (in canonical order) counts.
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 3, with_disposition(None)),
        event("c", 9, with_disposition(Some("queue_full"))),
        event("d", 12, with_disposition(Some("spam"))),
    ]);
    assert_eq!(
        (it.ended_at, it.disposition.as_deref()),
        (Some(at(3)), Some("queue_full"))
    );
}

#[test]
fn a_caller_who_leaves_the_queue_after_the_ivr_answered_is_abandoned() {
    // The IVR answers every call before it queues it (domain.md §7: "caller abandoned in
    // queue but CDR says ANSWERED (IVR answered)").
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 1, CallEventKind::Answered),
        event("c", 30, queued("q-1")),
        event(
            "d",
            90,
            ended(Some(ReleaseParty::Caller), "originator_cancel"),
        ),
    ]);
    assert_eq!(
        (status(&it), it.call.as_ref().unwrap().abandon_stage),
        (CallStatus::Abandoned, Some(AbandonStage::Queue))
    );
    assert_eq!(it.call.as_ref().unwrap().wait_secs, Some(60));
    assert_eq!(call_sla(&it, TARGETS), Some(SlaStatus::Breached));
}

// ---- outcome and ownership rules named in docs/metrics.md ("Calls") -----------------

fn placed(direction: Direction, agent: &str) -> CallEventKind {
    CallEventKind::Started {
        direction,
        from: Some("101".to_owned()),
        to: Some("+84901234567".to_owned()),
        queue_id: None,
        contact_id: None,
        agent_id: Some(key(agent)),
        virtual_number: None,
        extension: None,
        info: Box::default(),
    }
}

#[test]
fn a_call_only_the_platform_answered_is_ended_without_agent_time() {
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 2, CallEventKind::Answered),
        event(
            "c",
            62,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    let call = it.call.as_ref().unwrap();
    assert_eq!(status(&it), CallStatus::Ended);
    assert_eq!((call.answered_at, call.talk_secs), (Some(at(2)), Some(60)));
    assert_eq!(
        (it.handled_secs, it.hold_secs, it.agent_id.as_ref()),
        (None, None, None),
        "nobody worked it"
    );
}

#[test]
fn a_queue_named_at_the_start_but_never_reached_is_an_ivr_abandon() {
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, Some("q-1"))),
        event(
            "b",
            20,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    assert_eq!(
        (status(&it), it.call.as_ref().unwrap().abandon_stage),
        (CallStatus::Abandoned, Some(AbandonStage::Ivr))
    );
}

#[test]
fn a_caller_leaving_between_the_legs_of_a_queue_is_a_queue_abandon() {
    let it = fold(&[
        event("a", 0, started(Direction::Inbound, Some("q-1"))),
        event("b", 2, ringing("l-1", "u-1")),
        event("c", 17, leg_ended("l-1", Some("no_answer"), None)),
        event(
            "d",
            20,
            ended(Some(ReleaseParty::Caller), "originator_cancel"),
        ),
    ]);
    assert_eq!(
        (status(&it), it.call.as_ref().unwrap().abandon_stage),
        (CallStatus::Abandoned, Some(AbandonStage::Queue))
    );
}

#[test]
fn a_reason_naming_an_unreachable_destination_outranks_the_sip_code() {
    // 480 alone is "temporarily unavailable": not answered.
    let with_reason = |reason: Option<&str>| {
        fold(&[
            event("a", 0, started(Direction::Outbound, None)),
            event("b", 1, ringing("l-1", "u-1")),
            event("c", 3, leg_ended("l-1", reason, Some(480))),
            event(
                "d",
                3,
                ended(Some(ReleaseParty::System), "temporarily_unavailable"),
            ),
        ])
    };
    let plain = with_reason(None);
    assert_eq!(
        (status(&plain), plain.call.as_ref().unwrap().legs[0].status),
        (CallStatus::NotAnswered, LegStatus::NotAnswered)
    );
    let absent = with_reason(Some("subscriber_absent"));
    assert_eq!(
        (
            status(&absent),
            absent.call.as_ref().unwrap().legs[0].status
        ),
        (CallStatus::Unreachable, LegStatus::Failed)
    );
}

#[test]
fn the_agent_is_the_first_answered_leg_still_up_at_the_end() {
    // u-2 (a supervisor) joins at 30 and stays to the end: u-1 still has the call.
    let joined = fold(&[
        event("a", 0, started(Direction::Inbound, Some("q-1"))),
        event("b", 1, ringing("l-1", "u-1")),
        event("c", 5, CallEventKind::LegAnswered { leg_id: key("l-1") }),
        event("d", 25, ringing("l-2", "u-2")),
        event("e", 30, CallEventKind::LegAnswered { leg_id: key("l-2") }),
        event(
            "f",
            90,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    assert_eq!(
        (
            joined.agent_id.as_ref().map(Key::as_str),
            joined.first_assignee_id.as_ref().map(Key::as_str),
            joined.closed_assignee_id.as_ref().map(Key::as_str)
        ),
        (Some("u-1"), Some("u-1"), Some("u-1"))
    );
    // u-1 transfers to u-2 and drops at 50: u-2 has it.
    let transferred = fold(&[
        event("a", 0, started(Direction::Inbound, Some("q-1"))),
        event("b", 1, ringing("l-1", "u-1")),
        event("c", 5, CallEventKind::LegAnswered { leg_id: key("l-1") }),
        event(
            "d",
            40,
            CallEventKind::Transferred {
                to: Some("102".to_owned()),
            },
        ),
        event("e", 41, ringing("l-2", "u-2")),
        event("f", 45, CallEventKind::LegAnswered { leg_id: key("l-2") }),
        event("g", 50, leg_ended("l-1", Some("transfer"), None)),
        event(
            "h",
            90,
            ended(Some(ReleaseParty::Caller), "normal_clearing"),
        ),
    ]);
    assert_eq!(
        (
            transferred.agent_id.as_ref().map(Key::as_str),
            transferred.first_assignee_id.as_ref().map(Key::as_str)
        ),
        (Some("u-2"), Some("u-1"))
    );
    assert_eq!(transferred.call.as_ref().unwrap().transfer_count, 1);
}

#[test]
fn a_placing_agent_owns_an_outbound_or_internal_call() {
    // Not answered: still the placing agent's.
    let outbound = fold(&[
        event("a", 0, placed(Direction::Outbound, "u-1")),
        event("b", 1, ringing("l-1", "u-9")),
        event("c", 30, leg_ended("l-1", Some("no_answer"), None)),
        event("d", 30, ended(Some(ReleaseParty::System), "no_answer")),
    ]);
    assert_eq!(
        (
            outbound.agent_id.as_ref().map(Key::as_str),
            outbound.first_assignee_id.as_ref().map(Key::as_str),
            outbound.closed_assignee_id.as_ref().map(Key::as_str)
        ),
        (Some("u-1"), Some("u-1"), Some("u-1"))
    );
    assert_eq!(
        outbound
            .call
            .as_ref()
            .unwrap()
            .caller
            .staff_id
            .as_ref()
            .map(Key::as_str),
        Some("u-1")
    );
    // Internal: the caller is the placing agent, the callee the colleague it rang.
    let internal = fold(&[
        event("a", 0, placed(Direction::Internal, "u-1")),
        event("b", 1, ringing("l-1", "u-2")),
        event(
            "c",
            20,
            ended(Some(ReleaseParty::Caller), "originator_cancel"),
        ),
    ]);
    let call = internal.call.as_ref().unwrap();
    assert_eq!(
        (
            internal.agent_id.as_ref().map(Key::as_str),
            call.caller.staff_id.as_ref().map(Key::as_str),
            call.callee.staff_id.as_ref().map(Key::as_str),
            call.callee.is_staff
        ),
        (Some("u-1"), Some("u-1"), Some("u-2"), true)
    );
    assert_eq!(status(&internal), CallStatus::Cancelled);
}
