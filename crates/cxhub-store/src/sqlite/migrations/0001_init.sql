-- cxhub schema, version 1.
--
-- Conventions:
-- * Instants are INTEGER milliseconds since the Unix epoch, UTC.
-- * Records (interaction, presence_change, ticket) have an INTEGER PRIMARY KEY (the rowid,
--   assigned in insertion order, so the table B-tree grows at its end) and a unique
--   idempotency key (tenant_pk, source, external_id).
-- * Directory entries (user, queue, contact, ...) are keyed by (tenant_pk, id) where id is
--   the source's key; records refer to them by that key, so no join is needed to print one.
-- * Secondary indexes are few and each ends in a time column, so live ingest appends to
--   them instead of touching random leaves (shared/reference/perf.md section 5.1).
-- * Lists of strings are JSON arrays in TEXT columns.
-- * Applied migrations are never edited; a change is a new file.

create table tenant (
    pk integer primary key,
    id text not null unique,
    name text not null,
    timezone text not null,
    created_at integer not null,
    -- The next ticket number; taken and raised in the creating transaction, so numbers
    -- have no gaps and never repeat.
    next_ticket_number integer not null default 1
);

create table api_token (
    id text primary key,
    tenant_pk integer not null references tenant(pk),
    role text not null check (role in ('read', 'write', 'admin')),
    -- SHA-256 of the whole token; the token itself is never stored.
    hash blob not null unique,
    label text,
    created_at integer not null,
    revoked_at integer
);

create table user (
    tenant_pk integer not null references tenant(pk),
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
    created_at integer,
    updated_at integer,
    deleted_at integer,
    primary key (tenant_pk, id)
) without rowid;

create table queue (
    tenant_pk integer not null references tenant(pk),
    id text not null,
    name text,
    sla_answer_secs integer,
    sla_target_pct integer,
    sla_first_response_secs integer,
    sla_resolution_secs integer,
    short_abandon_secs integer,
    created_at integer,
    updated_at integer,
    primary key (tenant_pk, id)
) without rowid;

create table contact (
    tenant_pk integer not null references tenant(pk),
    id text not null,
    name text,
    phones text not null default '[]',
    emails text not null default '[]',
    address text,
    channel text,
    notes text,
    contact_number integer,
    company_id text,
    profile_url text,
    social_profile_url text,
    tags text not null default '[]',
    platform_ids text not null default '[]',
    created_at integer,
    updated_at integer,
    deleted_at integer,
    primary key (tenant_pk, id)
) without rowid;

create table tag (
    tenant_pk integer not null references tenant(pk),
    id text not null,
    name text not null,
    position integer not null default 0,
    created_at integer,
    updated_at integer,
    primary key (tenant_pk, id)
) without rowid;

create table category (
    tenant_pk integer not null references tenant(pk),
    id text not null,
    name text not null,
    parent_id text,
    position integer not null default 0,
    created_at integer,
    updated_at integer,
    primary key (tenant_pk, id)
) without rowid;

create table attribute (
    tenant_pk integer not null references tenant(pk),
    id text not null,
    system_name text not null,
    display_name text not null,
    kind text not null check (kind in ('text', 'number', 'boolean', 'date')),
    position integer not null default 0,
    is_default integer not null default 0,
    is_archived integer not null default 0,
    is_required integer not null default 0,
    is_unique integer not null default 0,
    group_id text,
    created_at integer,
    updated_at integer,
    primary key (tenant_pk, id),
    unique (tenant_pk, system_name)
) without rowid;

create table presence_status (
    tenant_pk integer not null references tenant(pk),
    system_name text not null,
    display_name text not null,
    emoji text not null default '',
    productive integer not null default 0,
    primary key (tenant_pk, system_name)
) without rowid;

