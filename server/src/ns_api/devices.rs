//! `/domains/{domain}/devices` (every SIP device of a domain) and
//! `/domains/{domain}/users/{user}/devices`: a user's devices, list, count, add, read, change,
//! remove; and `/domains/{domain}/devices/{device}/count`, whether a name is taken.
//!
//! Every answer is one shape, NetSapiens' `Device`, with its `user`, `domain`, SIP address and
//! settings. SIP passwords are shown to the user's managers only; a user reading its own devices
//! (`~`) sees them without. A device is changed through its user's edit, so its name is checked
//! once per domain (409 on a duplicate) and each change is one transaction with its audit entry.

use super::extract::{ApiCaller, JsonObject, Params};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use super::users::{descending, window};
use super::{changed, domain_name, listed, schemas, user_name, Count};
use app::error::AppError;
use app::model::fields::Patch;
use app::model::json_form::Shape;
use app::model::user::Device;
use app::model::{DeviceName, Parse, DEVICE_FIELDS};
use app::ssr::db::devices::DeviceQuery;
use app::ssr::devices;
use app::ssr::users::DeviceForm;
use app::ssr::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    // The counts first: `count` is a word of the path there, never a device's name.
    OpenApiRouter::new()
        .routes(routes!(count_domain_devices))
        .routes(routes!(count_device))
        .routes(routes!(count_user_devices))
        .routes(routes!(list_domain_devices))
        .routes(routes!(list_user_devices, create_device))
        .routes(routes!(get_device, update_device, delete_device))
}

const SHAPE: Shape = Shape {
    lists: &[],
    aliases: &[],
    skip: &["synchronous"],
};

/// A list's query: which devices, in which order, which page.
fn query(params: &Params) -> Result<DeviceQuery, Problem> {
    let (start, limit) = window(params)?;
    let by_user = match params.text("order").map(str::trim) {
        None | Some("" | "device") => false,
        Some("user") => true,
        Some(_) => {
            return Err(Problem::field(
                StatusCode::BAD_REQUEST,
                "order",
                "device or user.",
            ))
        }
    };
    Ok(DeviceQuery {
        search: params.text("search").unwrap_or_default().to_owned(),
        by_user,
        descending: descending(params)?,
        start,
        limit,
    })
}

/// List every SIP device of a domain (a Site Manager: of its site's users).
#[utoipa::path(get, path = "/domains/{domain}/devices", tag = "Devices", operation_id = "ListDomainDevices",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip (NetSapiens)."),
        ("offset" = Option<u32>, Query, description = "How many to skip (XiVO)."),
        ("search" = Option<String>, Query, description = "Part of the device's name or of its user's extension."),
        ("order" = Option<String>, Query, description = "device (the default) or user."),
        ("direction" = Option<String>, Query, description = "asc or desc."),
    ),
    responses((status = 200, description = "A page of devices; the number matching in X-Total-Count.",
        body = Vec<schemas::Device>, headers(("x-total-count" = u64)))))]
async fn list_domain_devices(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let (total, items) = devices::list_devices(&state.db, &caller, &name, &query(&params)?).await?;
    Ok(listed(total, items))
}

/// Count the SIP devices of a domain (a Site Manager: of its site's users).
#[utoipa::path(get, path = "/domains/{domain}/devices/count", tag = "Devices", operation_id = "CountDomainDevices",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("search" = Option<String>, Query, description = "Part of the device's name or of its user's extension."),
    ),
    responses((status = 200, description = "How many devices match.", body = Count)))]
async fn count_domain_devices(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Json<Count>> {
    let name = domain_name(&caller, &domain)?;
    let query = DeviceQuery {
        limit: 1,
        ..query(&params)?
    };
    let (total, _) = devices::list_devices(&state.db, &caller, &name, &query).await?;
    Ok(Json(Count { total }))
}

/// Whether a device name is taken in the domain, by any of its users: 1 if it is, else 0.
#[utoipa::path(get, path = "/domains/{domain}/devices/{device}/count", tag = "Devices", operation_id = "CountDevicesByDevice",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("device" = String, Path, description = "The device's name."),
    ),
    responses((status = 200, description = "1 if a device of the domain has this name, else 0.", body = Count)))]
async fn count_device(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, device)): Path<(String, String)>,
) -> ApiResult<Json<Count>> {
    let name = domain_name(&caller, &domain)?;
    let taken = devices::device_taken(&state.db, &caller, &name, &device).await?;
    Ok(Json(Count {
        total: u64::from(taken),
    }))
}

