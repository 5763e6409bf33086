//! A database written before record numbers: the migration numbers its records in each
//! tenant, in the order they were stored.

use cxhub_model::ids::RecordId;
use cxhub_model::interaction::Interaction;
use cxhub_store::Store;

use super::{call, change, common, ids, key, one_to, ticket};

#[tokio::test]
async fn records_stored_before_numbers_are_numbered_in_each_tenant_by_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cxhub.db");
    // As cxhub left a database at migration 0006: one id sequence over both tenants.
    let conn = common::schema_at(&path, 6);
    conn.execute_batch(
        "insert into tenant (pk, id, name, timezone, created_at, next_ticket_number)
         values (1, 'acme', 'acme', 'UTC', 0, 3), (2, 'globex', 'globex', 'UTC', 0, 2);
         insert into interaction (id, tenant_pk, source, external_id, version, channel, direction, status,
             started_at, created_at, updated_at, call_kind, media) values
             (1, 2, 'pbx', 'g0', 1, 'voice', 'inbound', 'ended', 1000, 1000, 1000, 'call', 'audio'),
             (2, 1, 'pbx', 'a0', 1, 'voice', 'inbound', 'ended', 1000, 1000, 1000, 'call', 'audio'),
             (3, 2, 'pbx', 'g1', 1, 'voice', 'inbound', 'ended', 2000, 2000, 2000, 'call', 'audio'),
             (4, 2, 'pbx', 'g2', 1, 'voice', 'inbound', 'ended', 500, 500, 500, 'call', 'audio'),
             (5, 1, 'pbx', 'a1', 1, 'voice', 'inbound', 'ended', 500, 500, 500, 'call', 'audio');
         insert into call_leg (interaction_id, seq, target_number, status) values (5, 0, '101', 'answered');
         insert into presence_change (id, tenant_pk, source, external_id, version, user_id, new_status, at)
             values (1, 1, 'pbx', 'a0', 1, 'u-1', 'available', 1000),
                    (2, 2, 'pbx', 'g0', 1, 'u-1', 'available', 1000),
                    (3, 1, 'pbx', 'a1', 1, 'u-1', 'away', 2000);
         insert into ticket (id, tenant_pk, number, source, external_id, version, title, priority, status,
             created_at, updated_at) values
             (1, 1, 1, 'crm', 'a0', 1, 'a0', 'low', 'open', 1000, 1000),
             (2, 2, 1, 'crm', 'g0', 1, 'g0', 'low', 'open', 1000, 1000),
             (3, 1, 2, 'crm', 'a1', 1, 'a1', 'low', 'open', 1000, 1000);",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    let acme = store.tenant(&key("acme")).await.unwrap().unwrap().0;
    let globex = store.tenant(&key("globex")).await.unwrap().unwrap().0;
    let id = |raw| RecordId::new(raw).unwrap();
    let external = |it: Option<Interaction>| it.unwrap().external_id.into_string();
    // Numbered in insertion order within each tenant.
    assert_eq!(
        external(store.interaction(&acme, id(1)).await.unwrap()),
        "a0"
    );
    assert_eq!(
        external(store.interaction(&acme, id(2)).await.unwrap()),
        "a1"
    );
    assert!(store.interaction(&acme, id(3)).await.unwrap().is_none());
    assert_eq!(
        external(store.interaction(&globex, id(3)).await.unwrap()),
        "g2"
    );
    // A call keeps its legs.
    let a1 = store.interaction(&acme, id(2)).await.unwrap().unwrap();
    assert_eq!(a1.call.unwrap().legs.len(), 1);
    assert_eq!(ids(&store, &acme).await, [one_to(2), one_to(2), one_to(2)]);
    assert_eq!(
        ids(&store, &globex).await,
        [one_to(3), one_to(1), one_to(1)]
    );

    // New records go on from each tenant's last number.
    let created = store
        .upsert_interactions(&acme, vec![call("a2", 0)])
        .await
        .unwrap();
    assert_eq!(created[0].id.get(), 3);
    let created = store
        .upsert_presence(&globex, vec![change("g1", 0)])
        .await
        .unwrap();
    assert_eq!(created[0].id.get(), 2);
    let created = store
        .upsert_tickets(&acme, vec![ticket("a2", 0)])
        .await
        .unwrap();
    assert_eq!(created[0].id.get(), 3);
}
