//! klink's wire types and their mappings to and from the canonical model.
//!
//! `*::from_model` builds the wire value from a record and the [`Directory`] entries it
//! names (for the nested objects); `into_model` reads a wire value back into a record,
//! as an importer would. Field names and JSON types follow the seeds exactly; absent
//! values are `null`, never missing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use cxhub_model::call::{CallDetail, CallStatus, Party};
use cxhub_model::directory::{Attribute, Category, Contact, PresenceStatus, Queue, Tag, User};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, SlaStatus,
};
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::{FieldValue, Ticket};
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};

use super::ids::{Kind, derived_uuid, record_uuid};
use super::time::{iso, parse as parse_time, pg, pg_millis};
use crate::text::{Text, opt_key_text, opt_text, owned, text};

/// The source name records read from klink carry.
pub const SOURCE: &str = "klink";

/// The directory entries a page of records names, by key.
#[derive(Debug, Default)]
pub struct Directory {
    /// The tenant id, which scopes derived ids.
    pub tenant: String,
    pub users: HashMap<Key, Arc<User>>,
    pub contacts: HashMap<Key, Arc<Contact>>,
    pub queues: HashMap<Key, Arc<Queue>>,
    pub tags: HashMap<Key, Arc<Tag>>,
    pub categories: HashMap<Key, Arc<Category>>,
    pub attributes: HashMap<Key, Arc<Attribute>>,
    /// Presence statuses by system name.
    pub statuses: HashMap<Key, Arc<PresenceStatus>>,
}

/// `GET /api/v1/cx-logs`.
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

/// One CX log: one interaction of any channel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CxLog<'a> {
    pub id: Text<'a>,
    pub case_id: Option<i64>,
    pub entity_id: Option<Text<'a>>,
    pub entity_name: Option<Text<'a>>,
    pub contact_id: Option<Text<'a>>,
    pub channel: Text<'a>,
    pub queue_id: Option<Text<'a>>,
    pub agent_id: Option<Text<'a>>,
    pub direction: Text<'a>,
    pub started_date: Text<'a>,
    pub handled_time: Option<u32>,
    pub first_response_time: Option<u32>,
    pub created_at: Text<'a>,
    pub updated_at: Text<'a>,
    pub deleted_at: Option<Text<'a>>,
    pub wrap_up_form_id: Option<Text<'a>>,
    pub wrap_up_duration: Option<u32>,
    pub sla_status: Option<Text<'a>>,
    pub first_assignee_id: Option<Text<'a>>,
    pub closed_assignee_id: Option<Text<'a>>,
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
    pub contact: Option<ContactObject<'a>>,
    pub first_assignee: Option<UserObject<'a>>,
    pub agent: Option<UserObject<'a>>,
    pub closed_assignee: Option<UserObject<'a>>,
    pub mail_room: Option<RoomObject<'a>>,
    pub room: Option<RoomObject<'a>>,
}

