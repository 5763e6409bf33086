//! Contact-center analytics without I/O: the metric dictionary, the buckets of an interval
//! in a time zone, business-hours calendars, agent time, and the accumulators that rollups
//! and record scans both fill.
//!
//! Every accumulator can be added and subtracted, so a store can keep one per rollup
//! bucket and take a record's old contribution out when a refold changes it.

pub mod agents;
pub mod buckets;
pub mod calls;
pub mod conversations;
pub mod dictionary;
pub mod histogram;
pub mod hours;

pub use agents::AgentTotals;
pub use buckets::{Bucket, BucketError, Granularity, buckets};
pub use calls::{CallTotals, QueueRules};
pub use conversations::ConversationTotals;
pub use dictionary::{METRICS, Metric, MetricValue};
pub use histogram::Histogram;
pub use hours::Hours;
