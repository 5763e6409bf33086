//! What the store's tests share: a database file at an older schema version.

use rusqlite::Connection;

/// Every migration of the store, in order (as `sqlite.rs` lists them).
const MIGRATIONS: &[&str] = &[
    include_str!("../../src/sqlite/migrations/0001_init.sql"),
    include_str!("../../src/sqlite/migrations/0002_events.sql"),
    include_str!("../../src/sqlite/migrations/0003_listing.sql"),
    include_str!("../../src/sqlite/migrations/0004_generations.sql"),
    include_str!("../../src/sqlite/migrations/0005_directory_generation.sql"),
    include_str!("../../src/sqlite/migrations/0006_directory_numbers.sql"),
    include_str!("../../src/sqlite/migrations/0007_record_numbers.sql"),
];

/// Creates a database file at `path` with the first `version` migrations applied, as a
/// cxhub of that version left it, for the rows a test writes before opening the store.
pub fn schema_at(path: &std::path::Path, version: usize) -> Connection {
    let conn = Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn
}
