//! Directory entries on the wire: users, queues, contacts, tags, categories, custom
//! attributes and presence statuses.

use cxhub_model::directory::{
    Attribute, AttributeType, Category, Contact, Extension, PlatformIdentity, PresenceStatus,
    Queue, Tag, User,
};
use cxhub_model::error::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{enum_value, key, key_string, keys, opt_instant, opt_key, rfc3339, strings};

/// A user (agent, supervisor).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UserBody {
    pub id: String,
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub extension: Option<String>,
    pub auth_provider: Option<String>,
    pub auth_provider_id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
}

impl UserBody {
    pub fn into_model(self) -> Result<User, FieldError> {
        Ok(User {
            id: key("id", &self.id)?,
            name: self.name,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            phone: self.phone,
            address: self.address,
            extension: self.extension,
            auth_provider: self.auth_provider,
            auth_provider_id: self.auth_provider_id,
            created_at: opt_instant("created_at", self.created_at.as_deref())?,
            updated_at: opt_instant("updated_at", self.updated_at.as_deref())?,
            deleted_at: opt_instant("deleted_at", self.deleted_at.as_deref())?,
        })
    }

    pub fn from_model(user: &User) -> UserBody {
        UserBody {
            id: user.id.as_str().to_owned(),
            name: user.name.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            address: user.address.clone(),
            extension: user.extension.clone(),
            auth_provider: user.auth_provider.clone(),
            auth_provider_id: user.auth_provider_id.clone(),
            created_at: rfc3339(user.created_at),
            updated_at: rfc3339(user.updated_at),
            deleted_at: rfc3339(user.deleted_at),
        }
    }
}

/// A queue with its service targets.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QueueBody {
    pub id: String,
    pub name: Option<String>,
    /// Answer (voice) or first response (digital) within this many seconds.
    pub sla_answer_secs: Option<u32>,
    /// Percent of interactions that should meet `sla_answer_secs`.
    pub sla_target_pct: Option<u8>,
    pub sla_first_response_secs: Option<u32>,
    pub sla_resolution_secs: Option<u32>,
    /// Hang-ups within this many seconds of queueing are short abandons.
    pub short_abandon_secs: Option<u32>,
    /// When the queue is open; null: always.
    pub business_hours: Option<super::hours::BusinessHoursBody>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl QueueBody {
    pub fn into_model(self) -> Result<Queue, FieldError> {
        if self.sla_target_pct.is_some_and(|it| it > 100) {
            return Err(FieldError::new("sla_target_pct", "must be from 0 to 100"));
        }
        Ok(Queue {
            id: key("id", &self.id)?,
            name: self.name,
            sla_answer_secs: self.sla_answer_secs,
            sla_target_pct: self.sla_target_pct,
            sla_first_response_secs: self.sla_first_response_secs,
            sla_resolution_secs: self.sla_resolution_secs,
            short_abandon_secs: self.short_abandon_secs,
            business_hours: self
                .business_hours
                .map(super::hours::BusinessHoursBody::into_model)
                .transpose()?,
            created_at: opt_instant("created_at", self.created_at.as_deref())?,
            updated_at: opt_instant("updated_at", self.updated_at.as_deref())?,
        })
    }

    pub fn from_model(queue: &Queue) -> QueueBody {
        QueueBody {
            id: queue.id.as_str().to_owned(),
            name: queue.name.clone(),
            sla_answer_secs: queue.sla_answer_secs,
            sla_target_pct: queue.sla_target_pct,
            sla_first_response_secs: queue.sla_first_response_secs,
            sla_resolution_secs: queue.sla_resolution_secs,
            short_abandon_secs: queue.short_abandon_secs,
            business_hours: queue
                .business_hours
                .as_ref()
                .map(super::hours::BusinessHoursBody::from_model),
            created_at: rfc3339(queue.created_at),
            updated_at: rfc3339(queue.updated_at),
        }
    }
}

