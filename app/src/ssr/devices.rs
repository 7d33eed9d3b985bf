//! SIP devices of users: the plain functions behind the API. A device is added to, changed on
//! and removed from its user in place (it keeps its row and the time it was made), its name
//! checked once per domain, each change one transaction with its audit entry (its settings
//! included, a secret as `***`). SIP passwords are shown to those who manage the user only.

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
use crate::model::fields::{diff, FieldContext, Patch, MASK};
use crate::model::permissions::Action;
use crate::model::user::{Device, NewDevice, UserDetail};
use crate::model::{
    DeviceModel, DeviceName, DeviceSettings, DeviceSettingsForm, DomainName, Extension,
    FieldErrors, MacAddress, Parse, Scope, DEVICE_FIELDS,
};

/// One page of the devices of `domain` (a Site Manager: of its own site's users) and how many
/// match in all.
pub async fn list_devices(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    query: &DeviceQuery,
) -> Result<(u64, Vec<Device>), AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers);
    let (total, rows) = devices::list(db.pool(), found.id, found.name(), only_site, query).await?;
    let items = rows
        .into_iter()
        .map(|(row, registration)| {
            // A stored scope that no longer parses counts as the highest (see `Located::scope`).
            let scope = Scope::parse(&row.scope).unwrap_or(Scope::SuperUser);
            let user = Extension::parse_alphanumeric(&row.extension)
                .map_err(|e| super::db::domains::corrupt("device", e))?;
            let with_password = caller.who.ranks_at_least(scope);
            Ok(row
                .device
                .read(found.name(), user, registration, with_password)?)
        })
        .collect::<Result<_, AppError>>()?;
    Ok((total, items))
}

/// Whether the device name `device` is taken in `domain` (by any of its users): what the API's
/// count of one device answers. A name that cannot be a device's is not taken.
pub async fn device_taken(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    device: &str,
) -> Result<bool, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let Ok(name) = DeviceName::parse(device) else {
        return Ok(false);
    };
    let mut conn = db.pool().acquire().await?;
    let owners = facts::device_owners(&mut conn, found.id, &[name.as_str()]).await?;
    Ok(owners.contains_key(name.as_str()))
}

/// A device name from a URL: one that cannot be a device is simply not found.
fn device_in_path(raw: &str) -> Result<DeviceName, AppError> {
    DeviceName::parse(raw).map_err(|_| AppError::NotFound)
}

/// The new device a form gives, or every bad field.
fn parse(form: &DeviceForm) -> Result<NewDevice, AppError> {
    let mut errors = FieldErrors::default();
    form.parse("", &mut errors)
        .filter(|_| errors.is_empty())
        .ok_or_else(|| AppError::invalid(errors))
}

/// The audit entry's lines for a device's settings going from `before` to `after`: each changed
/// setting by wire name, a secret as `***` (never itself).
fn settings_changes(before: &DeviceSettings, after: &DeviceSettings) -> audit::Changes {
    let mut changes = audit::from_diff(diff(DEVICE_FIELDS, &before.to_form(), &after.to_form()));
    // Forms never hold a secret: the documents, which keep them, tell whether one changed.
    let (old, new) = (before.settings(), after.settings());
    let shown = |v: Option<&serde_json::Value>| v.map_or("", |_| MASK).to_owned();
    for field in DEVICE_FIELDS.iter().filter(|f| f.is_secret()) {
        let (was, is) = (old.get(field.name), new.get(field.name));
        if was != is {
            changes.insert(field.name.to_owned(), (shown(was), shown(is)));
        }
    }
    changes
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
/// one, its phone and its settings (NetSapiens' defaults for those left blank), and returns it
/// (with its password). A name used in the domain already is a conflict.
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
    let phone = new
        .provisioning
        .applied_to((None, None), MODEL)
        .map_err(AppError::invalid)?;
    let mut changes = provision(&mut editing, &new.device, (None, None), phone).await?;
    write::set_device_settings(
        &mut editing.tx,
        user_id,
        new.device.as_str(),
        &devices::settings_document(&new.settings),
    )
    .await?;
    let defaults = DeviceSettingsForm::new_device()
        .parse(&FieldContext::default())
        .map_err(AppError::invalid)?;
    changes.extend(settings_changes(&defaults, &new.settings));
    editing
        .finish(caller, "device.create", changes, Some(&new.device))
        .await?
        .ok_or(AppError::Internal)
}

/// Changes the device `device` of the user `extension` as `form` says: renames it (`device`),
/// gives it a new password (blank keeps it) and links or unlinks its phone (the MAC address and
/// model: absent keeps, blank unlinks). Of its settings, only those `settings` names change (a
/// blank secret keeps its value); `form`'s own settings are not read. Every bad field is
/// reported at once.
pub async fn update_device(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    device: &str,
    form: &DeviceForm,
    settings: &Patch,
) -> Result<Device, AppError> {
    let current = device_in_path(device)?;
    let mut errors = FieldErrors::default();
    let change = form.parse_change("", &mut errors);
    let mut editing = Editing::begin(db, caller, domain, extension).await?;
    let Some(stored) = editing.before.devices.iter().find(|d| d.device == current) else {
        return Err(AppError::NotFound);
    };
    let before = (
        stored.device_provisioning_mac_address.clone(),
        stored.device_models_model.clone(),
    );
    let old_settings = stored.settings.clone();
    let mut new_settings = old_settings.clone();
    let cx = FieldContext::default();
    for (name, text) in &settings.0 {
        if !new_settings.apply(name, text, &cx, &mut errors) {
            errors.add(name.clone(), "Unknown field.");
        }
    }
    let after = change.as_ref().map(|(_, _, provisioning)| {
        provisioning
            .applied_to(before.clone(), MODEL)
            .map_err(|bad| errors.0.extend(bad.0))
    });
    let (Some((name, password, _)), Some(Ok(after))) = (change, after) else {
        return Err(AppError::invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let renamed = name != current;
    if renamed {
        editing.free(&name).await?;
    }
    let password = password.as_ref().map(|p| p.expose());
    let rename = renamed.then_some(name.as_str());
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
    let mut changes = provision(&mut editing, &name, before, after).await?;
    if password.is_some() {
        changes.extend(password_changed());
    }
    if new_settings != old_settings {
        write::set_device_settings(
            &mut editing.tx,
            user_id,
            name.as_str(),
            &devices::settings_document(&new_settings),
        )
        .await?;
        changes.extend(settings_changes(&old_settings, &new_settings));
    }
    editing
        .finish(caller, "device.update", changes, Some(&name))
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
