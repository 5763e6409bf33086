//! klink.cloud: CX logs, agent activity (presence log) and tickets.
//!
//! See `docs/dialects/klink.md` for every endpoint, parameter and field, and
//! `docs/mapping.md` §1–3 for where each wire field comes from.

pub mod ids;
pub mod input;
pub mod params;
pub mod time;
pub mod wire;
