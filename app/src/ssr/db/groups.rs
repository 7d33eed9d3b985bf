//! Groups of a domain (ring groups), which users join.

use super::{DbResult, Tx};
use crate::model::{Extension, GroupName};
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

/// The groups of a domain with their row ids, by name.
pub async fn ids_and_names(pool: &AnyPool, domain_id: i64) -> DbResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM groups WHERE domain_id = $1 ORDER BY name")
            .bind(domain_id)
            .fetch_all(pool)
            .await?,
    )
}

/// Adds a group to a domain, rung at `extension` if it has one. A name the domain has already
/// breaks [`super::Rule::GroupName`], an extension another group has [`super::Rule::Extension`]
/// (the caller checks the users' extensions first, holding the domain: see
/// [`super::users::facts::extensions_in_use`]).
pub async fn insert(
    tx: &mut Tx,
    domain_id: i64,
    name: &GroupName,
    kind: &str,
    extension: Option<&Extension>,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO groups (domain_id, name, kind, extension, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(domain_id)
    .bind(name.as_str().to_owned())
    .bind(kind.to_owned())
    .bind(extension.map(|e| e.as_str().to_owned()))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
