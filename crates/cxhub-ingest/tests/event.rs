//! The wire event parser: every type, its fields, its errors, the directory stubs it
//! names, and properties over arbitrary and generated input.
//!
//! The format is described in docs/events.md; each rule there names the test here that
//! checks it.

use cxhub_ingest::call::{CallEventKind, CallInfo};
use cxhub_ingest::conversation::ConversationEventKind;
use cxhub_ingest::event::{
    DEFAULT_SOURCE, Event, EventKind, SubjectKind, TYPES, is_extension, parse,
};
use cxhub_model::call::{CallType, Media, ReleaseParty};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, SenderKind};
use cxhub_model::time::Instant;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap()
}

fn ok(value: &Value) -> Event {
    match parse(value) {
        Ok(event) => event,
        Err(errors) => panic!("{value} was rejected: {errors:?}"),
    }
}

fn errors(value: &Value) -> Vec<FieldError> {
    match parse(value) {
        Ok(event) => panic!("{value} was accepted: {event:?}"),
        Err(errors) => errors,
    }
}

/// The fields named by the errors, in the order reported.
fn fields(value: &Value) -> Vec<String> {
    errors(value).into_iter().map(|it| it.field).collect()
}

fn call_kind(event: &Event) -> &CallEventKind {
    match &event.kind {
        EventKind::Call(kind) => kind,
        other => panic!("not a call event: {other:?}"),
    }
}

fn conversation_kind(event: &Event) -> &ConversationEventKind {
    match &event.kind {
        EventKind::Conversation(kind) => kind,
        other => panic!("not a conversation event: {other:?}"),
    }
}

/// The smallest valid event of each type: the common fields, the subject, and what the
/// type requires.
fn minimal(type_name: &str) -> Value {
    let subject = TYPES
        .iter()
        .find(|(it, _)| *it == type_name)
        .map(|(_, kind)| *kind)
        .unwrap();
    let mut event = json!({"id": "e-1", "type": type_name, "at": "2026-11-20T09:00:00Z"});
    let object = event.as_object_mut().unwrap();
    object.insert(subject.field().to_owned(), json!("s-1"));
    for (field, value) in required_extras(type_name) {
        object.insert(field.to_owned(), value);
    }
    event
}

/// What a type requires besides the common fields and its subject.
fn required_extras(type_name: &str) -> Vec<(&'static str, Value)> {
    match type_name {
        "call.leg_ringing" | "call.leg_answered" | "call.leg_ended" => {
            vec![("leg_id", json!("l-1"))]
        }
        "call.recording_ready" => vec![("url", json!("https://rec/1.wav"))],
        "conversation.message" => vec![("sender", json!("contact"))],
        "conversation.assigned" => vec![("agent_id", json!("u-1"))],
        "presence.changed" => vec![("status", json!("available"))],
        _ => Vec::new(),
    }
}

fn without(value: &Value, field: &str) -> Value {
    let mut value = value.clone();
    value.as_object_mut().unwrap().remove(field);
    value
}

fn with(value: &Value, field: &str, new: Value) -> Value {
    let mut value = value.clone();
    value.as_object_mut().unwrap().insert(field.to_owned(), new);
    value
}

// ---- every type parses -------------------------------------------------------------

#[test]
fn every_type_parses_from_its_minimal_example_with_its_subject() {
    for (type_name, subject) in TYPES {
        let event = ok(&minimal(type_name));
        assert_eq!(event.type_name, *type_name);
        assert_eq!(event.subject_kind, *subject, "{type_name}");
        assert_eq!(event.subject_id.as_str(), "s-1", "{type_name}");
        assert_eq!(event.id.as_str(), "e-1");
        assert_eq!(event.at, at("2026-11-20T09:00:00Z"));
        assert_eq!(event.source.as_str(), DEFAULT_SOURCE, "{type_name}");
        // Exactly one of the typed views answers, the one of its subject.
        let views = [
            event.as_call().is_some(),
            event.as_conversation().is_some(),
            event.as_presence().is_some(),
        ];
        let expected = [
            *subject == SubjectKind::Call,
            *subject == SubjectKind::Conversation,
            *subject == SubjectKind::Presence,
        ];
        assert_eq!(views, expected, "{type_name}");
    }
}

#[test]
fn the_source_defaults_to_events_and_can_be_named() {
    let event = ok(&minimal("call.hold"));
    assert_eq!(event.source.as_str(), "events");
    let event = ok(&with(&minimal("call.hold"), "source", json!("pbx-hcm")));
    assert_eq!(event.source.as_str(), "pbx-hcm");
    // null is the same as absent.
    let event = ok(&with(&minimal("call.hold"), "source", Value::Null));
    assert_eq!(event.source.as_str(), "events");
}

#[test]
fn at_takes_any_offset_and_keeps_milliseconds() {
    let event = ok(&with(
        &minimal("call.hold"),
        "at",
        json!("2026-11-20T16:00:00.123456+07:00"),
    ));
    assert_eq!(event.at, at("2026-11-20T09:00:00.123Z"));
}

