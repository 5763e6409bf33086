//! Events as sources send them: one flat JSON object each, read into a typed event.
//!
//! Every event has `id` (the source's event id, its idempotency key), `type`, `at`
//! (RFC 3339), an optional `source`, and the subject it belongs to: `call_id`,
//! `conversation_id` or `user_id`, as its type says. The fields of each type are listed
//! in `docs/events.md`. Fields an event type does not use are kept in the raw event but
//! ignored by the fold, so a source may send its own extras.

use cxhub_model::call::{CallType, Media, ReleaseParty};
use cxhub_model::error::FieldError;
pub use cxhub_model::event::SubjectKind;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, SenderKind};
use cxhub_model::time::Instant;
use serde_json::{Map, Value};

use crate::call::{CallEvent, CallEventKind, CallInfo};
use crate::conversation::{ConversationEvent, ConversationEventKind};
use crate::presence::PresenceEvent;

/// The source of events that do not name one.
pub const DEFAULT_SOURCE: &str = "events";

/// The typed content of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    Call(CallEventKind),
    Conversation(ConversationEventKind),
    Presence {
        status: Key,
        previous_status: Option<Key>,
        reason: Option<String>,
    },
}

/// One event, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Key,
    pub source: Key,
    /// The event's `type`, as sent (`call.started`).
    pub type_name: String,
    pub at: Instant,
    pub subject_kind: SubjectKind,
    pub subject_id: Key,
    pub kind: EventKind,
}

impl Event {
    pub fn as_call(&self) -> Option<CallEvent> {
        match &self.kind {
            EventKind::Call(kind) => Some(CallEvent {
                id: self.id.clone(),
                at: self.at,
                kind: kind.clone(),
            }),
            _ => None,
        }
    }

    pub fn as_conversation(&self) -> Option<ConversationEvent> {
        match &self.kind {
            EventKind::Conversation(kind) => Some(ConversationEvent {
                id: self.id.clone(),
                at: self.at,
                kind: kind.clone(),
            }),
            _ => None,
        }
    }

    pub fn as_presence(&self) -> Option<PresenceEvent> {
        match &self.kind {
            EventKind::Presence {
                status,
                previous_status,
                reason,
            } => Some(PresenceEvent {
                id: self.id.clone(),
                at: self.at,
                status: status.clone(),
                previous_status: previous_status.clone(),
                reason: reason.clone(),
            }),
            _ => None,
        }
    }

