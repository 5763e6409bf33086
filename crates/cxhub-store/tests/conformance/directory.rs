//! Directory upserts and directory numbers.

use cxhub_model::directory::{Contact, EntryKind, Queue, Tag, User};
use cxhub_model::ids::Key;
use cxhub_model::time::Zone;
use cxhub_store::{DirectoryBatch, NewTenant};

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
        let mut pks = Vec::new();
        for id in ["acme", "globex"] {
            store
                .create_tenant(NewTenant {
                    id: key(id),
                    name: id.to_owned(),
                    timezone: Zone::utc(),
                })
                .await
                .unwrap();
            pks.push(store.tenant(key(id)).await.unwrap().unwrap().0.pk);
        }
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
