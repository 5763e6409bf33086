//! Two tenants writing in turn, by every write path: each counts its own records, and
//! a number reaches the asking tenant's record only.

use std::sync::Arc;

use cxhub_model::event::SubjectKind;
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::Interaction;
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::Ticket;
use cxhub_model::time::Instant;
use cxhub_store::events::{Memo, NewEvent, Projection, Projector, StoredEvent, Subject};
use cxhub_store::query::{InteractionFilter, PageRequest, Position};
use cxhub_store::{Outcome, Store, StoreError};

use super::{at, call, change, ids, key, one_to, tenant, ticket};

/// Folds a call's events into a call started at its first event, and each presence
/// event into one change: just enough to write records by the events path.
struct Folds;

impl Projector for Folds {
    fn project(
        &self,
        subject: &Subject,
        events: &[StoredEvent],
        _memo: &mut Memo,
        _queue: &dyn Fn(&Key) -> Option<cxhub_model::directory::Queue>,
        _now: Instant,
    ) -> Projection {
        let Some(first) = events.first() else {
            return Projection::Nothing;
        };
        match subject.kind {
            SubjectKind::Presence => Projection::Presence(
                events
                    .iter()
                    .map(|it| PresenceChange {
                        source: it.source.clone(),
                        at: it.at,
                        ..change(it.event_id.as_str(), 0)
                    })
                    .collect(),
            ),
            _ => Projection::Interaction {
                record: Box::new(Interaction {
                    source: subject.source.clone(),
                    started_at: first.at,
                    ..call(subject.id.as_str(), 0)
                }),
                refold_at: None,
            },
        }
    }
}

fn event(kind: SubjectKind, subject: &str, id: &str, secs: i64) -> NewEvent {
    NewEvent {
        source: key("pbx-events"),
        event_id: key(id),
        subject_kind: kind,
        subject_id: key(subject),
        type_name: "x".to_owned(),
        at: at(secs),
        body: "{}".to_owned(),
        named: Vec::new(),
    }
}

#[tokio::test]
async fn each_tenant_numbers_its_records_from_one_whatever_others_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("cxhub.db").to_str().unwrap())
        .await
        .unwrap();
    let acme = tenant(&store, "acme").await;
    let globex = tenant(&store, "globex").await;
    let folds: Arc<dyn Projector> = Arc::new(Folds);
    for round in 0..3_i64 {
        let secs = round * 100;
        // globex writes more of everything, between acme's writes.
        let created = store
            .upsert_interactions(&acme, vec![call(&format!("a{round}"), secs)])
            .await
            .unwrap();
        assert_eq!(created[0].id.get(), 2 * round + 1, "{created:?}");
        let batch = (0..3).map(|it| call(&format!("g{round}-{it}"), secs + it));
        store
            .upsert_interactions(&globex, batch.collect())
            .await
            .unwrap();
        let events = vec![
            event(
                SubjectKind::Call,
                &format!("ea{round}"),
                &format!("a{round}"),
                secs + 1,
            ),
            event(
                SubjectKind::Presence,
                "u-1",
                &format!("pa{round}"),
                secs + 2,
            ),
        ];
        store
            .ingest_events(&acme, events, folds.clone())
            .await
            .unwrap();
        let events = (0..2)
            .flat_map(|it| {
                [
                    event(
                        SubjectKind::Call,
                        &format!("eg{round}-{it}"),
                        &format!("g{round}-{it}"),
                        secs + it,
                    ),
                    event(
                        SubjectKind::Presence,
                        "u-1",
                        &format!("pg{round}-{it}"),
                        secs + it,
                    ),
                ]
            })
            .collect();
        store
            .ingest_events(&globex, events, folds.clone())
            .await
            .unwrap();
        let created = store
            .upsert_presence(&acme, vec![change(&format!("a{round}"), secs + 3)])
            .await
            .unwrap();
        assert_eq!(created[0].id.get(), 2 * round + 2, "{created:?}");
        store
            .upsert_presence(&globex, vec![change(&format!("g{round}"), secs + 3)])
            .await
            .unwrap();
        store
            .upsert_tickets(
                &globex,
                vec![
                    ticket(&format!("g{round}"), secs),
                    ticket(&format!("h{round}"), secs),
                ],
            )
            .await
            .unwrap();
        let created = store
            .upsert_tickets(&acme, vec![ticket(&format!("a{round}"), secs + 4)])
            .await
            .unwrap();
        assert_eq!(created[0].id.get(), round + 1, "{created:?}");
    }
    // Sent again: the same ids, and no number is used up.
    let again = store
        .upsert_interactions(&acme, vec![call("a1", 100)])
        .await
        .unwrap();
    assert_eq!(
        (again[0].id.get(), again[0].outcome),
        (3, Outcome::Duplicate)
    );
    let updated = store
        .upsert_tickets(
            &acme,
            vec![Ticket {
                version: 2,
                ..ticket("a0", 4)
            }],
        )
        .await
        .unwrap();
    assert_eq!(
        (updated[0].id.get(), updated[0].outcome),
        (1, Outcome::Updated)
    );

    assert_eq!(ids(&store, &acme).await, [one_to(6), one_to(6), one_to(3)]);
    assert_eq!(
        ids(&store, &globex).await,
        [one_to(15), one_to(9), one_to(6)]
    );
    // A ticket's id is its number.
    let first = store
        .ticket(&acme, RecordId::new(3).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.external_id.as_str(), first.number), ("a2", Some(3)));
    // Numbers go on from the last, in each tenant.
    let next = store
        .upsert_interactions(&acme, vec![call("a9", 900)])
        .await
        .unwrap();
    assert_eq!(next[0].id.get(), 7);
}

