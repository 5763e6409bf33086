//! Queues, their routing, and which agents serve them.
//!
//! The directory holds queues with their service targets only; how a queue rings its
//! agents and who belongs to it is the simulator's business, derived the same way every
//! day from the directory it is given. A directory with other queues still works: an
//! unknown queue is routed longest-idle and gets a small share of the traffic.

use cxhub_model::directory::Queue;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;

use crate::catalog::{self, SUPERVISOR_EVERY};
use crate::names::Country;
use crate::{Directory, SimConfig};

/// How a queue offers a call to its agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ring {
    /// Every available agent rings at once; the first to answer wins.
    All,
    /// One agent at a time, longest idle first, moving on after the ring timeout.
    LongestIdle,
}

/// What a queue's conversations are about, for subjects, messages and tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topic {
    Sales,
    Support,
    Billing,
    Care,
}

/// A queue the simulated center ships with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueueSpec {
    pub key: &'static str,
    pub name: &'static str,
    pub ring: Ring,
    pub ring_timeout_secs: u32,
    /// Seconds after which a waiting call is offered to every voice agent, not only the
    /// queue's own (the "skills expansion" ACDs use so small queues don't starve).
    pub overflow_secs: u32,
    /// Shares of each channel's traffic that land in this queue.
    pub voice_share: f64,
    pub chat_share: f64,
    pub social_share: f64,
    pub email_share: f64,
    pub sla_answer_secs: Option<u32>,
    pub sla_target_pct: u8,
    pub sla_first_response_secs: u32,
    pub sla_resolution_secs: u32,
    pub topic: Topic,
}

pub(crate) const SPECS: [QueueSpec; 5] = [
    QueueSpec {
        key: "q-sales",
        name: "Sales",
        ring: Ring::LongestIdle,
        ring_timeout_secs: 18,
        overflow_secs: 20,
        voice_share: 0.30,
        chat_share: 0.40,
        social_share: 0.30,
        email_share: 0.0,
        sla_answer_secs: Some(20),
        sla_target_pct: 80,
        sla_first_response_secs: 60,
        sla_resolution_secs: 4 * 3600,
        topic: Topic::Sales,
    },
    QueueSpec {
        key: "q-support",
        name: "Customer Support",
        ring: Ring::LongestIdle,
        ring_timeout_secs: 15,
        overflow_secs: 20,
        voice_share: 0.45,
        chat_share: 0.60,
        social_share: 0.70,
        email_share: 0.0,
        sla_answer_secs: Some(20),
        sla_target_pct: 80,
        sla_first_response_secs: 60,
        sla_resolution_secs: 24 * 3600,
        topic: Topic::Support,
    },
    QueueSpec {
        key: "q-billing",
        name: "Billing",
        ring: Ring::All,
        ring_timeout_secs: 20,
        overflow_secs: 15,
        voice_share: 0.17,
        chat_share: 0.0,
        social_share: 0.0,
        email_share: 0.0,
        sla_answer_secs: Some(30),
        sla_target_pct: 80,
        sla_first_response_secs: 120,
        sla_resolution_secs: 48 * 3600,
        topic: Topic::Billing,
    },
    QueueSpec {
        key: "q-vip",
        name: "VIP Care",
        ring: Ring::All,
        ring_timeout_secs: 20,
        overflow_secs: 10,
        voice_share: 0.08,
        chat_share: 0.0,
        social_share: 0.0,
        email_share: 0.0,
        sla_answer_secs: Some(10),
        sla_target_pct: 90,
        sla_first_response_secs: 30,
        sla_resolution_secs: 8 * 3600,
        topic: Topic::Care,
    },
    QueueSpec {
        key: "q-email",
        name: "Email Desk",
        ring: Ring::LongestIdle,
        ring_timeout_secs: 18,
        overflow_secs: 60,
        voice_share: 0.0,
        chat_share: 0.0,
        social_share: 0.0,
        email_share: 1.0,
        sla_answer_secs: None,
        sla_target_pct: 90,
        sla_first_response_secs: 4 * 3600,
        sla_resolution_secs: 48 * 3600,
        topic: Topic::Support,
    },
];

pub(crate) fn directory_queues(origin: Instant) -> Vec<Queue> {
    SPECS
        .iter()
        .map(|spec| catalog::queue_record(spec, origin))
        .collect()
}

/// A directory queue with what routing needs.
#[derive(Debug, Clone)]
pub(crate) struct QueuePlan {
    pub key: Key,
    pub name: String,
    pub ring: Ring,
    pub ring_timeout_secs: u32,
    pub overflow_secs: u32,
    pub voice_share: f64,
    pub chat_share: f64,
    pub social_share: f64,
    pub email_share: f64,
    pub sla_answer_secs: Option<u32>,
    pub sla_first_response_secs: Option<u32>,
    pub sla_resolution_secs: Option<u32>,
    pub short_abandon_secs: Option<u32>,
    /// The virtual number callers dial for this queue.
    pub hotline: String,
    pub topic: Topic,
    /// Agent indices, in [`Org::agents`].
    pub members: Vec<usize>,
}

/// An agent and the queues they serve.
#[derive(Debug, Clone)]
pub(crate) struct AgentProfile {
    pub id: Key,
    pub name: Option<String>,
    pub extension: String,
    /// Queue indices, in [`Org::queues`]; the first is the agent's home queue.
    pub queues: Vec<usize>,
    pub supervisor: bool,
}

/// The center as the simulator runs it.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub queues: Vec<QueuePlan>,
    pub agents: Vec<AgentProfile>,
    /// Agents who serve at least one voice queue: where overflowing calls go.
    pub voice_agents: Vec<usize>,
    pub home: Country,
}

