//! Record ids on a real database file: each tenant's interactions, presence changes and
//! tickets are numbered 1, 2, 3… whatever other tenants write, and a number names a
//! record of the asking tenant only.

use cxhub_model::call::{CallDetail, CallStatus, Party};
use cxhub_model::ids::{Key, RecordId};
use cxhub_model::interaction::{Channel, Direction, Interaction, InteractionStatus};
use cxhub_model::presence::PresenceChange;
use cxhub_model::ticket::{Priority, Ticket, TicketStatus};
use cxhub_model::time::{Instant, Zone};
use cxhub_store::query::{InteractionFilter, PageRequest, PresenceFilter, TicketFilter};
use cxhub_store::{NewTenant, Store, TenantScope};

#[path = "../common/mod.rs"]
mod common;
mod migration;
mod tenants;

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn at(secs: i64) -> Instant {
    Instant::from_secs(1_790_000_000 + secs).unwrap()
}

async fn tenant(store: &Store, id: &str) -> TenantScope {
    store
        .create_tenant(NewTenant {
            id: key(id),
            name: id.to_owned(),
            timezone: Zone::utc(),
        })
        .await
        .unwrap();
    store.tenant(&key(id)).await.unwrap().unwrap().0
}

fn call(external_id: &str, started_secs: i64) -> Interaction {
    Interaction {
        version: 1,
        call: Some(CallDetail::new(Party::default(), Party::default())),
        ..Interaction::new(
            key("pbx"),
            key(external_id),
            Channel::Voice,
            Direction::Inbound,
            InteractionStatus::Call(CallStatus::Ended),
            at(started_secs),
        )
    }
}

fn change(external_id: &str, secs: i64) -> PresenceChange {
    PresenceChange {
        id: None,
        source: key("pbx"),
        external_id: key(external_id),
        version: 1,
        user_id: key("u-1"),
        previous_status: None,
        new_status: key("available"),
        reason: None,
        at: at(secs),
        ended_at: None,
    }
}

fn ticket(external_id: &str, secs: i64) -> Ticket {
    Ticket {
        id: None,
        number: None,
        source: key("crm"),
        external_id: key(external_id),
        version: 1,
        title: format!("ticket {external_id}"),
        description: None,
        ticket_type: None,
        channel: None,
        priority: Priority::Medium,
        status: TicketStatus::Open,
        contact_id: None,
        creator_id: None,
        assignee_id: None,
        reason_to_assign: None,
        tags: Vec::new(),
        categories: Vec::new(),
        custom_fields: Vec::new(),
        created_at: at(secs),
        updated_at: None,
        deleted_at: None,
    }
}

/// The ids of a tenant's records of each kind, in id order.
async fn ids(store: &Store, scope: &TenantScope) -> [Vec<i64>; 3] {
    let page = PageRequest {
        ascending: true,
        ..PageRequest::after(None, 1000)
    };
    let get = |id: Option<RecordId>| id.unwrap().get();
    let interactions = store
        .list_interactions(scope, InteractionFilter::default(), page)
        .await
        .unwrap();
    let presence = store
        .list_presence(scope, PresenceFilter::default(), page)
        .await
        .unwrap();
    let tickets = store
        .list_tickets(scope, TicketFilter::default(), page)
        .await
        .unwrap();
    let sorted = |mut ids: Vec<i64>| {
        ids.sort_unstable();
        ids
    };
    [
        sorted(interactions.items.iter().map(|it| get(it.id)).collect()),
        sorted(presence.items.iter().map(|it| get(it.id)).collect()),
        sorted(tickets.items.iter().map(|it| get(it.id)).collect()),
    ]
}

fn one_to(n: i64) -> Vec<i64> {
    (1..=n).collect()
}
