-- The directory's triggers fire once a statement, not once a row. Row by row, each new
-- entry updated the tenant row (its directory generation) and its kind's counter, so a
-- batch of n new entries left chains of n dead versions of those two rows, which every
-- later row of the transaction walked again: loading a directory took time quadratic in
-- its size. Now each statement raises the generation once and numbers its new keys
-- together, in the order it inserted them (as SQLite's triggers number them).

do $$
declare
    t text;
begin
    foreach t in array array['user', 'queue', 'contact', 'tag', 'category', 'attribute', 'extension',
                             'presence_status'] loop
        execute format('drop trigger %I on %I', t || '_0_raises', t);
    end loop;
    foreach t in array array['user', 'contact', 'queue', 'tag', 'category', 'attribute', 'extension'] loop
        execute format('drop trigger %I on %I', t || '_1_numbered', t);
    end loop;
end $$;

drop function raise_directory_generation();
drop function give_directory_number();

-- Raised once by every statement that changed a directory table, for each tenant whose
-- rows it changed: what a server cached of the directory is used only under the
-- generation it was read at.
create function raise_directory_generation() returns trigger language plpgsql as $$
begin
    update tenant set directory_generation = directory_generation + 1
    where pk in (select distinct tenant_pk from changed);
    return null;
end $$;

-- Numbers the keys a statement inserted that have no number yet, per tenant, in the
-- order the statement inserted them, from the kind's counter (raised once).
create function give_directory_numbers() returns trigger language plpgsql as $$
declare
    kind_name text := tg_argv[0];
begin
    with ordered as materialized (
        select tenant_pk, id, row_number() over () as ord from changed
    ), fresh as (
        select o.tenant_pk, o.id, o.ord from ordered o
        where not exists (select 1 from directory_number d
                          where d.tenant_pk = o.tenant_pk and d.kind = kind_name and d.key = o.id)
    ), counted as (
        select tenant_pk, count(*) as n from fresh group by tenant_pk
    ), bumped as (
        insert into directory_counter as c (tenant_pk, kind, next_num)
        select tenant_pk, kind_name, n + 1 from counted
        on conflict (tenant_pk, kind) do update set next_num = c.next_num + excluded.next_num - 1
        returning tenant_pk, next_num
    )
    insert into directory_number (tenant_pk, kind, key, num)
    select f.tenant_pk, kind_name, f.id,
           b.next_num - c.n - 1 + row_number() over (partition by f.tenant_pk order by f.ord)
    from fresh f
    join counted c on c.tenant_pk = f.tenant_pk
    join bumped b on b.tenant_pk = f.tenant_pk;
    return null;
end $$;

-- Triggers fire in name order: `*_0_raises` takes the tenant row before `*_1_numbered`
-- takes a counter, and every writer has locked the tenant row before either.
do $$
declare
    t text;
begin
    foreach t in array array['user', 'queue', 'contact', 'tag', 'category', 'attribute', 'extension',
                             'presence_status'] loop
        execute format('create trigger %I after insert on %I referencing new table as changed
                        for each statement execute function raise_directory_generation()',
                       t || '_0_raises_insert', t);
        execute format('create trigger %I after update on %I referencing new table as changed
                        for each statement execute function raise_directory_generation()',
                       t || '_0_raises_update', t);
        execute format('create trigger %I after delete on %I referencing old table as changed
                        for each statement execute function raise_directory_generation()',
                       t || '_0_raises_delete', t);
    end loop;
    foreach t in array array['user', 'contact', 'queue', 'tag', 'category', 'attribute', 'extension'] loop
        execute format('create trigger %I after insert on %I referencing new table as changed
                        for each statement execute function give_directory_numbers(%L)',
                       t || '_1_numbered', t, t);
    end loop;
end $$;
