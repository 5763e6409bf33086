//! Interactions (every channel) with their call detail, legs and messages.

use std::sync::LazyLock;

use cxhub_model::call::{
    AbandonStage, CallDetail, CallKind, CallLeg, CallType, LegStatus, Location, Media, Party,
    ReleaseParty,
};
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::{
    Channel, Direction, Interaction, InteractionStatus, Message, SenderKind, SlaStatus,
};
use cxhub_model::time::Instant;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::codec::{self, Cols};
use super::listing::{self, Listing};
use super::sql::{Where, page_end};
use super::writer::WriteCtx;
use super::{SqliteStore, upsert_key};
use crate::query::{ExtensionSide, InteractionFilter, Page, PageRequest, Position};
use crate::{Outcome, StoreError, StoreResult, Upserted};

/// The columns after `id, tenant_pk`, in the order of [`values`] and [`read_row`].
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

/// `select id, <COLUMNS> from interaction`, built once.
static SELECT: LazyLock<String> =
    LazyLock::new(|| format!("select id, {} from interaction", COLUMNS.join(", ")));

/// The insert of a new row: `tenant_pk` is `?1`, the columns follow.
static INSERT: LazyLock<String> = LazyLock::new(|| {
    let marks: Vec<String> = (2..=COLUMNS.len() + 1)
        .map(|idx| format!("?{idx}"))
        .collect();
    format!(
        "insert into interaction (tenant_pk, {}) values (?1, {})",
        COLUMNS.join(", "),
        marks.join(", ")
    )
});

/// The insert of a row unless its idempotency key is taken (then nothing changes).
static INSERT_NEW: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} on conflict (tenant_pk, source, external_id) do nothing",
        *INSERT
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
static UPDATE: LazyLock<String> = LazyLock::new(|| {
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
static UPDATE_INDEXED: LazyLock<String> = LazyLock::new(|| {
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

const LEG_INSERT: &str = "insert into call_leg (interaction_id, seq, target_number, agent_id, added_at, \
    ring_at, answered_at, ended_at, ring_secs, status, end_reason, fail_code, trunk) \
    values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

/// The legs of a page's calls, by a JSON array of their ids, in leg order.
const LEGS_OF_PAGE: &str = "select interaction_id, target_number, agent_id, added_at, ring_at, answered_at, \
    ended_at, ring_secs, status, end_reason, fail_code, trunk from call_leg \
    where interaction_id in (select value from json_each(?1)) order by interaction_id, seq";

const LEG_SELECT: &str = "select target_number, agent_id, added_at, ring_at, answered_at, ended_at, ring_secs, \
    status, end_reason, fail_code, trunk from call_leg where interaction_id = ?1 order by seq";

impl SqliteStore {
    pub async fn upsert_interactions(
        &self,
        tenant_pk: i64,
        batch: Vec<Interaction>,
    ) -> StoreResult<Vec<Upserted>> {
        self.write(move |ctx| {
            let now = Instant::now();
            let mut out = Vec::with_capacity(batch.len());
            for (idx, interaction) in batch.iter().enumerate() {
                interaction
                    .check()
                    .map_err(|err| StoreError::Invalid(err.within(&format!("[{idx}]"))))?;
                out.push(upsert_one(ctx, tenant_pk, interaction, now)?);
            }
            if out.iter().any(|it| it.outcome.changed()) {
                listing::raise(ctx.conn(), tenant_pk)?;
            }
            Ok(out)
        })
        .await
    }

    /// One page: after a keyset position, or at an offset. An offset page starts from the
    /// nearest bookmark before it (`listing.rs`) and leaves bookmarks at its start and
    /// its end, so walking pages in order, or asking for one page again, costs a seek.
    pub async fn list_interactions(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Interaction>> {
        if page.after.is_some() {
            return self
                .read(move |conn| list(conn, tenant_pk, &filter, page))
                .await;
        }
        let listing = self.listing.clone();
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let generation = listing::generation(&tx, tenant_pk)?;
            let found = offset_page(&tx, &listing, generation, tenant_pk, &filter, page)?;
            tx.commit()?;
            Ok(found)
        })
        .await
    }

    /// How many interactions match `filter`; counted once per write generation.
    pub async fn count_interactions(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
    ) -> StoreResult<u64> {
        let listing = self.listing.clone();
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let generation = listing::generation(&tx, tenant_pk)?;
            let count = count(&tx, &listing, generation, tenant_pk, &filter)?;
            tx.commit()?;
            Ok(count)
        })
        .await
    }

    /// A page at an offset and the count of all that match, of one snapshot: what a
    /// dialect that prints a total with each page (klink) needs, in one read.
    pub async fn list_interactions_counted(
        &self,
        tenant_pk: i64,
        filter: InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<(Page<Interaction>, u64)> {
        let listing = self.listing.clone();
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let generation = listing::generation(&tx, tenant_pk)?;
            let total = count(&tx, &listing, generation, tenant_pk, &filter)?;
            let found = match page.after {
                Some(_) => list(&tx, tenant_pk, &filter, page)?,
                None => offset_page(&tx, &listing, generation, tenant_pk, &filter, page)?,
            };
            tx.commit()?;
            Ok((found, total))
        })
        .await
    }

    pub async fn interaction(
        &self,
        tenant_pk: i64,
        id: RecordId,
    ) -> StoreResult<Option<Interaction>> {
        self.read(move |conn| {
            let sql = format!("{} where tenant_pk = ?1 and id = ?2", *SELECT);
            let mut stmt = conn.prepare_cached(&sql)?;
            let found = stmt
                .query_row(params![tenant_pk, id.get()], |row| Ok(read_row(row)))
                .optional()?;
            let Some(interaction) = found.transpose()? else {
                return Ok(None);
            };
            Ok(Some(with_legs(conn, interaction)?))
        })
        .await
    }

    pub async fn messages(
        &self,
        tenant_pk: i64,
        id: RecordId,
    ) -> StoreResult<Option<Vec<Message>>> {
        self.read(move |conn| {
            let exists: Option<i64> = conn
                .prepare_cached("select id from interaction where tenant_pk = ?1 and id = ?2")?
                .query_row(params![tenant_pk, id.get()], |row| row.get(0))
                .optional()?;
            match exists {
                None => Ok(None),
                Some(_) => read_messages(conn, id.get()).map(Some),
            }
        })
        .await
    }
}

