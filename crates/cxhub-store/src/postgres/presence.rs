//! Presence changes.

use cxhub_model::directory::PresenceStatus;
use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use deadpool_postgres::{GenericClient, Transaction};

mod folded;

pub(super) use folded::project_all;

use super::PgStore;
use super::rows::PgCols;
use super::sql::Where;
use crate::postgres::sql::prepared;
use crate::query::{Page, PageRequest, Position, PresenceFilter};
use crate::records;
use crate::values::record_id;
use crate::{Outcome, StoreResult, Upserted};

/// The first column is the record's number, the id the store shows.
const COLUMNS: &str = "number, source, external_id, version, user_id, previous_status, new_status, reason, at, ended_at";

impl PgStore {
    pub async fn upsert_presence(
        &self,
        tenant_pk: i64,
        batch: Vec<PresenceChange>,
    ) -> StoreResult<Vec<Upserted>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        let mut out = Vec::with_capacity(batch.len());
        for change in &batch {
            out.push(upsert_one(&tx, tenant_pk, change).await?);
        }
        if out.iter().any(|it| it.outcome.changed()) {
            super::raise_records_generation(&tx, tenant_pk).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// How many presence changes match `filter`.
    pub async fn count_presence(&self, tenant_pk: i64, filter: PresenceFilter) -> StoreResult<u64> {
        let cond = conditions(tenant_pk, &filter);
        let client = self.client().await?;
        let count: i64 =
            prepared::query_one(&client, &cond.count_query("presence_change"), &cond.args())
                .await?
                .get(0);
        Ok(u64::try_from(count).unwrap_or(0))
    }

    pub async fn list_presence(
        &self,
        tenant_pk: i64,
        filter: PresenceFilter,
        page: PageRequest,
    ) -> StoreResult<Page<PresenceChange>> {
        let mut cond = conditions(tenant_pk, &filter);
        let sql = cond.page_query(
            &format!("select {COLUMNS} from presence_change"),
            "at",
            page,
        );
        let client = self.client().await?;
        let rows = prepared::query(&client, &sql, &cond.args()).await?;
        let mut items = rows
            .iter()
            .map(|row| records::read_presence(&mut PgCols::new(row)))
            .collect::<StoreResult<Vec<_>>>()?;
        let next = crate::query::page_end(&mut items, page.limit, |it: &PresenceChange| Position {
            at: it.at.as_millis(),
            id: it.id.map_or(0, |id| id.get()),
        });
        Ok(Page { items, next })
    }
}

/// Writes one change folded from events, as [`folded::project_all`] does.
async fn project(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    mut change: PresenceChange,
) -> StoreResult<Upserted> {
    let sql = format!(
        "select {COLUMNS} from presence_change where tenant_pk = $1 and source = $2 and external_id = $3"
    );
    let row = prepared::query_opt(
        tx,
        &sql,
        &[
            &tenant_pk,
            &change.source.as_str(),
            &change.external_id.as_str(),
        ],
    )
    .await?;
    let stored = row
        .map(|row| records::read_presence(&mut PgCols::new(&row)))
        .transpose()?;
    change.version = match records::folded_presence_version(stored.as_ref(), &change) {
        Some(version) => version,
        None => {
            let id = stored.and_then(|it| it.id);
            return Ok(Upserted {
                id: id.ok_or_else(|| crate::values::corrupt("a stored change without id"))?,
                outcome: Outcome::Duplicate,
            });
        }
    };
    upsert_one(tx, tenant_pk, &change).await
}

async fn upsert_one(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    change: &PresenceChange,
) -> StoreResult<Upserted> {
    super::ensure(tx, tenant_pk, "user", change.user_id.as_str()).await?;
    for status in change.previous_status.iter().chain([&change.new_status]) {
        ensure_status(tx, tenant_pk, status).await?;
    }
    let stored = prepared::query_opt(
        tx,
        "select pk, number, version from presence_change
             where tenant_pk = $1 and source = $2 and external_id = $3",
        &[
            &tenant_pk,
            &change.source.as_str(),
            &change.external_id.as_str(),
        ],
    )
    .await?;
    let values: [&(dyn tokio_postgres::types::ToSql + Sync); 7] = [
        &change.user_id.as_str(),
        &change.previous_status.as_ref().map(Key::as_str),
        &change.new_status.as_str(),
        &change.reason,
        &change.at.as_millis(),
        &change.version,
        &change.ended_at.map(|it| it.as_millis()),
    ];
    let Some(stored) = stored else {
        let mut args = values.to_vec();
        let (source, external_id) = (change.source.as_str(), change.external_id.as_str());
        let more: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
            [&tenant_pk, &source, &external_id];
        args.extend(more);
        let number: i64 = prepared::query_one(tx, "insert into presence_change (user_id, previous_status, new_status, reason, at, version, ended_at,
                 tenant_pk, source, external_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning number",
                &args,
            )
            .await?
            .get(0);
        return Ok(Upserted {
            id: record_id(number)?,
            outcome: Outcome::Created,
        });
    };
    let (row, number, version): (i64, i64, i64) = (stored.get(0), stored.get(1), stored.get(2));
    let outcome = Outcome::of(change.version, Some(version));
    if outcome == Outcome::Updated {
        let mut args = values.to_vec();
        args.push(&row);
        prepared::execute(tx, "update presence_change set user_id = $1, previous_status = $2, new_status = $3, reason = $4,
             at = $5, version = $6, ended_at = $7 where pk = $8",
            &args,
        )
        .await?;
    }
    Ok(Upserted {
        id: record_id(number)?,
        outcome,
    })
}

/// Adds a status a change names to the catalogue, described from its name alone.
async fn ensure_status(
    client: &impl GenericClient,
    tenant_pk: i64,
    system_name: &Key,
) -> StoreResult<()> {
    let stub = PresenceStatus::stub(system_name.clone());
    prepared::execute(
        client,
        "insert into presence_status (tenant_pk, system_name, display_name, emoji, productive)
             values ($1, $2, $3, '', false) on conflict do nothing",
        &[&tenant_pk, &stub.system_name.as_str(), &stub.display_name],
    )
    .await?;
    Ok(())
}

fn conditions(tenant_pk: i64, filter: &PresenceFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    crate::conditions::presence(&mut cond, filter);
    cond
}