-- One row per interaction of any channel; the call_* columns are set for voice only.
create table interaction (
    id integer primary key,
    tenant_pk integer not null references tenant(pk),
    source text not null,
    external_id text not null,
    version integer not null,
    channel text not null,
    direction text not null,
    status text not null,
    contact_id text,
    queue_id text,
    agent_id text,
    first_assignee_id text,
    closed_assignee_id text,
    case_number integer,
    case_ref text,
    room_id text,
    contact_platform_id text,
    started_at integer not null,
    ended_at integer,
    closed_at integer,
    first_response_secs integer,
    first_replied_secs integer,
    handled_secs integer,
    full_handled_secs integer,
    wrap_up_form_id text,
    wrap_up_secs integer,
    hold_secs integer,
    resolution_secs integer,
    full_resolution_secs integer,
    sla_status text,
    analysis_status text,
    disposition text,
    labels text not null default '[]',
    created_at integer not null,
    updated_at integer not null,
    deleted_at integer,
    -- Call detail (voice only).
    caller_number text,
    caller_name text,
    caller_staff_id text,
    caller_is_staff integer,
    caller_country text,
    caller_service_id text,
    caller_city text,
    caller_province text,
    caller_region_code text,
    caller_subdivision text,
    callee_number text,
    callee_name text,
    callee_staff_id text,
    callee_is_staff integer,
    callee_country text,
    callee_service_id text,
    callee_city text,
    callee_province text,
    callee_region_code text,
    callee_subdivision text,
    virtual_number text,
    extension text,
    department text,
    call_type text,
    call_kind text,
    media text,
    bye_reason text,
    release_party text,
    recordings text,
    note text,
    session_id text,
    answered_at integer,
    queued_at integer,
    wait_secs integer,
    talk_secs integer,
    hold_count integer,
    transfer_count integer,
    abandon_stage text
);

create unique index interaction_source_key on interaction (tenant_pk, source, external_id);
-- The listing order (newest first) and the time-range filter.
create index interaction_started on interaction (tenant_pk, started_at, id);
create index interaction_agent on interaction (tenant_pk, agent_id, started_at, id) where agent_id is not null;
create index interaction_queue on interaction (tenant_pk, queue_id, started_at, id) where queue_id is not null;
create index interaction_contact on interaction (tenant_pk, contact_id, started_at, id) where contact_id is not null;

create table call_leg (
    interaction_id integer not null references interaction(id) on delete cascade,
    seq integer not null,
    target_number text,
    agent_id text,
    added_at integer,
    ring_at integer,
    answered_at integer,
    ended_at integer,
    ring_secs integer,
    status text not null,
    end_reason text,
    fail_code integer,
    trunk text,
    primary key (interaction_id, seq)
) without rowid;

create table message (
    interaction_id integer not null references interaction(id) on delete cascade,
    seq integer not null,
    at integer not null,
    sender text not null,
    agent_id text,
    body text,
    primary key (interaction_id, seq)
) without rowid;

create table presence_change (
    id integer primary key,
    tenant_pk integer not null references tenant(pk),
    source text not null,
    external_id text not null,
    version integer not null,
    user_id text not null,
    previous_status text,
    new_status text not null,
    reason text,
    at integer not null
);

create unique index presence_change_source_key on presence_change (tenant_pk, source, external_id);
create index presence_change_at on presence_change (tenant_pk, at, id);
create index presence_change_user on presence_change (tenant_pk, user_id, at, id);

create table ticket (
    id integer primary key,
    tenant_pk integer not null references tenant(pk),
    number integer not null,
    source text not null,
    external_id text not null,
    version integer not null,
    title text not null,
    description text,
    ticket_type text,
    channel text,
    priority text not null,
    status text not null,
    contact_id text,
    creator_id text,
    assignee_id text,
    reason_to_assign text,
    created_at integer not null,
    updated_at integer not null,
    deleted_at integer,
    unique (tenant_pk, number)
);

create unique index ticket_source_key on ticket (tenant_pk, source, external_id);
create index ticket_created on ticket (tenant_pk, created_at, id);

create table ticket_tag (
    ticket_id integer not null references ticket(id) on delete cascade,
    seq integer not null,
    tag_id text not null,
    primary key (ticket_id, seq)
) without rowid;

create table ticket_category (
    ticket_id integer not null references ticket(id) on delete cascade,
    seq integer not null,
    category_id text not null,
    primary key (ticket_id, seq)
) without rowid;

create table ticket_field (
    ticket_id integer not null references ticket(id) on delete cascade,
    attribute_id text not null,
    text_value text,
    number_value real,
    boolean_value integer,
    date_value text,
    primary key (ticket_id, attribute_id)
) without rowid;
