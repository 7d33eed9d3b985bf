//! Groups of a domain (ring groups), which users join.

use super::{DbResult, Tx};
use crate::model::GroupName;
use sqlx::AnyPool;

/// The groups of a domain, by name.
pub async fn names(pool: &AnyPool, domain_id: i64) -> DbResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM groups WHERE domain_id = $1 ORDER BY name")
            .bind(domain_id)
            .fetch_all(pool)
            .await?,
    )
}

/// Adds a group to a domain. A name the domain has already breaks [`super::Rule::GroupName`].
pub async fn insert(
    tx: &mut Tx,
    domain_id: i64,
    name: &GroupName,
    kind: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query("INSERT INTO groups (domain_id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
        .bind(domain_id)
        .bind(name.as_str().to_owned())
        .bind(kind.to_owned())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
