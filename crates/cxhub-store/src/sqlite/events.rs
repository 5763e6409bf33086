//! Raw events, and the refold of the records they belong to, in one transaction.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use cxhub_model::directory::Queue;
use cxhub_model::event::SubjectKind;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use super::codec::Cols;
use super::writer::WriteCtx;
use super::{SqliteStore, directory, interactions, listing, presence};
use crate::StoreResult;
use crate::events::{
    DUE_COLUMNS, Due, EventOutcome, Memo, NewEvent, Projection, Projector, Read, StoredEvent,
    Subject, Window,
};

use crate::events::EVENT_COLUMNS as COLUMNS;

/// The newest events of one user before a point, nearest first.
const PRESENCE_BEFORE: &str = "select seq, source, event_id, subject_kind, subject_id, type, at, body, received_at
    from event where tenant_pk = ?1 and subject_kind = 'presence' and source = ?2 and subject_id = ?3
    and (at < ?4 or (at = ?4 and event_id < ?5)) order by at desc, event_id desc limit 2";

/// The oldest events of one user after a point, nearest first.
const PRESENCE_AFTER: &str = "select seq, source, event_id, subject_kind, subject_id, type, at, body, received_at
    from event where tenant_pk = ?1 and subject_kind = 'presence' and source = ?2 and subject_id = ?3
    and (at > ?4 or (at = ?4 and event_id > ?5)) order by at, event_id limit 2";

/// Every event of one user between two points, both included.
const PRESENCE_BETWEEN: &str = "select seq, source, event_id, subject_kind, subject_id, type, at, body, received_at
    from event where tenant_pk = ?1 and subject_kind = 'presence' and source = ?2 and subject_id = ?3
    and (at > ?4 or (at = ?4 and event_id >= ?5)) and (at < ?6 or (at = ?6 and event_id <= ?7))
    order by at, event_id";

impl SqliteStore {
    pub async fn ingest_events(
        &self,
        tenant_pk: i64,
        events: Vec<NewEvent>,
        projector: Arc<dyn Projector>,
    ) -> StoreResult<Vec<EventOutcome>> {
        // Each event is read for its fold here, on the caller's task, so that the writer
        // thread, which every write waits for, does not.
        let read: Vec<Read> = events.iter().map(|it| projector.read(it)).collect();
        self.write(move |ctx| ingest(ctx, tenant_pk, &events, read, projector.as_ref()))
            .await
    }

    /// Every stored event of one subject, in time order.
    pub async fn subject_events(
        &self,
        tenant_pk: i64,
        subject: Subject,
    ) -> StoreResult<Vec<StoredEvent>> {
        self.read(move |conn| subject_events(conn, tenant_pk, &subject))
            .await
    }

    /// Refolds the records (of every tenant) whose `refold_at` has come, so the timeout
    /// and overdue-target rules apply without a new event. At most 1000 per call; returns
    /// how many records changed.
    pub async fn refold_due(
        &self,
        now: Instant,
        projector: Arc<dyn Projector>,
    ) -> StoreResult<usize> {
        self.write(move |ctx| refold_due(ctx, now, projector.as_ref()))
            .await
    }
}

fn ingest(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    events: &[NewEvent],
    read: Vec<Read>,
    projector: &dyn Projector,
) -> StoreResult<Vec<EventOutcome>> {
    let received_at = Instant::now();
    let mut outcomes = Vec::with_capacity(events.len());
    // The new events of each subject, as stored, with what the projector read of them.
    let mut dirty: BTreeMap<Subject, Vec<(StoredEvent, Read)>> = BTreeMap::new();
    for (event, read) in events.iter().zip(read) {
        for (table, key) in &event.named {
            ctx.ensure(tenant_pk, table, key.as_str())?;
        }
        let inserted = ctx
            .conn()
            .prepare_cached(
                "insert into event (tenant_pk, source, event_id, subject_kind, subject_id, type, at, body, received_at)
                 values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) on conflict (tenant_pk, source, event_id) do nothing",
            )?
            .execute(params![
                tenant_pk,
                event.source.as_str(),
                event.event_id.as_str(),
                event.subject_kind.as_str(),
                event.subject_id.as_str(),
                event.type_name,
                event.at.as_millis(),
                event.body,
                received_at.as_millis(),
            ])?;
        if inserted == 0 {
            outcomes.push(EventOutcome::Duplicate);
            continue;
        }
        outcomes.push(EventOutcome::Accepted);
        let stored = StoredEvent::stored(event, ctx.conn().last_insert_rowid(), received_at);
        dirty
            .entry(stored.subject())
            .or_default()
            .push((stored, read));
    }
    let folder = Folder::new(projector, Instant::now());
    let changed = !dirty.is_empty();
    for (subject, new) in dirty {
        refold(ctx, &folder, tenant_pk, &subject, new)?;
    }
    if changed {
        listing::raise(ctx.conn(), tenant_pk)?;
    }
    Ok(outcomes)
}

