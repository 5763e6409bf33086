//! Interactions: the CX log of every channel.
//!
//! One interaction is one call, chat, email or social conversation with a customer. A
//! voice interaction carries [`CallDetail`] with one leg per ring target; the other
//! channels carry their messages. "Calls" in the API are the voice interactions.

use crate::call::{CallDetail, CallStatus};
use crate::error::FieldError;
use crate::ids::{Key, RecordId, Version};
use crate::string_enum::string_enum;
use crate::time::Instant;

string_enum! {
    /// The medium of an interaction.
    pub enum Channel {
        Voice => "voice",
        Chat => "chat",
        Email => "email",
        Sms => "sms",
        Messenger => "messenger",
        Whatsapp => "whatsapp",
        Line => "line",
        Telegram => "telegram",
        Viber => "viber",
        Instagram => "instagram",
        Facebook => "facebook",
        Wechat => "wechat",
        Other => "other",
    }
}

string_enum! {
    /// Who started the interaction, seen from the center.
    pub enum Direction {
        Inbound => "inbound",
        Outbound => "outbound",
        /// Between two parties of the center (extension to extension).
        Internal => "internal",
    }
}

string_enum! {
    /// Where a digital conversation stands.
    pub enum ConversationStatus {
        Open => "open",
        /// Waiting on the customer or a third party.
        Pending => "pending",
        Closed => "closed",
        /// Closed without an agent ever replying.
        Missed => "missed",
    }
}

string_enum! {
    /// Whether the interaction met its queue's service targets.
    pub enum SlaStatus {
        Met => "met",
        Breached => "breached",
        /// Still inside its targets and not yet decided.
        Pending => "pending",
    }
}

string_enum! {
    /// Who wrote a message.
    pub enum SenderKind {
        Contact => "contact",
        Agent => "agent",
        Bot => "bot",
        System => "system",
    }
}

/// The outcome of an interaction: a call status for voice, a conversation status for
/// the other channels. On the wire both are one `status` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InteractionStatus {
    Call(CallStatus),
    Conversation(ConversationStatus),
}

impl InteractionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionStatus::Call(it) => it.as_str(),
            InteractionStatus::Conversation(it) => it.as_str(),
        }
    }

    /// Reads a status in the vocabulary of `channel`.
    pub fn parse_for(channel: Channel, text: &str) -> Result<InteractionStatus, String> {
        match channel {
            Channel::Voice => CallStatus::parse(text)
                .map(InteractionStatus::Call)
                .ok_or_else(|| {
                    format!(
                        "`{text}` is not a call status; expected one of {}",
                        CallStatus::expected()
                    )
                }),
            _ => ConversationStatus::parse(text)
                .map(InteractionStatus::Conversation)
                .ok_or_else(|| {
                    format!(
                        "`{text}` is not a conversation status; expected one of {}",
                        ConversationStatus::expected()
                    )
                }),
        }
    }

    /// Reads a status of either vocabulary, as list filters take it.
    pub fn parse_any(text: &str) -> Option<InteractionStatus> {
        CallStatus::parse(text)
            .map(InteractionStatus::Call)
            .or_else(|| ConversationStatus::parse(text).map(InteractionStatus::Conversation))
    }
}

