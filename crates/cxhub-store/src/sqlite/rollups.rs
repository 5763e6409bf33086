//! Reading the rollups that migration 0008's triggers keep (`crate::analytics::rollups`).

use super::SqliteStore;
use super::codec::Cols;
use super::sql::Where;
use crate::StoreResult;
use crate::analytics::rollups::{
    COLUMNS, RollupKey, RollupScan, RollupTotals, WAIT_COLUMNS, WaitCount, read_row, read_wait,
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
}
