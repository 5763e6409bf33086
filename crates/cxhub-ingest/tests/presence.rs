//! The presence fold: a user's status changes → intervals.
//!
//! Each rule of docs/metrics.md ("Presence intervals") names the test here that checks it.

use cxhub_ingest::presence::{PresenceEvent, canonical, fold_presence};
use cxhub_model::ids::Key;
use cxhub_model::presence::PresenceChange;
use cxhub_model::time::Instant;
use proptest::prelude::*;

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

/// Seconds after 2026-11-20T08:00:00Z.
fn at(secs: i64) -> Instant {
    Instant::parse_rfc3339("2026-11-20T08:00:00Z")
        .unwrap()
        .plus_secs(secs)
}

fn change(id: &str, secs: i64, status: &str) -> PresenceEvent {
    PresenceEvent {
        id: key(id),
        at: at(secs),
        status: key(status),
        previous_status: None,
        reason: None,
    }
}

fn fold(events: &[PresenceEvent]) -> Vec<PresenceChange> {
    fold_presence(&key("events"), &key("u-3"), events)
}

/// Each change as (event id, previous status, new status, start, end).
type Interval = (String, Option<String>, String, Instant, Option<Instant>);

fn intervals(changes: &[PresenceChange]) -> Vec<Interval> {
    changes
        .iter()
        .map(|it| {
            (
                it.external_id.as_str().to_owned(),
                it.previous_status.as_ref().map(|it| it.as_str().to_owned()),
                it.new_status.as_str().to_owned(),
                it.at,
                it.ended_at,
            )
        })
        .collect()
}

fn interval(
    id: &str,
    previous: Option<&str>,
    status: &str,
    start: i64,
    end: Option<i64>,
) -> Interval {
    (
        id.to_owned(),
        previous.map(str::to_owned),
        status.to_owned(),
        at(start),
        end.map(at),
    )
}

#[test]
fn each_change_is_an_interval_that_ends_at_the_next_change() {
    // Sent out of order, as in the example of a late change.
    let changes = fold(&[
        change("p3", 7200, "available"),
        change("p1", 0, "available"),
        change("p2", 5400, "lunch"),
    ]);
    assert_eq!(
        intervals(&changes),
        [
            interval("p1", None, "available", 0, Some(5400)),
            interval("p2", Some("available"), "lunch", 5400, Some(7200)),
            interval("p3", Some("lunch"), "available", 7200, None),
        ]
    );
    assert_eq!(
        changes
            .iter()
            .map(PresenceChange::duration_secs)
            .collect::<Vec<_>>(),
        [Some(5400), Some(1800), None]
    );
    for it in &changes {
        assert_eq!(
            (it.source.as_str(), it.user_id.as_str(), it.id, it.version),
            ("events", "u-3", None, 0),
            "the store assigns ids and versions"
        );
    }
}

#[test]
fn the_reason_is_the_changes_own() {
    let mut lunch = change("p2", 60, "lunch");
    lunch.reason = Some("team lunch".to_owned());
    let changes = fold(&[change("p1", 0, "available"), lunch]);
    assert_eq!(
        changes
            .iter()
            .map(|it| it.reason.as_deref())
            .collect::<Vec<_>>(),
        [None, Some("team lunch")]
    );
}

#[test]
fn the_previous_status_is_the_events_own_else_the_prior_changes() {
    let mut given = change("p2", 60, "lunch");
    given.previous_status = Some(key("meeting"));
    let changes = fold(&[
        change("p1", 0, "available"),
        given,
        change("p3", 120, "away"),
    ]);
    assert_eq!(
        intervals(&changes),
        [
            // The user's first change knows no previous status unless it says one.
            interval("p1", None, "available", 0, Some(60)),
            // Given by the event: kept, even where it disagrees with the prior change.
            interval("p2", Some("meeting"), "lunch", 60, Some(120)),
            // Not given: the status of the change before.
            interval("p3", Some("lunch"), "away", 120, None),
        ]
    );
    let mut first = change("p0", 0, "available");
    first.previous_status = Some(key("offline"));
    assert_eq!(
        intervals(&fold(&[first])),
        [interval("p0", Some("offline"), "available", 0, None)]
    );
}

#[test]
fn a_repeated_event_id_counts_once() {
    let changes = fold(&[
        change("p1", 0, "available"),
        change("p2", 60, "lunch"),
        change("p1", 0, "available"),
        change("p2", 60, "lunch"),
    ]);
    assert_eq!(
        intervals(&changes),
        [
            interval("p1", None, "available", 0, Some(60)),
            interval("p2", Some("available"), "lunch", 60, None),
        ]
    );
    // A copy of an id at another instant: the earliest is kept, whatever the order.
    let moved = [change("p2", 30, "lunch"), change("p2", 90, "away")];
    for events in [
        vec![
            change("p1", 0, "available"),
            moved[0].clone(),
            moved[1].clone(),
        ],
        vec![
            moved[1].clone(),
            change("p1", 0, "available"),
            moved[0].clone(),
        ],
    ] {
        assert_eq!(
            intervals(&fold(&events)),
            [
                interval("p1", None, "available", 0, Some(30)),
                interval("p2", Some("available"), "lunch", 30, None),
            ]
        );
    }
}

#[test]
fn conflicting_copies_of_one_id_at_one_instant_fold_alike_in_any_order() {
    // The store never passes two events with one id (it keeps the first), but the fold's
    // own promise is order independence, and the call and conversation folds keep it by
    // breaking ties on the content too.
    let a = change("p1", 0, "available");
    let b = change("p1", 0, "lunch");
    assert_eq!(fold(&[a.clone(), b.clone()]), fold(&[b, a]));
}

