//! Groups of a domain (ring groups and agent groups), which users join.

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::users::facts;
use super::db::{groups, Db, DbError, Rule};
use super::now_ms;
use crate::error::AppError;
use crate::model::permissions::Action;
use crate::model::{DomainName, Extension, FieldErrors, GroupName, Parse};

/// The groups of `domain`, by name.
pub async fn list_groups(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<Vec<String>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    Ok(groups::names(db.pool(), found.id).await?)
}

/// The groups of `domain` with their row ids (how Wazo's API names groups), by name.
pub async fn list_groups_with_ids(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<Vec<(i64, String)>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    Ok(groups::ids_and_names(db.pool(), found.id).await?)
}

/// Adds a group to `domain` (`kind`: `ring` or `agent`), rung by dialling `extension` when one
/// is given (blank: none); a name or an extension the domain has already is a conflict.
pub async fn create_group(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    name: &str,
    kind: &str,
    extension: &str,
) -> Result<(), AppError> {
    let found = access::domain(db, caller, domain, Action::ManageSites).await?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", GroupName::parse(name));
    if !matches!(kind, "ring" | "agent") {
        errors.add("kind", "Either a ring group or an agent group.");
    }
    let extension = match extension.trim() {
        "" => None,
        given => errors.check("extension", Extension::parse(given)),
    };
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AppError::invalid(errors));
    };
    // Holding the domain, as a user's create does: one extension rings one user or one group.
    let (mut tx, found) = super::users::begin_locked(db, &found).await?;
    let extension_taken = || {
        AppError::conflict(
            "extension",
            "This extension is already taken in this domain.",
        )
    };
    if let Some(extension) = &extension {
        let held = facts::extensions_in_use(&mut tx, found.id, &[extension.as_str()]).await?;
        if !held.is_empty() {
            return Err(extension_taken());
        }
    }
    groups::insert(&mut tx, found.id, &name, kind, extension.as_ref(), now_ms())
        .await
        .map_err(|e| match e {
            DbError::Conflict(Rule::Extension) => extension_taken(),
            other => other.into(),
        })?;
    let mut changes: audit::Changes =
        [("kind".to_owned(), (String::new(), kind.to_owned()))].into();
    if let Some(extension) = &extension {
        changes.insert(
            "extension".to_owned(),
            (String::new(), extension.as_str().to_owned()),
        );
    }
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
