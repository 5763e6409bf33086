//! Directory entries read from a row, the same on every backend: the select lists that
//! feed these readers name the columns in this order.

use cxhub_model::directory::{
    Attribute, AttributeType, Category, Contact, Extension, PlatformIdentity, PresenceStatus,
    Queue, Tag, User,
};
use cxhub_model::ids::Key;

use crate::columns::Columns;
use crate::values::corrupt;
use crate::{DirectoryKind, DirectoryPage, StoreResult};

/// Where each kind is kept: its table, its key column, and the select list its reader
/// takes (the key first).
pub(crate) fn source(kind: DirectoryKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        DirectoryKind::Users => (
            "\"user\"",
            "id",
            "id, name, first_name, last_name, email, phone, address, extension, auth_provider, auth_provider_id, created_at, updated_at, deleted_at",
        ),
        DirectoryKind::Queues => (
            "queue",
            "id",
            "id, name, sla_answer_secs, sla_target_pct, sla_first_response_secs, sla_resolution_secs, short_abandon_secs, created_at, updated_at, business_hours",
        ),
        DirectoryKind::Contacts => (
            "contact",
            "id",
            "id, name, phones, emails, address, channel, notes, contact_number, company_id, profile_url, social_profile_url, tags, platform_ids, created_at, updated_at, deleted_at",
        ),
        DirectoryKind::Tags => ("tag", "id", "id, name, position, created_at, updated_at"),
        DirectoryKind::Categories => (
            "category",
            "id",
            "id, name, parent_id, position, created_at, updated_at",
        ),
        DirectoryKind::Attributes => (
            "attribute",
            "id",
            "id, system_name, display_name, kind, position, is_default, is_archived, is_required, is_unique, group_id, created_at, updated_at",
        ),
        DirectoryKind::Extensions => ("extension", "id", "id, user_id, name"),
        DirectoryKind::PresenceStatuses => (
            "presence_status",
            "system_name",
            "system_name, display_name, emoji, productive",
        ),
    }
}

pub(crate) fn read_entry<'a>(
    out: &mut DirectoryPage,
    kind: DirectoryKind,
    id: Key,
    cols: &mut impl Columns<'a>,
) -> StoreResult<()> {
    match kind {
        DirectoryKind::Users => out.users.push(User {
            id,
            name: cols.text()?,
            first_name: cols.text()?,
            last_name: cols.text()?,
            email: cols.text()?,
            phone: cols.text()?,
            address: cols.text()?,
            extension: cols.text()?,
            auth_provider: cols.text()?,
            auth_provider_id: cols.text()?,
            created_at: cols.at()?,
            updated_at: cols.at()?,
            deleted_at: cols.at()?,
        }),
        DirectoryKind::Queues => out.queues.push(Queue {
            id,
            name: cols.text()?,
            sla_answer_secs: cols.secs()?,
            sla_target_pct: cols.int()?.and_then(|it| u8::try_from(it).ok()),
            sla_first_response_secs: cols.secs()?,
            sla_resolution_secs: cols.secs()?,
            short_abandon_secs: cols.secs()?,
            created_at: cols.at()?,
            updated_at: cols.at()?,
            business_hours: cols
                .text()?
                .map(|it| crate::hours::from_text(&it))
                .transpose()?,
        }),
        DirectoryKind::Contacts => out.contacts.push(read_contact(id, cols)?),
        DirectoryKind::Extensions => out.extensions.push(Extension {
            id,
            user_id: cols.key()?,
            name: cols.text()?,
        }),
        DirectoryKind::Tags => out.tags.push(Tag {
            id,
            name: cols.required_text()?,
            position: cols.int32()?,
            created_at: cols.at()?,
            updated_at: cols.at()?,
        }),
        DirectoryKind::Categories => out.categories.push(Category {
            id,
            name: cols.required_text()?,
            parent_id: cols.key()?,
            position: cols.int32()?,
            created_at: cols.at()?,
            updated_at: cols.at()?,
        }),
        DirectoryKind::Attributes => out.attributes.push(Attribute {
            id,
            system_name: cols.required_text()?,
            display_name: cols.required_text()?,
            kind: cols.required(AttributeType::parse)?,
            position: cols.int32()?,
            is_default: cols.flag()?,
            is_archived: cols.flag()?,
            is_required: cols.flag()?,
            is_unique: cols.flag()?,
            group_id: cols.text()?,
            created_at: cols.at()?,
            updated_at: cols.at()?,
        }),
        DirectoryKind::PresenceStatuses => out.presence_statuses.push(PresenceStatus {
            system_name: id,
            display_name: cols.required_text()?,
            emoji: cols.required_text()?,
            productive: cols.flag()?,
        }),
    }
    Ok(())
}

pub(crate) fn read_contact<'a>(id: Key, cols: &mut impl Columns<'a>) -> StoreResult<Contact> {
    let name = cols.text()?;
    let phones = cols.strings()?;
    let emails = cols.strings()?;
    let address = cols.text()?;
    let channel = cols.text()?;
    let notes = cols.text()?;
    let contact_number = cols.int()?;
    let company_id = cols.text()?;
    let profile_url = cols.text()?;
    let social_profile_url = cols.text()?;
    let tags = cols.keys()?;
    let pairs: Vec<[String; 2]> =
        serde_json::from_str(&cols.text()?.unwrap_or_else(|| "[]".to_owned())).map_err(corrupt)?;
    let platform_ids = pairs
        .into_iter()
        .map(|[channel, platform_id]| PlatformIdentity {
            channel,
            platform_id,
        })
        .collect();
    Ok(Contact {
        id,
        name,
        phones,
        emails,
        address,
        channel,
        notes,
        contact_number,
        company_id,
        profile_url,
        social_profile_url,
        tags,
        platform_ids,
        created_at: cols.at()?,
        updated_at: cols.at()?,
        deleted_at: cols.at()?,
    })
}
