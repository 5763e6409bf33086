//! CINNOX: `GET /v1/api/apps/{appID}/data/call-log`.
//!
//! See `docs/dialects/cinnox.md` for the endpoint's contract and `docs/mapping.md` §4 for
//! where each field comes from. Absent strings print as `""` and absent numbers as `0`,
//! as CINNOX's typed fields do (`virtualNumber` and `callerInfo.phoneNumber` too, which
//! the page types as Numbers); times are RFC 3339 in UTC with milliseconds.

use std::borrow::Cow;
use std::collections::HashMap;

use cxhub_model::call::{
    CallDetail, CallKind, CallStatus, CallType, Location, Media, Party, ReleaseParty,
};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};

use crate::text::{Text, text};

/// The source name records read from CINNOX carry.
pub const SOURCE: &str = "cinnox";
/// Rows per page when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest `limit` (the seed page's maximum).
pub const MAX_LIMIT: usize = 500;
/// CINNOX's "wrong parameter" error code.
pub const WRONG_PARAMETER: i64 = 6_451_000;

/// A CINNOX error: `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: i64,
    pub message: String,
}

impl ErrorBody {
    fn wrong(message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code: WRONG_PARAMETER,
            message: message.into(),
        }
    }
}

/// `{code: 0, result: [...]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallLogResponse<'a> {
    pub code: i64,
    pub result: Vec<CallLogItem<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CallLogItem<'a> {
    pub hid: Text<'a>,
    #[serde(rename = "roomID")]
    pub room_id: Text<'a>,
    #[serde(rename = "type")]
    pub kind: Text<'a>,
    pub status: Text<'a>,
    #[serde(rename = "inquiryID")]
    pub inquiry_id: Text<'a>,
    pub display_case_number: Text<'a>,
    #[serde(rename = "callID")]
    pub call_id: Text<'a>,
    pub call_duration: u32,
    pub call_date: Text<'a>,
    pub call_end_time: Text<'a>,
    pub bye_reason: Text<'a>,
    pub release_party: Text<'a>,
    pub virtual_number: u64,
    pub media_type: Text<'a>,
    pub caller_info: CallerInfo<'a>,
    pub callee_info: CalleeInfo<'a>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CallerInfo<'a> {
    pub country_code: Text<'a>,
    pub display_name: Text<'a>,
    pub eid: Text<'a>,
    pub is_staff: bool,
    pub phone_number: u64,
    pub service_id: Text<'a>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CalleeInfo<'a> {
    pub display_name: Text<'a>,
    pub eid: Text<'a>,
    pub ip_loc_detail: IpLocDetail<'a>,
    pub is_staff: bool,
    pub service_id: Text<'a>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IpLocDetail<'a> {
    pub city: Text<'a>,
    pub province: Text<'a>,
    pub region_code: Text<'a>,
    pub subdivision: Text<'a>,
}

/// CINNOX's display strings for the eight call statuses (vendors.md §2.3).
pub fn status_name(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Ended => "Call Ended",
        CallStatus::Declined => "Declined",
        CallStatus::Busy => "Busy",
        CallStatus::NotAnswered => "Not Answered",
        CallStatus::Cancelled => "Cancelled",
        CallStatus::Abandoned => "Abandoned",
        CallStatus::Unreachable => "Unreachable",
        CallStatus::Failed => "Call Failed",
    }
}

pub fn parse_status(text: &str) -> Option<CallStatus> {
    CallStatus::ALL
        .iter()
        .copied()
        .find(|it| status_name(*it).eq_ignore_ascii_case(text.trim()))
}

/// The filter and page a call-log request asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub call_id: Option<String>,
    pub call_type: Option<CallType>,
    pub status: Option<CallStatus>,
    /// `[startAt, endAt)`.
    pub range: Option<(Instant, Instant)>,
    pub offset: usize,
    pub limit: usize,
}