/// Writes a record folded from events: its version is one more than the stored one's
/// (1 when new), since the refold was caused by at least one new event. A record that
/// fails its checks is not written; `None` says so.
pub(crate) fn project(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    mut it: Interaction,
    refold_at: Option<Instant>,
    now: Instant,
) -> StoreResult<Option<Upserted>> {
    if let Err(err) = it.check() {
        tracing::warn!(source = %it.source, id = %it.external_id, error = %err, "a folded record failed its checks");
        return Ok(None);
    }
    let stored: Option<(i64, i64, Option<i64>)> = ctx
        .conn()
        .prepare_cached(
            "select id, version, refold_at from interaction where tenant_pk = ?1 and source = ?2
             and external_id = ?3",
        )?
        .query_row(
            params![tenant_pk, it.source.as_str(), it.external_id.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let existing = stored
        .map(|(id, version, _)| codec::record_id(id).map(|id| (id, version)))
        .transpose()?;
    it.version = existing.map_or(1, |(_, version)| version.saturating_add(1));
    let upserted = write_one(ctx, tenant_pk, &it, now, Stored::Known(existing))?;
    // A new row starts with none; a stored one keeps its own unless it changed.
    let before = stored.and_then(|(_, _, at)| at);
    if refold_at.map(Instant::as_millis) != before {
        set_refold_at(ctx.conn(), upserted.id.get(), refold_at)?;
    }
    Ok(Some(upserted))
}

pub(crate) fn set_refold_at(conn: &Connection, id: i64, at: Option<Instant>) -> StoreResult<()> {
    conn.prepare_cached("update interaction set refold_at = ?1 where id = ?2")?
        .execute(params![at.map(Instant::as_millis), id])?;
    Ok(())
}

/// What the writer knows of a record's idempotency key before writing it.
#[derive(Clone, Copy)]
enum Stored {
    /// Nothing yet: try the insert, and look the key up only if it is taken.
    Unknown,
    /// Looked up already: the stored id and version, if any.
    Known(Option<(RecordId, i64)>),
}

fn upsert_one(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    it: &Interaction,
    now: Instant,
) -> StoreResult<Upserted> {
    write_one(ctx, tenant_pk, it, now, Stored::Unknown)
}

fn write_one(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    it: &Interaction,
    now: Instant,
    stored: Stored,
) -> StoreResult<Upserted> {
    ensure_references(ctx, tenant_pk, it)?;
    let conn = ctx.conn();
    let mut row = values(it, now);
    let existing = match stored {
        Stored::Known(existing) => existing,
        Stored::Unknown => {
            // New records are the common case (a first load, live ingest).
            let tenant = Value::Integer(tenant_pk);
            let inserted = conn
                .prepare_cached(&INSERT_NEW)?
                .execute(params_from_iter(std::iter::once(&tenant).chain(&row)))?;
            if inserted == 1 {
                let id = codec::record_id(conn.last_insert_rowid())?;
                insert_children(conn, id, it)?;
                return Ok(Upserted {
                    id,
                    outcome: Outcome::Created,
                });
            }
            upsert_key(conn, "interaction", tenant_pk, &it.source, &it.external_id)?
        }
    };
    let (id, outcome) = match existing {
        Some((id, version)) if it.version == version => {
            return Ok(Upserted {
                id,
                outcome: Outcome::Duplicate,
            });
        }
        Some((id, version)) if it.version < version => {
            return Ok(Upserted {
                id,
                outcome: Outcome::Stale,
            });
        }
        Some((id, _)) => {
            row.push(Value::Integer(id.get()));
            conn.prepare_cached(&UPDATE)?
                .execute(params_from_iter(&row))?;
            conn.prepare_cached(&UPDATE_INDEXED)?
                .execute(params_from_iter(&row))?;
            conn.prepare_cached("delete from call_leg where interaction_id = ?1")?
                .execute([id.get()])?;
            // A conversation's messages mostly only grow: the stored ones that are still
            // its first messages stay, and only the rest is written.
            let stored = read_messages(conn, id.get())?;
            let kept = match it.messages.get(..stored.len()) {
                Some(prefix) if prefix == stored.as_slice() => stored.len(),
                _ => {
                    conn.prepare_cached("delete from message where interaction_id = ?1")?
                        .execute([id.get()])?;
                    0
                }
            };
            insert_legs(conn, id, it)?;
            insert_messages(conn, id, it, kept)?;
            return Ok(Upserted {
                id,
                outcome: Outcome::Updated,
            });
        }
        None => {
            row.insert(0, Value::Integer(tenant_pk));
            conn.prepare_cached(&INSERT)?
                .execute(params_from_iter(row))?;
            (
                codec::record_id(conn.last_insert_rowid())?,
                Outcome::Created,
            )
        }
    };
    insert_children(conn, id, it)?;
    Ok(Upserted { id, outcome })
}

/// Creates stub directory entries for every key the interaction names.
fn ensure_references(ctx: &mut WriteCtx, tenant_pk: i64, it: &Interaction) -> StoreResult<()> {
    let users = [&it.agent_id, &it.first_assignee_id, &it.closed_assignee_id];
    for user in users.into_iter().flatten() {
        ctx.ensure(tenant_pk, "user", user.as_str())?;
    }
    if let Some(queue) = &it.queue_id {
        ctx.ensure(tenant_pk, "queue", queue.as_str())?;
    }
    if let Some(contact) = &it.contact_id {
        ctx.ensure(tenant_pk, "contact", contact.as_str())?;
    }
    // Extensions get a directory number, which Sencloud prints as `extension_id`.
    let extension = it.call.as_ref().and_then(|call| call.extension.as_deref());
    if let Some(extension) = extension.filter(|it| Key::parse(it).is_ok()) {
        ctx.ensure(tenant_pk, "extension", extension)?;
    }
    let leg_agents = it
        .call
        .iter()
        .flat_map(|call| call.legs.iter().filter_map(|leg| leg.agent_id.as_ref()));
    let staff = it
        .call
        .iter()
        .flat_map(|call| [&call.caller.staff_id, &call.callee.staff_id])
        .flatten();
    let message_agents = it
        .messages
        .iter()
        .filter_map(|message| message.agent_id.as_ref());
    for user in leg_agents.chain(staff).chain(message_agents) {
        ctx.ensure(tenant_pk, "user", user.as_str())?;
    }
    Ok(())
}

fn insert_children(conn: &Connection, id: RecordId, it: &Interaction) -> StoreResult<()> {
    insert_legs(conn, id, it)?;
    insert_messages(conn, id, it, 0)
}

fn insert_legs(conn: &Connection, id: RecordId, it: &Interaction) -> StoreResult<()> {
    if let Some(call) = &it.call {
        let mut stmt = conn.prepare_cached(LEG_INSERT)?;
        for (seq, leg) in call.legs.iter().enumerate() {
            stmt.execute(params![
                id.get(),
                seq as i64,
                leg.target_number,
                leg.agent_id.as_ref().map(Key::as_str),
                leg.added_at.map(Instant::as_millis),
                leg.ring_at.map(Instant::as_millis),
                leg.answered_at.map(Instant::as_millis),
                leg.ended_at.map(Instant::as_millis),
                leg.ring_secs,
                leg.status.as_str(),
                leg.end_reason,
                leg.fail_code,
                leg.trunk,
            ])?;
        }
    }
    Ok(())
}

/// Inserts the messages from index `from` on (the ones before are stored already).
fn insert_messages(
    conn: &Connection,
    id: RecordId,
    it: &Interaction,
    from: usize,
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "insert into message (interaction_id, seq, at, sender, agent_id, body) values (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (seq, message) in it.messages.iter().enumerate().skip(from) {
        stmt.execute(params![
            id.get(),
            seq as i64,
            message.at.as_millis(),
            message.sender.as_str(),
            message.agent_id.as_ref().map(Key::as_str),
            message.body,
        ])?;
    }
    Ok(())
}

/// The row's values in [`COLUMNS`] order.
fn values(it: &Interaction, now: Instant) -> Vec<Value> {
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

/// Reads `id, <COLUMNS>` into an interaction without legs or messages.
fn read_row(row: &rusqlite::Row<'_>) -> StoreResult<Interaction> {
    let mut cols = Cols::new(row);
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
    Ok(it)
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

fn with_legs(conn: &Connection, mut it: Interaction) -> StoreResult<Interaction> {
    let (Some(id), Some(call)) = (it.id, it.call.as_mut()) else {
        return Ok(it);
    };
    let mut stmt = conn.prepare_cached(LEG_SELECT)?;
    let mut rows = stmt.query([id.get()])?;
    while let Some(row) = rows.next()? {
        call.legs.push(read_leg(&mut Cols::new(row))?);
    }
    Ok(it)
}

fn read_leg(cols: &mut Cols<'_, '_>) -> StoreResult<CallLeg> {
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
        fail_code: cols.get()?,
        trunk: cols.text()?,
    })
}

fn read_messages(conn: &Connection, id: i64) -> StoreResult<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "select at, sender, agent_id, body from message where interaction_id = ?1 order by seq",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut cols = Cols::new(row);
        out.push(Message {
            at: cols.required_at()?,
            sender: cols.required(SenderKind::parse)?,
            agent_id: cols.key()?,
            body: cols.text()?,
        });
    }
    Ok(out)
}

