//! What makes offset pages and totals cheap: per-tenant write generations, and caches of
//! counts and of page positions that are valid only for the generation they were learned
//! under.
//!
//! Dialects that page by number (klink `page`, CINNOX `offset`) would otherwise skip rows
//! from the start on every request, and klink prints an exact `total` on every page. A
//! page served here remembers where it started and where it ended (a *bookmark*: the
//! keyset position before a given offset), so the next page, or the same page again,
//! starts from a keyset seek; a total is counted once per generation.
//!
//! Every write transaction that changes a tenant's interactions raises its generation, a
//! column of its `tenant` row, in the same transaction (each backend's `raise`). A reader
//! reads the generation in the same snapshot as the rows it counts or pages and
//! files what it learns under it, so what it learned is used only by readers that see
//! exactly the same rows: the answers are what a fresh `OFFSET` and `count(*)` would give,
//! whichever process wrote. The cache is each process's own; the generation, being in the
//! database, is what keeps several servers on one database exact.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::query::{Page, PageRequest, Position};

/// Query shapes remembered per tenant; the least recently used go first.
const MAX_SHAPES: usize = 512;
/// Bookmarks kept per query shape.
const MAX_BOOKMARKS: usize = 4096;

#[derive(Default)]
pub(crate) struct Listing {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The newest generation seen of each tenant: shapes of older ones are dropped.
    newest: HashMap<i64, u64>,
    /// By (tenant, query shape).
    shapes: HashMap<(i64, String), Shape>,
    tick: u64,
}

struct Shape {
    generation: u64,
    used: u64,
    count: Option<u64>,
    /// Offset → the position of the row just before it.
    bookmarks: BTreeMap<usize, Position>,
}

impl Listing {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves only cache entries behind: keep going.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A count learned under `generation`, if it still holds.
    pub(crate) fn count(&self, tenant_pk: i64, shape: &str, generation: u64) -> Option<u64> {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let found = inner.shapes.get_mut(&(tenant_pk, shape.to_owned()))?;
        found.used = tick;
        (found.generation == generation)
            .then_some(found.count)
            .flatten()
    }

    pub(crate) fn remember_count(&self, tenant_pk: i64, shape: &str, generation: u64, count: u64) {
        self.with_shape(tenant_pk, shape, generation, |it| it.count = Some(count));
    }

    /// The bookmark at or before `offset`, as (its offset, the position before it).
    pub(crate) fn bookmark(
        &self,
        tenant_pk: i64,
        shape: &str,
        generation: u64,
        offset: usize,
    ) -> Option<(usize, Position)> {
        let inner = self.lock();
        let found = inner.shapes.get(&(tenant_pk, shape.to_owned()))?;
        if found.generation != generation {
            return None;
        }
        found
            .bookmarks
            .range(..=offset)
            .next_back()
            .map(|(at, position)| (*at, *position))
    }

    pub(crate) fn remember_bookmark(
        &self,
        tenant_pk: i64,
        shape: &str,
        generation: u64,
        offset: usize,
        position: Position,
    ) {
        self.with_shape(tenant_pk, shape, generation, |it| {
            if it.bookmarks.len() >= MAX_BOOKMARKS {
                it.bookmarks.pop_first();
            }
            it.bookmarks.insert(offset, position);
        });
    }

