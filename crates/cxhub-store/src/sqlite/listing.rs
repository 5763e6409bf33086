//! The tenant's write generation in SQLite, which the listing caches (`crate::listing`)
//! file what they learn under.

use rusqlite::Connection;

use crate::StoreResult;

/// The tenant's interactions generation, as of the caller's read transaction.
pub(crate) fn generation(conn: &Connection, tenant_pk: i64) -> StoreResult<u64> {
    let generation: i64 = conn
        .prepare_cached("select records_generation from tenant where pk = ?1")?
        .query_row([tenant_pk], |row| row.get(0))?;
    Ok(generation.unsigned_abs())
}

/// Raises the tenant's interactions generation, in the caller's write transaction.
pub(crate) fn raise(conn: &Connection, tenant_pk: i64) -> StoreResult<()> {
    conn.prepare_cached(
        "update tenant set records_generation = records_generation + 1 where pk = ?1",
    )?
    .execute([tenant_pk])?;
    Ok(())
}
