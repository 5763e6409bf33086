//! Reading the rollups that migration 0006's triggers keep (`crate::analytics::rollups`).

use super::PgStore;
use super::rows::PgCols;
use super::sql::{Where, prepared};
use crate::StoreResult;
use crate::analytics::rollups::{
    COLUMNS, RollupKey, RollupScan, RollupTotals, WAIT_COLUMNS, WaitCount, read_row, read_wait,
};

impl PgStore {
    pub(crate) async fn rollup_rows(
        &self,
        tenant_pk: i64,
        scan: RollupScan,
    ) -> StoreResult<Vec<(RollupKey, RollupTotals)>> {
        let mut cond = Where::tenant(tenant_pk);
        scan.conditions(&mut cond);
        let sql = format!("select {COLUMNS} from rollup{}", cond.sql());
        let client = self.client().await?;
        let rows = prepared::query(&client, &sql, &cond.args()).await?;
        rows.iter()
            .map(|row| read_row(&mut PgCols::new(row)))
            .collect()
    }

    pub(crate) async fn rollup_waits(
        &self,
        tenant_pk: i64,
        scan: RollupScan,
    ) -> StoreResult<Vec<WaitCount>> {
        let mut cond = Where::tenant(tenant_pk);
        scan.wait_conditions(&mut cond);
        let sql = format!("select {WAIT_COLUMNS} from rollup_wait{}", cond.sql());
        let client = self.client().await?;
        let rows = prepared::query(&client, &sql, &cond.args()).await?;
        rows.iter()
            .map(|row| read_wait(&mut PgCols::new(row)))
            .collect()
    }
}