/// A customer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactBody {
    pub id: String,
    pub name: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub address: Option<String>,
    pub channel: Option<String>,
    pub notes: Option<String>,
    pub contact_number: Option<i64>,
    pub company_id: Option<String>,
    pub profile_url: Option<String>,
    pub social_profile_url: Option<String>,
    /// Tag ids.
    pub tags: Vec<String>,
    pub platform_ids: Vec<PlatformIdBody>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub deleted_at: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformIdBody {
    pub channel: String,
    pub platform_id: String,
}

impl ContactBody {
    pub fn into_model(self) -> Result<Contact, FieldError> {
        Ok(Contact {
            id: key("id", &self.id)?,
            name: self.name,
            phones: self.phones,
            emails: self.emails,
            address: self.address,
            channel: self.channel,
            notes: self.notes,
            contact_number: self.contact_number,
            company_id: self.company_id,
            profile_url: self.profile_url,
            social_profile_url: self.social_profile_url,
            tags: keys("tags", &self.tags)?,
            platform_ids: self
                .platform_ids
                .into_iter()
                .map(|it| PlatformIdentity {
                    channel: it.channel,
                    platform_id: it.platform_id,
                })
                .collect(),
            created_at: opt_instant("created_at", self.created_at.as_deref())?,
            updated_at: opt_instant("updated_at", self.updated_at.as_deref())?,
            deleted_at: opt_instant("deleted_at", self.deleted_at.as_deref())?,
        })
    }

    pub fn from_model(contact: &Contact) -> ContactBody {
        ContactBody {
            id: contact.id.as_str().to_owned(),
            name: contact.name.clone(),
            phones: contact.phones.clone(),
            emails: contact.emails.clone(),
            address: contact.address.clone(),
            channel: contact.channel.clone(),
            notes: contact.notes.clone(),
            contact_number: contact.contact_number,
            company_id: contact.company_id.clone(),
            profile_url: contact.profile_url.clone(),
            social_profile_url: contact.social_profile_url.clone(),
            tags: strings(&contact.tags),
            platform_ids: contact
                .platform_ids
                .iter()
                .map(|it| PlatformIdBody {
                    channel: it.channel.clone(),
                    platform_id: it.platform_id.clone(),
                })
                .collect(),
            created_at: rfc3339(contact.created_at),
            updated_at: rfc3339(contact.updated_at),
            deleted_at: rfc3339(contact.deleted_at),
        }
    }
}

/// A PBX extension: events create one (number only) when they name it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExtensionBody {
    /// The extension number.
    pub id: String,
    /// The user it belongs to.
    pub user_id: Option<String>,
    pub name: Option<String>,
}

impl ExtensionBody {
    pub fn into_model(self) -> Result<Extension, FieldError> {
        Ok(Extension {
            id: key("id", &self.id)?,
            user_id: opt_key("user_id", self.user_id.as_deref())?,
            name: self.name,
        })
    }

