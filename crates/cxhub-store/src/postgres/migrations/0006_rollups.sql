-- Rollups kept at write time: each record's contribution to the analytics totals
-- (`cxhub-analytics`), summed per 15-minute UTC bucket by statement-level triggers, in the
-- transaction that writes the records. Level 0 is per queue (agent ''); level 1 per queue and
-- agent, so a queue's new thresholds touch only its own rows. '' stands for "none" in a key.
-- A row whose `records` is 0 holds nothing: a record moved out of its key leaves one.
-- The same rules as SQLite's migration 0008; the conformance suite holds both to the records.
create table rollup (
    tenant_pk bigint not null,
    level bigint not null,
    bucket bigint not null,
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
    primary key (tenant_pk, level, bucket, queue, agent, channel, direction)
);

-- The waits of answered inbound calls, counted per histogram bin (`Histogram::bin_of`).
create table rollup_wait (
    tenant_pk bigint not null,
    level bigint not null,
    bucket bigint not null,
    queue text not null,
    agent text not null,
    bin bigint not null,
    n bigint not null,
    primary key (tenant_pk, level, bucket, queue, agent, bin)
);

-- Each histogram bin's lowest value; a wait is in the bin with the greatest `lo` at or below
-- it. The store's tests check these against `Histogram`.
create table wait_bin (bin bigint primary key, lo bigint not null unique);
insert into wait_bin (bin, lo) values
    (0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7),
    (8, 8), (9, 9), (10, 10), (11, 11), (12, 12), (13, 13), (14, 14), (15, 15),
    (16, 16), (17, 17), (18, 18), (19, 19), (20, 20), (21, 22), (22, 25), (23, 27),
    (24, 30), (25, 33), (26, 36), (27, 39), (28, 43), (29, 48), (30, 52), (31, 58),
    (32, 63), (33, 70), (34, 76), (35, 84), (36, 92), (37, 102), (38, 112), (39, 123),
    (40, 135), (41, 149), (42, 163), (43, 180), (44, 197), (45, 217), (46, 239), (47, 263),
    (48, 289), (49, 318), (50, 349), (51, 384), (52, 423), (53, 465), (54, 511), (55, 563),
    (56, 619), (57, 681), (58, 749), (59, 823), (60, 906), (61, 996), (62, 1096), (63, 1205),
    (64, 1326), (65, 1458), (66, 1604), (67, 1764), (68, 1941), (69, 2135), (70, 2348), (71, 2583),
    (72, 2841), (73, 3125), (74, 3438), (75, 3782), (76, 4160), (77, 4576), (78, 5033), (79, 5537),
    (80, 6090), (81, 6699), (82, 7369), (83, 8106), (84, 8916), (85, 9808), (86, 10789), (87, 11867),
    (88, 13054), (89, 14360), (90, 15795), (91, 17375), (92, 19112), (93, 21024), (94, 23126), (95, 25438),
    (96, 27982), (97, 30780), (98, 33858), (99, 37244), (100, 40969), (101, 45065), (102, 49572), (103, 54529),
    (104, 59982), (105, 65980), (106, 72578), (107, 79836), (108, 87819), (109, 96601), (110, 106261), (111, 116887),
    (112, 128576), (113, 141433), (114, 155576), (115, 171134), (116, 188247), (117, 207072), (118, 227779), (119, 250557),
    (120, 275613), (121, 303174), (122, 333491), (123, 366840), (124, 403524), (125, 443877), (126, 488264), (127, 537091),
    (128, 590800), (129, 649880), (130, 714868), (131, 786354), (132, 864990), (133, 951489), (134, 1046638), (135, 1151301),
    (136, 1266431), (137, 1393074), (138, 1532382), (139, 1685620), (140, 1854182), (141, 2039600), (142, 2243560), (143, 2467916),
    (144, 2714707), (145, 2986178), (146, 3284796), (147, 3613275), (148, 3974603), (149, 4372063), (150, 4809269), (151, 5290196),
    (152, 5819216), (153, 6401137), (154, 7041251), (155, 7745376), (156, 8519914), (157, 9371905), (158, 10309096), (159, 11340005),
    (160, 12474006), (161, 13721406), (162, 15093547), (163, 16602901), (164, 18263191), (165, 20089510), (166, 22098461), (167, 24308308),
    (168, 26739138), (169, 29413052), (170, 32354357), (171, 35589793), (172, 39148772), (173, 43063649), (174, 47370014), (175, 52107016),
    (176, 57317717), (177, 63049489), (178, 69354438), (179, 76289881), (180, 83918869), (181, 92310756), (182, 101541832), (183, 111696015),
    (184, 122865616), (185, 135152178), (186, 148667396), (187, 163534135), (188, 179887549), (189, 197876303), (190, 217663934), (191, 239430327),
    (192, 263373360), (193, 289710696), (194, 318681765), (195, 350549942), (196, 385604936), (197, 424165429), (198, 466581972), (199, 513240169),
    (200, 564564186), (201, 621020605), (202, 683122665), (203, 751434931), (204, 826578424), (205, 909236267), (206, 1000159893), (207, 1100175883),
    (208, 1210193471), (209, 1331212818), (210, 1464334100), (211, 1610767510), (212, 1771844261), (213, 1949028687), (214, 2143931555), (215, 2358324711),
    (216, 2594157182), (217, 2853572900), (218, 3138930190), (219, 3452823209), (220, 3798105530), (221, 4177916083), (222, 4595707691);

