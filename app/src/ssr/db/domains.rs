//! Domains (tenants): the SQL that stores and reads them.

use super::{conflict_on, internal, Tx, Unique};
use crate::error::AppError;
use crate::model::domain::{Domain, DomainSettings};
use crate::model::{
    AreaCode, CallerIdName, Description, DialPlan, DialPolicy, DomainName, Language, Limit, Parse,
    PhoneNumber, Reseller, TimeZone, YesNo,
};
use sqlx::{AnyPool, FromRow};

const UNIQUE: &[Unique] = &[Unique {
    postgres_constraint: "domains_name_key",
    sqlite_columns: "domains.name",
    field: "domain",
    message: "A domain with this name already exists.",
}];

const COLUMNS: &str = "name, reseller, description, max_users, max_sites, time_zone, language, area_code, \
     caller_id_name, caller_id_number, CAST(voicemail_enabled AS INTEGER) AS voicemail_enabled, dial_plan, dial_policy, created_at, updated_at";

const INSERT_COLUMNS: &str = "name, reseller, description, max_users, max_sites, time_zone, language, area_code, \
     caller_id_name, caller_id_number, voicemail_enabled, dial_plan, dial_policy, created_at, updated_at";

#[derive(FromRow)]
struct DomainRow {
    name: String,
    reseller: String,
    description: String,
    max_users: Option<i64>,
    max_sites: Option<i64>,
    time_zone: String,
    language: String,
    area_code: Option<i64>,
    caller_id_name: Option<String>,
    caller_id_number: Option<String>,
    voicemail_enabled: i64,
    dial_plan: String,
    dial_policy: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<DomainRow> for Domain {
    type Error = AppError;

    /// Rows were valid when written; one that no longer parses is reported, not shown.
    fn try_from(row: DomainRow) -> Result<Self, AppError> {
        fn opt<T: Parse>(v: Option<impl ToString>) -> Result<Option<T>, crate::model::Invalid> {
            v.map(|v| T::parse(&v.to_string())).transpose()
        }
        let settings = (|| {
            Ok::<_, crate::model::Invalid>(DomainSettings {
                domain: DomainName::parse(&row.name)?,
                reseller: Reseller::parse(&row.reseller)?,
                description: Description::parse(&row.description)?,
                limits_max_users: opt::<Limit>(row.max_users)?,
                limits_max_sites: opt::<Limit>(row.max_sites)?,
                time_zone: TimeZone::parse(&row.time_zone)?,
                language_token: Language::parse(&row.language)?,
                area_code: opt::<AreaCode>(row.area_code)?,
                caller_id_name: opt::<CallerIdName>(row.caller_id_name)?,
                caller_id_number: opt::<PhoneNumber>(row.caller_id_number)?,
                voicemail_enabled: YesNo::from(row.voicemail_enabled != 0),
                dial_plan: DialPlan::parse(&row.dial_plan)?,
                dial_policy: DialPolicy::parse(&row.dial_policy)?,
            })
        })()
        .map_err(|e| {
            tracing::error!(domain = %row.name, problem = %e, "stored domain no longer parses");
            AppError::Internal
        })?;
        Ok(Domain {
            settings,
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

/// The domains `visible` allows, by name.
pub async fn list(pool: &AnyPool, visible: Visible<'_>) -> Result<Vec<Domain>, AppError> {
    let select = |filter: &str| format!("SELECT {COLUMNS} FROM domains {filter} ORDER BY name");
    let rows: Vec<DomainRow> = match visible {
        Visible::All => sqlx::query_as(&select("")).fetch_all(pool).await,
        Visible::Reseller(reseller) => {
            sqlx::query_as(&select("WHERE reseller = $1 AND reseller <> ''"))
                .bind(reseller)
                .fetch_all(pool)
                .await
        }
        Visible::One(id) => {
            sqlx::query_as(&select("WHERE id = $1"))
                .bind(id)
                .fetch_all(pool)
                .await
        }
    }
    .map_err(internal)?;
    rows.into_iter().map(Domain::try_from).collect()
}

/// The domain called `name`, if there is one.
pub async fn get(pool: &AnyPool, name: &DomainName) -> Result<Option<Domain>, AppError> {
    let row: Option<DomainRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM domains WHERE name = $1"))
            .bind(name.as_str())
            .fetch_optional(pool)
            .await
            .map_err(internal)?;
    row.map(Domain::try_from).transpose()
}

/// Stores a new domain. A taken name is a conflict on the `domain` field.
pub async fn insert(tx: &mut Tx, s: &DomainSettings, now: i64) -> Result<Domain, AppError> {
    let row: DomainRow = sqlx::query_as(&format!(
        "INSERT INTO domains ({INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) \
         RETURNING {COLUMNS}"
    ))
    .bind(s.domain.as_str())
    .bind(s.reseller.as_str())
    .bind(s.description.as_str())
    .bind(s.limits_max_users.map(|l| i64::from(l.get())))
    .bind(s.limits_max_sites.map(|l| i64::from(l.get())))
    .bind(s.time_zone.as_str())
    .bind(s.language_token.as_str())
    .bind(s.area_code.map(|a| i64::from(a.get())))
    .bind(s.caller_id_name.as_ref().map(CallerIdName::as_str))
    .bind(s.caller_id_number.as_ref().map(PhoneNumber::as_str))
    .bind(bool::from(s.voicemail_enabled))
    .bind(s.dial_plan.as_str())
    .bind(s.dial_policy.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| conflict_on(&e, UNIQUE).unwrap_or_else(|| internal(e)))?;
    Domain::try_from(row)
}

/// Replaces the settings of the domain called `name` (its name stays). `None` if there is none.
pub async fn update(
    tx: &mut Tx,
    name: &DomainName,
    s: &DomainSettings,
    now: i64,
) -> Result<Option<Domain>, AppError> {
    let row: Option<DomainRow> = sqlx::query_as(&format!(
        "UPDATE domains SET description = $2, max_users = $3, max_sites = $4, time_zone = $5, \
         language = $6, area_code = $7, caller_id_name = $8, caller_id_number = $9, \
         voicemail_enabled = $10, dial_plan = $11, dial_policy = $12, updated_at = $13, \
         reseller = $14 \
         WHERE name = $1 RETURNING {COLUMNS}"
    ))
    .bind(name.as_str())
    .bind(s.description.as_str())
    .bind(s.limits_max_users.map(|l| i64::from(l.get())))
    .bind(s.limits_max_sites.map(|l| i64::from(l.get())))
    .bind(s.time_zone.as_str())
    .bind(s.language_token.as_str())
    .bind(s.area_code.map(|a| i64::from(a.get())))
    .bind(s.caller_id_name.as_ref().map(CallerIdName::as_str))
    .bind(s.caller_id_number.as_ref().map(PhoneNumber::as_str))
    .bind(bool::from(s.voicemail_enabled))
    .bind(s.dial_plan.as_str())
    .bind(s.dial_policy.as_str())
    .bind(now)
    .bind(s.reseller.as_str())
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?;
    row.map(Domain::try_from).transpose()
}

/// Deletes the domain called `name` and everything in it. `false` if there was none.
pub async fn delete(tx: &mut Tx, name: &DomainName) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM domains WHERE name = $1")
        .bind(name.as_str())
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(done.rows_affected() > 0)
}

/// How many domains exist.
pub async fn count(pool: &AnyPool) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM domains")
        .fetch_one(pool)
        .await
        .map_err(internal)
}

/// A domain as the code that works inside it needs it: its row id, settings and switches.
#[derive(Debug, Clone)]
pub struct DomainRef {
    pub id: i64,
    pub settings: DomainSettings,
    pub alphanumeric_extensions: bool,
}

#[derive(FromRow)]
struct DomainRefRow {
    id: i64,
    alphanumeric: i64,
    #[sqlx(flatten)]
    row: DomainRow,
}

/// The domain called `name` with its id, read through `executor` (a pool or a transaction).
pub async fn find_ref<'e, E>(executor: E, name: &DomainName) -> Result<Option<DomainRef>, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<DomainRefRow> = sqlx::query_as(&format!(
        "SELECT id, CAST(extensions_alphanumeric AS INTEGER) AS alphanumeric, {COLUMNS} FROM domains WHERE name = $1"
    ))
    .bind(name.as_str())
    .fetch_optional(executor)
    .await
    .map_err(internal)?;
    row.map(|r| {
        Ok(DomainRef {
            id: r.id,
            alphanumeric_extensions: r.alphanumeric != 0,
            settings: Domain::try_from(r.row)?.settings,
        })
    })
    .transpose()
}

/// Takes the domain's row lock for the rest of `tx`: creates and edits of users in one domain then
/// run one at a time, so its limits (max users, max sites) hold under concurrency. (On SQLite the
/// `BEGIN IMMEDIATE` write lock already does this; on Postgres this row lock does.)
pub async fn lock(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE domains SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(())
}
