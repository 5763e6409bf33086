//! `GET /api/v1/user-presence-status-log`: agents' presence changes.

use cxhub_model::directory::{EntryKind, PresenceStatus};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use serde::{Deserialize, Serialize};

use super::{Directory, SOURCE};
use crate::klink::ids::{Kind, derived_uuid, record_uuid};
use crate::klink::time::{iso, parse as parse_time};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceLogResponse {
    pub data: Vec<PresenceLogItem>,
    pub page: usize,
    pub page_size: usize,
    pub total: u64,
    pub last_page: u64,
}

/// One change. `previousPresenceStatus` is a blank status (every field `""`) when the
/// source did not say, as the seed shows it as an object in every example.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PresenceLogItem {
    pub id: String,
    pub created_at: String,
    pub previous_presence_status: StatusObject,
    pub new_presence_status: StatusObject,
    pub reason: String,
    pub user: PresenceUser,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StatusObject {
    pub id: String,
    pub system_name: String,
    pub display_name: String,
    pub emoji: String,
}

/// The user of a change; `name` is `""` when cxhub knows none.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PresenceUser {
    pub id: String,
    pub name: String,
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
                .map(|key| StatusObject::named(key, directory))
                .unwrap_or_default(),
            new_presence_status: StatusObject::named(&change.new_status, directory),
            reason: change.reason.clone().unwrap_or_default(),
            user: PresenceUser {
                id: directory.id(EntryKind::User, &change.user_id).into_owned(),
                name: directory
                    .users
                    .get(change.user_id.as_str())
                    .and_then(|it| it.name.clone())
                    .unwrap_or_default(),
            },
        }
    }

    /// Reads a log entry as a change of source [`SOURCE`]; an empty reason is none, and
    /// so is a blank previous status.
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
        let previous = Some(self.previous_presence_status.system_name).filter(|it| !it.is_empty());
        Ok(PresenceChange {
            id: None,
            source: key("source", SOURCE)?,
            external_id: key("id", &self.id)?,
            version: 0,
            user_id: key("user.id", &self.user.id)?,
            previous_status: previous
                .map(|it| key("previousPresenceStatus.systemName", &it))
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
