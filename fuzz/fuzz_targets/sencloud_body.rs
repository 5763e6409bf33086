//! Sencloud's Twirp body: decoding, then validation of the values and the paging.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = cxhub_dialects::sencloud::decode(data) {
        let _ = request.validate();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        use cxhub_model::directory::EntryKind;
        for kind in [EntryKind::User, EntryKind::Contact, EntryKind::Extension] {
            let _ = cxhub_dialects::sencloud::ids::parse_int_id(kind, text);
        }
    }
});
