-- Per-tenant record numbers (issue 18, item 6).
--
-- A record's rowid is one sequence over all tenants, so printing it (the native ids, the
-- cursors, klink's UUIDs, Sencloud's ids) told each tenant how much the others wrote.
-- Every record now also has a number, per tenant and kind, from 1 in insertion order,
-- and that number is the only id the store shows; the rowid stays for joins (legs,
-- messages, a ticket's tags and fields). Tickets have had such a number since 0001
-- (`ticket.number`, from `tenant.next_ticket_number`); it becomes their id, and is now
-- taken as the other kinds take theirs.
--
-- A number is taken from a counter in the tenant row, not from max(number) + 1, so it is
-- never given again even if the highest record is one day deleted. The insert reads the
-- counter; the trigger below raises it, and refuses a row whose number is not the next
-- one, so no write path can skip, repeat or forget a number.
alter table tenant add column next_interaction_number integer not null default 1;
alter table tenant add column next_presence_number integer not null default 1;

alter table interaction add column number integer not null default 0;
alter table presence_change add column number integer not null default 0;

-- The records that exist already, numbered in id (insertion) order within each tenant.
update interaction set number = n.num
from (select id, row_number() over (partition by tenant_pk order by id) as num from interaction) as n
where interaction.id = n.id;
update presence_change set number = n.num
from (select id, row_number() over (partition by tenant_pk order by id) as num from presence_change) as n
where presence_change.id = n.id;

update tenant set
    next_interaction_number = 1 + coalesce((select max(number) from interaction where tenant_pk = tenant.pk), 0),
    next_presence_number = 1 + coalesce((select max(number) from presence_change where tenant_pk = tenant.pk), 0);

create unique index interaction_number on interaction (tenant_pk, number);
create unique index presence_change_number on presence_change (tenant_pk, number);

-- Lists are in (time, number) order and seek from a (time, number) position, so the
-- time indexes end in the number where they ended in the rowid.
drop index interaction_started;
create index interaction_started on interaction (tenant_pk, started_at, number, deleted_at, channel);
drop index interaction_agent;
create index interaction_agent on interaction (tenant_pk, agent_id, started_at, number) where agent_id is not null;
drop index interaction_queue;
create index interaction_queue on interaction (tenant_pk, queue_id, started_at, number) where queue_id is not null;
drop index interaction_contact;
create index interaction_contact on interaction (tenant_pk, contact_id, started_at, number) where contact_id is not null;
drop index presence_change_at;
create index presence_change_at on presence_change (tenant_pk, at, number);
drop index presence_change_user;
create index presence_change_user on presence_change (tenant_pk, user_id, at, number);
drop index ticket_created;
create index ticket_created on ticket (tenant_pk, created_at, number);

create trigger interaction_numbered after insert on interaction begin
    select raise(abort, 'interaction number out of sequence')
    from tenant where pk = new.tenant_pk and next_interaction_number <> new.number;
    update tenant set next_interaction_number = new.number + 1 where pk = new.tenant_pk;
end;
create trigger presence_change_numbered after insert on presence_change begin
    select raise(abort, 'presence change number out of sequence')
    from tenant where pk = new.tenant_pk and next_presence_number <> new.number;
    update tenant set next_presence_number = new.number + 1 where pk = new.tenant_pk;
end;
create trigger ticket_numbered after insert on ticket begin
    select raise(abort, 'ticket number out of sequence')
    from tenant where pk = new.tenant_pk and next_ticket_number <> new.number;
    update tenant set next_ticket_number = new.number + 1 where pk = new.tenant_pk;
end;
