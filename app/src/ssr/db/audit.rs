//! The audit log: written inside the transaction of the change it records, read newest first.

use super::domains::Visible;
use super::{internal, Tx};
use crate::error::AppError;
use crate::model::audit::{day_start_ms, AuditEntry, AuditPage, AuditQuery, Change, AUDIT_PAGE};
use sqlx::{AnyPool, FromRow};
use std::collections::BTreeMap;

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
pub async fn record(tx: &mut Tx, entry: &NewEntry<'_>, now: i64) -> Result<(), AppError> {
    let changes = serde_json::to_string(entry.changes).map_err(|e| {
        tracing::error!(error = %e, "audit changes do not serialise");
        AppError::Internal
    })?;
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
    .await
    .map_err(internal)?;
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
) -> Result<AuditPage, AppError> {
    // Every condition is a fixed piece of SQL; what was typed is only ever bound.
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<Bound> = Vec::new();
    let mut add = |sql: &str, value: Bound| {
        binds.push(value);
        conditions.push(sql.replace('?', &format!("${}", binds.len())));
    };
    match readable {
        Visible::All => {}
        Visible::Reseller(reseller) => add(
            "domain_id IN (SELECT id FROM domains WHERE reseller = ? AND reseller <> '')",
            Bound::Text(reseller.to_owned()),
        ),
        Visible::One(id) => add("domain_id = ?", Bound::Int(id)),
    }
    if !query.domain.trim().is_empty() {
        add(
            "domain = ?",
            Bound::Text(query.domain.trim().to_lowercase()),
        );
    }
    if !query.user.trim().is_empty() {
        // Both `?` are the same value, bound once.
        add(
            "(actor = ? OR target = ?)",
            Bound::Text(query.user.trim().to_owned()),
        );
    }
    if !query.action.trim().is_empty() {
        let action = query.action.trim();
        if action.ends_with('.') {
            add("action LIKE ?", Bound::Text(format!("{action}%")));
        } else {
            add("action = ?", Bound::Text(action.to_owned()));
        }
    }
    if let Some(from) = day_start_ms(&query.from) {
        add("at >= ?", Bound::Int(from));
    }
    if let Some(to) = day_start_ms(&query.to) {
        add("at < ?", Bound::Int(to + 86_400_000));
    }
    if let Some(before) = query.before {
        add("id < ?", Bound::Int(before));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT id, at, actor, address, domain, action, target, changes FROM audit_log {filter} \
         ORDER BY id DESC LIMIT {}",
        AUDIT_PAGE + 1
    );
    let mut select = sqlx::query_as::<_, EntryRow>(&sql);
    for value in binds {
        select = match value {
            Bound::Text(t) => select.bind(t),
            Bound::Int(i) => select.bind(i),
        };
    }
    let mut rows = select.fetch_all(pool).await.map_err(internal)?;
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

enum Bound {
    Text(String),
    Int(i64),
}
