//! The first answer to a create sent with an `Idempotency-Key`, remembered so a retry gets it
//! again. Writes go through the writer pool ([`super::Db::writer`]).

use super::DbResult;
use sqlx::{AnyPool, FromRow};

/// The answer remembered for an Idempotency-Key.
#[derive(Debug, Clone, FromRow)]
pub struct RememberedRow {
    pub request_hash: String,
    pub status: i64,
    pub body: String,
}

pub async fn remembered(
    pool: &AnyPool,
    owner: &str,
    key: &str,
    since: i64,
) -> DbResult<Option<RememberedRow>> {
    Ok(sqlx::query_as(
        "SELECT request_hash, status, body FROM idempotency_keys \
         WHERE owner = $1 AND key = $2 AND created_at >= $3",
    )
    .bind(owner.to_owned())
    .bind(key.to_owned())
    .bind(since)
    .fetch_optional(pool)
    .await?)
}

/// Claims (owner, key) for a request with this hash, unless someone holds it: `true` if this
/// request (known by `token`) now holds it. An expired claim is cleared first. The claim has
/// status 0 until [`complete`] stores the answer.
pub async fn claim(
    pool: &AnyPool,
    owner: &str,
    key: &str,
    token: &str,
    request_hash: &str,
    now: i64,
    expired_before: i64,
) -> DbResult<bool> {
    sqlx::query("DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND created_at < $3")
        .bind(owner)
        .bind(key)
        .bind(expired_before)
        .execute(pool)
        .await?;
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (owner, key, claim_token, request_hash, status, body, \
         created_at) VALUES ($1, $2, $3, $4, 0, '', $5) ON CONFLICT (owner, key) DO NOTHING",
    )
    .bind(owner)
    .bind(key)
    .bind(token)
    .bind(request_hash)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stores the answer of the request holding (owner, key) by `token`.
pub async fn complete(
    pool: &AnyPool,
    owner: &str,
    key: &str,
    token: &str,
    status: i64,
    body: &str,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, body = $2 \
         WHERE owner = $3 AND key = $4 AND claim_token = $5 AND status = 0",
    )
    .bind(status)
    .bind(body)
    .bind(owner)
    .bind(key)
    .bind(token)
    .execute(pool)
    .await?;
    Ok(())
}

/// Lets go of (owner, key) without an answer, if the request known by `token` holds it (and
/// nothing otherwise), so a retry runs.
pub async fn release(pool: &AnyPool, owner: &str, key: &str, token: &str) -> DbResult<()> {
    sqlx::query(
        "DELETE FROM idempotency_keys \
         WHERE owner = $1 AND key = $2 AND claim_token = $3 AND status = 0",
    )
    .bind(owner)
    .bind(key)
    .bind(token)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets answers older than `before` (swept with expired sessions).
pub async fn forget_before(pool: &AnyPool, before: i64) -> DbResult<u64> {
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(before)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
