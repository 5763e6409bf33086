//! The answer of ListCallLogs: call logs and their targets, from the model and back.

use std::borrow::Cow;

use cxhub_model::call::{CallDetail, CallLeg, CallStatus, LegStatus, Party};
use cxhub_model::directory::{DirectoryNumbers, EntryKind};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};

use super::ids::int_id;
use super::{SOURCE, ZERO_TIME};
use crate::text::{Text, text};

/// `{call_logs, paging}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListCallLogsResponse<'a> {
    pub call_logs: Vec<CallLog<'a>>,
    pub paging: PagingOut,
}

/// The paging of an answer: the request's `after`, `before` and `sort` echoed, the
/// effective `limit`, and the cursors of the first (`prev`) and last (`next`) rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PagingOut {
    pub after: String,
    pub before: String,
    pub limit: usize,
    pub next: String,
    pub prev: String,
    pub sort: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CallLog<'a> {
    pub call_state: Text<'a>,
    pub call_status: Text<'a>,
    pub call_targets: Vec<CallTarget<'a>>,
    pub callee: Text<'a>,
    pub caller: Text<'a>,
    pub contact_id: Text<'a>,
    pub created_at: Text<'a>,
    pub direction: Text<'a>,
    pub duration: u32,
    pub ended_at: Text<'a>,
    pub extension_id: Text<'a>,
    pub external_id: Text<'a>,
    pub external_session_id: Text<'a>,
    pub id: Text<'a>,
    pub note: Text<'a>,
    pub recording_urls: Cow<'a, [String]>,
    pub started_at: Text<'a>,
    pub updated_at: Text<'a>,
    pub user_id: Text<'a>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CallTarget<'a> {
    pub add_time: Text<'a>,
    pub answered_time: Text<'a>,
    pub end_reason: Text<'a>,
    pub ended_time: Text<'a>,
    pub fail_code: i32,
    pub ring_duration: u32,
    pub ring_time: Text<'a>,
    pub status: Text<'a>,
    pub target_number: Text<'a>,
    pub trunk_name: Text<'a>,
}

/// Go's `time.Time` in JSON: RFC 3339 with the fraction's trailing zeros trimmed.
/// Written digit by digit (`format!` through jiff was a tenth of a page's time).
pub fn go_time(at: Option<Instant>) -> String {
    let Some(at) = at else {
        return ZERO_TIME.to_owned();
    };
    let mut out = String::with_capacity(24);
    at.push_utc_trimmed(&mut out, b'T');
    out.push('Z');
    out
}

fn parse_go_time(text: &str) -> Option<Instant> {
    (text != ZERO_TIME)
        .then(|| Instant::parse_rfc3339(text).ok())
        .flatten()
}

/// A string that Sencloud prints as `""` when absent.
fn or_empty(value: Option<&String>) -> Text<'_> {
    text(value.map_or("", String::as_str))
}

/// `answered` for a connected call, else `not_answered`.
pub fn call_state(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Ended => "answered",
        _ => "not_answered",
    }
}

