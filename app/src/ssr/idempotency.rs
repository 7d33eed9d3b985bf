//! Remembered answers to creates sent with an `Idempotency-Key`: the first request with a key
//! claims it, its answer is kept a day, a retry gets it again. What makes two requests the same
//! (the key, and a hash of the request) is the HTTP layer's to say.
//!
//! An answer may hold secrets (an invitation link, generated SIP passwords, a new API key), and
//! a retry needs them. So neither the key nor the answer is stored as it is: the key is stored as
//! its SHA-256, and the answer encrypted (ChaCha20-Poly1305) with a key derived from the
//! Idempotency-Key itself, which only the client holds. The database alone reads neither.

use super::db::{idempotency, Db};
use super::{now_ms, random_hex};
use crate::error::AppError;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};
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
#[derive(Clone)]
pub struct Ticket {
    pub owner: String,
    /// The SHA-256 of the Idempotency-Key: what is stored.
    pub key: String,
    /// The key the answer is encrypted with, derived from the Idempotency-Key; never stored.
    sealing: [u8; 32],
    token: String,
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket")
            .field("owner", &self.owner)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Ticket {
    pub fn new(owner: &str, key: &str) -> Self {
        let derive = |purpose: &str| -> [u8; 32] {
            let mut hash = Sha256::new();
            for part in [purpose, owner, key] {
                hash.update((part.len() as u64).to_be_bytes());
                hash.update(part.as_bytes());
            }
            hash.finalize().into()
        };
        Self {
            owner: owner.to_owned(),
            key: super::hex(&derive("roster idempotency key")),
            sealing: derive("roster idempotency answer"),
            token: random_hex(16),
        }
    }

    /// `body`, encrypted for storage: hex of a random nonce and the ciphertext.
    fn seal(&self, body: &str) -> Result<String, AppError> {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.sealing));
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, body.as_bytes())
            .map_err(|_| AppError::Internal)?;
        Ok(super::hex(&[nonce.as_slice(), &sealed].concat()))
    }

    /// A stored answer, decrypted; `None` if it does not open with this key.
    fn open(&self, stored: &str) -> Option<String> {
        let bytes = unhex(stored)?;
        let (nonce, sealed) = bytes.split_at_checked(12)?;
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.sealing));
        let body = cipher.decrypt(Nonce::from_slice(nonce), sealed).ok()?;
        String::from_utf8(body).ok()
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Claims the ticket's key for a request hashing to `hash`, or says what holds it.
pub async fn claim(db: &Db, ticket: &Ticket, hash: &str) -> Result<Claim, AppError> {
    let Ticket {
        owner, key, token, ..
    } = ticket;
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
                body: ticket.open(&first.body).ok_or(AppError::Internal)?,
            },
        },
    )
}

/// Keeps the answer of the request that holds the ticket's key.
pub async fn complete(db: &Db, ticket: &Ticket, status: u16, body: &str) -> Result<(), AppError> {
    let sealed = ticket.seal(body)?;
    let Ticket {
        owner, key, token, ..
    } = ticket;
    Ok(idempotency::complete(db.writer(), owner, key, token, i64::from(status), &sealed).await?)
}

/// Lets go of the ticket's key without an answer (the request failed, or was cancelled), so a
/// retry runs. Nothing happens if the key is not this ticket's.
pub async fn release(db: &Db, ticket: &Ticket) -> Result<(), AppError> {
    let Ticket {
        owner, key, token, ..
    } = ticket;
    Ok(idempotency::release(db.writer(), owner, key, token).await?)
}

/// Forgets answers older than a day (swept with expired sessions).
pub async fn sweep(db: &Db) -> Result<u64, AppError> {
    Ok(idempotency::forget_before(db.writer(), now_ms() - KEPT_FOR.as_millis() as i64).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_opens_with_its_own_key_only() {
        let ticket = Ticket::new("key:7", "retry-1");
        let sealed = ticket
            .seal("{\"invitation-link\": \"/set-password?token=opensesame-2f9c\"}")
            .unwrap();
        // (A token long enough that the sealed text cannot hold it by chance, as "abc" could.)
        assert!(!sealed.contains("opensesame") && !ticket.key.contains("retry-1"));
        assert_eq!(
            ticket.open(&sealed).unwrap(),
            "{\"invitation-link\": \"/set-password?token=opensesame-2f9c\"}"
        );
        assert_eq!(Ticket::new("key:7", "retry-2").open(&sealed), None);
        assert_eq!(Ticket::new("key:8", "retry-1").open(&sealed), None);
        assert_eq!(Ticket::new("key:7", "retry-1").key, ticket.key);
    }
}
