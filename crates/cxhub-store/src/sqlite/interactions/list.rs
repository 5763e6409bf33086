//! Lists and counts of interactions: a filter's conditions, keyset and offset pages.

use cxhub_model::ids::Key;
use cxhub_model::interaction::Interaction;
use rusqlite::Connection;
use rusqlite::types::Value;

use super::children::with_page_legs;
use super::row::{SELECT, read_row};
use crate::StoreResult;
use crate::query::{ExtensionSide, InteractionFilter, Page, PageRequest, Position};
use crate::sqlite::listing::Listing;
use crate::sqlite::sql::{Where, page_end};

pub(in crate::sqlite) fn conditions(tenant_pk: i64, filter: &InteractionFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    if let Some(from) = filter.from {
        cond.and("started_at >= ?", [Value::Integer(from.as_millis())]);
    }
    if let Some(to) = filter.to {
        cond.and("started_at < ?", [Value::Integer(to.as_millis())]);
    }
    cond.and_in(
        "channel",
        filter.channels.iter().map(|it| it.as_str().to_owned()),
    );
    cond.and_in(
        "direction",
        filter.directions.iter().map(|it| it.as_str().to_owned()),
    );
    cond.and_in(
        "status",
        filter.statuses.iter().map(|it| it.as_str().to_owned()),
    );
    cond.and_eq("agent_id", filter.agent_id.as_ref().map(Key::as_str));
    cond.and_eq("queue_id", filter.queue_id.as_ref().map(Key::as_str));
    cond.and_eq("contact_id", filter.contact_id.as_ref().map(Key::as_str));
    if let Some(number) = &filter.number {
        cond.and(
            "(caller_number = ? or callee_number = ?)",
            [Value::Text(number.clone()), Value::Text(number.clone())],
        );
    }
    cond.and_eq("extension", filter.extension.as_deref());
    cond.and_eq("external_id", filter.external_id.as_deref());
    cond.and_in(
        "call_type",
        filter.call_types.iter().map(|it| it.as_str().to_owned()),
    );
    if let Some(from) = filter.created_from {
        cond.and("created_at >= ?", [Value::Integer(from.as_millis())]);
    }
    if let Some(until) = filter.created_until {
        cond.and("created_at <= ?", [Value::Integer(until.as_millis())]);
    }
    cond.and_in("extension", filter.extensions.iter().cloned());
    cond.and_in("virtual_number", filter.virtual_numbers.iter().cloned());
    cond.and_eq("department", filter.department.as_deref());
    cond.and_eq("session_id", filter.session_id.as_deref());
    if let Some((comparison, bound)) = filter.talk_secs {
        cond.and(
            &format!("coalesce(talk_secs, 0) {} ?", comparison.sql()),
            [Value::Integer(bound.into())],
        );
    }
    match filter.extension_side {
        None => {}
        Some(ExtensionSide::Callee) => cond.and(
            "direction = 'internal' and extension is not null and extension = callee_number",
            [],
        ),
        Some(ExtensionSide::Caller) => cond.and(
            "direction = 'internal' and (extension is null or callee_number is null or extension <> callee_number)",
            [],
        ),
    }
    if !filter.include_deleted {
        cond.and("deleted_at is null", []);
    }
    cond
}

pub(super) fn list(
    conn: &Connection,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    let order = filter.order_by;
    let mut rows =
        conditions(tenant_pk, filter).page(conn, &SELECT, order.column(), page, read_row)?;
    let next = page_end(&mut rows, page.limit, |(_, it)| Position::of(order, it));
    let items = with_page_legs(conn, rows)?;
    Ok(Page { items, next })
}

/// An offset page, from the nearest bookmark before it (`listing.rs`); it leaves
/// bookmarks at its start and its end. `generation` is the tenant's, read in the
/// transaction `conn` is in.
pub(super) fn offset_page(
    conn: &Connection,
    listing: &Listing,
    generation: u64,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    let shape = format!("{filter:?}/{}", page.ascending);
    let (after, skip) = match listing.bookmark(tenant_pk, &shape, generation, page.offset) {
        Some((at, position)) => (Some(position), page.offset - at),
        None => (None, page.offset),
    };
    // One row of look-behind gives the bookmark of this page's start.
    let behind = usize::from(skip > 0);
    let request = PageRequest {
        after,
        offset: skip - behind,
        limit: page.limit + behind,
        ascending: page.ascending,
    };
    let mut found = list(conn, tenant_pk, filter, request)?;
    let position_of = |it: &Interaction| Position::of(filter.order_by, it);
    if behind == 1 && !found.items.is_empty() {
        let before = found.items.remove(0);
        listing.remember_bookmark(
            tenant_pk,
            &shape,
            generation,
            page.offset,
            position_of(&before),
        );
    }
    if let Some(last) = found.items.last() {
        let end = page.offset + found.items.len();
        listing.remember_bookmark(tenant_pk, &shape, generation, end, position_of(last));
    }
    Ok(found)
}

/// The count of `filter`, remembered under `generation` (read as for [`offset_page`]).
pub(super) fn count(
    conn: &Connection,
    listing: &Listing,
    generation: u64,
    tenant_pk: i64,
    filter: &InteractionFilter,
) -> StoreResult<u64> {
    let shape = format!("{filter:?}");
    if let Some(count) = listing.count(tenant_pk, &shape, generation) {
        return Ok(count);
    }
    let count = conditions(tenant_pk, filter).count(conn, "interaction")?;
    listing.remember_count(tenant_pk, &shape, generation, count);
    Ok(count)
}
