//! A deterministic synthetic contact center, for demos, tests and benchmarks.
//!
//! [`directory`] builds a tenant's users, queues, contacts, tags, categories, ticket
//! attributes and presence catalogue; [`simulate_day`] produces one local day of
//! records in the canonical model: calls with their legs, chats, social messages and
//! emails, agents' presence changes, and tickets. The same [`SimConfig`] always gives
//! the same records, and each day draws from its own random streams, so days can be
//! generated one at a time, in any order. The crate does no I/O.
//!
//! Layout:
//! - `catalog`, `names`: the directory and the people and numbers in it.
//! - `queues`: routing and skills; `roster`: shifts, pauses and presence.
//! - `timeline`: the day in the tenant's zone and arrival profiles.
//! - `voice`: the call simulation; `digital`: chat, social and email.
//! - `tickets`: tickets raised from conversations; `content`: what people say.
//! - `records`: what every interaction shares; `random`: seeding and distributions.
//! - [`events`]: the records told as the live events a source would have sent.

mod catalog;
mod content;
mod digital;
pub mod events;
mod names;
mod queues;
mod random;
mod records;
mod roster;
mod tickets;
mod timeline;
mod voice;

use cxhub_model::directory::{Attribute, Category, Contact, PresenceStatus, Queue, Tag, User};
use cxhub_model::interaction::{Channel, Interaction};
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::Ticket;
use cxhub_model::time::Zone;

use crate::catalog::key;
use crate::queues::Org;
use crate::random::Stream;
use crate::timeline::DayClock;

/// The `source` of every simulated record.
pub const SOURCE: &str = "sim";

/// Per-day spacing of the sequence numbers in external ids, so ids stay unique across
/// a run even if two days had records in the same second.
const SEQ_STRIDE: u64 = 1_000_000;
/// Per-day spacing of digital case numbers.
const CASE_STRIDE: i64 = 100_000;

/// What to simulate.
///
/// `start` must leave the run inside 1970-01-02..9999-12-30 in `zone`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    pub seed: u64,
    /// The local date of the first simulated day.
    pub start: jiff::civil::Date,
    pub days: u32,
    /// Users in the directory; all of them work the phones.
    pub agents: u32,
    /// Voice calls on an average weekday (inbound, outbound and internal); weekends carry
    /// about 40%, and digital conversations come on top, in proportion.
    pub calls_per_day: u32,
    /// The tenant's zone: shifts and arrival peaks follow its wall clock.
    pub zone: Zone,
}

impl SimConfig {
    /// A week of a 20-agent center taking 2000 calls a weekday.
    pub fn new(start: jiff::civil::Date, zone: Zone) -> SimConfig {
        SimConfig {
            seed: 1,
            start,
            days: 7,
            agents: 20,
            calls_per_day: 2000,
            zone,
        }
    }
}

/// The tenant's directory, shared by every day of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Directory {
    pub users: Vec<User>,
    pub queues: Vec<Queue>,
    pub contacts: Vec<Contact>,
    pub tags: Vec<Tag>,
    pub categories: Vec<Category>,
    pub attributes: Vec<Attribute>,
    pub presence_statuses: Vec<PresenceStatus>,
}

/// One simulated local day of records, each list in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: jiff::civil::Date,
    pub interactions: Vec<Interaction>,
    pub presence: Vec<PresenceChange>,
    pub tickets: Vec<Ticket>,
}

/// Builds the directory of the simulated tenant; it depends on the seed, the zone, the
/// number of agents and the call volume (which sizes the contact pool).
pub fn directory(config: &SimConfig) -> Directory {
    catalog::build(config)
}

/// Simulates day `day_index` (0-based) of the run. Days are independent: any day can be
/// generated alone and always comes out the same.
pub fn simulate_day(config: &SimConfig, directory: &Directory, day_index: u32) -> Day {
    let clock = DayClock::new(config, day_index);
    let org = Org::new(config, directory);
    let stream = |which| random::stream(config.seed, day_index, which);
    let mut agents = roster::plan(&clock, &org, &mut stream(Stream::Roster));
    let mut interactions = voice::simulate(
        &clock,
        &org,
        directory,
        &mut agents,
        config.calls_per_day,
        &mut stream(Stream::Voice),
    );
    for agent in &mut agents {
        agent.close();
    }
    interactions.extend(digital::simulate(
        &clock,
        &org,
        directory,
        &agents,
        config.calls_per_day,
        &mut stream(Stream::Digital),
    ));
    interactions.sort_by_key(|it| it.started_at);
    stamp_interactions(&mut interactions, day_index);
    let mut tickets = tickets::from_interactions(
        &clock,
        &org,
        directory,
        &interactions,
        &mut stream(Stream::Tickets),
    );
    for (n, ticket) in tickets.iter_mut().enumerate() {
        let secs = ticket.created_at.as_millis().div_euclid(1000);
        ticket.external_id = key(&format!("ticket-{secs}.{}", sequence(day_index, n)));
    }
    let mut presence = roster::presence(&agents, &org);
    for (n, change) in presence.iter_mut().enumerate() {
        let millis = change.at.as_millis();
        change.external_id = key(&format!("presence-{millis}.{}", sequence(day_index, n)));
    }
    Day {
        date: clock.date,
        interactions,
        presence,
        tickets,
    }
}

/// The `n`-th sequence number of a day, as in an Asterisk uniqueid's counter.
fn sequence(day_index: u32, n: usize) -> u64 {
    u64::from(day_index) * SEQ_STRIDE + n as u64 + 1
}

/// Gives the day's interactions, in start order, their time-ordered external ids, and
/// what depends on them: recording URLs and case numbers.
fn stamp_interactions(interactions: &mut [Interaction], day_index: u32) {
    let mut cases = 0_i64;
    for (n, interaction) in interactions.iter_mut().enumerate() {
        let secs = interaction.started_at.as_millis().div_euclid(1000);
        let seq = sequence(day_index, n);
        let external_id = match interaction.channel {
            Channel::Voice => format!("{secs}.{seq}"),
            channel => format!("{}-{secs}.{seq}", channel.as_str()),
        };
        if let Some(call) = interaction.call.as_mut()
            && call.answered_at.is_some()
            && interaction.agent_id.is_some()
        {
            call.recordings = vec![format!("https://recordings.example/sim/{external_id}.wav")];
        }
        if interaction.channel != Channel::Voice {
            cases += 1;
            let case_number = i64::from(day_index) * CASE_STRIDE + 10_000 + cases;
            interaction.case_number = Some(case_number);
            interaction.case_ref = Some(format!("INQ-{case_number}"));
        }
        interaction.external_id = key(&external_id);
    }
}
