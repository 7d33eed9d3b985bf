//! Groups of a domain (ring groups and agent groups), which users join.

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::{groups, Db};
use super::now_ms;
use crate::error::AppError;
use crate::model::permissions::Action;
use crate::model::{DomainName, FieldErrors, GroupName, Parse};

/// The groups of `domain`, by name.
pub async fn list_groups(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<Vec<String>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    Ok(groups::names(db.pool(), found.id).await?)
}

/// Adds a group to `domain` (`kind`: `ring` or `agent`); a name it has already is a conflict.
pub async fn create_group(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    name: &str,
    kind: &str,
) -> Result<(), AppError> {
    let found = access::domain(db, caller, domain, Action::ManageSites).await?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", GroupName::parse(name));
    if !matches!(kind, "ring" | "agent") {
        errors.add("kind", "Either a ring group or an agent group.");
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AppError::invalid(errors));
    };
    let mut tx = db.begin().await?;
    groups::insert(&mut tx, found.id, &name, kind, now_ms()).await?;
    let changes = [("kind".to_owned(), (String::new(), kind.to_owned()))].into();
    audit::record(
        &mut tx,
        caller,
        audit::within(&found),
        "group.create",
        name.as_str(),
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
