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
    /// When the user left `new_status`: the time of their next change. `None` while it
    /// is their latest change, or when the source does not say. With `at` it makes the
    /// change an interval (start, end, status, reason).
    pub ended_at: Option<Instant>,
}

impl PresenceChange {
    /// Whole seconds spent in `new_status`, once the interval has ended.
    pub fn duration_secs(&self) -> Option<i64> {
        self.ended_at.map(|end| end.secs_since(self.at).max(0))
    }
}
