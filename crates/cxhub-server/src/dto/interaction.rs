//! Interactions and calls on the wire.

use cxhub_model::call::{
    AbandonStage, CallDetail, CallKind, CallLeg, CallType, LegStatus, Location, Media, Party,
    ReleaseParty,
};
use cxhub_model::error::FieldError;
use cxhub_model::interaction::{
    Channel, Direction, Interaction, InteractionStatus, Message, SenderKind, SlaStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    enum_value, instant, key, key_string, opt_enum, opt_instant, opt_key, rfc3339, secs, version_of,
};

/// An interaction (CX log) of any channel; a call when `channel` is `voice`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InteractionBody {
    /// Assigned by cxhub; ignored on input.
    #[schema(read_only)]
    pub id: Option<String>,
    /// The system that sent the record; with `external_id`, the idempotency key.
    pub source: String,
    /// The source's id for the record.
    pub external_id: String,
    /// The source's revision; the highest wins. Defaults to `updated_at` in milliseconds.
    pub version: Option<i64>,
    /// `voice`, `chat`, `email`, `sms`, `messenger`, `whatsapp`, `line`, `telegram`, `viber`,
    /// `instagram`, `facebook`, `wechat` or `other`. Defaults to `voice` on `/v1/calls`.
    pub channel: Option<String>,
    /// `inbound`, `outbound` or `internal`.
    pub direction: String,
    /// For voice: `ended`, `declined`, `busy`, `not_answered`, `cancelled`, `abandoned`,
    /// `unreachable`, `failed`. Otherwise: `open`, `pending`, `closed`, `missed`.
    pub status: String,
    pub contact_id: Option<String>,
    pub queue_id: Option<String>,
    pub agent_id: Option<String>,
    pub first_assignee_id: Option<String>,
    pub closed_assignee_id: Option<String>,
    pub case_number: Option<i64>,
    pub case_ref: Option<String>,
    pub room_id: Option<String>,
    pub contact_platform_id: Option<String>,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub closed_at: Option<String>,
    pub first_response_secs: Option<i64>,
    pub first_replied_secs: Option<i64>,
    pub handled_secs: Option<i64>,
    pub full_handled_secs: Option<i64>,
    pub wrap_up_form_id: Option<String>,
    pub wrap_up_secs: Option<i64>,
    pub hold_secs: Option<i64>,
    pub resolution_secs: Option<i64>,
    pub full_resolution_secs: Option<i64>,
    /// `met`, `breached` or `pending`.
    pub sla_status: Option<String>,
    pub analysis_status: Option<String>,
    pub disposition: Option<String>,
    pub labels: Vec<String>,
    /// When the record came to exist at the source; defaults to `ended_at`, else `started_at`.
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
    /// Required for voice, absent otherwise.
    pub call: Option<CallBody>,
    /// The messages of a digital conversation (input only; read them at
    /// `/v1/interactions/{id}/messages`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageBody>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CallBody {
    pub caller: PartyBody,
    pub callee: PartyBody,
    pub virtual_number: Option<String>,
    pub extension: Option<String>,
    pub department: Option<String>,
    /// `onnet`, `offnet` or `smartcall`.
    pub call_type: Option<String>,
    /// `call` (default) or `conference`.
    pub kind: Option<String>,
    /// `audio` (default) or `video`.
    pub media: Option<String>,
    pub bye_reason: Option<String>,
    /// `caller`, `callee` or `system`.
    pub release_party: Option<String>,
    pub recordings: Vec<String>,
    pub note: Option<String>,
    pub session_id: Option<String>,
    pub answered_at: Option<String>,
    pub queued_at: Option<String>,
    pub wait_secs: Option<i64>,
    pub talk_secs: Option<i64>,
    pub hold_count: Option<i64>,
    pub transfer_count: Option<i64>,
    /// `ivr`, `queue` or `ringing`, for abandoned calls.
    pub abandon_stage: Option<String>,
    pub legs: Vec<LegBody>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PartyBody {
    pub number: Option<String>,
    pub display_name: Option<String>,
    pub staff_id: Option<String>,
    pub is_staff: bool,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub service_id: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub region_code: Option<String>,
    pub subdivision: Option<String>,
}

