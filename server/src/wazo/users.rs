//! `/users`: Wazo's list, one-request create, read, update, delete, and the `forwards` and
//! `services` sub-resources, each a translation onto `app::ssr::users`.

use super::translate::{self, Lookups, Mode, Translated, FORWARDS, SERVICES};
use super::{
    tenant, unauthorized_tenant, user_id_of, user_uuid, WazoCaller, WazoError, WazoResult,
};
use app::error::AppError;
use app::model::call_queue::QueueRef;
use app::model::json_form::form_of;
use app::model::permissions::Action;
use app::model::user::{SortKey, UserDetail, UserForm, UserQuery, USER_FIELDS};
use app::model::DomainName;
use app::ssr::{call_queues, users, AppState};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
        .routes(routes!(get_forwards, update_forwards))
        .routes(routes!(get_forward, update_forward))
        .routes(routes!(get_services, update_services))
        .routes(routes!(get_service, update_service))
}

// ---------------------------------------------------------------------------------------------
// Shapes, for the OpenAPI document
// ---------------------------------------------------------------------------------------------

/// A Wazo user as Roster answers it (and, with `auth`, `lines`, `incalls`, `groups`,
/// `voicemail`, `forwards`, `fallbacks`, `services`, what `POST /users` takes).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = User)]
#[allow(dead_code)]
pub struct UserDoc {
    /// Roster's row id.
    id: i64,
    /// Derived from the id; accepted wherever the id is.
    uuid: String,
    /// The domain's name.
    tenant_uuid: String,
    firstname: String,
    lastname: String,
    email: String,
    timezone: Option<String>,
    language: Option<String>,
    /// `"Name"` or `"Name" <number>`.
    caller_id: Option<String>,
    /// `default`, `anonymous` or `"Name" <number>`.
    outgoing_caller_id: Option<String>,
    /// Where calls go when the user's phones are offline (with `mobile_fallback_enabled`).
    mobile_phone_number: Option<String>,
    mobile_fallback_enabled: bool,
    /// The portal login (`auth.username` on create).
    username: String,
    /// Roster's service code.
    userfield: Option<String>,
    ring_seconds: Option<u32>,
    simultaneous_calls: Option<u32>,
    enabled: bool,
    /// Each of the user's SIP devices, with the user's one extension.
    lines: Vec<Value>,
    /// The phone numbers routed to the user.
    incalls: Vec<Value>,
    /// The call queues the user is an agent of (Roster's groups), by `uuid`, `id` or `name`
    /// (a queue's description or extension).
    groups: Vec<Value>,
    voicemail: Option<Value>,
    forwards: ForwardsDoc,
    fallbacks: Value,
    services: ServicesDoc,
}

/// A page of users.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = UserList)]
#[allow(dead_code)]
pub struct ListDoc {
    /// How many users match (all pages).
    total: u64,
    items: Vec<UserDoc>,
}

/// One forward.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Forward)]
#[allow(dead_code)]
pub struct ForwardDoc {
    enabled: bool,
    /// An extension, a phone number, or `voicemail`.
    destination: Option<String>,
}

/// A user's forwards: Roster's answer rule for the time frame `*`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Forwards)]
#[allow(dead_code)]
pub struct ForwardsDoc {
    busy: ForwardDoc,
    noanswer: ForwardDoc,
    unconditional: ForwardDoc,
}

/// One service.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Service)]
#[allow(dead_code)]
pub struct ServiceDoc {
    enabled: bool,
}

