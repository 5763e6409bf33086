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
use crate::analytics::spans::{
    SPAN_ROW_INSERT, SavedSpan, SpanHead, SpanRow, read_span_row, span_columns, span_row_cells,
};
use crate::values::Cell;

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

    pub(crate) async fn rollup_versions(
        &self,
        tenant_pk: i64,
        from_day: i64,
        to_day: i64,
    ) -> StoreResult<Vec<(i64, i64)>> {
        let client = self.client().await?;
        let sql = "select day, version from rollup_change where tenant_pk = $1 and day >= $2 and day <= $3";
        let rows = prepared::query(&client, sql, &[&tenant_pk, &from_day, &to_day]).await?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    pub(crate) async fn rollup_spans(
        &self,
        tenant_pk: i64,
        level: i64,
        from: i64,
        to: i64,
    ) -> StoreResult<(Vec<SpanHead>, Vec<SpanRow>)> {
        let client = self.client().await?;
        let range = "where tenant_pk = $1 and level = $2 and span_start >= $3 and span_start < $4";
        let args: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
            [&tenant_pk, &level, &from, &to];
        let sql = format!("select span_start, span_end, seen from rollup_span {range}");
        let heads = prepared::query(&client, &sql, &args)
            .await?
            .iter()
            .map(|row| SpanHead {
                start: row.get(0),
                end: row.get(1),
                seen: row.get(2),
            })
            .collect();
        let sql = format!("select {} from rollup_span_row {range}", span_columns());
        let rows = prepared::query(&client, &sql, &args)
            .await?
            .iter()
            .map(|row| read_span_row(&mut PgCols::new(row)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((heads, rows))
    }

    pub(crate) async fn save_rollup_spans(
        &self,
        tenant_pk: i64,
        level: i64,
        spans: Vec<SavedSpan>,
    ) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let placeholders: Vec<String> = (1..=31).map(|n| format!("${n}")).collect();
        let insert = format!(
            "insert into rollup_span_row ({SPAN_ROW_INSERT}) values ({})",
            placeholders.join(", ")
        );
        for span in spans {
            let SpanHead { start, end, seen } = span.head;
            prepared::execute(
                &tx,
                "delete from rollup_span_row where tenant_pk = $1 and level = $2 and span_start = $3 and span_end = $4",
                &[&tenant_pk, &level, &start, &end],
            )
            .await?;
            for (key, totals) in &span.rows {
                let mut values = vec![
                    Cell::Int(tenant_pk),
                    Cell::Int(level),
                    Cell::Int(start),
                    Cell::Int(end),
                ];
                values.extend(span_row_cells(key, totals));
                let args: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = values
                    .iter()
                    .map(|it| it as &(dyn tokio_postgres::types::ToSql + Sync))
                    .collect();
                prepared::execute(&tx, &insert, &args).await?;
            }
            prepared::execute(
                &tx,
                "insert into rollup_span (tenant_pk, level, span_start, span_end, seen)
                 values ($1, $2, $3, $4, $5)
                 on conflict (tenant_pk, level, span_start, span_end) do update set seen = excluded.seen",
                &[&tenant_pk, &level, &start, &end, &seen],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
