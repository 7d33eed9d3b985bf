//! Domains (tenants): the plain functions behind the server functions (and the API). Each checks
//! the caller against the permission table and records its change in the audit log.
//!
//! A domain's defaults are what its users inherit: a change of them reaches every user that
//! follows the domain at once (they are read at every read of a user). Voicemail is the one
//! default with something to make: users that follow a domain whose voicemail is turned on get
//! their boxes in the same transaction.

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::domains::{self, DomainRef};
use super::db::users::write;
use super::db::Db;
use super::now_ms;
use super::resellers;
use crate::error::AppError;
use crate::model::domain::{
    Domain, DomainForm, DomainSettings, ListedDomain, OpenedDomain, DOMAIN_FIELDS,
};
use crate::model::fields::{diff, with_typed_secrets, Patch};
use crate::model::permissions::{reach, Action, Place, Reach};
use crate::model::{DomainName, FieldErrors, Parse, Reseller, YesNo};

/// The domains the caller may see, by name.
pub async fn list_domains(db: &Db, caller: &Caller) -> Result<Vec<Domain>, AppError> {
    Ok(domains::list(db.pool(), access::visible(caller, Action::ViewDomain)?).await?)
}

/// The domains the caller may see, each with how many users it has (the portal's list).
pub async fn listed_domains(db: &Db, caller: &Caller) -> Result<Vec<ListedDomain>, AppError> {
    let visible = access::visible(caller, Action::ViewDomain)?;
    let counts = domains::user_counts(db.pool(), visible).await?;
    let list = domains::list(db.pool(), visible).await?;
    Ok(list
        .into_iter()
        .map(|domain| {
            let users = counts
                .get(domain.settings.domain.as_str())
                .copied()
                .unwrap_or(0);
            ListedDomain {
                domain,
                users: users.max(0) as u64,
            }
        })
        .collect())
}

/// One domain the caller may see.
pub async fn get_domain(db: &Db, caller: &Caller, name: &DomainName) -> Result<Domain, AppError> {
    Ok(access::domain(db, caller, name, Action::ViewDomain)
        .await?
        .domain())
}

/// The domain `name` for its page, if the caller may see it, saying whether it may change it.
pub async fn open_domain(
    db: &Db,
    caller: &Caller,
    name: &DomainName,
) -> Result<OpenedDomain, AppError> {
    let found = access::domain(db, caller, name, Action::ViewDomain).await?;
    let may_change = caller.who.may(Action::ManageDomain, &found.place(None));
    Ok(OpenedDomain {
        domain: found.domain(),
        may_change,
    })
}

/// The settings `input` describes, as the caller may set them: a reseller's domains always
/// belong to that reseller (a blank `reseller`, or `~`, is its own; another is refused, never
/// ignored).
fn settings_for(caller: &Caller, input: &DomainForm) -> Result<DomainSettings, AppError> {
    // NetSapiens' `~`: the caller's own reseller (none for a Super User).
    let own_named;
    let input = if input.reseller.trim() == "~" {
        own_named = DomainForm {
            reseller: caller.who.reseller.clone(),
            ..input.clone()
        };
        &own_named
    } else {
        input
    };
    let parsed = input.parse_settings();
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let own = (reach(caller.scope(), Action::ManageDomain) == Reach::ResellerDomains)
        .then(|| Reseller::parse(&caller.who.reseller).map_err(|_| AppError::Forbidden))
        .transpose()?;
    if let Some(own) = &own {
        let asked = input.reseller.trim();
        if !asked.is_empty() && !asked.eq_ignore_ascii_case(own.as_str()) {
            errors.add(
                "reseller",
                "A Reseller's domains are its own: only a Super User moves a domain to another reseller.",
            );
        }
    }
    match parsed {
        Ok(mut settings) if errors.is_empty() => {
            if let Some(own) = own {
                settings.reseller = own;
            }
            Ok(settings)
        }
        _ => Err(AppError::invalid(errors).with_input(input)),
    }
}

/// Creates a domain.
pub async fn create_domain(
    db: &Db,
    caller: &Caller,
    input: &DomainForm,
) -> Result<Domain, AppError> {
    let mut settings = settings_for(caller, input)?;
    let place = Place {
        domain_id: 0,
        reseller: settings.reseller.as_str(),
        user: None,
    };
    if !caller.who.may(Action::ManageDomain, &place) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    settings.reseller = resellers::named_by_domain(&mut tx, &settings.reseller)
        .await
        .map_err(|e| e.with_input(input))?;
    let created = domains::insert(&mut tx, &settings, now_ms())
        .await
        .map_err(|e| AppError::from(e).with_input(input))?;
    let changes = audit::from_diff(diff(
        DOMAIN_FIELDS,
        &DomainForm::default(),
        &with_typed_secrets(DOMAIN_FIELDS, settings.to_form(), input),
    ));
    let name = settings.domain.as_str();
    audit::record(
        &mut tx,
        caller,
        Some((created.id, name)),
        "domain.create",
        name,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %settings.domain, by = caller.account_id, "domain created");
    Ok(created.domain())
}

/// Changes the settings of a domain that `patch` names (its name stays: it is the key).
pub async fn update_domain(
    db: &Db,
    caller: &Caller,
    name: &DomainName,
    patch: &Patch,
) -> Result<Domain, AppError> {
    let found = access::domain(db, caller, name, Action::ManageDomain).await?;
    let mut form = found.settings.to_form();
    let mut errors = FieldErrors::default();
    for (field, text) in &patch.0 {
        // The name is the key and is not edited: whatever the request says, it is this domain's.
        if field != "domain" && !form.set(field, text.clone()) {
            errors.add(field.as_str(), "Unknown field.");
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut settings = settings_for(caller, &form)?;
    settings.keep_secrets(&found.settings);
    let mut tx = db.begin().await?;
    if settings.reseller != found.settings.reseller {
        settings.reseller = resellers::named_by_domain(&mut tx, &settings.reseller).await?;
    }
    let changes = audit::from_diff(diff(
        DOMAIN_FIELDS,
        &found.settings.to_form(),
        &with_typed_secrets(DOMAIN_FIELDS, settings.to_form(), &form),
    ));
    if changes.is_empty() {
        // A change that changes nothing writes nothing, not even an empty audit entry.
        return Ok(found.domain());
    }
    let updated = domains::update(&mut tx, found.id, &settings, now_ms()).await?;
    if settings.voicemail_enabled == YesNo::Yes && found.settings.voicemail_enabled == YesNo::No {
        write::boxes_for_followers(&mut tx, found.id, now_ms()).await?;
    }
    audit::record(
        &mut tx,
        caller,
        Some((found.id, name.as_str())),
        "domain.update",
        name.as_str(),
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %name, by = caller.account_id, "domain updated");
    Ok(updated.domain())
}

/// Deletes a domain and everything in it.
pub async fn delete_domain(db: &Db, caller: &Caller, name: &DomainName) -> Result<(), AppError> {
    let found: DomainRef = access::domain(db, caller, name, Action::ManageDomain).await?;
    let mut tx = db.begin().await?;
    domains::delete(&mut tx, found.id).await?;
    let changes = audit::from_diff(diff(
        DOMAIN_FIELDS,
        &found.settings.to_form(),
        &DomainForm::default(),
    ));
    audit::record(
        &mut tx,
        caller,
        Some((found.id, name.as_str())),
        "domain.delete",
        name.as_str(),
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %name, by = caller.account_id, "domain deleted");
    Ok(())
}
