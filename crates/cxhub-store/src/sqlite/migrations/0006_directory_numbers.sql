-- Directory numbers (issue 17).
--
-- Every directory entry that a dialect prints an id for (users, contacts, queues, tags,
-- categories, attributes, extensions) gets a number, per tenant and kind, from 1, when it
-- is first created. Numbers never change and are never reused (directory rows are never
-- deleted), so a dialect can print a key in its vendor's id form (klink's UUIDs,
-- Sencloud's int64s) from the number and resolve that id back to the key. Triggers assign
-- them, so no write path (upserts, the stubs that records and events create) can forget.
create table directory_number (
    tenant_pk integer not null references tenant(pk),
    kind text not null,
    key text not null,
    num integer not null,
    primary key (tenant_pk, kind, key)
) without rowid;

create unique index directory_number_num on directory_number (tenant_pk, kind, num);

-- The entries that exist already, numbered in key order.
insert into directory_number (tenant_pk, kind, key, num)
select tenant_pk, 'user', id, row_number() over (partition by tenant_pk order by id) from "user";
insert into directory_number (tenant_pk, kind, key, num)
select tenant_pk, 'contact', id, row_number() over (partition by tenant_pk order by id) from contact;
insert into directory_number (tenant_pk, kind, key, num)
select tenant_pk, 'queue', id, row_number() over (partition by tenant_pk order by id) from queue;
insert into directory_number (tenant_pk, kind, key, num)
select tenant_pk, 'tag', id, row_number() over (partition by tenant_pk order by id) from tag;
insert into directory_number (tenant_pk, kind, key, num)
select tenant_pk, 'category', id, row_number() over (partition by tenant_pk order by id) from category;
insert into directory_number (tenant_pk, kind, key, num)
select tenant_pk, 'attribute', id, row_number() over (partition by tenant_pk order by id) from attribute;
insert into directory_number (tenant_pk, kind, key, num)
select tenant_pk, 'extension', id, row_number() over (partition by tenant_pk order by id) from extension;

-- The next number of a kind is one more than the highest, found through the unique index.
create trigger user_numbered after insert on "user" begin
    insert into directory_number (tenant_pk, kind, key, num)
    select new.tenant_pk, 'user', new.id, coalesce(max(num), 0) + 1 from directory_number
    where tenant_pk = new.tenant_pk and kind = 'user'
    on conflict do nothing;
end;
create trigger contact_numbered after insert on contact begin
    insert into directory_number (tenant_pk, kind, key, num)
    select new.tenant_pk, 'contact', new.id, coalesce(max(num), 0) + 1 from directory_number
    where tenant_pk = new.tenant_pk and kind = 'contact'
    on conflict do nothing;
end;
create trigger queue_numbered after insert on queue begin
    insert into directory_number (tenant_pk, kind, key, num)
    select new.tenant_pk, 'queue', new.id, coalesce(max(num), 0) + 1 from directory_number
    where tenant_pk = new.tenant_pk and kind = 'queue'
    on conflict do nothing;
end;
create trigger tag_numbered after insert on tag begin
    insert into directory_number (tenant_pk, kind, key, num)
    select new.tenant_pk, 'tag', new.id, coalesce(max(num), 0) + 1 from directory_number
    where tenant_pk = new.tenant_pk and kind = 'tag'
    on conflict do nothing;
end;
create trigger category_numbered after insert on category begin
    insert into directory_number (tenant_pk, kind, key, num)
    select new.tenant_pk, 'category', new.id, coalesce(max(num), 0) + 1 from directory_number
    where tenant_pk = new.tenant_pk and kind = 'category'
    on conflict do nothing;
end;
create trigger attribute_numbered after insert on attribute begin
    insert into directory_number (tenant_pk, kind, key, num)
    select new.tenant_pk, 'attribute', new.id, coalesce(max(num), 0) + 1 from directory_number
    where tenant_pk = new.tenant_pk and kind = 'attribute'
    on conflict do nothing;
end;
create trigger extension_numbered after insert on extension begin
    insert into directory_number (tenant_pk, kind, key, num)
    select new.tenant_pk, 'extension', new.id, coalesce(max(num), 0) + 1 from directory_number
    where tenant_pk = new.tenant_pk and kind = 'extension'
    on conflict do nothing;
end;