/// A contact as nested in CX logs (with tags and platform contacts) and tickets (without).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContactObject<'a> {
    pub id: Text<'a>,
    pub created_at: Option<Text<'a>>,
    pub updated_at: Option<Text<'a>>,
    pub deleted_at: Option<Text<'a>>,
    pub name: Option<Text<'a>>,
    pub address: Option<Text<'a>>,
    pub channel: Option<Text<'a>>,
    pub notes: Option<Text<'a>>,
    pub contact_number: Option<i64>,
    pub company_id: Option<Text<'a>>,
    pub contact_profile: Option<Text<'a>>,
    pub social_profile_url: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tags: Option<Vec<ContactTag<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub platform_contacts: Option<Vec<PlatformContact<'a>>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ContactTag<'a> {
    pub id: Text<'a>,
    pub name: Text<'a>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PlatformContact<'a> {
    pub id: Text<'a>,
    pub created_at: Option<Text<'a>>,
    pub updated_at: Option<Text<'a>>,
    pub deleted_at: Option<Text<'a>>,
    pub channel_id: Option<Text<'a>>,
    pub social_platform_id: Text<'a>,
    #[serde(rename = "type")]
    pub kind: Text<'a>,
    /// klink spells this one key in snake case.
    #[serde(rename = "botpress_user_metadata")]
    pub botpress_user_metadata: Option<serde_json::Value>,
}

/// A user (agent) as nested in CX logs and tickets.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserObject<'a> {
    pub id: Text<'a>,
    pub created_at: Option<Text<'a>>,
    pub updated_at: Option<Text<'a>>,
    pub deleted_at: Option<Text<'a>>,
    pub name: Option<Text<'a>>,
    pub email: Option<Text<'a>>,
    pub address: Option<Text<'a>>,
    pub phone: Option<Text<'a>>,
    pub notification_count: Option<i64>,
    pub provider: Option<Text<'a>>,
    pub provider_id: Option<Text<'a>>,
    pub first_name: Option<Text<'a>>,
    pub last_name: Option<Text<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RoomObject<'a> {
    pub id: Text<'a>,
}

fn opt_iso(at: Option<Instant>) -> Option<String> {
    at.map(iso)
}

/// klink's channel spelling: `phone` for voice, else the canonical name.
pub fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Voice => "phone",
        other => other.as_str(),
    }
}

pub fn parse_channel(text: &str) -> Option<Channel> {
    match text {
        "phone" | "call" | "voice" => Some(Channel::Voice),
        "mail" => Some(Channel::Email),
        other => Channel::parse(other),
    }
}

fn sla_name(status: SlaStatus) -> &'static str {
    match status {
        SlaStatus::Met => "meet",
        SlaStatus::Breached => "breach",
        SlaStatus::Pending => "pending",
    }
}

fn parse_sla(text: &str) -> Option<SlaStatus> {
    match text {
        "meet" | "met" => Some(SlaStatus::Met),
        "breach" | "breached" => Some(SlaStatus::Breached),
        "pending" => Some(SlaStatus::Pending),
        _ => None,
    }
}