/// A user's services: do not disturb and call screening.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Services)]
#[allow(dead_code)]
pub struct ServicesDoc {
    dnd: ServiceDoc,
    incallfilter: ServiceDoc,
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The tenant, once the caller is known to manage its users.
async fn in_tenant(
    state: &AppState,
    caller: &WazoCaller,
    headers: &HeaderMap,
) -> WazoResult<DomainName> {
    let name = tenant(&caller.0, headers)?;
    match app::ssr::access::domain(&state.db, &caller.0, &name, Action::ManageUsers).await {
        Ok(_) => Ok(name),
        Err(AppError::NotFound) => Err(unauthorized_tenant(name.as_str())),
        Err(e) => Err(e.into()),
    }
}

/// The tenant and the extension of the user a path's `{id}` (an id or a uuid) names. A user of
/// another tenant is not found.
async fn user_at(
    state: &AppState,
    caller: &WazoCaller,
    headers: &HeaderMap,
    raw: &str,
) -> WazoResult<(DomainName, i64, String)> {
    let name = in_tenant(state, caller, headers).await?;
    let id = user_id_of(raw).ok_or_else(|| WazoError::user_not_found(raw))?;
    match users::extension_with_id(&state.db, &caller.0, &name, id).await {
        Ok(extension) => Ok((name, id, extension)),
        Err(AppError::NotFound) => Err(WazoError::user_not_found(raw)),
        Err(e) => Err(e.into()),
    }
}

/// The user `extension` read as its managers see it, or Wazo's 404 for `raw`.
async fn read(
    state: &AppState,
    caller: &WazoCaller,
    name: &DomainName,
    extension: &str,
    raw: &str,
) -> WazoResult<UserDetail> {
    users::get_user(&state.db, &caller.0, name, extension)
        .await
        .map_err(|e| match e {
            AppError::NotFound => WazoError::user_not_found(raw),
            e => e.into(),
        })
}

/// A JSON object body (Wazo's `application/json`).
fn object(headers: &HeaderMap, body: &Bytes) -> WazoResult<Map<String, Value>> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json {
        return Err(WazoError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the body as application/json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(WazoError::new(
            StatusCode::BAD_REQUEST,
            "Input Error - the body must be a JSON object",
        )),
        Err(e) => Err(WazoError::new(
            StatusCode::BAD_REQUEST,
            format!("Input Error - malformed JSON: {e}"),
        )),
    }
}

/// The query string's parameters (the last of a name given twice).
fn query(
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> WazoResult<HashMap<String, String>> {
    params.map(|q| q.0).map_err(|_| {
        WazoError::new(
            StatusCode::BAD_REQUEST,
            "Input Error - malformed query string",
        )
    })
}

/// A query flag: `true`/`false` (also `yes`/`no`, `1`/`0`).
fn flag(params: &HashMap<String, String>, name: &str) -> WazoResult<bool> {
    match params.get(name).map(|v| v.trim()) {
        None | Some("" | "false" | "no" | "0") => Ok(false),
        Some("true" | "yes" | "1") => Ok(true),
        Some(_) => Err(WazoError::new(
            StatusCode::BAD_REQUEST,
            format!("Input Error - field '{name}': Not a valid boolean."),
        )),
    }
}

/// The tenant's call queues (Wazo's groups) and the users a body's fallbacks name, for the
/// translation.
async fn lookups(
    state: &AppState,
    caller: &WazoCaller,
    name: &DomainName,
    body: &Map<String, Value>,
) -> WazoResult<(Vec<QueueRef>, HashMap<i64, String>)> {
    let groups = call_queues::queue_refs(&state.db, &caller.0, name).await?;
    let mut named = HashMap::new();
    if let Some(Value::Object(fallbacks)) = body.get("fallbacks") {
        for fallback in fallbacks.values() {
            if let Some(id) = fallback.get("user_id").and_then(Value::as_i64) {
                match users::extension_with_id(&state.db, &caller.0, name, id).await {
                    Ok(extension) => {
                        named.insert(id, extension);
                    }
                    Err(AppError::NotFound) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    Ok((groups, named))
}

/// The core's error, its fields on Wazo's paths (those the translation already reported, the
/// first `translated` of them, are Wazo's paths already).
fn core_error(error: AppError, t: &Translated, translated: usize) -> WazoError {
    let remap = |errors: app::model::FieldErrors| {
        let mut out = app::model::FieldErrors::default();
        for (i, e) in errors.0.into_iter().enumerate() {
            let field = if i < translated {
                e.field
            } else {
                t.wazo_path(&e.field)
            };
            out.add(field, e.message);
        }
        out
    };
    let same = |field: &str| field.to_owned();
    match error {
        AppError::Invalid { errors, .. } => WazoError::fields(&remap(errors), "Input Error", &same),
        AppError::Conflict { errors, .. } => {
            WazoError::fields(&remap(errors), "Resource Error", &same)
        }
        other => WazoError::from_app(other, &|f| t.wazo_path(f)),
    }
}

/// `"Name" <number>` (or `"Name"`) of a name and a number.
fn caller_id_text(name: &str, number: &str) -> Option<String> {
    match (name.is_empty(), number.is_empty()) {
        (true, true) => None,
        (_, true) => Some(format!("\"{name}\"")),
        _ => Some(format!("\"{name}\" <{number}>")),
    }
}

fn some(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        Value::String(text.to_owned())
    }
}

fn number(text: &str) -> Value {
    text.parse::<u32>().map_or(Value::Null, Value::from)
}

/// A user's forwards as Wazo reads them.
fn forwards_of(form: &UserForm) -> Value {
    let mut out = Map::new();
    for (name, field) in FORWARDS {
        let destination = app::model::fields::find(USER_FIELDS, field)
            .map(|f| (f.get)(form).to_owned())
            .unwrap_or_default();
        out.insert(
            name.to_owned(),
            json!({"enabled": !destination.is_empty(), "destination": some(&destination)}),
        );
    }
    Value::Object(out)
}

/// A user's services as Wazo reads them.
fn services_of(form: &UserForm) -> Value {
    let mut out = Map::new();
    for (name, field) in SERVICES {
        let on =
            app::model::fields::find(USER_FIELDS, field).is_some_and(|f| (f.get)(form) == "yes");
        out.insert(name.to_owned(), json!({"enabled": on}));
    }
    Value::Object(out)
}

/// A user in Wazo's read model.
fn shaped(detail: &UserDetail, id: i64, all_groups: &[QueueRef]) -> Value {
    let f = detail.values.to_form();
    let domain = detail.domain.as_str();
    let exten = f.user.as_str();
    let lines: Vec<Value> = detail
        .devices
        .iter()
        .map(|d| {
            let name = d.device.as_str();
            let mut options = vec![json!(["username", name])];
            if let Some(password) = &d.device_sip_registration_password {
                options.push(json!(["password", password]));
            }
            json!({
                "name": name, "context": domain, "protocol": "sip",
                "endpoint_sip": {"name": name, "auth_section_options": options},
                "endpoint_sccp": null, "endpoint_custom": null,
                "extensions": [{"exten": exten, "context": domain}],
            })
        })
        .collect();
    let numbers: Vec<&str> = app::model::fields::split_list(&f.phone_numbers).collect();
    let incalls: Vec<Value> = numbers
        .iter()
        .map(|n| {
            json!({
                "extensions": [{"exten": n, "context": domain}],
                "destination": {"type": "user", "user_id": id},
            })
        })
        .collect();
    // Its call queues, as Wazo's groups: named by their descriptions (their extensions when
    // they have none).
    let groups: Vec<Value> = app::model::fields::split_list(&f.groups)
        .map(|exten| {
            let queue = all_groups.iter().find(|q| q.callqueue.as_str() == exten);
            let name = queue
                .map(|q| q.description.as_str())
                .filter(|d| !d.is_empty())
                .unwrap_or(exten);
            json!({
                "id": queue.map(|q| q.id), "uuid": queue.map(|q| super::group_uuid(q.id)),
                "name": name, "label": name,
                "extensions": [{"exten": exten, "context": domain}],
            })
        })
        .collect();
    let voicemail = detail.voicemail_box.as_ref().map(|mailbox| {
        let mailed = f.email_send_alert_new_voicemail_enabled == "yes";
        let behavior = f.email_send_alert_new_voicemail_behavior.as_str();
        json!({
            "number": mailbox.as_str(),
            "context": domain,
            "name": format!("{} {}", f.name_first_name, f.name_last_name),
            "email": if mailed { some(&f.email) } else { Value::Null },
            "attach_audio": behavior.contains("att"),
            "language": some(&f.language_token),
            "timezone": some(&f.time_zone),
            "enabled": true,
        })
    });
    let outgoing = if f.privacy == "yes" {
        Some("anonymous".to_owned())
    } else {
        caller_id_text(&f.caller_id_name, &f.caller_id_number).or(Some("default".to_owned()))
    };
    json!({
        "id": id,
        "uuid": user_uuid(id),
        "tenant_uuid": domain,
        "firstname": f.name_first_name,
        "lastname": f.name_last_name,
        "email": f.email,
        "timezone": some(&f.time_zone),
        "language": some(&f.language_token),
        "caller_id": caller_id_text(&f.caller_id_name, &f.caller_id_number),
        "outgoing_caller_id": outgoing,
        "mobile_phone_number": some(&f.forward_when_unregistered),
        "mobile_fallback_enabled": !f.forward_when_unregistered.is_empty(),
        "username": f.login_username,
        "password": null,
        "userfield": some(&f.service_code),
        "ring_seconds": number(&f.ring_no_answer_timeout_seconds),
        "simultaneous_calls": number(&f.limits_max_active_calls_total),
        "enabled": f.status == "enabled",
        "lines": lines,
        "incalls": incalls,
        "groups": groups,
        "voicemail": voicemail,
        "forwards": forwards_of(&f),
        "fallbacks": {
            "noanswer_destination": null, "busy_destination": null,
            "congestion_destination": null, "fail_destination": null,
        },
        "services": services_of(&f),
        "agent": null,
        "switchboards": [],
        "queues": [],
        "func_key_template_id": null,
    })
}

/// Wazo's `view=directory` of a user.
fn directory(full: &Value) -> Value {
    let exten = full["lines"][0]["extensions"][0]["exten"].clone();
    json!({
        "id": full["id"], "uuid": full["uuid"], "line_id": null, "agent_id": null,
        "firstname": full["firstname"], "lastname": full["lastname"], "email": full["email"],
        "exten": exten, "mobile_phone_number": full["mobile_phone_number"],
        "userfield": full["userfield"], "description": null,
        "voicemail_number": full["voicemail"]["number"],
    })
}

/// Wazo's `view=summary` of a user.
fn summary(full: &Value) -> Value {
    json!({
        "id": full["id"], "uuid": full["uuid"],
        "firstname": full["firstname"], "lastname": full["lastname"], "email": full["email"],
        "extension": full["lines"][0]["extensions"][0]["exten"],
        "context": full["tenant_uuid"], "provisioning_code": null, "protocol": "sip",
        "enabled": full["enabled"], "subscription_type": 0,
    })
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

/// List the tenant's users.
#[utoipa::path(get, path = "/users", tag = "users", operation_id = "list_users",
    params(
        ("Wazo-Tenant" = Option<String>, Header, description = "The domain's name; default: the caller's own."),
        ("search" = Option<String>, Query, description = "Part of the extension, a name, the login or the e-mail."),
        ("order" = Option<String>, Query, description = "firstname, lastname (both: last name, then first), username or exten (the default)."),
        ("direction" = Option<String>, Query, description = "asc or desc."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 1000)."),
        ("offset" = Option<u32>, Query, description = "How many to skip."),
        ("view" = Option<String>, Query, description = "directory or summary; default: whole users."),
    ),
    responses((status = 200, description = "A page of users.", body = ListDoc)))]
async fn list_users(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> WazoResult<Json<Value>> {
    let name = in_tenant(&state, &caller, &headers).await?;
    let params = query(params)?;
    let bad = |field: &str, message: &str| {
        WazoError::new(
            StatusCode::BAD_REQUEST,
            format!("Input Error - field '{field}': {message}"),
        )
    };
    let whole = |field: &str, default: u32, min: u32, max: u32| match params.get(field) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| bad(field, &format!("A whole number from {min} to {max}."))),
    };
    let sort = match params.get("order").map(|o| o.trim()) {
        None | Some("" | "exten") => SortKey::User,
        Some("firstname" | "lastname") => SortKey::Name,
        Some("username") => SortKey::Login,
        Some(_) => {
            return Err(bad(
                "order",
                "Roster orders users by firstname, lastname, username or exten.",
            ))
        }
    };
    let descending = match params.get("direction").map(|d| d.trim()) {
        None | Some("" | "asc") => false,
        Some("desc") => true,
        Some(_) => return Err(bad("direction", "asc or desc.")),
    };
    let view = params.get("view").map(|v| v.trim().to_owned());
    if !matches!(view.as_deref(), None | Some("" | "directory" | "summary")) {
        return Err(bad("view", "directory or summary."));
    }
    let query = UserQuery {
        search: params.get("search").cloned().unwrap_or_default(),
        sort,
        descending,
        start: whole("offset", 0, 0, u32::MAX)?,
        limit: whole("limit", 1000, 1, 1000)?,
        after: None,
    };
    let users::WholePage {
        total,
        items: details,
        ..
    } = users::list_users_whole(&state.db, &caller.0, &name, None, &query).await?;
    let extensions: Vec<&str> = details.iter().map(|d| d.values.user.as_str()).collect();
    let ids = users::ids_with_extensions(&state.db, &caller.0, &name, &extensions).await?;
    let all_groups = call_queues::queue_refs(&state.db, &caller.0, &name).await?;
    let items: Vec<Value> = details
        .iter()
        .filter_map(|d| {
            let id = *ids.get(d.values.user.as_str())?;
            let full = shaped(d, id, &all_groups);
            Some(match view.as_deref() {
                Some("directory") => directory(&full),
                Some("summary") => summary(&full),
                _ => full,
            })
        })
        .collect();
    Ok(Json(json!({"total": total, "items": items})))
}

/// Create a user with its lines, extension, incalls, groups, voicemail, forwards, fallbacks and
/// services, in one transaction: all of it, or (with every problem listed) nothing.
#[utoipa::path(post, path = "/users", tag = "users", operation_id = "create_user",
    params(("Wazo-Tenant" = Option<String>, Header, description = "The domain's name; default: the caller's own.")),
    request_body(content = UserDoc, content_type = "application/json"),
    responses(
        (status = 201, description = "Created: the user with its nested resources.", body = UserDoc),
        (status = 400, description = "Nothing was created: every problem, one message each.", body = Vec<String>),
    ))]
async fn create_user(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    body: Bytes,
) -> WazoResult<Response> {
    let name = in_tenant(&state, &caller, &headers).await?;
    let body = object(&headers, &body)?;
    let (all_groups, named) = lookups(&state, &caller, &name, &body).await?;
    let lookups = Lookups {
        groups: &all_groups,
        users: &named,
    };
    let t = translate::translate(&body, Mode::Create, &lookups);
    let form: UserForm = form_of(USER_FIELDS, &t.patch());
    let translated = t.errors.0.len();
    let created = users::create_user_translated(
        &state.db,
        &caller.0,
        &name,
        &form,
        t.devices.as_deref(),
        t.password.as_deref(),
        t.errors.clone(),
    )
    .await
    .map_err(|e| core_error(e, &t, translated))?;
    let extension = created.detail.values.user.as_str();
    let ids = users::ids_with_extensions(&state.db, &caller.0, &name, &[extension]).await?;
    let id = *ids.get(extension).ok_or(AppError::Internal)?;
    let location = format!("{}/users/{id}", super::BASE);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(shaped(&created.detail, id, &all_groups)),
    )
        .into_response())
}

