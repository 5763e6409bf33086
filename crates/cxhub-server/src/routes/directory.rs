//! The directory routes: `/v1/users`, `/v1/queues`, `/v1/contacts`, `/v1/tags`,
//! `/v1/categories`, `/v1/attributes` and `/v1/presence-statuses`. Each has a batch
//! upsert (replacing entries by id), a list in id order and a get by id.

use crate::json::Json;
use axum::extract::{Path, RawQuery, State};
use cxhub_model::error::FieldError;
use cxhub_model::ids::Key;
use cxhub_store::{DirectoryBatch, DirectoryKind, DirectoryPage, KeyPage, TenantScope};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::AppState;
use crate::cursor;
use crate::dto::directory::{
    AttributeBody, CategoryBody, ContactBody, ExtensionBody, PresenceStatusBody, QueueBody,
    TagBody, UserBody,
};
use crate::dto::{DirectoryReport, List};
use crate::input::{Checker, decode_query};
use crate::problem::ApiError;
use crate::routes::convert_batch;

/// Paging of a directory list, in id order.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Rows per page, 1 to 500; default 100.
    limit: Option<String>,
    cursor: Option<String>,
}

/// A wire type of one directory kind.
pub trait Entry: Sized + DeserializeOwned + Send {
    const KIND: DirectoryKind;
    /// The list's name in cursors and messages.
    const LIST: &'static str;
    fn into_batch(items: Vec<Self>) -> Result<DirectoryBatch, ApiError>;
    fn from_page(page: &DirectoryPage) -> Vec<Self>;
}

async fn list<E: Entry>(
    state: &AppState,
    scope: &TenantScope,
    query: Option<&str>,
) -> Result<List<E>, ApiError> {
    let q: DirectoryQuery = decode_query(query)?;
    let mut check = Checker::default();
    let limit = check.limit(q.limit.as_deref());
    check.finish()?;
    let after = q
        .cursor
        .as_deref()
        .map(|it| cursor::decode_key(E::LIST, it))
        .transpose()?;
    let page = state
        .store
        .list_directory(
            scope,
            E::KIND,
            KeyPage {
                after,
                limit,
                ids: None,
            },
        )
        .await?;
    Ok(List {
        data: E::from_page(&page),
        next_cursor: page.next.map(|it| cursor::encode_key(E::LIST, &it)),
    })
}

async fn get<E: Entry>(state: &AppState, scope: &TenantScope, id: &str) -> Result<E, ApiError> {
    let not_found = || ApiError::NotFound(format!("no entry of {} with id {id}", E::LIST));
    let key = Key::parse(id).map_err(|_| not_found())?;
    let page = state
        .store
        .list_directory(
            scope,
            E::KIND,
            KeyPage {
                after: None,
                limit: 1,
                ids: Some(vec![key]),
            },
        )
        .await?;
    E::from_page(&page).into_iter().next().ok_or_else(not_found)
}

async fn upsert<E: Entry>(
    state: &AppState,
    scope: &TenantScope,
    items: Vec<E>,
) -> Result<DirectoryReport, ApiError> {
    let written = state
        .store
        .upsert_directory(scope, E::into_batch(items)?)
        .await?;
    Ok(DirectoryReport { written })
}

macro_rules! entry {
    ($body:ty, $kind:ident, $list:literal, $field:ident) => {
        impl Entry for $body {
            const KIND: DirectoryKind = DirectoryKind::$kind;
            const LIST: &'static str = $list;

            fn into_batch(items: Vec<Self>) -> Result<DirectoryBatch, ApiError> {
                let $field = convert_batch(items, |it: $body| -> Result<_, FieldError> {
                    it.into_model()
                })?;
                Ok(DirectoryBatch {
                    $field,
                    ..DirectoryBatch::default()
                })
            }

            fn from_page(page: &DirectoryPage) -> Vec<Self> {
                page.$field.iter().map(<$body>::from_model).collect()
            }
        }
    };
}

