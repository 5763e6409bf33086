//! The simulator's contract: deterministic, valid records with plausible rates.

use std::collections::{BTreeMap, BTreeSet};

use cxhub_model::call::{AbandonStage, CallStatus};
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::ticket::TicketStatus;
use cxhub_model::time::Zone;
use cxhub_sim::{Day, Directory, SimConfig, directory, simulate_day};
use proptest::prelude::*;

/// A week from Monday 2026-11-16 in Ho Chi Minh City (UTC+7, no DST).
fn week() -> SimConfig {
    SimConfig::new(
        jiff::civil::date(2026, 11, 16),
        Zone::parse("Asia/Ho_Chi_Minh").unwrap(),
    )
}

fn run(config: &SimConfig) -> (Directory, Vec<Day>) {
    let directory = directory(config);
    let days = (0..config.days)
        .map(|day| simulate_day(config, &directory, day))
        .collect();
    (directory, days)
}

fn is_call(it: &Interaction, status: CallStatus) -> bool {
    it.status == InteractionStatus::Call(status)
}

fn inbound_calls(day: &Day) -> impl Iterator<Item = &Interaction> {
    day.interactions
        .iter()
        .filter(|it| it.channel == Channel::Voice && it.direction == Direction::Inbound)
}

/// Checks what must hold for any run; shared by the fixed tests and the property test.
fn assert_valid(directory: &Directory, days: &[Day]) {
    let users: BTreeSet<&str> = directory.users.iter().map(|it| it.id.as_str()).collect();
    let contacts: BTreeSet<&str> = directory.contacts.iter().map(|it| it.id.as_str()).collect();
    let queues: BTreeSet<&str> = directory.queues.iter().map(|it| it.id.as_str()).collect();
    let statuses: BTreeSet<&str> = directory
        .presence_statuses
        .iter()
        .map(|it| it.system_name.as_str())
        .collect();
    let mut external_ids = BTreeSet::new();
    for day in days {
        for it in &day.interactions {
            assert_eq!(it.check(), Ok(()), "{}", it.external_id);
            assert_eq!(it.source.as_str(), "sim");
            assert_eq!(it.version, 1);
            assert!(it.id.is_none());
            assert!(
                external_ids.insert(it.external_id.to_string()),
                "duplicate {}",
                it.external_id
            );
            for agent in [&it.agent_id, &it.first_assignee_id, &it.closed_assignee_id]
                .into_iter()
                .flatten()
            {
                assert!(users.contains(agent.as_str()), "unknown agent {agent}");
            }
            if let Some(contact) = &it.contact_id {
                assert!(
                    contacts.contains(contact.as_str()),
                    "unknown contact {contact}"
                );
            }
            if let Some(queue) = &it.queue_id {
                assert!(queues.contains(queue.as_str()), "unknown queue {queue}");
            }
            for pair in it.messages.windows(2) {
                assert!(
                    pair[0].at <= pair[1].at,
                    "{} messages out of order",
                    it.external_id
                );
            }
        }
        assert!(
            day.interactions
                .windows(2)
                .all(|it| it[0].started_at <= it[1].started_at)
        );
        for change in &day.presence {
            assert!(statuses.contains(change.new_status.as_str()));
            assert!(users.contains(change.user_id.as_str()));
            assert!(
                external_ids.insert(change.external_id.to_string()),
                "duplicate {}",
                change.external_id
            );
        }
        assert!(day.presence.windows(2).all(|it| it[0].at <= it[1].at));
        for ticket in &day.tickets {
            assert_eq!(ticket.check(), Ok(()), "{}", ticket.external_id);
            assert!(ticket.number.is_none() && ticket.id.is_none());
            assert!(
                external_ids.insert(ticket.external_id.to_string()),
                "duplicate {}",
                ticket.external_id
            );
            for field in &ticket.custom_fields {
                let attribute = directory
                    .attributes
                    .iter()
                    .find(|it| it.id == field.attribute_id)
                    .unwrap();
                assert_eq!(
                    attribute.kind,
                    field.value.kind(),
                    "{}",
                    attribute.system_name
                );
            }
            assert!(ticket.tags.len() <= 3 && ticket.categories.len() <= 2);
            for tag in &ticket.tags {
                assert!(
                    directory.tags.iter().any(|it| &it.id == tag),
                    "unknown tag {tag}"
                );
            }
            for category in &ticket.categories {
                assert!(directory.categories.iter().any(|it| &it.id == category));
            }
        }
    }
    assert_presence_alternates(days);
}

