//! Web chat and social messaging: a bot greets, hands off to a queue, an agent replies.

use cxhub_model::ids::Key;
use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, Message, SenderKind,
    SlaStatus,
};
use cxhub_model::time::Instant;

use crate::catalog;
use crate::content;
use crate::digital::{Desk, judge_resolution, sla, snapshot};
use crate::queues::Topic;
use crate::random::{self, SimRng};
use crate::records::{self, blank, message, secs_between};

/// Conversations the customer reopens after they were closed.
const REOPEN_CHANCE: f64 = 0.04;

/// Which contacts have an identity on each platform.
pub(super) struct PlatformIndex {
    by_channel: Vec<(String, Vec<usize>)>,
}

impl PlatformIndex {
    pub(super) fn new(directory: &crate::Directory) -> PlatformIndex {
        let mut by_channel: Vec<(String, Vec<usize>)> = Vec::new();
        for (idx, contact) in directory.contacts.iter().enumerate() {
            if contact.deleted_at.is_some() {
                continue;
            }
            for identity in &contact.platform_ids {
                match by_channel
                    .iter_mut()
                    .find(|(channel, _)| *channel == identity.channel)
                {
                    Some((_, contacts)) => contacts.push(idx),
                    None => by_channel.push((identity.channel.clone(), vec![idx])),
                }
            }
        }
        PlatformIndex { by_channel }
    }

    fn contacts(&self, channel: Channel) -> &[usize] {
        self.by_channel
            .iter()
            .find(|(name, _)| name == channel.as_str())
            .map_or(&[], |(_, contacts)| contacts.as_slice())
    }
}

pub(super) fn social_channel(rng: &mut SimRng) -> Channel {
    random::weighted(
        rng,
        &[
            (Channel::Messenger, 0.36),
            (Channel::Whatsapp, 0.30),
            (Channel::Line, 0.08),
            (Channel::Telegram, 0.05),
            (Channel::Viber, 0.04),
            (Channel::Instagram, 0.10),
            (Channel::Facebook, 0.07),
        ],
    )
}

/// How the conversation flows on this kind of channel.
struct Pace {
    /// Seconds from the first message to the bot's hand-off.
    handoff: (f64, f64),
    /// Seconds the customer waits for an agent: minimum and mean of the excess.
    patience: (f64, f64),
    typing: (f64, f64),
    rounds: (i64, i64),
    /// Median seconds before the customer answers.
    customer_gap: f64,
    agent_gap: (f64, f64),
    /// Seconds of silence after the closing line before the conversation closes.
    auto_close: (f64, f64),
}

const CHAT_PACE: Pace = Pace {
    handoff: (15.0, 45.0),
    patience: (30.0, 240.0),
    typing: (5.0, 40.0),
    rounds: (2, 6),
    customer_gap: 45.0,
    agent_gap: (15.0, 90.0),
    auto_close: (30.0, 180.0),
};
const SOCIAL_PACE: Pace = Pace {
    handoff: (2.0, 6.0),
    patience: (1200.0, 3600.0),
    typing: (20.0, 180.0),
    rounds: (1, 3),
    customer_gap: 360.0,
    agent_gap: (60.0, 600.0),
    auto_close: (300.0, 2700.0),
};

pub(super) fn conversation(
    desk: &mut Desk<'_>,
    index: &PlatformIndex,
    rng: &mut SimRng,
    at: Instant,
    channel: Channel,
) -> Interaction {
    let social = channel != Channel::Chat;
    let pace = if social { &SOCIAL_PACE } else { &CHAT_PACE };
    let queue = choose_queue(desk, rng, social);
    let topic = queue.map_or(Topic::Support, |idx| desk.org.queues[idx].topic);
    let mut record = blank(channel, Direction::Inbound, at);
    record.queue_id = queue.map(|idx| desk.org.queues[idx].key.clone());
    record.room_id = Some(format!("room-{}", catalog::hex(rng, 24)));
    record.created_at = Some(at);
    identify(desk, index, rng, &mut record, social);
    let handoff = greet(rng, pace, &mut record, topic);
    let members: Vec<usize> = match queue {
        Some(idx) if !desk.org.queues[idx].members.is_empty() => {
            desk.org.queues[idx].members.clone()
        }
        _ => (0..desk.org.agents.len()).collect(),
    };
    let patience = pace.patience.0 + random::exponential(rng, pace.patience.1);
    let give_up = handoff.plus_millis(random::millis(patience));
    let target = queue.and_then(|idx| desk.org.queues[idx].sla_first_response_secs);
    let resolution_target = queue.and_then(|idx| desk.org.queues[idx].sla_resolution_secs);
    let Some((agent, assigned)) = desk.assign(&members, social, handoff, give_up) else {
        unanswered(desk, &mut record, handoff, give_up, target);
        return record;
    };
    let agent_id = desk.agent_id(agent);
    record
        .messages
        .push(records::assignment(assigned, &agent_id));
    let first_reply = dialogue(rng, pace, &mut record.messages, assigned, &agent_id);
    // The agent is done with the conversation at their closing line; the auto-close
    // timer that follows needs nobody.
    let done = last_agent_line(&record, first_reply);
    desk.hold(agent, social, assigned, done);
    // Summed in milliseconds and rounded down once, as the fold does.
    let mut handled_ms = done.as_millis() - assigned.as_millis();
    let idle = random::uniform(rng, pace.auto_close.0, pace.auto_close.1);
    let close = done.plus_millis(random::millis(idle));
    let mut final_close = close;
    if random::chance(rng, REOPEN_CHANCE) {
        let (back, reply, closed) = reopen(rng, &mut record.messages, close, &agent_id);
        handled_ms += reply.as_millis() - back.as_millis();
        final_close = closed;
    }
    record.agent_id = Some(agent_id.clone());
    record.first_assignee_id = Some(agent_id.clone());
    record.closed_assignee_id = Some(agent_id);
    record.first_response_secs = Some(secs_between(handoff, first_reply));
    record.first_replied_secs = Some(secs_between(at, first_reply));
    record.sla_status = sla(secs_between(handoff, first_reply), target);
    if final_close > desk.clock.end {
        snapshot_open(desk, &mut record, handoff, target);
        judge_resolution(&mut record, resolution_target, desk.clock.end);
        return record;
    }
    record.resolution_secs = Some(secs_between(at, close));
    let handled = u32::try_from(handled_ms.max(0) / 1000).unwrap_or(u32::MAX);
    close_conversation(&mut record, rng, topic, handled, final_close);
    judge_resolution(&mut record, resolution_target, desk.clock.end);
    record
}