/// Read a user, by id or uuid.
#[utoipa::path(get, path = "/users/{id}", tag = "users", operation_id = "get_user",
    params(
        ("id" = String, Path, description = "The user's id or uuid."),
        ("Wazo-Tenant" = Option<String>, Header, description = "The domain's name; default: the caller's own."),
    ),
    responses(
        (status = 200, description = "The user.", body = UserDoc),
        (status = 404, description = "No such user in this tenant.", body = Vec<String>),
    ))]
async fn get_user(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> WazoResult<Json<Value>> {
    let (name, id, extension) = user_at(&state, &caller, &headers, &raw).await?;
    let detail = read(&state, &caller, &name, &extension, &raw).await?;
    let all_groups = call_queues::queue_refs(&state.db, &caller.0, &name).await?;
    Ok(Json(shaped(&detail, id, &all_groups)))
}

/// Change a user: the members sent. With `recursive=true`, the nested `lines` (the first
/// line's SIP name and password, and the extension), `incalls`, `groups` and `voicemail` sent
/// replace the user's.
#[utoipa::path(put, path = "/users/{id}", tag = "users", operation_id = "update_user",
    params(
        ("id" = String, Path, description = "The user's id or uuid."),
        ("recursive" = Option<bool>, Query, description = "Replace the nested resources sent too."),
        ("Wazo-Tenant" = Option<String>, Header, description = "The domain's name; default: the caller's own."),
    ),
    request_body(content = UserDoc, content_type = "application/json"),
    responses((status = 204, description = "Changed.")))]
