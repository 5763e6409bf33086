//! Raw events, and the refold of the records they belong to, in one transaction.
//!
//! Unlike the SQLite writer, no server keeps a subject's events in memory between
//! folds: another server may have stored more of them since. Each fold reads the
//! subject's events in the transaction that holds the tenant's lock, so it sees every
//! event stored before it, whichever server stored it.

mod batch;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock};

use cxhub_model::directory::Queue;
use cxhub_model::event::SubjectKind;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use deadpool_postgres::{GenericClient, Transaction};

use super::rows::PgCols;
use super::{PgStore, directory, interactions, presence};
use crate::StoreResult;
use crate::events::{
    DUE_COLUMNS, Due, EventOutcome, Memo, NewEvent, Projection, Projector, Read, StoredEvent,
    Subject, Window,
};
use crate::postgres::sql::prepared;

use crate::events::EVENT_COLUMNS as COLUMNS;

/// The conditions on one user's presence events; event ids compare bytewise, as in SQLite.
const PRESENCE: &str = "from event where tenant_pk = $1 and subject_kind = 'presence' and source = $2 \
    and subject_id = $3";

/// The newest events of one user before a point, nearest first.
static PRESENCE_BEFORE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select {COLUMNS} {PRESENCE} and (at < $4 or (at = $4 and event_id < $5 collate \"C\"))
         order by at desc, event_id collate \"C\" desc limit 2"
    )
});

/// The oldest events of one user after a point, nearest first.
static PRESENCE_AFTER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select {COLUMNS} {PRESENCE} and (at > $4 or (at = $4 and event_id > $5 collate \"C\"))
         order by at, event_id collate \"C\" limit 2"
    )
});

