//! Presence changes: upserts and versions, stubs, filters, keyset and offset pages.

use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::Instant;
use cxhub_store::query::{PageRequest, PresenceFilter};
use cxhub_store::{DirectoryKind, KeyPage, Outcome};

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn change(external_id: &str, user: &str, status: &str, secs: i64) -> PresenceChange {
    PresenceChange {
        id: None,
        source: key("pbx"),
        external_id: key(external_id),
        version: 1,
        user_id: key(user),
        previous_status: Some(key("offline")),
        new_status: key(status),
        reason: Some("shift".to_owned()),
        at: Instant::from_millis(secs * 1000).unwrap(),
        ended_at: None,
    }
}

#[tokio::test]
async fn presence_changes_upsert_by_version_and_list_by_time() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme", "globex"]);
        let (acme, globex) = (pks[0], pks[1]);
        // Five changes, two at the same instant (ties go by record number).
        let batch = vec![
            change("c1", "ann", "available", 10),
            change("c2", "bob", "available", 20),
            change("c3", "ann", "break", 20),
            change("c4", "ann", "meeting", 30),
            change("c5", "bob", "break", 40),
        ];
        let created = store.upsert_presence(acme, batch.clone()).await.unwrap();
        let ids: Vec<i64> = created.iter().map(|it| it.id.get()).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5], "{backend}");
        assert!(
            created.iter().all(|it| it.outcome == Outcome::Created),
            "{backend}"
        );
        let theirs = store
            .upsert_presence(globex, vec![change("c1", "zed", "available", 10)])
            .await
            .unwrap();
        assert_eq!(theirs[0].id.get(), 1, "{backend}");

        let newer = PresenceChange {
            version: 2,
            reason: Some("lunch".to_owned()),
            ..batch[2].clone()
        };
        let stale = PresenceChange {
            version: 0,
            ..batch[3].clone()
        };
        let again = store
            .upsert_presence(acme, vec![batch[0].clone(), newer.clone(), stale])
            .await
            .unwrap();
        let outcomes: Vec<(i64, Outcome)> =
            again.iter().map(|it| (it.id.get(), it.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                (1, Outcome::Duplicate),
                (3, Outcome::Updated),
                (4, Outcome::Stale)
            ],
            "{backend}"
        );

        // Newest first, two at a time, through the keyset positions.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_presence(
                    acme,
                    PresenceFilter::default(),
                    PageRequest::after(after, 2),
                )
                .await
                .unwrap();
            seen.extend(
                page.items
                    .iter()
                    .map(|it| it.external_id.as_str().to_owned()),
            );
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, ["c5", "c4", "c3", "c2", "c1"], "{backend}");
        let first = store
            .list_presence(acme, PresenceFilter::default(), PageRequest::offset(2, 1))
            .await
            .unwrap();
        let read = &first.items[0];
        assert_eq!(
            (
                read.external_id.as_str(),
                read.version,
                read.reason.as_deref()
            ),
            ("c3", 2, Some("lunch")),
            "{backend}"
        );
        assert_eq!(read.id.map(|it| it.get()), Some(3), "{backend}");

        let filter = PresenceFilter {
            from: Instant::from_millis(20_000),
            to: Instant::from_millis(40_000),
            user_id: Some(key("ann")),
            statuses: vec![key("break"), key("meeting")],
            ..PresenceFilter::default()
        };
        let page = store
            .list_presence(acme, filter.clone(), PageRequest::after(None, 10))
            .await
            .unwrap();
        let found: Vec<&str> = page
            .items
            .iter()
            .map(|it| it.external_id.as_str())
            .collect();
        assert_eq!(found, ["c4", "c3"], "{backend}");
        assert_eq!(
            store.count_presence(acme, filter).await.unwrap(),
            2,
            "{backend}"
        );
        assert_eq!(
            store
                .count_presence(acme, PresenceFilter::default())
                .await
                .unwrap(),
            5,
            "{backend}"
        );

        // The users and statuses the changes name exist as stubs.
        let everything = || KeyPage {
            after: None,
            limit: 100,
            ids: None,
        };
        let users = store
            .list_directory(acme, DirectoryKind::Users, everything())
            .await
            .unwrap()
            .users;
        let users: Vec<&str> = users.iter().map(|it| it.id.as_str()).collect();
        assert_eq!(users, ["ann", "bob"], "{backend}");
        let statuses = store
            .list_directory(acme, DirectoryKind::PresenceStatuses, everything())
            .await
            .unwrap();
        assert!(
            statuses
                .presence_statuses
                .iter()
                .any(|it| it.system_name.as_str() == "meeting"),
            "{backend}"
        );
    });
}
