-- Tenants, their API tokens and their presence status catalogues: the part of the
-- schema every other table hangs off. Instants are UTC milliseconds (bigint), as in the
-- SQLite schema, so both backends give the same answers.

create table tenant (
    pk bigint generated always as identity primary key,
    id text not null unique,
    name text not null,
    timezone text not null,
    created_at bigint not null,
    -- The next record numbers per kind (migration 0007 of the SQLite schema).
    next_ticket_number bigint not null default 1,
    next_interaction_number bigint not null default 1,
    next_presence_number bigint not null default 1,
    -- Raised by every write of records and of directory entries: readers on other
    -- servers drop what they cached under an older value.
    records_generation bigint not null default 0,
    directory_generation bigint not null default 0
);

create table api_token (
    id text primary key,
    tenant_pk bigint not null references tenant(pk),
    role text not null check (role in ('read', 'write', 'admin')),
    -- SHA-256 of the whole token; the token itself is never stored.
    hash bytea not null unique,
    label text,
    created_at bigint not null,
    revoked_at bigint
);

create index api_token_tenant on api_token (tenant_pk, created_at, id);

create table presence_status (
    tenant_pk bigint not null references tenant(pk),
    system_name text not null,
    display_name text not null,
    emoji text not null default '',
    productive boolean not null default false,
    primary key (tenant_pk, system_name)
);
