//! An interaction's row: its columns, the statements that write them, and the
//! conversions between the model and the row's values.

use std::sync::LazyLock;

use cxhub_model::call::{
    AbandonStage, CallDetail, CallKind, CallType, Location, Media, Party, ReleaseParty,
};
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus, SlaStatus};
use cxhub_model::time::Instant;
use rusqlite::types::Value;

use crate::StoreResult;
use crate::columns::Columns;
use crate::sqlite::codec::{self, Cols};

/// The columns after `id, number, tenant_pk`, in the order of [`values`] and [`read_row`].
const COLUMNS: &[&str] = &[
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

/// `select id, number, <COLUMNS> from interaction`, built once.
pub(super) static SELECT: LazyLock<String> =
    LazyLock::new(|| format!("select id, number, {} from interaction", COLUMNS.join(", ")));

/// The insert of a new row, without its `returning`: `tenant_pk` is `?1`, the columns
/// follow. The number is the tenant's next one; the insert trigger raises the counter.
static INSERT_ROW: LazyLock<String> = LazyLock::new(|| {
    let marks: Vec<String> = (2..=COLUMNS.len() + 1)
        .map(|idx| format!("?{idx}"))
        .collect();
    format!(
        "insert into interaction (tenant_pk, number, {}) values (?1, \
         (select next_interaction_number from tenant where pk = ?1), {})",
        COLUMNS.join(", "),
        marks.join(", ")
    )
});

/// The insert of a new row, giving its row id and number.
pub(super) static INSERT: LazyLock<String> =
    LazyLock::new(|| format!("{} returning id, number", *INSERT_ROW));

/// The insert of a row unless its idempotency key is taken (then nothing changes and
/// nothing is returned).
pub(super) static INSERT_NEW: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} on conflict (tenant_pk, source, external_id) do nothing returning id, number",
        *INSERT_ROW
    )
});

/// The columns of [`COLUMNS`] that some index of `interaction` holds (in its key or its
/// `where`). An update that sets none of them leaves every index as it is.
const INDEXED: &[&str] = &[
    "source",
    "external_id",
    "channel",
    "contact_id",
    "queue_id",
    "agent_id",
    "started_at",
    "deleted_at",
];

/// The update of every column no index holds. Parameters are numbered as in
/// [`INSERT`] without `tenant_pk` (the order of [`values`]); the row's id comes last.
pub(super) static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, col)| !INDEXED.contains(col))
        .map(|(idx, col)| format!("{col} = ?{}", idx + 1))
        .collect();
    format!(
        "update interaction set {} where id = ?{}",
        sets.join(", "),
        COLUMNS.len() + 1
    )
});

/// The update of the indexed columns, numbered as [`UPDATE`], which changes nothing
/// when they hold those values already: a refold seldom moves a record to another
/// time, agent or queue, and rewriting its index entries is most of an update's cost.
/// (The idempotency key, `source` and `external_id`, never changes.)
pub(super) static UPDATE_INDEXED: LazyLock<String> = LazyLock::new(|| {
    let indexed = || {
        COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, col)| INDEXED.contains(col) && !["source", "external_id"].contains(col))
    };
    let sets: Vec<String> = indexed()
        .map(|(idx, col)| format!("{col} = ?{}", idx + 1))
        .collect();
    let changed: Vec<String> = indexed()
        .map(|(idx, col)| format!("{col} is not ?{}", idx + 1))
        .collect();
    format!(
        "update interaction set {} where id = ?{} and ({})",
        sets.join(", "),
        COLUMNS.len() + 1,
        changed.join(" or ")
    )
});

