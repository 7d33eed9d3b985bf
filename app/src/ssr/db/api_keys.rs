//! API keys.

use super::{DbResult, Sql, Tx};
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
    /// 0 or 1.
    pub can_create_keys: i64,
    /// The `key_id` of the key that made this one, if a key did.
    pub parent: Option<String>,
    /// The user the key acts as (its id and extension), if one.
    pub user_id: Option<i64>,
    pub user_extension: Option<String>,
    /// `*` or model names, `,`-separated.
    pub allowed_models: String,
}

const KEY_COLUMNS: &str = "k.id, k.key_id, k.description, k.account_id, a.login AS created_by, \
     k.scope, k.domain_id, d.name AS domain, d.reseller AS domain_reseller, k.reseller, \
     k.read_only, k.allowed_addresses, k.created_at, k.last_used_at, k.can_create_keys, \
     p.key_id AS parent, k.user_id, ku.extension AS user_extension, k.allowed_models";
const KEY_FROM: &str = "FROM api_keys k JOIN accounts a ON a.id = k.account_id \
     LEFT JOIN domains d ON d.id = k.domain_id LEFT JOIN api_keys p ON p.id = k.parent_id \
     LEFT JOIN users ku ON ku.id = k.user_id";

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
    pub can_create_keys: bool,
    /// The key that makes this one (its row id), if a key does.
    pub parent_id: Option<i64>,
    /// The user the key acts as (its row id), if one: a user of `domain_id`.
    pub user_id: Option<i64>,
    /// `*` or model names, `,`-separated.
    pub allowed_models: &'a str,
}

pub async fn insert(tx: &mut Tx, key: &NewKeyRow<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_keys (key_id, secret_hash, description, account_id, scope, domain_id, \
         reseller, read_only, allowed_addresses, created_at, can_create_keys, parent_id, user_id, \
         allowed_models) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
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
    .bind(i64::from(key.can_create_keys))
    .bind(key.parent_id)
    .bind(key.user_id)
    .bind(key.allowed_models)
    .fetch_one(&mut **tx)
    .await?)
}

/// What `PUT /apikeys/{key_id}` may change of a key: its description and limits.
pub struct KeyLimitsRow<'a> {
    pub description: &'a str,
    pub allowed_addresses: &'a str,
    pub allowed_models: &'a str,
}

pub async fn update(tx: &mut Tx, id: i64, key: &KeyLimitsRow<'_>) -> DbResult<()> {
    sqlx::query(
        "UPDATE api_keys SET description = $1, allowed_addresses = $2, allowed_models = $3 \
         WHERE id = $4",
    )
    .bind(key.description)
    .bind(key.allowed_addresses)
    .bind(key.allowed_models)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The key `key_id`, if it exists.
pub async fn get(conn: &mut sqlx::AnyConnection, key_id: &str) -> DbResult<Option<KeyRow>> {
    Ok(Sql::new(&format!(
        "SELECT {KEY_COLUMNS} {KEY_FROM} WHERE k.key_id = "
    ))
    .bind(key_id.to_owned())
    .query_as()
    .fetch_optional(conn)
    .await?)
}

/// Every key, newest first: all of them, or those made by one account.
pub async fn list(pool: &AnyPool, account_id: Option<i64>) -> DbResult<Vec<KeyRow>> {
    let mut sql = Sql::new(&format!("SELECT {KEY_COLUMNS} {KEY_FROM}"));
    if let Some(id) = account_id {
        sql.push(" WHERE k.account_id = ").bind(id);
    }
    sql.push(" ORDER BY k.id DESC");
    Ok(sql.query_as().fetch_all(pool).await?)
}

pub async fn delete(tx: &mut Tx, id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM api_keys WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What authenticating with a key needs, in one query: the key's limits, the account it acts for
/// with that account's own domain, user and site, and the user it acts as, if it names one.
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
    /// 0 or 1.
    pub can_create_keys: i64,
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
    /// `*` or model names, `,`-separated.
    pub allowed_models: String,
    /// The user the key acts as, if it names one: its id, domain, extension, site, and its
    /// account's scope and `disabled` (0 or 1).
    pub key_user_id: Option<i64>,
    pub key_user_domain_id: Option<i64>,
    pub key_user_extension: Option<String>,
    pub key_user_site: Option<String>,
    pub key_user_scope: Option<String>,
    pub key_user_disabled: Option<i64>,
}

pub async fn find_bearer(pool: &AnyPool, key_id: &str) -> DbResult<Option<BearerRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.secret_hash, k.scope, k.domain_id, d.name AS domain, \
         d.reseller AS domain_reseller, k.reseller, k.read_only, \
         k.allowed_addresses, k.last_used_at, k.can_create_keys, a.id AS account_id, a.login, a.display_name, \
         a.scope AS account_scope, a.disabled, \
         a.domain_id AS account_domain_id, ad.reseller AS account_reseller, u.id AS user_id, \
         u.extension, s.name AS site, k.allowed_models, ku.id AS key_user_id, \
         ku.domain_id AS key_user_domain_id, ku.extension AS key_user_extension, \
         ks.name AS key_user_site, kua.scope AS key_user_scope, kua.disabled AS key_user_disabled \
         FROM api_keys k JOIN accounts a ON a.id = k.account_id \
         LEFT JOIN domains d ON d.id = k.domain_id \
         LEFT JOIN domains ad ON ad.id = a.domain_id \
         LEFT JOIN users u ON u.id = a.user_id LEFT JOIN sites s ON s.id = u.site_id \
         LEFT JOIN users ku ON ku.id = k.user_id LEFT JOIN accounts kua ON kua.user_id = ku.id \
         LEFT JOIN sites ks ON ks.id = ku.site_id \
         WHERE k.key_id = $1",
    )
    .bind(key_id.to_owned())
    .fetch_optional(pool)
    .await?)
}

/// Records that a key was used (callers do it at most once an hour per key).
pub async fn touch(pool: &AnyPool, id: i64, at: i64) -> DbResult<()> {
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
