//! Shifts, breaks and presence: when each agent can take work.
//!
//! Each working agent gets a shift with two breaks, a lunch, and sometimes a meeting or
//! a few minutes away. Those are *planned*; they become real lazily, as the voice
//! simulation reaches their planned time: a pause that falls during a call starts when
//! the call and its wrap-up end, and keeps its length. The realised pauses are then the
//! agent's presence changes, and what the digital channels see as availability.

pub(crate) mod agent;

use cxhub_model::presence::PresenceChange;

use crate::catalog::key;
use crate::queues::Org;
use crate::random::{self, SimRng};
use crate::roster::agent::{AgentState, Planned, Shift};
use crate::timeline::DayClock;

/// A status other than available, by its system name in the default catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pause {
    Break,
    Lunch,
    Meeting,
    Away,
    Offline,
}

impl Pause {
    /// The status's key in [`cxhub_model::directory::PresenceStatus::defaults`].
    pub(crate) fn system_name(self) -> &'static str {
        match self {
            Pause::Break => "break",
            Pause::Lunch => "lunch",
            Pause::Meeting => "in_meeting",
            Pause::Away => "away",
            Pause::Offline => "offline",
        }
    }
}

/// A shift pattern: local start minute, length in minutes, and share of the floor.
type Template = (f64, f64, f64);

/// Five staggered weekday shifts follow the call curve: a few agents from 07:00, most of
/// the floor through the 10:00-16:00 peaks, a small crew until 21:00.
const WEEKDAY_SHIFTS: [Template; 5] = [
    (7.0 * 60.0, 510.0, 0.20),
    (8.0 * 60.0, 510.0, 0.25),
    (9.0 * 60.0, 510.0, 0.20),
    (10.0 * 60.0, 510.0, 0.15),
    (12.5 * 60.0, 510.0, 0.20),
];
/// A smaller weekend crew works three shifts.
const WEEKEND_SHIFTS: [Template; 3] = [
    (8.0 * 60.0, 510.0, 0.35),
    (10.0 * 60.0, 510.0, 0.30),
    (12.5 * 60.0, 510.0, 0.35),
];
/// The share of agents who work a weekend day.
const WEEKEND_CREW: f64 = 0.5;
/// The chance that an agent is off (leave, sickness) on a weekday.
const ABSENCE: f64 = 0.04;

/// Plans every agent's day.
pub(crate) fn plan(clock: &DayClock, org: &Org, rng: &mut SimRng) -> Vec<AgentState> {
    let working = crew(clock, org, rng);
    let templates: &[Template] = match clock.weekend {
        true => &WEEKEND_SHIFTS,
        false => &WEEKDAY_SHIFTS,
    };
    let mut states: Vec<AgentState> = (0..org.agents.len())
        .map(|_| AgentState {
            shift: None,
            busy_until: clock.start,
        })
        .collect();
    // Stratified: the k-th of m working agents takes the template at quantile k/m.
    let chosen: Vec<usize> = (0..working.len())
        .map(|rank| template_at(templates, (rank as f64 + 0.5) / working.len() as f64))
        .collect();
    for (rank, &agent_idx) in working.iter().enumerate() {
        let group = chosen[rank];
        let size = chosen.iter().filter(|&&it| it == group).count();
        let rank_in_group = chosen[..rank].iter().filter(|&&it| it == group).count();
        // Where this agent's pauses fall among the group's: 0 first, 1 last.
        let position = (rank_in_group as f64 + 0.5) / size as f64;
        let supervisor = org.agents[agent_idx].supervisor;
        let shift = plan_shift(clock, templates[group], position, supervisor, rng);
        states[agent_idx].shift = Some(shift);
    }
    states
}

/// Who works today, in a shuffled order that decides their shift.
fn crew(clock: &DayClock, org: &Org, rng: &mut SimRng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..org.agents.len()).collect();
    shuffle(rng, &mut order);
    if !clock.weekend {
        let present: Vec<usize> = order
            .iter()
            .copied()
            .filter(|_| !random::chance(rng, ABSENCE))
            .collect();
        return present;
    }
    let wanted = (org.agents.len() as f64 * WEEKEND_CREW).ceil() as usize;
    let mut crew: Vec<usize> = Vec::with_capacity(wanted);
    // Keep every voice queue staffed before filling the rest of the crew.
    for queue in &org.queues {
        let covered = queue.members.iter().any(|it| crew.contains(it));
        if !covered && !queue.members.is_empty() {
            crew.push(*random::pick(rng, &queue.members));
        }
    }
    for agent_idx in order {
        if crew.len() >= wanted {
            break;
        }
        if !crew.contains(&agent_idx) {
            crew.push(agent_idx);
        }
    }
    shuffle(rng, &mut crew);
    crew
}

fn shuffle(rng: &mut SimRng, items: &mut [usize]) {
    for idx in (1..items.len()).rev() {
        let other = random::index(rng, idx + 1);
        items.swap(idx, other);
    }
}

fn template_at(templates: &[Template], quantile: f64) -> usize {
    let mut cumulative = 0.0;
    for (idx, template) in templates.iter().enumerate() {
        cumulative += template.2;
        if quantile < cumulative {
            return idx;
        }
    }
    templates.len() - 1
}