impl<'a> UserObject<'a> {
    pub fn from_model(user: &'a User) -> UserObject<'a> {
        UserObject {
            id: text(user.id.as_str()),
            created_at: opt_iso(user.created_at).map(Cow::Owned),
            updated_at: opt_iso(user.updated_at).map(Cow::Owned),
            deleted_at: opt_iso(user.deleted_at).map(Cow::Owned),
            name: opt_text(user.name.as_ref()),
            email: opt_text(user.email.as_ref()),
            address: opt_text(user.address.as_ref()),
            phone: opt_text(user.phone.as_ref()),
            notification_count: None,
            provider: opt_text(user.auth_provider.as_ref()),
            provider_id: opt_text(user.auth_provider_id.as_ref()),
            first_name: opt_text(user.first_name.as_ref()),
            last_name: opt_text(user.last_name.as_ref()),
        }
    }

    /// A user known only by key: what [`UserObject::from_model`] makes of
    /// [`User::stub`], borrowing the key.
    pub fn stub(key: &'a Key) -> UserObject<'a> {
        UserObject {
            id: text(key.as_str()),
            ..UserObject::default()
        }
    }

    fn named(key: Option<&'a Key>, directory: &'a Directory) -> Option<UserObject<'a>> {
        let key = key?;
        Some(match directory.users.get(key.as_str()) {
            Some(user) => UserObject::from_model(user),
            None => UserObject::stub(key),
        })
    }
}

impl<'a> ContactObject<'a> {
    /// The contact object; `full` adds the CX log's `tags` and `platformContacts`.
    pub fn from_model(
        contact: &'a Contact,
        directory: &'a Directory,
        full: bool,
    ) -> ContactObject<'a> {
        let tags = full.then(|| {
            let tag_name = |key: &'a Key| {
                directory
                    .tags
                    .get(key.as_str())
                    .map_or_else(|| text(key.as_str()), |it| text(&it.name))
            };
            contact
                .tags
                .iter()
                .map(|key| ContactTag {
                    id: text(key.as_str()),
                    name: tag_name(key),
                })
                .collect()
        });
        let platform_contacts = full.then(|| {
            let natural = |it: &cxhub_model::directory::PlatformIdentity| {
                format!("{}/{}/{}", contact.id, it.channel, it.platform_id)
            };
            contact
                .platform_ids
                .iter()
                .map(|it| PlatformContact {
                    id: Cow::Owned(derived_uuid(
                        &directory.tenant,
                        "platform-contact",
                        &natural(it),
                    )),
                    created_at: opt_iso(contact.created_at).map(Cow::Owned),
                    updated_at: opt_iso(contact.updated_at).map(Cow::Owned),
                    deleted_at: None,
                    channel_id: None,
                    social_platform_id: text(&it.platform_id),
                    kind: text(&it.channel),
                    botpress_user_metadata: None,
                })
                .collect()
        });
        ContactObject {
            id: text(contact.id.as_str()),
            created_at: opt_iso(contact.created_at).map(Cow::Owned),
            updated_at: opt_iso(contact.updated_at).map(Cow::Owned),
            deleted_at: opt_iso(contact.deleted_at).map(Cow::Owned),
            name: opt_text(contact.name.as_ref()),
            address: opt_text(contact.address.as_ref()),
            channel: opt_text(contact.channel.as_ref()),
            notes: opt_text(contact.notes.as_ref()),
            contact_number: contact.contact_number,
            company_id: opt_text(contact.company_id.as_ref()),
            contact_profile: opt_text(contact.profile_url.as_ref()),
            social_profile_url: opt_text(contact.social_profile_url.as_ref()),
            tags,
            platform_contacts,
        }
    }

    /// A contact known only by key: what [`ContactObject::from_model`] makes of
    /// [`Contact::stub`], borrowing the key.
    pub fn stub(key: &'a Key, full: bool) -> ContactObject<'a> {
        ContactObject {
            id: text(key.as_str()),
            tags: full.then(Vec::new),
            platform_contacts: full.then(Vec::new),
            ..ContactObject::default()
        }
    }

    fn named(
        key: Option<&'a Key>,
        directory: &'a Directory,
        full: bool,
    ) -> Option<ContactObject<'a>> {
        let key = key?;
        Some(match directory.contacts.get(key.as_str()) {
            Some(contact) => ContactObject::from_model(contact, directory, full),
            None => ContactObject::stub(key, full),
        })
    }
}