async fn update_user(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path(raw): Path<String>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
    body: Bytes,
) -> WazoResult<StatusCode> {
    let params = query(params)?;
    let recursive = flag(&params, "recursive")?;
    let (name, _, extension) = user_at(&state, &caller, &headers, &raw).await?;
    let body = object(&headers, &body)?;
    let (all_groups, named) = lookups(&state, &caller, &name, &body).await?;
    let lookups = Lookups {
        groups: &all_groups,
        users: &named,
    };
    let mut t = translate::translate(&body, Mode::Update { recursive }, &lookups);
    let mut fields = t.patch().0;
    if let Some(devices) = t.devices.take() {
        if devices.len() > 1 {
            t.refuse_extra_lines(devices.len());
        }
        if let Some(first) = devices.into_iter().next() {
            fields.push(("device".to_owned(), first.device));
            if !first.device_sip_registration_password.is_empty() {
                fields.push((
                    "device-sip-registration-password".to_owned(),
                    first.device_sip_registration_password,
                ));
            }
        }
    }
    if !t.errors.is_empty() {
        return Err(WazoError::fields(&t.errors, "Input Error", &|f| {
            f.to_owned()
        }));
    }
    let patch = app::model::fields::Patch(fields);
    users::update_user(&state.db, &caller.0, &name, &extension, &patch)
        .await
        .map_err(|e| core_error(e, &t, 0))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a user. Without `recursive=true`, a user with a voicemail box is refused (Wazo's
/// rule); with it, the box goes too. Its devices, numbers (freed), answer rule, memberships and
/// portal login always go with it.
#[utoipa::path(delete, path = "/users/{id}", tag = "users", operation_id = "delete_user",
    params(
        ("id" = String, Path, description = "The user's id or uuid."),
        ("recursive" = Option<bool>, Query, description = "Delete the user's voicemail box too."),
        ("Wazo-Tenant" = Option<String>, Header, description = "The domain's name; default: the caller's own."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, description = "The user has a voicemail box (and recursive is not true).", body = Vec<String>),
    ))]
