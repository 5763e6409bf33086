//! Call detail: what a voice interaction adds, and its legs.
//!
//! One call is one record. Each ring target (an agent's phone, an extension, an outside
//! number) is a [`CallLeg`] with its own outcome, so a ring-all to three phones is one
//! call with three legs, not three rows.

use crate::error::FieldError;
use crate::ids::Key;
use crate::interaction::not_before;
use crate::string_enum::string_enum;
use crate::time::Instant;

string_enum! {
    /// The outcome of a call, from the caller's point of view.
    ///
    /// The vocabulary is CINNOX's eight call statuses, which separate what most PBX CDRs
    /// lump together (cancelled from not answered, abandoned from answered).
    pub enum CallStatus {
        /// Connected, then ended normally or dropped.
        Ended => "ended",
        /// The receiver rejected it.
        Declined => "declined",
        /// The receiver could not take another call.
        Busy => "busy",
        /// The receiver did not answer before the timeout.
        NotAnswered => "not_answered",
        /// The caller hung up before the receiver answered.
        Cancelled => "cancelled",
        /// The caller hung up in the IVR, in the queue, or while ringing an agent.
        Abandoned => "abandoned",
        /// The receiver could not be reached (device off, no data connection).
        Unreachable => "unreachable",
        /// The call failed for a network or service reason.
        Failed => "failed",
    }
}

string_enum! {
    /// The network path of a call (CINNOX `callType`).
    pub enum CallType {
        /// Within the platform, app to app.
        Onnet => "onnet",
        /// To or from the public telephone network.
        Offnet => "offnet",
        /// Starts on-net and falls back to off-net.
        Smartcall => "smartcall",
    }
}

string_enum! {
    /// Whether a call has two parties or more.
    pub enum CallKind {
        Call => "call",
        Conference => "conference",
    }
}

string_enum! {
    pub enum Media {
        Audio => "audio",
        Video => "video",
    }
}

string_enum! {
    /// The side that hung up first. Kept apart from the outcome on purpose.
    pub enum ReleaseParty {
        Caller => "caller",
        Callee => "callee",
        /// The platform ended it (timeout, failure, administrative hang-up).
        System => "system",
    }
}

string_enum! {
    /// Where an abandoned caller gave up.
    pub enum AbandonStage {
        Ivr => "ivr",
        Queue => "queue",
        Ringing => "ringing",
    }
}

string_enum! {
    /// The outcome of one leg (one ring target).
    pub enum LegStatus {
        Answered => "answered",
        NotAnswered => "not_answered",
        Busy => "busy",
        Declined => "declined",
        /// The ringing stopped because the call ended or another target answered.
        Cancelled => "cancelled",
        Failed => "failed",
    }
}

/// One side of a call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Party {
    /// The number or extension, in E.164 for outside numbers where known.
    pub number: Option<String>,
    pub display_name: Option<String>,
    /// The user key of a staff party.
    pub staff_id: Option<Key>,
    pub is_staff: bool,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// The platform service the party called from or to.
    pub service_id: Option<String>,
    pub location: Location,
}

/// Where a party was, from its IP address or number.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    pub city: Option<String>,
    pub province: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub region_code: Option<String>,
    /// ISO 3166-2 subdivision code, such as `AU-NSW`.
    pub subdivision: Option<String>,
}

/// What a voice interaction adds to the common fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CallDetail {
    pub caller: Party,
    pub callee: Party,
    /// The hotline or virtual number the call came in on or went out from.
    pub virtual_number: Option<String>,
    /// The center's extension on the call.
    pub extension: Option<String>,
    pub department: Option<String>,
    pub call_type: Option<CallType>,
    pub kind: CallKind,
    pub media: Media,
    /// The source's reason for the disconnection (SIP or Q.850 text).
    pub bye_reason: Option<String>,
    pub release_party: Option<ReleaseParty>,
    pub recordings: Vec<String>,
    pub note: Option<String>,
    /// The PBX session id, where the source has one beside its record id.
    pub session_id: Option<String>,
    pub answered_at: Option<Instant>,
    pub queued_at: Option<Instant>,
    /// Seconds in queue before answer or abandon.
    pub wait_secs: Option<u32>,
    /// Seconds connected, from answer to end (CINNOX `callDuration`, Sencloud `duration`).
    pub talk_secs: Option<u32>,
    pub hold_count: u32,
    pub transfer_count: u32,
    pub abandon_stage: Option<AbandonStage>,
    pub legs: Vec<CallLeg>,
}

/// One ring target of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallLeg {
    pub target_number: Option<String>,
    pub agent_id: Option<Key>,
    pub added_at: Option<Instant>,
    pub ring_at: Option<Instant>,
    pub answered_at: Option<Instant>,
    pub ended_at: Option<Instant>,
    pub ring_secs: Option<u32>,
    pub status: LegStatus,
    pub end_reason: Option<String>,
    /// The SIP status that failed the leg, if any.
    pub fail_code: Option<i32>,
    pub trunk: Option<String>,
}

impl CallDetail {
    /// A two-party audio call between `caller` and `callee`; every other field empty.
    pub fn new(caller: Party, callee: Party) -> CallDetail {
        CallDetail {
            caller,
            callee,
            virtual_number: None,
            extension: None,
            department: None,
            call_type: None,
            kind: CallKind::Call,
            media: Media::Audio,
            bye_reason: None,
            release_party: None,
            recordings: Vec::new(),
            note: None,
            session_id: None,
            answered_at: None,
            queued_at: None,
            wait_secs: None,
            talk_secs: None,
            hold_count: 0,
            transfer_count: 0,
            abandon_stage: None,
            legs: Vec::new(),
        }
    }

    pub(crate) fn check(
        &self,
        started_at: Instant,
        ended_at: Option<Instant>,
    ) -> Result<(), FieldError> {
        not_before(
            "answered_at",
            self.answered_at,
            "the interaction's started_at",
            Some(started_at),
        )?;
        not_before(
            "the interaction's ended_at",
            ended_at,
            "answered_at",
            self.answered_at,
        )
        .map_err(|_| {
            FieldError::new(
                "answered_at",
                "must not be after the interaction's ended_at",
            )
        })?;
        if self.abandon_stage.is_some()
            && self.answered_at.is_some()
            && self.abandon_stage != Some(AbandonStage::Ivr)
        {
            return Err(FieldError::new(
                "abandon_stage",
                "an answered call was not abandoned in queue or ringing",
            ));
        }
        for (idx, leg) in self.legs.iter().enumerate() {
            leg.check()
                .map_err(|err| err.within(&format!("legs[{idx}]")))?;
        }
        Ok(())
    }
}

impl CallLeg {
    fn check(&self) -> Result<(), FieldError> {
        not_before("ring_at", self.ring_at, "added_at", self.added_at)?;
        not_before("answered_at", self.answered_at, "ring_at", self.ring_at)?;
        not_before("answered_at", self.answered_at, "added_at", self.added_at)?;
        not_before("ended_at", self.ended_at, "answered_at", self.answered_at)?;
        not_before("ended_at", self.ended_at, "ring_at", self.ring_at)?;
        not_before("ended_at", self.ended_at, "added_at", self.added_at)?;
        if self.status == LegStatus::Answered && self.answered_at.is_none() {
            return Err(FieldError::new(
                "answered_at",
                "is required when status is answered",
            ));
        }
        if self.status != LegStatus::Answered && self.answered_at.is_some() {
            return Err(FieldError::new(
                "status",
                "must be answered when answered_at is set",
            ));
        }
        Ok(())
    }
}
