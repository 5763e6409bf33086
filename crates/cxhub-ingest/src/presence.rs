//! The presence fold: a user's status changes → intervals (start, end, status, reason).
//!
//! Each `presence.changed` event becomes one [`PresenceChange`]: the interval from the
//! event to the user's next change. The status it left is the event's own
//! `previous_status` when given, else the status of the user's change before it. So a
//! late event changes its neighbours too: the change before it now ends at the late
//! event, and the change after it now leaves the late event's status.

use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::Instant;

/// One `presence.changed` event of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceEvent {
    pub id: Key,
    pub at: Instant,
    /// The status entered, by system name.
    pub status: Key,
    /// The status left, when the source says.
    pub previous_status: Option<Key>,
    pub reason: Option<String>,
}

/// Puts one user's events in order (time, then id) and drops repeated ids.
pub fn canonical(events: &[PresenceEvent]) -> Vec<PresenceEvent> {
    // Content breaks the last tie, so conflicting copies of one id keep the same one
    // whatever order they came in.
    let content = |it: &PresenceEvent| {
        (
            it.at,
            it.id.clone(),
            it.status.clone(),
            it.previous_status.clone(),
            it.reason.clone(),
        )
    };
    crate::canonical(events, |a, b| content(a).cmp(&content(b)), |it| &it.id)
}

/// Folds a run of consecutive events of one user into one change each, in time order.
///
/// The run must hold every event of the user between its first and its last; the first
/// then lacks what came before it (its previous status, unless the event says) and the
/// last lacks its end, so a caller refolding part of a history passes one event of
/// context on each side and keeps the changes in between. Versions are left at 0 for
/// the store to set.
pub fn fold_presence(source: &Key, user_id: &Key, events: &[PresenceEvent]) -> Vec<PresenceChange> {
    let events = canonical(events);
    events
        .iter()
        .enumerate()
        .map(|(idx, event)| {
            let before = idx.checked_sub(1).map(|it| &events[it]);
            let after = events.get(idx + 1);
            PresenceChange {
                id: None,
                source: source.clone(),
                external_id: event.id.clone(),
                version: 0,
                user_id: user_id.clone(),
                previous_status: event
                    .previous_status
                    .clone()
                    .or_else(|| before.map(|it| it.status.clone())),
                new_status: event.status.clone(),
                reason: event.reason.clone(),
                at: event.at,
                ended_at: after.map(|it| it.at),
            }
        })
        .collect()
}
