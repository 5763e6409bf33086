//! Canonical types of cxhub.
//!
//! Every vendor dialect, the native API, the store and the simulator speak these types.
//! The crate knows no SQL, no HTTP and no JSON: it holds plain data, the enums of the
//! field with their canonical spellings, and the checks that make a record well formed.
//!
//! Layout:
//! - [`time`]: UTC instants at millisecond precision and IANA time zones.
//! - [`ids`]: record ids (assigned by cxhub) and keys (chosen by the source).
//! - [`directory`]: what records refer to: tenants, users, queues, contacts, tags,
//!   categories, custom attributes and the presence-status catalogue.
//! - [`interaction`]: CX logs of every channel, with [`call`] detail and legs for voice.
//! - [`presence`]: presence changes of users.
//! - [`ticket`]: tickets with tags, categories and typed custom fields.
//! - [`event`]: what a live event belongs to.
//! - [`error`]: the field-named validation error.

pub mod call;
pub mod directory;
pub mod error;
pub mod event;
pub mod ids;
pub mod interaction;
pub mod presence;
pub mod ticket;
pub mod time;

mod string_enum;
