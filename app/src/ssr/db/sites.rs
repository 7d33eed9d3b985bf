//! Sites (locations) of a domain, and the departments its users name. Every query names its
//! domain.

use super::{conflict_on, contains_pattern, internal, DomainPage, Tx, Unique};
use crate::error::AppError;
use crate::model::site::{DepartmentCount, Site, SiteList, SiteQuery};
use crate::model::{Department, DomainName, Parse, SiteName};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// What a second site of the same name in a domain is told.
pub const TAKEN: &str = "This domain already has a site with this name.";

const UNIQUE: &[Unique] = &[Unique {
    postgres_constraint: "sites_domain_name_key",
    sqlite_columns: "sites.domain_id, sites.name",
    field: "site",
    message: TAKEN,
}];

#[derive(FromRow)]
struct SiteRow {
    name: String,
    user_count: i64,
    created_at: i64,
}

/// Users with a `system-` service code are not counted, as the users list does not show them.
const REGULAR: &str = "(u.service_code IS NULL OR u.service_code NOT LIKE 'system-%')";

const SITE_COLUMNS: &str = "s.name, (SELECT COUNT(*) FROM users u WHERE u.site_id = s.id \
     AND (u.service_code IS NULL OR u.service_code NOT LIKE 'system-%')) AS user_count, s.created_at";

fn corrupt(e: impl std::fmt::Display) -> AppError {
    tracing::error!(problem = %e, "a stored site no longer parses");
    AppError::Internal
}

fn site(domain: &DomainName, row: SiteRow) -> Result<Site, AppError> {
    Ok(Site {
        site: SiteName::parse(&row.name).map_err(corrupt)?,
        domain: domain.clone(),
        user_count: row.user_count.max(0) as u64,
        created_at: row.created_at,
    })
}

/// One page of a domain's sites with their numbers of users, and how many match in all. With
/// `only_site`, that site alone (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain: &DomainName,
    domain_id: i64,
    only_site: Option<&str>,
    query: &SiteQuery,
) -> Result<SiteList, AppError> {
    let mut found = DomainPage::new("s.domain_id = $1");
    if let Some(site) = only_site {
        found.and(site.to_owned(), |p| format!("s.name = {p}"));
    }
    if !query.search.is_empty() {
        found.and(contains_pattern(&query.search), |p| {
            format!("LOWER(s.name) LIKE {p} ESCAPE '\\'")
        });
    }
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = if query.by_user_count {
        format!("user_count {direction}, s.name")
    } else {
        format!("s.name {direction}")
    };
    let select = format!("SELECT {SITE_COLUMNS} FROM sites s");
    let (total, rows): (u64, Vec<SiteRow>) = found
        .fetch(
            pool,
            domain_id,
            "FROM sites s",
            &select,
            &order,
            query.limit,
            query.start,
        )
        .await?;
    Ok(SiteList {
        total,
        items: rows
            .into_iter()
            .map(|row| site(domain, row))
            .collect::<Result<_, _>>()?,
    })
}

/// The site `name` of a domain, read through `conn` (a connection or a transaction).
pub async fn get(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    name: &SiteName,
) -> Result<Option<Site>, AppError> {
    let row: Option<SiteRow> = sqlx::query_as(&format!(
        "SELECT {SITE_COLUMNS} FROM sites s WHERE s.domain_id = $1 AND s.name = $2"
    ))
    .bind(domain_id)
    .bind(name.as_str())
    .fetch_optional(conn)
    .await
    .map_err(internal)?;
    row.map(|row| site(domain, row)).transpose()
}

/// How many sites a domain has.
pub async fn count(tx: &mut Tx, domain_id: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE domain_id = $1")
        .bind(domain_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)
}

/// Adds a site to a domain. A name the domain has already is a conflict on `site`.
pub async fn insert(
    tx: &mut Tx,
    domain_id: i64,
    name: &SiteName,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO sites (domain_id, name, created_at) VALUES ($1, $2, $3)")
        .bind(domain_id)
        .bind(name.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(|e| conflict_on(&e, UNIQUE).unwrap_or_else(|| internal(e)))?;
    Ok(())
}

/// Renames the site `from` of a domain (its users follow: they refer to it by id). `false` if
/// there is no such site; a name the domain has already is a conflict on `site`.
pub async fn rename(
    tx: &mut Tx,
    domain_id: i64,
    from: &SiteName,
    to: &SiteName,
) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE sites SET name = $3 WHERE domain_id = $1 AND name = $2")
        .bind(domain_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .execute(&mut **tx)
        .await
        .map_err(|e| conflict_on(&e, UNIQUE).unwrap_or_else(|| internal(e)))?;
    Ok(done.rows_affected() > 0)
}

/// How many users (system users too) the site `name` of a domain has.
pub async fn users_in(tx: &mut Tx, domain_id: i64, name: &SiteName) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM users u JOIN sites s ON s.id = u.site_id \
         WHERE s.domain_id = $1 AND s.name = $2",
    )
    .bind(domain_id)
    .bind(name.as_str())
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)
}

/// Deletes the site `name` of a domain; its users stay, with no site (`ON DELETE SET NULL`).
/// `false` if there was no such site.
pub async fn delete(tx: &mut Tx, domain_id: i64, name: &SiteName) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM sites WHERE domain_id = $1 AND name = $2")
        .bind(domain_id)
        .bind(name.as_str())
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(done.rows_affected() > 0)
}

/// The departments a domain's users name, each with how many users name it, by name. With
/// `only_site`, counting the users of that site alone (what a Site Manager sees).
pub async fn departments(
    pool: &AnyPool,
    domain_id: i64,
    only_site: Option<&str>,
) -> Result<Vec<DepartmentCount>, AppError> {
    let site = match only_site {
        Some(_) => " AND u.site_id = (SELECT id FROM sites WHERE domain_id = $1 AND name = $2)",
        None => "",
    };
    let sql = format!(
        "SELECT u.department, COUNT(*) FROM users u \
         WHERE u.domain_id = $1 AND u.department IS NOT NULL AND {REGULAR}{site} \
         GROUP BY u.department ORDER BY u.department"
    );
    let mut query = sqlx::query_as(&sql).bind(domain_id);
    if let Some(site) = only_site {
        query = query.bind(site);
    }
    let rows: Vec<(String, i64)> = query.fetch_all(pool).await.map_err(internal)?;
    rows.into_iter()
        .map(|(name, count)| {
            Ok(DepartmentCount {
                department: Department::parse(&name).map_err(corrupt)?,
                user_count: count.max(0) as u64,
            })
        })
        .collect()
}