/// Reads the query parameters; errors carry CINNOX's code and messages. Parameters
/// CINNOX does not name are ignored; an empty value is the same as an absent one.
pub fn parse_query(params: &HashMap<String, String>) -> Result<Query, ErrorBody> {
    let get = |name: &str| {
        params
            .get(name)
            .map(|it| it.trim())
            .filter(|it| !it.is_empty())
    };
    let call_type = match get("callType") {
        None => None,
        Some(text) => Some(CallType::parse(text).ok_or_else(|| {
            ErrorBody::wrong(format!(
                "Bad query: callType `{text}` is not one of onnet, offnet, smartcall"
            ))
        })?),
    };
    let status = match get("status") {
        None => None,
        Some(text) => Some(parse_status(text).ok_or_else(|| {
            let names: Vec<&str> = CallStatus::ALL.iter().map(|it| status_name(*it)).collect();
            ErrorBody::wrong(format!(
                "Bad query: status `{text}` is not one of {}",
                names.join(", ")
            ))
        })?),
    };
    let time = |name: &str, text: &str| {
        Instant::parse_rfc3339(text)
            .map_err(|_| ErrorBody::wrong(format!("Bad query: {name} `{text}` is not RFC 3339")))
    };
    let range = match (get("startAt"), get("endAt")) {
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => {
            return Err(ErrorBody::wrong("missing one of startAt, endAt"));
        }
        (Some(start), Some(end)) => {
            let (start, end) = (time("startAt", start)?, time("endAt", end)?);
            if end < start {
                return Err(ErrorBody::wrong("endAt is prior to startAt"));
            }
            Some((start, end))
        }
    };
    let number = |name: &str, negative: &str| -> Result<Option<i64>, ErrorBody> {
        match get(name) {
            None => Ok(None),
            Some(text) => match text.parse::<i64>() {
                Ok(value) if value < 0 => Err(ErrorBody::wrong(negative)),
                Ok(value) => Ok(Some(value)),
                Err(_) => Err(ErrorBody::wrong(format!(
                    "Bad query: {name} `{text}` is not an integer"
                ))),
            },
        }
    };
    let offset = number("offset", "negative offset")?.unwrap_or(0);
    let limit = match number("limit", "negative limit")? {
        None => DEFAULT_LIMIT,
        Some(0) => return Err(ErrorBody::wrong("Bad query: limit must be at least 1")),
        Some(limit) if limit > MAX_LIMIT as i64 => {
            return Err(ErrorBody::wrong(format!(
                "exceed maximum limit {MAX_LIMIT}"
            )));
        }
        Some(limit) => limit as usize,
    };
    Ok(Query {
        call_id: get("callID").map(str::to_owned),
        call_type,
        status,
        range,
        offset: usize::try_from(offset).unwrap_or(usize::MAX),
        limit,
    })
}

/// Digits of a number as a JSON number (`+85298765432` → 85298765432), as CINNOX's
/// `Number` fields; `None` when it holds anything but digits (an extension name).
fn number(text: Option<&str>) -> Option<u64> {
    let digits = text?.trim().trim_start_matches('+');
    match !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|it| it.is_ascii_digit()) {
        true => digits.parse().ok(),
        false => None,
    }
}

/// CINNOX's `releaseParty`, which "must be Caller or Callee". A call the system ended
/// (or one whose source did not say) was ended by the caller when the caller gave up
/// (abandoned or cancelled it), else on the callee's side (no answer, busy, declined,
/// unreachable, failed, or an answered call closed by a timeout).
pub fn release_party(party: Option<ReleaseParty>, status: CallStatus) -> &'static str {
    match (party, status) {
        (Some(ReleaseParty::Caller), _) => "Caller",
        (Some(ReleaseParty::Callee), _) => "Callee",
        (_, CallStatus::Abandoned | CallStatus::Cancelled) => "Caller",
        _ => "Callee",
    }
}

/// A string that CINNOX prints as `""` when absent.
fn or_empty(value: Option<&String>) -> Text<'_> {
    text(value.map_or("", String::as_str))
}

