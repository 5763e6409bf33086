//! The query plans of the lists and of a record's lookup by id: each list reads its
//! time index in order (no sort of the tenant's rows), seeking from a (time, number)
//! position, and an id is found through the tenant's number index.

use cxhub_model::ids::Key;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::{interactions, migrate, presence, tickets};
use crate::query::{InteractionFilter, PageRequest, Position, PresenceFilter, TicketFilter};

/// A database with the whole schema, in memory.
fn schema() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    super::configure(&conn).unwrap();
    migrate(&mut conn).unwrap();
    conn
}

/// The plan's lines, as `EXPLAIN QUERY PLAN` gives them.
fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("explain query plan {sql}")).unwrap();
    // No plan depends on the values bound (`configure`), so none are given.
    let nulls = vec![Value::Null; stmt.parameter_count()];
    let rows = stmt
        .query_map(params_from_iter(nulls), |row| row.get::<_, String>(3))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows.join("\n")
}

/// Asserts that a page query reads `index` in order, from the position on.
fn reads_in_order(conn: &Connection, sql: &str, index: &str) {
    let plan = plan(conn, sql);
    assert!(plan.contains(&format!("USING INDEX {index} (")), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "sorts: {plan}");
}

fn pages() -> [PageRequest; 3] {
    let after = Some(Position { at: 1_000, id: 7 });
    [
        PageRequest::after(None, 50),
        PageRequest::after(after, 50),
        PageRequest {
            ascending: true,
            ..PageRequest::after(after, 50)
        },
    ]
}

#[test]
fn lists_read_their_time_index_in_order() {
    let conn = schema();
    let agent = InteractionFilter {
        agent_id: Some(Key::parse("u-1").unwrap()),
        ..InteractionFilter::calls()
    };
    for page in pages() {
        let sql = interactions::list::conditions(1, &InteractionFilter::calls()).page_query(
            "select * from interaction",
            "started_at",
            page,
        );
        reads_in_order(&conn, &sql, "interaction_started");
        let sql = interactions::list::conditions(1, &agent).page_query(
            "select * from interaction",
            "started_at",
            page,
        );
        reads_in_order(&conn, &sql, "interaction_agent");
        let sql = presence::conditions(1, &PresenceFilter::default()).page_query(
            "select * from presence_change",
            "at",
            page,
        );
        reads_in_order(&conn, &sql, "presence_change_at");
        let sql = tickets::conditions(1, &TicketFilter::default()).page_query(
            "select * from ticket",
            "created_at",
            page,
        );
        reads_in_order(&conn, &sql, "ticket_created");
    }
}

#[test]
fn an_id_is_found_by_the_tenants_number() {
    let conn = schema();
    for (table, index) in [
        ("interaction", "interaction_number"),
        ("presence_change", "presence_change_number"),
        ("ticket", "sqlite_autoindex_ticket_1"),
    ] {
        let plan = plan(
            &conn,
            &format!("select id from {table} where tenant_pk = ?1 and number = ?2"),
        );
        assert!(
            plan.contains(&format!("INDEX {index} (tenant_pk=? AND number=?)")),
            "{plan}"
        );
    }
}
