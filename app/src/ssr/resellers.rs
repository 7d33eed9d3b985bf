//! Resellers: the plain functions behind the server functions (and the API). A Super User lists,
//! creates, changes and deletes every reseller; a Reseller reads and changes its own (the
//! permission table's `ManageResellers`). Each change records itself in the audit log.

use super::audit;
use super::caller::Caller;
use super::db::{resellers, Db, Tx};
use super::now_ms;
use crate::error::AppError;
use crate::model::fields::{diff, with_typed_secrets, Patch};
use crate::model::permissions::{reach, Action, Place, Reach};
use crate::model::reseller::{ListedReseller, ResellerForm, RESELLER_FIELDS};
use crate::model::{FieldErrors, Reseller};

/// Whether the caller may read and change the reseller `name` (as it spells itself).
fn reaches(caller: &Caller, name: &str) -> bool {
    caller
        .who
        .may(Action::ManageResellers, &Place::of_reseller(name))
}

/// Only a caller whose reach is every reseller creates and deletes them.
fn manages_all(caller: &Caller) -> Result<(), AppError> {
    if caller.who.everywhere(Action::ManageResellers) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The resellers the caller may see, by name: every one for a Super User, its own for a Reseller.
pub async fn list_resellers(db: &Db, caller: &Caller) -> Result<Vec<ListedReseller>, AppError> {
    let only = match reach(caller.scope(), Action::ManageResellers) {
        Reach::Everywhere => None,
        Reach::ResellerDomains if !caller.who.reseller.is_empty() => {
            Some(caller.who.reseller.as_str())
        }
        Reach::ResellerDomains => return Ok(Vec::new()),
        _ => return Err(AppError::Forbidden),
    };
    Ok(resellers::list(db.pool(), only).await?)
}

/// The reseller `name` (in any case), if the caller may see it; one it may not see answers as
/// missing.
pub async fn get_reseller(
    db: &Db,
    caller: &Caller,
    name: &str,
) -> Result<ListedReseller, AppError> {
    if reach(caller.scope(), Action::ManageResellers) == Reach::Nowhere {
        return Err(AppError::Forbidden);
    }
    match resellers::get(db.pool(), name).await? {
        Some(found) if reaches(caller, found.settings.reseller.as_str()) => Ok(found),
        _ => Err(AppError::NotFound),
    }
}

/// Adds a reseller. A name taken in any case is a conflict on `reseller`.
pub async fn create_reseller(
    db: &Db,
    caller: &Caller,
    input: &ResellerForm,
) -> Result<ListedReseller, AppError> {
    manages_all(caller)?;
    let settings = input
        .parse_settings()
        .map_err(|errors| AppError::invalid(errors).with_input(&input.without_secrets()))?;
    let changes = audit::from_diff(diff(RESELLER_FIELDS, &ResellerForm::default(), input));
    let mut tx = db.begin().await?;
    let created = resellers::insert(&mut tx, &settings, now_ms())
        .await
        .map_err(|e| AppError::from(e).with_input(&input.without_secrets()))?;
    let name = created.settings.reseller.to_string();
    record(&mut tx, caller, "reseller.create", &name, &changes).await?;
    tx.commit().await?;
    tracing::info!(reseller = %name, by = caller.account_id, "reseller created");
    Ok(created)
}

/// Changes the fields of the reseller `name` that `patch` names. Its name is its key: a patch
/// naming another is refused. A blank password keeps the one stored.
pub async fn update_reseller(
    db: &Db,
    caller: &Caller,
    name: &str,
    patch: &Patch,
) -> Result<ListedReseller, AppError> {
    let found = get_reseller(db, caller, name).await?;
    let before = found.settings.to_form();
    let mut form = before.clone();
    let mut errors = FieldErrors::default();
    for (field, text) in &patch.0 {
        if field == "reseller" {
            if !text.trim().eq_ignore_ascii_case(before.reseller.as_str()) {
                errors.add(
                    "reseller",
                    "A reseller's name is its key and does not change.",
                );
            }
        } else if !form.set(field, text.clone()) {
            errors.add(field.as_str(), "Unknown field.");
        }
    }
    let mut settings = match form.parse_settings() {
        Ok(settings) if errors.is_empty() => settings,
        Ok(_) => return Err(AppError::invalid(errors)),
        Err(bad) => {
            for e in bad.iter() {
                errors.add(e.field.clone(), e.message.clone());
            }
            return Err(AppError::invalid(errors).with_input(&form.without_secrets()));
        }
    };
    settings.keep_secrets(&found.settings);
    let after = with_typed_secrets(RESELLER_FIELDS, settings.to_form(), &form);
    let changes = audit::from_diff(diff(RESELLER_FIELDS, &before, &after));
    if changes.is_empty() {
        // A change that changes nothing writes nothing, not even an empty audit entry.
        return Ok(found);
    }
    let mut tx = db.begin().await?;
    let updated = resellers::update(&mut tx, &settings, now_ms()).await?;
    let name = updated.settings.reseller.to_string();
    record(&mut tx, caller, "reseller.update", &name, &changes).await?;
    tx.commit().await?;
    tracing::info!(reseller = %name, by = caller.account_id, "reseller updated");
    Ok(updated)
}

/// Deletes the reseller `name`: refused (409) while a domain names it.
pub async fn delete_reseller(db: &Db, caller: &Caller, name: &str) -> Result<(), AppError> {
    manages_all(caller)?;
    let found = get_reseller(db, caller, name).await?;
    let name = found.settings.reseller.clone();
    let mut tx = db.begin().await?;
    let naming = resellers::delete_unless_named(&mut tx, &name).await?;
    if naming > 0 {
        return Err(AppError::conflict(
            "reseller",
            &format!(
                "Cannot delete a reseller with domains: {} still name it; give them another reseller (or none) first.",
                crate::model::counted(naming as u64, "domain", "domains")
            ),
        ));
    }
    let changes = audit::from_diff(diff(
        RESELLER_FIELDS,
        &found.settings.to_form(),
        &ResellerForm::default(),
    ));
    record(&mut tx, caller, "reseller.delete", name.as_str(), &changes).await?;
    tx.commit().await?;
    tracing::info!(reseller = %name, by = caller.account_id, "reseller deleted");
    Ok(())
}

async fn record(
    tx: &mut Tx,
    caller: &Caller,
    action: &str,
    name: &str,
    changes: &audit::Changes,
) -> Result<(), AppError> {
    audit::record(tx, caller, None, action, name, changes).await
}

/// The reseller a domain is to name, as that reseller spells itself, held until `tx` ends so that
/// it cannot be deleted meanwhile; blank stays blank. One that does not exist is a mistake on
/// the domain's `reseller` field.
pub async fn named_by_domain(tx: &mut Tx, asked: &Reseller) -> Result<Reseller, AppError> {
    if asked.as_str().is_empty() {
        return Ok(Reseller::default());
    }
    match resellers::hold(tx, asked.as_str()).await? {
        Some(name) => Ok(name.into()),
        None => Err(AppError::invalid(FieldErrors::one(
            "reseller",
            format!(
                "No reseller is named {}: a Super User adds it on the Resellers page first.",
                asked.as_str()
            ),
        ))),
    }
}
