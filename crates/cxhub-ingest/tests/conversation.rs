//! The conversation fold: statuses, metrics, SLA, and order independence.
//!
//! Each rule of docs/metrics.md ("Conversations") names the test here that checks it.

use cxhub_ingest::conversation::{
    ConversationEvent, ConversationEventKind, SlaTargets, fold_conversation,
};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, SenderKind, SlaStatus,
};
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

fn event(id: &str, secs: i64, kind: ConversationEventKind) -> ConversationEvent {
    ConversationEvent {
        id: key(id),
        at: at(secs),
        kind,
    }
}

fn started(direction: Direction, queue: Option<&str>) -> ConversationEventKind {
    ConversationEventKind::Started {
        channel: Channel::Messenger,
        direction,
        contact_id: Some(key("ct-1")),
        queue_id: queue.map(key),
        room_id: Some("room-1".to_owned()),
        contact_platform_id: Some("PSID-1029384756".to_owned()),
    }
}

fn inbound() -> ConversationEventKind {
    started(Direction::Inbound, Some("q-chat"))
}

fn contact(body: &str) -> ConversationEventKind {
    ConversationEventKind::Message {
        sender: SenderKind::Contact,
        agent_id: None,
        body: Some(body.to_owned()),
    }
}

fn agent(agent: &str) -> ConversationEventKind {
    ConversationEventKind::Message {
        sender: SenderKind::Agent,
        agent_id: Some(key(agent)),
        body: Some("hello, how can I help?".to_owned()),
    }
}

fn bot() -> ConversationEventKind {
    ConversationEventKind::Message {
        sender: SenderKind::Bot,
        agent_id: None,
        body: Some("an agent will be with you shortly".to_owned()),
    }
}

fn assigned(agent: &str, queue: Option<&str>) -> ConversationEventKind {
    ConversationEventKind::Assigned {
        agent_id: key(agent),
        queue_id: queue.map(key),
    }
}

fn closed(agent: Option<&str>, disposition: Option<&str>) -> ConversationEventKind {
    ConversationEventKind::Closed {
        agent_id: agent.map(key),
        disposition: disposition.map(str::to_owned),
    }
}

fn wrapup(form: &str) -> ConversationEventKind {
    ConversationEventKind::WrapupDone {
        form_id: Some(form.to_owned()),
    }
}

/// `q-chat`: a first response within 60 s and a resolution within an hour. `q-fast`:
/// only a first response within 30 s. `q-none`: no targets.
fn targets(queue: &Key) -> Option<SlaTargets> {
    match queue.as_str() {
        "q-chat" => Some(SlaTargets {
            first_response_secs: Some(60),
            resolution_secs: Some(3600),
        }),
        "q-fast" => Some(SlaTargets {
            first_response_secs: Some(30),
            resolution_secs: None,
        }),
        "q-empty" => Some(SlaTargets::default()),
        _ => None,
    }
}

fn fold_at(events: &[ConversationEvent], now: Instant) -> Interaction {
    let it = fold_conversation(&key("events"), &key("cv-1"), events, &targets, now).unwrap();
    it.check().unwrap();
    it
}

fn fold(events: &[ConversationEvent]) -> Interaction {
    fold_at(events, at(100_000))
}

fn status(it: &Interaction) -> ConversationStatus {
    match it.status {
        InteractionStatus::Conversation(status) => status,
        other => panic!("not a conversation status: {other:?}"),
    }
}

fn id(key: Option<&Key>) -> Option<&str> {
    key.map(Key::as_str)
}

/// A chat answered by a bot, handed to an agent, closed and wrapped up.
fn example() -> Vec<ConversationEvent> {
    vec![
        event("e1", 0, inbound()),
        event("e2", 0, contact("my order is late")),
        event("e3", 5, bot()),
        event("e4", 10, assigned("u-7", None)),
        event("e5", 40, agent("u-7")),
        event("e6", 100, contact("thanks")),
        event("e7", 300, closed(Some("u-7"), Some("Resolved"))),
        event("e8", 360, wrapup("wf-1")),
    ]
}

