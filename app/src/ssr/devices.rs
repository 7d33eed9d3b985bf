//! SIP devices of users: the plain functions behind the API. A device is added to, changed on
//! and removed from its user in place (it keeps its row and the time it was made), its name
//! checked once per domain, each change one transaction with its audit entry. SIP passwords are
//! shown to those who manage the user only.

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::devices::{self, DeviceQuery};
use super::db::domains::DomainRef;
use super::db::users::{facts, write, Located};
use super::db::{Db, Tx};
use super::now_ms;
use super::users::{generate_sip_password, stored, DeviceForm};
use crate::error::AppError;
use crate::model::permissions::Action;
use crate::model::user::{Device, UserDetail};
use crate::model::{DeviceName, DomainName, Extension, FieldErrors, Parse, Scope};
use serde::Serialize;

/// A device of a domain, with the user it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DomainDevice {
    pub device: DeviceName,
    pub domain: DomainName,
    pub user: Extension,
    /// Shown only to a caller that may act on the user (none whose scope is above its own).
    pub device_sip_registration_password: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// One page of the devices of `domain` (a Site Manager: of its own site's users) and how many
/// match in all.
pub async fn list_devices(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    query: &DeviceQuery,
) -> Result<(u64, Vec<DomainDevice>), AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers);
    let (total, rows) = devices::list(db.pool(), found.id, only_site, query).await?;
    let corrupt =
        |e: crate::model::Invalid| AppError::from(super::db::domains::corrupt("device", e));
    let items = rows
        .into_iter()
        .map(|row| {
            // A stored scope that no longer parses counts as the highest (see `Located::scope`).
            let scope = Scope::parse(&row.scope).unwrap_or(Scope::SuperUser);
            Ok(DomainDevice {
                device: DeviceName::parse(&row.device).map_err(corrupt)?,
                domain: found.name().clone(),
                user: Extension::parse_alphanumeric(&row.extension).map_err(corrupt)?,
                device_sip_registration_password: caller
                    .who
                    .ranks_at_least(scope)
                    .then_some(row.sip_password),
                created_at: row.created_at,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok((total, items))
}

/// A device name from a URL: one that cannot be a device is simply not found.
fn device_in_path(raw: &str) -> Result<DeviceName, AppError> {
    DeviceName::parse(raw).map_err(|_| AppError::NotFound)
}

/// The device a form gives (its name, and a password if one is given), or every bad field.
fn parse(form: &DeviceForm) -> Result<crate::model::user::NewDevice, AppError> {
    let mut errors = FieldErrors::default();
    form.parse("", &mut errors)
        .filter(|_| errors.is_empty())
        .ok_or_else(|| AppError::invalid(errors))
}

/// A change of a user's devices under way: the user as it stood when its transaction began.
struct Editing {
    found: DomainRef,
    located: Located,
    tx: Tx,
    before: UserDetail,
}

impl Editing {
    /// Starts a change of the devices of the user `extension`: finds it (if the caller may
    /// manage it), begins the transaction and reads the user as it stands in it.
    async fn begin(
        db: &Db,
        caller: &Caller,
        domain: &DomainName,
        extension: &str,
    ) -> Result<Self, AppError> {
        let (found, located) =
            access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
        let mut tx = db.begin().await?;
        let before = stored(&mut tx, &found, extension).await?;
        Ok(Self {
            found,
            located,
            tx,
            before,
        })
    }

    fn has(&self, device: &DeviceName) -> bool {
        self.before.devices.iter().any(|d| &d.device == device)
    }

    /// That `name` is free in the domain (or already the user's own).
    async fn free(&mut self, name: &DeviceName) -> Result<(), AppError> {
        let owners = facts::device_owners(&mut self.tx, self.found.id, &[name.as_str()]).await?;
        if owners
            .get(name.as_str())
            .is_some_and(|owner| *owner != self.located.id)
        {
            return Err(taken(name));
        }
        Ok(())
    }

    /// Records the change (`action`; `password_set` when a password changed) in the audit log
    /// and commits; returns the device `name` as saved.
    async fn finish(
        mut self,
        caller: &Caller,
        action: &str,
        password_set: bool,
        name: Option<&DeviceName>,
    ) -> Result<Option<Device>, AppError> {
        let extension = self.before.extension().to_string();
        let after = stored(&mut self.tx, &self.found, &extension).await?;
        let names = |d: &UserDetail| {
            d.devices
                .iter()
                .map(|x| x.device.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut changes = audit::Changes::new();
        if names(&self.before) != names(&after) {
            changes.insert("devices".to_owned(), (names(&self.before), names(&after)));
        }
        if password_set {
            changes.insert(
                "device-sip-registration-password".to_owned(),
                ("***".into(), "***".into()),
            );
        }
        audit::record(
            &mut self.tx,
            caller,
            audit::within(&self.found),
            action,
            &extension,
            &changes,
        )
        .await?;
        self.tx.commit().await?;
        Ok(name.and_then(|name| after.devices.into_iter().find(|d| &d.device == name)))
    }
}

fn taken(name: &DeviceName) -> AppError {
    AppError::conflict(
        "device",
        &format!("The device {name} is already in use in this domain."),
    )
}

/// Adds a device to the user `extension` of `domain`, with the password given or a generated
/// one, and returns it (with its password). A name used in the domain already is a conflict.
pub async fn create_device(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    form: &DeviceForm,
) -> Result<Device, AppError> {
    let new = parse(form)?;
    let mut editing = Editing::begin(db, caller, domain, extension).await?;
    if editing.has(&new.device) {
        return Err(taken(&new.device));
    }
    editing.free(&new.device).await?;
    let password = new
        .sip_password
        .as_ref()
        .map_or_else(generate_sip_password, |p| p.expose().to_owned());
    let user_id = editing.located.id;
    write::insert_device(
        &mut editing.tx,
        &editing.found,
        user_id,
        new.device.as_str(),
        &password,
        now_ms(),
    )
    .await?;
    editing
        .finish(caller, "device.create", false, Some(&new.device))
        .await?
        .ok_or(AppError::Internal)
}

/// Renames the device `device` of the user `extension` and/or gives it a new password, as
/// `form` says (the device as stored, with what was sent written over it). A renamed device
/// keeps its password unless a new one is given.
pub async fn update_device(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    device: &str,
    form: &DeviceForm,
) -> Result<Device, AppError> {
    let current = device_in_path(device)?;
    let new = parse(form)?;
    let mut editing = Editing::begin(db, caller, domain, extension).await?;
    if !editing.has(&current) {
        return Err(AppError::NotFound);
    }
    let renamed = new.device != current;
    if renamed {
        editing.free(&new.device).await?;
    }
    let password = new.sip_password.as_ref().map(|p| p.expose());
    let rename = renamed.then_some(new.device.as_str());
    let user_id = editing.located.id;
    write::change_device(
        &mut editing.tx,
        &editing.found,
        user_id,
        current.as_str(),
        rename,
        password,
    )
    .await?;
    editing
        .finish(
            caller,
            "device.update",
            password.is_some(),
            Some(&new.device),
        )
        .await?
        .ok_or(AppError::Internal)
}

/// Removes the device `device` from the user `extension`. A user keeps at least one device: its
/// last one is refused (412), so that its next edit does not quietly make one again.
pub async fn delete_device(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    device: &str,
) -> Result<(), AppError> {
    let current = device_in_path(device)?;
    let mut editing = Editing::begin(db, caller, domain, extension).await?;
    if !editing.has(&current) {
        return Err(AppError::NotFound);
    }
    if editing.before.devices.len() == 1 {
        return Err(AppError::PreconditionFailed {
            message: format!(
                "{current} is this user's only device: add another first, or rename it."
            ),
        });
    }
    let user_id = editing.located.id;
    write::delete_device(&mut editing.tx, user_id, current.as_str()).await?;
    editing.finish(caller, "device.delete", false, None).await?;
    Ok(())
}