async fn delete_user(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path(raw): Path<String>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> WazoResult<StatusCode> {
    let params = query(params)?;
    let recursive = flag(&params, "recursive")?;
    let (name, _, extension) = user_at(&state, &caller, &headers, &raw).await?;
    match users::delete_user(&state.db, &caller.0, &name, &extension, recursive).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(AppError::PreconditionFailed { .. }) => Err(WazoError::new(
            StatusCode::BAD_REQUEST,
            "Resource Error - User is associated to a Voicemail: delete it with ?recursive=true",
        )),
        Err(AppError::NotFound) => Err(WazoError::user_not_found(&raw)),
        Err(e) => Err(e.into()),
    }
}

/// Changes a user by a sub-resource's body, translated by `f`.
async fn change_by(
    state: &AppState,
    caller: &WazoCaller,
    headers: &HeaderMap,
    raw: &str,
    body: &Bytes,
    f: impl FnOnce(&mut Translated, &Value),
) -> WazoResult<StatusCode> {
    let (name, _, extension) = user_at(state, caller, headers, raw).await?;
    let body = Value::Object(object(headers, body)?);
    let t = translate::sub_resource(|t| f(t, &body));
    if !t.errors.is_empty() {
        return Err(WazoError::fields(&t.errors, "Input Error", &|f| {
            f.to_owned()
        }));
    }
    users::update_user(&state.db, &caller.0, &name, &extension, &t.patch())
        .await
        .map_err(|e| core_error(e, &t, 0))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user's form, read.
async fn form_at(
    state: &AppState,
    caller: &WazoCaller,
    headers: &HeaderMap,
    raw: &str,
) -> WazoResult<UserForm> {
    let (name, _, extension) = user_at(state, caller, headers, raw).await?;
    Ok(read(state, caller, &name, &extension, raw)
        .await?
        .values
        .to_form())
}

/// Read a user's forwards (Roster's answer rule for `*`).
#[utoipa::path(get, path = "/users/{id}/forwards", tag = "forwards", operation_id = "list_user_forwards",
    params(("id" = String, Path, description = "The user's id or uuid.")),
    responses((status = 200, description = "The forwards.", body = ForwardsDoc)))]
