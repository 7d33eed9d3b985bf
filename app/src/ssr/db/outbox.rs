//! The mail outbox: messages queued by a change, claimed and sent by the mail worker
//! ([`crate::ssr::mail`]), and kept for the record once sent (without their secrets).

use super::{DbResult, Sql, Tx};
use sqlx::{AnyPool, FromRow};

/// Where a message is.
pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
/// No SMTP relay is set: the message is kept for a Super User to read in the portal.
pub const KEPT: &str = "kept";
pub const FAILED: &str = "failed";

/// A message as stored, with its domain's name.
#[derive(Debug, Clone, FromRow)]
pub struct MailRow {
    pub id: i64,
    pub domain: Option<String>,
    pub account_id: Option<i64>,
    pub template: String,
    pub recipients: String,
    /// JSON: what the template needs.
    pub params: String,
    pub batch: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const COLUMNS: &str = "m.id, d.name AS domain, m.account_id, m.template, m.recipients, m.params, \
     m.batch, m.status, m.attempts, m.next_attempt_at, m.last_error, m.created_at, m.sent_at";
const FROM: &str = "FROM mail_outbox m LEFT JOIN domains d ON d.id = m.domain_id";

/// A message to queue.
pub struct NewMail<'a> {
    pub domain_id: Option<i64>,
    pub account_id: Option<i64>,
    pub template: &'a str,
    pub recipients: &'a str,
    pub params: &'a str,
    pub batch: Option<&'a str>,
}

/// Queues a message, due now, inside the transaction of the change that causes it.
pub async fn insert(tx: &mut Tx, mail: &NewMail<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO mail_outbox (domain_id, account_id, template, recipients, params, batch, \
         status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(mail.domain_id)
    .bind(mail.account_id)
    .bind(mail.template)
    .bind(mail.recipients)
    .bind(mail.params)
    .bind(mail.batch)
    .bind(QUEUED)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Claims the message that is due first, for `lease_ms`, counting the attempt: one statement,
/// whose conditions are checked again on the row it updates, so two workers (two Roster servers on
/// one Postgres) never claim the same message.
pub async fn claim_due(pool: &AnyPool, now: i64, lease_ms: i64) -> DbResult<Option<MailRow>> {
    let claimed: Option<i64> = sqlx::query_scalar(
        "UPDATE mail_outbox SET claimed_until = $3, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM mail_outbox WHERE status = $1 AND next_attempt_at <= $2 \
                     AND (claimed_until IS NULL OR claimed_until <= $2) \
                     ORDER BY next_attempt_at, id LIMIT 1) \
         AND status = $1 AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2) \
         RETURNING id",
    )
    .bind(QUEUED)
    .bind(now)
    .bind(now + lease_ms)
    .fetch_optional(pool)
    .await?;
    match claimed {
        Some(id) => get(pool, id).await,
        None => Ok(None),
    }
}

/// Ends a claimed message: `status` (sent, kept or failed), its params (its secret removed where
/// it is no longer needed), and the error that ended it.
pub async fn finish(
    pool: &AnyPool,
    id: i64,
    status: &str,
    params: &str,
    error: Option<&str>,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE mail_outbox SET status = $2, params = $3, last_error = $4, claimed_until = NULL, \
         sent_at = CASE WHEN $2 = 'sent' THEN $5 ELSE sent_at END WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(params)
    .bind(error)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts a claimed message back in the queue after a failed attempt, to be tried at `next_at`.
pub async fn retry_at(pool: &AnyPool, id: i64, error: &str, next_at: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE mail_outbox SET last_error = $2, next_attempt_at = $3, claimed_until = NULL \
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(next_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn get(pool: &AnyPool, id: i64) -> DbResult<Option<MailRow>> {
    Ok(Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE m.id = "))
        .bind(id)
        .query_as()
        .fetch_optional(pool)
        .await?)
}

/// Newest first: the messages with `status` (any if `None`), before the message `before` (for
/// the next page), at most `limit`.
pub async fn page(
    pool: &AnyPool,
    status: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<MailRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE 1 = 1"));
    if let Some(status) = status {
        sql.push(" AND m.status = ").bind(status.to_owned());
    }
    if let Some(before) = before {
        sql.push(" AND m.id < ").bind(before);
    }
    sql.push(" ORDER BY m.id DESC LIMIT ").bind(limit);
    Ok(sql.query_as().fetch_all(pool).await?)
}

/// The newest messages to one account, at most `limit`.
pub async fn for_account(pool: &AnyPool, account_id: i64, limit: i64) -> DbResult<Vec<MailRow>> {
    Ok(
        Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE m.account_id = "))
            .bind(account_id)
            .push(" ORDER BY m.id DESC LIMIT ")
            .bind(limit)
            .query_as()
            .fetch_all(pool)
            .await?,
    )
}

/// How many messages of `template` were queued for an account since `since`.
pub async fn count_since(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    template: &str,
    since: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE account_id = $1 AND template = $2 AND created_at >= $3",
    )
    .bind(account_id)
    .bind(template)
    .bind(since)
    .fetch_one(conn)
    .await?)
}

/// How many messages of a batch are at each status.
pub async fn batch_counts(pool: &AnyPool, batch: &str) -> DbResult<Vec<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT status, COUNT(*) FROM mail_outbox WHERE batch = $1 GROUP BY status")
            .bind(batch)
            .fetch_all(pool)
            .await?,
    )
}
