//! Reading the rollups that migrations 0008's and 0009's triggers keep (`crate::analytics::rollups`).

use super::SqliteStore;
use super::codec::{self, Cols};
use super::sql::Where;
use crate::StoreResult;
use crate::analytics::rollups::{
    COLUMNS, PRESENCE_COLUMNS, PresenceScan, PresenceTime, RollupKey, RollupScan, RollupTotals,
    WAIT_COLUMNS, WaitCount, Waiting, read_presence, read_row, read_wait, read_waiting,
    waiting_sql,
};
use crate::analytics::spans::{
    SPAN_ROW_INSERT, SavedSpan, SpanHead, SpanRow, read_span_row, span_columns, span_row_cells,
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

    pub(crate) async fn rollup_versions(
        &self,
        tenant_pk: i64,
        from_day: i64,
        to_day: i64,
    ) -> StoreResult<Vec<(i64, i64)>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "select day, version from rollup_change where tenant_pk = ?1 and day >= ?2 and day <= ?3",
            )?;
            let rows = stmt.query_map(rusqlite::params![tenant_pk, from_day, to_day], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    pub(crate) async fn rollup_spans(
        &self,
        tenant_pk: i64,
        level: i64,
        from: i64,
        to: i64,
    ) -> StoreResult<(Vec<SpanHead>, Vec<SpanRow>)> {
        self.read(move |conn| {
            let args = rusqlite::params![tenant_pk, level, from, to];
            let range =
                "where tenant_pk = ?1 and level = ?2 and span_start >= ?3 and span_start < ?4";
            let mut stmt = conn.prepare_cached(&format!(
                "select span_start, span_end, seen from rollup_span {range}"
            ))?;
            let heads = stmt
                .query_map(args, |row| {
                    Ok(SpanHead {
                        start: row.get(0)?,
                        end: row.get(1)?,
                        seen: row.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut stmt = conn.prepare_cached(&format!(
                "select {} from rollup_span_row {range}",
                span_columns()
            ))?;
            let mut rows = stmt.query(args)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(read_span_row(&mut Cols::new(row))?);
            }
            Ok((heads, out))
        })
        .await
    }

    pub(crate) async fn save_rollup_spans(
        &self,
        tenant_pk: i64,
        level: i64,
        spans: Vec<SavedSpan>,
    ) -> StoreResult<()> {
        self.write(move |ctx| {
            let conn = ctx.conn();
            let placeholders: Vec<String> = (1..=31).map(|n| format!("?{n}")).collect();
            let mut insert = conn.prepare_cached(&format!(
                "insert into rollup_span_row ({SPAN_ROW_INSERT}) values ({})",
                placeholders.join(", ")
            ))?;
            for span in spans {
                let SpanHead { start, end, seen } = span.head;
                conn.prepare_cached(
                    "delete from rollup_span_row where tenant_pk = ?1 and level = ?2 and span_start = ?3 and span_end = ?4",
                )?
                .execute(rusqlite::params![tenant_pk, level, start, end])?;
                for (key, totals) in &span.rows {
                    let mut values = vec![
                        rusqlite::types::Value::Integer(tenant_pk),
                        rusqlite::types::Value::Integer(level),
                        rusqlite::types::Value::Integer(start),
                        rusqlite::types::Value::Integer(end),
                    ];
                    values.extend(span_row_cells(key, totals).into_iter().map(codec::cell));
                    insert.execute(rusqlite::params_from_iter(values))?;
                }
                conn.prepare_cached(
                    "insert into rollup_span (tenant_pk, level, span_start, span_end, seen)
                     values (?1, ?2, ?3, ?4, ?5)
                     on conflict (tenant_pk, level, span_start, span_end) do update set seen = excluded.seen",
                )?
                .execute(rusqlite::params![tenant_pk, level, start, end, seen])?;
            }
            Ok(())
        })
        .await
    }
}

/// Adds up what the record triggers left in `rollup_pending` (migration 0010) into the
/// rollups, by key, and empties it: once a write transaction, just before it commits.
/// The rules are those of migration 0008's trigger, summed over the pending rows.
pub(crate) fn flush_pending(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let pending: bool =
        conn.query_row("select exists (select 1 from rollup_pending)", [], |row| {
            row.get(0)
        })?;
    if pending {
        conn.execute_batch(FLUSH)?;
    }
    Ok(())
}

const FLUSH: &str = "
insert into rollup (tenant_pk, level, bucket, queue, agent, channel, direction, records,
    offered, answered, self_service, abandoned, short_abandoned, answered_in_sl,
    answered_wait_secs, answered_talk_secs, answered_hold_secs, answered_wrap_up_secs,
    max_wait_secs, outbound_attempted, outbound_connected, internal, handled,
    first_response_secs, first_responses, resolution_secs, resolutions, sla_met, sla_decided)
select c.tenant_pk, l.n, c.started_at / 900000 * 900000, coalesce(c.queue_id, ''),
    case l.n when 0 then '' else coalesce(c.agent_id, '') end, c.channel, c.direction,
    sum(c.sign),
    sum(c.sign * c.inbound),
    sum(c.sign * c.answered),
    sum(c.sign * (c.call_in and c.status = 'ended' and c.agent_id is null)),
    sum(c.sign * (c.call_in and c.status = 'abandoned')),
    sum(c.sign * (c.call_in and c.status = 'abandoned' and q.short_abandon_secs is not null
        and c.wait < q.short_abandon_secs)),
    sum(c.sign * (c.answered and c.wait <= coalesce(q.sla_answer_secs, 0))),
    sum(c.sign * c.answered * c.wait),
    sum(c.sign * c.answered * coalesce(c.talk_secs, 0)),
    sum(c.sign * c.answered * coalesce(c.hold_secs, 0)),
    sum(c.sign * c.answered * coalesce(c.wrap_up_secs, 0)),
    max(case when c.sign > 0 and c.call_in then c.wait_secs end),
    sum(c.sign * (c.voice and c.direction = 'outbound')),
    sum(c.sign * (c.voice and c.direction = 'outbound' and c.answered_at is not null)),
    sum(c.sign * (c.voice and c.direction = 'internal')),
    sum(c.sign * (c.inbound and c.agent_id is not null
        and (not c.voice or c.answered_at is not null))),
    sum(c.sign * c.inbound * coalesce(c.first_response_secs, 0)),
    sum(c.sign * (c.inbound and c.first_response_secs is not null)),
    sum(c.sign * c.inbound * coalesce(c.resolution_secs, 0)),
    sum(c.sign * (c.inbound and c.resolution_secs is not null)),
    sum(c.sign * (c.inbound and coalesce(c.sla_status, '') = 'met')),
    sum(c.sign * (c.inbound and coalesce(c.sla_status, '') in ('met', 'breached')))
from (select x.*,
        x.direction = 'inbound' as inbound,
        x.channel = 'voice' as voice,
        x.channel = 'voice' and x.direction = 'inbound' as call_in,
        x.channel = 'voice' and x.direction = 'inbound'
            and x.answered_at is not null and x.agent_id is not null as answered,
        coalesce(x.wait_secs, 0) as wait
      from rollup_pending x) c
    cross join (select 0 as n union all select 1) l
    left join queue q on q.tenant_pk = c.tenant_pk and q.id = c.queue_id
where true
group by 1, 2, 3, 4, 5, 6, 7
on conflict (tenant_pk, level, bucket, queue, agent, channel, direction) do update set
    records = records + excluded.records,
    offered = offered + excluded.offered,
    answered = answered + excluded.answered,
    self_service = self_service + excluded.self_service,
    abandoned = abandoned + excluded.abandoned,
    short_abandoned = short_abandoned + excluded.short_abandoned,
    answered_in_sl = answered_in_sl + excluded.answered_in_sl,
    answered_wait_secs = answered_wait_secs + excluded.answered_wait_secs,
    answered_talk_secs = answered_talk_secs + excluded.answered_talk_secs,
    answered_hold_secs = answered_hold_secs + excluded.answered_hold_secs,
    answered_wrap_up_secs = answered_wrap_up_secs + excluded.answered_wrap_up_secs,
    max_wait_secs = case
        when excluded.max_wait_secs is null then max_wait_secs
        when max_wait_secs is null then excluded.max_wait_secs
        else max(max_wait_secs, excluded.max_wait_secs) end,
    outbound_attempted = outbound_attempted + excluded.outbound_attempted,
    outbound_connected = outbound_connected + excluded.outbound_connected,
    internal = internal + excluded.internal,
    handled = handled + excluded.handled,
    first_response_secs = first_response_secs + excluded.first_response_secs,
    first_responses = first_responses + excluded.first_responses,
    resolution_secs = resolution_secs + excluded.resolution_secs,
    resolutions = resolutions + excluded.resolutions,
    sla_met = sla_met + excluded.sla_met,
    sla_decided = sla_decided + excluded.sla_decided;

-- A wait taken out may have been the longest: read the longest again from the records.
update rollup set max_wait_secs = (
        select max(i.wait_secs) from interaction i
        where i.tenant_pk = rollup.tenant_pk
          and i.started_at >= rollup.bucket and i.started_at < rollup.bucket + 900000
          and i.deleted_at is null and i.channel = 'voice' and i.direction = 'inbound'
          and coalesce(i.queue_id, '') = rollup.queue
          and (rollup.level = 0 or coalesce(i.agent_id, '') = rollup.agent))
from (select x.tenant_pk, x.started_at / 900000 * 900000 as bucket,
             coalesce(x.queue_id, '') as queue, coalesce(x.agent_id, '') as agent,
             max(x.wait_secs) as wait
      from rollup_pending x
      where x.sign < 0 and x.wait_secs is not null
        and x.channel = 'voice' and x.direction = 'inbound'
      group by 1, 2, 3, 4) t
where rollup.tenant_pk = t.tenant_pk and rollup.bucket = t.bucket and rollup.queue = t.queue
  and rollup.channel = 'voice' and rollup.direction = 'inbound'
  and (rollup.level = 0 and rollup.agent = '' or rollup.level = 1 and rollup.agent = t.agent)
  and rollup.max_wait_secs <= t.wait;

insert into rollup_wait (tenant_pk, level, bucket, queue, agent, bin, n)
select x.tenant_pk, l.n, x.started_at / 900000 * 900000, coalesce(x.queue_id, ''),
    case l.n when 0 then '' else x.agent_id end,
    (select max(b.bin) from wait_bin b where b.lo <= coalesce(x.wait_secs, 0)), sum(x.sign)
from rollup_pending x cross join (select 0 as n union all select 1) l
where x.channel = 'voice' and x.direction = 'inbound'
  and x.answered_at is not null and x.agent_id is not null
group by 1, 2, 3, 4, 5, 6
on conflict (tenant_pk, level, bucket, queue, agent, bin) do update set n = n + excluded.n;

delete from rollup_pending;
";
