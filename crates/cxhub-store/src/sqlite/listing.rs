//! What makes offset pages and totals cheap: per-tenant write generations, and caches of
//! counts and of page positions that are valid only while the tenant's generation holds.
//!
//! Dialects that page by number (klink `page`, CINNOX `offset`) would otherwise skip rows
//! from the start on every request, and klink prints an exact `total` on every page. A
//! page served here remembers where it started and where it ended (a *bookmark*: the
//! keyset position before a given offset), so the next page, or the same page again,
//! starts from a keyset seek; a total is counted once per generation.
//!
//! Every committed write that touches a tenant's interactions raises its generation, after
//! the commit. A reader takes the generation before it queries and files what it learns
//! under it, so anything learned from a snapshot older than a write is never used after it:
//! the answers are exactly what a fresh `OFFSET` and `count(*)` would give.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::query::Position;

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
    generations: HashMap<i64, u64>,
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

    /// The tenant's current write generation.
    pub(crate) fn generation(&self, tenant_pk: i64) -> u64 {
        self.lock()
            .generations
            .get(&tenant_pk)
            .copied()
            .unwrap_or(0)
    }

    /// Call after a committed write to the tenant's interactions.
    pub(crate) fn bump(&self, tenant_pk: i64) {
        let mut inner = self.lock();
        *inner.generations.entry(tenant_pk).or_insert(0) += 1;
        inner.shapes.retain(|(tenant, _), _| *tenant != tenant_pk);
    }

    /// A count learned under `generation`, if it still holds.
    pub(crate) fn count(&self, tenant_pk: i64, shape: &str, generation: u64) -> Option<u64> {
        let mut inner = self.lock();
        let current = inner.generations.get(&tenant_pk).copied().unwrap_or(0);
        inner.tick += 1;
        let tick = inner.tick;
        let found = inner.shapes.get_mut(&(tenant_pk, shape.to_owned()))?;
        found.used = tick;
        (found.generation == generation && generation == current)
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
        let current = inner.generations.get(&tenant_pk).copied().unwrap_or(0);
        let found = inner.shapes.get(&(tenant_pk, shape.to_owned()))?;
        if found.generation != generation || generation != current {
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

    /// Runs `update` on the shape's entry for `generation`, if that is still current;
    /// an entry of an older generation is replaced.
    fn with_shape(
        &self,
        tenant_pk: i64,
        shape: &str,
        generation: u64,
        update: impl FnOnce(&mut Shape),
    ) {
        let mut inner = self.lock();
        let current = inner.generations.get(&tenant_pk).copied().unwrap_or(0);
        if generation != current {
            return;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: i64) -> Position {
        Position { at: n, id: n }
    }

    #[test]
    fn what_was_learned_before_a_write_is_not_used_after_it() {
        let listing = Listing::default();
        let generation = listing.generation(1);
        listing.remember_count(1, "all", generation, 10);
        listing.remember_bookmark(1, "all", generation, 100, at(5));
        assert_eq!(listing.count(1, "all", generation), Some(10));
        assert_eq!(
            listing.bookmark(1, "all", generation, 150),
            Some((100, at(5)))
        );
        assert_eq!(listing.bookmark(1, "all", generation, 99), None);
        // Another tenant's write changes nothing here.
        listing.bump(2);
        assert_eq!(listing.count(1, "all", generation), Some(10));
        listing.bump(1);
        let fresh = listing.generation(1);
        assert_eq!(listing.count(1, "all", fresh), None);
        assert_eq!(listing.bookmark(1, "all", fresh, 150), None);
        // A reader that started before the write cannot file what it learned.
        listing.remember_count(1, "all", generation, 11);
        assert_eq!(listing.count(1, "all", fresh), None);
    }
}
