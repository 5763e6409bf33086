//! An interaction's row, the same on every backend: its columns in order, the values
//! written to them, and the interaction read back from them. Each backend builds its
//! statements from [`COLUMNS`]; its legs and messages are rows of their own tables.

use cxhub_model::call::{
    AbandonStage, CallDetail, CallKind, CallLeg, CallType, LegStatus, Location, Media, Party,
    ReleaseParty,
};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, Direction, Interaction, InteractionStatus, Message, SenderKind, SlaStatus,
};
use std::collections::HashMap;

use cxhub_model::time::Instant;

use crate::StoreResult;
use crate::columns::Columns;
use crate::values::{Cell, corrupt, record_id};

/// The columns after the row's key, `number` and `tenant_pk`, in the order of [`values`]
/// and [`read_interaction`].
pub(crate) const COLUMNS: &[&str] = &[
    "source",
    "external_id",
    "version",
    "channel",
    "direction",
    "status",
    "contact_id",
    "queue_id",
    "agent_id",
    "first_assignee_id",
    "closed_assignee_id",
    "case_number",
    "case_ref",
    "room_id",
    "contact_platform_id",
    "started_at",
    "ended_at",
    "closed_at",
    "first_response_secs",
    "first_replied_secs",
    "handled_secs",
    "full_handled_secs",
    "wrap_up_form_id",
    "wrap_up_secs",
    "hold_secs",
    "resolution_secs",
    "full_resolution_secs",
    "sla_status",
    "analysis_status",
    "disposition",
    "labels",
    "created_at",
    "updated_at",
    "deleted_at",
    "caller_number",
    "caller_name",
    "caller_staff_id",
    "caller_is_staff",
    "caller_country",
    "caller_service_id",
    "caller_city",
    "caller_province",
    "caller_region_code",
    "caller_subdivision",
    "callee_number",
    "callee_name",
    "callee_staff_id",
    "callee_is_staff",
    "callee_country",
    "callee_service_id",
    "callee_city",
    "callee_province",
    "callee_region_code",
    "callee_subdivision",
    "virtual_number",
    "extension",
    "department",
    "call_type",
    "call_kind",
    "media",
    "bye_reason",
    "release_party",
    "recordings",
    "note",
    "session_id",
    "answered_at",
    "queued_at",
    "wait_secs",
    "talk_secs",
    "hold_count",
    "transfer_count",
    "abandon_stage",
];

/// The columns of [`COLUMNS`] that some index of `interaction` holds (in its key or its
/// `where`). An update that sets none of them leaves every index as it is.
pub(crate) const INDEXED: &[&str] = &[
    "source",
    "external_id",
    "channel",
    "contact_id",
    "queue_id",
    "agent_id",
    "started_at",
    "deleted_at",
];

/// The row's values in [`COLUMNS`] order.
pub(crate) fn values(it: &Interaction, now: Instant) -> Vec<Cell> {
    let mut row = vec![
        Cell::Text(it.source.as_str().to_owned()),
        Cell::Text(it.external_id.as_str().to_owned()),
        Cell::Int(it.version),
        Cell::Text(it.channel.as_str().to_owned()),
        Cell::Text(it.direction.as_str().to_owned()),
        Cell::Text(it.status.as_str().to_owned()),
        Cell::key(it.contact_id.as_ref()),
        Cell::key(it.queue_id.as_ref()),
        Cell::key(it.agent_id.as_ref()),
        Cell::key(it.first_assignee_id.as_ref()),
        Cell::key(it.closed_assignee_id.as_ref()),
        Cell::int(it.case_number),
        Cell::text(it.case_ref.as_deref()),
        Cell::text(it.room_id.as_deref()),
        Cell::text(it.contact_platform_id.as_deref()),
        Cell::Int(it.started_at.as_millis()),
        Cell::at(it.ended_at),
        Cell::at(it.closed_at),
        Cell::secs(it.first_response_secs),
        Cell::secs(it.first_replied_secs),
        Cell::secs(it.handled_secs),
        Cell::secs(it.full_handled_secs),
        Cell::text(it.wrap_up_form_id.as_deref()),
        Cell::secs(it.wrap_up_secs),
        Cell::secs(it.hold_secs),
        Cell::secs(it.resolution_secs),
        Cell::secs(it.full_resolution_secs),
        Cell::text(it.sla_status.map(SlaStatus::as_str)),
        Cell::text(it.analysis_status.as_deref()),
        Cell::text(it.disposition.as_deref()),
        Cell::strings(&it.labels),
        Cell::Int(it.created_at_or_derived().as_millis()),
        Cell::Int(it.updated_at.unwrap_or(now).as_millis()),
        Cell::at(it.deleted_at),
    ];
    match &it.call {
        Some(call) => call_values(call, &mut row),
        None => row.extend(std::iter::repeat_n(Cell::Null, COLUMNS.len() - row.len())),
    }
    debug_assert_eq!(row.len(), COLUMNS.len());
    row
}

