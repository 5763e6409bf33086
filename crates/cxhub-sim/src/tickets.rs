//! Tickets raised from the day's conversations.
//!
//! A ticket's status depends on how old it is when the run ends: tickets from the first
//! days of a week-long run are mostly resolved or closed, today's are mostly open or in
//! progress, as a help desk looks on the evening of the last day.

use cxhub_model::call::CallStatus;
use cxhub_model::directory::{Attribute, AttributeType};
use cxhub_model::ids::Key;
use cxhub_model::interaction::{Channel, Interaction, InteractionStatus};
use cxhub_model::ticket::{CustomField, FieldValue, Priority, Ticket, TicketStatus};
use cxhub_model::time::Instant;

use crate::Directory;
use crate::catalog::{self, key};
use crate::content;
use crate::queues::{Org, Topic};
use crate::random::{self, SimRng};
use crate::timeline::DayClock;

/// Hours after which half of the tickets are resolved.
const HALF_LIFE_HOURS: f64 = 14.0;
/// Resolved tickets close automatically after this many hours.
const AUTO_CLOSE_HOURS: i64 = 48;

pub(crate) fn from_interactions(
    clock: &DayClock,
    org: &Org,
    directory: &Directory,
    interactions: &[Interaction],
    rng: &mut SimRng,
) -> Vec<Ticket> {
    let mut vips: Vec<&Key> = directory
        .contacts
        .iter()
        .filter(|it| it.tags.iter().any(|tag| tag.as_str() == "tag-vip"))
        .map(|it| &it.id)
        .collect();
    vips.sort();
    let mut tickets = Vec::new();
    for interaction in interactions {
        let Some(creator) = interaction.agent_id.as_ref() else {
            continue;
        };
        if !random::chance(rng, ticket_chance(interaction)) {
            continue;
        }
        let vip = interaction
            .contact_id
            .as_ref()
            .is_some_and(|contact| vips.binary_search(&contact).is_ok());
        tickets.push(ticket(
            clock,
            org,
            directory,
            interaction,
            creator,
            vip,
            rng,
        ));
    }
    tickets.sort_by_key(|it| it.created_at);
    tickets
}

/// How likely a conversation is to need a ticket: emails often do, short calls rarely.
fn ticket_chance(interaction: &Interaction) -> f64 {
    match (interaction.channel, interaction.status) {
        (Channel::Voice, InteractionStatus::Call(CallStatus::Ended)) => match interaction.direction
        {
            cxhub_model::interaction::Direction::Inbound => 0.07,
            cxhub_model::interaction::Direction::Outbound => 0.03,
            cxhub_model::interaction::Direction::Internal => 0.0,
        },
        (Channel::Voice, _) => 0.0,
        (Channel::Email, _) => 0.15,
        _ => 0.06,
    }
}

fn ticket(
    clock: &DayClock,
    org: &Org,
    directory: &Directory,
    interaction: &Interaction,
    creator: &Key,
    vip_contact: bool,
    rng: &mut SimRng,
) -> Ticket {
    let queue = interaction
        .queue_id
        .as_ref()
        .and_then(|id| org.queues.iter().find(|queue| &queue.key == id));
    let topic = queue.map_or(Topic::Support, |it| it.topic);
    let vip = topic == Topic::Care || vip_contact;
    let created_at = interaction
        .ended_at
        .or(interaction.updated_at)
        .unwrap_or(interaction.started_at)
        .plus_millis(random::between(rng, 5_000, 240_000))
        .min(clock.end);
    let (status, updated_at) = lifecycle(rng, created_at, clock.run_end);
    let (assignee, reason) = assignee(org, rng, creator, topic);
    let (title, description) = content::ticket_subject(rng, topic);
    let channel = match interaction.channel {
        Channel::Voice => "phone",
        other => other.as_str(),
    };
    let deleted_at = random::chance(rng, 0.01).then_some(updated_at);
    Ticket {
        id: None,
        number: None,
        source: key(crate::SOURCE),
        external_id: key("pending"),
        version: 1,
        title,
        description: Some(description.to_owned()),
        ticket_type: Some(content::ticket_type(rng, topic).to_owned()),
        channel: Some(channel.to_owned()),
        priority: priority(rng, vip),
        status,
        contact_id: interaction.contact_id.clone(),
        creator_id: Some(creator.clone()),
        assignee_id: Some(assignee),
        reason_to_assign: reason.map(str::to_owned),
        tags: tags(rng, topic, vip),
        categories: categories(rng, topic),
        custom_fields: custom_fields(rng, clock, &directory.attributes, topic, vip),
        created_at,
        updated_at: Some(updated_at),
        deleted_at,
    }
}

/// Status and last update of a ticket created at `created_at`, seen at `now`.
fn lifecycle(rng: &mut SimRng, created_at: Instant, now: Instant) -> (TicketStatus, Instant) {
    let age_secs = now.secs_since(created_at).max(0);
    let age_hours = age_secs as f64 / 3600.0;
    let done = random::chance(rng, 1.0 - 0.5_f64.powf(age_hours / HALF_LIFE_HOURS));
    if !done {
        let status = random::weighted(
            rng,
            &[
                (TicketStatus::Open, 0.35),
                (TicketStatus::InProgress, 0.40),
                (TicketStatus::Pending, 0.25),
            ],
        );
        let touched = random::uniform(rng, 0.0, age_secs as f64 * 0.8);
        return (status, created_at.plus_millis(random::millis(touched)));
    }
    let solve_secs = random::lognormal(rng, 6.0 * 3600.0, 1.0).min(age_secs as f64);
    let resolved = created_at.plus_millis(random::millis(solve_secs));
    let closes = resolved.plus_secs(AUTO_CLOSE_HOURS * 3600);
    match closes <= now {
        true => (TicketStatus::Closed, closes),
        false => (TicketStatus::Resolved, resolved),
    }
}

