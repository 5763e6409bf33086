//! Raw events and the projections folded from them.
//!
//! The store keeps every event a source sent (append-only, once per source and event
//! id) and, in the same transaction, refolds the record each new event belongs to. The
//! fold itself is not the store's business: the caller passes a [`Projector`] (the
//! server's is built on `cxhub-ingest`), which the writer calls with the subject's
//! events.

use cxhub_model::directory::Queue;
use cxhub_model::event::SubjectKind;
use cxhub_model::ids::Key;
use cxhub_model::interaction::Interaction;
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::Instant;

/// An event to store, already read and checked by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub source: Key,
    pub event_id: Key,
    pub subject_kind: SubjectKind,
    pub subject_id: Key,
    pub type_name: String,
    pub at: Instant,
    /// The event as received: one JSON object.
    pub body: String,
    /// Directory entries the event names, as (table, key), created on first sight:
    /// table is `user`, `queue`, `contact` or `extension`.
    pub named: Vec<(&'static str, Key)>,
}

/// An event as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Arrival order, tenant-wide.
    pub seq: i64,
    pub source: Key,
    pub event_id: Key,
    pub subject_kind: SubjectKind,
    pub subject_id: Key,
    pub type_name: String,
    pub at: Instant,
    pub body: String,
    pub received_at: Instant,
}

/// What became of one event of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// New: stored, and its record refolded.
    Accepted,
    /// Its (source, id) was stored before; nothing changed.
    Duplicate,
}

/// What a fold made of one subject's events.
#[derive(Debug, Clone, PartialEq)]
pub enum Projection {
    /// A call or a conversation. Its version is set by the store: one more than the
    /// stored record's. `refold_at` is when the record will change by the clock alone
    /// (a call's timeout, a conversation's next service target), if ever: the store
    /// folds it again then.
    Interaction {
        record: Box<Interaction>,
        refold_at: Option<Instant>,
    },
    /// A user's presence changes, one per event given; versions are set by the store.
    Presence(Vec<PresenceChange>),
    /// Nothing could be folded (no readable event).
    Nothing,
}

/// The subject of a refold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subject {
    pub kind: SubjectKind,
    pub source: Key,
    pub id: Key,
}

/// What a projector keeps of a subject's events between two folds of it (its parsed
/// events, say), so the next fold need not work them out again. The store holds it
/// beside the subject's events while it keeps those in memory, hands it back with
/// them, and drops both together; it never looks inside.
pub type Memo = Option<Box<dyn std::any::Any + Send>>;

/// Folds stored events into records. Called on the writer thread, inside the
/// transaction that stored the events, so it must be quick and must not block.
pub trait Projector: Send + Sync + 'static {
    /// Folds `events` of `subject`, in time order: every event of a call or a
    /// conversation, or a consecutive run of a user's presence changes. `queue` reads a
    /// queue of the tenant (for its service targets).
    ///
    /// `memo` is what this projector left the last time it folded the same subject
    /// (`None` the first time, or after the store forgot it). The events given then
    /// are all among `events` now, since a subject's events only grow; the projector
    /// may rely on nothing else about it.
    fn project(
        &self,
        subject: &Subject,
        events: &[StoredEvent],
        memo: &mut Memo,
        queue: &dyn Fn(&Key) -> Option<Queue>,
        now: Instant,
    ) -> Projection;

    /// Reads a new event ahead of its fold, into what [`Projector::adopt`] takes. The
    /// store calls it before it queues the write, so the reading is done off the single
    /// writer thread. `None` (the default) leaves it all to `project`.
    fn read(&self, _event: &NewEvent) -> Read {
        None
    }

    /// Takes what [`Projector::read`] made of an event, now stored as `seq`, into the
    /// memo of its subject, before the subject is folded.
    fn adopt(&self, _memo: &mut Memo, _seq: i64, _read: Box<dyn std::any::Any + Send>) {}
}

/// What a projector read of a new event ahead of its fold (see [`Projector::read`]).
pub type Read = Option<Box<dyn std::any::Any + Send>>;
