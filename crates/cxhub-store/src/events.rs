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

impl StoredEvent {
    /// `event` as stored in arrival position `seq`.
    pub(crate) fn stored(event: &NewEvent, seq: i64, received_at: Instant) -> StoredEvent {
        StoredEvent {
            seq,
            source: event.source.clone(),
            event_id: event.event_id.clone(),
            subject_kind: event.subject_kind,
            subject_id: event.subject_id.clone(),
            type_name: event.type_name.clone(),
            at: event.at,
            body: event.body.clone(),
            received_at,
        }
    }

    /// The record (or user) this event is folded into.
    pub(crate) fn subject(&self) -> Subject {
        Subject {
            kind: self.subject_kind,
            source: self.source.clone(),
            id: self.subject_id.clone(),
        }
    }
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

/// A consecutive run of one user's presence events around new ones, in time order: the
/// new events with up to two before the first and two after the last. The change before
/// the first new one needs the one before it for its previous status, and the last
/// change refolded needs the one after it for its end: those two are context, folded
/// but not written.
pub(crate) struct Window {
    pub(crate) events: Vec<StoredEvent>,
    /// How many of them come before the first new event, and after the last (0 to 2).
    pub(crate) before: usize,
    pub(crate) after: usize,
}

impl Window {
    pub(crate) fn new(
        mut before: Vec<StoredEvent>,
        between: Vec<StoredEvent>,
        after: Vec<StoredEvent>,
    ) -> Window {
        // `before` is read nearest first.
        before.reverse();
        let (n_before, n_after) = (before.len(), after.len());
        Window {
            events: before.into_iter().chain(between).chain(after).collect(),
            before: n_before,
            after: n_after,
        }
    }

    /// The event ids whose changes are written: all but the context at either end.
    pub(crate) fn written(&self) -> std::collections::HashSet<Key> {
        let mut keep: std::collections::HashSet<Key> =
            self.events.iter().map(|it| it.event_id.clone()).collect();
        if self.before == 2 {
            keep.remove(&self.events[0].event_id);
        }
        if self.after == 2 {
            keep.remove(&self.events[self.events.len() - 1].event_id);
        }
        keep
    }
}

/// A place in a user's presence events: (at, event id), their canonical order.
pub(crate) type Point<'a> = (Instant, &'a Key);

/// The first and last (at, event id) of new presence events: the canonical order of a
/// user's changes, and the span a [`Window`] is read around.
pub(crate) fn span<'a>(
    new: impl Iterator<Item = &'a StoredEvent> + Clone,
) -> Option<(Point<'a>, Point<'a>)> {
    let points = new.map(|it| (it.at, &it.event_id));
    Some((points.clone().min()?, points.max()?))
}

/// The columns of a record whose clock rule is due, after its row key, in the order
/// [`Due::read`] reads them.
pub(crate) const DUE_COLUMNS: &str =
    "tenant_pk, channel, source, external_id, status, ended_at, sla_status";

/// A record whose clock rule is due: what it is, and what the clock can change of it.
pub(crate) struct Due {
    pub(crate) row: i64,
    pub(crate) tenant_pk: i64,
    pub(crate) subject: Subject,
    status: String,
    ended_at: Option<i64>,
    sla_status: Option<String>,
}

impl Due {
    /// Reads the row key, then [`DUE_COLUMNS`].
    pub(crate) fn read<'a>(cols: &mut impl crate::columns::Columns<'a>) -> crate::StoreResult<Due> {
        let row = cols.required_int()?;
        let tenant_pk = cols.required_int()?;
        let kind = match cols.required_text()?.as_str() {
            "voice" => SubjectKind::Call,
            _ => SubjectKind::Conversation,
        };
        Ok(Due {
            row,
            tenant_pk,
            subject: Subject {
                kind,
                source: cols.required_key()?,
                id: cols.required_key()?,
            },
            status: cols.required_text()?,
            ended_at: cols.int()?,
            sla_status: cols.text()?,
        })
    }

    /// Whether the refolded `record` says what is stored of all the clock can change:
    /// the outcome, the end, the SLA.
    pub(crate) fn unchanged_in(&self, record: &Interaction) -> bool {
        record.status.as_str() == self.status
            && record.ended_at.map(Instant::as_millis) == self.ended_at
            && record.sla_status.map(|it| it.as_str()) == self.sla_status.as_deref()
    }
}

/// The columns of a stored event, in the order [`read_stored`] reads them.
pub(crate) const EVENT_COLUMNS: &str =
    "seq, source, event_id, subject_kind, subject_id, type, at, body, received_at";

pub(crate) fn read_stored<'a>(
    cols: &mut impl crate::columns::Columns<'a>,
) -> crate::StoreResult<StoredEvent> {
    Ok(StoredEvent {
        seq: cols.required_int()?,
        source: cols.required_key()?,
        event_id: cols.required_key()?,
        subject_kind: cols.required(SubjectKind::parse)?,
        subject_id: cols.required_key()?,
        type_name: cols.required_text()?,
        at: cols.required_at()?,
        body: cols.required_text()?,
        received_at: cols.required_at()?,
    })
}
