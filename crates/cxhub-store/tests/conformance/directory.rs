//! Directory upserts and directory numbers.

use cxhub_model::directory::{
    Attribute, AttributeType, Category, Contact, EntryKind, Extension, PlatformIdentity,
    PresenceStatus, Queue, Tag, User,
};
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use cxhub_store::{DirectoryBatch, DirectoryKind, KeyPage};

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn tag(id: &str) -> Tag {
    Tag {
        id: key(id),
        name: id.to_uppercase(),
        position: 0,
        created_at: None,
        updated_at: None,
    }
}

/// Each entry gets the next number of its tenant and kind when first created, and keeps
/// it when upserted again; numbers read back by key and keys by number.
#[tokio::test]
async fn entries_are_numbered_once_per_tenant_and_kind_in_creation_order() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme", "globex"]);
        let (acme, globex) = (pks[0], pks[1]);
        let written = store
            .upsert_directory(
                acme,
                DirectoryBatch {
                    users: vec![User::stub(key("u-b")), User::stub(key("u-a"))],
                    queues: vec![Queue::stub(key("q1"))],
                    contacts: vec![Contact::stub(key("c1"))],
                    tags: vec![tag("t2"), tag("t1")],
                    ..DirectoryBatch::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(written, 6, "{backend}");
        let renamed = User {
            name: Some("Ann".to_owned()),
            ..User::stub(key("u-a"))
        };
        let batch = DirectoryBatch {
            users: vec![renamed, User::stub(key("u-c"))],
            ..DirectoryBatch::default()
        };
        store.upsert_directory(acme, batch).await.unwrap();
        let batch = DirectoryBatch {
            users: vec![User::stub(key("u-z"))],
            ..DirectoryBatch::default()
        };
        store.upsert_directory(globex, batch).await.unwrap();

        let wanted = ["u-a", "u-b", "u-c", "nobody"].map(|it| (EntryKind::User, key(it)));
        let mut wanted = wanted.to_vec();
        wanted.extend([(EntryKind::Tag, key("t1")), (EntryKind::Queue, key("q1"))]);
        let numbers = store.numbers(acme, wanted).await.unwrap();
        let got = |kind, id| numbers.get(kind, id);
        assert_eq!(
            [
                got(EntryKind::User, "u-b"),
                got(EntryKind::User, "u-a"),
                got(EntryKind::User, "u-c")
            ],
            [Some(1), Some(2), Some(3)],
            "{backend}"
        );
        assert_eq!(got(EntryKind::User, "nobody"), None, "{backend}");
        assert_eq!(
            (got(EntryKind::Tag, "t1"), got(EntryKind::Queue, "q1")),
            (Some(2), Some(1)),
            "{backend}"
        );

        let other = store
            .numbers(
                globex,
                vec![(EntryKind::User, key("u-z")), (EntryKind::User, key("u-a"))],
            )
            .await
            .unwrap();
        assert_eq!(
            (
                other.get(EntryKind::User, "u-z"),
                other.get(EntryKind::User, "u-a")
            ),
            (Some(1), None),
            "{backend}"
        );

        let found = store.key_by_number(acme, EntryKind::User, 2).await.unwrap();
        assert_eq!(found, Some(key("u-a")), "{backend}");
        assert_eq!(
            store.key_by_number(acme, EntryKind::User, 9).await.unwrap(),
            None,
            "{backend}"
        );
        let theirs = store
            .key_by_number(globex, EntryKind::User, 1)
            .await
            .unwrap();
        assert_eq!(theirs, Some(key("u-z")), "{backend}");
    });
}

fn at(millis: i64) -> Option<Instant> {
    Instant::from_millis(millis)
}

