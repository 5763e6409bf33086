//! Email: answered from a shared inbox, hours after it arrives.

use cxhub_model::interaction::{
    Channel, ConversationStatus, Direction, Interaction, InteractionStatus, SenderKind, SlaStatus,
};
use cxhub_model::time::Instant;

use crate::catalog;
use crate::content;
use crate::digital::{Desk, judge_resolution, sla, snapshot};
use crate::queues::Topic;
use crate::random::{self, SimRng};
use crate::records::{self, blank, message, secs_between};

/// Median seconds an email waits in the inbox before an agent opens it.
const INBOX_MEDIAN_SECS: f64 = 6000.0;

#[derive(Clone, Copy, PartialEq)]
enum Thread {
    /// The first reply solves it.
    Resolved,
    /// The customer answers and gets a second reply.
    BackAndForth,
    /// The reply asks the customer for something; no answer yet.
    WaitingOnCustomer,
}

pub(super) fn email(desk: &Desk<'_>, rng: &mut SimRng, at: Instant) -> Interaction {
    let queue = inbox(desk, rng);
    let topic = random::weighted(
        rng,
        &[
            (Topic::Sales, 0.3),
            (Topic::Support, 0.5),
            (Topic::Billing, 0.2),
        ],
    );
    let mut record = received(desk, rng, at, queue, topic);
    let target = queue.and_then(|idx| desk.org.queues[idx].sla_first_response_secs);
    let resolution_target = queue.and_then(|idx| desk.org.queues[idx].sla_resolution_secs);
    let wait = random::lognormal(rng, INBOX_MEDIAN_SECS, 0.8).clamp(300.0, 43_200.0);
    let due = at.plus_millis(random::millis(wait));
    let first = desk
        .first_available(rng, due)
        .filter(|(_, reply)| *reply <= desk.clock.end);
    let Some((agent, reply)) = first else {
        // Nobody got to it today.
        let overdue = target.is_some_and(|secs| at.plus_secs(i64::from(secs)) < desk.clock.end);
        record.sla_status = target.map(|_| match overdue {
            true => SlaStatus::Breached,
            false => SlaStatus::Pending,
        });
        return record;
    };
    answer(desk, rng, &mut record, agent, reply);
    record.first_response_secs = Some(secs_between(at, reply));
    record.first_replied_secs = record.first_response_secs;
    record.sla_status = sla(secs_between(at, reply), target);
    let thread = random::weighted(
        rng,
        &[
            (Thread::Resolved, 0.55),
            (Thread::BackAndForth, 0.30),
            (Thread::WaitingOnCustomer, 0.15),
        ],
    );
    let mut last = reply;
    if thread == Thread::BackAndForth {
        follow_up(desk, rng, &mut record, reply);
        last = record.messages.last().map_or(reply, |it| it.at);
    }
    // Worked from the first assignment to the last reply (docs/metrics.md, "Handled").
    let assigned = record
        .messages
        .iter()
        .find(|it| it.sender == SenderKind::System && it.agent_id.is_some())
        .map_or(reply, |it| it.at);
    let last_reply = record
        .messages
        .iter()
        .rev()
        .find(|it| it.sender == SenderKind::Agent)
        .map_or(reply, |it| it.at);
    let handled = secs_between(assigned, last_reply);
    let close = last.plus_millis(random::millis(random::uniform(rng, 600.0, 7200.0)));
    let agent_wrote_last = record
        .messages
        .last()
        .is_some_and(|it| it.sender == SenderKind::Agent);
    if thread == Thread::WaitingOnCustomer || close > desk.clock.end || !agent_wrote_last {
        snapshot(&mut record, desk.clock.end);
        judge_resolution(&mut record, resolution_target, desk.clock.end);
        return record;
    }
    close_thread(&mut record, rng, topic, close, handled);
    judge_resolution(&mut record, resolution_target, desk.clock.end);
    record
}

