//! API keys and the answers remembered for Idempotency-Key retries.

use super::{internal, Tx};
use crate::error::AppError;
use sqlx::{AnyPool, FromRow};

/// A key as stored, with the names the listing shows.
#[derive(Debug, Clone, FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub key_id: String,
    pub description: String,
    pub account_id: i64,
    pub created_by: String,
    pub scope: String,
    pub domain_id: Option<i64>,
    pub domain: Option<String>,
    pub domain_reseller: Option<String>,
    pub reseller: String,
    pub read_only: i64,
    pub allowed_addresses: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

const KEY_COLUMNS: &str = "k.id, k.key_id, k.description, k.account_id, a.login AS created_by, \
     k.scope, k.domain_id, d.name AS domain, d.reseller AS domain_reseller, k.reseller, \
     CAST(k.read_only AS BIGINT) AS read_only, k.allowed_addresses, k.created_at, k.last_used_at";
const KEY_FROM: &str =
    "FROM api_keys k JOIN accounts a ON a.id = k.account_id LEFT JOIN domains d ON d.id = k.domain_id";

/// A key about to be stored.
pub struct NewKeyRow<'a> {
    pub key_id: &'a str,
    pub secret_hash: &'a str,
    pub description: &'a str,
    pub account_id: i64,
    pub scope: &'a str,
    pub domain_id: Option<i64>,
    pub reseller: &'a str,
    pub read_only: bool,
    pub allowed_addresses: &'a str,
}

pub async fn insert(tx: &mut Tx, key: &NewKeyRow<'_>, now: i64) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO api_keys (key_id, secret_hash, description, account_id, scope, domain_id, \
         reseller, read_only, allowed_addresses, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(key.key_id)
    .bind(key.secret_hash)
    .bind(key.description)
    .bind(key.account_id)
    .bind(key.scope)
    .bind(key.domain_id)
    .bind(key.reseller)
    .bind(i64::from(key.read_only))
    .bind(key.allowed_addresses)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)
}

/// The key `key_id`, if it exists.
pub async fn get<'e, E>(executor: E, key_id: &str) -> Result<Option<KeyRow>, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!(
        "SELECT {KEY_COLUMNS} {KEY_FROM} WHERE k.key_id = $1"
    ))
    .bind(key_id)
    .fetch_optional(executor)
    .await
    .map_err(internal)
}

/// Every key, newest first: all of them, or those made by one account.
pub async fn list(pool: &AnyPool, account_id: Option<i64>) -> Result<Vec<KeyRow>, AppError> {
    let query = match account_id {
        Some(_) => {
            format!("SELECT {KEY_COLUMNS} {KEY_FROM} WHERE k.account_id = $1 ORDER BY k.id DESC")
        }
        None => format!("SELECT {KEY_COLUMNS} {KEY_FROM} ORDER BY k.id DESC"),
    };
    let mut q = sqlx::query_as(&query);
    if let Some(id) = account_id {
        q = q.bind(id);
    }
    q.fetch_all(pool).await.map_err(internal)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM api_keys WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(())
}

/// What authenticating with a key needs, in one query: the key's limits, and the account it
/// acts for with that account's own domain, user and site.
#[derive(Debug, Clone, FromRow)]
pub struct BearerRow {
    pub id: i64,
    pub secret_hash: String,
    pub scope: String,
    pub domain_id: Option<i64>,
    pub domain: Option<String>,
    pub domain_reseller: Option<String>,
    pub reseller: String,
    pub read_only: i64,
    pub allowed_addresses: String,
    pub last_used_at: Option<i64>,
    pub account_id: i64,
    pub login: String,
    pub display_name: String,
    pub account_scope: String,
    /// 0 or 1.
    pub disabled: i64,
    pub account_domain_id: Option<i64>,
    pub account_reseller: Option<String>,
    pub user_id: Option<i64>,
    pub extension: Option<String>,
    pub site: Option<String>,
}

pub async fn find_bearer(pool: &AnyPool, key_id: &str) -> Result<Option<BearerRow>, AppError> {
    sqlx::query_as(
        "SELECT k.id, k.secret_hash, k.scope, k.domain_id, d.name AS domain, \
         d.reseller AS domain_reseller, k.reseller, CAST(k.read_only AS BIGINT) AS read_only, \
         k.allowed_addresses, k.last_used_at, a.id AS account_id, a.login, a.display_name, \
         a.scope AS account_scope, CAST(a.disabled AS INTEGER) AS disabled, \
         a.domain_id AS account_domain_id, ad.reseller AS account_reseller, u.id AS user_id, \
         u.extension, s.name AS site \
         FROM api_keys k JOIN accounts a ON a.id = k.account_id \
         LEFT JOIN domains d ON d.id = k.domain_id \
         LEFT JOIN domains ad ON ad.id = a.domain_id \
         LEFT JOIN users u ON u.id = a.user_id LEFT JOIN sites s ON s.id = u.site_id \
         WHERE k.key_id = $1",
    )
    .bind(key_id)
    .fetch_optional(pool)
    .await
    .map_err(internal)
}

/// Records that a key was used (callers do it at most once an hour per key).
pub async fn touch(pool: &AnyPool, id: i64, at: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(pool)
        .await
        .map_err(internal)?;
    Ok(())
}

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
) -> Result<Option<RememberedRow>, AppError> {
    sqlx::query_as(
        "SELECT request_hash, CAST(status AS BIGINT) AS status, body FROM idempotency_keys \
         WHERE owner = $1 AND key = $2 AND created_at >= $3",
    )
    .bind(owner)
    .bind(key)
    .bind(since)
    .fetch_optional(pool)
    .await
    .map_err(internal)
}

/// Claims (owner, key) for a request with this hash, unless someone holds it: `true` if this
/// request now holds it. An expired claim is cleared first. The claim has status 0 until
/// [`complete`] stores the answer.
pub async fn claim(
    pool: &AnyPool,
    owner: &str,
    key: &str,
    request_hash: &str,
    now: i64,
    expired_before: i64,
) -> Result<bool, AppError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND created_at < $3")
        .bind(owner)
        .bind(key)
        .bind(expired_before)
        .execute(pool)
        .await
        .map_err(internal)?;
    sqlx::query(
        "INSERT INTO idempotency_keys (owner, key, request_hash, status, body, created_at) \
         VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (owner, key) DO NOTHING",
    )
    .bind(owner)
    .bind(key)
    .bind(request_hash)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1)
    .map_err(internal)
}

/// Stores the answer of the request holding (owner, key).
pub async fn complete(
    pool: &AnyPool,
    owner: &str,
    key: &str,
    status: i64,
    body: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE idempotency_keys SET status = $1, body = $2 WHERE owner = $3 AND key = $4")
        .bind(status)
        .bind(body)
        .bind(owner)
        .bind(key)
        .execute(pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Lets go of (owner, key) without an answer (the request failed on the server), so a retry runs.
pub async fn release(pool: &AnyPool, owner: &str, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND status = 0")
        .bind(owner)
        .bind(key)
        .execute(pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Forgets answers older than `before` (swept with expired sessions).
pub async fn forget_before(pool: &AnyPool, before: i64) -> Result<u64, AppError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        .map_err(internal)
}