#[test]
fn call_started_reads_every_field() {
    let event = ok(&json!({
        "id": "e1", "type": "call.started", "at": "2026-11-20T09:00:00Z", "call_id": "c-1",
        "source": "pbx", "direction": "outbound", "from": "101", "to": "+84901234567",
        "queue_id": "q-sales", "contact_id": "ct-1", "agent_id": "u-7",
        "virtual_number": "+842873001234", "extension": "101",
        "from_name": "Lan", "to_name": "Minh", "from_country": "vn", "to_country": "SG",
        "call_type": "offnet", "media": "video", "department": "Sales",
        "x_vendor": {"anything": [1, 2]}
    }));
    assert_eq!(
        (event.source.as_str(), event.subject_id.as_str()),
        ("pbx", "c-1")
    );
    assert_eq!(
        call_kind(&event),
        &CallEventKind::Started {
            direction: Direction::Outbound,
            from: Some("101".to_owned()),
            to: Some("+84901234567".to_owned()),
            queue_id: Some(key("q-sales")),
            contact_id: Some(key("ct-1")),
            agent_id: Some(key("u-7")),
            virtual_number: Some("+842873001234".to_owned()),
            extension: Some("101".to_owned()),
            info: Box::new(CallInfo {
                from_name: Some("Lan".to_owned()),
                to_name: Some("Minh".to_owned()),
                from_country: Some("VN".to_owned()),
                to_country: Some("SG".to_owned()),
                call_type: Some(CallType::Offnet),
                media: Some(Media::Video),
                department: Some("Sales".to_owned()),
            }),
        }
    );
    let call = event.as_call().unwrap();
    assert_eq!((call.id.as_str(), call.at), ("e1", event.at));
}

#[test]
fn call_started_defaults_to_inbound_with_nothing_else() {
    let event = ok(&minimal("call.started"));
    assert_eq!(
        call_kind(&event),
        &CallEventKind::Started {
            direction: Direction::Inbound,
            from: None,
            to: None,
            queue_id: None,
            contact_id: None,
            agent_id: None,
            virtual_number: None,
            extension: None,
            info: Box::default(),
        }
    );
}

#[test]
fn call_leg_events_read_their_leg() {
    let base = json!({"id": "e", "at": "2026-11-20T09:00:04Z", "call_id": "c-1", "leg_id": "l-1"});
    let ringing = ok(&with(
        &with(
            &with(&base, "type", json!("call.leg_ringing")),
            "target",
            json!("101"),
        ),
        "agent_id",
        json!("u-7"),
    ));
    assert_eq!(
        call_kind(&ringing),
        &CallEventKind::LegRinging {
            leg_id: key("l-1"),
            target: Some("101".to_owned()),
            agent_id: Some(key("u-7")),
        }
    );
    let answered = ok(&with(&base, "type", json!("call.leg_answered")));
    assert_eq!(
        call_kind(&answered),
        &CallEventKind::LegAnswered { leg_id: key("l-1") }
    );
    let ended = with(&base, "type", json!("call.leg_ended"));
    let ended = with(&ended, "reason", json!("USER_BUSY"));
    let as_number = ok(&with(&ended, "fail_code", json!(486)));
    let as_text = ok(&with(&ended, "fail_code", json!(" 486 ")));
    let expected = CallEventKind::LegEnded {
        leg_id: key("l-1"),
        reason: Some("USER_BUSY".to_owned()),
        fail_code: Some(486),
    };
    assert_eq!(call_kind(&as_number), &expected);
    assert_eq!(call_kind(&as_text), &expected);
}

#[test]
fn the_other_call_events_read_their_fields() {
    let event = |type_name: &str, extra: Value| {
        let mut value = minimal(type_name);
        for (field, it) in extra.as_object().unwrap() {
            value = with(&value, field, it.clone());
        }
        ok(&value).kind
    };
    assert_eq!(
        event("call.queued", json!({"queue_id": "q-2"})),
        EventKind::Call(CallEventKind::Queued {
            queue_id: Some(key("q-2"))
        })
    );
    assert_eq!(
        event("call.dequeued", json!({})),
        EventKind::Call(CallEventKind::Dequeued)
    );
    assert_eq!(
        event("call.answered", json!({})),
        EventKind::Call(CallEventKind::Answered)
    );
    assert_eq!(
        event("call.hold", json!({})),
        EventKind::Call(CallEventKind::Hold)
    );
    assert_eq!(
        event("call.unhold", json!({})),
        EventKind::Call(CallEventKind::Unhold)
    );
    assert_eq!(
        event("call.transferred", json!({"to": "102"})),
        EventKind::Call(CallEventKind::Transferred {
            to: Some("102".to_owned())
        })
    );
    assert_eq!(
        event("call.recording_ready", json!({"url": "https://rec/2.wav"})),
        EventKind::Call(CallEventKind::RecordingReady {
            url: "https://rec/2.wav".to_owned()
        })
    );
    assert_eq!(
        event(
            "call.ended",
            json!({"hangup_by": "caller", "cause": "normal_clearing", "disposition": "after_hours"})
        ),
        EventKind::Call(CallEventKind::Ended {
            hangup_by: Some(ReleaseParty::Caller),
            cause: Some("normal_clearing".to_owned()),
            disposition: Some("after_hours".to_owned()),
        })
    );
    assert_eq!(
        event("call.ended", json!({})),
        EventKind::Call(CallEventKind::Ended {
            hangup_by: None,
            cause: None,
            disposition: None,
        })
    );
    assert_eq!(
        event("call.wrapup_done", json!({"form_id": "wf-1"})),
        EventKind::Call(CallEventKind::WrapupDone {
            form_id: Some("wf-1".to_owned())
        })
    );
}