#[test]
fn a_chat_folds_to_one_record_with_its_messages() {
    let it = fold(&example());
    assert_eq!(status(&it), ConversationStatus::Closed);
    assert_eq!(
        (it.channel, it.direction, it.started_at),
        (Channel::Messenger, Direction::Inbound, at(0))
    );
    assert_eq!(
        (id(it.queue_id.as_ref()), id(it.contact_id.as_ref())),
        (Some("q-chat"), Some("ct-1"))
    );
    assert_eq!(
        (it.room_id.as_deref(), it.contact_platform_id.as_deref()),
        (Some("room-1"), Some("PSID-1029384756"))
    );
    let senders: Vec<SenderKind> = it.messages.iter().map(|it| it.sender).collect();
    assert_eq!(
        senders,
        [
            SenderKind::Contact,
            SenderKind::Bot,
            SenderKind::Agent,
            SenderKind::Contact
        ]
    );
    assert_eq!(it.messages[2].at, at(40));
    assert_eq!(id(it.messages[2].agent_id.as_ref()), Some("u-7"));
    assert_eq!(it.messages[0].body.as_deref(), Some("my order is late"));
    assert_eq!(
        (it.closed_at, it.ended_at, it.updated_at),
        (Some(at(300)), Some(at(300)), Some(at(360)))
    );
    assert_eq!(it.disposition.as_deref(), Some("Resolved"));
    assert_eq!((it.version, it.call.is_none()), (8, true));
}

#[test]
fn a_repeated_event_id_counts_once() {
    let mut events = example();
    events.push(events[4].clone());
    // Same id, other content: the first in canonical order wins.
    events.push(event("e6", 101, contact("thanks again")));
    let it = fold(&events);
    assert_eq!((it.version, it.messages.len()), (8, 4));
    assert_eq!(it, fold(&example()));
}

#[test]
fn first_response_runs_from_the_start_without_a_bot() {
    let it = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 45, agent("u-1")),
        event("d", 50, agent("u-1")),
    ]);
    assert_eq!(it.first_response_secs, Some(45));
    let silent = fold(&[event("a", 0, inbound()), event("b", 0, contact("hi"))]);
    assert_eq!(silent.first_response_secs, None);
}

#[test]
fn first_response_runs_from_the_bot_hand_off() {
    let it = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 5, bot()),
        event("d", 20, contact("an agent please")),
        event("e", 30, bot()),
        event("f", 90, agent("u-1")),
        // Bot messages after the first agent message do not move it.
        event("g", 100, bot()),
    ]);
    assert_eq!(it.first_response_secs, Some(60));
}

#[test]
fn a_reopening_before_any_agent_reply_restarts_the_first_response_clock() {
    let it = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 50, closed(None, None)),
        event("d", 200, contact("still there?")),
        event("e", 230, agent("u-1")),
    ]);
    assert_eq!(it.first_response_secs, Some(30));
}

#[test]
fn first_replied_runs_from_the_first_contact_message() {
    // Outbound: the agent writes first, the contact answers later.
    let it = fold(&[
        event("a", 0, started(Direction::Outbound, Some("q-chat"))),
        event("b", 0, agent("u-1")),
        event("c", 300, contact("yes?")),
        event("d", 330, agent("u-1")),
    ]);
    assert_eq!(
        (it.first_response_secs, it.first_replied_secs),
        (Some(0), Some(30))
    );
    let inbound = fold(&example());
    assert_eq!(
        (inbound.first_response_secs, inbound.first_replied_secs),
        (Some(35), Some(40))
    );
    let unanswered = fold(&[
        event("a", 0, started(Direction::Outbound, None)),
        event("b", 0, agent("u-1")),
        event("c", 300, contact("yes?")),
    ]);
    assert_eq!(unanswered.first_replied_secs, None);
}

