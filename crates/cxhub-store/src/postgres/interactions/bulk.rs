//! A batch's new records written with multi-row inserts: a load or a day's import is
//! mostly new records, and one statement per few hundred of them, instead of several
//! round trips each, is most of the difference to PostgreSQL's own `COPY`.

use std::collections::{HashMap, HashSet};

use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;
use deadpool_postgres::Transaction;

use super::StoredRecord;
use crate::postgres::sql::prepared;
use crate::records::interaction;
use crate::values::record_id;
use crate::{Outcome, StoreResult, Upserted};

/// What is stored under each key of the batch, read in one query; `None` when a key
/// comes twice in the batch (then each record is written in turn, seeing the one before).
pub(super) async fn stored_all(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    batch: &[Interaction],
) -> StoreResult<Option<HashMap<(String, String), StoredRecord>>> {
    let mut seen = HashSet::with_capacity(batch.len());
    let (mut sources, mut ids) = (Vec::new(), Vec::new());
    for it in batch {
        if !seen.insert((it.source.as_str(), it.external_id.as_str())) {
            return Ok(None);
        }
        sources.push(it.source.as_str());
        ids.push(it.external_id.as_str());
    }
    let rows = prepared::query(
        tx,
        "select i.source, i.external_id, i.pk, i.number, i.version, i.refold_at from interaction i
             join unnest($2::text[], $3::text[]) k(source, external_id)
             on i.source = k.source and i.external_id = k.external_id where i.tenant_pk = $1",
        &[&tenant_pk, &sources, &ids],
    )
    .await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in &rows {
        let record = StoredRecord {
            pk: row.get(2),
            id: record_id(row.get(3))?,
            version: row.get(4),
            refold_at: row.get(5),
        };
        stored.insert((row.get(0), row.get(1)), record);
    }
    Ok(Some(stored))
}

/// Inserts new records, numbered in the order given, with their legs and messages, by
/// `COPY`; gives each one's row key and id. The caller holds the tenant's lock.
pub(super) async fn insert_new(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    items: &[&Interaction],
    now: Instant,
) -> StoreResult<Vec<(i64, Upserted)>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    // The batch's numbers are taken from the counter in one update: raising it row by row
    // (the trigger's way) leaves a chain of dead versions of the tenant row that every
    // later row of the transaction walks (bench/RESULTS.md, 2026-12-06). Rows then come
    // with numbers below the counter, which the trigger lets through (migration 0004);
    // the unique (tenant, number) index still refuses a number given twice.
    let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let first: i64 = prepared::query_one(
        tx,
        "update tenant set next_interaction_number = next_interaction_number + $2
             where pk = $1 returning next_interaction_number - $2",
        &[&tenant_pk, &count],
    )
    .await?
    .get(0);
    let pks = crate::postgres::copy_in::interactions(tx, tenant_pk, items, first, now).await?;
    (first..)
        .take(items.len())
        .map(|number| {
            let pk = pks
                .get(&number)
                .copied()
                .ok_or_else(|| crate::values::corrupt("a copied record not found"))?;
            let upserted = Upserted {
                id: record_id(number)?,
                outcome: Outcome::Created,
            };
            Ok((pk, upserted))
        })
        .collect()
}

/// Writes the records folded from one batch of events, each as one version more than the
/// stored one (1 when new), with when the clock next refolds it: the new ones in one go,
/// numbered in the order given (the subjects' order, as on SQLite); the stored ones
/// rewritten at once, their statements pipelined on the one connection.
pub(in crate::postgres) async fn write_folded(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    folded: Vec<(Interaction, Option<Instant>)>,
    now: Instant,
) -> StoreResult<()> {
    let (mut records, refolds): (Vec<Interaction>, Vec<Option<Instant>>) = folded
        .into_iter()
        .filter(|(it, _)| interaction::fold_is_writable(it))
        .unzip();
    let Some(stored) = stored_all(tx, tenant_pk, &records).await? else {
        for (it, refold_at) in records.into_iter().zip(refolds) {
            super::project(tx, tenant_pk, it, refold_at, now).await?;
        }
        return Ok(());
    };
    let found: Vec<Option<StoredRecord>> = records
        .iter()
        .map(|it| {
            let key = (
                it.source.as_str().to_owned(),
                it.external_id.as_str().to_owned(),
            );
            stored.get(&key).copied()
        })
        .collect();
    for (it, found) in records.iter_mut().zip(&found) {
        it.version = found.map_or(1, |it| it.version.saturating_add(1));
    }
    super::ensure_references(tx, tenant_pk, &records).await?;
    let fresh: Vec<&Interaction> = records
        .iter()
        .zip(&found)
        .filter(|(_, found)| found.is_none())
        .map(|(it, _)| it)
        .collect();
    let mut created = insert_new(tx, tenant_pk, &fresh, now).await?.into_iter();
    let rewrites: Vec<(&Interaction, i64)> = records
        .iter()
        .zip(&found)
        .filter_map(|(it, found)| found.map(|found| (it, found.pk)))
        .collect();
    super::rewrite_all(tx, &rewrites, now).await?;
    // When the clock refolds each: set where it changed (a new row has none).
    let (mut pks, mut ats) = (Vec::new(), Vec::new());
    for (found, refold_at) in found.iter().zip(refolds) {
        let (pk, before) = match found {
            Some(found) => (found.pk, found.refold_at),
            None => (created.next().map(|(pk, _)| pk).unwrap_or_default(), None),
        };
        let at = refold_at.map(Instant::as_millis);
        if at != before {
            pks.push(pk);
            ats.push(at);
        }
    }
    if !pks.is_empty() {
        prepared::execute(tx, "update interaction i set refold_at = u.at from unnest($1::bigint[], $2::bigint[]) u(pk, at)
             where i.pk = u.pk",
            &[&pks, &ats],
        )
        .await?;
    }
    Ok(())
}
