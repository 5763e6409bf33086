//! `GET /api/v1/tickets` and the ticket object of klink's ticket endpoints.

use cxhub_model::directory::{Attribute, EntryKind};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_model::ticket::{FieldValue, Ticket};
use serde::{Deserialize, Serialize};

use super::{AttributeObject, ContactObject, Directory, LabelObject, SOURCE, UserObject, opt_iso};
use crate::klink::ids::{Kind, derived_uuid, record_uuid};
use crate::klink::time::{iso, parse as parse_time};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketsResponse<'a> {
    pub total: u64,
    pub page: usize,
    pub page_size: usize,
    pub last_page: u64,
    pub data: Vec<TicketObject<'a>>,
}

/// A ticket. Strings the seed shows as strings are `""` when absent; the nested
/// `assignee`, `contact` and `creator` are `null` when the ticket names none (the seed's
/// second ticket leaves them out).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TicketObject<'a> {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub title: String,
    pub description: String,
    #[serde(rename = "type")]
    pub ticket_type: String,
    pub channel: String,
    pub priority: String,
    pub status: String,
    pub contact_id: String,
    pub creator_id: String,
    pub assignee_id: String,
    pub reason_to_assign: String,
    pub ticket_number: i64,
    pub assignee: Option<UserObject<'a>>,
    pub contact: Option<ContactObject<'a>>,
    pub creator: Option<UserObject<'a>>,
    pub categories: Vec<LabelObject>,
    pub tags: Vec<LabelObject>,
    pub custom_fields: Vec<CustomFieldObject>,
}

/// A custom field's value: the one of `textValue`, `booleanValue`, `numberValue` and
/// `dateValue` that its attribute's type names; `textValue` is `""` for the others (the
/// seed shows it as a string), the rest `null`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldObject {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub text_value: String,
    pub boolean_value: Option<bool>,
    pub number_value: Option<f64>,
    pub date_value: Option<String>,
    pub entity_id: String,
    pub attribute_id: String,
    pub attribute: AttributeObject,
    pub uploads: Vec<serde_json::Value>,
}

fn or_empty(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

impl<'a> TicketObject<'a> {
    pub fn from_model(ticket: &'a Ticket, directory: &'a Directory) -> TicketObject<'a> {
        let id = ticket
            .id
            .map(|id| record_uuid(Kind::Ticket, id))
            .unwrap_or_default();
        let updated_at = iso(ticket.updated_at.unwrap_or(ticket.created_at));
        let custom_fields = ticket
            .custom_fields
            .iter()
            .map(|field| {
                let attribute = directory
                    .attributes
                    .get(field.attribute_id.as_str())
                    .map(|it| (**it).clone())
                    .unwrap_or_else(|| Attribute {
                        id: field.attribute_id.clone(),
                        system_name: field.attribute_id.to_string(),
                        display_name: field.attribute_id.to_string(),
                        kind: field.value.kind(),
                        position: 0,
                        is_default: false,
                        is_archived: false,
                        is_required: false,
                        is_unique: false,
                        group_id: None,
                        created_at: None,
                        updated_at: None,
                    });
                let (text_value, boolean_value, number_value, date_value) = match &field.value {
                    FieldValue::Text(text) => (text.clone(), None, None, None),
                    FieldValue::Boolean(flag) => (String::new(), Some(*flag), None, None),
                    FieldValue::Number(number) => (String::new(), None, Some(*number), None),
                    FieldValue::Date(date) => (String::new(), None, None, Some(date.to_string())),
                };
                let attribute = AttributeObject::from_model(&attribute, directory);
                CustomFieldObject {
                    id: derived_uuid(
                        &directory.tenant,
                        "custom-field",
                        &format!("{id}/{}", field.attribute_id),
                    ),
                    created_at: iso(ticket.created_at),
                    updated_at: updated_at.clone(),
                    deleted_at: None,
                    text_value,
                    boolean_value,
                    number_value,
                    date_value,
                    entity_id: id.clone(),
                    attribute_id: attribute.id.clone(),
                    attribute,
                    uploads: Vec::new(),
                }
            })
            .collect();
        let label = |kind: EntryKind, key: &Key| match kind {
            EntryKind::Category => directory.categories.get(key.as_str()).map_or_else(
                || LabelObject::unknown(kind, key, directory),
                |it| LabelObject::from_category(it, directory),
            ),
            _ => directory.tags.get(key.as_str()).map_or_else(
                || LabelObject::unknown(kind, key, directory),
                |it| LabelObject::from_tag(it, directory),
            ),
        };
        let id_of = |kind: EntryKind, key: Option<&Key>| directory.opt_id(kind, key).into_owned();
        TicketObject {
            id,
            created_at: iso(ticket.created_at),
            updated_at,
            deleted_at: opt_iso(ticket.deleted_at),
            title: ticket.title.clone(),
            description: or_empty(&ticket.description),
            ticket_type: or_empty(&ticket.ticket_type),
            channel: or_empty(&ticket.channel),
            priority: ticket.priority.as_str().to_owned(),
            status: ticket.status.as_str().to_owned(),
            contact_id: id_of(EntryKind::Contact, ticket.contact_id.as_ref()),
            creator_id: id_of(EntryKind::User, ticket.creator_id.as_ref()),
            assignee_id: id_of(EntryKind::User, ticket.assignee_id.as_ref()),
            reason_to_assign: or_empty(&ticket.reason_to_assign),
            ticket_number: ticket.number.unwrap_or(0),
            assignee: UserObject::named(ticket.assignee_id.as_ref(), directory),
            contact: ContactObject::named(ticket.contact_id.as_ref(), directory, false),
            creator: UserObject::named(ticket.creator_id.as_ref(), directory),
            categories: ticket
                .categories
                .iter()
                .map(|key| label(EntryKind::Category, key))
                .collect(),
            tags: ticket
                .tags
                .iter()
                .map(|key| label(EntryKind::Tag, key))
                .collect(),
            custom_fields,
        }
    }
}

