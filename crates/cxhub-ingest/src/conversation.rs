//! The conversation fold: every event of one digital conversation → one interaction.
//!
//! The rules are defined, with their sources, in `docs/metrics.md` ("Conversations"). In
//! short: events are put in a canonical order (time, then a fixed rank of event types,
//! then id), duplicates by event id are dropped, and the record is computed from what
//! remains by walking a small open/closed state machine.

use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, Message, SenderKind,
    SlaStatus,
};
use cxhub_model::time::Instant;

/// One event of a conversation, as a source sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationEvent {
    /// The source's event id: the idempotency key.
    pub id: Key,
    pub at: Instant,
    pub kind: ConversationEventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConversationEventKind {
    /// `conversation.started`.
    Started {
        channel: Channel,
        direction: Direction,
        contact_id: Option<Key>,
        queue_id: Option<Key>,
        /// The room on the source platform.
        room_id: Option<String>,
        /// The contact's id on the channel's platform (a Messenger PSID).
        contact_platform_id: Option<String>,
    },
    /// `conversation.message`.
    Message {
        sender: SenderKind,
        agent_id: Option<Key>,
        body: Option<String>,
    },
    /// `conversation.assigned`: to an agent, and possibly a (new) queue.
    Assigned {
        agent_id: Key,
        queue_id: Option<Key>,
    },
    /// `conversation.closed`, by an agent if named.
    Closed {
        agent_id: Option<Key>,
        disposition: Option<String>,
    },
    /// `conversation.reopened`.
    Reopened,
    /// `conversation.wrapup_done`.
    WrapupDone { form_id: Option<String> },
}

impl ConversationEventKind {
    /// The order of event types that share an instant: a conversation starts before it is
    /// assigned, is assigned before the agent writes, a last message comes before the
    /// close, and the wrap-up of a close before a reopening.
    fn rank(&self) -> u8 {
        match self {
            ConversationEventKind::Started { .. } => 0,
            ConversationEventKind::Assigned { .. } => 1,
            ConversationEventKind::Message { .. } => 2,
            ConversationEventKind::Closed { .. } => 3,
            ConversationEventKind::WrapupDone { .. } => 4,
            ConversationEventKind::Reopened => 5,
        }
    }
}

/// A queue's service targets, as the fold needs them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaTargets {
    pub first_response_secs: Option<u32>,
    pub resolution_secs: Option<u32>,
}

/// Puts events in canonical order and drops repeated ids (the first in that order wins).
pub fn canonical(events: &[ConversationEvent]) -> Vec<ConversationEvent> {
    crate::canonical(
        events,
        |a, b| (a.at, a.kind.rank(), &a.id, &a.kind).cmp(&(b.at, b.kind.rank(), &b.id, &b.kind)),
        |it| &it.id,
    )
}

/// Folds every known event of conversation `conversation_id` into its record, as of
/// `now`. `targets` gives the service targets of a queue. `None` when there is no event.
pub fn fold_conversation(
    source: &Key,
    conversation_id: &Key,
    events: &[ConversationEvent],
    targets: &dyn Fn(&Key) -> Option<SlaTargets>,
    now: Instant,
) -> Option<Interaction> {
    let events = canonical(events);
    let first_at = events.first()?.at;
    let last_at = events.last()?.at;
    let mut state = State::default();
    for event in &events {
        state.apply(event);
    }
    Some(state.finish(
        source,
        conversation_id,
        first_at,
        last_at,
        events.len(),
        targets,
        now,
    ))
}

/// The period the conversation is closed in, from the close that began it.
struct Close {
    at: Instant,
    /// The agent named by the closing event.
    closed_by: Option<Key>,
    /// The assignee when it closed, else the last agent who wrote before.
    holder: Option<Key>,
    disposition: Option<String>,
    /// The first wrap-up done while closed.
    wrapup: Option<(Instant, Option<String>)>,
}

#[derive(Default)]
struct State {
    started: Option<(Instant, ConversationEventKind)>,
    /// The queue of the last assignment that named one.
    assigned_queue: Option<Key>,
    first_assignee: Option<Key>,
    last_assignee: Option<Key>,
    first_writer: Option<Key>,
    last_writer: Option<Key>,
    messages: Vec<Message>,
    first_agent_message_at: Option<Instant>,
    first_contact_message_at: Option<Instant>,
    /// The first agent message after the first contact message.
    first_reply_at: Option<Instant>,
    /// The last bot message or reopening before the first agent message.
    hand_off_at: Option<Instant>,
    /// When an agent took it up: the first assignment or agent message.
    handling_from: Option<Instant>,
    first_close_at: Option<Instant>,
    /// The current closed period; `None` while open.
    closed: Option<Close>,
    /// Every closed period that a reopening ended, as (close, reopen).
    closed_gaps: Vec<(Instant, Instant)>,
}