    /// Runs `update` on the shape's entry for `generation`, unless a newer generation of
    /// the tenant was seen (the reader's snapshot is then out of date); entries of older
    /// generations are dropped.
    fn with_shape(
        &self,
        tenant_pk: i64,
        shape: &str,
        generation: u64,
        update: impl FnOnce(&mut Shape),
    ) {
        let mut inner = self.lock();
        let newest = inner.newest.entry(tenant_pk).or_insert(generation);
        if generation < *newest {
            return;
        }
        if generation > *newest {
            *newest = generation;
            inner
                .shapes
                .retain(|(tenant, _), it| *tenant != tenant_pk || it.generation >= generation);
        }
        inner.tick += 1;
        let tick = inner.tick;
        if inner.shapes.len() >= MAX_SHAPES
            && !inner.shapes.contains_key(&(tenant_pk, shape.to_owned()))
        {
            let oldest = inner
                .shapes
                .iter()
                .min_by_key(|(_, it)| it.used)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                inner.shapes.remove(&oldest);
            }
        }
        let entry = inner
            .shapes
            .entry((tenant_pk, shape.to_owned()))
            .or_insert_with(|| Shape {
                generation,
                used: tick,
                count: None,
                bookmarks: BTreeMap::new(),
            });
        if entry.generation != generation {
            *entry = Shape {
                generation,
                used: tick,
                count: None,
                bookmarks: BTreeMap::new(),
            };
        }
        entry.used = tick;
        update(entry);
    }
}

/// How to read an offset page: the keyset request that starts from the nearest
/// bookmark before it, with one row of look-behind when it starts past the bookmark
/// (that row gives the bookmark of the page's start).
pub(crate) struct OffsetPlan {
    shape: String,
    offset: usize,
    behind: bool,
    pub(crate) request: PageRequest,
}

impl Listing {
    /// Plans the offset page `page` of the query `shape` (a filter's `Debug` text, say),
    /// as of `generation`.
    pub(crate) fn plan(
        &self,
        tenant_pk: i64,
        shape: &str,
        generation: u64,
        page: PageRequest,
    ) -> OffsetPlan {
        let shape = format!("{shape}/{}", page.ascending);
        let (after, skip) = match self.bookmark(tenant_pk, &shape, generation, page.offset) {
            Some((at, position)) => (Some(position), page.offset - at),
            None => (None, page.offset),
        };
        let behind = usize::from(skip > 0);
        OffsetPlan {
            shape,
            offset: page.offset,
            behind: behind == 1,
            request: PageRequest {
                after,
                offset: skip - behind,
                limit: page.limit + behind,
                ascending: page.ascending,
            },
        }
    }

    /// Takes the rows `plan.request` found to the page asked for, leaving bookmarks at
    /// its start and its end.
    pub(crate) fn learn<T>(
        &self,
        tenant_pk: i64,
        generation: u64,
        plan: &OffsetPlan,
        found: &mut Page<T>,
        position_of: impl Fn(&T) -> Position,
    ) {
        if plan.behind && !found.items.is_empty() {
            let before = found.items.remove(0);
            let position = position_of(&before);
            self.remember_bookmark(tenant_pk, &plan.shape, generation, plan.offset, position);
        }
        if let Some(last) = found.items.last() {
            let end = plan.offset + found.items.len();
            self.remember_bookmark(tenant_pk, &plan.shape, generation, end, position_of(last));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: i64) -> Position {
        Position { at: n, id: n }
    }

    #[test]
    fn what_was_learned_under_one_generation_is_used_only_under_it() {
        let listing = Listing::default();
        listing.remember_count(1, "all", 7, 10);
        listing.remember_bookmark(1, "all", 7, 100, at(5));
        assert_eq!(listing.count(1, "all", 7), Some(10));
        assert_eq!(listing.bookmark(1, "all", 7, 150), Some((100, at(5))));
        assert_eq!(listing.bookmark(1, "all", 7, 99), None);
        // Another tenant's generations change nothing here.
        listing.remember_count(2, "all", 9, 3);
        assert_eq!(listing.count(1, "all", 7), Some(10));
        // A reader that sees a write (generation 8) finds nothing of 7.
        assert_eq!(listing.count(1, "all", 8), None);
        assert_eq!(listing.bookmark(1, "all", 8, 150), None);
        listing.remember_count(1, "all", 8, 11);
        assert_eq!(listing.count(1, "all", 8), Some(11));
        // A reader whose snapshot is older than what was seen files nothing.
        listing.remember_count(1, "all", 7, 10);
        assert_eq!(listing.count(1, "all", 7), None);
        assert_eq!(listing.count(1, "all", 8), Some(11));
    }
}
