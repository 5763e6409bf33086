//! The raw-storage baseline that `bench/` compares cxhub on PostgreSQL with, in the same
//! run: the same rows into the same tables by `COPY`, and the store's own listing SQL on
//! a plain connection, with nothing of cxhub's around them (no idempotency lookups, no
//! version rule, no stubs, no numbering trigger, no HTTP, no JSON).

use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;
use deadpool_postgres::Object;
use tokio_postgres::NoTls;

use super::database;
use crate::StoreResult;
use crate::query::{InteractionFilter, Page, PageRequest};
use crate::values::Cell;

/// One plain connection to a database the store has migrated.
pub struct Raw {
    client: Object,
}

/// Connects to `url` (a database made by `PgStore::open`).
pub async fn connect(url: &str) -> StoreResult<Raw> {
    let client = super::pool(url, 1)?.get().await.map_err(database)?;
    Ok(Raw { client })
}

/// Drops and creates database `name` on the server `url` names; answers its URL.
pub async fn fresh_database(url: &str, name: &str) -> StoreResult<String> {
    let (admin, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(connection);
    // One statement each: neither may run inside a transaction block.
    admin
        .batch_execute(&format!("drop database if exists {name} with (force)"))
        .await?;
    admin
        .batch_execute(&format!("create database {name}"))
        .await?;
    Ok(crate::testing::with_database(url, name))
}

impl Raw {
    /// Turns off the numbering trigger: the baseline brings each record's number.
    pub async fn without_numbering(&self) -> StoreResult<()> {
        self.client
            .batch_execute("alter table interaction disable trigger interaction_numbered")
            .await?;
        Ok(())
    }

    /// Gathers the planner's statistics, as autovacuum would after a load: the listing is
    /// measured on planned tables, not on a load's first minutes.
    pub async fn analyze(&self) -> StoreResult<()> {
        self.client.batch_execute("analyze").await?;
        Ok(())
    }

    /// `COPY`s interactions, numbered from `first_number`, and their legs and messages,
    /// in one transaction.
    pub async fn copy_interactions(
        &mut self,
        tenant_pk: i64,
        items: &[Interaction],
        first_number: i64,
    ) -> StoreResult<()> {
        let tx = self.client.transaction().await?;
        let items: Vec<&Interaction> = items.iter().collect();
        super::copy_in::interactions(&tx, tenant_pk, &items, first_number, Instant::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `COPY`s raw event rows: (source, event id, subject kind, subject id, type, at in
    /// ms, body), received at their own instant.
    pub async fn copy_events(
        &mut self,
        tenant_pk: i64,
        events: &[(String, String, String, String, String, i64, String)],
    ) -> StoreResult<()> {
        let tx = self.client.transaction().await?;
        let rows = events
            .iter()
            .map(|(source, id, kind, subject, type_name, at, body)| {
                let text = |it: &String| Cell::Text(it.clone());
                vec![
                    text(source),
                    text(id),
                    text(kind),
                    text(subject),
                    text(type_name),
                    Cell::Int(*at),
                    text(body),
                    Cell::Int(*at),
                    Cell::Int(tenant_pk),
                ]
            });
        super::copy_in::rows(&tx, "event", "tenant_pk", rows.collect()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One page of interactions by the store's own listing SQL.
    pub async fn list_interactions(
        &self,
        tenant_pk: i64,
        filter: &InteractionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Interaction>> {
        super::interactions::list_raw(&self.client, tenant_pk, filter, page).await
    }
}
