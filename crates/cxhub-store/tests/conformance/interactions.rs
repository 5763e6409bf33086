//! Interactions: upserts and versions, legs and messages, every filter, keyset and
//! offset pages, counts, and tenant isolation.

use cxhub_model::call::{CallDetail, CallLeg, CallStatus, LegStatus, Party};
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, Message, SenderKind,
};
use cxhub_model::time::Instant;
use cxhub_store::Outcome;
use cxhub_store::query::{InteractionFilter, PageRequest};

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn at(secs: i64) -> Instant {
    Instant::from_secs(1_790_000_000 + secs).unwrap()
}

fn call(id: &str, secs: i64, status: CallStatus, agent: Option<&str>) -> Interaction {
    let caller = Party {
        number: Some(format!("+65900000{secs:02}")),
        ..Party::default()
    };
    let mut detail = CallDetail::new(caller, Party::default());
    let leg = |target: &str, status: LegStatus, agent: Option<&str>| CallLeg {
        target_number: Some(target.to_owned()),
        agent_id: agent.map(key),
        added_at: Some(at(secs)),
        ring_at: Some(at(secs + 1)),
        answered_at: (status == LegStatus::Answered).then(|| at(secs + 5)),
        ended_at: Some(at(secs + 60)),
        ring_secs: Some(4),
        status,
        end_reason: None,
        fail_code: (status == LegStatus::Failed).then_some(503),
        trunk: Some("sip-1".to_owned()),
    };
    detail.legs = vec![
        leg("101", LegStatus::Answered, agent),
        leg("102", LegStatus::Failed, None),
    ];
    Interaction {
        version: 1,
        agent_id: agent.map(key),
        call: Some(detail),
        ..Interaction::new(
            key("pbx"),
            key(id),
            Channel::Voice,
            Direction::Inbound,
            InteractionStatus::Call(status),
            at(secs),
        )
    }
}

fn chat(id: &str, secs: i64) -> Interaction {
    let message = |offset: i64, sender: SenderKind, body: &str| Message {
        at: at(secs + offset),
        sender,
        agent_id: (sender == SenderKind::Agent).then(|| key("ann")),
        body: Some(body.to_owned()),
    };
    Interaction {
        version: 1,
        agent_id: Some(key("ann")),
        queue_id: Some(key("q-chat")),
        messages: vec![
            message(0, SenderKind::Contact, "hello"),
            message(5, SenderKind::Agent, "hi, how can I help?"),
        ],
        ..Interaction::new(
            key("web"),
            key(id),
            Channel::Chat,
            Direction::Inbound,
            InteractionStatus::Conversation(ConversationStatus::Open),
            at(secs),
        )
    }
}

#[tokio::test]
async fn interactions_upsert_by_version_and_keep_their_legs_and_messages() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme", "globex"]);
        let (acme, globex) = (pks[0], pks[1]);
        let batch = vec![
            call("c1", 10, CallStatus::Ended, Some("ann")),
            call("c2", 20, CallStatus::Abandoned, None),
            chat("m1", 30),
            call("c3", 40, CallStatus::Ended, Some("bob")),
        ];
        let created = store
            .upsert_interactions(acme, batch.clone())
            .await
            .unwrap();
        let ids: Vec<i64> = created.iter().map(|it| it.id.get()).collect();
        assert_eq!(ids, [1, 2, 3, 4], "{backend}");
        assert!(created.iter().all(|it| it.outcome == Outcome::Created));
        // Another tenant numbers from 1 and sees nothing of the first.
        let theirs = store
            .upsert_interactions(globex, vec![call("c1", 10, CallStatus::Ended, None)])
            .await
            .unwrap();
        assert_eq!(theirs[0].id.get(), 1, "{backend}");
        let count = store
            .count_interactions(globex, InteractionFilter::default())
            .await
            .unwrap();
        assert_eq!(count, 1, "{backend}");

        // The same again is a duplicate, an older version is stale, a newer one wins.
        let newer = Interaction {
            version: 2,
            messages: [batch[2].messages.clone(), batch[2].messages[..1].to_vec()].concat(),
            ..batch[2].clone()
        };
        let stale = Interaction {
            version: 0,
            ..batch[0].clone()
        };
        let outcomes: Vec<Outcome> = store
            .upsert_interactions(acme, vec![batch[1].clone(), stale, newer.clone()])
            .await
            .unwrap()
            .iter()
            .map(|it| it.outcome)
            .collect();
        assert_eq!(
            outcomes,
            [Outcome::Duplicate, Outcome::Stale, Outcome::Updated],
            "{backend}"
        );
        let id = RecordId::new(3).unwrap();
        let messages = store.messages(acme, id).await.unwrap().unwrap();
        assert_eq!(messages, newer.messages, "{backend}");
        let stored = store.interaction(acme, id).await.unwrap().unwrap();
        assert_eq!(stored.version, 2, "{backend}");
        let first = store
            .interaction(acme, RecordId::new(1).unwrap())
            .await
            .unwrap()
            .unwrap();
        let legs = &first.call.as_ref().unwrap().legs;
        assert_eq!(legs, &batch[0].call.as_ref().unwrap().legs, "{backend}");
        assert_eq!(first.agent_id, Some(key("ann")), "{backend}");
        assert!(
            store
                .interaction(globex, RecordId::new(4).unwrap())
                .await
                .unwrap()
                .is_none(),
            "{backend}: another tenant's record is missing"
        );
    });
}