impl Org {
    pub(crate) fn new(config: &SimConfig, directory: &Directory) -> Org {
        let home = crate::names::home_country(config.zone.name());
        let mut queues: Vec<QueuePlan> = directory
            .queues
            .iter()
            .enumerate()
            .map(|(slot, queue)| plan(queue, home.hotline(slot)))
            .collect();
        let skills = assign_skills(directory.users.len(), &queues);
        let agents: Vec<AgentProfile> = directory
            .users
            .iter()
            .zip(skills)
            .enumerate()
            .map(|(idx, (user, skills))| AgentProfile {
                id: user.id.clone(),
                name: user.name.clone(),
                extension: user
                    .extension
                    .clone()
                    .unwrap_or_else(|| (101 + idx).to_string()),
                queues: skills,
                supervisor: idx % SUPERVISOR_EVERY == 0,
            })
            .collect();
        for (agent_idx, agent) in agents.iter().enumerate() {
            for &queue_idx in &agent.queues {
                queues[queue_idx].members.push(agent_idx);
            }
        }
        let voice_agents = (0..agents.len())
            .filter(|&idx| {
                agents[idx]
                    .queues
                    .iter()
                    .any(|&queue| queues[queue].voice_share > 0.0)
            })
            .collect();
        Org {
            queues,
            agents,
            voice_agents,
            home,
        }
    }
}

fn plan(queue: &Queue, hotline: String) -> QueuePlan {
    let spec = SPECS.iter().find(|it| it.key == queue.id.as_str());
    let (ring, timeout, overflow, shares, topic) = match spec {
        Some(spec) => (
            spec.ring,
            spec.ring_timeout_secs,
            spec.overflow_secs,
            [
                spec.voice_share,
                spec.chat_share,
                spec.social_share,
                spec.email_share,
            ],
            spec.topic,
        ),
        None => (
            Ring::LongestIdle,
            18,
            45,
            [0.1, 0.1, 0.1, 0.0],
            Topic::Support,
        ),
    };
    QueuePlan {
        key: queue.id.clone(),
        name: queue.name.clone().unwrap_or_else(|| queue.id.to_string()),
        ring,
        ring_timeout_secs: timeout,
        overflow_secs: overflow,
        voice_share: shares[0],
        chat_share: shares[1],
        social_share: shares[2],
        email_share: shares[3],
        sla_answer_secs: queue.sla_answer_secs,
        sla_first_response_secs: queue.sla_first_response_secs,
        sla_resolution_secs: queue.sla_resolution_secs,
        short_abandon_secs: queue.short_abandon_secs,
        hotline,
        topic,
        members: Vec::new(),
    }
}

/// Gives each agent a home voice queue in proportion to the queues' traffic, and four
/// agents in five a second one, so most of the floor can cover a busy neighbour queue.
fn assign_skills(agent_count: usize, queues: &[QueuePlan]) -> Vec<Vec<usize>> {
    let voice: Vec<usize> = (0..queues.len())
        .filter(|&idx| queues[idx].voice_share > 0.0)
        .collect();
    let mut skills: Vec<Vec<usize>> = vec![Vec::new(); agent_count];
    if voice.is_empty() {
        return skills;
    }
    let total: f64 = voice.iter().map(|&idx| queues[idx].voice_share).sum();
    let mut members = vec![0.0_f64; queues.len()];
    for (agent_idx, agent_skills) in skills.iter_mut().enumerate() {
        // Largest remainder: the queue furthest below its fair share gets the agent.
        let due = |idx: usize| queues[idx].voice_share / total * (agent_idx + 1) as f64;
        let home = best(&voice, |idx| due(idx) - members[idx]);
        agent_skills.push(home);
        members[home] += 1.0;
    }
    for (agent_idx, agent_skills) in skills.iter_mut().enumerate() {
        if agent_idx % 5 == 1 || voice.len() < 2 {
            continue;
        }
        let home = agent_skills[0];
        let others: Vec<usize> = voice.iter().copied().filter(|&it| it != home).collect();
        // D'Hondt: the queue with most traffic per member gets the second skill.
        let second = best(&others, |idx| {
            queues[idx].voice_share / (members[idx] + 1.0)
        });
        agent_skills.push(second);
        members[second] += 1.0;
    }
    for (slot, &queue_idx) in voice.iter().enumerate() {
        if agent_count > 0 && members[queue_idx] == 0.0 {
            skills[slot % agent_count].push(queue_idx);
            members[queue_idx] += 1.0;
        }
    }
    skills
}

/// The candidate with the highest score; the first one on ties.
fn best(candidates: &[usize], score: impl Fn(usize) -> f64) -> usize {
    let mut best_idx = candidates[0];
    let mut best_score = f64::NEG_INFINITY;
    for &candidate in candidates {
        let value = score(candidate);
        if value > best_score {
            best_idx = candidate;
            best_score = value;
        }
    }
    best_idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_voice_queue_gets_agents_in_proportion() {
        let queues: Vec<QueuePlan> = directory_queues(Instant::MIN)
            .iter()
            .map(|queue| plan(queue, String::new()))
            .collect();
        let skills = assign_skills(20, &queues);
        let count = |queue: usize| skills.iter().filter(|it| it.contains(&queue)).count();
        assert!(count(1) > count(0) && count(0) > count(2) && count(2) >= count(3));
        assert!(count(3) >= 1);
        assert_eq!(count(4), 0, "nobody rings for the email desk");
        assert!(skills.iter().all(|it| (1..=2).contains(&it.len())));
        let single = assign_skills(1, &queues);
        assert_eq!(single[0].len(), 4, "a lone agent covers every voice queue");
    }
}
