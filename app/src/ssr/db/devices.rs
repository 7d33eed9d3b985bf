//! The SIP devices of a domain, read across its users. (A user's devices are written with the
//! user, in `users::write`.) Every query names its domain.

use super::{contains_pattern, DbResult, Listing, Sql};
use md5::{Digest, Md5};
use sqlx::{AnyPool, FromRow};

/// The SIP digest hash (HA1) of a device's credentials with the realm its domain's name, as the
/// SIP server checks them, so it never needs the password itself.
pub fn digest_ha1(device: &str, domain: &str, password: &str) -> String {
    crate::ssr::hex(&Md5::digest(
        format!("{device}:{domain}:{password}").as_bytes(),
    ))
}

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
    /// 1 while the SIP server holds a live registration of the device.
    pub registered: i64,
    pub mac: Option<String>,
    pub model: Option<String>,
}

/// One page of a domain's devices, and how many match in all. With `only_site`, only the devices
/// of that site's users (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain_id: i64,
    only_site: Option<&str>,
    query: &DeviceQuery,
) -> DbResult<(u64, Vec<DeviceRow>)> {
    let search = query.search.trim();
    let filter = |sql: &mut Sql| {
        sql.push("d.domain_id = ").bind(domain_id);
        if let Some(site) = only_site {
            sql.push(
                " AND u.site_id = (SELECT id FROM sites WHERE domain_id = d.domain_id AND name = ",
            )
            .bind(site.to_owned())
            .push(")");
        }
        if !search.is_empty() {
            let pattern = contains_pattern(search);
            sql.push(" AND (d.device LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR u.extension LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = if query.by_user {
        format!("u.extension_sort {direction}, d.id")
    } else {
        format!("d.device {direction}")
    };
    let from =
        "FROM devices d JOIN users u ON u.id = d.user_id JOIN accounts a ON a.user_id = u.id";
    Listing {
        select:
            "SELECT d.device, u.extension, d.sip_password, a.scope, d.created_at, d.mac, d.model, \
                 CASE WHEN EXISTS (SELECT 1 FROM sip_registrations r \
                     WHERE r.username = d.device \
                     AND r.domain = (SELECT name FROM domains WHERE id = d.domain_id)) \
                 THEN 1 ELSE 0 END AS registered",
        from,
        count_from: from,
        order: &order,
        limit: query.limit,
        start: query.start,
    }
    .fetch(pool, filter)
    .await
}
