//! klink's ids are UUID strings. cxhub's record ids and directory numbers are integers,
//! so they are printed as reversible UUIDs; a directory key that is a UUID already (as
//! klink's own are) is printed as it is; objects the model gives no id or number get a
//! stable derived UUID.

use std::borrow::Cow;

use cxhub_model::directory::{DirectoryNumbers, EntryKind};
use cxhub_model::ids::RecordId;
use uuid::Uuid;

/// The kinds of record and directory entry, in the first group of the UUID form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Interaction = 1,
    PresenceChange = 2,
    Ticket = 3,
    User = 4,
    Contact = 5,
    Queue = 6,
    Tag = 7,
    Category = 8,
    Attribute = 9,
}

impl Kind {
    /// The kind of a directory entry's number.
    pub fn of_entry(kind: EntryKind) -> Option<Kind> {
        match kind {
            EntryKind::User => Some(Kind::User),
            EntryKind::Contact => Some(Kind::Contact),
            EntryKind::Queue => Some(Kind::Queue),
            EntryKind::Tag => Some(Kind::Tag),
            EntryKind::Category => Some(Kind::Category),
            EntryKind::Attribute => Some(Kind::Attribute),
            EntryKind::Extension => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Interaction => "interaction",
            Kind::PresenceChange => "presence-change",
            Kind::Ticket => "ticket",
            Kind::User => "user",
            Kind::Contact => "contact",
            Kind::Queue => "queue",
            Kind::Tag => "tag",
            Kind::Category => "category",
            Kind::Attribute => "attribute",
        }
    }
}

/// klink's id of a directory entry, given its key:
/// - a key that is a UUID, other than one in cxhub's own layout, is printed as it is, so
///   entries pulled from klink keep their ids;
/// - any other key is printed as [`record_uuid`] of its directory number, which
///   [`parse_entry_uuid`] and the store turn back into the key;
/// - a key with no number (named by a record, but never stored as an entry) gets
///   [`derived_uuid`]: stable, but not read back.
pub fn entry_uuid<'a>(
    tenant: &str,
    kind: EntryKind,
    key: &'a str,
    numbers: &DirectoryNumbers,
) -> Cow<'a, str> {
    let Some(id_kind) = Kind::of_entry(kind) else {
        return Cow::Borrowed(key);
    };
    if is_foreign_uuid(key) {
        return Cow::Borrowed(key);
    }
    match numbers.get(kind, key).and_then(RecordId::new) {
        Some(num) => Cow::Owned(record_uuid(id_kind, num)),
        None => Cow::Owned(derived_uuid(tenant, id_kind.name(), key)),
    }
}

/// klink's id for a value the model keeps as free text, with no directory entry (a
/// room, a wrap-up form): the value when it is a UUID already, else [`derived_uuid`]
/// of it under `kind`. Stable; never read back, since no endpoint takes one.
pub fn text_uuid<'a>(tenant: &str, kind: &str, value: &'a str) -> Cow<'a, str> {
    if is_foreign_uuid(value) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(derived_uuid(tenant, kind, value))
    }
}

/// A UUID that is not in cxhub's layout of record ids and directory numbers.
fn is_foreign_uuid(text: &str) -> bool {
    text.len() == 36 && Uuid::try_parse(text).is_ok() && !is_own_layout(text)
}

fn is_own_layout(text: &str) -> bool {
    (1..=9).any(|kind| text.starts_with(&format!("0000000{kind}-0000-8")))
}

/// The directory number a UUID printed by [`entry_uuid`] for `kind` names, if it is in
/// cxhub's layout; `None` for any other text (a klink UUID, a raw key), which names the
/// entry whose key it is.
pub fn parse_entry_uuid(kind: EntryKind, text: &str) -> Option<i64> {
    parse_record_uuid(Kind::of_entry(kind)?, text).map(RecordId::get)
}

/// A record id as a UUID of version 8 ("vendor-specific", RFC 9562):
/// `0000000K-0000-8HHH-8HHH-HHHHHHHHHHHH`, with the kind `K` in the first group and the
/// id in the 18 hex digits that the version and variant nibbles leave free.
pub fn record_uuid(kind: Kind, id: RecordId) -> String {
    // The id's 18 hex digits, as 12 + 12 + 48 bits around the two `8` nibbles.
    let id = u128::from(id.get().unsigned_abs());
    let bits = (u128::from(kind as u32) << 96)
        | (0x8 << 76)
        | ((id >> 60) << 64)
        | (0x8 << 60)
        | (((id >> 48) & 0xfff) << 48)
        | (id & 0xffff_ffff_ffff);
    lower(Uuid::from_u128(bits))
}

/// The hyphenated lower-case form, without going through `fmt`.
fn lower(uuid: Uuid) -> String {
    uuid.hyphenated()
        .encode_lower(&mut Uuid::encode_buffer())
        .to_owned()
}

