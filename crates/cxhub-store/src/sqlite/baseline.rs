//! The raw-storage baseline that `bench/` compares cxhub with, in the same run: the same
//! rows and the same SQL through a plain rusqlite connection, with nothing of cxhub's
//! around them (no writer thread, no idempotency lookups, no HTTP, no JSON).

use cxhub_model::interaction::Interaction;
use rusqlite::Connection;

use super::interactions;
use crate::StoreResult;
use crate::query::{InteractionFilter, Page, PageRequest};

/// Opens a database file with the settings the store uses (WAL, `synchronous=FULL`, QPSG).
pub fn open(path: &std::path::Path) -> StoreResult<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "pragma journal_mode = wal; pragma synchronous = full; pragma foreign_keys = on;",
    )?;
    // As the store's connections: cached statements are not planned again on each use.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(conn)
}

/// Inserts interactions (and their legs and messages) with one prepared statement, in
/// the caller's transaction.
pub fn insert_interactions(
    conn: &Connection,
    tenant_pk: i64,
    items: &[Interaction],
) -> StoreResult<()> {
    interactions::insert_raw(conn, tenant_pk, items)
}

/// One page of interactions by the store's own listing SQL.
pub fn list_interactions(
    conn: &Connection,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    interactions::list_raw(conn, tenant_pk, filter, page)
}

/// Inserts raw event rows with one prepared statement, in the caller's transaction:
/// (source, event id, subject kind, subject id, type, at in ms, body).
pub fn insert_events(
    conn: &Connection,
    tenant_pk: i64,
    events: &[(String, String, String, String, String, i64, String)],
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "insert into event (tenant_pk, source, event_id, subject_kind, subject_id, type, at, body, received_at)
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
    )?;
    for (source, id, kind, subject, type_name, at, body) in events {
        stmt.execute(rusqlite::params![
            tenant_pk, source, id, kind, subject, type_name, at, body
        ])?;
    }
    Ok(())
}
