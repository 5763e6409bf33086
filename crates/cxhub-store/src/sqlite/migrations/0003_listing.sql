-- Listing and counting from the index alone (issue 6).
--
-- The time index now also carries `deleted_at` and `channel`, the two conditions every
-- list and count of the APIs adds (live records only; voice only for the call lists). A
-- count over a range, and the rows an offset page skips, are then read from the index
-- without touching the table. The order (tenant, started_at, id) is unchanged.
drop index interaction_started;
create index interaction_started on interaction (tenant_pk, started_at, id, deleted_at, channel);