/// Reads a UUID printed by [`record_uuid`] for `kind`; anything else names no record.
pub fn parse_record_uuid(kind: Kind, text: &str) -> Option<RecordId> {
    let text = text.to_ascii_lowercase();
    let groups: Vec<&str> = text.split('-').collect();
    let [first, "0000", third, fourth, fifth] = groups.as_slice() else {
        return None;
    };
    let valid = *first == format!("{:08x}", kind as u32)
        && third.len() == 4
        && fourth.len() == 4
        && fifth.len() == 12
        && third.starts_with('8')
        && fourth.starts_with('8');
    if !valid {
        return None;
    }
    let hex = format!("{}{}{}", &third[1..], &fourth[1..], fifth);
    if !hex.chars().all(|it| it.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(&hex, 16)
        .ok()
        .and_then(|it| i64::try_from(it).ok())
        .and_then(RecordId::new)
}

/// The namespace of cxhub's derived UUIDs.
const NAMESPACE: Uuid = Uuid::from_u128(0x6378_6875_622d_4b6c_8969_6e6b_2d69_6473);

/// A stable UUID for an object the model names by its natural key only (a presence
/// status, a contact's platform identity, a ticket's custom field value).
pub fn derived_uuid(tenant: &str, kind: &str, natural_key: &str) -> String {
    let mut name = String::with_capacity(tenant.len() + kind.len() + natural_key.len() + 2);
    for (n, part) in [tenant, kind, natural_key].into_iter().enumerate() {
        if n > 0 {
            name.push('/');
        }
        name.push_str(part);
    }
    lower(Uuid::new_v5(&NAMESPACE, name.as_bytes()))
}

/// A fresh random request id.
pub fn request_id() -> String {
    Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn record_uuids_read_back_and_keep_kinds_apart() {
        let id = RecordId::new(42).unwrap();
        let text = record_uuid(Kind::Interaction, id);
        assert_eq!(text, "00000001-0000-8000-8000-00000000002a");
        assert!(Uuid::parse_str(&text).is_ok());
        assert_eq!(parse_record_uuid(Kind::Interaction, &text), Some(id));
        assert_eq!(parse_record_uuid(Kind::Ticket, &text), None);
        assert_eq!(parse_record_uuid(Kind::Interaction, "not-a-uuid"), None);
    }

    #[test]
    fn derived_uuids_are_stable_and_distinct() {
        assert_eq!(
            derived_uuid("acme", "status", "away"),
            derived_uuid("acme", "status", "away")
        );
        assert_ne!(
            derived_uuid("acme", "status", "away"),
            derived_uuid("globex", "status", "away")
        );
    }

    #[test]
    fn entry_ids_pass_foreign_uuids_through_and_number_the_rest() {
        let mut numbers = DirectoryNumbers::default();
        let klink = "3f0c2a8e-9b1d-4c4e-8f7a-2b6d5e4c3a21";
        numbers.insert(
            EntryKind::User,
            cxhub_model::ids::Key::parse("u-016").unwrap(),
            16,
        );
        numbers.insert(
            EntryKind::User,
            cxhub_model::ids::Key::parse(klink).unwrap(),
            17,
        );
        assert_eq!(entry_uuid("acme", EntryKind::User, klink, &numbers), klink);
        let id = entry_uuid("acme", EntryKind::User, "u-016", &numbers);
        assert_eq!(id, "00000004-0000-8000-8000-000000000010");
        assert_eq!(parse_entry_uuid(EntryKind::User, &id), Some(16));
        assert_eq!(parse_entry_uuid(EntryKind::Contact, &id), None);
        assert_eq!(parse_entry_uuid(EntryKind::User, klink), None);
        // A key in cxhub's own layout is numbered too, so every printed id reads back.
        let own = "00000004-0000-8000-8000-000000000001";
        numbers.insert(
            EntryKind::User,
            cxhub_model::ids::Key::parse(own).unwrap(),
            18,
        );
        assert_eq!(
            entry_uuid("acme", EntryKind::User, own, &numbers),
            "00000004-0000-8000-8000-000000000012"
        );
        // No number: a stable v5 UUID.
        let unnumbered = entry_uuid("acme", EntryKind::Tag, "vip", &numbers);
        assert!(Uuid::parse_str(&unnumbered).is_ok());
        assert_eq!(unnumbered, derived_uuid("acme", "tag", "vip"));
    }

    proptest! {
        #[test]
        fn record_uuids_keep_the_documented_layout(raw in 1i64..=i64::MAX) {
            let hex = format!("{raw:018x}");
            let expected = format!("00000003-0000-8{}-8{}-{}", &hex[..3], &hex[3..6], &hex[6..]);
            prop_assert_eq!(record_uuid(Kind::Ticket, RecordId::new(raw).unwrap()), expected);
        }

        #[test]
        fn derived_uuids_hash_the_joined_name(tenant in "[a-z]{1,8}", key in "\\PC{0,20}") {
            let expected = Uuid::new_v5(&NAMESPACE, format!("{tenant}/status/{key}").as_bytes());
            prop_assert_eq!(derived_uuid(&tenant, "status", &key), expected.to_string());
        }

        #[test]
        fn every_record_id_round_trips(raw in 1i64..=i64::MAX) {
            let id = RecordId::new(raw).unwrap();
            let text = record_uuid(Kind::Ticket, id);
            prop_assert!(Uuid::parse_str(&text).is_ok());
            prop_assert_eq!(parse_record_uuid(Kind::Ticket, &text), Some(id));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,50}") {
            let _ = parse_record_uuid(Kind::Interaction, &text);
        }
    }
}