impl<'a> CxLog<'a> {
    pub fn from_model(it: &'a Interaction, directory: &'a Directory) -> CxLog<'a> {
        let id = it
            .id
            .map(|id| record_uuid(Kind::Interaction, id))
            .unwrap_or_default();
        let email = it.channel == Channel::Email;
        let room = it.room_id.as_ref().map(|id| RoomObject { id: text(id) });
        let contact = it
            .contact_id
            .as_ref()
            .and_then(|key| directory.contacts.get(key.as_str()));
        CxLog {
            id: Cow::Owned(id),
            case_id: it.case_number,
            entity_id: opt_text(it.room_id.as_ref()),
            entity_name: it
                .room_id
                .as_ref()
                .map(|_| text(if email { "mailRoom" } else { "room" })),
            contact_id: opt_key_text(it.contact_id.as_ref()),
            channel: text(channel_name(it.channel)),
            queue_id: opt_key_text(it.queue_id.as_ref()),
            agent_id: opt_key_text(it.agent_id.as_ref()),
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
            wrap_up_form_id: opt_text(it.wrap_up_form_id.as_ref()),
            wrap_up_duration: it.wrap_up_secs,
            sla_status: it.sla_status.map(|it| text(sla_name(it))),
            first_assignee_id: opt_key_text(it.first_assignee_id.as_ref()),
            closed_assignee_id: opt_key_text(it.closed_assignee_id.as_ref()),
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
            contact: ContactObject::named(it.contact_id.as_ref(), directory, true),
            first_assignee: UserObject::named(it.first_assignee_id.as_ref(), directory),
            agent: UserObject::named(it.agent_id.as_ref(), directory),
            closed_assignee: UserObject::named(it.closed_assignee_id.as_ref(), directory),
            mail_room: room.clone().filter(|_| email),
            room: room.filter(|_| !email),
        }
    }

    /// Reads a CX log as a record of source [`SOURCE`], keyed by klink's id. klink's log
    /// carries no outcome, so the status is inferred: a conversation with `closedAt` is
    /// closed, else open; a call with handled time ended, else was not answered.
    pub fn into_model(self) -> Result<Interaction, FieldError> {
        let channel = parse_channel(&self.channel).ok_or_else(|| {
            FieldError::new(
                "channel",
                format!("`{}` is not a known channel", self.channel),
            )
        })?;
        let time = |field: &str, text: Option<&str>| -> Result<Option<Instant>, FieldError> {
            text.map(|it| {
                parse_time(it)
                    .ok_or_else(|| FieldError::new(field, format!("`{it}` is not a date-time")))
            })
            .transpose()
        };
        let key = |field: &str, text: Option<&str>| -> Result<Option<Key>, FieldError> {
            text.map(|it| Key::parse(it).map_err(|reason| FieldError::new(field, reason)))
                .transpose()
        };
        let started_at =
            time("startedDate", Some(&self.started_date))?.expect("a present value parses to some");
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
            contact_id: key("contactId", self.contact_id.as_deref())?,
            queue_id: key("queueId", self.queue_id.as_deref())?,
            agent_id: key("agentId", self.agent_id.as_deref())?,
            first_assignee_id: key("firstAssigneeId", self.first_assignee_id.as_deref())?,
            closed_assignee_id: key("closedAssigneeId", self.closed_assignee_id.as_deref())?,
            case_number: self.case_id,
            room_id: owned(self.entity_id),
            contact_platform_id: owned(self.uid),
            closed_at,
            first_response_secs: self.first_response_time,
            first_replied_secs: self.first_replied_time,
            handled_secs: self.handled_time,
            full_handled_secs: self.full_handled_time,
            wrap_up_form_id: owned(self.wrap_up_form_id),
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

/// `GET /api/v1/user-presence-status-log`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceLogResponse {
    pub data: Vec<PresenceLogItem>,
    pub page: usize,
    pub page_size: usize,
    pub total: u64,
    pub last_page: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PresenceLogItem {
    pub id: String,
    pub created_at: String,
    pub previous_presence_status: Option<StatusObject>,
    pub new_presence_status: StatusObject,
    pub reason: String,
    pub user: PresenceUser,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StatusObject {
    pub id: String,
    pub system_name: String,
    pub display_name: String,
    pub emoji: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PresenceUser {
    pub id: String,
    pub name: Option<String>,
}

impl StatusObject {
    fn named(key: &Key, directory: &Directory) -> StatusObject {
        let status = directory
            .statuses
            .get(key.as_str())
            .map_or_else(|| PresenceStatus::stub(key.clone()), |it| (**it).clone());
        StatusObject {
            id: derived_uuid(&directory.tenant, "presence-status", key.as_str()),
            system_name: status.system_name.to_string(),
            display_name: status.display_name,
            emoji: status.emoji,
        }
    }
}

impl PresenceLogItem {
    pub fn from_model(change: &PresenceChange, directory: &Directory) -> PresenceLogItem {
        PresenceLogItem {
            id: change
                .id
                .map(|id| record_uuid(Kind::PresenceChange, id))
                .unwrap_or_default(),
            created_at: iso(change.at),
            previous_presence_status: change
                .previous_status
                .as_ref()
                .map(|key| StatusObject::named(key, directory)),
            new_presence_status: StatusObject::named(&change.new_status, directory),
            reason: change.reason.clone().unwrap_or_default(),
            user: PresenceUser {
                id: change.user_id.to_string(),
                name: directory
                    .users
                    .get(change.user_id.as_str())
                    .and_then(|it| it.name.clone()),
            },
        }
    }

    /// Reads a log entry as a change of source [`SOURCE`]; an empty reason is none.
    pub fn into_model(self) -> Result<PresenceChange, FieldError> {
        let key = |field: &str, text: &str| {
            Key::parse(text).map_err(|reason| FieldError::new(field, reason))
        };
        let at = parse_time(&self.created_at).ok_or_else(|| {
            FieldError::new(
                "createdAt",
                format!("`{}` is not a date-time", self.created_at),
            )
        })?;
        Ok(PresenceChange {
            id: None,
            source: key("source", SOURCE)?,
            external_id: key("id", &self.id)?,
            version: 0,
            user_id: key("user.id", &self.user.id)?,
            previous_status: self
                .previous_presence_status
                .map(|it| key("previousPresenceStatus.systemName", &it.system_name))
                .transpose()?,
            new_status: key(
                "newPresenceStatus.systemName",
                &self.new_presence_status.system_name,
            )?,
            reason: Some(self.reason).filter(|it| !it.is_empty()),
            at,
            ended_at: None,
        })
    }
}

/// `GET /api/v1/tickets`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketsResponse<'a> {
    pub total: u64,
    pub page: usize,
    pub page_size: usize,
    pub last_page: u64,
    pub data: Vec<TicketObject<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TicketObject<'a> {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub title: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub ticket_type: Option<String>,
    pub channel: Option<String>,
    pub priority: String,
    pub status: String,
    pub contact_id: Option<String>,
    pub creator_id: Option<String>,
    pub assignee_id: Option<String>,
    pub reason_to_assign: Option<String>,
    pub ticket_number: i64,
    pub assignee: Option<UserObject<'a>>,
    pub contact: Option<ContactObject<'a>>,
    pub creator: Option<UserObject<'a>>,
    pub categories: Vec<LabelObject>,
    pub tags: Vec<LabelObject>,
    pub custom_fields: Vec<CustomFieldObject>,
}

/// A tag or category on a ticket.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LabelObject {
    pub id: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
    pub name: String,
    pub position: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldObject {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub text_value: Option<String>,
    pub boolean_value: Option<bool>,
    pub number_value: Option<f64>,
    pub date_value: Option<String>,
    pub entity_id: String,
    pub attribute_id: String,
    pub attribute: AttributeObject,
    pub uploads: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttributeObject {
    pub id: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
    pub system_name: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub position: i32,
    pub is_default: bool,
    pub is_archived: bool,
    pub is_required: bool,
    pub is_unique: bool,
    pub group_id: Option<String>,
}

impl AttributeObject {
    pub fn from_model(attribute: &Attribute) -> AttributeObject {
        AttributeObject {
            id: attribute.id.to_string(),
            created_at: opt_iso(attribute.created_at),
            updated_at: opt_iso(attribute.updated_at),
            deleted_at: None,
            system_name: attribute.system_name.clone(),
            display_name: attribute.display_name.clone(),
            kind: attribute.kind.as_str().to_owned(),
            position: attribute.position,
            is_default: attribute.is_default,
            is_archived: attribute.is_archived,
            is_required: attribute.is_required,
            is_unique: attribute.is_unique,
            group_id: attribute.group_id.clone(),
        }
    }
}

impl LabelObject {
    pub fn from_tag(tag: &Tag) -> LabelObject {
        LabelObject {
            id: tag.id.to_string(),
            created_at: opt_iso(tag.created_at),
            updated_at: opt_iso(tag.updated_at),
            deleted_at: None,
            name: tag.name.clone(),
            position: tag.position,
        }
    }

    pub fn from_category(category: &Category) -> LabelObject {
        LabelObject {
            id: category.id.to_string(),
            created_at: opt_iso(category.created_at),
            updated_at: opt_iso(category.updated_at),
            deleted_at: None,
            name: category.name.clone(),
            position: category.position,
        }
    }

    fn unknown(key: &Key) -> LabelObject {
        LabelObject {
            id: key.to_string(),
            created_at: None,
            updated_at: None,
            deleted_at: None,
            name: key.to_string(),
            position: 0,
        }
    }
}

impl<'a> TicketObject<'a> {
    pub fn from_model(ticket: &'a Ticket, directory: &'a Directory) -> TicketObject<'a> {
        let id = ticket
            .id
            .map(|id| record_uuid(Kind::Ticket, id))
            .unwrap_or_default();
        let updated_at = iso(ticket.updated_at.unwrap_or(ticket.created_at));
        let custom_fields = ticket
            .custom_fields
            .iter()
            .map(|field| {
                let attribute = directory
                    .attributes
                    .get(field.attribute_id.as_str())
                    .map(|it| (**it).clone())
                    .unwrap_or_else(|| Attribute {
                        id: field.attribute_id.clone(),
                        system_name: field.attribute_id.to_string(),
                        display_name: field.attribute_id.to_string(),
                        kind: field.value.kind(),
                        position: 0,
                        is_default: false,
                        is_archived: false,
                        is_required: false,
                        is_unique: false,
                        group_id: None,
                        created_at: None,
                        updated_at: None,
                    });
                let (text_value, boolean_value, number_value, date_value) = match &field.value {
                    FieldValue::Text(text) => (Some(text.clone()), None, None, None),
                    FieldValue::Boolean(flag) => (None, Some(*flag), None, None),
                    FieldValue::Number(number) => (None, None, Some(*number), None),
                    FieldValue::Date(date) => (None, None, None, Some(date.to_string())),
                };
                CustomFieldObject {
                    id: derived_uuid(
                        &directory.tenant,
                        "custom-field",
                        &format!("{id}/{}", field.attribute_id),
                    ),
                    created_at: iso(ticket.created_at),
                    updated_at: updated_at.clone(),
                    deleted_at: None,
                    text_value,
                    boolean_value,
                    number_value,
                    date_value,
                    entity_id: id.clone(),
                    attribute_id: field.attribute_id.to_string(),
                    attribute: AttributeObject::from_model(&attribute),
                    uploads: Vec::new(),
                }
            })
            .collect();
        TicketObject {
            id,
            created_at: iso(ticket.created_at),
            updated_at,
            deleted_at: opt_iso(ticket.deleted_at),
            title: ticket.title.clone(),
            description: ticket.description.clone(),
            ticket_type: ticket.ticket_type.clone(),
            channel: ticket.channel.clone(),
            priority: ticket.priority.as_str().to_owned(),
            status: ticket.status.as_str().to_owned(),
            contact_id: ticket.contact_id.as_ref().map(Key::to_string),
            creator_id: ticket.creator_id.as_ref().map(Key::to_string),
            assignee_id: ticket.assignee_id.as_ref().map(Key::to_string),
            reason_to_assign: ticket.reason_to_assign.clone(),
            ticket_number: ticket.number.unwrap_or(0),
            assignee: UserObject::named(ticket.assignee_id.as_ref(), directory),
            contact: ContactObject::named(ticket.contact_id.as_ref(), directory, false),
            creator: UserObject::named(ticket.creator_id.as_ref(), directory),
            categories: ticket
                .categories
                .iter()
                .map(|key| {
                    directory.categories.get(key.as_str()).map_or_else(
                        || LabelObject::unknown(key),
                        |it| LabelObject::from_category(it),
                    )
                })
                .collect(),
            tags: ticket
                .tags
                .iter()
                .map(|key| {
                    directory
                        .tags
                        .get(key.as_str())
                        .map_or_else(|| LabelObject::unknown(key), |it| LabelObject::from_tag(it))
                })
                .collect(),
            custom_fields,
        }
    }
}

impl TicketObject<'_> {
    /// Reads a ticket as a record of source [`SOURCE`], keyed by klink's id.
    pub fn into_model(self) -> Result<Ticket, FieldError> {
        use cxhub_model::ticket::{CustomField, Priority, TicketStatus};
        let key = |field: &str, text: &str| {
            Key::parse(text).map_err(|reason| FieldError::new(field, reason))
        };
        let opt_key = |field: &str, text: Option<&str>| text.map(|it| key(field, it)).transpose();
        let time = |field: &str, text: &str| {
            parse_time(text)
                .ok_or_else(|| FieldError::new(field, format!("`{text}` is not a date-time")))
        };
        let mut custom_fields = Vec::new();
        for (idx, field) in self.custom_fields.into_iter().enumerate() {
            let path = format!("customFields[{idx}]");
            let value = match (
                field.text_value,
                field.boolean_value,
                field.number_value,
                field.date_value,
            ) {
                (_, _, _, Some(date)) => FieldValue::parse_date(&date)
                    .map_err(|it| FieldError::new(format!("{path}.dateValue"), it))?,
                (_, _, Some(number), _) => FieldValue::Number(number),
                (_, Some(flag), _, _) => FieldValue::Boolean(flag),
                (Some(text), _, _, _) => FieldValue::Text(text),
                _ => continue,
            };
            custom_fields.push(CustomField {
                attribute_id: key(&format!("{path}.attributeId"), &field.attribute_id)?,
                value,
            });
        }
        let updated_at = time("updatedAt", &self.updated_at)?;
        let ticket = Ticket {
            id: None,
            number: Some(self.ticket_number),
            source: key("source", SOURCE)?,
            external_id: key("id", &self.id)?,
            version: updated_at.as_millis(),
            title: self.title,
            description: self.description,
            ticket_type: self.ticket_type,
            channel: self.channel,
            priority: Priority::parse(&self.priority).ok_or_else(|| {
                FieldError::new(
                    "priority",
                    format!("`{}` is not one of {}", self.priority, Priority::expected()),
                )
            })?,
            status: parse_ticket_status(&self.status).ok_or_else(|| {
                FieldError::new(
                    "status",
                    format!(
                        "`{}` is not one of {}",
                        self.status,
                        TicketStatus::expected()
                    ),
                )
            })?,
            contact_id: opt_key("contactId", self.contact_id.as_deref())?,
            creator_id: opt_key("creatorId", self.creator_id.as_deref())?,
            assignee_id: opt_key("assigneeId", self.assignee_id.as_deref())?,
            reason_to_assign: self.reason_to_assign,
            tags: self
                .tags
                .iter()
                .map(|it| key("tags[].id", &it.id))
                .collect::<Result<_, _>>()?,
            categories: self
                .categories
                .iter()
                .map(|it| key("categories[].id", &it.id))
                .collect::<Result<_, _>>()?,
            custom_fields,
            created_at: time("createdAt", &self.created_at)?,
            updated_at: Some(updated_at),
            deleted_at: self
                .deleted_at
                .as_deref()
                .map(|it| time("deletedAt", it))
                .transpose()?,
        };
        ticket.check()?;
        Ok(ticket)
    }
}

/// klink's ticket statuses: the canonical names, and the spaced form its prose uses.
pub fn parse_ticket_status(text: &str) -> Option<cxhub_model::ticket::TicketStatus> {
    use cxhub_model::ticket::TicketStatus;
    match text {
        "in progress" | "in-progress" | "inprogress" => Some(TicketStatus::InProgress),
        other => TicketStatus::parse(other),
    }
}
