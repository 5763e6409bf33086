-- Rollups kept at write time: each record's contribution to the analytics totals
-- (`cxhub-analytics`), summed per 15-minute UTC bucket, in the transaction that writes the
-- record. Level 0 is per queue (agent ''); level 1 per queue and agent, so a queue's new
-- thresholds touch only its own rows at both levels. '' stands for "none" in a key.
-- A row whose `records` is 0 holds nothing: a record moved out of its key leaves one.
create table rollup (
    tenant_pk integer not null,
    level integer not null,
    bucket integer not null,
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
    primary key (tenant_pk, level, bucket, queue, agent, channel, direction)
) without rowid;

-- The waits of answered inbound calls, counted per histogram bin (`Histogram::bin_of`).
create table rollup_wait (
    tenant_pk integer not null,
    level integer not null,
    bucket integer not null,
    queue text not null,
    agent text not null,
    bin integer not null,
    n integer not null,
    primary key (tenant_pk, level, bucket, queue, agent, bin)
) without rowid;

-- Each histogram bin's lowest value; a wait is in the bin with the greatest `lo` at or below
-- it. The store's tests check these against `Histogram`.
create table wait_bin (bin integer primary key, lo integer not null unique);
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

-- What a record adds (sign 1) or takes out (sign -1). Writing into this view runs the
-- trigger below; nothing is stored in it.
create view rollup_feed as
select 0 as sign, tenant_pk, started_at, queue_id, agent_id, channel, direction, status,
       answered_at, wait_secs, talk_secs, hold_secs, wrap_up_secs, first_response_secs,
       resolution_secs, sla_status
from interaction where 0;

create trigger rollup_feed_in instead of insert on rollup_feed
begin
    insert into rollup (tenant_pk, level, bucket, queue, agent, channel, direction, records,
        offered, answered, self_service, abandoned, short_abandoned, answered_in_sl,
        answered_wait_secs, answered_talk_secs, answered_hold_secs, answered_wrap_up_secs,
        max_wait_secs, outbound_attempted, outbound_connected, internal, handled,
        first_response_secs, first_responses, resolution_secs, resolutions, sla_met,
        sla_decided)
    select new.tenant_pk, level.n, new.started_at / 900000 * 900000,
        coalesce(new.queue_id, ''), case level.n when 0 then '' else coalesce(new.agent_id, '') end,
        new.channel, new.direction, new.sign,
        new.sign * c.inbound,
        new.sign * c.answered,
        new.sign * (c.call_in and new.status = 'ended' and new.agent_id is null),
        new.sign * (c.call_in and new.status = 'abandoned'),
        new.sign * (c.call_in and new.status = 'abandoned' and rules.short_abandon_secs is not null
            and c.wait < rules.short_abandon_secs),
        new.sign * (c.answered and c.wait <= coalesce(rules.sla_answer_secs, 0)),
        new.sign * c.answered * c.wait,
        new.sign * c.answered * coalesce(new.talk_secs, 0),
        new.sign * c.answered * coalesce(new.hold_secs, 0),
        new.sign * c.answered * coalesce(new.wrap_up_secs, 0),
        case when new.sign > 0 and c.call_in then new.wait_secs end,
        new.sign * (c.voice and new.direction = 'outbound'),
        new.sign * (c.voice and new.direction = 'outbound' and new.answered_at is not null),
        new.sign * (c.voice and new.direction = 'internal'),
        new.sign * (c.inbound and new.agent_id is not null
            and (not c.voice or new.answered_at is not null)),
        new.sign * c.inbound * coalesce(new.first_response_secs, 0),
        new.sign * (c.inbound and new.first_response_secs is not null),
        new.sign * c.inbound * coalesce(new.resolution_secs, 0),
        new.sign * (c.inbound and new.resolution_secs is not null),
        new.sign * (c.inbound and coalesce(new.sla_status, '') = 'met'),
        new.sign * (c.inbound and coalesce(new.sla_status, '') in ('met', 'breached'))
    from (select 0 as n union all select 1) as level,
        (select new.direction = 'inbound' as inbound,
                new.channel = 'voice' as voice,
                new.channel = 'voice' and new.direction = 'inbound' as call_in,
                new.channel = 'voice' and new.direction = 'inbound'
                    and new.answered_at is not null and new.agent_id is not null as answered,
                coalesce(new.wait_secs, 0) as wait) as c,
        (select (select sla_answer_secs from queue
                    where tenant_pk = new.tenant_pk and id = new.queue_id) as sla_answer_secs,
                (select short_abandon_secs from queue
                    where tenant_pk = new.tenant_pk and id = new.queue_id) as short_abandon_secs) as rules
    where true
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
    where new.sign < 0 and new.wait_secs is not null
      and new.channel = 'voice' and new.direction = 'inbound'
      and tenant_pk = new.tenant_pk and level in (0, 1)
      and bucket = new.started_at / 900000 * 900000
      and queue = coalesce(new.queue_id, '')
      and agent in ('', coalesce(new.agent_id, ''))
      and channel = 'voice' and direction = 'inbound'
      and max_wait_secs <= new.wait_secs;

    insert into rollup_wait (tenant_pk, level, bucket, queue, agent, bin, n)
    select new.tenant_pk, level.n, new.started_at / 900000 * 900000,
        coalesce(new.queue_id, ''), case level.n when 0 then '' else new.agent_id end,
        (select max(bin) from wait_bin where lo <= coalesce(new.wait_secs, 0)), new.sign
    from (select 0 as n union all select 1) as level
    where new.channel = 'voice' and new.direction = 'inbound'
      and new.answered_at is not null and new.agent_id is not null
    on conflict (tenant_pk, level, bucket, queue, agent, bin) do update set n = n + excluded.n;
