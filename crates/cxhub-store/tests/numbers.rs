//! Directory numbers on a real database file: given once per tenant and kind, in
//! creation order, by every write path, and read back both ways.

use cxhub_model::call::{CallDetail, CallStatus, Party};
use cxhub_model::directory::{EntryKind, Extension, User};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::time::{Instant, Zone};
use cxhub_store::{DirectoryBatch, DirectoryKeys, NewTenant, Store, TenantScope};

mod common;

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

async fn tenant(store: &Store, id: &str) -> TenantScope {
    store
        .create_tenant(NewTenant {
            id: key(id),
            name: id.to_owned(),
            timezone: Zone::utc(),
        })
        .await
        .unwrap();
    store.tenant(&key(id)).await.unwrap().unwrap().0
}

/// A call naming an agent, a contact and an extension.
fn call(external_id: &str, agent: &str, contact: &str, extension: &str) -> Interaction {
    let mut call = CallDetail::new(Party::default(), Party::default());
    call.extension = Some(extension.to_owned());
    Interaction {
        version: 1,
        agent_id: Some(key(agent)),
        contact_id: Some(key(contact)),
        call: Some(call),
        ..Interaction::new(
            key("pbx"),
            key(external_id),
            Channel::Voice,
            Direction::Inbound,
            InteractionStatus::Call(CallStatus::Ended),
            Instant::from_secs(1_790_000_000).unwrap(),
        )
    }
}

async fn numbers(
    store: &Store,
    scope: &TenantScope,
    kind: EntryKind,
    keys: &[&str],
) -> Vec<Option<i64>> {
    let wanted = keys.iter().map(|it| (kind, key(it))).collect();
    let found = store.numbers(scope, wanted).await.unwrap();
    keys.iter().map(|it| found.get(kind, it)).collect()
}

#[tokio::test]
async fn entries_are_numbered_once_per_tenant_and_kind_in_creation_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhub.db");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    let acme = tenant(&store, "acme").await;
    let globex = tenant(&store, "globex").await;
    let calls = vec![
        call("1", "u-1", "c-1", "sip:alice"),
        call("2", "u-2", "c-1", "101"),
    ];
    store
        .upsert_interactions(&acme, calls.clone())
        .await
        .unwrap();
    let batch = DirectoryBatch {
        users: vec![User::stub(key("u-3")), User::stub(key("u-1"))],
        extensions: vec![Extension {
            id: key("102"),
            user_id: None,
            name: None,
        }],
        ..DirectoryBatch::default()
    };
    store.upsert_directory(&acme, batch).await.unwrap();
    store
        .upsert_interactions(&globex, vec![call("1", "u-9", "c-1", "101")])
        .await
        .unwrap();
    // Again: nothing new, nothing renumbered.
    store.upsert_interactions(&acme, calls).await.unwrap();

    let users = ["u-1", "u-2", "u-3", "u-9"];
    assert_eq!(
        numbers(&store, &acme, EntryKind::User, &users).await,
        [Some(1), Some(2), Some(3), None]
    );
    assert_eq!(
        numbers(&store, &globex, EntryKind::User, &users).await,
        [None, None, None, Some(1)]
    );
    assert_eq!(
        numbers(&store, &acme, EntryKind::Contact, &["c-1"]).await,
        [Some(1)]
    );
    assert_eq!(
        numbers(
            &store,
            &acme,
            EntryKind::Extension,
            &["sip:alice", "101", "102"]
        )
        .await,
        [Some(1), Some(2), Some(3)]
    );
    assert_eq!(
        store
            .key_by_number(&acme, EntryKind::User, 2)
            .await
            .unwrap(),
        Some(key("u-2"))
    );
    assert_eq!(
        store
            .key_by_number(&globex, EntryKind::User, 2)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .key_by_number(&acme, EntryKind::Queue, 1)
            .await
            .unwrap(),
        None
    );

    // A lookup that asks for numbers gets the same ones with its entries.
    let keys = DirectoryKeys {
        users: vec![key("u-2"), key("u-3")],
        contacts: vec![key("c-1")],
        numbers: true,
        ..DirectoryKeys::default()
    };
    let found = store.lookup(&acme, keys).await.unwrap();
    assert_eq!(
        (
            found.numbers.get(EntryKind::User, "u-2"),
            found.numbers.get(EntryKind::User, "u-3"),
            found.numbers.get(EntryKind::Contact, "c-1")
        ),
        (Some(2), Some(3), Some(1))
    );
    drop(store);

    // A database from before numbers: the migration numbers what is there, in key order.
    let path = dir.path().join("old.db");
    let conn = common::schema_at(&path, 5);
    conn.execute_batch(
        "insert into tenant (pk, id, name, timezone, created_at)
         values (1, 'acme', 'acme', 'UTC', 0), (2, 'globex', 'globex', 'UTC', 0);
         insert into user (tenant_pk, id) values (1, 'u-3'), (2, 'u-9'), (1, 'u-1'), (1, 'u-2');",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    let acme = store.tenant(&key("acme")).await.unwrap().unwrap().0;
    let globex = store.tenant(&key("globex")).await.unwrap().unwrap().0;
    assert_eq!(
        numbers(&store, &acme, EntryKind::User, &users).await,
        [Some(1), Some(2), Some(3), None]
    );
    assert_eq!(
        numbers(&store, &globex, EntryKind::User, &["u-9"]).await,
        [Some(1)]
    );
    store
        .upsert_interactions(&acme, vec![call("3", "u-0", "c-2", "101")])
        .await
        .unwrap();
    assert_eq!(
        numbers(&store, &acme, EntryKind::User, &["u-0"]).await,
        [Some(4)],
        "new entries go on from the highest"
    );
}