impl<'a> CallLogItem<'a> {
    /// The call-log entry of a call; `None` for an interaction that is not a call.
    pub fn from_model(it: &'a Interaction) -> Option<CallLogItem<'a>> {
        let (InteractionStatus::Call(status), Some(call)) = (it.status, it.call.as_ref()) else {
            return None;
        };
        let location = &call.callee.location;
        Some(CallLogItem {
            hid: Cow::Owned(it.id.map(|id| id.to_string()).unwrap_or_default()),
            room_id: or_empty(it.room_id.as_ref()),
            kind: text(call.kind.as_str()),
            status: text(status_name(status)),
            inquiry_id: or_empty(it.case_ref.as_ref()),
            display_case_number: Cow::Owned(
                it.case_number.map(|it| it.to_string()).unwrap_or_default(),
            ),
            call_id: text(it.external_id.as_str()),
            call_duration: call.talk_secs.unwrap_or(0),
            call_date: Cow::Owned(it.started_at.to_rfc3339()),
            call_end_time: Cow::Owned(it.ended_at.map(Instant::to_rfc3339).unwrap_or_default()),
            bye_reason: or_empty(call.bye_reason.as_ref()),
            release_party: text(release_party(call.release_party, status)),
            virtual_number: number(call.virtual_number.as_deref()).unwrap_or(0),
            media_type: text(call.media.as_str()),
            caller_info: CallerInfo {
                country_code: or_empty(call.caller.country.as_ref()),
                display_name: or_empty(call.caller.display_name.as_ref()),
                eid: text(call.caller.staff_id.as_ref().map_or("", Key::as_str)),
                is_staff: call.caller.is_staff,
                phone_number: number(call.caller.number.as_deref()).unwrap_or(0),
                service_id: or_empty(call.caller.service_id.as_ref()),
            },
            callee_info: CalleeInfo {
                display_name: or_empty(call.callee.display_name.as_ref()),
                eid: text(call.callee.staff_id.as_ref().map_or("", Key::as_str)),
                ip_loc_detail: IpLocDetail {
                    city: or_empty(location.city.as_ref()),
                    province: or_empty(location.province.as_ref()),
                    region_code: or_empty(location.region_code.as_ref()),
                    subdivision: or_empty(location.subdivision.as_ref()),
                },
                is_staff: call.callee.is_staff,
                service_id: or_empty(call.callee.service_id.as_ref()),
            },
        })
    }

    /// Reads an entry as a call of source [`SOURCE`], keyed by its `callID`. CINNOX's log
    /// carries no direction: a staff caller makes it outbound, else inbound.
    pub fn into_model(self) -> Result<Interaction, FieldError> {
        let some = |text: Text| Some(text.into_owned()).filter(|it| !it.is_empty());
        let key = |field: &str, text: Text| {
            some(text)
                .map(|it| Key::parse(&it).map_err(|reason| FieldError::new(field, reason)))
                .transpose()
        };
        let status = parse_status(&self.status).ok_or_else(|| {
            FieldError::new(
                "status",
                format!("`{}` is not a CINNOX call status", self.status),
            )
        })?;
        let started_at = Instant::parse_rfc3339(&self.call_date)
            .map_err(|reason| FieldError::new("callDate", reason))?;
        let ended_at = some(self.call_end_time)
            .map(|it| {
                Instant::parse_rfc3339(&it).map_err(|reason| FieldError::new("callEndTime", reason))
            })
            .transpose()?;
        let caller = Party {
            number: Some(self.caller_info.phone_number)
                .filter(|it| *it > 0)
                .map(|it| format!("+{it}")),
            display_name: some(self.caller_info.display_name),
            staff_id: key("callerInfo.eid", self.caller_info.eid)?,
            is_staff: self.caller_info.is_staff,
            country: some(self.caller_info.country_code),
            service_id: some(self.caller_info.service_id),
            location: Location::default(),
        };
        let detail = self.callee_info.ip_loc_detail;
        let callee = Party {
            number: None,
            display_name: some(self.callee_info.display_name),
            staff_id: key("calleeInfo.eid", self.callee_info.eid)?,
            is_staff: self.callee_info.is_staff,
            country: None,
            service_id: some(self.callee_info.service_id),
            location: Location {
                city: some(detail.city),
                province: some(detail.province),
                region_code: some(detail.region_code),
                subdivision: some(detail.subdivision),
            },
        };
        let direction = if caller.is_staff {
            Direction::Outbound
        } else {
            Direction::Inbound
        };
        let source = Key::parse(SOURCE).expect("the source name is a valid key");
        let external_id =
            Key::parse(&self.call_id).map_err(|reason| FieldError::new("callID", reason))?;
        let kind = CallKind::parse(&self.kind).ok_or_else(|| {
            FieldError::new("type", format!("`{}` is not call or conference", self.kind))
        })?;
        let media = Media::parse(&self.media_type).ok_or_else(|| {
            FieldError::new(
                "mediaType",
                format!("`{}` is not audio or video", self.media_type),
            )
        })?;
        let call = CallDetail {
            virtual_number: Some(self.virtual_number)
                .filter(|it| *it > 0)
                .map(|it| format!("+{it}")),
            kind,
            media,
            bye_reason: some(self.bye_reason),
            release_party: match &*self.release_party {
                "Caller" => Some(ReleaseParty::Caller),
                "Callee" => Some(ReleaseParty::Callee),
                _ => None,
            },
            talk_secs: Some(self.call_duration).filter(|it| *it > 0),
            ..CallDetail::new(caller, callee)
        };
        let interaction = Interaction {
            case_number: some(self.display_case_number.clone()).and_then(|it| it.parse().ok()),
            case_ref: some(self.inquiry_id),
            room_id: some(self.room_id),
            ended_at,
            call: Some(call),
            ..Interaction::new(
                source,
                external_id,
                Channel::Voice,
                direction,
                InteractionStatus::Call(status),
                started_at,
            )
        };
        interaction.check()?;
        Ok(interaction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn every_status_has_a_display_string_that_reads_back() {
        for status in CallStatus::ALL {
            assert_eq!(parse_status(status_name(*status)), Some(*status));
        }
        assert_eq!(parse_status("not answered"), Some(CallStatus::NotAnswered));
    }

    #[test]
    fn errors_use_cinnoxs_messages() {
        let message = |pairs: &[(&str, &str)]| parse_query(&params(pairs)).unwrap_err().message;
        assert_eq!(
            message(&[("startAt", "2022-11-07T00:00:00.000Z")]),
            "missing one of startAt, endAt"
        );
        assert_eq!(
            message(&[("endAt", "2022-11-07T00:00:00.000Z")]),
            "missing one of startAt, endAt"
        );
        assert_eq!(
            message(&[
                ("startAt", "2022-11-08T00:00:00.000Z"),
                ("endAt", "2022-11-07T00:00:00.000Z")
            ]),
            "endAt is prior to startAt"
        );
        assert_eq!(message(&[("offset", "-1")]), "negative offset");
        assert_eq!(message(&[("limit", "-1")]), "negative limit");
        assert_eq!(message(&[("limit", "501")]), "exceed maximum limit 500");
        assert!(message(&[("offset", "ten")]).starts_with("Bad query"));
        assert!(message(&[("callType", "pstn")]).starts_with("Bad query"));
        assert!(message(&[("status", "Lost")]).starts_with("Bad query"));
        assert_eq!(
            parse_query(&params(&[("offset", "-1")])).unwrap_err().code,
            WRONG_PARAMETER
        );
    }

    #[test]
    fn defaults_and_filters_read() {
        let query = parse_query(&params(&[
            ("offset", "0"),
            ("callType", ""),
            ("status", "Not Answered"),
            ("callID", "c-1"),
        ]))
        .unwrap();
        assert_eq!(
            (query.offset, query.limit, query.call_type),
            (0, DEFAULT_LIMIT, None)
        );
        assert_eq!(
            (query.status, query.call_id.as_deref()),
            (Some(CallStatus::NotAnswered), Some("c-1"))
        );
    }

    #[test]
    fn release_party_is_always_caller_or_callee() {
        for status in CallStatus::ALL {
            for party in [None, Some(ReleaseParty::System)] {
                let expected = match status {
                    CallStatus::Abandoned | CallStatus::Cancelled => "Caller",
                    _ => "Callee",
                };
                assert_eq!(release_party(party, *status), expected);
            }
            assert_eq!(release_party(Some(ReleaseParty::Caller), *status), "Caller");
            assert_eq!(release_party(Some(ReleaseParty::Callee), *status), "Callee");
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(name in "(offset|limit|startAt|endAt|status|callType|callID)", value in "\\PC{0,30}") {
            let _ = parse_query(&params(&[(name.as_str(), value.as_str())]));
        }
    }
}
