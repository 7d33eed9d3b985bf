//! Sites (locations) of a domain and the departments in use in it: the plain functions behind the
//! API. Each checks the caller against the permission table: whoever manages users reads sites
//! (a Site Manager its own site only), only those who manage sites create, rename and delete them,
//! and every change is recorded in the audit log in its own transaction.

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::users::facts;
use super::db::{domains, sites, Db, Rule, Tx};
use super::errors::conflict_on;
use super::now_ms;
use super::users::begin_locked;
use crate::error::AppError;
use crate::model::fields::diff;
use crate::model::permissions::Action;
use crate::model::site::{
    DepartmentCount, OpenedSite, Site, SiteForm, SiteList, SiteQuery, SiteSettingsForm, SITE_FIELDS,
};
use crate::model::{DomainName, FieldErrors, Parse, SiteName};

/// A site name from a URL: one that cannot be a site is simply not found.
fn site_name(raw: &str) -> Result<SiteName, AppError> {
    SiteName::parse(raw).map_err(|_| AppError::NotFound)
}

/// The domain `name`, if the caller may read its sites, and the one site it is kept to (a Site
/// Manager's).
async fn readable<'c>(
    db: &Db,
    caller: &'c Caller,
    name: &DomainName,
) -> Result<(domains::DomainRef, Option<&'c str>), AppError> {
    let found = access::domain(db, caller, name, Action::ManageUsers).await?;
    Ok((found, caller.who.only_site(Action::ManageUsers)))
}

/// One page of the sites of `domain` the caller may read, with their numbers of users.
pub async fn list_sites(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    query: &SiteQuery,
) -> Result<SiteList, AppError> {
    let (found, only_site) = readable(db, caller, domain).await?;
    Ok(sites::list(db.pool(), found.name(), found.id, only_site, query).await?)
}

/// The site `name` of `domain`, if the caller may read it.
pub async fn get_site(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    name: &str,
) -> Result<Site, AppError> {
    let (found, only_site) = readable(db, caller, domain).await?;
    read(db, &found, only_site, name).await
}

/// The site `name` of `domain` for its page, if the caller may read it: with its domain's
/// settings, which its blank ones follow, and whether the caller may change it.
pub async fn open_site(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    name: &str,
) -> Result<OpenedSite, AppError> {
    let (found, only_site) = readable(db, caller, domain).await?;
    let site = read(db, &found, only_site, name).await?;
    Ok(OpenedSite {
        site,
        domain: found.settings.to_form(),
        may_change: caller.who.may(Action::ManageSites, &found.place(None)),
    })
}

/// The site `name` of the domain `found`, unless the caller is kept to another (`only_site`).
async fn read(
    db: &Db,
    found: &domains::DomainRef,
    only_site: Option<&str>,
    name: &str,
) -> Result<Site, AppError> {
    let name = site_name(name)?;
    if only_site.is_some_and(|own| own != name.as_str()) {
        return Err(AppError::NotFound);
    }
    let mut conn = db.pool().acquire().await?;
    sites::get(&mut conn, found.name(), found.id, &name)
        .await?
        .ok_or(AppError::NotFound)
}

/// Adds a site to `domain`, within its maximum of sites (422 on `site` past it, as a user's create
/// says); a name the domain has already is a conflict on `site`.
pub async fn create_site(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &SiteForm,
) -> Result<Site, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageSites).await?;
    let (name, settings) = form.parse().map_err(AppError::invalid)?;
    let (mut tx, current) = begin_locked(db, &found).await?;
    // A site the domain has already is a conflict even at its maximum: it would be no new site.
    if sites::get(&mut tx, current.name(), current.id, &name)
        .await?
        .is_some()
    {
        let (field, message) = Rule::SiteName.field_and_message();
        return Err(AppError::conflict(field, message));
    }
    refuse_other_case(&mut tx, current.id, &name, None).await?;
    if let Some(max) = current.settings.limits_max_sites {
        if sites::count(&mut tx, current.id).await? >= i64::from(max.get()) {
            return Err(AppError::invalid(FieldErrors::one(
                "site",
                format!("This domain already has its maximum of {max} sites."),
            )));
        }
    }
    sites::insert(&mut tx, current.id, &name, now_ms()).await?;
    sites::set_settings(&mut tx, current.id, &name, &settings).await?;
    let created = sites::get(&mut tx, current.name(), current.id, &name)
        .await?
        .ok_or(AppError::Internal)?;
    let mut changes = settings_changes(&SiteSettingsForm::default(), &created.settings);
    changes.insert("site".to_owned(), (String::new(), name.to_string()));
    record(&mut tx, caller, &current, "site.create", &name, &changes).await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, site = %name, by = caller.account_id, "site created");
    Ok(created)
}