/// Most tickets stay with the agent who raised them; some go to a colleague who
/// serves the topic's queue.
fn assignee(
    org: &Org,
    rng: &mut SimRng,
    creator: &Key,
    topic: Topic,
) -> (Key, Option<&'static str>) {
    if random::chance(rng, 0.75) {
        let reason = *random::pick(rng, &[None, Some("created from conversation")]);
        return (creator.clone(), reason);
    }
    let specialists: Vec<&Key> = org
        .queues
        .iter()
        .filter(|queue| queue.topic == topic)
        .flat_map(|queue| queue.members.iter().map(|&idx| &org.agents[idx].id))
        .filter(|id| *id != creator)
        .collect();
    match specialists.is_empty() {
        true => (creator.clone(), Some("no specialist available")),
        false => {
            let reason = *random::pick(
                rng,
                &[
                    "escalated to tier 2",
                    "round robin",
                    "specialist team",
                    "customer requested callback",
                ],
            );
            ((*random::pick(rng, &specialists)).clone(), Some(reason))
        }
    }
}

fn priority(rng: &mut SimRng, vip: bool) -> Priority {
    match vip {
        true => random::weighted(
            rng,
            &[
                (Priority::Medium, 0.3),
                (Priority::High, 0.5),
                (Priority::Urgent, 0.2),
            ],
        ),
        false => random::weighted(
            rng,
            &[
                (Priority::Low, 0.28),
                (Priority::Medium, 0.50),
                (Priority::High, 0.18),
                (Priority::Urgent, 0.04),
            ],
        ),
    }
}

fn tags(rng: &mut SimRng, topic: Topic, vip: bool) -> Vec<Key> {
    let mut tags: Vec<Key> = Vec::new();
    if vip {
        tags.push(key("tag-vip"));
    }
    let pool = content::tags(topic);
    for _ in 0..random::between(rng, 0, 3) {
        let tag = key(&format!("tag-{}", random::pick(rng, pool)));
        if !tags.contains(&tag) && tags.len() < 3 {
            tags.push(tag);
        }
    }
    tags
}

fn categories(rng: &mut SimRng, topic: Topic) -> Vec<Key> {
    let pool = content::categories(topic);
    let mut categories: Vec<Key> = Vec::new();
    for _ in 0..random::weighted(rng, &[(0, 0.2), (1, 0.55), (2, 0.25)]) {
        let category = key(&format!("cat-{}", random::pick(rng, pool)));
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    categories
}

/// Values for some of the tenant's attributes, each of the attribute's own type.
fn custom_fields(
    rng: &mut SimRng,
    clock: &DayClock,
    attributes: &[Attribute],
    topic: Topic,
    vip: bool,
) -> Vec<CustomField> {
    let mut fields = Vec::new();
    for attribute in attributes.iter().filter(|it| !it.is_archived) {
        let wanted = match attribute.system_name.as_str() {
            "cf_vip" => vip || random::chance(rng, 0.3),
            "cf_order_id" | "cf_order_total" => {
                matches!(topic, Topic::Sales | Topic::Billing) || random::chance(rng, 0.2)
            }
            "cf_trackingid" => topic == Topic::Support && random::chance(rng, 0.6),
            "cf_refund_approved" => topic == Topic::Billing && random::chance(rng, 0.5),
            "cf_due_date" => random::chance(rng, 0.8),
            _ => random::chance(rng, 0.4),
        };
        if wanted {
            let value = value(rng, clock, attribute, vip);
            fields.push(CustomField {
                attribute_id: attribute.id.clone(),
                value,
            });
        }
    }
    fields
}

fn value(rng: &mut SimRng, clock: &DayClock, attribute: &Attribute, vip: bool) -> FieldValue {
    match attribute.kind {
        AttributeType::Text => FieldValue::Text(match attribute.system_name.as_str() {
            "cf_trackingid" => format!("TRK{}", catalog::digits(rng, 10)),
            "cf_order_id" => format!("ORD-{}", catalog::digits(rng, 7)),
            "cf_product" => random::pick(rng, &content::PRODUCTS).to_string(),
            _ => format!("REF-{}", catalog::digits(rng, 6)),
        }),
        AttributeType::Number => {
            let amount = random::lognormal(rng, 85.0, 0.9).min(50_000.0);
            FieldValue::Number((amount * 100.0).round() / 100.0)
        }
        AttributeType::Boolean => FieldValue::Boolean(match attribute.system_name.as_str() {
            "cf_vip" => vip,
            _ => random::chance(rng, 0.6),
        }),
        AttributeType::Date => {
            let days = random::between(rng, 1, 10);
            let due = clock
                .date
                .checked_add(jiff::Span::new().days(days))
                .unwrap_or(clock.date);
            FieldValue::Date(due)
        }
    }
}
