//! klink's directory listings: contacts (with `keyword` search), tags and categories.
//! Each answers klink's list envelope `{total, page, pageSize, lastPage, data}`.

use std::collections::HashMap;

use crate::json::{Json, Rendered};
use axum::extract::{RawQuery, State};
use cxhub_dialects::klink::wire::{ContactObject, LabelObject};
use cxhub_store::{DirectoryKeys, DirectoryKind, KeyPage};
use serde::Serialize;

use super::{KlinkError, KlinkRead, directory, paging, query_map};
use crate::AppState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listing<T> {
    total: u64,
    page: usize,
    page_size: usize,
    last_page: u64,
    data: Vec<T>,
}

/// `GET /api/v1/contacts?keyword=`: contacts whose name, phone, email or id contains the
/// keyword (case-insensitive for ASCII), in id order.
pub async fn contacts(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
    RawQuery(query): RawQuery,
) -> Result<Rendered, KlinkError> {
    let query = query_map(query.as_deref());
    let paging = paging(&query)?;
    let keyword = query
        .get("keyword")
        .map(|it| it.trim().to_owned())
        .filter(|it| !it.is_empty());
    let (contacts, total) = state
        .store
        .search_contacts(&scope, keyword, paging.offset(), paging.page_size)
        .await?;
    let tags = contacts
        .iter()
        .flat_map(|it| it.tags.iter().cloned())
        .collect();
    let keys = DirectoryKeys {
        tags,
        contacts: contacts.iter().map(|it| it.id.clone()).collect(),
        ..DirectoryKeys::default()
    };
    let directory = directory(&state, &scope, keys).await?;
    Ok(Rendered::new(&Listing {
        total,
        page: paging.page,
        page_size: paging.page_size,
        last_page: paging.last_page(total),
        data: contacts
            .iter()
            .map(|it| ContactObject::from_model(it, &directory, true))
            .collect(),
    }))
}

/// Tags and categories are small catalogues: read whole, ordered by position, paged here.
async fn labels(
    state: &AppState,
    scope: &cxhub_store::TenantScope,
    query: &HashMap<String, String>,
    kind: DirectoryKind,
) -> Result<Json<Listing<LabelObject>>, KlinkError> {
    let paging = paging(query)?;
    let page = state
        .store
        .list_directory(
            scope,
            kind,
            KeyPage {
                after: None,
                limit: 100_000,
                ids: None,
            },
        )
        .await?;
    let mut tags = page.tags;
    let mut categories = page.categories;
    tags.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
    categories.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
    let keys = DirectoryKeys {
        tags: tags.iter().map(|it| it.id.clone()).collect(),
        categories: categories.iter().map(|it| it.id.clone()).collect(),
        ..DirectoryKeys::default()
    };
    let directory = directory(state, scope, keys).await?;
    let labels: Vec<LabelObject> = match kind {
        DirectoryKind::Tags => tags
            .iter()
            .map(|it| LabelObject::from_tag(it, &directory))
            .collect(),
        _ => categories
            .iter()
            .map(|it| LabelObject::from_category(it, &directory))
            .collect(),
    };
    let total = labels.len() as u64;
    let data = labels
        .into_iter()
        .skip(paging.offset())
        .take(paging.page_size)
        .collect();
    Ok(Json(Listing {
        total,
        page: paging.page,
        page_size: paging.page_size,
        last_page: paging.last_page(total),
        data,
    }))
}

pub async fn tags(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
    RawQuery(query): RawQuery,
) -> Result<Json<Listing<LabelObject>>, KlinkError> {
    labels(
        &state,
        &scope,
        &query_map(query.as_deref()),
        DirectoryKind::Tags,
    )
    .await
}

pub async fn categories(
    State(state): State<AppState>,
    KlinkRead(scope): KlinkRead,
    RawQuery(query): RawQuery,
) -> Result<Json<Listing<LabelObject>>, KlinkError> {
    labels(
        &state,
        &scope,
        &query_map(query.as_deref()),
        DirectoryKind::Categories,
    )
    .await
}
