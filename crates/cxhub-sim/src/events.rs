//! The simulated center as a live source: each record told as the events a PBX or a
//! CCaaS platform would have sent while it happened (docs/events.md).
//!
//! Folding these events (`cxhub-ingest`) gives back the record's outcome and metrics;
//! what events do not carry (labels, analysis status) is not in the folded record.

use cxhub_model::call::CallDetail;
use cxhub_model::interaction::{ConversationStatus, Interaction, InteractionStatus, SenderKind};
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::Instant;
use serde_json::{Map, Value, json};

/// The body of the system message the simulation logs when an agent resolves a
/// conversation that is later reopened (the final close is the record's `closed_at`).
pub const RESOLVED_NOTE: &str = "Conversation marked resolved";

/// The events of one interaction: call events for voice, conversation events otherwise.
pub fn interaction_events(record: &Interaction) -> Vec<Value> {
    let mut out = Events::new(record);
    match &record.call {
        Some(call) => call_events(&mut out, record, call),
        None => conversation_events(&mut out, record),
    }
    out.items
}

/// Every event of a simulated day (its calls, conversations and presence changes), in
/// the order a live source delivers them: by time (RFC 3339 in UTC sorts as text).
pub fn day_events(day: &crate::Day) -> Vec<Value> {
    let mut events: Vec<Value> = day
        .interactions
        .iter()
        .flat_map(interaction_events)
        .chain(presence_events(&day.presence))
        .collect();
    events.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
    events
}

/// One `presence.changed` per change.
pub fn presence_events(changes: &[PresenceChange]) -> Vec<Value> {
    changes
        .iter()
        .map(|change| {
            let mut event = json!({
                "id": change.external_id.as_str(),
                "source": change.source.as_str(),
                "type": "presence.changed",
                "at": change.at.to_rfc3339(),
                "user_id": change.user_id.as_str(),
                "status": change.new_status.as_str(),
            });
            put(
                &mut event,
                "previous_status",
                change.previous_status.as_ref().map(|it| it.as_str()),
            );
            put(&mut event, "reason", change.reason.as_deref());
            event
        })
        .collect()
}

/// Events under construction for one record, numbered in the order made.
struct Events<'a> {
    record: &'a Interaction,
    subject: &'static str,
    items: Vec<Value>,
}

