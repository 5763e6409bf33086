//! Interactions and calls on the wire.

use std::borrow::Cow;

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
    Text, enum_value, instant, key, key_string, opt_enum, opt_instant, opt_key, opt_key_text,
    opt_text, owned, owned_rfc3339, secs, text, version_of,
};

/// An interaction (CX log) of any channel; a call when `channel` is `voice`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InteractionBody<'a> {
    /// Assigned by cxhub; ignored on input.
    #[schema(read_only)]
    #[schema(value_type = Option<String>)]
    pub id: Option<Text<'a>>,
    /// The system that sent the record; with `external_id`, the idempotency key.
    #[schema(value_type = String)]
    pub source: Text<'a>,
    /// The source's id for the record.
    #[schema(value_type = String)]
    pub external_id: Text<'a>,
    /// The source's revision; the highest wins. Defaults to `updated_at` in milliseconds.
    pub version: Option<i64>,
    /// `voice`, `chat`, `email`, `sms`, `messenger`, `whatsapp`, `line`, `telegram`, `viber`,
    /// `instagram`, `facebook`, `wechat` or `other`. Defaults to `voice` on `/v1/calls`.
    #[schema(value_type = Option<String>)]
    pub channel: Option<Text<'a>>,
    /// `inbound`, `outbound` or `internal`.
    #[schema(value_type = String)]
    pub direction: Text<'a>,
    /// For voice: `ended`, `declined`, `busy`, `not_answered`, `cancelled`, `abandoned`,
    /// `unreachable`, `failed`. Otherwise: `open`, `pending`, `closed`, `missed`.
    #[schema(value_type = String)]
    pub status: Text<'a>,
    #[schema(value_type = Option<String>)]
    pub contact_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub queue_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub agent_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub first_assignee_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub closed_assignee_id: Option<Text<'a>>,
    pub case_number: Option<i64>,
    #[schema(value_type = Option<String>)]
    pub case_ref: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub room_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub contact_platform_id: Option<Text<'a>>,
    #[schema(value_type = String)]
    pub started_at: Text<'a>,
    #[schema(value_type = Option<String>)]
    pub ended_at: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub closed_at: Option<Text<'a>>,
    pub first_response_secs: Option<i64>,
    pub first_replied_secs: Option<i64>,
    pub handled_secs: Option<i64>,
    pub full_handled_secs: Option<i64>,
    #[schema(value_type = Option<String>)]
    pub wrap_up_form_id: Option<Text<'a>>,
    pub wrap_up_secs: Option<i64>,
    pub hold_secs: Option<i64>,
    pub resolution_secs: Option<i64>,
    pub full_resolution_secs: Option<i64>,
    /// `met`, `breached` or `pending`.
    #[schema(value_type = Option<String>)]
    pub sla_status: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub analysis_status: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub disposition: Option<Text<'a>>,
    #[schema(value_type = Vec<String>)]
    pub labels: Cow<'a, [String]>,
    /// When the record came to exist at the source; defaults to `ended_at`, else `started_at`.
    #[schema(value_type = Option<String>)]
    pub created_at: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub updated_at: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub deleted_at: Option<Text<'a>>,
    /// Required for voice, absent otherwise.
    pub call: Option<CallBody<'a>>,
    /// The messages of a digital conversation (input only; read them at
    /// `/v1/interactions/{id}/messages`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageBody>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CallBody<'a> {
    pub caller: PartyBody<'a>,
    pub callee: PartyBody<'a>,
    #[schema(value_type = Option<String>)]
    pub virtual_number: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub extension: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub department: Option<Text<'a>>,
    /// `onnet`, `offnet` or `smartcall`.
    #[schema(value_type = Option<String>)]
    pub call_type: Option<Text<'a>>,
    /// `call` (default) or `conference`.
    #[schema(value_type = Option<String>)]
    pub kind: Option<Text<'a>>,
    /// `audio` (default) or `video`.
    #[schema(value_type = Option<String>)]
    pub media: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub bye_reason: Option<Text<'a>>,
    /// `caller`, `callee` or `system`.
    #[schema(value_type = Option<String>)]
    pub release_party: Option<Text<'a>>,
    #[schema(value_type = Vec<String>)]
    pub recordings: Cow<'a, [String]>,
    #[schema(value_type = Option<String>)]
    pub note: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub session_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub answered_at: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub queued_at: Option<Text<'a>>,
    pub wait_secs: Option<i64>,
    pub talk_secs: Option<i64>,
    pub hold_count: Option<i64>,
    pub transfer_count: Option<i64>,
    /// `ivr`, `queue` or `ringing`, for abandoned calls.
    #[schema(value_type = Option<String>)]
    pub abandon_stage: Option<Text<'a>>,
    pub legs: Vec<LegBody<'a>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PartyBody<'a> {
    #[schema(value_type = Option<String>)]
    pub number: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub display_name: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub staff_id: Option<Text<'a>>,
    pub is_staff: bool,
    /// ISO 3166-1 alpha-2.
    #[schema(value_type = Option<String>)]
    pub country: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub service_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub city: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub province: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub region_code: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub subdivision: Option<Text<'a>>,
}

