//! Tenants and API tokens.

use cxhub_model::ids::Key;
use cxhub_model::time::Zone;
use cxhub_store::tokens::{self, Role};
use cxhub_store::{NewTenant, StoreError};

fn new_tenant(id: &str) -> NewTenant {
    NewTenant {
        id: Key::parse(id).unwrap(),
        name: format!("{id} inc"),
        timezone: Zone::parse("Asia/Bangkok").unwrap(),
    }
}

#[tokio::test]
async fn tenants_are_created_once_found_by_id_and_renamed() {
    on_each!(|backend, store| {
        let created = store.create_tenant(new_tenant("acme")).await.unwrap();
        assert_eq!(created.name, "acme inc", "{backend}");
        let again = store.create_tenant(new_tenant("acme")).await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{backend}: {again:?}"
        );
        let bad = store.create_tenant(new_tenant("a b")).await;
        assert!(
            matches!(bad, Err(StoreError::Invalid(_))),
            "{backend}: {bad:?}"
        );

        let (scope, found) = store
            .tenant(Key::parse("acme").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, created, "{backend}");
        assert_eq!(scope.zone.name(), "Asia/Bangkok", "{backend}");
        let missing = store.tenant(Key::parse("globex").unwrap()).await.unwrap();
        assert!(missing.is_none(), "{backend}");

        let renamed = store
            .update_tenant(scope.clone(), Some("Acme".to_owned()), None)
            .await
            .unwrap();
        assert_eq!(
            (renamed.name.as_str(), renamed.timezone.name()),
            ("Acme", "Asia/Bangkok"),
            "{backend}"
        );
        let moved = store
            .update_tenant(scope, None, Some(Zone::utc()))
            .await
            .unwrap();
        assert_eq!(
            (moved.name.as_str(), moved.timezone.name()),
            ("Acme", "UTC"),
            "{backend}"
        );
        assert_eq!(moved.created_at, created.created_at, "{backend}");
    });
}

#[tokio::test]
async fn tokens_authenticate_their_own_tenant_until_revoked() {
    on_each!(|backend, store| {
        for id in ["acme", "globex"] {
            store.create_tenant(new_tenant(id)).await.unwrap();
        }
        let acme = Key::parse("acme").unwrap();
        let globex = Key::parse("globex").unwrap();
        let (read, read_token) = store
            .create_token(acme.clone(), Role::Read, Some("wallboard".to_owned()))
            .await
            .unwrap();
        let (admin, admin_token) = store
            .create_token(globex.clone(), Role::Admin, None)
            .await
            .unwrap();
        let none = store
            .create_token(Key::parse("nobody").unwrap(), Role::Read, None)
            .await;
        assert!(
            matches!(none, Err(StoreError::NotFound)),
            "{backend}: {none:?}"
        );

        let grant = store
            .authenticate(tokens::hash(&read_token))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (grant.scope.id.as_str(), grant.role, grant.token_id.as_str()),
            ("acme", Role::Read, read.id.as_str()),
            "{backend}"
        );
        let grant = store
            .authenticate(tokens::hash(&admin_token))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (grant.scope.id.as_str(), grant.role),
            ("globex", Role::Admin),
            "{backend}"
        );
        assert!(
            store
                .authenticate(tokens::hash("cxh_not_a_token"))
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );

        let all = store.list_tokens(None).await.unwrap();
        assert_eq!(all.len(), 2, "{backend}");
        let mine = store.list_tokens(Some(acme.clone())).await.unwrap();
        assert_eq!(mine, vec![read.clone()], "{backend}");

        // A tenant cannot revoke another's token; the owner can, and twice is fine.
        let foreign = store
            .revoke_token(admin.id.clone(), Some(acme.clone()))
            .await;
        assert!(
            matches!(foreign, Err(StoreError::NotFound)),
            "{backend}: {foreign:?}"
        );
        store
            .revoke_token(read.id.clone(), Some(acme.clone()))
            .await
            .unwrap();
        store.revoke_token(read.id.clone(), None).await.unwrap();
        assert!(
            store
                .authenticate(tokens::hash(&read_token))
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        let listed = store.list_tokens(Some(acme)).await.unwrap();
        assert!(listed[0].revoked_at.is_some(), "{backend}");
        assert!(
            store
                .authenticate(tokens::hash(&admin_token))
                .await
                .unwrap()
                .is_some(),
            "{backend}"
        );
    });
}