/// One entry of every kind with every field set, and what `list_directory` gives back.
fn full_batch() -> DirectoryBatch {
    DirectoryBatch {
        users: vec![User {
            name: Some("Ann Lee".to_owned()),
            first_name: Some("Ann".to_owned()),
            last_name: Some("Lee".to_owned()),
            email: Some("ann@example.com".to_owned()),
            phone: Some("+6620000000".to_owned()),
            address: Some("Bangkok".to_owned()),
            extension: Some("101".to_owned()),
            auth_provider: Some("sso".to_owned()),
            auth_provider_id: Some("ann".to_owned()),
            created_at: at(1_000),
            updated_at: at(2_000),
            deleted_at: at(3_000),
            ..User::stub(key("ann"))
        }],
        queues: vec![Queue {
            name: Some("Sales".to_owned()),
            sla_answer_secs: Some(20),
            sla_target_pct: Some(80),
            sla_first_response_secs: Some(60),
            sla_resolution_secs: Some(86_400),
            short_abandon_secs: Some(5),
            business_hours: Some(cxhub_model::directory::BusinessHours {
                zone: cxhub_model::time::Zone::parse("Europe/Paris").unwrap(),
                weekly: [
                    vec![(540, 1020)],
                    vec![(540, 720), (780, 1020)],
                    vec![(0, 1440)],
                    Vec::new(),
                    vec![(540, 1020)],
                    vec![(600, 615)],
                    Vec::new(),
                ],
                holidays: vec![jiff::civil::date(2026, 12, 25)],
            }),
            created_at: at(1_000),
            updated_at: at(2_000),
            ..Queue::stub(key("sales"))
        }],
        contacts: vec![Contact {
            name: Some("Bob \"the\" Buyer".to_owned()),
            phones: vec!["+6621111111".to_owned(), "+6622222222".to_owned()],
            emails: vec!["bob@example.com".to_owned()],
            address: Some("Chiang Mai".to_owned()),
            channel: Some("voice".to_owned()),
            notes: Some("prefers mornings".to_owned()),
            contact_number: Some(42),
            company_id: Some("co-1".to_owned()),
            profile_url: Some("https://example.com/bob".to_owned()),
            social_profile_url: Some("https://social.example.com/bob".to_owned()),
            tags: vec![key("vip")],
            platform_ids: vec![PlatformIdentity {
                channel: "line".to_owned(),
                platform_id: "U123".to_owned(),
            }],
            created_at: at(1_000),
            updated_at: at(2_000),
            deleted_at: None,
            ..Contact::stub(key("bob"))
        }],
        tags: vec![Tag {
            position: -3,
            created_at: at(5),
            ..tag("vip")
        }],
        categories: vec![Category {
            id: key("billing"),
            name: "Billing".to_owned(),
            parent_id: Some(key("root")),
            position: 7,
            created_at: at(1),
            updated_at: None,
        }],
        attributes: vec![Attribute {
            id: key("plan"),
            system_name: "plan".to_owned(),
            display_name: "Plan".to_owned(),
            kind: AttributeType::Text,
            position: 2,
            is_default: true,
            is_archived: false,
            is_required: true,
            is_unique: false,
            group_id: Some("g1".to_owned()),
            created_at: at(1),
            updated_at: at(2),
        }],
        presence_statuses: vec![PresenceStatus {
            system_name: key("training"),
            display_name: "Training".to_owned(),
            emoji: "📚".to_owned(),
            productive: true,
        }],
        extensions: vec![Extension {
            user_id: Some(key("ann")),
            name: Some("Ann's desk".to_owned()),
            ..Extension::stub(key("101"))
        }],
    }
}

fn everything() -> KeyPage {
    KeyPage {
        after: None,
        limit: 100,
        ids: None,
    }
}

