//! The time parsers: RFC 3339, klink's forms, and printing what parsed back.
#![no_main]

use cxhub_model::time::Instant;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(at) = Instant::parse_rfc3339(text) {
        assert_eq!(Instant::parse_rfc3339(&at.to_rfc3339()), Ok(at));
    }
    let _ = cxhub_dialects::klink::time::parse(text);
});
