//! A domain's SIP devices, for the portal's devices page: every device with its user, its
//! registration and its settings, added to a user, renamed, moved to another user, given a new password, deleted.

use crate::error::AppError;
use crate::model::DeviceList;
#[cfg(feature = "ssr")]
use crate::{model::done::Done, ssr::request::act_on_domain};
use leptos::prelude::*;

/// The devices page, under its domain's address.
#[cfg(feature = "ssr")]
const PAGE: &str = "devices";

/// Devices shown per page.
pub const DEVICES_PER_PAGE: u32 = 100;

/// One page of the devices of a domain the caller may see, matching `search` (part of a
/// device's name or of its user's extension), from the `start`-th, by name.
#[server(endpoint = "list-devices")]
pub async fn list_devices(
    domain: String,
    search: String,
    start: u32,
) -> Result<DeviceList, AppError> {
    use crate::ssr::db::devices::DeviceQuery;
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let query = DeviceQuery {
                search,
                start,
                limit: DEVICES_PER_PAGE,
                ..DeviceQuery::default()
            };
            let (total, items) =
                crate::ssr::devices::list_devices(&state.db, &caller, &name, &query).await?;
            Ok(DeviceList { total, items })
        }
        .await,
    )
}

/// Adds the device `device` to the user `user`, with the SIP password given or a generated one,
/// linked to the phone with MAC address `mac` and model `model` when they are given.
#[server(endpoint = "add-device")]
pub async fn add_device(
    domain: String,
    user: String,
    device: String,
    #[server(default)] password: String,
    #[server(default)] mac: String,
    #[server(default)] model: String,
) -> Result<(), AppError> {
    use crate::model::permissions::Action;
    use crate::ssr::users::DeviceForm;
    act_on_domain(
        &domain,
        PAGE,
        Done::DeviceAdded,
        |state, caller, name| async move {
            let form = DeviceForm {
                device_provisioning_mac_address: Some(mac),
                device_models_model: Some(model),
                ..DeviceForm::named(device, password)
            };
            // Once the domain is found, a user that is not there is a mistake in the form's
            // `user` field, not a missing page.
            let user = user.trim();
            crate::ssr::access::domain(&state.db, &caller, &name, Action::ManageUsers).await?;
            crate::ssr::devices::create_device(&state.db, &caller, &name, user, &form)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => AppError::invalid(crate::model::FieldErrors::one(
                        "user",
                        format!("There is no user {user} in this domain."),
                    )),
                    other => other,
                })
        },
    )
    .await
}

/// Renames the device `device` of the user `user` to `to`; it keeps its password.
#[server(endpoint = "rename-device")]
pub async fn rename_device(
    domain: String,
    user: String,
    device: String,
    to: String,
) -> Result<(), AppError> {
    let form = crate::ssr::users::DeviceForm::named(to, String::new());
    change(domain, user, device, form, Done::DeviceRenamed).await
}

/// Gives the device `device` of the user `user` a new generated SIP password: the phone must be
/// set up with it again.
#[server(endpoint = "reset-device-password")]
pub async fn reset_device_password(
    domain: String,
    user: String,
    device: String,
) -> Result<(), AppError> {
    let password = crate::ssr::users::generate_sip_password();
    let form = crate::ssr::users::DeviceForm::named(device.clone(), password);
    change(domain, user, device, form, Done::DevicePasswordReset).await
}

/// Changes the device `device` of the user `user` as `form` says (its settings stay as they
/// are), then says it was `done`.
#[cfg(feature = "ssr")]
async fn change(
    domain: String,
    user: String,
    device: String,
    form: crate::ssr::users::DeviceForm,
    done: Done,
) -> Result<(), AppError> {
    let settings = crate::model::fields::Patch::default();
    act_on_domain(&domain, PAGE, done, |state, caller, name| async move {
        crate::ssr::devices::update_device(
            &state.db, &caller, &name, &user, &device, &form, &settings,
        )
        .await
    })
    .await
}

/// Gives the device `device` of the user `user` to the user `to`.
#[server(endpoint = "move-device")]
pub async fn move_device(
    domain: String,
    user: String,
    device: String,
    to: String,
) -> Result<(), AppError> {
    act_on_domain(
        &domain,
        PAGE,
        Done::DeviceMoved,
        |state, caller, name| async move {
            crate::ssr::devices::move_device(&state.db, &caller, &name, &user, &device, &to).await
        },
    )
    .await
}

/// Deletes the device `device` of the user `user` (not its last one).
#[server(endpoint = "delete-device")]
pub async fn delete_device(domain: String, user: String, device: String) -> Result<(), AppError> {
    act_on_domain(
        &domain,
        PAGE,
        Done::DeviceDeleted,
        |state, caller, name| async move {
            crate::ssr::devices::delete_device(&state.db, &caller, &name, &user, &device).await
        },
    )
    .await
}
