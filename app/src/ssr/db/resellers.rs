//! Resellers: their rows. The name is a column, matched without regard to case (one reseller is
//! "Acme" and "acme"); the description and SMTP relay fields are a JSON document by wire name.
//! A domain names its reseller in `domains.reseller`, with the reseller's own spelling.

use super::domains::corrupt;
use super::users::LISTED;
use super::{DbError, DbResult, Sql, Tx};
use crate::model::fields::FieldContext;
use crate::model::reseller::{ListedReseller, ResellerForm, ResellerSettings};
use crate::model::ResellerName;
use sqlx::{AnyConnection, AnyPool, FromRow};

#[derive(FromRow)]
struct ResellerRow {
    name: String,
    settings: String,
    created_at: i64,
    updated_at: i64,
    domains_total: i64,
    users_total: i64,
}

/// A reseller's columns with how many domains name it and how many users those have.
fn columns() -> String {
    format!(
        "r.name, r.settings, r.created_at, r.updated_at, \
         (SELECT COUNT(*) FROM domains d WHERE d.reseller = r.name) AS domains_total, \
         (SELECT COUNT(*) FROM users u JOIN domains d ON d.id = u.domain_id \
          WHERE d.reseller = r.name AND {LISTED}) AS users_total"
    )
}

impl TryFrom<ResellerRow> for ListedReseller {
    type Error = DbError;

    /// Rows were valid when written; one that no longer parses is reported, not shown.
    fn try_from(row: ResellerRow) -> DbResult<Self> {
        let doc: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&row.settings).map_err(|e| corrupt("reseller", e))?;
        let mut form = ResellerForm {
            reseller: row.name,
            ..ResellerForm::default()
        };
        form.read_settings(&doc);
        let settings = form
            .parse(&FieldContext::STORED)
            .map_err(|e| corrupt("reseller", format!("{e:?}")))?;
        Ok(ListedReseller {
            email_send_smtp_password_set: settings.email_send_smtp_password.is_set(),
            settings,
            domains_total: row.domains_total.max(0) as u64,
            users_total: row.users_total.max(0) as u64,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Every reseller by name, or with `only`, that one (a Reseller's own).
pub async fn list(pool: &AnyPool, only: Option<&str>) -> DbResult<Vec<ListedReseller>> {
    let mut sql = Sql::new(&format!("SELECT {} FROM resellers r", columns()));
    if let Some(name) = only {
        sql.push(" WHERE r.name = ").bind(name.to_owned());
    }
    sql.push(" ORDER BY lower(r.name)");
    let rows: Vec<ResellerRow> = sql.query_as().fetch_all(pool).await?;
    rows.into_iter().map(ListedReseller::try_from).collect()
}

/// The reseller called `name` (in any case), if there is one.
pub async fn find(conn: &mut AnyConnection, name: &str) -> DbResult<Option<ListedReseller>> {
    let row: Option<ResellerRow> = Sql::new(&format!(
        "SELECT {} FROM resellers r WHERE lower(r.name) = lower(",
        columns()
    ))
    .bind(name.to_owned())
    .push(")")
    .query_as()
    .fetch_optional(conn)
    .await?;
    row.map(ListedReseller::try_from).transpose()
}

/// [`find`], through the read pool.
pub async fn get(pool: &AnyPool, name: &str) -> DbResult<Option<ListedReseller>> {
    let mut conn = pool.acquire().await?;
    find(&mut conn, name).await
}

fn document(s: &ResellerSettings) -> String {
    serde_json::Value::Object(s.settings()).to_string()
}

/// Stores a new reseller. A name taken in any case breaks [`super::Rule::ResellerName`].
pub async fn insert(tx: &mut Tx, s: &ResellerSettings, now: i64) -> DbResult<ListedReseller> {
    sqlx::query(
        "INSERT INTO resellers (name, settings, created_at, updated_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(s.reseller.as_str().to_owned())
    .bind(document(s))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    find(&mut **tx, s.reseller.as_str())
        .await?
        .ok_or(DbError::NotFound)
}

/// Replaces the settings of the reseller `s.reseller` (its name is its key and stays).
pub async fn update(tx: &mut Tx, s: &ResellerSettings, now: i64) -> DbResult<ListedReseller> {
    let done = sqlx::query("UPDATE resellers SET settings = $2, updated_at = $3 WHERE name = $1")
        .bind(s.reseller.as_str().to_owned())
        .bind(document(s))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    find(&mut **tx, s.reseller.as_str())
        .await?
        .ok_or(DbError::NotFound)
}

/// The reseller called `name` (in any case) as it spells itself, held for the rest of `tx` so
/// that it cannot be deleted before `tx` ends (a shared row lock on Postgres; SQLite's write
/// transaction holds the whole file already); `None` if there is none.
pub async fn hold(tx: &mut Tx, name: &str) -> DbResult<Option<ResellerName>> {
    let sql = if tx.backend_name().eq_ignore_ascii_case("sqlite") {
        "SELECT name FROM resellers WHERE lower(name) = lower($1)"
    } else {
        "SELECT name FROM resellers WHERE lower(name) = lower($1) FOR SHARE"
    };
    let found: Option<String> = sqlx::query_scalar(sql)
        .bind(name.to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    found
        .map(|n| ResellerName::try_from(n).map_err(|e| corrupt("reseller", e.0)))
        .transpose()
}

/// Deletes the reseller `name` (as it spells itself) unless a domain names it: `Ok(0)` when it
/// is deleted, otherwise how many domains name it. The row is locked first, so no domain can come
/// to name it between the count and the delete.
pub async fn delete_unless_named(tx: &mut Tx, name: &ResellerName) -> DbResult<i64> {
    let sql = if tx.backend_name().eq_ignore_ascii_case("sqlite") {
        "SELECT id FROM resellers WHERE name = $1"
    } else {
        "SELECT id FROM resellers WHERE name = $1 FOR UPDATE"
    };
    sqlx::query(sql)
        .bind(name.as_str().to_owned())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DbError::NotFound)?;
    let naming: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM domains WHERE reseller = $1")
        .bind(name.as_str().to_owned())
        .fetch_one(&mut **tx)
        .await?;
    if naming == 0 {
        sqlx::query("DELETE FROM resellers WHERE name = $1")
            .bind(name.as_str().to_owned())
            .execute(&mut **tx)
            .await?;
    }
    Ok(naming)
}