impl TicketObject<'_> {
    /// Reads a ticket as a record of source [`SOURCE`], keyed by klink's id. Empty
    /// strings are absent values.
    pub fn into_model(self) -> Result<Ticket, FieldError> {
        use cxhub_model::ticket::{CustomField, Priority, TicketStatus};
        let key = |field: &str, text: &str| {
            Key::parse(text).map_err(|reason| FieldError::new(field, reason))
        };
        let opt_key = |field: &str, text: &str| {
            Some(text)
                .filter(|it| !it.is_empty())
                .map(|it| key(field, it))
                .transpose()
        };
        let some = |text: String| Some(text).filter(|it| !it.is_empty());
        let time = |field: &str, text: &str| {
            parse_time(text)
                .ok_or_else(|| FieldError::new(field, format!("`{text}` is not a date-time")))
        };
        let mut custom_fields = Vec::new();
        for (idx, field) in self.custom_fields.into_iter().enumerate() {
            let path = format!("customFields[{idx}]");
            let value = match (
                some(field.text_value),
                field.boolean_value,
                field.number_value,
                field.date_value,
            ) {
                (_, _, _, Some(date)) => FieldValue::parse_date(&date)
                    .map_err(|it| FieldError::new(format!("{path}.dateValue"), it))?,
                (_, _, Some(number), _) => FieldValue::Number(number),
                (_, Some(flag), _, _) => FieldValue::Boolean(flag),
                (Some(text), _, _, _) => FieldValue::Text(text),
                _ => continue,
            };
            custom_fields.push(CustomField {
                attribute_id: key(&format!("{path}.attributeId"), &field.attribute_id)?,
                value,
            });
        }
        let updated_at = time("updatedAt", &self.updated_at)?;
        let ticket = Ticket {
            id: None,
            number: Some(self.ticket_number),
            source: key("source", SOURCE)?,
            external_id: key("id", &self.id)?,
            version: updated_at.as_millis(),
            title: self.title,
            description: some(self.description),
            ticket_type: some(self.ticket_type),
            channel: some(self.channel),
            priority: Priority::parse(&self.priority).ok_or_else(|| {
                FieldError::new(
                    "priority",
                    format!("`{}` is not one of {}", self.priority, Priority::expected()),
                )
            })?,
            status: parse_ticket_status(&self.status).ok_or_else(|| {
                FieldError::new(
                    "status",
                    format!(
                        "`{}` is not one of {}",
                        self.status,
                        TicketStatus::expected()
                    ),
                )
            })?,
            contact_id: opt_key("contactId", &self.contact_id)?,
            creator_id: opt_key("creatorId", &self.creator_id)?,
            assignee_id: opt_key("assigneeId", &self.assignee_id)?,
            reason_to_assign: some(self.reason_to_assign),
            tags: self
                .tags
                .iter()
                .map(|it| key("tags[].id", &it.id))
                .collect::<Result<_, _>>()?,
            categories: self
                .categories
                .iter()
                .map(|it| key("categories[].id", &it.id))
                .collect::<Result<_, _>>()?,
            custom_fields,
            created_at: time("createdAt", &self.created_at)?,
            updated_at: Some(updated_at),
            deleted_at: self
                .deleted_at
                .as_deref()
                .map(|it| time("deletedAt", it))
                .transpose()?,
        };
        ticket.check()?;
        Ok(ticket)
    }
}

/// klink's ticket statuses: the canonical names, and the spaced form its prose uses.
pub fn parse_ticket_status(text: &str) -> Option<cxhub_model::ticket::TicketStatus> {
    use cxhub_model::ticket::TicketStatus;
    match text {
        "in progress" | "in-progress" | "inprogress" => Some(TicketStatus::InProgress),
        other => TicketStatus::parse(other),
    }
}