#[tokio::test]
async fn interaction_lists_filter_and_page_by_keyset_and_offset() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme"]);
        let acme = pks[0];
        let mut batch = Vec::new();
        for n in 0..9 {
            let status = if n % 3 == 0 {
                CallStatus::Abandoned
            } else {
                CallStatus::Ended
            };
            let agent = (n % 2 == 0).then_some("ann");
            // Two calls at each instant: ties go by record number.
            batch.push(call(&format!("c{n}"), n / 2 * 10, status, agent));
        }
        batch.push(chat("m1", 15));
        store.upsert_interactions(acme, batch).await.unwrap();

        let ids = |items: &[Interaction]| -> Vec<i64> {
            items.iter().map(|it| it.id.unwrap().get()).collect()
        };
        // Newest first, every page by keyset, the same rows as one big page.
        let all = store
            .list_interactions(
                acme,
                InteractionFilter::default(),
                PageRequest::after(None, 100),
            )
            .await
            .unwrap();
        assert_eq!(
            ids(&all.items),
            [9, 8, 7, 6, 5, 10, 4, 3, 2, 1],
            "{backend}"
        );
        let mut walked = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_interactions(
                    acme,
                    InteractionFilter::default(),
                    PageRequest::after(after, 3),
                )
                .await
                .unwrap();
            walked.extend(ids(&page.items));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(walked, ids(&all.items), "{backend}");
        // Offset pages (the dialects' page numbers) agree, read in any order and again.
        for offset in [6, 0, 3, 6, 9] {
            let (page, total) = store
                .list_interactions_counted(
                    acme,
                    InteractionFilter::default(),
                    PageRequest::offset(offset, 3),
                )
                .await
                .unwrap();
            let expected: Vec<i64> = ids(&all.items).into_iter().skip(offset).take(3).collect();
            assert_eq!(
                (ids(&page.items), total),
                (expected, 10),
                "{backend} at {offset}"
            );
        }
        // Filters, each against the records it should keep.
        let cases = [
            (
                InteractionFilter {
                    channels: vec![Channel::Chat],
                    ..InteractionFilter::default()
                },
                vec![10],
            ),
            (
                InteractionFilter {
                    statuses: vec![InteractionStatus::Call(CallStatus::Abandoned)],
                    ..InteractionFilter::default()
                },
                vec![7, 4, 1],
            ),
            (
                InteractionFilter {
                    agent_id: Some(key("ann")),
                    channels: vec![Channel::Voice],
                    ..InteractionFilter::default()
                },
                vec![9, 7, 5, 3, 1],
            ),
            (
                InteractionFilter {
                    from: Some(at(10)),
                    to: Some(at(30)),
                    ..InteractionFilter::default()
                },
                vec![6, 5, 10, 4, 3],
            ),
            (
                InteractionFilter {
                    number: Some("+6590000020".to_owned()),
                    ..InteractionFilter::default()
                },
                vec![6, 5],
            ),
            (
                InteractionFilter {
                    external_id: Some("c4".to_owned()),
                    ..InteractionFilter::default()
                },
                vec![5],
            ),
        ];
        for (filter, expected) in cases {
            let found = store
                .list_interactions(acme, filter.clone(), PageRequest::after(None, 100))
                .await
                .unwrap();
            assert_eq!(ids(&found.items), expected, "{backend}: {filter:?}");
            let count = store
                .count_interactions(acme, filter.clone())
                .await
                .unwrap();
            assert_eq!(count, expected.len() as u64, "{backend}: {filter:?}");
        }
        // Oldest first.
        let oldest = store
            .list_interactions(
                acme,
                InteractionFilter::default(),
                PageRequest {
                    ascending: true,
                    ..PageRequest::after(None, 4)
                },
            )
            .await
            .unwrap();
        assert_eq!(ids(&oldest.items), [1, 2, 3, 4], "{backend}");
    });
}
