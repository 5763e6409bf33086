//! The [`Projector`] every part of cxhub uses, built on `cxhub-ingest`'s folds.
//!
//! The store hands over a subject's stored events; each body is read again with the
//! same parser that accepted it (once while the store keeps the subject in memory: the
//! parsed events are the projector's memo), and the subject's fold computes its record.

use std::any::Any;
use std::sync::{Arc, LazyLock};

use crate::events::{Memo, NewEvent, Projection, Projector, Read, StoredEvent, Subject};
use cxhub_ingest::call::{CallTargets, FoldConfig, call_sla, fold_call};
use cxhub_ingest::conversation::{SlaTargets, fold_conversation};
use cxhub_ingest::event::{self, Event};
use cxhub_ingest::presence::fold_presence;
use cxhub_model::directory::Queue;
use cxhub_model::event::SubjectKind;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Interaction, SlaStatus};
use cxhub_model::time::Instant;

/// The folds of `cxhub-ingest`, with their settings.
#[derive(Debug, Clone, Copy)]
pub struct Folds {
    pub config: FoldConfig,
}

impl Folds {
    pub const DEFAULT: Folds = Folds {
        config: FoldConfig::DEFAULT,
    };
}

/// The projector every part of cxhub uses.
pub fn shared() -> Arc<dyn Projector> {
    static SHARED: LazyLock<Arc<dyn Projector>> = LazyLock::new(|| Arc::new(Folds::DEFAULT));
    SHARED.clone()
}

impl Projector for Folds {
    fn project(
        &self,
        subject: &Subject,
        events: &[StoredEvent],
        memo: &mut Memo,
        queue: &dyn Fn(&Key) -> Option<Queue>,
        now: Instant,
    ) -> Projection {
        let events = Parsed::of(memo).read(events);
        match subject.kind {
            SubjectKind::Call => {
                let calls: Vec<_> = events.iter().filter_map(|it| it.as_call()).collect();
                match fold_call(&subject.source, &subject.id, &calls, now, self.config) {
                    Some(mut record) => {
                        let targets =
                            record
                                .queue_id
                                .as_ref()
                                .and_then(queue)
                                .map(|it| CallTargets {
                                    answer_secs: it.sla_answer_secs,
                                    short_abandon_secs: it.short_abandon_secs,
                                });
                        record.sla_status = targets.and_then(|it| call_sla(&record, it));
                        let refold_at = call_refold_at(&record, self.config);
                        interaction(record, refold_at)
                    }
                    None => Projection::Nothing,
                }
            }
            SubjectKind::Conversation => {
                let items: Vec<_> = events
                    .iter()
                    .filter_map(|it| it.as_conversation())
                    .collect();
                let targets = |id: &Key| queue(id).map(|it| targets(&it));
                match fold_conversation(&subject.source, &subject.id, &items, &targets, now) {
                    Some(record) => {
                        let refold_at = conversation_refold_at(&record, &targets, now);
                        interaction(record, refold_at)
                    }
                    None => Projection::Nothing,
                }
            }
            SubjectKind::Presence => {
                let changes: Vec<_> = events.iter().filter_map(|it| it.as_presence()).collect();
                Projection::Presence(fold_presence(&subject.source, &subject.id, &changes))
            }
        }
    }

    /// A new event's body is parsed here, on the request's task, rather than by the
    /// fold on the writer thread.
    fn read(&self, event: &NewEvent) -> Read {
        let parsed = parse_body(&event.body)
            .map_err(|errors| {
                tracing::warn!(event = %event.event_id, ?errors, "a new event no longer reads; skipped");
            })
            .ok();
        Some(Box::new(parsed))
    }

    fn adopt(&self, memo: &mut Memo, seq: i64, read: Box<dyn Any + Send>) {
        if let Ok(event) = read.downcast::<Option<Event>>() {
            Parsed::of(memo).adopt(seq, *event);
        }
    }
}

fn interaction(record: Interaction, refold_at: Option<Instant>) -> Projection {
    Projection::Interaction {
        record: Box::new(record),
        refold_at,
    }
}