#[test]
fn handled_counts_each_open_period_up_to_the_last_agent_message() {
    // Assigned at 10, the agent's last line at 40; the wait for the close is not work.
    assert_eq!(fold(&example()).handled_secs, Some(30));
    // Never assigned: from the first agent message to the last.
    let unassigned = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 40, agent("u-1")),
        event("c2", 70, agent("u-1")),
        event("d", 300, closed(Some("u-1"), None)),
    ]);
    assert_eq!(unassigned.handled_secs, Some(30));
    // Closed 300..1000, then worked from the reopening to the agent's line at 1050:
    // 30 + 50.
    let mut reopened = example();
    reopened.extend([
        event("r1", 1000, ConversationEventKind::Reopened),
        event("r1b", 1050, agent("u-7")),
        event("r2", 1100, closed(Some("u-7"), None)),
    ]);
    assert_eq!(fold(&reopened).handled_secs, Some(80));
    // A reopened period without an agent line adds nothing.
    let mut silent = example();
    silent.extend([
        event("r1", 1000, ConversationEventKind::Reopened),
        event("r2", 1100, closed(Some("u-7"), None)),
    ]);
    assert_eq!(fold(&silent).handled_secs, Some(30));
    let open = fold(&example()[..6]);
    assert_eq!(open.handled_secs, None);
}

#[test]
fn wrap_up_runs_from_the_final_close_to_wrap_up_done() {
    let it = fold(&example());
    assert_eq!(
        (it.wrap_up_secs, it.wrap_up_form_id.as_deref()),
        (Some(60), Some("wf-1"))
    );
    // The wrap-up of an earlier close does not count for the final one.
    let mut reopened = example();
    reopened.extend([
        event("r1", 1000, ConversationEventKind::Reopened),
        event("r2", 1100, closed(Some("u-7"), None)),
    ]);
    let it = fold(&reopened);
    assert_eq!((it.wrap_up_secs, it.wrap_up_form_id), (None, None));
    reopened.push(event("r3", 1130, wrapup("wf-2")));
    let it = fold(&reopened);
    assert_eq!(
        (it.wrap_up_secs, it.wrap_up_form_id.as_deref()),
        (Some(30), Some("wf-2"))
    );
}

#[test]
fn full_handled_is_handled_plus_wrap_up() {
    let it = fold(&example());
    assert_eq!(
        (it.handled_secs, it.wrap_up_secs, it.full_handled_secs),
        (Some(30), Some(60), Some(90))
    );
    let no_wrap_up = fold(&example()[..7]);
    assert_eq!(
        (no_wrap_up.handled_secs, no_wrap_up.full_handled_secs),
        (Some(30), Some(30))
    );
}

#[test]
fn resolution_counts_the_first_close_and_full_resolution_the_final_one() {
    let mut events = example();
    events.push(event("r1", 1000, ConversationEventKind::Reopened));
    let reopened = fold(&events);
    assert_eq!(status(&reopened), ConversationStatus::Open);
    assert_eq!(
        (reopened.resolution_secs, reopened.full_resolution_secs),
        (Some(300), None)
    );
    assert_eq!((reopened.closed_at, reopened.ended_at), (None, None));
    events.push(event("r2", 1100, closed(Some("u-7"), Some("Refunded"))));
    let closed_again = fold(&events);
    assert_eq!(
        (
            closed_again.resolution_secs,
            closed_again.full_resolution_secs
        ),
        (Some(300), Some(1100))
    );
    assert_eq!(closed_again.closed_at, Some(at(1100)));
    assert_eq!(closed_again.disposition.as_deref(), Some("Refunded"));
    let never_closed = fold(&example()[..6]);
    assert_eq!(
        (
            never_closed.resolution_secs,
            never_closed.full_resolution_secs
        ),
        (None, None)
    );
}

#[test]
fn a_contact_message_after_a_close_reopens_it() {
    let mut events = example();
    events.push(event("m", 400, contact("one more thing")));
    let it = fold(&events);
    assert_eq!(status(&it), ConversationStatus::Open);
    assert_eq!((it.closed_at, it.disposition), (None, None));
    // At the instant of the close, the message comes first: the close stands.
    let mut events = example();
    events.push(event("m", 300, contact("bye")));
    assert_eq!(status(&fold(&events)), ConversationStatus::Closed);
}

