//! What records refer to: tenants, users (agents), queues, contacts, tags, categories,
//! custom attributes and the presence-status catalogue.
//!
//! All but the tenant are keyed by a source-chosen [`Key`] unique within the tenant, and
//! may exist as a stub (key only) when a record names them before they are described.

use std::collections::HashMap;

use crate::error::FieldError;
use crate::ids::Key;
use crate::string_enum::string_enum;
use crate::time::{Instant, Zone};

/// A contact center using cxhub. Every record belongs to exactly one tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    pub id: Key,
    pub name: String,
    /// The zone that dialects read local date-times in when the caller names none.
    pub timezone: Zone,
    pub created_at: Instant,
}

impl Tenant {
    /// A tenant id names the tenant in URLs (CINNOX's `appID`, a webhook's path): 1 to 64
    /// ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit.
    pub fn check_id(id: &str) -> Result<(), String> {
        let first_ok = id
            .bytes()
            .next()
            .is_some_and(|it| it.is_ascii_alphanumeric());
        let all_ok = id
            .bytes()
            .all(|it| it.is_ascii_alphanumeric() || matches!(it, b'-' | b'_' | b'.'));
        match first_ok && all_ok && id.len() <= 64 {
            true => Ok(()),
            false => Err(format!(
                "`{id}` is not a tenant id: 1 to 64 ASCII letters, digits, `-`, `_` or `.`, \
                 starting with a letter or digit"
            )),
        }
    }
}

/// A person who handles interactions: an agent, supervisor or admin of the center.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Key,
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The extension the user answers on, if any.
    pub extension: Option<String>,
    /// The identity provider the user signs in with (`google`, `azure_ad`), if external.
    pub auth_provider: Option<String>,
    pub auth_provider_id: Option<String>,
    pub created_at: Option<Instant>,
    pub updated_at: Option<Instant>,
    pub deleted_at: Option<Instant>,
}

/// Where interactions wait for an agent, with the service targets they are measured by.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub id: Key,
    pub name: Option<String>,
    /// Service level: answer (voice) or first response (digital) within this many seconds.
    pub sla_answer_secs: Option<u32>,
    /// The share of interactions, in percent, that should meet `sla_answer_secs`.
    pub sla_target_pct: Option<u8>,
    /// First response target for digital channels, in seconds.
    pub sla_first_response_secs: Option<u32>,
    /// Resolution target, in seconds.
    pub sla_resolution_secs: Option<u32>,
    /// Callers who hang up within this many seconds of queueing are short abandons, not
    /// counted against the service level.
    pub short_abandon_secs: Option<u32>,
    /// When the queue is open; `None`: always.
    pub business_hours: Option<BusinessHours>,
    pub created_at: Option<Instant>,
    pub updated_at: Option<Instant>,
}

/// A queue's opening hours, in its own zone: ranges per weekday and holidays closed all
/// day (`cxhub_analytics::hours` says whether it is open at an instant).
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessHours {
    pub zone: Zone,
    /// Monday first: open ranges `[from, to)` in minutes since local midnight (to ≤ 1440).
    pub weekly: [Vec<(u16, u16)>; 7],
    /// Local dates the queue is closed.
    pub holidays: Vec<jiff::civil::Date>,
}

