//! The HTTP tests of `tests/api`, run on PostgreSQL: the same tests, compiled again in
//! this binary, whose name makes `helpers::test_db` open PostgreSQL.

#[path = "api/main.rs"]
mod api;