#[tokio::test]
async fn a_number_names_a_record_of_the_asking_tenant_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("cxhub.db").to_str().unwrap())
        .await
        .unwrap();
    let acme = tenant(&store, "acme").await;
    let globex = tenant(&store, "globex").await;
    // Every call starts at the same instant, so pages break ties on the number alone.
    let calls =
        |prefix: &str, n: usize| (0..n).map(|it| call(&format!("{prefix}{it}"), 0)).collect();
    let tickets = |prefix: &str, n: usize| {
        (0..n)
            .map(|it| ticket(&format!("{prefix}{it}"), 0))
            .collect()
    };
    store
        .upsert_interactions(&globex, calls("g", 3))
        .await
        .unwrap();
    store
        .upsert_interactions(&acme, calls("a", 5))
        .await
        .unwrap();
    store
        .upsert_interactions(&globex, calls("h", 6))
        .await
        .unwrap();
    store
        .upsert_tickets(&globex, tickets("g", 3))
        .await
        .unwrap();
    store.upsert_tickets(&acme, tickets("a", 1)).await.unwrap();
    let id = |raw| RecordId::new(raw).unwrap();

    // acme's 1 and globex's 1 are each tenant's own.
    let mine = store.interaction(&acme, id(1)).await.unwrap().unwrap();
    assert_eq!(mine.external_id.as_str(), "a0");
    let theirs = store.interaction(&globex, id(1)).await.unwrap().unwrap();
    assert_eq!(theirs.external_id.as_str(), "g0");
    // globex's 9 is nothing to acme, nor are its tickets past acme's one.
    assert!(store.interaction(&acme, id(9)).await.unwrap().is_none());
    assert!(store.messages(&acme, id(9)).await.unwrap().is_none());
    assert!(store.ticket(&acme, id(3)).await.unwrap().is_none());
    let deleted = store.delete_ticket(&acme, id(3), at(5)).await;
    assert!(matches!(deleted, Err(StoreError::NotFound)), "{deleted:?}");
    let edit = Box::new(|it: &mut Ticket| {
        it.title = "taken".to_owned();
        Ok(())
    });
    let edited = store.edit_ticket(&acme, id(3), edit).await;
    assert!(matches!(edited, Err(StoreError::NotFound)), "{edited:?}");
    let untouched = store.ticket(&globex, id(3)).await.unwrap().unwrap();
    assert_eq!(
        (untouched.title.as_str(), untouched.deleted_at),
        ("ticket g2", None)
    );
    // Deleting acme's 1 deletes acme's ticket only.
    store.delete_ticket(&acme, id(1), at(5)).await.unwrap();
    let kept = store.ticket(&globex, id(1)).await.unwrap().unwrap();
    assert_eq!((kept.external_id.as_str(), kept.deleted_at), ("g0", None));

    // Pages of two, newest first, from a cursor (time, number): acme's five, in order.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_interactions(
                &acme,
                InteractionFilter::calls(),
                PageRequest::after(after, 2),
            )
            .await
            .unwrap();
        seen.extend(
            page.items
                .iter()
                .map(|it| it.external_id.as_str().to_owned()),
        );
        let Some(next) = page.next else { break };
        after = Some(next);
    }
    assert_eq!(seen, ["a4", "a3", "a2", "a1", "a0"]);
    // A position past acme's last number (globex's 9) reaches acme's rows, no others.
    let past = Position {
        at: at(0).as_millis(),
        id: 9,
    };
    let page = store
        .list_interactions(
            &acme,
            InteractionFilter::calls(),
            PageRequest::after(Some(past), 100),
        )
        .await
        .unwrap();
    let got: Vec<&str> = page
        .items
        .iter()
        .map(|it| it.external_id.as_str())
        .collect();
    assert_eq!(got, ["a4", "a3", "a2", "a1", "a0"]);
}
