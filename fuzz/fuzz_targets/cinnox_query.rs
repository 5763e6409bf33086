//! CINNOX's call-log query string.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let params: HashMap<String, String> = form_urlencoded(data);
    let _ = cxhub_dialects::cinnox::parse_query(&params);
});

/// `a=1&b=2` into pairs, as the server reads a query string.
fn form_urlencoded(data: &[u8]) -> HashMap<String, String> {
    String::from_utf8_lossy(data)
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}
