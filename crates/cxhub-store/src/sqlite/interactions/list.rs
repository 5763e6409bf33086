//! Lists and counts of interactions: a filter's conditions, keyset and offset pages.

use cxhub_model::interaction::Interaction;
use rusqlite::Connection;

use super::children::with_page_legs;
use super::row::{SELECT, read_row};
use crate::StoreResult;
use crate::listing::Listing;
use crate::query::{InteractionFilter, Page, PageRequest, Position};
use crate::sqlite::sql::{Where, page_end};

pub(in crate::sqlite) fn conditions(tenant_pk: i64, filter: &InteractionFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    crate::conditions::interactions(&mut cond, filter);
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
    let plan = listing.plan(tenant_pk, &format!("{filter:?}"), generation, page);
    let mut found = list(conn, tenant_pk, filter, plan.request)?;
    listing.learn(tenant_pk, generation, &plan, &mut found, |it| {
        Position::of(filter.order_by, it)
    });
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
