-- Rollups kept once a write transaction, not once a row: the record triggers (0008) now
-- put each contribution into `rollup_pending`, and the writer adds them up by key into the
-- rollups just before it commits (`sqlite::rollups::flush_pending`), as PostgreSQL's
-- statement-level triggers do. Nothing pending is ever committed.
create table rollup_pending (
    sign integer not null,
    tenant_pk integer not null,
    started_at integer not null,
    queue_id text,
    agent_id text,
    channel text not null,
    direction text not null,
    status text not null,
    answered_at integer,
    wait_secs integer,
    talk_secs integer,
    hold_secs integer,
    wrap_up_secs integer,
    first_response_secs integer,
    resolution_secs integer,
    sla_status text
);

drop trigger rollup_feed_in;
create trigger rollup_feed_in instead of insert on rollup_feed
begin
    insert into rollup_pending values (new.sign, new.tenant_pk, new.started_at, new.queue_id,
        new.agent_id, new.channel, new.direction, new.status, new.answered_at, new.wait_secs,
        new.talk_secs, new.hold_secs, new.wrap_up_secs, new.first_response_secs,
        new.resolution_secs, new.sla_status);
end;

-- The record triggers write their contributions straight into it.
drop trigger interaction_rollup_insert;
create trigger interaction_rollup_insert after insert on interaction
when new.deleted_at is null and new.started_at >= 0
begin
    insert into rollup_pending values (1, new.tenant_pk, new.started_at, new.queue_id, new.agent_id, new.channel, new.direction, new.status,
        new.answered_at, new.wait_secs, new.talk_secs, new.hold_secs, new.wrap_up_secs,
        new.first_response_secs, new.resolution_secs, new.sla_status);
end;

drop trigger interaction_rollup_delete;
create trigger interaction_rollup_delete after delete on interaction
when old.deleted_at is null and old.started_at >= 0
begin
    insert into rollup_pending values (-1, old.tenant_pk, old.started_at, old.queue_id, old.agent_id, old.channel, old.direction, old.status,
        old.answered_at, old.wait_secs, old.talk_secs, old.hold_secs, old.wrap_up_secs,
        old.first_response_secs, old.resolution_secs, old.sla_status);
end;

drop trigger interaction_rollup_update;
create trigger interaction_rollup_update after update of started_at, queue_id, agent_id, channel,
    direction, status, answered_at, wait_secs, talk_secs, hold_secs, wrap_up_secs,
    first_response_secs, resolution_secs, sla_status, deleted_at on interaction
when (old.started_at, old.queue_id, old.agent_id, old.channel, old.direction, old.status,
      old.answered_at, old.wait_secs, old.talk_secs, old.hold_secs, old.wrap_up_secs,
      old.first_response_secs, old.resolution_secs, old.sla_status, old.deleted_at)
  is not (new.started_at, new.queue_id, new.agent_id, new.channel, new.direction, new.status,
      new.answered_at, new.wait_secs, new.talk_secs, new.hold_secs, new.wrap_up_secs,
      new.first_response_secs, new.resolution_secs, new.sla_status, new.deleted_at)
begin
    insert into rollup_pending select -1, old.tenant_pk, old.started_at, old.queue_id, old.agent_id, old.channel, old.direction, old.status,
        old.answered_at, old.wait_secs, old.talk_secs, old.hold_secs, old.wrap_up_secs,
        old.first_response_secs, old.resolution_secs, old.sla_status
    where old.deleted_at is null and old.started_at >= 0;
    insert into rollup_pending select 1, new.tenant_pk, new.started_at, new.queue_id, new.agent_id, new.channel, new.direction, new.status,
        new.answered_at, new.wait_secs, new.talk_secs, new.hold_secs, new.wrap_up_secs,
        new.first_response_secs, new.resolution_secs, new.sla_status
    where new.deleted_at is null and new.started_at >= 0;
end;

