//! Events to records.
//!
//! Sources deliver events at least once, sometimes late and out of order. A fold takes
//! every event known for one subject and computes its record from scratch, so the same
//! set of events gives the same record whatever the order and however many copies came.
//! The crate does no I/O: the store keeps the raw events and calls the fold.
//!
//! - [`event`]: the wire event (one flat JSON object) read into a typed event.
//! - [`call`]: call events → one voice interaction with its legs, outcome and metrics.
//! - [`conversation`]: conversation events → one digital interaction with its messages,
//!   response and resolution times and SLA status.
//! - [`presence`]: a user's status changes → intervals.

pub mod call;
pub mod conversation;
pub mod event;
pub mod presence;

use std::cmp::Ordering;
use std::collections::HashSet;

use cxhub_model::ids::Key;

/// Sorts events by `order` and keeps the first of each id: the canonical stream every
/// fold reads, whatever order and however many copies the events came in.
pub(crate) fn canonical<T: Clone>(
    events: &[T],
    order: impl Fn(&T, &T) -> Ordering,
    id: impl Fn(&T) -> &Key,
) -> Vec<T> {
    let mut sorted = events.to_vec();
    sorted.sort_by(order);
    let mut seen = HashSet::new();
    sorted.retain(|it| seen.insert(id(it).clone()));
    sorted
}