/// Count the devices of a user.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/devices/count", tag = "Devices", operation_id = "CountDevices",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~ for the caller's own user."),
    ),
    responses((status = 200, description = "How many devices the user has.", body = Count)))]
async fn count_user_devices(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
) -> ApiResult<Json<Count>> {
    let all = user_devices(&state, &caller, &domain, &user).await?;
    Ok(Json(Count {
        total: all.len() as u64,
    }))
}

/// The devices of a user as the caller may see them.
async fn user_devices(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    user: &str,
) -> ApiResult<Vec<Device>> {
    let name = domain_name(caller, domain)?;
    let extension = user_name(caller, &name, user)?;
    Ok(
        app::ssr::users::read_user(&state.db, caller, &name, extension)
            .await?
            .devices,
    )
}

/// List the devices of a user.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/devices", tag = "Devices", operation_id = "ListDevices",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~ for the caller's own user."),
    ),
    responses((status = 200, description = "The user's devices (SIP passwords for its managers only); how many in X-Total-Count.",
        body = Vec<schemas::Device>, headers(("x-total-count" = u64)))))]
async fn list_user_devices(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
) -> ApiResult<Response> {
    let all = user_devices(&state, &caller, &domain, &user).await?;
    Ok(listed(all.len() as u64, all))
}

/// Add a device to a user, with the password given or a generated one.
#[utoipa::path(post, path = "/domains/{domain}/users/{user}/devices", tag = "Devices", operation_id = "CreateDevice",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = schemas::DeviceInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Added (synchronous: yes): the device with its SIP password.", body = schemas::Device),
        (status = 202, description = "Added.", body = super::Accepted),
    ))]
async fn create_device(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
    retry: Retry,
    mut body: JsonObject,
) -> Response {
    let raw = body.raw.clone();
    idempotency::once(&state, &caller, &retry, &raw, || async {
        let name = domain_name(&caller, &domain)?;
        let extension = user_name(&caller, &name, &user)?;
        let (form, sync) = body.form_and_sync::<DeviceForm>(SHAPE)?;
        let created = devices::create_device(&state.db, &caller, &name, extension, &form).await?;
        Ok::<_, Problem>(changed(sync, created))
    })
    .await
}

/// The device `device` of `devices`, or not found.
fn one(devices: Vec<Device>, device: &str) -> ApiResult<Device> {
    let wanted = DeviceName::parse(device).map_err(|_| AppError::NotFound)?;
    devices
        .into_iter()
        .find(|d| d.device == wanted)
        .ok_or_else(|| AppError::NotFound.into())
}

/// Read a device of a user.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/devices/{device}", tag = "Devices", operation_id = "GetDevice",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("device" = String, Path, description = "The device's name."),
    ),
    responses((status = 200, description = "The device (its SIP password for the user's managers only).", body = schemas::Device)))]
async fn get_device(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, user, device)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let all = user_devices(&state, &caller, &domain, &user).await?;
    Ok(super::fresh(&headers, &one(all, &device)?))
}

/// Change a device: rename it (`device`: the new name), give it a new SIP password, link or
/// unlink its phone, change its settings. Members left out keep their values; a renamed device
/// keeps its password.
#[utoipa::path(put, path = "/domains/{domain}/users/{user}/devices/{device}", tag = "Devices", operation_id = "UpdateDevice",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension."),
        ("device" = String, Path, description = "The device's name."),
    ),
    request_body(content = schemas::DeviceInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = schemas::Device),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_device(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user, device)): Path<(String, String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user)?;
    let sync = super::synchronous(body.take_text("synchronous")?)?;
    // What is not sent stays as stored.
    let mut form = DeviceForm::named(device.clone(), String::new());
    body.overlay(&mut form)?;
    let settings = Patch::of(DEVICE_FIELDS, &form.settings, |f| {
        body.map.contains_key(f.name)
    });
    let updated = devices::update_device(
        &state.db, &caller, &name, extension, &device, &form, &settings,
    )
    .await?;
    Ok(changed(sync, updated))
}

/// Remove a device from a user. A user's only device is kept (412): add another first.
#[utoipa::path(delete, path = "/domains/{domain}/users/{user}/devices/{device}", tag = "Devices", operation_id = "DeleteDevice",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension."),
        ("device" = String, Path, description = "The device's name."),
    ),
    responses((status = 202, description = "Removed.", body = super::Accepted)))]
async fn delete_device(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user, device)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user)?;
    devices::delete_device(&state.db, &caller, &name, extension, &device).await?;
    Ok(super::accepted())
}
