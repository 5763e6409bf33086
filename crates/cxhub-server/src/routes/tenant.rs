//! `/v1/tenant` and `/v1/tokens`: the caller's own tenant and its tokens.

use crate::json::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use cxhub_model::directory::Tenant;
use cxhub_model::time::Zone;
use cxhub_store::tokens::{Role, TokenInfo};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{CanAdmin, CanRead};
use crate::dto::List;
use crate::input::ApiJson;
use crate::problem::ApiError;

#[derive(Debug, Serialize, ToSchema)]
pub struct TenantBody {
    pub id: String,
    pub name: String,
    /// The IANA zone dialects read local date-times in when the caller names none.
    pub timezone: String,
    pub created_at: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TenantPatch {
    pub name: Option<String>,
    pub timezone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenBody {
    pub id: String,
    /// `read`, `write` or `admin`.
    pub role: String,
    pub label: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// Only when the token is created: the secret, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewToken {
    /// `read`, `write` or `admin`.
    pub role: String,
    pub label: Option<String>,
}

fn tenant_body(tenant: &Tenant) -> TenantBody {
    TenantBody {
        id: tenant.id.as_str().to_owned(),
        name: tenant.name.clone(),
        timezone: tenant.timezone.name().to_owned(),
        created_at: tenant.created_at.to_rfc3339(),
    }
}

fn token_body(info: &TokenInfo, token: Option<String>) -> TokenBody {
    TokenBody {
        id: info.id.clone(),
        role: info.role.as_str().to_owned(),
        label: info.label.clone(),
        created_at: info.created_at.to_rfc3339(),
        revoked_at: info.revoked_at.map(|it| it.to_rfc3339()),
        token,
    }
}

/// The caller's tenant.
#[utoipa::path(get, path = "/v1/tenant", tag = "tenant", responses((status = 200, body = TenantBody)), security(("bearer" = [])))]
pub async fn get_tenant(
    State(state): State<AppState>,
    CanRead(scope): CanRead,
) -> Result<Json<TenantBody>, ApiError> {
    match state.store.tenant(&scope.id).await? {
        Some((_, tenant)) => Ok(Json(tenant_body(&tenant))),
        None => Err(ApiError::NotFound("the tenant no longer exists".to_owned())),
    }
}

/// Changes the tenant's name or default time zone.
#[utoipa::path(patch, path = "/v1/tenant", tag = "tenant", request_body = TenantPatch,
    responses((status = 200, body = TenantBody), (status = 400, body = crate::problem::Problem)), security(("bearer" = [])))]
pub async fn patch_tenant(
    State(state): State<AppState>,
    CanAdmin(scope): CanAdmin,
    ApiJson(patch): ApiJson<TenantPatch>,
) -> Result<Json<TenantBody>, ApiError> {
    let zone = patch
        .timezone
        .as_deref()
        .map(Zone::parse)
        .transpose()
        .map_err(|reason| ApiError::field("timezone", reason))?;
    if patch.name.as_deref().is_some_and(|it| it.trim().is_empty()) {
        return Err(ApiError::field("name", "must not be empty"));
    }
    let tenant = state.store.update_tenant(&scope, patch.name, zone).await?;
    Ok(Json(tenant_body(&tenant)))
}

/// The tenant's tokens, without their secrets.
#[utoipa::path(get, path = "/v1/tokens", tag = "tenant", responses((status = 200, body = List<TokenBody>)), security(("bearer" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    CanAdmin(scope): CanAdmin,
) -> Result<Json<List<TokenBody>>, ApiError> {
    let tokens = state.store.list_tokens(Some(&scope.id)).await?;
    Ok(Json(List {
        data: tokens.iter().map(|it| token_body(it, None)).collect(),
        next_cursor: None,
    }))
}

/// Creates a token for the tenant; the answer carries the secret once.
#[utoipa::path(post, path = "/v1/tokens", tag = "tenant", request_body = NewToken,
    responses((status = 201, body = TokenBody), (status = 400, body = crate::problem::Problem)), security(("bearer" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    CanAdmin(scope): CanAdmin,
    ApiJson(new): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<TokenBody>), ApiError> {
    let role = Role::parse(&new.role).ok_or_else(|| {
        ApiError::field(
            "role",
            format!("`{}` is not one of read, write, admin", new.role),
        )
    })?;
    let (info, token) = state.store.create_token(&scope.id, role, new.label).await?;
    Ok((StatusCode::CREATED, Json(token_body(&info, Some(token)))))
}

/// Revokes one of the tenant's tokens.
#[utoipa::path(delete, path = "/v1/tokens/{id}", tag = "tenant", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::problem::Problem)), security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    CanAdmin(scope): CanAdmin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match state.store.revoke_token(&id, Some(&scope.id)).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(cxhub_store::StoreError::NotFound) => {
            Err(ApiError::NotFound(format!("no token with id {id}")))
        }
        Err(err) => Err(err.into()),
    }
}
