//! Server-only code, compiled only with the `ssr` feature. Its layers run one way, each using
//! only those before it:
//!
//! 1. [`db`]: repositories, the only SQL;
//! 2. [`caller`] (who is asking), [`audit`] (recording what was done) and [`mail`] (queueing
//!    and sending messages);
//! 3. [`access`]: the permission table applied to what is stored;
//! 4. services: [`auth`], [`users`], [`devices`], [`phone_numbers`], [`sites`], [`domains`],
//!    [`call_queues`], [`api_keys`], [`bulk`], [`audit_log`], [`outbox`], [`time_frames`] (with
//!    [`errors`], how a database refusal is told);
//! 5. [`state`] and [`request`]: what a server function or page gets from its request.

pub mod db;

pub mod audit;
pub mod caller;
pub mod mail;

pub mod access;

pub mod answer_rules;
pub mod api_keys;
pub mod audit_log;
pub mod auth;
pub mod bulk;
pub mod call_queues;
pub mod devices;
pub mod domains;
pub mod errors;
pub mod idempotency;
pub mod outbox;
pub mod phone_numbers;
pub mod resellers;
pub mod sites;
pub mod time_frames;
pub mod users;

pub mod request;
pub mod state;

pub use state::AppState;

/// `bytes` in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `len_bytes` bytes from the operating system's random source, in hex: the secret part of a
/// token, key or id.
pub fn random_hex(len_bytes: usize) -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; len_bytes];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// How a voicemail PIN is kept: a random salt and the SHA-256 of salt and PIN (see
/// [`crate::model::PIN_HASH_PREFIX`]). Nothing in Roster needs a PIN back in clear;
/// a voicemail server checks one with [`pin_matches`]. (A PIN has few digits: the hash keeps it
/// from being read off the database, not from being guessed from a stolen copy.)
pub fn hash_pin(pin: &str) -> String {
    use sha2::{Digest, Sha256};
    let salt = random_hex(16);
    let hash = Sha256::digest(format!("{salt}{pin}").as_bytes());
    format!("{}{salt}${}", crate::model::PIN_HASH_PREFIX, hex(&hash))
}

/// Whether `pin` is the PIN kept as `stored` (see [`hash_pin`]).
pub fn pin_matches(stored: &str, pin: &str) -> bool {
    use sha2::{Digest, Sha256};
    let Some((salt, hash)) = stored
        .strip_prefix(crate::model::PIN_HASH_PREFIX)
        .and_then(|rest| rest.split_once('$'))
    else {
        return false;
    };
    hex(&Sha256::digest(format!("{salt}{pin}").as_bytes())) == hash
}

/// Now, in Unix milliseconds: how every timestamp is stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
