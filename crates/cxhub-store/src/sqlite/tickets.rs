//! Tickets, their tags, categories and custom fields.

use cxhub_model::directory::AttributeType;
use cxhub_model::error::FieldError;
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::ticket::{CustomField, FieldValue, Ticket};
use cxhub_model::time::Instant;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::codec::{self, Cols};
use super::sql::{Where, page_end};
use super::writer::WriteCtx;
use super::{SqliteStore, upsert_key};
use crate::columns::Columns;
use crate::query::{Page, PageRequest, Position, TicketFilter};
use crate::{Outcome, StoreError, StoreResult, TicketEdit, Upserted};

/// The row's id (for joins, never shown), then its number: the ticket's id and number.
const COLUMNS: &str = "id, number, source, external_id, version, title, description, ticket_type, channel, priority, \
                       status, contact_id, creator_id, assignee_id, reason_to_assign, created_at, updated_at, deleted_at";

impl SqliteStore {
    pub async fn upsert_tickets(
        &self,
        tenant_pk: i64,
        batch: Vec<Ticket>,
    ) -> StoreResult<Vec<Upserted>> {
        self.write(move |ctx| {
            let now = Instant::now();
            let mut out = Vec::with_capacity(batch.len());
            for (idx, ticket) in batch.iter().enumerate() {
                let invalid =
                    |err: FieldError| StoreError::Invalid(err.within(&format!("[{idx}]")));
                ticket.check().map_err(invalid)?;
                match upsert_one(ctx, tenant_pk, ticket, now) {
                    Err(StoreError::Invalid(err)) => return Err(invalid(err)),
                    other => out.push(other?),
                }
            }
            Ok(out)
        })
        .await
    }

