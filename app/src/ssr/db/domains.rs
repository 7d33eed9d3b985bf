//! Domains (tenants): their rows. A domain's settings are one JSON document (see the migration
//! `..0007_core`); its name and reseller are columns, for lookups and permissions.

use super::{flag, DbError, DbResult, Sql, Tx};
use crate::model::domain::{Domain, DomainForm, DomainSettings};
use crate::model::DomainName;
use sqlx::{AnyConnection, AnyPool, FromRow};

const COLUMNS: &str =
    "id, name, reseller, settings, extensions_alphanumeric, created_at, updated_at";

/// [`COLUMNS`] read as `d` of a join, each under its own name.
pub(super) fn joined_columns() -> &'static str {
    static JOINED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        COLUMNS
            .split(", ")
            .map(|c| format!("d.{c} AS {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    &JOINED
}

#[derive(FromRow)]
pub(super) struct DomainRow {
    id: i64,
    name: String,
    reseller: String,
    settings: String,
    extensions_alphanumeric: i64,
    created_at: i64,
    updated_at: i64,
}

/// A domain as the code that works inside it needs it: its row id, settings and switches.
#[derive(Debug, Clone)]
pub struct DomainRef {
    pub id: i64,
    pub settings: DomainSettings,
    pub alphanumeric_extensions: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl DomainRef {
    pub fn name(&self) -> &DomainName {
        &self.settings.domain
    }

    pub fn domain(&self) -> Domain {
        Domain {
            settings: self.settings.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A stored row that no longer parses: logged, and reported as a failure of the database.
pub fn corrupt(what: &str, problem: impl std::fmt::Display) -> DbError {
    tracing::error!(%problem, "stored {what} no longer parses");
    DbError::Other(sqlx::Error::Protocol(format!(
        "stored {what} no longer parses"
    )))
}

impl TryFrom<DomainRow> for DomainRef {
    type Error = DbError;

    /// Rows were valid when written; one that no longer parses is reported, not shown.
    fn try_from(row: DomainRow) -> DbResult<Self> {
        let doc: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&row.settings).map_err(|e| corrupt("domain", e))?;
        let mut form = DomainForm {
            domain: row.name,
            reseller: row.reseller,
            ..DomainForm::default()
        };
        form.read_settings(&doc);
        let settings = form
            .parse_settings()
            .map_err(|e| corrupt("domain", format!("{e:?}")))?;
        Ok(DomainRef {
            id: row.id,
            settings,
            alphanumeric_extensions: row.extensions_alphanumeric != 0,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Which domains a caller sees in lists.
#[derive(Debug, Clone, Copy)]
pub enum Visible<'a> {
    All,
    /// The domains of one reseller.
    Reseller(&'a str),
    /// One domain.
    One(i64),
}

impl Visible<'_> {
    /// Narrows `sql` (which has a `WHERE` already) to these domains, `id` being the domain id.
    pub fn narrow(&self, sql: &mut Sql, id: &str, reseller: &str) {
        match *self {
            Visible::All => {}
            Visible::Reseller(name) => {
                sql.push(&format!(" AND {reseller} <> '' AND {reseller} = "))
                    .bind(name.to_owned());
            }
            Visible::One(one) => {
                sql.push(&format!(" AND {id} = ")).bind(one);
            }
        }
    }
}

/// The domains `visible` allows, by name.
pub async fn list(pool: &AnyPool, visible: Visible<'_>) -> DbResult<Vec<Domain>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM domains WHERE 1 = 1"));
    visible.narrow(&mut sql, "id", "reseller");
    sql.push(" ORDER BY name");
    let rows: Vec<DomainRow> = sql.query_as().fetch_all(pool).await?;
    rows.into_iter()
        .map(|row| DomainRef::try_from(row).map(|d| d.domain()))
        .collect()
}

/// How many users the lists show in each domain the caller may see, by domain name.
pub async fn user_counts(
    pool: &AnyPool,
    visible: Visible<'_>,
) -> DbResult<std::collections::HashMap<String, i64>> {
    let mut sql = Sql::new(&format!(
        "SELECT d.name, COUNT(u.id) FROM domains d LEFT JOIN users u ON u.domain_id = d.id AND {} \
         WHERE 1 = 1",
        super::users::LISTED
    ));
    visible.narrow(&mut sql, "d.id", "d.reseller");
    sql.push(" GROUP BY d.name");
    let rows: Vec<(String, i64)> = sql.query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().collect())
}

/// The domain called `name`, if there is one, read through `conn` (a pool's or a transaction's).
pub async fn find(conn: &mut AnyConnection, name: &DomainName) -> DbResult<Option<DomainRef>> {
    let row: Option<DomainRow> = Sql::new(&format!("SELECT {COLUMNS} FROM domains WHERE name = "))
        .bind(name.as_str().to_owned())
        .query_as()
        .fetch_optional(conn)
        .await?;
    row.map(DomainRef::try_from).transpose()
}

/// [`find`], through the read pool.
pub async fn get(pool: &AnyPool, name: &DomainName) -> DbResult<Option<DomainRef>> {
    let mut conn = pool.acquire().await?;
    find(&mut conn, name).await
}

fn settings_text(s: &DomainSettings) -> DbResult<String> {
    serde_json::to_string(&s.settings()).map_err(|e| DbError::Other(sqlx::Error::Encode(e.into())))
}

/// Stores a new domain. A taken name breaks [`super::Rule::DomainName`].
pub async fn insert(tx: &mut Tx, s: &DomainSettings, now: i64) -> DbResult<DomainRef> {
    let row: DomainRow = Sql::new("INSERT INTO domains (name, reseller, settings, extensions_alphanumeric, created_at, updated_at) VALUES ")
        .row(|r| {
            r.value(s.domain.as_str().to_owned())
                .value(s.reseller.as_str().to_owned())
                .value(settings_text(s).unwrap_or_default())
                .value(flag(false))
                .value(now)
                .value(now);
        })
        .push(&format!(" RETURNING {COLUMNS}"))
        .query_as()
        .fetch_one(&mut **tx)
        .await?;
    DomainRef::try_from(row)
}

/// Replaces the settings of the domain `id` (its name stays). `NotFound` if there is none.
pub async fn update(tx: &mut Tx, id: i64, s: &DomainSettings, now: i64) -> DbResult<DomainRef> {
    let row: DomainRow = Sql::new("UPDATE domains SET settings = ")
        .bind(settings_text(s)?)
        .push(", reseller = ")
        .bind(s.reseller.as_str().to_owned())
        .push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(id)
        .push(&format!(" RETURNING {COLUMNS}"))
        .query_as()
        .fetch_one(&mut **tx)
        .await?;
    DomainRef::try_from(row)
}

/// Deletes the domain `id` and everything in it.
pub async fn delete(tx: &mut Tx, id: i64) -> DbResult<()> {
    let done = sqlx::query("DELETE FROM domains WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Takes the domain's row lock for the rest of `tx`: changes that a domain limit counts (users,
/// sites) then run one at a time, so its limits hold under concurrency. (On SQLite the write
/// lock already does this; on Postgres this row lock does.)
pub async fn lock(tx: &mut Tx, id: i64) -> DbResult<()> {
    // SQLite has no row locks: its write transaction holds the whole file already.
    if tx.backend_name().eq_ignore_ascii_case("sqlite") {
        return Ok(());
    }
    sqlx::query("SELECT id FROM domains WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(())
}

/// How many domains exist.
pub async fn count(pool: &AnyPool) -> DbResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM domains")
        .fetch_one(pool)
        .await?)
}