/// Every field of every kind reads back as it was written.
#[tokio::test]
async fn every_field_of_every_kind_reads_back() {
    on_each!(|backend, store| {
        let pk = tenants!(store, ["acme"])[0];
        let batch = full_batch();
        store.upsert_directory(pk, batch.clone()).await.unwrap();
        let list = |kind| store.list_directory(pk, kind, everything());
        assert_eq!(
            list(DirectoryKind::Users).await.unwrap().users,
            batch.users,
            "{backend}"
        );
        assert_eq!(
            list(DirectoryKind::Queues).await.unwrap().queues,
            batch.queues,
            "{backend}"
        );
        assert_eq!(
            list(DirectoryKind::Contacts).await.unwrap().contacts,
            batch.contacts,
            "{backend}"
        );
        assert_eq!(
            list(DirectoryKind::Tags).await.unwrap().tags,
            batch.tags,
            "{backend}"
        );
        let categories = list(DirectoryKind::Categories).await.unwrap().categories;
        assert_eq!(categories, batch.categories, "{backend}");
        let attributes = list(DirectoryKind::Attributes).await.unwrap().attributes;
        assert_eq!(attributes, batch.attributes, "{backend}");
        let extensions = list(DirectoryKind::Extensions).await.unwrap().extensions;
        assert_eq!(extensions, batch.extensions, "{backend}");
        let statuses = list(DirectoryKind::PresenceStatuses)
            .await
            .unwrap()
            .presence_statuses;
        let training = statuses
            .iter()
            .find(|it| it.system_name.as_str() == "training");
        assert_eq!(training, batch.presence_statuses.first(), "{backend}");
        assert!(
            statuses.len() > 1,
            "{backend}: the defaults are there too: {statuses:?}"
        );
    });
}

/// Pages follow the keys' byte order, continue after a key, and may be limited to ids;
/// another tenant's entries never show.
#[tokio::test]
async fn pages_go_in_key_byte_order() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme", "globex"]);
        let users = ["b", "a", "B", "a-1", "a_1", "Z"].map(|it| User::stub(key(it)));
        let batch = DirectoryBatch {
            users: users.to_vec(),
            ..DirectoryBatch::default()
        };
        store.upsert_directory(pks[0], batch).await.unwrap();
        let theirs = DirectoryBatch {
            users: vec![User::stub(key("aa"))],
            ..DirectoryBatch::default()
        };
        store.upsert_directory(pks[1], theirs).await.unwrap();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_directory(
                    pks[0],
                    DirectoryKind::Users,
                    KeyPage {
                        after,
                        limit: 4,
                        ids: None,
                    },
                )
                .await
                .unwrap();
            seen.extend(page.users.iter().map(|it| it.id.as_str().to_owned()));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, ["B", "Z", "a", "a-1", "a_1", "b"], "{backend}");
        let some = KeyPage {
            after: None,
            limit: 10,
            ids: Some(vec![key("b"), key("aa"), key("a-1")]),
        };
        let page = store
            .list_directory(pks[0], DirectoryKind::Users, some)
            .await
            .unwrap();
        let ids: Vec<&str> = page.users.iter().map(|it| it.id.as_str()).collect();
        assert_eq!((ids, page.next), (vec!["a-1", "b"], None), "{backend}");
    });
}

/// A lookup finds entries by key, the tags its contacts carry, and their numbers; after
/// a change it finds the new values (SQLite's cache is kept per directory generation).
#[tokio::test]
async fn lookups_find_entries_their_contacts_tags_and_numbers_and_see_changes() {
    on_each!(|backend, store| {
        let pk = tenants!(store, ["acme"])[0];
        let batch = full_batch();
        store.upsert_directory(pk, batch.clone()).await.unwrap();
        let keys = || cxhub_store::DirectoryKeys {
            users: vec![key("ann"), key("nobody")],
            contacts: vec![key("bob")],
            presence_statuses: vec![key("training")],
            contact_tags: true,
            numbers: true,
            ..cxhub_store::DirectoryKeys::default()
        };
        let found = store.lookup(pk, keys()).await.unwrap();
        assert_eq!(found.users.len(), 1, "{backend}");
        assert_eq!(*found.users[&key("ann")], batch.users[0], "{backend}");
        assert_eq!(*found.contacts[&key("bob")], batch.contacts[0], "{backend}");
        assert_eq!(*found.tags[&key("vip")], batch.tags[0], "{backend}");
        assert!(
            found.presence_statuses[&key("training")].productive,
            "{backend}"
        );
        let numbers = (
            found.numbers.get(EntryKind::User, "ann"),
            found.numbers.get(EntryKind::Contact, "bob"),
            found.numbers.get(EntryKind::Tag, "vip"),
            found.numbers.get(EntryKind::User, "nobody"),
        );
        assert_eq!(numbers, (Some(1), Some(1), Some(1), None), "{backend}");

        let renamed = User {
            name: Some("Ann Lee-Park".to_owned()),
            ..batch.users[0].clone()
        };
        let change = DirectoryBatch {
            users: vec![renamed.clone()],
            ..DirectoryBatch::default()
        };
        store.upsert_directory(pk, change).await.unwrap();
        let found = store.lookup(pk, keys()).await.unwrap();
        assert_eq!(*found.users[&key("ann")], renamed, "{backend}");
    });
}

