//! Tenants and their API tokens.

use cxhub_model::directory::{PresenceStatus, Tenant};
use cxhub_model::ids::Key;
use cxhub_model::time::{Instant, Zone};

use super::PgStore;
use crate::postgres::sql::prepared;
use crate::tokens::{self, Grant, Role, TokenInfo};
use crate::values::{corrupt, instant};
use crate::{NewTenant, StoreError, StoreResult, TenantScope};

impl PgStore {
    pub async fn create_tenant(&self, tenant: NewTenant) -> StoreResult<Tenant> {
        Tenant::check_id(tenant.id.as_str()).map_err(|reason| {
            StoreError::Invalid(cxhub_model::error::FieldError::new("id", reason))
        })?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let created_at = Instant::now();
        let pk: Option<i64> = tx
            .query_opt(
                "insert into tenant (id, name, timezone, created_at) values ($1, $2, $3, $4)
                 on conflict (id) do nothing returning pk",
                &[
                    &tenant.id.as_str(),
                    &tenant.name,
                    &tenant.timezone.name(),
                    &created_at.as_millis(),
                ],
            )
            .await?
            .map(|row| row.get(0));
        let Some(pk) = pk else {
            return Err(StoreError::Conflict(format!("tenant {}", tenant.id)));
        };
        super::directory::upsert_statuses(&tx, pk, &PresenceStatus::defaults()).await?;
        tx.commit().await?;
        Ok(Tenant {
            id: tenant.id,
            name: tenant.name,
            timezone: tenant.timezone,
            created_at,
        })
    }

    pub async fn tenant(&self, id: Key) -> StoreResult<Option<(TenantScope, Tenant)>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "select pk, name, timezone, created_at from tenant where id = $1",
                &[&id.as_str()],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let tenant = Tenant {
            id: id.clone(),
            name: row.get(1),
            timezone: Zone::parse(row.get(2)).map_err(corrupt)?,
            created_at: instant(row.get(3))?,
        };
        let scope = TenantScope {
            pk: row.get(0),
            id,
            zone: tenant.timezone.clone(),
        };
        Ok(Some((scope, tenant)))
    }

    pub async fn list_tenants(&self) -> StoreResult<Vec<Key>> {
        let client = self.client().await?;
        let rows = client
            .query("select id from tenant order by id collate \"C\"", &[])
            .await?;
        rows.iter()
            .map(|row| Key::parse(row.get(0)).map_err(crate::values::corrupt))
            .collect()
    }

    pub async fn update_tenant(
        &self,
        scope: TenantScope,
        name: Option<String>,
        zone: Option<Zone>,
    ) -> StoreResult<Tenant> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "update tenant set name = coalesce($1, name), timezone = coalesce($2, timezone)
                 where pk = $3 returning name, timezone, created_at",
                &[&name, &zone.as_ref().map(Zone::name), &scope.pk],
            )
            .await?;
        Ok(Tenant {
            id: scope.id,
            name: row.get(0),
            timezone: Zone::parse(row.get(1)).map_err(corrupt)?,
            created_at: instant(row.get(2))?,
        })
    }

    pub async fn create_token(
        &self,
        tenant: Key,
        role: Role,
        label: Option<String>,
    ) -> StoreResult<(TokenInfo, String)> {
        let (token, id) = tokens::generate();
        let created_at = Instant::now();
        let client = self.client().await?;
        let inserted = client
            .execute(
                "insert into api_token (id, tenant_pk, role, hash, label, created_at)
                 select $1, pk, $3, $4, $5, $6 from tenant where id = $2",
                &[
                    &id,
                    &tenant.as_str(),
                    &role.as_str(),
                    &tokens::hash(&token).as_slice(),
                    &label,
                    &created_at.as_millis(),
                ],
            )
            .await?;
        if inserted == 0 {
            return Err(StoreError::NotFound);
        }
        let info = TokenInfo {
            id,
            tenant,
            role,
            label,
            created_at,
            revoked_at: None,
        };
        Ok((info, token))
    }

    pub async fn list_tokens(&self, tenant: Option<Key>) -> StoreResult<Vec<TokenInfo>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "select t.id, n.id, t.role, t.label, t.created_at, t.revoked_at from api_token t
                 join tenant n on n.pk = t.tenant_pk where $1::text is null or n.id = $1
                 order by t.created_at, t.id collate \"C\"",
                &[&tenant.as_ref().map(Key::as_str)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let role: &str = row.get(2);
                Ok(TokenInfo {
                    id: row.get(0),
                    tenant: Key::parse(row.get(1)).map_err(corrupt)?,
                    role: Role::parse(role).ok_or_else(|| corrupt(format!("role {role}")))?,
                    label: row.get(3),
                    created_at: instant(row.get(4))?,
                    revoked_at: row.get::<_, Option<i64>>(5).map(instant).transpose()?,
                })
            })
            .collect()
    }

    pub async fn revoke_token(&self, id: String, tenant: Option<Key>) -> StoreResult<()> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "update api_token set revoked_at = coalesce(revoked_at, $1)
                 where id = $2 and ($3::text is null or tenant_pk = (select pk from tenant where id = $3))",
                &[
                    &Instant::now().as_millis(),
                    &id,
                    &tenant.as_ref().map(Key::as_str),
                ],
            )
            .await?;
        match changed {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    pub async fn authenticate(&self, hash: [u8; 32]) -> StoreResult<Option<Grant>> {
        let client = self.client().await?;
        let row = prepared::query_opt(
            &client,
            "select t.id, t.role, n.pk, n.id, n.timezone from api_token t
             join tenant n on n.pk = t.tenant_pk where t.hash = $1 and t.revoked_at is null",
            &[&hash.as_slice()],
        )
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let role: &str = row.get(1);
        let role = Role::parse(role).ok_or_else(|| corrupt(format!("role {role}")))?;
        let scope = TenantScope {
            pk: row.get(2),
            id: Key::parse(row.get(3)).map_err(corrupt)?,
            zone: Zone::parse(row.get(4)).map_err(corrupt)?,
        };
        Ok(Some(Grant {
            scope,
            role,
            token_id: row.get(0),
        }))
    }
}