/// Plans one shift. Breaks and lunches are staggered across the agents of a shift, as
/// workforce management does, so a small evening crew never breaks all at once;
/// `position` (0 to 1) is this agent's place in that rota.
fn plan_shift(
    clock: &DayClock,
    template: Template,
    position: f64,
    supervisor: bool,
    rng: &mut SimRng,
) -> Shift {
    let (start, length, _) = template;
    let login = clock.at_minute(start + random::uniform(rng, -6.0, 4.0));
    let logout = clock.at_minute(start + length + random::uniform(rng, 0.0, 6.0));
    let pause = |kind, at: f64, minutes: f64, reason| Planned {
        kind,
        start: clock.at_minute(start + at),
        length_ms: random::millis(minutes * 60.0),
        reason,
    };
    let mut planned: Vec<Planned> = Vec::new();
    for (kind, at, minutes, reason) in scheduled(rng, start, position) {
        planned.push(pause(kind, at, minutes, reason));
    }
    let meeting_chance = if supervisor { 0.45 } else { 0.15 };
    if random::chance(rng, meeting_chance) {
        let reason = *random::pick(rng, &MEETINGS);
        let minutes = *random::pick(rng, &[30.0, 30.0, 60.0]);
        let at = random::uniform(rng, 60.0, length - 90.0);
        push_if_free(
            &mut planned,
            pause(Pause::Meeting, at, minutes, Some(reason)),
        );
    }
    for _ in 0..random::poisson(rng, 0.8) {
        let reason = *random::pick(rng, &AWAY_REASONS);
        let at = random::uniform(rng, 30.0, length - 30.0);
        let minutes = random::uniform(rng, 3.0, 12.0);
        push_if_free(&mut planned, pause(Pause::Away, at, minutes, reason));
    }
    Shift::new(login, logout, planned)
}

/// The breaks and lunch of a shift starting at local minute `start`, as (kind, minutes
/// into the shift, length in minutes, reason).
fn scheduled(
    rng: &mut SimRng,
    start: f64,
    position: f64,
) -> [(Pause, f64, f64, Option<&'static str>); 3] {
    let first_break = spread(rng, 90.0, 150.0, position);
    // Lunch goes in the midday dip where the shift allows it.
    let lunch_position = (position + 0.37).fract();
    let earliest = (start + 180.0).max(LUNCH_WINDOW.0);
    let latest = (start + 300.0).min(LUNCH_WINDOW.1);
    let lunch = match earliest < latest {
        true => spread(rng, earliest, latest, lunch_position) - start,
        false => spread(rng, 210.0, 270.0, lunch_position),
    };
    let second_break = spread(rng, 330.0, 430.0, (position + 0.71).fract());
    let break_length = |rng: &mut SimRng| 15.0 + random::uniform(rng, 0.0, 3.0);
    [
        (
            Pause::Break,
            first_break,
            break_length(rng),
            Some("scheduled break"),
        ),
        (
            Pause::Lunch,
            lunch,
            *random::pick(rng, &[30.0, 45.0, 45.0, 60.0]),
            Some("lunch"),
        ),
        (
            Pause::Break,
            second_break,
            break_length(rng),
            Some("scheduled break"),
        ),
    ]
}

/// Local minutes between which lunches are scheduled when the shift allows.
const LUNCH_WINDOW: (f64, f64) = (11.5 * 60.0, 14.0 * 60.0);

const MEETINGS: [&str; 4] = [
    "team meeting",
    "coaching session",
    "training",
    "1:1 with supervisor",
];
const AWAY_REASONS: [Option<&str>; 5] = [
    None,
    Some("restroom"),
    Some("it issue"),
    Some("personal"),
    None,
];

/// A point `position` of the way from `low` to `high`, give or take five minutes.
fn spread(rng: &mut SimRng, low: f64, high: f64, position: f64) -> f64 {
    low + (high - low) * position + random::uniform(rng, -5.0, 5.0)
}

/// Adds an unscheduled pause unless it comes within ten minutes of another.
fn push_if_free(planned: &mut Vec<Planned>, pause: Planned) {
    let margin = 10 * 60_000;
    let clashes = planned.iter().any(|other| {
        let other_end = other.start.plus_millis(other.length_ms + margin);
        let end = pause.start.plus_millis(pause.length_ms + margin);
        pause.start < other_end && other.start < end
    });
    if !clashes {
        planned.push(pause);
    }
}

/// The presence changes of every agent, in time order. External ids are placeholders;
/// the caller numbers them once all records of the day are known.
pub(crate) fn presence(states: &[AgentState], org: &Org) -> Vec<PresenceChange> {
    let mut records = Vec::new();
    for (state, agent) in states.iter().zip(&org.agents) {
        for (at, pause, entering, reason) in state.changes() {
            let (previous, new) = match entering {
                true => ("available", pause.system_name()),
                false => (pause.system_name(), "available"),
            };
            records.push(PresenceChange {
                id: None,
                source: key(crate::SOURCE),
                external_id: key("pending"),
                version: 1,
                user_id: agent.id.clone(),
                previous_status: Some(key(previous)),
                new_status: key(new),
                reason: reason.map(str::to_owned),
                at,
                ended_at: None,
            });
        }
    }
    records.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.user_id.cmp(&b.user_id)));
    records
}
