//! Reading the rollups that migrations 0006's and 0007's triggers keep (`crate::analytics::rollups`).

use super::PgStore;
use super::rows::PgCols;
use super::sql::{Where, prepared};
use crate::StoreResult;
use crate::analytics::rollups::{
    COLUMNS, PRESENCE_COLUMNS, PresenceScan, PresenceTime, RollupKey, RollupScan, RollupTotals,
    WAIT_COLUMNS, WaitCount, Waiting, read_presence, read_row, read_wait, read_waiting,
    waiting_sql,
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

    pub(crate) async fn presence_rollup_rows(
        &self,
        tenant_pk: i64,
        scan: PresenceScan,
    ) -> StoreResult<Vec<PresenceTime>> {
        let mut cond = Where::tenant(tenant_pk);
        scan.conditions(&mut cond);
        let sql = format!(
            "select {PRESENCE_COLUMNS} from presence_rollup{}",
            cond.sql()
        );
        let client = self.client().await?;
        let rows = prepared::query(&client, &sql, &cond.args()).await?;
        rows.iter()
            .map(|row| read_presence(&mut PgCols::new(row)))
            .collect()
    }

    pub(crate) async fn waiting_calls(
        &self,
        tenant_pk: i64,
        now: i64,
    ) -> StoreResult<Vec<Waiting>> {
        let client = self.client().await?;
        let sql = waiting_sql(|n| format!("${n}"));
        let rows = prepared::query(&client, &sql, &[&tenant_pk, &now]).await?;
        rows.iter()
            .map(|row| read_waiting(&mut PgCols::new(row)))
            .collect()
    }
}
