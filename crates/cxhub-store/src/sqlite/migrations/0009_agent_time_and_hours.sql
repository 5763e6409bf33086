-- Agent time kept at write time: each closed presence interval [at, ended_at) split at the
-- 15-minute UTC edges and summed per user, status and reason (`cxhub_analytics::agents`),
-- in the transaction that writes the change. An open interval (ended_at null) is not here:
-- a report adds it up to now when it reads. Time before 1970 is left out.
create table presence_rollup (
    tenant_pk integer not null,
    bucket integer not null,
    user_id text not null,
    status text not null,
    -- '' when the interval gave no reason.
    reason text not null,
    millis integer not null,
    primary key (tenant_pk, bucket, user_id, status, reason)
) without rowid;

-- 0 to 1023: three of them numbered together count the buckets of an interval up to 2^30
-- (triggers cannot use a recursive query).
create table rollup_step (n integer primary key);
insert into rollup_step (n)
with recursive s(n) as (select 0 union all select n + 1 from s where n < 1023)
select n from s;

-- The open intervals a report adds at read time.
create index presence_change_open on presence_change (tenant_pk, at) where ended_at is null;

-- What an interval adds (sign 1) or takes out (sign -1); writing into this view runs the
-- trigger below, nothing is stored in it. `start` is `at`, or 1970 when it is earlier.
create view presence_feed as
select 0 as sign, tenant_pk, user_id, new_status, reason, at as start, ended_at
from presence_change where 0;

create trigger presence_feed_in instead of insert on presence_feed
when new.ended_at > new.start
begin
    insert into presence_rollup (tenant_pk, bucket, user_id, status, reason, millis)
    select new.tenant_pk, b.bucket, new.user_id, new.new_status, coalesce(new.reason, ''),
        new.sign * (min(new.ended_at, b.bucket + 900000) - max(new.start, b.bucket))
    from (select (new.start / 900000 + hi.n * 1048576 + mid.n * 1024 + lo.n) * 900000 as bucket
          from rollup_step hi, rollup_step mid, rollup_step lo
          where hi.n <= ((new.ended_at - 1) / 900000 - new.start / 900000) / 1048576
            and mid.n <= case
                when hi.n = ((new.ended_at - 1) / 900000 - new.start / 900000) / 1048576
                then ((new.ended_at - 1) / 900000 - new.start / 900000) / 1024 % 1024
                else 1023 end
            and lo.n <= case
                when hi.n * 1024 + mid.n = ((new.ended_at - 1) / 900000 - new.start / 900000) / 1024
                then ((new.ended_at - 1) / 900000 - new.start / 900000) % 1024
                else 1023 end) as b
    where true
    on conflict (tenant_pk, bucket, user_id, status, reason) do update set
        millis = millis + excluded.millis;
end;

create trigger presence_rollup_insert after insert on presence_change
when new.ended_at is not null
begin
    insert into presence_feed select 1, new.tenant_pk, new.user_id, new.new_status, new.reason,
        max(new.at, 0), new.ended_at;
end;

create trigger presence_rollup_delete after delete on presence_change
when old.ended_at is not null
begin
    insert into presence_feed select -1, old.tenant_pk, old.user_id, old.new_status, old.reason,
        max(old.at, 0), old.ended_at;
end;

create trigger presence_rollup_update after update of user_id, new_status, reason, at, ended_at
    on presence_change
when (old.user_id, old.new_status, old.reason, old.at, old.ended_at)
  is not (new.user_id, new.new_status, new.reason, new.at, new.ended_at)
begin
    insert into presence_feed select -1, old.tenant_pk, old.user_id, old.new_status, old.reason,
        max(old.at, 0), old.ended_at
    where old.ended_at is not null;
    insert into presence_feed select 1, new.tenant_pk, new.user_id, new.new_status, new.reason,
        max(new.at, 0), new.ended_at
    where new.ended_at is not null;
end;

-- The changes already stored.
insert into presence_feed select 1, tenant_pk, user_id, new_status, reason, max(at, 0), ended_at
from presence_change where ended_at is not null;

-- Calls not yet ended, for the real-time view's waiting calls.
create index interaction_unended on interaction (tenant_pk, queue_id)
where ended_at is null and deleted_at is null;

-- A queue's business hours (`crate::hours`: JSON with its zone, weekly ranges and holidays);
-- reports read them to keep or leave calls for `hours=`.
alter table queue add column business_hours text;
