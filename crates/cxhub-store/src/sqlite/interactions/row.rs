//! An interaction's row in SQLite: the statements that write and read it, over the
//! columns and values every backend shares (`crate::records::interaction`).

use std::sync::LazyLock;

use cxhub_model::interaction::Interaction;
use cxhub_model::time::Instant;
use rusqlite::types::Value;

use crate::StoreResult;
use crate::records::interaction::{self, COLUMNS, INDEXED};
use crate::sqlite::codec::{self, Cols};

/// `select id, number, <COLUMNS> from interaction`, built once.
pub(super) static SELECT: LazyLock<String> =
    LazyLock::new(|| format!("select id, number, {} from interaction", COLUMNS.join(", ")));

/// The insert of a new row, without its `returning`: `tenant_pk` is `?1`, the columns
/// follow. The number is the tenant's next one; the insert trigger raises the counter.
static INSERT_ROW: LazyLock<String> = LazyLock::new(|| {
    let marks: Vec<String> = (2..=COLUMNS.len() + 1)
        .map(|idx| format!("?{idx}"))
        .collect();
    format!(
        "insert into interaction (tenant_pk, number, {}) values (?1, \
         (select next_interaction_number from tenant where pk = ?1), {})",
        COLUMNS.join(", "),
        marks.join(", ")
    )
});

/// The insert of a new row, giving its row id and number.
pub(super) static INSERT: LazyLock<String> =
    LazyLock::new(|| format!("{} returning id, number", *INSERT_ROW));

/// The insert of a row unless its idempotency key is taken (then nothing changes and
/// nothing is returned).
pub(super) static INSERT_NEW: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} on conflict (tenant_pk, source, external_id) do nothing returning id, number",
        *INSERT_ROW
    )
});

/// The update of every column no index holds. Parameters are numbered as in
/// [`INSERT`] without `tenant_pk` (the order of [`values`]); the row's id comes last.
pub(super) static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, col)| !INDEXED.contains(col))
        .map(|(idx, col)| format!("{col} = ?{}", idx + 1))
        .collect();
    format!(
        "update interaction set {} where id = ?{}",
        sets.join(", "),
        COLUMNS.len() + 1
    )
});

/// The update of the indexed columns, numbered as [`UPDATE`], which changes nothing
/// when they hold those values already: a refold seldom moves a record to another
/// time, agent or queue, and rewriting its index entries is most of an update's cost.
/// (The idempotency key, `source` and `external_id`, never changes.)
pub(super) static UPDATE_INDEXED: LazyLock<String> = LazyLock::new(|| {
    let indexed = || {
        COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, col)| INDEXED.contains(col) && !["source", "external_id"].contains(col))
    };
    let sets: Vec<String> = indexed()
        .map(|(idx, col)| format!("{col} = ?{}", idx + 1))
        .collect();
    let changed: Vec<String> = indexed()
        .map(|(idx, col)| format!("{col} is not ?{}", idx + 1))
        .collect();
    format!(
        "update interaction set {} where id = ?{} and ({})",
        sets.join(", "),
        COLUMNS.len() + 1,
        changed.join(" or ")
    )
});

/// The row's values in [`COLUMNS`] order.
pub(super) fn values(it: &Interaction, now: Instant) -> Vec<Value> {
    interaction::values(it, now)
        .into_iter()
        .map(codec::cell)
        .collect()
}

/// Reads `id, number, <COLUMNS>`: the row's id (for its legs and messages), and the
/// interaction without them, its id being its number.
pub(super) fn read_row(row: &rusqlite::Row<'_>) -> StoreResult<(i64, Interaction)> {
    interaction::read_interaction(&mut Cols::new(row))
}