/// One CX log entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Interaction {
    /// Assigned by the store; `None` on a record that was not stored yet.
    pub id: Option<RecordId>,
    pub source: Key,
    pub external_id: Key,
    pub version: Version,
    pub channel: Channel,
    pub direction: Direction,
    pub status: InteractionStatus,
    pub contact_id: Option<Key>,
    pub queue_id: Option<Key>,
    /// The agent who handled it (the last one, after transfers).
    pub agent_id: Option<Key>,
    pub first_assignee_id: Option<Key>,
    pub closed_assignee_id: Option<Key>,
    /// The source's integer case number (klink `caseId`, CINNOX `displayCaseNumber`).
    pub case_number: Option<i64>,
    /// The source's case or enquiry id (CINNOX `inquiryID`).
    pub case_ref: Option<String>,
    /// The conversation room on the source platform (klink room, CINNOX `roomID`).
    pub room_id: Option<String>,
    /// The contact's id on the channel's platform (a Messenger PSID).
    pub contact_platform_id: Option<String>,
    pub started_at: Instant,
    pub ended_at: Option<Instant>,
    pub closed_at: Option<Instant>,
    /// Seconds from the start (or bot hand-off) to the first agent response.
    pub first_response_secs: Option<u32>,
    /// Seconds from the contact's first message to the first agent message after it.
    pub first_replied_secs: Option<u32>,
    /// Seconds an agent actively worked on it: talk plus hold for voice.
    pub handled_secs: Option<u32>,
    /// Handled time plus wrap-up.
    pub full_handled_secs: Option<u32>,
    pub wrap_up_form_id: Option<String>,
    pub wrap_up_secs: Option<u32>,
    pub hold_secs: Option<u32>,
    /// Seconds from the start to the first close (resolution); a reopening keeps it.
    pub resolution_secs: Option<u32>,
    /// Seconds from the start to the final close, including reopenings.
    pub full_resolution_secs: Option<u32>,
    pub sla_status: Option<SlaStatus>,
    /// The state of automated analysis (transcription, summary) of the interaction.
    pub analysis_status: Option<String>,
    pub disposition: Option<String>,
    pub labels: Vec<String>,
    /// When the record came to exist at its source. Defaults to the end, or the start
    /// while the interaction is open.
    pub created_at: Option<Instant>,
    /// When the source last changed it. Defaults to the time cxhub stored the version.
    pub updated_at: Option<Instant>,
    pub deleted_at: Option<Instant>,
    /// Present exactly for voice interactions.
    pub call: Option<CallDetail>,
    /// The conversation's messages; voice interactions have none.
    pub messages: Vec<Message>,
}

/// One message of a digital conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub at: Instant,
    pub sender: SenderKind,
    /// The agent who wrote it, for agent messages.
    pub agent_id: Option<Key>,
    pub body: Option<String>,
}

