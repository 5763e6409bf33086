//! The event pipeline: wire events read, stored once, folded into their records.
//!
//! One home for what the server's `/v1/events`, `cxhub simulate`, the importers and the
//! benchmark all do with events: each is read on its own (a bad one is refused with its
//! reasons, the rest go on), the readable ones are stored in one transaction that drops
//! those seen before and refolds the subjects they touch through `cxhub-ingest`'s folds
//! ([`folds`]), and what became of each is reported in the batch's order.

pub mod folds;

use std::sync::Arc;

use cxhub_ingest::event::{self, Event};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use serde_json::Value;

use crate::events::{EventOutcome, NewEvent, Projector};
use crate::{Store, StoreResult, TenantScope};

/// How often a server looks for records whose clock-based rules are due.
pub const SWEEP_EVERY_SECS: u64 = 30;

/// What became of one event of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// New: stored and folded into its record.
    Accepted,
    /// Its source and id were seen before; nothing changed.
    Duplicate,
    /// Not stored, for these reasons.
    Rejected(Vec<FieldError>),
}

/// The store with the projector its events are folded by.
#[derive(Clone)]
pub struct Pipeline {
    store: Store,
    projector: Arc<dyn Projector>,
}

impl Pipeline {
    /// The pipeline on `cxhub-ingest`'s folds, with their default settings.
    pub fn new(store: Store) -> Pipeline {
        Pipeline::with_projector(store, folds::shared())
    }

    pub fn with_projector(store: Store, projector: Arc<dyn Projector>) -> Pipeline {
        Pipeline { store, projector }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Takes a batch: each item is a wire event, or why it could not be read as JSON.
    /// The verdicts are in the batch's order; the store is written once for all.
    pub async fn ingest(
        &self,
        scope: &TenantScope,
        items: Vec<Result<Value, Vec<FieldError>>>,
    ) -> StoreResult<Vec<Verdict>> {
        let mut verdicts = Vec::with_capacity(items.len());
        let mut batch = Vec::new();
        // Which verdict each stored event answers.
        let mut slots = Vec::new();
        for item in items {
            match item.and_then(|value| read_event(&value)) {
                Ok(event) => {
                    slots.push(verdicts.len());
                    batch.push(event);
                    verdicts.push(Verdict::Accepted);
                }
                Err(errors) => verdicts.push(Verdict::Rejected(errors)),
            }
        }
        if !batch.is_empty() {
            let outcomes = self
                .store
                .ingest_events(scope, batch, self.projector.clone())
                .await?;
            for (slot, outcome) in slots.into_iter().zip(outcomes) {
                verdicts[slot] = match outcome {
                    EventOutcome::Accepted => Verdict::Accepted,
                    EventOutcome::Duplicate => Verdict::Duplicate,
                };
            }
        }
        Ok(verdicts)
    }

    /// Refolds every record whose clock-based rule (a call's timeout, a conversation's
    /// pending SLA) is due at `now`; gives how many.
    pub async fn sweep(&self, now: Instant) -> StoreResult<usize> {
        self.store.refold_due(now, self.projector.clone()).await
    }
}

/// Reads one wire event into what the store keeps; the errors name its bad fields.
pub fn read_event(value: &Value) -> Result<NewEvent, Vec<FieldError>> {
    event::parse(value).map(|event| new_event(event, value.to_string()))
}

fn new_event(event: Event, body: String) -> NewEvent {
    let named = event
        .named()
        .into_iter()
        .filter_map(|(table, key)| Key::parse(key).ok().map(|key| (table, key)))
        .collect();
    NewEvent {
        source: event.source,
        event_id: event.id,
        subject_kind: event.subject_kind,
        subject_id: event.subject_id,
        type_name: event.type_name,
        at: event.at,
        body,
        named,
    }
}