/// Folds `subject` again after the events `new` arrived, and writes what changed.
fn refold(
    ctx: &mut WriteCtx,
    folder: &Folder,
    tenant_pk: i64,
    subject: &Subject,
    new: Vec<(StoredEvent, Read)>,
) -> StoreResult<()> {
    let now = folder.now;
    match subject.kind {
        SubjectKind::Call | SubjectKind::Conversation => {
            let projection = fold_whole(ctx, folder, tenant_pk, subject, new)?;
            write(ctx, tenant_pk, projection, None, now)
        }
        SubjectKind::Presence => {
            let Some((first, last)) = crate::events::span(new.iter().map(|(it, _)| it)) else {
                return Ok(());
            };
            let window = presence_window(ctx.conn(), tenant_pk, subject, first, last)?;
            let keep = window.written();
            // A window is read afresh each time; of it, only what the projector read of
            // the new events ahead of the write is at hand.
            let mut memo = None;
            folder.adopt(
                &mut memo,
                new.into_iter().map(|(event, read)| (event.seq, read)),
            );
            let projection =
                folder.project(ctx.conn(), tenant_pk, subject, &window.events, &mut memo);
            write(ctx, tenant_pk, projection, Some(&keep), now)
        }
    }
}

/// How many calls and conversations the writer keeps the events of, per generation:
/// an open call is refolded by each batch that brings one of its events, and a busy
/// center's batch of 1,000 events touches a few hundred subjects, so two generations
/// of this many cover the last several batches. At most twice this many are kept
/// (a few KiB each).
const KEPT_PER_GENERATION: usize = 1024;

/// The events of the calls and conversations refolded lately, as stored, with what the
/// projector kept of them: the next event of an open call then costs no read of the
/// event table and no second parse of the call's earlier events.
///
/// Only the writer thread stores events, so what is kept stays true as long as the
/// writer's own transactions commit; it is dropped whenever that may not hold (a job
/// rolled back, a commit failed, another connection committed: see `WriteCtx::forget`).
/// Two generations bound it: when the newer fills, the older is dropped, so a subject
/// not refolded for two generations is read from the table again.
#[derive(Default)]
pub(crate) struct Subjects {
    newer: HashMap<(i64, Subject), Kept>,
    older: HashMap<(i64, Subject), Kept>,
}

pub(crate) struct Kept {
    /// Every event of the subject, in (at, seq) order.
    events: Vec<StoredEvent>,
    memo: Memo,
}

impl Subjects {
    fn take(&mut self, key: &(i64, Subject)) -> Option<Kept> {
        self.newer.remove(key).or_else(|| self.older.remove(key))
    }

    fn put(&mut self, key: (i64, Subject), kept: Kept) {
        if self.newer.len() >= KEPT_PER_GENERATION {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(key, kept);
    }

    pub(crate) fn clear(&mut self) {
        self.newer.clear();
        self.older.clear();
    }
}

/// Queues read during one write job, so each is read once however many records name it.
#[derive(Default)]
struct Queues(RefCell<HashMap<(i64, Key), Option<Queue>>>);

impl Queues {
    fn get(&self, conn: &Connection, tenant_pk: i64, id: &Key) -> Option<Queue> {
        if let Some(found) = self.0.borrow().get(&(tenant_pk, id.clone())) {
            return found.clone();
        }
        let found = match directory::queue(conn, tenant_pk, id) {
            Ok(found) => found,
            Err(err) => {
                tracing::warn!(error = %err, queue = %id, "could not read a queue's targets");
                return None;
            }
        };
        self.0
            .borrow_mut()
            .insert((tenant_pk, id.clone()), found.clone());
        found
    }
}

/// Folds a call or a conversation from every one of its stored events, `new` being
/// those stored since it was last folded. The subject's events come from memory when
/// the writer kept them from its last fold (adding `new`), else from the table (where
/// `new` already are); they are kept for the next fold.
fn fold_whole(
    ctx: &mut WriteCtx,
    folder: &Folder,
    tenant_pk: i64,
    subject: &Subject,
    new: Vec<(StoredEvent, Read)>,
) -> StoreResult<Projection> {
    let key = (tenant_pk, subject.clone());
    let (new, read): (Vec<StoredEvent>, Vec<Read>) = new.into_iter().unzip();
    let seqs: Vec<i64> = new.iter().map(|it| it.seq).collect();
    let mut kept = match ctx.subjects.take(&key) {
        Some(mut kept) => {
            kept.events.extend(new);
            kept.events.sort_by_key(|it| (it.at, it.seq));
            kept
        }
        // The table holds the new events already.
        None => Kept {
            events: subject_events(ctx.conn(), tenant_pk, subject)?,
            memo: None,
        },
    };
    folder.adopt(&mut kept.memo, seqs.into_iter().zip(read));
    let projection = folder.project(ctx.conn(), tenant_pk, subject, &kept.events, &mut kept.memo);
    ctx.subjects.put(key, kept);
    Ok(projection)
}

/// The projector of one write job, with the time it folds at and the queues it read.
struct Folder<'a> {
    projector: &'a dyn Projector,
    queues: Queues,
    now: Instant,
}