end;

-- Records before 1970 are left out of the rollups; a report that reaches back that far is
-- answered from the records.
create trigger interaction_rollup_insert after insert on interaction
when new.deleted_at is null and new.started_at >= 0
begin
    insert into rollup_feed select 1, new.tenant_pk, new.started_at, new.queue_id, new.agent_id,
        new.channel, new.direction, new.status, new.answered_at, new.wait_secs, new.talk_secs,
        new.hold_secs, new.wrap_up_secs, new.first_response_secs, new.resolution_secs,
        new.sla_status;
end;

create trigger interaction_rollup_delete after delete on interaction
when old.deleted_at is null and old.started_at >= 0
begin
    insert into rollup_feed select -1, old.tenant_pk, old.started_at, old.queue_id, old.agent_id,
        old.channel, old.direction, old.status, old.answered_at, old.wait_secs, old.talk_secs,
        old.hold_secs, old.wrap_up_secs, old.first_response_secs, old.resolution_secs,
        old.sla_status;
end;

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
    insert into rollup_feed select -1, old.tenant_pk, old.started_at, old.queue_id, old.agent_id,
        old.channel, old.direction, old.status, old.answered_at, old.wait_secs, old.talk_secs,
        old.hold_secs, old.wrap_up_secs, old.first_response_secs, old.resolution_secs,
        old.sla_status
    where old.deleted_at is null and old.started_at >= 0;
    insert into rollup_feed select 1, new.tenant_pk, new.started_at, new.queue_id, new.agent_id,
        new.channel, new.direction, new.status, new.answered_at, new.wait_secs, new.talk_secs,
        new.hold_secs, new.wrap_up_secs, new.first_response_secs, new.resolution_secs,
        new.sla_status
    where new.deleted_at is null and new.started_at >= 0;
end;

-- A queue's thresholds decide which of its calls are within the service level or short
-- abandons: when they change, its rows at both levels are added up again.
create trigger queue_rollup_rules after update of sla_answer_secs, short_abandon_secs on queue
when old.sla_answer_secs is not new.sla_answer_secs
  or old.short_abandon_secs is not new.short_abandon_secs
begin
    delete from rollup where tenant_pk = new.tenant_pk and queue = new.id;
    delete from rollup_wait where tenant_pk = new.tenant_pk and queue = new.id;
    insert into rollup_feed select 1, tenant_pk, started_at, queue_id, agent_id, channel,
        direction, status, answered_at, wait_secs, talk_secs, hold_secs, wrap_up_secs,
        first_response_secs, resolution_secs, sla_status
    from interaction
    where tenant_pk = new.tenant_pk and queue_id = new.id
      and deleted_at is null and started_at >= 0;
end;

-- The records already stored.
insert into rollup_feed select 1, tenant_pk, started_at, queue_id, agent_id, channel,
    direction, status, answered_at, wait_secs, talk_secs, hold_secs, wrap_up_secs,
    first_response_secs, resolution_secs, sla_status
from interaction where deleted_at is null and started_at >= 0;
