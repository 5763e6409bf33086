//! Every event type: any JSON value read as a wire event never panics, and an event that
//! reads is one of the known types.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = cxhub_ingest::event::parse(&value);
    }
    // Objects built around each event type, so the fields of every type are reached.
    if let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_slice(data) {
        for (kind, _) in cxhub_ingest::event::TYPES {
            fields.insert("type".to_owned(), serde_json::Value::from(*kind));
            let _ = cxhub_ingest::event::parse(&serde_json::Value::Object(fields.clone()));
        }
    }
});