impl State {
    fn apply(&mut self, event: &ConversationEvent) {
        let at = event.at;
        match &event.kind {
            started @ ConversationEventKind::Started { .. } => {
                self.started.get_or_insert((at, started.clone()));
            }
            ConversationEventKind::Assigned { agent_id, queue_id } => {
                if queue_id.is_some() {
                    self.assigned_queue.clone_from(queue_id);
                }
                self.first_assignee.get_or_insert_with(|| agent_id.clone());
                self.last_assignee = Some(agent_id.clone());
                self.handling_from.get_or_insert(at);
            }
            ConversationEventKind::Message {
                sender,
                agent_id,
                body,
            } => {
                self.messages.push(Message {
                    at,
                    sender: *sender,
                    agent_id: agent_id.clone(),
                    body: body.clone(),
                });
                self.message(at, *sender, agent_id.as_ref());
            }
            ConversationEventKind::Closed {
                agent_id,
                disposition,
            } => match &mut self.closed {
                // Closing a closed conversation changes nothing but may name what the
                // first close did not.
                Some(close) => {
                    close.closed_by = close.closed_by.clone().or_else(|| agent_id.clone());
                    close.disposition = close.disposition.clone().or_else(|| disposition.clone());
                }
                None => {
                    self.first_close_at.get_or_insert(at);
                    self.closed = Some(Close {
                        at,
                        closed_by: agent_id.clone(),
                        holder: self
                            .last_assignee
                            .clone()
                            .or_else(|| self.last_writer.clone()),
                        disposition: disposition.clone(),
                        wrapup: None,
                    });
                }
            },
            ConversationEventKind::Reopened => self.reopen(at),
            ConversationEventKind::WrapupDone { form_id } => {
                if let Some(close) = &mut self.closed {
                    close.wrapup.get_or_insert((at, form_id.clone()));
                }
            }
        }
    }

    fn message(&mut self, at: Instant, sender: SenderKind, agent_id: Option<&Key>) {
        match sender {
            SenderKind::Agent => {
                self.first_agent_message_at.get_or_insert(at);
                self.handling_from.get_or_insert(at);
                if self.first_contact_message_at.is_some() {
                    self.first_reply_at.get_or_insert(at);
                }
                if let Some(agent_id) = agent_id {
                    self.first_writer.get_or_insert_with(|| agent_id.clone());
                    self.last_writer = Some(agent_id.clone());
                }
            }
            SenderKind::Contact => {
                self.first_contact_message_at.get_or_insert(at);
                // A contact writing to a closed conversation reopens it.
                self.reopen(at);
            }
            SenderKind::Bot => {
                if self.first_agent_message_at.is_none() {
                    self.hand_off_at = Some(at);
                }
            }
            SenderKind::System => (),
        }
    }

