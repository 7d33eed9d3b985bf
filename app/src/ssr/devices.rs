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
use crate::model::user::{Device, Registration, UserDetail};
use crate::model::DomainDevice;
use crate::model::{
    DeviceModel, DeviceName, DomainName, Extension, FieldErrors, MacAddress, Parse, Scope,
};

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
                device_sip_registration_state: Registration::state(row.registered != 0),
                device_provisioning_mac_address: row
                    .mac
                    .as_deref()
                    .map(MacAddress::parse)
                    .transpose()
                    .map_err(corrupt)?,
                device_models_model: row
                    .model
                    .as_deref()
                    .map(DeviceModel::parse)
                    .transpose()
                    .map_err(corrupt)?,
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

    /// That the user keeps a device once `device` leaves it: its last one is refused (412), so
    /// that its next edit does not quietly make one again.
    fn keeps_another(&self, device: &DeviceName) -> Result<(), AppError> {
        if self.before.devices.len() == 1 {
            return Err(AppError::PreconditionFailed {
                message: format!(
                    "{device} is this user's only device: add another first, or rename it."
                ),
            });
        }
        Ok(())
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

    /// Records the change (`action`, with `extra` beside the change of the user's device names)
    /// in the audit log and commits; returns the device `name` as saved.
    async fn finish(
        mut self,
        caller: &Caller,
        action: &str,
        extra: audit::Changes,
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
        let mut changes = extra;
        if names(&self.before) != names(&after) {
            changes.insert("devices".to_owned(), (names(&self.before), names(&after)));
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

/// Where a device's model is refused.
const MODEL: &str = "device-models-model";

/// Writes the phone a device is provisioned on, if it changes from `before` to `after`, and
/// returns the audit entry's lines for what changed.
async fn provision(
    editing: &mut Editing,
    device: &DeviceName,
    before: (Option<MacAddress>, Option<DeviceModel>),
    after: (Option<MacAddress>, Option<DeviceModel>),
) -> Result<audit::Changes, AppError> {
    if before == after {
        return Ok(audit::Changes::new());
    }
    let text = |v: Option<&str>| v.unwrap_or_default().to_owned();
    let (mac, model) = (
        after.0.as_ref().map(MacAddress::as_str),
        after.1.as_ref().map(DeviceModel::as_str),
    );
    write::set_provisioning(
        &mut editing.tx,
        editing.located.id,
        device.as_str(),
        mac,
        model,
    )
    .await?;
    let mut changes = audit::Changes::new();
    if before.0 != after.0 {
        changes.insert(
            "device-provisioning-mac-address".to_owned(),
            (text(before.0.as_ref().map(MacAddress::as_str)), text(mac)),
        );
    }
    if before.1 != after.1 {
        changes.insert(
            MODEL.to_owned(),
            (
                text(before.1.as_ref().map(DeviceModel::as_str)),
                text(model),
            ),
        );
    }
    Ok(changes)
}

/// The audit entry's line for a changed SIP password (never the password itself).
fn password_changed() -> audit::Changes {
    audit::Changes::from([(
        "device-sip-registration-password".to_owned(),
        ("***".to_owned(), "***".to_owned()),
    )])
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
    // Nothing is stored yet: a MAC address needs its model in the same form.
    let (mac, model) = new
        .provisioning
        .applied_to((None, None), MODEL)
        .map_err(AppError::invalid)?;
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
    let provisioned = provision(&mut editing, &new.device, (None, None), (mac, model)).await?;
    editing
        .finish(caller, "device.create", provisioned, Some(&new.device))
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
    let Some(stored) = editing.before.devices.iter().find(|d| d.device == current) else {
        return Err(AppError::NotFound);
    };
    let before = (
        stored.device_provisioning_mac_address.clone(),
        stored.device_models_model.clone(),
    );
    let after = new
        .provisioning
        .applied_to(before.clone(), MODEL)
        .map_err(AppError::invalid)?;
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
    let mut changes = provision(&mut editing, &new.device, before, after).await?;
    if password.is_some() {
        changes.extend(password_changed());
    }
    editing
        .finish(caller, "device.update", changes, Some(&new.device))
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
    editing.keeps_another(&current)?;
    let user_id = editing.located.id;
    write::delete_device(&mut editing.tx, user_id, current.as_str()).await?;
    editing
        .finish(caller, "device.delete", audit::Changes::new(), None)
        .await?;
    Ok(())
}

/// Moves the device `device` of the user `extension` to the user `to` of the same domain, with
/// its name and password (a phone registered with it goes on working, now ringing `to`). Both
/// users must be the caller's to manage; the first keeps at least one device.
pub async fn move_device(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    device: &str,
    to: &str,
) -> Result<(), AppError> {
    const FIELD: &str = "user";
    let current = device_in_path(device)?;
    let target = Extension::parse_alphanumeric(to)
        .map_err(|e| AppError::invalid(FieldErrors::one(FIELD, e.0)))?;
    let (_, receiver) =
        match access::user_in(db, caller, domain, target.as_str(), Action::ManageUsers).await {
            Err(AppError::NotFound) => Err(AppError::invalid(FieldErrors::one(
                FIELD,
                format!("There is no user {target} in this domain."),
            ))),
            other => other,
        }?;
    let mut editing = Editing::begin(db, caller, domain, extension).await?;
    if !editing.has(&current) {
        return Err(AppError::NotFound);
    }
    if receiver.id == editing.located.id {
        return Err(AppError::invalid(FieldErrors::one(
            FIELD,
            format!("{current} is user {target}'s already."),
        )));
    }
    editing.keeps_another(&current)?;
    let user_id = editing.located.id;
    write::move_device(&mut editing.tx, user_id, current.as_str(), receiver.id).await?;
    let moved = audit::Changes::from([(
        "user".to_owned(),
        (editing.before.extension().to_string(), target.to_string()),
    )]);
    editing.finish(caller, "device.move", moved, None).await?;
    Ok(())
}
