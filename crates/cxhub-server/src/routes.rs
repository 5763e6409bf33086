//! The native API's routes, one module per resource.

pub mod analytics;
pub mod directory;
pub mod events;
pub mod presence;
pub mod records;
pub mod tenant;
pub mod tickets;

use crate::json::Rendered;
use cxhub_model::error::FieldError;
use cxhub_model::ids::RecordId;
use cxhub_store::query::{Page, Position};
use serde::Serialize;

use crate::cursor;
use crate::dto::List;
use crate::problem::ApiError;

/// The most records one batch upsert takes.
pub const MAX_BATCH: usize = 5000;

/// Converts every item of a batch, naming each bad one by its index; all or nothing.
pub fn convert_batch<B, T>(
    batch: Vec<B>,
    convert: impl Fn(B) -> Result<T, FieldError>,
) -> Result<Vec<T>, ApiError> {
    if batch.len() > MAX_BATCH {
        return Err(ApiError::field(
            "body",
            format!(
                "a batch takes at most {MAX_BATCH} records, not {}",
                batch.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(batch.len());
    let mut errors = Vec::new();
    for (idx, item) in batch.into_iter().enumerate() {
        match convert(item) {
            Ok(it) => out.push(it),
            Err(err) => errors.push(err.within(&format!("[{idx}]"))),
        }
    }
    match errors.is_empty() {
        true => Ok(out),
        false => Err(ApiError::Invalid(errors)),
    }
}

/// Reads a record id from a path.
pub fn record_id(text: &str) -> Result<RecordId, ApiError> {
    RecordId::parse(text).ok_or_else(|| {
        ApiError::field(
            "id",
            format!("`{text}` is not a record id (a positive integer)"),
        )
    })
}

/// The keyset position a `cursor` parameter names in `list`; none for the first page.
pub fn position(list: &str, cursor_param: Option<&str>) -> Result<Option<Position>, ApiError> {
    cursor_param.map(|it| cursor::decode(list, it)).transpose()
}

/// Answers a page of `list` in wire form, with the cursor of the next page.
pub fn page_body<'a, T, B: Serialize>(
    list: &str,
    page: &'a Page<T>,
    to_body: impl Fn(&'a T) -> B,
) -> Rendered {
    Rendered::new(&List {
        data: page.items.iter().map(to_body).collect::<Vec<_>>(),
        next_cursor: page.next.map(|it| cursor::encode(list, it)),
    })
}