/// What a change of a site takes from its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteChange {
    /// Its name only (its users go with it); its settings stay as they are.
    Name,
    /// Its name and its settings, as one change.
    NameAndSettings,
}

/// The audit entry's changes between two versions of a site's settings.
fn settings_changes(before: &SiteSettingsForm, after: &SiteSettingsForm) -> audit::Changes {
    diff(SITE_FIELDS, before, after)
        .into_iter()
        .map(|(name, old, new)| (name.to_owned(), (old, new)))
        .collect()
}

/// Changes the site `name` of `domain` as the form says: its name to the form's `site` (its users
/// go with it) and, as `what` says, its settings, in one transaction with one audit entry.
pub async fn change_site(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    name: &str,
    form: &SiteForm,
    what: SiteChange,
) -> Result<Site, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageSites).await?;
    let from = site_name(name)?;
    let (to, settings) = form.parse().map_err(AppError::invalid)?;
    let (mut tx, current) = begin_locked(db, &found).await?;
    let before = sites::get(&mut tx, current.name(), current.id, &from)
        .await?
        .ok_or(AppError::NotFound)?;
    refuse_other_case(&mut tx, current.id, &to, Some(&from)).await?;
    sites::rename(&mut tx, current.id, &from, &to)
        .await
        .map_err(|e| {
            conflict_on(
                e,
                Rule::SiteName,
                "site",
                Rule::SiteName.field_and_message().1,
            )
        })?;
    if what == SiteChange::NameAndSettings {
        sites::set_settings(&mut tx, current.id, &to, &settings).await?;
    }
    let after = sites::get(&mut tx, current.name(), current.id, &to)
        .await?
        .ok_or(AppError::Internal)?;
    let mut changes = settings_changes(&before.settings, &after.settings);
    if from != to {
        changes.insert("site".to_owned(), (from.to_string(), to.to_string()));
    }
    if !changes.is_empty() {
        record(&mut tx, caller, &current, "site.update", &from, &changes).await?;
    }
    tx.commit().await?;
    tracing::info!(domain = %domain, site = %from, now = %to, by = caller.account_id, "site changed");
    Ok(after)
}

/// Deletes the site `name` of `domain`. A site with users is deleted only with `force` (412
/// otherwise, as a user with a voicemail box is); its users then stay, with no site.
pub async fn delete_site(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    name: &str,
    force: bool,
) -> Result<(), AppError> {
    let found = access::domain(db, caller, domain, Action::ManageSites).await?;
    let name = site_name(name)?;
    let (mut tx, current) = begin_locked(db, &found).await?;
    let users = sites::users_in(&mut tx, current.id, &name).await?;
    if users > 0 && !force {
        return Err(AppError::PreconditionFailed {
            message: format!(
                "Site {name} has {}: move them first, or delete it with force=yes and they stay without a site.",
                crate::model::counted(users, "user", "users")
            ),
        });
    }
    if !sites::delete(&mut tx, current.id, &name).await? {
        return Err(AppError::NotFound);
    }
    let mut changes: audit::Changes =
        [("site".to_owned(), (name.to_string(), String::new()))].into();
    if users > 0 {
        changes.insert("users".to_owned(), (users.to_string(), "0".to_owned()));
    }
    record(&mut tx, caller, &current, "site.delete", &name, &changes).await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, site = %name, users, by = caller.account_id, "site deleted");
    Ok(())
}

/// Refuses `name` (on `site`) when the domain has a site named so in another case, other than
/// `renaming` (a site may change the case of its own name): a typo, not a second site.
async fn refuse_other_case(
    tx: &mut Tx,
    domain_id: i64,
    name: &SiteName,
    renaming: Option<&SiteName>,
) -> Result<(), AppError> {
    let named = facts::sites_named_any_case(tx, domain_id, &[name.as_str()]).await?;
    let other = named.iter().find(|n| {
        n.as_str() != name.as_str() && Some(n.as_str()) != renaming.map(SiteName::as_str)
    });
    match other {
        Some(existing) => Err(AppError::conflict(
            "site",
            &crate::ssr::users::check::site_differs_in_case(existing),
        )),
        None => Ok(()),
    }
}

async fn record(
    tx: &mut Tx,
    caller: &Caller,
    found: &domains::DomainRef,
    action: &str,
    site: &SiteName,
    changes: &audit::Changes,
) -> Result<(), AppError> {
    audit::record(
        tx,
        caller,
        audit::within(&found),
        action,
        site.as_str(),
        changes,
    )
    .await
}

/// The departments the users of `domain` name, each with how many users name it (a Site Manager:
/// counting its own site's users only).
pub async fn list_departments(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<Vec<DepartmentCount>, AppError> {
    let (found, only_site) = readable(db, caller, domain).await?;
    Ok(sites::departments(db.pool(), found.id, only_site).await?)
}