impl<'a> CallLog<'a> {
    /// The call log of a call; `None` for an interaction that is not a call.
    /// `numbers` holds the directory numbers of the agent, the contact and the extension
    /// the call names (see [`ids`]).
    pub fn from_model(it: &'a Interaction, numbers: &DirectoryNumbers) -> Option<CallLog<'a>> {
        let (InteractionStatus::Call(status), Some(call)) = (it.status, it.call.as_ref()) else {
            return None;
        };
        let direction = match it.direction {
            Direction::Inbound => "in",
            Direction::Outbound => "out",
            Direction::Internal
                if call.extension.is_some() && call.extension == call.callee.number =>
            {
                "ext_in"
            }
            Direction::Internal => "ext_out",
        };
        Some(CallLog {
            call_state: text(call_state(status)),
            call_status: text(if status == CallStatus::Ended {
                "P"
            } else {
                "NS"
            }),
            call_targets: call.legs.iter().map(CallTarget::from_model).collect(),
            callee: or_empty(call.callee.number.as_ref()),
            caller: or_empty(call.caller.number.as_ref()),
            contact_id: int_id(
                EntryKind::Contact,
                it.contact_id.as_ref().map(Key::as_str),
                numbers,
            ),
            created_at: Cow::Owned(go_time(Some(it.created_at_or_derived()))),
            direction: text(direction),
            duration: call.talk_secs.unwrap_or(0),
            ended_at: Cow::Owned(go_time(it.ended_at)),
            extension_id: int_id(EntryKind::Extension, call.extension.as_deref(), numbers),
            external_id: text(it.external_id.as_str()),
            external_session_id: or_empty(call.session_id.as_ref()),
            id: Cow::Owned(it.id.map(|id| id.to_string()).unwrap_or_default()),
            note: or_empty(call.note.as_ref()),
            recording_urls: Cow::Borrowed(&call.recordings),
            started_at: Cow::Owned(go_time(Some(it.started_at))),
            updated_at: Cow::Owned(go_time(it.updated_at.or(Some(it.created_at_or_derived())))),
            user_id: int_id(
                EntryKind::User,
                it.agent_id.as_ref().map(Key::as_str),
                numbers,
            ),
        })
    }

    /// Reads a call log as a call of source [`SOURCE`], keyed by its `id`.
    pub fn into_model(self) -> Result<Interaction, FieldError> {
        let some = |text: Text| Some(text.into_owned()).filter(|it| !it.is_empty());
        let key = |field: &str, text: Text| -> Result<Option<Key>, FieldError> {
            some(text)
                .filter(|it| it != "0")
                .map(|it| Key::parse(&it).map_err(|reason| FieldError::new(field, reason)))
                .transpose()
        };
        let started_at = parse_go_time(&self.started_at)
            .ok_or_else(|| FieldError::new("started_at", "is not a time"))?;
        let direction = match &*self.direction {
            "in" => Direction::Inbound,
            "out" => Direction::Outbound,
            "ext" | "ext_in" | "ext_out" => Direction::Internal,
            other => {
                return Err(FieldError::new(
                    "direction",
                    format!("`{other}` is not in, out, ext, ext_in or ext_out"),
                ));
            }
        };
        let status = match &*self.call_state {
            "answered" => CallStatus::Ended,
            _ => CallStatus::NotAnswered,
        };
        let legs = self
            .call_targets
            .into_iter()
            .map(CallTarget::into_model)
            .collect();
        let source = Key::parse(SOURCE).expect("the source name is a valid key");
        let external_id = Key::parse(&self.id).map_err(|reason| FieldError::new("id", reason))?;
        let caller = Party {
            number: some(self.caller),
            ..Party::default()
        };
        let callee = Party {
            number: some(self.callee),
            ..Party::default()
        };
        let call = CallDetail {
            extension: some(self.extension_id).filter(|it| it != "0"),
            recordings: self.recording_urls.into_owned(),
            note: some(self.note),
            session_id: some(self.external_session_id),
            talk_secs: Some(self.duration).filter(|it| *it > 0),
            legs,
            ..CallDetail::new(caller, callee)
        };
        let interaction = Interaction {
            version: parse_go_time(&self.updated_at).map_or(0, Instant::as_millis),
            contact_id: key("contact_id", self.contact_id)?,
            agent_id: key("user_id", self.user_id)?,
            ended_at: parse_go_time(&self.ended_at),
            created_at: parse_go_time(&self.created_at),
            updated_at: parse_go_time(&self.updated_at),
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

impl<'a> CallTarget<'a> {
    fn from_model(leg: &'a CallLeg) -> CallTarget<'a> {
        CallTarget {
            add_time: Cow::Owned(go_time(leg.added_at)),
            answered_time: Cow::Owned(go_time(leg.answered_at)),
            end_reason: or_empty(leg.end_reason.as_ref()),
            ended_time: Cow::Owned(go_time(leg.ended_at)),
            fail_code: leg.fail_code.unwrap_or(0),
            ring_duration: leg.ring_secs.unwrap_or(0),
            ring_time: Cow::Owned(go_time(leg.ring_at)),
            status: text(match leg.status {
                LegStatus::Answered => "answered",
                _ => "not_answered",
            }),
            target_number: or_empty(leg.target_number.as_ref()),
            trunk_name: or_empty(leg.trunk.as_ref()),
        }
    }

    fn into_model(self) -> CallLeg {
        let some = |text: Text| Some(text.into_owned()).filter(|it| !it.is_empty());
        CallLeg {
            target_number: some(self.target_number),
            agent_id: None,
            added_at: parse_go_time(&self.add_time),
            ring_at: parse_go_time(&self.ring_time),
            answered_at: parse_go_time(&self.answered_time),
            ended_at: parse_go_time(&self.ended_time),
            ring_secs: Some(self.ring_duration).filter(|it| *it > 0),
            status: match &*self.status {
                "answered" => LegStatus::Answered,
                _ => LegStatus::NotAnswered,
            },
            end_reason: some(self.end_reason),
            fail_code: Some(self.fail_code).filter(|it| *it != 0),
            trunk: some(self.trunk_name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn go_times_trim_the_fraction_and_absent_is_the_zero_time() {
        assert_eq!(
            go_time(Instant::parse_rfc3339("2025-12-06T03:38:08.453Z").ok()),
            "2025-12-06T03:38:08.453Z"
        );
        assert_eq!(
            go_time(Instant::parse_rfc3339("2019-08-24T14:15:22Z").ok()),
            "2019-08-24T14:15:22Z"
        );
        assert_eq!(go_time(None), ZERO_TIME);
        assert_eq!(
            go_time(Instant::parse_rfc3339("2019-08-24T14:15:22.5Z").ok()),
            "2019-08-24T14:15:22.5Z"
        );
    }

    proptest! {
        #[test]
        fn go_times_are_jiffs_display(millis in Instant::MIN.as_millis()..=Instant::MAX.as_millis()) {
            let at = Instant::from_millis(millis).unwrap();
            prop_assert_eq!(go_time(Some(at)), at.to_timestamp().to_string());
        }
    }
}
