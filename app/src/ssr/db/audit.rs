//! The audit log: written inside the transaction of the change it records, read newest first.

use super::domains::Visible;
use super::{contains_pattern, DbError, DbResult, Sql, Tx};
use crate::model::audit::{day_start_ms, AuditEntry, AuditPage, AuditQuery, Change, AUDIT_PAGE};
use sqlx::{AnyPool, FromRow};
use std::collections::BTreeMap;

/// The change in which a `user.import` entry names the users it created: their extensions,
/// separated by `, `.
pub const IMPORTED_USERS: &str = "users";

/// One entry about to be written.
pub struct NewEntry<'a> {
    /// The acting account (`None` for Roster itself) and its login.
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub address: &'a str,
    /// The domain acted in: its id and name.
    pub domain: Option<(i64, &'a str)>,
    pub action: &'a str,
    pub target: &'a str,
    /// Field -> (before, after), secrets already masked.
    pub changes: &'a BTreeMap<String, (String, String)>,
}

/// Writes `entry` in `tx`, so it exists exactly when the change does.
pub async fn record(tx: &mut Tx, entry: &NewEntry<'_>, now: i64) -> DbResult<()> {
    let changes = serde_json::to_string(entry.changes)
        .map_err(|e| DbError::Other(sqlx::Error::Encode(e.into())))?;
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, address, domain_id, domain, action, target, changes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now)
    .bind(entry.actor_id)
    .bind(entry.actor)
    .bind(entry.address)
    .bind(entry.domain.map(|(id, _)| id))
    .bind(entry.domain.map(|(_, name)| name))
    .bind(entry.action)
    .bind(entry.target)
    .bind(changes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct EntryRow {
    id: i64,
    at: i64,
    actor: String,
    address: String,
    domain: Option<String>,
    action: String,
    target: String,
    changes: String,
}

/// A page of the entries of the domains `readable` allows that match `query`, newest first.
pub async fn list(
    pool: &AnyPool,
    readable: Visible<'_>,
    query: &AuditQuery,
) -> DbResult<AuditPage> {
    // Every condition is a fixed piece of SQL; what was typed is only ever bound.
    let mut sql = Sql::new(
        "SELECT id, at, actor, address, domain, action, target, changes FROM audit_log WHERE 1 = 1",
    );
    match readable {
        Visible::All => {}
        Visible::Reseller(reseller) => {
            sql.push(
                " AND domain_id IN (SELECT id FROM domains WHERE reseller <> '' AND reseller = ",
            )
            .bind(reseller.to_owned())
            .push(")");
        }
        Visible::One(id) => {
            sql.push(" AND domain_id = ").bind(id);
        }
    }
    if !query.domain.trim().is_empty() {
        sql.push(" AND domain = ")
            .bind(query.domain.trim().to_lowercase());
    }
    if !query.user.trim().is_empty() {
        let user = query.user.trim();
        sql.push(" AND (actor = ")
            .bind(user.to_owned())
            .push(" OR target = ")
            .bind(user.to_owned())
            .push(" OR (action = 'user.import' AND (");
        // An import names its users in one change, stored as `{"users":["","101, 102, 103"]}`.
        // An extension holds no quote, comma or space, so it is found whole between those.
        let list = ["[\"\",\"{}\"]", "[\"\",\"{}, ", ", {}, ", ", {}\"]"];
        for (i, around) in list.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("changes LIKE ")
                .bind(contains_pattern(&around.replace("{}", user)))
                .push(" ESCAPE '\\'");
        }
        sql.push(")))");
    }
    if !query.action.trim().is_empty() {
        let action = query.action.trim();
        if action.ends_with('.') {
            sql.push(" AND action LIKE ").bind(format!("{action}%"));
        } else {
            sql.push(" AND action = ").bind(action.to_owned());
        }
    }
    if let Some(from) = day_start_ms(&query.from) {
        sql.push(" AND at >= ").bind(from);
    }
    if let Some(to) = day_start_ms(&query.to) {
        sql.push(" AND at < ").bind(to + 86_400_000);
    }
    if let Some(before) = query.before {
        sql.push(" AND id < ").bind(before);
    }
    sql.push(" ORDER BY id DESC LIMIT ")
        .bind(AUDIT_PAGE as i64 + 1);
    let mut rows: Vec<EntryRow> = sql.query_as().fetch_all(pool).await?;
    let more = rows.len() > AUDIT_PAGE;
    rows.truncate(AUDIT_PAGE);
    let items = rows
        .into_iter()
        .map(|r| {
            let changes: BTreeMap<String, (String, String)> =
                serde_json::from_str(&r.changes).unwrap_or_default();
            AuditEntry {
                id: r.id,
                at: r.at,
                actor: r.actor,
                address: r.address,
                domain: r.domain,
                action: r.action,
                target: r.target,
                changes: changes
                    .into_iter()
                    .map(|(field, (before, after))| Change {
                        field,
                        before,
                        after,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(AuditPage { items, more })
}
