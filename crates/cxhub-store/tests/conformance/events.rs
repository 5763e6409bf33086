//! Events: stored once per source and id, folded into one record however they arrive
//! (late, out of order, repeated), presence runs refolded around late changes, and the
//! clock's refolds.

use cxhub_model::call::CallStatus;
use cxhub_model::event::SubjectKind;
use cxhub_model::ids::Key;
use cxhub_model::interaction::InteractionStatus;
use cxhub_model::time::Instant;
use cxhub_store::events::{EventOutcome, NewEvent, Subject};
use cxhub_store::pipeline::{folds, read_event};
use cxhub_store::query::{InteractionFilter, PageRequest, PresenceFilter};
use serde_json::{Value, json};

fn read(events: &[Value]) -> Vec<NewEvent> {
    events.iter().map(|it| read_event(it).unwrap()).collect()
}

fn call_events(at: impl Fn(i64) -> String) -> Vec<Value> {
    vec![
        json!({"id":"e1","type":"call.started","at":at(0),"call_id":"c-1","direction":"inbound","from":"+6590000001","queue_id":"q-sales"}),
        json!({"id":"e2","type":"call.leg_ringing","at":at(4),"call_id":"c-1","leg_id":"l-1","target":"101","agent_id":"ann"}),
        json!({"id":"e3","type":"call.leg_answered","at":at(9),"call_id":"c-1","leg_id":"l-1"}),
        json!({"id":"e4","type":"call.ended","at":at(189),"call_id":"c-1","hangup_by":"caller","cause":"normal_clearing"}),
    ]
}

#[tokio::test]
async fn a_call_folds_the_same_however_its_events_arrive() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme"]);
        let acme = pks[0];
        let projector = folds::shared();
        let start = Instant::from_secs(1_790_000_000).unwrap();
        let events = call_events(|secs| start.plus_secs(secs).to_rfc3339());
        // The end first, then the rest with the end again: the repeat is a duplicate.
        let first = store
            .ingest_events(acme, read(&events[3..]), projector.clone())
            .await
            .unwrap();
        assert_eq!(first, [EventOutcome::Accepted], "{backend}");
        let mut rest = vec![events[2].clone(), events[0].clone(), events[3].clone()];
        rest.push(events[1].clone());
        let second = store
            .ingest_events(acme, read(&rest), projector.clone())
            .await
            .unwrap();
        assert_eq!(
            second,
            [
                EventOutcome::Accepted,
                EventOutcome::Accepted,
                EventOutcome::Duplicate,
                EventOutcome::Accepted
            ],
            "{backend}"
        );
        let calls = store
            .list_interactions(
                acme,
                InteractionFilter::default(),
                PageRequest::after(None, 10),
            )
            .await
            .unwrap()
            .items;
        assert_eq!(calls.len(), 1, "{backend}: one record for the call");
        let call = &calls[0];
        assert_eq!(
            call.status,
            InteractionStatus::Call(CallStatus::Ended),
            "{backend}"
        );
        assert_eq!(call.version, 2, "{backend}: one version per refold");
        assert_eq!(
            call.agent_id.as_ref().map(Key::as_str),
            Some("ann"),
            "{backend}"
        );
        assert_eq!(
            call.call.as_ref().unwrap().talk_secs,
            Some(180),
            "{backend}"
        );
        // A batch of nothing new changes nothing.
        store
            .ingest_events(acme, read(&events), projector.clone())
            .await
            .unwrap();
        let again = store
            .interaction(acme, call.id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.version, 2, "{backend}");
        // The raw events are kept, in time order.
        let subject = Subject {
            kind: SubjectKind::Call,
            source: call.source.clone(),
            id: Key::parse("c-1").unwrap(),
        };
        let stored = store.subject_events(acme, subject).await.unwrap();
        let ids: Vec<&str> = stored.iter().map(|it| it.event_id.as_str()).collect();
        assert_eq!(ids, ["e1", "e2", "e3", "e4"], "{backend}");
    });
}

#[tokio::test]
async fn a_late_presence_change_refolds_its_neighbours() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme"]);
        let acme = pks[0];
        let projector = folds::shared();
        let start = Instant::from_secs(1_790_000_000).unwrap();
        let change = |id: &str, secs: i64, status: &str| {
            json!({"id": id, "type": "presence.changed", "at": start.plus_secs(secs).to_rfc3339(),
                   "user_id": "ann", "status": status})
        };
        let early = [change("p1", 0, "available"), change("p3", 600, "lunch")];
        store
            .ingest_events(acme, read(&early), projector.clone())
            .await
            .unwrap();
        // A change between the two arrives late: the one after it now starts from it.
        store
            .ingest_events(acme, read(&[change("p2", 300, "break")]), projector.clone())
            .await
            .unwrap();
        let changes = store
            .list_presence(
                acme,
                PresenceFilter::default(),
                PageRequest {
                    ascending: true,
                    ..PageRequest::after(None, 10)
                },
            )
            .await
            .unwrap()
            .items;
        let seen: Vec<(Option<&str>, &str, Option<i64>)> = changes
            .iter()
            .map(|it| {
                (
                    it.previous_status.as_ref().map(Key::as_str),
                    it.new_status.as_str(),
                    it.ended_at
                        .map(|end| (end.as_millis() - start.as_millis()) / 1000),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (None, "available", Some(300)),
                (Some("available"), "break", Some(600)),
                (Some("break"), "lunch", None)
            ],
            "{backend}"
        );
    });
}

#[tokio::test]
async fn the_clock_refolds_a_call_whose_end_never_came() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme"]);
        let acme = pks[0];
        let projector = folds::shared();
        let now = Instant::now();
        let events = call_events(|secs| now.plus_secs(secs - 20).to_rfc3339());
        store
            .ingest_events(acme, read(&events[..3]), projector.clone())
            .await
            .unwrap();
        let ended = async || {
            store
                .list_interactions(
                    acme,
                    InteractionFilter::default(),
                    PageRequest::after(None, 1),
                )
                .await
                .unwrap()
                .items[0]
                .ended_at
        };
        assert_eq!(ended().await, None, "{backend}: the call is open");
        // Nothing is due yet; a day later the call is closed by its timeout.
        assert_eq!(
            store.refold_due(now, projector.clone()).await.unwrap(),
            0,
            "{backend}"
        );
        let changed = store
            .refold_due(now.plus_secs(86_400), projector.clone())
            .await
            .unwrap();
        assert_eq!(changed, 1, "{backend}");
        assert!(ended().await.is_some(), "{backend}: the timeout ended it");
        assert_eq!(
            store
                .refold_due(now.plus_secs(86_400), projector.clone())
                .await
                .unwrap(),
            0,
            "{backend}: once"
        );
    });
}
