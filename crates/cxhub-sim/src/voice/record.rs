//! Building call records: the draft of a call, its parties and its legs.

use cxhub_model::call::{CallDetail, CallLeg, CallStatus, CallType, LegStatus, Location, Party};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::time::Instant;

use crate::queues::AgentProfile;
use crate::records::{self, secs_between};

/// A call under construction: the interaction and its call detail, joined by
/// [`Draft::finish`].
pub(crate) struct Draft {
    pub record: Interaction,
    pub detail: CallDetail,
}

impl Draft {
    pub(crate) fn new(started_at: Instant, direction: Direction) -> Draft {
        Draft {
            record: records::blank(Channel::Voice, direction, started_at),
            detail: CallDetail {
                call_type: Some(CallType::Offnet),
                ..CallDetail::new(Party::default(), Party::default())
            },
        }
    }

    /// Sets the outcome and the end of the call.
    pub(crate) fn end(&mut self, status: CallStatus, ended_at: Instant, bye_reason: &str) {
        self.record.status = InteractionStatus::Call(status);
        self.record.ended_at = Some(ended_at);
        self.record.created_at = Some(ended_at);
        self.record.updated_at = Some(ended_at);
        self.detail.bye_reason = Some(bye_reason.to_owned());
    }

    pub(crate) fn finish(mut self) -> Interaction {
        self.record.call = Some(self.detail);
        self.record
    }
}

/// The center's side of a call: an agent on their extension, or presenting `number`.
pub(crate) fn staff_party(agent: &AgentProfile, number: Option<&str>, country: &str) -> Party {
    Party {
        number: Some(number.unwrap_or(&agent.extension).to_owned()),
        display_name: agent.name.clone(),
        staff_id: Some(agent.id.clone()),
        is_staff: true,
        country: Some(country.to_owned()),
        service_id: None,
        location: Location::default(),
    }
}

/// An outside party, known by number and perhaps by name.
pub(crate) fn outside_party(number: &str, name: Option<&str>) -> Party {
    let country = crate::names::country_of_number(number);
    Party {
        number: Some(number.to_owned()),
        display_name: name.map(str::to_owned),
        staff_id: None,
        is_staff: false,
        country: country.map(str::to_owned),
        service_id: None,
        location: Location {
            region_code: country.map(str::to_owned),
            ..Location::default()
        },
    }
}

/// A leg that starts ringing at `ring_at`; its outcome is set by [`answer`] or [`close`].
pub(crate) fn leg(
    target: &str,
    agent_id: Option<&Key>,
    added: Instant,
    ring_at: Instant,
) -> CallLeg {
    CallLeg {
        target_number: Some(target.to_owned()),
        agent_id: agent_id.cloned(),
        added_at: Some(added),
        ring_at: Some(ring_at),
        answered_at: None,
        ended_at: None,
        ring_secs: None,
        status: LegStatus::Cancelled,
        end_reason: None,
        fail_code: None,
        trunk: None,
    }
}

/// Marks a leg answered at `at`; its end comes with the call's.
pub(crate) fn answer(leg: &mut CallLeg, at: Instant) {
    leg.status = LegStatus::Answered;
    leg.answered_at = Some(at);
    leg.ring_secs = leg.ring_at.map(|ring| secs_between(ring, at));
}

/// Ends a leg that was never answered, or sets the end of an answered one.
pub(crate) fn close(
    leg: &mut CallLeg,
    status: LegStatus,
    at: Instant,
    reason: &str,
    code: Option<i32>,
) {
    if status != LegStatus::Answered {
        leg.status = status;
        leg.ring_secs = leg.ring_at.map(|ring| secs_between(ring, at));
    }
    leg.ended_at = Some(at);
    leg.end_reason = Some(reason.to_owned());
    leg.fail_code = code;
}
