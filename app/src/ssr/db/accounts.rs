//! Portal accounts and their one-time set-password links.

use super::{DbResult, Sql, Tx};
use crate::model::{Login, Scope};
use sqlx::{AnyPool, FromRow};

/// An account as stored. `password_hash` is `None` until the owner sets a password.
#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub scope: String,
    pub domain_id: Option<i64>,
    /// Its domain's name (none for a Super User's).
    pub domain: Option<String>,
    pub password_hash: Option<String>,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    /// 0 or 1.
    pub disabled: i64,
    /// The addresses it last logged in from, comma-separated, newest first.
    pub known_addresses: String,
}

/// An account's columns (as `a`) with its domain's name (as `d`): see [`ACCOUNTS`].
const COLUMNS: &str = "a.id, a.login, a.display_name, a.scope, a.domain_id, d.name AS domain, \
     a.password_hash, a.failed_logins, a.locked_until, a.disabled, a.known_addresses";
const ACCOUNTS: &str = "accounts a LEFT JOIN domains d ON d.id = a.domain_id";

/// An account not yet saved.
pub struct NewAccount<'a> {
    pub login: &'a Login,
    pub display_name: &'a str,
    pub scope: Scope,
    pub domain_id: Option<i64>,
}

/// Whether the user of the account (as `u`) lists the e-mail address `email` among its
/// `;`-separated addresses, compared without regard to case.
fn push_has_email(sql: &mut Sql, email: &str) {
    sql.push("LOWER(';' || u.email || ';') LIKE ")
        .bind(super::contains_pattern(&format!(";{email};")))
        .push(" ESCAPE '\\'");
}

/// The one account whose user has the e-mail address `email`; `None` when no account or more
/// than one has it (an address several users share names none of them).
pub async fn find_by_email(pool: &AnyPool, email: &str) -> DbResult<Option<AccountRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM {ACCOUNTS} JOIN users u ON u.id = a.user_id WHERE "
    ));
    push_has_email(&mut sql, email);
    sql.push(" LIMIT 2");
    let mut found: Vec<AccountRow> = sql.query_as().fetch_all(pool).await?;
    Ok(if found.len() == 1 { found.pop() } else { None })
}

pub async fn find_by_login(pool: &AnyPool, login: &Login) -> DbResult<Option<AccountRow>> {
    Ok(Sql::new(&format!(
        "SELECT {COLUMNS} FROM {ACCOUNTS} WHERE a.login = "
    ))
    .bind(login.as_str().to_owned())
    .query_as()
    .fetch_optional(pool)
    .await?)
}

/// Saves a new account. A taken login breaks [`super::Rule::Login`].
pub async fn insert(tx: &mut Tx, account: &NewAccount<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO accounts (login, display_name, scope, domain_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account.login.as_str())
    .bind(account.display_name)
    .bind(account.scope.as_str())
    .bind(account.domain_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// The Super Users that still have no password, oldest first.
pub async fn super_users_without_password(pool: &AnyPool) -> DbResult<Vec<AccountRow>> {
    Ok(Sql::new(&format!(
        "SELECT {COLUMNS} FROM {ACCOUNTS} WHERE a.scope = "
    ))
    .bind(Scope::SuperUser.as_str())
    .push(" AND a.password_hash IS NULL AND a.disabled = 0 ORDER BY a.id")
    .query_as()
    .fetch_all(pool)
    .await?)
}

pub async fn count_super_users(pool: &AnyPool) -> DbResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE scope = $1")
            .bind(Scope::SuperUser.as_str())
            .fetch_one(pool)
            .await?,
    )
}

/// Stores a new password hash, clears any lockout, and ends every live set-password link of the
/// account.
pub async fn set_password_hash(tx: &mut Tx, id: i64, hash: &str, now: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE accounts SET password_hash = $2, password_changed_at = $3, failed_logins = 0, \
         locked_until = NULL WHERE id = $1",
    )
    .bind(id)
    .bind(hash)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    end_password_tokens(tx, id, now).await
}