#[test]
fn conversation_started_reads_every_field() {
    let event = ok(&json!({
        "id": "m1", "type": "conversation.started", "at": "2026-11-20T09:00:00Z",
        "conversation_id": "cv-1", "channel": "messenger", "direction": "outbound",
        "contact_id": "ct-1", "queue_id": "q-chat", "room_id": "room-1",
        "contact_platform_id": "PSID-1029384756"
    }));
    assert_eq!(event.subject_kind, SubjectKind::Conversation);
    assert_eq!(
        conversation_kind(&event),
        &ConversationEventKind::Started {
            channel: Channel::Messenger,
            direction: Direction::Outbound,
            contact_id: Some(key("ct-1")),
            queue_id: Some(key("q-chat")),
            room_id: Some("room-1".to_owned()),
            contact_platform_id: Some("PSID-1029384756".to_owned()),
        }
    );
    let item = event.as_conversation().unwrap();
    assert_eq!((item.id.as_str(), item.at), ("m1", event.at));
    // Without a channel or a direction: an inbound chat.
    assert_eq!(
        conversation_kind(&ok(&minimal("conversation.started"))),
        &ConversationEventKind::Started {
            channel: Channel::Chat,
            direction: Direction::Inbound,
            contact_id: None,
            queue_id: None,
            room_id: None,
            contact_platform_id: None,
        }
    );
}

#[test]
fn the_other_conversation_events_read_their_fields() {
    let event = |type_name: &str, extra: Value| {
        let mut value = minimal(type_name);
        for (field, it) in extra.as_object().unwrap() {
            value = with(&value, field, it.clone());
        }
        ok(&value).kind
    };
    assert_eq!(
        event(
            "conversation.message",
            json!({"sender": "agent", "agent_id": "u-1", "body": "hello"})
        ),
        EventKind::Conversation(ConversationEventKind::Message {
            sender: SenderKind::Agent,
            agent_id: Some(key("u-1")),
            body: Some("hello".to_owned()),
        })
    );
    assert_eq!(
        event("conversation.message", json!({"sender": "bot"})),
        EventKind::Conversation(ConversationEventKind::Message {
            sender: SenderKind::Bot,
            agent_id: None,
            body: None,
        })
    );
    assert_eq!(
        event(
            "conversation.assigned",
            json!({"agent_id": "u-2", "queue_id": "q-2"})
        ),
        EventKind::Conversation(ConversationEventKind::Assigned {
            agent_id: key("u-2"),
            queue_id: Some(key("q-2")),
        })
    );
    assert_eq!(
        event(
            "conversation.closed",
            json!({"agent_id": "u-2", "disposition": "solved"})
        ),
        EventKind::Conversation(ConversationEventKind::Closed {
            agent_id: Some(key("u-2")),
            disposition: Some("solved".to_owned()),
        })
    );
    assert_eq!(
        event("conversation.reopened", json!({})),
        EventKind::Conversation(ConversationEventKind::Reopened)
    );
    assert_eq!(
        event("conversation.wrapup_done", json!({"form_id": "wf-2"})),
        EventKind::Conversation(ConversationEventKind::WrapupDone {
            form_id: Some("wf-2".to_owned())
        })
    );
}

#[test]
fn presence_changed_reads_every_field() {
    let event = ok(&json!({
        "id": "p1", "type": "presence.changed", "at": "2026-11-20T09:00:00Z",
        "user_id": "u-3", "status": "lunch", "previous_status": "available", "reason": "hungry"
    }));
    assert_eq!(
        (event.subject_kind, event.subject_id.as_str()),
        (SubjectKind::Presence, "u-3")
    );
    assert_eq!(
        event.kind,
        EventKind::Presence {
            status: key("lunch"),
            previous_status: Some(key("available")),
            reason: Some("hungry".to_owned()),
        }
    );
    let change = event.as_presence().unwrap();
    assert_eq!(
        (
            change.id.as_str(),
            change.at,
            change.status.as_str(),
            change.previous_status.as_ref().map(Key::as_str),
            change.reason.as_deref()
        ),
        (
            "p1",
            at("2026-11-20T09:00:00Z"),
            "lunch",
            Some("available"),
            Some("hungry")
        )
    );
}

// ---- errors ------------------------------------------------------------------------

#[test]
fn each_missing_required_field_is_named() {
    for (type_name, subject) in TYPES {
        let event = minimal(type_name);
        let mut required = vec!["id", "type", "at", subject.field()];
        required.extend(required_extras(type_name).into_iter().map(|(it, _)| it));
        for field in required {
            let missing = fields(&without(&event, field));
            assert!(
                missing.iter().any(|it| it == field),
                "{type_name} without {field}: {missing:?}"
            );
            // null is the same as absent.
            let null = errors(&with(&event, field, Value::Null));
            let named = null.iter().find(|it| it.field == field);
            assert_eq!(
                named.map(|it| it.reason.as_str()),
                Some("is required"),
                "{type_name} with a null {field}: {null:?}"
            );
        }
    }
}

#[test]
fn a_missing_subject_is_the_one_its_type_names() {
    let call = without(&minimal("call.started"), "call_id");
    assert_eq!(fields(&with(&call, "user_id", json!("u-1"))), ["call_id"]);
    let conversation = without(&minimal("conversation.closed"), "conversation_id");
    assert_eq!(fields(&conversation), ["conversation_id"]);
    let presence = without(&minimal("presence.changed"), "user_id");
    assert_eq!(fields(&presence), ["user_id"]);
}

#[test]
fn a_null_sender_is_rejected_with_a_reason() {
    let message = with(&minimal("conversation.message"), "sender", Value::Null);
    assert_eq!(fields(&message), ["sender"]);
}