/// Each agent's changes chain: every `previous_status` is the last `new_status`, and
/// every working day starts and ends offline.
fn assert_presence_alternates(days: &[Day]) {
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    for day in days {
        for change in &day.presence {
            let previous = change
                .previous_status
                .as_ref()
                .expect("previous status is known");
            let before = last
                .get(change.user_id.as_str())
                .map_or("offline", String::as_str);
            assert_eq!(
                previous.as_str(),
                before,
                "{} at {}",
                change.user_id,
                change.at
            );
            assert_ne!(previous, &change.new_status);
            last.insert(change.user_id.to_string(), change.new_status.to_string());
        }
        assert!(
            last.values().all(|it| it == "offline"),
            "someone stayed logged in overnight"
        );
    }
}

#[test]
fn same_seed_same_records_other_seed_other_records() {
    let mut config = week();
    config.days = 2;
    let (directory_a, days_a) = run(&config);
    let (directory_b, days_b) = run(&config);
    assert_eq!(directory_a, directory_b);
    assert_eq!(days_a, days_b);
    // A day generated alone equals the same day generated in sequence.
    assert_eq!(simulate_day(&config, &directory_a, 1), days_a[1]);
    config.seed = 2;
    let (directory_c, days_c) = run(&config);
    assert_ne!(directory_a.contacts, directory_c.contacts);
    assert_ne!(days_a[0].interactions, days_c[0].interactions);
}

#[test]
fn a_default_week_is_valid_and_varied() {
    let config = week();
    let (directory, days) = run(&config);
    assert_eq!(directory.users.len(), 20);
    assert!(directory.contacts.len() >= 4000);
    assert_valid(&directory, &days);
    let seen: BTreeSet<&str> = days
        .iter()
        .flat_map(|day| &day.interactions)
        .filter(|it| it.channel == Channel::Voice)
        .map(|it| it.status.as_str())
        .collect();
    for status in CallStatus::ALL {
        assert!(seen.contains(status.as_str()), "no {status} call in a week");
    }
    let channels: BTreeSet<Channel> = days
        .iter()
        .flat_map(|day| &day.interactions)
        .map(|it| it.channel)
        .collect();
    for channel in [
        Channel::Voice,
        Channel::Chat,
        Channel::Email,
        Channel::Messenger,
        Channel::Whatsapp,
    ] {
        assert!(channels.contains(&channel), "no {channel} in a week");
    }
}

#[test]
fn a_weekday_has_plausible_call_center_rates() {
    let config = week();
    let directory = directory(&config);
    let wednesday = simulate_day(&config, &directory, 2);
    let inbound: Vec<&Interaction> = inbound_calls(&wednesday).collect();
    let voice = wednesday
        .interactions
        .iter()
        .filter(|it| it.channel == Channel::Voice)
        .count();
    assert!((1600..2400).contains(&voice), "{voice} calls");
    let share = |count: usize| count as f64 / inbound.len() as f64;
    let answered: Vec<&&Interaction> = inbound
        .iter()
        .filter(|it| is_call(it, CallStatus::Ended) && it.agent_id.is_some())
        .collect();
    let abandoned = inbound
        .iter()
        .filter(|it| is_call(it, CallStatus::Abandoned))
        .count();
    assert!(
        share(answered.len()) > 0.6,
        "answered {}",
        share(answered.len())
    );
    assert!(
        (0.03..0.12).contains(&share(abandoned)),
        "abandoned {}",
        share(abandoned)
    );
    let within_20 = answered
        .iter()
        .filter(|it| it.call.as_ref().unwrap().wait_secs.unwrap() <= 20)
        .count();
    assert!(
        within_20 as f64 / answered.len() as f64 > 0.6,
        "service level {within_20}"
    );
    let handle: f64 = answered
        .iter()
        .map(|it| f64::from(it.full_handled_secs.unwrap()))
        .sum::<f64>()
        / answered.len() as f64;
    assert!((200.0..330.0).contains(&handle), "aht {handle}");
    let outbound = wednesday
        .interactions
        .iter()
        .filter(|it| it.direction == Direction::Outbound && it.channel == Channel::Voice)
        .count();
    assert!(
        (0.07..0.2).contains(&(outbound as f64 / voice as f64)),
        "outbound {outbound}"
    );
    let chats = wednesday
        .interactions
        .iter()
        .filter(|it| it.channel == Channel::Chat)
        .count();
    assert!((300..700).contains(&chats), "{chats} chats");
    assert!(
        wednesday.tickets.len() > 50 && wednesday.tickets.len() < 400,
        "{} tickets",
        wednesday.tickets.len()
    );
    assert!(
        wednesday.presence.len() > 100,
        "{} presence changes",
        wednesday.presence.len()
    );
}

