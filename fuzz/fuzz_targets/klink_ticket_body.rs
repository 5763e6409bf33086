//! klink's ticket create and update bodies, applied to a ticket.
#![no_main]

use cxhub_dialects::klink::input::TicketInput;
use cxhub_model::ids::Key;
use cxhub_model::ticket::{Priority, Ticket, TicketStatus};
use cxhub_model::time::Instant;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<TicketInput>(data) else {
        return;
    };
    let key = |it: &str| Key::parse(it).expect("a valid key");
    let mut ticket = Ticket {
        id: None,
        number: None,
        source: key("klink-api"),
        external_id: key("fuzz"),
        version: 1,
        title: "t".to_owned(),
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
        created_at: Instant::from_millis(0).expect("the epoch"),
        updated_at: None,
        deleted_at: None,
    };
    if input.apply(&mut ticket, &[], true).is_ok() {
        let _ = ticket.check();
    }
});
