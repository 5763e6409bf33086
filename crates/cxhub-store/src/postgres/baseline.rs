//! The raw-storage baseline that `bench/` compares cxhub on PostgreSQL with, in the same
//! run: the same rows into the same tables by `COPY`, and the store's own listing SQL on
//! a plain connection, with nothing of cxhub's around them (no idempotency lookups, no
//! version rule, no stubs, no numbering trigger, no HTTP, no JSON).

use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;
use deadpool_postgres::Object;
use tokio_postgres::NoTls;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::database;
use crate::StoreResult;
use crate::copy::{Kind, TABLES, Table};
use crate::query::{InteractionFilter, Page, PageRequest};
use crate::records::interaction::{leg_values, message_values, values};
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

fn table(name: &str) -> &'static Table {
    TABLES
        .iter()
        .find(|it| it.name == name)
        .expect("a copied table")
}

/// The column types of a copied table's columns, then `extra`.
fn types(table: &Table, extra: &[Type]) -> Vec<Type> {
    let mut out: Vec<Type> = table
        .columns()
        .map(|(_, kind)| match kind {
            Kind::Int => Type::INT8,
            Kind::Text => Type::TEXT,
            Kind::Flag => Type::BOOL,
            Kind::Real => Type::FLOAT8,
            Kind::Bytes => Type::BYTEA,
        })
        .collect();
    out.extend_from_slice(extra);
    out
}

impl Raw {
    /// Turns off the numbering trigger: the baseline brings each record's number.
    pub async fn without_numbering(&self) -> StoreResult<()> {
        self.client
            .batch_execute("alter table interaction disable trigger interaction_numbered")
            .await?;
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
        let now = Instant::now();
        let record = table("interaction");
        let sql = format!(
            "copy interaction ({}, tenant_pk) from stdin binary",
            record.column_list("")
        );
        let mut writer = std::pin::pin!(BinaryCopyInWriter::new(
            tx.copy_in(&sql).await?,
            &types(record, &[Type::INT8]),
        ));
        for (number, it) in (first_number..).zip(items) {
            let mut row = vec![Cell::Int(number)];
            row.extend(values(it, now));
            row.extend([Cell::Null, Cell::Int(tenant_pk)]);
            writer
                .as_mut()
                .write_raw(row.iter().map(|it| it as &(dyn ToSql + Sync)))
                .await?;
        }
        writer.as_mut().finish().await?;
        let last = first_number + items.len() as i64;
        let pks: std::collections::HashMap<i64, i64> = tx
            .query(
                "select number, pk from interaction where tenant_pk = $1 and number >= $2 and number < $3",
                &[&tenant_pk, &first_number, &last],
            )
            .await?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        for name in ["call_leg", "message"] {
            let child = table(name);
            let sql = format!(
                "copy {name} ({}, interaction_pk) from stdin binary",
                child.column_list("")
            );
            let mut writer = std::pin::pin!(BinaryCopyInWriter::new(
                tx.copy_in(&sql).await?,
                &types(child, &[Type::INT8])
            ));
            for (number, it) in (first_number..).zip(items) {
                let pk = Cell::Int(pks.get(&number).copied().unwrap_or_default());
                let rows: Vec<Vec<Cell>> = match name {
                    "call_leg" => (0_i64..)
                        .zip(it.call.iter().flat_map(|call| &call.legs))
                        .map(|(seq, leg)| {
                            let mut row = vec![Cell::Int(seq)];
                            row.extend(leg_values(leg));
                            row
                        })
                        .collect(),
                    _ => (0_i64..)
                        .zip(&it.messages)
                        .map(|(seq, message)| {
                            let mut row = vec![Cell::Int(seq)];
                            row.extend(message_values(message));
                            row
                        })
                        .collect(),
                };
                for mut row in rows {
                    row.push(pk.clone());
                    writer
                        .as_mut()
                        .write_raw(row.iter().map(|it| it as &(dyn ToSql + Sync)))
                        .await?;
                }
            }
            writer.as_mut().finish().await?;
        }
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
        let event = table("event");
        let sql = format!(
            "copy event ({}, tenant_pk) from stdin binary",
            event.column_list("")
        );
        let mut writer = std::pin::pin!(BinaryCopyInWriter::new(
            tx.copy_in(&sql).await?,
            &types(event, &[Type::INT8])
        ));
        for (source, id, kind, subject, type_name, at, body) in events {
            let row: [&(dyn ToSql + Sync); 9] = [
                source, id, kind, subject, type_name, at, body, at, &tenant_pk,
            ];
            writer.as_mut().write(&row).await?;
        }
        writer.as_mut().finish().await?;
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