/// The events of one subject read so far, by `seq`: each stored body is parsed once
/// while the store keeps the subject in memory.
#[derive(Default)]
struct Parsed(Vec<(i64, Option<Event>)>);

impl Parsed {
    /// The memo's parsed events, made empty if there are none (or of another kind).
    fn of(memo: &mut Memo) -> &mut Parsed {
        if !memo.as_ref().is_some_and(|it| it.is::<Parsed>()) {
            *memo = Some(Box::new(Parsed::default()));
        }
        memo.as_mut()
            .and_then(|it| it.downcast_mut::<Parsed>())
            .expect("a memo of parsed events, just made")
    }

    /// Takes an event read ahead of its fold (`Projector::read`), stored as `seq`.
    fn adopt(&mut self, seq: i64, event: Option<Event>) {
        if let Err(at) = self.0.binary_search_by_key(&seq, |it| it.0) {
            self.0.insert(at, (seq, event));
        }
    }

    /// Every event of `stored` that reads, parsing only those not read before.
    fn read<'a>(&'a mut self, stored: &[StoredEvent]) -> Vec<&'a Event> {
        let find = |parsed: &[(i64, Option<Event>)], seq: i64| {
            parsed.binary_search_by_key(&seq, |it| it.0)
        };
        let new: Vec<_> = stored
            .iter()
            .filter(|event| find(&self.0, event.seq).is_err())
            .map(|event| (event.seq, read(event)))
            .collect();
        if !new.is_empty() {
            self.0.extend(new);
            self.0.sort_unstable_by_key(|it| it.0);
        }
        let parsed = &self.0;
        stored
            .iter()
            .filter_map(|event| parsed[find(parsed, event.seq).ok()?].1.as_ref())
            .collect()
    }
}

fn parse_body(body: &str) -> Result<Event, Vec<cxhub_model::error::FieldError>> {
    serde_json::from_str(body)
        .map_err(|err| vec![cxhub_model::error::FieldError::new("body", err.to_string())])
        .and_then(|value| event::parse(&value))
}

/// Reads a stored body again; one that no longer reads is skipped, with a warning.
fn read(stored: &StoredEvent) -> Option<Event> {
    match parse_body(&stored.body) {
        Ok(event) => Some(event),
        Err(errors) => {
            tracing::warn!(
                seq = stored.seq,
                ?errors,
                "a stored event no longer reads; skipped"
            );
            None
        }
    }
}

pub fn targets(queue: &Queue) -> SlaTargets {
    SlaTargets {
        first_response_secs: queue.sla_first_response_secs.or(queue.sla_answer_secs),
        resolution_secs: queue.sla_resolution_secs,
    }
}

/// A call that has not ended is closed by the timeout rule at its last event plus the
/// timeout.
fn call_refold_at(record: &Interaction, config: FoldConfig) -> Option<Instant> {
    match record.ended_at {
        Some(_) => None,
        None => record
            .updated_at
            .map(|last| last.plus_secs(config.unended_timeout_secs)),
    }
}

/// A conversation whose SLA is pending is looked at again when its next target passes
/// (measured from the start; if the fold measures from later, the sweep comes early,
/// finds it still pending, and looks again a minute later).
fn conversation_refold_at(
    record: &Interaction,
    targets: &dyn Fn(&Key) -> Option<SlaTargets>,
    now: Instant,
) -> Option<Instant> {
    if record.sla_status != Some(SlaStatus::Pending) {
        return None;
    }
    let targets = record.queue_id.as_ref().and_then(targets)?;
    let deadlines = [
        targets
            .first_response_secs
            .filter(|_| record.first_response_secs.is_none()),
        targets
            .resolution_secs
            .filter(|_| record.resolution_secs.is_none()),
    ];
    let next = deadlines
        .into_iter()
        .flatten()
        .map(|secs| record.started_at.plus_secs(i64::from(secs) + 1))
        .filter(|at| *at > now)
        .min();
    Some(next.unwrap_or_else(|| now.plus_secs(60)))
}