    fn reopen(&mut self, at: Instant) {
        let Some(close) = self.closed.take() else {
            return;
        };
        self.closed_gaps.push((close.at, at));
        if self.first_agent_message_at.is_none() {
            self.hand_off_at = Some(at);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        self,
        source: &Key,
        conversation_id: &Key,
        first_at: Instant,
        last_at: Instant,
        n_events: usize,
        targets: &dyn Fn(&Key) -> Option<SlaTargets>,
        now: Instant,
    ) -> Interaction {
        let (started_at, channel, direction, contact_id, started_queue, room_id, platform_id) =
            match self.started {
                Some((
                    at,
                    ConversationEventKind::Started {
                        channel,
                        direction,
                        contact_id,
                        queue_id,
                        room_id,
                        contact_platform_id,
                    },
                )) => (
                    at,
                    channel,
                    direction,
                    contact_id,
                    queue_id,
                    room_id,
                    contact_platform_id,
                ),
                _ => (
                    first_at,
                    Channel::Chat,
                    Direction::Inbound,
                    None,
                    None,
                    None,
                    None,
                ),
            };
        let queue_id = self.assigned_queue.or(started_queue);
        // Clocks may disagree: nothing closes before the conversation started.
        let closed_at = self.closed.as_ref().map(|it| it.at.max(started_at));
        let status = match (&self.closed, self.first_agent_message_at) {
            (None, _) => ConversationStatus::Open,
            (Some(_), None) => ConversationStatus::Missed,
            (Some(_), Some(_)) => ConversationStatus::Closed,
        };
        let response_from = self.hand_off_at.map_or(started_at, |it| it.max(started_at));
        let first_response_secs = self
            .first_agent_message_at
            .map(|at| secs(at.secs_since(response_from)));
        let first_replied_secs = self
            .first_contact_message_at
            .zip(self.first_reply_at)
            .map(|(asked, replied)| secs(replied.secs_since(asked)));
        // Nobody worked a conversation no agent wrote in.
        let worked_from = self
            .handling_from
            .filter(|_| self.first_agent_message_at.is_some());
        let handled_secs = worked_from.zip(closed_at).map(|(from, to)| {
            secs(worked_millis(from, to, &self.closed_gaps, &self.messages).div_euclid(1000))
        });
        let wrapup = self.closed.as_ref().and_then(|it| it.wrapup.clone());
        let wrap_up_secs = wrapup
            .as_ref()
            .zip(closed_at)
            .map(|((at, _), closed)| secs(at.secs_since(closed)));
        // A conversation closed with no agent reply was missed, not resolved.
        let resolved = status != ConversationStatus::Missed;
        let resolution_secs = self
            .first_close_at
            .filter(|_| resolved)
            .map(|at| secs(at.max(started_at).secs_since(started_at)));
        let full_resolution_secs = closed_at
            .filter(|_| resolved)
            .map(|at| secs(at.secs_since(started_at)));
        let sla_status = queue_id.as_ref().and_then(targets).and_then(|targets| {
            sla(
                targets,
                first_response_secs,
                response_from,
                resolution_secs,
                started_at,
                closed_at,
                now,
            )
        });
        let (closed_assignee_id, disposition) = match self.closed {
            Some(close) => (close.holder.or(close.closed_by), close.disposition),
            None => (None, None),
        };
        Interaction {
            version: i64::try_from(n_events).unwrap_or(i64::MAX),
            queue_id,
            contact_id,
            agent_id: self
                .last_assignee
                .or(self.last_writer)
                .or_else(|| closed_assignee_id.clone()),
            first_assignee_id: self.first_assignee.or(self.first_writer),
            closed_assignee_id,
            room_id,
            contact_platform_id: platform_id,
            ended_at: closed_at,
            closed_at,
            first_response_secs,
            first_replied_secs,
            handled_secs,
            full_handled_secs: handled_secs.map(|handled| handled + wrap_up_secs.unwrap_or(0)),
            wrap_up_form_id: wrapup.and_then(|(_, form)| form),
            wrap_up_secs,
            resolution_secs,
            full_resolution_secs,
            sla_status,
            disposition,
            updated_at: Some(last_at),
            messages: self.messages,
            ..Interaction::new(
                source.clone(),
                conversation_id.clone(),
                channel,
                direction,
                InteractionStatus::Conversation(status),
                started_at,
            )
        }
    }
}

fn secs(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Milliseconds agents worked between `from` (the first assignment or agent message) and
/// `to` (the final close): each open period counts from its start (`from`, or the
/// reopening) to the last agent message before it closed. The time after an agent's
/// last line, while an auto-close timer runs or the customer is gone, is waiting, not
/// work (klink: "excluding wait times").
fn worked_millis(
    from: Instant,
    to: Instant,
    closed_gaps: &[(Instant, Instant)],
    messages: &[Message],
) -> i64 {
    let mut periods = Vec::with_capacity(closed_gaps.len() + 1);
    let mut start = from;
    for (closed, reopened) in closed_gaps {
        periods.push((start, *closed));
        start = (*reopened).max(from);
    }
    periods.push((start, to));
    periods
        .into_iter()
        .filter_map(|(start, end)| {
            messages
                .iter()
                .filter(|it| it.sender == SenderKind::Agent && it.at >= start && it.at <= end)
                .map(|it| it.at)
                .max()
                .map(|last| last.as_millis() - start.as_millis())
        })
        .sum()
}

/// Whether the conversation met its queue's targets (docs/metrics.md, "SLA status");
/// `None` when the queue defines none.
fn sla(
    targets: SlaTargets,
    first_response_secs: Option<u32>,
    response_from: Instant,
    resolution_secs: Option<u32>,
    started_at: Instant,
    closed_at: Option<Instant>,
    now: Instant,
) -> Option<SlaStatus> {
    let mut verdicts = Vec::new();
    if let Some(target) = targets.first_response_secs {
        let waited = closed_at.unwrap_or(now).secs_since(response_from);
        verdicts.push(verdict(
            first_response_secs,
            target,
            waited,
            closed_at.is_some(),
        ));
    }
    if let Some(target) = targets.resolution_secs {
        // A missed conversation is closed without a resolution: it is judged by how
        // long it stayed open, like an unanswered first response.
        let waited = closed_at.unwrap_or(now).secs_since(started_at);
        verdicts.push(verdict(
            resolution_secs,
            target,
            waited,
            closed_at.is_some(),
        ));
    }
    if verdicts.is_empty() {
        None
    } else if verdicts.contains(&SlaStatus::Breached) {
        Some(SlaStatus::Breached)
    } else if verdicts.contains(&SlaStatus::Pending) {
        Some(SlaStatus::Pending)
    } else {
        Some(SlaStatus::Met)
    }
}

/// One target: met or breached by the measured value; without one, breached once more
/// than `target` seconds went by, else met if nothing is owed any more, else pending.
fn verdict(measured: Option<u32>, target: u32, waited: i64, settled: bool) -> SlaStatus {
    match measured {
        Some(value) if value <= target => SlaStatus::Met,
        Some(_) => SlaStatus::Breached,
        None if waited > i64::from(target) => SlaStatus::Breached,
        None if settled => SlaStatus::Met,
        None => SlaStatus::Pending,
    }
}