-- The statements that add the rows `rows` selects (columns: sign, then `rollup_columns`) to
-- the rollups: a trigger runs them with its transition tables named in `rows`.
create function rollup_statements(rows text) returns text[] language sql immutable as $f$
select array[
format($q$
insert into rollup as r (tenant_pk, level, bucket, queue, agent, channel, direction, records,
    offered, answered, self_service, abandoned, short_abandoned, answered_in_sl,
    answered_wait_secs, answered_talk_secs, answered_hold_secs, answered_wrap_up_secs,
    max_wait_secs, outbound_attempted, outbound_connected, internal, handled,
    first_response_secs, first_responses, resolution_secs, resolutions, sla_met, sla_decided)
select c.tenant_pk, l.n, c.started_at / 900000 * 900000, coalesce(c.queue_id, ''),
    case l.n when 0 then '' else coalesce(c.agent_id, '') end, c.channel, c.direction,
    sum(c.sign),
    sum(c.sign * c.inbound::int),
    sum(c.sign * c.answered::int),
    sum(c.sign * (c.call_in and c.status = 'ended' and c.agent_id is null)::int),
    sum(c.sign * (c.call_in and c.status = 'abandoned')::int),
    sum(c.sign * (c.call_in and c.status = 'abandoned' and q.short_abandon_secs is not null
        and c.wait < q.short_abandon_secs)::int),
    sum(c.sign * (c.answered and c.wait <= coalesce(q.sla_answer_secs, 0))::int),
    sum(c.sign * c.answered::int * c.wait),
    sum(c.sign * c.answered::int * coalesce(c.talk_secs, 0)),
    sum(c.sign * c.answered::int * coalesce(c.hold_secs, 0)),
    sum(c.sign * c.answered::int * coalesce(c.wrap_up_secs, 0)),
    max(case when c.sign > 0 and c.call_in then c.wait_secs end),
    sum(c.sign * (c.voice and c.direction = 'outbound')::int),
    sum(c.sign * (c.voice and c.direction = 'outbound' and c.answered_at is not null)::int),
    sum(c.sign * (c.voice and c.direction = 'internal')::int),
    sum(c.sign * (c.inbound and c.agent_id is not null
        and (not c.voice or c.answered_at is not null))::int),
    sum(c.sign * c.inbound::int * coalesce(c.first_response_secs, 0)),
    sum(c.sign * (c.inbound and c.first_response_secs is not null)::int),
    sum(c.sign * c.inbound::int * coalesce(c.resolution_secs, 0)),
    sum(c.sign * (c.inbound and c.resolution_secs is not null)::int),
    sum(c.sign * (c.inbound and coalesce(c.sla_status, '') = 'met')::int),
    sum(c.sign * (c.inbound and coalesce(c.sla_status, '') in ('met', 'breached'))::int)
from (select x.*,
        x.direction = 'inbound' as inbound,
        x.channel = 'voice' as voice,
        x.channel = 'voice' and x.direction = 'inbound' as call_in,
        x.channel = 'voice' and x.direction = 'inbound'
            and x.answered_at is not null and x.agent_id is not null as answered,
        coalesce(x.wait_secs, 0) as wait
      from (%1$s) x) c
    cross join (values (0), (1)) l(n)
    left join queue q on q.tenant_pk = c.tenant_pk and q.id = c.queue_id
group by 1, 2, 3, 4, 5, 6, 7
on conflict (tenant_pk, level, bucket, queue, agent, channel, direction) do update set
    records = r.records + excluded.records,
    offered = r.offered + excluded.offered,
    answered = r.answered + excluded.answered,
    self_service = r.self_service + excluded.self_service,
    abandoned = r.abandoned + excluded.abandoned,
    short_abandoned = r.short_abandoned + excluded.short_abandoned,
    answered_in_sl = r.answered_in_sl + excluded.answered_in_sl,
    answered_wait_secs = r.answered_wait_secs + excluded.answered_wait_secs,
    answered_talk_secs = r.answered_talk_secs + excluded.answered_talk_secs,
    answered_hold_secs = r.answered_hold_secs + excluded.answered_hold_secs,
    answered_wrap_up_secs = r.answered_wrap_up_secs + excluded.answered_wrap_up_secs,
    max_wait_secs = greatest(r.max_wait_secs, excluded.max_wait_secs),
    outbound_attempted = r.outbound_attempted + excluded.outbound_attempted,
    outbound_connected = r.outbound_connected + excluded.outbound_connected,
    internal = r.internal + excluded.internal,
    handled = r.handled + excluded.handled,
    first_response_secs = r.first_response_secs + excluded.first_response_secs,
    first_responses = r.first_responses + excluded.first_responses,
    resolution_secs = r.resolution_secs + excluded.resolution_secs,
    resolutions = r.resolutions + excluded.resolutions,
    sla_met = r.sla_met + excluded.sla_met,
    sla_decided = r.sla_decided + excluded.sla_decided
$q$, rows),
-- A wait taken out may have been the longest: read the longest again from the records.
format($q$
update rollup r set max_wait_secs = (
        select max(i.wait_secs) from interaction i
        where i.tenant_pk = r.tenant_pk
          and i.started_at >= r.bucket and i.started_at < r.bucket + 900000
          and i.deleted_at is null and i.channel = 'voice' and i.direction = 'inbound'
          and coalesce(i.queue_id, '') = r.queue
          and (r.level = 0 or coalesce(i.agent_id, '') = r.agent))
from (select x.tenant_pk, x.started_at / 900000 * 900000 as bucket,
             coalesce(x.queue_id, '') as queue, coalesce(x.agent_id, '') as agent,
             max(x.wait_secs) as wait
      from (%1$s) x
      where x.sign < 0 and x.wait_secs is not null
        and x.channel = 'voice' and x.direction = 'inbound'
      group by 1, 2, 3, 4) t
where r.tenant_pk = t.tenant_pk and r.bucket = t.bucket and r.queue = t.queue
  and r.channel = 'voice' and r.direction = 'inbound'
  and (r.level = 0 and r.agent = '' or r.level = 1 and r.agent = t.agent)
  and r.max_wait_secs <= t.wait
$q$, rows),
format($q$
insert into rollup_wait as r (tenant_pk, level, bucket, queue, agent, bin, n)
select x.tenant_pk, l.n, x.started_at / 900000 * 900000, coalesce(x.queue_id, ''),
    case l.n when 0 then '' else x.agent_id end,
    (select max(b.bin) from wait_bin b where b.lo <= coalesce(x.wait_secs, 0)), sum(x.sign)
from (%1$s) x cross join (values (0), (1)) l(n)
where x.channel = 'voice' and x.direction = 'inbound'
  and x.answered_at is not null and x.agent_id is not null
group by 1, 2, 3, 4, 5, 6
on conflict (tenant_pk, level, bucket, queue, agent, bin) do update set n = r.n + excluded.n
$q$, rows)]
$f$;

