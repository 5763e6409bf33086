//! The CINNOX dialect against the seed's example, and a round trip through it.

use cxhub_dialects::cinnox::{CallLogItem, CallLogResponse};
use cxhub_dialects::shape::mismatches;
use cxhub_model::call::{
    CallDetail, CallKind, CallStatus, CallType, Location, Media, Party, ReleaseParty,
};
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::time::Instant;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap()
}

fn call() -> Interaction {
    Interaction {
        id: RecordId::new(77),
        source: Key::parse("cinnox").unwrap(),
        external_id: Key::parse("call-1").unwrap(),
        version: 0,
        channel: Channel::Voice,
        direction: Direction::Inbound,
        status: InteractionStatus::Call(CallStatus::Ended),
        contact_id: None,
        queue_id: None,
        agent_id: None,
        first_assignee_id: None,
        closed_assignee_id: None,
        case_number: Some(1042),
        case_ref: Some("inq-9".to_owned()),
        room_id: Some("room-3".to_owned()),
        contact_platform_id: None,
        started_at: at("2026-11-20T09:00:00Z"),
        ended_at: Some(at("2026-11-20T09:03:09Z")),
        closed_at: None,
        first_response_secs: None,
        first_replied_secs: None,
        handled_secs: None,
        full_handled_secs: None,
        wrap_up_form_id: None,
        wrap_up_secs: None,
        hold_secs: None,
        resolution_secs: None,
        full_resolution_secs: None,
        sla_status: None,
        analysis_status: None,
        disposition: None,
        labels: vec![],
        created_at: None,
        updated_at: None,
        deleted_at: None,
        call: Some(CallDetail {
            caller: Party {
                number: Some("+85298765432".to_owned()),
                display_name: Some("Chan Tai Man".to_owned()),
                staff_id: None,
                is_staff: false,
                country: Some("HK".to_owned()),
                service_id: Some("svc-1".to_owned()),
                location: Location::default(),
            },
            callee: Party {
                number: None,
                display_name: Some("Agent Lee".to_owned()),
                staff_id: Some(Key::parse("u-7").unwrap()),
                is_staff: true,
                country: None,
                service_id: Some("svc-2".to_owned()),
                location: Location {
                    city: Some("Sydney".to_owned()),
                    province: Some("New South Wales".to_owned()),
                    region_code: Some("AU".to_owned()),
                    subdivision: Some("AU-NSW".to_owned()),
                },
            },
            virtual_number: Some("+85230001234".to_owned()),
            extension: None,
            department: None,
            call_type: Some(CallType::Offnet),
            kind: CallKind::Call,
            media: Media::Audio,
            bye_reason: Some("normal_clearing".to_owned()),
            release_party: Some(ReleaseParty::Caller),
            recordings: vec![],
            note: None,
            session_id: None,
            answered_at: None,
            queued_at: None,
            wait_secs: None,
            talk_secs: Some(180),
            hold_count: 0,
            transfer_count: 0,
            abandon_stage: None,
            legs: vec![],
        }),
        messages: vec![],
    }
}

#[test]
fn a_call_log_has_the_seeds_shape() {
    let call = call();
    let response = CallLogResponse {
        code: 0,
        result: vec![CallLogItem::from_model(&call).unwrap()],
    };
    let json = serde_json::to_value(&response).unwrap();
    let problems = mismatches(&fixture("cinnox-call-log.json"), &json);
    assert!(problems.is_empty(), "{problems:#?}");
    let item = &json["result"][0];
    assert_eq!(item["status"], "Call Ended");
    assert_eq!(item["callDuration"], 180);
    assert_eq!(item["releaseParty"], "Caller");
    assert_eq!(item["callDate"], "2026-11-20T09:00:00.000Z");
    assert_eq!(item["callerInfo"]["phoneNumber"], 85298765432u64);
    assert_eq!(item["calleeInfo"]["ipLocDetail"]["subdivision"], "AU-NSW");
    assert_eq!(item["hid"], "77");
}

#[test]
fn a_call_log_round_trips_every_mapped_field() {
    let original = call();
    let json = serde_json::to_string(&CallLogItem::from_model(&original).unwrap()).unwrap();
    let back = serde_json::from_str::<CallLogItem>(&json)
        .unwrap()
        .into_model()
        .unwrap();
    let mut expected = original;
    // What CINNOX's log does not carry: cxhub's id, the call type, the callee's number
    // and country.
    expected.id = None;
    let call = expected.call.as_mut().unwrap();
    call.call_type = None;
    call.callee.number = None;
    call.callee.country = None;
    assert_eq!(back, expected);
}

#[test]
fn the_error_body_has_the_seeds_shape() {
    let body = serde_json::to_value(
        cxhub_dialects::cinnox::parse_query(&[("offset".to_owned(), "-1".to_owned())].into())
            .unwrap_err(),
    )
    .unwrap();
    assert!(mismatches(&fixture("cinnox-error.json"), &body).is_empty());
    assert_eq!(
        body,
        serde_json::json!({"code": 6451000, "message": "negative offset"})
    );
}