/// Replaces the hash of a successful login made with older Argon2 parameters.
pub async fn upgrade_password_hash(pool: &AnyPool, id: i64, hash: &str) -> DbResult<()> {
    sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Counts one failed login; from `lock_after` failures in a row on, soft-locks the account until
/// `locked_until`. Returns the failures in a row now, and whether this one locked the account.
pub async fn record_failed_login(
    tx: &mut Tx,
    id: i64,
    lock_after: i64,
    locked_until: i64,
) -> DbResult<(i64, bool)> {
    let failures: i64 = sqlx::query_scalar(
        "UPDATE accounts SET failed_logins = failed_logins + 1, \
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END \
         WHERE id = $1 RETURNING failed_logins",
    )
    .bind(id)
    .bind(lock_after)
    .bind(locked_until)
    .fetch_one(&mut **tx)
    .await?;
    Ok((failures, failures == lock_after))
}

/// A successful login: failures and any soft lock are cleared, and `known` (the addresses it
/// logged in from, newest first) is kept.
pub async fn record_login(tx: &mut Tx, id: i64, known: &str) -> DbResult<()> {
    sqlx::query(
        "UPDATE accounts SET failed_logins = 0, locked_until = NULL, known_addresses = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(known)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a set-password link (only the SHA-256 of its token).
pub async fn insert_password_token(
    tx: &mut Tx,
    token_hash: &str,
    account_id: i64,
    expires_at: i64,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO password_tokens (token_hash, account_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(expires_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The account a live, unused link belongs to, without using it up.
pub async fn peek_password_token(
    pool: &AnyPool,
    token_hash: &str,
    now: i64,
) -> DbResult<Option<AccountRow>> {
    Ok(Sql::new(&format!(
        "SELECT {COLUMNS} FROM {ACCOUNTS} JOIN password_tokens t ON t.account_id = a.id \
         WHERE t.token_hash = "
    ))
    .bind(token_hash.to_owned())
    .push(" AND t.used_at IS NULL AND t.expires_at > ")
    .bind(now)
    .query_as()
    .fetch_optional(pool)
    .await?)
}

/// Uses up a link: marks it used and returns its account and how long the link was made to last
/// (milliseconds), or `None` if it is unknown, used or expired. One statement, so two requests
/// racing with the same link cannot both win.
pub async fn take_password_token(
    tx: &mut Tx,
    token_hash: &str,
    now: i64,
) -> DbResult<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "UPDATE password_tokens SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
         RETURNING account_id, expires_at - created_at",
    )
    .bind(token_hash.to_owned())
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?)
}

/// An account with what permissions need to know about it: its domain, reseller, user and site.
#[derive(Debug, Clone, FromRow)]
pub struct CallerRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub scope: String,
    pub domain_id: Option<i64>,
    pub user_id: Option<i64>,
    /// 0 or 1.
    pub disabled: i64,
    pub domain: Option<String>,
    pub reseller: Option<String>,
    pub extension: Option<String>,
    pub site: Option<String>,
}

/// The account `id` with its domain, reseller, user and site, in one query.
pub async fn find_caller(pool: &AnyPool, id: i64) -> DbResult<Option<CallerRow>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.login, a.display_name, a.scope, a.domain_id, a.user_id, \
         a.disabled, d.name AS domain, d.reseller, u.extension, s.name AS site \
         FROM accounts a LEFT JOIN domains d ON d.id = a.domain_id LEFT JOIN users u ON u.id = a.user_id \
         LEFT JOIN sites s ON s.id = u.site_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// The password hash of an account (`None` if it has none or does not exist).
pub async fn password_hash(pool: &AnyPool, id: i64) -> DbResult<Option<String>> {
    let hash: Option<Option<String>> =
        sqlx::query_scalar("SELECT password_hash FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(hash.flatten())
}

/// What a message to an account needs: who it is, where it is, and its user's e-mail addresses
/// (`None` for an account with no user, such as a Super User's).
#[derive(Debug, Clone, FromRow)]
pub struct MailTo {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub scope: String,
    /// 0 or 1.
    pub disabled: i64,
    pub domain_id: Option<i64>,
    pub domain: Option<String>,
    pub extension: Option<String>,
    pub email: Option<String>,
}

const MAIL_TO: &str = "SELECT a.id, a.login, a.display_name, a.scope, a.disabled, a.domain_id, \
     d.name AS domain, u.extension, u.email \
     FROM accounts a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN domains d ON d.id = a.domain_id";

/// The account `id`, as a message to it needs it.
pub async fn mail_to(conn: &mut sqlx::AnyConnection, id: i64) -> DbResult<Option<MailTo>> {
    Ok(Sql::new(&format!("{MAIL_TO} WHERE a.id = "))
        .bind(id)
        .query_as()
        .fetch_optional(conn)
        .await?)
}

/// The accounts whose login is `login`, or whose user has the e-mail address `email` (compared
/// without regard to case), at most `limit`, oldest first.
pub async fn mail_to_by_login_or_email(
    pool: &AnyPool,
    login: Option<&str>,
    email: Option<&str>,
    limit: i64,
) -> DbResult<Vec<MailTo>> {
    let mut sql = Sql::new(&format!("{MAIL_TO} WHERE a.login = "));
    sql.bind(login.unwrap_or_default().to_owned());
    if let Some(email) = email {
        sql.push(" OR ");
        push_has_email(&mut sql, email);
    }
    sql.push(" ORDER BY a.id LIMIT ").bind(limit);
    Ok(sql.query_as().fetch_all(pool).await?)
}

/// Ends every live set-password link of an account (a newer one is made, one is used, or the
/// password changes: one live link per account).
pub async fn end_password_tokens(tx: &mut Tx, account_id: i64, now: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE password_tokens SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The accounts of `domain_id`'s users (of one site if `site` is given) that may log in, have an
/// e-mail address, have never set a password and hold no live set-password link: those an
/// import left to invite. (account id, extension), in extension order.
pub async fn uninvited(
    pool: &AnyPool,
    domain_id: i64,
    site: Option<&str>,
    now: i64,
) -> DbResult<Vec<(i64, String)>> {
    let mut sql = Sql::new(
        "SELECT a.id, u.extension FROM accounts a JOIN users u ON u.id = a.user_id \
         LEFT JOIN sites s ON s.id = u.site_id WHERE u.domain_id = ",
    );
    sql.bind(domain_id)
        .push(" AND a.password_hash IS NULL AND a.disabled = 0 AND u.email <> '' AND a.scope <> ")
        .bind(Scope::NoPortal.as_str())
        .push(
            " AND NOT EXISTS (SELECT 1 FROM password_tokens t WHERE t.account_id = a.id \
             AND t.used_at IS NULL AND t.expires_at > ",
        )
        .bind(now)
        .push(")");
    if let Some(site) = site {
        sql.push(" AND s.name = ").bind(site.to_owned());
    }
    sql.push(" ORDER BY u.extension");
    Ok(sql.query_as().fetch_all(pool).await?)
}
