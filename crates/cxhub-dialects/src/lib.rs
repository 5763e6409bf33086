//! Vendor dialects: each vendor's wire types and their mappings to and from the
//! canonical model, in both directions. The server answers in a vendor's shape with the
//! `to_wire` side; importers read a vendor's shape with the `from_wire` side. A round trip
//! (canonical → vendor JSON → canonical) keeps every field the vendor's shape carries.
//!
//! `cursor` is the opaque cursor of cxhub's own lists, kept here (with no HTTP in reach)
//! so that the fuzz targets can feed it.
//!
//! The crate does no I/O: it turns values into values. Request parameters are parsed
//! here too, into canonical filters, so the server only routes.

pub mod cinnox;
pub mod cursor;
pub mod klink;
pub mod sencloud;
pub mod shape;
pub mod strict;
pub mod text;
