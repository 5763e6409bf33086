//! The simulator's events fold back into its records: the sim's own outcomes and
//! metrics are what cxhub's folds derive from the events it emits.

use cxhub_ingest::call::{CallTargets, FoldConfig, call_sla, fold_call};
use cxhub_ingest::conversation::{SlaTargets, fold_conversation};
use cxhub_ingest::event::{self, Event};
use cxhub_ingest::presence::fold_presence;
use cxhub_model::ids::Key;
use cxhub_model::interaction::Interaction;
use cxhub_model::time::Zone;
use cxhub_sim::events::{interaction_events, presence_events};
use cxhub_sim::{SimConfig, directory, simulate_day};

fn config() -> SimConfig {
    let mut config = SimConfig::new(
        "2026-11-16".parse().unwrap(),
        Zone::parse("Asia/Ho_Chi_Minh").unwrap(),
    );
    config.calls_per_day = 1500;
    config
}

fn parse(values: &[serde_json::Value]) -> Vec<Event> {
    values
        .iter()
        .map(|value| event::parse(value).unwrap_or_else(|err| panic!("{value}: {err:?}")))
        .collect()
}

/// The fields a fold derives, for comparing a folded record with the simulated one.
fn derived(it: &Interaction) -> String {
    let call = it.call.as_ref().map(|call| {
        let legs: Vec<_> = call
            .legs
            .iter()
            .map(|leg| {
                (
                    leg.status,
                    leg.ring_secs,
                    leg.target_number.clone(),
                    leg.agent_id.clone(),
                )
            })
            .collect();
        format!(
            "status-detail: release {:?} abandon {:?} answered {:?} queued {:?} wait {:?} talk {:?} holds {} transfers {} legs {legs:?} caller {:?} callee {:?}",
            call.release_party,
            call.abandon_stage,
            call.answered_at,
            call.queued_at,
            call.wait_secs,
            call.talk_secs,
            call.hold_count,
            call.transfer_count,
            (&call.caller.number, &call.caller.staff_id),
            (&call.callee.number, &call.callee.staff_id),
        )
    });
    format!(
        "{} {} status {} agent {:?} first {:?} closed-by {:?} ended {:?} closed {:?} frt {:?} replied {:?} handled {:?} full {:?} wrap {:?} hold {:?} resolution {:?} full-resolution {:?} sla {:?} messages {} {call:?}",
        it.external_id,
        it.channel,
        it.status.as_str(),
        it.agent_id,
        it.first_assignee_id,
        it.closed_assignee_id,
        it.ended_at,
        it.closed_at,
        it.first_response_secs,
        it.first_replied_secs,
        it.handled_secs,
        it.full_handled_secs,
        it.wrap_up_secs,
        it.hold_secs,
        it.resolution_secs,
        it.full_resolution_secs,
        it.sla_status,
        it.messages.len(),
    )
}

/// The simulated record as far as events can tell it: an email waiting on the customer
/// is `pending` in the simulation; no event says so, and folded it is open.
fn expressible(record: &Interaction) -> Interaction {
    use cxhub_model::interaction::{ConversationStatus, InteractionStatus};
    let mut record = record.clone();
    if record.status == InteractionStatus::Conversation(ConversationStatus::Pending) {
        record.status = InteractionStatus::Conversation(ConversationStatus::Open);
    }
    record
}

#[test]
fn every_simulated_interaction_folds_back_from_its_events() {
    let config = config();
    let directory = directory(&config);
    let queue = |id: &Key| directory.queues.iter().find(|it| &it.id == id);
    let mut mismatches = Vec::new();
    let mut total = 0;
    for day in 0..2 {
        let day = simulate_day(&config, &directory, day);
        // The simulation reports what is still open at the local midnight ending the day.
        let midnight = day
            .date
            .tomorrow()
            .unwrap()
            .to_datetime(jiff::civil::Time::midnight());
        let now = config.zone.instant_of(midnight).unwrap();
        for record in &day.interactions {
            total += 1;
            let events = parse(&interaction_events(record));
            let folded = match &record.call {
                Some(_) => {
                    let calls: Vec<_> = events.iter().filter_map(Event::as_call).collect();
                    let mut folded = fold_call(
                        &record.source,
                        &record.external_id,
                        &calls,
                        now,
                        FoldConfig::DEFAULT,
                    )
                    .unwrap();
                    let targets = folded
                        .queue_id
                        .as_ref()
                        .and_then(queue)
                        .map(|it| CallTargets {
                            answer_secs: it.sla_answer_secs,
                            short_abandon_secs: it.short_abandon_secs,
                        });
                    folded.sla_status = targets.and_then(|it| call_sla(&folded, it));
                    folded
                }
                None => {
                    let items: Vec<_> = events.iter().filter_map(Event::as_conversation).collect();
                    let targets = |id: &Key| {
                        queue(id).map(|it| SlaTargets {
                            first_response_secs: it.sla_first_response_secs.or(it.sla_answer_secs),
                            resolution_secs: it.sla_resolution_secs,
                        })
                    };
                    fold_conversation(&record.source, &record.external_id, &items, &targets, now)
                        .unwrap()
                }
            };
            let (want, got) = (derived(&expressible(record)), derived(&folded));
            if want != got
                && std::env::var("SIM_DEBUG").is_ok_and(|it| it == record.external_id.as_str())
            {
                eprintln!("{record:#?}\n{folded:#?}");
            }
            if want != got {
                let diff: Vec<String> = want
                    .split(' ')
                    .zip(got.split(' '))
                    .enumerate()
                    .filter(|(_, (a, b))| a != b)
                    .map(|(idx, (a, b))| {
                        let field = want.split(' ').nth(idx.saturating_sub(1)).unwrap_or("");
                        format!("{field} {a} -> {b}")
                    })
                    .collect();
                mismatches.push(format!(
                    "{} {}: {}",
                    record.channel,
                    record.external_id,
                    diff.join("; ")
                ));
            }
        }
        let presence = parse(&presence_events(&day.presence));
        assert_eq!(presence.len(), day.presence.len());
    }
    assert!(
        mismatches.is_empty(),
        "{} of {total} records fold differently; the first:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn presence_events_fold_into_the_simulated_changes() {
    let config = config();
    let directory = directory(&config);
    let day = simulate_day(&config, &directory, 0);
    let events = parse(&presence_events(&day.presence));
    for user in &directory.users {
        let mine: Vec<_> = events
            .iter()
            .filter(|it| it.subject_id == user.id)
            .filter_map(Event::as_presence)
            .collect();
        let source = Key::parse(cxhub_sim::SOURCE).unwrap();
        let folded = fold_presence(&source, &user.id, &mine);
        let simulated: Vec<_> = day
            .presence
            .iter()
            .filter(|it| it.user_id == user.id)
            .collect();
        assert_eq!(folded.len(), simulated.len());
        for (pair, (got, want)) in folded.iter().zip(&simulated).enumerate() {
            assert_eq!(
                (
                    &got.external_id,
                    &got.new_status,
                    &got.previous_status,
                    got.at
                ),
                (
                    &want.external_id,
                    &want.new_status,
                    &want.previous_status,
                    want.at
                ),
                "change {pair} of {}",
                user.id
            );
        }
        for pair in folded.windows(2) {
            assert_eq!(pair[0].ended_at, Some(pair[1].at));
        }
    }
}
