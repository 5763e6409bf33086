//! `GET /api/v1/cx-logs`: one CX log per interaction of any channel.

use std::borrow::Cow;

use cxhub_model::call::{CallDetail, CallStatus, Party};
use cxhub_model::directory::EntryKind;
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus,
};
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};

use super::{
    ContactObject, Directory, RoomObject, SOURCE, UserObject, channel_name, non_empty, opt_iso,
    parse_channel, parse_sla, sla_name,
};
use crate::klink::ids::{Kind, record_uuid, text_uuid};
use crate::klink::time::{iso, parse as parse_time, pg, pg_millis};
use crate::text::{Text, opt_text, owned, text};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CxLogsResponse<'a> {
    pub request_id: String,
    pub cx_logs: CxLogsPage<'a>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CxLogsPage<'a> {
    pub data: Vec<CxLog<'a>>,
    pub total: u64,
    pub page: usize,
    pub page_size: usize,
    pub last_page: u64,
}

/// One CX log: one interaction of any channel. Ids the log does not have are `""`, and
/// the nested people and the room are blank objects (`id: ""`) when there are none, as
/// the seed shows every one of them as a string or an object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CxLog<'a> {
    pub id: Text<'a>,
    pub case_id: Option<i64>,
    pub entity_id: Text<'a>,
    pub entity_name: Text<'a>,
    pub contact_id: Text<'a>,
    pub channel: Text<'a>,
    pub queue_id: Text<'a>,
    pub agent_id: Text<'a>,
    pub direction: Text<'a>,
    pub started_date: Text<'a>,
    pub handled_time: Option<u32>,
    pub first_response_time: Option<u32>,
    pub created_at: Text<'a>,
    pub updated_at: Text<'a>,
    pub deleted_at: Option<Text<'a>>,
    pub wrap_up_form_id: Text<'a>,
    pub wrap_up_duration: Option<u32>,
    pub sla_status: Option<Text<'a>>,
    pub first_assignee_id: Text<'a>,
    pub closed_assignee_id: Text<'a>,
    pub total_hold_duration: Option<u32>,
    pub full_handled_time: Option<u32>,
    pub resolution_time: Option<u32>,
    pub full_resolution_time: Option<u32>,
    pub cx_intelligence_status: Option<Text<'a>>,
    pub first_replied_time: Option<u32>,
    pub closed_at: Option<Text<'a>>,
    pub disposition: Option<Text<'a>>,
    pub customer_phone: Option<Text<'a>>,
    pub contact_label: Cow<'a, [String]>,
    pub queue_name: Option<Text<'a>>,
    pub uid: Option<Text<'a>>,
    pub channel_type: Text<'a>,
    pub contact: ContactObject<'a>,
    pub first_assignee: UserObject<'a>,
    pub agent: UserObject<'a>,
    pub closed_assignee: UserObject<'a>,
    pub mail_room: Option<RoomObject<'a>>,
    pub room: RoomObject<'a>,
}