/// The customer's first message, the bot's greeting and its hand-off to the queue;
/// returns the hand-off instant, from which first response is measured.
fn greet(rng: &mut SimRng, pace: &Pace, record: &mut Interaction, topic: Topic) -> Instant {
    let at = record.started_at;
    let greeting = at.plus_millis(random::between(rng, 800, 2500));
    let delay = random::uniform(rng, pace.handoff.0, pace.handoff.1);
    let handoff = greeting.plus_millis(random::millis(delay));
    let opener = content::opener(rng, topic);
    record.messages = vec![
        message(at, SenderKind::Contact, None, opener),
        message(greeting, SenderKind::Bot, None, content::BOT_GREETING),
        message(handoff, SenderKind::Bot, None, content::BOT_HANDOFF),
    ];
    handoff
}

fn last_agent_line(record: &Interaction, otherwise: Instant) -> Instant {
    record
        .messages
        .iter()
        .rev()
        .find(|it| it.sender == SenderKind::Agent)
        .map_or(otherwise, |it| it.at)
}

/// Closes a handled conversation at `close`, after `handled` seconds of the agent's work.
fn close_conversation(
    record: &mut Interaction,
    rng: &mut SimRng,
    topic: Topic,
    handled: u32,
    close: Instant,
) {
    let wrap = random::between(rng, 10, 60) as u32;
    record.status = InteractionStatus::Conversation(ConversationStatus::Closed);
    record.handled_secs = Some(handled);
    record.wrap_up_secs = Some(wrap);
    record.full_handled_secs = Some(handled + wrap);
    record.wrap_up_form_id = Some(content::wrap_up_form(topic).to_owned());
    record.full_resolution_secs = Some(secs_between(record.started_at, close));
    record.closed_at = Some(close);
    record.ended_at = Some(close);
    record.updated_at = Some(close.plus_secs(i64::from(wrap)));
    record.disposition = Some(content::disposition(rng, topic).to_owned());
    record.labels = content::labels(rng, topic);
    record.analysis_status = random::chance(rng, 0.7).then(|| "processed".to_owned());
}

fn choose_queue(desk: &Desk<'_>, rng: &mut SimRng, social: bool) -> Option<usize> {
    let weights: Vec<(usize, f64)> = desk
        .org
        .queues
        .iter()
        .enumerate()
        .map(|(idx, queue)| {
            (
                idx,
                if social {
                    queue.social_share
                } else {
                    queue.chat_share
                },
            )
        })
        .filter(|(_, share)| *share > 0.0)
        .collect();
    match weights.is_empty() {
        true => (!desk.org.queues.is_empty()).then_some(0),
        false => Some(random::weighted(rng, &weights)),
    }
}

/// Sets who is writing: a known contact (by their platform identity on social
/// channels) or an anonymous visitor.
fn identify(
    desk: &Desk<'_>,
    index: &PlatformIndex,
    rng: &mut SimRng,
    record: &mut Interaction,
    social: bool,
) {
    let directory = desk.directory;
    if !social {
        let known = random::chance(rng, 0.7);
        let contact = known
            .then(|| catalog::pick_contact(rng, directory))
            .flatten();
        record.contact_id = contact.map(|idx| directory.contacts[idx].id.clone());
        return;
    }
    let candidates = index.contacts(record.channel);
    if candidates.is_empty() || random::chance(rng, 0.25) {
        let phone = desk.org.home.mobile(rng);
        let channel = record.channel.as_str();
        record.contact_platform_id = Some(catalog::platform_id(rng, channel, &phone));
        return;
    }
    let contact = &directory.contacts[*random::pick(rng, candidates)];
    record.contact_id = Some(contact.id.clone());
    record.contact_platform_id = contact
        .platform_ids
        .iter()
        .find(|it| it.channel == record.channel.as_str())
        .map(|it| it.platform_id.clone());
}

