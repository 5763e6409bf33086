-- Live events (issue 5): the raw events, append-only, and presence intervals.
--
-- Every event a source sends is kept as it came, once per (tenant, source, id): the id is
-- the source's idempotency key, so a retried event finds its row and changes nothing.
-- Records (calls, conversations, presence changes) are projections of these rows, folded
-- again whenever an event of their subject arrives.

create table event (
    -- Arrival order.
    seq integer primary key,
    tenant_pk integer not null references tenant(pk),
    source text not null,
    event_id text not null,
    -- 'call', 'conversation' or 'presence'; the subject is the call, conversation or user.
    subject_kind text not null,
    subject_id text not null,
    type text not null,
    at integer not null,
    -- The event as received: one JSON object.
    body text not null,
    received_at integer not null
);

create unique index event_key on event (tenant_pk, source, event_id);
create index event_subject on event (tenant_pk, subject_kind, source, subject_id, at);

-- When the user left the status a change entered: the start of their next change.
alter table presence_change add column ended_at integer;

-- Extensions named by events (a leg's ring target, a call's extension): created on first
-- sight like the other directory stubs, filled in later.
create table extension (
    tenant_pk integer not null references tenant(pk),
    id text not null,
    user_id text,
    name text,
    primary key (tenant_pk, id)
) without rowid;

-- When a record folded from events changes by the clock alone, with no new event: a call
-- that never ended reaches its timeout, a conversation passes a service target. A sweep
-- refolds the records whose time has come.
alter table interaction add column refold_at integer;
create index interaction_refold on interaction (refold_at) where refold_at is not null;
