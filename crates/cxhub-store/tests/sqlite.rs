//! The SQLite store on a real database file.

use cxhub_model::call::{CallDetail, CallStatus, Party};
use cxhub_model::directory::{Contact, Tag};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::{Instant, Zone};
use cxhub_store::query::{InteractionFilter, PageRequest};
use cxhub_store::{
    DirectoryBatch, DirectoryKeys, NewTenant, Outcome, Store, StoreError, TenantScope,
};
use proptest::prelude::*;

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("cxhub.db").to_str().unwrap())
        .await
        .unwrap()
}

async fn tenant(store: &Store, id: &str) -> TenantScope {
    let key = Key::parse(id).unwrap();
    store
        .create_tenant(NewTenant {
            id: key.clone(),
            name: id.to_owned(),
            timezone: Zone::utc(),
        })
        .await
        .unwrap();
    store.tenant(&key).await.unwrap().unwrap().0
}

fn call(
    external_id: &str,
    started_secs: i64,
    direction: Direction,
    status: CallStatus,
    agent: Option<&str>,
) -> Interaction {
    let caller = Party {
        number: Some("+6590000000".to_owned()),
        ..Party::default()
    };
    let started_at = Instant::from_secs(1_790_000_000 + started_secs).unwrap();
    let source = Key::parse("pbx").unwrap();
    let status = InteractionStatus::Call(status);
    Interaction {
        version: 1,
        agent_id: agent.map(|it| Key::parse(it).unwrap()),
        labels: vec!["vip".to_owned()],
        call: Some(CallDetail::new(caller, Party::default())),
        ..Interaction::new(
            source,
            Key::parse(external_id).unwrap(),
            Channel::Voice,
            direction,
            status,
            started_at,
        )
    }
}

#[tokio::test]
async fn records_survive_a_reopen_and_migrations_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let scope = tenant(&store, "acme").await;
    let results = store
        .upsert_interactions(
            &scope,
            vec![call("a", 0, Direction::Inbound, CallStatus::Ended, None)],
        )
        .await
        .unwrap();
    assert_eq!(results[0].outcome, Outcome::Created);
    drop(store);

    let store = open(&dir).await;
    let got = store
        .interaction(&scope, results[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.labels, ["vip"]);
    assert_eq!(
        got.call.unwrap().caller.number.as_deref(),
        Some("+6590000000")
    );
    drop(store);

    let conn = rusqlite::Connection::open(dir.path().join("cxhub.db")).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(
        (version, mode.as_str()),
        (10, "wal"),
        "every migration, once"
    );
}

#[tokio::test]
async fn verify_finds_a_rollup_that_differs_from_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let scope = tenant(&store, "acme").await;
    let mut answered = call("a", 0, Direction::Inbound, CallStatus::Ended, Some("ann"));
    answered.call.as_mut().unwrap().answered_at = Some(answered.started_at.plus_secs(12));
    answered.call.as_mut().unwrap().wait_secs = Some(12);
    let batch = vec![
        answered,
        call("b", 60, Direction::Inbound, CallStatus::Abandoned, None),
    ];
    store.upsert_interactions(&scope, batch).await.unwrap();
    let found = store.verify_rollups(&scope).await.unwrap();
    assert_eq!(
        (found.records, found.differences.len()),
        (2, 0),
        "{found:?}"
    );

    let conn = rusqlite::Connection::open(dir.path().join("cxhub.db")).unwrap();
    conn.execute(
        "update rollup set answered = answered + 1 where level = 1 and agent = 'ann'",
        [],
    )
    .unwrap();
    conn.execute("update rollup_wait set n = n + 1 where level = 0", [])
        .unwrap();
    let found = store.verify_rollups(&scope).await.unwrap();
    assert_eq!(found.differences.len(), 2, "{found:?}");
    assert!(found.differences[0].starts_with("level 0"), "{found:?}");
    assert!(found.differences[1].starts_with("level 1"), "{found:?}");

    // Agent time: an interval's rollup rows edited by hand are found too.
    let change = PresenceChange {
        id: None,
        source: Key::parse("pbx").unwrap(),
        external_id: Key::parse("p1").unwrap(),
        version: 1,
        user_id: Key::parse("ann").unwrap(),
        previous_status: None,
        new_status: Key::parse("available").unwrap(),
        reason: None,
        at: Instant::from_secs(1_790_000_200).unwrap(),
        ended_at: Some(Instant::from_secs(1_790_002_000).unwrap()),
    };
    store.upsert_presence(&scope, vec![change]).await.unwrap();
    conn.execute(
        "update rollup set answered = answered - 1 where level = 1 and agent = 'ann'",
        [],
    )
    .unwrap();
    conn.execute("update rollup_wait set n = n - 1 where level = 0", [])
        .unwrap();
    let found = store.verify_rollups(&scope).await.unwrap();
    assert_eq!(found.differences, Vec::<String>::new());
    conn.execute("delete from presence_rollup where millis = 900000", [])
        .unwrap();
    let found = store.verify_rollups(&scope).await.unwrap();
    assert_eq!(found.differences.len(), 1, "{found:?}");
    assert!(found.differences[0].starts_with("presence"), "{found:?}");

    // A kept span (a day's bucket, summed when first asked for) edited by hand.
    let day = cxhub_store::analytics::ReportQuery {
        report: cxhub_store::analytics::Report::Calls,
        from: Instant::from_secs(1_789_948_800).unwrap(),
        to: Instant::from_secs(1_790_035_200).unwrap(),
        zone: Zone::utc(),
        granularity: None,
        group_by: Vec::new(),
        queues: Vec::new(),
        agents: Vec::new(),
        channels: Vec::new(),
        directions: Vec::new(),
        hours: cxhub_analytics::Hours::All,
    };
    let first = store.report(&scope, day.clone()).await.unwrap();
    assert_eq!(store.report(&scope, day).await.unwrap(), first);
    conn.execute("update rollup_span_row set abandoned = abandoned + 1", [])
        .unwrap();
    let found = store.verify_rollups(&scope).await.unwrap();
    assert!(
        found
            .differences
            .iter()
            .any(|it| it.starts_with("span level 0")),
        "{found:?}"
    );
}