-- The columns of a record that its contribution reads, after its sign.
create function rollup_columns(alias text) returns text language sql immutable as $f$
select format('%1$s.tenant_pk, %1$s.started_at, %1$s.queue_id, %1$s.agent_id, %1$s.channel,
    %1$s.direction, %1$s.status, %1$s.answered_at, %1$s.wait_secs, %1$s.talk_secs,
    %1$s.hold_secs, %1$s.wrap_up_secs, %1$s.first_response_secs, %1$s.resolution_secs,
    %1$s.sla_status', alias)
$f$;

-- Records before 1970 are left out of the rollups; a report that reaches back that far is
-- answered from the records.
create function interaction_rollup_insert() returns trigger language plpgsql as $f$
declare
    statement text;
begin
    foreach statement in array rollup_statements(format(
        'select 1 as sign, %s from new_rows n where n.deleted_at is null and n.started_at >= 0',
        rollup_columns('n')))
    loop
        execute statement;
    end loop;
    return null;
end $f$;

create function interaction_rollup_delete() returns trigger language plpgsql as $f$
declare
    statement text;
begin
    foreach statement in array rollup_statements(format(
        'select -1 as sign, %s from old_rows o where o.deleted_at is null and o.started_at >= 0',
        rollup_columns('o')))
    loop
        execute statement;
    end loop;
    return null;
end $f$;

-- Only the rows whose contribution may have changed: a refold rewrites many columns that
-- the rollups do not read.
create function interaction_rollup_update() returns trigger language plpgsql as $f$
declare
    statement text;
    changed text := format(
        'from old_rows o join new_rows n on n.pk = o.pk where (%s, o.deleted_at) is distinct from (%s, n.deleted_at)',
        rollup_columns('o'), rollup_columns('n'));
begin
    foreach statement in array rollup_statements(format(
        'select -1 as sign, %s %s and o.deleted_at is null and o.started_at >= 0
         union all
         select 1 as sign, %s %s and n.deleted_at is null and n.started_at >= 0',
        rollup_columns('o'), changed, rollup_columns('n'), changed))
    loop
        execute statement;
    end loop;
    return null;
end $f$;

create trigger interaction_rollup_insert after insert on interaction
    referencing new table as new_rows
    for each statement execute function interaction_rollup_insert();
create trigger interaction_rollup_delete after delete on interaction
    referencing old table as old_rows
    for each statement execute function interaction_rollup_delete();
create trigger interaction_rollup_update after update on interaction
    referencing old table as old_rows new table as new_rows
    for each statement execute function interaction_rollup_update();

-- A queue's thresholds decide which of its calls are within the service level or short
-- abandons: when they change, its rows at both levels are added up again.
create function queue_rollup_rules() returns trigger language plpgsql as $f$
declare
    statement text;
    changed text := 'select n.tenant_pk, n.id from new_rows n join old_rows o
        on o.tenant_pk = n.tenant_pk and o.id = n.id
        where (o.sla_answer_secs, o.short_abandon_secs)
            is distinct from (n.sla_answer_secs, n.short_abandon_secs)';
begin
    execute format('delete from rollup where (tenant_pk, queue) in (%s)', changed);
    execute format('delete from rollup_wait where (tenant_pk, queue) in (%s)', changed);
    foreach statement in array rollup_statements(format(
        'select 1 as sign, %s from interaction i where (i.tenant_pk, i.queue_id) in (%s)
           and i.deleted_at is null and i.started_at >= 0', rollup_columns('i'), changed))
    loop
        execute statement;
    end loop;
    return null;
end $f$;

create trigger queue_rollup_rules after update on queue
    referencing old table as old_rows new table as new_rows
    for each statement execute function queue_rollup_rules();

-- The records already stored.
do $$
declare
    statement text;
begin
    foreach statement in array rollup_statements(format(
        'select 1 as sign, %s from interaction i where i.deleted_at is null and i.started_at >= 0',
        rollup_columns('i')))
    loop
        execute statement;
    end loop;
end $$;