impl<'a> Folder<'a> {
    fn new(projector: &'a dyn Projector, now: Instant) -> Folder<'a> {
        Folder {
            projector,
            queues: Queues::default(),
            now,
        }
    }

    /// Hands the projector what it read of new events ahead of the write, by seq.
    fn adopt(&self, memo: &mut Memo, read: impl IntoIterator<Item = (i64, Read)>) {
        for (seq, read) in read {
            if let Some(read) = read {
                self.projector.adopt(memo, seq, read);
            }
        }
    }

    fn project(
        &self,
        conn: &Connection,
        tenant_pk: i64,
        subject: &Subject,
        events: &[StoredEvent],
        memo: &mut Memo,
    ) -> Projection {
        let queue = |id: &Key| self.queues.get(conn, tenant_pk, id);
        self.projector
            .project(subject, events, memo, &queue, self.now)
    }
}

fn write(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    projection: Projection,
    keep: Option<&HashSet<Key>>,
    now: Instant,
) -> StoreResult<()> {
    match projection {
        Projection::Interaction { record, refold_at } => {
            interactions::project(ctx, tenant_pk, *record, refold_at, now)?;
        }
        Projection::Presence(changes) => {
            let kept = changes
                .into_iter()
                .filter(|it| keep.is_none_or(|keep| keep.contains(&it.external_id)));
            for change in kept {
                presence::project(ctx, tenant_pk, change)?;
            }
        }
        Projection::Nothing => {}
    }
    Ok(())
}

fn presence_window(
    conn: &Connection,
    tenant_pk: i64,
    subject: &Subject,
    first: (Instant, &Key),
    last: (Instant, &Key),
) -> StoreResult<Window> {
    // The points are (at, event id): the canonical order of a user's changes.
    let query = |sql: &str, points: &[(Instant, &Key)]| {
        let mut args = vec![
            Value::Integer(tenant_pk),
            Value::Text(subject.source.as_str().to_owned()),
            Value::Text(subject.id.as_str().to_owned()),
        ];
        for (at, id) in points {
            args.push(Value::Integer(at.as_millis()));
            args.push(Value::Text(id.as_str().to_owned()));
        }
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params_from_iter(args), |row| Ok(read_row(row)))?;
        rows.map(|it| it?)
            .collect::<StoreResult<Vec<StoredEvent>>>()
    };
    Ok(Window::new(
        query(PRESENCE_BEFORE, &[first])?,
        query(PRESENCE_BETWEEN, &[first, last])?,
        query(PRESENCE_AFTER, &[last])?,
    ))
}

fn subject_events(
    conn: &Connection,
    tenant_pk: i64,
    subject: &Subject,
) -> StoreResult<Vec<StoredEvent>> {
    let sql = format!(
        "select {COLUMNS} from event where tenant_pk = ?1 and subject_kind = ?2 and source = ?3
         and subject_id = ?4 order by at, seq"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            tenant_pk,
            subject.kind.as_str(),
            subject.source.as_str(),
            subject.id.as_str()
        ],
        |row| Ok(read_row(row)),
    )?;
    rows.map(|it| it?).collect()
}

fn read_row(row: &rusqlite::Row<'_>) -> StoreResult<StoredEvent> {
    crate::events::read_stored(&mut Cols::new(row))
}

/// Returns how many records changed.
fn refold_due(ctx: &mut WriteCtx, now: Instant, projector: &dyn Projector) -> StoreResult<usize> {
    let due: Vec<Due> = {
        let mut stmt = ctx.conn().prepare_cached(&format!(
            "select id, {DUE_COLUMNS} from interaction where refold_at is not null and refold_at <= ?1
             order by refold_at limit 1000"
        ))?;
        let rows = stmt.query_map([now.as_millis()], |row| Ok(Due::read(&mut Cols::new(row))))?;
        rows.map(|it| it?).collect::<StoreResult<_>>()?
    };
    let mut changed = 0;
    let mut tenants = Vec::new();
    let folder = Folder::new(projector, now);
    for due in due {
        let projection = fold_whole(ctx, &folder, due.tenant_pk, &due.subject, vec![])?;
        let Projection::Interaction { record, refold_at } = projection else {
            interactions::set_refold_at(ctx.conn(), due.row, None)?;
            continue;
        };
        let refold_at = refold_at.filter(|it| *it > now);
        if due.unchanged_in(&record) {
            interactions::set_refold_at(ctx.conn(), due.row, refold_at)?;
        } else {
            interactions::project(ctx, due.tenant_pk, *record, refold_at, now)?;
            changed += 1;
            tenants.push(due.tenant_pk);
        }
    }
    tenants.sort_unstable();
    tenants.dedup();
    for tenant_pk in tenants {
        listing::raise(ctx.conn(), tenant_pk)?;
    }
    Ok(changed)
}
