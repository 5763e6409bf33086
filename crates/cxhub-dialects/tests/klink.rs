//! The klink dialect against the seeds' examples, and round trips through it.

use std::sync::Arc;

use cxhub_dialects::klink::wire::{
    ContactObject, CxLog, Directory, PresenceLogItem, TicketObject, UserObject,
};
use cxhub_dialects::shape::mismatches;
use cxhub_model::call::{CallDetail, CallKind, CallStatus, Media, Party};
use cxhub_model::directory::{
    Attribute, AttributeType, Contact, EntryKind, PlatformIdentity, PresenceStatus, Queue, Tag,
    User,
};
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, SlaStatus,
};
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::{CustomField, FieldValue, Priority, Ticket, TicketStatus};
use cxhub_model::time::Instant;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap()
}

fn directory() -> Directory {
    let mut directory = Directory {
        tenant: "acme".to_owned(),
        ..Directory::default()
    };
    let mut user = User::stub(key("u-7"));
    user.name = Some("John".to_owned());
    user.email = Some("john@example.com".to_owned());
    directory.users.insert(key("u-7"), Arc::new(user));
    let mut contact = Contact::stub(key("c-1"));
    contact.name = Some("Mai".to_owned());
    contact.phones = vec!["+84901234567".to_owned()];
    contact.tags = vec![key("vip")];
    contact.platform_ids = vec![PlatformIdentity {
        channel: "messenger".to_owned(),
        platform_id: "PSID-1".to_owned(),
    }];
    directory.contacts.insert(key("c-1"), Arc::new(contact));
    let mut queue = Queue::stub(key("q-1"));
    queue.name = Some("Support".to_owned());
    directory.queues.insert(key("q-1"), Arc::new(queue));
    directory.tags.insert(
        key("vip"),
        Arc::new(Tag {
            id: key("vip"),
            name: "VIP".to_owned(),
            position: 1,
            created_at: None,
            updated_at: None,
        }),
    );
    directory.attributes.insert(
        key("cf_due"),
        Arc::new(Attribute {
            id: key("cf_due"),
            system_name: "cf_due".to_owned(),
            display_name: "Due".to_owned(),
            kind: AttributeType::Date,
            position: 1,
            is_default: false,
            is_archived: false,
            is_required: true,
            is_unique: false,
            group_id: Some("g-1".to_owned()),
            created_at: None,
            updated_at: None,
        }),
    );
    for status in PresenceStatus::defaults() {
        directory
            .statuses
            .insert(status.system_name.clone(), Arc::new(status));
    }
    for (kind, name, num) in [
        (EntryKind::User, "u-7", 7),
        (EntryKind::User, "u-8", 8),
        (EntryKind::Contact, "c-1", 1),
        (EntryKind::Queue, "q-1", 1),
        (EntryKind::Tag, "vip", 3),
        (EntryKind::Category, "billing", 2),
        (EntryKind::Attribute, "cf_due", 5),
    ] {
        directory.numbers.insert(kind, key(name), num);
    }
    directory
}

/// `chat()` as pulled from klink: every id a klink UUID, which cxhub prints unchanged.
fn chat_from_klink() -> Interaction {
    let uuid = |n: u32| format!("3f0c2a8e-9b1d-4c4e-8f7a-2b6d5e4c3a{n:02}");
    Interaction {
        contact_id: Some(key(&uuid(1))),
        queue_id: Some(key(&uuid(2))),
        agent_id: Some(key(&uuid(3))),
        first_assignee_id: Some(key(&uuid(3))),
        closed_assignee_id: Some(key(&uuid(4))),
        room_id: Some(uuid(5)),
        wrap_up_form_id: Some(uuid(6)),
        ..chat()
    }
}

/// A chat with every field klink carries set.
fn chat() -> Interaction {
    Interaction {
        id: RecordId::new(42),
        source: key("klink"),
        external_id: key("00000001-0000-8000-8000-00000000002a"),
        version: 0,
        channel: Channel::Messenger,
        direction: Direction::Inbound,
        status: InteractionStatus::Conversation(ConversationStatus::Closed),
        contact_id: Some(key("c-1")),
        queue_id: Some(key("q-1")),
        agent_id: Some(key("u-7")),
        first_assignee_id: Some(key("u-7")),
        closed_assignee_id: Some(key("u-8")),
        case_number: Some(12540),
        case_ref: None,
        room_id: Some("room-1".to_owned()),
        contact_platform_id: Some("PSID-1".to_owned()),
        started_at: at("2026-03-30T08:30:00Z"),
        ended_at: None,
        closed_at: Some(at("2026-03-30T09:15:20Z")),
        first_response_secs: Some(120),
        first_replied_secs: Some(125),
        handled_secs: Some(2720),
        full_handled_secs: Some(2765),
        wrap_up_form_id: Some("form-1".to_owned()),
        wrap_up_secs: Some(180),
        hold_secs: Some(45),
        resolution_secs: Some(2905),
        full_resolution_secs: Some(2965),
        sla_status: Some(SlaStatus::Met),
        analysis_status: Some("processed".to_owned()),
        disposition: Some("Resolved".to_owned()),
        labels: vec!["Premium Support".to_owned()],
        created_at: Some(at("2026-03-30T08:30:05.123Z")),
        updated_at: Some(at("2026-03-30T09:15:20.456Z")),
        deleted_at: None,
        call: None,
        messages: vec![],
    }
}