/// The row's values in [`COLUMNS`] order.
pub(super) fn values(it: &Interaction, now: Instant) -> Vec<Value> {
    let mut row = vec![
        Value::Text(it.source.as_str().to_owned()),
        Value::Text(it.external_id.as_str().to_owned()),
        Value::Integer(it.version),
        Value::Text(it.channel.as_str().to_owned()),
        Value::Text(it.direction.as_str().to_owned()),
        Value::Text(it.status.as_str().to_owned()),
        codec::key(it.contact_id.as_ref()),
        codec::key(it.queue_id.as_ref()),
        codec::key(it.agent_id.as_ref()),
        codec::key(it.first_assignee_id.as_ref()),
        codec::key(it.closed_assignee_id.as_ref()),
        codec::int(it.case_number),
        codec::text(it.case_ref.as_deref()),
        codec::text(it.room_id.as_deref()),
        codec::text(it.contact_platform_id.as_deref()),
        Value::Integer(it.started_at.as_millis()),
        codec::at(it.ended_at),
        codec::at(it.closed_at),
        codec::secs(it.first_response_secs),
        codec::secs(it.first_replied_secs),
        codec::secs(it.handled_secs),
        codec::secs(it.full_handled_secs),
        codec::text(it.wrap_up_form_id.as_deref()),
        codec::secs(it.wrap_up_secs),
        codec::secs(it.hold_secs),
        codec::secs(it.resolution_secs),
        codec::secs(it.full_resolution_secs),
        codec::text(it.sla_status.map(SlaStatus::as_str)),
        codec::text(it.analysis_status.as_deref()),
        codec::text(it.disposition.as_deref()),
        codec::strings(&it.labels),
        Value::Integer(it.created_at_or_derived().as_millis()),
        Value::Integer(it.updated_at.unwrap_or(now).as_millis()),
        codec::at(it.deleted_at),
    ];
    match &it.call {
        Some(call) => call_values(call, &mut row),
        None => row.extend(std::iter::repeat_n(Value::Null, COLUMNS.len() - row.len())),
    }
    debug_assert_eq!(row.len(), COLUMNS.len());
    row
}

fn call_values(call: &CallDetail, row: &mut Vec<Value>) {
    party_values(&call.caller, row);
    party_values(&call.callee, row);
    row.extend([
        codec::text(call.virtual_number.as_deref()),
        codec::text(call.extension.as_deref()),
        codec::text(call.department.as_deref()),
        codec::text(call.call_type.map(CallType::as_str)),
        Value::Text(call.kind.as_str().to_owned()),
        Value::Text(call.media.as_str().to_owned()),
        codec::text(call.bye_reason.as_deref()),
        codec::text(call.release_party.map(ReleaseParty::as_str)),
        codec::strings(&call.recordings),
        codec::text(call.note.as_deref()),
        codec::text(call.session_id.as_deref()),
        codec::at(call.answered_at),
        codec::at(call.queued_at),
        codec::secs(call.wait_secs),
        codec::secs(call.talk_secs),
        Value::Integer(call.hold_count.into()),
        Value::Integer(call.transfer_count.into()),
        codec::text(call.abandon_stage.map(AbandonStage::as_str)),
    ]);
}

fn party_values(party: &Party, row: &mut Vec<Value>) {
    row.extend([
        codec::text(party.number.as_deref()),
        codec::text(party.display_name.as_deref()),
        codec::key(party.staff_id.as_ref()),
        Value::Integer(party.is_staff.into()),
        codec::text(party.country.as_deref()),
        codec::text(party.service_id.as_deref()),
        codec::text(party.location.city.as_deref()),
        codec::text(party.location.province.as_deref()),
        codec::text(party.location.region_code.as_deref()),
        codec::text(party.location.subdivision.as_deref()),
    ]);
}

/// Reads `id, number, <COLUMNS>`: the row's id (for its legs and messages), and the
/// interaction without them, its id being its number.
pub(super) fn read_row(row: &rusqlite::Row<'_>) -> StoreResult<(i64, Interaction)> {
    let mut cols = Cols::new(row);
    let row: i64 = cols.get()?;
    let id = codec::record_id(cols.get()?)?;
    let source = cols.required_key()?;
    let external_id = cols.required_key()?;
    let version = cols.get()?;
    let channel = cols.required(Channel::parse)?;
    let direction = cols.required(Direction::parse)?;
    let status_text: String = cols.get()?;
    let status = InteractionStatus::parse_for(channel, &status_text).map_err(codec::corrupt)?;
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
        it.call = Some(read_call(&mut cols)?);
    }
    Ok((row, it))
}

fn read_call(cols: &mut Cols<'_, '_>) -> StoreResult<CallDetail> {
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

fn read_party(cols: &mut Cols<'_, '_>) -> StoreResult<Party> {
    Ok(Party {
        number: cols.text()?,
        display_name: cols.text()?,
        staff_id: cols.key()?,
        is_staff: cols.int()?.unwrap_or(0) != 0,
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