#[test]
fn an_agent_message_needs_its_agent() {
    let message = with(&minimal("conversation.message"), "sender", json!("agent"));
    let errors = errors(&message);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "agent_id");
    assert!(errors[0].reason.contains("agent"), "{errors:?}");
}

#[test]
fn a_voice_conversation_is_refused() {
    let event = with(&minimal("conversation.started"), "channel", json!("voice"));
    let errors = errors(&event);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "channel");
    assert!(errors[0].reason.contains("call"), "{errors:?}");
}

#[test]
fn wrong_json_types_are_named() {
    let cases = [
        ("call.started", "id", json!(7)),
        ("call.started", "type", json!(["call.started"])),
        ("call.started", "at", json!(1_763_629_200)),
        ("call.started", "call_id", json!(7)),
        ("call.started", "source", json!(true)),
        ("call.started", "from", json!(84_901_234_567_i64)),
        ("call.started", "queue_id", json!({"id": "q"})),
        ("call.started", "direction", json!(1)),
        ("call.started", "from_country", json!(84)),
        ("call.leg_ringing", "target", json!(101)),
        ("call.leg_ended", "fail_code", json!([486])),
        ("call.leg_ended", "fail_code", json!(true)),
        ("call.recording_ready", "url", json!(false)),
        ("call.ended", "hangup_by", json!(1)),
        ("call.ended", "disposition", json!(["a"])),
        ("conversation.started", "channel", json!(3)),
        ("conversation.message", "sender", json!({})),
        ("conversation.message", "body", json!(42)),
        ("presence.changed", "status", json!(1)),
        ("presence.changed", "reason", json!(1.5)),
    ];
    for (type_name, field, value) in cases {
        let event = with(&minimal(type_name), field, value.clone());
        let errors = errors(&event);
        let named: Vec<&FieldError> = errors.iter().filter(|it| it.field == field).collect();
        assert_eq!(named.len(), 1, "{type_name}.{field} = {value}: {errors:?}");
        assert!(
            named[0].reason.starts_with("must be a string, not ")
                || named[0].reason.contains("SIP status code"),
            "{type_name}.{field} = {value}: {errors:?}"
        );
    }
}

#[test]
fn bad_values_are_named_with_what_is_expected() {
    let cases = [
        ("call.started", "id", json!(""), "must not be empty"),
        (
            "call.started",
            "call_id",
            json!(" c-1"),
            "must not start or end with whitespace",
        ),
        (
            "call.started",
            "at",
            json!("2026-11-20T09:00:00"),
            "RFC 3339",
        ),
        ("call.started", "at", json!("yesterday"), "RFC 3339"),
        ("call.started", "direction", json!("sideways"), "inbound"),
        ("call.started", "call_type", json!("pstn"), "offnet"),
        ("call.started", "media", json!("audio+video"), "video"),
        ("call.started", "from_country", json!("VNM"), "ISO 3166-1"),
        ("call.started", "to_country", json!("V1"), "ISO 3166-1"),
        ("call.ended", "hangup_by", json!("nobody"), "caller"),
        ("call.leg_ended", "fail_code", json!(99), "100 to 699"),
        ("call.leg_ended", "fail_code", json!(700), "100 to 699"),
        ("call.leg_ended", "fail_code", json!(486.5), "100 to 699"),
        ("call.leg_ended", "fail_code", json!("busy"), "100 to 699"),
        (
            "conversation.started",
            "channel",
            json!("pigeon"),
            "messenger",
        ),
        ("conversation.message", "sender", json!("robot"), "contact"),
        ("presence.changed", "status", json!("a\u{7}b"), "control"),
    ];
    for (type_name, field, value, hint) in cases {
        let event = with(&minimal(type_name), field, value.clone());
        let errors = errors(&event);
        assert!(
            errors
                .iter()
                .any(|it| it.field == field && it.reason.contains(hint)),
            "{type_name}.{field} = {value}: {errors:?}"
        );
    }
}

#[test]
fn every_problem_of_an_event_is_reported_at_once() {
    let event = json!({
        "id": "", "type": "call.started", "at": "noon", "call_id": 5,
        "direction": "up", "from": 1, "media": "smell"
    });
    let mut named = fields(&event);
    named.sort();
    assert_eq!(
        named,
        ["at", "call_id", "direction", "from", "id", "media"],
        "{:?}",
        errors(&event)
    );
}

#[test]
fn every_problem_is_reported_even_when_a_type_field_is_missing() {
    // `parse` promises every problem at once; the `?` on a required field of the type
    // stops reading that type's fields.
    let leg = with(&minimal("call.leg_ringing"), "target", json!(101));
    assert_eq!(fields(&without(&leg, "leg_id")), ["leg_id", "target"]);
    let message = with(&minimal("conversation.message"), "body", json!(42));
    assert_eq!(fields(&without(&message, "sender")), ["sender", "body"]);
    let assigned = with(&minimal("conversation.assigned"), "queue_id", json!(1));
    assert_eq!(
        fields(&without(&assigned, "agent_id")),
        ["agent_id", "queue_id"]
    );
}