/// Plays the conversation from the agent's first reply to their closing line;
/// returns the first reply.
fn dialogue(
    rng: &mut SimRng,
    pace: &Pace,
    messages: &mut Vec<Message>,
    assigned: Instant,
    agent_id: &Key,
) -> Instant {
    let typing = random::uniform(rng, pace.typing.0, pace.typing.1);
    let first_reply = assigned.plus_millis(random::millis(typing));
    let line = content::agent_line(rng);
    messages.push(message(
        first_reply,
        SenderKind::Agent,
        Some(agent_id),
        line,
    ));
    let mut now = first_reply;
    for _ in 0..random::between(rng, pace.rounds.0, pace.rounds.1) {
        let gap = random::lognormal(rng, pace.customer_gap, 0.6);
        now = now.plus_millis(random::millis(gap));
        messages.push(message(
            now,
            SenderKind::Contact,
            None,
            content::customer_line(rng),
        ));
        let gap = random::uniform(rng, pace.agent_gap.0, pace.agent_gap.1);
        now = now.plus_millis(random::millis(gap));
        let line = content::agent_line(rng);
        messages.push(message(now, SenderKind::Agent, Some(agent_id), line));
    }
    now = now.plus_millis(random::millis(random::uniform(rng, 10.0, 40.0)));
    messages.push(message(
        now,
        SenderKind::Agent,
        Some(agent_id),
        content::AGENT_CLOSING,
    ));
    first_reply
}

/// The customer writes again after the close; the agent answers and closes again.
/// Returns when the customer came back, when the agent replied, and the new close.
fn reopen(
    rng: &mut SimRng,
    messages: &mut Vec<Message>,
    close: Instant,
    agent_id: &Key,
) -> (Instant, Instant, Instant) {
    let back = close.plus_millis(random::millis(random::uniform(rng, 1800.0, 10_800.0)));
    messages.push(message(
        close,
        SenderKind::System,
        None,
        crate::events::RESOLVED_NOTE,
    ));
    let line = "Sorry, one more thing about this.";
    messages.push(message(back, SenderKind::Contact, None, line));
    let reply = back.plus_millis(random::millis(random::uniform(rng, 60.0, 600.0)));
    let line = content::agent_line(rng);
    messages.push(message(reply, SenderKind::Agent, Some(agent_id), line));
    let closed = reply.plus_millis(random::millis(random::uniform(rng, 120.0, 600.0)));
    (back, reply, closed)
}

/// Nobody took the conversation before the customer gave up (missed), or before the
/// day ended (still open).
fn unanswered(
    desk: &Desk<'_>,
    record: &mut Interaction,
    handoff: Instant,
    give_up: Instant,
    target: Option<u32>,
) {
    let nobody_on = !(0..desk.org.agents.len()).any(|agent| desk.states[agent].logged_in(handoff));
    // The response clock runs from the bot's last word (docs/metrics.md, "First response").
    let mut waiting_since = handoff;
    if nobody_on {
        waiting_since = handoff.plus_secs(1);
        record.messages.push(message(
            waiting_since,
            SenderKind::Bot,
            None,
            content::BOT_OFFLINE,
        ));
    }
    if give_up > desk.clock.end {
        snapshot_open(desk, record, handoff, target);
        return;
    }
    record.status = InteractionStatus::Conversation(ConversationStatus::Missed);
    record.closed_at = Some(give_up);
    record.ended_at = Some(give_up);
    record.updated_at = Some(give_up);
    // Nothing is owed to a customer who left within the target.
    record.sla_status = target.map(
        |target| match secs_between(waiting_since, give_up) > target {
            true => SlaStatus::Breached,
            false => SlaStatus::Met,
        },
    );
}

/// Reports a conversation still running at midnight as it stands then; one the agent
/// has not answered yet has no response times, and its service level is decided only
/// if its target already passed.
fn snapshot_open(desk: &Desk<'_>, record: &mut Interaction, handoff: Instant, target: Option<u32>) {
    let end = desk.clock.end;
    snapshot(record, end);
    let replied = record
        .messages
        .iter()
        .any(|it| it.sender == SenderKind::Agent);
    if !replied {
        record.first_response_secs = None;
        record.first_replied_secs = None;
        let overdue = target.is_some_and(|secs| handoff.plus_secs(i64::from(secs)) < end);
        record.sla_status = target.map(|_| match overdue {
            true => SlaStatus::Breached,
            false => SlaStatus::Pending,
        });
    }
}