impl<'a> CxLog<'a> {
    pub fn from_model(it: &'a Interaction, directory: &'a Directory) -> CxLog<'a> {
        let id = it
            .id
            .map(|id| record_uuid(Kind::Interaction, id))
            .unwrap_or_default();
        let email = it.channel == Channel::Email;
        let room_id = it
            .room_id
            .as_deref()
            .map(|room| text_uuid(&directory.tenant, "room", room));
        let room = room_id.clone().map(|id| RoomObject { id });
        let contact = it
            .contact_id
            .as_ref()
            .and_then(|key| directory.contacts.get(key.as_str()));
        let user = |key: Option<&'a Key>| UserObject::named(key, directory).unwrap_or_default();
        CxLog {
            id: Cow::Owned(id),
            case_id: it.case_number,
            entity_id: room_id.unwrap_or(text("")),
            entity_name: text(match (&it.room_id, email) {
                (None, _) => "",
                (Some(_), true) => "mailRoom",
                (Some(_), false) => "room",
            }),
            contact_id: directory.opt_id(EntryKind::Contact, it.contact_id.as_ref()),
            channel: text(channel_name(it.channel)),
            queue_id: directory.opt_id(EntryKind::Queue, it.queue_id.as_ref()),
            agent_id: directory.opt_id(EntryKind::User, it.agent_id.as_ref()),
            direction: text(match it.direction {
                Direction::Inbound => "inbound",
                Direction::Outbound | Direction::Internal => "outbound",
            }),
            started_date: Cow::Owned(pg_millis(it.started_at)),
            handled_time: it.handled_secs,
            first_response_time: it.first_response_secs,
            created_at: Cow::Owned(iso(it.created_at_or_derived())),
            updated_at: Cow::Owned(iso(it
                .updated_at
                .unwrap_or_else(|| it.created_at_or_derived()))),
            deleted_at: opt_iso(it.deleted_at).map(Cow::Owned),
            wrap_up_form_id: it.wrap_up_form_id.as_deref().map_or(text(""), |form| {
                text_uuid(&directory.tenant, "wrap-up-form", form)
            }),
            wrap_up_duration: it.wrap_up_secs,
            sla_status: it.sla_status.map(|it| text(sla_name(it))),
            first_assignee_id: directory.opt_id(EntryKind::User, it.first_assignee_id.as_ref()),
            closed_assignee_id: directory.opt_id(EntryKind::User, it.closed_assignee_id.as_ref()),
            total_hold_duration: it.hold_secs,
            full_handled_time: it.full_handled_secs,
            resolution_time: it.resolution_secs,
            full_resolution_time: it.full_resolution_secs,
            cx_intelligence_status: opt_text(it.analysis_status.as_ref()),
            first_replied_time: it.first_replied_secs,
            closed_at: it.closed_at.map(|at| Cow::Owned(pg(at))),
            disposition: opt_text(it.disposition.as_ref()),
            customer_phone: customer_phone(it)
                .or_else(|| contact.and_then(|it| it.phones.first()))
                .map(|it| text(it)),
            contact_label: Cow::Borrowed(&it.labels),
            queue_name: it
                .queue_id
                .as_ref()
                .and_then(|key| directory.queues.get(key.as_str()))
                .and_then(|it| opt_text(it.name.as_ref())),
            uid: opt_text(it.contact_platform_id.as_ref()),
            channel_type: text(channel_name(it.channel)),
            contact: ContactObject::named(it.contact_id.as_ref(), directory, true).unwrap_or_else(
                || ContactObject {
                    tags: Some(Vec::new()),
                    platform_contacts: Some(Vec::new()),
                    ..ContactObject::default()
                },
            ),
            first_assignee: user(it.first_assignee_id.as_ref()),
            agent: user(it.agent_id.as_ref()),
            closed_assignee: user(it.closed_assignee_id.as_ref()),
            mail_room: room.clone().filter(|_| email),
            room: room.filter(|_| !email).unwrap_or_default(),
        }
    }

    /// Reads a CX log as a record of source [`SOURCE`], keyed by klink's id. klink's log
    /// carries no outcome, so the status is inferred: a conversation with `closedAt` is
    /// closed, else open; a call with handled time ended, else was not answered. Empty
    /// ids are none.
    pub fn into_model(self) -> Result<Interaction, FieldError> {
        let channel = parse_channel(&self.channel).ok_or_else(|| {
            FieldError::new(
                "channel",
                format!("`{}` is not a known channel", self.channel),
            )
        })?;
        let time = |field: &str, text: Option<&str>| -> Result<Option<Instant>, FieldError> {
            text.filter(|it| !it.is_empty())
                .map(|it| {
                    parse_time(it)
                        .ok_or_else(|| FieldError::new(field, format!("`{it}` is not a date-time")))
                })
                .transpose()
        };
        let key = |field: &str, text: &str| -> Result<Option<Key>, FieldError> {
            Some(text)
                .filter(|it| !it.is_empty())
                .map(|it| Key::parse(it).map_err(|reason| FieldError::new(field, reason)))
                .transpose()
        };
        let started_at = time("startedDate", Some(&self.started_date))?
            .ok_or_else(|| FieldError::new("startedDate", "is required"))?;
        let closed_at = time("closedAt", self.closed_at.as_deref())?;
        let updated_at = time("updatedAt", Some(&self.updated_at))?;
        let status = match channel {
            Channel::Voice if self.handled_time.unwrap_or(0) > 0 => {
                InteractionStatus::Call(CallStatus::Ended)
            }
            Channel::Voice => InteractionStatus::Call(CallStatus::NotAnswered),
            _ if closed_at.is_some() => InteractionStatus::Conversation(ConversationStatus::Closed),
            _ => InteractionStatus::Conversation(ConversationStatus::Open),
        };
        let direction = match &*self.direction {
            "inbound" => Direction::Inbound,
            "outbound" => Direction::Outbound,
            other => {
                return Err(FieldError::new(
                    "direction",
                    format!("`{other}` is not inbound or outbound"),
                ));
            }
        };
        let customer = |side: Direction| Party {
            number: owned(self.customer_phone.clone()).filter(|_| direction == side),
            ..Party::default()
        };
        let call = (channel == Channel::Voice)
            .then(|| CallDetail::new(customer(Direction::Inbound), customer(Direction::Outbound)));
        let source = Key::parse(SOURCE).expect("the source name is a valid key");
        let external_id = Key::parse(&self.id).map_err(|reason| FieldError::new("id", reason))?;
        let interaction = Interaction {
            version: updated_at.map_or(0, Instant::as_millis),
            contact_id: key("contactId", &self.contact_id)?,
            queue_id: key("queueId", &self.queue_id)?,
            agent_id: key("agentId", &self.agent_id)?,
            first_assignee_id: key("firstAssigneeId", &self.first_assignee_id)?,
            closed_assignee_id: key("closedAssigneeId", &self.closed_assignee_id)?,
            case_number: self.case_id,
            room_id: non_empty(self.entity_id),
            contact_platform_id: owned(self.uid),
            closed_at,
            first_response_secs: self.first_response_time,
            first_replied_secs: self.first_replied_time,
            handled_secs: self.handled_time,
            full_handled_secs: self.full_handled_time,
            wrap_up_form_id: non_empty(self.wrap_up_form_id),
            wrap_up_secs: self.wrap_up_duration,
            hold_secs: self.total_hold_duration,
            resolution_secs: self.resolution_time,
            full_resolution_secs: self.full_resolution_time,
            sla_status: self.sla_status.as_deref().and_then(parse_sla),
            analysis_status: owned(self.cx_intelligence_status),
            disposition: owned(self.disposition),
            labels: self.contact_label.into_owned(),
            created_at: time("createdAt", Some(&self.created_at))?,
            updated_at,
            deleted_at: time("deletedAt", self.deleted_at.as_deref())?,
            call,
            ..Interaction::new(source, external_id, channel, direction, status, started_at)
        };
        interaction.check()?;
        Ok(interaction)
    }
}

/// The customer's number on a call: the caller's when inbound, the callee's when outbound.
fn customer_phone(it: &Interaction) -> Option<&String> {
    let call = it.call.as_ref()?;
    match it.direction {
        Direction::Inbound => call.caller.number.as_ref(),
        Direction::Outbound => call.callee.number.as_ref(),
        Direction::Internal => None,
    }
}