    pub async fn list_tickets(
        &self,
        tenant_pk: i64,
        filter: TicketFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Ticket>> {
        self.read(move |conn| list(conn, tenant_pk, &filter, page))
            .await
    }

    /// How many tickets match `filter`.
    pub async fn count_tickets(&self, tenant_pk: i64, filter: TicketFilter) -> StoreResult<u64> {
        self.read(move |conn| conditions(tenant_pk, &filter).count(conn, "ticket"))
            .await
    }

    pub async fn ticket(&self, tenant_pk: i64, id: RecordId) -> StoreResult<Option<Ticket>> {
        self.read(move |conn| {
            let sql = format!("select {COLUMNS} from ticket where tenant_pk = ?1 and number = ?2");
            let found = conn
                .prepare_cached(&sql)?
                .query_row(params![tenant_pk, id.get()], |row| Ok(read_row(row)))
                .optional()?;
            found
                .transpose()?
                .map(|ticket| with_children(conn, ticket))
                .transpose()
        })
        .await
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
        self.write(move |ctx| {
            let sql = format!("select {COLUMNS} from ticket where tenant_pk = ?1 and number = ?2");
            let found = ctx
                .conn()
                .prepare_cached(&sql)?
                .query_row(params![tenant_pk, id.get()], |row| Ok(read_row(row)))
                .optional()?;
            let Some(stored) = found.transpose()? else {
                return Err(StoreError::NotFound);
            };
            let mut ticket = with_children(ctx.conn(), stored)?;
            let now = Instant::now();
            edit(&mut ticket).map_err(StoreError::Invalid)?;
            ticket.version += 1;
            ticket.updated_at = Some(now.max(ticket.created_at));
            ticket.check().map_err(StoreError::Invalid)?;
            upsert_one(ctx, tenant_pk, &ticket, now)?;
            let stored = ctx
                .conn()
                .prepare_cached(&sql)?
                .query_row(params![tenant_pk, id.get()], |row| Ok(read_row(row)))??;
            with_children(ctx.conn(), stored)
        })
        .await
    }

    pub async fn delete_ticket(
        &self,
        tenant_pk: i64,
        id: RecordId,
        at: Instant,
    ) -> StoreResult<()> {
        self.write(move |ctx| {
            let changed = ctx.conn().execute(
                "update ticket set deleted_at = coalesce(deleted_at, ?1), updated_at = max(updated_at, ?1)
                 where tenant_pk = ?2 and number = ?3",
                params![at.as_millis(), tenant_pk, id.get()],
            )?;
            match changed {
                0 => Err(StoreError::NotFound),
                _ => Ok(()),
            }
        })
        .await
    }
}

fn upsert_one(
    ctx: &mut WriteCtx,
    tenant_pk: i64,
    ticket: &Ticket,
    now: Instant,
) -> StoreResult<Upserted> {
    for user in [&ticket.creator_id, &ticket.assignee_id]
        .into_iter()
        .flatten()
    {
        ctx.ensure(tenant_pk, "user", user.as_str())?;
    }
    if let Some(contact) = &ticket.contact_id {
        ctx.ensure(tenant_pk, "contact", contact.as_str())?;
    }
    for tag in &ticket.tags {
        ctx.ensure(tenant_pk, "tag", tag.as_str())?;
    }
    for category in &ticket.categories {
        ctx.ensure(tenant_pk, "category", category.as_str())?;
    }
    let conn = ctx.conn();
    check_fields(conn, tenant_pk, &ticket.custom_fields)?;
    let args: Vec<Value> = vec![
        Value::Integer(ticket.version),
        Value::Text(ticket.title.clone()),
        codec::text(ticket.description.as_deref()),
        codec::text(ticket.ticket_type.as_deref()),
        codec::text(ticket.channel.as_deref()),
        Value::Text(ticket.priority.as_str().to_owned()),
        Value::Text(ticket.status.as_str().to_owned()),
        codec::key(ticket.contact_id.as_ref()),
        codec::key(ticket.creator_id.as_ref()),
        codec::key(ticket.assignee_id.as_ref()),
        codec::text(ticket.reason_to_assign.as_deref()),
        Value::Integer(ticket.created_at.as_millis()),
        Value::Integer(
            ticket
                .updated_at
                .unwrap_or(now)
                .max(ticket.created_at)
                .as_millis(),
        ),
        codec::at(ticket.deleted_at),
    ];
    match upsert_key(
        conn,
        "ticket",
        tenant_pk,
        &ticket.source,
        &ticket.external_id,
    )? {
        Some(stored) if Outcome::of(ticket.version, Some(stored.version)) != Outcome::Updated => {
            Ok(Upserted {
                id: stored.id,
                outcome: Outcome::of(ticket.version, Some(stored.version)),
            })
        }
        Some(stored) => {
            let mut args = args;
            args.push(Value::Integer(stored.row));
            conn.prepare_cached(
                "update ticket set version = ?1, title = ?2, description = ?3, ticket_type = ?4, channel = ?5,
                 priority = ?6, status = ?7, contact_id = ?8, creator_id = ?9, assignee_id = ?10,
                 reason_to_assign = ?11, created_at = ?12, updated_at = ?13, deleted_at = ?14 where id = ?15",
            )?
            .execute(params_from_iter(args))?;
            for table in ["ticket_tag", "ticket_category", "ticket_field"] {
                conn.prepare_cached(&format!("delete from {table} where ticket_id = ?1"))?
                    .execute([stored.row])?;
            }
            insert_children(conn, stored.row, ticket)?;
            Ok(Upserted {
                id: stored.id,
                outcome: Outcome::Updated,
            })
        }
        None => {
            let mut args = args;
            args.extend([
                Value::Integer(tenant_pk),
                Value::Text(ticket.source.as_str().to_owned()),
                Value::Text(ticket.external_id.as_str().to_owned()),
            ]);
            // The tenant's next number, read in this transaction: creates queue on the
            // writer, and a rolled-back create gives its number back, so numbers never
            // repeat and never skip. The insert trigger raises the counter.
            let (row, number): (i64, i64) = conn
                .prepare_cached(
                    "insert into ticket (version, title, description, ticket_type, channel, priority, status,
                     contact_id, creator_id, assignee_id, reason_to_assign, created_at, updated_at, deleted_at,
                     tenant_pk, source, external_id, number) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                     ?12, ?13, ?14, ?15, ?16, ?17, (select next_ticket_number from tenant where pk = ?15))
                     returning id, number",
                )?
                .query_row(params_from_iter(args), |row| Ok((row.get(0)?, row.get(1)?)))?;
            insert_children(conn, row, ticket)?;
            Ok(Upserted {
                id: codec::record_id(number)?,
                outcome: Outcome::Created,
            })
        }
    }
}

