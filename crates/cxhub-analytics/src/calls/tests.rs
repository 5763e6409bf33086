use cxhub_model::call::{CallDetail, CallStatus, Party};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::time::Instant;
use proptest::prelude::*;

use super::*;
use crate::dictionary::{METRICS, MetricValue};

fn party() -> Party {
    Party::default()
}

/// An inbound call with the given outcome; `answered` sets the answer time and an agent.
fn call(status: CallStatus, answered: bool, wait: Option<u32>, talk: Option<u32>) -> Interaction {
    let started = Instant::from_secs(1_800_000_000).unwrap();
    let mut detail = CallDetail::new(party(), party());
    detail.wait_secs = wait;
    detail.talk_secs = talk;
    if answered {
        detail.answered_at = Some(started.plus_secs(i64::from(wait.unwrap_or(0))));
    }
    let mut it = Interaction::new(
        Key::parse("pbx").unwrap(),
        Key::parse("c-1").unwrap(),
        Channel::Voice,
        Direction::Inbound,
        InteractionStatus::Call(status),
        started,
    );
    it.call = Some(detail);
    if answered {
        it.agent_id = Some(Key::parse("ann").unwrap());
    }
    it
}

fn value(totals: &CallTotals, name: &str) -> MetricValue {
    totals
        .metrics()
        .into_iter()
        .find(|(it, _)| *it == name)
        .map(|(_, value)| value)
        .unwrap()
}

const RULES: QueueRules = QueueRules {
    sla_answer_secs: Some(20),
    short_abandon_secs: Some(5),
};

#[test]
fn outcomes_follow_the_definitions() {
    let answered = CallTotals::of(&call(CallStatus::Ended, true, Some(12), Some(100)), RULES);
    assert_eq!(
        (answered.offered, answered.answered, answered.answered_in_sl),
        (1, 1, 1)
    );
    assert_eq!(answered.self_service, 0);
    let late = CallTotals::of(&call(CallStatus::Ended, true, Some(21), None), RULES);
    assert_eq!(late.answered_in_sl, 0);
    let ivr = CallTotals::of(&call(CallStatus::Ended, false, None, None), RULES);
    assert_eq!((ivr.self_service, ivr.answered), (1, 0));
    let short = CallTotals::of(&call(CallStatus::Abandoned, false, Some(4), None), RULES);
    assert_eq!((short.abandoned, short.short_abandoned), (1, 1));
    let long = CallTotals::of(&call(CallStatus::Abandoned, false, Some(5), None), RULES);
    assert_eq!((long.abandoned, long.short_abandoned), (1, 0));
    // Without a threshold no abandon is short, and only a zero wait is in the service level.
    let none = QueueRules::default();
    assert_eq!(
        CallTotals::of(&call(CallStatus::Abandoned, false, Some(1), None), none).short_abandoned,
        0
    );
    assert_eq!(
        CallTotals::of(&call(CallStatus::Ended, true, None, None), none).answered_in_sl,
        1
    );
    assert_eq!(
        CallTotals::of(&call(CallStatus::Ended, true, Some(1), None), none).answered_in_sl,
        0
    );

    let mut outbound = call(CallStatus::Ended, true, None, Some(30));
    outbound.direction = Direction::Outbound;
    let totals = CallTotals::of(&outbound, RULES);
    assert_eq!(
        (
            totals.offered,
            totals.outbound_attempted,
            totals.outbound_connected
        ),
        (0, 1, 1)
    );
    let mut chat = call(CallStatus::Ended, true, None, None);
    chat.channel = Channel::Chat;
    assert_eq!(CallTotals::of(&chat, RULES), CallTotals::default());
}