/// The email as it lands in the inbox: mostly from a known contact.
fn received(
    desk: &Desk<'_>,
    rng: &mut SimRng,
    at: Instant,
    queue: Option<usize>,
    topic: Topic,
) -> Interaction {
    let mut record = blank(Channel::Email, Direction::Inbound, at);
    record.queue_id = queue.map(|idx| desk.org.queues[idx].key.clone());
    let known = random::chance(rng, 0.8);
    let contact = known
        .then(|| catalog::pick_contact(rng, desk.directory))
        .flatten();
    record.contact_id = contact.map(|idx| desk.directory.contacts[idx].id.clone());
    record.created_at = Some(at);
    record.updated_at = Some(at);
    let opener = content::opener(rng, topic);
    record
        .messages
        .push(message(at, SenderKind::Contact, None, opener));
    record
}

/// An agent replies at `at` and owns the email from then on.
fn answer(desk: &Desk<'_>, rng: &mut SimRng, record: &mut Interaction, agent: usize, at: Instant) {
    let agent_id = desk.agent_id(agent);
    // A new owner opens the thread and works on the reply before sending it.
    if record.agent_id.as_ref() != Some(&agent_id) {
        let since = record.messages.last().map_or(at, |it| it.at);
        let opened = at.plus_secs(-i64::from(work_secs(rng))).max(since);
        record.messages.push(records::assignment(opened, &agent_id));
    }
    let line = content::agent_line(rng);
    record
        .messages
        .push(message(at, SenderKind::Agent, Some(&agent_id), line));
    if record.first_assignee_id.is_none() {
        record.first_assignee_id = Some(agent_id.clone());
    }
    record.agent_id = Some(agent_id);
}

/// The customer writes back and, if someone is free before the day ends, gets a
/// second reply; returns when that reply went out.
fn follow_up(
    desk: &Desk<'_>,
    rng: &mut SimRng,
    record: &mut Interaction,
    reply: Instant,
) -> Option<Instant> {
    let back = reply.plus_millis(random::millis(random::lognormal(rng, 5400.0, 0.7)));
    let line = content::customer_line(rng);
    record
        .messages
        .push(message(back, SenderKind::Contact, None, line));
    let due = back.plus_millis(random::millis(random::lognormal(rng, 3600.0, 0.7)));
    let (agent, at) = desk
        .first_available(rng, due)
        .filter(|(_, at)| *at <= desk.clock.end)?;
    answer(desk, rng, record, agent, at);
    Some(at)
}

/// Closes an answered email at `close`.
fn close_thread(
    record: &mut Interaction,
    rng: &mut SimRng,
    topic: Topic,
    close: Instant,
    handled: u32,
) {
    let wrap = random::between(rng, 0, 60) as u32;
    record.status = InteractionStatus::Conversation(ConversationStatus::Closed);
    record.handled_secs = Some(handled);
    record.closed_assignee_id = record.agent_id.clone();
    record.wrap_up_secs = Some(wrap);
    record.full_handled_secs = Some(handled + wrap);
    record.wrap_up_form_id = Some(content::wrap_up_form(topic).to_owned());
    record.closed_at = Some(close);
    record.ended_at = Some(close);
    record.resolution_secs = Some(secs_between(record.started_at, close));
    record.full_resolution_secs = record.resolution_secs;
    record.updated_at = Some(close);
    record.disposition = Some(content::disposition(rng, topic).to_owned());
    record.labels = content::labels(rng, topic);
    record.analysis_status = random::chance(rng, 0.6).then(|| "processed".to_owned());
}

/// The email desk: a queue that takes email, else the first queue.
fn inbox(desk: &Desk<'_>, rng: &mut SimRng) -> Option<usize> {
    let weights: Vec<(usize, f64)> = desk
        .org
        .queues
        .iter()
        .enumerate()
        .filter(|(_, queue)| queue.email_share > 0.0)
        .map(|(idx, queue)| (idx, queue.email_share))
        .collect();
    match weights.is_empty() {
        true => (!desk.org.queues.is_empty()).then_some(0),
        false => Some(random::weighted(rng, &weights)),
    }
}

/// Seconds an agent spends reading and answering one email.
fn work_secs(rng: &mut SimRng) -> u32 {
    random::between(rng, 180, 720) as u32
}
