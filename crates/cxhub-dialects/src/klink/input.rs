//! Request bodies of klink's ticket writes: create (`POST /api/v1/tickets`), update
//! (`PATCH /api/v1/tickets/{id}`) and status (`PUT /api/v1/tickets/{id}/status`).
//!
//! klink's documented body mixes spellings (`contact_id` beside `customFields`); both the
//! snake-case and the camel-case names of each id are accepted. `customFields` is keyed by
//! the attribute's system name (`cf_trackingid`) and typed by the tenant's attribute.

use std::collections::HashMap;

use cxhub_model::directory::{Attribute, AttributeType};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::ticket::{CustomField, FieldValue, Priority, Ticket};
use serde::Deserialize;
use serde_json::Value;

use super::wire::parse_ticket_status;

/// The fields a ticket write may set; absent fields are left as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    #[serde(rename = "type")]
    pub ticket_type: Option<String>,
    pub channel: Option<String>,
    #[serde(alias = "contactId")]
    pub contact_id: Option<String>,
    #[serde(alias = "assigneeId")]
    pub assignee_id: Option<String>,
    #[serde(alias = "creatorId")]
    pub creator_id: Option<String>,
    #[serde(alias = "reasonToAssign")]
    pub reason_to_assign: Option<String>,
    /// Tag ids; replaces the ticket's tags.
    pub tags: Option<Vec<String>>,
    /// Category ids; replaces the ticket's categories.
    pub categories: Option<Vec<String>>,
    /// Values by attribute system name; a `null` value removes the field.
    #[serde(rename = "customFields", alias = "custom_fields")]
    pub custom_fields: Option<serde_json::Map<String, Value>>,
}

/// `PUT /api/v1/tickets/{id}/status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    pub status: String,
}

impl TicketInput {
    /// Applies the input to `ticket`. `attributes` are the tenant's ticket attributes;
    /// `creating` also checks that required attributes have a value.
    pub fn apply(
        self,
        ticket: &mut Ticket,
        attributes: &[Attribute],
        creating: bool,
    ) -> Result<(), FieldError> {
        let key = |field: &str, text: &str| {
            Key::parse(text).map_err(|reason| FieldError::new(field, reason))
        };
        if let Some(title) = self.title {
            ticket.title = title;
        }
        if let Some(description) = self.description {
            ticket.description = Some(description);
        }
        if let Some(status) = self.status {
            ticket.status = parse_ticket_status(&status).ok_or_else(|| {
                FieldError::new(
                    "status",
                    format!(
                        "`{status}` is not one of open, in_progress, pending, resolved, closed"
                    ),
                )
            })?;
        }
        if let Some(priority) = self.priority {
            ticket.priority = Priority::parse(&priority).ok_or_else(|| {
                FieldError::new(
                    "priority",
                    format!("`{priority}` is not one of {}", Priority::expected()),
                )
            })?;
        }
        if let Some(kind) = self.ticket_type {
            ticket.ticket_type = Some(kind);
        }
        if let Some(channel) = self.channel {
            ticket.channel = Some(channel);
        }
        if let Some(contact) = self.contact_id {
            ticket.contact_id = Some(key("contact_id", &contact)?);
        }
        if let Some(assignee) = self.assignee_id {
            ticket.assignee_id = Some(key("assignee_id", &assignee)?);
        }
        if let Some(creator) = self.creator_id {
            ticket.creator_id = Some(key("creator_id", &creator)?);
        }
        if let Some(reason) = self.reason_to_assign {
            ticket.reason_to_assign = Some(reason);
        }
        if let Some(tags) = self.tags {
            ticket.tags = tags
                .iter()
                .enumerate()
                .map(|(idx, it)| key(&format!("tags[{idx}]"), it))
                .collect::<Result<_, _>>()?;
        }
        if let Some(categories) = self.categories {
            ticket.categories = categories
                .iter()
                .enumerate()
                .map(|(idx, it)| key(&format!("categories[{idx}]"), it))
                .collect::<Result<_, _>>()?;
        }
        if let Some(fields) = self.custom_fields {
            apply_custom_fields(ticket, fields, attributes)?;
        }
        if creating {
            for attribute in attributes
                .iter()
                .filter(|it| it.is_required && !it.is_archived)
            {
                if !ticket
                    .custom_fields
                    .iter()
                    .any(|it| it.attribute_id == attribute.id)
                {
                    return Err(FieldError::new(
                        format!("customFields.{}", attribute.system_name),
                        "is required",
                    ));
                }
            }
        }
        if ticket.title.trim().is_empty() {
            return Err(FieldError::new("title", "is required"));
        }
        Ok(())
    }
}

