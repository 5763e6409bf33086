//! A call's legs and a conversation's messages: rows of their own tables, under the
//! interaction's row id.

use cxhub_model::call::{CallLeg, LegStatus};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Interaction, Message, SenderKind};
use cxhub_model::time::Instant;
use rusqlite::{Connection, params};

use crate::columns::Columns;
use crate::sqlite::codec::Cols;
use crate::{StoreError, StoreResult};

const LEG_INSERT: &str = "insert into call_leg (interaction_id, seq, target_number, agent_id, added_at, \
    ring_at, answered_at, ended_at, ring_secs, status, end_reason, fail_code, trunk) \
    values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

/// The legs of a page's calls, by a JSON array of their rows' ids, in leg order.
const LEGS_OF_PAGE: &str = "select interaction_id, target_number, agent_id, added_at, ring_at, answered_at, \
    ended_at, ring_secs, status, end_reason, fail_code, trunk from call_leg \
    where interaction_id in (select value from json_each(?1)) order by interaction_id, seq";

const LEG_SELECT: &str = "select target_number, agent_id, added_at, ring_at, answered_at, ended_at, ring_secs, \
    status, end_reason, fail_code, trunk from call_leg where interaction_id = ?1 order by seq";

/// Inserts the legs and messages of the record in `row`.
pub(super) fn insert_children(conn: &Connection, row: i64, it: &Interaction) -> StoreResult<()> {
    insert_legs(conn, row, it)?;
    insert_messages(conn, row, it, 0)
}

pub(super) fn insert_legs(conn: &Connection, row: i64, it: &Interaction) -> StoreResult<()> {
    if let Some(call) = &it.call {
        let mut stmt = conn.prepare_cached(LEG_INSERT)?;
        for (seq, leg) in call.legs.iter().enumerate() {
            stmt.execute(params![
                row,
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
pub(super) fn insert_messages(
    conn: &Connection,
    row: i64,
    it: &Interaction,
    from: usize,
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "insert into message (interaction_id, seq, at, sender, agent_id, body) values (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (seq, message) in it.messages.iter().enumerate().skip(from) {
        stmt.execute(params![
            row,
            seq as i64,
            message.at.as_millis(),
            message.sender.as_str(),
            message.agent_id.as_ref().map(Key::as_str),
            message.body,
        ])?;
    }
    Ok(())
}

/// The interaction read from `row`, with its legs.
pub(super) fn with_legs(
    conn: &Connection,
    (row, mut it): (i64, Interaction),
) -> StoreResult<Interaction> {
    let Some(call) = it.call.as_mut() else {
        return Ok(it);
    };
    let mut stmt = conn.prepare_cached(LEG_SELECT)?;
    let mut rows = stmt.query([row])?;
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

pub(super) fn read_messages(conn: &Connection, id: i64) -> StoreResult<Vec<Message>> {
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

/// The interactions of a page, read with their rows' ids, with the legs of every call
/// read in one query (not one per call).
pub(super) fn with_page_legs(
    conn: &Connection,
    rows: Vec<(i64, Interaction)>,
) -> StoreResult<Vec<Interaction>> {
    let index: std::collections::HashMap<i64, usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, (_, it))| it.call.is_some())
        .map(|(idx, (row, _))| (*row, idx))
        .collect();
    let mut items: Vec<Interaction> = rows.into_iter().map(|(_, it)| it).collect();
    if index.is_empty() {
        return Ok(items);
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
    Ok(items)
}