/// One ring target of a call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LegBody<'a> {
    #[schema(value_type = Option<String>)]
    pub target_number: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub agent_id: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub added_at: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub ring_at: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub answered_at: Option<Text<'a>>,
    #[schema(value_type = Option<String>)]
    pub ended_at: Option<Text<'a>>,
    pub ring_secs: Option<i64>,
    /// `answered`, `not_answered`, `busy`, `declined`, `cancelled` or `failed`.
    #[schema(value_type = String)]
    pub status: Text<'a>,
    #[schema(value_type = Option<String>)]
    pub end_reason: Option<Text<'a>>,
    pub fail_code: Option<i32>,
    #[schema(value_type = Option<String>)]
    pub trunk: Option<Text<'a>>,
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

impl<'a> InteractionBody<'a> {
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
            case_ref: owned(self.case_ref),
            room_id: owned(self.room_id),
            contact_platform_id: owned(self.contact_platform_id),
            started_at: instant("started_at", &self.started_at)?,
            ended_at: opt_instant("ended_at", self.ended_at.as_deref())?,
            closed_at: opt_instant("closed_at", self.closed_at.as_deref())?,
            first_response_secs: secs("first_response_secs", self.first_response_secs)?,
            first_replied_secs: secs("first_replied_secs", self.first_replied_secs)?,
            handled_secs: secs("handled_secs", self.handled_secs)?,
            full_handled_secs: secs("full_handled_secs", self.full_handled_secs)?,
            wrap_up_form_id: owned(self.wrap_up_form_id),
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
            analysis_status: owned(self.analysis_status),
            disposition: owned(self.disposition),
            labels: self.labels.into_owned(),
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

    pub fn from_model(it: &'a Interaction) -> InteractionBody<'a> {
        InteractionBody {
            id: it.id.map(|id| Cow::Owned(id.to_string())),
            source: text(it.source.as_str()),
            external_id: text(it.external_id.as_str()),
            version: Some(it.version),
            channel: Some(text(it.channel.as_str())),
            direction: text(it.direction.as_str()),
            status: text(it.status.as_str()),
            contact_id: opt_key_text(it.contact_id.as_ref()),
            queue_id: opt_key_text(it.queue_id.as_ref()),
            agent_id: opt_key_text(it.agent_id.as_ref()),
            first_assignee_id: opt_key_text(it.first_assignee_id.as_ref()),
            closed_assignee_id: opt_key_text(it.closed_assignee_id.as_ref()),
            case_number: it.case_number,
            case_ref: opt_text(it.case_ref.as_ref()),
            room_id: opt_text(it.room_id.as_ref()),
            contact_platform_id: opt_text(it.contact_platform_id.as_ref()),
            started_at: Cow::Owned(it.started_at.to_rfc3339()),
            ended_at: owned_rfc3339(it.ended_at),
            closed_at: owned_rfc3339(it.closed_at),
            first_response_secs: it.first_response_secs.map(i64::from),
            first_replied_secs: it.first_replied_secs.map(i64::from),
            handled_secs: it.handled_secs.map(i64::from),
            full_handled_secs: it.full_handled_secs.map(i64::from),
            wrap_up_form_id: opt_text(it.wrap_up_form_id.as_ref()),
            wrap_up_secs: it.wrap_up_secs.map(i64::from),
            hold_secs: it.hold_secs.map(i64::from),
            resolution_secs: it.resolution_secs.map(i64::from),
            full_resolution_secs: it.full_resolution_secs.map(i64::from),
            sla_status: it.sla_status.map(|it| text(it.as_str())),
            analysis_status: opt_text(it.analysis_status.as_ref()),
            disposition: opt_text(it.disposition.as_ref()),
            labels: Cow::Borrowed(&it.labels),
            created_at: owned_rfc3339(it.created_at),
            updated_at: owned_rfc3339(it.updated_at),
            deleted_at: owned_rfc3339(it.deleted_at),
            call: it.call.as_ref().map(CallBody::from_model),
            messages: Vec::new(),
        }
    }
}

impl<'a> CallBody<'a> {
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
            virtual_number: owned(self.virtual_number),
            extension: owned(self.extension),
            department: owned(self.department),
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
            bye_reason: owned(self.bye_reason),
            release_party: opt_enum(
                "release_party",
                self.release_party.as_deref(),
                ReleaseParty::parse,
                &ReleaseParty::expected(),
            )?,
            recordings: self.recordings.into_owned(),
            note: owned(self.note),
            session_id: owned(self.session_id),
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