fn conditions(tenant_pk: i64, filter: &InteractionFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    if let Some(from) = filter.from {
        cond.and("started_at >= ?", [Value::Integer(from.as_millis())]);
    }
    if let Some(to) = filter.to {
        cond.and("started_at < ?", [Value::Integer(to.as_millis())]);
    }
    cond.and_in(
        "channel",
        filter.channels.iter().map(|it| it.as_str().to_owned()),
    );
    cond.and_in(
        "direction",
        filter.directions.iter().map(|it| it.as_str().to_owned()),
    );
    cond.and_in(
        "status",
        filter.statuses.iter().map(|it| it.as_str().to_owned()),
    );
    cond.and_eq("agent_id", filter.agent_id.as_ref().map(Key::as_str));
    cond.and_eq("queue_id", filter.queue_id.as_ref().map(Key::as_str));
    cond.and_eq("contact_id", filter.contact_id.as_ref().map(Key::as_str));
    if let Some(number) = &filter.number {
        cond.and(
            "(caller_number = ? or callee_number = ?)",
            [Value::Text(number.clone()), Value::Text(number.clone())],
        );
    }
    cond.and_eq("extension", filter.extension.as_deref());
    cond.and_eq("external_id", filter.external_id.as_deref());
    cond.and_in(
        "call_type",
        filter.call_types.iter().map(|it| it.as_str().to_owned()),
    );
    if let Some(from) = filter.created_from {
        cond.and("created_at >= ?", [Value::Integer(from.as_millis())]);
    }
    if let Some(until) = filter.created_until {
        cond.and("created_at <= ?", [Value::Integer(until.as_millis())]);
    }
    cond.and_in("extension", filter.extensions.iter().cloned());
    cond.and_in("virtual_number", filter.virtual_numbers.iter().cloned());
    cond.and_eq("department", filter.department.as_deref());
    cond.and_eq("session_id", filter.session_id.as_deref());
    if let Some((comparison, bound)) = filter.talk_secs {
        cond.and(
            &format!("coalesce(talk_secs, 0) {} ?", comparison.sql()),
            [Value::Integer(bound.into())],
        );
    }
    match filter.extension_side {
        None => {}
        Some(ExtensionSide::Callee) => cond.and(
            "direction = 'internal' and extension is not null and extension = callee_number",
            [],
        ),
        Some(ExtensionSide::Caller) => cond.and(
            "direction = 'internal' and (extension is null or callee_number is null or extension <> callee_number)",
            [],
        ),
    }
    if !filter.include_deleted {
        cond.and("deleted_at is null", []);
    }
    cond
}

