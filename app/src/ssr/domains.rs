//! Domains (tenants): the plain functions behind the server functions (and the API). Each checks
//! the caller against the permission table and records its change in the audit log.

use super::access;
use super::audit;
use super::auth::Caller;
use super::db::domains;
use super::db::{internal, Db};
use super::now_ms;
use crate::error::AppError;
use crate::model::domain::{Domain, DomainForm, DomainSettings};
use crate::model::permissions::{reach, Action, Place, Reach};
use crate::model::{DomainName, Parse, Reseller};

/// The domains the caller may see, by name.
pub async fn list_domains(db: &Db, caller: &Caller) -> Result<Vec<Domain>, AppError> {
    domains::list(db.pool(), access::visible(caller, Action::ViewDomain)?).await
}

/// One domain the caller may see.
pub async fn get_domain(db: &Db, caller: &Caller, name: &DomainName) -> Result<Domain, AppError> {
    access::domain(db.pool(), caller, name, Action::ViewDomain).await?;
    domains::get(db.pool(), name)
        .await?
        .ok_or(AppError::NotFound)
}

/// The settings `input` describes, as the caller may set them: a reseller's domains always
/// belong to that reseller.
fn settings_for(caller: &Caller, input: &DomainForm) -> Result<DomainSettings, AppError> {
    let mut settings = input
        .parse()
        .map_err(|e| AppError::invalid(e).with_input(input))?;
    if reach(caller.scope(), Action::ManageDomain) == Reach::ResellerDomains {
        settings.reseller =
            Reseller::parse(&caller.who.reseller).map_err(|_| AppError::Forbidden)?;
    }
    Ok(settings)
}

/// Creates a domain.
pub async fn create_domain(
    db: &Db,
    caller: &Caller,
    input: &DomainForm,
) -> Result<Domain, AppError> {
    let settings = settings_for(caller, input)?;
    let place = Place {
        domain_id: 0,
        reseller: settings.reseller.as_str(),
        user: None,
    };
    if !caller.who.may(Action::ManageDomain, &place) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await.map_err(internal)?;
    let created = domains::insert(&mut tx, &settings, now_ms())
        .await
        .map_err(|e| e.with_input(input))?;
    let id = domains::find_ref(&mut *tx, &settings.domain)
        .await?
        .ok_or(AppError::Internal)?
        .id;
    let changes = audit::changes(None, Some(&DomainForm::from(&settings)));
    let name = settings.domain.as_str();
    audit::record(
        &mut tx,
        caller,
        Some((id, name)),
        "domain.create",
        name,
        &changes,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(domain = %settings.domain, by = caller.account_id, "domain created");
    Ok(created)
}

/// Changes a domain's settings (its name stays).
pub async fn update_domain(
    db: &Db,
    caller: &Caller,
    name: &DomainName,
    input: &DomainForm,
) -> Result<Domain, AppError> {
    let found = access::domain(db.pool(), caller, name, Action::ManageDomain).await?;
    // The name is the key and is not edited: whatever the form says, it is this domain's.
    let input = DomainForm {
        domain: name.to_string(),
        ..input.clone()
    };
    let settings = settings_for(caller, &input)?;
    let mut tx = db.begin().await.map_err(internal)?;
    let updated = domains::update(&mut tx, name, &settings, now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    let changes = audit::changes(
        Some(&DomainForm::from(&found.settings)),
        Some(&DomainForm::from(&settings)),
    );
    audit::record(
        &mut tx,
        caller,
        Some((found.id, name.as_str())),
        "domain.update",
        name.as_str(),
        &changes,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(domain = %name, by = caller.account_id, "domain updated");
    Ok(updated)
}

/// Deletes a domain and everything in it.
pub async fn delete_domain(db: &Db, caller: &Caller, name: &DomainName) -> Result<(), AppError> {
    let found = access::domain(db.pool(), caller, name, Action::ManageDomain).await?;
    let mut tx = db.begin().await.map_err(internal)?;
    if !domains::delete(&mut tx, name).await? {
        return Err(AppError::NotFound);
    }
    let changes = audit::changes(Some(&DomainForm::from(&found.settings)), None);
    audit::record(
        &mut tx,
        caller,
        Some((found.id, name.as_str())),
        "domain.delete",
        name.as_str(),
        &changes,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(domain = %name, by = caller.account_id, "domain deleted");
    Ok(())
}