#[tokio::test]
async fn the_wait_bins_of_the_schema_are_the_histogram_s() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(&dir).await);
    let conn = rusqlite::Connection::open(dir.path().join("cxhub.db")).unwrap();
    let mut stmt = conn
        .prepare("select bin, lo from wait_bin order by bin")
        .unwrap();
    let bins: Vec<(i64, i64)> = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(bins.len(), 223);
    for (bin, lo) in bins {
        let Ok(lo) = u32::try_from(lo) else {
            // Beyond any wait a u32 holds: the last edge.
            continue;
        };
        assert_eq!(
            i64::from(cxhub_analytics::Histogram::bin_of(lo)),
            bin,
            "{lo}"
        );
        if lo > 0 {
            assert_eq!(
                i64::from(cxhub_analytics::Histogram::bin_of(lo - 1)),
                bin - 1,
                "{lo}"
            );
        }
    }
}

#[tokio::test]
async fn a_failed_job_does_not_undo_the_jobs_committed_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let scope = tenant(&store, "acme").await;
    let mut tasks = Vec::new();
    for idx in 0..40 {
        let store = store.clone();
        let scope = scope.clone();
        tasks.push(tokio::spawn(async move {
            let mut record = call(
                &format!("c{idx}"),
                idx,
                Direction::Inbound,
                CallStatus::Ended,
                None,
            );
            if idx % 4 == 0 {
                // Ends before it starts: the store refuses the whole batch.
                record.ended_at = Some(record.started_at.plus_secs(-10));
            }
            store.upsert_interactions(&scope, vec![record]).await
        }));
    }
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(results) => assert_eq!(results[0].outcome, Outcome::Created),
            Err(StoreError::Invalid(err)) => {
                assert_eq!(err.field, "[0].ended_at");
                refused += 1;
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    }
    let page = store
        .list_interactions(
            &scope,
            InteractionFilter::default(),
            PageRequest::after(None, 500),
        )
        .await
        .unwrap();
    assert_eq!((refused, page.items.len()), (10, 30));
}

#[tokio::test]
async fn duplicates_and_stale_versions_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let scope = tenant(&store, "acme").await;
    let mut first = call("a", 0, Direction::Inbound, CallStatus::Ended, None);
    first.version = 5;
    let id = store
        .upsert_interactions(&scope, vec![first.clone()])
        .await
        .unwrap()[0]
        .id;
    let mut older = first.clone();
    older.version = 4;
    older.disposition = Some("older".to_owned());
    let outcomes: Vec<Outcome> = store
        .upsert_interactions(&scope, vec![first.clone(), older])
        .await
        .unwrap()
        .iter()
        .map(|it| it.outcome)
        .collect();
    assert_eq!(outcomes, [Outcome::Duplicate, Outcome::Stale]);
    assert_eq!(
        store
            .interaction(&scope, id)
            .await
            .unwrap()
            .unwrap()
            .disposition,
        None
    );
}