impl BusinessHours {
    /// The weekdays' names, Monday first, as the API and the store write them.
    pub const DAYS: [&'static str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// Checks the ranges: each within the day, `from` before `to`, not overlapping.
    pub fn check(&self) -> Result<(), FieldError> {
        for (day, ranges) in Self::DAYS.iter().zip(&self.weekly) {
            let mut sorted = ranges.clone();
            sorted.sort_unstable();
            for (n, (from, to)) in sorted.iter().enumerate() {
                if from >= to || *to > 1440 {
                    return Err(FieldError::new(
                        format!("business_hours.weekly.{day}"),
                        "each range must start before it ends, within 00:00 to 24:00",
                    ));
                }
                if sorted.get(n + 1).is_some_and(|next| next.0 < *to) {
                    return Err(FieldError::new(
                        format!("business_hours.weekly.{day}"),
                        "ranges must not overlap",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A customer, on any channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: Key,
    pub name: Option<String>,
    /// Phone numbers in E.164 where the source gave them so.
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub address: Option<String>,
    /// The channel the contact first came from.
    pub channel: Option<String>,
    pub notes: Option<String>,
    /// The human-facing contact number some platforms show.
    pub contact_number: Option<i64>,
    pub company_id: Option<String>,
    /// Avatar or profile picture URL.
    pub profile_url: Option<String>,
    pub social_profile_url: Option<String>,
    /// Tag keys.
    pub tags: Vec<Key>,
    /// The contact's ids on social platforms (a Messenger PSID, a WhatsApp number).
    pub platform_ids: Vec<PlatformIdentity>,
    pub created_at: Option<Instant>,
    pub updated_at: Option<Instant>,
    pub deleted_at: Option<Instant>,
}

/// A contact's identity on one platform.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformIdentity {
    /// The platform channel, such as `messenger` or `whatsapp`.
    pub channel: String,
    pub platform_id: String,
}

impl User {
    /// A user known only by key, as when a record names an agent first.
    pub fn stub(id: Key) -> User {
        User {
            id,
            name: None,
            first_name: None,
            last_name: None,
            email: None,
            phone: None,
            address: None,
            extension: None,
            auth_provider: None,
            auth_provider_id: None,
            created_at: None,
            updated_at: None,
            deleted_at: None,
        }
    }
}

impl Queue {
    /// A queue known only by key.
    pub fn stub(id: Key) -> Queue {
        Queue {
            id,
            name: None,
            sla_answer_secs: None,
            sla_target_pct: None,
            sla_first_response_secs: None,
            sla_resolution_secs: None,
            short_abandon_secs: None,
            business_hours: None,
            created_at: None,
            updated_at: None,
        }
    }
}

impl Contact {
    /// A contact known only by key.
    pub fn stub(id: Key) -> Contact {
        Contact {
            id,
            name: None,
            phones: Vec::new(),
            emails: Vec::new(),
            address: None,
            channel: None,
            notes: None,
            contact_number: None,
            company_id: None,
            profile_url: None,
            social_profile_url: None,
            tags: Vec::new(),
            platform_ids: Vec::new(),
            created_at: None,
            updated_at: None,
            deleted_at: None,
        }
    }
}

/// A phone extension of the PBX: a ring target, and the number an agent's calls carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    /// The extension number (`101`).
    pub id: Key,
    /// The user it belongs to, if known.
    pub user_id: Option<Key>,
    pub name: Option<String>,
}

impl Extension {
    /// An extension known by its number only, as events create it on first sight.
    pub fn stub(id: Key) -> Extension {
        Extension {
            id,
            user_id: None,
            name: None,
        }
    }
}

/// A label for tickets and contacts.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub id: Key,
    pub name: String,
    pub position: i32,
    pub created_at: Option<Instant>,
    pub updated_at: Option<Instant>,
}

/// A ticket category.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: Key,
    pub name: String,
    pub parent_id: Option<Key>,
    pub position: i32,
    pub created_at: Option<Instant>,
    pub updated_at: Option<Instant>,
}

string_enum! {
    /// The type of a custom attribute, which decides which value a field holds.
    pub enum AttributeType {
        Text => "text",
        Number => "number",
        Boolean => "boolean",
        Date => "date",
    }
}

/// A custom field definition for tickets.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub id: Key,
    /// The name used in request bodies, such as `cf_trackingid`.
    pub system_name: String,
    pub display_name: String,
    pub kind: AttributeType,
    pub position: i32,
    pub is_default: bool,
    pub is_archived: bool,
    pub is_required: bool,
    pub is_unique: bool,
    pub group_id: Option<String>,
    pub created_at: Option<Instant>,
    pub updated_at: Option<Instant>,
}

/// One status of a tenant's presence catalogue, keyed by its system name.
#[derive(Debug, Clone, PartialEq)]
pub struct PresenceStatus {
    /// Lowercase snake case, such as `available` or `in_meeting`.
    pub system_name: Key,
    pub display_name: String,
    pub emoji: String,
    /// Whether time in this status counts as ready for work (occupancy's denominator).
    pub productive: bool,
}

impl PresenceStatus {
    /// The catalogue a new tenant starts with.
    pub fn defaults() -> Vec<PresenceStatus> {
        let entry = |name: &str, display: &str, emoji: &str, productive: bool| PresenceStatus {
            system_name: Key::parse(name).expect("default status names are valid keys"),
            display_name: display.to_owned(),
            emoji: emoji.to_owned(),
            productive,
        };
        vec![
            entry("available", "Available", "🟢", true),
            entry("away", "Away", "⛔", false),
            entry("in_meeting", "In meeting", "🗓️", false),
            entry("lunch", "Lunch", "🍽️", false),
            entry("break", "Break", "☕", false),
            entry("offline", "Offline", "⚫", false),
        ]
    }

    /// The status a source named without describing it: the display name is the system
    /// name in words (`in_meeting` → `In meeting`), with no emoji.
    pub fn stub(system_name: Key) -> PresenceStatus {
        let words = system_name.as_str().replace('_', " ");
        let mut chars = words.chars();
        let display_name = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        PresenceStatus {
            system_name,
            display_name,
            emoji: String::new(),
            productive: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_catalogue_has_the_seed_statuses() {
        let names: Vec<String> = PresenceStatus::defaults()
            .into_iter()
            .map(|it| it.system_name.into_string())
            .collect();
        for expected in [
            "available",
            "away",
            "in_meeting",
            "lunch",
            "break",
            "offline",
        ] {
            assert!(names.iter().any(|it| it == expected), "{expected} missing");
        }
    }

    #[test]
    fn stub_status_reads_its_name_in_words() {
        let stub = PresenceStatus::stub(Key::parse("in_meeting").unwrap());
        assert_eq!(stub.display_name, "In meeting");
    }
}

/// The kinds of directory entry that have a directory number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    User,
    Contact,
    Queue,
    Tag,
    Category,
    Attribute,
    Extension,
}

impl EntryKind {
    /// The name the store keeps its numbers under.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::User => "user",
            EntryKind::Contact => "contact",
            EntryKind::Queue => "queue",
            EntryKind::Tag => "tag",
            EntryKind::Category => "category",
            EntryKind::Attribute => "attribute",
            EntryKind::Extension => "extension",
        }
    }
}

/// Directory numbers by kind and key. The store gives every entry a number, per tenant
/// and kind, from 1, when the entry is first created, and never changes it; dialects
/// print vendor-shaped ids (klink's UUIDs, Sencloud's int64s) from it and read them back.
#[derive(Debug, Clone, Default)]
pub struct DirectoryNumbers {
    by_kind: HashMap<EntryKind, HashMap<Key, i64>>,
}

impl DirectoryNumbers {
    pub fn get(&self, kind: EntryKind, key: &str) -> Option<i64> {
        self.by_kind.get(&kind)?.get(key).copied()
    }

    pub fn insert(&mut self, kind: EntryKind, key: Key, num: i64) {
        self.by_kind.entry(kind).or_default().insert(key, num);
    }
}
