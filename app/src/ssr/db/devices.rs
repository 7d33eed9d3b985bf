//! The SIP devices of a domain, read across its users. (A user's devices are written with the
//! user, in `users`.) Every query names its domain.

use super::{contains_pattern, internal};
use crate::error::AppError;
use sqlx::{AnyPool, FromRow};

/// Which devices a list shows, in which order, and which page of them.
#[derive(Debug, Clone, Default)]
pub struct DeviceQuery {
    /// Part of the device's name or of its user's extension; blank for all.
    pub search: String,
    /// By the user's extension rather than by the device's name.
    pub by_user: bool,
    pub descending: bool,
    pub start: u32,
    pub limit: u32,
}

/// A device as stored, with its user's extension and portal scope.
#[derive(Debug, Clone, FromRow)]
pub struct DeviceRow {
    pub device: String,
    pub extension: String,
    pub sip_password: String,
    pub scope: String,
    pub created_at: i64,
}

/// One page of a domain's devices, and how many match in all. With `only_site`, only the devices
/// of that site's users (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain_id: i64,
    only_site: Option<&str>,
    query: &DeviceQuery,
) -> Result<(u64, Vec<DeviceRow>), AppError> {
    // $1 the domain, then the site and the search pattern when there are any, then the page.
    let mut next = 1;
    let mut placeholder = || {
        next += 1;
        format!("${next}")
    };
    let mut filter = "d.domain_id = $1".to_owned();
    if only_site.is_some() {
        filter += &format!(
            " AND u.site_id = (SELECT id FROM sites WHERE domain_id = $1 AND name = {})",
            placeholder()
        );
    }
    let pattern = contains_pattern(query.search.trim());
    if !query.search.trim().is_empty() {
        let p = placeholder();
        filter +=
            &format!(" AND (d.device LIKE {p} ESCAPE '\\' OR u.extension LIKE {p} ESCAPE '\\')");
    }
    let (limit, offset) = (placeholder(), placeholder());
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = if query.by_user {
        format!("u.extension_sort {direction}, d.id")
    } else {
        format!("d.device {direction}")
    };
    let from =
        "FROM devices d JOIN users u ON u.id = d.user_id JOIN accounts a ON a.user_id = u.id";
    let count_sql = format!("SELECT COUNT(*) {from} WHERE {filter}");
    let page_sql = format!(
        "SELECT d.device, u.extension, d.sip_password, a.scope, d.created_at {from} \
         WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    );
    let mut count = sqlx::query_scalar(&count_sql).bind(domain_id);
    let mut page = sqlx::query_as(&page_sql).bind(domain_id);
    if let Some(site) = only_site {
        count = count.bind(site);
        page = page.bind(site);
    }
    if !query.search.trim().is_empty() {
        count = count.bind(&pattern);
        page = page.bind(&pattern);
    }
    let total: i64 = count.fetch_one(pool).await.map_err(internal)?;
    let rows = page
        .bind(i64::from(query.limit))
        .bind(i64::from(query.start))
        .fetch_all(pool)
        .await
        .map_err(internal)?;
    Ok((total.max(0) as u64, rows))
}
