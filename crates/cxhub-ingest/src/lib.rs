//! Events to records.
//!
//! Sources deliver events at least once, sometimes late and out of order. A fold takes
//! every event known for one subject and computes its record from scratch, so the same
//! set of events gives the same record whatever the order and however many copies came.
//! The crate does no I/O: the store keeps the raw events and calls the fold.
//!
//! - [`call`]: call events → one voice interaction with its legs, outcome and metrics.

pub mod call;
