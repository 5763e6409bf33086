//! The dataset: simulated calls, generated one day at a time (so 10M calls never sit in
//! memory), the same every time.

use cxhub_model::interaction::Interaction;
use cxhub_model::time::{Instant, Zone};
use cxhub_sim::{Directory, SimConfig};
use cxhub_store::DirectoryBatch;
use serde_json::Value;

/// The benchmark tenant's zone.
pub const ZONE: &str = "Asia/Ho_Chi_Minh";

pub struct Dataset {
    config: SimConfig,
    directory: Directory,
    calls: usize,
}

impl Dataset {
    /// A center big enough that `calls` fill a year or two: up to 20,000 calls a
    /// weekday, 100 per agent.
    pub fn new(calls: usize) -> Dataset {
        let per_day = u32::try_from(calls / 10)
            .unwrap_or(u32::MAX)
            .clamp(2_000, 20_000);
        let mut config = SimConfig::new(
            jiff::civil::date(2025, 1, 6),
            Zone::parse(ZONE).expect("a known zone"),
        );
        config.calls_per_day = per_day;
        config.agents = per_day / 100;
        // Weekdays carry the full volume and weekends about 40%: about 0.83 on average,
        // and each day also has chats and emails, which are skipped.
        let estimate = (calls as f64 / (f64::from(per_day) * 0.8)).ceil() as u32 + 2;
        config.days = estimate;
        let directory = cxhub_sim::directory(&config);
        Dataset {
            config,
            directory,
            calls,
        }
    }

    pub fn calls(&self) -> usize {
        self.calls
    }

    pub fn agents(&self) -> u32 {
        self.config.agents
    }

    pub fn days_needed(&self) -> u32 {
        self.config.days
    }

    pub fn agent_ids(&self) -> Vec<String> {
        self.directory
            .users
            .iter()
            .map(|it| it.id.as_str().to_owned())
            .collect()
    }

    /// The instant the first simulated day starts.
    pub fn start(&self) -> Instant {
        let midnight = self.config.start.to_datetime(jiff::civil::Time::midnight());
        self.config.zone.instant_of(midnight).expect("a valid day")
    }

    pub fn directory_batch(&self) -> DirectoryBatch {
        DirectoryBatch {
            users: self.directory.users.clone(),
            queues: self.directory.queues.clone(),
            contacts: self.directory.contacts.clone(),
            tags: self.directory.tags.clone(),
            categories: self.directory.categories.clone(),
            attributes: self.directory.attributes.clone(),
            presence_statuses: self.directory.presence_statuses.clone(),
            extensions: Vec::new(),
        }
    }

    /// The calls, a simulated day at a time, `calls` in all.
    pub fn days(&self) -> impl Iterator<Item = Vec<Interaction>> + '_ {
        let mut left = self.calls;
        (0..).map_while(move |index| {
            if left == 0 {
                return None;
            }
            let day = cxhub_sim::simulate_day(&self.config, &self.directory, index);
            let mut calls: Vec<Interaction> = day
                .interactions
                .into_iter()
                .filter(|it| it.call.is_some())
                .collect();
            calls.truncate(left);
            left -= calls.len();
            Some(calls)
        })
    }

    /// The first `n` events the simulated center sends (every channel and presence),
    /// in time order within each day.
    pub fn events(&self, n: usize) -> Vec<Value> {
        let mut out = Vec::with_capacity(n);
        for index in 0.. {
            if out.len() >= n {
                break;
            }
            let day = cxhub_sim::simulate_day(&self.config, &self.directory, index);
            out.extend(cxhub_sim::events::day_events(&day));
        }
        out.truncate(n);
        out
    }
}