#[test]
fn metrics_divide_as_documented_and_are_null_without_a_divisor() {
    let mut totals = CallTotals::default();
    for it in [
        call(CallStatus::Ended, true, Some(10), Some(100)),
        call(CallStatus::Ended, true, Some(30), Some(200)),
        call(CallStatus::Abandoned, false, Some(2), None),
        call(CallStatus::Abandoned, false, Some(60), None),
    ] {
        totals.add(&CallTotals::of(&it, RULES));
    }
    // 1 in SL of (2 answered + 2 abandoned - 1 short).
    assert_eq!(
        value(&totals, "service_level_pct"),
        MetricValue::Ratio(Some(100.0 / 3.0))
    );
    // (2 abandoned - 1 short) / (4 offered - 1 short).
    assert_eq!(
        value(&totals, "abandon_rate_pct"),
        MetricValue::Ratio(Some(100.0 / 3.0))
    );
    assert_eq!(value(&totals, "asa_secs"), MetricValue::Ratio(Some(20.0)));
    assert_eq!(value(&totals, "aht_secs"), MetricValue::Ratio(Some(150.0)));
    assert_eq!(
        value(&totals, "max_wait_secs"),
        MetricValue::Whole(Some(60))
    );
    // 30 s lies above the exact range: its bin answers within 5% of it.
    let p90 = u64::from(Histogram::representative(Histogram::bin_of(30)));
    assert!(p90.abs_diff(30) <= 1);
    assert_eq!(
        value(&totals, "wait_p90_secs"),
        MetricValue::Whole(Some(p90))
    );
    let empty = CallTotals::default();
    assert_eq!(value(&empty, "service_level_pct"), MetricValue::Ratio(None));
    assert_eq!(value(&empty, "asa_secs"), MetricValue::Ratio(None));
    assert_eq!(value(&empty, "max_wait_secs"), MetricValue::Whole(None));
    assert_eq!(value(&empty, "offered"), MetricValue::Count(0));
}

#[test]
fn the_dictionary_names_every_metric_once() {
    let calls: Vec<&str> = CallTotals::default()
        .metrics()
        .iter()
        .map(|(it, _)| *it)
        .collect();
    let listed: Vec<&str> = METRICS
        .iter()
        .filter(|it| it.report == "calls")
        .map(|it| it.name)
        .collect();
    assert_eq!(calls, listed);
    let conversations: Vec<&str> = crate::ConversationTotals::default()
        .metrics()
        .iter()
        .map(|(it, _)| *it)
        .collect();
    let listed: Vec<&str> = METRICS
        .iter()
        .filter(|it| it.report == "interactions")
        .map(|it| it.name)
        .collect();
    assert_eq!(conversations, listed);
}

fn any_call() -> impl Strategy<Value = Interaction> {
    (
        proptest::sample::select(vec![
            CallStatus::Ended,
            CallStatus::Abandoned,
            CallStatus::NotAnswered,
        ]),
        any::<bool>(),
        proptest::option::of(0_u32..600),
        proptest::option::of(0_u32..3600),
        proptest::sample::select(vec![
            Direction::Inbound,
            Direction::Outbound,
            Direction::Internal,
        ]),
    )
        .prop_map(|(status, answered, wait, talk, direction)| {
            let mut it = call(status, answered, wait, talk);
            it.direction = direction;
            it
        })
}

proptest! {
    /// Taking every call back out of the totals, in any order, leaves nothing but the
    /// longest wait, which `subtract` says is stale.
    #[test]
    fn subtracting_every_call_leaves_nothing(calls in proptest::collection::vec(any_call(), 0..40)) {
        let parts: Vec<CallTotals> = calls.iter().map(|it| CallTotals::of(it, RULES)).collect();
        let mut totals = CallTotals::default();
        parts.iter().for_each(|it| totals.add(it));
        let mut stale = false;
        for part in parts.iter().rev() {
            stale |= totals.subtract(part);
        }
        let max = totals.max_wait_secs.take();
        prop_assert_eq!(totals, CallTotals::default());
        prop_assert_eq!(max.is_some(), stale);
    }
}