fn call_values(call: &CallDetail, row: &mut Vec<Cell>) {
    party_values(&call.caller, row);
    party_values(&call.callee, row);
    row.extend([
        Cell::text(call.virtual_number.as_deref()),
        Cell::text(call.extension.as_deref()),
        Cell::text(call.department.as_deref()),
        Cell::text(call.call_type.map(CallType::as_str)),
        Cell::Text(call.kind.as_str().to_owned()),
        Cell::Text(call.media.as_str().to_owned()),
        Cell::text(call.bye_reason.as_deref()),
        Cell::text(call.release_party.map(ReleaseParty::as_str)),
        Cell::strings(&call.recordings),
        Cell::text(call.note.as_deref()),
        Cell::text(call.session_id.as_deref()),
        Cell::at(call.answered_at),
        Cell::at(call.queued_at),
        Cell::secs(call.wait_secs),
        Cell::secs(call.talk_secs),
        Cell::Int(call.hold_count.into()),
        Cell::Int(call.transfer_count.into()),
        Cell::text(call.abandon_stage.map(AbandonStage::as_str)),
    ]);
}

fn party_values(party: &Party, row: &mut Vec<Cell>) {
    row.extend([
        Cell::text(party.number.as_deref()),
        Cell::text(party.display_name.as_deref()),
        Cell::key(party.staff_id.as_ref()),
        Cell::Flag(party.is_staff),
        Cell::text(party.country.as_deref()),
        Cell::text(party.service_id.as_deref()),
        Cell::text(party.location.city.as_deref()),
        Cell::text(party.location.province.as_deref()),
        Cell::text(party.location.region_code.as_deref()),
        Cell::text(party.location.subdivision.as_deref()),
    ]);
}

/// Reads the row's key, `number`, then [`COLUMNS`]: the row's id (for its legs and messages), and the
/// interaction without them, its id being its number.
pub(crate) fn read_interaction<'a>(cols: &mut impl Columns<'a>) -> StoreResult<(i64, Interaction)> {
    let row = cols.required_int()?;
    let id = record_id(cols.required_int()?)?;
    let source = cols.required_key()?;
    let external_id = cols.required_key()?;
    let version = cols.required_int()?;
    let channel = cols.required(Channel::parse)?;
    let direction = cols.required(Direction::parse)?;
    let status_text = cols.required_text()?;
    let status = InteractionStatus::parse_for(channel, &status_text).map_err(corrupt)?;
    let mut it = Interaction {
        id: Some(id),
        source,
        external_id,
        version,
        channel,
        direction,
        status,
        contact_id: cols.key()?,
        queue_id: cols.key()?,
        agent_id: cols.key()?,
        first_assignee_id: cols.key()?,
        closed_assignee_id: cols.key()?,
        case_number: cols.int()?,
        case_ref: cols.text()?,
        room_id: cols.text()?,
        contact_platform_id: cols.text()?,
        started_at: cols.required_at()?,
        ended_at: cols.at()?,
        closed_at: cols.at()?,
        first_response_secs: cols.secs()?,
        first_replied_secs: cols.secs()?,
        handled_secs: cols.secs()?,
        full_handled_secs: cols.secs()?,
        wrap_up_form_id: cols.text()?,
        wrap_up_secs: cols.secs()?,
        hold_secs: cols.secs()?,
        resolution_secs: cols.secs()?,
        full_resolution_secs: cols.secs()?,
        sla_status: cols.parsed(SlaStatus::parse)?,
        analysis_status: cols.text()?,
        disposition: cols.text()?,
        labels: cols.strings()?,
        created_at: Some(cols.required_at()?),
        updated_at: Some(cols.required_at()?),
        deleted_at: cols.at()?,
        call: None,
        messages: Vec::new(),
    };
    if channel == Channel::Voice {
        it.call = Some(read_call(cols)?);
    }
    Ok((row, it))
}

