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
