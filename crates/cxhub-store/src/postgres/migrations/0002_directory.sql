-- The directory: users, queues, contacts, tags, categories, attributes and extensions,
-- keyed per tenant by a source-chosen id, with their directory numbers and the tenant's
-- directory generation. The columns are those of the SQLite schema after its migration
-- 0007, so both backends read and print the same values.

create table "user" (
    tenant_pk bigint not null references tenant(pk),
    id text not null,
    name text,
    first_name text,
    last_name text,
    email text,
    phone text,
    address text,
    extension text,
    auth_provider text,
    auth_provider_id text,
    created_at bigint,
    updated_at bigint,
    deleted_at bigint,
    primary key (tenant_pk, id)
);

create table queue (
    tenant_pk bigint not null references tenant(pk),
    id text not null,
    name text,
    sla_answer_secs bigint,
    sla_target_pct bigint,
    sla_first_response_secs bigint,
    sla_resolution_secs bigint,
    short_abandon_secs bigint,
    created_at bigint,
    updated_at bigint,
    primary key (tenant_pk, id)
);

create table contact (
    tenant_pk bigint not null references tenant(pk),
    id text not null,
    name text,
    -- Small lists, encoded as JSON text by the store itself (as in SQLite).
    phones text not null default '[]',
    emails text not null default '[]',
    address text,
    channel text,
    notes text,
    contact_number bigint,
    company_id text,
    profile_url text,
    social_profile_url text,
    tags text not null default '[]',
    platform_ids text not null default '[]',
    created_at bigint,
    updated_at bigint,
    deleted_at bigint,
    primary key (tenant_pk, id)
);

create table tag (
    tenant_pk bigint not null references tenant(pk),
    id text not null,
    name text not null,
    position bigint not null default 0,
    created_at bigint,
    updated_at bigint,
    primary key (tenant_pk, id)
);

create table category (
    tenant_pk bigint not null references tenant(pk),
    id text not null,
    name text not null,
    parent_id text,
    position bigint not null default 0,
    created_at bigint,
    updated_at bigint,
    primary key (tenant_pk, id)
);

create table attribute (
    tenant_pk bigint not null references tenant(pk),
    id text not null,
    system_name text not null,
    display_name text not null,
    kind text not null check (kind in ('text', 'number', 'boolean', 'date')),
    position bigint not null default 0,
    is_default boolean not null default false,
    is_archived boolean not null default false,
    is_required boolean not null default false,
    is_unique boolean not null default false,
    group_id text,
    created_at bigint,
    updated_at bigint,
    primary key (tenant_pk, id),
    unique (tenant_pk, system_name)
);

create table extension (
    tenant_pk bigint not null references tenant(pk),
    id text not null,
    user_id text,
    name text,
    primary key (tenant_pk, id)
);

-- A directory number, once given, never changes and is never given to another key.
create table directory_number (
    tenant_pk bigint not null references tenant(pk),
    kind text not null,
    key text not null,
    num bigint not null,
    primary key (tenant_pk, kind, key),
    unique (tenant_pk, kind, num)
);

-- The next number per tenant and kind. SQLite's single writer can take max(num) + 1;
-- several servers cannot, so each insert takes its number from this row, whose lock
-- orders the inserts of one tenant and kind across transactions.
create table directory_counter (
    tenant_pk bigint not null references tenant(pk),
    kind text not null,
    next_num bigint not null,
    primary key (tenant_pk, kind)
);

create function give_directory_number() returns trigger language plpgsql as $$
declare
    taken bigint;
begin
    if exists (select 1 from directory_number
               where tenant_pk = new.tenant_pk and kind = tg_argv[0] and key = new.id) then
        return null;
    end if;
    insert into directory_counter as c (tenant_pk, kind, next_num)
    values (new.tenant_pk, tg_argv[0], 2)
    on conflict (tenant_pk, kind) do update set next_num = c.next_num + 1
    returning next_num - 1 into taken;
    insert into directory_number (tenant_pk, kind, key, num)
    values (new.tenant_pk, tg_argv[0], new.id, taken);
    return null;
end $$;

-- Raised by every change to a directory table, in the changing transaction: what a
-- server cached of the directory is used only under the generation it was read at.
-- Triggers fire in name order, so `*_0_raises` locks the tenant row before
-- `*_1_numbered` locks a counter: every directory write takes its locks in one order,
-- and two of them cannot deadlock.
create function raise_directory_generation() returns trigger language plpgsql as $$
begin
    update tenant set directory_generation = directory_generation + 1
    where pk = (case when tg_op = 'DELETE' then old.tenant_pk else new.tenant_pk end);
    return null;
end $$;

create trigger user_1_numbered after insert on "user"
    for each row execute function give_directory_number('user');
create trigger contact_1_numbered after insert on contact
    for each row execute function give_directory_number('contact');
create trigger queue_1_numbered after insert on queue
    for each row execute function give_directory_number('queue');
create trigger tag_1_numbered after insert on tag
    for each row execute function give_directory_number('tag');
create trigger category_1_numbered after insert on category
    for each row execute function give_directory_number('category');
create trigger attribute_1_numbered after insert on attribute
    for each row execute function give_directory_number('attribute');
create trigger extension_1_numbered after insert on extension
    for each row execute function give_directory_number('extension');

create trigger user_0_raises after insert or update or delete on "user"
    for each row execute function raise_directory_generation();
create trigger queue_0_raises after insert or update or delete on queue
    for each row execute function raise_directory_generation();
create trigger contact_0_raises after insert or update or delete on contact
    for each row execute function raise_directory_generation();
create trigger tag_0_raises after insert or update or delete on tag
    for each row execute function raise_directory_generation();
create trigger category_0_raises after insert or update or delete on category
    for each row execute function raise_directory_generation();
create trigger attribute_0_raises after insert or update or delete on attribute
    for each row execute function raise_directory_generation();
create trigger extension_0_raises after insert or update or delete on extension
    for each row execute function raise_directory_generation();
create trigger presence_status_0_raises after insert or update or delete on presence_status
    for each row execute function raise_directory_generation();
