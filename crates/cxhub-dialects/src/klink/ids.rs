//! klink's ids are UUID strings. cxhub's record ids are integers, so they are printed as
//! reversible UUIDs; objects the model gives no id get a stable derived UUID.

use cxhub_model::ids::RecordId;
use uuid::Uuid;

/// The record kinds, in the first group of the UUID form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Interaction = 1,
    PresenceChange = 2,
    Ticket = 3,
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
