//! HTTP tests of the native API: a real SQLite file, a real server on a loopback port.

mod auth;
mod bad_input;
mod cinnox;
mod edge;
mod events;
mod helpers;
mod klink;
mod pagination;
mod probe;
mod records;
mod sencloud;
mod tenant_ids;
mod tickets;