fn read_call<'a>(cols: &mut impl Columns<'a>) -> StoreResult<CallDetail> {
    Ok(CallDetail {
        caller: read_party(cols)?,
        callee: read_party(cols)?,
        virtual_number: cols.text()?,
        extension: cols.text()?,
        department: cols.text()?,
        call_type: cols.parsed(CallType::parse)?,
        kind: cols.required(CallKind::parse)?,
        media: cols.required(Media::parse)?,
        bye_reason: cols.text()?,
        release_party: cols.parsed(ReleaseParty::parse)?,
        recordings: cols.strings()?,
        note: cols.text()?,
        session_id: cols.text()?,
        answered_at: cols.at()?,
        queued_at: cols.at()?,
        wait_secs: cols.secs()?,
        talk_secs: cols.secs()?,
        hold_count: cols.secs()?.unwrap_or(0),
        transfer_count: cols.secs()?.unwrap_or(0),
        abandon_stage: cols.parsed(AbandonStage::parse)?,
        legs: Vec::new(),
    })
}

fn read_party<'a>(cols: &mut impl Columns<'a>) -> StoreResult<Party> {
    Ok(Party {
        number: cols.text()?,
        display_name: cols.text()?,
        staff_id: cols.key()?,
        is_staff: cols.opt_flag()?.unwrap_or(false),
        country: cols.text()?,
        service_id: cols.text()?,
        location: Location {
            city: cols.text()?,
            province: cols.text()?,
            region_code: cols.text()?,
            subdivision: cols.text()?,
        },
    })
}

/// The columns of a leg after its interaction's key and `seq`, in the order of
/// [`leg_values`] and [`read_leg`].
pub(crate) const LEG_COLUMNS: &str = "target_number, agent_id, added_at, ring_at, answered_at, ended_at, \
    ring_secs, status, end_reason, fail_code, trunk";

pub(crate) fn leg_values(leg: &CallLeg) -> [Cell; 11] {
    [
        Cell::text(leg.target_number.as_deref()),
        Cell::key(leg.agent_id.as_ref()),
        Cell::at(leg.added_at),
        Cell::at(leg.ring_at),
        Cell::at(leg.answered_at),
        Cell::at(leg.ended_at),
        Cell::secs(leg.ring_secs),
        Cell::Text(leg.status.as_str().to_owned()),
        Cell::text(leg.end_reason.as_deref()),
        Cell::int(leg.fail_code.map(i64::from)),
        Cell::text(leg.trunk.as_deref()),
    ]
}

pub(crate) fn read_leg<'a>(cols: &mut impl Columns<'a>) -> StoreResult<CallLeg> {
    Ok(CallLeg {
        target_number: cols.text()?,
        agent_id: cols.key()?,
        added_at: cols.at()?,
        ring_at: cols.at()?,
        answered_at: cols.at()?,
        ended_at: cols.at()?,
        ring_secs: cols.secs()?,
        status: cols.required(LegStatus::parse)?,
        end_reason: cols.text()?,
        fail_code: cols
            .int()?
            .map(|it| i32::try_from(it).map_err(|_| corrupt(format!("fail code {it}"))))
            .transpose()?,
        trunk: cols.text()?,
    })
}

/// The columns of a message after its interaction's key and `seq`, in the order of
/// [`message_values`] and [`read_message`].
pub(crate) const MESSAGE_COLUMNS: &str = "at, sender, agent_id, body";