async fn get_forwards(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> WazoResult<Json<Value>> {
    Ok(Json(forwards_of(
        &form_at(&state, &caller, &headers, &raw).await?,
    )))
}

/// Change a user's forwards: those sent.
#[utoipa::path(put, path = "/users/{id}/forwards", tag = "forwards", operation_id = "update_user_forwards",
    params(("id" = String, Path, description = "The user's id or uuid.")),
    request_body(content = ForwardsDoc, content_type = "application/json"),
    responses((status = 204, description = "Changed.")))]
async fn update_forwards(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path(raw): Path<String>,
    body: Bytes,
) -> WazoResult<StatusCode> {
    change_by(&state, &caller, &headers, &raw, &body, |t, v| {
        translate::forwards(t, v, "")
    })
    .await
}

/// The Roster field that `name` stands for in `table` (of the forwards, of the services), or
/// Wazo's 404 saying which `kind` of names there are.
fn field_named(kind: &str, table: &[(&str, &'static str)], name: &str) -> WazoResult<&'static str> {
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, field)| *field)
        .ok_or_else(|| {
            let names: Vec<&str> = table.iter().map(|(known, _)| *known).collect();
            WazoError::new(
                StatusCode::NOT_FOUND,
                format!("Resource Not Found - no such {kind}: {}", names.join(", ")),
            )
        })
}

/// Read one forward.
#[utoipa::path(get, path = "/users/{id}/forwards/{forward}", tag = "forwards", operation_id = "get_user_forward",
    params(
        ("id" = String, Path, description = "The user's id or uuid."),
        ("forward" = String, Path, description = "busy, noanswer or unconditional."),
    ),
    responses((status = 200, description = "The forward.", body = ForwardDoc)))]
