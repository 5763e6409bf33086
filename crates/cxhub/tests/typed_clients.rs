//! Each vendor page's own client, against a simulated week: structs typed from the seeds'
//! example responses as a client would write them (a field the page shows as a string is
//! a `String`, an object a struct, a number a number; `Option` only where the page shows
//! `null` or leaves the field out). Every page of every dialect's lists must parse, and
//! every id a dialect prints must have the page's form and name its record again when
//! given back (`ids.rs` beside this file).

// A typed client's fields are there to be parsed; most are never read.
#![allow(dead_code)]

mod common;
#[path = "typed_clients/ids.rs"]
mod ids;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use common::{Server, cxhub, get, ok, post};

/// A simulated week served, with a read and a write token of its tenant.
pub struct Week {
    pub server: Server,
    pub read: String,
    pub write: String,
    _dir: tempfile::TempDir,
}

pub fn simulated_week() -> Week {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cxhub.db");
    let days = [
        "simulate",
        "--tenant",
        "demo",
        "--days",
        "7",
        "--calls-per-day",
        "250",
        "--start",
        "2026-11-16",
    ];
    ok(&cxhub(&db, &days));
    let token = |role: &str| {
        ok(&cxhub(
            &db,
            &["token", "create", "--tenant", "demo", "--role", role],
        ))
        .trim()
        .to_owned()
    };
    let (read, write) = (token("read"), token("write"));
    Week {
        server: Server::start(&db),
        read,
        write,
        _dir: dir,
    }
}

/// Parses an answer as the page's client would, failing with the path and the reason.
fn parse<T: DeserializeOwned>(path: &str, body: &Value) -> T {
    match serde_json::from_value(body.clone()) {
        Ok(it) => it,
        Err(err) => panic!("{path}: a typed client fails: {err}"),
    }
}

pub fn is_uuid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok() && text.len() == 36
}

pub fn is_int64(text: &str) -> bool {
    text.parse::<i64>().is_ok()
}