fn list(
    conn: &Connection,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    let order = filter.order_by;
    let mut items =
        conditions(tenant_pk, filter).page(conn, &SELECT, order.column(), page, read_row)?;
    let next = page_end(&mut items, page.limit, |it| Position::of(order, it));
    attach_legs(conn, &mut items)?;
    Ok(Page { items, next })
}

/// An offset page, from the nearest bookmark before it (`listing.rs`); it leaves
/// bookmarks at its start and its end. `generation` is the tenant's, read in the
/// transaction `conn` is in.
fn offset_page(
    conn: &Connection,
    listing: &Listing,
    generation: u64,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    let shape = format!("{filter:?}/{}", page.ascending);
    let (after, skip) = match listing.bookmark(tenant_pk, &shape, generation, page.offset) {
        Some((at, position)) => (Some(position), page.offset - at),
        None => (None, page.offset),
    };
    // One row of look-behind gives the bookmark of this page's start.
    let behind = usize::from(skip > 0);
    let request = PageRequest {
        after,
        offset: skip - behind,
        limit: page.limit + behind,
        ascending: page.ascending,
    };
    let mut found = list(conn, tenant_pk, filter, request)?;
    let position_of = |it: &Interaction| Position::of(filter.order_by, it);
    if behind == 1 && !found.items.is_empty() {
        let before = found.items.remove(0);
        listing.remember_bookmark(
            tenant_pk,
            &shape,
            generation,
            page.offset,
            position_of(&before),
        );
    }
    if let Some(last) = found.items.last() {
        let end = page.offset + found.items.len();
        listing.remember_bookmark(tenant_pk, &shape, generation, end, position_of(last));
    }
    Ok(found)
}