impl<'a> Events<'a> {
    fn new(record: &'a Interaction) -> Events<'a> {
        let subject = match record.call {
            Some(_) => "call_id",
            None => "conversation_id",
        };
        Events {
            record,
            subject,
            items: Vec::new(),
        }
    }

    /// Adds an event of `kind` at `at` with `fields`; `None` fields are left out.
    fn push(&mut self, kind: &str, at: Instant, fields: &[(&str, Option<Value>)]) {
        let mut event = Map::new();
        // Zero-padded, so ids sort in the order the events were made.
        let id = format!(
            "{}:{:03}",
            self.record.external_id.as_str(),
            self.items.len() + 1
        );
        event.insert("id".to_owned(), Value::String(id));
        event.insert("source".to_owned(), json!(self.record.source.as_str()));
        event.insert("type".to_owned(), json!(kind));
        event.insert("at".to_owned(), json!(at.to_rfc3339()));
        event.insert(
            self.subject.to_owned(),
            json!(self.record.external_id.as_str()),
        );
        for (name, value) in fields {
            if let Some(value) = value {
                event.insert((*name).to_owned(), value.clone());
            }
        }
        self.items.push(Value::Object(event));
    }
}

fn text(value: Option<&str>) -> Option<Value> {
    value.map(|it| Value::String(it.to_owned()))
}

fn put(event: &mut Value, name: &str, value: Option<&str>) {
    if let (Some(value), Some(object)) = (value, event.as_object_mut()) {
        object.insert(name.to_owned(), json!(value));
    }
}

fn call_events(out: &mut Events<'_>, record: &Interaction, call: &CallDetail) {
    let key = |it: &Option<cxhub_model::ids::Key>| text(it.as_ref().map(|k| k.as_str()));
    let placing_agent = match record.direction {
        cxhub_model::interaction::Direction::Inbound => None,
        _ => key(&call.caller.staff_id),
    };
    out.push(
        "call.started",
        record.started_at,
        &[
            ("direction", text(Some(record.direction.as_str()))),
            ("from", text(call.caller.number.as_deref())),
            ("to", text(call.callee.number.as_deref())),
            ("queue_id", key(&record.queue_id)),
            ("contact_id", key(&record.contact_id)),
            ("agent_id", placing_agent),
            ("virtual_number", text(call.virtual_number.as_deref())),
            ("extension", text(call.extension.as_deref())),
            ("from_name", text(call.caller.display_name.as_deref())),
            ("to_name", text(call.callee.display_name.as_deref())),
            ("from_country", text(call.caller.country.as_deref())),
            ("to_country", text(call.callee.country.as_deref())),
            ("call_type", text(call.call_type.map(|it| it.as_str()))),
            ("media", text(Some(call.media.as_str()))),
            ("department", text(call.department.as_deref())),
        ],
    );
    if let Some(queued_at) = call.queued_at {
        out.push(
            "call.queued",
            queued_at,
            &[("queue_id", key(&record.queue_id))],
        );
    }
    for (idx, leg) in call.legs.iter().enumerate() {
        let leg_id = Some(json!(format!("l-{}", idx + 1)));
        let Some(ring_at) = leg.ring_at.or(leg.added_at) else {
            continue;
        };
        out.push(
            "call.leg_ringing",
            ring_at,
            &[
                ("leg_id", leg_id.clone()),
                ("target", text(leg.target_number.as_deref())),
                ("agent_id", key(&leg.agent_id)),
            ],
        );
        if let Some(answered_at) = leg.answered_at {
            out.push(
                "call.leg_answered",
                answered_at,
                &[("leg_id", leg_id.clone())],
            );
        }
        if let Some(ended_at) = leg.ended_at {
            out.push(
                "call.leg_ended",
                ended_at,
                &[
                    ("leg_id", leg_id),
                    ("reason", text(leg.end_reason.as_deref())),
                    ("fail_code", leg.fail_code.map(|it| json!(it))),
                ],
            );
        }
    }
    let agent_answered = call.legs.iter().any(|it| it.answered_at.is_some());
    if let (Some(answered), false) = (call.answered_at, agent_answered) {
        out.push("call.answered", answered, &[]);
    }
    if let (Some(answered), Some(ended)) = (call.answered_at, record.ended_at) {
        holds(
            out,
            answered,
            ended,
            call.hold_count,
            record.hold_secs.unwrap_or(0),
        );
        for n in 0..call.transfer_count {
            let at = answered.plus_millis(
                (ended.as_millis() - answered.as_millis()) * i64::from(n + 1)
                    / i64::from(call.transfer_count + 2),
            );
            out.push("call.transferred", at, &[]);
        }
    }
    let Some(ended_at) = record.ended_at else {
        return;
    };
    out.push(
        "call.ended",
        ended_at,
        &[
            ("hangup_by", text(call.release_party.map(|it| it.as_str()))),
            ("cause", text(call.bye_reason.as_deref())),
            ("disposition", text(record.disposition.as_deref())),
        ],
    );
    for url in &call.recordings {
        out.push(
            "call.recording_ready",
            ended_at,
            &[("url", text(Some(url)))],
        );
    }
    if let Some(wrap) = record.wrap_up_secs {
        out.push(
            "call.wrapup_done",
            ended_at.plus_secs(i64::from(wrap)),
            &[("form_id", text(record.wrap_up_form_id.as_deref()))],
        );
    }
}

/// `count` holds of `total` seconds in all, spread evenly over the talk.
fn holds(out: &mut Events<'_>, answered: Instant, ended: Instant, count: u32, total: u32) {
    if count == 0 {
        return;
    }
    let talk = ended.as_millis() - answered.as_millis();
    let hold = (i64::from(total) * 1000).min(talk);
    let each = hold / i64::from(count);
    let gap = (talk - hold) / i64::from(count + 1);
    let mut at = answered;
    for n in 0..count {
        at = at.plus_millis(gap);
        out.push("call.hold", at, &[]);
        // The last hold takes what rounding left, so the total is exact.
        let length = match n + 1 == count {
            true => hold - each * i64::from(count - 1),
            false => each,
        };
        at = at.plus_millis(length);
        out.push("call.unhold", at, &[]);
    }
}

fn conversation_events(out: &mut Events<'_>, record: &Interaction) {
    let key = |it: &Option<cxhub_model::ids::Key>| text(it.as_ref().map(|k| k.as_str()));
    out.push(
        "conversation.started",
        record.started_at,
        &[
            ("channel", text(Some(record.channel.as_str()))),
            ("direction", text(Some(record.direction.as_str()))),
            ("contact_id", key(&record.contact_id)),
            ("queue_id", key(&record.queue_id)),
            ("room_id", text(record.room_id.as_deref())),
            (
                "contact_platform_id",
                text(record.contact_platform_id.as_deref()),
            ),
        ],
    );
    for message in &record.messages {
        // The platform's assignment and resolution notes are events too, and stay
        // messages.
        if let (SenderKind::System, Some(agent)) = (message.sender, &message.agent_id) {
            out.push(
                "conversation.assigned",
                message.at,
                &[("agent_id", text(Some(agent.as_str())))],
            );
        }
        if message.sender == SenderKind::System && message.body.as_deref() == Some(RESOLVED_NOTE) {
            out.push(
                "conversation.closed",
                message.at,
                &[("agent_id", key(&record.agent_id))],
            );
        }
        out.push(
            "conversation.message",
            message.at,
            &[
                ("sender", text(Some(message.sender.as_str()))),
                ("agent_id", key(&message.agent_id)),
                ("body", text(message.body.as_deref())),
            ],
        );
    }
    let closed = matches!(
        record.status,
        InteractionStatus::Conversation(ConversationStatus::Closed | ConversationStatus::Missed)
    );
    let Some(closed_at) = record.closed_at.or(record.ended_at).filter(|_| closed) else {
        return;
    };
    out.push(
        "conversation.closed",
        closed_at,
        &[
            ("agent_id", key(&record.closed_assignee_id)),
            ("disposition", text(record.disposition.as_deref())),
        ],
    );
    if let Some(wrap) = record.wrap_up_secs {
        out.push(
            "conversation.wrapup_done",
            closed_at.plus_secs(i64::from(wrap)),
            &[("form_id", text(record.wrap_up_form_id.as_deref()))],
        );
    }
}
