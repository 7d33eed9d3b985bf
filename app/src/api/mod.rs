//! Server functions: the portal's endpoints. Each one is thin: find the caller, check they may,
//! parse the input with the model's parsers, call the database, and shape the answer.

pub mod answer_rules;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod call_queues;
pub mod devices;
pub mod domains;
pub mod outbox;
pub mod phone_numbers;
pub mod profile;
pub mod resellers;
pub mod sites;
pub mod time_frames;
pub mod users;

/// Percent-encodes a path for use as a query value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