/// Every event of one user between two points, both included.
static PRESENCE_BETWEEN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select {COLUMNS} {PRESENCE} and (at > $4 or (at = $4 and event_id >= $5 collate \"C\"))
         and (at < $6 or (at = $6 and event_id <= $7 collate \"C\")) order by at, event_id collate \"C\""
    )
});

/// Records refolded by one call of `refold_due`, at most.
const DUE_PER_SWEEP: i64 = 1000;

impl PgStore {
    pub async fn ingest_events(
        &self,
        tenant_pk: i64,
        events: Vec<NewEvent>,
        projector: Arc<dyn Projector>,
    ) -> StoreResult<Vec<EventOutcome>> {
        // Each event is read for its fold before the transaction, which holds the
        // tenant's lock.
        let read: Vec<Read> = events.iter().map(|it| projector.read(it)).collect();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        let mut named: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for (table, key) in events.iter().flat_map(|it| &it.named) {
            named
                .entry(table)
                .or_default()
                .push(key.as_str().to_owned());
        }
        super::ensure_named(&tx, tenant_pk, named).await?;
        let received_at = Instant::now();
        let seqs = batch::insert_all(&tx, tenant_pk, &events, received_at).await?;
        let mut outcomes = Vec::with_capacity(events.len());
        // The new events of each subject, as stored, with what the projector read of them.
        let mut dirty: BTreeMap<Subject, Vec<(StoredEvent, Read)>> = BTreeMap::new();
        for ((event, read), seq) in events.iter().zip(read).zip(seqs) {
            let Some(seq) = seq else {
                outcomes.push(EventOutcome::Duplicate);
                continue;
            };
            outcomes.push(EventOutcome::Accepted);
            let stored = StoredEvent::stored(event, seq, received_at);
            dirty
                .entry(stored.subject())
                .or_default()
                .push((stored, read));
        }
        let mut folder = Folder::new(projector.as_ref(), Instant::now());
        let changed = !dirty.is_empty();
        // Calls and conversations: every subject's events read in one query, folded, and
        // the records written together; a user's presence, around its new changes.
        let (records, presence): (Vec<_>, Vec<_>) = dirty
            .into_iter()
            .partition(|(subject, _)| subject.kind != SubjectKind::Presence);
        folder.refold_records(&tx, tenant_pk, records).await?;
        folder.refold_presence(&tx, tenant_pk, presence).await?;
        if changed {
            super::raise_records_generation(&tx, tenant_pk).await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Every stored event of one subject, in time order.
    pub async fn subject_events(
        &self,
        tenant_pk: i64,
        subject: Subject,
    ) -> StoreResult<Vec<StoredEvent>> {
        let client = self.client().await?;
        subject_events(&client, tenant_pk, &subject).await
    }

    /// Refolds the records whose `refold_at` has come, a tenant at a time under its
    /// lock, so that servers sweeping together refold each record once. At most
    /// [`DUE_PER_SWEEP`] per call; returns how many records changed.
    pub async fn refold_due(
        &self,
        now: Instant,
        projector: Arc<dyn Projector>,
    ) -> StoreResult<usize> {
        let mut client = self.client().await?;
        let tenants: Vec<i64> = prepared::query(&client, "select distinct tenant_pk from interaction where refold_at is not null and refold_at <= $1",
                &[&now.as_millis()],
            )
            .await?
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut changed = 0;
        let mut budget = DUE_PER_SWEEP;
        for tenant_pk in tenants {
            if budget <= 0 {
                break;
            }
            let tx = client.transaction().await?;
            super::lock_tenant(&tx, tenant_pk).await?;
            let sql = format!(
                "select pk, {DUE_COLUMNS} from interaction where tenant_pk = $1 and refold_at is not null
                 and refold_at <= $2 order by refold_at limit $3"
            );
            let rows = prepared::query(&tx, &sql, &[&tenant_pk, &now.as_millis(), &budget]).await?;
            budget -= i64::try_from(rows.len()).unwrap_or(i64::MAX);
            let due = rows
                .iter()
                .map(|row| Due::read(&mut PgCols::new(row)))
                .collect::<StoreResult<Vec<Due>>>()?;
            let mut folder = Folder::new(projector.as_ref(), now);
            let mut tenant_changed = false;
            for due in due {
                let events = subject_events(&tx, tenant_pk, &due.subject).await?;
                let mut memo = None;
                let projection = folder
                    .project(&tx, tenant_pk, &due.subject, &events, &mut memo)
                    .await?;
                let Projection::Interaction { record, refold_at } = projection else {
                    interactions::set_refold_at(&tx, due.row, None).await?;
                    continue;
                };
                let refold_at = refold_at.filter(|it| *it > now);
                if due.unchanged_in(&record) {
                    interactions::set_refold_at(&tx, due.row, refold_at).await?;
                } else {
                    interactions::project(&tx, tenant_pk, *record, refold_at, now).await?;
                    changed += 1;
                    tenant_changed = true;
                }
            }
            if tenant_changed {
                super::raise_records_generation(&tx, tenant_pk).await?;
            }
            tx.commit().await?;
        }
        Ok(changed)
    }
}

/// The projector of one transaction, with the time it folds at and the queues it read.
struct Folder<'a> {
    projector: &'a dyn Projector,
    /// Queues read so far, by key; `None` for a key with no queue.
    queues: HashMap<Key, Option<Queue>>,
    now: Instant,
}

impl<'a> Folder<'a> {
    fn new(projector: &'a dyn Projector, now: Instant) -> Folder<'a> {
        Folder {
            projector,
            queues: HashMap::new(),
            now,
        }
    }

    /// Folds `events` of `subject`. The projector reads queues synchronously, so a fold
    /// that asked for a queue not read yet is run again once it is read.
    async fn project(
        &mut self,
        client: &impl GenericClient,
        tenant_pk: i64,
        subject: &Subject,
        events: &[StoredEvent],
        memo: &mut Memo,
    ) -> StoreResult<Projection> {
        loop {
            let (projection, missing) = {
                let missing = RefCell::new(Vec::new());
                let queue = |id: &Key| match self.queues.get(id) {
                    Some(found) => found.clone(),
                    None => {
                        missing.borrow_mut().push(id.clone());
                        None
                    }
                };
                let projection = self
                    .projector
                    .project(subject, events, memo, &queue, self.now);
                (projection, missing.into_inner())
            };
            if missing.is_empty() {
                return Ok(projection);
            }
            let found = directory::queues(client, tenant_pk, missing.clone()).await?;
            for id in missing {
                let queue = found.get(&id).map(|it| Queue::clone(it));
                self.queues.insert(id, queue);
            }
        }
    }

    /// Folds calls and conversations again after the events `new` arrived (the table
    /// holds those already), and writes the records.
    async fn refold_records(
        &mut self,
        tx: &Transaction<'_>,
        tenant_pk: i64,
        dirty: Vec<(Subject, Vec<(StoredEvent, Read)>)>,
    ) -> StoreResult<()> {
        let subjects: Vec<&Subject> = dirty.iter().map(|(subject, _)| subject).collect();
        let mut stored = batch::events_of(tx, tenant_pk, &subjects).await?;
        let mut folded = Vec::with_capacity(dirty.len());
        for (subject, new) in dirty {
            let events = stored.remove(&subject).unwrap_or_default();
            let mut memo = None;
            for (event, read) in new {
                if let Some(read) = read {
                    self.projector.adopt(&mut memo, event.seq, read);
                }
            }
            let projection = self
                .project(tx, tenant_pk, &subject, &events, &mut memo)
                .await?;
            if let Projection::Interaction { record, refold_at } = projection {
                folded.push((*record, refold_at));
            }
        }
        interactions::bulk::write_folded(tx, tenant_pk, folded, self.now).await
    }

    /// Folds each user's presence again around the events `new` that arrived (the table
    /// holds those already): the windows read together, the changes written together.
    async fn refold_presence(
        &mut self,
        tx: &Transaction<'_>,
        tenant_pk: i64,
        dirty: Vec<(Subject, Vec<(StoredEvent, Read)>)>,
    ) -> StoreResult<()> {
        // The span of each user's new events, taken here: what the projector read of them
        // is not `Sync`, so the reads sent together below cannot hold it.
        let spans: Vec<_> = dirty
            .iter()
            .map(|(subject, new)| (subject, crate::events::span(new.iter().map(|(it, _)| it))))
            .collect();
        let windows = spans.into_iter().map(|(subject, span)| async move {
            match span {
                Some((first, last)) => presence_window(tx, tenant_pk, subject, first, last)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        });
        let windows = futures_util::future::try_join_all(windows).await?;
        let mut changes = Vec::new();
        for ((subject, new), window) in dirty.into_iter().zip(windows) {
            let Some(window) = window else { continue };
            let keep = window.written();
            let mut memo = None;
            for (event, read) in new {
                if let Some(read) = read {
                    self.projector.adopt(&mut memo, event.seq, read);
                }
            }
            let projection = self
                .project(tx, tenant_pk, &subject, &window.events, &mut memo)
                .await?;
            if let Projection::Presence(folded) = projection {
                changes.extend(
                    folded
                        .into_iter()
                        .filter(|it| keep.contains(&it.external_id)),
                );
            }
        }
        presence::project_all(tx, tenant_pk, changes).await
    }
}

async fn presence_window(
    client: &impl GenericClient,
    tenant_pk: i64,
    subject: &Subject,
    first: (Instant, &Key),
    last: (Instant, &Key),
) -> StoreResult<Window> {
    let query = async |sql: &str, points: &[(Instant, &Key)]| {
        let (source, id) = (subject.source.as_str(), subject.id.as_str());
        let millis: Vec<i64> = points.iter().map(|(at, _)| at.as_millis()).collect();
        let ids: Vec<&str> = points.iter().map(|(_, id)| id.as_str()).collect();
        let mut args: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            vec![&tenant_pk, &source, &id];
        for (at, id) in millis.iter().zip(&ids) {
            args.push(at);
            args.push(id);
        }
        let rows = prepared::query(client, sql, &args).await?;
        rows.iter().map(read_row).collect::<StoreResult<Vec<_>>>()
    };
    let (at_first, both, at_last) = ([first], [first, last], [last]);
    let (before, between, after) = tokio::try_join!(
        query(&PRESENCE_BEFORE, &at_first),
        query(&PRESENCE_BETWEEN, &both),
        query(&PRESENCE_AFTER, &at_last),
    )?;
    Ok(Window::new(before, between, after))
}

async fn subject_events(
    client: &impl GenericClient,
    tenant_pk: i64,
    subject: &Subject,
) -> StoreResult<Vec<StoredEvent>> {
    let sql = format!(
        "select {COLUMNS} from event where tenant_pk = $1 and subject_kind = $2 and source = $3
         and subject_id = $4 order by at, seq"
    );
    let rows = prepared::query(
        client,
        &sql,
        &[
            &tenant_pk,
            &subject.kind.as_str(),
            &subject.source.as_str(),
            &subject.id.as_str(),
        ],
    )
    .await?;
    rows.iter().map(read_row).collect()
}

fn read_row(row: &tokio_postgres::Row) -> StoreResult<StoredEvent> {
    crate::events::read_stored(&mut PgCols::new(row))
}