/// One ring target of a call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LegBody {
    pub target_number: Option<String>,
    pub agent_id: Option<String>,
    pub added_at: Option<String>,
    pub ring_at: Option<String>,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    pub ring_secs: Option<i64>,
    /// `answered`, `not_answered`, `busy`, `declined`, `cancelled` or `failed`.
    pub status: String,
    pub end_reason: Option<String>,
    pub fail_code: Option<i32>,
    pub trunk: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MessageBody {
    pub at: String,
    /// `contact`, `agent`, `bot` or `system`.
    pub sender: String,
    pub agent_id: Option<String>,
    pub body: Option<String>,
}

impl InteractionBody {
    /// Reads the body; `default_channel` applies when `channel` is absent.
    pub fn into_model(self, default_channel: Option<Channel>) -> Result<Interaction, FieldError> {
        let channel = match (self.channel.as_deref(), default_channel) {
            (Some(text), _) => enum_value("channel", text, Channel::parse, &Channel::expected())?,
            (None, Some(channel)) => channel,
            (None, None) => return Err(FieldError::new("channel", "is required")),
        };
        let updated_at = opt_instant("updated_at", self.updated_at.as_deref())?;
        let interaction = Interaction {
            id: None,
            source: key("source", &self.source)?,
            external_id: key("external_id", &self.external_id)?,
            version: version_of(self.version, updated_at)?,
            channel,
            direction: enum_value(
                "direction",
                &self.direction,
                Direction::parse,
                &Direction::expected(),
            )?,
            status: InteractionStatus::parse_for(channel, &self.status)
                .map_err(|it| FieldError::new("status", it))?,
            contact_id: opt_key("contact_id", self.contact_id.as_deref())?,
            queue_id: opt_key("queue_id", self.queue_id.as_deref())?,
            agent_id: opt_key("agent_id", self.agent_id.as_deref())?,
            first_assignee_id: opt_key("first_assignee_id", self.first_assignee_id.as_deref())?,
            closed_assignee_id: opt_key("closed_assignee_id", self.closed_assignee_id.as_deref())?,
            case_number: self.case_number,
            case_ref: self.case_ref,
            room_id: self.room_id,
            contact_platform_id: self.contact_platform_id,
            started_at: instant("started_at", &self.started_at)?,
            ended_at: opt_instant("ended_at", self.ended_at.as_deref())?,
            closed_at: opt_instant("closed_at", self.closed_at.as_deref())?,
            first_response_secs: secs("first_response_secs", self.first_response_secs)?,
            first_replied_secs: secs("first_replied_secs", self.first_replied_secs)?,
            handled_secs: secs("handled_secs", self.handled_secs)?,
            full_handled_secs: secs("full_handled_secs", self.full_handled_secs)?,
            wrap_up_form_id: self.wrap_up_form_id,
            wrap_up_secs: secs("wrap_up_secs", self.wrap_up_secs)?,
            hold_secs: secs("hold_secs", self.hold_secs)?,
            resolution_secs: secs("resolution_secs", self.resolution_secs)?,
            full_resolution_secs: secs("full_resolution_secs", self.full_resolution_secs)?,
            sla_status: opt_enum(
                "sla_status",
                self.sla_status.as_deref(),
                SlaStatus::parse,
                &SlaStatus::expected(),
            )?,
            analysis_status: self.analysis_status,
            disposition: self.disposition,
            labels: self.labels,
            created_at: opt_instant("created_at", self.created_at.as_deref())?,
            updated_at,
            deleted_at: opt_instant("deleted_at", self.deleted_at.as_deref())?,
            call: self
                .call
                .map(|it| it.into_model().map_err(|err| err.within("call")))
                .transpose()?,
            messages: self
                .messages
                .into_iter()
                .enumerate()
                .map(|(idx, it)| {
                    it.into_model()
                        .map_err(|err| err.within(&format!("messages[{idx}]")))
                })
                .collect::<Result<_, _>>()?,
        };
        interaction.check()?;
        Ok(interaction)
    }