-- A queue's new thresholds: its rows are added up again from its records, and what was
-- pending for it is dropped (the records hold it).
drop trigger queue_rollup_rules;
create trigger queue_rollup_rules after update of sla_answer_secs, short_abandon_secs on queue
when old.sla_answer_secs is not new.sla_answer_secs
  or old.short_abandon_secs is not new.short_abandon_secs
begin
    delete from rollup where tenant_pk = new.tenant_pk and queue = new.id;
    delete from rollup_wait where tenant_pk = new.tenant_pk and queue = new.id;
    delete from rollup_pending where tenant_pk = new.tenant_pk and queue_id = new.id;
    insert into rollup_feed select 1, tenant_pk, started_at, queue_id, agent_id, channel,
        direction, status, answered_at, wait_secs, talk_secs, hold_secs, wrap_up_secs,
        first_response_secs, resolution_secs, sla_status
    from interaction
    where tenant_pk = new.tenant_pk and queue_id = new.id
      and deleted_at is null and started_at >= 0;
end;

-- Rollups over long buckets (a day, a week, a month, in any zone), summed from the
-- 15-minute rows when a report first asks and kept for the next one: a read-through cache,
-- valid while nothing changed in the UTC days it covers. Every write to a 15-minute row
-- (level 0, which every record change reaches) raises its UTC day's version in the same
-- transaction; a span remembers the sum of its days' versions when it was summed.
create table rollup_change (
    tenant_pk integer not null,
    -- Days since 1970 (UTC).
    day integer not null,
    version integer not null,
    primary key (tenant_pk, day)
) without rowid;

insert into rollup_change (tenant_pk, day, version)
select tenant_pk, bucket / 86400000, 1 from rollup where level = 0 group by 1, 2;

create trigger rollup_changed_insert after insert on rollup when new.level = 0
begin
    insert into rollup_change (tenant_pk, day, version) values (new.tenant_pk, new.bucket / 86400000, 1)
    on conflict (tenant_pk, day) do update set version = version + 1;
end;

create trigger rollup_changed_update after update on rollup when new.level = 0
begin
    insert into rollup_change (tenant_pk, day, version) values (new.tenant_pk, new.bucket / 86400000, 1)
    on conflict (tenant_pk, day) do update set version = version + 1;
end;

create trigger rollup_changed_delete after delete on rollup when old.level = 0
begin
    insert into rollup_change (tenant_pk, day, version) values (old.tenant_pk, old.bucket / 86400000, 1)
    on conflict (tenant_pk, day) do update set version = version + 1;
end;

-- A span summed at one level: `seen` is the sum of the versions of the UTC days it meets.
create table rollup_span (
    tenant_pk integer not null,
    level integer not null,
    span_start integer not null,
    span_end integer not null,
    seen integer not null,
    primary key (tenant_pk, level, span_start, span_end)
) without rowid;

-- A span's totals per key, as the 15-minute rows hold them, with the answered waits as
-- `bin:count` pairs (`crate::analytics::spans`).
create table rollup_span_row (
    tenant_pk integer not null,
    level integer not null,
    span_start integer not null,
    span_end integer not null,
    queue text not null,
    agent text not null,
    channel text not null,
    direction text not null,
    records integer not null,
    offered integer not null,
    answered integer not null,
    self_service integer not null,
    abandoned integer not null,
    short_abandoned integer not null,
    answered_in_sl integer not null,
    answered_wait_secs integer not null,
    answered_talk_secs integer not null,
    answered_hold_secs integer not null,
    answered_wrap_up_secs integer not null,
    max_wait_secs integer,
    outbound_attempted integer not null,
    outbound_connected integer not null,
    internal integer not null,
    handled integer not null,
    first_response_secs integer not null,
    first_responses integer not null,
    resolution_secs integer not null,
    resolutions integer not null,
    sla_met integer not null,
    sla_decided integer not null,
    waits text not null,
    primary key (tenant_pk, level, span_start, span_end, queue, agent, channel, direction)
) without rowid;
