//! Filters, keyset positions and pages.
//!
//! Lists are ordered newest first by a time column and then by record id, and continue
//! from a [`Position`]: the (time, id) of the last row of the previous page. A position
//! needs no scan of what came before, so page 1000 costs what page 1 costs, and rows
//! inserted behind the position never shift what the client sees next.

use cxhub_model::call::{CallStatus, CallType};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::ticket::{Priority, TicketStatus};
use cxhub_model::time::Instant;

/// The (time, id) of the last row a client has seen. The id is the record's id (its
/// number in its tenant), so within a tenant it follows the order records were stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub at: i64,
    pub id: i64,
}

impl Position {
    /// An interaction's position in a list in order of `order`. Rows read from the store
    /// carry their stored `created_at` and `updated_at`.
    pub fn of(order: OrderBy, it: &Interaction) -> Position {
        let at = match order {
            OrderBy::StartedAt => it.started_at,
            OrderBy::CreatedAt => it.created_at_or_derived(),
            OrderBy::UpdatedAt => it.updated_at.unwrap_or_else(|| it.created_at_or_derived()),
        };
        Position {
            at: at.as_millis(),
            id: it.id.map_or(0, cxhub_model::ids::RecordId::get),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub after: Option<Position>,
    /// Rows to skip after `after` (or from the start): for dialects that page by number.
    pub offset: usize,
    /// Rows to return; the caller bounds it.
    pub limit: usize,
    /// Oldest first instead of newest first; `after` then means "later than".
    pub ascending: bool,
}

impl PageRequest {
    /// The comparisons that seek past `after` (the bound of the time range, and the
    /// strict one that breaks ties by record number) and the SQL sort order.
    pub(crate) fn seek(&self) -> ((&'static str, &'static str), &'static str) {
        match self.ascending {
            true => ((">=", ">"), "asc"),
            false => (("<=", "<"), "desc"),
        }
    }

    /// The page after a position (the first page when `None`), newest first.
    pub fn after(after: Option<Position>, limit: usize) -> PageRequest {
        PageRequest {
            after,
            offset: 0,
            limit,
            ascending: false,
        }
    }

    /// The page that skips `offset` rows from the start, newest first.
    pub fn offset(offset: usize, limit: usize) -> PageRequest {
        PageRequest {
            after: None,
            offset,
            limit,
            ascending: false,
        }
    }
}

/// How a number compares with a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Less,
    LessOrEqual,
    Equal,
    GreaterOrEqual,
    Greater,
}

impl Comparison {
    pub fn sql(self) -> &'static str {
        match self {
            Comparison::Less => "<",
            Comparison::LessOrEqual => "<=",
            Comparison::Equal => "=",
            Comparison::GreaterOrEqual => ">=",
            Comparison::Greater => ">",
        }
    }
}

/// One page of a list, with the position to continue from when more rows may follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Position>,
}

/// Filters over interactions; all given conditions must hold.
#[derive(Debug, Clone, Default)]
pub struct InteractionFilter {
    /// Started at or after.
    pub from: Option<Instant>,
    /// Started before.
    pub to: Option<Instant>,
    /// Any of these channels; all when empty.
    pub channels: Vec<Channel>,
    pub directions: Vec<Direction>,
    pub statuses: Vec<InteractionStatus>,
    pub agent_id: Option<Key>,
    pub queue_id: Option<Key>,
    pub contact_id: Option<Key>,
    /// The caller's or the callee's number, exactly.
    pub number: Option<String>,
    pub extension: Option<String>,
    /// The source's id for the record, exactly (CINNOX `callID`).
    pub external_id: Option<String>,
    /// Any of these call types; all when empty.
    pub call_types: Vec<CallType>,
    /// Created (at the source) at or after.
    pub created_from: Option<Instant>,
    /// Created at or before (inclusive, as Sencloud's `date_to`).
    pub created_until: Option<Instant>,
    /// Any of these extensions; all when empty.
    pub extensions: Vec<String>,
    /// Any of these hotlines (virtual numbers); all when empty.
    pub virtual_numbers: Vec<String>,
    pub department: Option<String>,
    pub session_id: Option<String>,
    /// Talk seconds compared with a bound; calls never connected count 0.
    pub talk_secs: Option<(Comparison, u32)>,
    /// Internal calls by the side the call's extension is on.
    pub extension_side: Option<ExtensionSide>,
    pub include_deleted: bool,
    /// The instant the list is in order of (and its positions are of).
    pub order_by: OrderBy,
}

/// The instant a list of interactions is in order of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrderBy {
    #[default]
    StartedAt,
    /// When the record came to exist at its source (`created_at`).
    CreatedAt,
    /// When the record last changed (`updated_at`).
    UpdatedAt,
}

impl OrderBy {
    pub fn column(self) -> &'static str {
        match self {
            OrderBy::StartedAt => "started_at",
            OrderBy::CreatedAt => "created_at",
            OrderBy::UpdatedAt => "updated_at",
        }
    }
}

/// Which side of an internal call the call's extension is on: the callee's (the call
/// came in to it) or the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionSide {
    Callee,
    Caller,
}

impl InteractionFilter {
    /// The filter of the calls listing: voice interactions only.
    pub fn calls() -> InteractionFilter {
        InteractionFilter {
            channels: vec![Channel::Voice],
            ..InteractionFilter::default()
        }
    }

    /// Whether the call statuses asked for are all of one vocabulary.
    pub fn call_statuses(&self) -> impl Iterator<Item = CallStatus> + '_ {
        self.statuses.iter().filter_map(|it| match it {
            InteractionStatus::Call(status) => Some(*status),
            InteractionStatus::Conversation(_) => None,
        })
    }
}

/// Filters over presence changes.
#[derive(Debug, Clone, Default)]
pub struct PresenceFilter {
    /// At or after.
    pub from: Option<Instant>,
    /// Before.
    pub to: Option<Instant>,
    pub user_id: Option<Key>,
    /// Changes into any of these statuses.
    pub statuses: Vec<Key>,
    /// Only changes whose interval runs past this instant (`ended_at` after it, or none).
    pub ends_after: Option<Instant>,
    /// Only changes whose interval has not ended (`ended_at` none).
    pub open: bool,
}

/// Filters over tickets, by creation time.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub from: Option<Instant>,
    pub to: Option<Instant>,
    pub statuses: Vec<TicketStatus>,
    pub priorities: Vec<Priority>,
    pub assignee_id: Option<Key>,
    pub contact_id: Option<Key>,
    pub include_deleted: bool,
}

/// Trims the one extra row a list fetched and gives the position after the last kept row
/// when that extra row showed more follow.
pub(crate) fn page_end<T>(
    items: &mut Vec<T>,
    limit: usize,
    position: impl Fn(&T) -> Position,
) -> Option<Position> {
    if items.len() <= limit {
        return None;
    }
    items.truncate(limit);
    items.last().map(position)
}