    pub fn from_model(it: &Interaction) -> InteractionBody {
        InteractionBody {
            id: it.id.map(|id| id.to_string()),
            source: it.source.as_str().to_owned(),
            external_id: it.external_id.as_str().to_owned(),
            version: Some(it.version),
            channel: Some(it.channel.as_str().to_owned()),
            direction: it.direction.as_str().to_owned(),
            status: it.status.as_str().to_owned(),
            contact_id: key_string(it.contact_id.as_ref()),
            queue_id: key_string(it.queue_id.as_ref()),
            agent_id: key_string(it.agent_id.as_ref()),
            first_assignee_id: key_string(it.first_assignee_id.as_ref()),
            closed_assignee_id: key_string(it.closed_assignee_id.as_ref()),
            case_number: it.case_number,
            case_ref: it.case_ref.clone(),
            room_id: it.room_id.clone(),
            contact_platform_id: it.contact_platform_id.clone(),
            started_at: it.started_at.to_rfc3339(),
            ended_at: rfc3339(it.ended_at),
            closed_at: rfc3339(it.closed_at),
            first_response_secs: it.first_response_secs.map(i64::from),
            first_replied_secs: it.first_replied_secs.map(i64::from),
            handled_secs: it.handled_secs.map(i64::from),
            full_handled_secs: it.full_handled_secs.map(i64::from),
            wrap_up_form_id: it.wrap_up_form_id.clone(),
            wrap_up_secs: it.wrap_up_secs.map(i64::from),
            hold_secs: it.hold_secs.map(i64::from),
            resolution_secs: it.resolution_secs.map(i64::from),
            full_resolution_secs: it.full_resolution_secs.map(i64::from),
            sla_status: it.sla_status.map(|it| it.as_str().to_owned()),
            analysis_status: it.analysis_status.clone(),
            disposition: it.disposition.clone(),
            labels: it.labels.clone(),
            created_at: rfc3339(it.created_at),
            updated_at: rfc3339(it.updated_at),
            deleted_at: rfc3339(it.deleted_at),
            call: it.call.as_ref().map(CallBody::from_model),
            messages: Vec::new(),
        }
    }
}

impl CallBody {
    fn into_model(self) -> Result<CallDetail, FieldError> {
        Ok(CallDetail {
            caller: self
                .caller
                .into_model()
                .map_err(|err| err.within("caller"))?,
            callee: self
                .callee
                .into_model()
                .map_err(|err| err.within("callee"))?,
            virtual_number: self.virtual_number,
            extension: self.extension,
            department: self.department,
            call_type: opt_enum(
                "call_type",
                self.call_type.as_deref(),
                CallType::parse,
                &CallType::expected(),
            )?,
            kind: opt_enum(
                "kind",
                self.kind.as_deref(),
                CallKind::parse,
                &CallKind::expected(),
            )?
            .unwrap_or(CallKind::Call),
            media: opt_enum(
                "media",
                self.media.as_deref(),
                Media::parse,
                &Media::expected(),
            )?
            .unwrap_or(Media::Audio),
            bye_reason: self.bye_reason,
            release_party: opt_enum(
                "release_party",
                self.release_party.as_deref(),
                ReleaseParty::parse,
                &ReleaseParty::expected(),
            )?,
            recordings: self.recordings,
            note: self.note,
            session_id: self.session_id,
            answered_at: opt_instant("answered_at", self.answered_at.as_deref())?,
            queued_at: opt_instant("queued_at", self.queued_at.as_deref())?,
            wait_secs: secs("wait_secs", self.wait_secs)?,
            talk_secs: secs("talk_secs", self.talk_secs)?,
            hold_count: secs("hold_count", self.hold_count)?.unwrap_or(0),
            transfer_count: secs("transfer_count", self.transfer_count)?.unwrap_or(0),
            abandon_stage: opt_enum(
                "abandon_stage",
                self.abandon_stage.as_deref(),
                AbandonStage::parse,
                &AbandonStage::expected(),
            )?,
            legs: self
                .legs
                .into_iter()
                .enumerate()
                .map(|(idx, it)| {
                    it.into_model()
                        .map_err(|err| err.within(&format!("legs[{idx}]")))
                })
                .collect::<Result<_, _>>()?,
        })
    }