/// Contact search: a keyword in the name, phones, emails or id, ASCII letters folded and
/// no others, `%` and `_` taken literally; deleted contacts left out; pages in id byte
/// order with the count of every match.
#[tokio::test]
async fn contact_search_matches_as_sqlite_like_does() {
    on_each!(|backend, store| {
        let pk = tenants!(store, ["acme"])[0];
        let contact = |id: &str, name: &str| Contact {
            name: Some(name.to_owned()),
            ..Contact::stub(key(id))
        };
        let contacts = vec![
            contact("bob", "Bob Buyer"),
            contact("Ann_1", "100% Ann"),
            contact("AnnX1", "Annie"),
            contact("emile", "Émile"),
            Contact {
                emails: vec!["carl@example.com".to_owned()],
                ..contact("carl", "C.")
            },
            Contact {
                deleted_at: Instant::from_millis(1),
                ..contact("dan", "Bob's brother")
            },
        ];
        let batch = DirectoryBatch {
            contacts,
            ..DirectoryBatch::default()
        };
        store.upsert_directory(pk, batch).await.unwrap();
        let search = |keyword: Option<&str>, offset, limit| {
            store.search_contacts(pk, keyword.map(str::to_owned), offset, limit)
        };
        let ids = |found: (Vec<Contact>, u64)| {
            let ids: Vec<String> = found.0.iter().map(|it| it.id.as_str().to_owned()).collect();
            (ids, found.1)
        };
        let got = ids(search(Some("BOB"), 0, 10).await.unwrap());
        assert_eq!(got, (vec!["bob".to_owned()], 1), "{backend}");
        let got = ids(search(Some("%"), 0, 10).await.unwrap());
        assert_eq!(got, (vec!["Ann_1".to_owned()], 1), "{backend}");
        let got = ids(search(Some("n_1"), 0, 10).await.unwrap());
        assert_eq!(got, (vec!["Ann_1".to_owned()], 1), "{backend}");
        let got = ids(search(Some("EXAMPLE.COM"), 0, 10).await.unwrap());
        assert_eq!(got, (vec!["carl".to_owned()], 1), "{backend}");
        let got = ids(search(Some("émile"), 0, 10).await.unwrap());
        assert_eq!(got, (Vec::<String>::new(), 0), "{backend}");
        // Byte order: `AnnX1` < `Ann_1` (`X` is 0x58, `_` 0x5F) < `bob` < `carl` < `emile`.
        let got = ids(search(None, 1, 3).await.unwrap());
        let page = ["Ann_1", "bob", "carl"].map(str::to_owned).to_vec();
        assert_eq!(got, (page, 5), "{backend}");
    });
}

/// An entry named twice in one batch is written once, the later version winning, and
/// keeps the number its first mention gave it.
#[tokio::test]
async fn an_entry_twice_in_a_batch_is_numbered_once_and_the_later_wins() {
    on_each!(|backend, store| {
        let pk = tenants!(store, ["acme"])[0];
        let named = |name: &str| User {
            name: Some(name.to_owned()),
            ..User::stub(key("u-d"))
        };
        let batch = DirectoryBatch {
            users: vec![named("first"), User::stub(key("u-e")), named("second")],
            ..DirectoryBatch::default()
        };
        store.upsert_directory(pk, batch).await.unwrap();
        let found = store
            .lookup(
                pk,
                cxhub_store::DirectoryKeys {
                    users: vec![key("u-d"), key("u-e")],
                    numbers: true,
                    ..cxhub_store::DirectoryKeys::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(*found.users[&key("u-d")], named("second"), "{backend}");
        assert_eq!(
            (
                found.numbers.get(EntryKind::User, "u-d"),
                found.numbers.get(EntryKind::User, "u-e")
            ),
            (Some(1), Some(2)),
            "{backend}"
        );
    });
}