    /// The directory entries the event names, as (kind, key): agents (`user`), queues,
    /// contacts and extensions. They are created on first sight.
    pub fn named(&self) -> Vec<(&'static str, &str)> {
        let keys: Vec<(&'static str, Option<&Key>)> = match &self.kind {
            EventKind::Call(CallEventKind::Started {
                queue_id,
                contact_id,
                agent_id,
                ..
            }) => vec![
                ("queue", queue_id.as_ref()),
                ("contact", contact_id.as_ref()),
                ("user", agent_id.as_ref()),
            ],
            EventKind::Call(CallEventKind::Queued { queue_id }) => {
                vec![("queue", queue_id.as_ref())]
            }
            EventKind::Call(CallEventKind::LegRinging { agent_id, .. }) => {
                vec![("user", agent_id.as_ref())]
            }
            EventKind::Conversation(ConversationEventKind::Started {
                contact_id,
                queue_id,
                ..
            }) => vec![
                ("queue", queue_id.as_ref()),
                ("contact", contact_id.as_ref()),
            ],
            EventKind::Conversation(
                ConversationEventKind::Message { agent_id, .. }
                | ConversationEventKind::Closed { agent_id, .. },
            ) => vec![("user", agent_id.as_ref())],
            EventKind::Conversation(ConversationEventKind::Assigned { agent_id, queue_id }) => {
                vec![("user", Some(agent_id)), ("queue", queue_id.as_ref())]
            }
            EventKind::Presence { .. } => vec![("user", Some(&self.subject_id))],
            _ => Vec::new(),
        };
        let mut out: Vec<(&'static str, &str)> = keys
            .into_iter()
            .filter_map(|(kind, key)| key.map(|it| (kind, it.as_str())))
            .collect();
        match &self.kind {
            EventKind::Call(CallEventKind::Started {
                extension: Some(ext),
                ..
            }) => out.push(("extension", ext.as_str())),
            EventKind::Call(CallEventKind::LegRinging {
                target: Some(target),
                ..
            }) if is_extension(target) => out.push(("extension", target.as_str())),
            _ => {}
        }
        out
    }
}

/// Whether a ring target is an internal extension rather than an outside number: short
/// and all digits (PBX extensions are 2 to 6 digits; E.164 numbers are longer).
pub fn is_extension(target: &str) -> bool {
    (2..=6).contains(&target.len()) && target.bytes().all(|it| it.is_ascii_digit())
}

/// Every event type cxhub reads, with the subject it belongs to.
pub const TYPES: &[(&str, SubjectKind)] = &[
    ("call.started", SubjectKind::Call),
    ("call.queued", SubjectKind::Call),
    ("call.dequeued", SubjectKind::Call),
    ("call.leg_ringing", SubjectKind::Call),
    ("call.leg_answered", SubjectKind::Call),
    ("call.answered", SubjectKind::Call),
    ("call.leg_ended", SubjectKind::Call),
    ("call.hold", SubjectKind::Call),
    ("call.unhold", SubjectKind::Call),
    ("call.transferred", SubjectKind::Call),
    ("call.recording_ready", SubjectKind::Call),
    ("call.ended", SubjectKind::Call),
    ("call.wrapup_done", SubjectKind::Call),
    ("conversation.started", SubjectKind::Conversation),
    ("conversation.message", SubjectKind::Conversation),
    ("conversation.assigned", SubjectKind::Conversation),
    ("conversation.closed", SubjectKind::Conversation),
    ("conversation.reopened", SubjectKind::Conversation),
    ("conversation.wrapup_done", SubjectKind::Conversation),
    ("presence.changed", SubjectKind::Presence),
];

/// Reads one event. Every problem is reported, each naming its field.
pub fn parse(value: &Value) -> Result<Event, Vec<FieldError>> {
    let Some(object) = value.as_object() else {
        return Err(vec![FieldError::new(
            "",
            format!("an event must be a JSON object, not {}", json_kind(value)),
        )]);
    };
    let mut fields = Fields {
        object,
        errors: Vec::new(),
    };
    let id = fields.key("id");
    let source = fields
        .opt_key("source")
        .unwrap_or_else(|| Key::parse(DEFAULT_SOURCE).expect("a valid key"));
    let at = fields.at("at");
    let type_name = fields.text("type");
    let subject = type_name.as_deref().and_then(|name| {
        let found = TYPES
            .iter()
            .find(|(it, _)| *it == name)
            .map(|(_, kind)| *kind);
        if found.is_none() {
            fields.error(
                "type",
                format!(
                    "`{name}` is not an event type; expected one of {}",
                    TYPES
                        .iter()
                        .map(|(it, _)| *it)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        found
    });
    let subject_id = subject.and_then(|kind| fields.key(kind.field()));
    let kind = match (type_name.as_deref(), subject) {
        (Some(name), Some(SubjectKind::Call)) => call_kind(&mut fields, name).map(EventKind::Call),
        (Some(name), Some(SubjectKind::Conversation)) => {
            conversation_kind(&mut fields, name).map(EventKind::Conversation)
        }
        (Some(_), Some(SubjectKind::Presence)) => {
            let status = fields.key("status");
            let previous_status = fields.opt_key("previous_status");
            let reason = fields.opt_text("reason");
            status.map(|status| EventKind::Presence {
                status,
                previous_status,
                reason,
            })
        }
        _ => None,
    };
    match (id, at, type_name, subject, subject_id, kind) {
        (Some(id), Some(at), Some(type_name), Some(subject_kind), Some(subject_id), Some(kind))
            if fields.errors.is_empty() =>
        {
            Ok(Event {
                id,
                source,
                type_name,
                at,
                subject_kind,
                subject_id,
                kind,
            })
        }
        _ => Err(fields.errors),
    }
}

fn call_kind(fields: &mut Fields<'_>, name: &str) -> Option<CallEventKind> {
    Some(match name {
        "call.started" => CallEventKind::Started {
            direction: fields
                .enumerated("direction", Direction::parse, Direction::expected)
                .unwrap_or(Direction::Inbound),
            from: fields.opt_text("from"),
            to: fields.opt_text("to"),
            queue_id: fields.opt_key("queue_id"),
            contact_id: fields.opt_key("contact_id"),
            agent_id: fields.opt_key("agent_id"),
            virtual_number: fields.opt_text("virtual_number"),
            extension: fields.opt_key("extension").map(Key::into_string),
            info: Box::new(CallInfo {
                from_name: fields.opt_text("from_name"),
                to_name: fields.opt_text("to_name"),
                from_country: fields.opt_country("from_country"),
                to_country: fields.opt_country("to_country"),
                call_type: fields.enumerated("call_type", CallType::parse, CallType::expected),
                media: fields.enumerated("media", Media::parse, Media::expected),
                department: fields.opt_text("department"),
            }),
        },
        "call.queued" => CallEventKind::Queued {
            queue_id: fields.opt_key("queue_id"),
        },
        "call.dequeued" => CallEventKind::Dequeued,
        "call.leg_ringing" => {
            // Every field is read before any `?`, so each problem is reported.
            let leg_id = fields.key("leg_id");
            let target = fields.opt_text("target");
            let agent_id = fields.opt_key("agent_id");
            CallEventKind::LegRinging {
                leg_id: leg_id?,
                target,
                agent_id,
            }
        }
        "call.leg_answered" => CallEventKind::LegAnswered {
            leg_id: fields.key("leg_id")?,
        },
        "call.answered" => CallEventKind::Answered,
        "call.leg_ended" => {
            let leg_id = fields.key("leg_id");
            let reason = fields.opt_text("reason");
            let fail_code = fields.opt_sip_code("fail_code");
            CallEventKind::LegEnded {
                leg_id: leg_id?,
                reason,
                fail_code,
            }
        }
        "call.hold" => CallEventKind::Hold,
        "call.unhold" => CallEventKind::Unhold,
        "call.transferred" => CallEventKind::Transferred {
            to: fields.opt_text("to"),
        },
        "call.recording_ready" => CallEventKind::RecordingReady {
            url: fields.text("url")?,
        },
        "call.ended" => CallEventKind::Ended {
            hangup_by: fields.enumerated("hangup_by", ReleaseParty::parse, ReleaseParty::expected),
            cause: fields.opt_text("cause"),
            disposition: fields.opt_text("disposition"),
        },
        "call.wrapup_done" => CallEventKind::WrapupDone {
            form_id: fields.opt_text("form_id"),
        },
        _ => return None,
    })
}

fn conversation_kind(fields: &mut Fields<'_>, name: &str) -> Option<ConversationEventKind> {
    Some(match name {
        "conversation.started" => {
            let channel = fields.enumerated("channel", Channel::parse, Channel::expected);
            if channel == Some(Channel::Voice) {
                fields.error(
                    "channel",
                    "a call is sent as call.* events, not a conversation",
                );
            }
            ConversationEventKind::Started {
                channel: channel.unwrap_or(Channel::Chat),
                direction: fields
                    .enumerated("direction", Direction::parse, Direction::expected)
                    .unwrap_or(Direction::Inbound),
                contact_id: fields.opt_key("contact_id"),
                queue_id: fields.opt_key("queue_id"),
                room_id: fields.opt_text("room_id"),
                contact_platform_id: fields.opt_text("contact_platform_id"),
            }
        }
        "conversation.message" => {
            if matches!(fields.object.get("sender"), None | Some(Value::Null)) {
                fields.error("sender", "is required");
            }
            let sender = fields.enumerated("sender", SenderKind::parse, SenderKind::expected);
            let agent_given = !matches!(fields.object.get("agent_id"), None | Some(Value::Null));
            let agent_id = fields.opt_key("agent_id");
            if sender == Some(SenderKind::Agent) && !agent_given {
                fields.error("agent_id", "is required when the sender is an agent");
            }
            let body = fields.opt_text("body");
            ConversationEventKind::Message {
                sender: sender?,
                agent_id,
                body,
            }
        }
        "conversation.assigned" => {
            let agent_id = fields.key("agent_id");
            let queue_id = fields.opt_key("queue_id");
            ConversationEventKind::Assigned {
                agent_id: agent_id?,
                queue_id,
            }
        }
        "conversation.closed" => ConversationEventKind::Closed {
            agent_id: fields.opt_key("agent_id"),
            disposition: fields.opt_text("disposition"),
        },
        "conversation.reopened" => ConversationEventKind::Reopened,
        "conversation.wrapup_done" => ConversationEventKind::WrapupDone {
            form_id: fields.opt_text("form_id"),
        },
        _ => return None,
    })
}

/// The fields of one event object, and the problems found reading them.
struct Fields<'a> {
    object: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Fields<'_> {
    fn error(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(FieldError::new(field, reason));
    }

    /// A string field; `None` (and no error) when absent or null.
    fn opt_text(&mut self, field: &str) -> Option<String> {
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(other) => {
                let kind = json_kind(other);
                self.error(field, format!("must be a string, not {kind}"));
                None
            }
        }
    }

    fn text(&mut self, field: &str) -> Option<String> {
        let present = matches!(self.object.get(field), Some(value) if !value.is_null());
        if !present {
            self.error(field, "is required");
            return None;
        }
        self.opt_text(field)
    }

    fn opt_key(&mut self, field: &str) -> Option<Key> {
        let text = self.opt_text(field)?;
        match Key::parse(&text) {
            Ok(key) => Some(key),
            Err(reason) => {
                self.error(field, reason);
                None
            }
        }
    }

    fn key(&mut self, field: &str) -> Option<Key> {
        let present = matches!(self.object.get(field), Some(value) if !value.is_null());
        if !present {
            self.error(field, "is required");
            return None;
        }
        self.opt_key(field)
    }

    fn at(&mut self, field: &str) -> Option<Instant> {
        let text = self.text(field)?;
        match Instant::parse_rfc3339(&text) {
            Ok(at) => Some(at),
            Err(reason) => {
                self.error(field, reason);
                None
            }
        }
    }

    fn enumerated<T>(
        &mut self,
        field: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        let text = self.opt_text(field)?;
        let found = parse(&text);
        if found.is_none() {
            self.error(
                field,
                format!("`{text}` is not accepted; expected one of {}", expected()),
            );
        }
        found
    }

    /// An ISO 3166-1 alpha-2 country code, upper-cased.
    fn opt_country(&mut self, field: &str) -> Option<String> {
        let text = self.opt_text(field)?;
        match text.len() == 2 && text.bytes().all(|it| it.is_ascii_alphabetic()) {
            true => Some(text.to_ascii_uppercase()),
            false => {
                self.error(
                    field,
                    format!("`{text}` is not an ISO 3166-1 alpha-2 country code"),
                );
                None
            }
        }
    }

    /// A SIP status code (100..=699), as a number or a numeric string.
    fn opt_sip_code(&mut self, field: &str) -> Option<i32> {
        let value = self.object.get(field)?;
        let code = match value {
            Value::Null => return None,
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.trim().parse::<i64>().ok(),
            _ => None,
        };
        match code.filter(|it| (100..=699).contains(it)) {
            Some(code) => i32::try_from(code).ok(),
            None => {
                self.error(
                    field,
                    format!("`{value}` is not a SIP status code (100 to 699)"),
                );
                None
            }
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
