//! Records read from a row, the same on every backend.

use cxhub_model::directory::AttributeType;
use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::{FieldValue, Priority, Ticket, TicketStatus};

use crate::StoreResult;
use crate::columns::Columns;
use crate::values::{corrupt, record_id};

pub(crate) mod interaction;

/// A presence change: the select list is the record's number, then its columns in the
/// order read here.
pub(crate) fn read_presence<'a>(cols: &mut impl Columns<'a>) -> StoreResult<PresenceChange> {
    Ok(PresenceChange {
        id: Some(record_id(cols.required_int()?)?),
        source: cols.required_key()?,
        external_id: cols.required_key()?,
        version: cols.required_int()?,
        user_id: cols.required_key()?,
        previous_status: cols.key()?,
        new_status: cols.required_key()?,
        reason: cols.text()?,
        at: cols.required_at()?,
        ended_at: cols.at()?,
    })
}

/// A ticket without its children, after the row's own key: the select list is `pk` (or
/// `id`), `number`, then the ticket's columns in the order read here.
pub(crate) fn read_ticket<'a>(cols: &mut impl Columns<'a>) -> StoreResult<(i64, Ticket)> {
    let pk = cols.required_int()?;
    let number = cols.required_int()?;
    let ticket = Ticket {
        id: Some(record_id(number)?),
        number: Some(number),
        source: cols.required_key()?,
        external_id: cols.required_key()?,
        version: cols.required_int()?,
        title: cols.required_text()?,
        description: cols.text()?,
        ticket_type: cols.text()?,
        channel: cols.text()?,
        priority: cols.required(Priority::parse)?,
        status: cols.required(TicketStatus::parse)?,
        contact_id: cols.key()?,
        creator_id: cols.key()?,
        assignee_id: cols.key()?,
        reason_to_assign: cols.text()?,
        created_at: cols.required_at()?,
        updated_at: cols.at()?,
        deleted_at: cols.at()?,
        tags: Vec::new(),
        categories: Vec::new(),
        custom_fields: Vec::new(),
    };
    Ok((pk, ticket))
}

/// A custom field's value from the column of its attribute's kind (the others are null).
pub(crate) fn field_value(
    attribute_id: &Key,
    kind: AttributeType,
    text: Option<String>,
    number: Option<f64>,
    boolean: Option<bool>,
    date: Option<String>,
) -> StoreResult<FieldValue> {
    let value = match kind {
        AttributeType::Text => text.map(FieldValue::Text),
        AttributeType::Number => number.map(FieldValue::Number),
        AttributeType::Boolean => boolean.map(FieldValue::Boolean),
        AttributeType::Date => date.and_then(|it| FieldValue::parse_date(&it).ok()),
    };
    value.ok_or_else(|| corrupt(format!("custom field {attribute_id}")))
}

/// The version a presence change folded from events is written with: one more than the
/// stored change's (1 when new), or `None` when the stored change says the same already
/// (then nothing is written).
pub(crate) fn folded_presence_version(
    stored: Option<&PresenceChange>,
    change: &PresenceChange,
) -> Option<i64> {
    let content = |it: &PresenceChange| PresenceChange {
        id: None,
        version: 0,
        ..it.clone()
    };
    match stored {
        Some(stored) if content(stored) == content(change) => None,
        Some(stored) => Some(stored.version.saturating_add(1)),
        None => Some(1),
    }
}