pub(crate) fn message_values(message: &Message) -> [Cell; 4] {
    [
        Cell::Int(message.at.as_millis()),
        Cell::Text(message.sender.as_str().to_owned()),
        Cell::key(message.agent_id.as_ref()),
        Cell::text(message.body.as_deref()),
    ]
}

pub(crate) fn read_message<'a>(cols: &mut impl Columns<'a>) -> StoreResult<Message> {
    Ok(Message {
        at: cols.required_at()?,
        sender: cols.required(SenderKind::parse)?,
        agent_id: cols.key()?,
        body: cols.text()?,
    })
}

/// The directory entries an interaction names, as (table, key), which the store creates
/// as stubs when they are new: its agents, queue and contact, the users on its legs,
/// parties and messages, and its extension (which Sencloud prints by its directory
/// number as `extension_id`).
pub(crate) fn references(it: &Interaction) -> Vec<(&'static str, Key)> {
    let mut out = Vec::new();
    let users = [&it.agent_id, &it.first_assignee_id, &it.closed_assignee_id];
    out.extend(users.into_iter().flatten().map(|it| ("user", it.clone())));
    out.extend(it.queue_id.iter().map(|it| ("queue", it.clone())));
    out.extend(it.contact_id.iter().map(|it| ("contact", it.clone())));
    if let Some(call) = &it.call {
        // An extension that is not a valid key is kept on the record but gets no entry.
        let extension = call.extension.as_deref().and_then(|it| Key::parse(it).ok());
        out.extend(extension.map(|it| ("extension", it)));
        let legs = call.legs.iter().filter_map(|leg| leg.agent_id.as_ref());
        let staff = [&call.caller.staff_id, &call.callee.staff_id]
            .into_iter()
            .flatten();
        out.extend(legs.chain(staff).map(|it| ("user", it.clone())));
    }
    let writers = it
        .messages
        .iter()
        .filter_map(|message| message.agent_id.as_ref());
    out.extend(writers.map(|it| ("user", it.clone())));
    out
}

/// Whether a record folded from events may be written: one that fails its checks is
/// not, with a warning (the events stay, and a later fold may succeed).
pub(crate) fn fold_is_writable(it: &Interaction) -> bool {
    match it.check() {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(source = %it.source, id = %it.external_id, error = %err, "a folded record failed its checks");
            false
        }
    }
}

/// How many stored messages stay when a record is rewritten: a conversation's messages
/// mostly only grow, so the stored ones that are still its first messages stay and
/// only the rest is written; otherwise all are written again.
pub(crate) fn kept_messages(stored: &[Message], new: &[Message]) -> usize {
    match new.get(..stored.len()) {
        Some(prefix) if prefix == stored => stored.len(),
        _ => 0,
    }
}

/// The interactions of a page, read with their rows' keys, waiting for the legs of its
/// calls, which are read in one query for the whole page.
pub(crate) struct PageRows {
    items: Vec<Interaction>,
    /// Row key → index in `items`, for calls.
    calls: HashMap<i64, usize>,
}

impl PageRows {
    pub(crate) fn new(rows: Vec<(i64, Interaction)>) -> PageRows {
        let calls = rows
            .iter()
            .enumerate()
            .filter(|(_, (_, it))| it.call.is_some())
            .map(|(idx, (row, _))| (*row, idx))
            .collect();
        let items = rows.into_iter().map(|(_, it)| it).collect();
        PageRows { items, calls }
    }

    /// The row keys of the page's calls.
    pub(crate) fn call_rows(&self) -> Vec<i64> {
        self.calls.keys().copied().collect()
    }

    /// Adds a leg (read in leg order) to the call in row `row`.
    pub(crate) fn add_leg(&mut self, row: i64, leg: CallLeg) {
        let call = self
            .calls
            .get(&row)
            .and_then(|idx| self.items[*idx].call.as_mut());
        if let Some(call) = call {
            call.legs.push(leg);
        }
    }

    pub(crate) fn into_items(self) -> Vec<Interaction> {
        self.items
    }
}
