//! Presence changes: an agent moving from one status of the tenant's catalogue to another.

use crate::ids::{Key, RecordId, Version};
use crate::time::Instant;

/// One change of a user's presence status.
#[derive(Debug, Clone, PartialEq)]
pub struct PresenceChange {
    /// Assigned by the store; `None` before the change is stored.
    pub id: Option<RecordId>,
    pub source: Key,
    pub external_id: Key,
    pub version: Version,
    pub user_id: Key,
    /// The status left, by system name; `None` when the source did not say.
    pub previous_status: Option<Key>,
    /// The status entered, by system name.
    pub new_status: Key,
    /// Free text the agent or the platform gave.
    pub reason: Option<String>,
    pub at: Instant,
}
