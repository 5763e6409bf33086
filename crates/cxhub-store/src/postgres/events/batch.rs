//! A batch of events stored, and its subjects' events read back, each in one statement.

use std::collections::HashMap;

use cxhub_model::time::Instant;
use deadpool_postgres::{GenericClient, Transaction};

use crate::StoreResult;
use crate::events::{EVENT_COLUMNS, NewEvent, StoredEvent, Subject, read_stored};
use crate::postgres::rows::PgCols;
use crate::postgres::sql::prepared;

/// Stores the events new under their source and id, in the batch's order; gives each
/// one's arrival `seq`, or `None` for a duplicate (of a stored event, or of one before it
/// in the batch).
pub(super) async fn insert_all(
    tx: &Transaction<'_>,
    tenant_pk: i64,
    events: &[NewEvent],
    received_at: Instant,
) -> StoreResult<Vec<Option<i64>>> {
    let texts = |field: fn(&NewEvent) -> &str| -> Vec<&str> { events.iter().map(field).collect() };
    let ats: Vec<i64> = events.iter().map(|it| it.at.as_millis()).collect();
    let rows = prepared::query(tx, "insert into event (tenant_pk, source, event_id, subject_kind, subject_id, type, at, body, received_at)
             select $1, s, e, k, i, t, a, b, $9
             from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[])
             with ordinality as u(s, e, k, i, t, a, b, n) order by n
             on conflict (tenant_pk, source, event_id) do nothing returning seq, source, event_id",
            &[
                &tenant_pk,
                &texts(|it| it.source.as_str()),
                &texts(|it| it.event_id.as_str()),
                &texts(|it| it.subject_kind.as_str()),
                &texts(|it| it.subject_id.as_str()),
                &texts(|it| it.type_name.as_str()),
                &ats,
                &texts(|it| it.body.as_str()),
                &received_at.as_millis(),
            ],
        )
        .await?;
    let mut inserted: HashMap<(String, String), i64> = rows
        .iter()
        .map(|row| ((row.get(1), row.get(2)), row.get(0)))
        .collect();
    // The first of repeated events is the one stored; the rest are duplicates.
    Ok(events
        .iter()
        .map(|it| {
            inserted.remove(&(
                it.source.as_str().to_owned(),
                it.event_id.as_str().to_owned(),
            ))
        })
        .collect())
}

/// Every stored event of each subject, in time order.
pub(super) async fn events_of(
    client: &impl GenericClient,
    tenant_pk: i64,
    subjects: &[&Subject],
) -> StoreResult<HashMap<Subject, Vec<StoredEvent>>> {
    let texts = |field: fn(&Subject) -> &str| -> Vec<&str> {
        subjects.iter().map(|it| field(it)).collect()
    };
    let columns: Vec<String> = EVENT_COLUMNS
        .split(", ")
        .map(|it| format!("e.{it}"))
        .collect();
    let sql = format!(
        "select {} from event e join unnest($2::text[], $3::text[], $4::text[]) s(kind, source, id)
         on e.subject_kind = s.kind and e.source = s.source and e.subject_id = s.id
         where e.tenant_pk = $1 order by e.at, e.seq",
        columns.join(", ")
    );
    let rows = prepared::query(
        client,
        &sql,
        &[
            &tenant_pk,
            &texts(|it| it.kind.as_str()),
            &texts(|it| it.source.as_str()),
            &texts(|it| it.id.as_str()),
        ],
    )
    .await?;
    let mut out: HashMap<Subject, Vec<StoredEvent>> = HashMap::with_capacity(subjects.len());
    for row in &rows {
        let event = read_stored(&mut PgCols::new(row))?;
        out.entry(event.subject()).or_default().push(event);
    }
    Ok(out)
}
