-- The same as SQLite's migration 0010. Rollups over long buckets (a day, a week, a month, in any zone), summed from the
-- 15-minute rows when a report first asks and kept for the next one: a read-through cache,
-- valid while nothing changed in the UTC days it covers. Every write to a 15-minute row
-- (level 0, which every record change reaches) raises its UTC day's version in the same
-- transaction; a span remembers the sum of its days' versions when it was summed.
create table rollup_change (
    tenant_pk bigint not null,
    -- Days since 1970 (UTC).
    day bigint not null,
    version bigint not null,
    primary key (tenant_pk, day)
);

insert into rollup_change (tenant_pk, day, version)
select tenant_pk, bucket / 86400000, 1 from rollup where level = 0 group by 1, 2;

-- Once a statement: the days its rows (`rows`) touched, each raised once.
create function rollup_changed_statement(rows text) returns text language sql immutable as $f$
select format($q$
insert into rollup_change as c (tenant_pk, day, version)
select x.tenant_pk, x.bucket / 86400000, 1 from (%1$s) x where x.level = 0 group by 1, 2
on conflict (tenant_pk, day) do update set version = c.version + 1
$q$, rows)
$f$;

create function rollup_changed_new() returns trigger language plpgsql as $f$
begin
    execute rollup_changed_statement('select tenant_pk, level, bucket from new_rows');
    return null;
end $f$;

create function rollup_changed_old() returns trigger language plpgsql as $f$
begin
    execute rollup_changed_statement('select tenant_pk, level, bucket from old_rows');
    return null;
end $f$;

create trigger rollup_changed_insert after insert on rollup
    referencing new table as new_rows
    for each statement execute function rollup_changed_new();
create trigger rollup_changed_update after update on rollup
    referencing new table as new_rows
    for each statement execute function rollup_changed_new();
create trigger rollup_changed_delete after delete on rollup
    referencing old table as old_rows
    for each statement execute function rollup_changed_old();

-- A span summed at one level: `seen` is the sum of the versions of the UTC days it meets.
create table rollup_span (
    tenant_pk bigint not null,
    level bigint not null,
    span_start bigint not null,
    span_end bigint not null,
    seen bigint not null,
    primary key (tenant_pk, level, span_start, span_end)
);

-- A span's totals per key, as the 15-minute rows hold them, with the answered waits as
-- `bin:count` pairs (`crate::analytics::spans`).
create table rollup_span_row (
    tenant_pk bigint not null,
    level bigint not null,
    span_start bigint not null,
    span_end bigint not null,
    queue text not null,
    agent text not null,
    channel text not null,
    direction text not null,
    records bigint not null,
    offered bigint not null,
    answered bigint not null,
    self_service bigint not null,
    abandoned bigint not null,
    short_abandoned bigint not null,
    answered_in_sl bigint not null,
    answered_wait_secs bigint not null,
    answered_talk_secs bigint not null,
    answered_hold_secs bigint not null,
    answered_wrap_up_secs bigint not null,
    max_wait_secs bigint,
    outbound_attempted bigint not null,
    outbound_connected bigint not null,
    internal bigint not null,
    handled bigint not null,
    first_response_secs bigint not null,
    first_responses bigint not null,
    resolution_secs bigint not null,
    resolutions bigint not null,
    sla_met bigint not null,
    sla_decided bigint not null,
    waits text not null,
    primary key (tenant_pk, level, span_start, span_end, queue, agent, channel, direction)
);
