//! Tickets, their tags, categories and custom fields.

use cxhub_model::directory::AttributeType;
use cxhub_model::error::FieldError;
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::ticket::{CustomField, FieldValue, Ticket};
use cxhub_model::time::Instant;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::types::ToSql;

use super::PgStore;
use super::rows::PgCols;
use super::sql::Where;
use crate::columns::Columns;
use crate::postgres::sql::prepared;
use crate::query::{Page, PageRequest, Position, TicketFilter};
use crate::records;
use crate::values::{corrupt, record_id};
use crate::{Outcome, StoreError, StoreResult, TicketEdit, Upserted};

/// The row's key (for joins, never shown), then its number: the ticket's id and number.
const COLUMNS: &str = "pk, number, source, external_id, version, title, description, ticket_type, channel, priority, \
                       status, contact_id, creator_id, assignee_id, reason_to_assign, created_at, updated_at, deleted_at";

impl PgStore {
    pub async fn upsert_tickets(
        &self,
        tenant_pk: i64,
        batch: Vec<Ticket>,
    ) -> StoreResult<Vec<Upserted>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        let now = Instant::now();
        let mut out = Vec::with_capacity(batch.len());
        for (idx, ticket) in batch.iter().enumerate() {
            let invalid = |err: FieldError| StoreError::Invalid(err.within(&format!("[{idx}]")));
            ticket.check().map_err(invalid)?;
            match upsert_one(&tx, tenant_pk, ticket, now).await {
                Err(StoreError::Invalid(err)) => return Err(invalid(err)),
                other => out.push(other?),
            }
        }
        if out.iter().any(|it| it.outcome.changed()) {
            super::raise_records_generation(&tx, tenant_pk).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    pub async fn list_tickets(
        &self,
        tenant_pk: i64,
        filter: TicketFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Ticket>> {
        let mut cond = conditions(tenant_pk, &filter);
        let sql = cond.page_query(&format!("select {COLUMNS} from ticket"), "created_at", page);
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let rows = prepared::query(&tx, &sql, &cond.args()).await?;
        let mut items = rows.iter().map(read_row).collect::<StoreResult<Vec<_>>>()?;
        let next = crate::query::page_end(&mut items, page.limit, |(_, it)| Position {
            at: it.created_at.as_millis(),
            id: it.id.map_or(0, RecordId::get),
        });
        let mut tickets = Vec::with_capacity(items.len());
        for item in items {
            tickets.push(with_children(&tx, item).await?);
        }
        tx.commit().await?;
        Ok(Page {
            items: tickets,
            next,
        })
    }

    /// How many tickets match `filter`.
    pub async fn count_tickets(&self, tenant_pk: i64, filter: TicketFilter) -> StoreResult<u64> {
        let cond = conditions(tenant_pk, &filter);
        let client = self.client().await?;
        let count: i64 = client
            .query_one(&cond.count_query("ticket"), &cond.args())
            .await?
            .get(0);
        Ok(u64::try_from(count).unwrap_or(0))
    }

    pub async fn ticket(&self, tenant_pk: i64, id: RecordId) -> StoreResult<Option<Ticket>> {
        let mut client = self.client().await?;
        let tx = super::snapshot(&mut client).await?;
        let found = match by_number(&tx, tenant_pk, id).await? {
            Some(found) => Some(with_children(&tx, found).await?),
            None => None,
        };
        tx.commit().await?;
        Ok(found)
    }

    /// Applies `edit` to a stored ticket inside one write transaction and stores the
    /// result as a newer version, so concurrent edits queue instead of overwriting each
    /// other. Returns the ticket as stored.
    pub async fn edit_ticket(
        &self,
        tenant_pk: i64,
        id: RecordId,
        edit: TicketEdit,
    ) -> StoreResult<Ticket> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        let Some(stored) = by_number(&tx, tenant_pk, id).await? else {
            return Err(StoreError::NotFound);
        };
        let mut ticket = with_children(&tx, stored).await?;
        let now = Instant::now();
        edit(&mut ticket).map_err(StoreError::Invalid)?;
        ticket.version += 1;
        ticket.updated_at = Some(now.max(ticket.created_at));
        ticket.check().map_err(StoreError::Invalid)?;
        upsert_one(&tx, tenant_pk, &ticket, now).await?;
        super::raise_records_generation(&tx, tenant_pk).await?;
        let stored = by_number(&tx, tenant_pk, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let stored = with_children(&tx, stored).await?;
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn delete_ticket(
        &self,
        tenant_pk: i64,
        id: RecordId,
        at: Instant,
    ) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        super::lock_tenant(&tx, tenant_pk).await?;
        let changed = tx
            .execute(
                "update ticket set deleted_at = coalesce(deleted_at, $1), updated_at = greatest(updated_at, $1)
                 where tenant_pk = $2 and number = $3",
                &[&at.as_millis(), &tenant_pk, &id.get()],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        super::raise_records_generation(&tx, tenant_pk).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn by_number(
    client: &impl GenericClient,
    tenant_pk: i64,
    id: RecordId,
) -> StoreResult<Option<(i64, Ticket)>> {
    let sql = format!("select {COLUMNS} from ticket where tenant_pk = $1 and number = $2");
    let row = client.query_opt(&sql, &[&tenant_pk, &id.get()]).await?;
    row.as_ref().map(read_row).transpose()
}

async fn upsert_one(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    ticket: &Ticket,
    now: Instant,
) -> StoreResult<Upserted> {
    for user in [&ticket.creator_id, &ticket.assignee_id]
        .into_iter()
        .flatten()
    {
        super::ensure(tx, tenant_pk, "user", user.as_str()).await?;
    }
    if let Some(contact) = &ticket.contact_id {
        super::ensure(tx, tenant_pk, "contact", contact.as_str()).await?;
    }
    for tag in &ticket.tags {
        super::ensure(tx, tenant_pk, "tag", tag.as_str()).await?;
    }
    for category in &ticket.categories {
        super::ensure(tx, tenant_pk, "category", category.as_str()).await?;
    }
    check_fields(tx, tenant_pk, &ticket.custom_fields).await?;
    let key = |it: &Option<Key>| it.as_ref().map(|it| it.as_str().to_owned());
    let updated_at = ticket
        .updated_at
        .unwrap_or(now)
        .max(ticket.created_at)
        .as_millis();
    let values: Vec<Box<dyn ToSql + Sync + Send>> = vec![
        Box::new(ticket.version),
        Box::new(ticket.title.clone()),
        Box::new(ticket.description.clone()),
        Box::new(ticket.ticket_type.clone()),
        Box::new(ticket.channel.clone()),
        Box::new(ticket.priority.as_str()),
        Box::new(ticket.status.as_str()),
        Box::new(key(&ticket.contact_id)),
        Box::new(key(&ticket.creator_id)),
        Box::new(key(&ticket.assignee_id)),
        Box::new(ticket.reason_to_assign.clone()),
        Box::new(ticket.created_at.as_millis()),
        Box::new(updated_at),
        Box::new(ticket.deleted_at.map(|it| it.as_millis())),
    ];
    let mut args: Vec<&(dyn ToSql + Sync)> = values.iter().map(|it| it.as_ref() as _).collect();
    let stored = tx
        .query_opt(
            "select pk, number, version from ticket where tenant_pk = $1 and source = $2 and external_id = $3",
            &[&tenant_pk, &ticket.source.as_str(), &ticket.external_id.as_str()],
        )
        .await?;
    let Some(stored) = stored else {
        let (source, external_id) = (ticket.source.as_str(), ticket.external_id.as_str());
        let more: [&(dyn ToSql + Sync); 3] = [&tenant_pk, &source, &external_id];
        args.extend(more);
        // The number comes from the tenant's counter (migration 0003's trigger).
        let row = tx
            .query_one(
                "insert into ticket (version, title, description, ticket_type, channel, priority, status,
                 contact_id, creator_id, assignee_id, reason_to_assign, created_at, updated_at, deleted_at,
                 tenant_pk, source, external_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                 $13, $14, $15, $16, $17) returning pk, number",
                &args,
            )
            .await?;
        let (pk, number): (i64, i64) = (row.get(0), row.get(1));
        insert_children(tx, pk, ticket).await?;
        return Ok(Upserted {
            id: record_id(number)?,
            outcome: Outcome::Created,
        });
    };
    let (pk, number, version): (i64, i64, i64) = (stored.get(0), stored.get(1), stored.get(2));
    let outcome = Outcome::of(ticket.version, Some(version));
    if outcome == Outcome::Updated {
        args.push(&pk);
        tx.execute(
            "update ticket set version = $1, title = $2, description = $3, ticket_type = $4, channel = $5,
             priority = $6, status = $7, contact_id = $8, creator_id = $9, assignee_id = $10,
             reason_to_assign = $11, created_at = $12, updated_at = $13, deleted_at = $14 where pk = $15",
            &args,
        )
        .await?;
        for table in ["ticket_tag", "ticket_category", "ticket_field"] {
            tx.execute(&format!("delete from {table} where ticket_pk = $1"), &[&pk])
                .await?;
        }
        insert_children(tx, pk, ticket).await?;
    }
    Ok(Upserted {
        id: record_id(number)?,
        outcome,
    })
}

/// Each value must have the type of its attribute; an unknown attribute is created from
/// the value's type, so a source can name it before describing it.
async fn check_fields(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    fields: &[CustomField],
) -> StoreResult<()> {
    for (idx, field) in fields.iter().enumerate() {
        let kind: Option<String> = tx
            .query_opt(
                "select kind from attribute where tenant_pk = $1 and id = $2",
                &[&tenant_pk, &field.attribute_id.as_str()],
            )
            .await?
            .map(|row| row.get(0));
        match kind.as_deref().map(AttributeType::parse) {
            None => {
                tx.execute(
                    "insert into attribute (tenant_pk, id, system_name, display_name, kind)
                     values ($1, $2, $2, $2, $3) on conflict do nothing",
                    &[
                        &tenant_pk,
                        &field.attribute_id.as_str(),
                        &field.value.kind().as_str(),
                    ],
                )
                .await?;
            }
            Some(Some(kind)) if kind == field.value.kind() => (),
            Some(Some(kind)) => {
                return Err(StoreError::Invalid(FieldError::new(
                    format!("custom_fields[{idx}].value"),
                    format!(
                        "attribute {} takes a {} value",
                        field.attribute_id,
                        kind.as_str()
                    ),
                )));
            }
            Some(None) => return Err(corrupt("attribute kind")),
        }
    }
    Ok(())
}

/// Inserts the tags, categories and fields of the ticket in row `pk`.
async fn insert_children(tx: &Transaction<'_>, pk: i64, ticket: &Ticket) -> StoreResult<()> {
    for (seq, tag) in (0_i64..).zip(&ticket.tags) {
        tx.execute(
            "insert into ticket_tag (ticket_pk, seq, tag_id) values ($1, $2, $3)",
            &[&pk, &seq, &tag.as_str()],
        )
        .await?;
    }
    for (seq, category) in (0_i64..).zip(&ticket.categories) {
        tx.execute(
            "insert into ticket_category (ticket_pk, seq, category_id) values ($1, $2, $3)",
            &[&pk, &seq, &category.as_str()],
        )
        .await?;
    }
    for field in &ticket.custom_fields {
        let (text, number, boolean, date) = match &field.value {
            FieldValue::Text(text) => (Some(text.clone()), None, None, None),
            FieldValue::Number(number) => (None, Some(*number), None, None),
            FieldValue::Boolean(boolean) => (None, None, Some(*boolean), None),
            FieldValue::Date(date) => (None, None, None, Some(date.to_string())),
        };
        tx.execute(
            "insert into ticket_field (ticket_pk, attribute_id, text_value, number_value, boolean_value, date_value)
             values ($1, $2, $3, $4, $5, $6) on conflict (ticket_pk, attribute_id) do update set
             text_value = excluded.text_value, number_value = excluded.number_value,
             boolean_value = excluded.boolean_value, date_value = excluded.date_value",
            &[&pk, &field.attribute_id.as_str(), &text, &number, &boolean, &date],
        )
        .await?;
    }
    Ok(())
}

/// Reads [`COLUMNS`]: the row's key, and the ticket without its children.
fn read_row(row: &tokio_postgres::Row) -> StoreResult<(i64, Ticket)> {
    records::read_ticket(&mut PgCols::new(row))
}

/// The ticket read from row `pk`, with its tags, categories and fields.
async fn with_children(
    client: &impl GenericClient,
    (pk, mut ticket): (i64, Ticket),
) -> StoreResult<Ticket> {
    let keys = |rows: Vec<tokio_postgres::Row>| {
        rows.iter()
            .map(|row| PgCols::new(row).required_key())
            .collect::<StoreResult<Vec<Key>>>()
    };
    ticket.tags = keys(
        client
            .query(
                "select tag_id from ticket_tag where ticket_pk = $1 order by seq",
                &[&pk],
            )
            .await?,
    )?;
    ticket.categories = keys(
        client
            .query(
                "select category_id from ticket_category where ticket_pk = $1 order by seq",
                &[&pk],
            )
            .await?,
    )?;
    let rows = client
        .query(
            "select f.attribute_id, a.kind, f.text_value, f.number_value, f.boolean_value, f.date_value
             from ticket_field f join ticket t on t.pk = f.ticket_pk
             join attribute a on a.tenant_pk = t.tenant_pk and a.id = f.attribute_id
             where f.ticket_pk = $1 order by a.position, f.attribute_id collate \"C\"",
            &[&pk],
        )
        .await?;
    for row in &rows {
        let mut cols = PgCols::new(row);
        let attribute_id = cols.required_key()?;
        let kind = cols.required(AttributeType::parse)?;
        let text: Option<String> = row.try_get(2)?;
        let number: Option<f64> = row.try_get(3)?;
        let boolean: Option<bool> = row.try_get(4)?;
        let date: Option<String> = row.try_get(5)?;
        let value = crate::records::field_value(&attribute_id, kind, text, number, boolean, date)?;
        ticket.custom_fields.push(CustomField {
            attribute_id,
            value,
        });
    }
    Ok(ticket)
}

fn conditions(tenant_pk: i64, filter: &TicketFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    crate::conditions::tickets(&mut cond, filter);
    cond
}