fn apply_custom_fields(
    ticket: &mut Ticket,
    fields: serde_json::Map<String, Value>,
    attributes: &[Attribute],
) -> Result<(), FieldError> {
    let by_name: HashMap<&str, &Attribute> = attributes
        .iter()
        .map(|it| (it.system_name.as_str(), it))
        .collect();
    for (name, value) in fields {
        let field = format!("customFields.{name}");
        let Some(attribute) = by_name.get(name.as_str()) else {
            return Err(FieldError::new(
                field,
                "is not a ticket field of this tenant (see GET /api/v1/tickets/form-fields)",
            ));
        };
        ticket
            .custom_fields
            .retain(|it| it.attribute_id != attribute.id);
        if value.is_null() {
            continue;
        }
        let value =
            typed(attribute.kind, &value).map_err(|reason| FieldError::new(field, reason))?;
        ticket.custom_fields.push(CustomField {
            attribute_id: attribute.id.clone(),
            value,
        });
    }
    Ok(())
}

/// A JSON value as a value of `kind`; numbers and booleans may come as strings.
fn typed(kind: AttributeType, value: &Value) -> Result<FieldValue, String> {
    match (kind, value) {
        (AttributeType::Text, Value::String(text)) => Ok(FieldValue::Text(text.clone())),
        (AttributeType::Text, Value::Number(number)) => Ok(FieldValue::Text(number.to_string())),
        (AttributeType::Date, Value::String(text)) => FieldValue::parse_date(text),
        (AttributeType::Number, Value::Number(number)) => number
            .as_f64()
            .map(FieldValue::Number)
            .ok_or_else(|| "is out of range".to_owned()),
        (AttributeType::Number, Value::String(text)) => match text.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(FieldValue::Number(number)),
            _ => Err(format!("`{text}` is not a number")),
        },
        (AttributeType::Boolean, Value::Bool(flag)) => Ok(FieldValue::Boolean(*flag)),
        (AttributeType::Boolean, Value::String(text)) if text == "true" || text == "false" => {
            Ok(FieldValue::Boolean(text == "true"))
        }
        (kind, _) => Err(format!("must be a {} value", kind.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxhub_model::ticket::TicketStatus;
    use cxhub_model::time::Instant;

    fn attribute(id: &str, kind: AttributeType, required: bool) -> Attribute {
        Attribute {
            id: Key::parse(id).unwrap(),
            system_name: id.to_owned(),
            display_name: id.to_owned(),
            kind,
            position: 0,
            is_default: false,
            is_archived: false,
            is_required: required,
            is_unique: false,
            group_id: None,
            created_at: None,
            updated_at: None,
        }
    }

    fn blank() -> Ticket {
        Ticket {
            id: None,
            number: None,
            source: Key::parse("klink-api").unwrap(),
            external_id: Key::parse("x").unwrap(),
            version: 1,
            title: String::new(),
            description: None,
            ticket_type: None,
            channel: None,
            priority: Priority::Medium,
            status: TicketStatus::Open,
            contact_id: None,
            creator_id: None,
            assignee_id: None,
            reason_to_assign: None,
            tags: vec![],
            categories: vec![],
            custom_fields: vec![],
            created_at: Instant::from_secs(0).unwrap(),
            updated_at: None,
            deleted_at: None,
        }
    }

    #[test]
    fn the_documented_body_applies() {
        let body = r#"{"title":"Late order","description":"d","status":"open","priority":"high","contact_id":"c-1",
            "channel":"email","tags":["tag-1"],"customFields":{"cf_trackingid":"Id-1001","cf_date":"2025-10-23"}}"#;
        let input: TicketInput = serde_json::from_str(body).unwrap();
        let attributes = [
            attribute("cf_trackingid", AttributeType::Text, false),
            attribute("cf_date", AttributeType::Date, true),
        ];
        let mut ticket = blank();
        input.apply(&mut ticket, &attributes, true).unwrap();
        assert_eq!(ticket.priority, Priority::High);
        assert_eq!(ticket.contact_id.as_ref().map(Key::as_str), Some("c-1"));
        assert_eq!(ticket.custom_fields.len(), 2);
    }

    #[test]
    fn bad_custom_fields_are_named() {
        let attributes = [
            attribute("cf_date", AttributeType::Date, true),
            attribute("cf_n", AttributeType::Number, false),
        ];
        let cases = [
            (
                r#"{"title":"t","customFields":{"cf_date":"2025/10/23"}}"#,
                "customFields.cf_date",
            ),
            (
                r#"{"title":"t","customFields":{"cf_date":"2025-10-23","cf_n":"many"}}"#,
                "customFields.cf_n",
            ),
            (
                r#"{"title":"t","customFields":{"cf_other":"x"}}"#,
                "customFields.cf_other",
            ),
            (r#"{"title":"t"}"#, "customFields.cf_date"),
            (
                r#"{"title":" ","customFields":{"cf_date":"2025-10-23"}}"#,
                "title",
            ),
            (
                r#"{"title":"t","priority":"p1","customFields":{"cf_date":"2025-10-23"}}"#,
                "priority",
            ),
        ];
        for (body, field) in cases {
            let input: TicketInput = serde_json::from_str(body).unwrap();
            assert_eq!(
                input
                    .apply(&mut blank(), &attributes, true)
                    .unwrap_err()
                    .field,
                field,
                "{body}"
            );
        }
    }
}
