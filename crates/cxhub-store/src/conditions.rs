//! The conditions of each list filter, written once for every backend: a backend's
//! `Where` builder implements [`Conditions`], with its own placeholders and its own way
//! of matching one of several values.

use cxhub_model::ids::Key;

use crate::query::{ExtensionSide, InteractionFilter, PresenceFilter, TicketFilter};
use crate::values::Cell;

pub(crate) trait Conditions {
    /// Adds `and <clause>`, each `?` in it taking the next of `values`.
    fn and(&mut self, clause: &str, values: Vec<Cell>);

    /// Adds that `column` is one of `values`, unless there are none (no condition).
    fn and_in(&mut self, column: &str, values: Vec<String>);

    fn and_eq(&mut self, column: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.and(&format!("{column} = ?"), vec![Cell::Text(value.to_owned())]);
        }
    }

    /// Adds `from <= column < to`, each bound when given.
    fn and_between(
        &mut self,
        column: &str,
        from: Option<cxhub_model::time::Instant>,
        to: Option<cxhub_model::time::Instant>,
    ) {
        if let Some(from) = from {
            self.and(&format!("{column} >= ?"), vec![Cell::Int(from.as_millis())]);
        }
        if let Some(to) = to {
            self.and(&format!("{column} < ?"), vec![Cell::Int(to.as_millis())]);
        }
    }
}

fn texts<T>(values: &[T], text: impl Fn(&T) -> &str) -> Vec<String> {
    values.iter().map(|it| text(it).to_owned()).collect()
}

pub(crate) fn interactions(cond: &mut impl Conditions, filter: &InteractionFilter) {
    cond.and_between("started_at", filter.from, filter.to);
    cond.and_in("channel", texts(&filter.channels, |it| it.as_str()));
    cond.and_in("direction", texts(&filter.directions, |it| it.as_str()));
    cond.and_in("status", texts(&filter.statuses, |it| it.as_str()));
    cond.and_eq("agent_id", filter.agent_id.as_ref().map(Key::as_str));
    cond.and_eq("queue_id", filter.queue_id.as_ref().map(Key::as_str));
    cond.and_eq("contact_id", filter.contact_id.as_ref().map(Key::as_str));
    if let Some(number) = &filter.number {
        cond.and(
            "(caller_number = ? or callee_number = ?)",
            vec![Cell::Text(number.clone()), Cell::Text(number.clone())],
        );
    }
    cond.and_eq("extension", filter.extension.as_deref());
    cond.and_eq("external_id", filter.external_id.as_deref());
    cond.and_in("call_type", texts(&filter.call_types, |it| it.as_str()));
    if let Some(from) = filter.created_from {
        cond.and("created_at >= ?", vec![Cell::Int(from.as_millis())]);
    }
    if let Some(until) = filter.created_until {
        cond.and("created_at <= ?", vec![Cell::Int(until.as_millis())]);
    }
    cond.and_in("extension", filter.extensions.clone());
    cond.and_in("virtual_number", filter.virtual_numbers.clone());
    cond.and_eq("department", filter.department.as_deref());
    cond.and_eq("session_id", filter.session_id.as_deref());
    if let Some((comparison, bound)) = filter.talk_secs {
        cond.and(
            &format!("coalesce(talk_secs, 0) {} ?", comparison.sql()),
            vec![Cell::Int(bound.into())],
        );
    }
    match filter.extension_side {
        None => {}
        Some(ExtensionSide::Callee) => cond.and(
            "direction = 'internal' and extension is not null and extension = callee_number",
            vec![],
        ),
        Some(ExtensionSide::Caller) => cond.and(
            "direction = 'internal' and (extension is null or callee_number is null or extension <> callee_number)",
            vec![],
        ),
    }
    if !filter.include_deleted {
        cond.and("deleted_at is null", vec![]);
    }
}

pub(crate) fn presence(cond: &mut impl Conditions, filter: &PresenceFilter) {
    cond.and_between("at", filter.from, filter.to);
    cond.and_eq("user_id", filter.user_id.as_ref().map(Key::as_str));
    cond.and_in("new_status", texts(&filter.statuses, |it| it.as_str()));
    if let Some(after) = filter.ends_after {
        cond.and(
            "(ended_at is null or ended_at > ?)",
            vec![Cell::Int(after.as_millis())],
        );
    }
    if filter.open {
        cond.and("ended_at is null", vec![]);
    }
}

pub(crate) fn tickets(cond: &mut impl Conditions, filter: &TicketFilter) {
    cond.and_between("created_at", filter.from, filter.to);
    cond.and_in("status", texts(&filter.statuses, |it| it.as_str()));
    cond.and_in("priority", texts(&filter.priorities, |it| it.as_str()));
    cond.and_eq("assignee_id", filter.assignee_id.as_ref().map(Key::as_str));
    cond.and_eq("contact_id", filter.contact_id.as_ref().map(Key::as_str));
    if !filter.include_deleted {
        cond.and("deleted_at is null", vec![]);
    }
}
