//! Tickets, with tags, categories and typed custom fields.

use crate::directory::AttributeType;
use crate::error::FieldError;
use crate::ids::{Key, RecordId, Version};
use crate::string_enum::string_enum;
use crate::time::Instant;

string_enum! {
    pub enum TicketStatus {
        Open => "open",
        InProgress => "in_progress",
        Pending => "pending",
        Resolved => "resolved",
        Closed => "closed",
    }
}

string_enum! {
    pub enum Priority {
        Low => "low",
        Medium => "medium",
        High => "high",
        Urgent => "urgent",
    }
}

/// A ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    /// Assigned by the store: the ticket's number.
    pub id: Option<RecordId>,
    /// Counts up per tenant from 1 with no gaps; assigned by the store at first insert.
    pub number: Option<i64>,
    pub source: Key,
    pub external_id: Key,
    pub version: Version,
    pub title: String,
    pub description: Option<String>,
    /// The tenant's own ticket type, such as `incident` or `question`.
    pub ticket_type: Option<String>,
    /// The channel the ticket came from, such as `email` or `line`.
    pub channel: Option<String>,
    pub priority: Priority,
    pub status: TicketStatus,
    pub contact_id: Option<Key>,
    pub creator_id: Option<Key>,
    pub assignee_id: Option<Key>,
    pub reason_to_assign: Option<String>,
    /// Tag keys.
    pub tags: Vec<Key>,
    /// Category keys.
    pub categories: Vec<Key>,
    pub custom_fields: Vec<CustomField>,
    pub created_at: Instant,
    pub updated_at: Option<Instant>,
    /// Set when the ticket was deleted; deleted tickets are kept and hidden by default.
    pub deleted_at: Option<Instant>,
}

/// A custom field's value on a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomField {
    pub attribute_id: Key,
    pub value: FieldValue,
}

/// A value of one of the [`AttributeType`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Boolean(bool),
    Date(jiff::civil::Date),
}

impl FieldValue {
    pub fn kind(&self) -> AttributeType {
        match self {
            FieldValue::Text(_) => AttributeType::Text,
            FieldValue::Number(_) => AttributeType::Number,
            FieldValue::Boolean(_) => AttributeType::Boolean,
            FieldValue::Date(_) => AttributeType::Date,
        }
    }

    /// Reads a date field's `YYYY-MM-DD`.
    pub fn parse_date(text: &str) -> Result<FieldValue, String> {
        let valid_shape =
            text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
        match valid_shape.then(|| text.parse::<jiff::civil::Date>()) {
            Some(Ok(date)) => Ok(FieldValue::Date(date)),
            _ => Err(format!("`{text}` is not a date in the form YYYY-MM-DD")),
        }
    }
}

impl Ticket {
    pub fn check(&self) -> Result<(), FieldError> {
        if self.title.trim().is_empty() {
            return Err(FieldError::new("title", "must not be empty"));
        }
        for (idx, field) in self.custom_fields.iter().enumerate() {
            if let FieldValue::Number(value) = field.value
                && !value.is_finite()
            {
                return Err(FieldError::new(
                    format!("custom_fields[{idx}].value"),
                    "must be a finite number",
                ));
            }
        }
        if let (Some(updated), created) = (self.updated_at, self.created_at)
            && updated < created
        {
            return Err(FieldError::new(
                "updated_at",
                "must not be before created_at",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_take_only_the_iso_calendar_form() {
        assert!(FieldValue::parse_date("2025-10-23").is_ok());
        assert!(FieldValue::parse_date("2025-02-30").is_err());
        assert!(FieldValue::parse_date("2025/10/23").is_err());
        assert!(FieldValue::parse_date("20251023").is_err());
        assert!(FieldValue::parse_date("2025-10-23T00:00:00Z").is_err());
    }
}
