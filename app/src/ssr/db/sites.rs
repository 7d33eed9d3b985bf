//! Sites (locations) of a domain, and the departments its users name. Every query names its
//! domain.

use super::domains::corrupt;
use super::users::LISTED;
use super::{contains_pattern, DbResult, Listing, Sql, Tx};
use crate::model::site::{DepartmentCount, Site, SiteList, SiteQuery, SiteSettings};
use crate::model::{Department, DomainName, Parse, SiteName};
use sqlx::{AnyConnection, AnyPool, FromRow};

#[derive(FromRow)]
struct SiteRow {
    name: String,
    user_count: i64,
    created_at: i64,
    settings: String,
}

/// A site with how many users the lists show in it.
fn site_columns() -> String {
    format!(
        "s.name, (SELECT COUNT(*) FROM users u WHERE u.site_id = s.id AND {LISTED}) AS user_count, \
         s.created_at, s.settings"
    )
}

fn site(domain: &DomainName, row: SiteRow) -> DbResult<Site> {
    let bad = |e: String| corrupt("site", e);
    let doc: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.settings).map_err(|e| bad(e.to_string()))?;
    let settings = SiteSettings::from_document(&doc).map_err(|e| bad(format!("{e:?}")))?;
    Ok(Site {
        site: SiteName::parse(&row.name).map_err(|e| bad(e.0))?,
        domain: domain.clone(),
        user_count: row.user_count.max(0) as u64,
        created_at: row.created_at,
        settings: settings.to_form(),
    })
}

/// Writes the settings of the site `name` of a domain (the document of those it sets).
pub async fn set_settings(
    tx: &mut Tx,
    domain_id: i64,
    name: &SiteName,
    settings: &SiteSettings,
) -> DbResult<()> {
    let doc = serde_json::Value::Object(settings.settings()).to_string();
    sqlx::query("UPDATE sites SET settings = $3 WHERE domain_id = $1 AND name = $2")
        .bind(domain_id)
        .bind(name.as_str().to_owned())
        .bind(doc)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One page of a domain's sites with their numbers of users, and how many match in all. With
/// `only_site`, that site alone (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain: &DomainName,
    domain_id: i64,
    only_site: Option<&str>,
    query: &SiteQuery,
) -> DbResult<SiteList> {
    let filter = |sql: &mut Sql| {
        sql.push("s.domain_id = ").bind(domain_id);
        if let Some(site) = only_site {
            sql.push(" AND s.name = ").bind(site.to_owned());
        }
        if !query.search.is_empty() {
            sql.push(" AND LOWER(s.name) LIKE ")
                .bind(contains_pattern(&query.search))
                .push(" ESCAPE '\\'");
        }
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = if query.by_user_count {
        format!("user_count {direction}, s.name")
    } else {
        format!("s.name {direction}")
    };
    let (total, rows): (u64, Vec<SiteRow>) = Listing {
        select: &format!("SELECT {}", site_columns()),
        from: "FROM sites s",
        count_from: "FROM sites s",
        order: &order,
        limit: query.limit,
        start: query.start,
        pick_first: None,
        total: None,
    }
    .fetch(pool, filter)
    .await?;
    Ok(SiteList {
        total,
        items: rows
            .into_iter()
            .map(|row| site(domain, row))
            .collect::<DbResult<_>>()?,
    })
}

/// The site `name` of a domain, read through `conn` (a connection or a transaction).
pub async fn get(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    name: &SiteName,
) -> DbResult<Option<Site>> {
    let row: Option<SiteRow> = Sql::new(&format!(
        "SELECT {} FROM sites s WHERE s.domain_id = ",
        site_columns()
    ))
    .bind(domain_id)
    .push(" AND s.name = ")
    .bind(name.as_str().to_owned())
    .query_as()
    .fetch_optional(conn)
    .await?;
    row.map(|row| site(domain, row)).transpose()
}

/// How many sites a domain has.
pub async fn count(tx: &mut Tx, domain_id: i64) -> DbResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE domain_id = $1")
            .bind(domain_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Adds a site to a domain and returns its id. A name the domain has already breaks
/// [`super::Rule::SiteName`].
pub async fn insert(tx: &mut Tx, domain_id: i64, name: &SiteName, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sites (domain_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(domain_id)
    .bind(name.as_str().to_owned())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Renames the site `from` of a domain (its users follow: they refer to it by id). `false` if
/// there is no such site; a name the domain has already breaks [`super::Rule::SiteName`].
pub async fn rename(tx: &mut Tx, domain_id: i64, from: &SiteName, to: &SiteName) -> DbResult<bool> {
    let done = sqlx::query("UPDATE sites SET name = $3 WHERE domain_id = $1 AND name = $2")
        .bind(domain_id)
        .bind(from.as_str().to_owned())
        .bind(to.as_str().to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// How many users (system users too) the site `name` of a domain has.
pub async fn users_in(tx: &mut Tx, domain_id: i64, name: &SiteName) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM users u JOIN sites s ON s.id = u.site_id \
         WHERE s.domain_id = $1 AND s.name = $2",
    )
    .bind(domain_id)
    .bind(name.as_str().to_owned())
    .fetch_one(&mut **tx)
    .await?)
}

/// Deletes the site `name` of a domain; its users stay, with no site (`ON DELETE SET NULL`).
/// `false` if there was no such site.
pub async fn delete(tx: &mut Tx, domain_id: i64, name: &SiteName) -> DbResult<bool> {
    let done = sqlx::query("DELETE FROM sites WHERE domain_id = $1 AND name = $2")
        .bind(domain_id)
        .bind(name.as_str().to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The departments a domain's users name, each with how many users name it, by name. With
/// `only_site`, counting the users of that site alone (what a Site Manager sees).
pub async fn departments(
    pool: &AnyPool,
    domain_id: i64,
    only_site: Option<&str>,
) -> DbResult<Vec<DepartmentCount>> {
    let mut sql = Sql::new("SELECT u.department, COUNT(*) FROM users u WHERE u.domain_id = ");
    sql.bind(domain_id)
        .push(&format!(" AND u.department IS NOT NULL AND {LISTED}"));
    if let Some(site) = only_site {
        sql.push(
            " AND u.site_id = (SELECT id FROM sites WHERE domain_id = u.domain_id AND name = ",
        )
        .bind(site.to_owned())
        .push(")");
    }
    sql.push(" GROUP BY u.department ORDER BY u.department");
    let rows: Vec<(String, i64)> = sql.query_as().fetch_all(pool).await?;
    rows.into_iter()
        .map(|(name, count)| {
            Ok(DepartmentCount {
                department: Department::parse(&name).map_err(|e| corrupt("department", e))?,
                user_count: count.max(0) as u64,
            })
        })
        .collect()
}

/// The id of the domain's site `name`, made if it does not exist yet (another request may be
/// making the same site: whichever row exists is kept).
pub async fn ensure(tx: &mut Tx, domain_id: i64, name: &SiteName, now: i64) -> DbResult<i64> {
    sqlx::query(
        "INSERT INTO sites (domain_id, name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (domain_id, name) DO NOTHING",
    )
    .bind(domain_id)
    .bind(name.as_str().to_owned())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM sites WHERE domain_id = $1 AND name = $2")
            .bind(domain_id)
            .bind(name.as_str().to_owned())
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// The sites of a domain, by name.
pub async fn names(pool: &AnyPool, domain_id: i64) -> DbResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM sites WHERE domain_id = $1 ORDER BY name")
            .bind(domain_id)
            .fetch_all(pool)
            .await?,
    )
}
