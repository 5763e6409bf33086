//! A call's legs and a conversation's messages: rows of their own tables, under the
//! interaction's row id.

use std::sync::LazyLock;

use cxhub_model::interaction::{Interaction, Message};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::records::interaction::{
    LEG_COLUMNS, MESSAGE_COLUMNS, PageRows, leg_values, message_values, read_leg, read_message,
};
use crate::sqlite::codec::{self, Cols};
use crate::{StoreError, StoreResult};

static LEG_INSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "insert into call_leg (interaction_id, seq, {LEG_COLUMNS}) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    )
});

/// The legs of a page's calls, by a JSON array of their rows' ids, in leg order.
static LEGS_OF_PAGE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select interaction_id, {LEG_COLUMNS} from call_leg \
         where interaction_id in (select value from json_each(?1)) order by interaction_id, seq"
    )
});

static LEG_SELECT: LazyLock<String> = LazyLock::new(|| {
    format!("select {LEG_COLUMNS} from call_leg where interaction_id = ?1 order by seq")
});

/// The row's id and the child's position, then its values.
fn child_row(
    row: i64,
    seq: usize,
    values: impl IntoIterator<Item = crate::values::Cell>,
) -> Vec<Value> {
    let mut out = vec![Value::Integer(row), Value::Integer(seq as i64)];
    out.extend(values.into_iter().map(codec::cell));
    out
}

/// Inserts the legs and messages of the record in `row`.
pub(super) fn insert_children(conn: &Connection, row: i64, it: &Interaction) -> StoreResult<()> {
    insert_legs(conn, row, it)?;
    insert_messages(conn, row, it, 0)
}

pub(super) fn insert_legs(conn: &Connection, row: i64, it: &Interaction) -> StoreResult<()> {
    if let Some(call) = &it.call {
        let mut stmt = conn.prepare_cached(&LEG_INSERT)?;
        for (seq, leg) in call.legs.iter().enumerate() {
            stmt.execute(params_from_iter(child_row(row, seq, leg_values(leg))))?;
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
    let mut stmt = conn.prepare_cached(&format!(
        "insert into message (interaction_id, seq, {MESSAGE_COLUMNS}) values (?1, ?2, ?3, ?4, ?5, ?6)"
    ))?;
    for (seq, message) in it.messages.iter().enumerate().skip(from) {
        stmt.execute(params_from_iter(child_row(
            row,
            seq,
            message_values(message),
        )))?;
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
    let mut stmt = conn.prepare_cached(&LEG_SELECT)?;
    let mut rows = stmt.query([row])?;
    while let Some(row) = rows.next()? {
        call.legs.push(read_leg(&mut Cols::new(row))?);
    }
    Ok(it)
}

pub(super) fn read_messages(conn: &Connection, id: i64) -> StoreResult<Vec<Message>> {
    let mut stmt = conn.prepare_cached(&format!(
        "select {MESSAGE_COLUMNS} from message where interaction_id = ?1 order by seq"
    ))?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(read_message(&mut Cols::new(row))?);
    }
    Ok(out)
}

/// The interactions of a page, read with their rows' ids, with the legs of every call
/// read in one query (not one per call).
pub(super) fn with_page_legs(
    conn: &Connection,
    rows: Vec<(i64, Interaction)>,
) -> StoreResult<Vec<Interaction>> {
    let mut page = PageRows::new(rows);
    let calls = page.call_rows();
    if calls.is_empty() {
        return Ok(page.into_items());
    }
    let ids = serde_json::to_string(&calls).map_err(|err| StoreError::Database(Box::new(err)))?;
    let mut stmt = conn.prepare_cached(&LEGS_OF_PAGE)?;
    let mut rows = stmt.query([ids])?;
    while let Some(row) = rows.next()? {
        let mut cols = Cols::new(row);
        let id: i64 = cols.get()?;
        page.add_leg(id, read_leg(&mut cols)?);
    }
    Ok(page.into_items())
}
