//! Sencloud's ids are int64s, printed as decimal strings (`"1296121461794938793"`, the
//! zero id `"0"`). cxhub's directory keys are text, so:
//! - a key that is a positive decimal int64 below [`DERIVED_BASE`] is printed as it is
//!   (ids pulled from Sencloud, numeric extensions such as `101`);
//! - any other key is printed as `DERIVED_BASE + kind × 10^17 + its directory number`
//!   (`9000000000000000016` is user number 16), which [`parse_int_id`] and the store
//!   turn back into the key;
//! - no key, or a key without a number, is `"0"`.

use std::borrow::Cow;

use cxhub_model::directory::{DirectoryNumbers, EntryKind};

/// Where derived ids start: above every id Sencloud's generator has given (about
/// 1.3 × 10^18), below `i64::MAX`.
pub const DERIVED_BASE: i64 = 9_000_000_000_000_000_000;
const KIND_STRIDE: i64 = 100_000_000_000_000_000;

/// The digit after the leading 9 of a derived id.
fn kind_digit(kind: EntryKind) -> Option<i64> {
    match kind {
        EntryKind::User => Some(0),
        EntryKind::Contact => Some(1),
        EntryKind::Extension => Some(2),
        _ => None,
    }
}

/// A key that Sencloud can carry as it is: canonical decimal digits of a positive
/// int64 below [`DERIVED_BASE`].
pub fn is_plain_int_id(key: &str) -> bool {
    !key.starts_with('0')
        && !key.is_empty()
        && key.bytes().all(|it| it.is_ascii_digit())
        && key.parse::<i64>().is_ok_and(|it| it < DERIVED_BASE)
}

/// Sencloud's id of the entry of `kind` named by `key` (see the module's rules).
pub fn int_id<'a>(
    kind: EntryKind,
    key: Option<&'a str>,
    numbers: &DirectoryNumbers,
) -> Cow<'a, str> {
    let Some(key) = key else {
        return Cow::Borrowed("0");
    };
    if is_plain_int_id(key) {
        return Cow::Borrowed(key);
    }
    let derived = kind_digit(kind)
        .zip(numbers.get(kind, key))
        .filter(|(_, num)| (1..KIND_STRIDE).contains(num))
        .and_then(|(digit, num)| (DERIVED_BASE + digit * KIND_STRIDE).checked_add(num));
    match derived {
        Some(id) => Cow::Owned(id.to_string()),
        None => Cow::Borrowed("0"),
    }
}

/// The directory number a derived id of `kind` names; `None` for any other text (a
/// plain id, a raw key), which names the entry whose key it is.
pub fn parse_int_id(kind: EntryKind, text: &str) -> Option<i64> {
    let value: i64 = text.trim().parse().ok()?;
    let digit = kind_digit(kind)?;
    let num = value.checked_sub(DERIVED_BASE + digit * KIND_STRIDE)?;
    (1..KIND_STRIDE).contains(&num).then_some(num)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxhub_model::ids::Key;
    use proptest::prelude::*;

    #[test]
    fn plain_ids_pass_through_and_the_rest_are_numbered() {
        let mut numbers = DirectoryNumbers::default();
        numbers.insert(EntryKind::User, Key::parse("u-006").unwrap(), 6);
        numbers.insert(EntryKind::Extension, Key::parse("sip:alice").unwrap(), 2);
        assert_eq!(
            int_id(EntryKind::User, Some("1296121461794938793"), &numbers),
            "1296121461794938793"
        );
        assert_eq!(int_id(EntryKind::Extension, Some("101"), &numbers), "101");
        assert_eq!(
            int_id(EntryKind::User, Some("u-006"), &numbers),
            "9000000000000000006"
        );
        assert_eq!(
            int_id(EntryKind::Extension, Some("sip:alice"), &numbers),
            "9200000000000000002"
        );
        assert_eq!(int_id(EntryKind::User, None, &numbers), "0");
        assert_eq!(int_id(EntryKind::Contact, Some("c-unknown"), &numbers), "0");
        // Leading zeros and ids in the derived range are not plain: they are numbered.
        assert!(!is_plain_int_id("0101"));
        assert!(!is_plain_int_id("9000000000000000006"));
        assert_eq!(
            parse_int_id(EntryKind::User, "9000000000000000006"),
            Some(6)
        );
        assert_eq!(
            parse_int_id(EntryKind::Contact, "9000000000000000006"),
            None
        );
        assert_eq!(parse_int_id(EntryKind::User, "101"), None);
    }

    proptest! {
        #[test]
        fn numbered_ids_read_back(num in 1i64..KIND_STRIDE, kind in 0usize..3) {
            let kind = [EntryKind::User, EntryKind::Contact, EntryKind::Extension][kind];
            // Extensions' ids end at i64::MAX, so their numbers stop short of the stride.
            prop_assume!(kind != EntryKind::Extension || num <= i64::MAX - 9_200_000_000_000_000_000);
            let mut numbers = DirectoryNumbers::default();
            numbers.insert(kind, Key::parse("k").unwrap(), num);
            let id = int_id(kind, Some("k"), &numbers).into_owned();
            prop_assert!(id.parse::<i64>().is_ok());
            prop_assert_eq!(parse_int_id(kind, &id), Some(num));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,30}", value: i64) {
            for kind in [EntryKind::User, EntryKind::Contact, EntryKind::Extension] {
                let _ = parse_int_id(kind, &text);
                let _ = parse_int_id(kind, &value.to_string());
            }
            let _ = is_plain_int_id(&text);
        }
    }
}
