-- The records: interactions (calls with their legs, conversations with their messages),
-- presence changes, tickets with their tags, categories and custom fields, and the raw
-- events they are folded from. Columns as in the SQLite schema after its migration 0007.
--
-- Each record's number in its tenant (the id the store shows) is taken in a before-insert
-- trigger from the tenant row's counter: the row lock orders a tenant's inserts across
-- servers, and a rolled-back insert gives its number back, so numbers never repeat or
-- skip. It is the same tenant row the directory triggers lock first, so the lock order
-- holds for every write. A before-insert trigger fires before an `on conflict` check, so
-- the store inserts a record only after finding its key free (under that same lock),
-- never by `insert … on conflict do nothing`, which would burn a number.

create table interaction (
    pk bigint generated always as identity primary key,
    -- The id the store shows: the record's number in its tenant, given on insert.
    number bigint not null,
    tenant_pk bigint not null references tenant(pk),
    source text not null,
    external_id text not null,
    version bigint not null,
    channel text not null,
    direction text not null,
    status text not null,
    contact_id text,
    queue_id text,
    agent_id text,
    first_assignee_id text,
    closed_assignee_id text,
    case_number bigint,
    case_ref text,
    room_id text,
    contact_platform_id text,
    started_at bigint not null,
    ended_at bigint,
    closed_at bigint,
    first_response_secs bigint,
    first_replied_secs bigint,
    handled_secs bigint,
    full_handled_secs bigint,
    wrap_up_form_id text,
    wrap_up_secs bigint,
    hold_secs bigint,
    resolution_secs bigint,
    full_resolution_secs bigint,
    sla_status text,
    analysis_status text,
    disposition text,
    labels text not null default '[]',
    created_at bigint not null,
    updated_at bigint not null,
    deleted_at bigint,
    -- Call detail (voice only).
    caller_number text,
    caller_name text,
    caller_staff_id text,
    caller_is_staff boolean,
    caller_country text,
    caller_service_id text,
    caller_city text,
    caller_province text,
    caller_region_code text,
    caller_subdivision text,
    callee_number text,
    callee_name text,
    callee_staff_id text,
    callee_is_staff boolean,
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
    answered_at bigint,
    queued_at bigint,
    wait_secs bigint,
    talk_secs bigint,
    hold_count bigint,
    transfer_count bigint,
    abandon_stage text,
    -- When a clock rule (a call's timeout, a conversation's target) is next due.
    refold_at bigint
);

create unique index interaction_source_key on interaction (tenant_pk, source, external_id);
create unique index interaction_number on interaction (tenant_pk, number);
-- The listing order (newest first) and the time-range filter.
create index interaction_started on interaction (tenant_pk, started_at, number) include (deleted_at, channel);
create index interaction_agent on interaction (tenant_pk, agent_id, started_at, number) where agent_id is not null;
create index interaction_queue on interaction (tenant_pk, queue_id, started_at, number) where queue_id is not null;
create index interaction_contact on interaction (tenant_pk, contact_id, started_at, number) where contact_id is not null;
create index interaction_refold on interaction (refold_at) where refold_at is not null;

create table call_leg (
    interaction_pk bigint not null references interaction(pk) on delete cascade,
    seq bigint not null,
    target_number text,
    agent_id text,
    added_at bigint,
    ring_at bigint,
    answered_at bigint,
    ended_at bigint,
    ring_secs bigint,
    status text not null,
    end_reason text,
    fail_code bigint,
    trunk text,
    primary key (interaction_pk, seq)
);

create table message (
    interaction_pk bigint not null references interaction(pk) on delete cascade,
    seq bigint not null,
    at bigint not null,
    sender text not null,
    agent_id text,
    body text,
    primary key (interaction_pk, seq)
);

create table presence_change (
    pk bigint generated always as identity primary key,
    number bigint not null,
    tenant_pk bigint not null references tenant(pk),
    source text not null,
    external_id text not null,
    version bigint not null,
    user_id text not null,
    previous_status text,
    new_status text not null,
    reason text,
    at bigint not null,
    ended_at bigint
);

create unique index presence_change_source_key on presence_change (tenant_pk, source, external_id);
create unique index presence_change_number on presence_change (tenant_pk, number);
create index presence_change_at on presence_change (tenant_pk, at, number);
create index presence_change_user on presence_change (tenant_pk, user_id, at, number);

create table ticket (
    pk bigint generated always as identity primary key,
    number bigint not null,
    tenant_pk bigint not null references tenant(pk),
    source text not null,
    external_id text not null,
    version bigint not null,
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
    created_at bigint not null,
    updated_at bigint not null,
    deleted_at bigint
);

create unique index ticket_source_key on ticket (tenant_pk, source, external_id);
create unique index ticket_number on ticket (tenant_pk, number);
create index ticket_created on ticket (tenant_pk, created_at, number);

create table ticket_tag (
    ticket_pk bigint not null references ticket(pk) on delete cascade,
    seq bigint not null,
    tag_id text not null,
    primary key (ticket_pk, seq)
);

create table ticket_category (
    ticket_pk bigint not null references ticket(pk) on delete cascade,
    seq bigint not null,
    category_id text not null,
    primary key (ticket_pk, seq)
);

create table ticket_field (
    ticket_pk bigint not null references ticket(pk) on delete cascade,
    attribute_id text not null,
    text_value text,
    number_value double precision,
    boolean_value boolean,
    date_value text,
    primary key (ticket_pk, attribute_id)
);

create table event (
    -- Arrival order.
    seq bigint generated always as identity primary key,
    tenant_pk bigint not null references tenant(pk),
    source text not null,
    event_id text not null,
    -- 'call', 'conversation' or 'presence'; the subject is the call, conversation or user.
    subject_kind text not null,
    subject_id text not null,
    type text not null,
    at bigint not null,
    -- The event as received: one JSON object.
    body text not null,
    received_at bigint not null
);

create unique index event_key on event (tenant_pk, source, event_id);
create index event_subject on event (tenant_pk, subject_kind, source, subject_id, at);

-- Gives a new record its number: the tenant's counter for the table, raised.
create function give_record_number() returns trigger language plpgsql as $$
begin
    if tg_table_name = 'interaction' then
        update tenant set next_interaction_number = next_interaction_number + 1
        where pk = new.tenant_pk returning next_interaction_number - 1 into new.number;
    elsif tg_table_name = 'presence_change' then
        update tenant set next_presence_number = next_presence_number + 1
        where pk = new.tenant_pk returning next_presence_number - 1 into new.number;
    else
        update tenant set next_ticket_number = next_ticket_number + 1
        where pk = new.tenant_pk returning next_ticket_number - 1 into new.number;
    end if;
    return new;
end $$;

create trigger interaction_numbered before insert on interaction
    for each row execute function give_record_number();
create trigger presence_change_numbered before insert on presence_change
    for each row execute function give_record_number();
create trigger ticket_numbered before insert on ticket
    for each row execute function give_record_number();