/// The count of `filter`, remembered under `generation` (read as for [`offset_page`]).
fn count(
    conn: &Connection,
    listing: &Listing,
    generation: u64,
    tenant_pk: i64,
    filter: &InteractionFilter,
) -> StoreResult<u64> {
    let shape = format!("{filter:?}");
    if let Some(count) = listing.count(tenant_pk, &shape, generation) {
        return Ok(count);
    }
    let count = conditions(tenant_pk, filter).count(conn, "interaction")?;
    listing.remember_count(tenant_pk, &shape, generation, count);
    Ok(count)
}

/// Reads the legs of every call of a page in one query (not one per call).
fn attach_legs(conn: &Connection, items: &mut [Interaction]) -> StoreResult<()> {
    let index: std::collections::HashMap<i64, usize> = items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.call.is_some())
        .filter_map(|(idx, it)| it.id.map(|id| (id.get(), idx)))
        .collect();
    if index.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = index.keys().copied().collect();
    let ids = serde_json::to_string(&ids).map_err(|err| StoreError::Database(Box::new(err)))?;
    let mut stmt = conn.prepare_cached(LEGS_OF_PAGE)?;
    let mut rows = stmt.query([ids])?;
    while let Some(row) = rows.next()? {
        let mut cols = Cols::new(row);
        let id: i64 = cols.get()?;
        let leg = read_leg(&mut cols)?;
        if let Some(call) = index.get(&id).and_then(|idx| items[*idx].call.as_mut()) {
            call.legs.push(leg);
        }
    }
    Ok(())
}

/// The raw-storage baseline of the benchmark: the same rows into the same table and
/// indexes through one prepared statement, without the idempotency lookup, the version
/// check, the directory stubs or the writer thread. The caller owns the transaction.
pub(crate) fn insert_raw(
    conn: &Connection,
    tenant_pk: i64,
    items: &[Interaction],
) -> StoreResult<()> {
    let now = Instant::now();
    let mut insert = conn.prepare_cached(&INSERT)?;
    for it in items {
        let mut row = values(it, now);
        row.insert(0, Value::Integer(tenant_pk));
        insert.execute(params_from_iter(row))?;
        insert_children(conn, codec::record_id(conn.last_insert_rowid())?, it)?;
    }
    Ok(())
}

/// One page of interactions by the store's own SQL, on the caller's connection: the
/// listing baseline of the benchmark.
pub(crate) fn list_raw(
    conn: &Connection,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    list(conn, tenant_pk, filter, page)
}
