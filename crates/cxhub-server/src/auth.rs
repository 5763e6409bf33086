//! Bearer-token authentication and role checks, as extractors.
//!
//! A handler names the least role it needs by its extractor type: [`CanRead`],
//! [`CanWrite`] or [`CanAdmin`]. Each resolves the token to a tenant scope, so a handler
//! can only ever query inside the caller's tenant.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use cxhub_store::TenantScope;
use cxhub_store::tokens::{Grant, Role};

use crate::AppState;
use crate::problem::ApiError;

async fn grant(parts: &Parts, state: &AppState, needed: Role) -> Result<Grant, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::Unauthorized(
            "an Authorization: Bearer token is required",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|it| {
            it.strip_prefix("Bearer ")
                .or_else(|| it.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|it| !it.is_empty())
        .ok_or(ApiError::Unauthorized(
            "the Authorization header must be `Bearer <token>`",
        ))?;
    let Some(grant) = state.store.authenticate(token).await? else {
        return Err(ApiError::Unauthorized("the token is unknown or revoked"));
    };
    if let Some(tenant) = parts.extensions.get::<crate::observe::RequestTenant>() {
        tenant.set(grant.scope.id.as_str());
    }
    if grant.role < needed {
        return Err(ApiError::Forbidden(format!(
            "this needs the {} role; the token has {}",
            needed.as_str(),
            grant.role.as_str()
        )));
    }
    Ok(grant)
}

macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, $role:expr) => {
        $(#[$meta])*
        pub struct $name(pub TenantScope);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                grant(parts, state, $role).await.map(|grant| $name(grant.scope))
            }
        }
    };
}

role_extractor!(
    /// A request whose token has at least the read role.
    CanRead,
    Role::Read
);
role_extractor!(
    /// A request whose token has at least the write role.
    CanWrite,
    Role::Write
);
role_extractor!(
    /// A request whose token has the admin role.
    CanAdmin,
    Role::Admin
);