    fn from_model(call: &'a CallDetail) -> CallBody<'a> {
        CallBody {
            caller: PartyBody::from_model(&call.caller),
            callee: PartyBody::from_model(&call.callee),
            virtual_number: opt_text(call.virtual_number.as_ref()),
            extension: opt_text(call.extension.as_ref()),
            department: opt_text(call.department.as_ref()),
            call_type: call.call_type.map(|it| text(it.as_str())),
            kind: Some(text(call.kind.as_str())),
            media: Some(text(call.media.as_str())),
            bye_reason: opt_text(call.bye_reason.as_ref()),
            release_party: call.release_party.map(|it| text(it.as_str())),
            recordings: Cow::Borrowed(&call.recordings),
            note: opt_text(call.note.as_ref()),
            session_id: opt_text(call.session_id.as_ref()),
            answered_at: owned_rfc3339(call.answered_at),
            queued_at: owned_rfc3339(call.queued_at),
            wait_secs: call.wait_secs.map(i64::from),
            talk_secs: call.talk_secs.map(i64::from),
            hold_count: Some(call.hold_count.into()),
            transfer_count: Some(call.transfer_count.into()),
            abandon_stage: call.abandon_stage.map(|it| text(it.as_str())),
            legs: call.legs.iter().map(LegBody::from_model).collect(),
        }
    }
}

impl<'a> PartyBody<'a> {
    fn into_model(self) -> Result<Party, FieldError> {
        Ok(Party {
            number: owned(self.number),
            display_name: owned(self.display_name),
            staff_id: opt_key("staff_id", self.staff_id.as_deref())?,
            is_staff: self.is_staff,
            country: owned(self.country),
            service_id: owned(self.service_id),
            location: Location {
                city: owned(self.city),
                province: owned(self.province),
                region_code: owned(self.region_code),
                subdivision: owned(self.subdivision),
            },
        })
    }

    fn from_model(party: &'a Party) -> PartyBody<'a> {
        PartyBody {
            number: opt_text(party.number.as_ref()),
            display_name: opt_text(party.display_name.as_ref()),
            staff_id: opt_key_text(party.staff_id.as_ref()),
            is_staff: party.is_staff,
            country: opt_text(party.country.as_ref()),
            service_id: opt_text(party.service_id.as_ref()),
            city: opt_text(party.location.city.as_ref()),
            province: opt_text(party.location.province.as_ref()),
            region_code: opt_text(party.location.region_code.as_ref()),
            subdivision: opt_text(party.location.subdivision.as_ref()),
        }
    }
}

impl<'a> LegBody<'a> {
    fn into_model(self) -> Result<CallLeg, FieldError> {
        Ok(CallLeg {
            target_number: owned(self.target_number),
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
            end_reason: owned(self.end_reason),
            fail_code: self.fail_code,
            trunk: owned(self.trunk),
        })
    }

    fn from_model(leg: &'a CallLeg) -> LegBody<'a> {
        LegBody {
            target_number: opt_text(leg.target_number.as_ref()),
            agent_id: opt_key_text(leg.agent_id.as_ref()),
            added_at: owned_rfc3339(leg.added_at),
            ring_at: owned_rfc3339(leg.ring_at),
            answered_at: owned_rfc3339(leg.answered_at),
            ended_at: owned_rfc3339(leg.ended_at),
            ring_secs: leg.ring_secs.map(i64::from),
            status: text(leg.status.as_str()),
            end_reason: opt_text(leg.end_reason.as_ref()),
            fail_code: leg.fail_code,
            trunk: opt_text(leg.trunk.as_ref()),
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