/// A model of one list query: what the full ordered result should be.
fn expected(
    records: &[(i64, Direction, CallStatus, Option<&str>)],
    filter: &InteractionFilter,
) -> Vec<String> {
    let mut rows: Vec<(i64, usize)> = records
        .iter()
        .enumerate()
        .filter(|(_, (_, direction, status, agent))| {
            (filter.directions.is_empty() || filter.directions.contains(direction))
                && (filter.statuses.is_empty()
                    || filter.statuses.contains(&InteractionStatus::Call(*status)))
                && filter
                    .agent_id
                    .as_ref()
                    .is_none_or(|it| Some(it.as_str()) == *agent)
        })
        .filter(|(_, (secs, ..))| {
            let at = Instant::from_secs(1_790_000_000 + secs).unwrap();
            filter.from.is_none_or(|from| at >= from) && filter.to.is_none_or(|to| at < to)
        })
        .map(|(idx, (secs, ..))| (*secs, idx))
        .collect();
    // Newest first; records with the same start come in reverse insertion (id) order.
    rows.sort_by(|a, b| b.cmp(a));
    rows.into_iter().map(|(_, idx)| format!("r{idx}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// For random records and filters, the keyset pages concatenated are the full ordered
    /// result: nothing missing, nothing twice.
    #[test]
    fn pages_concatenate_to_the_full_result(
        records in proptest::collection::vec((0i64..50, 0usize..3, 0usize..3, 0usize..3), 0..120),
        direction in proptest::option::of(0usize..3),
        status in proptest::option::of(0usize..3),
        agent in proptest::option::of(0usize..3),
        window in proptest::option::of((0i64..50, 1i64..30)),
        limit in 1usize..17,
    ) {
        let directions = [Direction::Inbound, Direction::Outbound, Direction::Internal];
        let statuses = [CallStatus::Ended, CallStatus::Busy, CallStatus::Abandoned];
        let agents = [Some("u-1"), Some("u-2"), None];
        let records: Vec<(i64, Direction, CallStatus, Option<&str>)> =
            records.iter().map(|(secs, d, s, a)| (*secs, directions[*d], statuses[*s], agents[*a])).collect();
        let filter = InteractionFilter {
            directions: direction.map(|it| vec![directions[it]]).unwrap_or_default(),
            statuses: status.map(|it| vec![InteractionStatus::Call(statuses[it])]).unwrap_or_default(),
            agent_id: agent.and_then(|it| agents[it]).map(|it| Key::parse(it).unwrap()),
            from: window.map(|(from, _)| Instant::from_secs(1_790_000_000 + from).unwrap()),
            to: window.map(|(from, len)| Instant::from_secs(1_790_000_000 + from + len).unwrap()),
            ..InteractionFilter::default()
        };
        let want = expected(&records, &filter);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let got = runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = open(&dir).await;
            let scope = tenant(&store, "acme").await;
            let batch = records.iter().enumerate().map(|(idx, (secs, d, s, a))| call(&format!("r{idx}"), *secs, *d, *s, *a)).collect();
            store.upsert_interactions(&scope, batch).await.unwrap();
            let mut got = Vec::new();
            let mut after = None;
            loop {
                let page = store.list_interactions(&scope, filter.clone(), PageRequest::after(after, limit)).await.unwrap();
                prop_assert!(page.items.len() <= limit);
                got.extend(page.items.iter().map(|it| it.external_id.as_str().to_owned()));
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            let count = store.count_interactions(&scope, filter.clone()).await.unwrap();
            let mut by_offset = Vec::new();
            loop {
                let request = PageRequest::offset(by_offset.len(), limit);
                let page = store.list_interactions(&scope, filter.clone(), request).await.unwrap();
                if page.items.is_empty() {
                    break;
                }
                by_offset.extend(page.items.iter().map(|it| it.external_id.as_str().to_owned()));
            }
            let mut ascending = Vec::new();
            let mut after = None;
            loop {
                let request = PageRequest { after, offset: 0, limit, ascending: true };
                let page = store.list_interactions(&scope, filter.clone(), request).await.unwrap();
                ascending.extend(page.items.iter().map(|it| it.external_id.as_str().to_owned()));
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            ascending.reverse();
            // Offset pages asked for out of order (bookmarks from earlier pages in play)
            // give the same rows as the walk in order.
            let mut jumbled = Vec::new();
            for start in (0..by_offset.len()).step_by(limit).rev() {
                let page = store.list_interactions(&scope, filter.clone(), PageRequest::offset(start, limit)).await.unwrap();
                let ids: Vec<String> = page.items.iter().map(|it| it.external_id.as_str().to_owned()).collect();
                prop_assert_eq!(&ids[..], &by_offset[start..(start + limit).min(by_offset.len())]);
                jumbled.extend(ids);
            }
            prop_assert_eq!(jumbled.len(), by_offset.len());
            // A write makes the cached count and bookmarks stale: the answers follow it.
            store.upsert_interactions(&scope, vec![call("newest", 49, Direction::Inbound, CallStatus::Ended, None)]).await.unwrap();
            let grown = store.count_interactions(&scope, InteractionFilter::default()).await.unwrap();
            prop_assert_eq!(grown as usize, records.len() + 1);
            let first = store.list_interactions(&scope, InteractionFilter::default(), PageRequest::offset(0, 1)).await.unwrap();
            let newest_first = records.iter().all(|(secs, ..)| *secs <= 49);
            if newest_first && records.iter().all(|(secs, ..)| *secs < 49) {
                prop_assert_eq!(first.items[0].external_id.as_str(), "newest");
            }
            Ok((got, count, by_offset, ascending))
        })?;
        let (got, count, by_offset, ascending) = got;
        prop_assert_eq!(&ascending, &want);
        prop_assert_eq!(count as usize, want.len());
        prop_assert_eq!(&by_offset, &want);
        prop_assert_eq!(got, want);
    }
}

fn contact(id: &str, name: &str, tags: &[&str]) -> Contact {
    let mut contact = Contact::stub(Key::parse(id).unwrap());
    contact.name = Some(name.to_owned());
    contact.tags = tags.iter().map(|it| Key::parse(it).unwrap()).collect();
    contact
}

/// The contacts' names that a lookup of `ids` returns, in id order, and the tags it found.
async fn looked_up(store: &Store, scope: &TenantScope, ids: &[&str]) -> (Vec<String>, Vec<String>) {
    let found = store
        .lookup(
            scope,
            DirectoryKeys {
                contacts: ids.iter().map(|it| Key::parse(it).unwrap()).collect(),
                contact_tags: true,
                ..DirectoryKeys::default()
            },
        )
        .await
        .unwrap();
    let mut names: Vec<String> = found
        .contacts
        .values()
        .map(|it| format!("{}={}", it.id, it.name.as_deref().unwrap_or("-")))
        .collect();
    names.sort();
    let mut tags: Vec<String> = found.tags.values().map(|it| it.name.clone()).collect();
    tags.sort();
    (names, tags)
}

#[tokio::test]
async fn directory_lookups_see_every_change_whoever_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let scope = tenant(&store, "acme").await;
    let vip = Tag {
        id: Key::parse("vip").unwrap(),
        name: "VIP".to_owned(),
        position: 1,
        created_at: None,
        updated_at: None,
    };
    let batch = DirectoryBatch {
        contacts: vec![contact("c-1", "Mai", &["vip"])],
        tags: vec![vip],
        ..DirectoryBatch::default()
    };
    store.upsert_directory(&scope, batch).await.unwrap();
    let first = looked_up(&store, &scope, &["c-1", "c-2"]).await;
    assert_eq!(first, (vec!["c-1=Mai".to_owned()], vec!["VIP".to_owned()]));
    // Asked again, the answer comes from the cache, and is the same.
    assert_eq!(looked_up(&store, &scope, &["c-1", "c-2"]).await, first);

    // An upsert through the store: a changed entry and one that was missing.
    let batch = DirectoryBatch {
        contacts: vec![contact("c-1", "Mai Tran", &[]), contact("c-2", "Lan", &[])],
        ..DirectoryBatch::default()
    };
    store.upsert_directory(&scope, batch).await.unwrap();
    assert_eq!(
        looked_up(&store, &scope, &["c-1", "c-2"]).await,
        (
            vec!["c-1=Mai Tran".to_owned(), "c-2=Lan".to_owned()],
            vec![]
        )
    );

    // A second store on the same file (another `cxhub` process).
    let other = open(&dir).await;
    let batch = DirectoryBatch {
        contacts: vec![contact("c-2", "Lan Pham", &[])],
        ..DirectoryBatch::default()
    };
    other.upsert_directory(&scope, batch).await.unwrap();
    assert_eq!(
        looked_up(&store, &scope, &["c-1", "c-2"]).await.0,
        ["c-1=Mai Tran", "c-2=Lan Pham"]
    );

    // Plain SQL, as no cxhub write path does: the triggers still raise the generation.
    let conn = rusqlite::Connection::open(dir.path().join("cxhub.db")).unwrap();
    conn.execute(
        "delete from contact where tenant_pk = ?1 and id = 'c-1'",
        [scope.pk],
    )
    .unwrap();
    conn.execute(
        "insert into contact (tenant_pk, id, name) values (?1, 'c-3', 'Hoa')",
        [scope.pk],
    )
    .unwrap();
    assert_eq!(
        looked_up(&store, &scope, &["c-1", "c-2", "c-3"]).await.0,
        ["c-2=Lan Pham", "c-3=Hoa"]
    );

    // Another tenant's lookups neither see nor disturb these.
    let globex = tenant(&store, "globex").await;
    assert_eq!(
        looked_up(&store, &globex, &["c-2"]).await.0,
        Vec::<String>::new()
    );
    assert_eq!(
        looked_up(&store, &scope, &["c-2"]).await.0,
        ["c-2=Lan Pham"]
    );
}
