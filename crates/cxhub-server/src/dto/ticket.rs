//! Tickets on the wire.

use cxhub_model::error::FieldError;
use cxhub_model::ticket::{CustomField, FieldValue, Priority, Ticket, TicketStatus};
use cxhub_model::time::Instant;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{key, key_string, keys, opt_enum, opt_instant, opt_key, rfc3339, strings, version_of};

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TicketBody {
    #[schema(read_only)]
    pub id: Option<String>,
    /// Counts up per tenant from 1 with no gaps; assigned by cxhub.
    #[schema(read_only)]
    pub number: Option<i64>,
    pub source: String,
    pub external_id: String,
    pub version: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub ticket_type: Option<String>,
    pub channel: Option<String>,
    /// `low`, `medium` (default), `high` or `urgent`.
    pub priority: Option<String>,
    /// `open` (default), `in_progress`, `pending`, `resolved` or `closed`.
    pub status: Option<String>,
    pub contact_id: Option<String>,
    pub creator_id: Option<String>,
    pub assignee_id: Option<String>,
    pub reason_to_assign: Option<String>,
    /// Tag ids.
    pub tags: Vec<String>,
    /// Category ids.
    pub categories: Vec<String>,
    pub custom_fields: Vec<CustomFieldBody>,
    /// Defaults to the time cxhub first stores the ticket.
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
}

/// A custom field value; its JSON type must match the attribute's type (text: string,
/// number: number, boolean: boolean, date: `YYYY-MM-DD` string).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CustomFieldBody {
    pub attribute_id: String,
    /// `text`, `number`, `boolean` or `date`; on input only needed to read a string as a date.
    #[serde(rename = "type")]
    #[schema(value_type = Option<String>, pattern = "^(text|number|boolean|date)$")]
    pub kind: Option<String>,
    #[schema(schema_with = field_value_schema)]
    pub value: serde_json::Value,
}

/// A custom field's value: a string, a number or a boolean.
fn field_value_schema() -> utoipa::openapi::schema::Schema {
    serde_json::from_value(serde_json::json!({"type": ["string", "number", "boolean"]}))
        .expect("a valid schema")
}

impl TicketBody {
    pub fn into_model(self, now: Instant) -> Result<Ticket, FieldError> {
        let updated_at = opt_instant("updated_at", self.updated_at.as_deref())?;
        let ticket = Ticket {
            id: None,
            number: None,
            source: key("source", &self.source)?,
            external_id: key("external_id", &self.external_id)?,
            version: version_of(self.version, updated_at)?,
            title: self.title,
            description: self.description,
            ticket_type: self.ticket_type,
            channel: self.channel,
            priority: opt_enum(
                "priority",
                self.priority.as_deref(),
                Priority::parse,
                &Priority::expected(),
            )?
            .unwrap_or(Priority::Medium),
            status: opt_enum(
                "status",
                self.status.as_deref(),
                TicketStatus::parse,
                &TicketStatus::expected(),
            )?
            .unwrap_or(TicketStatus::Open),
            contact_id: opt_key("contact_id", self.contact_id.as_deref())?,
            creator_id: opt_key("creator_id", self.creator_id.as_deref())?,
            assignee_id: opt_key("assignee_id", self.assignee_id.as_deref())?,
            reason_to_assign: self.reason_to_assign,
            tags: keys("tags", &self.tags)?,
            categories: keys("categories", &self.categories)?,
            custom_fields: self
                .custom_fields
                .into_iter()
                .enumerate()
                .map(|(idx, it)| {
                    it.into_model()
                        .map_err(|err| err.within(&format!("custom_fields[{idx}]")))
                })
                .collect::<Result<_, _>>()?,
            created_at: opt_instant("created_at", self.created_at.as_deref())?.unwrap_or(now),
            updated_at,
            deleted_at: opt_instant("deleted_at", self.deleted_at.as_deref())?,
        };
        ticket.check()?;
        Ok(ticket)
    }

    pub fn from_model(ticket: &Ticket) -> TicketBody {
        TicketBody {
            id: ticket.id.map(|it| it.to_string()),
            number: ticket.number,
            source: ticket.source.as_str().to_owned(),
            external_id: ticket.external_id.as_str().to_owned(),
            version: Some(ticket.version),
            title: ticket.title.clone(),
            description: ticket.description.clone(),
            ticket_type: ticket.ticket_type.clone(),
            channel: ticket.channel.clone(),
            priority: Some(ticket.priority.as_str().to_owned()),
            status: Some(ticket.status.as_str().to_owned()),
            contact_id: key_string(ticket.contact_id.as_ref()),
            creator_id: key_string(ticket.creator_id.as_ref()),
            assignee_id: key_string(ticket.assignee_id.as_ref()),
            reason_to_assign: ticket.reason_to_assign.clone(),
            tags: strings(&ticket.tags),
            categories: strings(&ticket.categories),
            custom_fields: ticket
                .custom_fields
                .iter()
                .map(CustomFieldBody::from_model)
                .collect(),
            created_at: Some(ticket.created_at.to_rfc3339()),
            updated_at: rfc3339(ticket.updated_at),
            deleted_at: rfc3339(ticket.deleted_at),
        }
    }
}

impl CustomFieldBody {
    fn into_model(self) -> Result<CustomField, FieldError> {
        let attribute_id = key("attribute_id", &self.attribute_id)?;
        let kind = self.kind.as_deref();
        let value = match (&self.value, kind) {
            (serde_json::Value::String(text), Some("date")) => {
                FieldValue::parse_date(text).map_err(|it| FieldError::new("value", it))?
            }
            (serde_json::Value::String(text), None | Some("text")) => {
                FieldValue::Text(text.clone())
            }
            (serde_json::Value::Number(number), None | Some("number")) => FieldValue::Number(
                number
                    .as_f64()
                    .ok_or_else(|| FieldError::new("value", "is out of range"))?,
            ),
            (serde_json::Value::Bool(flag), None | Some("boolean")) => FieldValue::Boolean(*flag),
            (_, Some(kind)) if !["text", "number", "boolean", "date"].contains(&kind) => {
                return Err(FieldError::new(
                    "type",
                    format!("`{kind}` is not one of text, number, boolean, date"),
                ));
            }
            (_, Some(kind)) => {
                return Err(FieldError::new("value", format!("is not a {kind} value")));
            }
            (_, None) => {
                return Err(FieldError::new(
                    "value",
                    "must be a string, number or boolean",
                ));
            }
        };
        Ok(CustomField {
            attribute_id,
            value,
        })
    }

    fn from_model(field: &CustomField) -> CustomFieldBody {
        let value = match &field.value {
            FieldValue::Text(text) => serde_json::Value::String(text.clone()),
            FieldValue::Number(number) => serde_json::Number::from_f64(*number)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            FieldValue::Boolean(flag) => serde_json::Value::Bool(*flag),
            FieldValue::Date(date) => serde_json::Value::String(date.to_string()),
        };
        CustomFieldBody {
            attribute_id: field.attribute_id.as_str().to_owned(),
            kind: Some(field.value.kind().as_str().to_owned()),
            value,
        }
    }
}