#[test]
fn closed_without_an_agent_message_is_missed() {
    let it = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 5, bot()),
        event("d", 10, assigned("u-7", None)),
        event("e", 600, closed(None, Some("No reply"))),
    ]);
    assert_eq!(status(&it), ConversationStatus::Missed);
    assert_eq!(
        (
            it.first_response_secs,
            it.handled_secs,
            it.resolution_secs,
            it.full_resolution_secs
        ),
        (None, None, None, None),
        "nobody worked it and it was not resolved"
    );
    assert_eq!(id(it.closed_assignee_id.as_ref()), Some("u-7"));
}

#[test]
fn without_a_close_the_conversation_is_open() {
    let it = fold(&example()[..6]);
    assert_eq!(status(&it), ConversationStatus::Open);
    assert_eq!(
        (
            it.closed_at,
            it.ended_at,
            it.closed_assignee_id,
            it.disposition
        ),
        (None, None, None, None)
    );
    assert_eq!((it.wrap_up_secs, it.full_handled_secs), (None, None));
    // A wrap-up without a close is ignored.
    let mut events = example()[..6].to_vec();
    events.push(event("w", 200, wrapup("wf-1")));
    assert_eq!(fold(&events).wrap_up_form_id, None);
}

#[test]
fn closed_after_an_agent_reply_is_closed() {
    let it = fold(&example());
    assert_eq!(status(&it), ConversationStatus::Closed);
    // Closed by a supervisor: the closed assignee is who held it.
    let mut events = example();
    events[6] = event("e7", 300, closed(Some("u-9"), None));
    let it = fold(&events);
    assert_eq!(id(it.closed_assignee_id.as_ref()), Some("u-7"));
    // Never assigned: the last agent who wrote, else the agent who closed it.
    let unassigned = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 40, agent("u-3")),
        event("d", 300, closed(Some("u-9"), None)),
    ]);
    assert_eq!(id(unassigned.closed_assignee_id.as_ref()), Some("u-3"));
    let nobody = fold(&[
        event("a", 0, inbound()),
        event("d", 300, closed(Some("u-9"), None)),
    ]);
    assert_eq!(
        (
            id(nobody.closed_assignee_id.as_ref()),
            id(nobody.agent_id.as_ref())
        ),
        (Some("u-9"), Some("u-9"))
    );
    assert_eq!(status(&nobody), ConversationStatus::Missed);
    // Closing a closed conversation only fills in what the first close left out.
    let mut events = example();
    events[6] = event("e7", 300, closed(None, None));
    events.push(event("e9", 310, closed(Some("u-9"), Some("Resolved"))));
    let it = fold(&events);
    assert_eq!(
        (it.closed_at, it.disposition.as_deref(), it.wrap_up_secs),
        (Some(at(300)), Some("Resolved"), Some(60))
    );
}

#[test]
fn agents_are_the_first_and_the_last_assignee() {
    let mut events = example();
    events.push(event("t", 200, assigned("u-8", Some("q-billing"))));
    let it = fold(&events);
    assert_eq!(
        (
            id(it.first_assignee_id.as_ref()),
            id(it.agent_id.as_ref()),
            id(it.closed_assignee_id.as_ref())
        ),
        (Some("u-7"), Some("u-8"), Some("u-8"))
    );
    assert_eq!(id(it.queue_id.as_ref()), Some("q-billing"));
    // An assignment naming no queue keeps the queue.
    events.push(event("t2", 250, assigned("u-9", None)));
    assert_eq!(id(fold(&events).queue_id.as_ref()), Some("q-billing"));
    // Never assigned: the agents who wrote first and last.
    let unassigned = fold(&[
        event("a", 0, inbound()),
        event("b", 10, agent("u-1")),
        event("c", 20, agent("u-2")),
    ]);
    assert_eq!(
        (
            id(unassigned.first_assignee_id.as_ref()),
            id(unassigned.agent_id.as_ref())
        ),
        (Some("u-1"), Some("u-2"))
    );
}