    pub fn from_model(extension: &Extension) -> ExtensionBody {
        ExtensionBody {
            id: extension.id.as_str().to_owned(),
            user_id: extension.user_id.as_ref().map(|it| it.as_str().to_owned()),
            name: extension.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TagBody {
    pub id: String,
    pub name: String,
    pub position: i32,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl TagBody {
    pub fn into_model(self) -> Result<Tag, FieldError> {
        Ok(Tag {
            id: key("id", &self.id)?,
            name: non_empty("name", self.name)?,
            position: self.position,
            created_at: opt_instant("created_at", self.created_at.as_deref())?,
            updated_at: opt_instant("updated_at", self.updated_at.as_deref())?,
        })
    }

    pub fn from_model(tag: &Tag) -> TagBody {
        TagBody {
            id: tag.id.as_str().to_owned(),
            name: tag.name.clone(),
            position: tag.position,
            created_at: rfc3339(tag.created_at),
            updated_at: rfc3339(tag.updated_at),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryBody {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub position: i32,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl CategoryBody {
    pub fn into_model(self) -> Result<Category, FieldError> {
        Ok(Category {
            id: key("id", &self.id)?,
            name: non_empty("name", self.name)?,
            parent_id: opt_key("parent_id", self.parent_id.as_deref())?,
            position: self.position,
            created_at: opt_instant("created_at", self.created_at.as_deref())?,
            updated_at: opt_instant("updated_at", self.updated_at.as_deref())?,
        })
    }

    pub fn from_model(category: &Category) -> CategoryBody {
        CategoryBody {
            id: category.id.as_str().to_owned(),
            name: category.name.clone(),
            parent_id: key_string(category.parent_id.as_ref()),
            position: category.position,
            created_at: rfc3339(category.created_at),
            updated_at: rfc3339(category.updated_at),
        }
    }
}

/// A ticket custom field definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AttributeBody {
    pub id: String,
    /// The key used in request bodies, such as `cf_trackingid`.
    pub system_name: String,
    pub display_name: String,
    /// `text`, `number`, `boolean` or `date`.
    #[serde(rename = "type")]
    pub kind: String,
    pub position: i32,
    pub is_default: bool,
    pub is_archived: bool,
    pub is_required: bool,
    pub is_unique: bool,
    pub group_id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl AttributeBody {
    pub fn into_model(self) -> Result<Attribute, FieldError> {
        Ok(Attribute {
            id: key("id", &self.id)?,
            system_name: non_empty("system_name", self.system_name)?,
            display_name: non_empty("display_name", self.display_name)?,
            kind: enum_value(
                "type",
                &self.kind,
                AttributeType::parse,
                &AttributeType::expected(),
            )?,
            position: self.position,
            is_default: self.is_default,
            is_archived: self.is_archived,
            is_required: self.is_required,
            is_unique: self.is_unique,
            group_id: self.group_id,
            created_at: opt_instant("created_at", self.created_at.as_deref())?,
            updated_at: opt_instant("updated_at", self.updated_at.as_deref())?,
        })
    }

    pub fn from_model(attribute: &Attribute) -> AttributeBody {
        AttributeBody {
            id: attribute.id.as_str().to_owned(),
            system_name: attribute.system_name.clone(),
            display_name: attribute.display_name.clone(),
            kind: attribute.kind.as_str().to_owned(),
            position: attribute.position,
            is_default: attribute.is_default,
            is_archived: attribute.is_archived,
            is_required: attribute.is_required,
            is_unique: attribute.is_unique,
            group_id: attribute.group_id.clone(),
            created_at: rfc3339(attribute.created_at),
            updated_at: rfc3339(attribute.updated_at),
        }
    }
}

/// One status of the tenant's presence catalogue.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PresenceStatusBody {
    /// Lowercase snake case, such as `in_meeting`.
    pub system_name: String,
    pub display_name: String,
    pub emoji: String,
    /// Whether time in this status counts as ready for work.
    pub productive: bool,
}

impl PresenceStatusBody {
    pub fn into_model(self) -> Result<PresenceStatus, FieldError> {
        Ok(PresenceStatus {
            system_name: key("system_name", &self.system_name)?,
            display_name: non_empty("display_name", self.display_name)?,
            emoji: self.emoji,
            productive: self.productive,
        })
    }

    pub fn from_model(status: &PresenceStatus) -> PresenceStatusBody {
        PresenceStatusBody {
            system_name: status.system_name.as_str().to_owned(),
            display_name: status.display_name.clone(),
            emoji: status.emoji.clone(),
            productive: status.productive,
        }
    }
}

fn non_empty(field: &str, value: String) -> Result<String, FieldError> {
    match value.trim().is_empty() {
        true => Err(FieldError::new(field, "must not be empty")),
        false => Ok(value),
    }
}
