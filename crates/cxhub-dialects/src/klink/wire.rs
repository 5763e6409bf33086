//! klink's wire types and their mappings to and from the canonical model.
//!
//! `*::from_model` builds the wire value from a record and the [`Directory`] entries it
//! names (for the nested objects); `into_model` reads a wire value back into a record,
//! as an importer would. Field names and JSON types follow the seeds exactly: a field a
//! seed shows as a string is always a string (`""` when absent), one it shows as an
//! object always an object, and `null` is sent only where a seed shows `null`, so a
//! client typed from the seed parses every answer (`docs/mapping.md` §1–3).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use cxhub_model::directory::{
    Attribute, Category, Contact, DirectoryNumbers, EntryKind, PresenceStatus, Queue, Tag, User,
};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, SlaStatus};
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};

use super::ids::{derived_uuid, entry_uuid};
use super::time::iso;
use crate::text::{Text, opt_text, text};

mod cx_log;
mod presence_log;
mod ticket;

pub use cx_log::{CxLog, CxLogsPage, CxLogsResponse};
pub use presence_log::{PresenceLogItem, PresenceLogResponse, PresenceUser, StatusObject};
pub use ticket::{CustomFieldObject, TicketObject, TicketsResponse, parse_ticket_status};

/// The source name records read from klink carry.
pub const SOURCE: &str = "klink";

/// The directory entries a page of records names, by key, with their directory numbers.
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
    /// The numbers klink's ids of the entries above are made from.
    pub numbers: DirectoryNumbers,
}

impl Directory {
    /// klink's id of the entry of `kind` named by `key` (see [`entry_uuid`]).
    pub fn id<'a>(&self, kind: EntryKind, key: &'a Key) -> Text<'a> {
        entry_uuid(&self.tenant, kind, key.as_str(), &self.numbers)
    }

    /// klink's id of an entry the record may name; `""` when it names none.
    pub fn opt_id<'a>(&self, kind: EntryKind, key: Option<&'a Key>) -> Text<'a> {
        key.map_or(text(""), |key| self.id(kind, key))
    }
}

/// A contact as nested in CX logs (with tags and platform contacts) and tickets (without).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContactObject<'a> {
    pub id: Text<'a>,
    pub created_at: Text<'a>,
    pub updated_at: Text<'a>,
    pub deleted_at: Option<Text<'a>>,
    pub name: Text<'a>,
    pub address: Text<'a>,
    pub channel: Text<'a>,
    pub notes: Text<'a>,
    pub contact_number: i64,
    pub company_id: Option<Text<'a>>,
    pub contact_profile: Text<'a>,
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
    pub created_at: Text<'a>,
    pub updated_at: Text<'a>,
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
    pub created_at: Text<'a>,
    pub updated_at: Text<'a>,
    pub deleted_at: Option<Text<'a>>,
    pub name: Text<'a>,
    pub email: Text<'a>,
    pub address: Option<Text<'a>>,
    pub phone: Text<'a>,
    pub notification_count: Option<i64>,
    pub provider: Option<Text<'a>>,
    pub provider_id: Option<Text<'a>>,
    pub first_name: Option<Text<'a>>,
    pub last_name: Option<Text<'a>>,
}

/// A chat's or a mailbox's room: `{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RoomObject<'a> {
    pub id: Text<'a>,
}

pub(crate) fn opt_iso(at: Option<Instant>) -> Option<String> {
    at.map(iso)
}

/// An instant the seed shows as a string: ISO, or `""` when unknown.
pub(crate) fn iso_or_empty(at: Option<Instant>) -> Text<'static> {
    at.map_or(text(""), |at| Cow::Owned(iso(at)))
}

/// A string the seed shows as a string: `""` when absent.
pub(crate) fn or_empty(value: Option<&String>) -> Text<'_> {
    text(value.map_or("", String::as_str))
}

/// A string read from the wire, `None` when empty.
pub(crate) fn non_empty(value: Text<'_>) -> Option<String> {
    Some(value.into_owned()).filter(|it| !it.is_empty())
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

pub(crate) fn sla_name(status: SlaStatus) -> &'static str {
    match status {
        SlaStatus::Met => "meet",
        SlaStatus::Breached => "breach",
        SlaStatus::Pending => "pending",
    }
}

pub(crate) fn parse_sla(text: &str) -> Option<SlaStatus> {
    match text {
        "meet" | "met" => Some(SlaStatus::Met),
        "breach" | "breached" => Some(SlaStatus::Breached),
        "pending" => Some(SlaStatus::Pending),
        _ => None,
    }
}

