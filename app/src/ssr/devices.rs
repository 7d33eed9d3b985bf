//! SIP devices of users: the plain functions behind the API. A device is added to, renamed on and
//! removed from its user through the user's own edit ([`users::update_devices`]), so a device
//! name is checked once per domain in one place, and each change is one transaction with its
//! audit entry. SIP passwords are shown to those who manage the user only.

use super::access;
use super::auth::Caller;
use super::db::devices::{self, DeviceQuery};
use super::db::Db;
use super::users::{self, generate_sip_password, DeviceForm};
use crate::error::AppError;
use crate::model::permissions::Action;
use crate::model::user::{Device, NewDevice};
use crate::model::{
    optional, DeviceName, DomainName, Extension, FieldErrors, Parse, Scope, SipPassword,
};
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
    let found = access::domain(db.pool(), caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers);
    let (total, rows) = devices::list(db.pool(), found.id, only_site, query).await?;
    let corrupt = |e: crate::model::Invalid| {
        tracing::error!(problem = %e, "a stored device no longer parses");
        AppError::Internal
    };
    let items = rows
        .into_iter()
        .map(|row| {
            // A stored scope that no longer parses counts as the highest (see `Located::scope`).
            let scope = Scope::parse(&row.scope).unwrap_or(Scope::SuperUser);
            Ok(DomainDevice {
                device: DeviceName::parse(&row.device).map_err(corrupt)?,
                domain: found.settings.domain.clone(),
                user: Extension::parse_alphanumeric(&row.extension).map_err(corrupt)?,
                device_sip_registration_password: (scope <= caller.scope())
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

/// The device name and new password a form gives, or every bad field.
fn parse(form: &DeviceForm) -> Result<(DeviceName, Option<SipPassword>), AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("device", DeviceName::parse(&form.device));
    let password = errors.check(
        "device-sip-registration-password",
        optional::<SipPassword>(&form.device_sip_registration_password),
    );
    match (name, password) {
        (Some(name), Some(password)) if errors.is_empty() => Ok((name, password)),
        _ => Err(AppError::invalid(errors)),
    }
}

/// The stored devices as they are to be written again: each keeps its password.
fn kept(stored: &[Device]) -> Vec<NewDevice> {
    stored
        .iter()
        .map(|d| NewDevice {
            device: d.device.clone(),
            sip_password: None,
        })
        .collect()
}

fn taken_by_user(name: &DeviceName) -> AppError {
    AppError::conflict(
        "device",
        &format!("The device {name} is already in use in this domain."),
    )
}

/// The device `name` of a user as just saved.
fn saved(detail: crate::model::user::UserDetail, name: &DeviceName) -> Result<Device, AppError> {
    detail
        .devices
        .into_iter()
        .find(|d| &d.device == name)
        .ok_or(AppError::Internal)
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
    let (name, password) = parse(form)?;
    let password = match password {
        Some(given) => given,
        None => SipPassword::parse(&generate_sip_password()).map_err(|_| AppError::Internal)?,
    };
    let new = name.clone();
    let change = Box::new(move |stored: &[Device]| {
        if stored.iter().any(|d| d.device == new) {
            return Err(taken_by_user(&new));
        }
        let mut list = kept(stored);
        list.push(NewDevice {
            device: new,
            sip_password: Some(password),
        });
        Ok(list)
    });
    let detail =
        users::update_devices(db, caller, domain, extension, "device.create", change).await?;
    saved(detail, &name)
}

/// Renames the device `device` of the user `extension` and/or gives it a new password, as
/// `form` says (the form of the device as stored, with what was sent written over it). A
/// renamed device keeps its password unless a new one is given.
pub async fn update_device(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    device: &str,
    form: &DeviceForm,
) -> Result<Device, AppError> {
    let current = device_in_path(device)?;
    let (name, password) = parse(form)?;
    let new = name.clone();
    let change = Box::new(move |stored: &[Device]| {
        let at = stored
            .iter()
            .position(|d| d.device == current)
            .ok_or(AppError::NotFound)?;
        if new != current && stored.iter().any(|d| d.device == new) {
            return Err(taken_by_user(&new));
        }
        let mut list = kept(stored);
        let password = match password {
            Some(given) => Some(given),
            // Keep the password across a rename (it is found by name otherwise).
            None => stored[at]
                .device_sip_registration_password
                .as_deref()
                .and_then(|p| SipPassword::parse(p).ok()),
        };
        list[at] = NewDevice {
            device: new,
            sip_password: password,
        };
        Ok(list)
    });
    let detail =
        users::update_devices(db, caller, domain, extension, "device.update", change).await?;
    saved(detail, &name)
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
    let change = Box::new(move |stored: &[Device]| {
        if !stored.iter().any(|d| d.device == current) {
            return Err(AppError::NotFound);
        }
        if stored.len() == 1 {
            return Err(AppError::PreconditionFailed {
                message: format!(
                    "{current} is this user's only device: add another first, or rename it."
                ),
            });
        }
        Ok(kept(stored)
            .into_iter()
            .filter(|d| d.device != current)
            .collect())
    });
    users::update_devices(db, caller, domain, extension, "device.delete", change).await?;
    Ok(())
}