#[test]
fn sla_is_met_when_every_target_is_met() {
    // First response 35 s ≤ 60, resolution 300 s ≤ 3600.
    assert_eq!(fold(&example()).sla_status, Some(SlaStatus::Met));
}

#[test]
fn sla_is_breached_when_a_target_is_missed() {
    let mut late_reply = example();
    late_reply[4] = event("e5", 90, agent("u-7"));
    assert_eq!(fold(&late_reply).first_response_secs, Some(85));
    assert_eq!(fold(&late_reply).sla_status, Some(SlaStatus::Breached));
    let mut late_close = example();
    late_close[6] = event("e7", 4000, closed(Some("u-7"), None));
    late_close.pop();
    assert_eq!(fold(&late_close).sla_status, Some(SlaStatus::Breached));
    // A missed conversation closed after the first-response target went by.
    let missed = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 600, closed(None, None)),
    ]);
    assert_eq!(missed.sla_status, Some(SlaStatus::Breached));
}

#[test]
fn sla_is_pending_while_inside_its_targets() {
    let events = [event("a", 0, inbound()), event("b", 0, contact("hi"))];
    assert_eq!(
        fold_at(&events, at(30)).sla_status,
        Some(SlaStatus::Pending)
    );
    // Answered in time, not resolved yet, the hour not over.
    let answered = &example()[..6];
    assert_eq!(
        fold_at(answered, at(1800)).sla_status,
        Some(SlaStatus::Pending)
    );
    // Closed before the first-response target, with no reply: nothing is owed.
    let early_close = [
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 20, closed(None, None)),
    ];
    assert_eq!(fold(&early_close).sla_status, Some(SlaStatus::Met));
}

#[test]
fn sla_is_breached_once_a_target_is_overdue_at_now() {
    let events = [event("a", 0, inbound()), event("b", 0, contact("hi"))];
    assert_eq!(
        fold_at(&events, at(60)).sla_status,
        Some(SlaStatus::Pending)
    );
    assert_eq!(
        fold_at(&events, at(61)).sla_status,
        Some(SlaStatus::Breached)
    );
    let answered = &example()[..6];
    assert_eq!(
        fold_at(answered, at(3601)).sla_status,
        Some(SlaStatus::Breached)
    );
}

#[test]
fn sla_follows_the_final_queue_and_is_none_without_targets() {
    let mut events = example();
    events.push(event("t", 50, assigned("u-7", Some("q-none"))));
    assert_eq!(fold(&events).sla_status, None);
    let mut events = example();
    events.push(event("t", 50, assigned("u-7", Some("q-empty"))));
    assert_eq!(fold(&events).sla_status, None);
    let no_queue = fold(&[
        event("a", 0, started(Direction::Inbound, None)),
        event("b", 0, contact("hi")),
    ]);
    assert_eq!(no_queue.sla_status, None);
    // A queue with only a first-response target ignores the late close.
    let mut events = example();
    events[6] = event("e7", 4000, closed(Some("u-7"), None));
    events.push(event("t", 20, assigned("u-7", Some("q-fast"))));
    assert_eq!(fold(&events).sla_status, Some(SlaStatus::Breached));
    events[4] = event("e5", 25, agent("u-7"));
    assert_eq!(fold(&events).sla_status, Some(SlaStatus::Met));
}

#[test]
fn a_lone_event_still_folds_with_defaults() {
    let it = fold(&[event("m", 42, contact("hello?"))]);
    assert_eq!(
        (it.channel, it.direction, it.started_at, status(&it)),
        (
            Channel::Chat,
            Direction::Inbound,
            at(42),
            ConversationStatus::Open
        )
    );
    assert_eq!((it.queue_id, it.sla_status, it.version), (None, None, 1));
    let none = fold_conversation(&key("events"), &key("cv-1"), &[], &targets, at(0));
    assert_eq!(none, None);
}