/// Each value must have the type of its attribute; an unknown attribute is created from
/// the value's type, so a source can name it before describing it.
fn check_fields(conn: &Connection, tenant_pk: i64, fields: &[CustomField]) -> StoreResult<()> {
    for (idx, field) in fields.iter().enumerate() {
        let kind: Option<String> = conn
            .prepare_cached("select kind from attribute where tenant_pk = ?1 and id = ?2")?
            .query_row(params![tenant_pk, field.attribute_id.as_str()], |row| {
                row.get(0)
            })
            .optional()?;
        match kind.as_deref().map(AttributeType::parse) {
            None => {
                conn.prepare_cached(
                    "insert into attribute (tenant_pk, id, system_name, display_name, kind) values (?1, ?2, ?2, ?2, ?3)
                     on conflict do nothing",
                )?
                .execute(params![tenant_pk, field.attribute_id.as_str(), field.value.kind().as_str()])?;
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
            Some(None) => return Err(codec::corrupt("attribute kind")),
        }
    }
    Ok(())
}

/// Inserts the tags, categories and fields of the ticket in `row`.
fn insert_children(conn: &Connection, row: i64, ticket: &Ticket) -> StoreResult<()> {
    let mut stmt =
        conn.prepare_cached("insert into ticket_tag (ticket_id, seq, tag_id) values (?1, ?2, ?3)")?;
    for (seq, tag) in ticket.tags.iter().enumerate() {
        stmt.execute(params![row, seq as i64, tag.as_str()])?;
    }
    let mut stmt = conn.prepare_cached(
        "insert into ticket_category (ticket_id, seq, category_id) values (?1, ?2, ?3)",
    )?;
    for (seq, category) in ticket.categories.iter().enumerate() {
        stmt.execute(params![row, seq as i64, category.as_str()])?;
    }
    let mut stmt = conn.prepare_cached(
        "insert into ticket_field (ticket_id, attribute_id, text_value, number_value, boolean_value, date_value)
         values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (ticket_id, attribute_id) do update set
         text_value = excluded.text_value, number_value = excluded.number_value,
         boolean_value = excluded.boolean_value, date_value = excluded.date_value",
    )?;
    for field in &ticket.custom_fields {
        let (text, number, boolean, date) = match &field.value {
            FieldValue::Text(text) => (Some(text.clone()), None, None, None),
            FieldValue::Number(number) => (None, Some(*number), None, None),
            FieldValue::Boolean(boolean) => (None, None, Some(*boolean), None),
            FieldValue::Date(date) => (None, None, None, Some(date.to_string())),
        };
        stmt.execute(params![
            row,
            field.attribute_id.as_str(),
            text,
            number,
            boolean,
            date
        ])?;
    }
    Ok(())
}

/// Reads [`COLUMNS`]: the row's id, and the ticket without its children.
fn read_row(row: &rusqlite::Row<'_>) -> StoreResult<(i64, Ticket)> {
    crate::records::read_ticket(&mut Cols::new(row))
}

/// The ticket read from `row`, with its tags, categories and fields.
fn with_children(conn: &Connection, (id, mut ticket): (i64, Ticket)) -> StoreResult<Ticket> {
    ticket.tags = keys(
        conn,
        "select tag_id from ticket_tag where ticket_id = ?1 order by seq",
        id,
    )?;
    ticket.categories = keys(
        conn,
        "select category_id from ticket_category where ticket_id = ?1 order by seq",
        id,
    )?;
    let mut stmt = conn.prepare_cached(
        "select f.attribute_id, a.kind, f.text_value, f.number_value, f.boolean_value, f.date_value
         from ticket_field f join ticket t on t.id = f.ticket_id
         join attribute a on a.tenant_pk = t.tenant_pk and a.id = f.attribute_id
         where f.ticket_id = ?1 order by a.position, f.attribute_id",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        let mut cols = Cols::new(row);
        let attribute_id = cols.required_key()?;
        let kind = cols.required(AttributeType::parse)?;
        let (text, number, boolean, date): (
            Option<String>,
            Option<f64>,
            Option<bool>,
            Option<String>,
        ) = (cols.get()?, cols.get()?, cols.get()?, cols.get()?);
        let value = crate::records::field_value(&attribute_id, kind, text, number, boolean, date)?;
        ticket.custom_fields.push(CustomField {
            attribute_id,
            value,
        });
    }
    Ok(ticket)
}

fn keys(conn: &Connection, sql: &str, id: i64) -> StoreResult<Vec<Key>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(Cols::new(row).required_key()?);
    }
    Ok(out)
}

pub(super) fn conditions(tenant_pk: i64, filter: &TicketFilter) -> Where {
    let mut cond = Where::tenant(tenant_pk);
    crate::conditions::tickets(&mut cond, filter);
    cond
}

fn list(
    conn: &Connection,
    tenant_pk: i64,
    filter: &TicketFilter,
    page: PageRequest,
) -> StoreResult<Page<Ticket>> {
    let select = format!("select {COLUMNS} from ticket");
    let mut items =
        conditions(tenant_pk, filter).page(conn, &select, "created_at", page, read_row)?;
    let next = page_end(&mut items, page.limit, |(_, it)| Position {
        at: it.created_at.as_millis(),
        id: it.id.map_or(0, RecordId::get),
    });
    let items = items
        .into_iter()
        .map(|it| with_children(conn, it))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { items, next })
}