#[test]
fn a_cx_log_has_the_seeds_shape() {
    let expected = fixture("klink-cx-logs.json");
    let log = serde_json::to_value(CxLog::from_model(&chat(), &directory())).unwrap();
    let problems = mismatches(&expected["cxLogs"]["data"][0], &log);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(log["startedDate"], "2026-03-30 08:30:00.000+00");
    assert_eq!(log["closedAt"], "2026-03-30 09:15:20+00");
    assert_eq!(log["createdAt"], "2026-03-30T08:30:05.123Z");
    assert_eq!(log["slaStatus"], "meet");
    assert_eq!(log["queueName"], "Support");
    assert_eq!(log["customerPhone"], "+84901234567");
    assert_eq!(log["contact"]["tags"][0]["name"], "VIP");
    assert_eq!(log["agentId"], "00000004-0000-8000-8000-000000000007");
    assert_eq!(log["agent"]["id"], log["agentId"]);
    assert_eq!(log["contactId"], "00000005-0000-8000-8000-000000000001");
    assert_eq!(log["queueId"], "00000006-0000-8000-8000-000000000001");
    assert_eq!(
        log["contact"]["tags"][0]["id"],
        "00000007-0000-8000-8000-000000000003"
    );
    assert_eq!(
        log["contact"]["contactNumber"], 1,
        "the directory number stands in"
    );
    assert_eq!(
        (&log["closedAssignee"]["id"], &log["closedAssignee"]["name"]),
        (&log["closedAssigneeId"], &Value::from("")),
        "a user with no entry is printed as a stub"
    );
    assert_eq!(log["mailRoom"], Value::Null);
    assert_eq!(log["room"]["id"], log["entityId"]);
    assert!(uuid::Uuid::parse_str(log["entityId"].as_str().unwrap()).is_ok());
}

#[test]
fn a_call_log_prints_phone_and_the_callers_number() {
    let mut call = chat();
    call.channel = Channel::Voice;
    call.status = InteractionStatus::Call(CallStatus::Ended);
    call.contact_id = None;
    call.agent_id = None;
    call.room_id = None;
    call.call = Some(CallDetail {
        caller: Party {
            number: Some("+6590000000".to_owned()),
            ..Party::default()
        },
        callee: Party::default(),
        virtual_number: None,
        extension: None,
        department: None,
        call_type: None,
        kind: CallKind::Call,
        media: Media::Audio,
        bye_reason: None,
        release_party: None,
        recordings: vec![],
        note: None,
        session_id: None,
        answered_at: None,
        queued_at: None,
        wait_secs: None,
        talk_secs: None,
        hold_count: 0,
        transfer_count: 0,
        abandon_stage: None,
        legs: vec![],
    });
    let directory = directory();
    let log = CxLog::from_model(&call, &directory);
    assert_eq!(
        (&*log.channel, log.customer_phone.as_deref()),
        ("phone", Some("+6590000000"))
    );
    assert_eq!(
        (
            &*log.contact.id,
            &*log.agent.id,
            &*log.room.id,
            &*log.entity_id
        ),
        ("", "", "", ""),
        "what a log does not name is blank, not null"
    );
}

#[test]
fn objects_of_unknown_keys_are_those_of_the_stub_entries() {
    let id = key("nobody-9");
    let directory = directory();
    assert_eq!(
        serde_json::to_value(UserObject::stub(&id, &directory)).unwrap(),
        serde_json::to_value(UserObject::from_model(&User::stub(id.clone()), &directory)).unwrap()
    );
    for full in [true, false] {
        assert_eq!(
            serde_json::to_value(ContactObject::stub(&id, &directory, full)).unwrap(),
            serde_json::to_value(ContactObject::from_model(
                &Contact::stub(id.clone()),
                &directory,
                full
            ))
            .unwrap()
        );
    }
}

