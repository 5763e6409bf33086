//! The single writer thread and its group commit.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc;

use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::events::Subjects;
use crate::{StoreError, StoreResult};

/// The most jobs one transaction takes, so one slow batch cannot hold many callers.
const MAX_GROUP: usize = 64;

/// What a job hands back to the writer loop: whether it failed (so its savepoint is
/// rolled back), and how to answer its caller once the commit outcome is known.
struct Done {
    failed: bool,
    answer: Box<dyn FnOnce(Option<StoreError>) + Send>,
}

type Job = Box<dyn FnOnce(&mut WriteCtx) -> Done + Send>;

/// The writer's connection and what it remembers between jobs.
pub(crate) struct WriteCtx {
    conn: Connection,
    /// Directory keys known to exist, by (tenant, table). Only this thread inserts
    /// directory rows and none are ever deleted, so an entry here never goes stale.
    known: HashMap<(i64, &'static str), HashSet<String>>,
    /// The events of calls and conversations refolded lately.
    pub(crate) subjects: Subjects,
    /// `pragma data_version` at the last group: it changes when another connection
    /// (another process on the same file) commits, and then what this thread keeps in
    /// memory may no longer be true.
    data_version: Option<i64>,
}

impl WriteCtx {
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Ensures a directory row exists for `key`, creating a stub (key only) if needed.
    /// `table` is one of the directory tables keyed by `(tenant_pk, id)`.
    pub(crate) fn ensure(
        &mut self,
        tenant_pk: i64,
        table: &'static str,
        key: &str,
    ) -> StoreResult<()> {
        if self
            .known
            .get(&(tenant_pk, table))
            .is_some_and(|keys| keys.contains(key))
        {
            return Ok(());
        }
        let sql = match table {
            "user" => "insert into user (tenant_pk, id) values (?1, ?2) on conflict do nothing",
            "queue" => "insert into queue (tenant_pk, id) values (?1, ?2) on conflict do nothing",
            "contact" => {
                "insert into contact (tenant_pk, id) values (?1, ?2) on conflict do nothing"
            }
            "extension" => {
                "insert into extension (tenant_pk, id) values (?1, ?2) on conflict do nothing"
            }
            "tag" => {
                "insert into tag (tenant_pk, id, name) values (?1, ?2, ?2) on conflict do nothing"
            }
            "category" => {
                "insert into category (tenant_pk, id, name) values (?1, ?2, ?2) on conflict do nothing"
            }
            other => unreachable!("no stubs for table {other}"),
        };
        self.conn
            .prepare_cached(sql)?
            .execute(rusqlite::params![tenant_pk, key])?;
        self.known
            .entry((tenant_pk, table))
            .or_default()
            .insert(key.to_owned());
        Ok(())
    }

    /// Forgets what this thread keeps of the database, when it may no longer be true:
    /// a job failed (its savepoint was rolled back), a commit failed, or another
    /// connection wrote.
    fn forget(&mut self) {
        self.known.clear();
        self.subjects.clear();
    }

    /// Forgets what this thread keeps, for a job that writes rows behind its back (a
    /// copy from another store).
    pub(crate) fn forget_all(&mut self) {
        self.forget();
    }

    /// Forgets what this thread keeps if another connection committed since the last
    /// group. Called inside the write transaction, so none can commit after it.
    fn check_data_version(&mut self) -> rusqlite::Result<()> {
        let version = self
            .conn
            .prepare_cached("pragma data_version")?
            .query_row([], |row| row.get::<_, i64>(0))?;
        if self.data_version.is_some_and(|it| it != version) {
            self.forget();
        }
        self.data_version = Some(version);
        Ok(())
    }
}

/// A handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub(crate) struct Writer {
    jobs: mpsc::Sender<Job>,
    pub(crate) stats: WriterStats,
}

/// What the writer does, for `/metrics`: jobs waiting, and each group commit's time and
/// size.
#[derive(Clone, Debug)]
pub struct WriterStats {
    pub queued: Gauge,
    pub commit_seconds: Histogram,
    pub jobs_per_commit: Histogram,
}