#[test]
fn changes_at_one_instant_are_ordered_by_id() {
    let changes = fold(&[
        change("b", 60, "lunch"),
        change("a", 60, "away"),
        change("0", 0, "available"),
    ]);
    assert_eq!(
        intervals(&changes),
        [
            interval("0", None, "available", 0, Some(60)),
            // Ended at once by the next change: an interval of zero seconds.
            interval("a", Some("available"), "away", 60, Some(60)),
            interval("b", Some("away"), "lunch", 60, None),
        ]
    );
    assert_eq!(changes[1].duration_secs(), Some(0));
    let ids: Vec<String> = canonical(&[change("b", 60, "x"), change("a", 60, "x")])
        .into_iter()
        .map(|it| it.id.into_string())
        .collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn no_event_no_change() {
    assert_eq!(fold(&[]), []);
}

#[test]
fn a_window_with_one_event_of_context_on_each_side_folds_like_the_whole_history() {
    // What the store does when p4 arrives late: it refolds p3..p5 (p3's end moves to
    // p4, p5's previous status becomes p4's), reading p2 and p6 as context.
    let history = [
        change("p1", 0, "available"),
        change("p2", 60, "lunch"),
        change("p3", 120, "available"),
        change("p4", 150, "meeting"),
        change("p5", 180, "away"),
        change("p6", 240, "available"),
        change("p7", 300, "offline"),
    ];
    let whole = fold(&history);
    let window = fold(&history[1..6]);
    assert_eq!(window[1..4], whole[2..5]);
    // The context itself is incomplete: it lacks its own neighbours.
    assert_ne!(window[0], whole[1]);
    assert_ne!(window[4], whole[5]);
}

/// Up to 8 changes of one user: unique ids, instants from a small range (so some share
/// one), statuses from a few, and sometimes a given previous status.
fn any_history() -> impl Strategy<Value = Vec<PresenceEvent>> {
    let statuses = ["available", "away", "lunch", "meeting", "offline"];
    proptest::collection::vec(
        (
            0i64..6,
            proptest::sample::select(statuses.to_vec()),
            proptest::option::of(proptest::sample::select(statuses.to_vec())),
            proptest::option::of("[a-z ]{0,8}"),
        ),
        0..8,
    )
    .prop_map(|items| {
        items
            .into_iter()
            .enumerate()
            .map(|(idx, (minutes, status, previous, reason))| PresenceEvent {
                // Ids that do not sort like the instants.
                id: key(&format!("p{}", (idx * 7) % 11)),
                at: at(minutes * 60),
                status: key(status),
                previous_status: previous.map(key),
                reason,
            })
            .collect()
    })
}

proptest! {
    /// Any order and any number of copies of a user's changes give the same intervals.
    #[test]
    fn permutations_and_duplicates_fold_alike(
        history in any_history(),
        order in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle(),
        copies in proptest::collection::vec(0..8usize, 0..8),
    ) {
        let ordered = fold(&history);
        let n = history.len();
        let mut shuffled: Vec<PresenceEvent> = order
            .iter()
            .filter(|idx| **idx < n)
            .map(|idx| history[*idx].clone())
            .collect();
        shuffled.extend(copies.iter().filter(|idx| **idx < n).map(|idx| history[*idx].clone()));
        prop_assert_eq!(fold(&shuffled), ordered);
    }

    /// The intervals tile the user's time: in (at, id) order, each ends where the next
    /// begins, the last is open, and a change without its own previous status left the
    /// status of the change before it.
    #[test]
    fn each_interval_ends_where_the_next_begins(history in any_history()) {
        let changes = fold(&history);
        prop_assert_eq!(changes.len(), history.len());
        for pair in changes.windows(2) {
            prop_assert!((pair[0].at, &pair[0].external_id) < (pair[1].at, &pair[1].external_id));
            prop_assert_eq!(pair[0].ended_at, Some(pair[1].at));
        }
        if let Some(last) = changes.last() {
            prop_assert_eq!(last.ended_at, None);
        }
        for (idx, it) in changes.iter().enumerate() {
            let event = history.iter().find(|e| e.id == it.external_id).unwrap();
            let expected = match (&event.previous_status, idx) {
                (Some(given), _) => Some(given.clone()),
                (None, 0) => None,
                (None, _) => Some(changes[idx - 1].new_status.clone()),
            };
            prop_assert_eq!(&it.previous_status, &expected);
            prop_assert_eq!(&it.new_status, &event.status);
            prop_assert_eq!(&it.reason, &event.reason);
        }
    }

    /// Folding a run of consecutive changes with one change of context on each side gives
    /// the changes inside the run exactly as the whole history does: what the store
    /// relies on to refold only the neighbourhood of late changes.
    #[test]
    fn a_window_with_context_folds_like_the_whole_history(
        history in any_history(),
        lo in 0usize..8,
        len in 0usize..8,
    ) {
        let whole = fold(&history);
        let n = whole.len();
        prop_assume!(n > 0);
        let lo = lo % n;
        let hi = (lo + len).min(n - 1);
        let window: Vec<PresenceEvent> = canonical(&history)[lo.saturating_sub(1)..=(hi + 1).min(n - 1)].to_vec();
        let folded = fold(&window);
        let offset = usize::from(lo > 0);
        prop_assert_eq!(&folded[offset..offset + (hi - lo + 1)], &whole[lo..=hi]);
    }
}
