//! What every simulated interaction shares, whatever its channel.

use cxhub_model::call::CallStatus;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, Message, SenderKind,
};
use cxhub_model::time::Instant;

use crate::catalog::key;

/// An interaction with only the fields every channel sets; the rest are empty.
pub(crate) fn blank(channel: Channel, direction: Direction, started_at: Instant) -> Interaction {
    let status = match channel {
        Channel::Voice => InteractionStatus::Call(CallStatus::Ended),
        _ => InteractionStatus::Conversation(ConversationStatus::Open),
    };
    let source = key(crate::SOURCE);
    Interaction {
        version: 1,
        ..Interaction::new(
            source,
            key("pending"),
            channel,
            direction,
            status,
            started_at,
        )
    }
}

/// Whole seconds from `earlier` to `later`, zero if reversed.
pub(crate) fn secs_between(earlier: Instant, later: Instant) -> u32 {
    later.secs_since(earlier).clamp(0, i64::from(u32::MAX)) as u32
}

/// A message of a digital conversation.
pub(crate) fn message(
    at: Instant,
    sender: SenderKind,
    agent_id: Option<&Key>,
    body: &str,
) -> Message {
    Message {
        at,
        sender,
        agent_id: agent_id.cloned(),
        body: Some(body.to_owned()),
    }
}

/// The platform's note that `agent` took the conversation at `at`, as helpdesks log it
/// ("Assigned to ..."): a system message that names the agent.
pub(crate) fn assignment(at: Instant, agent: &Key) -> Message {
    Message {
        at,
        sender: SenderKind::System,
        agent_id: Some(agent.clone()),
        body: Some(format!("Assigned to {agent}")),
    }
}
