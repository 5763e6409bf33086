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
    Interaction {
        id: None,
        source: key(crate::SOURCE),
        external_id: key("pending"),
        version: 1,
        channel,
        direction,
        status,
        contact_id: None,
        queue_id: None,
        agent_id: None,
        first_assignee_id: None,
        closed_assignee_id: None,
        case_number: None,
        case_ref: None,
        room_id: None,
        contact_platform_id: None,
        started_at,
        ended_at: None,
        closed_at: None,
        first_response_secs: None,
        first_replied_secs: None,
        handled_secs: None,
        full_handled_secs: None,
        wrap_up_form_id: None,
        wrap_up_secs: None,
        hold_secs: None,
        resolution_secs: None,
        full_resolution_secs: None,
        sla_status: None,
        analysis_status: None,
        disposition: None,
        labels: Vec::new(),
        created_at: None,
        updated_at: None,
        deleted_at: None,
        call: None,
        messages: Vec::new(),
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
