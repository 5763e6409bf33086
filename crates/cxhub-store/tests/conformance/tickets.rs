//! Tickets: upserts and versions, children, custom fields, edits, deletes and lists.

use cxhub_model::ids::Key;
use cxhub_model::ticket::{CustomField, FieldValue, Priority, Ticket, TicketStatus};
use cxhub_model::time::Instant;
use cxhub_store::query::{PageRequest, TicketFilter};
use cxhub_store::{Outcome, StoreError};

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn ticket(external_id: &str, secs: i64) -> Ticket {
    Ticket {
        id: None,
        number: None,
        source: key("crm"),
        external_id: key(external_id),
        version: 1,
        title: format!("ticket {external_id}"),
        description: Some("a line\nand another".to_owned()),
        ticket_type: Some("question".to_owned()),
        channel: Some("email".to_owned()),
        priority: Priority::Medium,
        status: TicketStatus::Open,
        contact_id: Some(key("bob")),
        creator_id: Some(key("ann")),
        assignee_id: Some(key("cat")),
        reason_to_assign: Some("skills".to_owned()),
        tags: vec![key("vip"), key("billing")],
        categories: vec![key("invoices")],
        custom_fields: vec![
            CustomField {
                attribute_id: key("plan"),
                value: FieldValue::Text("gold".to_owned()),
            },
            CustomField {
                attribute_id: key("seats"),
                value: FieldValue::Number(12.5),
            },
            CustomField {
                attribute_id: key("trial"),
                value: FieldValue::Boolean(false),
            },
            CustomField {
                attribute_id: key("renewal"),
                value: FieldValue::parse_date("2027-01-31").unwrap(),
            },
        ],
        created_at: Instant::from_millis(secs * 1000).unwrap(),
        updated_at: Instant::from_millis(secs * 1000 + 500),
        deleted_at: None,
    }
}

#[tokio::test]
async fn tickets_keep_every_field_and_version_and_number_per_tenant() {
    on_each!(|backend, store| {
        let pks = tenants!(store, ["acme", "globex"]);
        let (acme, globex) = (pks[0], pks[1]);
        let batch = vec![ticket("t1", 10), ticket("t2", 20), ticket("t3", 30)];
        let created = store.upsert_tickets(acme, batch.clone()).await.unwrap();
        let ids: Vec<i64> = created.iter().map(|it| it.id.get()).collect();
        assert_eq!(ids, [1, 2, 3], "{backend}");
        let theirs = store
            .upsert_tickets(globex, vec![ticket("t9", 5)])
            .await
            .unwrap();
        assert_eq!(theirs[0].id.get(), 1, "{backend}");

        let read = store.ticket(acme, created[1].id).await.unwrap().unwrap();
        let mut expected = Ticket {
            id: Some(created[1].id),
            number: Some(2),
            ..batch[1].clone()
        };
        // Fields come back in their attributes' order: position, then id.
        expected
            .custom_fields
            .sort_by(|a, b| a.attribute_id.as_str().cmp(b.attribute_id.as_str()));
        assert_eq!(read, expected, "{backend}");
        assert!(
            store.ticket(globex, created[1].id).await.unwrap().is_none(),
            "{backend}"
        );

        // Versions: the same is a duplicate, lower stale, higher replaces the children.
        let newer = Ticket {
            version: 2,
            tags: vec![key("billing")],
            custom_fields: vec![CustomField {
                attribute_id: key("seats"),
                value: FieldValue::Number(3.0),
            }],
            ..batch[0].clone()
        };
        let stale = Ticket {
            version: 0,
            ..batch[2].clone()
        };
        let again = store
            .upsert_tickets(acme, vec![batch[1].clone(), newer.clone(), stale])
            .await
            .unwrap();
        let outcomes: Vec<Outcome> = again.iter().map(|it| it.outcome).collect();
        assert_eq!(
            outcomes,
            [Outcome::Duplicate, Outcome::Updated, Outcome::Stale],
            "{backend}"
        );
        let read = store.ticket(acme, created[0].id).await.unwrap().unwrap();
        assert_eq!(
            (read.version, read.tags.clone(), read.custom_fields.clone()),
            (2, newer.tags.clone(), newer.custom_fields.clone()),
            "{backend}"
        );

        // A value of the wrong type for a known attribute names the record and field.
        let wrong = Ticket {
            custom_fields: vec![CustomField {
                attribute_id: key("seats"),
                value: FieldValue::Text("many".to_owned()),
            }],
            ..ticket("t4", 40)
        };
        let refused = store
            .upsert_tickets(acme, vec![ticket("t5", 50), wrong])
            .await;
        match refused {
            Err(StoreError::Invalid(err)) => {
                assert_eq!(err.field, "[1].custom_fields[0].value", "{backend}");
            }
            other => panic!("{backend}: {other:?}"),
        }
        // The refused batch wrote nothing, and took no number.
        assert_eq!(
            store
                .count_tickets(acme, TicketFilter::default())
                .await
                .unwrap(),
            3,
            "{backend}"
        );

        let edited = store
            .edit_ticket(
                acme,
                created[2].id,
                Box::new(|it: &mut Ticket| {
                    it.status = TicketStatus::Resolved;
                    Ok(())
                }),
            )
            .await
            .unwrap();
        assert_eq!(
            (edited.version, edited.status),
            (2, TicketStatus::Resolved),
            "{backend}"
        );
        let missing = store
            .edit_ticket(
                acme,
                cxhub_model::ids::RecordId::new(99).unwrap(),
                Box::new(|_: &mut Ticket| Ok(())),
            )
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound)),
            "{backend}: {missing:?}"
        );

        store
            .delete_ticket(acme, created[1].id, Instant::from_millis(99_000).unwrap())
            .await
            .unwrap();
        let live = store
            .list_tickets(acme, TicketFilter::default(), PageRequest::after(None, 10))
            .await
            .unwrap();
        let numbers: Vec<Option<i64>> = live.items.iter().map(|it| it.number).collect();
        assert_eq!(numbers, [Some(3), Some(1)], "{backend}");
        let all = TicketFilter {
            include_deleted: true,
            ..TicketFilter::default()
        };
        let page = store
            .list_tickets(acme, all.clone(), PageRequest::after(None, 2))
            .await
            .unwrap();
        let next = store
            .list_tickets(acme, all, PageRequest::after(page.next, 2))
            .await
            .unwrap();
        let numbers: Vec<Option<i64>> = page
            .items
            .iter()
            .chain(&next.items)
            .map(|it| it.number)
            .collect();
        assert_eq!(numbers, [Some(3), Some(2), Some(1)], "{backend}");
        assert_eq!(
            page.items[1].deleted_at,
            Instant::from_millis(99_000),
            "{backend}"
        );

        let resolved = TicketFilter {
            statuses: vec![TicketStatus::Resolved],
            assignee_id: Some(key("cat")),
            ..TicketFilter::default()
        };
        assert_eq!(
            store.count_tickets(acme, resolved).await.unwrap(),
            1,
            "{backend}"
        );
    });
}
