-- Agent time kept at write time: each closed presence interval [at, ended_at) split at the
-- 15-minute UTC edges and summed per user, status and reason, by statement-level triggers in
-- the transaction that writes the changes. An open interval (ended_at null) is not here: a
-- report adds it up to now when it reads. Time before 1970 is left out. The same rules as
-- SQLite's migration 0009; the conformance suite holds both to the records.
create table presence_rollup (
    tenant_pk bigint not null,
    bucket bigint not null,
    user_id text not null,
    status text not null,
    -- '' when the interval gave no reason.
    reason text not null,
    millis bigint not null,
    primary key (tenant_pk, bucket, user_id, status, reason)
);

-- The open intervals a report adds at read time.
create index presence_change_open on presence_change (tenant_pk, at) where ended_at is null;

-- The statement that adds the intervals `rows` selects (columns: sign, tenant_pk, user_id,
-- new_status, reason, at, ended_at) to the rollup.
create function presence_rollup_statement(rows text) returns text language sql immutable as $f$
select format($q$
insert into presence_rollup as r (tenant_pk, bucket, user_id, status, reason, millis)
select x.tenant_pk, b.bucket, x.user_id, x.new_status, coalesce(x.reason, ''),
    sum(x.sign * (least(x.ended_at, b.bucket + 900000) - greatest(x.start, b.bucket)))
from (select y.*, greatest(y.at, 0) as start from (%1$s) y
      where y.ended_at is not null and y.ended_at > greatest(y.at, 0)) x
    cross join lateral generate_series(x.start / 900000 * 900000,
        (x.ended_at - 1) / 900000 * 900000, 900000) b(bucket)
group by 1, 2, 3, 4, 5
on conflict (tenant_pk, bucket, user_id, status, reason) do update set
    millis = r.millis + excluded.millis
$q$, rows)
$f$;

create function presence_rollup_insert() returns trigger language plpgsql as $f$
begin
    execute presence_rollup_statement('select 1 as sign, n.tenant_pk, n.user_id, n.new_status,
        n.reason, n.at, n.ended_at from new_rows n');
    return null;
end $f$;

create function presence_rollup_delete() returns trigger language plpgsql as $f$
begin
    execute presence_rollup_statement('select -1 as sign, o.tenant_pk, o.user_id, o.new_status,
        o.reason, o.at, o.ended_at from old_rows o');
    return null;
end $f$;

create function presence_rollup_update() returns trigger language plpgsql as $f$
begin
    execute presence_rollup_statement('select -1 as sign, o.tenant_pk, o.user_id, o.new_status,
            o.reason, o.at, o.ended_at
        from old_rows o join new_rows n on n.pk = o.pk
        where (o.user_id, o.new_status, o.reason, o.at, o.ended_at)
            is distinct from (n.user_id, n.new_status, n.reason, n.at, n.ended_at)
        union all
        select 1 as sign, n.tenant_pk, n.user_id, n.new_status, n.reason, n.at, n.ended_at
        from old_rows o join new_rows n on n.pk = o.pk
        where (o.user_id, o.new_status, o.reason, o.at, o.ended_at)
            is distinct from (n.user_id, n.new_status, n.reason, n.at, n.ended_at)');
    return null;
end $f$;

create trigger presence_rollup_insert after insert on presence_change
    referencing new table as new_rows
    for each statement execute function presence_rollup_insert();
create trigger presence_rollup_delete after delete on presence_change
    referencing old table as old_rows
    for each statement execute function presence_rollup_delete();
create trigger presence_rollup_update after update on presence_change
    referencing old table as old_rows new table as new_rows
    for each statement execute function presence_rollup_update();

-- The changes already stored.
do $$
begin
    execute presence_rollup_statement('select 1 as sign, c.tenant_pk, c.user_id, c.new_status,
        c.reason, c.at, c.ended_at from presence_change c');
end $$;

-- Calls not yet ended, for the real-time view's waiting calls.
create index interaction_unended on interaction (tenant_pk, queue_id)
where ended_at is null and deleted_at is null;

-- A queue's business hours (`crate::hours`: JSON with its zone, weekly ranges and holidays);
-- reports read them to keep or leave calls for `hours=`.
alter table queue add column business_hours text;