    fn from_model(call: &CallDetail) -> CallBody {
        CallBody {
            caller: PartyBody::from_model(&call.caller),
            callee: PartyBody::from_model(&call.callee),
            virtual_number: call.virtual_number.clone(),
            extension: call.extension.clone(),
            department: call.department.clone(),
            call_type: call.call_type.map(|it| it.as_str().to_owned()),
            kind: Some(call.kind.as_str().to_owned()),
            media: Some(call.media.as_str().to_owned()),
            bye_reason: call.bye_reason.clone(),
            release_party: call.release_party.map(|it| it.as_str().to_owned()),
            recordings: call.recordings.clone(),
            note: call.note.clone(),
            session_id: call.session_id.clone(),
            answered_at: rfc3339(call.answered_at),
            queued_at: rfc3339(call.queued_at),
            wait_secs: call.wait_secs.map(i64::from),
            talk_secs: call.talk_secs.map(i64::from),
            hold_count: Some(call.hold_count.into()),
            transfer_count: Some(call.transfer_count.into()),
            abandon_stage: call.abandon_stage.map(|it| it.as_str().to_owned()),
            legs: call.legs.iter().map(LegBody::from_model).collect(),
        }
    }
}

impl PartyBody {
    fn into_model(self) -> Result<Party, FieldError> {
        Ok(Party {
            number: self.number,
            display_name: self.display_name,
            staff_id: opt_key("staff_id", self.staff_id.as_deref())?,
            is_staff: self.is_staff,
            country: self.country,
            service_id: self.service_id,
            location: Location {
                city: self.city,
                province: self.province,
                region_code: self.region_code,
                subdivision: self.subdivision,
            },
        })
    }

    fn from_model(party: &Party) -> PartyBody {
        PartyBody {
            number: party.number.clone(),
            display_name: party.display_name.clone(),
            staff_id: key_string(party.staff_id.as_ref()),
            is_staff: party.is_staff,
            country: party.country.clone(),
            service_id: party.service_id.clone(),
            city: party.location.city.clone(),
            province: party.location.province.clone(),
            region_code: party.location.region_code.clone(),
            subdivision: party.location.subdivision.clone(),
        }
    }
}

impl LegBody {
    fn into_model(self) -> Result<CallLeg, FieldError> {
        Ok(CallLeg {
            target_number: self.target_number,
            agent_id: opt_key("agent_id", self.agent_id.as_deref())?,
            added_at: opt_instant("added_at", self.added_at.as_deref())?,
            ring_at: opt_instant("ring_at", self.ring_at.as_deref())?,
            answered_at: opt_instant("answered_at", self.answered_at.as_deref())?,
            ended_at: opt_instant("ended_at", self.ended_at.as_deref())?,
            ring_secs: secs("ring_secs", self.ring_secs)?,
            status: enum_value(
                "status",
                &self.status,
                LegStatus::parse,
                &LegStatus::expected(),
            )?,
            end_reason: self.end_reason,
            fail_code: self.fail_code,
            trunk: self.trunk,
        })
    }

    fn from_model(leg: &CallLeg) -> LegBody {
        LegBody {
            target_number: leg.target_number.clone(),
            agent_id: key_string(leg.agent_id.as_ref()),
            added_at: rfc3339(leg.added_at),
            ring_at: rfc3339(leg.ring_at),
            answered_at: rfc3339(leg.answered_at),
            ended_at: rfc3339(leg.ended_at),
            ring_secs: leg.ring_secs.map(i64::from),
            status: leg.status.as_str().to_owned(),
            end_reason: leg.end_reason.clone(),
            fail_code: leg.fail_code,
            trunk: leg.trunk.clone(),
        }
    }
}

impl MessageBody {
    fn into_model(self) -> Result<Message, FieldError> {
        Ok(Message {
            at: instant("at", &self.at)?,
            sender: enum_value(
                "sender",
                &self.sender,
                SenderKind::parse,
                &SenderKind::expected(),
            )?,
            agent_id: opt_key("agent_id", self.agent_id.as_deref())?,
            body: self.body,
        })
    }

    pub fn from_model(message: &Message) -> MessageBody {
        MessageBody {
            at: message.at.to_rfc3339(),
            sender: message.sender.as_str().to_owned(),
            agent_id: key_string(message.agent_id.as_ref()),
            body: message.body.clone(),
        }
    }
}