#[test]
fn answered_calls_carry_their_detail() {
    let config = week();
    let directory = directory(&config);
    let day = simulate_day(&config, &directory, 1);
    for it in
        inbound_calls(&day).filter(|it| is_call(it, CallStatus::Ended) && it.agent_id.is_some())
    {
        let call = it.call.as_ref().unwrap();
        let answered = call.answered_at.unwrap();
        assert_eq!(
            call.talk_secs,
            Some(it.ended_at.unwrap().secs_since(answered) as u32)
        );
        assert_eq!(
            it.full_handled_secs,
            Some(it.handled_secs.unwrap() + it.wrap_up_secs.unwrap())
        );
        assert!((20..=120).contains(&it.wrap_up_secs.unwrap()));
        assert!(it.sla_status.is_some() && it.wrap_up_form_id.is_some());
        assert_eq!(call.recordings.len(), 1);
        assert!(call.recordings[0].contains(it.external_id.as_str()));
        assert!(call.callee.is_staff && call.callee.staff_id == it.agent_id);
        assert!(call.legs.iter().any(|leg| leg.answered_at.is_some()));
        assert!(call.queued_at.is_some() && call.virtual_number.is_some());
    }
    for it in inbound_calls(&day).filter(|it| is_call(it, CallStatus::Abandoned)) {
        let call = it.call.as_ref().unwrap();
        assert!(call.answered_at.is_none());
        assert!(call.abandon_stage.is_some());
        if call.abandon_stage != Some(AbandonStage::Ivr) {
            assert!(call.wait_secs.is_some());
        }
    }
    let transferred = inbound_calls(&day)
        .filter(|it| it.call.as_ref().unwrap().transfer_count > 0)
        .count();
    let held = inbound_calls(&day)
        .filter(|it| it.call.as_ref().unwrap().hold_count > 0)
        .count();
    assert!(
        transferred > 10 && held > 100,
        "transfers {transferred}, holds {held}"
    );
}

#[test]
fn arrivals_follow_the_tenants_wall_clock() {
    let config = week();
    let zone = config.zone.clone();
    let directory = directory(&config);
    let day = simulate_day(&config, &directory, 1);
    let mut local = [0_usize; 24];
    for it in inbound_calls(&day) {
        local[zone.local_of(it.started_at).hour() as usize] += 1;
    }
    let night: usize = local[0..6].iter().sum();
    let peak_hour = (0..24).max_by_key(|&hour| local[hour]).unwrap();
    assert!(
        (9..=16).contains(&peak_hour),
        "peak at {peak_hour}:00 local"
    );
    assert!(
        night * 20 < local[10] * 6,
        "night {night}, 10:00 {}",
        local[10]
    );
    // The same calls in UTC peak seven hours earlier.
    let utc_peak = (0..24)
        .max_by_key(|&hour| {
            inbound_calls(&day)
                .filter(|it| Zone::utc().local_of(it.started_at).hour() == hour)
                .count()
        })
        .unwrap();
    assert_eq!((utc_peak as usize + 7) % 24, peak_hour);
}

#[test]
fn weekends_are_quieter() {
    let config = week();
    let directory = directory(&config);
    let weekday = inbound_calls(&simulate_day(&config, &directory, 2)).count();
    let saturday_day = simulate_day(&config, &directory, 5);
    let saturday = inbound_calls(&saturday_day).count();
    let ratio = saturday as f64 / weekday as f64;
    assert!((0.3..0.55).contains(&ratio), "saturday/weekday {ratio}");
    let agents: BTreeSet<&str> = saturday_day
        .presence
        .iter()
        .map(|it| it.user_id.as_str())
        .collect();
    assert!(agents.len() < 14, "{} agents on Saturday", agents.len());
}

