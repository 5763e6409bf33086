//! Reading the rollups that migrations 0008's and 0009's triggers keep (`crate::analytics::rollups`).

use super::SqliteStore;
use super::codec::Cols;
use super::sql::Where;
use crate::StoreResult;
use crate::analytics::rollups::{
    COLUMNS, PRESENCE_COLUMNS, PresenceScan, PresenceTime, RollupKey, RollupScan, RollupTotals,
    WAIT_COLUMNS, WaitCount, Waiting, read_presence, read_row, read_wait, read_waiting,
    waiting_sql,
};

impl SqliteStore {
    pub(crate) async fn rollup_rows(
        &self,
        tenant_pk: i64,
        scan: RollupScan,
    ) -> StoreResult<Vec<(RollupKey, RollupTotals)>> {
        self.read(move |conn| {
            let mut cond = Where::tenant(tenant_pk);
            scan.conditions(&mut cond);
            cond.rows(conn, &format!("select {COLUMNS} from rollup"), |row| {
                read_row(&mut Cols::new(row))
            })
        })
        .await
    }

    pub(crate) async fn rollup_waits(
        &self,
        tenant_pk: i64,
        scan: RollupScan,
    ) -> StoreResult<Vec<WaitCount>> {
        self.read(move |conn| {
            let mut cond = Where::tenant(tenant_pk);
            scan.wait_conditions(&mut cond);
            cond.rows(
                conn,
                &format!("select {WAIT_COLUMNS} from rollup_wait"),
                |row| read_wait(&mut Cols::new(row)),
            )
        })
        .await
    }

    pub(crate) async fn presence_rollup_rows(
        &self,
        tenant_pk: i64,
        scan: PresenceScan,
    ) -> StoreResult<Vec<PresenceTime>> {
        self.read(move |conn| {
            let mut cond = Where::tenant(tenant_pk);
            scan.conditions(&mut cond);
            cond.rows(
                conn,
                &format!("select {PRESENCE_COLUMNS} from presence_rollup"),
                |row| read_presence(&mut Cols::new(row)),
            )
        })
        .await
    }

    pub(crate) async fn waiting_calls(
        &self,
        tenant_pk: i64,
        now: i64,
    ) -> StoreResult<Vec<Waiting>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&waiting_sql(|n| format!("?{n}")))?;
            let mut rows = stmt.query(rusqlite::params![tenant_pk, now])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(read_waiting(&mut Cols::new(row))?);
            }
            Ok(out)
        })
        .await
    }
}
