-- Write generations in the database (issue 6).
--
-- The store remembers, per tenant, counts and offset-page positions of its interaction
-- lists (`listing.rs`). They are valid only as long as the tenant's interactions are
-- unchanged, so every write transaction that changes them raises this number, and a
-- reader reads it in the same snapshot as the rows it counts or pages. Kept in the file,
-- not in the server's memory, it also tells a server that another process (a second
-- `cxhub` on the same file) wrote.
alter table tenant add column records_generation integer not null default 0;