#[test]
fn a_close_before_the_start_is_moved_to_the_start() {
    // The closing system's clock is behind the one that sent the start.
    let it = fold(&[
        event("a", 100, inbound()),
        event("b", 90, agent("u-1")),
        event("c", 95, closed(Some("u-1"), None)),
    ]);
    assert_eq!(it.started_at, at(100));
    assert_eq!(
        (it.closed_at, it.resolution_secs, it.first_response_secs),
        (Some(at(100)), Some(0), Some(0))
    );
}

/// Every kind of event, with a reopening and an assignment that moves the queue.
fn rich() -> Vec<ConversationEvent> {
    let mut all = example();
    all.extend([
        event("b2", 5, bot()),
        event("t1", 150, assigned("u-8", Some("q-fast"))),
        event("x1", 300, contact("bye")),
        event("w0", 300, wrapup("wf-0")),
        event("r1", 1000, ConversationEventKind::Reopened),
        event("c2", 1000, closed(Some("u-8"), None)),
        event("c3", 1100, closed(None, Some("Escalated"))),
        event("s1", 1100, ConversationEventKind::Reopened),
        event(
            "y1",
            1200,
            ConversationEventKind::Message {
                sender: SenderKind::System,
                agent_id: None,
                body: None,
            },
        ),
        event("c4", 1300, closed(Some("u-8"), Some("Resolved"))),
        event("w1", 1300, wrapup("wf-1")),
    ]);
    all
}

proptest! {
    /// Any order and any number of copies of a conversation's events fold to the same
    /// record.
    #[test]
    fn permutations_and_duplicates_fold_alike(
        order in Just((0..19usize).collect::<Vec<_>>()).prop_shuffle(),
        copies in proptest::collection::vec(0..19usize, 0..19),
        now in 0i64..8000,
    ) {
        let all = rich();
        prop_assert_eq!(all.len(), 19);
        let ordered = fold_at(&all, at(now));
        let mut shuffled: Vec<ConversationEvent> = order.iter().map(|idx| all[*idx].clone()).collect();
        shuffled.extend(copies.iter().map(|idx| all[*idx].clone()));
        prop_assert_eq!(fold_at(&shuffled, at(now)), ordered);
    }
}

#[test]
fn a_missed_conversation_is_judged_by_how_long_it_waited() {
    let missed_at = |secs: i64| {
        fold(&[
            event("a", 0, inbound()),
            event("b", 0, contact("hi")),
            event("c", secs, closed(None, None)),
        ])
    };
    // Left within the first-response target: nothing was owed.
    let quick = missed_at(45);
    assert_eq!(status(&quick), ConversationStatus::Missed);
    assert_eq!(quick.sla_status, Some(SlaStatus::Met));
    // Waited past it with no reply.
    assert_eq!(missed_at(61).sla_status, Some(SlaStatus::Breached));
    // The wait runs from the bot's last word, like a first response.
    let after_bot = fold(&[
        event("a", 0, inbound()),
        event("b", 0, contact("hi")),
        event("c", 40, bot()),
        event("d", 90, closed(None, None)),
    ]);
    assert_eq!(after_bot.sla_status, Some(SlaStatus::Met));
    // A missed conversation is never resolved: with only a resolution target it is judged
    // by how long it stayed open.
    let resolution_only = |secs: i64| {
        let mut events = vec![
            event("a", 0, started(Direction::Inbound, Some("q-res"))),
            event("b", 0, contact("hi")),
        ];
        events.push(event("c", secs, closed(None, None)));
        fold_conversation(
            &key("events"),
            &key("cv-1"),
            &events,
            &|queue: &Key| {
                (queue.as_str() == "q-res").then_some(SlaTargets {
                    first_response_secs: None,
                    resolution_secs: Some(3600),
                })
            },
            at(100_000),
        )
        .unwrap()
    };
    let early = resolution_only(600);
    assert_eq!(
        (early.resolution_secs, early.sla_status),
        (None, Some(SlaStatus::Met))
    );
    assert_eq!(resolution_only(4000).sla_status, Some(SlaStatus::Breached));
}