async fn get_forward(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path((raw, forward)): Path<(String, String)>,
) -> WazoResult<Json<Value>> {
    field_named("forward", &FORWARDS, &forward)?;
    let all = forwards_of(&form_at(&state, &caller, &headers, &raw).await?);
    Ok(Json(all[forward.as_str()].clone()))
}

/// Change one forward.
#[utoipa::path(put, path = "/users/{id}/forwards/{forward}", tag = "forwards", operation_id = "update_user_forward",
    params(
        ("id" = String, Path, description = "The user's id or uuid."),
        ("forward" = String, Path, description = "busy, noanswer or unconditional."),
    ),
    request_body(content = ForwardDoc, content_type = "application/json"),
    responses((status = 204, description = "Changed.")))]
async fn update_forward(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path((raw, forward)): Path<(String, String)>,
    body: Bytes,
) -> WazoResult<StatusCode> {
    let field = field_named("forward", &FORWARDS, &forward)?;
    change_by(&state, &caller, &headers, &raw, &body, |t, v| {
        translate::forward(t, v, "", field)
    })
    .await
}

/// Read a user's services.
#[utoipa::path(get, path = "/users/{id}/services", tag = "services", operation_id = "list_user_services",
    params(("id" = String, Path, description = "The user's id or uuid.")),
    responses((status = 200, description = "The services.", body = ServicesDoc)))]
async fn get_services(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> WazoResult<Json<Value>> {
    Ok(Json(services_of(
        &form_at(&state, &caller, &headers, &raw).await?,
    )))
}

/// Change a user's services: those sent.
#[utoipa::path(put, path = "/users/{id}/services", tag = "services", operation_id = "update_user_services",
    params(("id" = String, Path, description = "The user's id or uuid.")),
    request_body(content = ServicesDoc, content_type = "application/json"),
    responses((status = 204, description = "Changed.")))]
async fn update_services(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path(raw): Path<String>,
    body: Bytes,
) -> WazoResult<StatusCode> {
    change_by(&state, &caller, &headers, &raw, &body, |t, v| {
        translate::services(t, v, "")
    })
    .await
}

/// Read one service.
#[utoipa::path(get, path = "/users/{id}/services/{service}", tag = "services", operation_id = "get_user_service",
    params(
        ("id" = String, Path, description = "The user's id or uuid."),
        ("service" = String, Path, description = "dnd or incallfilter."),
    ),
    responses((status = 200, description = "The service.", body = ServiceDoc)))]
async fn get_service(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path((raw, service)): Path<(String, String)>,
) -> WazoResult<Json<Value>> {
    field_named("service", &SERVICES, &service)?;
    let all = services_of(&form_at(&state, &caller, &headers, &raw).await?);
    Ok(Json(all[service.as_str()].clone()))
}

/// Change one service.
#[utoipa::path(put, path = "/users/{id}/services/{service}", tag = "services", operation_id = "update_user_service",
    params(
        ("id" = String, Path, description = "The user's id or uuid."),
        ("service" = String, Path, description = "dnd or incallfilter."),
    ),
    request_body(content = ServiceDoc, content_type = "application/json"),
    responses((status = 204, description = "Changed.")))]
async fn update_service(
    State(state): State<AppState>,
    caller: WazoCaller,
    headers: HeaderMap,
    Path((raw, service)): Path<(String, String)>,
    body: Bytes,
) -> WazoResult<StatusCode> {
    let field = field_named("service", &SERVICES, &service)?;
    change_by(&state, &caller, &headers, &raw, &body, |t, v| {
        translate::service(t, v, "", field)
    })
    .await
}