entry!(UserBody, Users, "users", users);
entry!(QueueBody, Queues, "queues", queues);
entry!(ContactBody, Contacts, "contacts", contacts);
entry!(TagBody, Tags, "tags", tags);
entry!(ExtensionBody, Extensions, "extensions", extensions);
entry!(CategoryBody, Categories, "categories", categories);
entry!(AttributeBody, Attributes, "attributes", attributes);
entry!(
    PresenceStatusBody,
    PresenceStatuses,
    "presence-statuses",
    presence_statuses
);

/// Declares the three handlers of one directory kind, with their OpenAPI operations.
macro_rules! handlers {
    ($body:ty, $path:literal, $item_path:literal, $tag:literal, $list_fn:ident, $get_fn:ident, $upsert_fn:ident) => {
        #[doc = concat!("Lists ", $tag, " in id order.")]
        #[utoipa::path(get, path = $path, tag = $tag, params(DirectoryQuery),
            responses((status = 200, body = List<$body>), (status = 400, body = crate::problem::Problem)),
            security(("bearer" = [])))]
        pub async fn $list_fn(
            State(state): State<AppState>,
            crate::auth::CanRead(scope): crate::auth::CanRead,
            RawQuery(query): RawQuery,
        ) -> Result<Json<List<$body>>, ApiError> {
            list::<$body>(&state, &scope, query.as_deref()).await.map(Json)
        }

        #[doc = concat!("Gets one of the ", $tag, " by id.")]
        #[utoipa::path(get, path = $item_path, tag = $tag, params(("id" = String, Path)),
            responses((status = 200, body = $body), (status = 404, body = crate::problem::Problem)),
            security(("bearer" = [])))]
        pub async fn $get_fn(
            State(state): State<AppState>,
            crate::auth::CanRead(scope): crate::auth::CanRead,
            Path(id): Path<String>,
        ) -> Result<Json<$body>, ApiError> {
            get::<$body>(&state, &scope, &id).await.map(Json)
        }

        #[doc = concat!("Upserts a batch of ", $tag, "; each replaces the entry with its id.")]
        #[utoipa::path(post, path = $path, tag = $tag, request_body = Vec<$body>,
            responses((status = 200, body = DirectoryReport), (status = 400, body = crate::problem::Problem)),
            security(("bearer" = [])))]
        pub async fn $upsert_fn(
            State(state): State<AppState>,
            crate::auth::CanWrite(scope): crate::auth::CanWrite,
            crate::input::ApiJson(items): crate::input::ApiJson<Vec<$body>>,
        ) -> Result<Json<DirectoryReport>, ApiError> {
            upsert::<$body>(&state, &scope, items).await.map(Json)
        }
    };
}

handlers!(
    UserBody,
    "/v1/users",
    "/v1/users/{id}",
    "users",
    list_users,
    get_user,
    upsert_users
);
handlers!(
    QueueBody,
    "/v1/queues",
    "/v1/queues/{id}",
    "queues",
    list_queues,
    get_queue,
    upsert_queues
);
handlers!(
    ContactBody,
    "/v1/contacts",
    "/v1/contacts/{id}",
    "contacts",
    list_contacts,
    get_contact,
    upsert_contacts
);
handlers!(
    ExtensionBody,
    "/v1/extensions",
    "/v1/extensions/{id}",
    "extensions",
    list_extensions,
    get_extension,
    upsert_extensions
);
handlers!(
    TagBody,
    "/v1/tags",
    "/v1/tags/{id}",
    "tags",
    list_tags,
    get_tag,
    upsert_tags
);
handlers!(
    CategoryBody,
    "/v1/categories",
    "/v1/categories/{id}",
    "categories",
    list_categories,
    get_category,
    upsert_categories
);
handlers!(
    AttributeBody,
    "/v1/attributes",
    "/v1/attributes/{id}",
    "attributes",
    list_attributes,
    get_attribute,
    upsert_attributes
);
handlers!(
    PresenceStatusBody,
    "/v1/presence-statuses",
    "/v1/presence-statuses/{id}",
    "presence-statuses",
    list_presence_statuses,
    get_presence_status,
    upsert_presence_statuses
);
