//! The cursor decoders: the native lists', Sencloud's (through a request's paging), and
//! klink's UUIDs of records and directory entries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for list in ["calls", "tickets", "presence"] {
        let _ = cxhub_dialects::cursor::decode(list, text);
        let _ = cxhub_dialects::cursor::decode_key(list, text);
    }
    let body = serde_json::json!({"paging": {"after": text}}).to_string();
    if let Ok(request) = cxhub_dialects::sencloud::decode(body.as_bytes()) {
        let _ = request.validate();
    }
    use cxhub_dialects::klink::ids::{Kind, parse_entry_uuid, parse_record_uuid};
    let _ = parse_record_uuid(Kind::Ticket, text);
    let _ = parse_entry_uuid(cxhub_model::directory::EntryKind::Contact, text);
});
