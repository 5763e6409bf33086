-- A directory generation in the tenant row (issue 6).
--
-- Readers keep the directory entries they looked up (the agents, contacts and queues a
-- page of records names) and reuse them while the tenant's directory is unchanged. Every
-- change to a directory table raises this number in the same transaction, through
-- triggers, so no write path (the directory upsert, the stubs that events create, a
-- ticket's new custom field, another process on the same file) can leave a reader's copy
-- stale: a reader compares the number it reads in its own snapshot with the one its
-- entries were read at.
alter table tenant add column directory_generation integer not null default 0;

create trigger user_insert_raises after insert on "user" begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger user_update_raises after update on "user" begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger user_delete_raises after delete on "user" begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;

create trigger queue_insert_raises after insert on queue begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger queue_update_raises after update on queue begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger queue_delete_raises after delete on queue begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;

create trigger contact_insert_raises after insert on contact begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger contact_update_raises after update on contact begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger contact_delete_raises after delete on contact begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;

create trigger tag_insert_raises after insert on tag begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger tag_update_raises after update on tag begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger tag_delete_raises after delete on tag begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;

create trigger category_insert_raises after insert on category begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger category_update_raises after update on category begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger category_delete_raises after delete on category begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;

create trigger attribute_insert_raises after insert on attribute begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger attribute_update_raises after update on attribute begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger attribute_delete_raises after delete on attribute begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;

create trigger extension_insert_raises after insert on extension begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger extension_update_raises after update on extension begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger extension_delete_raises after delete on extension begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;

create trigger presence_status_insert_raises after insert on presence_status begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger presence_status_update_raises after update on presence_status begin
    update tenant set directory_generation = directory_generation + 1 where pk = new.tenant_pk;
end;
create trigger presence_status_delete_raises after delete on presence_status begin
    update tenant set directory_generation = directory_generation + 1 where pk = old.tenant_pk;
end;