impl Default for WriterStats {
    fn default() -> WriterStats {
        WriterStats {
            queued: Gauge::default(),
            // 0.25 ms to 8 s.
            commit_seconds: Histogram::new(exponential_buckets(0.000_25, 2.0, 16)),
            jobs_per_commit: Histogram::new(exponential_buckets(1.0, 2.0, 7)),
        }
    }
}

impl Writer {
    pub(crate) fn start(conn: Connection) -> StoreResult<Writer> {
        conn.set_prepared_statement_cache_capacity(128);
        let (jobs, queue) = mpsc::channel::<Job>();
        let stats = WriterStats::default();
        let thread_stats = stats.clone();
        let ctx = WriteCtx {
            conn,
            known: HashMap::new(),
            subjects: Subjects::default(),
            data_version: None,
        };
        // The writer thread ends when every `Writer` handle is dropped (the channel closes).
        std::thread::Builder::new()
            .name("cxhub-sqlite-writer".to_owned())
            .spawn(move || run_writer(ctx, &queue, &thread_stats))
            .map_err(|err| StoreError::Database(Box::new(err)))?;
        Ok(Writer { jobs, stats })
    }

    /// Runs `job` in the writer's transaction and answers after the commit.
    pub(crate) async fn run<R, F>(&self, job: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut WriteCtx) -> StoreResult<R> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<StoreResult<R>>();
        let boxed: Job = Box::new(move |ctx| {
            let result = job(ctx);
            let failed = result.is_err();
            let answer = Box::new(move |commit_error: Option<StoreError>| {
                let outcome = match (commit_error, result) {
                    (Some(err), _) => Err(err),
                    (None, result) => result,
                };
                // The caller may have gone away; its answer is then not needed.
                let _ = reply.send(outcome);
            });
            Done { failed, answer }
        });
        self.jobs
            .send(boxed)
            .map_err(|_| StoreError::Database("the writer thread has stopped".into()))?;
        self.stats.queued.inc();
        answer
            .await
            .map_err(|_| StoreError::Database("the writer thread dropped a job".into()))?
    }
}

fn run_writer(mut ctx: WriteCtx, queue: &mpsc::Receiver<Job>, stats: &WriterStats) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        stats.queued.dec_by(group.len() as i64);
        stats.jobs_per_commit.observe(group.len() as f64);
        let started = std::time::Instant::now();
        run_group(&mut ctx, group);
        stats
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
    }
}

/// Runs jobs in one transaction, each in its own savepoint, then commits and answers.
fn run_group(ctx: &mut WriteCtx, group: Vec<Job>) {
    if let Err(err) = ctx.conn.execute_batch("begin immediate") {
        let message = err.to_string();
        for job in group {
            // Without a transaction nothing may run; fail each job without running it.
            drop(job);
            tracing::error!(error = %message, "could not begin a write transaction");
        }
        return;
    }
    if let Err(err) = ctx.check_data_version() {
        // Without knowing, assume another connection wrote.
        tracing::warn!(error = %err, "could not read the data version");
        ctx.forget();
    }
    let mut answers = Vec::with_capacity(group.len());
    for job in group {
        let savepoint = ctx.conn.execute_batch("savepoint job");
        let done = job(ctx);
        let undo = match (done.failed, savepoint) {
            (false, Ok(())) => ctx.conn.execute_batch("release job"),
            _ => {
                ctx.forget();
                ctx.conn.execute_batch("rollback to job; release job")
            }
        };
        if let Err(err) = undo {
            tracing::error!(error = %err, "savepoint handling failed");
        }
        answers.push(done.answer);
    }
    // The rollups' pending contributions, added up once for the whole group.
    let commit =
        super::rollups::flush_pending(&ctx.conn).and_then(|()| ctx.conn.execute_batch("commit"));
    if commit.is_err() {
        ctx.forget();
        let _ = ctx.conn.execute_batch("rollback");
    }
    for answer in answers {
        let err = commit
            .as_ref()
            .err()
            .map(|err| StoreError::Database(err.to_string().into()));
        answer(err);
    }
}
