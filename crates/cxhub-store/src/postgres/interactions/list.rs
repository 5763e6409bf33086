//! Lists and counts of interactions: a filter's conditions, keyset and offset pages.

use cxhub_model::interaction::Interaction;
use deadpool_postgres::GenericClient;

use super::{SELECT, with_page_legs};
use crate::StoreResult;
use crate::listing::Listing;
use crate::postgres::rows::PgCols;
use crate::postgres::sql::Where;
use crate::postgres::sql::prepared;
use crate::query::{InteractionFilter, Page, PageRequest, Position, page_end};
use crate::records::interaction::read_interaction;

fn conditions(tenant_pk: i64, filter: &InteractionFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    crate::conditions::interactions(&mut cond, filter);
    cond
}

pub(super) async fn list(
    client: &impl GenericClient,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    let order = filter.order_by;
    let mut cond = conditions(tenant_pk, filter);
    let sql = cond.page_query(&SELECT, order.column(), page);
    let rows = prepared::query(client, &sql, &cond.args()).await?;
    let mut rows = rows
        .iter()
        .map(|row| read_interaction(&mut PgCols::new(row)))
        .collect::<StoreResult<Vec<_>>>()?;
    let next = page_end(&mut rows, page.limit, |(_, it)| Position::of(order, it));
    let items = with_page_legs(client, rows).await?;
    Ok(Page { items, next })
}

/// An offset page, from the nearest bookmark before it; it leaves bookmarks at its
/// start and its end. `generation` is the tenant's, read in the caller's snapshot.
pub(super) async fn offset_page(
    client: &impl GenericClient,
    listing: &Listing,
    generation: u64,
    tenant_pk: i64,
    filter: &InteractionFilter,
    page: PageRequest,
) -> StoreResult<Page<Interaction>> {
    let plan = listing.plan(tenant_pk, &format!("{filter:?}"), generation, page);
    let mut found = list(client, tenant_pk, filter, plan.request).await?;
    listing.learn(tenant_pk, generation, &plan, &mut found, |it| {
        Position::of(filter.order_by, it)
    });
    Ok(found)
}

/// The count of `filter`, remembered under `generation` (read as for [`offset_page`]).
pub(super) async fn count(
    client: &impl GenericClient,
    listing: &Listing,
    generation: u64,
    tenant_pk: i64,
    filter: &InteractionFilter,
) -> StoreResult<u64> {
    let shape = format!("{filter:?}");
    if let Some(count) = listing.count(tenant_pk, &shape, generation) {
        return Ok(count);
    }
    let cond = conditions(tenant_pk, filter);
    let count: i64 = prepared::query_one(client, &cond.count_query("interaction"), &cond.args())
        .await?
        .get(0);
    let count = u64::try_from(count).unwrap_or(0);
    listing.remember_count(tenant_pk, &shape, generation, count);
    Ok(count)
}