mod klink {
    use super::*;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CxLogs {
        pub request_id: String,
        pub cx_logs: CxPage,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CxPage {
        pub data: Vec<CxLog>,
        pub total: u64,
        pub page: u64,
        pub page_size: u64,
        pub last_page: u64,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CxLog {
        pub id: String,
        pub case_id: Option<i64>,
        pub entity_id: String,
        pub entity_name: String,
        pub contact_id: String,
        pub channel: String,
        pub queue_id: String,
        pub agent_id: String,
        pub direction: String,
        pub started_date: String,
        pub handled_time: Option<i64>,
        pub first_response_time: Option<i64>,
        pub created_at: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
        pub wrap_up_form_id: String,
        pub wrap_up_duration: Option<i64>,
        pub sla_status: Option<String>,
        pub first_assignee_id: String,
        pub closed_assignee_id: String,
        pub total_hold_duration: Option<i64>,
        pub full_handled_time: Option<i64>,
        pub resolution_time: Option<i64>,
        pub full_resolution_time: Option<i64>,
        pub cx_intelligence_status: Option<String>,
        pub first_replied_time: Option<i64>,
        pub contact: Contact,
        pub first_assignee: User,
        pub agent: User,
        pub closed_assignee: User,
        pub mail_room: Option<Room>,
        pub room: Room,
    }

    /// The user object, typed from the tickets page (the one that shows its fields).
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct User {
        pub id: String,
        pub created_at: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
        pub name: String,
        pub email: String,
        pub address: Option<String>,
        pub phone: String,
        pub notification_count: Option<i64>,
        pub provider: Option<String>,
        pub provider_id: Option<String>,
        pub first_name: Option<String>,
        pub last_name: Option<String>,
    }

    /// The contact object, typed from the tickets page.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Contact {
        pub id: String,
        pub created_at: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
        pub name: String,
        pub address: String,
        pub channel: String,
        pub notes: String,
        pub contact_number: i64,
        pub company_id: Option<String>,
        pub contact_profile: String,
        pub social_profile_url: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Room {
        pub id: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct PresenceLog {
        pub data: Vec<PresenceItem>,
        pub page: u64,
        pub page_size: u64,
        pub total: u64,
        pub last_page: u64,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct PresenceItem {
        pub id: String,
        pub created_at: String,
        pub previous_presence_status: Status,
        pub new_presence_status: Status,
        pub reason: String,
        pub user: PresenceUser,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Status {
        pub id: String,
        pub system_name: String,
        pub display_name: String,
        pub emoji: String,
    }

    #[derive(Deserialize)]
    pub struct PresenceUser {
        pub id: String,
        pub name: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Tickets {
        pub total: u64,
        pub page: u64,
        pub page_size: u64,
        pub last_page: u64,
        pub data: Vec<Ticket>,
    }

    /// The seed's second ticket leaves out the nested objects and lists, so a client
    /// types those as optional.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Ticket {
        pub id: String,
        pub created_at: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
        pub title: String,
        pub description: String,
        #[serde(rename = "type")]
        pub ticket_type: String,
        pub channel: String,
        pub priority: String,
        pub status: String,
        pub contact_id: String,
        pub creator_id: String,
        pub assignee_id: String,
        pub reason_to_assign: String,
        pub ticket_number: i64,
        pub assignee: Option<User>,
        pub contact: Option<Contact>,
        pub creator: Option<User>,
        pub categories: Option<Vec<Label>>,
        pub tags: Option<Vec<Label>>,
        pub custom_fields: Option<Vec<CustomField>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Label {
        pub id: String,
        pub created_at: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
        pub name: String,
        pub position: i64,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CustomField {
        pub id: String,
        pub created_at: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
        pub text_value: String,
        pub boolean_value: Option<bool>,
        pub number_value: Option<f64>,
        pub date_value: Option<String>,
        pub entity_id: String,
        pub attribute_id: String,
        pub attribute: Attribute,
        pub uploads: Vec<Value>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Attribute {
        pub id: String,
        pub created_at: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
        pub system_name: String,
        pub display_name: String,
        #[serde(rename = "type")]
        pub kind: String,
        pub position: i64,
        pub is_default: bool,
        pub is_archived: bool,
        pub is_required: bool,
        pub is_unique: bool,
        pub group_id: String,
    }

    /// Every page of a klink list, parsed.
    pub async fn walk<T: DeserializeOwned>(
        base: &str,
        token: &str,
        path: &str,
        last_page: impl Fn(&T) -> u64,
    ) -> Vec<T> {
        let mut pages = Vec::new();
        let mut page = 1;
        loop {
            let url = format!("{path}page={page}&pageSize=100");
            let (status, body) = get(base, token, &url).await;
            assert_eq!(status, 200, "{url}: {body}");
            let parsed: T = parse(&url, &body);
            let last = last_page(&parsed);
            pages.push(parsed);
            if page >= last {
                return pages;
            }
            page += 1;
        }
    }

    pub fn uuid_or_empty(field: &str, text: &str) {
        assert!(
            text.is_empty() || is_uuid(text),
            "{field} `{text}` is not a UUID"
        );
    }

    pub fn user(field: &str, it: &User) {
        uuid_or_empty(field, &it.id);
    }
}

mod cinnox {
    use super::*;

    #[derive(Deserialize)]
    pub struct CallLog {
        pub code: i64,
        pub result: Vec<Item>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Item {
        pub hid: String,
        #[serde(rename = "roomID")]
        pub room_id: String,
        #[serde(rename = "type")]
        pub kind: String,
        pub status: String,
        #[serde(rename = "inquiryID")]
        pub inquiry_id: String,
        pub display_case_number: String,
        #[serde(rename = "callID")]
        pub call_id: String,
        pub call_duration: u64,
        pub call_date: String,
        pub call_end_time: String,
        pub bye_reason: String,
        pub release_party: String,
        pub virtual_number: u64,
        pub media_type: String,
        pub caller_info: CallerInfo,
        pub callee_info: CalleeInfo,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CallerInfo {
        pub country_code: String,
        pub display_name: String,
        pub eid: String,
        pub is_staff: bool,
        pub phone_number: u64,
        pub service_id: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CalleeInfo {
        pub display_name: String,
        pub eid: String,
        pub ip_loc_detail: IpLocDetail,
        pub is_staff: bool,
        pub service_id: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct IpLocDetail {
        pub city: String,
        pub province: String,
        pub region_code: String,
        pub subdivision: String,
    }
}

mod sencloud {
    use super::*;

    #[derive(Deserialize)]
    pub struct ListCallLogs {
        pub call_logs: Vec<CallLog>,
        pub paging: Paging,
    }

    #[derive(Deserialize)]
    pub struct Paging {
        pub after: String,
        pub before: String,
        pub limit: i64,
        pub next: String,
        pub prev: String,
        pub sort: String,
    }

    #[derive(Deserialize)]
    pub struct CallLog {
        pub call_state: String,
        pub call_status: String,
        pub call_targets: Vec<CallTarget>,
        pub callee: String,
        pub caller: String,
        pub contact_id: String,
        pub created_at: String,
        pub direction: String,
        pub duration: i64,
        pub ended_at: String,
        pub extension_id: String,
        pub external_id: String,
        pub external_session_id: String,
        pub id: String,
        pub note: String,
        pub recording_urls: Vec<String>,
        pub started_at: String,
        pub updated_at: String,
        pub user_id: String,
    }

    #[derive(Deserialize)]
    pub struct CallTarget {
        pub add_time: String,
        pub answered_time: String,
        pub end_reason: String,
        pub ended_time: String,
        pub fail_code: i64,
        pub ring_duration: i64,
        pub ring_time: String,
        pub status: String,
        pub target_number: String,
        pub trunk_name: String,
    }

    pub const PATH: &str = "/v1/shop.Sencloud/ListCallLogs";

    /// Every page, forwards through `next` until an empty page.
    pub async fn walk(base: &str, token: &str, sort: &str) -> Vec<CallLog> {
        let mut logs = Vec::new();
        let mut after = ".".to_owned();
        loop {
            let body =
                format!(r#"{{"paging": {{"after": "{after}", "sort": "{sort}", "limit": 100}}}}"#);
            let (status, answer) = post(base, token, PATH, &body).await;
            assert_eq!(status, 200, "{body}: {answer}");
            let page: ListCallLogs = parse(PATH, &answer);
            if page.call_logs.is_empty() {
                return logs;
            }
            after = page.paging.next.clone();
            logs.extend(page.call_logs);
        }
    }
}

#[tokio::test]
async fn every_answer_of_every_dialect_parses_in_its_pages_typed_client() {
    let week = simulated_week();
    let (base, token) = (week.server.base.as_str(), week.read.as_str());

    // klink: CX logs, the presence log and tickets, every page.
    let pages = klink::walk(base, token, "/api/v1/cx-logs?", |it: &klink::CxLogs| {
        it.cx_logs.last_page
    })
    .await;
    let logs: Vec<&klink::CxLog> = pages.iter().flat_map(|it| &it.cx_logs.data).collect();
    assert_eq!(logs.len() as u64, pages[0].cx_logs.total);
    assert!(
        pages
            .iter()
            .all(|it| is_uuid(&it.request_id) && it.cx_logs.page_size == 100)
    );
    let mut agents = 0;
    for log in &logs {
        assert!(is_uuid(&log.id));
        for (field, id) in [
            ("entityId", &log.entity_id),
            ("contactId", &log.contact_id),
            ("queueId", &log.queue_id),
            ("agentId", &log.agent_id),
            ("wrapUpFormId", &log.wrap_up_form_id),
            ("firstAssigneeId", &log.first_assignee_id),
            ("closedAssigneeId", &log.closed_assignee_id),
            ("room.id", &log.room.id),
            ("contact.id", &log.contact.id),
        ] {
            klink::uuid_or_empty(field, id);
        }
        klink::user("agent", &log.agent);
        klink::user("firstAssignee", &log.first_assignee);
        klink::user("closedAssignee", &log.closed_assignee);
        assert_eq!(log.agent.id, log.agent_id, "the nested agent is the log's");
        assert_eq!(
            log.contact.id, log.contact_id,
            "the nested contact is the log's"
        );
        agents += usize::from(!log.agent_id.is_empty());
    }
    assert!(agents > logs.len() / 2, "most logs name their agent");
    assert!(
        logs.iter().any(|it| it.channel == "phone") && logs.iter().any(|it| it.channel != "phone"),
        "the week has calls and digital conversations"
    );

    let pages = klink::walk(
        base,
        token,
        "/api/v1/user-presence-status-log?",
        |it: &klink::PresenceLog| it.last_page,
    )
    .await;
    let changes: Vec<&klink::PresenceItem> = pages.iter().flat_map(|it| &it.data).collect();
    assert!(!changes.is_empty());
    for change in &changes {
        assert!(is_uuid(&change.id) && is_uuid(&change.user.id));
        assert!(is_uuid(&change.new_presence_status.id));
        klink::uuid_or_empty(
            "previousPresenceStatus.id",
            &change.previous_presence_status.id,
        );
    }

    let pages = klink::walk(base, token, "/api/v1/tickets?", |it: &klink::Tickets| {
        it.last_page
    })
    .await;
    let tickets: Vec<&klink::Ticket> = pages.iter().flat_map(|it| &it.data).collect();
    assert!(!tickets.is_empty());
    for ticket in &tickets {
        assert!(is_uuid(&ticket.id));
        for id in [&ticket.contact_id, &ticket.creator_id, &ticket.assignee_id] {
            klink::uuid_or_empty("ticket ids", id);
        }
        for label in ticket.tags.iter().chain(&ticket.categories).flatten() {
            assert!(is_uuid(&label.id), "label {}", label.id);
        }
        for field in ticket.custom_fields.iter().flatten() {
            assert!(is_uuid(&field.attribute_id) && field.attribute_id == field.attribute.id);
        }
    }

    // CINNOX: the call log, every page of 500.
    let mut offset = 0;
    let mut calls = Vec::new();
    loop {
        let path = format!("/v1/api/apps/demo/data/call-log?offset={offset}&limit=500");
        let (status, body) = get(base, token, &path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let page: cinnox::CallLog = parse(&path, &body);
        assert_eq!(page.code, 0);
        if page.result.is_empty() {
            break;
        }
        offset += page.result.len();
        calls.extend(page.result);
    }
    assert!(!calls.is_empty());
    for call in &calls {
        assert!(
            call.release_party == "Caller" || call.release_party == "Callee",
            "{}: releaseParty `{}`",
            call.call_id,
            call.release_party
        );
    }
    assert!(calls.iter().any(|it| it.virtual_number > 0));

    // Sencloud: every page, in each sort the docs name.
    let logs = sencloud::walk(base, token, "").await;
    assert_eq!(logs.len(), calls.len(), "the same calls as CINNOX's log");
    let mut users = 0;
    for log in &logs {
        for (field, id) in [
            ("id", &log.id),
            ("user_id", &log.user_id),
            ("contact_id", &log.contact_id),
            ("extension_id", &log.extension_id),
        ] {
            assert!(is_int64(id), "{field} `{id}` is not an int64");
        }
        users += usize::from(log.user_id != "0");
    }
    assert!(users > logs.len() / 2, "most calls name their agent");
    for sort in ["started_at", "-created_at", "updated_at"] {
        assert_eq!(
            sencloud::walk(base, token, sort).await.len(),
            logs.len(),
            "{sort}"
        );
    }
}