#[test]
fn tickets_age_over_the_run() {
    let config = week();
    let (_, days) = run(&config);
    let done = |day: &Day| {
        let finished = day
            .tickets
            .iter()
            .filter(|it| matches!(it.status, TicketStatus::Resolved | TicketStatus::Closed))
            .count();
        finished as f64 / day.tickets.len() as f64
    };
    assert!(done(&days[0]) > 0.9, "first day {}", done(&days[0]));
    assert!(done(&days[6]) < 0.6, "last day {}", done(&days[6]));
    let deleted = days
        .iter()
        .flat_map(|it| &it.tickets)
        .filter(|it| it.deleted_at.is_some())
        .count();
    assert!(deleted >= 1);
}

#[test]
fn digital_conversations_have_messages_and_timings() {
    let config = week();
    let directory = directory(&config);
    let day = simulate_day(&config, &directory, 3);
    let mut statuses = BTreeSet::new();
    for it in day
        .interactions
        .iter()
        .filter(|it| it.channel != Channel::Voice)
    {
        statuses.insert(it.status.as_str());
        assert!(!it.messages.is_empty());
        assert!(it.case_number.is_some());
        if it.status.as_str() == "closed" {
            assert!(
                it.closed_at.is_some()
                    && it.first_response_secs.is_some()
                    && it.sla_status.is_some()
            );
            assert!(it.full_resolution_secs >= it.resolution_secs);
        }
        if it.channel == Channel::Chat || it.channel == Channel::Whatsapp {
            assert!(it.room_id.is_some());
        }
        if it.channel == Channel::Whatsapp {
            assert!(it.contact_platform_id.is_some());
        }
    }
    for status in ["closed", "missed", "open"] {
        assert!(statuses.contains(status), "no {status} conversation");
    }
    let mut emails: Vec<u32> = day
        .interactions
        .iter()
        .filter(|it| it.channel == Channel::Email)
        .filter_map(|it| it.first_response_secs)
        .collect();
    emails.sort();
    assert!(
        emails[emails.len() / 2] > 1800,
        "emails answered in minutes"
    );
}

#[test]
fn dst_days_and_other_zones_work() {
    let config = SimConfig {
        days: 2,
        calls_per_day: 500,
        agents: 8,
        ..SimConfig::new(
            jiff::civil::date(2026, 3, 7),
            Zone::parse("America/New_York").unwrap(),
        )
    };
    let (directory, days) = run(&config);
    assert_valid(&directory, &days);
    assert!(directory.contacts[0].phones[0].starts_with('+'));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn small_centers_never_fail(
        seed in any::<u64>(),
        agents in 1_u32..30,
        calls_per_day in 0_u32..3000,
        offset in 0_i64..3650,
        zone in prop::sample::select(vec!["UTC", "Asia/Ho_Chi_Minh", "Asia/Singapore", "Europe/London", "America/Los_Angeles", "Australia/Sydney"]),
    ) {
        let start = jiff::civil::date(2020, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap();
        let config = SimConfig {
            seed,
            start,
            days: 1,
            agents,
            calls_per_day,
            zone: Zone::parse(zone).unwrap(),
        };
        let (directory, days) = run(&config);
        assert_valid(&directory, &days);
    }
}

/// A default day takes milliseconds in release builds; this generous bound, which debug
/// builds meet too, catches work that grows with calls times agents.
#[test]
fn a_large_day_is_simulated_in_full() {
    // How fast is the benchmark's business (cxhub-bench builds its datasets this way);
    // this checks that a 100-agent, 10,000-call day comes out whole.
    let config = SimConfig {
        agents: 100,
        calls_per_day: 10_000,
        ..week()
    };
    let directory = directory(&config);
    let day = simulate_day(&config, &directory, 0);
    assert!(day.interactions.len() > 10_000);
    let calls = day
        .interactions
        .iter()
        .filter(|it| it.call.is_some())
        .count();
    assert!(calls > 8_000, "{calls} calls");
}

#[test]
fn an_empty_center_still_produces_valid_records() {
    for (agents, calls_per_day) in [(0, 300), (1, 0), (0, 0)] {
        let config = SimConfig {
            agents,
            calls_per_day,
            days: 1,
            ..week()
        };
        let (directory, days) = run(&config);
        assert_valid(&directory, &days);
        if agents == 0 {
            assert!(days[0].presence.is_empty());
            assert!(days[0].interactions.iter().all(|it| it.agent_id.is_none()));
        }
    }
}
