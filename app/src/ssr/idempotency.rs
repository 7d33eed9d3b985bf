//! Remembered answers to creates sent with an `Idempotency-Key`: the first request with a key
//! claims it, its answer is kept a day, a retry gets it again. What makes two requests the same
//! (the key, and a hash of the request) is the HTTP layer's to say.

use super::db::{idempotency, Db};
use super::{now_ms, random_hex};
use crate::error::AppError;
use std::time::Duration;

/// How long an answer is kept for retries.
pub const KEPT_FOR: Duration = Duration::from_secs(24 * 3600);

/// What a request with an Idempotency-Key finds.
pub enum Claim {
    /// The key is this request's now: run it, then [`complete`] or [`release`] the key.
    Mine,
    /// The first request with this key got this answer (status, body).
    Answered { status: u16, body: String },
    /// The first request with this key is still running.
    Running,
    /// The key was used with another request.
    OtherRequest,
}

/// One request's hold on the key `key` of `owner`: it claims, completes and releases the key
/// with its own random token, so it only ever lets go of its own claim. A request cancelled
/// while it claims can therefore release without knowing whether its claim was written.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub owner: String,
    pub key: String,
    token: String,
}

impl Ticket {
    pub fn new(owner: &str, key: &str) -> Self {
        Self {
            owner: owner.to_owned(),
            key: key.to_owned(),
            token: random_hex(16),
        }
    }
}

/// Claims the ticket's key for a request hashing to `hash`, or says what holds it.
pub async fn claim(db: &Db, ticket: &Ticket, hash: &str) -> Result<Claim, AppError> {
    let Ticket { owner, key, token } = ticket;
    let now = now_ms();
    let expired_before = now - KEPT_FOR.as_millis() as i64;
    let try_claim =
        || idempotency::claim(db.writer(), owner, key, token, hash, now, expired_before);
    if try_claim().await? {
        return Ok(Claim::Mine);
    }
    Ok(
        match idempotency::remembered(db.pool(), owner, key, expired_before).await? {
            // Expired since the claim was tried: the request may run as new.
            None => {
                if try_claim().await? {
                    Claim::Mine
                } else {
                    Claim::Running
                }
            }
            Some(first) if first.request_hash != hash => Claim::OtherRequest,
            Some(first) if first.status == 0 => Claim::Running,
            Some(first) => Claim::Answered {
                status: u16::try_from(first.status).unwrap_or(200),
                body: first.body,
            },
        },
    )
}

/// Keeps the answer of the request that holds the ticket's key.
pub async fn complete(db: &Db, ticket: &Ticket, status: u16, body: &str) -> Result<(), AppError> {
    let Ticket { owner, key, token } = ticket;
    Ok(idempotency::complete(db.writer(), owner, key, token, i64::from(status), body).await?)
}

/// Lets go of the ticket's key without an answer (the request failed, or was cancelled), so a
/// retry runs. Nothing happens if the key is not this ticket's.
pub async fn release(db: &Db, ticket: &Ticket) -> Result<(), AppError> {
    let Ticket { owner, key, token } = ticket;
    Ok(idempotency::release(db.writer(), owner, key, token).await?)
}

/// Forgets answers older than a day (swept with expired sessions).
pub async fn sweep(db: &Db) -> Result<u64, AppError> {
    Ok(idempotency::forget_before(db.writer(), now_ms() - KEPT_FOR.as_millis() as i64).await?)
}