#[test]
fn an_unknown_type_lists_the_expected_ones() {
    let event = with(&minimal("call.started"), "type", json!("call.exploded"));
    let errors = errors(&event);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "type");
    assert!(errors[0].reason.contains("call.exploded"), "{errors:?}");
    for (type_name, _) in TYPES {
        assert!(
            errors[0].reason.contains(type_name),
            "{type_name}: {errors:?}"
        );
    }
    // Types are exact: no other spelling is read.
    assert_eq!(
        fields(&with(
            &minimal("call.started"),
            "type",
            json!("Call.Started")
        )),
        ["type"]
    );
}

#[test]
fn an_event_that_is_not_an_object_is_refused_as_a_whole() {
    for value in [
        json!(null),
        json!(true),
        json!(1),
        json!("call.started"),
        json!([minimal("call.started")]),
    ] {
        let errors = errors(&value);
        assert_eq!(errors.len(), 1, "{value}: {errors:?}");
        assert_eq!(errors[0].field, "", "{value}");
        assert!(errors[0].reason.contains("JSON object"), "{errors:?}");
    }
}

// ---- directory stubs ---------------------------------------------------------------

fn named(value: &Value) -> Vec<(&'static str, String)> {
    ok(value)
        .named()
        .into_iter()
        .map(|(kind, id)| (kind, id.to_owned()))
        .collect()
}

fn stubs(items: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    items
        .iter()
        .map(|(kind, id)| (*kind, (*id).to_owned()))
        .collect()
}

#[test]
fn events_name_the_directory_entries_they_mention() {
    let started = json!({"id": "e1", "type": "call.started", "at": "2026-11-20T09:00:00Z",
        "call_id": "c-1", "queue_id": "q-1", "contact_id": "ct-1", "agent_id": "u-1", "extension": "2001"});
    assert_eq!(
        named(&started),
        stubs(&[
            ("queue", "q-1"),
            ("contact", "ct-1"),
            ("user", "u-1"),
            ("extension", "2001")
        ])
    );
    assert_eq!(named(&minimal("call.started")), stubs(&[]));
    assert_eq!(
        named(&with(&minimal("call.queued"), "queue_id", json!("q-2"))),
        stubs(&[("queue", "q-2")])
    );
    let ringing = with(&minimal("call.leg_ringing"), "agent_id", json!("u-7"));
    assert_eq!(
        named(&with(&ringing, "target", json!("101"))),
        stubs(&[("user", "u-7"), ("extension", "101")])
    );
    assert_eq!(
        named(&with(&ringing, "target", json!("+84901234567"))),
        stubs(&[("user", "u-7")])
    );
    let conversation = json!({"id": "m1", "type": "conversation.started", "at": "2026-11-20T09:00:00Z",
        "conversation_id": "cv-1", "contact_id": "ct-1", "queue_id": "q-chat"});
    assert_eq!(
        named(&conversation),
        stubs(&[("queue", "q-chat"), ("contact", "ct-1")])
    );
    let message = with(&minimal("conversation.message"), "sender", json!("agent"));
    assert_eq!(
        named(&with(&message, "agent_id", json!("u-2"))),
        stubs(&[("user", "u-2")])
    );
    assert_eq!(named(&minimal("conversation.message")), stubs(&[]));
    assert_eq!(
        named(&with(
            &minimal("conversation.assigned"),
            "queue_id",
            json!("q-3")
        )),
        stubs(&[("user", "u-1"), ("queue", "q-3")])
    );
    assert_eq!(
        named(&with(
            &minimal("conversation.closed"),
            "agent_id",
            json!("u-4")
        )),
        stubs(&[("user", "u-4")])
    );
    assert_eq!(
        named(&minimal("presence.changed")),
        stubs(&[("user", "s-1")])
    );
    // Types that name nobody.
    for type_name in [
        "call.dequeued",
        "call.leg_answered",
        "call.answered",
        "call.leg_ended",
        "call.hold",
        "call.unhold",
        "call.transferred",
        "call.recording_ready",
        "call.ended",
        "call.wrapup_done",
        "conversation.reopened",
        "conversation.wrapup_done",
    ] {
        assert_eq!(named(&minimal(type_name)), stubs(&[]), "{type_name}");
    }
}

#[test]
fn an_extension_is_two_to_six_digits() {
    for extension in ["10", "101", "2001", "99999", "123456"] {
        assert!(is_extension(extension), "{extension}");
    }
    for number in [
        "",
        "1",
        "1234567",
        "+84901234567",
        "0901234567",
        "10a",
        "1 01",
        "ext-101",
        "١٠١",
    ] {
        assert!(!is_extension(number), "{number}");
    }
}

// ---- properties --------------------------------------------------------------------

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|it| Value::Object(it.into_iter().collect())),
        ]
    })
}

/// Every field name the parser reads.
const FIELDS: &[&str] = &[
    "id",
    "type",
    "at",
    "source",
    "call_id",
    "conversation_id",
    "user_id",
    "direction",
    "from",
    "to",
    "queue_id",
    "contact_id",
    "agent_id",
    "virtual_number",
    "extension",
    "from_name",
    "to_name",
    "from_country",
    "to_country",
    "call_type",
    "media",
    "department",
    "leg_id",
    "target",
    "reason",
    "fail_code",
    "url",
    "hangup_by",
    "cause",
    "disposition",
    "form_id",
    "channel",
    "room_id",
    "contact_platform_id",
    "sender",
    "body",
    "status",
    "previous_status",
];