impl<'a> UserObject<'a> {
    pub fn from_model(user: &'a User, directory: &Directory) -> UserObject<'a> {
        UserObject {
            id: directory.id(EntryKind::User, &user.id),
            created_at: iso_or_empty(user.created_at),
            updated_at: iso_or_empty(user.updated_at),
            deleted_at: opt_iso(user.deleted_at).map(Cow::Owned),
            name: or_empty(user.name.as_ref()),
            email: or_empty(user.email.as_ref()),
            address: opt_text(user.address.as_ref()),
            phone: or_empty(user.phone.as_ref()),
            notification_count: None,
            provider: opt_text(user.auth_provider.as_ref()),
            provider_id: opt_text(user.auth_provider_id.as_ref()),
            first_name: opt_text(user.first_name.as_ref()),
            last_name: opt_text(user.last_name.as_ref()),
        }
    }

    /// A user known only by key: what [`UserObject::from_model`] makes of
    /// [`User::stub`], borrowing the key.
    pub fn stub(key: &'a Key, directory: &Directory) -> UserObject<'a> {
        UserObject {
            id: directory.id(EntryKind::User, key),
            ..UserObject::default()
        }
    }

    /// The user a record names, `None` when it names none.
    pub(crate) fn named(key: Option<&'a Key>, directory: &'a Directory) -> Option<UserObject<'a>> {
        let key = key?;
        Some(match directory.users.get(key.as_str()) {
            Some(user) => UserObject::from_model(user, directory),
            None => UserObject::stub(key, directory),
        })
    }
}

impl<'a> ContactObject<'a> {
    /// The contact object; `full` adds the CX log's `tags` and `platformContacts`.
    /// `contactNumber` is the source's, else the contact's directory number, which is
    /// what klink's is: a per-tenant count of contacts.
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
                    id: directory.id(EntryKind::Tag, key),
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
                    created_at: iso_or_empty(contact.created_at),
                    updated_at: iso_or_empty(contact.updated_at),
                    deleted_at: None,
                    channel_id: None,
                    social_platform_id: text(&it.platform_id),
                    kind: text(&it.channel),
                    botpress_user_metadata: None,
                })
                .collect()
        });
        ContactObject {
            id: directory.id(EntryKind::Contact, &contact.id),
            created_at: iso_or_empty(contact.created_at),
            updated_at: iso_or_empty(contact.updated_at),
            deleted_at: opt_iso(contact.deleted_at).map(Cow::Owned),
            name: or_empty(contact.name.as_ref()),
            address: or_empty(contact.address.as_ref()),
            channel: or_empty(contact.channel.as_ref()),
            notes: or_empty(contact.notes.as_ref()),
            contact_number: contact
                .contact_number
                .or_else(|| {
                    directory
                        .numbers
                        .get(EntryKind::Contact, contact.id.as_str())
                })
                .unwrap_or(0),
            company_id: opt_text(contact.company_id.as_ref()),
            contact_profile: or_empty(contact.profile_url.as_ref()),
            social_profile_url: opt_text(contact.social_profile_url.as_ref()),
            tags,
            platform_contacts,
        }
    }

    /// A contact known only by key: what [`ContactObject::from_model`] makes of
    /// [`Contact::stub`], borrowing the key.
    pub fn stub(key: &'a Key, directory: &Directory, full: bool) -> ContactObject<'a> {
        ContactObject {
            id: directory.id(EntryKind::Contact, key),
            contact_number: directory
                .numbers
                .get(EntryKind::Contact, key.as_str())
                .unwrap_or(0),
            tags: full.then(Vec::new),
            platform_contacts: full.then(Vec::new),
            ..ContactObject::default()
        }
    }

    /// The contact a record names, `None` when it names none.
    pub(crate) fn named(
        key: Option<&'a Key>,
        directory: &'a Directory,
        full: bool,
    ) -> Option<ContactObject<'a>> {
        let key = key?;
        Some(match directory.contacts.get(key.as_str()) {
            Some(contact) => ContactObject::from_model(contact, directory, full),
            None => ContactObject::stub(key, directory, full),
        })
    }
}

/// A tag or category on a ticket.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LabelObject {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub name: String,
    pub position: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AttributeObject {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
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
    pub group_id: String,
}

impl AttributeObject {
    pub fn from_model(attribute: &Attribute, directory: &Directory) -> AttributeObject {
        AttributeObject {
            id: directory
                .id(EntryKind::Attribute, &attribute.id)
                .into_owned(),
            created_at: iso_or_empty(attribute.created_at).into_owned(),
            updated_at: iso_or_empty(attribute.updated_at).into_owned(),
            deleted_at: None,
            system_name: attribute.system_name.clone(),
            display_name: attribute.display_name.clone(),
            kind: attribute.kind.as_str().to_owned(),
            position: attribute.position,
            is_default: attribute.is_default,
            is_archived: attribute.is_archived,
            is_required: attribute.is_required,
            is_unique: attribute.is_unique,
            group_id: attribute.group_id.clone().unwrap_or_default(),
        }
    }
}

impl LabelObject {
    pub fn from_tag(tag: &Tag, directory: &Directory) -> LabelObject {
        LabelObject {
            id: directory.id(EntryKind::Tag, &tag.id).into_owned(),
            created_at: iso_or_empty(tag.created_at).into_owned(),
            updated_at: iso_or_empty(tag.updated_at).into_owned(),
            deleted_at: None,
            name: tag.name.clone(),
            position: tag.position,
        }
    }

    pub fn from_category(category: &Category, directory: &Directory) -> LabelObject {
        LabelObject {
            id: directory.id(EntryKind::Category, &category.id).into_owned(),
            created_at: iso_or_empty(category.created_at).into_owned(),
            updated_at: iso_or_empty(category.updated_at).into_owned(),
            deleted_at: None,
            name: category.name.clone(),
            position: category.position,
        }
    }

    /// A tag or category known only by key: its name is the key.
    pub(crate) fn unknown(kind: EntryKind, key: &Key, directory: &Directory) -> LabelObject {
        LabelObject {
            id: directory.id(kind, key).into_owned(),
            created_at: String::new(),
            updated_at: String::new(),
            deleted_at: None,
            name: key.to_string(),
            position: 0,
        }
    }
}