#[test]
fn a_cx_log_round_trips_every_mapped_field() {
    let original = chat_from_klink();
    let json = serde_json::to_string(&CxLog::from_model(&original, &directory())).unwrap();
    let back = serde_json::from_str::<CxLog>(&json)
        .unwrap()
        .into_model()
        .unwrap();
    let mut expected = original.clone();
    // What klink's log does not carry: cxhub's own id (it becomes the external id) and
    // the version (klink's updatedAt serves instead).
    expected.id = None;
    expected.version = original.updated_at.unwrap().as_millis();
    assert_eq!(back, expected);
}

#[test]
fn a_presence_log_item_has_the_seeds_shape_and_round_trips() {
    let change = PresenceChange {
        id: RecordId::new(7),
        source: key("klink"),
        external_id: key("00000002-0000-8000-8000-000000000007"),
        version: 0,
        user_id: key("u-7"),
        previous_status: Some(key("available")),
        new_status: key("in_meeting"),
        reason: Some("x".to_owned()),
        at: at("2026-02-12T04:46:24.491Z"),
        ended_at: None,
    };
    let item = PresenceLogItem::from_model(&change, &directory());
    let json = serde_json::to_value(&item).unwrap();
    let expected = fixture("klink-presence-log.json");
    let problems = mismatches(&expected["data"][0], &json);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(json["newPresenceStatus"]["emoji"], "🗓️");
    assert_eq!(json["newPresenceStatus"]["displayName"], "In meeting");
    assert_eq!(json["user"]["name"], "John");
    assert_eq!(json["user"]["id"], "00000004-0000-8000-8000-000000000007");
    let back = item.into_model().unwrap();
    // An importer of this log keys the user by the id it was given.
    let user_id = key(json["user"]["id"].as_str().unwrap());
    assert_eq!(
        back,
        PresenceChange {
            id: None,
            user_id,
            ..change
        }
    );
}

#[test]
fn a_ticket_has_the_seeds_shape_and_round_trips() {
    let ticket = Ticket {
        id: RecordId::new(9),
        number: Some(38838),
        source: key("klink"),
        external_id: key("00000003-0000-8000-8000-000000000009"),
        version: at("2026-03-30T09:00:00Z").as_millis(),
        title: "Refund".to_owned(),
        description: Some("Order 17".to_owned()),
        ticket_type: Some("question".to_owned()),
        channel: Some("email".to_owned()),
        priority: Priority::High,
        status: TicketStatus::InProgress,
        contact_id: Some(key("c-1")),
        creator_id: Some(key("u-7")),
        assignee_id: Some(key("u-7")),
        reason_to_assign: Some("expert".to_owned()),
        tags: vec![key("vip")],
        categories: vec![key("billing")],
        custom_fields: vec![CustomField {
            attribute_id: key("cf_due"),
            value: FieldValue::parse_date("2025-10-23").unwrap(),
        }],
        created_at: at("2026-03-30T08:00:00Z"),
        updated_at: Some(at("2026-03-30T09:00:00Z")),
        deleted_at: None,
    };
    let directory = directory();
    let object = TicketObject::from_model(&ticket, &directory);
    let json = serde_json::to_value(&object).unwrap();
    let expected = fixture("klink-tickets.json");
    let problems = mismatches(&expected["data"][0], &json);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(json["customFields"][0]["dateValue"], "2025-10-23");
    assert_eq!(json["customFields"][0]["attribute"]["isRequired"], true);
    assert_eq!(
        json["categories"][0]["name"], "billing",
        "a category with no entry shows its key"
    );
    assert_eq!(json["contactId"], "00000005-0000-8000-8000-000000000001");
    assert_eq!(json["assignee"]["id"], json["assigneeId"]);
    assert_eq!(
        json["customFields"][0]["attributeId"],
        "00000009-0000-8000-8000-000000000005"
    );
    let back = object.into_model().unwrap();
    // An importer of this ticket keys what it names by the ids it was given.
    let id = |value: &Value| key(value.as_str().unwrap());
    let expected = Ticket {
        id: None,
        contact_id: Some(id(&json["contactId"])),
        creator_id: Some(id(&json["creatorId"])),
        assignee_id: Some(id(&json["assigneeId"])),
        tags: vec![id(&json["tags"][0]["id"])],
        categories: vec![id(&json["categories"][0]["id"])],
        custom_fields: vec![CustomField {
            attribute_id: id(&json["customFields"][0]["attributeId"]),
            value: FieldValue::parse_date("2025-10-23").unwrap(),
        }],
        ..ticket
    };
    assert_eq!(back, expected);
}