impl Interaction {
    /// A record with its identity, medium, outcome and start; every other field empty
    /// (version 0, no call detail). Fill the rest with struct update syntax.
    pub fn new(
        source: Key,
        external_id: Key,
        channel: Channel,
        direction: Direction,
        status: InteractionStatus,
        started_at: Instant,
    ) -> Interaction {
        Interaction {
            id: None,
            source,
            external_id,
            version: 0,
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

    /// The creation instant a source would report: as given, else the end, else the start.
    pub fn created_at_or_derived(&self) -> Instant {
        self.created_at.or(self.ended_at).unwrap_or(self.started_at)
    }

    /// Checks what types cannot: the channel, status and call detail agree, and no
    /// instant precedes the one it follows.
    pub fn check(&self) -> Result<(), FieldError> {
        let voice = self.channel == Channel::Voice;
        match (voice, &self.status) {
            (true, InteractionStatus::Conversation(_)) => {
                return Err(FieldError::new(
                    "status",
                    "a voice interaction takes a call status",
                ));
            }
            (false, InteractionStatus::Call(_)) => {
                return Err(FieldError::new(
                    "status",
                    "a non-voice interaction takes a conversation status",
                ));
            }
            _ => (),
        }
        match (voice, &self.call) {
            (true, None) => {
                return Err(FieldError::new(
                    "call",
                    "is required for voice interactions",
                ));
            }
            (false, Some(_)) => {
                return Err(FieldError::new(
                    "call",
                    "is only allowed for voice interactions",
                ));
            }
            _ => (),
        }
        if voice && !self.messages.is_empty() {
            return Err(FieldError::new(
                "messages",
                "voice interactions have no messages",
            ));
        }
        not_before(
            "ended_at",
            self.ended_at,
            "started_at",
            Some(self.started_at),
        )?;
        not_before(
            "closed_at",
            self.closed_at,
            "started_at",
            Some(self.started_at),
        )?;
        if let Some(call) = &self.call {
            call.check(self.started_at, self.ended_at)
                .map_err(|err| err.within("call"))?;
        }
        Ok(())
    }
}

/// Fails when `later` is set and precedes `earlier`.
pub(crate) fn not_before(
    later_name: &str,
    later: Option<Instant>,
    earlier_name: &str,
    earlier: Option<Instant>,
) -> Result<(), FieldError> {
    match (later, earlier) {
        (Some(later), Some(earlier)) if later < earlier => Err(FieldError::new(
            later_name,
            format!("must not be before {earlier_name}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{CallKind, CallLeg, LegStatus, Media, Party};

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    fn call() -> Interaction {
        Interaction {
            id: None,
            source: Key::parse("pbx").unwrap(),
            external_id: Key::parse("1700000000.1").unwrap(),
            version: 0,
            channel: Channel::Voice,
            direction: Direction::Inbound,
            status: InteractionStatus::Call(CallStatus::Ended),
            contact_id: None,
            queue_id: None,
            agent_id: None,
            first_assignee_id: None,
            closed_assignee_id: None,
            case_number: None,
            case_ref: None,
            room_id: None,
            contact_platform_id: None,
            started_at: at("2026-11-20T09:00:00Z"),
            ended_at: Some(at("2026-11-20T09:03:09Z")),
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
            labels: vec![],
            created_at: None,
            updated_at: None,
            deleted_at: None,
            call: Some(CallDetail {
                caller: Party::default(),
                callee: Party::default(),
                virtual_number: None,
                extension: None,
                department: None,
                call_type: None,
                kind: CallKind::Call,
                media: Media::Audio,
                bye_reason: None,
                release_party: None,
                recordings: vec![],
                note: None,
                session_id: None,
                answered_at: Some(at("2026-11-20T09:00:09Z")),
                queued_at: None,
                wait_secs: None,
                talk_secs: Some(180),
                hold_count: 0,
                transfer_count: 0,
                abandon_stage: None,
                legs: vec![CallLeg {
                    target_number: Some("101".into()),
                    agent_id: None,
                    added_at: Some(at("2026-11-20T09:00:04Z")),
                    ring_at: Some(at("2026-11-20T09:00:04Z")),
                    answered_at: Some(at("2026-11-20T09:00:09Z")),
                    ended_at: Some(at("2026-11-20T09:03:09Z")),
                    ring_secs: Some(5),
                    status: LegStatus::Answered,
                    end_reason: None,
                    fail_code: None,
                    trunk: None,
                }],
            }),
            messages: vec![],
        }
    }

    #[test]
    fn a_well_formed_call_passes() {
        assert_eq!(call().check(), Ok(()));
        assert_eq!(call().created_at_or_derived(), at("2026-11-20T09:03:09Z"));
    }

    #[test]
    fn voice_needs_call_detail_and_a_call_status() {
        let mut it = call();
        it.call = None;
        assert_eq!(it.check().unwrap_err().field, "call");
        let mut it = call();
        it.status = InteractionStatus::Conversation(ConversationStatus::Open);
        assert_eq!(it.check().unwrap_err().field, "status");
        let mut it = call();
        it.channel = Channel::Chat;
        it.status = InteractionStatus::Conversation(ConversationStatus::Open);
        assert_eq!(it.check().unwrap_err().field, "call");
    }

    #[test]
    fn instants_out_of_order_name_the_field() {
        let mut it = call();
        it.ended_at = Some(at("2026-11-20T08:00:00Z"));
        assert_eq!(it.check().unwrap_err().field, "ended_at");
        let mut it = call();
        it.call.as_mut().unwrap().legs[0].ring_at = Some(at("2026-11-20T08:59:00Z"));
        assert_eq!(it.check().unwrap_err().field, "call.legs[0].ring_at");
        let mut it = call();
        it.call.as_mut().unwrap().legs[0].status = LegStatus::Busy;
        assert_eq!(it.check().unwrap_err().field, "call.legs[0].status");
    }

    #[test]
    fn status_vocabulary_follows_the_channel() {
        assert!(InteractionStatus::parse_for(Channel::Voice, "not_answered").is_ok());
        assert!(InteractionStatus::parse_for(Channel::Voice, "open").is_err());
        assert!(InteractionStatus::parse_for(Channel::Chat, "missed").is_ok());
        assert!(InteractionStatus::parse_any("busy").is_some());
        assert!(InteractionStatus::parse_any("lost").is_none());
    }
}
