-- `cxhub copy` brings records with the numbers they had on the other backend. A new row
-- that names its number keeps it, and must be the tenant's next (as SQLite's trigger
-- requires), which the counter then passes; a number below the counter is a row copied
-- before, whose insert becomes an update of it (`on conflict` on its source key). The
-- store's own inserts name no number and are numbered as before.
create or replace function give_record_number() returns trigger language plpgsql as $$
declare
    next bigint;
begin
    if tg_table_name = 'interaction' then
        select next_interaction_number into next from tenant where pk = new.tenant_pk for update;
    elsif tg_table_name = 'presence_change' then
        select next_presence_number into next from tenant where pk = new.tenant_pk for update;
    else
        select next_ticket_number into next from tenant where pk = new.tenant_pk for update;
    end if;
    if new.number is null then
        new.number := next;
    elsif new.number > next then
        raise exception '% number % out of sequence (next is %)', tg_table_name, new.number, next;
    elsif new.number < next then
        return new;
    end if;
    if tg_table_name = 'interaction' then
        update tenant set next_interaction_number = new.number + 1 where pk = new.tenant_pk;
    elsif tg_table_name = 'presence_change' then
        update tenant set next_presence_number = new.number + 1 where pk = new.tenant_pk;
    else
        update tenant set next_ticket_number = new.number + 1 where pk = new.tenant_pk;
    end if;
    return new;
end $$;
