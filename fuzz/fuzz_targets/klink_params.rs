//! klink's `selectedDate`, `page`, `pageSize` and `x-client-timezone`.
#![no_main]

use cxhub_dialects::klink::params;
use cxhub_model::time::Zone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let zone = Zone::parse("Asia/Singapore").expect("a known zone");
    let _ = params::selected_date(text, &zone);
    let (page, size) = text.split_once('&').unwrap_or((text, ""));
    let _ = params::paging(Some(page), Some(size));
    let _ = params::zone(Some(text), &zone);
    let _ = cxhub_dialects::klink::time::parse(text);
});
