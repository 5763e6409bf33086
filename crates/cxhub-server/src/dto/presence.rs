//! Presence changes on the wire.

use cxhub_model::error::FieldError;
use cxhub_model::presence::PresenceChange;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{instant, key, key_string, opt_instant, opt_key, version_of};

/// A change of a user's presence status.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PresenceBody {
    #[schema(read_only)]
    pub id: Option<String>,
    pub source: String,
    pub external_id: String,
    pub version: Option<i64>,
    /// Input only: the source's updated-at, used as the version when `version` is absent.
    #[serde(skip_serializing)]
    pub updated_at: Option<String>,
    pub user_id: String,
    /// The status left, by system name (`available`, `in_meeting`); unknown names are
    /// added to the tenant's catalogue.
    pub previous_status: Option<String>,
    pub new_status: String,
    pub reason: Option<String>,
    pub at: String,
    /// When the user left `new_status` (their next change); absent while it is their
    /// latest. Folded from `presence.changed` events, or given by an import.
    pub ended_at: Option<String>,
    /// Seconds from `at` to `ended_at`.
    #[schema(read_only)]
    pub duration_secs: Option<i64>,
}

impl PresenceBody {
    pub fn into_model(self) -> Result<PresenceChange, FieldError> {
        let updated_at = opt_instant("updated_at", self.updated_at.as_deref())?;
        Ok(PresenceChange {
            id: None,
            source: key("source", &self.source)?,
            external_id: key("external_id", &self.external_id)?,
            version: version_of(self.version, updated_at)?,
            user_id: key("user_id", &self.user_id)?,
            previous_status: opt_key("previous_status", self.previous_status.as_deref())?,
            new_status: key("new_status", &self.new_status)?,
            reason: self.reason,
            at: instant("at", &self.at)?,
            ended_at: opt_instant("ended_at", self.ended_at.as_deref())?,
        })
    }

    pub fn from_model(change: &PresenceChange) -> PresenceBody {
        PresenceBody {
            id: change.id.map(|it| it.to_string()),
            source: change.source.as_str().to_owned(),
            external_id: change.external_id.as_str().to_owned(),
            version: Some(change.version),
            updated_at: None,
            user_id: change.user_id.as_str().to_owned(),
            previous_status: key_string(change.previous_status.as_ref()),
            new_status: change.new_status.as_str().to_owned(),
            reason: change.reason.clone(),
            at: change.at.to_rfc3339(),
            ended_at: change.ended_at.map(|it| it.to_rfc3339()),
            duration_secs: change.duration_secs(),
        }
    }
}