/// A value a field might plausibly hold, right or wrong.
fn plausible() -> impl Strategy<Value = Value> {
    prop_oneof![
        any_json(),
        proptest::sample::select(TYPES.iter().map(|(it, _)| *it).collect::<Vec<_>>())
            .prop_map(Value::from),
        proptest::sample::select(vec![
            "2026-11-20T09:00:00Z",
            "2026-11-20T09:00:00.5+07:00",
            "1969-12-31T23:59:59Z",
            "inbound",
            "outbound",
            "agent",
            "contact",
            "voice",
            "chat",
            "caller",
            "VN",
            "486",
            "101",
            "",
            " x ",
        ])
        .prop_map(Value::from),
        (0i64..1000).prop_map(Value::from),
    ]
}

/// An object made of the fields the parser reads (and some it does not), each holding a
/// plausible value: it reaches deeper into the parser than arbitrary JSON does.
fn event_like() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        4 => proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
        1 => ".{0,8}",
    ];
    proptest::collection::btree_map(field, plausible(), 0..14)
        .prop_map(|it| Value::Object(it.into_iter().collect::<Map<String, Value>>()))
}

fn check_outcome(value: &Value) -> Result<(), TestCaseError> {
    match parse(value) {
        Ok(event) => {
            let subject = TYPES
                .iter()
                .find(|(it, _)| *it == event.type_name)
                .map(|(_, kind)| *kind);
            prop_assert_eq!(subject, Some(event.subject_kind));
            // What the parser read is what was sent.
            prop_assert_eq!(
                value.get("id").and_then(Value::as_str),
                Some(event.id.as_str())
            );
            prop_assert_eq!(
                value
                    .get(event.subject_kind.field())
                    .and_then(Value::as_str),
                Some(event.subject_id.as_str())
            );
            let _ = event.named();
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty(), "rejected without a reason: {}", value);
            for error in &errors {
                prop_assert!(!error.reason.is_empty(), "{:?}", error);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary JSON never makes the parser panic; a rejection always says why.
    #[test]
    fn parse_never_panics_on_arbitrary_json(value in any_json()) {
        check_outcome(&value)?;
    }

    /// Objects of known fields with plausible or wrong values: the same.
    #[test]
    fn parse_never_panics_on_event_like_objects(value in event_like()) {
        check_outcome(&value)?;
    }
}

// ---- generated valid events --------------------------------------------------------

/// A valid key: no control characters, no surrounding whitespace.
fn any_key() -> impl Strategy<Value = Key> {
    "[^\\p{Cc}]{1,24}".prop_filter_map("not a key", |it| Key::parse(&it).ok())
}

fn any_text() -> impl Strategy<Value = String> {
    ".{0,16}"
}

fn any_instant() -> impl Strategy<Value = Instant> {
    (Instant::MIN.as_millis()..=Instant::MAX.as_millis())
        .prop_map(|it| Instant::from_millis(it).unwrap())
}

fn any_country() -> impl Strategy<Value = String> {
    "[a-zA-Z]{2}"
}

fn one_of<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

/// The common part of a generated event.
#[derive(Debug, Clone)]
struct Common {
    id: Key,
    source: Option<Key>,
    at: Instant,
    /// Write `at` with `+00:00` rather than `Z`.
    offset: bool,
    subject_id: Key,
}

fn any_common() -> impl Strategy<Value = Common> {
    (
        any_key(),
        proptest::option::of(any_key()),
        any_instant(),
        any::<bool>(),
        any_key(),
    )
        .prop_map(|(id, source, at, offset, subject_id)| Common {
            id,
            source,
            at,
            offset,
            subject_id,
        })
}

/// Puts a field in `object` when it has a value.
fn put(object: &mut Map<String, Value>, field: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        object.insert(field.to_owned(), value.into());
    }
}

fn text_of(key: &Option<Key>) -> Option<String> {
    key.as_ref().map(|it| it.as_str().to_owned())
}

/// Writes the JSON of a generated event, with a vendor extra the parser must ignore.
fn wire(
    common: &Common,
    type_name: &str,
    subject: SubjectKind,
    fields: Map<String, Value>,
) -> Value {
    let mut object = fields;
    object.insert("id".to_owned(), common.id.as_str().into());
    object.insert("type".to_owned(), type_name.into());
    let at = common.at.to_rfc3339();
    let at = match common.offset {
        true => at.replace('Z', "+00:00"),
        false => at,
    };
    object.insert("at".to_owned(), at.into());
    put(&mut object, "source", text_of(&common.source));
    object.insert(
        subject.field().to_owned(),
        common.subject_id.as_str().into(),
    );
    object.insert("x_extra".to_owned(), json!({"kept": "but ignored"}));
    Value::Object(object)
}

fn expected(common: &Common, type_name: &str, subject: SubjectKind, kind: EventKind) -> Event {
    Event {
        id: common.id.clone(),
        source: common.source.clone().unwrap_or_else(|| key(DEFAULT_SOURCE)),
        type_name: type_name.to_owned(),
        at: common.at,
        subject_kind: subject,
        subject_id: common.subject_id.clone(),
        kind,
    }
}

/// A generated call event: its type, its JSON fields, and what the parser should read.
fn any_call_event() -> impl Strategy<Value = (&'static str, Map<String, Value>, CallEventKind)> {
    let started = (
        (
            proptest::option::of(one_of(Direction::ALL)),
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
            proptest::option::of(any_key()),
            proptest::option::of(any_key()),
            proptest::option::of(any_key()),
            proptest::option::of(any_text()),
            proptest::option::of(any_key()),
        ),
        (
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
            proptest::option::of(any_country()),
            proptest::option::of(any_country()),
            proptest::option::of(one_of(CallType::ALL)),
            proptest::option::of(one_of(Media::ALL)),
            proptest::option::of(any_text()),
        ),
    )
        .prop_map(
            |(
                (direction, from, to, queue_id, contact_id, agent_id, virtual_number, extension),
                (from_name, to_name, from_country, to_country, call_type, media, department),
            )| {
                let mut object = Map::new();
                put(&mut object, "direction", direction.map(|it| it.as_str()));
                put(&mut object, "from", from.clone());
                put(&mut object, "to", to.clone());
                put(&mut object, "queue_id", text_of(&queue_id));
                put(&mut object, "contact_id", text_of(&contact_id));
                put(&mut object, "agent_id", text_of(&agent_id));
                put(&mut object, "virtual_number", virtual_number.clone());
                put(&mut object, "extension", text_of(&extension));
                put(&mut object, "from_name", from_name.clone());
                put(&mut object, "to_name", to_name.clone());
                put(&mut object, "from_country", from_country.clone());
                put(&mut object, "to_country", to_country.clone());
                put(&mut object, "call_type", call_type.map(|it| it.as_str()));
                put(&mut object, "media", media.map(|it| it.as_str()));
                put(&mut object, "department", department.clone());
                let kind = CallEventKind::Started {
                    direction: direction.unwrap_or(Direction::Inbound),
                    from,
                    to,
                    queue_id,
                    contact_id,
                    agent_id,
                    virtual_number,
                    extension: text_of(&extension),
                    info: Box::new(CallInfo {
                        from_name,
                        to_name,
                        from_country: from_country.map(|it| it.to_ascii_uppercase()),
                        to_country: to_country.map(|it| it.to_ascii_uppercase()),
                        call_type,
                        media,
                        department,
                    }),
                };
                ("call.started", object, kind)
            },
        );
    let queued = proptest::option::of(any_key()).prop_map(|queue_id| {
        let mut object = Map::new();
        put(&mut object, "queue_id", text_of(&queue_id));
        ("call.queued", object, CallEventKind::Queued { queue_id })
    });
    let ringing = (
        any_key(),
        proptest::option::of(any_text()),
        proptest::option::of(any_key()),
    )
        .prop_map(|(leg_id, target, agent_id)| {
            let mut object = Map::new();
            object.insert("leg_id".to_owned(), leg_id.as_str().into());
            put(&mut object, "target", target.clone());
            put(&mut object, "agent_id", text_of(&agent_id));
            let kind = CallEventKind::LegRinging {
                leg_id,
                target,
                agent_id,
            };
            ("call.leg_ringing", object, kind)
        });
    let answered = any_key().prop_map(|leg_id| {
        let mut object = Map::new();
        object.insert("leg_id".to_owned(), leg_id.as_str().into());
        (
            "call.leg_answered",
            object,
            CallEventKind::LegAnswered { leg_id },
        )
    });
    let leg_ended = (
        any_key(),
        proptest::option::of(any_text()),
        proptest::option::of((100i32..=699, any::<bool>())),
    )
        .prop_map(|(leg_id, reason, code)| {
            let mut object = Map::new();
            object.insert("leg_id".to_owned(), leg_id.as_str().into());
            put(&mut object, "reason", reason.clone());
            if let Some((code, as_text)) = code {
                let value = match as_text {
                    true => Value::from(code.to_string()),
                    false => Value::from(code),
                };
                object.insert("fail_code".to_owned(), value);
            }
            let kind = CallEventKind::LegEnded {
                leg_id,
                reason,
                fail_code: code.map(|(it, _)| it),
            };
            ("call.leg_ended", object, kind)
        });
    let transferred = proptest::option::of(any_text()).prop_map(|to| {
        let mut object = Map::new();
        put(&mut object, "to", to.clone());
        (
            "call.transferred",
            object,
            CallEventKind::Transferred { to },
        )
    });
    let recording = any_text().prop_map(|url| {
        let mut object = Map::new();
        object.insert("url".to_owned(), url.clone().into());
        (
            "call.recording_ready",
            object,
            CallEventKind::RecordingReady { url },
        )
    });
    let ended = (
        proptest::option::of(one_of(ReleaseParty::ALL)),
        proptest::option::of(any_text()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(hangup_by, cause, disposition)| {
            let mut object = Map::new();
            put(&mut object, "hangup_by", hangup_by.map(|it| it.as_str()));
            put(&mut object, "cause", cause.clone());
            put(&mut object, "disposition", disposition.clone());
            let kind = CallEventKind::Ended {
                hangup_by,
                cause,
                disposition,
            };
            ("call.ended", object, kind)
        });
    let wrapup = proptest::option::of(any_text()).prop_map(|form_id| {
        let mut object = Map::new();
        put(&mut object, "form_id", form_id.clone());
        (
            "call.wrapup_done",
            object,
            CallEventKind::WrapupDone { form_id },
        )
    });
    let plain = proptest::sample::select(vec![
        ("call.dequeued", CallEventKind::Dequeued),
        ("call.answered", CallEventKind::Answered),
        ("call.hold", CallEventKind::Hold),
        ("call.unhold", CallEventKind::Unhold),
    ])
    .prop_map(|(name, kind)| (name, Map::new(), kind));
    prop_oneof![
        started,
        queued,
        ringing,
        answered,
        leg_ended,
        transferred,
        recording,
        ended,
        wrapup,
        plain
    ]
}

/// A channel a conversation may have: any but voice.
fn chat_channels() -> Vec<Channel> {
    Channel::ALL
        .iter()
        .copied()
        .filter(|it| *it != Channel::Voice)
        .collect()
}

fn any_conversation_event()
-> impl Strategy<Value = (&'static str, Map<String, Value>, ConversationEventKind)> {
    let started = (
        proptest::option::of(proptest::sample::select(chat_channels())),
        proptest::option::of(one_of(Direction::ALL)),
        proptest::option::of(any_key()),
        proptest::option::of(any_key()),
        proptest::option::of(any_text()),
        proptest::option::of(any_text()),
    )
        .prop_map(
            |(channel, direction, contact_id, queue_id, room_id, contact_platform_id)| {
                let mut object = Map::new();
                put(&mut object, "channel", channel.map(|it| it.as_str()));
                put(&mut object, "direction", direction.map(|it| it.as_str()));
                put(&mut object, "contact_id", text_of(&contact_id));
                put(&mut object, "queue_id", text_of(&queue_id));
                put(&mut object, "room_id", room_id.clone());
                put(
                    &mut object,
                    "contact_platform_id",
                    contact_platform_id.clone(),
                );
                let kind = ConversationEventKind::Started {
                    channel: channel.unwrap_or(Channel::Chat),
                    direction: direction.unwrap_or(Direction::Inbound),
                    contact_id,
                    queue_id,
                    room_id,
                    contact_platform_id,
                };
                ("conversation.started", object, kind)
            },
        );
    let message = (
        one_of(SenderKind::ALL),
        proptest::option::of(any_key()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(sender, agent_id, body)| {
            // An agent's message always names the agent.
            let agent_id = match sender {
                SenderKind::Agent => Some(agent_id.unwrap_or_else(|| key("u-1"))),
                _ => agent_id,
            };
            let mut object = Map::new();
            object.insert("sender".to_owned(), sender.as_str().into());
            put(&mut object, "agent_id", text_of(&agent_id));
            put(&mut object, "body", body.clone());
            let kind = ConversationEventKind::Message {
                sender,
                agent_id,
                body,
            };
            ("conversation.message", object, kind)
        });
    let assigned = (any_key(), proptest::option::of(any_key())).prop_map(|(agent_id, queue_id)| {
        let mut object = Map::new();
        object.insert("agent_id".to_owned(), agent_id.as_str().into());
        put(&mut object, "queue_id", text_of(&queue_id));
        let kind = ConversationEventKind::Assigned { agent_id, queue_id };
        ("conversation.assigned", object, kind)
    });
    let closed = (
        proptest::option::of(any_key()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(agent_id, disposition)| {
            let mut object = Map::new();
            put(&mut object, "agent_id", text_of(&agent_id));
            put(&mut object, "disposition", disposition.clone());
            let kind = ConversationEventKind::Closed {
                agent_id,
                disposition,
            };
            ("conversation.closed", object, kind)
        });
    let reopened = Just((
        "conversation.reopened",
        Map::new(),
        ConversationEventKind::Reopened,
    ));
    let wrapup = proptest::option::of(any_text()).prop_map(|form_id| {
        let mut object = Map::new();
        put(&mut object, "form_id", form_id.clone());
        (
            "conversation.wrapup_done",
            object,
            ConversationEventKind::WrapupDone { form_id },
        )
    });
    prop_oneof![started, message, assigned, closed, reopened, wrapup]
}

fn any_presence_event() -> impl Strategy<Value = (Map<String, Value>, EventKind)> {
    (
        any_key(),
        proptest::option::of(any_key()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(status, previous_status, reason)| {
            let mut object = Map::new();
            object.insert("status".to_owned(), status.as_str().into());
            put(&mut object, "previous_status", text_of(&previous_status));
            put(&mut object, "reason", reason.clone());
            let kind = EventKind::Presence {
                status,
                previous_status,
                reason,
            };
            (object, kind)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A generated call event parses, and every field lands where it was put.
    #[test]
    fn a_generated_call_event_parses_to_what_was_generated(
        common in any_common(),
        (type_name, fields, kind) in any_call_event(),
    ) {
        let value = wire(&common, type_name, SubjectKind::Call, fields);
        let event = parse(&value).map_err(|errors| TestCaseError::fail(format!("{value}: {errors:?}")))?;
        prop_assert_eq!(event, expected(&common, type_name, SubjectKind::Call, EventKind::Call(kind)));
    }

    /// The same for conversation events.
    #[test]
    fn a_generated_conversation_event_parses_to_what_was_generated(
        common in any_common(),
        (type_name, fields, kind) in any_conversation_event(),
    ) {
        let value = wire(&common, type_name, SubjectKind::Conversation, fields);
        let event = parse(&value).map_err(|errors| TestCaseError::fail(format!("{value}: {errors:?}")))?;
        prop_assert_eq!(
            event,
            expected(&common, type_name, SubjectKind::Conversation, EventKind::Conversation(kind))
        );
    }

    /// The same for presence changes.
    #[test]
    fn a_generated_presence_event_parses_to_what_was_generated(
        common in any_common(),
        (fields, kind) in any_presence_event(),
    ) {
        let value = wire(&common, "presence.changed", SubjectKind::Presence, fields);
        let event = parse(&value).map_err(|errors| TestCaseError::fail(format!("{value}: {errors:?}")))?;
        prop_assert_eq!(event, expected(&common, "presence.changed", SubjectKind::Presence, kind));
    }
}
